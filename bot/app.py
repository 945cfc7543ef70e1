"""The composition root: the one place that builds and wires every part of the bot.

Settings → clock → database (migrated) → catalog (the shipped files validated, then the
served version from the database) → router → live catalog → roles, reminders, desks →
engine → inbox, outbox, gateway → the channels the settings ask for, each with its courier.
The built parts are held by :class:`bot.runtime.App`, which runs and stops them. No module keeps
a global instance, and no adapter builds its own defaults: everything is handed in here.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

from bot.catalog.versions import CatalogStore, decode, encode
from bot.catalog.warm_start import digest_files, warm_start_for
from bot.channels.base import Gateway, GatewaySettings, Waker
from bot.channels.flood import FloodControl
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.console.handoff import Handoffs, build_handoffs
from bot.console.notices import Board, Notices
from bot.conversation.contacts import Contacts
from bot.conversation.engine import Engine, EngineConfig
from bot.conversation.live import LiveCatalog, Snapshot
from bot.conversation.noticeboard import Noticeboard
from bot.desks.admin import AdminDesk, FileChecks
from bot.desks.dispatch import Desks, ReminderChat
from bot.desks.helper import HelperMode
from bot.faults import Faults
from bot.i18n import Languages
from bot.jobs.reminders import ReminderBook
from bot.runtime import App
from bot.storage.database import ConversationStore, Database
from bot.storage.events import Recorder
from bot.storage.inbox import Inbox
from bot.storage.outbox import Outbox, SendLimits, Window
from bot.storage.roles import Staff
from intents import Router, Thresholds, build_index, build_router
from intents.index import collection_paused
from intents.referred import SHIPPED_REFERRALS
from procedures.catalog import Catalog, CatalogError
from procedures.links import LinkPolicy
from procedures.validation import required_ids, validate_catalog

if TYPE_CHECKING:
    from bot.channels.terminal import TerminalChannel
    from bot.console.services import ConsoleServices

log = logging.getLogger(__name__)
ZALO_TIMEOUT_SECONDS = 10.0  # one OA API call; a slower answer is retried by the courier


def load_catalog(settings: Settings) -> Catalog:
    """Load and validate the shipped (or configured) files; a catalog that fails is never served."""
    catalog = Catalog.load(settings.catalog_dir, settings.listing_file)
    policy = LinkPolicy(settings.allowed_link_suffixes)
    required = required_ids() if settings.catalog_dir is None else ()
    problems = validate_catalog(list(catalog), policy, required)
    if problems:
        raise CatalogError(problems)
    return catalog


def router_thresholds(settings: Settings) -> Thresholds:
    """The router's decision thresholds from the settings."""
    return Thresholds(settings.router.match, settings.router.no_match, settings.router.margin)


def open_catalog(settings: Settings, store: CatalogStore) -> Snapshot:
    """The served snapshot: the database's current version, seeded from the files on first start."""
    with collection_paused():
        return _open_catalog(settings, store)


def shipped_catalog(settings: Settings) -> tuple[Catalog, str]:
    """The validated shipped (or configured) catalog and its digest, from the start-up cache when it holds them."""
    warm = warm_start_for(settings.cache_dir, settings.database_url)
    configured = [path for path in (settings.listing_file,) if path is not None]
    if settings.catalog_dir is not None:
        configured += sorted(settings.catalog_dir.rglob("*.y*ml"))
    return warm.remember("shipped", [digest_files(configured)], lambda: _shipped(settings))


def _open_catalog(settings: Settings, store: CatalogStore) -> Snapshot:
    warm = warm_start_for(settings.cache_dir, settings.database_url)
    shipped, digest = shipped_catalog(settings)
    source = str(settings.catalog_dir) if settings.catalog_dir else "shipped catalog files"
    with store.database.exclusive("seed-catalog"):  # processes starting together store one version
        row = store.seed(shipped, source, digest)
    # The common case -- the database serves exactly the shipped files -- skips decoding.
    catalog = shipped if row.digest == digest else decode(row)
    assert row.id is not None
    thresholds = router_thresholds(settings)
    if warm.folder is None:
        return Snapshot(row.id, catalog, build_router(catalog, thresholds))
    index = warm.remember("index", [row.digest], lambda: build_index(catalog))
    return Snapshot(row.id, catalog, Router(index, thresholds))


def _shipped(settings: Settings) -> tuple[Catalog, str]:
    """The validated shipped (or configured) catalog and the digest of its encoding, to compare with the database."""
    shipped = load_catalog(settings)
    # Only the digest is kept (and cached): the 5 MB of JSON are encoded again in the rare start
    # that stores a new version, instead of being read from the cache on every start.
    return shipped, encode(shipped.entries.values(), shipped.listing.values()).digest


def build_app(settings: Settings, clock: Clock | None = None, record_events: bool = True, channels: bool = True) -> App:
    """Wire the bot for ``settings``: migrate the database, load the catalog, build the channels."""
    clock = clock or SystemClock()
    database = Database(settings.database_url)
    database.migrate()
    store = CatalogStore(database, clock)
    thresholds = router_thresholds(settings)
    live = LiveCatalog(
        store,
        open_catalog(settings, store),
        lambda catalog: build_router(catalog, thresholds),
        settings.catalog_reload_seconds,
    )
    recorder = Recorder(database, enabled=record_events)
    languages = Languages(default=settings.default_locale)
    staff = Staff(database, settings.admins)
    outbox = Outbox(database, settings.user_salt, recorder)
    reminders = ReminderBook(database, recorder, outbox)
    wakers: dict[str, list[Waker]] = {}  # each channel's courier, nudged when replies are written
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dvcbot-files")

    def wake(channel: str) -> None:
        for waker in wakers.get(channel, []):
            waker.wake()

    checks = FileChecks(background, outbox, clock, live, wake)
    desks = build_desks(settings, store, live, staff, reminders, checks)
    board = Board(Notices(database, LinkPolicy(settings.allowed_link_suffixes)))
    switchboard = build_handoffs(settings, database, outbox, languages) if settings.console else None
    engine = build_engine(settings, database, live, languages, recorder, desks, board, switchboard)
    inbox = Inbox(database, settings.user_salt)
    gateway = build_gateway(settings, engine, inbox, outbox, clock, wakers)
    timezone = ZoneInfo(settings.timezone)
    parts = (settings, clock, database, store, live, engine, staff, recorder, reminders, languages, timezone)
    app = App(*parts, inbox, outbox, gateway)
    app.background = background
    if channels:
        build_channels(app)
    if settings.console:
        add_console(app)
    return app


def build_desks(
    settings: Settings,
    store: CatalogStore,
    live: LiveCatalog,
    staff: Staff,
    reminders: ReminderBook,
    checks: FileChecks,
) -> Desks:
    """The desks beyond the guide: reminders, helper mode and the admin tools."""
    timezone = ZoneInfo(settings.timezone)
    policy = LinkPolicy(settings.allowed_link_suffixes)
    required = required_ids() if settings.catalog_dir is None else []
    database = store.database
    return Desks(
        staff=staff,
        reminders=ReminderChat(reminders, timezone, settings.reminder_days),
        helper=HelperMode(staff, database, timezone),
        admin=AdminDesk(staff, database, store, live, policy, required, timezone, checks),
    )


def build_engine(
    settings: Settings,
    database: Database,
    live: LiveCatalog,
    languages: Languages,
    recorder: Recorder,
    desks: Desks,
    board: Noticeboard | None = None,
    switchboard: Handoffs | None = None,
) -> Engine:
    """The conversation engine, with the desks and the officers' noticeboard handed in."""
    return Engine(
        referrals=SHIPPED_REFERRALS,  # the router's own: one read of referrals.yaml
        live=live,
        store=ConversationStore(database),
        languages=languages,
        recorder=recorder,
        config=EngineConfig(
            user_salt=settings.user_salt,
            idle_minutes=settings.idle_minutes,
            max_text_chars=settings.max_text_chars,
            default_locale=settings.default_locale,
            timezone=settings.timezone,
        ),
        contacts=Contacts.load(settings.contacts_file),
        desks=desks,
        board=board,
        switchboard=switchboard,
    )


def build_gateway(
    settings: Settings, engine: Engine, inbox: Inbox, outbox: Outbox, clock: Clock, wakers: dict[str, list[Waker]]
) -> Gateway:
    """The gateway every channel shares: pacing, inbox, processing, outbox."""
    return Gateway(
        engine,
        inbox,
        outbox,
        clock,
        FloodControl(settings.flood_burst, settings.flood_rate, settings.flood_max_delay),
        wakers,
        GatewaySettings(
            backlog_limit=settings.backlog_limit,
            max_text_chars=settings.max_text_chars,
            workers=2 if engine.store.database.is_postgres else 1,
        ),
        Faults(settings.fault),
    )


def send_limits(per_second: int, settings: Settings) -> SendLimits:
    """A channel's caps: the operator's rate for the whole channel, and the per-chat windows."""
    chat = (Window(settings.chat_burst, 1.0), Window(settings.chat_per_10s, 10.0))
    return SendLimits(total=(Window(per_second, 1.0),), chat=chat)


def build_channels(app: App) -> None:
    """The channels the settings configure: messengers and the web chat (their SDKs are imported only then)."""
    settings = app.settings
    if settings.telegram_token:
        from bot.channels.telegram import TelegramChannel

        webhook = bool(settings.telegram_webhook_url)
        telegram = TelegramChannel(
            app.gateway,
            app.languages,
            app.staff,
            app.clock,
            settings.telegram_token,
            settings.telegram_api_base_url,
            webhook,
            send_limits(settings.telegram_send_rate, settings),
        )
        app.add_channel(telegram)
        admins = [user_id for channel, user_id in settings.admins if channel == "telegram"]

        async def start_telegram() -> None:
            await telegram.start(admins, settings.telegram_webhook_url, settings.telegram_webhook_secret)

        app.starters.append((start_telegram, telegram.stop))
        if webhook:
            app.routes.append(telegram.route(settings.telegram_webhook_secret))
    if settings.zalo_enabled:
        import httpx

        from bot.channels.zalo import ZaloChannel, ZaloClient, ZaloConfig

        config = ZaloConfig(
            settings.zalo_app_id,
            settings.zalo_oa_secret_key,
            settings.zalo_access_token,
            settings.zalo_refresh_token,
            settings.zalo_app_secret,
            settings.zalo_api_base_url,
            settings.zalo_oauth_base_url,
        )
        client = ZaloClient(config, app.database, app.clock, httpx.AsyncClient(timeout=ZALO_TIMEOUT_SECONDS))
        zalo = ZaloChannel(app.gateway, client, app.clock, send_limits(settings.zalo_send_rate, settings))
        app.add_channel(zalo)
        app.routes.append(zalo.route())

        async def no_start() -> None:
            return None

        app.starters.append((no_start, client.close))
    if settings.web_chat:
        add_web_chat(app)


def add_web_chat(app: App) -> None:
    """The web chat: its channel on the gateway, its pages and API on the web server."""
    import datetime as dt

    from bot.channels.web import WebChannel
    from bot.web.chat import WebChat
    from bot.web.guard import AddressLimits, Origins
    from bot.web.tokens import Tokens

    settings = app.settings
    web = WebChannel(app.gateway, app.outbox, app.clock)
    app.add_channel(web)
    tokens = Tokens(settings.user_salt, dt.timedelta(days=settings.web_token_days))
    chat = WebChat(web, tokens, Origins.of(settings.web_origins), app.languages, app.clock, AddressLimits())
    app.routes.extend(chat.routes())


def console_services(app: App) -> ConsoleServices:
    """The officer console's services over the bot's database, catalog, clock and languages."""
    import datetime as dt

    from bot.catalog.updates import CatalogUpdates
    from bot.console.accounts import Accounts
    from bot.console.audit import AuditLog
    from bot.console.backoff import Backoff
    from bot.console.mappings import Mappings
    from bot.console.reports import Reports
    from bot.console.services import ConsoleServices
    from bot.console.sessions import Sessions
    from intents.regression import shipped_sets

    settings, database, live = app.settings, app.database, app.live
    text_days = settings.raw_text_days  # the inbox reads what the purge keeps
    policy = LinkPolicy(settings.allowed_link_suffixes)
    required = required_ids() if settings.catalog_dir is None else []
    updates = CatalogUpdates(app.store, live.served, policy, required, live.refresh)
    return ConsoleServices(
        accounts=Accounts(database, settings.user_salt, settings.admins),
        sessions=Sessions(database, dt.timedelta(hours=settings.console_session_hours)),
        backoff=Backoff(database, settings.user_salt),
        audit=AuditLog(database),
        # The engine's board and the console share one Notices: an officer's change shows at once.
        notices=board.notices if isinstance(board := app.engine.board, Board) else Notices(database, policy),
        reports=Reports(database, app.timezone),
        updates=updates,
        catalog=lambda: (live.current.version_id, live.current.catalog),
        clock=app.clock,
        languages=app.languages,
        timezone=app.timezone,
        mappings=Mappings(database, app.clock, updates, live.served, live.build_router, shipped_sets, text_days),
    )


def add_console(app: App) -> None:
    """The officer console (``/console``) on the web server: sign-in, statistics, catalog, notices."""
    from bot.web.console import Console
    from bot.web.console_catalog import CatalogPages
    from bot.web.console_handoff import HandoffPages
    from bot.web.console_inbox import InboxPages
    from bot.web.console_notices import NoticePages
    from bot.web.console_stats import StatsPages

    sections = (StatsPages().pages, CatalogPages().pages, NoticePages().pages, InboxPages().pages)
    handoffs = app.engine.live_desk.switchboard
    if isinstance(handoffs, Handoffs):  # the live handoff's queue and conversations
        sections += (HandoffPages(handoffs, app.gateway.wake_courier).pages,)  # type: ignore[assignment]
    app.routes.extend(Console(console_services(app), sections).routes())


def add_terminal(app: App, source: TextIO, sink: TextIO, user_id: str) -> TerminalChannel:
    """The terminal chat on ``source``/``sink``, served like any channel (its courier delivers)."""
    from bot.channels.terminal import TerminalChannel

    terminal = TerminalChannel(app.gateway, app.clock, source, sink, user_id=user_id)
    terminal.courier = app.add_channel(terminal)
    return terminal


__all__ = [
    "App",
    "add_console",
    "add_terminal",
    "add_web_chat",
    "build_app",
    "build_channels",
    "console_services",
    "load_catalog",
    "open_catalog",
    "router_thresholds",
]

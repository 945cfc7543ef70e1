"""The composition root: the one place that builds and wires every part of the bot.

Settings → clock → database (migrated) → catalog (the shipped files validated, then the
served version from the database) → router → live catalog → roles, reminders, desks →
engine → inbox, outbox, gateway → the channels the settings ask for, each with its courier.
Nothing starts a thread or a task until :meth:`App.running` (or the terminal chat) does, so
commands such as ``dvcbot stats`` start no background work. No module keeps a global instance.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.admin_desk import AdminDesk, FileChecks
from bot.catalog_store import CatalogStore, decode, encode
from bot.channels.base import Adapter, Gateway, GatewaySettings, Waker
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.contacts import Contacts
from bot.delivery import Courier, DeliverySettings
from bot.desks import Desks, ReminderChat
from bot.engine import Engine, EngineConfig
from bot.events import Recorder
from bot.faults import Faults
from bot.flood import FloodControl
from bot.helper_mode import HelperMode
from bot.i18n import Languages
from bot.inbox import DEDUPE_PERIOD, Inbox
from bot.live import LiveCatalog, Snapshot
from bot.outbox import Outbox, SendLimits, Window
from bot.reminders import ReminderBook, render_reminder
from bot.roles import Staff
from bot.storage import ConversationStore, Database
from intents import Router, Thresholds, build_router
from procedures.catalog import Catalog, CatalogError
from procedures.links import LinkPolicy
from procedures.referrals import Referrals
from procedures.validation import required_ids, validate_catalog

if TYPE_CHECKING:  # imported by make_scheduler: a terminal chat or a CLI command schedules nothing
    from bot.scheduling import Scheduler

log = logging.getLogger(__name__)
CHECKPOINT_SECONDS = 1.0


@dataclass
class App:
    """Everything a channel needs, built once per process."""

    settings: Settings
    clock: Clock
    database: Database
    store: CatalogStore
    live: LiveCatalog
    engine: Engine
    staff: Staff
    recorder: Recorder
    reminders: ReminderBook
    languages: Languages
    timezone: ZoneInfo
    inbox: Inbox
    outbox: Outbox
    gateway: Gateway
    channels: dict[str, Adapter] = field(default_factory=dict)
    couriers: dict[str, Courier] = field(default_factory=dict)
    routes: list[Any] = field(default_factory=list)  # webhook routes of the channels
    scheduler: Scheduler | None = None
    starters: list[Any] = field(default_factory=list)  # (start, stop) coroutine factories per channel
    background: Executor | None = None  # checks of uploaded files

    @property
    def catalog(self) -> Catalog:
        """The catalog being served now."""
        return self.live.current.catalog

    @property
    def router(self) -> Router:
        """The router of the catalog being served now."""
        return self.live.current.router

    def add_channel(self, adapter: Adapter) -> Courier:
        """Serve ``adapter``'s channel: the gateway accepts its messages, a courier delivers its replies."""
        delivery = DeliverySettings(max_age=dt.timedelta(hours=self.settings.reply_max_age_hours))
        courier = Courier(adapter, self.outbox, self.clock, delivery)
        self.gateway.register(adapter)
        self.gateway.wakers.setdefault(adapter.channel, []).append(courier)
        self.channels[adapter.channel] = adapter
        self.couriers[adapter.channel] = courier
        return courier

    def make_scheduler(self) -> Scheduler:
        """The scheduler of this process: reminder sweep, daily housekeeping and weekly digest."""
        from bot.digest import Digest
        from bot.scheduling import JobSet, Scheduler

        digest = Digest(
            database=self.database,
            live=self.live,
            admins=self.settings.admins,
            outbox=self.outbox,
            channels=set(self.channels),
            salt=self.settings.user_salt,
            languages=self.languages,
            timezone=self.timezone,
            stale_days=self.settings.stale_days,
        )
        return Scheduler(
            self.database,
            name=f"dvcbot-{id(self)}",
            timezone=self.timezone,
            jobs=JobSet(reminders=self.send_reminders, purge=self.purge, digest=digest.send),
            clock=self.clock,
            digest_day=self.settings.digest_day,
            digest_hour=self.settings.digest_hour,
        )

    def send_reminders(self, now: dt.datetime) -> None:
        """The minute job: hand due reminders to the outbox, then nudge the couriers."""
        catalog = self.catalog
        report = self.reminders.send_due(
            now, lambda item: render_reminder(item, catalog, self.languages), catalog.version
        )
        if report.sent:
            for courier in self.couriers.values():
                courier.wake()

    def purge(self, now: dt.datetime) -> None:
        """The daily job: drop old message text, expired dedupe keys and delivered replies."""
        removed = self.recorder.purge_text(now - dt.timedelta(days=self.settings.raw_text_days))
        forgotten = self.inbox.prune(now - DEDUPE_PERIOD)
        closed = self.outbox.prune(now - DEDUPE_PERIOD)
        self.database.compact()
        log.info("purged %s texts, %s dedupe keys, %s closed replies", removed, forgotten, closed)

    def web_app(self) -> Any:
        """The ASGI application: the channels' webhook routes and ``/healthz``."""
        from bot.web import make_web_app

        return make_web_app(self.routes)

    @asynccontextmanager
    async def running(self, serve_web: bool = True, background: bool = True) -> AsyncIterator[App]:
        """Run the gateway, the couriers and the channels (and the web server, the scheduler)."""
        self.database.claim()
        tasks = [asyncio.create_task(self.gateway.run(), name="gateway")]
        tasks += [asyncio.create_task(c.run(), name=f"courier-{name}") for name, c in self.couriers.items()]
        if not self.database.is_postgres:
            tasks.append(asyncio.create_task(self._checkpoints(), name="checkpoints"))
        started = []
        server = None
        try:
            for start, stop in self.starters:
                await start()
                started.append(stop)
            if serve_web and self.routes:
                from bot.web import Server

                server = Server(self.web_app(), self.settings.web_host, self.settings.web_port)
                await server.start()
            if background:
                self.live.start()
                self.scheduler = self.make_scheduler()
                self.scheduler.start()
            # The catalog and router are a few hundred thousand long-lived objects: a full
            # garbage collection scanning them stalls every request for ~80 ms. Frozen, they
            # are left out of the scans (reference counting still frees them).
            gc.freeze()
            yield self
        finally:
            if server is not None:
                await server.stop()
            for stop in reversed(started):
                await stop()
            self.gateway.stop()
            for courier in self.couriers.values():
                courier.stop()
            for task in tasks:
                if task.get_name() == "checkpoints":
                    task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _checkpoints(self) -> None:
        """SQLite: fold the log into the file every second, off the message path."""
        while True:
            await asyncio.sleep(CHECKPOINT_SECONDS)
            try:
                await asyncio.to_thread(self.database.checkpoint)
            except Exception:  # a busy moment: the next one will do
                log.debug("checkpoint skipped", exc_info=True)

    def close(self) -> None:
        """Stop background work and release database connections."""
        if self.scheduler is not None:
            self.scheduler.shutdown()
            self.scheduler = None
        self.live.stop()
        if self.background is not None:
            self.background.shutdown(wait=True, cancel_futures=False)
        self.database.dispose()


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


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (reference counting still frees memory).

    Loading the catalog and indexing it create a few hundred thousand long-lived objects; with
    the collector on, each growth of the heap by a quarter triggers a full collection that
    scans all of them again, which more than doubles the time to build the router.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def open_catalog(settings: Settings, store: CatalogStore) -> Snapshot:
    """The served snapshot: the database's current version, seeded from the files on first start."""
    with collection_paused():
        return _open_catalog(settings, store)


def _open_catalog(settings: Settings, store: CatalogStore) -> Snapshot:
    shipped = load_catalog(settings)
    encoded = encode(shipped.entries.values(), shipped.listing.values())
    source = str(settings.catalog_dir) if settings.catalog_dir else "shipped catalog files"
    with store.database.exclusive("seed-catalog"):  # processes starting together store one version
        row = store.seed(shipped, source, encoded)
    # The common case -- the database serves exactly the shipped files -- skips decoding.
    catalog = shipped if row.digest == encoded.digest else decode(row)
    assert row.id is not None
    return Snapshot(row.id, catalog, build_router(catalog, router_thresholds(settings)))


def build_app(settings: Settings, clock: Clock | None = None, record_events: bool = True, channels: bool = True) -> App:
    """Wire the bot for ``settings``: migrate the database, load the catalog, build the channels."""
    clock = clock or SystemClock()
    database = Database(settings.database_url)
    database.migrate()
    timezone = ZoneInfo(settings.timezone)
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
    policy = LinkPolicy(settings.allowed_link_suffixes)
    required = required_ids() if settings.catalog_dir is None else []
    desks = Desks(
        staff=staff,
        reminders=ReminderChat(reminders, timezone, settings.reminder_days),
        helper=HelperMode(staff, database, timezone),
        admin=AdminDesk(staff, database, store, live, policy, required, timezone, checks),
    )
    engine = Engine(
        referrals=Referrals.load(),
        live=live,
        store=ConversationStore(database),
        languages=languages,
        recorder=recorder,
        config=EngineConfig(
            user_salt=settings.user_salt,
            idle_minutes=settings.idle_minutes,
            max_text_chars=settings.max_text_chars,
            default_locale=settings.default_locale,
        ),
        contacts=Contacts.load(settings.contacts_file),
        desks=desks,
    )
    inbox = Inbox(database, settings.user_salt)
    gateway = Gateway(
        engine,
        inbox,
        outbox,
        clock,
        FloodControl(settings.flood_burst, settings.flood_rate, settings.flood_max_delay),
        wakers,
        GatewaySettings(
            backlog_limit=settings.backlog_limit,
            max_text_chars=settings.max_text_chars,
            workers=2 if database.is_postgres else 1,
        ),
        Faults(settings.fault),
    )
    app = App(
        settings,
        clock,
        database,
        store,
        live,
        engine,
        staff,
        recorder,
        reminders,
        languages,
        timezone,
        inbox,
        outbox,
        gateway,
    )
    if channels:
        build_channels(app)
    return app


def send_limits(per_second: int, settings: Settings) -> SendLimits:
    """A channel's caps: the operator's rate for the whole channel, and the per-chat windows."""
    chat = (Window(settings.chat_burst, 1.0), Window(settings.chat_per_10s, 10.0))
    return SendLimits(total=(Window(per_second, 1.0),), chat=chat)


def build_channels(app: App) -> None:
    """The messenger channels the settings configure (platform SDKs are imported only then)."""
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
        client = ZaloClient(config, app.database, app.clock)
        zalo = ZaloChannel(app.gateway, client, app.clock, send_limits(settings.zalo_send_rate, settings))
        app.add_channel(zalo)
        app.routes.append(zalo.route())

        async def no_start() -> None:
            return None

        app.starters.append((no_start, client.close))


__all__ = ["App", "build_app", "build_channels", "load_catalog", "open_catalog", "router_thresholds"]

"""The composition root: the one place that builds and wires every part of the bot.

Settings → database (migrated) → catalog (the shipped files validated, then the served
version from the database) → router → live catalog → roles, reminders, desks → engine.
Channels receive the built :class:`App` and register their outboxes on it; background
work (catalog polling, the scheduler) starts only when a channel runs, so commands such
as ``dvcbot stats`` start no threads. No module keeps a global instance.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.admin_desk import AdminDesk
from bot.catalog_store import CatalogStore, decode, encode
from bot.config import Settings
from bot.contacts import Contacts
from bot.desks import Desks, ReminderChat
from bot.digest import Digest
from bot.engine import Engine, EngineConfig
from bot.events import Recorder
from bot.helper_mode import HelperMode
from bot.i18n import Languages
from bot.live import LiveCatalog, Snapshot
from bot.messages import Outbox
from bot.reminders import ReminderBook, render_reminder
from bot.roles import Staff
from bot.scheduling import JobSet, Scheduler
from bot.storage import ConversationStore, Database
from intents import Router, Thresholds, build_router
from procedures.catalog import Catalog, CatalogError
from procedures.links import LinkPolicy
from procedures.validation import required_ids, validate_catalog

log = logging.getLogger(__name__)


@dataclass
class App:
    """Everything a channel needs, built once per process."""

    settings: Settings
    database: Database
    store: CatalogStore
    live: LiveCatalog
    engine: Engine
    staff: Staff
    recorder: Recorder
    reminders: ReminderBook
    languages: Languages
    timezone: ZoneInfo
    outboxes: dict[str, Outbox] = field(default_factory=dict)
    scheduler: Scheduler | None = None

    @property
    def catalog(self) -> Catalog:
        """The catalog being served now."""
        return self.live.current.catalog

    @property
    def router(self) -> Router:
        """The router of the catalog being served now."""
        return self.live.current.router

    def make_scheduler(self) -> Scheduler:
        """The scheduler of this process: reminder sweep, text purge and weekly digest."""
        digest = Digest(
            self.database,
            self.live,
            self.settings.admins,
            self.outboxes,
            self.languages,
            self.timezone,
            self.settings.stale_days,
        )
        return Scheduler(
            self.database,
            name=f"dvcbot-{id(self)}",
            timezone=self.timezone,
            jobs=JobSet(reminders=self.send_reminders, purge=self.purge, digest=digest.send),
            digest_day=self.settings.digest_day,
            digest_hour=self.settings.digest_hour,
        )

    def start_background(self) -> None:
        """Poll for catalog versions and run the scheduler (its jobs run only in the leader process)."""
        self.live.start()
        self.scheduler = self.make_scheduler()
        self.scheduler.start()

    def send_reminders(self, now: dt.datetime) -> None:
        """The minute job: deliver due reminders through the channels that run here."""
        catalog = self.catalog
        self.reminders.send_due(now, self.outboxes, lambda item: render_reminder(item, catalog, self.languages))

    def purge(self, now: dt.datetime) -> None:
        """The daily job: drop message text older than the configured number of days."""
        removed = self.recorder.purge_text(now - dt.timedelta(days=self.settings.raw_text_days))
        log.info("purged the text of %s old events", removed)

    def close(self) -> None:
        """Stop background work and release database connections."""
        if self.scheduler is not None:
            self.scheduler.shutdown()
        self.live.stop()
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


def open_catalog(settings: Settings, store: CatalogStore) -> Snapshot:
    """The served snapshot: the database's current version, seeded from the files on first start."""
    shipped = load_catalog(settings)
    encoded = encode(shipped.entries.values(), shipped.listing.values())
    source = str(settings.catalog_dir) if settings.catalog_dir else "shipped catalog files"
    row = store.seed(shipped, source, encoded)
    # The common case -- the database serves exactly the shipped files -- skips decoding.
    catalog = shipped if row.digest == encoded.digest else decode(row)
    assert row.id is not None
    return Snapshot(row.id, catalog, build_router(catalog, router_thresholds(settings)))


def build_app(settings: Settings, record_events: bool = True) -> App:
    """Wire the bot for ``settings``: migrate the database and load the catalog."""
    database = Database(settings.database_url)
    database.migrate()
    timezone = ZoneInfo(settings.timezone)
    store = CatalogStore(database)
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
    reminders = ReminderBook(database, recorder)
    policy = LinkPolicy(settings.allowed_link_suffixes)
    required = required_ids() if settings.catalog_dir is None else []
    desks = Desks(
        staff=staff,
        reminders=ReminderChat(reminders, timezone, settings.reminder_days),
        helper=HelperMode(staff, database, timezone),
        admin=AdminDesk(staff, database, store, live, policy, required, timezone),
    )
    engine = Engine(
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
    return App(settings, database, store, live, engine, staff, recorder, reminders, languages, timezone)

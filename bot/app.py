"""The composition root: the one place that builds and wires every part of the bot.

Settings → database (migrated) → catalog (validated) → router → languages → recorder →
engine. Channels receive the built :class:`App`; nothing else constructs these parts, and
no module keeps a global instance.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.contacts import Contacts
from bot.engine import Engine, EngineConfig
from bot.events import Recorder
from bot.i18n import Languages
from bot.storage import ConversationStore, Database
from intents import Router, Thresholds, build_router
from procedures.catalog import Catalog, CatalogError
from procedures.links import LinkPolicy
from procedures.validation import required_ids, validate_catalog


@dataclass
class App:
    """Everything a channel needs, built once per process."""

    settings: Settings
    database: Database
    catalog: Catalog
    router: Router
    engine: Engine

    def close(self) -> None:
        """Release database connections."""
        self.database.dispose()


def load_catalog(settings: Settings) -> Catalog:
    """Load and validate the catalog; a catalog that fails validation is never served."""
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


def build_app(settings: Settings, record_events: bool = True) -> App:
    """Wire the bot for ``settings``: migrate the database and load the catalog."""
    database = Database(settings.database_url)
    database.migrate()
    catalog = load_catalog(settings)
    router = build_router(catalog, router_thresholds(settings))
    engine = Engine(
        catalog=catalog,
        router=router,
        store=ConversationStore(database),
        languages=Languages(default=settings.default_locale),
        recorder=Recorder(database, enabled=record_events),
        config=EngineConfig(
            user_salt=settings.user_salt,
            idle_minutes=settings.idle_minutes,
            max_text_chars=settings.max_text_chars,
            default_locale=settings.default_locale,
        ),
        contacts=Contacts.load(settings.contacts_file),
    )
    return App(settings, database, catalog, router, engine)

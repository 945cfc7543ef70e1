"""Everything the console's web pages use, built once by the composition root and handed in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.catalog.updates import CHANGED, CatalogChanged, CatalogUpdates
from bot.clock import Clock
from bot.console.accounts import Accounts
from bot.console.audit import AuditLog
from bot.console.backoff import Backoff
from bot.console.mappings import Mappings
from bot.console.notices import Notices
from bot.console.reports import Reports
from bot.console.sessions import Sessions
from bot.i18n import Languages
from procedures.catalog import Catalog


@dataclass(frozen=True)
class ConsoleServices:
    """The console's domain services, its clock, languages and time zone."""

    accounts: Accounts
    sessions: Sessions
    backoff: Backoff
    audit: AuditLog
    notices: Notices
    reports: Reports
    updates: CatalogUpdates
    catalog: Callable[[], tuple[int, Catalog]]  # the served version number and catalog
    clock: Clock
    languages: Languages
    timezone: ZoneInfo
    mappings: Mappings | None = None  # the unanswered inbox's proposals and approvals


# The catalog page shows an outdated draft's refusal; web imports the catalog layer through here.
__all__ = ["CHANGED", "CatalogChanged", "ConsoleServices"]

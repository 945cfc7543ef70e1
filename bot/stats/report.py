"""The usage report as data: the period asked for and every figure the statistics compute.

Frozen dataclasses, JSON-ready through ``to_dict``; :mod:`bot.stats.queries` fills them from the
events table and :mod:`bot.stats.text` turns them into a table or CSV.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Period:
    """Inclusive local dates; ``None`` leaves that side open."""

    since: dt.date | None = None
    until: dt.date | None = None

    def bounds(self, tz: ZoneInfo) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The period as a half-open UTC interval ``[start, end)`` (local midnights)."""
        start = utc_midnight(self.since, tz) if self.since else None
        end = utc_midnight(self.until + dt.timedelta(days=1), tz) if self.until else None
        return start, end


@dataclass(frozen=True)
class Totals:
    """Distinct users, messages and route decisions of the period."""

    users: int
    messages: int
    route_decisions: int


@dataclass(frozen=True)
class Day:
    """One local day: distinct users who wrote, and their messages."""

    date: dt.date
    users: int
    messages: int


@dataclass(frozen=True)
class Routes:
    """How free-text questions were routed, as counts and shares of all decisions."""

    match: int
    ambiguous: int
    no_match: int
    match_share: float
    ambiguous_share: float
    no_match_share: float


@dataclass(frozen=True)
class Procedure:
    """Interest in one procedure: cards opened, guides started and completed (events)."""

    intent: str
    cards: int
    guides_started: int
    guides_completed: int


@dataclass(frozen=True)
class Unresolved:
    """Unanswered questions that fold to the same text; ``key`` is None for purged texts."""

    key: str | None
    example: str | None
    count: int


@dataclass(frozen=True)
class DropOff:
    """Users who left a guide unfinished with this as the last step they reached."""

    step: str
    users: int


@dataclass(frozen=True)
class Funnel:
    """One guide's distinct users: started, completed, and how the others ended."""

    intent: str
    started: int
    completed: int
    completion_rate: float
    abandoned: int  # quit with "thoát" and did not complete
    paused: int  # timed out (may resume), did not quit and did not complete
    dropoff: tuple[DropOff, ...]


@dataclass(frozen=True)
class Satisfaction:
    """Ratings at the end of a guide."""

    up: int
    down: int
    up_share: float


@dataclass(frozen=True)
class Channel:
    """Users and messages per channel."""

    channel: str
    users: int
    messages: int


@dataclass(frozen=True)
class Site:
    """Users and messages of the web chat per site: an allowed embedding origin, or ``/chat``.

    ``site`` is None for web messages stored before sites were recorded.
    """

    site: str | None
    users: int
    messages: int


@dataclass(frozen=True)
class Commune:
    """Users, messages and helper sessions per commune (None: commune not known)."""

    commune: str | None
    users: int
    messages: int
    helper_sessions: int


@dataclass(frozen=True)
class HelperActivity:
    """One helper (by hash prefix): sessions started and how the sessions ended."""

    helper: str
    commune: str | None
    sessions: int
    submitted: int
    follow_up: int
    could_not: int


@dataclass(frozen=True)
class Reminders:
    """Reminders set, sent, skipped and cancelled."""

    set: int
    sent: int
    skipped: int
    cancelled: int


@dataclass(frozen=True)
class HandoffStats:
    """Live handoff: the requests for a person opened in the period, what became of them, the queue now.

    A handoff counts for the period it was opened in. Waiting times (queued → taken by an
    officer) are of live requests only: a question left outside office hours waits for the
    office to open, which says nothing about the queue. Handling time (taken → closed) is of
    every handoff an officer took and closed. Times are in minutes; None when nothing was measured.
    ``queue`` is what waits now, whatever the period.
    """

    requests: int = 0  # live requests and questions left outside office hours
    questions: int = 0  # of which left outside office hours
    answered: int = 0  # taken by an officer
    timed_out: int = 0  # closed because the officer went quiet past the time-out
    queue: int = 0  # waiting for an officer now
    wait_median_minutes: float | None = None
    wait_p90_minutes: float | None = None
    handling_median_minutes: float | None = None
    ratings: int = 0  # the citizens' ratings of the help (1-5) after a hand-back
    rating_average: float | None = None


@dataclass(frozen=True)
class Report:
    """Every section of the usage report for one period."""

    period: Period
    timezone: str
    totals: Totals
    days: tuple[Day, ...]
    routes: Routes
    procedures: tuple[Procedure, ...]
    unresolved: tuple[Unresolved, ...]
    funnels: tuple[Funnel, ...]
    satisfaction: Satisfaction
    channels: tuple[Channel, ...]
    communes: tuple[Commune, ...]
    helpers: tuple[HelperActivity, ...]
    reminders: Reminders
    sites: tuple[Site, ...] = ()  # last, with a default: reports built before sites still construct
    handoffs: HandoffStats = HandoffStats()  # likewise; all zeros without the console's live handoff

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: field names as keys, dates as ISO strings, shares rounded to 4 places."""
        return cast(dict[str, Any], plain(asdict(self)))


@dataclass(frozen=True)
class HelperReport:
    """One helper's own figures (``/myreport``): their activity and sessions per procedure."""

    period: Period
    activity: HelperActivity
    procedures: tuple[tuple[str, int], ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, like :meth:`Report.to_dict`."""
        return cast(dict[str, Any], plain(asdict(self)))


def utc_midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant of local midnight at the start of ``day``."""
    return dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)


def plain(value: Any) -> Any:
    """Turn ``asdict`` output into JSON types."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return round(value, 4) if isinstance(value, float) else value

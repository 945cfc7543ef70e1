"""Usage statistics: the queries behind ``/stats``, ``dvcbot stats``, the digest and ``/myreport``.

Everything is read from the ``events`` table for a period of local dates (the live handoff's
figures from the ``handoffs`` table, :mod:`bot.stats.handoffs`). Days are counted in the
deployment's time zone, not UTC: a message sent at 06:30 on the 2nd in Hà Nội is stored as
23:30 UTC on the 1st and must count for the 2nd. Counting happens in the database
(GROUP BY); only unanswered questions are merged in Python, because their grouping key is
the router's text folding, which SQL cannot reproduce.

"Users" always means distinct (hashed) senders of messages: a reminder the scheduler sent
does not make someone an active user.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import and_, case, func

from bot.stats.handoffs import handoff_stats
from bot.stats.report import (
    Channel,
    Commune,
    Day,
    DropOff,
    Funnel,
    HandoffStats,
    HelperActivity,
    HelperReport,
    Period,
    Procedure,
    Reminders,
    Report,
    Routes,
    Satisfaction,
    Site,
    Totals,
    Unresolved,
)
from bot.storage.database import Database
from bot.storage.tables import Event
from intents.normalize import fold

DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TOP_PROCEDURES = 10
TOP_UNRESOLVED = 20
HASH_PREFIX = 8  # enough to tell helpers apart in a report, too short to be an identifier
OUTCOMES = ("submitted", "follow_up", "could_not")
# Event types as stored in ``events.type``: a persisted contract, so spelled out here.
GUIDE_TYPES = ("guide_started", "guide_completed", "guide_abandoned", "guide_paused")
# Events that carry the step a user was on; ticks carry a document id, not a step.
POSITION_TYPES = ("guide_started", "step", "stuck", "guide_abandoned", "guide_paused")
HELPER_TYPES = ("helper_joined", "helper_session_started", "helper_session_ended")
REMINDER_TYPES = ("reminder_set", "reminder_sent", "reminder_skipped", "reminder_cancelled")
WEB_CHANNEL = "web"  # the channel whose messages carry a site (bot.channels.web.CHANNEL)

_C = Event.metadata.tables["events"].c
_WORDS = re.compile(r"\w+")


def collect(
    database: Database,
    period: Period,
    tz: ZoneInfo = DEFAULT_TZ,
    *,
    commune: str | None = None,
    channel: str | None = None,
) -> Report:
    """Run every query of the report for ``period`` (local dates in ``tz``), one commune's or channel's if given."""
    with database.engine.connect() as connection:
        if database.is_postgres:  # one snapshot for every query, so the sections add up
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        read = _Reader(database, connection, period, tz, commune=commune, channel=channel)
        days, routes = read.days(), read.routes()
        totals = Totals(
            read.users(), sum(day.messages for day in days), routes.match + routes.ambiguous + routes.no_match
        )
        return Report(
            period, tz.key, totals, days, routes, read.procedures(), read.unresolved(), read.funnels(),
            read.satisfaction(), read.channels(), read.communes(), tuple(read.helpers()), read.reminders(),
            read.sites(), handoff_stats(connection, read.start, read.end, commune=commune, channel=channel),
        )  # fmt: skip


def helper_report(database: Database, helper_hash: str, period: Period, tz: ZoneInfo = DEFAULT_TZ) -> HelperReport:
    """One helper's sessions and outcomes in ``period``, and the procedures they worked on."""
    with database.engine.connect() as connection:
        read = _Reader(database, connection, period, tz)
        found = read.helpers(helper_hash)
        activity = found[0] if found else HelperActivity(helper_hash[:HASH_PREFIX], None, 0, 0, 0, 0)
        query = read.select(_C.intent, func.count(), types=["helper_session_ended", "helper_assisted"])
        rows = read.rows(query.where(_C.user == helper_hash, _C.intent.is_not(None)).group_by(_C.intent))
        worked = sorted(((str(intent), int(count)) for intent, count in rows), key=lambda item: (-item[1], item[0]))
        return HelperReport(period, activity, tuple(worked))


class _Reader:
    """The section queries for one period, on one connection."""

    def __init__(
        self,
        database: Database,
        connection: sa.Connection,
        period: Period,
        tz: ZoneInfo,
        *,
        commune: str | None = None,
        channel: str | None = None,
    ):
        self.database, self.connection, self.tz = database, connection, tz
        self.start, self.end = period.bounds(tz)
        self.commune, self.channel = commune, channel  # the console's filters (an officer's commune)

    def select(self, *columns: Any, types: Iterable[str]) -> sa.Select[Any]:
        """SELECT ``columns`` from the events of ``types`` inside the period, admins left out.

        Admins' own messages are mostly trying the bot out before reading its report; helpers
        stay in, as they work through procedures on citizens' behalf.
        """
        query = sa.select(*columns).where(_C.type.in_(tuple(types)), sa.or_(_C.role.is_(None), _C.role != "admin"))
        if self.start is not None:
            query = query.where(_C.at >= self.start)
        if self.end is not None:
            query = query.where(_C.at < self.end)
        if self.commune is not None:
            query = query.where(_C.commune == self.commune)
        if self.channel is not None:
            query = query.where(_C.channel == self.channel)
        return query

    def rows(self, query: sa.Select[Any]) -> list[Any]:
        """Run a query; rows unpack like tuples."""
        return list(self.connection.execute(query).all())

    def users(self) -> int:
        """Distinct users who sent a message."""
        return int(self.rows(self.select(func.count(sa.distinct(_C.user)), types=["message"]))[0][0])

    def days(self) -> tuple[Day, ...]:
        """Users and messages per local day, gaps between the first and last day filled with zeros."""
        day = self.local_day().label("day")
        query = self.select(day, func.count(sa.distinct(_C.user)), func.count(), types=["message"])
        found = {_as_date(when): (int(users), int(count)) for when, users, count in self.rows(query.group_by(day))}
        if not found:
            return ()
        first, span = min(found), (max(found) - min(found)).days
        dates = [first + dt.timedelta(days=offset) for offset in range(span + 1)]
        return tuple(Day(date, *found.get(date, (0, 0))) for date in dates)

    def local_day(self) -> sa.ColumnElement[Any]:
        """The local date of ``events.at`` as an SQL expression."""
        if self.database.is_postgres:
            return func.date(func.timezone(self.tz.key, _C.at))
        # SQLite has no time-zone data: shift by the zone's UTC offset, one CASE branch per
        # offset change in the data's range (Việt Nam has had +07:00 throughout since 1975).
        low, high = self.start, self.end
        if low is None or high is None:
            first, last = self.rows(self.select(func.min(_C.at), func.max(_C.at), types=["message"]))[0]
            # With no events at all any date will do: the offset only shifts an empty column.
            anchor = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
            low = low or (first.replace(tzinfo=dt.UTC) if first else anchor)
            high = high or (last.replace(tzinfo=dt.UTC) + dt.timedelta(seconds=1) if last else anchor)
        offset, changes = _offset_minutes(self.tz, low.timestamp()), _offset_changes(self.tz, low, high)
        if not changes:
            return func.date(_C.at, f"{offset:+d} minutes")
        whens = []
        for when, following in changes:
            whens.append((_C.at < when, f"{offset:+d} minutes"))
            offset = following
        return func.date(_C.at, case(*whens, else_=f"{offset:+d} minutes"))

    def routes(self) -> Routes:
        """Route decisions by verdict."""
        query = self.select(_C.decision, func.count(), types=["route"]).group_by(_C.decision)
        found = {decision: int(count) for decision, count in self.rows(query)}
        match, ambiguous, no_match = (found.get(name, 0) for name in ("match", "ambiguous", "no_match"))
        total = match + ambiguous + no_match
        return Routes(
            match, ambiguous, no_match, _share(match, total), _share(ambiguous, total), _share(no_match, total)
        )

    def procedures(self) -> tuple[Procedure, ...]:
        """The most looked-at procedures: ordered by cards opened plus guides started."""
        cards, starts, done = _count("card"), _count("guide_started"), _count("guide_completed")
        query = self.select(_C.intent, cards, starts, done, types=["card", "guide_started", "guide_completed"])
        query = query.where(_C.intent.is_not(None)).group_by(_C.intent)
        query = query.order_by((cards + starts).desc(), done.desc(), _C.intent).limit(TOP_PROCEDURES)
        return tuple(Procedure(str(intent), int(a), int(b), int(c)) for intent, a, b, c in self.rows(query))

    def unresolved(self) -> tuple[Unresolved, ...]:
        """Unanswered questions grouped by folded text; identical texts are already grouped in SQL."""
        query = self.select(_C.text, func.count(), types=["unresolved"]).group_by(_C.text)
        totals: Counter[str | None] = Counter()
        variants: defaultdict[str | None, Counter[str]] = defaultdict(Counter)
        for text, count in self.rows(query):
            key = None if text is None else question_key(text)
            totals[key] += int(count)
            if text is not None:
                variants[key][text] += int(count)
        ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))
        return tuple(
            Unresolved(
                key, min(variants[key].items(), key=lambda kv: (-kv[1], kv[0]))[0] if key is not None else None, n
            )
            for key, n in ranked[:TOP_UNRESOLVED]
        )

    def funnels(self) -> tuple[Funnel, ...]:
        """Per guide, distinct users: started, completed, quit, paused; where the others stopped."""
        flags = [func.max(case((_C.type == kind, 1), else_=0)).label(kind.split("_")[1]) for kind in GUIDE_TYPES]
        per_user = self.select(_C.intent, _C.user, *flags, types=GUIDE_TYPES).where(_C.intent.is_not(None))
        users = per_user.group_by(_C.intent, _C.user).subquery()
        u = users.c
        # Only users who started inside the period count, so the rate never exceeds 100 %.
        unfinished = and_(u.started == 1, u.completed == 0)
        summary = sa.select(
            u.intent, _total(u.started == 1), _total(and_(u.started == 1, u.completed == 1)),
            _total(and_(unfinished, u.abandoned == 1)), _total(and_(unfinished, u.abandoned == 0, u.paused == 1)),
        ).group_by(u.intent)  # fmt: skip
        latest = func.row_number().over(partition_by=(_C.intent, _C.user), order_by=(_C.at.desc(), _C.id.desc()))
        positions = self.select(_C.intent, _C.user, _C.step, latest.label("recency"), types=POSITION_TYPES)
        ranked = positions.where(_C.intent.is_not(None), _C.step.is_not(None)).subquery()
        r = ranked.c
        stops = sa.select(r.intent, r.step, func.count()).select_from(
            ranked.join(users, and_(u.intent == r.intent, u.user == r.user))
        )
        dropoff: defaultdict[str, list[DropOff]] = defaultdict(list)
        for intent, step, count in self.rows(stops.where(r.recency == 1, unfinished).group_by(r.intent, r.step)):
            dropoff[intent].append(DropOff(str(step), int(count)))
        funnels = [
            Funnel(intent, int(started), int(done), _share(int(done), int(started)), int(quitters), int(paused),
                   tuple(sorted(dropoff[intent], key=lambda stop: (-stop.users, stop.step))))
            for intent, started, done, quitters, paused in self.rows(summary) if started
        ]  # fmt: skip
        return tuple(sorted(funnels, key=lambda funnel: (-funnel.started, funnel.intent)))

    def satisfaction(self) -> Satisfaction:
        """Thumbs up and down."""
        query = self.select(_C.decision, func.count(), types=["rating"]).group_by(_C.decision)
        found = {decision: int(count) for decision, count in self.rows(query)}
        up, down = found.get("up", 0), found.get("down", 0)
        return Satisfaction(up, down, _share(up, up + down))

    def _messages_by(self, column: sa.ColumnElement[Any]) -> dict[Any, tuple[int, int]]:
        query = self.select(column, func.count(sa.distinct(_C.user)), func.count(), types=["message"])
        return {key: (int(users), int(count)) for key, users, count in self.rows(query.group_by(column))}

    def channels(self) -> tuple[Channel, ...]:
        """Users and messages per channel, busiest first."""
        found = self._messages_by(_C.channel)
        return tuple(Channel(name, *found[name]) for name in sorted(found, key=lambda name: (-found[name][1], name)))

    def sites(self) -> tuple[Site, ...]:
        """Users and messages of the web chat per site, busiest first; web messages of no known site last."""
        query = self.select(_C.site, func.count(sa.distinct(_C.user)), func.count(), types=["message"])
        rows = self.rows(query.where(_C.channel == WEB_CHANNEL).group_by(_C.site))
        found = [Site(site, int(users), int(count)) for site, users, count in rows]
        return tuple(sorted(found, key=lambda row: (row.site is None, -row.messages, row.site or "")))

    def communes(self) -> tuple[Commune, ...]:
        """Users, messages and helper sessions per commune; unknown commune last."""
        found = self._messages_by(_C.commune)
        query = self.select(_C.commune, func.count(), types=["helper_session_started"]).group_by(_C.commune)
        sessions = {commune: int(count) for commune, count in self.rows(query)}
        rows = [Commune(name, *found.get(name, (0, 0)), sessions.get(name, 0)) for name in set(found) | set(sessions)]
        return tuple(
            sorted(rows, key=lambda row: (row.commune is None, -row.messages, -row.helper_sessions, row.commune))
        )

    def helpers(self, user: str | None = None) -> list[HelperActivity]:
        """Per helper: commune, sessions started and their outcomes (all helpers, or one)."""
        outcomes = [_count("helper_session_ended", _C.decision == name) for name in OUTCOMES]
        query = self.select(
            _C.user, func.max(_C.commune), _count("helper_session_started"), *outcomes, types=HELPER_TYPES
        )
        if user is not None:
            query = query.where(_C.user == user)
        found = [
            HelperActivity(str(who)[:HASH_PREFIX], commune, int(sessions), int(a), int(b), int(c))
            for who, commune, sessions, a, b, c in self.rows(query.group_by(_C.user))
        ]
        return sorted(found, key=lambda helper: (-helper.sessions, helper.helper))

    def reminders(self) -> Reminders:
        """Reminder events by kind."""
        query = self.select(_C.type, func.count(), types=REMINDER_TYPES).group_by(_C.type)
        found = {kind: int(count) for kind, count in self.rows(query)}
        return Reminders(*(found.get(kind, 0) for kind in REMINDER_TYPES))


def question_key(text: str) -> str:
    """The grouping key of a question: folded like the router does, punctuation and spacing ignored."""
    folded = fold(text)
    return " ".join(_WORDS.findall(folded)) or folded.strip()


def _count(kind: str, *conditions: Any) -> sa.ColumnElement[Any]:
    """SUM of events of one type (and conditions) in a group; 0, never NULL."""
    return func.coalesce(func.sum(case((and_(_C.type == kind, *conditions), 1), else_=0)), 0)


def _total(condition: Any) -> sa.ColumnElement[Any]:
    """SUM of rows meeting a condition."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _as_date(value: Any) -> dt.date:
    """PostgreSQL returns a date, SQLite an ISO string."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _offset_minutes(tz: ZoneInfo, timestamp: float) -> int:
    offset = dt.datetime.fromtimestamp(timestamp, tz).utcoffset() or dt.timedelta()
    return int(offset.total_seconds() // 60)


def _offset_changes(tz: ZoneInfo, low: dt.datetime, high: dt.datetime) -> list[tuple[dt.datetime, int]]:
    """Each UTC instant in [low, high] where the zone's offset changes, with the new offset."""
    changes: list[tuple[dt.datetime, int]] = []
    begin, stop = int(low.timestamp()), int(high.timestamp())
    current = _offset_minutes(tz, begin)
    while begin < stop:
        # Day by day, then bisect to the second: offsets change at most a few times a year.
        left, right = begin, min(begin + 86400, stop)
        if _offset_minutes(tz, right) != current:
            while right - left > 1:
                middle = (left + right) // 2
                left, right = (middle, right) if _offset_minutes(tz, middle) == current else (left, middle)
            current = _offset_minutes(tz, right)
            changes.append((dt.datetime.fromtimestamp(right, dt.UTC), current))
        begin = right
    return changes


__all__ = [
    "Channel",
    "Commune",
    "DEFAULT_TZ",
    "Day",
    "DropOff",
    "Funnel",
    "HandoffStats",
    "HelperActivity",
    "HelperReport",
    "Period",
    "Procedure",
    "Reminders",
    "Report",
    "Routes",
    "Satisfaction",
    "Site",
    "Totals",
    "Unresolved",
    "collect",
    "helper_report",
    "question_key",
]

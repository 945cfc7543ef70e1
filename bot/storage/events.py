"""The event recorder: the one place usage events are written, redacted and hashed.

Every boundary of a conversation -- a message, a route decision, a guide started, a step
reached, a guide completed, a checklist tick, "I'm stuck", a rating -- becomes one row.
Text passes through :func:`bot.storage.privacy.redact` and the user id through
:func:`bot.storage.privacy.hash_user` before anything touches the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, insert, update
from sqlmodel import Session, col

from bot.storage.database import Database
from bot.storage.privacy import redact
from bot.storage.tables import Event

_TABLE = Event.__table__  # type: ignore[attr-defined]

MAX_STORED_TEXT = 500


class EventType(StrEnum):
    """The kinds of usage events."""

    MESSAGE = "message"
    ROUTE = "route"
    UNRESOLVED = "unresolved"
    CARD = "card"
    GUIDE_STARTED = "guide_started"
    STEP = "step"
    GUIDE_COMPLETED = "guide_completed"
    GUIDE_ABANDONED = "guide_abandoned"
    TICK = "tick"
    STUCK = "stuck"
    RATING = "rating"
    UNDELIVERED = "undelivered"  # a reply dropped: refused for good (blocked, Zalo's window) or too old
    FLOODED = "flooded"  # a message refused because its sender had too many waiting
    ERROR = "error"  # handling a message raised; it was set aside with an apology
    GUIDE_PAUSED = "guide_paused"
    REMINDER_SET = "reminder_set"
    REMINDER_SENT = "reminder_sent"
    REMINDER_SKIPPED = "reminder_skipped"  # the citizen came back to the procedure before it was due
    REMINDER_CANCELLED = "reminder_cancelled"
    HELPER_JOINED = "helper_joined"
    HELPER_SESSION_STARTED = "helper_session_started"
    HELPER_SESSION_ENDED = "helper_session_ended"
    HELPER_ASSISTED = "helper_assisted"  # one more procedure worked on in a session (the first is on the end)


@dataclass
class PendingEvent:
    """An event collected while handling a message, written with the conversation's commit."""

    type: EventType
    intent: str | None = None
    decision: str | None = None
    confidence: float | None = None
    step: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class Stamp:
    """Who and when for a batch of events: the conversation, its moment, and where it stood.

    ``commune`` and ``role`` are the conversation's at that moment (helper and officer
    statistics); ``site`` is the web chat's site of the message (see
    :class:`bot.messages.Inbound`).
    """

    channel: str
    user_hash: str
    at: dt.datetime
    commune: str | None = None
    role: str | None = None
    site: str | None = None


@dataclass
class Recorder:
    """Writes events for one database. ``enabled=False`` keeps benchmarks free of event I/O."""

    database: Database
    enabled: bool = True

    def rows(self, stamp: Stamp, events: list[PendingEvent]) -> list[dict[str, Any]]:
        """Rows of ``events`` for a multi-row insert (text redacted and truncated), stamped."""
        if not self.enabled:
            return []
        return [
            {
                "at": stamp.at,
                "channel": stamp.channel,
                "user": stamp.user_hash,
                "type": item.type.value,
                "intent": item.intent,
                "decision": item.decision,
                "confidence": item.confidence,
                "step": item.step,
                "text": redact(item.text)[:MAX_STORED_TEXT] if item.text else None,
                "commune": stamp.commune,
                "role": stamp.role,
                "site": stamp.site,
            }
            for item in events
        ]

    def write(self, session: Session | Connection, stamp: Stamp, events: list[PendingEvent]) -> None:
        """Add events to the caller's transaction."""
        rows = self.rows(stamp, events)
        if rows:
            session.execute(insert(_TABLE), rows)

    def record(self, stamp: Stamp, events: list[PendingEvent]) -> None:
        """Store a batch of events in a transaction of its own (for events outside a message)."""
        if self.enabled and events:
            with self.database.session() as session:
                self.write(session, stamp, events)

    def purge_text(self, before: dt.datetime) -> int:
        """Blank the stored text of events older than ``before``; the events themselves stay.

        Counts, decisions and funnels need no text, so they survive; what a citizen typed is
        kept only as long as the configured retention (Decree 13/2023: no longer than needed).
        """
        with self.database.session() as session:
            result = session.execute(
                update(Event).where(col(Event.at) < before, col(Event.text).is_not(None)).values(text=None)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

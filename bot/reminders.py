"""Reminders: the book of reminders citizens ask for, and the sweep that sends them when due.

A citizen who has just submitted an application can ask to be reminded to check on it in a
few days. The engine adds the :class:`~bot.storage.Reminder` row (built by
:meth:`ReminderBook.row`) to the conversation's own transaction; the scheduler's minute job
calls :meth:`ReminderBook.send_due`.

Several bot processes may sweep at once, so each reminder is *claimed* with a conditional
``UPDATE … WHERE status = 'pending'`` before anything is sent: only the process whose update
changed the row sends it. Delivery happens outside any database transaction (a platform call
can take seconds, and on SQLite an open write transaction would stall every conversation).

The reminders table has no column of its own for a claim or a failed attempt, so while a
reminder is still open ``closed_at`` holds the time it was last claimed or attempted: a
claim older than :data:`CLAIM_LEASE` (its process died mid-send) can be taken over, and a
failed delivery is retried after :data:`RETRY_AFTER`. Once the reminder is closed --
sent, skipped, cancelled or failed -- ``closed_at`` is when, and the raw ``chat_id`` is
blanked: it is the one platform identifier the bot keeps, and only as long as it needs it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, and_, or_, update
from sqlmodel import Session, col, select

from bot.events import EventType, PendingEvent, Recorder
from bot.i18n import Languages
from bot.messages import Address, Option, Outbox, Reply
from bot.storage import Database, Event, Reminder, as_utc
from procedures.catalog import Catalog

log = logging.getLogger(__name__)

RETRY_AFTER = dt.timedelta(minutes=15)  # a refused delivery is tried again this much later
GIVE_UP_AFTER = dt.timedelta(hours=24)  # ...until it is this late, then it is marked failed
CLAIM_LEASE = dt.timedelta(minutes=15)  # a claim this old belongs to a process that died
BATCH = 200  # reminders handled per sweep; the next sweep, a minute later, takes the rest

# Events showing the citizen came back to the procedure by themselves: no need to remind.
RETURN_EVENTS = (EventType.CARD, EventType.GUIDE_STARTED, EventType.STEP, EventType.GUIDE_COMPLETED)


class ReminderStatus(StrEnum):
    """Where a reminder is in its life; ``sending`` only while one process holds its claim."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    FAILED = "failed"


@dataclass
class SendReport:
    """What one sweep did, by reminder id."""

    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)  # delivery failed; tried again later
    failed: list[int] = field(default_factory=list)  # delivery failed for too long; given up


def _rowcount(session: Session, statement: Any) -> int:
    """Run an UPDATE and return how many rows it changed (the claim succeeded when it is 1)."""
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount


class ReminderBook:
    """Creates, lists, cancels and sends reminders of one database."""

    def __init__(
        self,
        database: Database,
        recorder: Recorder,
        retry_after: dt.timedelta = RETRY_AFTER,
        give_up_after: dt.timedelta = GIVE_UP_AFTER,
        claim_lease: dt.timedelta = CLAIM_LEASE,
    ):
        self.database = database
        self.recorder = recorder
        self.retry_after = retry_after
        self.give_up_after = give_up_after
        self.claim_lease = claim_lease

    # -- the citizen's side ---------------------------------------------------------------

    def row(
        self,
        address_channel: str,
        user_hash: str,
        chat_id: str,
        procedure: str,
        locale: str,
        due_at: dt.datetime,
        now: dt.datetime,
    ) -> Reminder:
        """A new pending reminder; the caller adds it to its own transaction."""
        due_at, now = as_utc(due_at), as_utc(now)
        if due_at <= now:
            raise ValueError(f"a reminder must be due in the future, not {due_at.isoformat()}")
        return Reminder(
            channel=address_channel,
            user=user_hash,
            chat_id=chat_id,
            procedure=procedure,
            locale=locale,
            created_at=now,
            due_at=due_at,
            status=ReminderStatus.PENDING.value,
        )

    def pending(self, user_hash: str) -> list[Reminder]:
        """A user's reminders that are still to be sent, soonest first."""
        statement = (
            select(Reminder)
            .where(Reminder.user == user_hash, Reminder.status == ReminderStatus.PENDING.value)
            .order_by(col(Reminder.due_at), col(Reminder.id))
        )
        with self.database.session() as session:
            return list(session.exec(statement).all())

    def cancel(self, user_hash: str, reminder_id: int, now: dt.datetime) -> bool:
        """Cancel one of the user's pending reminders; False if it is not theirs or no longer pending."""
        now = as_utc(now)
        with self.database.session() as session:
            # Conditional on owner and status in one statement: another user's id, or a
            # reminder a sweep has just claimed, changes nothing.
            changed = _rowcount(
                session,
                update(Reminder)
                .where(
                    col(Reminder.id) == reminder_id,
                    col(Reminder.user) == user_hash,
                    col(Reminder.status) == ReminderStatus.PENDING.value,
                )
                .values(status=ReminderStatus.CANCELLED.value, closed_at=now, chat_id=""),
            )
            if changed != 1:
                return False
            reminder = session.get(Reminder, reminder_id)
            if reminder is not None:
                event = PendingEvent(EventType.REMINDER_CANCELLED, intent=reminder.procedure)
                session.add_all(self.recorder.rows(reminder.channel, user_hash, [event]))
        return True

    # -- the sweep ------------------------------------------------------------------------

    def send_due(
        self,
        now: dt.datetime,
        outboxes: Mapping[str, Outbox],
        render: Callable[[Reminder], list[Reply]],
    ) -> SendReport:
        """Send (or skip) every reminder due at ``now`` that no other process is sending."""
        now = as_utc(now)
        report = SendReport()
        for reminder_id in self._due_ids(now):
            reminder = self._claim(reminder_id, now)
            if reminder is not None:
                self._settle(reminder, now, outboxes, render, report)
        return report

    def _open_and_due(self, now: dt.datetime) -> Any:
        """The condition of a reminder a sweep at ``now`` may claim."""
        pending = and_(
            col(Reminder.status) == ReminderStatus.PENDING.value,
            col(Reminder.due_at) <= now,
            or_(col(Reminder.closed_at).is_(None), col(Reminder.closed_at) <= now - self.retry_after),
        )
        abandoned = and_(
            col(Reminder.status) == ReminderStatus.SENDING.value,
            col(Reminder.closed_at) <= now - self.claim_lease,
        )
        return or_(pending, abandoned)

    def _due_ids(self, now: dt.datetime) -> list[int]:
        statement = select(Reminder.id).where(self._open_and_due(now)).order_by(col(Reminder.due_at)).limit(BATCH)
        with self.database.session() as session:
            return [reminder_id for reminder_id in session.exec(statement).all() if reminder_id is not None]

    def _claim(self, reminder_id: int, now: dt.datetime) -> Reminder | None:
        """Mark a reminder as being sent by this process; None if another process got there first."""
        with self.database.session() as session:
            changed = _rowcount(
                session,
                update(Reminder)
                .where(col(Reminder.id) == reminder_id, self._open_and_due(now))
                .values(status=ReminderStatus.SENDING.value, closed_at=now),
            )
            return session.get(Reminder, reminder_id) if changed == 1 else None

    def _came_back(self, reminder: Reminder) -> bool:
        """Whether the user opened the procedure again after asking for the reminder."""
        statement = (
            select(Event.id)
            .where(
                Event.user == reminder.user,
                Event.intent == reminder.procedure,
                col(Event.type).in_([kind.value for kind in RETURN_EVENTS]),
                col(Event.at) > as_utc(reminder.created_at),
            )
            .limit(1)
        )
        with self.database.session() as session:
            return session.exec(statement).first() is not None

    def _deliver(
        self, reminder: Reminder, outboxes: Mapping[str, Outbox], render: Callable[[Reminder], list[Reply]]
    ) -> bool:
        outbox = outboxes.get(reminder.channel)
        if outbox is None:
            log.warning("no outbox for channel %s (reminder %s)", reminder.channel, reminder.id)
            return False
        # Reminders are set in private chats, where the platforms' chat id is the user's id.
        address = Address(reminder.channel, reminder.chat_id, reminder.chat_id)
        try:
            return outbox.deliver(address, render(reminder))
        except Exception:  # a failing platform must not stop the sweep for everyone else
            log.exception("reminder %s: delivery raised", reminder.id)
            return False

    def _settle(
        self,
        reminder: Reminder,
        now: dt.datetime,
        outboxes: Mapping[str, Outbox],
        render: Callable[[Reminder], list[Reply]],
        report: SendReport,
    ) -> None:
        """Skip, send, retry later or give up on a claimed reminder, and record what happened."""
        assert reminder.id is not None
        if self._came_back(reminder):
            self._close(reminder, now, ReminderStatus.SKIPPED, EventType.REMINDER_SKIPPED)
            report.skipped.append(reminder.id)
        elif self._deliver(reminder, outboxes, render):
            self._close(reminder, now, ReminderStatus.SENT, EventType.REMINDER_SENT)
            report.sent.append(reminder.id)
        elif now - as_utc(reminder.due_at) >= self.give_up_after:
            log.warning("undelivered: reminder %s given up %s after it was due", reminder.id, self.give_up_after)
            self._close(reminder, now, ReminderStatus.FAILED, EventType.UNDELIVERED)
            report.failed.append(reminder.id)
        else:
            self._update_claimed(reminder, now, status=ReminderStatus.PENDING.value)
            report.retrying.append(reminder.id)

    def _close(self, reminder: Reminder, now: dt.datetime, status: ReminderStatus, kind: EventType) -> None:
        event = PendingEvent(kind, intent=reminder.procedure)
        rows = self.recorder.rows(reminder.channel, reminder.user, [event])
        self._update_claimed(reminder, now, status=status.value, chat_id="", extra=rows)

    def _update_claimed(
        self, reminder: Reminder, now: dt.datetime, status: str, chat_id: str | None = None, extra: Sequence[Event] = ()
    ) -> None:
        """Write the outcome -- only if this process still holds the claim it took at ``now``."""
        values: dict[str, Any] = {"status": status, "closed_at": now}
        if chat_id is not None:
            values["chat_id"] = chat_id
        with self.database.session() as session:
            changed = _rowcount(
                session,
                update(Reminder)
                .where(
                    col(Reminder.id) == reminder.id,
                    col(Reminder.status) == ReminderStatus.SENDING.value,
                    col(Reminder.closed_at) == now,
                )
                .values(**values),
            )
            if changed == 1:
                session.add_all(extra)
            else:  # the lease ran out and another process took the reminder over
                log.warning("reminder %s: claim lost before its outcome (%s) was written", reminder.id, status)


def render_reminder(reminder: Reminder, catalog: Catalog, languages: Languages) -> list[Reply]:
    """The reminder message in the user's language, with buttons back to the guide and the menu."""
    tr = languages.get(reminder.locale)
    entry = catalog.get(reminder.procedure)
    card = catalog.card(reminder.procedure) if entry is None else None
    name = entry.name.get(tr.locale) if entry is not None else card.name if card is not None else reminder.procedure
    lines = [tr.gettext("Reminder: you planned to check your application «{name}» today.").format(name=name)]
    if entry is not None and entry.tracking is not None:
        lines.append(entry.tracking.get(tr.locale))
    options = (
        Option(tr.gettext("Open the guide"), f"open:{reminder.procedure}"),
        Option(tr.gettext("Menu"), "nav:menu"),
    )
    return [Reply("\n\n".join(lines), options)]


__all__ = ["ReminderBook", "ReminderStatus", "SendReport", "render_reminder"]

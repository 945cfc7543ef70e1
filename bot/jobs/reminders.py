"""Reminders: the book of reminders citizens ask for, and the sweep that sends them when due.

A citizen who has just submitted an application can ask to be reminded to check on it in a
few days. The engine adds the :class:`~bot.storage.tables.Reminder` row (built by
:meth:`ReminderBook.row`) to the conversation's own transaction; the scheduler's minute job
calls :meth:`ReminderBook.send_due`.

A due reminder is closed and its message written to the outbox in one transaction, guarded by
``WHERE status = 'pending'``: however many processes sweep at once, each reminder is handed
over exactly once, and the outbox then delivers it (retrying, or dropping it with an event if
the platform refuses it for good). The reminder's raw ``chat_id`` -- the one platform
identifier it must keep -- is blanked in that same commit; the outbox row holds it until the
message is delivered. A reminder is *skipped* when the citizen came back to the procedure by
themselves after asking for it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, insert, update
from sqlmodel import Session, col, select

from bot.conversation.actions import NAV_MENU, Kind, payload
from bot.i18n import Languages
from bot.messages import Address, Option, Reply
from bot.storage.database import Database, as_utc
from bot.storage.events import EventType, PendingEvent, Recorder, Stamp
from bot.storage.outbox import Outbox
from bot.storage.tables import Event, Reminder
from procedures.catalog import Catalog

log = logging.getLogger(__name__)

BATCH = 200  # reminders handled per sweep; the next sweep, a minute later, takes the rest

# Events showing the citizen came back to the procedure by themselves: no need to remind.
RETURN_EVENTS = (EventType.CARD, EventType.GUIDE_STARTED, EventType.STEP, EventType.GUIDE_COMPLETED)


class ReminderStatus(StrEnum):
    """Where a reminder is in its life."""

    PENDING = "pending"
    SENT = "sent"  # handed to the outbox
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


@dataclass
class SendReport:
    """What one sweep did, by reminder id."""

    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


def _rowcount(session: Session, statement: Any) -> int:
    """Run an UPDATE and return how many rows it changed (the claim succeeded when it is 1)."""
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount


class ReminderBook:
    """Creates, lists, cancels and sends reminders of one database."""

    def __init__(self, database: Database, recorder: Recorder, outbox: Outbox):
        self.database = database
        self.recorder = recorder
        self.outbox = outbox

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
    ) -> tuple[Any, dict[str, Any]]:
        """A new pending reminder as (table, row); the caller inserts it in its own transaction."""
        due_at, now = as_utc(due_at), as_utc(now)
        if due_at <= now:
            raise ValueError(f"a reminder must be due in the future, not {due_at.isoformat()}")
        row = {
            "channel": address_channel,
            "user": user_hash,
            "chat_id": chat_id,
            "procedure": procedure,
            "locale": locale,
            "created_at": now,
            "due_at": due_at,
            "status": ReminderStatus.PENDING.value,
        }
        return Reminder.__table__, row  # type: ignore[attr-defined]

    def pending(self, user_hash: str) -> list[Reminder]:
        """A user's reminders that are still to be sent, soonest first."""
        statement = (
            select(Reminder)
            .where(Reminder.user == user_hash, Reminder.status == ReminderStatus.PENDING.value)
            .order_by(col(Reminder.due_at), col(Reminder.id))
        )
        with self.database.reader() as session:
            return list(session.exec(statement).all())

    def cancel(self, user_hash: str, reminder_id: int, now: dt.datetime) -> bool:
        """Cancel one of the user's pending reminders; False if it is not theirs or no longer pending."""
        now = as_utc(now)
        with self.database.session() as session:
            # Conditional on owner and status in one statement: another user's id, or a
            # reminder a sweep has just sent, changes nothing.
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
                self.recorder.write(session, Stamp(reminder.channel, user_hash, now), [event])
        return True

    # -- the sweep ------------------------------------------------------------------------

    def send_due(self, now: dt.datetime, render: Callable[[Reminder], list[Reply]], version: str) -> SendReport:
        """Hand every reminder due at ``now`` to the outbox (or skip it), each exactly once."""
        now = as_utc(now)
        report = SendReport()
        statement = (
            select(Reminder.id)
            .where(Reminder.status == ReminderStatus.PENDING.value, col(Reminder.due_at) <= now)
            .order_by(col(Reminder.due_at))
            .limit(BATCH)
        )
        with self.database.reader() as session:
            due = [reminder_id for reminder_id in session.exec(statement).all() if reminder_id is not None]
        for reminder_id in due:
            self._settle(reminder_id, now, render, version, report)
        return report

    def _settle(
        self,
        reminder_id: int,
        now: dt.datetime,
        render: Callable[[Reminder], list[Reply]],
        version: str,
        report: SendReport,
    ) -> None:
        with self.database.session() as session:
            reminder = session.get(Reminder, reminder_id)
            if reminder is None or reminder.status != ReminderStatus.PENDING.value:
                return
            chat_id = reminder.chat_id
            skip = self._came_back(session, reminder)
            status = ReminderStatus.SKIPPED if skip else ReminderStatus.SENT
            changed = _rowcount(
                session,
                update(Reminder)
                .where(col(Reminder.id) == reminder_id, col(Reminder.status) == ReminderStatus.PENDING.value)
                .values(status=status.value, closed_at=now, chat_id=""),
            )
            if changed != 1:  # another process's sweep took it
                return
            kind = EventType.REMINDER_SKIPPED if skip else EventType.REMINDER_SENT
            stamp = Stamp(reminder.channel, reminder.user, now)
            self.recorder.write(session, stamp, [PendingEvent(kind, intent=reminder.procedure)])
            if not skip:
                # Reminders are set in private chats, where the platforms' chat id is the user's id.
                address = Address(reminder.channel, chat_id, chat_id)
                rows = self.outbox.rows(address, render(reminder), reminder.user, version, now)
                session.execute(insert(self.outbox.table), rows)
        (report.skipped if skip else report.sent).append(reminder_id)

    @staticmethod
    def _came_back(session: Session, reminder: Reminder) -> bool:
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
        return session.exec(statement).first() is not None


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
        Option(tr.gettext("Open the guide"), payload(Kind.OPEN, reminder.procedure)),
        Option(tr.gettext("Menu"), NAV_MENU),
    )
    return [Reply("\n\n".join(lines), options)]


__all__ = ["ReminderBook", "ReminderStatus", "SendReport", "render_reminder"]

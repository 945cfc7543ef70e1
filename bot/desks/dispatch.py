"""The desks beyond the guide: reminders for everyone, helper mode, the admin tools.

The engine hands every ``remind:…`` and ``staff:…`` action here. Reminders are set from the
end of a guide ("Nhắc tôi kiểm tra hồ sơ sau 3 ngày", typed or pressed), listed with
"nhắc nhở" and cancelled by the user; the reminder row is written in the message's own
transaction. Staff commands go to :class:`~bot.desks.helper.HelperMode` or
:class:`~bot.desks.admin.AdminDesk`, each of which checks the role itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.conversation.commands import number, simplify
from bot.conversation.turn import Turn
from bot.desks.admin import AdminDesk
from bot.desks.helper import HelperMode
from bot.jobs.reminders import ReminderBook
from bot.messages import Option, Reply
from bot.storage.database import as_utc
from bot.storage.events import EventType
from bot.storage.roles import Role, Staff
from procedures.models import Kind

MAX_REMINDER_DAYS = 60
MAX_PENDING = 5
_REMIND = re.compile(
    r"^(?:hay )?(?:nhac|remind)(?: toi| minh| me| em| giup toi)?\b.*?\b(?:sau|in|after) (\d{1,3}) (?:ngay|days?)\b"
)


@dataclass
class ReminderChat:
    """Setting, listing and cancelling reminders in the conversation."""

    book: ReminderBook
    timezone: ZoneInfo
    default_days: int = 3

    def parse(self, text: str) -> str | None:
        """``remind:set:N`` for "nhắc tôi kiểm tra hồ sơ sau 3 ngày", else None."""
        match = _REMIND.match(simplify(text)[:300])
        return f"remind:set:{match.group(1)}" if match else None

    def offer(self, turn: Turn, reply: Reply) -> Reply:
        """Add "Remind me in 3 days" under the end of a procedure's guide."""
        entry = turn.snap.catalog.get(turn.state.procedure or "")
        if entry is None or entry.kind is not Kind.PROCEDURE:
            return reply
        label = turn.tr.gettext("⏰ Remind me to check in {n} days").format(n=self.default_days)
        option = Option(label, f"remind:set:{self.default_days}")
        return Reply(reply.text, (*reply.options, option), reply.links, reply.kind, reply.image)

    def act(self, turn: Turn, argument: str) -> list[Reply]:
        """``set:N``, ``cancel:ID`` or ``list``."""
        command, _, value = argument.partition(":")
        if command == "set":
            days = number(value)
            return self.set(turn, self.default_days if days is None else days)
        reminder = number(value)
        if command == "cancel" and reminder is not None:
            return self.cancel(turn, reminder)
        return self.show(turn)

    def set(self, turn: Turn, days: int) -> list[Reply]:
        """Create a reminder for the procedure the user is on (or just finished)."""
        state, tr = turn.state, turn.tr
        root = state.root_procedure()
        entry = turn.snap.catalog.get(root or "")
        if entry is None:
            text = tr.gettext("Open a procedure first; then I can remind you to check on it.")
            return [Reply(text, turn.menu_option())]
        if not 1 <= days <= MAX_REMINDER_DAYS:
            text = tr.gettext("I can set reminders from 1 to {n} days ahead.").format(n=MAX_REMINDER_DAYS)
            return [Reply(text)]
        if len(self.book.pending(turn.user)) >= MAX_PENDING:
            text = tr.gettext('You already have {n} reminders. Type "nhắc nhở" to see or cancel them.')
            return [Reply(text.format(n=MAX_PENDING))]
        address = turn.inbound.address
        due = turn.now + dt.timedelta(days=days)
        turn.rows.append(
            self.book.row(
                address.channel,
                turn.user,
                address.chat_id or address.user_id,
                entry.id,
                state.locale,
                due,
                turn.now,
            )
        )
        turn.log(EventType.REMINDER_SET, intent=entry.id, step=str(days))
        text = tr.gettext(
            'Done: on {date} I will remind you to check your application "{name}". Type "nhắc nhở" to see or '
            "cancel your reminders."
        ).format(date=tr.date(due.astimezone(self.timezone).date()), name=entry.name.get(tr.locale))
        return [Reply(text, turn.menu_option())]

    def show(self, turn: Turn) -> list[Reply]:
        """The user's pending reminders, each with a cancel button."""
        tr = turn.tr
        pending = self.book.pending(turn.user)
        if not pending:
            return [Reply(tr.gettext("You have no reminders."), turn.menu_option())]
        lines = [tr.gettext("Your reminders:")]
        options = []
        for position, reminder in enumerate(pending, 1):
            entry = turn.snap.catalog.get(reminder.procedure)
            name = entry.name.get(tr.locale) if entry else reminder.procedure
            lines.append(f"{position}) {name} — {tr.date(as_utc(reminder.due_at).astimezone(self.timezone).date())}")
            options.append(Option(tr.gettext("Cancel reminder {n}").format(n=position), f"remind:cancel:{reminder.id}"))
        return [Reply("\n".join(lines), (*options, *turn.menu_option()))]

    def cancel(self, turn: Turn, reminder_id: int) -> list[Reply]:
        """Cancel one of the user's own reminders."""
        tr = turn.tr
        if self.book.cancel(turn.user, reminder_id, turn.now):
            return [Reply(tr.gettext("Reminder cancelled."), turn.menu_option())]
        return [Reply(tr.gettext("That reminder was already sent or cancelled."), turn.menu_option())]


@dataclass
class Desks:
    """Everything the engine delegates beyond the guide."""

    staff: Staff
    reminders: ReminderChat
    helper: HelperMode
    admin: AdminDesk

    def act(self, turn: Turn, action: str, argument: str) -> list[Reply]:
        """Carry out a ``remind:…`` or ``staff:<command>:<argument>`` action."""
        if action == "remind":
            return self.reminders.act(turn, argument)
        command, _, value = argument.partition(":")
        if command == "reminders":
            return self.reminders.show(turn)
        if command == "join":
            return self.helper.join(turn, value)
        if command in ("session", "done", "outcome", "myreport"):
            if not turn.state.helper_commune:
                return [self.helper.not_helper(turn)]
            if command == "session":
                return self.helper.start_session(turn)
            if command == "done":
                return self.helper.finish(turn)
            if command == "outcome":
                return self.helper.outcome(turn, value)
            return self.helper.report(turn, value)
        if turn.role is not Role.ADMIN:
            return [self.admin.refuse(turn)]
        handlers = {
            "stats": self.admin.stats,
            "invite": self.admin.invite,
            "catalog": self.admin.catalog,
            "apply": self.admin.apply,
            "discard": self.admin.discard,
        }
        if command == "helpers":
            return self.admin.helpers(turn)
        handler = handlers.get(command)
        return handler(turn, value) if handler else [self.admin.refuse(turn)]

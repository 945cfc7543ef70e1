"""The desks beyond the guide: reminders for everyone, helper mode, the admin tools.

The desks add their two action kinds, ``remind`` and ``staff``, to the engine's table
(:meth:`Desks.register`); each has a table of its own commands. Reminders are set from the
end of a guide ("Nhắc tôi kiểm tra hồ sơ sau 3 ngày", typed or pressed), listed with
"nhắc nhở" and cancelled by the user; the reminder row is written in the message's own
transaction. Staff commands go to :class:`~bot.desks.helper.HelperMode` or
:class:`~bot.desks.admin.AdminDesk`; the staff table lets a helper's command through only
for a helper and an admin's only for an admin.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.conversation.actions import ActionTable, Handler, Kind, Remind, StaffCommand, payload
from bot.conversation.commands import number, simplify
from bot.conversation.turn import Turn
from bot.desks.admin import AdminDesk
from bot.desks.helper import HelperMode
from bot.jobs.reminders import ReminderBook
from bot.messages import Option, Reply
from bot.storage.database import as_utc
from bot.storage.events import EventType
from bot.storage.roles import Role, Staff
from procedures.models import Kind as EntryKind

MAX_REMINDER_DAYS = 60
MAX_PENDING = 5
# "nhắc tôi …" (not "nhắc lại", repeat) and when: "sau 3 ngày", "sau 2 tuần", "ngày mai", "in 3 days".
_REMIND = re.compile(r"^(?:hay )?(?:nhac|remind)(?! lai)(?: toi| minh| me| em| giup toi)?\b")
_AFTER = re.compile(r"\b(?:sau|in|after) (\d{1,3}) (ngay|days?|tuan|weeks?|thang|months?)\b")
_UNIT_DAYS = {"ngay": 1, "day": 1, "days": 1, "tuan": 7, "week": 7, "weeks": 7, "thang": 30, "month": 30, "months": 30}
_NAMED = ((re.compile(r"\b(?:ngay mai|tomorrow)\b"), 1), (re.compile(r"\b(?:tuan sau|tuan toi|next week)\b"), 7))

# "xóa nhắc nhở", "huỷ lời nhắc", "cancel my reminder": the list, whose buttons cancel one.
_UNREMIND = re.compile(r"^(?:xoa|huy|bo|tat|cancel|delete|remove)\b.{0,40}\b(?:nhac|reminders?)\b")


@dataclass
class ReminderChat:
    """Setting, listing and cancelling reminders in the conversation."""

    book: ReminderBook
    timezone: ZoneInfo
    default_days: int = 3

    def parse(self, text: str) -> str | None:
        """``remind:set:N`` for "nhắc tôi kiểm tra hồ sơ sau 3 ngày", the list for "xóa nhắc nhở", else None."""
        simple = simplify(text)[:300]
        if _UNREMIND.match(simple):
            return payload(Kind.REMIND, Remind.LIST)
        if not _REMIND.match(simple):
            return None
        after = _AFTER.search(simple)
        if after is not None:
            return payload(Kind.REMIND, Remind.SET, int(after.group(1)) * _UNIT_DAYS[after.group(2)])
        named = next((days for pattern, days in _NAMED if pattern.search(simple)), 0)
        return payload(Kind.REMIND, Remind.SET, named)  # 0: no day understood, so the bot asks when

    def offer(self, turn: Turn, reply: Reply) -> Reply:
        """Add "Remind me in 3 days" under the end of a procedure's guide."""
        entry = turn.snap.catalog.get(turn.state.procedure or "")
        if entry is None or entry.kind is not EntryKind.PROCEDURE:
            return reply
        label = turn.tr.gettext("⏰ Remind me to check in {n} days").format(n=self.default_days)
        option = Option(label, payload(Kind.REMIND, Remind.SET, self.default_days))
        return reply.with_options(option)

    def act(self, turn: Turn, argument: str) -> list[Reply]:
        """``set:N``, ``cancel:ID`` or ``list`` (anything else lists too)."""
        return self.table().act(turn, argument)

    def table(self) -> ActionTable:
        """The ``remind:`` commands by name."""
        table = ActionTable(lambda turn, _value: self.show(turn))
        table.register(Remind.SET, lambda turn, value: self.set(turn, _days(value, self.default_days)))
        table.register(Remind.CANCEL, self._cancel)
        table.register(Remind.LIST, lambda turn, _value: self.show(turn))
        return table

    def _cancel(self, turn: Turn, value: str) -> list[Reply]:
        reminder = number(value)
        return self.show(turn) if reminder is None else self.cancel(turn, reminder)

    def set(self, turn: Turn, days: int) -> list[Reply]:
        """Create a reminder for the procedure the user is on (or just finished)."""
        state, tr = turn.state, turn.tr
        root = state.root_procedure()
        entry = turn.snap.catalog.get(root or "")
        if entry is None:
            text = tr.gettext("Open a procedure first; then I can remind you to check on it.")
            return [Reply(text, turn.menu_option())]
        if not 1 <= days <= MAX_REMINDER_DAYS:
            text = tr.gettext(
                'When should I remind you? I can do it from 1 to {n} days ahead, for example "nhắc tôi sau 3 ngày".'
            ).format(n=MAX_REMINDER_DAYS)
            return [Reply(text)]
        pending = self.book.pending(turn.user)
        if len(pending) >= MAX_PENDING:
            text = tr.gettext('You already have {n} reminders. Type "nhắc nhở" to see or cancel them.')
            return [Reply(text.format(n=MAX_PENDING))]
        address = turn.inbound.address
        due = turn.now + dt.timedelta(days=days)
        day = due.astimezone(self.timezone).date()
        if any(r.procedure == entry.id and _local(r.due_at, self.timezone) == day for r in pending):  # asked twice
            text = tr.gettext('That reminder is already set. Type "nhắc nhở" to see or cancel your reminders.')
            return [Reply(text, turn.menu_option())]
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
            cancel = payload(Kind.REMIND, Remind.CANCEL, reminder.id)
            options.append(Option(tr.gettext("Cancel reminder {n}").format(n=position), cancel))
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

    def register(self, table: ActionTable) -> None:
        """Add the desks' kinds to the engine's table: ``remind:…`` and ``staff:<command>:<argument>``."""
        table.register(Kind.REMIND, self.reminders.table().act)
        table.register(Kind.STAFF, self.staff_table().act)

    def staff_table(self) -> ActionTable:
        """The staff commands by name; each checks the role it needs (an unknown one is refused)."""
        helper, admin = self.helper, self.admin
        table = ActionTable(lambda turn, _value: [admin.refuse(turn)])
        table.register(StaffCommand.REMINDERS, lambda turn, _value: self.reminders.show(turn))
        table.register(StaffCommand.JOIN, helper.join)
        table.register(StaffCommand.SESSION, _helpers_only(helper, lambda turn, _value: helper.start_session(turn)))
        table.register(StaffCommand.DONE, _helpers_only(helper, lambda turn, _value: helper.finish(turn)))
        table.register(StaffCommand.OUTCOME, _helpers_only(helper, helper.outcome))
        table.register(StaffCommand.MYREPORT, _helpers_only(helper, helper.report))
        table.register(StaffCommand.STATS, _admins_only(admin, admin.stats))
        table.register(StaffCommand.INVITE, _admins_only(admin, admin.invite))
        table.register(StaffCommand.CATALOG, _admins_only(admin, admin.catalog))
        table.register(StaffCommand.APPLY, _admins_only(admin, admin.apply))
        table.register(StaffCommand.DISCARD, _admins_only(admin, admin.discard))
        table.register(StaffCommand.HELPERS, _admins_only(admin, lambda turn, _value: admin.helpers(turn)))
        return table


def _local(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The local date of a stored time (SQLite may hand it back without its zone: it is UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(zone).date()


def _days(value: str, default: int) -> int:
    days = number(value)
    return default if days is None else days


def _helpers_only(helper: HelperMode, handler: Handler) -> Handler:
    """The handler, for someone who joined as a helper; the refusal for anyone else."""

    def guarded(turn: Turn, value: str) -> list[Reply]:
        return handler(turn, value) if turn.state.helper_commune else [helper.not_helper(turn)]

    return guarded


def _admins_only(admin: AdminDesk, handler: Handler) -> Handler:
    """The handler, for an admin; the refusal for anyone else."""

    def guarded(turn: Turn, value: str) -> list[Reply]:
        return handler(turn, value) if turn.role is Role.ADMIN else [admin.refuse(turn)]

    return guarded

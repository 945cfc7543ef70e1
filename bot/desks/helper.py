"""Helper mode: what a community tech-team member does with the bot beside a citizen.

A helper joins with a one-time invite code (``/join K7PX-93QD``), then for each household
starts an assisted session (``/session``) -- no names are recorded, only a counter of the
households helped today -- looks procedures up by name or national code and gets compact
checklists, and closes the session with an outcome (submitted / needs follow-up / could
not). ``/myreport`` shows their own counts.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.conversation.actions import STAFF_DONE, STAFF_SESSION, Kind, StaffCommand, payload
from bot.conversation.commands import number
from bot.conversation.state import ConversationState, Mode
from bot.conversation.turn import Turn
from bot.messages import Option, Reply, ReplyKind
from bot.storage.database import Database
from bot.storage.events import EventType
from bot.storage.roles import Role, Staff
from procedures.addresses import commune_label

OUTCOMES = ("submitted", "follow_up", "could_not")


def _clear_household(state: ConversationState) -> None:
    """Nothing of one household goes on to the next: papers ticked, a guide, a card, a place asked."""
    state.mode, state.procedure, state.step, state.stack, state.paused = Mode.IDLE, None, None, [], None
    state.history, state.ticks, state.checklist = [], {}, None
    state.answered, state.facet, state.place, state.pending = "", "", "", []


class HelperMode:
    """The helper commands; every method returns the replies for one turn."""

    def __init__(self, staff: Staff, database: Database, timezone: ZoneInfo):
        self.staff = staff
        self.database = database
        self.timezone = timezone

    def not_helper(self, turn: Turn) -> Reply:
        """The refusal for helper commands typed by someone who is not a helper."""
        return Reply(
            turn.tr.gettext(
                "This command is for members of the community digital technology team. If you are one, ask "
                "your admin for an invite code and type /join followed by the code."
            ),
            turn.menu_option(),
        )

    def join(self, turn: Turn, code: str) -> list[Reply]:
        """Redeem an invite code."""
        tr = turn.tr
        if not code.strip():
            return [Reply(tr.gettext("Type /join followed by your invite code, for example: /join K7PX-93QD"))]
        result = self.staff.redeem(code, turn.user, turn.inbound.address.channel, turn.now)
        if result.helper is None:
            reasons = {
                "used": tr.gettext("This invite code has already been used. Ask your admin for a new one."),
                "expired": tr.gettext("This invite code has expired. Ask your admin for a new one."),
            }
            text = reasons.get(result.reason, tr.gettext("I don't know this invite code. Check it and try again."))
            return [Reply(text, turn.menu_option())]
        turn.state.helper_commune = result.helper.commune
        turn.role = Role.HELPER
        if result.reason == "already":
            text = tr.gettext("You are already in the team of {commune}; this code was not used.")
            return [Reply(text.format(commune=commune_label(result.helper.commune, full=True)), turn.menu_option())]
        turn.log(EventType.HELPER_JOINED)
        text = tr.gettext(
            "Welcome to the community digital technology team of {commune}!\n"
            "• /session: start helping a household\n"
            "• type a procedure name or its national code (for example 1.001193) to look it up\n"
            "• /done: finish the session and record the outcome\n"
            "• /myreport: your counts"
        ).format(commune=commune_label(result.helper.commune, full=True))
        return [Reply(text, (Option(tr.gettext("Start a session"), STAFF_SESSION),), kind=ReplyKind.HELP)]

    def _today(self, turn: Turn) -> str:
        return turn.now.astimezone(self.timezone).date().isoformat()

    def start_session(self, turn: Turn) -> list[Reply]:
        """Begin helping one household (counted, never named)."""
        state, tr = turn.state, turn.tr
        if state.household:
            text = tr.gettext("You are still helping household no. {n}. Finish it first with /done.")
            return [Reply(text.format(n=state.household), (Option(tr.gettext("End the session"), STAFF_DONE),))]
        today = self._today(turn)
        if state.households_day != today:
            state.households_day, state.households_today = today, 0
        state.households_today += 1
        _clear_household(state)
        state.household, state.assisted = state.households_today, None
        turn.log(EventType.HELPER_SESSION_STARTED, step=str(state.household))
        text = tr.gettext(
            "Session for household no. {n} today started. Type a procedure name or national code to look it up; "
            "/done when you have finished."
        ).format(n=state.household)
        return [Reply(text)]

    def finish(self, turn: Turn) -> list[Reply]:
        """Ask for the outcome of the session in progress."""
        tr = turn.tr
        if not turn.state.household:
            return [Reply(tr.gettext("No session is open. Type /session to start one."))]
        options = (
            Option(tr.gettext("Submitted"), payload(Kind.STAFF, StaffCommand.OUTCOME, "submitted")),
            Option(tr.gettext("Needs follow-up"), payload(Kind.STAFF, StaffCommand.OUTCOME, "follow_up")),
            Option(tr.gettext("Could not do it"), payload(Kind.STAFF, StaffCommand.OUTCOME, "could_not")),
        )
        text = tr.gettext("How did it go for household no. {n}?").format(n=turn.state.household)
        return [Reply(text, options, kind=ReplyKind.QUESTION)]

    def outcome(self, turn: Turn, outcome: str) -> list[Reply]:
        """Record the outcome and close the session."""
        state, tr = turn.state, turn.tr
        if not state.household or outcome not in OUTCOMES:
            return self.finish(turn) if state.household else [Reply(tr.gettext("No session is open."))]
        worked = state.assisted_all()
        first, others = (worked[0], worked[1:]) if worked else (None, [])
        turn.log(EventType.HELPER_SESSION_ENDED, intent=first, decision=outcome, step=str(state.household))
        for intent in others:  # every procedure worked on counts, the session once
            turn.log(EventType.HELPER_ASSISTED, intent=intent, decision=outcome, step=str(state.household))
        labels = {
            "submitted": tr.gettext("submitted"),
            "follow_up": tr.gettext("needs follow-up"),
            "could_not": tr.gettext("could not do it"),
        }
        text = tr.gettext("Recorded: household no. {n} — {outcome}. Households helped today: {total}.").format(
            n=state.household, outcome=labels[outcome], total=state.households_today
        )
        state.household, state.assisted = 0, None
        _clear_household(state)
        return [Reply(text, (Option(tr.gettext("Start a session"), STAFF_SESSION), *turn.menu_option()))]

    def report(self, turn: Turn, argument: str) -> list[Reply]:
        """The helper's own counts, for the last 30 days unless a number of days is given."""
        # Imported when first asked: the statistics code is not on a citizen's first reply.
        from bot.stats.queries import Period, helper_report
        from bot.stats.text import helper_text

        days = min(number(argument) or 30, 3660)
        today = turn.now.astimezone(self.timezone).date()
        period = Period(today - dt.timedelta(days=days - 1), today)
        names = turn.snap.catalog.names(turn.tr.locale)
        text = helper_text(helper_report(self.database, turn.user, period, self.timezone), turn.tr, names)
        return [Reply(text, turn.menu_option())]

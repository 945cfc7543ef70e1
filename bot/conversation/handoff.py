"""Live handoff, the conversation's side: asking for a person joins a queue an officer takes.

"Gặp người hỗ trợ" (or "Tôi bị vướng", or typing that you want a person) within office hours
first makes sure the bot knows the commune (asking, with the old→new address help of
:mod:`bot.conversation.whereabouts`), then the conversation joins that commune's queue -- or
the province's when no commune is known. Outside office hours the citizen may leave a question.

While an officer holds the conversation, the citizen's messages go to the officer and the bot
stays silent. The queue itself lives behind the small :class:`Switchboard` protocol: the
composition root hands in the console's implementation (:class:`bot.console.handoff.Handoffs`),
so conversation code never imports the console or the web. Without one, the bot gives the
contacts as it always did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol

from bot.conversation import whereabouts
from bot.conversation.actions import LIVE_PROVINCE
from bot.conversation.turn import Turn
from bot.messages import Option, Reply, ReplyKind
from bot.storage.database import Unit
from bot.storage.events import EventType

ASKING, QUESTION = "asking", "question"  # ConversationState.handoff
TAKEN, WAITING, RATED = "taken", "waiting", "rated"  # what Switchboard.relay says


class Switchboard(Protocol):
    """The handoff queues, written in the message's own transaction (``unit``)."""

    def relay(self, unit: Unit, user: str, text: str, now: dt.datetime) -> str | None:
        """Give the citizen's message to their open handoff; what became of it.

        "taken" (the bot stays silent), "waiting" (queued: the bot answers too), "rated" (a
        rating after a hand-back), or None (no handoff).
        """

    def queue(self, turn: Turn, commune: str | None, kind: str, text: str) -> int:
        """Open (or move) the conversation's handoff in ``turn.unit``; how many wait ahead of it in its queue."""

    def is_open(self, now: dt.datetime) -> bool:
        """Whether officers answer now (office hours)."""

    def opens_at(self, now: dt.datetime) -> dt.datetime:
        """When officers next answer (``now`` while open), in the deployment's zone."""


class LiveDesk:
    """The citizen's way to a person: the request, the commune question, the queue, a left question."""

    def __init__(self, switchboard: Switchboard | None, people: Callable[[Turn], Reply]):
        self.switchboard = switchboard
        self.people = people  # the contacts reply: shown too, and alone when no console runs

    def intercept(self, turn: Turn, text: str) -> list[Reply] | None:
        """Replies that take the place of the bot's own for this message, or None to answer as usual."""
        board, state = self.switchboard, turn.state
        if board is None or turn.unit is None:
            return None
        said = board.relay(turn.unit, turn.user, text, turn.now) if text else None
        if said == TAKEN:
            return []  # the officer answers; the bot keeps quiet
        if said == RATED:
            return [Reply(turn.tr.gettext("Thank you for your rating!"), turn.menu_option())]
        if state.handoff == QUESTION and text and turn.inbound.payload is None:
            state.handoff = ""
            return [self._left(turn, board, text)]
        if state.handoff == ASKING and text and turn.inbound.payload is None:
            found = whereabouts.read(turn, text, asked=True, placed_only=True)
            if found is not None and state.place:
                return [found]  # "which one is yours?": still asking
            if found is not None:
                return [found, self.join(turn, state.commune)]
            note = turn.tr.gettext("I could not place that address, so your request goes to the province's team.")
            return [Reply(note), self.join(turn, None)]
        return None

    def request(self, turn: Turn) -> list[Reply]:
        """A person asked for: the queue (within office hours), a question to leave, or the contacts."""
        board, tr, state = self.switchboard, turn.tr, turn.state
        contacts = self.people(turn)
        if board is None:
            return [contacts]
        if not board.is_open(turn.now):
            state.handoff = QUESTION
            when = board.opens_at(turn.now).strftime("%H:%M %d/%m/%Y")
            text = tr.gettext(
                "Our officers are not at work now; they answer from {when}. Type your question now and an "
                "officer will answer it in this chat then."
            ).format(when=when)
            return [contacts, Reply(text, turn.menu_option(), kind=ReplyKind.HELP)]
        if state.commune:
            return [self.join(turn, state.commune)]
        state.handoff = ASKING
        state.answered = f"{state.procedure or ''}:address:asked"  # a bare place name counts as the answer
        text = tr.gettext(
            "To pass you to the right officers: which commune or ward do you live in? Type its name; "
            "an old name from before the 2025 merger works too."
        )
        return [Reply(text, (Option(tr.gettext("I don't know"), LIVE_PROVINCE),), kind=ReplyKind.HELP)]

    def ward(self, turn: Turn, code: str) -> list[Reply]:
        """The commune picked among several; joins the queue when the bot was asking for it."""
        reply = whereabouts.chosen(turn, code)
        if turn.state.handoff == ASKING and turn.state.commune == code:
            return [reply, self.join(turn, code)]
        return [reply]

    def province(self, turn: Turn, _argument: str) -> list[Reply]:
        """The province's queue, for a citizen who does not know their commune."""
        return [self.join(turn, None)] if self.switchboard is not None else [self.people(turn)]

    def join(self, turn: Turn, commune: str | None) -> Reply:
        """Queue the conversation and say honestly what happens next."""
        assert self.switchboard is not None
        tr = turn.tr
        turn.state.handoff = ""
        ahead = self.switchboard.queue(turn, commune, "live", "")
        turn.log(EventType.STUCK, intent="handoff", step=str(ahead))
        lines = [
            tr.gettext(
                "I have asked an officer to answer you here, in this chat. {n} people are waiting before you."
            ).format(n=ahead),
            tr.gettext("While an officer is answering, I stay quiet. Keep this chat open."),
        ]
        if turn.inbound.address.channel == "zalo":  # Zalo lets officers answer only for 48 hours (see Handoffs)
            lines.append(tr.gettext("On Zalo an officer can answer for 48 hours after your last message."))
        return Reply("\n".join(lines), kind=ReplyKind.HELP)

    def _left(self, turn: Turn, board: Switchboard, text: str) -> Reply:
        board.queue(turn, turn.state.commune, "question", text)
        when = board.opens_at(turn.now).strftime("%H:%M %d/%m/%Y")
        saved = turn.tr.gettext("Saved. An officer will answer your question in this chat from {when}.")
        return Reply(saved.format(when=when), turn.menu_option())


__all__ = ["ASKING", "LiveDesk", "QUESTION", "RATED", "Switchboard", "TAKEN", "WAITING"]

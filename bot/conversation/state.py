"""Conversation state: where a user is in the bot, persisted as JSON between messages.

The state is plain data so it can be stored in any database row and restored after a
restart: the current entry and step, the stack of guides to return to after a nested
guide, the history for "Quay lại", the document ticks, the options last offered (so a
typed "2" means the second button), the language, and the time of the last message.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

MAX_HISTORY = 50


class Mode(StrEnum):
    """What the conversation is doing now."""

    IDLE = "idle"  # nothing open: a message is routed
    CARD = "card"  # a procedure card is shown, the guide not started
    GUIDE = "guide"  # walking through steps
    CHECKLIST = "checklist"  # ticking documents (returns to the guide or card)
    RATING = "rating"  # the guide ended; waiting for 👍/👎


@dataclass
class Frame:
    """A place to return to after a nested guide: the outer guide and the step to resume at.

    ``step`` is a step id, or ``"+<step-id>"`` meaning "the step after <step-id>".
    """

    procedure: str
    step: str


@dataclass
class Position:
    """A snapshot of where the user was, for "Quay lại"."""

    procedure: str
    step: str
    stack: list[Frame] = field(default_factory=list)


MAX_ASSISTED = 5  # procedures recorded per household in a helper's session


@dataclass
class ConversationState:
    """Everything the engine remembers about one (channel, user) conversation."""

    locale: str = "vi"
    mode: Mode = Mode.IDLE
    procedure: str | None = None  # curated id, or a national code for a listing card
    step: str | None = None
    stack: list[Frame] = field(default_factory=list)
    history: list[Position] = field(default_factory=list)
    ticks: dict[str, list[str]] = field(default_factory=dict)
    checklist: str | None = None  # the entry whose papers are being ticked
    options: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # the options' labels: typing one presses it
    paused: Position | None = None  # a guide left idle too long, offered for resuming
    last_active: str = ""
    messages: int = 0
    commune: str | None = None  # contacts key chosen by the user ("xã …"), for "Tôi bị vướng"
    guide_digest: str = ""  # content digest of the guide being walked (a catalog update is noticed)
    helper_commune: str | None = None  # set when the user joined as a community helper
    household: int = 0  # the helper's assisted session in progress (its number today), 0 when none
    households_day: str = ""  # the local date ``households_today`` counts within
    households_today: int = 0
    assisted: str | None = None  # the procedures looked up in the assisted session, comma-separated, first first
    answered: str = ""  # "<entry>:<what was shown>", so asking again moves forward
    facet: str = ""  # the detail asked in a question answered by "did you mean"
    locale_chosen: bool = False  # the user picked the language: detection no longer switches it
    pending: list[str] = field(default_factory=list)  # [yes payload, no payload] of a pending question
    place: str = ""  # unit names of an address the bot asked about ("xã Tân Lập"), never a street
    handoff: str = ""  # "asking": the commune asked before joining a queue; "question": one to leave
    referral: str = ""  # "<id>@<message count>": the matter just referred; the next message's detail is about it

    def position(self) -> Position | None:
        """The current guide position, if in a guide."""
        if self.procedure is None or self.step is None:
            return None
        return Position(self.procedure, self.step, [Frame(f.procedure, f.step) for f in self.stack])

    def remember(self) -> None:
        """Push the current position onto the history (bounded)."""
        current = self.position()
        if current is not None:
            self.history.append(current)
            del self.history[:-MAX_HISTORY]

    def restore(self, position: Position) -> None:
        """Jump back to a snapshot."""
        self.procedure, self.step = position.procedure, position.step
        self.stack = [Frame(f.procedure, f.step) for f in position.stack]

    def root_procedure(self) -> str | None:
        """The outermost guide (the procedure the user actually came for)."""
        return self.stack[0].procedure if self.stack else self.procedure

    def assist(self, intent: str) -> None:
        """Note a procedure looked up in a helper's session (each once, at most five)."""
        looked = self.assisted_all()
        if intent not in looked and len(looked) < MAX_ASSISTED:
            self.assisted = ",".join([*looked, intent])

    def assisted_all(self) -> list[str]:
        """The procedures looked up in the helper's session, first first."""
        return [intent for intent in (self.assisted or "").split(",") if intent]

    def idle_for(self, now: dt.datetime) -> dt.timedelta:
        """How long since the last message."""
        if not self.last_active:
            return dt.timedelta(0)
        return now - dt.datetime.fromisoformat(self.last_active)

    def to_json(self) -> str:
        """Serialise for storage."""
        data = asdict(self)
        data["mode"] = self.mode.value
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | None) -> ConversationState:
        """Restore from storage; unreadable data gives a fresh state rather than a crash."""
        if not raw:
            return cls()
        try:
            data: dict[str, Any] = json.loads(raw)
            stack = [Frame(**frame) for frame in data.pop("stack", [])]
            history = [
                Position(p["procedure"], p["step"], [Frame(**f) for f in p.get("stack", [])])
                for p in data.pop("history", [])
            ]
            paused_data = data.pop("paused", None)
            paused = (
                Position(
                    paused_data["procedure"], paused_data["step"], [Frame(**f) for f in paused_data.get("stack", [])]
                )
                if paused_data
                else None
            )
            mode = Mode(data.pop("mode", Mode.IDLE.value))
            known = {name for name in cls.__dataclass_fields__}
            return cls(
                mode=mode, stack=stack, history=history, paused=paused, **{k: v for k, v in data.items() if k in known}
            )
        except (ValueError, TypeError, KeyError):
            return cls()

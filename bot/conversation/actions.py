"""Actions: the payload vocabulary, a payload parsed once, and the one table of handlers.

Every option the bot offers carries a short payload ("nav:next", "guide:khai-sinh",
"fact:can-cuoc:fee", "staff:done:"); a typed command ("tiếp", "2", "/menu") is turned into
the same payload by :mod:`bot.conversation.commands`. This module is the only place a payload
is spelled: :class:`Kind` names every action kind, :func:`payload` builds one, and the fixed
payloads (``NAV_MENU``, ``ANS_YES`` …) are named below; a test fails when a "<kind>:" string
appears anywhere else in ``bot/``. :class:`Action` parses a payload once into its kind and
argument, and :class:`ActionTable` maps each kind to one handler: the engine registers its
own, the desks (helper mode, admin tools, reminders) register theirs. A kind registered twice
is a programming error and fails at start-up, not when a citizen presses the button.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.messages import Reply

if TYPE_CHECKING:
    # The turn (and the catalog snapshot it pins) is not needed to spell a payload: the
    # channels and the turn itself import this module.
    from bot.conversation.turn import Turn

Handler = Callable[["Turn", str], list[Reply]]


class Kind(StrEnum):
    """What a payload asks for: the part before its first colon."""

    NAV = "nav"  # moving in a guide, and words that work everywhere: see Nav
    ANS = "ans"  # a yes/no answer to a guide step's question
    GUIDE = "guide"  # start the guide of an entry: guide:<entry id>
    OPEN = "open"  # the card of an entry or a national listing: open:<id or code>
    PICK = "pick"  # a choice after "did you mean": pick:<intent>
    DOCS = "docs"  # the papers to prepare: docs:<entry id> (docs: for the guide at hand)
    FACT = "fact"  # one fact of an entry: fact:<entry id>:<facet>
    WARD = "ward"  # the commune picked among several: ward:<code>
    TICK = "tick"  # tick a paper in the checklist: tick:<document id>
    SECTOR = "sector"  # a topic of the menu: sector:<index>
    RATE = "rate"  # the rating at the end of a guide: rate:up / rate:down
    LANG = "lang"  # the language chosen: lang:vi / lang:en
    CMD = "cmd"  # cmd:start, the first contact
    MEDIA = "media"  # something that is not text: media:<photo, document, too_large …>
    UNKNOWN = "unknown"  # a slash command the bot does not know: unknown:/<command>
    STAFF = "staff"  # a helper or admin command: staff:<StaffCommand>:<argument>
    REMIND = "remind"  # reminders: remind:<Remind>:<argument>
    LIVE = "live"  # live handoff: live:province (no commune known: the province's queue)


class Nav(StrEnum):
    """The arguments of ``nav:`` actions."""

    NEXT = "next"
    BACK = "back"
    RESUME = "resume"
    DOCS = "docs"
    STUCK = "stuck"
    EXIT = "exit"
    MENU = "menu"
    HELP = "help"
    REPHRASE = "rephrase"
    LANG = "lang"  # switch to the other language


class StaffCommand(StrEnum):
    """The commands of ``staff:`` actions (the helper's, the admin's, and the reminders list)."""

    REMINDERS = "reminders"
    JOIN = "join"
    SESSION = "session"
    DONE = "done"
    OUTCOME = "outcome"
    MYREPORT = "myreport"
    STATS = "stats"
    INVITE = "invite"
    CATALOG = "catalog"
    APPLY = "apply"
    DISCARD = "discard"
    HELPERS = "helpers"


class Remind(StrEnum):
    """The commands of ``remind:`` actions."""

    SET = "set"
    CANCEL = "cancel"
    LIST = "list"


def payload(kind: Kind, *parts: object) -> str:
    """The payload of ``kind`` with its argument parts joined by colons (``payload(Kind.FACT, id, "fee")``)."""
    return ":".join([kind.value, *(str(part) for part in parts)])


def has_kind(text: str, *kinds: Kind) -> bool:
    """Whether the payload ``text`` is one of ``kinds`` (spelled "<kind>:…")."""
    return text.startswith(tuple(f"{kind.value}:" for kind in kinds))


# The fixed payloads: persisted in conversation states (the last options, a pending yes/no),
# so their spelling must not change between releases.
NAV_NEXT = payload(Kind.NAV, Nav.NEXT)
NAV_BACK = payload(Kind.NAV, Nav.BACK)
NAV_RESUME = payload(Kind.NAV, Nav.RESUME)
NAV_DOCS = payload(Kind.NAV, Nav.DOCS)
NAV_STUCK = payload(Kind.NAV, Nav.STUCK)
NAV_EXIT = payload(Kind.NAV, Nav.EXIT)
NAV_MENU = payload(Kind.NAV, Nav.MENU)
NAV_HELP = payload(Kind.NAV, Nav.HELP)
NAV_REPHRASE = payload(Kind.NAV, Nav.REPHRASE)
NAV_LANG = payload(Kind.NAV, Nav.LANG)
ANS_YES = payload(Kind.ANS, "yes")
ANS_NO = payload(Kind.ANS, "no")
RATE_UP = payload(Kind.RATE, "up")
RATE_DOWN = payload(Kind.RATE, "down")
LANG_EN = payload(Kind.LANG, "en")
LANG_VI = payload(Kind.LANG, "vi")
CMD_START = payload(Kind.CMD, "start")
MEDIA_DOCUMENT = payload(Kind.MEDIA, "document")
MEDIA_TOO_LARGE = payload(Kind.MEDIA, "too_large")
MEDIA_DOWNLOAD_FAILED = payload(Kind.MEDIA, "download_failed")
STAFF_REMINDERS = payload(Kind.STAFF, StaffCommand.REMINDERS, "")
STAFF_SESSION = payload(Kind.STAFF, StaffCommand.SESSION, "")
STAFF_DONE = payload(Kind.STAFF, StaffCommand.DONE, "")
LIVE_PROVINCE = payload(Kind.LIVE, "province")


@dataclass(frozen=True)
class Action:
    """A parsed payload: ``kind`` ("nav", "guide", "fact" …) and its ``argument`` (may hold more colons)."""

    kind: str
    argument: str = ""

    @classmethod
    def parse(cls, payload: str) -> Action:
        """Split "kind:argument" at the first colon ("fact:can-cuoc:fee" → fact, "can-cuoc:fee")."""
        kind, _, argument = payload.partition(":")
        return cls(kind, argument)

    @property
    def payload(self) -> str:
        """The payload an option carries for this action."""
        return f"{self.kind}:{self.argument}"


@dataclass
class ActionTable:
    """Handlers by action kind (or by argument, for a sub-table such as "nav")."""

    fallback: Handler
    handlers: dict[str, Handler] = field(default_factory=dict)

    def register(self, key: str, handler: Handler) -> None:
        """Add the handler of ``key``; a second handler for the same key is refused."""
        if key in self.handlers:
            raise ValueError(f"action {key!r} already has a handler")
        self.handlers[key] = handler

    def dispatch(self, turn: Turn, key: str, argument: str) -> list[Reply]:
        """Run the handler of ``key`` with ``argument`` (the fallback for an unknown key)."""
        return self.handlers.get(key, self.fallback)(turn, argument)

    def act(self, turn: Turn, argument: str) -> list[Reply]:
        """Dispatch "<key>:<rest>" (a sub-table's argument) to the handler of ``key`` with ``rest``."""
        key, _, rest = argument.partition(":")
        return self.dispatch(turn, key, rest)

    def keys(self) -> frozenset[str]:
        """Every key with a handler."""
        return frozenset(self.handlers)


__all__ = [
    "ANS_NO",
    "ANS_YES",
    "CMD_START",
    "LANG_EN",
    "LANG_VI",
    "MEDIA_DOCUMENT",
    "MEDIA_DOWNLOAD_FAILED",
    "MEDIA_TOO_LARGE",
    "NAV_BACK",
    "NAV_DOCS",
    "NAV_EXIT",
    "NAV_HELP",
    "NAV_LANG",
    "NAV_MENU",
    "NAV_NEXT",
    "NAV_REPHRASE",
    "NAV_RESUME",
    "NAV_STUCK",
    "LIVE_PROVINCE",
    "RATE_DOWN",
    "RATE_UP",
    "STAFF_DONE",
    "STAFF_REMINDERS",
    "STAFF_SESSION",
    "Action",
    "ActionTable",
    "Handler",
    "Kind",
    "Nav",
    "Remind",
    "StaffCommand",
    "payload",
]

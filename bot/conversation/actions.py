"""Actions: what a button press or a typed command asks for, and the one table of handlers.

Every option the bot offers carries a short payload ("nav:next", "guide:khai-sinh",
"fact:can-cuoc:fee", "staff:done:"); a typed command ("tiếp", "2", "/menu") is turned into
the same payload by :mod:`bot.conversation.commands`. :class:`Action` parses a payload once into its kind
and argument, and :class:`ActionTable` maps each kind to one handler: the engine registers its
own, the desks (helper mode, admin tools, reminders) register theirs. A kind registered twice
is a programming error and fails at start-up, not when a citizen presses the button.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.conversation.turn import Turn
from bot.messages import Reply

Handler = Callable[[Turn, str], list[Reply]]


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

    def keys(self) -> frozenset[str]:
        """Every key with a handler."""
        return frozenset(self.handlers)


__all__ = ["Action", "ActionTable", "Handler"]

"""What officers set for the conversation to show: the notice, the welcome text, office hours.

The engine reads them through this small read-only :class:`Noticeboard` protocol; the composition
root hands in the console's implementation (:class:`bot.console.notices.Board`), so conversation
code never imports the console or the web. Times are the message's (the injected clock's), so a
notice appears and expires on its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Noticeboard(Protocol):
    """Read-only texts for the start of conversations and the contacts reply."""

    def notice(self, now: dt.datetime, locale: str) -> str | None:
        """The announcement running at ``now``, or None."""

    def welcome(self, now: dt.datetime, locale: str) -> str | None:
        """The officers' welcome text, or None for the built-in greeting."""

    def hours(self, commune: str | None, locale: str) -> str | None:
        """A commune's office hours, or None."""


class Blank:
    """No notice, the built-in greeting, no office hours (a bot without the console)."""

    def notice(self, now: dt.datetime, locale: str) -> str | None:
        """Never a notice."""
        return None

    def welcome(self, now: dt.datetime, locale: str) -> str | None:
        """The built-in greeting."""
        return None

    def hours(self, commune: str | None, locale: str) -> str | None:
        """No hours."""
        return None


__all__ = ["Blank", "Noticeboard"]

"""One turn of a conversation: what handling one message works with.

The engine builds a :class:`Turn` per inbound message -- the conversation state, the user's
translator, the catalog snapshot pinned for this message, the user's role -- and the desks
(helper mode, admin tools, reminders) receive it, so they never reach for shared state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.conversation.actions import NAV_MENU
from bot.conversation.live import Snapshot
from bot.conversation.state import ConversationState
from bot.i18n import Translator
from bot.messages import Inbound, Option
from bot.storage.database import Unit
from bot.storage.events import EventType, PendingEvent
from bot.storage.roles import Role


@dataclass
class Turn:
    """The state, the user's language, the pinned catalog, and what to write at the end."""

    state: ConversationState
    tr: Translator
    now: dt.datetime
    snap: Snapshot
    inbound: Inbound
    user: str = ""  # the salted hash of the user
    role: Role = Role.CITIZEN
    events: list[PendingEvent] = field(default_factory=list)
    rows: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)  # (table, row), in the message's commit
    unit: Unit | None = None  # the message's transaction (the handoff queue reads and writes in it)
    zone: dt.tzinfo = dt.UTC  # the service's local time zone: which fees are current is a local-day matter

    @property
    def today(self) -> dt.date:
        """The local date of this message (in Vietnam 01:00 on 1 January is already the new year)."""
        return self.now.astimezone(self.zone).date()

    def log(self, kind: EventType, **values: object) -> None:
        """Collect an event; it is written after the reply is decided."""
        self.events.append(PendingEvent(kind, **values))  # type: ignore[arg-type]

    @property
    def commune(self) -> str | None:
        """The commune the user's events count for: the helper's own, else the one they chose."""
        return self.state.helper_commune or self.state.commune

    def menu_option(self) -> tuple[Option, ...]:
        """The "Menu" button every dead-end reply carries."""
        return (Option(self.tr.gettext("Menu"), NAV_MENU),)

"""A testing kit: drive the engine like a user and read the conversation like a transcript.

    chat = Conversation(app.engine)
    chat.say("lam giay khai sinh cho con").expect("Đăng ký khai sinh")
    chat.press("Hướng dẫn từng bước").expect("Bước 1/6")

``press`` finds an offered option by (part of) its label and sends its payload, exactly as
a channel does when a button is tapped; ``say`` types text, so typed numbers and commands
go through the same path as on a real channel.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.engine import Engine
from bot.messages import Address, Inbound, Option, Reply


@dataclass
class Conversation:
    """One simulated user talking to an engine."""

    engine: Engine
    user_id: str = "tester"
    channel: str = "test"
    locale_hint: str | None = None
    now: dt.datetime | None = None
    replies: list[Reply] = field(default_factory=list)

    @property
    def address(self) -> Address:
        """The simulated user's address."""
        return Address(self.channel, self.user_id, self.user_id)

    def _send(self, text: str = "", payload: str | None = None) -> Conversation:
        received = self.now or dt.datetime.now(dt.UTC)
        inbound = Inbound(self.address, text=text, payload=payload, locale_hint=self.locale_hint, received_at=received)
        self.replies = self.engine.handle(inbound)
        return self

    def say(self, text: str) -> Conversation:
        """Type a message."""
        return self._send(text=text)

    def press(self, label: str) -> Conversation:
        """Tap the offered option whose label contains ``label`` (case-insensitive)."""
        for option in self.options:
            if label.lower() in option.label.lower():
                return self._send(payload=option.payload)
        raise AssertionError(f"no option {label!r} among {[o.label for o in self.options]}")

    def send_payload(self, payload: str) -> Conversation:
        """Send a raw button payload (for stale or forged buttons)."""
        return self._send(payload=payload)

    @property
    def text(self) -> str:
        """All reply texts of the last turn, joined."""
        return "\n\n".join(reply.text for reply in self.replies)

    @property
    def options(self) -> list[Option]:
        """The options offered by the last reply."""
        return list(self.replies[-1].options) if self.replies else []

    def expect(self, *fragments: str) -> Conversation:
        """Assert every fragment occurs in the last turn's text."""
        for fragment in fragments:
            assert fragment in self.text, f"{fragment!r} not in reply:\n{self.text}"
        return self

    def expect_option(self, *labels: str) -> Conversation:
        """Assert the last reply offers options containing each label."""
        offered = [option.label for option in self.options]
        for label in labels:
            assert any(label in item for item in offered), f"{label!r} not among options {offered}"
        return self

    def expect_not(self, *fragments: str) -> Conversation:
        """Assert no fragment occurs in the last turn's text."""
        for fragment in fragments:
            assert fragment not in self.text, f"{fragment!r} unexpectedly in reply:\n{self.text}"
        return self

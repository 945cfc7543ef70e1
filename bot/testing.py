"""A testing kit: drive the engine like a user and read the conversation like a transcript.

    chat = Conversation(app.engine)
    chat.say("lam giay khai sinh cho con").expect("Đăng ký khai sinh")
    chat.press("Hướng dẫn từng bước").expect("Bước 1/6")

``press`` finds an offered option by (part of) its label and sends its payload, exactly as
a channel does when a button is tapped; ``say`` types text, so typed numbers and commands
go through the same path as on a real channel.

:class:`CollectingChannel` is the channel test double: registered on an app like any
adapter, it records what the courier delivers (and can be told to fail), so a test drives
the whole path -- gateway, inbox, engine, outbox, courier -- without a platform.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

from bot.channels.base import DELIVERED, Delivery, Outcome
from bot.clock import Clock, SystemClock
from bot.conversation.engine import Engine
from bot.messages import Address, Inbound, Option, Reply
from bot.storage.inbox import Inbox
from bot.storage.outbox import Outbox, Parcel, SendLimits


@dataclass
class Conversation:
    """One simulated user talking to an engine."""

    engine: Engine
    user_id: str = "tester"
    channel: str = "test"
    locale_hint: str | None = None
    now: dt.datetime | None = None  # a fixed time for every message; else the clock's
    clock: Clock = field(default_factory=SystemClock)
    replies: list[Reply] = field(default_factory=list)

    @property
    def address(self) -> Address:
        """The simulated user's address."""
        return Address(self.channel, self.user_id, self.user_id)

    def _send(self, text: str = "", payload: str | None = None) -> Conversation:
        received = self.now or self.clock.now()
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


@dataclass
class CollectingChannel:
    """A channel that keeps what it is given: ``delivered`` holds (address, reply) in order.

    ``failures`` scripts the next outcomes (e.g. ``[Delivery(Outcome.RETRY, "timeout")]``);
    once they are used up every parcel is delivered.
    """

    channel: str = "collect"
    limits: SendLimits = field(default_factory=SendLimits.unlimited)
    max_text: int = 4096
    paced: bool = True
    delivered: list[tuple[Address, Reply]] = field(default_factory=list)
    receipts: list[tuple[str, str | None]] = field(default_factory=list)
    failures: list[Delivery] = field(default_factory=list)
    attempts: int = 0

    async def deliver(self, parcel: Parcel) -> Delivery:
        """Record the parcel, or play the next scripted failure."""
        self.attempts += 1
        if self.failures:
            return self.failures.pop(0)
        if parcel.receipt is not None:
            self.receipts.append((parcel.receipt, parcel.notice))
        if parcel.reply is not None:
            self.delivered.append((parcel.address, parcel.reply))
        return DELIVERED

    def texts(self, chat_id: str | None = None) -> list[str]:
        """The texts delivered (to one chat, or all), in order."""
        return [reply.text for address, reply in self.delivered if chat_id is None or address.chat_id == chat_id]


async def settled(inbox: Inbox, outbox: Outbox, timeout: float = 10.0) -> None:
    """Wait until every stored message is processed and every reply delivered (or dropped)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        waiting = await asyncio.to_thread(inbox.backlog) + await asyncio.to_thread(outbox.backlog)
        if not waiting:
            return
        if loop.time() > deadline:
            raise AssertionError(f"{waiting} messages or replies still waiting after {timeout} s")
        await asyncio.sleep(0.01)


__all__ = ["CollectingChannel", "Conversation", "Delivery", "Outcome", "settled"]

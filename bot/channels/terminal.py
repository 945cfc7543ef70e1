"""The terminal channel: a chat on standard input and output, with numbered options.

Works interactively and piped: each line goes through the gateway like any channel's message
(stored, processed, its replies written to the outbox) and the replies are printed before
the next line is read, so a script or another program can hold a conversation with the bot.
Replies left in the outbox by a crash are printed first when the chat starts again. Bytes
that are not UTF-8 are read as U+FFFD, never as a crash. Exits cleanly on end of input or
when the user types "thoát" (which also closes an open guide).
"""

from __future__ import annotations

import asyncio
import tempfile
from typing import TextIO

from bot.channels.base import DELIVERED, Delivery, Gateway
from bot.channels.delivery import Courier
from bot.clock import Clock
from bot.conversation.commands import simplify
from bot.messages import Address, Inbound, Reply
from bot.storage.outbox import Parcel, SendLimits

CHANNEL = "terminal"
PROMPT = "> "


def render(reply: Reply) -> str:
    """Reply text, then its links, then its options as numbered lines; an image is saved to a file."""
    lines = [reply.text]
    if reply.image is not None:
        # A terminal cannot show a chart: write it next to the other temporary files and say where.
        with tempfile.NamedTemporaryFile(prefix="dvcbot-", suffix=".png", delete=False) as handle:
            handle.write(reply.image.content)
        lines.append(f"🖼 {handle.name}")
    lines += [f"🔗 {link.label}: {link.url}" for link in reply.links]
    lines += [f"  {number}. {option.label}" for number, option in enumerate(reply.options, 1)]
    return "\n".join(lines)


class TerminalChannel:
    """Reads lines from ``source`` and prints the replies on ``sink``."""

    channel = CHANNEL
    limits = SendLimits.unlimited()
    max_text = 100_000
    paced = False  # the person at the keyboard is the operator: nothing to protect from them

    def __init__(self, gateway: Gateway, clock: Clock, source: TextIO, sink: TextIO, user_id: str = "local"):
        self.gateway = gateway
        self.clock = clock
        self.source = source
        self.sink = sink
        self.address = Address(CHANNEL, user_id, user_id)
        self.courier: Courier | None = None  # set by the composition root

    async def deliver(self, parcel: Parcel) -> Delivery:
        """Print one reply, separated by a blank line, flushed at once."""
        if parcel.reply is not None:
            self.sink.write(render(parcel.reply) + "\n\n")
            self.sink.flush()
        return DELIVERED

    async def settle(self) -> None:
        """Process what this user sent and print every reply waiting for them."""
        assert self.courier is not None
        conversation = self.gateway.engine.user_key(self.address)
        while await asyncio.to_thread(self.gateway.process, conversation):
            pass
        await self.courier.flush(self.gateway.outbox.chat_key(CHANNEL, self.address.chat_id))

    async def say(self, text: str) -> None:
        """Send one line and print the replies."""
        await self.gateway.submit(Inbound(self.address, text=text, received_at=self.clock.now()))
        await self.settle()

    async def run(self, interactive: bool = False) -> int:
        """Loop until end of input or "thoát"."""
        await self.settle()  # a reply a crash left undelivered comes first
        while True:
            if interactive:
                self.sink.write(PROMPT)
                self.sink.flush()
            line = await asyncio.to_thread(self.source.readline)
            if not line:
                return 0
            text = line.rstrip("\n")
            await self.say(text)
            if _is_quit(text):
                return 0


def _is_quit(text: str) -> bool:
    return simplify(text) in ("thoat", "exit", "quit")

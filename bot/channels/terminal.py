"""The terminal channel: a chat on standard input and output, with numbered options.

Works interactively and piped: each reply is written and flushed as soon as it is ready,
so a script or another program can hold a conversation with the bot. Exits cleanly on end
of input or when the user types "thoát" (which also closes an open guide).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import TextIO

from bot.commands import simplify
from bot.engine import Engine
from bot.messages import Address, Inbound, Reply

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
    """Reads lines from ``source`` and writes replies to ``sink``."""

    def __init__(self, engine: Engine, source: TextIO, sink: TextIO, user_id: str = "local", interactive: bool = False):
        self.engine = engine
        self.source = source
        self.sink = sink
        self.address = Address(CHANNEL, user_id, user_id)
        self.interactive = interactive

    def say(self, text: str) -> list[Reply]:
        """Send one line to the engine and print the replies."""
        replies = self.engine.handle(Inbound(self.address, text=text))
        self.write(replies)
        return replies

    def write(self, replies: Iterable[Reply]) -> None:
        """Print replies separated by blank lines, flushing at once."""
        for reply in replies:
            self.sink.write(render(reply) + "\n\n")
        self.sink.flush()

    def run(self) -> int:
        """Loop until end of input or "thoát"."""
        if self.interactive:
            self.sink.write(PROMPT)
            self.sink.flush()
        for line in self.source:
            text = line.rstrip("\n")
            self.say(text)
            if _is_quit(text):
                break
            if self.interactive:
                self.sink.write(PROMPT)
                self.sink.flush()
        return 0


def _is_quit(text: str) -> bool:
    return simplify(text) in ("thoat", "exit", "quit")

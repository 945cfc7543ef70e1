"""Per-user flood control: a sliding window of recent messages per user.

A user who sends more than ``limit`` messages within ``window`` seconds gets one polite
"please slow down" and the rest of the burst is dropped without touching the engine or the
database. This sits on top of the platform's own rate limits (python-telegram-bot's rate
limiter handles Telegram's), which protect the platform, not the bot.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

PRUNE_EVERY = 1024


class Verdict(StrEnum):
    """What to do with a message."""

    PASS = "pass"  # handle it
    WARN = "warn"  # drop it, and tell the user once
    DROP = "drop"  # drop it silently (already told)


@dataclass
class FloodGate:
    """Sliding-window counter per user key; the clock is injectable for tests."""

    limit: int = 8
    window: float = 10.0
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, deque[float]] = field(default_factory=dict)
    _warned: dict[str, float] = field(default_factory=dict)
    _checks: int = 0

    def check(self, key: str) -> Verdict:
        """Record one message from ``key`` and say whether to handle it."""
        now = self.clock()
        self._checks += 1
        if self._checks % PRUNE_EVERY == 0:
            self.forget_idle()  # a long-running bot must not keep every user it ever saw
        recent = self._seen.setdefault(key, deque())
        while recent and now - recent[0] > self.window:
            recent.popleft()
        if len(recent) < self.limit:
            recent.append(now)
            self._warned.pop(key, None)
            return Verdict.PASS
        if now - self._warned.get(key, -self.window - 1) > self.window:
            self._warned[key] = now
            return Verdict.WARN
        return Verdict.DROP

    def forget_idle(self) -> None:
        """Drop users with no message inside the window (keeps memory bounded)."""
        now = self.clock()
        for key in [k for k, v in self._seen.items() if not v or now - v[-1] > self.window]:
            self._seen.pop(key, None)
            self._warned.pop(key, None)

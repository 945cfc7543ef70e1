"""Flood control: a fast sender's messages wait their turn; nobody is dropped without a word.

Each sender has a pace (``rate`` messages a second after a ``burst``), kept with the generic
cell rate algorithm: one number per sender, the time their next message would be on pace.
A message within the pace is handled at once; one ahead of it is *queued* -- stored with the
time it may be handled -- so a person typing quickly gets every answer, just spaced out.
Only when a sender's queue would wait longer than ``max_delay`` is a message refused, and the
sender is told once per ``max_delay`` (:attr:`Admission.notify`).

Pacing keeps one flooding sender from taking the processing time everyone shares; the
per-chat send cap (:mod:`bot.storage.outbox`) keeps their replies from crowding other chats'.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

PRUNE_EVERY = 1024


@dataclass(frozen=True)
class Admission:
    """What to do with one message: handle it after ``delay`` seconds, or refuse it."""

    accepted: bool
    delay: float = 0.0
    notify: bool = False  # refused, and the sender has not been told in this window


@dataclass
class FloodControl:
    """Per-sender pacing on a monotonic clock (seconds); thread-safe."""

    burst: int = 10
    rate: float = 1.0
    max_delay: float = 30.0
    _due: dict[str, float] = field(default_factory=dict)  # sender -> theoretical arrival time
    _told: dict[str, float] = field(default_factory=dict)
    _checks: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, sender: str, now: float) -> Admission:
        """Record one message from ``sender`` at monotonic time ``now``."""
        interval = 1.0 / self.rate
        tolerance = (self.burst - 1) * interval
        with self._lock:
            self._checks += 1
            if self._checks % PRUNE_EVERY == 0:
                self._forget_idle(now)
            due = max(self._due.get(sender, now), now)
            delay = due - tolerance - now
            if delay > self.max_delay:
                told = self._told.get(sender)
                notify = told is None or now - told > self.max_delay
                if notify:
                    self._told[sender] = now
                return Admission(False, notify=notify)
            self._due[sender] = due + interval
            return Admission(True, max(0.0, delay))

    def _forget_idle(self, now: float) -> None:
        """Drop senders who are back on pace (keeps memory bounded in a long-running bot)."""
        for sender in [key for key, due in self._due.items() if due < now]:
            del self._due[sender]
        for sender in [key for key, told in self._told.items() if now - told > self.max_delay]:
            del self._told[sender]

"""The clock: the one place the bot reads the current time.

Every date the bot stores or shows -- when a message arrived, when a reminder is due, the
local day in statistics, when a reply may be retried -- comes from a :class:`Clock` that the
composition root builds and passes in. Nothing else calls ``datetime.now()`` or
``time.time()`` (``tests/test_clock.py`` scans the code for it), so the test suite can run on
any date and tests can move time forward by hand with :class:`ManualClock`.

``monotonic()`` is for measuring durations (flood windows, back-off waits) and never for
dates.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Tells the time."""

    def now(self) -> dt.datetime:
        """The current time, timezone-aware UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for durations only)."""
        ...


class SystemClock:
    """The real clock of the machine."""

    def now(self) -> dt.datetime:
        """The current time, timezone-aware UTC."""
        return dt.datetime.now(dt.UTC)

    def monotonic(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()


class ManualClock:
    """A clock that moves only when told to (tests, replaying a scenario)."""

    def __init__(self, start: dt.datetime):
        if start.tzinfo is None:
            raise ValueError("a manual clock needs a timezone-aware start time")
        self._now = start.astimezone(dt.UTC)
        self._lock = threading.Lock()
        self._elapsed = 0.0

    def now(self) -> dt.datetime:
        """The time set by the test."""
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        """Seconds advanced since the clock was made."""
        with self._lock:
            return self._elapsed

    def advance(self, delta: dt.timedelta | float) -> dt.datetime:
        """Move the clock forward by ``delta`` (a timedelta or seconds) and return the new time."""
        seconds = delta.total_seconds() if isinstance(delta, dt.timedelta) else float(delta)
        if seconds < 0:
            raise ValueError("a clock never goes back")
        with self._lock:
            self._now += dt.timedelta(seconds=seconds)
            self._elapsed += seconds
            return self._now

    def set(self, when: dt.datetime) -> None:
        """Jump to ``when`` (not earlier than now)."""
        self.advance(when.astimezone(dt.UTC) - self.now())

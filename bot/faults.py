"""Fault points: named places where a crash test may kill the process on purpose.

A promise such as "a crash after the commit and before the send loses no reply" can only be
tested by crashing exactly there. ``DVCBOT_FAULT=after-commit:3`` makes the process kill
itself with SIGKILL -- no clean-up, no flush, as a power cut or the OOM killer would -- the
third time it passes :meth:`Faults.hit` at ``"after-commit"``. Unset (always, in
production), a fault point costs one dictionary look-up.
"""

from __future__ import annotations

import os
import signal
import threading


class Faults:
    """The armed fault point, if any."""

    def __init__(self, spec: str = ""):
        name, _, count = spec.partition(":")
        self.name = name.strip()
        self.remaining = int(count) if count.strip().isdigit() else 1
        self._lock = threading.Lock()

    def hit(self, name: str) -> None:
        """Pass fault point ``name``: die here if it is armed and its count is reached."""
        if not self.name or name != self.name:
            return
        with self._lock:
            self.remaining -= 1
            if self.remaining > 0:
                return
        os.kill(os.getpid(), signal.SIGKILL)

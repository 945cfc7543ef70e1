"""The environment of a bot process a test starts: no settings from the developer's shell, and
the start-up cache shared by every such process.

A bot started without a warm cache builds its catalog and router first (2–3 s on a quiet
machine); the suite starts about fifteen processes. They share one cache folder, as the
processes of one deployment do: entries are keyed by the digest of their inputs and of the code
(``bot/catalog/warm_start.py``), so a stale entry is never served, and they are written
atomically, so parallel workers can share it. ``tests/test_warm_start.py`` checks the cache
itself in folders of its own.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Settings a developer's shell may hold that would change what a started bot does.
OWN_SETTINGS = ("TELEGRAM_", "ZALO_", "DVCBOT_")


def shared_cache() -> Path:
    """The start-up cache folder of the bot processes of this machine's test runs."""
    return Path(tempfile.gettempdir()) / f"dvcbot-test-cache-{os.getuid()}"


def bot_environment(**values: str) -> dict[str, str]:
    """This process's environment without bot settings, with the shared cache, then ``values``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(OWN_SETTINGS)}
    env["DVCBOT_CACHE_DIR"] = str(shared_cache())
    return env | values

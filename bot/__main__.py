"""``python -m bot`` and the ``dvcbot`` command: the command line, imported with the collector paused."""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Import the command line with the cyclic collector paused, then run it on ``argv``."""
    # Importing SQLAlchemy, SQLModel's tables and the catalog code creates a few hundred thousand
    # objects that live as long as the process; the collector would rescan them again and again
    # while they load, for nothing to free. Paused, then frozen out of later scans: about 0.08 s
    # of a one-second start (measured). The commands themselves run with it on.
    gc.disable()
    try:
        from bot.cli.main import main as run
    finally:
        gc.freeze()
        gc.enable()
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())

"""Hostile-input benchmark: the slowest routing of a hostile text, and a YAML bomb's refusal time.

The tests (``tests/test_hostile.py``) check that hostile input is survived; how long it takes is
measured here, on the same inputs, and printed as JSON (no test asserts a time):

    .venv/bin/python benchmarks/hostile.py

Targets: every hostile text routed in well under a second (no catastrophic backtracking), the
"billion laughs" upload refused before it expands (milliseconds, not minutes).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import load_catalog  # noqa: E402
from bot.config import Settings  # noqa: E402
from intents import build_router  # noqa: E402
from procedures.formats import read_candidate_bytes  # noqa: E402
from procedures.links import LinkPolicy  # noqa: E402
from tests.test_hostile import BILLION_LAUGHS, HOSTILE_TEXTS  # noqa: E402


def main() -> None:
    """Route every hostile text, time the slowest; time the YAML bomb's refusal."""
    catalog = load_catalog(Settings())
    router = build_router(catalog)
    timings: list[tuple[float, str]] = []
    for text in HOSTILE_TEXTS:
        started = time.perf_counter()
        router.route(text)
        timings.append((time.perf_counter() - started, text[:40]))
    slowest, which = max(timings)
    started = time.perf_counter()
    candidate = read_candidate_bytes("laughs.yaml", BILLION_LAUGHS, catalog, LinkPolicy())
    bomb = time.perf_counter() - started
    print(
        json.dumps(
            {
                "hostile_texts": len(HOSTILE_TEXTS),
                "slowest_route_ms": round(slowest * 1000, 2),
                "slowest_text": which,
                "billion_laughs_refused_ms": round(bomb * 1000, 2),
                "refused": bool(candidate.problems),
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

"""Speed of the facet reader on every question of the labelled sets (JSON figures, CPU time).

`read_facet` runs on every message, so it must stay well under a millisecond; timing is measured
here, never asserted in tests. Only figures are printed, never the questions.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intents.facets import read_facet  # noqa: E402

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Read each question 20 times; print p50/p99 per message and the longest message's time."""
    texts = [json.loads(line)["text"] for path in sorted(HERE.glob("*.jsonl")) for line in path.open(encoding="utf-8")]
    read_facet(texts[0])  # compile the patterns outside the timing
    timings = []
    for text in texts:
        started = time.process_time()
        for _ in range(20):
            read_facet(text)
        timings.append((time.process_time() - started) / 20 * 1000)
    ordered = sorted(timings)
    figures = {
        "messages": len(texts),
        "p50_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 3),
        "max_ms": round(ordered[-1], 3),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

"""Length of first replies: how much a citizen reads after asking one question (JSON figures).

Every question of the labelled sets in ``benchmarks/`` is asked by a new user through the
engine (SQLite in a temporary folder); the first reply's characters are counted, and the
distribution is printed per kind of reply. Target: p95 ≤ 600 characters (one phone screen).
Only lengths are printed, never the questions (some sets are measured blind).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.testing import Conversation  # noqa: E402

HERE = Path(__file__).resolve().parent
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def percentile(values: list[int], share: float) -> int:
    """The value at ``share`` (0..1) of the sorted values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    """Ask every question once and print the length distribution of the first replies."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path, help="JSONL sets (default: every set in benchmarks/)")
    args = parser.parse_args()
    files = args.files or sorted(HERE.glob("*.jsonl"))
    questions = [json.loads(line)["text"] for path in files for line in path.read_text(encoding="utf-8").splitlines()]
    with tempfile.TemporaryDirectory() as folder:
        settings = replace(Settings(), database_url=f"sqlite:///{folder}/answers.db", user_salt="bench-salt")
        app = build_app(settings)
        lengths: dict[str, list[int]] = {}
        try:
            for number, question in enumerate(questions):
                chat = Conversation(app.engine, user_id=f"user-{number}", now=NOW).say(question)
                first = chat.replies[0] if chat.replies else None
                if first is None:
                    continue
                lengths.setdefault("all", []).append(len(first.text))
                lengths.setdefault(first.kind.value, []).append(len(first.text))
        finally:
            app.close()
    figures = {
        kind: {
            "n": len(values),
            "p50": percentile(values, 0.5),
            "p95": percentile(values, 0.95),
            "max": max(values),
            "mean": round(statistics.fmean(values)),
        }
        for kind, values in sorted(lengths.items())
    }
    print(json.dumps({"sets": [path.name for path in files], "first_reply_chars": figures}, indent=2))


if __name__ == "__main__":
    main()

"""Engine benchmark: 10,000 scripted messages from 500 simulated users through ``handle()``.

Runs on a fresh SQLite file with event recording on (the real path), one thread, and prints
JSON: p50/p99 latency per message and messages per second. Usage:
``.venv/bin/python benchmarks/engine.py [--messages N] [--users N]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bot.app import build_app
from bot.clock import SystemClock
from bot.config import Settings
from bot.messages import Address, Inbound

SCRIPT = [
    "lam giay khai sinh cho con",
    "1",
    "co",
    "tiep",
    "giay to",
    "1",
    "quay lai buoc dang lam",
    "tiep",
    "quay lai",
    "tiep",
    "đk tạm trú ntn",
    "1",
    "tiep",
    "vuong",
    "menu",
    "doi bang lai xe het han",
    "thoat",
    "cảm ơn nhé",
]


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=500)
    args = parser.parse_args()
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as folder:
        settings = replace(Settings(), database_url=f"sqlite:///{Path(folder) / 'bench.db'}")
        started = time.perf_counter()
        app = build_app(settings)
        startup = time.perf_counter() - started
        latencies = []
        begin = time.perf_counter()
        for number in range(args.messages):
            user = number % args.users
            text = SCRIPT[(number // args.users) % len(SCRIPT)]
            inbound = Inbound(Address("bench", f"user-{user}", f"user-{user}"), text=text, received_at=clock.now())
            t0 = time.perf_counter()
            app.engine.handle(inbound)
            latencies.append(time.perf_counter() - t0)  # wall time: it includes the database I/O
        elapsed = time.perf_counter() - begin
        app.close()
    latencies.sort()
    print(
        json.dumps(
            {
                "messages": args.messages,
                "users": args.users,
                "database": "sqlite",
                "startup_s": round(startup, 3),
                "p50_ms": round(statistics.median(latencies) * 1000, 3),
                "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 3),
                "max_ms": round(latencies[-1] * 1000, 3),
                "messages_per_s": round(args.messages / elapsed, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

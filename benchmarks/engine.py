"""Engine benchmark: scripted messages from many users through the gateway, outbox included.

Each message is accepted (stored in the inbox, as a webhook does) and then processed: the
engine's answer, the conversation state, the usage events and the replies in the outbox,
all in one transaction -- the work a message costs before its replies are sent. Runs one
thread on a fresh SQLite file (and on PostgreSQL with ``--database postgres``), event
recording on. A warm-up pass on users of its own comes first (unmeasured): it fills the caches
a long-running process has warm (compiled SQL, prepared statements, the cue patterns compiled on
first use); the measured users are still new to the bot, so their first message pays for
creating the conversation. Prints JSON: p50/p99 of processing and of accepting, messages per second,
and the SQL statements and transactions per message (counted with SQLAlchemy's events: a
figure no noisy machine changes). On PostgreSQL the round trips per message (accept and
process together, ``BEGIN`` and ``COMMIT`` included) are counted from libpq's protocol trace:
one per ``Sync`` or simple ``Query`` the client sends.

    .venv/bin/python benchmarks/engine.py [--messages 10000] [--users 500] [--database sqlite|postgres|all]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_app  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.messages import Address, Inbound  # noqa: E402
from bot.testing import CollectingChannel  # noqa: E402

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
WARMUP_USERS = 20  # each runs the script once before the measured users start
POSTGRES = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    ordered = sorted(values)
    return round(ordered[max(0, int(len(ordered) * share) - 1)] * 1000, 3)


class Counter:
    """Statements and commits on one engine, counted from SQLAlchemy's events."""

    def __init__(self, engine: Engine, folder: Path):
        self.statements = 0
        self.commits = 0
        self.folder = folder
        self.traces: list[Path] = []
        self.handles: list[Any] = []  # open until the app is closed: libpq writes to them
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        if engine.dialect.name == "postgresql":
            engine.dispose()  # every connection from now on is traced
            event.listen(engine, "connect", self._trace)

    def _trace(self, connection: Any, _record: object) -> None:
        path = self.folder / f"trace-{len(self.traces)}.txt"
        self.traces.append(path)
        handle = path.open("w")
        connection.pgconn.trace(handle.fileno())
        self.handles.append(handle)

    def round_trips(self) -> int:
        """Messages that wait for the server: each Sync (extended protocol) and each simple Query."""
        for handle in self.handles:
            handle.close()
        count = 0
        for path in self.traces:
            for line in path.read_text(errors="replace").splitlines():
                parts = line.split("\t")
                if len(parts) > 3 and parts[1] == "F" and parts[3] in ("Sync", "Query"):
                    count += 1
        return count

    def _statement(self, *_args: object) -> None:
        self.statements += 1

    def _commit(self, *_args: object) -> None:
        self.commits += 1


def warm_up(app: Any) -> None:
    """Run the script once for each of ``WARMUP_USERS`` users of their own, unmeasured."""
    for user in range(WARMUP_USERS):
        address = Address("bench", f"warm-up-{user}", f"warm-up-{user}")
        for line in SCRIPT:
            app.gateway.accept(Inbound(address, text=line, received_at=app.clock.now()))
            app.gateway.process(app.engine.user_key(address))


def drive(app: Any, counter: Counter, messages: int, users: int) -> tuple[list[float], list[float], int, int]:
    """Accept and process the scripted messages: the times of each, the statements and commits of accepting."""
    accepting: list[float] = []
    processing: list[float] = []
    accept_statements = accept_commits = 0
    for number in range(messages):
        user = number % users
        address = Address("bench", f"user-{user}", f"user-{user}")
        inbound = Inbound(address, text=SCRIPT[(number // users) % len(SCRIPT)], received_at=app.clock.now())
        before = counter.statements, counter.commits
        t0 = time.perf_counter()
        app.gateway.accept(inbound)
        t1 = time.perf_counter()
        accepted = counter.statements, counter.commits
        app.gateway.process(app.engine.user_key(address))
        t2 = time.perf_counter()
        accept_statements += accepted[0] - before[0]
        accept_commits += accepted[1] - before[1]
        accepting.append(t1 - t0)
        processing.append(t2 - t1)  # wall time: it includes the database I/O
    return accepting, processing, accept_statements, accept_commits


def run(kind: str, messages: int, users: int, folder: Path) -> dict[str, object]:
    """Time ``messages`` messages on one database."""
    schema = None
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'bench.db'}"
    else:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with create_engine(POSTGRES).begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{POSTGRES}{'&' if '?' in POSTGRES else '?'}options=-csearch_path%3D{schema}"
    settings = replace(Settings(), database_url=url, user_salt="bench-salt")
    started = time.perf_counter()
    app = build_app(settings, SystemClock(), channels=False)
    gc.freeze()  # as `dvcbot run` and `dvcbot chat` do once the app is built
    startup = time.perf_counter() - started
    channel = CollectingChannel("bench", paced=False)
    app.add_channel(channel)
    warm_up(app)
    counter = Counter(app.database.engine, folder)
    begin = time.perf_counter()
    accepting, processing, accept_statements, accept_commits = drive(app, counter, messages, users)
    elapsed = time.perf_counter() - begin
    statements, commits = counter.statements - accept_statements, counter.commits - accept_commits
    app.close()
    round_trips = counter.round_trips()
    if schema is not None:
        with create_engine(POSTGRES).begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    figures: dict[str, object] = {
        "database": kind,
        "messages": messages,
        "users": users,
        "warmup_messages": WARMUP_USERS * len(SCRIPT),
        "startup_s": round(startup, 3),
        "process_p50_ms": percentile(processing, 0.5),
        "process_p99_ms": percentile(processing, 0.99),
        "process_max_ms": round(max(processing) * 1000, 3),
        "accept_p50_ms": percentile(accepting, 0.5),
        "accept_p99_ms": percentile(accepting, 0.99),
        "messages_per_s": round(messages / elapsed, 1),
        "mean_ms": round(statistics.fmean(processing) * 1000, 3),
        "process_statements_per_message": round(statements / messages, 2),
        "process_transactions_per_message": round(commits / messages, 2),
        "accept_statements_per_message": round(accept_statements / messages, 2),
        "accept_transactions_per_message": round(accept_commits / messages, 2),
    }
    if kind != "sqlite":
        figures["round_trips_per_message"] = round(round_trips / messages, 2)  # accept + process
    return figures


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--database", choices=("sqlite", "postgres", "all"), default="sqlite")
    args = parser.parse_args()
    kinds = ("sqlite", "postgres") if args.database == "all" else (args.database,)
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            print(json.dumps(run(kind, args.messages, args.users, Path(folder)), indent=2), flush=True)


if __name__ == "__main__":
    main()

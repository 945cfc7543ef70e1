"""What a message costs the database: statements (and, on PostgreSQL, round trips), counted.

A count, not a time: a new message to an existing conversation is one statement to accept
and a handful to process (SQLite), or one round trip to accept and two to process
(PostgreSQL: ``BEGIN`` goes with the read, ``COMMIT`` with the write; see
``bot/storage/writes.py``). A change that adds a statement to the hot path fails here;
``benchmarks/engine.py`` prints the same figures over 10,000 messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bot.app import App, build_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.messages import Address, Inbound
from bot.testing import CollectingChannel

START = dt.datetime(2026, 5, 4, 3, 0, tzinfo=dt.UTC)
SQLITE_PROCESS = 5  # state and message in one SELECT; state upsert; events; replies; the message closed
POSTGRES_PROCESS = 2  # the read (lock, state, message) and the write (state, events, replies)


class Tally:
    """Statements seen by SQLAlchemy and, on PostgreSQL, round trips read from libpq's trace."""

    def __init__(self, app: App, folder: Path):
        self.engine = app.database.engine
        self.folder = folder
        self.statements = 0
        self.connections: list[Any] = []
        event.listen(self.engine, "before_cursor_execute", self._count)
        if app.database.is_postgres:
            self.engine.dispose()  # every connection from now on is known, so it can be traced
            event.listen(self.engine, "connect", lambda connection, _record: self.connections.append(connection))

    def _count(self, *_args: object) -> None:
        self.statements += 1

    @contextmanager
    def counting(self) -> Iterator[dict[str, int]]:
        """Count the block's statements and round trips (Sync and simple Query messages sent)."""
        figures = {"statements": self.statements, "round_trips": 0}
        traces = []
        for number, connection in enumerate(self.connections):
            handle = (self.folder / f"trace-{len(list(self.folder.iterdir()))}-{number}.txt").open("w")
            connection.pgconn.trace(handle.fileno())
            traces.append(handle)
        yield figures
        for connection in self.connections:
            connection.pgconn.untrace()  # flushes the trace
        for handle in traces:
            handle.close()
            for line in Path(handle.name).read_text().splitlines():
                parts = line.split("\t")
                figures["round_trips"] += len(parts) > 3 and parts[1] == "F" and parts[3] in ("Sync", "Query")
        figures["statements"] = self.statements - figures["statements"]


def test_a_message_costs_few_statements(settings: Settings, patch: Callable[..., None], tmp_path: Path) -> None:
    patch(settings)
    channel = CollectingChannel()
    app = build_app(settings, ManualClock(START))
    try:
        app.add_channel(channel)
        address = Address(channel.channel, "u1", "u1")
        key = app.engine.user_key(address)
        app.gateway.accept(Inbound(address, text="lam giay khai sinh cho con", received_at=START))
        assert app.gateway.process(key)  # the conversation now has a row
        tally = Tally(app, tmp_path)
        app.gateway.accept(Inbound(address, text="1", received_at=START))  # the traced connections are opened
        assert app.gateway.process(key)
        with tally.counting() as accepting:
            app.gateway.accept(Inbound(address, text="tiep", received_at=START))
        with tally.counting() as processing:
            assert app.gateway.process(key)
        assert accepting["statements"] == 1
        if app.database.is_postgres:
            assert processing["statements"] <= POSTGRES_PROCESS
            assert accepting["round_trips"] == 1  # the insert is its own transaction
            assert processing["round_trips"] <= POSTGRES_PROCESS
        else:
            assert processing["statements"] <= SQLITE_PROCESS
        assert app.outbox.backlog() > 0  # the replies were stored
    finally:
        app.close()

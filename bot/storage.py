"""Storage: the database, its migrations, and the one transaction each message is handled in.

SQLModel tables (:mod:`bot.tables`) on SQLite by default (a file next to the bot, nothing to
install) or PostgreSQL when ``DATABASE_URL`` says so. The schema is created and upgraded by
Alembic (``bot/migrations``) on start-up, never by ``create_all``, so a deployed database can
always be migrated.

A conversation is read and written inside one transaction under a per-conversation lock:
in-process with a lock per key, across processes with a transaction-scoped advisory lock on
PostgreSQL (it works for a conversation whose row does not exist yet). SQLite allows one
writer at a time, so on SQLite every writing transaction of this process takes one lock
first: writers queue in Python instead of polling SQLite's busy handler, and a transaction
that read first can never fail to upgrade to a write. A second bot process on the same SQLite
file is refused (:meth:`Database.claim`); several processes need PostgreSQL.

The per-message write is a handful of statements (an upsert of the state, one multi-row
insert each for events and replies), not an ORM flush: it is most of a message's cost.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Executable, event, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, create_engine

from bot.state import ConversationState
from bot.tables import Conversation, Event

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_CONVERSATIONS = Conversation.__table__  # type: ignore[attr-defined]
_EVENTS = Event.__table__  # type: ignore[attr-defined]


def as_utc(value: dt.datetime) -> dt.datetime:
    """A timezone-aware UTC datetime; a naive one is taken as UTC (SQLite returns them naive)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def lock_key(name: str) -> int:
    """A signed 64-bit key for a PostgreSQL advisory lock named ``name``."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def make_engine(url: str) -> Engine:
    """Create the SQLAlchemy engine; SQLite gets WAL and a busy timeout for concurrent use."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record):  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Deleted and blanked content (a message's raw text once processed) is overwritten
            # with zeros, not left readable in free pages of the file.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        return engine
    # No ping per checkout (a round trip per statement batch under load); a connection the
    # server dropped fails once, which invalidates the pool, and the work is retried.
    return create_engine(url, pool_size=10, max_overflow=10, pool_recycle=300, pool_use_lifo=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class DatabaseInUse(RuntimeError):
    """Another bot process already serves this SQLite file."""


class Database:
    """The engine plus helpers; one per process, built by the composition root."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.is_postgres = self.engine.dialect.name == "postgresql"
        # SQLite: one writer at a time, queued here (see the module docstring).
        self._writer = threading.RLock() if not self.is_postgres else None
        self._claim: int | None = None

    @property
    def file(self) -> str | None:
        """The SQLite database file (None for PostgreSQL or an in-memory database)."""
        path = self.engine.url.database
        return None if self.is_postgres or not path or path == ":memory:" else path

    def migrate(self) -> None:
        """Create or upgrade the schema (one process at a time: several may start together)."""
        with self.exclusive("migrate"):
            migrate(self.engine)

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Run a block in one process at a time across the deployment (start-up work such as migrating).

        PostgreSQL: a session advisory lock on a connection of its own, per schema. SQLite:
        this process's writer lock (a second process is refused anyway).
        """
        if not self.is_postgres:
            with self.writing():
                yield
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
            key = lock_key(f"dvcbot:{name}:{schema}")
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})

    def writing(self) -> Any:
        """The SQLite writer lock of this process (a no-op context on PostgreSQL)."""
        return self._writer if self._writer is not None else nullcontext()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that may write: committed on success, rolled back on error."""
        with self.writing(), Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A read-only session (no writer lock: SQLite readers never wait for the writer)."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def claim(self) -> None:
        """Serve this database as the only bot process (SQLite); raises :class:`DatabaseInUse`.

        SQLite is one file on one machine: a second bot process would duplicate every
        background job and break the per-chat send order, so it is refused with a clear
        message. PostgreSQL needs no claim -- locks there coordinate any number of processes.
        """
        path = self.file
        if path is None or self._claim is not None:
            return
        fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DatabaseInUse(
                f"Another dvcbot process is already serving {path}. SQLite serves one bot process; "
                "stop the other one, or use PostgreSQL (DATABASE_URL=postgresql+psycopg://…) to run several."
            ) from None
        self._claim = fd

    def compact(self) -> None:
        """SQLite: fold the write-ahead log into the file and empty it (old page images go with it)."""
        if self.is_postgres:
            return
        with self.writing(), self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def dispose(self) -> None:
        """Close all connections and give up the claim."""
        self.engine.dispose()
        fd, self._claim = self._claim, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)  # the file stays: deleting it would let two processes lock two files


def upsert_state(is_postgres: bool, key: str, channel: str, state: str, now: dt.datetime) -> Executable:
    """One statement that inserts or updates a conversation's state."""
    dialect: Any = postgresql if is_postgres else sqlite
    statement = dialect.insert(_CONVERSATIONS).values(key=key, channel=channel, state=state, updated_at=now)
    upsert: Executable = statement.on_conflict_do_update(
        index_elements=["key"], set_={"state": statement.excluded.state, "updated_at": statement.excluded.updated_at}
    )
    return upsert


@dataclass
class Unit:
    """What one message writes, committed together: the state, events, replies, other rows."""

    session: Session
    state: ConversationState
    channel: str
    skip: bool = False  # nothing happened: commit without writing the state
    events: list[dict[str, Any]] = field(default_factory=list)  # rows of ``events``
    inserts: list[tuple[Any, list[dict[str, Any]]]] = field(default_factory=list)  # (table, rows)
    statements: list[Executable] = field(default_factory=list)
    rows: list[SQLModel] = field(default_factory=list)  # ORM rows (reminders): rare

    def insert(self, table: Any, rows: list[dict[str, Any]]) -> None:
        """Insert ``rows`` into ``table`` with this message's commit."""
        if rows:
            self.inserts.append((table, rows))

    def flush(self) -> None:
        """Write everything collected: one multi-row insert per table."""
        session = self.session
        if self.events:
            session.execute(insert(_EVENTS), self.events)
        for table, rows in self.inserts:
            session.execute(insert(table), rows)
        for statement in self.statements:
            session.execute(statement)
        if self.rows:
            session.add_all(self.rows)


class ConversationStore:
    """Loads and saves conversation states, one locked transaction per message."""

    def __init__(self, database: Database):
        self.database = database
        self._locks: weakref.WeakValueDictionary[str, threading.Lock] = weakref.WeakValueDictionary()
        self._guard = threading.Lock()

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            lock = self._locks.get(key)
            if lock is None:
                lock = threading.Lock()
                self._locks[key] = lock
            return lock

    @contextmanager
    def open(self, key: str, channel: str, now: dt.datetime) -> Iterator[Unit]:
        """Yield the unit of work of one message and commit it when the block ends without error."""
        with self._lock(key), self.database.session() as session:
            if self.database.is_postgres:
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(f"conversation:{key}")})
            raw = session.execute(select(_CONVERSATIONS.c.state).where(_CONVERSATIONS.c.key == key)).scalar()
            unit = Unit(session, ConversationState.from_json(raw), channel)
            yield unit
            if not unit.skip:
                session.execute(upsert_state(self.database.is_postgres, key, unit.channel, unit.state.to_json(), now))
                unit.flush()

    def peek(self, key: str) -> ConversationState:
        """The stored state of a conversation, read without locking (for notices)."""
        with self.database.reader() as session:
            raw = session.execute(select(_CONVERSATIONS.c.state).where(_CONVERSATIONS.c.key == key)).scalar()
        return ConversationState.from_json(raw)


__all__ = ["ConversationStore", "Database", "DatabaseInUse", "Unit", "as_utc", "lock_key", "upsert_state"]

"""Storage: the database, its migrations, and the one transaction each message is handled in.

SQLModel tables (:mod:`bot.storage.tables`) on SQLite by default (a file next to the bot, nothing to
install) or PostgreSQL when ``DATABASE_URL`` says so. The schema is created and upgraded by
Alembic (``bot/storage/migrations``) on start-up, never by ``create_all``, so a deployed database can
always be migrated.

A conversation is read and written inside one transaction under a per-conversation lock:
in-process with a lock per key, across processes with a transaction-scoped advisory lock on
PostgreSQL (it works for a conversation whose row does not exist yet). SQLite allows one
writer at a time, so on SQLite every writing transaction of this process takes one lock
first: writers queue in Python instead of polling SQLite's busy handler, and a transaction
that read first can never fail to upgrade to a write. A second bot process on the same SQLite
file is refused (:meth:`Database.claim`); several processes need PostgreSQL.

A message's transaction is a few statements shaped for few round trips, not an ORM flush
(:mod:`bot.storage.writes`): on PostgreSQL one read (lock, state and inbox message) and one
write (state, events and replies).
"""

from __future__ import annotations

import ast
import datetime as dt
import fcntl
import hashlib
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Executable, bindparam, event, inspect, select, text
from sqlmodel import Session, create_engine

from bot.conversation.state import ConversationState
from bot.storage.tables import Conversation
from bot.storage.writes import (
    TAKE_AFTER_LOCK,
    TAKE_SQLITE,
    TAKE_WITH_STATE,
    Inserts,
    Manual,
    Take,
    Unit,
    manual,
)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
AUTOCHECKPOINT_PAGES = 10_000  # 40 MB of log before a commit must checkpoint itself
_CONVERSATIONS = Conversation.__table__  # type: ignore[attr-defined]


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
            # Checkpoints (copying the log into the file, with an fsync) are run in the background
            # by a serving process (Database.checkpoint); the automatic one, inside whichever
            # message's commit fills the log, is only the safety net for a very large log.
            cursor.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
            cursor.close()

        return engine
    # No ping per checkout (a round trip per statement batch under load); a connection the
    # server dropped fails once, which invalidates the pool, and the work is retried.
    return create_engine(url, pool_size=10, max_overflow=10, pool_recycle=300, pool_use_lifo=True)


def head_revisions(folder: Path = MIGRATIONS_DIR / "versions") -> frozenset[str]:
    """The newest revisions of the migration scripts, read from their text (Alembic is not imported)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in folder.glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name = node.targets[0].id
                if name in ("revision", "down_revision"):
                    value = ast.literal_eval(node.value)
                    values = value if isinstance(value, tuple | list) else (value,)
                    (revisions if name == "revision" else parents).update(v for v in values if v)
    return frozenset(revisions - parents)


def _current_revisions(engine: Engine) -> frozenset[str] | None:
    """The revisions the database is at, or None before its first migration."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    # A database already at the newest revision (every start but the first after a release)
    # needs nothing: Alembic, its templates and every dialect's DDL cost ~0.3 s and ~10 MB to
    # import, so they are imported only when there is something to upgrade.
    if _current_revisions(engine) == head_revisions():
        return
    from alembic import command
    from alembic.config import Config

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

    def checkpoint(self) -> None:
        """SQLite: copy the write-ahead log into the file without waiting for anyone (background work)."""
        if self.is_postgres:
            return
        with self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

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


def dialect_insert(is_postgres: bool) -> Any:
    """The ``insert`` of the database's dialect, which knows ``ON CONFLICT``.

    Imported when asked: the PostgreSQL dialect package imports every PostgreSQL driver's
    module (~0.1 s), which a bot on SQLite never needs.
    """
    if is_postgres:
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def _upsert_state(is_postgres: bool) -> Executable:
    """The statement that inserts or updates a conversation's state (built once, parameters bound)."""
    statement = dialect_insert(is_postgres)(_CONVERSATIONS).values(
        key=bindparam("key"), channel=bindparam("channel"), state=bindparam("state"), updated_at=bindparam("now")
    )
    upsert: Executable = statement.on_conflict_do_update(
        index_elements=["key"], set_={"state": statement.excluded.state, "updated_at": statement.excluded.updated_at}
    )
    return upsert


_SELECT_STATE = select(_CONVERSATIONS.c.state).where(_CONVERSATIONS.c.key == bindparam("key"))
_SELECT_STATE_FOR_UPDATE = _SELECT_STATE.with_for_update()
_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


class ConversationStore:
    """Loads and saves conversation states, one locked transaction per message."""

    def __init__(self, database: Database):
        self.database = database
        self._locks: weakref.WeakValueDictionary[str, threading.Lock] = weakref.WeakValueDictionary()
        self._guard = threading.Lock()
        self._upsert = _upsert_state(database.is_postgres)
        self._inserts = Inserts()

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            lock = self._locks.get(key)
            if lock is None:
                lock = threading.Lock()
                self._locks[key] = lock
            return lock

    @contextmanager
    def open(self, key: str, channel: str, now: dt.datetime, *, take: Take | None = None) -> Iterator[Unit]:
        """Yield the unit of work of one message and commit it when the block ends without error.

        ``take``: also claim the conversation's oldest ready inbox message (``unit.taken``), read
        with the state (on PostgreSQL closed in the same statement). The message is then itself
        stored durably (its inbox row is marked done in this same transaction), so on PostgreSQL
        the commit need not wait for the WAL flush: a server crash can lose at most the last
        fraction of a second of such commits; their inbox rows are then still waiting and are
        handled again (a reply already sent may be sent twice -- within the at-least-once
        promise). A bot crash loses nothing.
        """
        database = self.database
        pipelined = take is not None and database.is_postgres
        with self._lock(key), database.writing(), database.engine.begin() as connection:
            with manual(connection) if pipelined else nullcontext() as transaction:
                raw, taken = (
                    self._take(connection, transaction, key, take) if take else (self._read(connection, key), None)
                )
                restored = ConversationState.from_json(raw)
                unit = Unit(connection, restored, channel, self._inserts, taken=taken, manual=transaction)
                yield unit
                if not unit.skip:
                    state = {"key": key, "channel": unit.channel, "state": unit.state.to_json(), "now": now}
                    unit.flush(self._upsert, state, combine=database.is_postgres)

    def _read(self, connection: Connection, key: str) -> str | None:
        """The state, its conversation locked (see the module docstring)."""
        if not self.database.is_postgres:
            return connection.execute(_SELECT_STATE, {"key": key}).scalar()
        # The row lock is the conversation's lock (one round trip); a conversation with no
        # row yet is locked by name instead, then read again once the lock is ours.
        row = connection.execute(_SELECT_STATE_FOR_UPDATE, {"key": key}).first()
        if row is None:
            connection.execute(_LOCK, {"key": lock_key(f"conversation:{key}")})
            row = connection.execute(_SELECT_STATE, {"key": key}).first()
        return row[0] if row is not None else None

    def _take(self, connection: Connection, transaction: Manual | None, key: str, take: Take) -> tuple[str | None, Any]:
        """The state and the oldest ready message (or None), in one round trip for a known conversation."""
        parameters = take.parameters(key)
        if transaction is None:  # SQLite
            row = connection.execute(TAKE_SQLITE, parameters).first()
            return (row[0], row[1:]) if row is not None else (None, None)
        row = transaction.first(TAKE_WITH_STATE, parameters)
        if row is None:  # no row yet: lock the conversation by name, then read
            connection.execute(_LOCK, {"key": lock_key(f"conversation:{key}")})
            found = connection.execute(TAKE_AFTER_LOCK, parameters).one()
            return found[0], (found[2:] if found[2] is not None else None)
        return row[0], (row[1:] if row[1] is not None else None)

    def peek(self, key: str) -> ConversationState:
        """The stored state of a conversation, read without locking (for notices)."""
        with self.database.engine.connect() as connection:
            raw = connection.execute(_SELECT_STATE, {"key": key}).scalar()
        return ConversationState.from_json(raw)


__all__ = ["ConversationStore", "Database", "DatabaseInUse", "Unit", "as_utc", "lock_key"]

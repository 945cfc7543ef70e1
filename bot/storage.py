"""Storage: the database, its tables, and the per-conversation transaction.

SQLModel tables on SQLite by default (a file next to the bot, nothing to install) or
PostgreSQL when ``DATABASE_URL`` says so. The schema is created and upgraded by Alembic
(``bot/migrations``) on start-up, never by ``create_all``, so a deployed database can
always be migrated.

A conversation is read and written inside one transaction under a per-conversation lock:
in-process with a lock per key, and across processes with ``SELECT … FOR UPDATE`` on
PostgreSQL (SQLite serialises writers by itself).
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event
from sqlmodel import Field, Session, SQLModel, create_engine, select

from bot.state import ConversationState

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """A timezone-aware UTC datetime; a naive one is taken as UTC (SQLite returns them naive)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Conversation(SQLModel, table=True):
    """One conversation's state, keyed by the hashed (channel, user)."""

    __tablename__ = "conversations"

    key: str = Field(primary_key=True, max_length=64)
    channel: str = Field(max_length=32, index=True)
    state: str
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Event(SQLModel, table=True):
    """A usage event. ``text`` is always redacted; ``user`` is always a salted hash."""

    __tablename__ = "events"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    channel: str = Field(max_length=32)
    user: str = Field(max_length=64, index=True)
    type: str = Field(max_length=32, index=True)
    intent: str | None = Field(default=None, max_length=64)
    decision: str | None = Field(default=None, max_length=16)
    confidence: float | None = None
    step: str | None = Field(default=None, max_length=64)
    text: str | None = None  # redacted; set to NULL by the scheduled purge after N days
    commune: str | None = Field(default=None, max_length=128)  # the user's (or helper's) commune
    role: str | None = Field(default=None, max_length=16)  # citizen | helper | admin


class ChannelToken(SQLModel, table=True):
    """Rotating credentials of a channel (Zalo refresh tokens are single-use: losing one locks the bot out)."""

    __tablename__ = "channel_tokens"

    channel: str = Field(primary_key=True, max_length=32)
    access_token: str
    refresh_token: str
    expires_at: dt.datetime | None = None
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Helper(SQLModel, table=True):
    """A community tech-team member, bound to a commune by the invite code they redeemed."""

    __tablename__ = "helpers"

    user: str = Field(primary_key=True, max_length=64)  # salted hash, like every stored user id
    channel: str = Field(max_length=32)
    commune: str = Field(max_length=128)
    invited_by: str = Field(max_length=64)
    joined_at: dt.datetime = Field(default_factory=utcnow)
    active: bool = True


class Invite(SQLModel, table=True):
    """A one-time invite code (only its hash is stored) an admin created for a commune."""

    __tablename__ = "invites"

    code_hash: str = Field(primary_key=True, max_length=64)
    commune: str = Field(max_length=128)
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    used_at: dt.datetime | None = None
    used_by: str | None = Field(default=None, max_length=64)


class Reminder(SQLModel, table=True):
    """A reminder a citizen asked for.

    ``chat_id`` is the platform chat to write to -- the one raw identifier we keep, because a
    reminder cannot be delivered without it; it is blanked as soon as the reminder is sent,
    skipped or cancelled.
    """

    __tablename__ = "reminders"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=32)
    user: str = Field(max_length=64, index=True)
    chat_id: str = Field(max_length=128)
    procedure: str = Field(max_length=64)
    locale: str = Field(default="vi", max_length=8)
    created_at: dt.datetime = Field(default_factory=utcnow)
    due_at: dt.datetime
    status: str = Field(default="pending", max_length=16)  # pending | sent | skipped | cancelled
    closed_at: dt.datetime | None = None


class CatalogVersion(SQLModel, table=True):
    """One catalog version with its audit record; the newest ``applied`` row is served."""

    __tablename__ = "catalog_versions"

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    author: str = Field(max_length=128)
    source: str = Field(max_length=255)
    summary: str
    status: str = Field(default="applied", max_length=16, index=True)  # draft | applied | discarded
    digest: str = Field(max_length=64)
    shipped: bool = False  # imported from the files shipped with the release
    curated: bytes  # gzip of a JSON list of curated entries
    listing: bytes  # gzip of JSON lines of national listing cards


def make_engine(url: str) -> Engine:
    """Create the SQLAlchemy engine; SQLite gets WAL and a busy timeout for concurrent use."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record):  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Database:
    """The engine plus helpers; one per process, built by the composition root."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.is_postgres = self.engine.dialect.name == "postgresql"

    def migrate(self) -> None:
        """Create or upgrade the schema."""
        migrate(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success, rolled back on error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        """Close all connections."""
        self.engine.dispose()


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
    def open(self, key: str, channel: str, extra: list[SQLModel] | None = None) -> Iterator[ConversationState]:
        """Yield the state of one conversation and save it when the block ends without error.

        Rows put in ``extra`` during the block (usage events) are written in the same
        transaction: one commit per message.
        """
        lock = self._lock(key)
        with lock, self.database.session() as session:
            statement = select(Conversation).where(Conversation.key == key)
            if self.database.is_postgres:
                statement = statement.with_for_update()
            row = session.exec(statement).first()
            state = ConversationState.from_json(row.state if row else None)
            yield state
            if row is None:
                row = Conversation(key=key, channel=channel, state=state.to_json())
            else:
                row.state = state.to_json()
                row.updated_at = utcnow()
            session.add(row)
            if extra:
                session.add_all(extra)


__all__ = [
    "CatalogVersion",
    "as_utc",
    "ChannelToken",
    "Conversation",
    "ConversationStore",
    "Database",
    "Event",
    "Helper",
    "Invite",
    "Reminder",
    "SQLModel",
]

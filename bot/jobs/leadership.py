"""Leadership: at most one process per database runs the timed jobs.

On PostgreSQL the leader holds a session advisory lock on a dedicated connection; on SQLite an
exclusive ``flock`` on ``<database file>.scheduler.lock``; an in-memory database belongs to one
process, which always leads. Every lock vanishes with its process, so a crashed leader never
blocks the others.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

from bot.storage.database import Database

log = logging.getLogger(__name__)


class FileLock:
    """An exclusive ``flock`` on a file next to the SQLite database (same host, same file)."""

    def __init__(self, path: str):
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def alive(self) -> bool:
        """Whether the lock is still held (its connection still answers)."""
        return self.fd is not None

    def release(self) -> None:
        """Give the lock up (dying does too)."""
        fd, self.fd = self.fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)  # the file stays: deleting it would let two processes lock two different files


class AdvisoryLock:
    """A PostgreSQL session advisory lock, held on a connection of its own."""

    def __init__(self, engine: Engine):
        # NullPool: the lock lives as long as this connection, which must never go back to a
        # pool (and be reused, lock and all, by a conversation) nor take a pool slot forever.
        self.engine = create_engine(engine.url, poolclass=NullPool)
        self.connection: Connection | None = None
        self.key = 0

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        # Autocommit: an open transaction held for days would block vacuum and could be killed
        # by idle_in_transaction_session_timeout, dropping the lock with it.
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            # One lock per schema: test runs (and tenants) may share a server in separate schemas.
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
            digest = hashlib.sha256(f"dvcbot-scheduler:{schema}".encode()).digest()
            key = int.from_bytes(digest[:8], "big", signed=True)
            acquired = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar_one()
        except BaseException:
            connection.close()
            raise
        if not acquired:
            connection.close()
            return False
        self.connection, self.key = connection, key
        return True

    def alive(self) -> bool:
        """Whether the lock is still held (its connection still answers)."""
        if self.connection is None:
            return False
        try:
            self.connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def release(self) -> None:
        """Give the lock up (dying does too)."""
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        except Exception:  # closing the connection below releases it anyway
            log.warning("could not unlock the scheduler lock; closing its connection instead")
        finally:
            connection.close()


class AlwaysLeader:
    """An in-memory SQLite database belongs to one process: it always leads."""

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        return True

    def alive(self) -> bool:
        """Whether the lock is still held (its connection still answers)."""
        return True

    def release(self) -> None:
        """Give the lock up (dying does too)."""
        return None


def lock_for(database: Database) -> LeaderLock:
    """Leadership: at most one holder per database, released when the holder dies."""
    if database.is_postgres:
        return AdvisoryLock(database.engine)
    path = database.engine.url.database
    if not path or path == ":memory:":
        return AlwaysLeader()
    return FileLock(f"{path}.scheduler.lock")


LeaderLock = FileLock | AdvisoryLock | AlwaysLeader

__all__ = ["AdvisoryLock", "AlwaysLeader", "FileLock", "LeaderLock", "lock_for"]

"""Console sessions: a random token in the browser's cookie, only its hash in the database.

A sign-in always creates a new session (a fresh id: a token planted before sign-in is worth
nothing after it) and drops the one the browser had. Sessions expire a fixed time after sign-in
and after a shorter idle time. Each session carries its own CSRF token, which every form of the
console posts back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import col

from bot.storage.database import Database, as_utc
from bot.storage.tables import ConsoleSession

IDLE = dt.timedelta(hours=2)
SEEN_EVERY = dt.timedelta(minutes=1)  # the last-seen time is written at most once a minute


def token_hash(token: str) -> str:
    """The stored form of a cookie token."""
    return hashlib.sha256(token.encode("ascii", "ignore")).hexdigest()


@dataclass(frozen=True)
class Opened:
    """A session as a request sees it."""

    user_id: int
    csrf: str
    expires_at: dt.datetime

    def csrf_ok(self, posted: str | None) -> bool:
        """Whether a form posted this session's CSRF token (compared in constant time)."""
        # Bytes, not str: compare_digest refuses non-ASCII text, and a forged form may carry any.
        return bool(posted) and hmac.compare_digest(self.csrf.encode(), str(posted).encode("utf-8", "replace"))


class Sessions:
    """Create, find, end and prune console sessions."""

    def __init__(self, database: Database, lifetime: dt.timedelta):
        self.database = database
        self.lifetime = lifetime

    def start(self, user_id: int, now: dt.datetime, previous: str | None = None) -> tuple[str, Opened]:
        """A new session for ``user_id`` (the browser's ``previous`` one ended); the cookie token and session."""
        token = secrets.token_urlsafe(32)
        row = ConsoleSession(
            id=token_hash(token),
            user_id=user_id,
            csrf=secrets.token_urlsafe(32),
            created_at=now,
            seen_at=now,
            expires_at=now + self.lifetime,
        )
        with self.database.session() as session:
            if previous:
                session.execute(delete(ConsoleSession).where(col(ConsoleSession.id) == token_hash(previous)))
            # Expired sessions go at the next sign-in: the table stays small without a scheduled job.
            session.execute(delete(ConsoleSession).where(col(ConsoleSession.expires_at) <= now))
            session.add(row)
        return token, Opened(user_id, row.csrf, row.expires_at)

    def find(self, token: str | None, now: dt.datetime) -> Opened | None:
        """The live session of a cookie token, or None (unknown, expired, idle too long)."""
        if not token:
            return None
        key = token_hash(token)
        with self.database.reader() as session:
            row = session.get(ConsoleSession, key)
        if row is None:
            return None
        if as_utc(row.expires_at) <= now or now - as_utc(row.seen_at) > IDLE:
            self.end(token)
            return None
        if now - as_utc(row.seen_at) > SEEN_EVERY:
            with self.database.session() as session:
                fresh = session.get(ConsoleSession, key)
                if fresh is not None:
                    fresh.seen_at = now
                    session.add(fresh)
        return Opened(row.user_id, row.csrf, as_utc(row.expires_at))

    def end(self, token: str) -> None:
        """Sign out: the session is gone, its cookie worthless."""
        with self.database.session() as session:
            session.execute(delete(ConsoleSession).where(col(ConsoleSession.id) == token_hash(token)))

    def end_all(self, user_id: int) -> None:
        """Every session of a user (a removed account)."""
        with self.database.session() as session:
            session.execute(delete(ConsoleSession).where(col(ConsoleSession.user_id) == user_id))

    def prune(self, now: dt.datetime) -> int:
        """Drop expired sessions; how many."""
        with self.database.session() as session:
            result = session.execute(delete(ConsoleSession).where(col(ConsoleSession.expires_at) <= now))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


__all__ = ["IDLE", "Opened", "Sessions", "token_hash"]

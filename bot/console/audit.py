"""The console's audit record: who did what, when, for every action (sign-ins included).

Details are redacted (:func:`bot.storage.privacy.redact`) and cut short: the record says what
was changed, never carries a citizen's data or a password.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from bot.storage.database import Database, as_utc
from bot.storage.privacy import redact
from bot.storage.tables import ConsoleAudit

ANONYMOUS = "anonymous"


class AuditLog:
    """Writes and lists console actions."""

    def __init__(self, database: Database):
        self.database = database

    def record(self, actor: str, action: str, now: dt.datetime, detail: str = "") -> None:
        """One action by ``actor`` (a login, or "anonymous")."""
        row = ConsoleAudit(at=now, actor=actor[:64], action=action[:32], detail=redact(detail)[:500])
        with self.database.session() as session:
            session.add(row)

    def recent(self, limit: int = 100) -> list[ConsoleAudit]:
        """The newest actions first (times in UTC, whatever the database returns)."""
        with self.database.reader() as session:
            statement = select(ConsoleAudit).order_by(ConsoleAudit.id.desc()).limit(limit)  # type: ignore[union-attr]
            rows = list(session.exec(statement).all())
        for row in rows:
            row.at = as_utc(row.at)
        return rows


__all__ = ["ANONYMOUS", "AuditLog"]

"""Sign-in back-off: each failure makes the next attempt wait longer, never a lock-out.

Failures are counted under two keys: the pair (account, client address) and the client address
alone. The pair's back-off slows someone guessing one account from one place; the address's
slows someone trying many accounts. Neither is ever keyed on the account alone, so nobody can
keep an officer out of their own account by failing on purpose from somewhere else -- they only
slow themselves down. A success clears the pair. The wait doubles from the third failure and is
capped, so even an officer who forgot their password waits minutes, not days. Keys are salted
hashes: neither logins nor addresses are stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import col

from bot.storage.database import Database, as_utc
from bot.storage.tables import ConsoleAttempt

FREE_FAILURES = 3  # a typo or two costs nothing
FIRST_WAIT = dt.timedelta(seconds=2)
MAX_WAIT = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(hours=24)  # a quiet day wipes the count


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may go ahead now, and if not how long to wait."""

    allowed: bool
    retry_after: int = 0  # seconds


def wait_after(failures: int) -> dt.timedelta:
    """The wait after ``failures`` failures in a row: none, then 2 s doubling, at most 15 minutes."""
    if failures < FREE_FAILURES:
        return dt.timedelta(0)
    wait: dt.timedelta = FIRST_WAIT * 2 ** min(failures - FREE_FAILURES, 20)
    return min(wait, MAX_WAIT)


class Backoff:
    """Failure counts per (account, address) and per address."""

    def __init__(self, database: Database, salt: str):
        self.database = database
        self.salt = salt

    def keys(self, login: str, address: str) -> tuple[str, str]:
        """The two keys of an attempt: the pair and the address (salted hashes)."""
        pair = f"pair:{login.strip().lower()}\0{address}"
        return self._hash(pair), self._hash(f"address:{address}")

    def _hash(self, text: str) -> str:
        return hmac.new(self.salt.encode(), text.encode(), hashlib.sha256).hexdigest()

    def check(self, login: str, address: str, now: dt.datetime) -> Verdict:
        """Whether this attempt may go ahead now: the longer wait of its two keys."""
        with self.database.reader() as session:
            rows = [session.get(ConsoleAttempt, key) for key in self.keys(login, address)]
        waits = [as_utc(row.not_before) - now for row in rows if row is not None]
        longest = max(waits, default=dt.timedelta(0))
        if longest <= dt.timedelta(0):
            return Verdict(True)
        return Verdict(False, max(1, int(longest.total_seconds() + 0.999)))

    def failed(self, login: str, address: str, now: dt.datetime) -> None:
        """Count a failure under both keys."""
        with self.database.session() as session:
            # Counts quiet for a day are forgotten here, so the table never grows with old addresses.
            session.execute(delete(ConsoleAttempt).where(col(ConsoleAttempt.last_at) < now - FORGET_AFTER))
            for key in self.keys(login, address):
                row = session.get(ConsoleAttempt, key)
                if row is None or now - as_utc(row.last_at) > FORGET_AFTER:
                    row = ConsoleAttempt(key=key, failures=0, last_at=now, not_before=now)
                row.failures += 1
                row.last_at = now
                row.not_before = now + wait_after(row.failures)
                session.add(row)

    def succeeded(self, login: str, address: str) -> None:
        """Clear the pair's count (the address keeps its own: it may be trying other accounts)."""
        pair, _ = self.keys(login, address)
        with self.database.session() as session:
            row = session.get(ConsoleAttempt, pair)
            if row is not None:
                session.delete(row)


__all__ = ["Backoff", "Verdict", "wait_after"]

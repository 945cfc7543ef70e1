"""Console accounts: who may sign in, with which role, over which commune.

Passwords are hashed with Argon2id (argon2-cffi). A console user can be linked to a chat
identity -- the same salted hash the chat stores for the platform user -- so one person has one
identity across chat and console, and the chat's roles decide: an account linked as admin is an
admin only while ``DVCBOT_ADMINS`` lists its chat identity, and a linked helper only while their
helper row (from an invite) is active, with that row's commune. Officers (a commune's one-stop
desk) are console-only and bound to their commune's official unit code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import col, select

from bot.storage.database import Database
from bot.storage.privacy import hash_user
from bot.storage.tables import ConsoleUser, Helper

MIN_PASSWORD = 12
# A hash that no password matches, checked when the login is unknown: the answer takes as long
# for an unknown login as for a wrong password, so timing does not reveal who has an account.
_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("no account has this password")


class ConsoleRole(StrEnum):
    """What a console user may do."""

    ADMIN = "admin"  # everything, every commune
    OFFICER = "officer"  # their commune's statistics and office hours
    HELPER = "helper"  # their commune's statistics


class AccountError(ValueError):
    """An account that cannot be created as asked (the message says why)."""


@dataclass(frozen=True)
class Officer:
    """A signed-in person as the console sees them: login, effective role and commune scope."""

    id: int
    login: str
    role: ConsoleRole
    commune: str | None  # None: every commune (admins)

    @property
    def is_admin(self) -> bool:
        """Whether every page and every commune is open to them."""
        return self.role is ConsoleRole.ADMIN

    def may_see(self, commune: str | None) -> bool:
        """Whether this person may read ``commune``'s data (None: all communes together)."""
        return self.is_admin or (commune is not None and commune == self.commune)


class Accounts:
    """Console users in the database, checked against the chat's roles."""

    def __init__(self, database: Database, salt: str, admins: Iterable[tuple[str, str]] = ()):
        self.database = database
        self.salt = salt
        # Admins from the configuration, as the chat stores them (salted hashes): nothing raw kept.
        self.admin_hashes = frozenset(hash_user(salt, channel, user) for channel, user in admins)

    def add(
        self,
        login: str,
        password: str,
        role: ConsoleRole,
        now: dt.datetime,
        *,
        commune: str | None = None,
        chat: tuple[str, str] | None = None,
        created_by: str = "cli",
    ) -> ConsoleUser:
        """Create an account; :class:`AccountError` when the login, password or role links are unfit."""
        login = login.strip().lower()
        if not login or len(login) > 64 or not all(ch.isalnum() or ch in "._-@" for ch in login):
            raise AccountError("a login is 1-64 letters, digits, '.', '_', '-' or '@'")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"a password has at least {MIN_PASSWORD} characters")
        chat_user = hash_user(self.salt, *chat) if chat else None
        commune = self._commune_for(role, commune, chat_user)
        if role is ConsoleRole.ADMIN and chat_user is not None and chat_user not in self.admin_hashes:
            raise AccountError(f"{chat[0]}:{chat[1]} is not in DVCBOT_ADMINS")  # type: ignore[index]
        row = ConsoleUser(
            login=login,
            password_hash=_HASHER.hash(password),
            role=role.value,
            commune=commune,
            chat_channel=chat[0] if chat else None,
            chat_user=chat_user,
            created_at=now,
            created_by=created_by[:64],
        )
        with self.database.session() as session:
            if session.exec(select(ConsoleUser).where(ConsoleUser.login == login)).first() is not None:
                raise AccountError(f"the login {login!r} exists already")
            session.add(row)
        return row

    def _commune_for(self, role: ConsoleRole, commune: str | None, chat_user: str | None) -> str | None:
        if role is ConsoleRole.ADMIN:
            return None
        if role is ConsoleRole.HELPER:
            helper = self._helper(chat_user) if chat_user else None
            if helper is None:
                raise AccountError("a helper account is linked (--chat channel:id) to a helper who joined by invite")
            return helper.commune
        if not commune:
            raise AccountError("an officer has a commune (its official code)")
        return commune

    def _helper(self, chat_user: str) -> Helper | None:
        with self.database.reader() as session:
            statement = select(Helper).where(Helper.user == chat_user, col(Helper.active).is_(True))
            return session.exec(statement).first()

    def verify(self, login: str, password: str) -> Officer | None:
        """The person behind ``login`` when ``password`` is theirs and their role still holds."""
        row = self._row(login)
        try:
            _HASHER.verify(row.password_hash if row else _DUMMY, password)
        except (VerificationError, InvalidHashError):
            return None
        return self.officer(row) if row is not None else None

    def _row(self, login: str) -> ConsoleUser | None:
        with self.database.reader() as session:
            statement = select(ConsoleUser).where(ConsoleUser.login == login.strip().lower())
            return session.exec(statement).first()

    def get(self, user_id: int) -> Officer | None:
        """The person of a session, with the role that holds today (None: no longer allowed in)."""
        with self.database.reader() as session:
            row = session.get(ConsoleUser, user_id)
        return self.officer(row) if row is not None else None

    def officer(self, row: ConsoleUser) -> Officer | None:
        """The effective role of an account: the chat's roles decide for linked accounts."""
        if not row.active or row.id is None:
            return None
        role, commune = ConsoleRole(row.role), row.commune
        if row.chat_user is not None:
            if role is ConsoleRole.ADMIN and row.chat_user not in self.admin_hashes:
                return None  # removed from DVCBOT_ADMINS: no longer an admin anywhere
            if role is ConsoleRole.HELPER:
                helper = self._helper(row.chat_user)
                if helper is None:
                    return None
                commune = helper.commune
        return Officer(row.id, row.login, role, None if role is ConsoleRole.ADMIN else commune)

    def listing(self) -> list[ConsoleUser]:
        """Every account, by login."""
        with self.database.reader() as session:
            return list(session.exec(select(ConsoleUser).order_by(ConsoleUser.login)).all())


__all__ = ["AccountError", "Accounts", "ConsoleRole", "MIN_PASSWORD", "Officer"]

"""Roles: citizens, community helpers and admins, and the invite codes that make helpers.

Admins are listed by platform user id in the configuration (``DVCBOT_ADMINS=telegram:123``)
because the office that deploys the bot decides who they are, not the bot. Community
tech-team members join with a one-time code an admin creates for a commune; only the
code's hash is stored, and a helper is recorded by the same salted hash as every user.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import col, select

from bot.storage.database import Database, as_utc
from bot.storage.tables import Helper, Invite

# No 0/O, 1/I/L: codes are read aloud and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
INVITE_TTL = dt.timedelta(days=7)


class Role(StrEnum):
    """What a user may do."""

    CITIZEN = "citizen"
    HELPER = "helper"
    ADMIN = "admin"


def normalise_code(code: str) -> str:
    """Upper-case and drop spaces and dashes ("k7px-93qd" -> "K7PX93QD")."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    """The stored form of an invite code."""
    return hashlib.sha256(normalise_code(code).encode("ascii", "ignore")).hexdigest()


def format_code(code: str) -> str:
    """Show a code in two halves so it is easy to read out ("K7PX-93QD")."""
    return f"{code[:4]}-{code[4:]}"


@dataclass(frozen=True)
class Redeemed:
    """The result of redeeming an invite: the helper row, or why it failed."""

    helper: Helper | None
    reason: str = ""  # "unknown", "used", "expired" when ``helper`` is None; "already" for a member of that commune


class Staff:
    """Admins from configuration; helpers and invites in the database."""

    def __init__(self, database: Database, admins: Iterable[tuple[str, str]] = ()):
        self.database = database
        self.admins = frozenset(admins)

    def is_admin(self, channel: str, user_id: str) -> bool:
        """Whether this platform user is a configured admin (the terminal's local user never is)."""
        return (channel, user_id) in self.admins

    def create_invite(self, admin_hash: str, commune: str, now: dt.datetime) -> str:
        """A new one-time code for ``commune``; returned once, stored only as a hash."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        with self.database.session() as session:
            session.add(
                Invite(
                    code_hash=hash_code(code),
                    commune=commune,
                    created_by=admin_hash,
                    created_at=now,
                    expires_at=now + INVITE_TTL,
                )
            )
        return code

    def redeem(self, code: str, user_hash: str, channel: str, now: dt.datetime) -> Redeemed:
        """Use an invite code: the user becomes (or moves to) a helper of its commune."""
        code_hash = hash_code(code)
        with self.database.session() as session:
            invite = session.get(Invite, code_hash)
            if invite is None:
                return Redeemed(None, "unknown")
            if invite.used_at is not None:
                return Redeemed(None, "used")
            if as_utc(invite.expires_at) < now:
                return Redeemed(None, "expired")
            member = session.get(Helper, user_hash)
            if member is not None and member.active and member.commune == invite.commune:
                return Redeemed(member, "already")  # the code stays unused, for someone else
            # Claim atomically: two people typing the same code at once cannot both join.
            claimed = session.execute(
                update(Invite)
                .where(col(Invite.code_hash) == code_hash, col(Invite.used_at).is_(None))
                .values(used_at=now, used_by=user_hash)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                return Redeemed(None, "used")
            helper = session.get(Helper, user_hash)
            if helper is None:
                helper = Helper(
                    user=user_hash, channel=channel, commune=invite.commune, invited_by=invite.created_by, joined_at=now
                )
            helper.commune, helper.active, helper.joined_at = invite.commune, True, now
            session.add(helper)
        return Redeemed(helper)

    def helpers(self) -> list[Helper]:
        """All active helpers, by commune."""
        with self.database.session() as session:
            statement = select(Helper).where(Helper.active == True).order_by(Helper.commune)  # noqa: E712
            return list(session.exec(statement).all())

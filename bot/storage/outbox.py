"""The transactional outbox: replies stored with the state change, delivered after the commit.

A message's replies become ``outbox`` rows in the same transaction that saves the new step,
so a crash after the commit loses nothing: a delivery worker (:mod:`bot.channels.delivery`) finds the
rows and sends them, after a restart too. Proactive messages (reminders, the weekly digest,
flood notices) take the same road.

Order and pace:

* per chat, only the oldest undelivered row (the *head*) may be claimed, so replies arrive in
  the order they were written, whichever process sends them;
* a claim is a lease (``lease_until``): a worker that dies mid-send leaves the row to be
  claimed again once the lease runs out (``FOR UPDATE SKIP LOCKED`` on PostgreSQL keeps two
  workers off the same row);
* before each send the worker asks for a *grant*: the rows granted in the last window are
  the rate limiter's log, counted under an advisory lock on PostgreSQL, so the channel's caps
  (Telegram: 30 messages a second per bot, about one a second per chat) hold for the whole
  deployment, whatever the number of processes.

Delivery is at least once: a reply the platform accepted just before the process died, and
was not yet marked delivered, is sent again after the lease. That gap (one platform call) is
the only way a citizen can see a reply twice.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, func, insert, or_, select, text, update
from sqlalchemy.orm import aliased

from bot.messages import Address, Reply, reply_from_json, reply_to_json
from bot.storage.database import Database, as_utc, lock_key
from bot.storage.events import EventType, PendingEvent, Recorder, Stamp
from bot.storage.privacy import hash_user
from bot.storage.tables import OutboxItem

TABLE = OutboxItem.__table__  # type: ignore[attr-defined]
_C = TABLE.c
PENDING, DELIVERED, DROPPED = "pending", "delivered", "dropped"


@dataclass(frozen=True)
class Window:
    """At most ``count`` sends in any ``seconds``."""

    count: int
    seconds: float


@dataclass(frozen=True)
class SendLimits:
    """A channel's send caps, for the whole channel and for each chat (empty: no cap).

    ``margin`` widens every window a little, so jitter between our grant and the platform's
    clock never makes a window look fuller to the platform than it was to us.
    """

    total: tuple[Window, ...]
    chat: tuple[Window, ...]
    margin: float = 0.25

    @classmethod
    def unlimited(cls) -> SendLimits:
        """No caps (the terminal, test channels)."""
        return cls(total=(), chat=())

    @property
    def capped(self) -> bool:
        """Whether any cap applies."""
        return bool(self.total or self.chat)


def _wait(times: list[dt.datetime], windows: tuple[Window, ...], margin: float, now: dt.datetime) -> float:
    """Seconds until one more send fits every window, given recent grant ``times`` (newest first)."""
    wait = 0.0
    for window in windows:
        span = dt.timedelta(seconds=window.seconds + margin)
        inside = [when for when in times if when > now - span]
        if len(inside) >= window.count:
            wait = max(wait, (inside[window.count - 1] + span - now).total_seconds())
    return wait


@dataclass(frozen=True)
class Parcel:
    """One outbox row to deliver: a reply, or a receipt for the user's action (or both)."""

    id: int
    channel: str
    address: Address
    conversation: str
    chat_key: str
    reply: Reply | None
    receipt: str | None
    notice: str | None
    version: str
    attempts: int
    created_at: dt.datetime


def _body(reply: Reply | None, receipt: str | None, notice: str | None) -> str:
    data: dict[str, Any] = reply_to_json(reply) if reply is not None else {}
    if receipt is not None:
        data["receipt"] = receipt
        data["notice"] = notice
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class Outbox:
    """The outbox table of one database."""

    table = TABLE

    def __init__(self, database: Database, salt: str, recorder: Recorder):
        self.database = database
        self.salt = salt
        self.recorder = recorder

    def chat_key(self, channel: str, chat_id: str) -> str:
        """The salted hash a chat is known by once its raw id is blanked."""
        return hash_user(self.salt, f"chat:{channel}", chat_id)

    # -- writing ------------------------------------------------------------------------------

    def rows(
        self,
        address: Address,
        replies: Sequence[Reply],
        conversation: str,
        version: str,
        now: dt.datetime,
        receipt: str | None = None,
        notice: str | None = None,
    ) -> list[dict[str, Any]]:
        """Rows for ``replies`` (the receipt first), for the caller's transaction."""
        chat_id = address.chat_id or address.user_id
        common = {
            "channel": address.channel,
            "chat_id": chat_id,
            "chat_key": self.chat_key(address.channel, chat_id),
            "conversation": conversation,
            "version": version,
            "created_at": now,
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
        }
        rows = []
        if receipt is not None:
            rows.append({**common, "body": _body(None, receipt, notice), "image": None})
        for reply in replies:
            image = reply.image.content if reply.image is not None else None
            rows.append({**common, "body": _body(reply, None, None), "image": image})
        return rows

    def enqueue(
        self, address: Address, replies: Sequence[Reply], conversation: str, version: str, now: dt.datetime
    ) -> int:
        """Store replies in a transaction of their own (proactive messages); returns how many."""
        rows = self.rows(address, replies, conversation, version, now)
        if rows:
            with self.database.session() as session:
                session.execute(insert(TABLE), rows)
        return len(rows)

    # -- claiming and granting ----------------------------------------------------------------

    def claim(
        self, channel: str, now: dt.datetime, limit: int, lease: dt.timedelta, chat_key: str | None = None
    ) -> list[Parcel]:
        """Lease up to ``limit`` deliverable heads (the oldest pending row of their chat; of one chat if given)."""
        earlier = aliased(TABLE)
        head = ~exists().where(
            and_(earlier.c.chat_key == _C.chat_key, earlier.c.status == PENDING, earlier.c.id < _C.id)
        )
        statement = (
            select(TABLE)
            .where(
                _C.channel == channel,
                _C.status == PENDING,
                _C.next_attempt_at <= now,
                or_(_C.lease_until.is_(None), _C.lease_until < now),
                head,
            )
            .order_by(_C.id)
            .limit(limit)
        )
        if chat_key is not None:
            statement = statement.where(_C.chat_key == chat_key)
        if self.database.is_postgres:
            statement = statement.with_for_update(skip_locked=True, of=TABLE)
        with self.database.session() as session:
            rows = session.execute(statement).mappings().all()
            if not rows:
                return []
            ids = [row["id"] for row in rows]
            session.execute(update(TABLE).where(_C.id.in_(ids)).values(lease_until=now + lease))
        return [self._parcel(row) for row in rows]

    def _parcel(self, row: Any) -> Parcel:
        data = json.loads(row["body"] or "{}")
        receipt = data.pop("receipt", None)
        notice = data.pop("notice", None)
        reply = reply_from_json(data, row["image"]) if "text" in data else None
        address = Address(row["channel"], row["chat_id"], row["chat_id"])
        return Parcel(
            row["id"],
            row["channel"],
            address,
            row["conversation"],
            row["chat_key"],
            reply,
            receipt,
            notice,
            row["version"],
            row["attempts"],
            as_utc(row["created_at"]),
        )

    def grant(self, parcel: Parcel, now: dt.datetime, limits: SendLimits) -> tuple[float, bool]:
        """Allow one send now, or say how long to wait: ``(seconds, whole_channel)``.

        ``whole_channel`` is true when the channel's total is the cap (wait before any send),
        false when only this chat must wait (other chats may go on).
        """
        with self.database.session() as session:
            if self.database.is_postgres:
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(f"send:{parcel.channel}")})
            for windows, column, value, whole in (
                (limits.total, _C.channel, parcel.channel, True),
                (limits.chat, _C.chat_key, parcel.chat_key, False),
            ):
                if not windows:
                    continue
                horizon = dt.timedelta(seconds=max(w.seconds for w in windows) + limits.margin)
                recent = (
                    select(_C.granted_at)
                    .where(column == value, _C.granted_at > now - horizon)
                    .order_by(_C.granted_at.desc())
                    .limit(max(w.count for w in windows))
                )
                times = [as_utc(when) for when in session.execute(recent).scalars()]
                wait = _wait(times, windows, limits.margin, now)
                if wait > 0:
                    return max(wait, 0.001), whole
            session.execute(update(TABLE).where(_C.id == parcel.id).values(granted_at=now))
        return 0.0, False

    # -- outcomes -----------------------------------------------------------------------------

    def delivered(self, parcel: Parcel, now: dt.datetime) -> None:
        """The platform accepted it: close the row and forget the raw chat id and the text."""
        with self.database.session() as session:
            session.execute(
                update(TABLE)
                .where(_C.id == parcel.id)
                .values(status=DELIVERED, closed_at=now, chat_id="", body=None, image=None, lease_until=None)
            )

    def later(self, parcel: Parcel, when: dt.datetime, attempted: bool = True) -> None:
        """Try again at ``when`` (after an error, or a chat that must wait its turn)."""
        values: dict[str, Any] = {"next_attempt_at": when, "lease_until": None}
        if attempted:
            values["attempts"] = _C.attempts + 1
        with self.database.session() as session:
            session.execute(update(TABLE).where(_C.id == parcel.id).values(**values))

    def drop(self, parcel: Parcel, now: dt.datetime, reason: str) -> None:
        """Give up on a reply (rejected for good, or too old), with an ``undelivered`` event."""
        event = PendingEvent(EventType.UNDELIVERED, decision=reason[:16], step=str(parcel.attempts))
        with self.database.session() as session:
            session.execute(
                update(TABLE)
                .where(_C.id == parcel.id)
                .values(status=DROPPED, closed_at=now, chat_id="", body=None, image=None, reason=reason[:64])
            )
            self.recorder.write(session, Stamp(parcel.channel, parcel.conversation, now), [event])

    def release_leases(self, channel: str) -> int:
        """Free every lease of ``channel`` (SQLite start-up: no other process can hold one)."""
        with self.database.session() as session:
            result = session.execute(
                update(TABLE).where(_C.channel == channel, _C.lease_until.is_not(None)).values(lease_until=None)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    # -- figures and housekeeping -------------------------------------------------------------

    def backlog(self, channel: str | None = None) -> int:
        """Replies not yet delivered (of one channel, or all)."""
        statement = select(func.count()).select_from(TABLE).where(_C.status == PENDING)
        if channel is not None:
            statement = statement.where(_C.channel == channel)
        with self.database.reader() as session:
            return int(session.execute(statement).scalar_one())

    def waiting(self, conversations: Sequence[str]) -> dict[str, int]:
        """Undelivered replies per conversation (a conversation with many waits its turn)."""
        if not conversations:
            return {}
        statement = (
            select(_C.conversation, func.count())
            .where(_C.status == PENDING, _C.conversation.in_(list(conversations)))
            .group_by(_C.conversation)
        )
        with self.database.reader() as session:
            return {key: int(count) for key, count in session.execute(statement).all()}

    def prune(self, before: dt.datetime) -> int:
        """Delete closed rows older than ``before`` (their events stay)."""
        with self.database.session() as session:
            result = session.execute(TABLE.delete().where(_C.status != PENDING, _C.closed_at < before))
            return int(result.rowcount)  # type: ignore[attr-defined]


__all__ = ["DELIVERED", "DROPPED", "PENDING", "Outbox", "Parcel", "SendLimits", "Window"]

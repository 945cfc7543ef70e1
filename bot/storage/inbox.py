"""The inbox: every accepted message is stored before the platform gets its answer.

A webhook is acknowledged once its message is durably here, so a burst is absorbed at the
speed of one insert and a crash loses nothing; the gateway (:mod:`bot.channels.base`) then
processes the rows in order per conversation, each inside that conversation's transaction.

The same table drops repeated deliveries: ``dedupe`` is a salted hash of the platform's
message id (Telegram's update id, Zalo's ``msg_id``, or a hash of sender, time and body when
Zalo sends none), unique per channel, kept for :data:`DEDUPE_PERIOD` after processing -- longer
than any platform retries or than Zalo events stay valid. A processed row keeps only that hash
and its times: the body (raw ids, text, file) is blanked in the commit that processes it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update
from sqlmodel import Session

from bot.messages import Address, Attachment, Inbound
from bot.storage.database import Database, as_utc, dialect_insert
from bot.storage.privacy import hash_user
from bot.storage.tables import InboxItem
from bot.storage.writes import Take

TABLE = InboxItem.__table__  # type: ignore[attr-defined]
_C = TABLE.c
PENDING, DONE, FAILED = "pending", "done", "failed"
DEDUPE_PERIOD = dt.timedelta(hours=48)
# Rows SQLAlchemy's insertmanyvalues sends as one INSERT (its page is 1,000 rows; the gateway's
# group commit writes at most 500): up to this many, an insert is atomic without a transaction.
ONE_STATEMENT = 500
_TAKE = (
    select(_C.id, _C.body, _C.received_at, _C.document)
    .where(_C.conversation == bindparam("conversation"), _C.status == PENDING, _C.not_before <= bindparam("now"))
    .order_by(_C.id)
    .limit(1)
)
_CLOSE = update(TABLE).where(_C.id == bindparam("row_id")).values(status=bindparam("status"), body=None, document=None)


@dataclass(frozen=True)
class Waiting:
    """A conversation with a message ready to process."""

    conversation: str
    channel: str
    first: int  # its oldest pending row


def encode(inbound: Inbound) -> str:
    """The stored form of a message (the document's bytes go in their own column)."""
    address = inbound.address
    data: dict[str, Any] = {"a": [address.channel, address.user_id, address.chat_id], "t": inbound.text}
    for key, value in (
        ("p", inbound.payload),
        ("l", inbound.locale_hint),
        ("m", inbound.message_id),
        ("r", inbound.receipt),
        ("n", inbound.notice),
        ("s", inbound.site),
    ):
        if value is not None:
            data[key] = value
    if inbound.document is not None:
        data["d"] = [inbound.document.name, inbound.document.mime]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def decode(body: str, received_at: dt.datetime, document: bytes | None) -> Inbound:
    """The message stored by :func:`encode`."""
    data = json.loads(body)
    channel, user_id, chat_id = data["a"]
    attachment = None
    if "d" in data and document is not None:
        attachment = Attachment(data["d"][0], document, data["d"][1])
    return Inbound(
        Address(channel, user_id, chat_id),
        text=data.get("t", ""),
        payload=data.get("p"),
        locale_hint=data.get("l"),
        message_id=data.get("m"),
        received_at=as_utc(received_at),
        document=attachment,
        receipt=data.get("r"),
        notice=data.get("n"),
        site=data.get("s"),  # absent in rows stored before sites were recorded
    )


class Inbox:
    """The inbox table of one database."""

    def __init__(self, database: Database, salt: str):
        self.database = database
        self.salt = salt
        self._add: Any = None

    def dedupe_key(self, inbound: Inbound) -> str | None:
        """The salted hash of the platform's message id (None when the channel gives none)."""
        if inbound.message_id is None:
            return None
        return hash_user(self.salt, f"inbox:{inbound.address.channel}", inbound.message_id)

    def row(self, inbound: Inbound, conversation: str, not_before: dt.datetime) -> dict[str, Any]:
        """The row storing ``inbound``."""
        return {
            "channel": inbound.address.channel,
            "dedupe": self.dedupe_key(inbound),
            "conversation": conversation,
            "received_at": inbound.received_at,
            "not_before": not_before,
            "status": PENDING,
            "body": encode(inbound),
            "document": inbound.document.content if inbound.document is not None else None,
        }

    def add(self, rows: list[dict[str, Any]]) -> int:
        """Store messages in one transaction; a repeated platform message is skipped. Returns how many were new."""
        if self._add is None:  # built once: building it costs more than a small insert
            self._add = (
                dialect_insert(self.database.is_postgres)(TABLE)
                .on_conflict_do_nothing(index_elements=["channel", "dedupe"])
                .returning(_C.id)
            )
        if self.database.is_postgres and len(rows) <= ONE_STATEMENT:
            # One statement is a transaction of its own: no BEGIN and COMMIT round trips (3 -> 1).
            with self.database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                return len(connection.execute(self._add, rows).all())
        with self.database.session() as session:
            return len(session.execute(self._add, rows).all())

    def waiting(self, now: dt.datetime, limit: int, skip: Collection[str] = ()) -> list[Waiting]:
        """Conversations with a message ready now (not of the ``skip`` channels), the longest waiting first."""
        first = func.min(_C.id)
        statement = (
            select(_C.conversation, _C.channel, first)
            .where(_C.status == PENDING, _C.not_before <= now, _C.channel.not_in(list(skip)))
            .group_by(_C.conversation, _C.channel)
            .order_by(first)
            .limit(limit)
        )
        with self.database.reader() as session:
            return [Waiting(key, channel, int(row_id)) for key, channel, row_id in session.execute(statement).all()]

    def next_due(self) -> dt.datetime | None:
        """When the earliest waiting message may be processed (flood control delays some)."""
        with self.database.reader() as session:
            value = session.execute(select(func.min(_C.not_before)).where(_C.status == PENDING)).scalar()
        return as_utc(value) if value is not None else None

    def take(self, connection: Connection | Session, conversation: str, now: dt.datetime) -> tuple[int, Inbound] | None:
        """The conversation's oldest ready message, read inside its locked transaction."""
        row = connection.execute(_TAKE, {"conversation": conversation, "now": now}).first()
        if row is None:
            return None
        return int(row.id), decode(row.body or "{}", row.received_at, row.document)

    @staticmethod
    def ready(now: dt.datetime) -> Take:
        """What the conversation's transaction claims with its state: the oldest message ready at ``now``."""
        return Take(now, PENDING, DONE)

    @staticmethod
    def read(taken: Any) -> tuple[int, Inbound]:
        """The row id and message of a row claimed through :meth:`ready` (id, body, received_at, document)."""
        row_id, body, received_at, document = taken
        return int(row_id), decode(body or "{}", received_at, document)

    @staticmethod
    def done(row_id: int) -> tuple[Any, dict[str, Any]]:
        """The statement closing a processed row (in the same commit as its replies), with its parameters."""
        return _CLOSE, {"row_id": row_id, "status": DONE}

    @staticmethod
    def failed(row_id: int) -> tuple[Any, dict[str, Any]]:
        """The statement setting aside a message whose handling failed (its body forgotten too)."""
        return _CLOSE, {"row_id": row_id, "status": FAILED}

    def backlog(self) -> int:
        """Messages stored and not yet processed."""
        with self.database.reader() as session:
            return int(
                session.execute(select(func.count()).select_from(TABLE).where(_C.status == PENDING)).scalar_one()
            )

    def prune(self, before: dt.datetime) -> int:
        """Forget processed rows received before ``before`` (their dedupe period is over)."""
        with self.database.session() as session:
            result = session.execute(TABLE.delete().where(_C.status.in_([DONE, FAILED]), _C.received_at < before))
            return int(result.rowcount)  # type: ignore[attr-defined]


__all__ = ["DEDUPE_PERIOD", "Inbox", "Waiting", "decode", "encode"]

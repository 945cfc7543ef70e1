"""Live handoff, the officers' side: the queues, taking a conversation, replies, hand-back.

:class:`Handoffs` is the :class:`bot.conversation.handoff.Switchboard` the engine is handed (it
writes in the message's own transaction) and what the console's pages use. An officer's reply is
a :class:`~bot.messages.Reply` written as an ``outbox`` row -- the same road as the bot's
replies, so each channel's courier delivers it at its caps, retried, after a restart too. The
raw chat id lives in the handoff row only while it is open; closing blanks it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, insert, select, true, update

from bot.config import Settings
from bot.console.handoff_rules import OfficeHours, ReplyWindow, reply_window
from bot.i18n import N_, Languages, Translator
from bot.messages import Address, Reply
from bot.storage.database import Database, Unit, as_utc
from bot.storage.events import EventType
from bot.storage.outbox import Outbox
from bot.storage.privacy import redact
from bot.storage.tables import Event, Handoff, HandoffMessage
from procedures.addresses import commune_by_code

if TYPE_CHECKING:  # the engine hands the turn in; the console never imports conversation code
    from bot.conversation.turn import Turn

HANDOFFS = Handoff.__table__  # type: ignore[attr-defined]
MESSAGES = HandoffMessage.__table__  # type: ignore[attr-defined]
_H = HANDOFFS.c
WAITING, TAKEN, CLOSED = "waiting", "taken", "closed"
MAX_REPLY_CHARS = 2000


class ReplyRefused(ValueError):
    """An officer's reply that cannot go; ``reason`` is an English msgid."""


@dataclass(frozen=True)
class HandoffSettings:
    """Office hours and the time-out after which an idle held conversation returns to the bot."""

    hours: OfficeHours
    timeout: dt.timedelta


def _open(conversation: str) -> Any:
    return select(HANDOFFS).where(_H.conversation == conversation, _H.status != CLOSED).order_by(_H.id.desc())


class Handoffs:
    """The handoff queues over one database, delivering through its outbox."""

    def __init__(self, database: Database, outbox: Outbox, languages: Languages, settings: HandoffSettings):
        self.database = database
        self.outbox = outbox
        self.languages = languages
        self.settings = settings

    # -- the Switchboard: called by the engine inside the message's transaction ----------------

    def relay(self, unit: Unit, user: str, text: str, now: dt.datetime) -> str | None:
        """Give the citizen's message to their open handoff (see the protocol)."""
        connection = unit.connection
        row = connection.execute(_open(user)).mappings().first()
        if row is None:
            return self._rating(connection, user, text, now)
        if row["status"] == TAKEN and now - as_utc(row["active_at"]) >= self.settings.timeout:
            self._close(connection, row, now, "timeout")  # the officer went quiet: the bot answers again
            return None
        connection.execute(
            insert(MESSAGES), [{"handoff_id": row["id"], "at": now, "author": "citizen", "text": redact(text)}]
        )
        connection.execute(
            update(HANDOFFS)
            .where(_H.id == row["id"])
            .values(citizen_at=now, active_at=now, officer_replies=0, revision=_H.revision + 1)
        )
        return str(row["status"])

    def _rating(self, connection: Connection, user: str, text: str, now: dt.datetime) -> str | None:
        """A digit 1-5 right after a hand-back is the citizen's rating of the help."""
        if text.strip() not in ("1", "2", "3", "4", "5"):
            return None
        last = connection.execute(
            select(_H.id, _H.rating, _H.closed_by).where(_H.conversation == user).order_by(_H.id.desc()).limit(1)
        ).first()
        if last is None or last.rating is not None or last.closed_by != "handback":
            return None
        connection.execute(update(HANDOFFS).where(_H.id == last.id).values(rating=int(text), revision=_H.revision + 1))
        return "rated"

    def queue(self, turn: Turn, commune: str | None, kind: str, text: str) -> int:
        """Open (or move) the conversation's handoff; how many wait ahead of it in its queue."""
        assert turn.unit is not None
        connection, now = turn.unit.connection, turn.now
        row = connection.execute(_open(turn.user)).mappings().first()
        if row is None:
            address = turn.inbound.address
            values = {
                "conversation": turn.user,
                "channel": address.channel,
                "chat_id": address.chat_id or address.user_id,  # raw: kept while open, blanked at close
                "commune": commune,
                "locale": turn.tr.locale,
                "kind": kind,
                "status": WAITING,
                "tried": ",".join(filter(None, [turn.state.root_procedure()]))[:255],
                "opened_at": now,
                "citizen_at": now,
                "active_at": now,
                "officer_replies": 0,
                "revision": 0,
            }
            handoff_id = connection.execute(insert(HANDOFFS).returning(_H.id), [values]).scalar_one()
            opened = now
        else:
            handoff_id, opened = row["id"], as_utc(row["opened_at"])
            connection.execute(
                update(HANDOFFS).where(_H.id == handoff_id).values(commune=commune, revision=_H.revision + 1)
            )
        if text:
            connection.execute(
                insert(MESSAGES), [{"handoff_id": handoff_id, "at": now, "author": "citizen", "text": redact(text)}]
            )
        same_queue = _H.commune.is_(None) if commune is None else _H.commune == commune
        ahead = select(func.count()).where(_H.status == WAITING, same_queue, _H.opened_at < opened)
        return int(connection.execute(ahead).scalar_one())

    def is_open(self, now: dt.datetime) -> bool:
        """Whether officers answer now."""
        return self.settings.hours.is_open(now)

    def opens_at(self, now: dt.datetime) -> dt.datetime:
        """When officers next answer."""
        return self.settings.hours.opens_at(now)

    # -- the officers' actions (the console) ---------------------------------------------------

    def get(self, handoff_id: int) -> Handoff | None:
        """One handoff."""
        with self.database.reader() as session:
            return session.get(Handoff, handoff_id)

    def queue_of(self, commune: str | None, everyone: bool, now: dt.datetime) -> list[Handoff]:
        """The open handoffs an officer sees (their commune's; an admin every queue), oldest first."""
        self.expire(now)
        statement = select(Handoff).where(Handoff.status != CLOSED).order_by(Handoff.opened_at)  # type: ignore[arg-type]
        if not everyone:
            statement = statement.where(Handoff.commune == commune)  # type: ignore[arg-type]
        with self.database.reader() as session:
            return list(session.scalars(statement).all())

    def messages(self, handoff_id: int) -> list[HandoffMessage]:
        """The handoff's messages, oldest first (redacted)."""
        statement = select(HandoffMessage).where(HandoffMessage.handoff_id == handoff_id).order_by(HandoffMessage.id)  # type: ignore[arg-type]
        with self.database.reader() as session:
            return list(session.scalars(statement).all())

    def history(self, conversation: str, limit: int = 40) -> list[Event]:
        """What the citizen wrote and what the bot tried, newest last (the events keep redacted text only)."""
        kinds = ("message", "route", "unresolved", "card", "guide_started", "step", "stuck")
        statement = (
            select(Event)
            .where(Event.user == conversation, Event.type.in_(kinds))  # type: ignore[arg-type, attr-defined]
            .order_by(Event.id.desc())  # type: ignore[union-attr]
            .limit(limit)
        )
        with self.database.reader() as session:
            return list(reversed(session.scalars(statement).all()))

    def window(self, handoff: Handoff) -> ReplyWindow:
        """How long, and how often, an officer may still reply."""
        return reply_window(handoff.channel, as_utc(handoff.citizen_at), handoff.officer_replies)

    def take(self, handoff_id: int, officer: str, now: dt.datetime) -> bool:
        """Take a waiting conversation (one officer wins); the citizen is told a person is answering."""
        with self.database.session() as session:
            taken = session.execute(
                update(HANDOFFS)
                .where(_H.id == handoff_id, _H.status == WAITING)
                .values(status=TAKEN, officer=officer[:64], taken_at=now, active_at=now, revision=_H.revision + 1)
            )
            if not taken.rowcount:  # type: ignore[attr-defined]
                return False
            row = session.execute(select(HANDOFFS).where(_H.id == handoff_id)).mappings().one()
            tr = self.languages.get(row["locale"])
            text = tr.gettext("An officer is now answering you in this chat. The bot is quiet until they finish.")
            self._notify(session.connection(), row, Reply(text), now)
        return True

    def reply(self, handoff_id: int, officer: str, text: str, now: dt.datetime) -> None:
        """Send the officer's reply through the outbox, or :class:`ReplyRefused` (recorded, never lost silently)."""
        text = text.strip()[:MAX_REPLY_CHARS]
        with self.database.session() as session:
            row = session.execute(select(HANDOFFS).where(_H.id == handoff_id)).mappings().one_or_none()
            if row is None or row["status"] != TAKEN or row["officer"] != officer:
                raise ReplyRefused(N_("Take the conversation before you reply."))
            if not text:
                raise ReplyRefused(N_("Write a reply first."))
            window = reply_window(row["channel"], as_utc(row["citizen_at"]), row["officer_replies"])
            connection = session.connection()
            if not window.open(now):
                message = {
                    "handoff_id": handoff_id,
                    "at": now,
                    "author": "refused",
                    "officer": officer,
                    "text": redact(text),
                }
                connection.execute(insert(MESSAGES), [message])
                connection.execute(update(HANDOFFS).where(_H.id == handoff_id).values(revision=_H.revision + 1))
                refused = ReplyRefused(N_("The channel's reply window has closed: this reply cannot be delivered."))
            else:
                refused = None
                message = {
                    "handoff_id": handoff_id,
                    "at": now,
                    "author": "officer",
                    "officer": officer,
                    "text": redact(text),
                }
                connection.execute(insert(MESSAGES), [message])
                connection.execute(
                    update(HANDOFFS)
                    .where(_H.id == handoff_id)
                    .values(active_at=now, officer_replies=_H.officer_replies + 1, revision=_H.revision + 1)
                )
                self._deliver(connection, row, Reply(text), now)
        if refused is not None:
            raise refused  # after the commit: the refused reply stays on record

    def hand_back(self, handoff_id: int, officer: str | None, now: dt.datetime) -> bool:
        """Return the conversation to the bot (an admin may close any), asking the citizen to rate the help."""
        with self.database.session() as session:
            row = session.execute(select(HANDOFFS).where(_H.id == handoff_id)).mappings().one_or_none()
            if (
                row is None
                or row["status"] == CLOSED
                or (officer is not None and row["officer"] not in (officer, None))
            ):
                return False
            self._close(session.connection(), row, now, "handback")
        return True

    def expire(self, now: dt.datetime) -> int:
        """Close the held conversations idle past the time-out (the bot answers again); how many."""
        limit = now - self.settings.timeout
        with self.database.session() as session:
            rows = session.execute(select(HANDOFFS).where(_H.status == TAKEN, _H.active_at <= limit)).mappings().all()
            for row in rows:
                self._close(session.connection(), row, now, "timeout")
        return len(rows)

    def _close(self, connection: Connection, row: Any, now: dt.datetime, why: str) -> None:
        tr = self.languages.get(row["locale"])
        if why == "handback":
            text = tr.gettext(
                "The officer has finished. I am the bot again: ask me anything. "
                "How was the help? Type a number from 1 (poor) to 5 (very good)."
            )
        else:
            text = tr.gettext(
                "The officer could not go on. I am the bot again: ask me anything, or ask for a person again."
            )
        if row["status"] == TAKEN:
            self._notify(connection, row, Reply(text), now)
        connection.execute(
            update(HANDOFFS)
            .where(_H.id == row["id"])
            .values(status=CLOSED, closed_at=now, closed_by=why, chat_id="", revision=_H.revision + 1)
        )

    def _notify(self, connection: Connection, row: Any, reply: Reply, now: dt.datetime) -> None:
        """A notice of the handoff (taken, finished) to the citizen, within the channel's reply window only.

        On Zalo it is one of the replies the window allows, so it is counted like an officer's;
        past the window it is not sent (Zalo would refuse it, or charge it as a proactive message).
        """
        window = reply_window(row["channel"], as_utc(row["citizen_at"]), row["officer_replies"])
        if not row["chat_id"] or not window.open(now):
            return
        self._deliver(connection, row, reply, now)
        connection.execute(update(HANDOFFS).where(_H.id == row["id"]).values(officer_replies=_H.officer_replies + 1))

    def _deliver(self, connection: Connection, row: Any, reply: Reply, now: dt.datetime) -> None:
        """An outbox row to the citizen's chat: the courier of their channel delivers it."""
        address = Address(row["channel"], row["chat_id"], row["chat_id"])
        connection.execute(insert(self.outbox.table), self.outbox.rows(address, [reply], row["conversation"], "", now))

    # -- live pages ----------------------------------------------------------------------------

    def signature(self, commune: str | None = None, everyone: bool = True, handoff_id: int | None = None) -> str:
        """Changes when what one live page shows changes (the console's pages poll it).

        With ``handoff_id``: that conversation (its status, queue, officer and messages); else the
        queue an officer sees (their commune's, or every queue), as :meth:`queue_of` selects it --
        so a reply in one commune's conversation does not refresh every open page of the province.
        """
        if handoff_id is not None:
            scope = _H.id == handoff_id
        elif everyone:
            scope = true()
        else:
            scope = _H.commune.is_(None) if commune is None else _H.commune == commune
        ids = select(_H.id).where(scope)
        with self.database.reader() as session:
            count, revisions = session.execute(
                select(func.count(), func.coalesce(func.sum(_H.revision), 0)).where(scope)
            ).one()
            last = session.execute(
                select(func.coalesce(func.max(MESSAGES.c.id), 0)).where(MESSAGES.c.handoff_id.in_(ids))
            ).scalar_one()
        return f"{count}.{revisions}.{last}"


# What each usage event in a conversation's history means, in the officer's words.
EVENT_LABELS = {
    EventType.MESSAGE: N_("The citizen wrote"),
    EventType.ROUTE: N_("The bot matched a procedure"),
    EventType.UNRESOLVED: N_("The bot did not understand"),
    EventType.CARD: N_("The bot showed a procedure's card"),
    EventType.GUIDE_STARTED: N_("Guide started"),
    EventType.STEP: N_("Guide step"),
    EventType.GUIDE_COMPLETED: N_("Guide finished"),
    EventType.GUIDE_ABANDONED: N_("Guide left unfinished"),
    EventType.GUIDE_PAUSED: N_("Guide paused"),
    EventType.TICK: N_("A paper ticked"),
    EventType.STUCK: N_("The citizen said they are stuck"),
    EventType.RATING: N_("Rating"),
    EventType.UNDELIVERED: N_("A reply could not be delivered"),
    EventType.FLOODED: N_("Messages came too fast"),
    EventType.ERROR: N_("The bot had an error"),
}


def event_label(tr: Translator, kind: str) -> str:
    """An event type in words; a type without words (a reminder, a helper session) as it is."""
    try:
        return tr.gettext(EVENT_LABELS[EventType(kind)])
    except (KeyError, ValueError):
        return kind


def queue_name(commune: str | None, province: str) -> str:
    """How the console names a queue: "Phường Sài Gòn (26740)"; ``province`` for the province's queue.

    The name is what officers know their commune by, the code tells apart communes of the same
    name; a stored value that is not a current commune's code is shown as it is.
    """
    if not commune:
        return province
    found = commune_by_code(commune) if commune.isdigit() else None
    return commune if found is None else f"{found.name} ({found.code})"


def build_handoffs(settings: Settings, database: Database, outbox: Outbox, languages: Languages) -> Handoffs:
    """The queues with the deployment's office hours and time-out (for the composition root)."""
    from zoneinfo import ZoneInfo

    hours = OfficeHours.parse(settings.handoff_hours, settings.handoff_weekdays, ZoneInfo(settings.timezone))
    timeout = dt.timedelta(minutes=settings.handoff_timeout_minutes)
    return Handoffs(database, outbox, languages, HandoffSettings(hours, timeout))


__all__ = [
    "as_utc",
    "build_handoffs",
    "CLOSED",
    "HandoffSettings",
    "Handoffs",
    "ReplyRefused",
    "TAKEN",
    "EVENT_LABELS",
    "WAITING",
    "event_label",
    "queue_name",
]

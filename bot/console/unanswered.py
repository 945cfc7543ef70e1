"""The unanswered inbox's figures: questions the bot could not place or had to ask about, grouped.

A message is *unanswered* when its turn recorded an ``unresolved`` event (no match) or an
``ambiguous`` route ("Ý bạn là…"). Events of one turn share the user and the instant, which is
how a message's text is tied to its route. Texts are redacted when stored and blanked after
``DVCBOT_RAW_TEXT_DAYS``, so the inbox only ever shows redacted text of the retention period.
Groups use the statistics' key (:func:`bot.stats.queries.question_key`: the router's folding,
punctuation ignored), merged in Python because SQL cannot fold Vietnamese the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func

from bot.stats.queries import question_key
from bot.storage.database import Database
from bot.storage.tables import Event
from intents.normalize import fold

_E = Event.metadata.tables["events"].c
_TURN = sa.table("events", sa.column("user"), sa.column("at"), sa.column("type"), sa.column("decision")).alias("turn")
MAX_GROUPS = 100


@dataclass(frozen=True)
class Group:
    """Unanswered questions with one key: how many, an example (redacted), first and last seen."""

    key: str
    count: int
    example: str
    first_seen: dt.datetime
    last_seen: dt.datetime


@dataclass(frozen=True)
class Share:
    """Of the messages with a group's key, how many were unanswered before and after an instant."""

    before_unanswered: int
    before_total: int
    after_unanswered: int
    after_total: int

    @staticmethod
    def percent(part: int, whole: int) -> float | None:
        """A rounded percentage, None without messages."""
        return round(100 * part / whole, 1) if whole else None

    @property
    def before(self) -> float | None:
        """The unanswered share before, in percent."""
        return self.percent(self.before_unanswered, self.before_total)

    @property
    def after(self) -> float | None:
        """The unanswered share after, in percent."""
        return self.percent(self.after_unanswered, self.after_total)

    @property
    def reduced(self) -> bool | None:
        """True when the share went down; None until both sides have messages."""
        if self.before is None or self.after is None:
            return None
        return self.after < self.before


def _unanswered() -> sa.ColumnElement[Any]:
    """True for a message whose turn was not answered (no match, or "did you mean")."""
    same_turn = sa.and_(_TURN.c.user == _E.user, _TURN.c.at == _E.at)
    missed = sa.or_(_TURN.c.type == "unresolved", sa.and_(_TURN.c.type == "route", _TURN.c.decision == "ambiguous"))
    return sa.exists(sa.select(1).select_from(_TURN).where(same_turn, missed))


def _messages(since: dt.datetime, commune: str | None) -> sa.Select[Any]:
    query = sa.select(_E.text).where(
        _E.type == "message", _E.text.is_not(None), _E.at >= since, sa.or_(_E.role.is_(None), _E.role != "admin")
    )  # admins mostly try the bot out, as in the statistics
    return query if commune is None else query.where(_E.commune == commune)


def groups(
    database: Database, since: dt.datetime, commune: str | None = None, hidden: Collection[str] = ()
) -> list[Group]:
    """The unanswered groups since ``since`` (one commune's, if given), most frequent first."""
    query = _messages(since, commune).add_columns(func.count(), func.min(_E.at), func.max(_E.at))
    query = query.where(_unanswered()).group_by(_E.text)
    merged: dict[str, list[Any]] = {}
    examples: dict[str, tuple[int, bool, str]] = {}
    with database.engine.connect() as connection:
        for text, count, first, last in connection.execute(query):
            key = question_key(text)
            if not key or key in hidden:
                continue
            found = merged.setdefault(key, [0, first, last])
            found[0], found[1], found[2] = found[0] + count, min(found[1], first), max(found[2], last)
            # The commonest wording stands for the group; on a tie one typed with marks, a better alias.
            examples[key] = max(examples.get(key, (0, False, "")), (count, text != fold(text), text))
    ranked = sorted(merged.items(), key=lambda item: (-item[1][0], item[0]))[:MAX_GROUPS]
    return [Group(key, n, examples[key][2], _utc(first), _utc(last)) for key, (n, first, last) in ranked]


def share(database: Database, key: str, at: dt.datetime, since: dt.datetime) -> Share:
    """The unanswered share of messages with ``key`` from ``since`` to ``at``, and from ``at`` on."""
    flag = _unanswered()
    after = _E.at >= at
    query = _messages(since, None).add_columns(after, flag, func.count()).group_by(_E.text, after, flag)
    counts = [0, 0, 0, 0]  # before unanswered, before total, after unanswered, after total
    with database.engine.connect() as connection:
        for text, is_after, missed, count in connection.execute(query):
            if question_key(text) != key:
                continue
            side = 2 if is_after else 0
            counts[side] += count if missed else 0
            counts[side + 1] += count
    return Share(*counts)


def _utc(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive UTC times; PostgreSQL aware ones."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


__all__ = ["Group", "MAX_GROUPS", "Share", "groups", "share"]

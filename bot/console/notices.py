"""The texts officers set without a developer: the notice, the welcome text, office hours.

* the **notice** ("Cổng DVC quốc gia bảo trì 20:00–23:00 …") is shown at the start of
  conversations on every channel from its start until its end -- instants compared with the
  injected clock, so it appears and expires without anyone restarting the bot;
* the **welcome text** replaces the bot's greeting;
* **office hours** are kept per commune (official unit code) and shown with the commune's contacts.

Each is bilingual (Vietnamese required, English optional: the Vietnamese is shown when it is
missing), and every link in it must be on an official domain (:class:`procedures.links.LinkPolicy`),
the same rule as the catalog's. :class:`Board` is the read-only view the conversation engine gets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.i18n import N_
from bot.storage.database import Database, as_utc
from bot.storage.tables import ConsoleText
from procedures.links import LinkPolicy

NOTICE = "notice"
WELCOME = "welcome"
HOURS = "hours:"
MAX_CHARS = 1000
# How long a process keeps the notice and the welcome text before reading them again.
BOARD_REFRESH = dt.timedelta(seconds=30)


class TextRefused(ValueError):
    """A text that cannot be saved; ``reason`` is an English msgid, ``links`` the refused ones."""

    def __init__(self, reason: str, links: tuple[str, ...] = ()):
        super().__init__(reason)
        self.reason = reason
        self.links = links


@dataclass(frozen=True)
class Bilingual:
    """A text in Vietnamese and (optionally) English."""

    vi: str
    en: str = ""

    def get(self, locale: str) -> str:
        """The text in ``locale``, the Vietnamese when there is no English."""
        return self.en if locale == "en" and self.en else self.vi


def hours_key(commune: str) -> str:
    """The key of a commune's office hours."""
    return f"{HOURS}{commune}"


def local_instant(text: str, timezone: ZoneInfo) -> dt.datetime:
    """A ``datetime-local`` form value ("2026-12-20T20:00") in the deployment's zone, as UTC."""
    value = dt.datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone)
    return value.astimezone(dt.UTC)


class Notices:
    """Reads and writes the editable texts."""

    def __init__(self, database: Database, policy: LinkPolicy):
        self.database = database
        self.policy = policy
        self.writes = 0  # counts this process's changes: a reader's cache is stale when it moved

    def check(self, text: Bilingual) -> Bilingual:
        """The text tidied, or :class:`TextRefused` (no Vietnamese, too long, a link off the official domains)."""
        vi, en = text.vi.strip(), text.en.strip()
        if not vi:
            raise TextRefused(N_("The Vietnamese text is required."))
        if len(vi) > MAX_CHARS or len(en) > MAX_CHARS:
            raise TextRefused(N_("A text has at most 1000 characters."))
        links = tuple(self.policy.offending([*self.policy.urls_in(vi), *self.policy.urls_in(en)]))
        if links:
            raise TextRefused(N_("Links must point to an official domain."), links)
        return Bilingual(vi, en)

    def set_notice(
        self, text: Bilingual, starts_at: dt.datetime, ends_at: dt.datetime, actor: str, now: dt.datetime
    ) -> None:
        """Show ``text`` at the start of conversations from ``starts_at`` until ``ends_at``."""
        if ends_at <= starts_at:
            raise TextRefused(N_("The end must come after the start."))
        self._put(NOTICE, self.check(text), actor, now, starts_at, ends_at)

    def set_welcome(self, text: Bilingual, actor: str, now: dt.datetime) -> None:
        """Greet new conversations with ``text`` instead of the built-in greeting."""
        self._put(WELCOME, self.check(text), actor, now)

    def set_hours(self, commune: str, text: Bilingual, actor: str, now: dt.datetime) -> None:
        """A commune's office hours."""
        self._put(hours_key(commune), self.check(text), actor, now)

    def clear(self, key: str) -> bool:
        """Remove a text (the bot's own greeting, no notice, no hours); whether there was one."""
        with self.database.session() as session:
            row = session.get(ConsoleText, key)
            if row is None:
                return False
            session.delete(row)
        self.writes += 1
        return True

    def _put(
        self,
        key: str,
        text: Bilingual,
        actor: str,
        now: dt.datetime,
        starts_at: dt.datetime | None = None,
        ends_at: dt.datetime | None = None,
    ) -> None:
        with self.database.session() as session:
            row = session.get(ConsoleText, key) or ConsoleText(key=key, updated_at=now, updated_by=actor)
            row.vi, row.en, row.starts_at, row.ends_at = text.vi, text.en, starts_at, ends_at
            row.updated_at, row.updated_by = now, actor[:64]
            session.add(row)
        self.writes += 1

    def get(self, key: str) -> ConsoleText | None:
        """One stored text."""
        with self.database.reader() as session:
            return session.get(ConsoleText, key)

    def hours(self) -> list[ConsoleText]:
        """Every commune's office hours, by code."""
        with self.database.reader() as session:
            statement = select(ConsoleText).where(col(ConsoleText.key).startswith(HOURS)).order_by(ConsoleText.key)
            return list(session.exec(statement).all())


class Board:
    """What the conversation shows from the console: read-only, times from the caller's clock.

    Every new conversation shows the notice and the welcome text, so both are kept for
    ``refresh`` (by the messages' clock) instead of read for each one; a change made through
    this process's :class:`Notices` shows at once, one made by another process within ``refresh``.
    """

    def __init__(self, notices: Notices, refresh: dt.timedelta = BOARD_REFRESH):
        self.notices = notices
        self.refresh = refresh
        self._kept: dict[str, ConsoleText | None] = {}
        self._read_at: dt.datetime | None = None
        self._writes = notices.writes

    def _text(self, key: str, now: dt.datetime) -> ConsoleText | None:
        """One stored text, read again when the kept ones are older than ``refresh`` or were changed."""
        stale = self._read_at is None or not self._read_at <= now < self._read_at + self.refresh
        if stale or self._writes != self.notices.writes:
            self._kept, self._read_at, self._writes = {}, now, self.notices.writes
        if key not in self._kept:
            self._kept[key] = self.notices.get(key)
        return self._kept[key]

    def notice(self, now: dt.datetime, locale: str) -> str | None:
        """The notice while it runs (start included, end excluded), else None."""
        row = self._text(NOTICE, now)
        if row is None or row.starts_at is None or row.ends_at is None:
            return None
        if not as_utc(row.starts_at) <= now < as_utc(row.ends_at):
            return None
        return Bilingual(row.vi, row.en).get(locale)

    def welcome(self, now: dt.datetime, locale: str) -> str | None:
        """The officers' welcome text, or None for the bot's own greeting."""
        row = self._text(WELCOME, now)
        return Bilingual(row.vi, row.en).get(locale) if row is not None else None

    def hours(self, commune: str | None, locale: str) -> str | None:
        """A commune's office hours, when an officer set them."""
        row = self.notices.get(hours_key(commune)) if commune else None
        return Bilingual(row.vi, row.en).get(locale) if row is not None else None


__all__ = ["Bilingual", "Board", "HOURS", "NOTICE", "Notices", "TextRefused", "WELCOME", "hours_key", "local_instant"]

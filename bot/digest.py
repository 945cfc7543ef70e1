"""The weekly admin digest: last week's figures and the catalog entries due for a re-check.

Written to the outbox for every configured admin of a channel this deployment serves (the
courier of that channel delivers it, retrying like any reply). Admins are configured by
platform user id, and on both Telegram and Zalo a private chat with a user is addressed by
that id.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.i18n import Languages, Translator
from bot.live import LiveCatalog
from bot.messages import Address, Reply
from bot.outbox import Outbox
from bot.privacy import hash_user
from bot.report_text import to_table
from bot.stats import Period, collect
from bot.storage import Database

log = logging.getLogger(__name__)
MAX_STALE_LISTED = 15


@dataclass
class Digest:
    """Builds and sends the weekly digest."""

    database: Database
    live: LiveCatalog
    admins: frozenset[tuple[str, str]]
    outbox: Outbox
    channels: Collection[str]  # the channels this deployment serves
    salt: str
    languages: Languages
    timezone: ZoneInfo
    stale_days: int

    def stale_lines(self, tr: Translator, today: dt.date) -> list[str]:
        """The entries whose facts were last checked too long ago."""
        stale = self.live.current.catalog.stale(today, self.stale_days)
        if not stale:
            return [tr.gettext("Every catalog entry was checked within the last {n} days.").format(n=self.stale_days)]
        lines = [tr.gettext("Entries to re-check (last verified over {n} days ago):").format(n=self.stale_days)]
        lines += [f"• {entry.id} — {tr.date(entry.last_verified)}" for entry in stale[:MAX_STALE_LISTED]]
        if len(stale) > MAX_STALE_LISTED:
            lines.append(tr.gettext("… and {n} more.").format(n=len(stale) - MAX_STALE_LISTED))
        return lines

    def build(self, now: dt.datetime, tr: Translator) -> list[Reply]:
        """The digest for the seven days before ``now``."""
        today = now.astimezone(self.timezone).date()
        period = Period(today - dt.timedelta(days=7), today - dt.timedelta(days=1))
        report = collect(self.database, period, self.timezone)
        names = {entry.id: entry.name.get(tr.locale) for entry in self.live.current.catalog}
        head = tr.gettext("Weekly digest")
        return [Reply(f"{head}\n{to_table(report, tr, names)}"), Reply("\n".join(self.stale_lines(tr, today)))]

    def send(self, now: dt.datetime) -> None:
        """Write the digest to the outbox of every admin on a served channel."""
        tr = self.languages.get(None)
        replies = self.build(now, tr)
        version = self.live.current.catalog.version
        queued = 0
        for channel, user_id in sorted(self.admins):
            if channel not in self.channels:
                continue
            address = Address(channel, user_id, user_id)
            self.outbox.enqueue(address, replies, hash_user(self.salt, channel, user_id), version, now)
            queued += 1
        log.info("weekly digest queued for %s admin(s)", queued)

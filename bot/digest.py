"""The weekly admin digest: last week's figures and the catalog entries due for a re-check.

Sent by the scheduler to every configured admin on a channel running in this process.
Admins are configured by platform user id, and on both Telegram and Zalo a private chat
with a user is addressed by that id.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.i18n import Languages, Translator
from bot.live import LiveCatalog
from bot.messages import Address, Outbox, Reply
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
    outboxes: Mapping[str, Outbox]
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
        """Deliver the digest to every admin reachable from this process."""
        tr = self.languages.get(None)
        replies = self.build(now, tr)
        delivered = 0
        for channel, user_id in sorted(self.admins):
            outbox = self.outboxes.get(channel)
            if outbox is None:
                continue
            try:
                if outbox.deliver(Address(channel, user_id, user_id), replies):
                    delivered += 1
            except Exception:  # one unreachable admin must not stop the others
                log.exception("digest to %s:%s failed", channel, user_id)
        log.info("weekly digest delivered to %s admin(s)", delivered)

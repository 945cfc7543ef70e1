"""The weekly admin digest: last week's figures, the entries due for a re-check, the catalog audit.

Written to the outbox for every configured admin of a channel this deployment serves (the
courier of that channel delivers it, retrying like any reply). Admins are configured by
platform user id, and on both Telegram and Zalo a private chat with a user is addressed by
that id. The audit section counts what :mod:`procedures.audit` finds in the served catalog and
the bot's own citizen texts (:func:`citizen_texts`, also used by ``dvcbot catalog audit``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.messages.pofile import read_po

from bot.conversation.contacts import DEFAULT_DESK, DEFAULT_TEAM
from bot.conversation.live import LiveCatalog
from bot.i18n import LOCALES_DIR, Languages, Translator
from bot.messages import Address, Reply
from bot.stats.queries import Period, collect
from bot.stats.text import to_table
from bot.storage.database import Database
from bot.storage.outbox import Outbox
from bot.storage.privacy import hash_user
from procedures import audit
from procedures.loader import LISTING_FILE, iter_listing, load_yaml

log = logging.getLogger(__name__)
MAX_STALE_LISTED = 15
ROOT = Path(__file__).resolve().parents[2]
# Contacts templates and examples an operator copies (in a source checkout).
CONTACT_TEMPLATES = ("contacts*.y*ml", "docs/contacts*.y*ml", "bot/contacts*.y*ml", "examples/contacts*.y*ml")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def citizen_texts(
    locales: Path = LOCALES_DIR, contacts_file: Path | None = None, root: Path = ROOT
) -> list[tuple[str, str]]:
    """The bot's own texts a citizen can read: messages (both languages), contact advice and templates.

    Each text comes as (where, text); ``where`` names the file and the message so that an audit
    exception can name it.
    """
    texts: list[tuple[str, str]] = []
    for path in sorted(locales.glob("*/LC_MESSAGES/*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle)
        name = path.relative_to(locales.parent.parent) if path.is_relative_to(locales.parent.parent) else path
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            texts += [(f"{name}: {ids[0][:60]}", text) for text in (*ids, *strings) if text]
    for label, value in (("DEFAULT_DESK", DEFAULT_DESK), ("DEFAULT_TEAM", DEFAULT_TEAM)):
        where = f"bot/conversation/contacts.py: {label}"
        texts += [(where, value.vi), (where, value.en)]
    files = sorted({path for pattern in CONTACT_TEMPLATES for path in root.glob(pattern)})
    files += [contacts_file] if contacts_file is not None and contacts_file.exists() else []
    for path in files:
        where = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        texts += [(where, text) for text in _strings(load_yaml(path.read_text(encoding="utf-8")))]
    return texts


def audit_lines(report: audit.Report, tr: Translator) -> list[str]:
    """The audit section: findings per kind, accepted exceptions, and what cards already handle."""
    counts, excepted = report.counts(), report.excepted_counts()
    lines = [
        tr.gettext("Catalog audit ({date}): {n} finding(s).").format(date=tr.date(report.today), n=len(report.findings))
    ]
    for kind in audit.Kind:
        extra = tr.gettext(" (+{n} accepted exception(s))").format(n=excepted[kind]) if excepted[kind] else ""
        lines.append(f"• {tr.gettext(audit.LABELS[kind])}: {counts[kind]}{extra}")
    handled = ", ".join(f"{tr.gettext(label)}: {report.handled[key]}" for key, label in audit.HANDLED.items())
    lines.append(tr.gettext("Already handled on the cards: {handled}.").format(handled=handled))
    if report.findings:
        lines.append(tr.gettext("Details: dvcbot catalog audit"))
    return lines


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
    contacts_file: Path | None = None  # the operator's contacts, scanned by the audit
    listing_file: Path = LISTING_FILE  # the national records curated facts are checked against

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
        names = self.live.current.catalog.names(tr.locale)
        head = tr.gettext("Weekly digest")
        return [
            Reply(f"{head}\n{to_table(report, tr, names)}"),
            Reply("\n".join(self.stale_lines(tr, today))),
            Reply("\n".join(audit_lines(self.audit(today), tr))),
        ]

    def audit(self, today: dt.date) -> audit.Report:
        """The catalog audit of the served catalog and the bot's texts on ``today``."""
        catalog = self.live.current.catalog
        records = {card.code: card for card in iter_listing(self.listing_file)} | dict(catalog.listing)
        texts = citizen_texts(contacts_file=self.contacts_file)
        return audit.run_audit(catalog.listing.values(), catalog, texts, today, records)

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

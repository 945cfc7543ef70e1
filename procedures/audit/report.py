"""The whole audit: the listing cards, the curated entries and the bot's texts, with the accepted exceptions.

:func:`run_audit` collects the findings of :mod:`~procedures.audit.cards`,
:mod:`~procedures.audit.entries` and :mod:`~procedures.audit.texts` into a :class:`Report`;
a finding listed in ``procedures/data/audit_exceptions.yaml`` (at most five per kind, each with
its reason) is reported apart, as excepted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from procedures.audit.cards import audit_listing
from procedures.audit.entries import audit_entry
from procedures.audit.findings import HANDLED, Finding, Kind
from procedures.audit.texts import audit_texts
from procedures.loader import PACKAGE_DIR, load_yaml
from procedures.models import ListingEntry, Procedure

EXCEPTIONS_FILE = PACKAGE_DIR / "data" / "audit_exceptions.yaml"
MAX_EXCEPTIONS_PER_KIND = 5


@dataclass(frozen=True)
class AuditException:
    """A finding accepted for now: the record and why no source settles it."""

    kind: Kind
    subject: str
    reason: str


@dataclass
class Report:
    """The findings, those excepted, and the counts of what cards already handle."""

    today: dt.date
    findings: list[Finding] = field(default_factory=list)
    excepted: list[tuple[Finding, AuditException]] = field(default_factory=list)
    handled: Counter[str] = field(default_factory=Counter)
    unused: list[AuditException] = field(default_factory=list)  # exceptions that matched nothing

    def counts(self) -> dict[str, int]:
        """Findings per kind (every kind, zeros included)."""
        counted = Counter(finding.kind for finding in self.findings)
        return {kind.value: counted[kind] for kind in Kind}

    def excepted_counts(self) -> dict[str, int]:
        """Excepted findings per kind."""
        counted = Counter(finding.kind for finding, _ in self.excepted)
        return {kind.value: counted[kind] for kind in Kind}

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data (``--json``)."""

        def finding(item: Finding) -> dict[str, str]:
            return {"kind": item.kind.value, "source": item.source, "subject": item.subject, "detail": item.detail}

        return {
            "today": self.today.isoformat(),
            "counts": self.counts(),
            "excepted_counts": self.excepted_counts(),
            "handled": {key: self.handled[key] for key in HANDLED},
            "findings": [finding(item) for item in self.findings],
            "excepted": [finding(item) | {"reason": why.reason} for item, why in self.excepted],
            "unused_exceptions": [{"kind": item.kind.value, "subject": item.subject} for item in self.unused],
        }


def load_exceptions(path: Path = EXCEPTIONS_FILE) -> list[AuditException]:
    """The accepted exceptions; more than five of one kind is an error."""
    if not path.exists():
        return []
    items = [
        AuditException(Kind(str(item["kind"])), str(item["subject"]), str(item["reason"]))
        for item in load_yaml(path.read_text(encoding="utf-8")) or []
    ]
    per_kind = Counter(item.kind for item in items)
    crowded = [kind.value for kind, count in per_kind.items() if count > MAX_EXCEPTIONS_PER_KIND]
    if crowded:
        raise ValueError(f"more than {MAX_EXCEPTIONS_PER_KIND} audit exceptions for: {', '.join(crowded)}")
    if any(not item.reason.strip() for item in items):
        raise ValueError("every audit exception needs a reason")
    return items


def run_audit(
    listing: Iterable[ListingEntry],
    entries: Iterable[Procedure],
    texts: Iterable[tuple[str, str]],
    today: dt.date,
    records: Mapping[str, ListingEntry] | None = None,
    exceptions: Iterable[AuditException] | None = None,
) -> Report:
    """Audit the served listing cards, the curated entries and the bot's texts.

    ``records`` are all national cards by code (curated codes included) for cross-checking
    curated facts with their records; by default the served listing.
    """
    cards = list(listing)
    report = Report(today)
    findings = audit_listing(cards, report.handled)
    by_code = dict(records) if records is not None else {card.code: card for card in cards}
    findings += [finding for entry in entries for finding in audit_entry(entry, today, by_code)]
    findings += audit_texts(texts)
    accepted = list(load_exceptions() if exceptions is None else exceptions)
    used: set[AuditException] = set()
    for finding in findings:
        match = next((item for item in accepted if (item.kind, item.subject) == (finding.kind, finding.subject)), None)
        if match is None:
            report.findings.append(finding)
        else:
            report.excepted.append((finding, match))
            used.add(match)
    report.unused = [item for item in accepted if item not in used]
    return report

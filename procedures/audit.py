"""The catalog audit: what the catalog tells citizens that is out of date, unsupported or contradicted.

``dvcbot catalog audit`` and the weekly admin digest run :func:`run_audit` over the national
listing cards, the curated entries and the bot's own citizen texts, and count each kind of
finding:

* ``abolished_office`` -- an office that no longer exists (the district level, gone since
  1 July 2025) named without a successor or a notice;
* ``free_vs_fee`` -- "free" where the record's own text names a fee or who sets it;
* ``unparsed_fee`` -- money written in a form the reader does not understand, or a fee that
  says nothing a citizen can use;
* ``time_unit`` -- a processing time shown without a unit as if it were complete;
* ``time_cases`` -- one processing time shown where the record lists several;
* ``repealed_code`` -- a repealed national code served as current;
* ``fact_without_source`` -- a curated fact (documents, agency, each fee and time) with no
  evidence;
* ``secondary_source`` -- a fact whose only source is not official (news, law summaries);
* ``stale_date`` -- a fact or entry last checked more than 180 days before ``today``.

Listing checks compare what a card would show (the readings of :mod:`procedures.national`)
with the record's raw cells, using wider patterns than the readings, so a reader that misses
a format shows up here. What the card handles honestly (a notice shown, "a fee may apply", a
time the record gives without a unit) is counted apart, as ``handled``. Known exceptions (at
most five per kind, each naming the record and why no source settles it) are read from
``procedures/data/audit_exceptions.yaml`` and reported separately. Pure logic: no database,
no clock (``today`` is passed in).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from procedures import national
from procedures.loader import load_yaml
from procedures.models import CODE_PATTERN, ListingEntry, Procedure, Text


def N_(message: str) -> str:
    """Mark a label for extraction; the bot translates it."""
    return message


EXCEPTIONS_FILE = national.DATA_DIR / "audit_exceptions.yaml"
MAX_EXCEPTIONS_PER_KIND = 5
STALE_DAYS = 180
LEGAL_CITATION = re.compile(
    r"\b\d+(?:/\d{4})?/(?:QH|NĐ|TT|QĐ|NQ|TTLT|CT|PL|UBTVQH)"
    r"|^(?:Luật|Bộ luật|Nghị định|Thông tư|Quyết định|Nghị quyết)\b"
)
# State bodies, and the state utility EVN with its regional power corporations (for electricity bills).
OFFICIAL_HOSTS = (
    "gov.vn",
    "vbpl.vn",
    "chinhphu.vn",
    "baochinhphu.vn",
    "evn.com.vn",
    "evnhanoi.vn",
    "evnhcmc.vn",
    "evnspc.vn",
    "evncpc.vn",
    "evnnpc.vn",
)


class Kind(StrEnum):
    """The kinds of finding, in the order they are reported."""

    ABOLISHED_OFFICE = "abolished_office"
    FREE_VS_FEE = "free_vs_fee"
    UNPARSED_FEE = "unparsed_fee"
    TIME_UNIT = "time_unit"
    TIME_CASES = "time_cases"
    REPEALED_CODE = "repealed_code"
    FACT_WITHOUT_SOURCE = "fact_without_source"
    SECONDARY_SOURCE = "secondary_source"
    STALE_DATE = "stale_date"


LABELS = {
    Kind.ABOLISHED_OFFICE: N_("abolished office without successor or notice"),
    Kind.FREE_VS_FEE: N_("free where the text names a fee"),
    Kind.UNPARSED_FEE: N_("unparsed fee"),
    Kind.TIME_UNIT: N_("time without unit"),
    Kind.TIME_CASES: N_("one time of several"),
    Kind.REPEALED_CODE: N_("repealed code served as current"),
    Kind.FACT_WITHOUT_SOURCE: N_("curated fact without source"),
    Kind.SECONDARY_SOURCE: N_("secondary-only source"),
    Kind.STALE_DATE: N_("stale date"),
}
# What cards already handle honestly (counted, not findings).
HANDLED = {
    "office_successor": N_("abolished office: successor named"),
    "office_notice": N_("abolished office: plain notice"),
    "fee_may_apply": N_("fee may apply (text names a fee or who sets it)"),
    "fee_untrusted": N_("fee cell not trusted (card sends to the portal)"),
    "time_no_unit": N_("time without unit in the record (card says so)"),
    "time_cases": N_("several times shown with their cases"),
    "repealed_answered": N_("repealed code answered with its replacement"),
}


@dataclass(frozen=True)
class Finding:
    """One problem: its kind, what it concerns (a record code, an entry id, a file) and details."""

    kind: Kind
    subject: str
    detail: str
    source: str = "listing"  # "listing", "curated" or "text"


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


# ------------------------------------------------------------------------------ listing cards

# Wider than the readings: any amount-like text, any district word in an agency cell.
_DISTRICT = re.compile(r"\b(?:cấp huyện|huyện|quận|thị xã)\b", re.I)
_TIME_VALUE = re.compile(rf"(\d+(?:[.,]\d+)?)\s*({national.UNIT_PATTERN})?", re.I)


def _unparsed_money(text: str) -> list[str]:
    """Money-like spans of ``text`` that the money reader does not read."""
    read = [(match.start(), match.end()) for match in national.MONEY.finditer(text)]
    return [
        match.group(0)
        for match in national.MONEY_LIKE.finditer(text)
        if not any(start < match.end() and match.start() < end for start, end in read)
    ]


def audit_card(card: ListingEntry, repealed: Mapping[str, Any], handled: Counter[str]) -> list[Finding]:
    """The findings of one listing card, as it would be served."""
    found: list[Finding] = []

    def add(kind: Kind, detail: str) -> None:
        found.append(Finding(kind, card.code, detail))

    if card.code in repealed and not card.replaced_by:
        add(Kind.REPEALED_CODE, f"repealed, replaced by {', '.join(r.code for r in repealed[card.code])}")
    if card.replaced_by:
        handled["repealed_answered"] += 1
        return found  # the card shows only the replacement
    notice = national.office_notice(card)
    named = [name for text in national.card_texts(card) for _, name in national.abolished_in(text)]
    for cell in (card.agency, card.authority):
        if _DISTRICT.search(cell) and not national.abolished_in(cell):
            add(Kind.ABOLISHED_OFFICE, f"agency cell names a district unit no office pattern knows: {cell[:120]}")
    if named and notice is None:
        add(Kind.ABOLISHED_OFFICE, f"names {named[0]!r} without a notice")
    elif notice is not None:
        handled["office_successor" if notice.successors else "office_notice"] += 1
    for row in card.rows:
        text = national.fee_text(row)
        line = national.read_fee(row)
        mentions_fee = bool(national.MONEY_LIKE.search(text)) or bool(national.COUNCIL.search(text))
        if row.fee == national.FREE and mentions_fee and (line is None or line.kind is national.FeeKind.FREE):
            add(Kind.FREE_VS_FEE, f"cell 'Miễn phí' but the text says: {text[:120]}")
        if row.fee not in (national.FREE, national.NO_INFO, "") and national.money_cell(row.fee) is None:
            add(Kind.UNPARSED_FEE, f"fee cell {row.fee!r}")
        for money in _unparsed_money(text):
            add(Kind.UNPARSED_FEE, f"amount not read: {money!r}")
        if row.time and row.time != national.NO_INFO and national.parse_time(row.time) is None:
            add(Kind.TIME_UNIT, f"time cell not read: {row.time!r}")
    fees = national.read_fees(card)
    if any(line.kind is national.FeeKind.MAY_APPLY for line in fees):
        handled["fee_may_apply"] += 1
    if any(line.kind is national.FeeKind.UNCLEAR for line in fees):
        handled["fee_untrusted"] += 1
    times = national.read_times(card)
    values = set()
    for row in card.rows:
        match = _TIME_VALUE.fullmatch(row.time)
        if match:
            values.add((float(match.group(1).replace(",", ".")), (match.group(2) or "").lower()))
    if len(times) < len(values):
        add(Kind.TIME_CASES, f"{len(values)} times in the record, {len(times)} shown")
    elif len(times) > 1:
        handled["time_cases"] += 1
    if any(not line.unit for line in times):
        handled["time_no_unit"] += 1
    return found


def audit_listing(cards: Iterable[ListingEntry], handled: Counter[str]) -> list[Finding]:
    """Every listing card's findings, and repealed codes that are missing their replacement."""
    repealed = national.load_repealed()
    return [finding for card in cards for finding in audit_card(card, repealed, handled)]


# ------------------------------------------------------------------------------ curated entries


def source_is_primary(source: str) -> bool:
    """A national code, a legal-document citation or an official page (gov.vn, vbpl.vn, chinhphu.vn …)."""
    for token in re.split(r"[\s;,]+", source.strip()):
        if re.fullmatch(CODE_PATTERN, token.strip("()")):
            return True
        if token.startswith(("http://", "https://")):
            host = (urlsplit(token).hostname or "").lower()
            if any(host == suffix or host.endswith("." + suffix) for suffix in OFFICIAL_HOSTS):
                return True
    if source.startswith(("http://", "https://")):
        return False
    return bool(LEGAL_CITATION.search(source))


def _texts(value: Text | None) -> list[str]:
    return [] if value is None else [value.vi, value.en]


def citizen_texts(entry: Procedure) -> list[tuple[str, str]]:
    """(field, text) for every text of an entry a citizen can read."""
    items: list[tuple[str, Text | None]] = [
        ("name", entry.name),
        ("summary", entry.summary),
        ("audience", entry.audience),
        ("agency", entry.agency.name if entry.agency else None),
        ("result", entry.result),
        ("tracking", entry.tracking),
        ("preparation", entry.preparation),
    ]
    items += [(f"channels.{i}", c.name) for i, c in enumerate(entry.channels)]
    items += [(f"channels.{i}.note", c.note) for i, c in enumerate(entry.channels)]
    items += [(f"documents.{i}", d.name) for i, d in enumerate(entry.documents)]
    items += [(f"documents.{i}.condition", d.condition) for i, d in enumerate(entry.documents)]
    items += [(f"fees.{i}", f.label) for i, f in enumerate(entry.fees)] + [
        (f"fees.{i}.note", f.note) for i, f in enumerate(entry.fees)
    ]
    items += [(f"processing_time.{i}.note", d.note) for i, d in enumerate(entry.processing_time)]
    for step in entry.steps:
        items += [(f"steps.{step.id}", step.text), (f"steps.{step.id}.tip", step.tip)]
        items.append((f"steps.{step.id}.check", step.check.question if step.check else None))
    items += [(f"evidence.{item.fact}.hedge", item.hedge) for item in entry.evidence]
    return [(name, text) for name, value in items for text in _texts(value) if text]


def _record_for(entry: Procedure, fact: str, records: Mapping[str, ListingEntry]) -> ListingEntry | None:
    evidence = entry.evidence_for(fact)
    if evidence is not None and re.fullmatch(CODE_PATTERN, evidence.source.strip()):
        return records.get(evidence.source.strip())
    return records.get(entry.codes[0]) if len(entry.codes) == 1 else None


def audit_entry(entry: Procedure, today: dt.date, records: Mapping[str, ListingEntry]) -> list[Finding]:
    """The findings of one curated entry (``records``: national listing cards by code, curated or not)."""
    found: list[Finding] = []

    def add(kind: Kind, detail: str) -> None:
        found.append(Finding(kind, entry.id, detail, "curated"))

    repealed = national.load_repealed()
    for code in entry.codes:
        if code in repealed:
            add(Kind.REPEALED_CODE, f"code {code} was replaced by {', '.join(r.code for r in repealed[code])}")
    named: dict[str, str] = {}
    for where, text in citizen_texts(entry):
        for name in abolished_names(text):
            named.setdefault(where, name)
    for where, name in named.items():
        add(Kind.ABOLISHED_OFFICE, f"{where}: {name!r}")
    required = (["documents"] if entry.documents else []) + (["agency"] if entry.agency else [])
    required += [f"fees.{i}" for i in range(len(entry.fees))]
    required += [f"processing_time.{i}" for i in range(len(entry.processing_time))]
    for fact in required:
        if entry.evidence_for(fact) is None:
            add(Kind.FACT_WITHOUT_SOURCE, fact)
    for item in entry.evidence:
        if not source_is_primary(item.source):
            add(Kind.SECONDARY_SOURCE, f"{item.fact}: {item.source[:100]}")
        if (today - item.checked).days > STALE_DAYS:
            add(Kind.STALE_DATE, f"{item.fact}: checked {item.checked.isoformat()}")
    if (today - entry.last_verified).days > STALE_DAYS:
        add(Kind.STALE_DATE, f"last_verified {entry.last_verified.isoformat()}")
    for index, fee in enumerate(entry.fees):
        fact = f"fees.{index}"
        evidence = entry.evidence_for(fact)
        hedged = evidence is not None and evidence.hedge is not None
        if fee.amount_vnd is None and fee.note is None:
            add(Kind.UNPARSED_FEE, f"{fact}: no amount and no note")
        if fee.amount_vnd == 0 and not hedged:
            says, _ = national.names_a_fee(" ".join(_texts(fee.note)))
            record = _record_for(entry, fact, records)
            kinds = {line.kind for line in national.read_fees(record)} if record is not None else set()
            # Another line of the entry (a fee set elsewhere, an amount) already says what the record says.
            told = any(other.amount_vnd != 0 for other in entry.fees)
            charged = kinds & {national.FeeKind.MAY_APPLY, national.FeeKind.AMOUNT, national.FeeKind.STATED}
            if says or (charged and not told):
                add(Kind.FREE_VS_FEE, f"{fact}: free, but the note or the record names a fee")
    for index, duration in enumerate(entry.processing_time):
        fact = f"processing_time.{index}"
        evidence = entry.evidence_for(fact)
        if evidence is not None and evidence.hedge is not None:
            continue
        record = _record_for(entry, fact, records)
        lines = national.read_times(record) if record is not None else ()
        if lines and all(not line.unit for line in lines) and duration.note is None:
            add(Kind.TIME_UNIT, f"{fact}: the record {record.code if record else ''} gives no unit")
        if len(lines) > len(entry.processing_time) and duration.note is None:
            add(Kind.TIME_CASES, f"{fact}: the record lists {len(lines)} times")
    return found


# ------------------------------------------------------------------------------ the bot's own texts

# A district unit named as a place or an office in free text (Vietnamese or English).
_DISTRICT_TEXT = re.compile(
    r"\b(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Công an|Chi cục|Phòng)\s+(?:cấp\s+)?(?:quận|huyện)\b"
    r"|\b(?:quận|huyện|thị xã)\s+(?:\d+|[A-ZĐ][\wÀ-ỹ]*)"
    r"|\bdistrict(?:-level)?\s+(?:office|police|People's Committee|court|tax|social insurance)",
)
_DATED_EN = re.compile(r"no district level|no longer|former|abolished|since 1 July 2025", re.I)


def abolished_names(text: str) -> list[str]:
    """Abolished offices and district units a free text names as current (Vietnamese or English)."""
    names = [name for _, name in national.abolished_in(text)]
    for sentence in re.split(r"(?<=[.;!?])\s+|\n", text):
        if not national.DATED.search(sentence) and not _DATED_EN.search(sentence):
            names += [match.group(0) for match in _DISTRICT_TEXT.finditer(sentence)]
    return list(dict.fromkeys(names))


def audit_texts(texts: Iterable[tuple[str, str]]) -> list[Finding]:
    """Abolished offices and district units named in the bot's own citizen texts ((where, text) pairs)."""
    return [
        Finding(Kind.ABOLISHED_OFFICE, where, f"{name!r} in: {text[:100]}", "text")
        for where, text in texts
        for name in abolished_names(text)
    ]


# ------------------------------------------------------------------------------ the whole audit


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

"""The audit of the curated entries: repealed codes, abolished offices, sources, dates, fees and times.

Every fact a citizen relies on (the documents, the agency, each fee and each time) needs
evidence; evidence from a non-official source (news, law summaries) and dates checked more than
:data:`STALE_DAYS` before ``today`` are findings. A fee curated as free, or a time without a
note, is cross-checked with its national record (``records``), unless its evidence carries a
hedge for the citizen.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from procedures import national
from procedures.audit.findings import Finding, Kind
from procedures.audit.texts import abolished_names
from procedures.models import CODE_PATTERN, ListingEntry, Procedure, Text

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
        ("deadline", entry.deadline),
        ("validity", entry.validity),
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
    details = _repealed_findings(entry)
    details += _abolished_findings(entry)
    details += _source_findings(entry, today)
    details += _fee_findings(entry, records)
    details += _time_findings(entry, records)
    return [Finding(kind, entry.id, detail, "curated") for kind, detail in details]


def _repealed_findings(entry: Procedure) -> list[tuple[Kind, str]]:
    """The entry's national codes that were repealed."""
    repealed = national.load_repealed()
    return [
        (Kind.REPEALED_CODE, f"code {code} was replaced by {', '.join(r.code for r in repealed[code])}")
        for code in entry.codes
        if code in repealed
    ]


def _abolished_findings(entry: Procedure) -> list[tuple[Kind, str]]:
    """The first abolished office or district unit each citizen text names."""
    named: dict[str, str] = {}
    for where, text in citizen_texts(entry):
        for name in abolished_names(text):
            named.setdefault(where, name)
    return [(Kind.ABOLISHED_OFFICE, f"{where}: {name!r}") for where, name in named.items()]


def _source_findings(entry: Procedure, today: dt.date) -> list[tuple[Kind, str]]:
    """Facts without evidence, evidence from a secondary source only, and dates checked too long ago."""
    found: list[tuple[Kind, str]] = []
    required = (["documents"] if entry.documents else []) + (["agency"] if entry.agency else [])
    required += [f"fees.{i}" for i in range(len(entry.fees))]
    required += [f"processing_time.{i}" for i in range(len(entry.processing_time))]
    found += [(Kind.FACT_WITHOUT_SOURCE, fact) for fact in required if entry.evidence_for(fact) is None]
    for item in entry.evidence:
        if not source_is_primary(item.source):
            found.append((Kind.SECONDARY_SOURCE, f"{item.fact}: {item.source[:100]}"))
        if (today - item.checked).days > STALE_DAYS:
            found.append((Kind.STALE_DATE, f"{item.fact}: checked {item.checked.isoformat()}"))
    if (today - entry.last_verified).days > STALE_DAYS:
        found.append((Kind.STALE_DATE, f"last_verified {entry.last_verified.isoformat()}"))
    return found


def _fee_findings(entry: Procedure, records: Mapping[str, ListingEntry]) -> list[tuple[Kind, str]]:
    """Fees with nothing to show, and fees curated as free where the note or the record names a fee."""
    found: list[tuple[Kind, str]] = []
    for index, fee in enumerate(entry.fees):
        fact = f"fees.{index}"
        evidence = entry.evidence_for(fact)
        hedged = evidence is not None and evidence.hedge is not None
        if fee.amount_vnd is None and fee.note is None:
            found.append((Kind.UNPARSED_FEE, f"{fact}: no amount and no note"))
        if fee.amount_vnd == 0 and not hedged and _free_contradicted(entry, index, records):
            found.append((Kind.FREE_VS_FEE, f"{fact}: free, but the note or the record names a fee"))
    return found


def _free_contradicted(entry: Procedure, index: int, records: Mapping[str, ListingEntry]) -> bool:
    """Whether the note of a fee curated as free, or its national record, names a fee."""
    says, _ = national.names_a_fee(" ".join(_texts(entry.fees[index].note)))
    record = _record_for(entry, f"fees.{index}", records)
    kinds = {line.kind for line in national.read_fees(record)} if record is not None else set()
    # Another line of the entry (a fee set elsewhere, an amount) already says what the record says.
    told = any(other.amount_vnd != 0 for other in entry.fees)
    charged = kinds & {national.FeeKind.MAY_APPLY, national.FeeKind.AMOUNT, national.FeeKind.STATED}
    return says or bool(charged and not told)


def _time_findings(entry: Procedure, records: Mapping[str, ListingEntry]) -> list[tuple[Kind, str]]:
    """Times whose record gives no unit, or lists more times, with no note saying so (hedged times aside)."""
    found: list[tuple[Kind, str]] = []
    for index, duration in enumerate(entry.processing_time):
        fact = f"processing_time.{index}"
        evidence = entry.evidence_for(fact)
        if evidence is not None and evidence.hedge is not None:
            continue
        record = _record_for(entry, fact, records)
        lines = national.read_times(record) if record is not None else ()
        if lines and all(not line.unit for line in lines) and duration.note is None:
            found.append((Kind.TIME_UNIT, f"{fact}: the record {record.code if record else ''} gives no unit"))
        if len(lines) > len(entry.processing_time) and duration.note is None:
            found.append((Kind.TIME_CASES, f"{fact}: the record lists {len(lines)} times"))
    return found

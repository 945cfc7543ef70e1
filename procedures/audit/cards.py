"""The audit of the national listing cards, as they would be served.

A card's readings (:mod:`procedures.national`) are compared with the record's raw cells using
wider patterns than the readings, so a reader that misses a format shows up here: an agency
cell naming a district unit no office pattern knows, "free" where the text names a fee, money
or a time the readers cannot read, fewer times shown than the record lists. What the card
handles honestly (a notice shown, "a fee may apply", a time given without a unit) is counted in
``handled`` instead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from procedures import national
from procedures.audit.findings import Finding, Kind
from procedures.models import ListingEntry, ListingRow

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
    if card.code in repealed and not card.replaced_by:
        replacements = ", ".join(r.code for r in repealed[card.code])
        found.append(Finding(Kind.REPEALED_CODE, card.code, f"repealed, replaced by {replacements}"))
    if card.replaced_by:
        handled["repealed_answered"] += 1
        return found  # the card shows only the replacement
    details = _office_findings(card, handled)
    details += [item for row in card.rows for item in _row_findings(row)]
    _count_fees(card, handled)
    details += _time_findings(card, handled)
    return found + [Finding(kind, card.code, detail) for kind, detail in details]


def _office_findings(card: ListingEntry, handled: Counter[str]) -> list[tuple[Kind, str]]:
    """Abolished offices the card names without a notice (a notice shown is counted as handled)."""
    found: list[tuple[Kind, str]] = []
    notice = national.office_notice(card)
    named = [name for text in national.card_texts(card) for _, name in national.abolished_in(text)]
    for cell in (card.agency, card.authority):
        if _DISTRICT.search(cell) and not national.abolished_in(cell):
            found.append(
                (Kind.ABOLISHED_OFFICE, f"agency cell names a district unit no office pattern knows: {cell[:120]}")
            )
    if named and notice is None:
        found.append((Kind.ABOLISHED_OFFICE, f"names {named[0]!r} without a notice"))
    elif notice is not None:
        handled["office_successor" if notice.successors else "office_notice"] += 1
    return found


def _row_findings(row: ListingRow) -> list[tuple[Kind, str]]:
    """What one row of the channel table says that its readings miss or contradict."""
    found: list[tuple[Kind, str]] = []
    text = national.fee_text(row)
    line = national.read_fee(row)
    mentions_fee = bool(national.MONEY_LIKE.search(text)) or bool(national.COUNCIL.search(text))
    if row.fee == national.FREE and mentions_fee and (line is None or line.kind is national.FeeKind.FREE):
        found.append((Kind.FREE_VS_FEE, f"cell 'Miễn phí' but the text says: {text[:120]}"))
    if row.fee not in (national.FREE, national.NO_INFO, "") and national.money_cell(row.fee) is None:
        found.append((Kind.UNPARSED_FEE, f"fee cell {row.fee!r}"))
    found += [(Kind.UNPARSED_FEE, f"amount not read: {money!r}") for money in _unparsed_money(text)]
    if row.time and row.time != national.NO_INFO and national.parse_time(row.time) is None:
        found.append((Kind.TIME_UNIT, f"time cell not read: {row.time!r}"))
    return found


def _count_fees(card: ListingEntry, handled: Counter[str]) -> None:
    """Count the fees the card shows honestly as "may apply" or as not trusted."""
    fees = national.read_fees(card)
    if any(line.kind is national.FeeKind.MAY_APPLY for line in fees):
        handled["fee_may_apply"] += 1
    if any(line.kind is national.FeeKind.UNCLEAR for line in fees):
        handled["fee_untrusted"] += 1


def _time_findings(card: ListingEntry, handled: Counter[str]) -> list[tuple[Kind, str]]:
    """Fewer times shown than the record lists (several shown, or a time without a unit, are handled)."""
    found: list[tuple[Kind, str]] = []
    times = national.read_times(card)
    values = set()
    for row in card.rows:
        match = _TIME_VALUE.fullmatch(row.time)
        if match:
            values.add((float(match.group(1).replace(",", ".")), (match.group(2) or "").lower()))
    if len(times) < len(values):
        found.append((Kind.TIME_CASES, f"{len(values)} times in the record, {len(times)} shown"))
    elif len(times) > 1:
        handled["time_cases"] += 1
    if any(not line.unit for line in times):
        handled["time_no_unit"] += 1
    return found


def audit_listing(cards: Iterable[ListingEntry], handled: Counter[str]) -> list[Finding]:
    """Every listing card's findings, and repealed codes that are missing their replacement."""
    repealed = national.load_repealed()
    return [finding for card in cards for finding in audit_card(card, repealed, handled)]

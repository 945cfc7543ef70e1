"""The money and fees of a listing card: what a card can say about each fee, and never more.

:func:`read_fees` reads every fee of a card: an amount the fee cell states, amounts quoted from
the record's own words, "a fee may apply" when the cell says free but the text names a fee or
who sets it (a provincial council, a circular), or "unclear" when the cell cannot be trusted
(the portal writes "135 VNĐ" for 135.000 đồng). :func:`find_money` reads the amounts a text
writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from procedures.models import ListingEntry, ListingRow
from procedures.national.cells import FREE, shorten

MAX_QUOTE_CHARS = 170


@dataclass(frozen=True)
class Money:
    """An amount of money as a record writes it ("135.000 đồng", "200 USD")."""

    amount: float
    currency: str  # "VND" or "USD"
    text: str


# A number (thousands grouped with "." or ",", or a decimal before "triệu") and its currency.
MONEY = re.compile(
    r"(?<![\d.,])(?P<number>\d{1,3}(?:[.,]\d{3})+(?![\d])|\d+(?:[.,]\d{1,2})?(?![\d.,]\d))\s*"
    r"(?P<scale>triệu|nghìn|ngàn|tỷ)?\s*"
    r"(?P<currency>Việt Nam Đồng|đồng|VNĐ|VND|đ(?!\w)|USD|đô la Mỹ)",
    re.I,
)
# Anything that looks like money, parsed or not (the audit compares the two).
MONEY_LIKE = re.compile(r"\d[\d.,]*\s*(?:triệu|nghìn|ngàn|tỷ)?\s*(?:Việt Nam Đồng|đồng|VNĐ|VND|đ(?!\w)|USD)", re.I)
_SCALES = {"triệu": 1_000_000, "nghìn": 1_000, "ngàn": 1_000, "tỷ": 1_000_000_000}


def find_money(text: str) -> list[Money]:
    """Every amount of money written in ``text``."""
    found = []
    for match in MONEY.finditer(text):
        number, scale = match.group("number"), (match.group("scale") or "").lower()
        if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", number):
            value = float(re.sub(r"[.,]", "", number))
        else:
            value = float(number.replace(",", "."))
        value *= _SCALES.get(scale, 1)
        currency = "USD" if match.group("currency").upper() in ("USD", "ĐÔ LA MỸ") else "VND"
        found.append(Money(value, currency, match.group(0)))
    return found


def money_cell(cell: str) -> Money | None:
    """The amount of a fee cell ("60,000 Việt Nam Đồng", "10 USD"), or None."""
    match = re.fullmatch(r"(\d[\d,]*)\s*(Việt Nam Đồng|VNĐ|USD)", cell)
    if not match:
        return None
    return Money(float(match.group(1).replace(",", "")), "USD" if match.group(2) == "USD" else "VND", cell)


class FeeKind(StrEnum):
    """What a card can say about one fee."""

    FREE = "free"  # the cell says free and nothing in the text names a fee
    AMOUNT = "amount"  # the fee cell states a trustworthy amount
    STATED = "stated"  # amounts written in the record's note or description (quoted as written)
    MAY_APPLY = "may_apply"  # the cell says free or nothing, but the text names a fee or who sets it
    UNCLEAR = "unclear"  # a fee cell that cannot be trusted and no text to settle it


@dataclass(frozen=True)
class FeeLine:
    """One fee of a card."""

    kind: FeeKind
    # AMOUNT: the cell's (then, if it differs, the note's); STATED/MAY_APPLY: those in ``quote``
    amounts: tuple[Money, ...] = ()
    per: str = ""  # "/hồ sơ" after a cell amount
    quote: str = ""  # the record's own words (note or description), shortened
    set_by: str = ""  # "council" (HĐND tỉnh), "committee" (UBND tỉnh) or "law" (a fee law or circular)
    cell: str = field(default="", compare=False)  # the fee cell as written (lines that say the same merge)
    channels: tuple[str, ...] = ()
    case: str = ""
    # AMOUNT: the record's own words give other amounts than its cell, and not as a reduction for
    # a period ("Gia hạn tạm trú": cell 5.000, note "thu 7.000 đồng"): neither is said as the fee.
    differs: bool = False


# A note that gives another amount for a period ("áp dụng mức phí 400.000 đồng … đến hết ngày
# 31/12/2026"): a reduction beside the cell's full fee, not a contradiction of it.
_PERIOD = re.compile(r"đến hết|kể từ|áp dụng", re.I)
_NEGATIONS = re.compile(
    r"(?:miễn|không thu|không mất|không phải nộp|không có|không quy định|không được quy định|chưa quy định)"
    r"(?:\s+(?:lệ\s+)?phí)?[^.;]*",
    re.I,
)
_FEE_WORDS = re.compile(r"\b(?:lệ phí|phí|giá dịch vụ|mức thu|biểu phí|mức giá)\b", re.I)
COUNCIL = re.compile(r"Hội đồng nhân dân|HĐND", re.I)
_COMMITTEE = re.compile(r"(?:Ủy|Uỷ) ban nhân dân (?:cấp )?tỉnh|UBND (?:cấp )?tỉnh|do địa phương quy định", re.I)
_LAW = re.compile(
    r"(?:Thông tư|Nghị định|Luật|Quyết định)[^.;]{0,40}?\d+/\d{4}/|Luật [Pp]hí và lệ phí|pháp luật về phí"
)
# The portal's fee cell drops thousands ("135 VNĐ" for 135.000 đồng): below this it is not trusted.
MIN_TRUSTED_VND = 1_000


def fee_text(row: ListingRow) -> str:
    """The words of a row that speak about the fee: its note, and description sentences naming a fee."""
    sentences = [part for part in re.split(r"(?<=[.;])\s+", row.description) if _FEE_WORDS.search(part)]
    return " ".join(part for part in (row.fee_note, *sentences) if part)


def names_a_fee(text: str) -> tuple[bool, str]:
    """Whether ``text`` names a fee once its exemptions are set aside, and who sets it."""
    rest = _NEGATIONS.sub(" ", text)
    if COUNCIL.search(rest):
        return True, "council"
    if _COMMITTEE.search(rest):
        return True, "committee"
    if MONEY_LIKE.search(rest):
        return True, ""
    if _FEE_WORDS.search(rest) or _LAW.search(rest):
        return True, "law"
    return False, ""


def _per_unit(note: str) -> tuple[str, str]:
    """("/hồ sơ", rest) when a note opens with the cell amount's unit ("/hồ sơ (Thông tư …)")."""
    match = re.match(r"^(?:đồng|VNĐ|đ)?\s*(/\s*[^()/.;,]+?(?:/[^()/.;,]+?)*)\s*(?=\(|$|[.;,])", note, re.I)
    if not match:
        return "", note
    rest = note[match.end() :].strip(" .;,")
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1].strip()
    return re.sub(r"\s*/\s*", "/", match.group(1)).rstrip(), rest


def _amounts(found: Iterable[Money]) -> list[tuple[float, str]]:
    return [(money.amount, money.currency) for money in found]


def _rival_amounts(cell: Money, stated: tuple[Money, ...]) -> tuple[Money, ...]:
    """The note's amounts that contradict the cell's: of its currency and size (a fifth to five times).

    A transaction value ("dưới 2,1 tỷ đồng" beside a 1.800.000 fee) is no fee, and parts that add
    up to the cell ("gồm 3.000.000 … 1.500.000" of 4.500.000) explain it.
    """
    same = [money for money in stated if money.currency == cell.currency]
    if sum(money.amount for money in same) == cell.amount:
        return ()
    return tuple(
        money for money in same if cell.amount / 5 <= money.amount <= cell.amount * 5 and money.amount != cell.amount
    )


def read_fee(row: ListingRow) -> FeeLine | None:
    """What the card can say about the fee of one row (None: the record says nothing)."""
    text = fee_text(row)
    quote = shorten(text, MAX_QUOTE_CHARS).strip(" .;:-+*•")
    named, set_by = names_a_fee(text)
    stated = tuple(find_money(quote))
    if row.fee == FREE:
        if not named:
            return FeeLine(FeeKind.FREE, cell=row.fee)
        return FeeLine(FeeKind.MAY_APPLY, stated, quote=quote, set_by=set_by, cell=row.fee)
    cell = money_cell(row.fee)
    trusted = cell is not None and (cell.currency == "USD" or cell.amount >= MIN_TRUSTED_VND)
    if trusted and cell is not None and (cell.amount, cell.currency) in _amounts(stated):
        return FeeLine(FeeKind.STATED, stated, quote=quote, cell=row.fee)  # the note says it, with its case
    if trusted and cell is not None:
        per, rest = _per_unit(row.fee_note)
        others = _rival_amounts(cell, stated) if _PERIOD.search(quote) is None else ()
        differs = bool(others)
        shown = shorten(rest, MAX_QUOTE_CHARS) if rest else ""
        return FeeLine(FeeKind.AMOUNT, (cell, *others), per, shown, cell=row.fee, differs=differs)
    if stated:
        return FeeLine(FeeKind.STATED, stated, quote=quote, cell=row.fee)
    if cell is not None:
        return FeeLine(FeeKind.UNCLEAR, quote=quote if named else "", set_by=set_by, cell=row.fee)
    if named:
        return FeeLine(FeeKind.MAY_APPLY, quote=quote, set_by=set_by, cell=row.fee)
    return None


def read_fees(card: ListingEntry) -> tuple[FeeLine, ...]:
    """Every distinct fee of a card, each with its channels or case when there are several."""
    groups: dict[FeeLine, list[ListingRow]] = {}
    for row in card.rows:
        line = read_fee(row)
        if line is not None:
            groups.setdefault(line, []).append(row)
    lines = list(groups)
    if len(lines) <= 1:
        return tuple(lines)
    # Fees differ by their own words; only channels are named, when they differ.
    every = {channel for rows in groups.values() for row in rows for channel in row.channels}
    scoped = []
    for line in lines:
        channels = tuple(dict.fromkeys(channel for row in groups[line] for channel in row.channels))
        scoped.append(
            FeeLine(
                line.kind, line.amounts, line.per, line.quote, line.set_by, line.cell, channels, differs=line.differs
            )
            if set(channels) != every
            else line
        )
    return tuple(scoped)


def summarise_fee(card: ListingEntry) -> str:
    """One line for exports: "Miễn phí", "60.000 đồng/hồ sơ"; "" when it takes more than that."""
    lines = read_fees(card)
    if lines and all(line.kind is FeeKind.FREE for line in lines):
        return FREE
    if lines and all(line.kind is FeeKind.AMOUNT and not line.differs for line in lines):
        parts = []
        for line in lines:
            money = line.amounts[0]
            amount = f"{money.amount:,.0f}".replace(",", ".")
            parts.append(f"{amount} {'USD' if money.currency == 'USD' else 'đồng'}{line.per}")
        return "; ".join(dict.fromkeys(parts))
    return ""

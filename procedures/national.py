"""National portal records → listing cards, and what a card can truthfully say about them.

The portal's records (``ma_thu_tuc``, ``ten_thu_tuc``, ``cach_thuc_thuc_hien`` ...) arrive as
flattened page text. :func:`to_listing` keeps the cells a card needs as the portal wrote them
(white space trimmed, nothing rewritten): every row of the channel table (channel, time, fee,
the fee's bracketed note, the description), the agency cells and the documents.

The readings below turn those cells into what a card shows, and never print a number the
record does not support:

* :func:`read_times` -- every processing time with its unit and the case (or channel) it
  applies to; a time without a unit says so instead of guessing one.
* :func:`read_fees` -- every fee: an amount the fee cell states, amounts quoted from the
  record's own words, "a fee may apply" when the cell says free but the text names a fee or
  who sets it (a provincial council, a circular), or "unclear" when the cell cannot be trusted
  (the portal writes "135 VNĐ" for 135.000 đồng).
* :func:`office_notice` -- the abolished district-level offices a record names, with the
  successor a source names (``procedures/data/offices.yaml``).
* Repealed codes (``procedures/data/repealed.yaml``) are copied into ``replaced_by``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from procedures.loader import load_yaml
from procedures.models import Level, ListingEntry, ListingRow, Replacement

DATA_DIR = Path(__file__).resolve().parent / "data"
OFFICES_FILE = DATA_DIR / "offices.yaml"
REPEALED_FILE = DATA_DIR / "repealed.yaml"

CHANNEL_NAMES = ("Trực tuyến", "Trực tiếp", "Dịch vụ bưu chính")
NO_INFO = "Không có thông tin"
FREE = "Miễn phí"
_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
# Units as the portal writes them, longest first; values are the card's unit keys.
UNITS = {
    "ngày làm việc": "working_day",
    "ngày": "day",
    "giờ làm việc": "working_hour",
    "giờ": "hour",
    "tháng": "month",
    "năm": "year",
    "phút": "minute",
}
UNIT_PATTERN = "|".join(re.escape(unit) for unit in UNITS)
_MONEY_CELL = r"(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)\s*(?:Việt Nam Đồng|VNĐ|USD)"
_ROW_START = re.compile(rf"({'|'.join(CHANNEL_NAMES)})(?=\d|{NO_INFO})")
_TIME = re.compile(rf"{NO_INFO}|\d+(?:[.,]\d+)?\s*(?:{UNIT_PATTERN})|\d+?(?={_MONEY_CELL}|{FREE}|{NO_INFO}|\D|$)", re.I)
_FEE = re.compile(rf"{FREE}|{NO_INFO}|{_MONEY_CELL}")
_QUANTITY = re.compile(r"\d+ bản (?:chính|sao)(?:,\s*\d+ bản (?:chính|sao))*")
_LEVELS = {"Cấp xã": Level.COMMUNE, "Cấp tỉnh": Level.PROVINCE, "Cấp bộ": Level.MINISTRY, "Cơ quan khác": Level.OTHER}
MAX_DOCUMENTS = 12
MAX_DOC_CHARS = 220
MAX_CASE_CHARS = 110
MAX_QUOTE_CHARS = 170


def nfc(text: str) -> str:
    """NFC-normalise and collapse white space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


# ------------------------------------------------------------------------------ record cells


def _bracketed(text: str) -> tuple[str, str]:
    """Split "(note) rest" at the bracket that closes the first one (the whole text if unbalanced)."""
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return text[1:index].strip(), text[index + 1 :].strip()
    return text[1:].strip(), ""


def parse_rows(text: str) -> tuple[ListingRow, ...]:
    """Split the portal's flattened channel table into rows; rows differing only by channel are merged.

    A row is ``<channel><time><fee>(<fee note>)<description>``: the time is "12 Ngày làm việc",
    a bare number or "Không có thông tin"; the fee "Miễn phí", "60,000 Việt Nam Đồng", "Không có
    thông tin" or nothing. A bare time runs into a money cell ("1100 VNĐ" is time 1, fee 100 VNĐ).
    """
    body = nfc(text).replace(_HEADER, "", 1)
    starts = list(_ROW_START.finditer(body))
    merged: dict[tuple[str, str, str, str], list[str]] = {}
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(body)
        rest = body[start.end() : end]
        time = _TIME.match(rest)
        time_cell = time.group(0).strip() if time else ""
        rest = rest[time.end() :] if time else rest
        fee = _FEE.match(rest)
        fee_cell = fee.group(0).strip() if fee else ""
        rest = rest[fee.end() :] if fee else rest
        note = ""
        if fee_cell and fee_cell != NO_INFO and rest.startswith("("):
            note, rest = _bracketed(rest)
            while note.startswith("(") and not _bracketed(note)[1]:  # "((…))": one note in two brackets
                note = _bracketed(note)[0]
        key = (time_cell, fee_cell, note, rest.strip())
        channels = merged.setdefault(key, [])
        if start.group(1) not in channels:
            channels.append(start.group(1))
    return tuple(
        ListingRow(channels=tuple(channels), time=time, fee=fee, fee_note=note, description=description)
        for (time, fee, note, description), channels in merged.items()
    )


def parse_documents(text: str) -> list[str]:
    """Split the flattened document table on its quantity markers ("1 bản chính")."""
    body = nfc(text)
    body = re.sub(r"^.*?Tên giấy tờMẫu đơn, tờ khaiSố lượng", "", body, count=1)
    body = body.replace("Tên giấy tờMẫu đơn, tờ khaiSố lượng", " ")
    documents: list[str] = []
    for chunk in _QUANTITY.split(body):
        name = re.sub(r"^[-+*\s]+", "", chunk).strip(" .;:")
        name = re.sub(r"(?:Mẫu\s+)?\S+\.(?:docx?|pdf|xlsx?)\b", "", name).strip()
        if len(name) < 4 or name.startswith(("Giấy tờ phải", "Trường hợp các thông tin")):
            continue
        if name[0] in ")]};,." or name[0].islower():  # the tail of a name the table split
            continue
        if len(name) > MAX_DOC_CHARS:
            name = name[: MAX_DOC_CHARS - 1].rsplit(" ", 1)[0] + "…"
        if name not in documents:
            documents.append(name)
        if len(documents) >= MAX_DOCUMENTS:
            break
    return documents


def parse_levels(text: str) -> tuple[Level, ...]:
    """Map "Cấp bộ, Cấp tỉnh" to executing levels (the district level no longer exists)."""
    return tuple(level for name, level in _LEVELS.items() if name in nfc(text))


def _cell(record: Mapping[str, Any], key: str) -> str:
    value = nfc(str(record.get(key) or ""))
    return "" if value == NO_INFO else value


def to_listing(
    record: Mapping[str, Any], repealed: Mapping[str, tuple[Replacement, ...]] | None = None
) -> ListingEntry:
    """Convert one national portal record into a listing card (``repealed``: the shipped list by default)."""
    rows = parse_rows(str(record.get("cach_thuc_thuc_hien", "")))
    channels = tuple(dict.fromkeys(channel for row in rows for channel in row.channels))
    authority = _cell(record, "co_quan_co_tham_quyen")
    agency = _cell(record, "co_quan_thuc_hien") or authority
    code = nfc(str(record["ma_thu_tuc"]))
    card = ListingEntry(
        code=code,
        name=nfc(str(record["ten_thu_tuc"])),
        sector=nfc(str(record.get("linh_vuc", ""))),
        levels=parse_levels(str(record.get("cap_thuc_hien", ""))),
        agency=agency,
        channels=channels,
        online="Trực tuyến" in channels,
        documents=tuple(parse_documents(str(record.get("thanh_phan_ho_so", "")))),
        url=str(record["detail_url"]),
        decision=nfc(str(record.get("so_quyet_dinh", ""))),
        authority="" if authority == agency else authority,
        reception=_cell(record, "dia_chi_tiep_nhan"),
        rows=rows,
        replaced_by=(load_repealed() if repealed is None else repealed).get(code, ()),
    )
    return card.model_copy(update={"time": summarise_time(card), "fee": summarise_fee(card)})


# ------------------------------------------------------------------------------ money


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


# ------------------------------------------------------------------------------ times


@dataclass(frozen=True)
class TimeLine:
    """One processing time, the unit it is counted in, and what it applies to."""

    amount: float
    unit: str  # a value of UNITS, or "" when the record gives no unit
    cell: str  # the time cell as written ("12 Ngày làm việc", "5")
    channels: tuple[str, ...] = ()  # () = every channel
    case: str = ""  # the record's words for the case ("Trường hợp đề nghị cấp lại …")
    unit_from_text: bool = False  # the unit was read from the row's own description


def parse_time(cell: str, context: str = "") -> tuple[float, str, bool] | None:
    """(amount, unit, unit read from ``context``) of a time cell; unit "" when nowhere given."""
    match = re.fullmatch(rf"(\d+(?:[.,]\d+)?)\s*({UNIT_PATTERN})?", cell, re.I)
    if not match:
        return None
    amount = float(match.group(1).replace(",", "."))
    if match.group(2):
        return amount, UNITS[match.group(2).lower()], False
    if amount.is_integer():
        said = re.search(rf"(?<![\d.,])0*{int(amount)}\s*({UNIT_PATTERN})(?!\w)", context, re.I)
        if said:
            return amount, UNITS[said.group(1).lower()], True
    return amount, "", False


def case_label(description: str) -> str:
    """The case a row applies to, in the record's words, cut to one short line."""
    text = re.sub(r"^[-+*•\s]+", "", description).strip()
    if not text:
        return ""
    first = re.split(r"(?<=[.;:])\s", text, maxsplit=1)[0].rstrip(".;:")
    return _shorten(first if len(first) >= 20 else text, MAX_CASE_CHARS)


def _shorten(text: str, limit: int) -> str:
    """Cut at a sentence end or a word before ``limit``; never leave a bare number at the end."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = max(head.rfind(". "), head.rfind("; "))
    if cut >= limit // 2:
        return head[: cut + 1].rstrip(" ;") + " …"
    words = head.rsplit(" ", 1)[0].split(" ")
    while words and re.search(r"\d", words[-1]):
        words.pop()
    return " ".join(words).rstrip(" ,;:(") + "…"


def _labels(groups: list[list[ListingRow]]) -> list[tuple[tuple[str, ...], str]]:
    """(channels, case) telling several groups of rows apart: channels when they differ, else cases."""
    every = tuple(dict.fromkeys(channel for rows in groups for row in rows for channel in row.channels))
    channel_sets = [tuple(dict.fromkeys(channel for row in rows for channel in row.channels)) for rows in groups]
    cases = [tuple(dict.fromkeys(case_label(row.description) for row in rows)) for rows in groups]
    if len({frozenset(channels) for channels in channel_sets}) == len(groups) and len(set(sum(cases, ()))) <= 1:
        return [(channels, "") for channels in channel_sets]
    return [
        (channels if set(channels) != set(every) else (), "; ".join(case for case in group if case))
        for channels, group in zip(channel_sets, cases, strict=True)
    ]


def read_times(card: ListingEntry) -> tuple[TimeLine, ...]:
    """Every distinct processing time of a card, each with its case or channels when there are several."""
    by_value: dict[tuple[float, str], list[ListingRow]] = {}
    cells: dict[tuple[float, str], tuple[str, bool]] = {}
    for row in card.rows:
        parsed = parse_time(row.time, f"{row.description} {row.fee_note}")
        if parsed is None:
            continue
        amount, unit, from_text = parsed
        by_value.setdefault((amount, unit), []).append(row)
        cells.setdefault((amount, unit), (row.time, from_text))
    values = list(by_value)
    if len(values) == 1:
        (amount, unit), (cell, from_text) = values[0], cells[values[0]]
        return (TimeLine(amount, unit, cell, unit_from_text=from_text),)
    labels = _labels([by_value[value] for value in values])
    return tuple(
        TimeLine(amount, unit, cells[(amount, unit)][0], channels, case, cells[(amount, unit)][1])
        for (amount, unit), (channels, case) in zip(values, labels, strict=True)
    )


def summarise_time(card: ListingEntry) -> str:
    """One line for exports: "7 ngày làm việc", or each time with its case; "" without a unit."""
    names = {value: name for name, value in UNITS.items()}
    parts = []
    for line in read_times(card):
        if not line.unit:
            continue
        amount = int(line.amount) if line.amount.is_integer() else line.amount
        label = line.case or ", ".join(channel.lower() for channel in line.channels)
        parts.append(f"{amount} {names[line.unit]}" + (f" ({label})" if label else ""))
    return "; ".join(parts)


# ------------------------------------------------------------------------------ fees


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
    amounts: tuple[Money, ...] = ()  # AMOUNT: the cell's; STATED/MAY_APPLY: those in ``quote``
    per: str = ""  # "/hồ sơ" after a cell amount
    quote: str = ""  # the record's own words (note or description), shortened
    set_by: str = ""  # "council" (HĐND tỉnh), "committee" (UBND tỉnh) or "law" (a fee law or circular)
    cell: str = field(default="", compare=False)  # the fee cell as written (lines that say the same merge)
    channels: tuple[str, ...] = ()
    case: str = ""


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


def read_fee(row: ListingRow) -> FeeLine | None:
    """What the card can say about the fee of one row (None: the record says nothing)."""
    text = fee_text(row)
    quote = _shorten(text, MAX_QUOTE_CHARS).strip(" .;:-+*•")
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
        return FeeLine(FeeKind.AMOUNT, (cell,), per, _shorten(rest, MAX_QUOTE_CHARS) if rest else "", cell=row.fee)
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
            FeeLine(line.kind, line.amounts, line.per, line.quote, line.set_by, line.cell, channels)
            if set(channels) != every
            else line
        )
    return tuple(scoped)


def summarise_fee(card: ListingEntry) -> str:
    """One line for exports: "Miễn phí", "60.000 đồng/hồ sơ"; "" when it takes more than that."""
    lines = read_fees(card)
    if lines and all(line.kind is FeeKind.FREE for line in lines):
        return FREE
    if lines and all(line.kind is FeeKind.AMOUNT for line in lines):
        parts = []
        for line in lines:
            money = line.amounts[0]
            amount = f"{money.amount:,.0f}".replace(",", ".")
            parts.append(f"{amount} {'USD' if money.currency == 'USD' else 'đồng'}{line.per}")
        return "; ".join(dict.fromkeys(parts))
    return ""


# ------------------------------------------------------------------------------ abolished offices


@dataclass(frozen=True)
class Office:
    """A kind of abolished office, and where people go now when a source says so."""

    id: str
    pattern: re.Pattern[str]
    successors: tuple[str, ...] = ()  # official names, in Vietnamese
    source: str = ""
    checked: dt.date | None = None


@dataclass(frozen=True)
class OfficeNotice:
    """The abolished offices a card's record names and what the card tells people instead."""

    named: tuple[str, ...]  # as the record writes them, one per kind of office
    successors: tuple[Office, ...]  # the offices among them whose successors a source names


# History, not advice: "trước ngày 01 tháng 7 năm 2025", "Quận 1 cũ", "không còn".
DATED = re.compile(
    r"trước (?:ngày )?0?1(?:/| tháng )0?7(?:/| năm )2025|trước đây|\bcũ\b|không còn|đã giải thể|đã bãi bỏ", re.I
)


# Every pattern of offices.yaml names one of these words (a quick test before the patterns).
_DISTRICT_WORDS = re.compile(r"huyện|quận|thị xã|tư ?pháp", re.I)


@cache
def load_offices(path: Path = OFFICES_FILE) -> tuple[Office, ...]:
    """The abolished offices of ``procedures/data/offices.yaml``."""
    data = load_yaml(path.read_text(encoding="utf-8")) or []
    return tuple(
        Office(
            str(item["id"]),
            re.compile(unicodedata.normalize("NFC", str(item["pattern"])), re.I),
            tuple(str(name) for name in item.get("successors") or ()),
            str(item.get("source") or ""),
            item.get("checked"),
        )
        for item in data
    )


def abolished_in(text: str, offices: Iterable[Office] | None = None) -> list[tuple[Office, str]]:
    """Each abolished office named in ``text`` (sentences that date it as history are skipped)."""
    found: list[tuple[Office, str]] = []
    text = unicodedata.normalize("NFC", text)
    if not _DISTRICT_WORDS.search(text):
        return found
    for sentence in re.split(r"(?<=[.;!?])\s+|\n", text):
        if DATED.search(sentence):
            continue
        spans: list[tuple[int, int]] = []
        for office in load_offices() if offices is None else offices:
            for match in office.pattern.finditer(sentence):
                # A general pattern ("cơ quan … cấp huyện") does not name again what a specific one named.
                if not any(start < match.end() and match.start() < end for start, end in spans):
                    spans.append(match.span())
                    found.append((office, match.group(0)))
    return found


def card_texts(card: ListingEntry) -> list[str]:
    """Every text of a card's record that sends people somewhere: name, agency cells, documents, rows."""
    rows = [part for row in card.rows for part in (row.description, row.fee_note)]
    return [card.name, card.agency, card.authority, card.reception, *card.documents, *rows]


def office_notice(card: ListingEntry) -> OfficeNotice | None:
    """The notice a card needs when its record names an abolished office (None when it names none)."""
    found = [item for text in card_texts(card) for item in abolished_in(text)]
    if not found:
        return None
    first: dict[str, str] = {}
    for office, text in found:
        first.setdefault(office.id, text)  # one name per kind of office, as the record first writes it
    named = tuple(first.values())
    successors = tuple(dict.fromkeys(office for office, _ in found if office.successors))
    return OfficeNotice(named, successors)


# ------------------------------------------------------------------------------ repealed codes


@cache
def load_repealed(path: Path = REPEALED_FILE) -> dict[str, tuple[Replacement, ...]]:
    """Repealed code → its replacements, from ``procedures/data/repealed.yaml``."""
    data = load_yaml(path.read_text(encoding="utf-8")) or []
    return {
        str(item["code"]): tuple(Replacement.model_validate(replacement) for replacement in item["replaced_by"])
        for item in data
    }

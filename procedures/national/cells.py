"""The cells of a national portal record: its channel table, its documents, its levels.

The portal's records (``ma_thu_tuc``, ``ten_thu_tuc``, ``cach_thuc_thuc_hien`` ...) arrive as
flattened page text. The channel table is split into rows (channel, time, fee, the fee's
bracketed note, the description) and the document table into names, keeping the cells as the
portal wrote them (white space trimmed, nothing rewritten). The words the portal writes in its
cells ("Miễn phí", "Không có thông tin", the units of time) and the shortening the readings
share live here too.
"""

from __future__ import annotations

import re
import unicodedata

from procedures.models import Level, ListingRow

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


def nfc(text: str) -> str:
    """NFC-normalise and collapse white space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def shorten(text: str, limit: int) -> str:
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


_STEP_CELL = re.compile(r"[\s.]*Bước\s+\d+\s*[.:]")


def parse_documents(text: str) -> list[str]:
    """Split the flattened document table on its quantity markers ("1 bản chính").

    In a few records the crawl put the procedure's steps in the document cell ("Bước 2. Nộp hồ
    sơ …", 1.002759): that cell names no papers, so none are read from it.
    """
    body = nfc(text)
    if _STEP_CELL.match(body):
        return []
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

"""Conversion of national portal records into listing cards.

The portal's records (``ma_thu_tuc``, ``ten_thu_tuc``, ``cach_thuc_thuc_hien`` ...) arrive as
flattened page text. This module pulls out only what can be read reliably and leaves the
rest to the portal page the card links to: a fee or a time that cannot be parsed is left
empty rather than guessed, because a wrong fee harms real people.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from procedures.models import Level, ListingEntry

CHANNEL_NAMES = ("Trực tuyến", "Trực tiếp", "Dịch vụ bưu chính")
_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_UNIT = r"Ngày làm việc|Ngày|Giờ làm việc|Giờ|Tháng|Năm|Phút"
_SEGMENT = re.compile(
    r"(?P<channel>Trực tuyến|Trực tiếp|Dịch vụ bưu chính)"
    rf"(?P<amount>\d+(?:[.,]\d+)?)\s*(?P<unit>{_UNIT})?"
    r"(?P<fee>Miễn phí|Không có thông tin|(?:Lệ phí|Phí)?\s*:?\s*[\d.,]+\s*(?:VNĐ|Đồng|đồng))?"
)
_QUANTITY = re.compile(r"\d+ bản (?:chính|sao)(?:,\s*\d+ bản (?:chính|sao))*")
_LEVELS = {"Cấp xã": Level.COMMUNE, "Cấp tỉnh": Level.PROVINCE, "Cấp bộ": Level.MINISTRY, "Cơ quan khác": Level.OTHER}
_NO_INFO = "Không có thông tin"
MAX_DOCUMENTS = 12
MAX_DOC_CHARS = 220


def nfc(text: str) -> str:
    """NFC-normalise and collapse white space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def parse_channels(text: str) -> list[dict[str, str]]:
    """Split the portal's flattened channel table into rows (channel, time, fee, description)."""
    body = nfc(text).replace(_HEADER, "", 1)
    matches = list(_SEGMENT.finditer(body))
    rows = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        unit = match.group("unit") or ""
        rows.append(
            {
                "channel": match.group("channel"),
                "time": f"{match.group('amount')} {unit.lower()}".strip() if unit else "",
                "fee": (match.group("fee") or "").strip(),
                "description": body[match.end() : end].strip(),
            }
        )
    return rows


def summarise_time(rows: list[dict[str, str]]) -> str:
    """One time string: shared by all channels, or listed per channel; empty if unit-less."""
    times = {row["channel"]: row["time"] for row in rows if row["time"]}
    if not times:
        return ""
    distinct = set(times.values())
    if len(distinct) == 1:
        return distinct.pop()
    return "; ".join(f"{channel.lower()}: {value}" for channel, value in times.items())


def summarise_fee(rows: list[dict[str, str]]) -> str:
    """Fee as the portal states it, but only when the cell and the description agree.

    The portal's fee cell is unreliable (it says "Miễn phí" while the description names a
    fee, or "135 VNĐ" for 135.000 đồng), so a money amount in the description wins and an
    unreadable fee is left empty for the card to send people to the portal page.
    """
    for row in rows:
        description = row["description"]
        if re.search(r"\d[\d.]*\s*(?:đồng|VNĐ|đ\b)", description, re.I):
            return description[:240]
    fees = {row["fee"] for row in rows if row["fee"] and row["fee"] != _NO_INFO}
    if fees == {"Miễn phí"}:
        return "Miễn phí"
    return ""


def parse_documents(text: str) -> list[str]:
    """Split the flattened document table on its quantity markers ("1 bản chính")."""
    body = nfc(text)
    body = re.sub(r"^.*?Tên giấy tờMẫu đơn, tờ khaiSố lượng", "", body, count=1)
    body = body.replace("Tên giấy tờMẫu đơn, tờ khaiSố lượng", " ")
    documents: list[str] = []
    for chunk in _QUANTITY.split(body):
        name = re.sub(r"^[-+*\s]+", "", chunk).strip(" .;:")
        name = re.sub(r"\S+\.(?:docx?|pdf|xlsx?)\b", "", name).strip()
        if len(name) < 4 or name.startswith(("Giấy tờ phải", "Trường hợp các thông tin")):
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


def to_listing(record: Mapping[str, Any]) -> ListingEntry:
    """Convert one national portal record into a listing card."""
    rows = parse_channels(str(record.get("cach_thuc_thuc_hien", "")))
    channels = tuple(dict.fromkeys(row["channel"] for row in rows))
    agency = nfc(str(record.get("co_quan_thuc_hien", "")))
    if agency == _NO_INFO:
        agency = nfc(str(record.get("co_quan_co_tham_quyen", "")))
    return ListingEntry(
        code=nfc(str(record["ma_thu_tuc"])),
        name=nfc(str(record["ten_thu_tuc"])),
        sector=nfc(str(record.get("linh_vuc", ""))),
        levels=parse_levels(str(record.get("cap_thuc_hien", ""))),
        agency="" if agency == _NO_INFO else agency,
        channels=channels,
        online="Trực tuyến" in channels,
        time=summarise_time(rows),
        fee=summarise_fee(rows),
        documents=tuple(parse_documents(str(record.get("thanh_phan_ho_so", "")))),
        url=str(record["detail_url"]),
        decision=nfc(str(record.get("so_quyet_dinh", ""))),
    )

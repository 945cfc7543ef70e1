"""A national portal record → a listing card, with the repealed codes and their replacements.

:func:`to_listing` keeps the cells a card needs as the portal wrote them (see
:mod:`procedures.national.cells`) and adds the one-line time and fee summaries for exports.
Repealed codes (``procedures/data/repealed.yaml``) are copied into ``replaced_by``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from procedures.loader import PACKAGE_DIR, load_yaml
from procedures.models import ListingEntry, Replacement
from procedures.national.cells import NO_INFO, nfc, parse_documents, parse_levels, parse_rows
from procedures.national.fees import summarise_fee
from procedures.national.times import summarise_time

DATA_DIR = PACKAGE_DIR / "data"
REPEALED_FILE = DATA_DIR / "repealed.yaml"


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


@cache
def load_repealed(path: Path = REPEALED_FILE) -> dict[str, tuple[Replacement, ...]]:
    """Repealed code → its replacements, from ``procedures/data/repealed.yaml``."""
    data = load_yaml(path.read_text(encoding="utf-8")) or []
    return {
        str(item["code"]): tuple(Replacement.model_validate(replacement) for replacement in item["replaced_by"])
        for item in data
    }

"""The national portal's own formats: its procedure records and its "danh sách thủ tục" lists.

* Records (JSON lines, optionally gzipped, as in ``national-procedures.jsonl.gz``) are
  converted by :func:`procedures.national.to_listing` into a complete new national listing.
* A "danh sách thủ tục" spreadsheet (xlsx or csv, Vietnamese headers ``Mã số``, ``Tên``,
  ``Cơ quan ban hành``, ``Cơ quan thực hiện``, ``Lĩnh vực``) updates the listing: a known code
  keeps every other fact of its card (link, fee, time, papers); a new code needs a link to its
  official page. The portal addresses a procedure by an opaque id
  (``dichvucong.gov.vn/thu-tuc-hanh-chinh/<uuid>``) and the old code-based addresses are
  obsolete (``../shared/research/catalog-facts.md`` §1), so no link can be made up from a code:
  a new code without a ``Đường dẫn`` column is reported instead.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import unicodedata
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from procedures import problems as msg
from procedures.links import LinkPolicy
from procedures.models import CODE_PATTERN, ListingEntry
from procedures.national import nfc, parse_levels, to_listing
from procedures.problems import Problem, short
from procedures.tabular.provenance import Grid

MAX_UNPACKED_BYTES = 64 * 1024 * 1024
HEADER_SEARCH_ROWS = 10  # exported lists often carry a title above the header row
# Header spellings seen in portal exports, compared without accents or case.
HEADERS = {
    "code": ("ma so", "ma thu tuc", "ma tthc", "ma so thu tuc"),
    "name": ("ten", "ten thu tuc", "ten tthc"),
    "issuer": ("co quan ban hanh",),
    "agency": ("co quan thuc hien",),
    "sector": ("linh vuc",),
    "levels": ("cap thuc hien",),
    "decision": ("so quyet dinh", "quyet dinh cong bo"),
    "url": ("duong dan", "lien ket", "link", "url"),
}
REQUIRED = ("code", "name", "issuer", "agency", "sector")
SHOWN = {
    "code": "Mã số",
    "name": "Tên",
    "issuer": "Cơ quan ban hành",
    "agency": "Cơ quan thực hiện",
    "sector": "Lĩnh vực",
}
RECORD_FIELDS = ("ma_thu_tuc", "ten_thu_tuc", "detail_url")


def fold(text: str) -> str:
    """Compare-friendly header: no accents, lower case, single spaces, no trailing colon."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w\s]", " ", plain.lower()).split())


def _allowed_text(policy: LinkPolicy) -> str:
    return ", ".join(f"*.{suffix}" for suffix in policy.allowed_suffixes)


def _unpack(name: str, content: bytes) -> tuple[str | None, list[Problem]]:
    """The text of a records file, gunzipped when needed, within the unpacked size limit."""
    data = content
    if content[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(content)) as handle:
                data = handle.read(MAX_UNPACKED_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:
            detail = short(exc)
            return None, [Problem(name, None, None, None, msg.UNREADABLE_FILE, {"format": "gzip", "detail": detail})]
    if len(data) > MAX_UNPACKED_BYTES:
        params: dict[str, str | int] = {"size_kb": len(data) // 1024, "limit_kb": MAX_UNPACKED_BYTES // 1024}
        return None, [Problem(name, None, None, None, msg.FILE_TOO_LARGE, params)]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        return None, [
            Problem(name, None, None, None, msg.UNREADABLE_FILE, {"format": "JSON lines", "detail": short(exc)})
        ]


def read_records(name: str, content: bytes, policy: LinkPolicy) -> tuple[list[ListingEntry], list[Problem]]:
    """Convert the portal's records (JSON lines, optionally gzipped) into a new national listing."""
    text, problems = _unpack(name, content)
    if text is None:
        return [], problems
    cards: list[ListingEntry] = []
    first: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue

        def report(field: str | None, template: str, **params: str | int) -> None:
            problems.append(Problem(name, None, number, field, template, dict(params)))  # noqa: B023

        try:
            record: Any = json.loads(line)
        except ValueError as exc:
            report(None, msg.BAD_RECORD, detail=short(exc))
            continue
        missing = [key for key in RECORD_FIELDS if not isinstance(record, dict) or not str(record.get(key) or "")]
        if missing:
            report(missing[0] if isinstance(record, dict) else None, msg.BAD_RECORD, detail=f"no {missing[0]}")
            continue
        try:
            card = to_listing(record)
        except (ValidationError, ValueError, TypeError) as exc:
            report(None, msg.BAD_RECORD, detail=short(exc))
            continue
        if not re.match(CODE_PATTERN, card.code):
            report("ma_thu_tuc", msg.BAD_CODE, value=card.code)
        elif card.code in first:
            report("ma_thu_tuc", msg.DUPLICATE_LISTING_CODE, code=card.code, first=first[card.code])
        elif not policy.is_allowed(card.url):
            report("detail_url", msg.LINK_NOT_OFFICIAL, url=card.url, allowed=_allowed_text(policy))
        else:
            first[card.code] = number
            cards.append(card)
    if not cards and not problems:
        problems.append(Problem(name, None, None, None, msg.EMPTY_FILE))
    return sorted(cards, key=lambda card: card.code), problems


def find_header(grid: Grid) -> tuple[int, dict[str, int]] | None:
    """Position of the portal list's header row in ``grid`` and the column of each known header."""
    for position, (_, cells) in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        folded = [fold(cell) for cell in cells]
        columns = {key: folded.index(name) for key, names in HEADERS.items() for name in names if name in folded}
        if "code" in columns and "name" in columns:
            return position, columns
    return None


def read_list(
    grid: Grid,
    current: Mapping[str, ListingEntry],
    curated_codes: Iterable[str],
    policy: LinkPolicy,
) -> tuple[list[ListingEntry], list[Problem]]:
    """Read a "danh sách thủ tục" sheet into listing cards to add or update; report every bad row."""
    found = find_header(grid)
    if found is None:
        return [], [Problem(grid.source, grid.label, 1, SHOWN["code"], msg.MISSING_COLUMN, {"column": SHOWN["code"]})]
    position, columns = found
    header_number, header = grid.rows[position]
    problems = [
        Problem(grid.source, grid.label, header_number, SHOWN[key], msg.MISSING_COLUMN, {"column": SHOWN[key]})
        for key in REQUIRED
        if key not in columns
    ]
    problems += grid.fault_problems(header)
    if problems:
        return [], problems
    reading = _ListReading(grid, header, columns, current, set(curated_codes), policy)
    for number, cells in grid.rows[position + 1 :]:
        reading.read_row(number, cells)
    if not reading.first and not reading.problems:
        reading.problems.append(Problem(grid.source, grid.label, None, None, msg.EMPTY_FILE))
    return reading.cards, reading.problems


@dataclass
class _ListReading:
    """One portal list being read: its columns, and the cards, problems and first row of each code so far."""

    grid: Grid
    header: Sequence[str]
    columns: Mapping[str, int]
    current: Mapping[str, ListingEntry]
    curated: set[str]
    policy: LinkPolicy
    cards: list[ListingEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    first: dict[str, int] = field(default_factory=dict)

    def report(self, number: int, key: str, template: str, **params: str | int) -> None:
        """A problem in row ``number``, named by the column as the sheet writes it."""
        column = self.header[self.columns[key]].strip() if key in self.columns else SHOWN.get(key, key)
        self.problems.append(Problem(self.grid.source, self.grid.label, number, column, template, dict(params)))

    def read_row(self, number: int, cells: Sequence[str]) -> None:
        """Add the card of one row, or report why it cannot be used."""

        def cell(key: str) -> str:
            index = self.columns.get(key)
            return nfc(cells[index]) if index is not None and index < len(cells) else ""

        code, name = cell("code"), cell("name")
        if not code:
            if sum(1 for value in cells if value.strip()) > 1:  # a lone cell is a group heading
                self.report(number, "code", msg.MISSING_FIELD)
            return
        if not re.match(CODE_PATTERN, code):
            self.report(number, "code", msg.BAD_CODE, value=code)
            return
        if code in self.first:
            self.report(number, "code", msg.DUPLICATE_LISTING_CODE, code=code, first=self.first[code])
            return
        self.first[code] = number
        if not name:
            self.report(number, "name", msg.MISSING_FIELD)
            return
        url = cell("url")
        if url and not self.policy.is_allowed(url):
            self.report(number, "url", msg.LINK_NOT_OFFICIAL, url=url, allowed=_allowed_text(self.policy))
            return
        if code in self.curated:
            return  # a curated entry carries this code and takes precedence over any card
        facts: dict[str, object] = {"name": name, "sector": cell("sector"), "agency": cell("agency") or cell("issuer")}
        facts |= {"levels": parse_levels(cell("levels")), "decision": cell("decision"), "url": url}
        known = self.current.get(code)
        if known is not None:
            # Only what the list states replaces the card; the rest (fee, time, papers) stays.
            self.cards.append(known.model_copy(update={key: value for key, value in facts.items() if value}))
        elif not url:
            self.report(number, "url" if "url" in self.columns else "code", msg.NO_OFFICIAL_LINK, code=code)
        else:
            self.cards.append(ListingEntry.model_validate({"code": code, **facts}))


def merge(current: Iterable[ListingEntry], updates: Iterable[ListingEntry]) -> tuple[ListingEntry, ...]:
    """The listing with ``updates`` added or replacing the cards of the same code, sorted by code."""
    cards = {card.code: card for card in current}
    cards.update((card.code, card) for card in keep_aliases(cards.values(), updates))
    return tuple(sorted(cards.values(), key=lambda card: card.code))


def keep_aliases(current: Iterable[ListingEntry], updates: Iterable[ListingEntry]) -> list[ListingEntry]:
    """``updates`` with the everyday names officers gave the same codes (the portal's files have none)."""
    names = {card.code: card.aliases for card in current if card.aliases}
    return [
        card.model_copy(update={"aliases": names[card.code]}) if card.code in names and not card.aliases else card
        for card in updates
    ]

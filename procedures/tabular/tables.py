"""The tabular form of the curated catalog: entries to named tables and back, with provenance.

Export lays every entry out over the tables of :mod:`procedures.tabular.columns` (one ``procedures``
row per entry, child rows keyed by ``entry_id`` in order). Import turns rows back into
:class:`~procedures.models.Procedure` objects and remembers, for every entry, which file,
sheet and row each of its parts came from, so that a pydantic error or a validator issue
such as ``steps[3].url`` can be reported as "file X, sheet steps, row 17, column url".

The round trip is lossless: exporting and reading back gives equal models. The everyday names of
national listing cards ride along in the ``aliases`` table (:mod:`procedures.tabular.cards`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from procedures import problems as msg
from procedures.models import ListingEntry, Procedure, Text
from procedures.problems import Problem
from procedures.tabular.cards import card_rows, is_card_row, read_card_names
from procedures.tabular.columns import CHILD_FIELDS, TABLES, Table
from procedures.tabular.provenance import EntryOrigins, Grid, Location, ModelPath, Origin, Row, locate, table_at

Value = str | int | float | dt.date | None
_LIST_FIELDS = ("codes", "partial_codes", "legal_basis", "sources", "unverified", "keywords", "examples")
_OPTIONAL_TEXTS = ("audience", "result", "tracking", "deadline", "validity", "preparation")
_GROUPED_NUMBER = re.compile(r"\d{1,3}(?:[., \u00a0]\d{3})+")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


# ---------------------------------------------------------------------------------- export


def _pair(base: str, text: Text | None) -> dict[str, Value]:
    return {f"{base}_vi": text.vi if text else None, f"{base}_en": (text.en or None) if text else None}


def _lines(values: Iterable[str]) -> str | None:
    return "\n".join(values) or None


def _number(value: float) -> int | float:
    """Whole numbers are written without ``.0`` so that a spreadsheet shows ``3``, not ``3.0``."""
    return int(value) if float(value).is_integer() else value


def entry_rows(entry: Procedure) -> dict[str, list[dict[str, Value]]]:
    """Lay one entry out as rows of every table."""
    main: dict[str, Value] = {"id": entry.id, "kind": entry.kind.value, "codes": _lines(entry.codes)}
    main["partial_codes"] = _lines(entry.partial_codes)
    main |= _pair("sector", entry.sector) | _pair("name", entry.name) | _pair("summary", entry.summary)
    main |= _pair("audience", entry.audience)
    main["online_level"] = entry.online_level.value if entry.online_level else None
    main["agency_levels"] = _lines(level.value for level in entry.agency.levels) if entry.agency else None
    main |= _pair("agency", entry.agency.name if entry.agency else None)
    main["legal_basis"] = _lines(entry.legal_basis)
    main |= _pair("result", entry.result) | _pair("tracking", entry.tracking) | _pair("preparation", entry.preparation)
    main |= _pair("deadline", entry.deadline) | _pair("validity", entry.validity)
    main |= {"source_url": entry.source_url, "sources": _lines(entry.sources), "last_verified": entry.last_verified}
    main |= {name: _lines(getattr(entry, name)) for name in ("unverified", "keywords", "examples")}
    key: dict[str, Value] = {"entry_id": entry.id}
    rows: dict[str, list[dict[str, Value]]] = {"procedures": [main]}
    rows["channels"] = [
        key | {"kind": item.kind.value, "url": item.url} | _pair("name", item.name) | _pair("note", item.note)
        for item in entry.channels
    ]
    rows["documents"] = [
        key
        | {"id": item.id, "form": item.form.value if item.form else None, "quantity": item.quantity}
        | {"template": item.template}
        | _pair("name", item.name)
        | _pair("condition", item.condition)
        for item in entry.documents
    ]
    rows["fees"] = [
        key
        | _pair("label", item.label)
        | {"amount_vnd": item.amount_vnd, "channel": item.channel.value, "valid_until": item.valid_until}
        | _pair("note", item.note)
        for item in entry.fees
    ]
    rows["times"] = [
        key
        | {"amount": _number(item.amount), "unit": item.unit.value, "channel": item.channel.value}
        | _pair("note", item.note)
        for item in entry.processing_time
    ]
    rows["steps"] = [
        key
        | {"id": step.id}
        | _pair("text", step.text)
        | _pair("tip", step.tip)
        | _pair("question", step.check.question if step.check else None)
        | {"if_yes": step.check.if_yes if step.check else None, "if_no": step.check.if_no if step.check else None}
        | {"next": step.next, "url": step.url, "waits": "x" if step.waits else None}
        for step in entry.steps
    ]
    rows["evidence"] = [
        key
        | {"fact": item.fact, "source": item.source, "checked": item.checked, "note": item.note or None}
        | _pair("hedge", item.hedge)
        for item in entry.evidence
    ]
    rows["aliases"] = [key | {"lang": "vi", "alias": alias} for alias in entry.aliases]
    rows["aliases"] += [key | {"lang": "en", "alias": alias} for alias in entry.aliases_en]
    return rows


def to_tables(entries: Iterable[Procedure], listing: Iterable[ListingEntry] = ()) -> dict[str, list[dict[str, Value]]]:
    """Lay a whole curated catalog out as tables, child rows grouped by entry in entry order.

    The everyday names of ``listing``'s cards follow the entries' own in the ``aliases`` table.
    """
    tables: dict[str, list[dict[str, Value]]] = {table.name: [] for table in TABLES}
    for entry in entries:
        for name, rows in entry_rows(entry).items():
            tables[name].extend(rows)
    named: list[dict[str, Value]] = [{key: value for key, value in row.items()} for row in card_rows(listing)]
    tables["aliases"].extend(named)
    return tables


def cell_text(value: object) -> str:
    """A cell value as the text the importer works on (numbers without ``.0``, dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(_number(value))
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


# ---------------------------------------------------------------------------------- reading


def sheet_rows(
    table: Table, source: str, label: str, header: Sequence[str], rows: Iterable[tuple[int, Sequence[str]]]
) -> tuple[list[Row], list[Problem]]:
    """Turn a header and numbered rows of text into :class:`Row` objects; report missing columns.

    Unknown columns are ignored (officers add their own notes columns); every column of the
    template is required, because a missing ``tip_en`` column would silently drop all tips.
    """
    positions = {name.strip().lower(): index for index, name in enumerate(header) if name and name.strip()}
    problems = [
        Problem(source, label, 1, column.name, msg.MISSING_COLUMN, {"column": column.name})
        for column in table.columns
        if column.name not in positions and not column.optional
    ]
    result: list[Row] = []
    for number, values in rows:
        cells = {
            column: cell_text(values[positions[column]])
            for column in table.names
            if column in positions and positions[column] < len(values)
        }
        if any(cells.values()):
            result.append(Row(Origin(source, label, number), cells))
    return result, problems


def grid_rows(table: Table, grid: Grid) -> tuple[list[Row], list[Problem]]:
    """Rows of one table read from an uploaded sheet (its first non-empty row is the header)."""
    if not grid.rows:
        columns = ", ".join(table.names)
        return [], [Problem(grid.source, grid.label, 1, None, msg.MISSING_COLUMN, {"column": columns})]
    (_, header), *body = grid.rows
    rows, problems = sheet_rows(table, grid.source, grid.label, header, body)
    return rows, problems + grid.fault_problems(header)


def current_rows(entries: Iterable[Procedure], listing: Iterable[ListingEntry] = ()) -> dict[str, list[Row]]:
    """The catalog being served, as rows (used as the base of a partial, single-table update)."""
    result: dict[str, list[Row]] = {}
    for name, rows in to_tables(entries, listing).items():
        result[name] = [
            Row(Origin("", name, None), {key: cell_text(value) for key, value in row.items()}) for row in rows
        ]
    return result


def row_key(table: str, row: Row) -> str:
    """The entry id a row belongs to (the card's code for a listing card's everyday name)."""
    if table == "aliases" and is_card_row(row) and not row.get("entry_id"):
        return row.get("code")
    return row.get("id" if table == "procedures" else "entry_id")


def replace_rows(base: Mapping[str, list[Row]], table: str, rows: Sequence[Row]) -> dict[str, list[Row]]:
    """Replace ``table``'s rows of the entries that ``rows`` mention; leave everything else alone."""
    merged = dict(base)
    old = base.get(table, [])
    if table == "procedures":
        # Keep the entries in their place: an updated entry's row replaces its old row.
        updates = {row_key(table, row): row for row in rows}
        kept = [updates.pop(row_key(table, row), row) for row in old]
        merged[table] = kept + [row for row in rows if row_key(table, row) in updates]
    else:
        # Child rows are ordered per entry, so the new rows may simply follow the others.
        ids = {row_key(table, row) for row in rows}
        merged[table] = [row for row in old if row_key(table, row) not in ids] + list(rows)
    return merged


def _text(row: Row, base: str, required: bool = False) -> dict[str, str] | None:
    vi, en = row.get(f"{base}_vi"), row.get(f"{base}_en")
    if not vi and not en:
        return {} if required else None
    # An absent "vi" makes pydantic report the missing Vietnamese text at the right column.
    return {key: value for key, value in (("vi", vi), ("en", en)) if value}


def _split(cell: str, commas: bool = False) -> list[str]:
    parts = re.split(r"[\n,;]" if commas else r"\n", cell)
    return [part.strip() for part in parts if part.strip()]


def _date(cell: str) -> str:
    """ISO form of a DD/MM/YYYY date; anything else is left for the model to judge (and quote)."""
    match = _DMY.fullmatch(cell)
    try:
        return dt.date(int(match[3]), int(match[2]), int(match[1])).isoformat() if match else cell
    except ValueError:
        return cell


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, "", [], {}):
        data[key] = value


def _main(row: Row) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in ("id", "kind", "online_level", "source_url"):
        _put(data, key, row.get(key))
    _put(data, "last_verified", _date(row.get("last_verified")))
    for key in ("sector", "name", "summary"):
        data[key] = _text(row, key, required=True)
    for key in _OPTIONAL_TEXTS:
        _put(data, key, _text(row, key))
    for key in _LIST_FIELDS:
        _put(data, key, _split(row.get(key), commas=key in ("codes", "partial_codes")))
    levels, name = _split(row.get("agency_levels"), commas=True), _text(row, "agency")
    if levels or name:
        data["agency"] = {"levels": levels} | ({"name": name} if name else {})
    return data


def _child(table: str, row: Row) -> dict[str, Any]:
    data: dict[str, Any] = {}
    simple = {
        "channels": ("kind", "url"),
        "documents": ("id", "form", "quantity", "template"),
        "fees": ("channel",),
        "times": ("amount", "unit", "channel"),
        "steps": ("id", "next", "url"),
        "evidence": ("fact", "source", "note"),
    }[table]
    for key in simple:
        _put(data, key, row.get(key))
    texts = {
        "channels": ("name", "note"),
        "documents": ("name", "condition"),
        "fees": ("label", "note"),
        "times": ("note",),
        "steps": ("text", "tip"),
        "evidence": ("hedge",),
    }[table]
    for position, key in enumerate(texts):
        value = _text(row, key, required=position == 0 and table not in ("times", "evidence"))
        if value is not None:
            data[key] = value
    if table == "fees":
        amount = row.get("amount_vnd")
        # "50.000" and "50 000" are how a Vietnamese officer writes fifty thousand đồng.
        _put(data, "amount_vnd", re.sub(r"\D", "", amount) if _GROUPED_NUMBER.fullmatch(amount) else amount)
        _put(data, "valid_until", _date(row.get("valid_until")))
    if table == "evidence":
        _put(data, "checked", _date(row.get("checked")))
    if table == "steps":
        question, if_yes, if_no = _text(row, "question"), row.get("if_yes"), row.get("if_no")
        if question is not None or if_yes or if_no:
            check: dict[str, Any] = {} if question is None else {"question": question}
            _put(check, "if_yes", if_yes)
            _put(check, "if_no", if_no)
            data["check"] = check
        if (row.get("waits") or "").strip().lower() in ("x", "true", "1", "có", "co", "yes"):
            data["waits"] = True
    return data


@dataclass(frozen=True)
class TableRead:
    """Entries built from tables, where their parts came from, and what could not be built."""

    entries: tuple[Procedure, ...]
    origins: Mapping[str, EntryOrigins]
    problems: tuple[Problem, ...]
    failed: frozenset[str]  # ids present in the tables whose entry could not be built
    card_names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # listing card code -> everyday names

    def locate(self, entry_id: str, path: ModelPath) -> Location | None:
        """Where the value at ``path`` (pydantic style, 0-based) of an entry came from."""
        origins = self.origins.get(entry_id)
        return locate(origins, path) if origins else None


def _main_rows(
    rows: Iterable[Row], problems: list[Problem]
) -> tuple[dict[str, dict[str, Any]], dict[str, EntryOrigins]]:
    """Each entry's own fields from its ``procedures`` row, and where the row is."""
    data: dict[str, dict[str, Any]] = {}
    origins: dict[str, EntryOrigins] = {}
    for row in rows:
        entry_id = row.get("id")
        if not entry_id:
            problems.append(Problem(row.origin.source, row.origin.sheet, row.origin.row, "id", msg.MISSING_FIELD))
        elif entry_id in data:
            at = row.origin
            problems.append(Problem(at.source, at.sheet, at.row, "id", msg.DUPLICATE_ID, {"entry": entry_id}))
        else:
            data[entry_id] = _main(row)
            origins[entry_id] = EntryOrigins(row.origin)
    return data, origins


def read_rows(tables: Mapping[str, Sequence[Row]], cards: Collection[str] = ()) -> TableRead:
    """Build entries from rows of every table; report every fault at its row and column.

    ``cards`` are the codes of the listing in use, the cards an ``aliases`` row may name.
    """
    problems: list[Problem] = []
    data, origins = _main_rows(tables.get("procedures", ()), problems)
    card_names = read_card_names(tables.get("aliases", ()), cards, problems)
    for table in TABLES[1:]:
        reported: set[str] = set()
        for row in tables.get(table.name, ()):
            if table.name == "aliases" and is_card_row(row):
                continue  # a listing card's name, read above
            at, entry_id = row.origin, row.get("entry_id")
            if not entry_id or entry_id not in data:
                if not entry_id or entry_id not in reported:  # a mistyped id is reported at its first row
                    reported.add(entry_id)
                    template = msg.UNKNOWN_ENTRY if entry_id else msg.MISSING_FIELD
                    problems.append(Problem(at.source, at.sheet, at.row, "entry_id", template, {"entry": entry_id}))
                continue
            item: str | dict[str, Any]
            if table.name == "aliases":
                lang = row.get("lang")
                if lang not in ("vi", "en"):
                    params: dict[str, str | int] = {"value": lang, "choices": "vi, en"}
                    template = msg.BAD_CHOICE if lang else msg.MISSING_FIELD
                    problems.append(Problem(at.source, at.sheet, at.row, "lang", template, params if lang else {}))
                    continue
                if not row.get("alias"):
                    problems.append(Problem(at.source, at.sheet, at.row, "alias", msg.MISSING_FIELD))
                    continue
                name, item = ("aliases" if lang == "vi" else "aliases_en"), row.get("alias")
            else:
                name, item = CHILD_FIELDS[table.name], _child(table.name, row)
            data[entry_id].setdefault(name, []).append(item)
            origins[entry_id].children.setdefault(name, []).append(at)
    entries: list[Procedure] = []
    failed: set[str] = set()
    for entry_id, values in data.items():
        try:
            entries.append(Procedure.model_validate(values))
        except ValidationError as exc:
            failed.add(entry_id)
            for error in exc.errors():
                path = tuple(error["loc"])
                where = locate(origins[entry_id], path)
                column = table_at(path).column(where.field or "")
                choices = column.choices if column else ()
                problems.append(
                    msg.from_error(error, where.source, where.sheet, where.row, where.field, choices, entry_id)
                )
    return TableRead(tuple(entries), origins, tuple(problems), frozenset(failed), card_names)

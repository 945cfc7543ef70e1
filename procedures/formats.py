"""One entry point for catalog files: read an upload into a validated candidate, export, template.

An officer's file (YAML, Excel, CSV, or the national portal's own formats) is applied to the
catalog being served and the *whole* result is validated, so a candidate is all-or-nothing:
when :attr:`Candidate.ok` is false the caller keeps serving the current catalog and shows the
problems, each at its file, sheet, row and column.

What a file means is decided by its name:

* ``.yaml`` / ``.yml`` -- one entry, added or replacing the entry with its id;
  a folder of them -- the whole curated set;
* ``.xlsx`` -- the whole curated set when it has a ``procedures`` sheet, or a national
  "danh sách thủ tục" list (Vietnamese headers ``Mã số``, ``Tên`` ...);
* ``.csv`` -- one table (a partial update of the entries it mentions) or a portal list;
  a folder of them -- the whole set if ``procedures.csv`` is there, else table by table;
* ``.jsonl`` / ``.jsonl.gz`` -- the portal's records: a new national listing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from procedures import portal
from procedures import problems as msg
from procedures.catalog import Catalog
from procedures.links import LinkPolicy
from procedures.loader import MAX_FILE_BYTES, dump_entry, load_yaml, nfc
from procedures.models import ListingEntry, Procedure
from procedures.problems import Problem, from_error, from_issue, short
from procedures.tabular.cards import CODE, holds_column, with_card_names
from procedures.tabular.columns import TABLES
from procedures.tabular.csvfiles import read_csv, recognise, write_tables
from procedures.tabular.provenance import Grid, Location, ModelPath, Row, dotted, parse_path
from procedures.tabular.tables import current_rows, grid_rows, read_rows, replace_rows
from procedures.tabular.workbook import MAX_UPLOAD_BYTES, read_workbook, write_workbook
from procedures.tabular.workbook import write_template as _write_template
from procedures.validation import validate_catalog

FORMATS = ("yaml", "xlsx", "csv")
Locator = Callable[[str, ModelPath], Location | None]


@dataclass(frozen=True)
class Candidate:
    """The catalog an upload would produce, and every problem found in it (empty = safe to serve)."""

    entries: tuple[Procedure, ...]
    listing: tuple[ListingEntry, ...]
    problems: tuple[Problem, ...]
    source: str

    @property
    def ok(self) -> bool:
        """True when the candidate may replace the served catalog."""
        return not self.problems

    def catalog(self) -> Catalog:
        """The candidate as a catalog (only meaningful when :attr:`ok`)."""
        return Catalog.build(self.entries, self.listing)


@dataclass
class _Parsed:
    """An input applied to the current catalog, before whole-catalog validation."""

    entries: list[Procedure]
    listing: tuple[ListingEntry, ...]
    problems: list[Problem]
    locate: Locator = lambda _entry, _path: None
    failed: frozenset[str] = frozenset()  # ids in the input that could not be built
    tabular: bool = False


def _fail(current: Catalog, *problems: Problem) -> _Parsed:
    return _Parsed(list(current.entries.values()), tuple(current.listing.values()), list(problems))


def _file_problem(name: str, template: str, **params: str | int) -> Problem:
    return Problem(name, None, None, None, template, dict(params))


def _too_large(name: str, size: int, limit: int) -> Problem:
    return _file_problem(name, msg.FILE_TOO_LARGE, size_kb=max(1, size // 1024), limit_kb=limit // 1024)


# ---------------------------------------------------------------------------------- YAML


def _yaml_entry(name: str, content: bytes) -> tuple[Procedure | None, list[Problem]]:
    if len(content) > MAX_FILE_BYTES:
        return None, [_too_large(name, len(content), MAX_FILE_BYTES)]
    try:
        data = load_yaml(content.decode("utf-8-sig"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        detail = short(getattr(exc, "problem", None) or exc)
        return None, [Problem(name, None, row, None, msg.UNREADABLE_FILE, {"format": "YAML", "detail": detail})]
    except UnicodeDecodeError as exc:
        return None, [_file_problem(name, msg.UNREADABLE_FILE, format="YAML", detail=short(exc))]
    if not isinstance(data, dict):
        return None, [_file_problem(name, msg.UNREADABLE_FILE, format="YAML", detail="not one mapping")]
    try:
        return Procedure.model_validate(nfc(data)), []
    except ValidationError as exc:
        entry = str(data.get("id", ""))
        return None, [
            from_error(e, name, None, None, dotted(tuple(e["loc"])) or None, entry=entry) for e in exc.errors()
        ]


def _yaml_file(name: str, content: bytes, current: Catalog) -> _Parsed:
    entry, problems = _yaml_entry(name, content)
    if entry is None:
        return _fail(current, *problems)
    entries = dict(current.entries) | {entry.id: entry}  # replaces in place, or appends
    return _Parsed(
        list(entries.values()),
        tuple(current.listing.values()),
        [],
        lambda entry_id, path: Location(name, None, None, dotted(path)) if entry_id == entry.id else None,
    )


def _yaml_folder(files: Sequence[Path], current: Catalog) -> _Parsed:
    entries: dict[str, Procedure] = {}
    origin: dict[str, str] = {}
    problems: list[Problem] = []
    for path in files:
        entry, found = _yaml_entry(path.name, path.read_bytes())
        problems += found
        if entry is not None and entry.id in entries:
            problems.append(Problem(path.name, None, None, "id", msg.DUPLICATE_ID, {"entry": entry.id}))
        elif entry is not None:
            entries[entry.id], origin[entry.id] = entry, path.name
    return _Parsed(
        list(entries.values()),
        tuple(current.listing.values()),
        problems,
        lambda entry_id, path: Location(origin[entry_id], None, None, dotted(path)) if entry_id in origin else None,
    )


# ---------------------------------------------------------------------------------- tables


def _from_rows(rows: Mapping[str, list[Row]], problems: list[Problem], current: Catalog) -> _Parsed:
    read = read_rows(rows, current.listing.keys())
    return _Parsed(
        list(read.entries),
        with_card_names(current.listing.values(), read.card_names),
        problems + list(read.problems),
        read.locate,
        read.failed,
        tabular=True,
    )


def _whole_set(grids: Mapping[str, Grid], source: str, current: Catalog) -> _Parsed:
    """Every table from ``grids`` (by table name); a missing sheet or column stops the import."""
    rows: dict[str, list[Row]] = {}
    problems: list[Problem] = []
    for table in TABLES:
        grid = grids.get(table.name)
        if grid is None:
            problems.append(Problem(source, table.name, None, None, msg.MISSING_SHEET, {"sheet": table.name}))
            continue
        rows[table.name], found = grid_rows(table, grid)
        problems += found
        if table.name == "aliases" and not holds_column(grid, CODE):  # a file from before cards' names were exported
            rows[table.name] += current_rows((), current.listing.values())["aliases"]  # keeps them
    if any(problem.template in (msg.MISSING_SHEET, msg.MISSING_COLUMN) for problem in problems):
        return _fail(current, *problems)
    return _from_rows(rows, problems, current)


def _partial(grids: Sequence[Grid], current: Catalog) -> _Parsed:
    """Apply single tables to the current catalog: each replaces its rows for the entries it names."""
    rows = current_rows(current.entries.values(), current.listing.values())
    problems: list[Problem] = []
    for grid in grids:
        table = recognise(grid)
        if table is None:
            problems.append(_file_problem(grid.source, msg.UNKNOWN_TABLE))
            continue
        found_rows, found = grid_rows(table, dataclasses.replace(grid, label=table.name))
        problems += found
        if not found_rows and not found:
            problems.append(Problem(grid.source, table.name, None, None, msg.EMPTY_FILE))
        rows = replace_rows(rows, table.name, found_rows)
    if any(problem.template in (msg.MISSING_COLUMN, msg.UNKNOWN_TABLE) for problem in problems):
        return _fail(current, *problems)
    return _from_rows(rows, problems, current)


def _portal_list(grid: Grid, current: Catalog, policy: LinkPolicy) -> _Parsed:
    curated = {code for entry in current.entries.values() for code in entry.codes}
    cards, problems = portal.read_list(grid, current.listing, curated, policy)
    listing = portal.merge(current.listing.values(), cards)
    return _Parsed(list(current.entries.values()), listing, problems)


def _workbook(name: str, content: bytes, current: Catalog, policy: LinkPolicy) -> _Parsed:
    grids, problems = read_workbook(name, content)
    if problems or not grids:
        return _fail(current, *(problems or [_file_problem(name, msg.NOT_A_CATALOG)]))
    by_name = {grid.label.strip().lower(): grid for grid in grids}
    if "procedures" in by_name:
        return _whole_set(by_name, name, current)
    for grid in grids:
        if portal.find_header(grid) is not None:
            return _portal_list(grid, current, policy)
    return _fail(current, _file_problem(name, msg.NOT_A_CATALOG))


def _csv_file(name: str, content: bytes, current: Catalog, policy: LinkPolicy) -> _Parsed:
    grid, problems = read_csv(name, content)
    if grid is None:
        return _fail(current, *problems)
    if recognise(grid) is None and portal.find_header(grid) is not None:
        return _portal_list(grid, current, policy)
    return _partial([grid], current)


def _csv_folder(files: Sequence[Path], current: Catalog) -> _Parsed:
    grids: list[Grid] = []
    for path in files:
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            return _fail(current, _too_large(path.name, path.stat().st_size, MAX_UPLOAD_BYTES))
        grid, problems = read_csv(path.name, path.read_bytes())
        if grid is None:
            return _fail(current, *problems)
        table = recognise(grid)
        grids.append(dataclasses.replace(grid, label=table.name) if table else grid)
    by_name = {grid.label: grid for grid in grids}
    if "procedures" in by_name:
        return _whole_set(by_name, files[0].parent.name, current)
    return _partial(grids, current)


# ---------------------------------------------------------------------------------- validation


def _code_owner(owners: list[str], parsed: _Parsed, current: Catalog) -> str:
    """The entry to blame for a shared national code: the one whose codes this upload changed."""
    new = {entry.id: entry for entry in parsed.entries}
    changed = [
        owner
        for owner in owners
        if owner in new and (owner not in current.entries or current.entries[owner].codes != new[owner].codes)
    ]
    return (changed or owners)[-1]


def _finish(source: str, parsed: _Parsed, current: Catalog, policy: LinkPolicy, required: Sequence[str]) -> Candidate:
    """Validate the whole resulting catalog and give every problem its place in the input."""
    problems = list(parsed.problems)
    needed = [entry_id for entry_id in required if entry_id not in parsed.failed]
    for issue in validate_catalog(parsed.entries, policy, needed):
        if issue.template == msg.UNKNOWN_GUIDE and issue.params.get("guide") in parsed.failed:
            continue  # that guide is in the file but broken, and already reported
        entry = issue.entry
        if issue.template == msg.DUPLICATE_CODE:
            entry = _code_owner(str(issue.params.get("entries", entry)).split(", "), parsed, current)
        where = parsed.locate(entry, parse_path(issue.where or issue.field))
        if where is None:  # not in the upload: an entry it left untouched, or a missing one
            where = Location(source, "procedures" if parsed.tabular else None, None, issue.field)
        problems.append(from_issue(issue, where.source, where.sheet, where.row, where.field))
    unique: list[Problem] = []
    cells: set[tuple[str, str | None, int | None, str | None]] = set()
    for problem in problems:
        if not problem.source:  # a row of the served catalog, kept by a partial update
            problem = dataclasses.replace(problem, source=source, row=None)
        # One problem per cell: an emptied formula cell is not also "missing", a bad value not also a bad link.
        if problem.row is not None and problem.location in cells:
            continue
        cells.add(problem.location)
        if problem not in unique:
            unique.append(problem)
    return Candidate(tuple(parsed.entries), parsed.listing, tuple(unique), source)


# ---------------------------------------------------------------------------------- public API


def _kind(name: str) -> str:
    lowered = name.lower()
    for suffix, kind in ((".jsonl.gz", "jsonl"), (".jsonl", "jsonl"), (".yaml", "yaml"), (".yml", "yaml")):
        if lowered.endswith(suffix):
            return kind
    return {".xlsx": "xlsx", ".csv": "csv"}.get(Path(lowered).suffix, "")


def read_candidate_bytes(
    name: str, content: bytes, current: Catalog, policy: LinkPolicy, required: Sequence[str] = ()
) -> Candidate:
    """Apply a file uploaded in chat (its format read off its name) to ``current`` and validate the result."""
    name = Path(name).name or "upload"
    kind = _kind(name)
    if not kind:
        parsed = _fail(current, _file_problem(name, msg.UNKNOWN_FORMAT))
    elif len(content) > MAX_UPLOAD_BYTES:
        parsed = _fail(current, _too_large(name, len(content), MAX_UPLOAD_BYTES))
    elif kind == "yaml":
        parsed = _yaml_file(name, content, current)
    elif kind == "xlsx":
        parsed = _workbook(name, content, current, policy)
    elif kind == "csv":
        parsed = _csv_file(name, content, current, policy)
    else:
        cards, problems = portal.read_records(name, content, policy)
        parsed = _Parsed(
            list(current.entries.values()), tuple(portal.keep_aliases(current.listing.values(), cards)), problems
        )
        if problems:
            parsed = _fail(current, *problems)
    return _finish(name, parsed, current, policy, required)


def read_candidate(path: Path, current: Catalog, policy: LinkPolicy, required: Sequence[str] = ()) -> Candidate:
    """Apply a file or a folder (of YAML or CSV files) to ``current`` and validate the result."""
    if not path.exists():
        missing = _file_problem(path.name, msg.UNREADABLE_FILE, format=_kind(path.name) or "?", detail="no such file")
        return _finish(path.name, _fail(current, missing), current, policy, required)
    if not path.is_dir():
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:  # refused before reading a byte of it
            parsed = _fail(current, _too_large(path.name, size, MAX_UPLOAD_BYTES))
            return _finish(path.name, parsed, current, policy, required)
        return read_candidate_bytes(path.name, path.read_bytes(), current, policy, required)
    files = sorted(item for item in path.iterdir() if item.is_file())
    yaml_files = [item for item in files if _kind(item.name) == "yaml"]
    csv_files = [item for item in files if _kind(item.name) == "csv"]
    if yaml_files:
        parsed = _yaml_folder(yaml_files, current)
    elif csv_files:
        parsed = _csv_folder(csv_files, current)
    else:
        parsed = _fail(current, _file_problem(path.name, msg.UNKNOWN_FORMAT))
    return _finish(path.name, parsed, current, policy, required)


def export_catalog(catalog: Catalog, fmt: str, dest: Path) -> list[Path]:
    """Export the curated entries as ``yaml`` (a folder, one file per entry), ``xlsx`` or ``csv`` (a folder).

    The spreadsheet formats carry the listing cards' everyday names too (the ``aliases`` table's
    ``code`` column); YAML holds curated entries only.

    For ``xlsx``, ``dest`` is the workbook's path, or a folder to write ``catalog.xlsx`` into.
    """
    entries = list(catalog.entries.values())
    if fmt == "yaml":
        dest.mkdir(parents=True, exist_ok=True)
        written = []
        for entry in entries:
            target = dest / f"{entry.id}.yaml"
            target.write_text(dump_entry(entry), encoding="utf-8")
            written.append(target)
        return written
    cards = catalog.listing.values()  # their everyday names, from the unanswered inbox
    if fmt == "xlsx":
        return [write_workbook(entries, dest if dest.suffix == ".xlsx" else dest / "catalog.xlsx", cards)]
    if fmt == "csv":
        return write_tables(entries, dest, cards)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def write_template(dest: Path) -> Path:
    """Write the blank Excel template (``dest`` is the file, or a folder to write ``mau-danh-muc.xlsx`` into)."""
    return _write_template(dest if dest.suffix == ".xlsx" else dest / "mau-danh-muc.xlsx")

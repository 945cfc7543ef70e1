"""Provenance of tabular catalog data: which file, sheet, row and column each value came from.

A validator issue names a model path (``steps[3].check.if_no``); an officer needs "file X,
sheet steps, row 17, column if_no". The readers record an :class:`Origin` for every row they
turn into a part of an entry, and :func:`locate` maps a model path back to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from procedures.problems import Problem
from procedures.tabular.columns import CHILD_FIELDS, PROCEDURES, TABLE_BY_NAME, Table

ModelPath = tuple[str | int, ...]
# Fields of a Procedure that are stored in a child table, and that table.
FIELD_TABLES = {model: table for table, model in CHILD_FIELDS.items()} | {"aliases": "aliases", "aliases_en": "aliases"}


@dataclass(frozen=True)
class Fault:
    """A cell that cannot be used as a value (a formula, an error value), with the problem it is."""

    row: int
    column: int  # 0-based position in the row
    template: str
    params: dict[str, str | int] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Grid:
    """One sheet of an uploaded file as text: numbered non-empty rows, header row included.

    A faulty cell (see :class:`Fault`) is read as empty text, so no formula ever becomes a value.
    """

    source: str  # the file name
    label: str  # the sheet's name in the file (a CSV file's table name)
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    faults: tuple[Fault, ...] = ()

    def fault_problems(self, header: Sequence[str]) -> list[Problem]:
        """Each faulty cell as a problem named by its column's header (or its letter)."""
        problems = []
        for fault in self.faults:
            name = header[fault.column].strip() if fault.column < len(header) else ""
            column = name or column_letter(fault.column)
            problems.append(Problem(self.source, self.label, fault.row, column, fault.template, dict(fault.params)))
        return problems


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column position (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Origin:
    """Where a row came from. ``source`` is empty for rows of the catalog currently served."""

    source: str
    sheet: str
    row: int | None


@dataclass(frozen=True)
class Row:
    """One data row: its origin and its cells by column name (text, stripped, NFC)."""

    origin: Origin
    cells: Mapping[str, str]

    def get(self, column: str) -> str:
        """The cell of ``column``, empty when absent."""
        return self.cells.get(column, "")


@dataclass(frozen=True)
class Location:
    """A place in an uploaded file: the location part of a :class:`~procedures.problems.Problem`."""

    source: str
    sheet: str | None
    row: int | None
    field: str | None


@dataclass
class EntryOrigins:
    """Where each part of one entry came from: its main row and its child rows, in order."""

    main: Origin
    children: dict[str, list[Origin]] = field(default_factory=dict)


def table_at(path: ModelPath) -> Table:
    """The table that holds the value at a model path."""
    head = str(path[0]) if path else ""
    if head in FIELD_TABLES and len(path) > 1:
        return TABLE_BY_NAME[FIELD_TABLES[head]]
    return PROCEDURES


def column_at(table: Table, parts: Sequence[str | int]) -> str | None:
    """The column of ``table`` holding a model sub-path (``("check", "question", "vi")`` -> ``question_vi``)."""
    words = [part for part in parts if isinstance(part, str)]
    if not words:
        return None
    name = "_".join(words)
    if name.startswith("check_"):  # a step's check.question / check.if_yes are flat columns
        name = name[len("check_") :]
    if name.startswith("agency_name"):
        name = "agency" + name[len("agency_name") :]
    # "name" alone (the whole text missing) is reported at its Vietnamese column.
    for candidate in (name, f"{name}_vi", words[0]):
        if table.column(candidate):
            return candidate
    return name


def locate(origins: EntryOrigins, path: ModelPath) -> Location:
    """Map a model path (``("steps", 2, "check", "if_no")``, 0-based) to its sheet, row and column."""
    main = origins.main
    head = str(path[0]) if path else ""
    if head in FIELD_TABLES:
        table = TABLE_BY_NAME[FIELD_TABLES[head]]
        rows = origins.children.get(head, [])
        index = path[1] if len(path) > 1 else None
        if isinstance(index, int) and index < len(rows):
            at = rows[index]
            column = "alias" if table.name == "aliases" else column_at(table, path[2:])
            return Location(at.source, at.sheet, at.row, column)
        # The table as a whole (e.g. too few steps): name its sheet, not a row.
        sheet = rows[0].sheet if rows else table.name
        return Location(main.source, sheet, None, None)
    return Location(main.source, main.sheet, main.row, column_at(PROCEDURES, path))


def parse_path(text: str) -> ModelPath:
    """Turn a validator field such as ``steps[3].check.if_no`` (1-based) into a 0-based model path."""
    path: list[str | int] = []
    for part in text.split("."):
        match = re.fullmatch(r"([A-Za-z_]+)\[(\d+)\]", part)
        if match:
            path += [match[1], int(match[2]) - 1]
        elif part:
            path.append(part)
    return tuple(path)


def dotted(path: ModelPath) -> str:
    """A model path as one readable field name (``steps[3].url``, 1-based like the validator)."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text

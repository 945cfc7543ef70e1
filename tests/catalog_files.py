"""Shared by the catalog file tests: a hostile link, the portal's link, reading a file, editing a workbook."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

from procedures.catalog import Catalog
from procedures.formats import Candidate, read_candidate
from procedures.links import LinkPolicy
from procedures.problems import Problem
from procedures.validation import required_ids

POLICY = LinkPolicy()
EVIL = "https://dichvucong.gov.vn.evil.example/dang-nhap"
PORTAL_URL = "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7"


def read(path: Path, current: Catalog) -> Candidate:
    return read_candidate(path, current, POLICY, required_ids())


def header(sheet: Any) -> list[str]:
    return [cell.value for cell in sheet[1]]


def find_row(sheet: Any, entry: str, step: str | None = None) -> int:
    """The row of an entry in a sheet (``procedures`` by id, child sheets by entry_id and id)."""
    names = header(sheet)
    key = names.index("id" if sheet.title == "procedures" else "entry_id") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, key).value != entry:
            continue
        if step is None or sheet.cell(row, names.index("id") + 1).value == step:
            return row
    raise AssertionError(f"no row for {entry} {step}")


def set_cell(sheet: Any, row: int, column: str, value: object) -> None:
    sheet.cell(row, header(sheet).index(column) + 1).value = value


# An exported workbook as openpyxl reads it, pickled: unpickling a copy to edit takes a third of
# parsing the file again (the module-scoped export is edited by a dozen tests each).
_LOADED: dict[Path, bytes] = {}


def edited(exported: Path, tmp_path: Path, edit: Callable[[Any], None]) -> Path:
    """A copy of the ``exported`` workbook changed by ``edit``, saved in ``tmp_path``."""
    if exported not in _LOADED:
        _LOADED[exported] = pickle.dumps(load_workbook(exported))
    book = pickle.loads(_LOADED[exported])
    edit(book)
    target = tmp_path / "catalog.xlsx"
    book.save(target)
    return target


def located(problem: Problem) -> tuple[str | None, int | None, str | None, str]:
    return problem.sheet, problem.row, problem.field, problem.template


def only_problem(candidate: Candidate) -> Problem:
    """The one problem of a refused candidate."""
    assert not candidate.ok
    assert len(candidate.problems) == 1, [str(problem) for problem in candidate.problems]
    return candidate.problems[0]

"""Catalog workbooks: round trips, the template, formulas kept as text, edits as a diff, each fault at its cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

from procedures import problems as msg
from procedures.catalog import Catalog
from procedures.diff import FeeChange, diff_catalogs
from procedures.formats import export_catalog, write_template
from procedures.models import Text
from procedures.tabular.workbook import INSTRUCTIONS
from tests.catalog_files import EVIL, edited, find_row, header, located, only_problem, read, set_cell


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load()


@pytest.fixture(scope="module")
def exported(shipped: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped catalog exported once to a workbook; tests copy and edit it."""
    return export_catalog(shipped, "xlsx", tmp_path_factory.mktemp("export") / "catalog.xlsx")[0]


# ---------------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", ["yaml", "xlsx", "csv"])
def test_export_then_import_gives_back_every_entry(shipped: Catalog, tmp_path: Path, fmt: str) -> None:
    written = export_catalog(shipped, fmt, tmp_path / fmt)
    candidate = read(written[0] if fmt == "xlsx" else tmp_path / fmt, shipped)
    assert candidate.ok, [str(problem) for problem in candidate.problems]
    assert len(candidate.entries) == 44
    assert list(candidate.entries) == list(shipped.entries.values())
    assert diff_catalogs(shipped, candidate.entries, candidate.listing).is_empty


def test_template_explains_every_column_and_offers_dropdowns(tmp_path: Path) -> None:
    book = load_workbook(write_template(tmp_path / "template.xlsx"))
    assert book.sheetnames == [
        INSTRUCTIONS,
        "procedures",
        "channels",
        "documents",
        "fees",
        "times",
        "steps",
        "aliases",
        "evidence",
    ]
    steps = book["steps"]
    assert header(steps)[:3] == ["entry_id", "id", "text_vi"] and steps.max_row == 1
    assert steps.freeze_panes == "A2" and steps["A1"].font.b
    explained = {(row[0], row[1]) for row in book[INSTRUCTIONS].iter_rows(values_only=True)}
    assert ("fees", "amount_vnd") in explained and ("steps", "if_no") in explained
    dropdowns = {rule.formula1 for rule in book["times"].data_validations.dataValidation}
    assert '"hour,day,working_day"' in dropdowns
    assert '"procedure,guide"' in {rule.formula1 for rule in book["procedures"].data_validations.dataValidation}


def test_text_starting_with_equals_is_exported_as_text_not_formula(shipped: Catalog, tmp_path: Path) -> None:
    entry = shipped.entries["khai-sinh"]
    odd = entry.model_copy(update={"summary": Text(vi=entry.summary.vi, en="=1+1 is not a formula here")})
    catalog = Catalog.build([odd if item.id == odd.id else item for item in shipped], shipped.listing.values())
    path = export_catalog(catalog, "xlsx", tmp_path)[0]
    sheet = load_workbook(path)["procedures"]
    cell = sheet.cell(find_row(sheet, "khai-sinh"), header(sheet).index("summary_en") + 1)
    assert cell.data_type == "s" and cell.value == "=1+1 is not a formula here"
    candidate = read(path, catalog)
    assert candidate.ok and candidate.entries == tuple(catalog.entries.values())


# ---------------------------------------------------------------------------------- edits and diff


def test_edited_fee_and_added_step_show_as_exactly_two_changes(
    shipped: Catalog, exported: Path, tmp_path: Path
) -> None:
    def edit(book: Any) -> None:
        fees = book["fees"]
        set_cell(fees, find_row(fees, "khai-sinh"), "amount_vnd", 50000)
        steps = book["steps"]
        row = steps.max_row + 1
        for column, value in {
            "entry_id": "khai-sinh",
            "id": "kiem-tra-ket-qua",
            "text_vi": "Theo dõi tình trạng hồ sơ trên Cổng Dịch vụ công.",
            "text_en": "Follow the application on the portal.",
            "next": "end",
        }.items():
            set_cell(steps, row, column, value)

    candidate = read(edited(exported, tmp_path, edit), shipped)
    assert candidate.ok, [str(problem) for problem in candidate.problems]
    diff = diff_catalogs(shipped, candidate.entries, candidate.listing)
    assert not diff.added and not diff.removed and len(diff.changed) == 1
    change = diff.changed[0]
    assert change.entry == "khai-sinh" and change.fields == ("fees", "steps")
    assert change.fees == (FeeChange("Lệ phí đăng ký khai sinh", 0, 50000),)
    assert change.steps_added == ("kiem-tra-ket-qua",) and not change.steps_changed and not change.steps_removed
    lines = diff.lines(lambda text: text)
    assert "  fee “Lệ phí đăng ký khai sinh”: 0 đ → 50.000 đ" in lines
    assert "  steps added: kiem-tra-ket-qua" in lines
    assert diff.summary(lambda text: text).startswith("1 procedures changed, 0 added, 0 removed")


# ---------------------------------------------------------------------------------- rejections


REJECTIONS: dict[str, tuple[str, str, str | None, str, object, str]] = {
    # case: (sheet, entry, step id, column, new value, expected template)
    "non-official link": ("steps", "khai-sinh", "dang-nhap", "url", EVIL, msg.LINK_NOT_OFFICIAL),
    "link inside a text": ("procedures", "khai-sinh", None, "summary_vi", "Xem tại bit.ly/abc", msg.LINK_NOT_OFFICIAL),
    "broken branch": ("steps", "khai-sinh", "co-vneid", "if_no", "khong-co", msg.UNKNOWN_STEP),
    "unknown guide": ("steps", "khai-sinh", "co-vneid", "if_no", "guide:khong-co", msg.UNKNOWN_GUIDE),
    "formula cell": ("procedures", "khai-sinh", None, "summary_en", '=HYPERLINK("https://x.example","x")', msg.FORMULA),
    "malformed fee": ("fees", "khai-sinh", None, "amount_vnd", "50k", msg.BAD_FEE),
    "negative fee": ("fees", "khai-sinh", None, "amount_vnd", -5, msg.BAD_FEE),
    "fractional fee": ("fees", "khai-sinh", None, "amount_vnd", 12.5, msg.BAD_FEE),
    "malformed time": ("times", "khai-sinh", None, "amount", "ba ngày", msg.BAD_TIME),
    "zero time": ("times", "khai-sinh", None, "amount", 0, msg.BAD_TIME),
    "unknown unit": ("times", "khai-sinh", None, "unit", "tuan", msg.BAD_CHOICE),
    "malformed date": ("procedures", "khai-sinh", None, "last_verified", "31/02/2026", msg.BAD_DATE),
    "missing required field": ("procedures", "khai-sinh", None, "name_vi", None, msg.MISSING_FIELD),
    "missing step text": ("steps", "khai-sinh", "nop", "text_vi", None, msg.MISSING_FIELD),
    "text too long": ("steps", "khai-sinh", "nop", "text_vi", "Bấm nộp hồ sơ. " * 50, msg.TEXT_TOO_LONG),
    "bad document form": ("documents", "khai-sinh", "giay-chung-sinh", "form", "photo", msg.BAD_CHOICE),
    "bad code": ("procedures", "khai-sinh", None, "codes", "1.1193", msg.BAD_CODE),
    "bad id": ("steps", "khai-sinh", "nop", "id", "Nộp hồ sơ", msg.BAD_ID),
}


@pytest.mark.parametrize("case", list(REJECTIONS))
def test_each_fault_gives_one_problem_at_its_cell(shipped: Catalog, exported: Path, tmp_path: Path, case: str) -> None:
    sheet_name, entry, step, column, value, template = REJECTIONS[case]
    rows: list[int] = []

    def edit(book: Any) -> None:
        sheet = book[sheet_name]
        rows.append(find_row(sheet, entry, step))
        set_cell(sheet, rows[0], column, value)

    problem = only_problem(read(edited(exported, tmp_path, edit), shipped))
    assert located(problem) == (sheet_name, rows[0], column, template)
    assert problem.source == "catalog.xlsx"
    if "value" in problem.params:
        assert problem.params["value"] == str(value), problem.params


def test_unreachable_step_is_reported_at_its_own_row(shipped: Catalog, exported: Path, tmp_path: Path) -> None:
    rows: list[int] = []

    def edit(book: Any) -> None:
        steps = book["steps"]
        set_cell(steps, find_row(steps, "khai-sinh", "dinh-kem"), "next", "end")
        rows.append(find_row(steps, "khai-sinh", "nop"))

    problem = only_problem(read(edited(exported, tmp_path, edit), shipped))
    assert located(problem) == ("steps", rows[0], "id", msg.UNREACHABLE)
    assert problem.params["step"] == "nop"


def test_duplicate_id_is_reported_at_the_second_row(shipped: Catalog, exported: Path, tmp_path: Path) -> None:
    rows: list[int] = []

    def edit(book: Any) -> None:
        sheet = book["procedures"]
        source, target = find_row(sheet, "khai-sinh"), sheet.max_row + 1
        for column in range(1, sheet.max_column + 1):
            sheet.cell(target, column).value = sheet.cell(source, column).value
        rows.append(target)

    problem = only_problem(read(edited(exported, tmp_path, edit), shipped))
    assert located(problem) == ("procedures", rows[0], "id", msg.DUPLICATE_ID)


def test_duplicate_code_is_reported_on_the_entry_that_took_it(shipped: Catalog, exported: Path, tmp_path: Path) -> None:
    rows: list[int] = []

    def edit(book: Any) -> None:
        sheet = book["procedures"]
        rows.append(find_row(sheet, "khai-tu"))
        set_cell(sheet, rows[0], "codes", "1.001193")  # khai-sinh's code

    problem = only_problem(read(edited(exported, tmp_path, edit), shipped))
    assert located(problem) == ("procedures", rows[0], "codes", msg.DUPLICATE_CODE)
    assert problem.params["code"] == "1.001193"


def test_three_faults_give_exactly_three_problems(shipped: Catalog, exported: Path, tmp_path: Path) -> None:
    rows: dict[str, int] = {}

    def edit(book: Any) -> None:
        steps, procedures = book["steps"], book["procedures"]
        rows["link"] = find_row(steps, "khai-sinh", "dang-nhap")
        set_cell(steps, rows["link"], "url", EVIL)
        rows["branch"] = find_row(steps, "ket-hon", None)
        set_cell(steps, rows["branch"], "next", "buoc-khong-co")
        rows["formula"] = find_row(procedures, "ho-chieu")
        set_cell(procedures, rows["formula"], "summary_en", "=1+1")

    candidate = read(edited(exported, tmp_path, edit), shipped)
    assert sorted(located(problem) for problem in candidate.problems) == sorted(
        [
            ("steps", rows["link"], "url", msg.LINK_NOT_OFFICIAL),
            ("steps", rows["branch"], "next", msg.UNKNOWN_STEP),
            ("procedures", rows["formula"], "summary_en", msg.FORMULA),
        ]
    )


def test_missing_sheet_and_column_are_reported(shipped: Catalog, exported: Path, tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        book.remove(book["fees"])
        book["steps"].delete_cols(header(book["steps"]).index("tip_en") + 1)

    candidate = read(edited(exported, tmp_path, edit), shipped)
    assert sorted(located(problem) for problem in candidate.problems) == [
        ("fees", None, None, msg.MISSING_SHEET),
        ("steps", 1, "tip_en", msg.MISSING_COLUMN),
    ]

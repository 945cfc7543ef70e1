"""Excel workbooks of the catalog: export, the blank template with instructions, and safe reading.

Officers edit the catalog in Excel, so a workbook is an untrusted upload. Reading never
evaluates anything: the file is opened with ``data_only=False`` (formulas stay formulas) and
every formula or error cell is reported as a problem instead of being used; the unpacked size
and the number of rows are bounded so that a small hostile file cannot exhaust memory.
Writing stores a text that starts with ``=`` as text with Excel's quote prefix, never as a
formula.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped, unused-ignore]

from procedures import problems as msg
from procedures.models import ListingEntry, Procedure
from procedures.problems import Problem, short
from procedures.tabular.columns import TABLES, Table
from procedures.tabular.provenance import Fault, Grid
from procedures.tabular.tables import Value, cell_text, to_tables

INSTRUCTIONS = "huong_dan"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A 5 MB zip can unpack to gigabytes; real catalog workbooks unpack to a few MB.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 80
XLSX = "Excel (.xlsx)"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_NOTES = (
    "Mỗi trang (sheet) là một bảng; dòng đầu tiên là tên cột. Không đổi tên cột, không xoá cột.",
    "Các trang channels, documents, fees, times, steps, aliases ghi mã định danh (id) của thủ tục ở cột entry_id; "
    "thứ tự các dòng là thứ tự hiển thị cho người dân.",
    "Ô có nhiều giá trị (mã thủ tục, từ khoá, căn cứ pháp lý...): mỗi giá trị một dòng trong ô "
    "(Alt+Enter trên Windows, Option+Enter trên Mac).",
    "Không dùng công thức: tệp có ô công thức sẽ bị từ chối. Muốn ghi chữ bắt đầu bằng dấu =, gõ dấu nháy đơn ' trước.",
    "Chỉ được dùng đường dẫn chính thức có tên miền .gov.vn, để người dân không bị dẫn tới trang lừa đảo.",
    "Ngày ghi dạng YYYY-MM-DD (ví dụ 2026-12-31) hoặc DD/MM/YYYY. Số tiền ghi bằng đồng, chỉ gồm chữ số.",
    "Trang không có trong danh sách dưới đây (kể cả trang này) được bỏ qua khi nhập.",
)


def _put(sheet: Any, row: int, column: int, value: Value) -> None:
    """Write one value; a text starting with "=" is stored as text, never as a formula."""
    if value is None or value == "":
        return
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        # Control characters are not allowed in the file format; they never belong in the catalog.
        text = str(ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.value = text
        if text.startswith("="):
            cell.data_type = "s"
            cell.quotePrefix = True  # what Excel itself stores when a user types '=...
    else:
        cell.value = value
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"


def _table_sheet(book: Any, table: Table, rows: Iterable[Mapping[str, Value]]) -> None:
    sheet = book.create_sheet(table.name)
    for index, column in enumerate(table.columns, 1):
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.choices and not column.multi:
            # A dropdown of the allowed values; typing another value shows the error message.
            listed = ",".join(column.choices)
            rule = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=True)
            rule.errorTitle = "Giá trị không hợp lệ"
            rule.error = f"Chọn một trong các giá trị: {', '.join(column.choices)}"
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.freeze_panes = "A2"
    for number, row in enumerate(rows, 2):
        for index, column in enumerate(table.columns, 1):
            _put(sheet, number, index, row.get(column.name))


def _instructions(book: Any) -> None:
    sheet = book.create_sheet(INSTRUCTIONS, 0)
    sheet.cell(row=1, column=1, value="Hướng dẫn nhập danh mục thủ tục").font = Font(bold=True, size=14)
    for number, note in enumerate(_NOTES, 2):
        sheet.cell(row=number, column=1, value=f"• {note}")
    top = len(_NOTES) + 3
    for index, (title, width) in enumerate(
        (("Trang", 14), ("Cột", 16), ("Ý nghĩa", 90), ("Giá trị cho phép", 40), ("Bắt buộc", 10)), 1
    ):
        cell = sheet.cell(row=top, column=index, value=title)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = width
    number = top
    wrap = Alignment(wrap_text=True, vertical="top")
    for table in TABLES:
        number += 1
        sheet.cell(row=number, column=1, value=table.name).font = _HEADER_FONT
        sheet.cell(row=number, column=3, value=table.help).alignment = wrap
        for column in table.columns:
            number += 1
            sheet.cell(row=number, column=1, value=table.name)
            sheet.cell(row=number, column=2, value=column.name)
            sheet.cell(row=number, column=3, value=column.help).alignment = wrap
            sheet.cell(row=number, column=4, value=", ".join(column.choices) or None)
            sheet.cell(row=number, column=5, value="có" if column.required else None)
    sheet.freeze_panes = f"A{top + 1}"


def _save(tables: Mapping[str, list[dict[str, Value]]], dest: Path) -> Path:
    book = Workbook()
    book.remove(book.active)
    _instructions(book)
    for table in TABLES:
        _table_sheet(book, table, tables.get(table.name, []))
    dest.parent.mkdir(parents=True, exist_ok=True)
    book.save(dest)
    return dest


def write_workbook(entries: Iterable[Procedure], dest: Path, listing: Iterable[ListingEntry] = ()) -> Path:
    """Export the curated entries (and ``listing``'s everyday names) to one workbook, plus the instructions."""
    return _save(to_tables(entries, listing), dest)


def write_template(dest: Path) -> Path:
    """Write the blank template: every sheet with its header, dropdowns and the ``huong_dan`` sheet."""
    return _save({}, dest)


def _cell(cell: Any) -> tuple[str, str | None, dict[str, str | int]]:
    """The text of one cell, or the template of the problem it is (formula, error value)."""
    value = cell.value
    if value is None:
        return "", None, {}
    kind = getattr(cell, "data_type", "n")
    if kind == "e":
        return "", msg.ERROR_CELL, {"value": short(value)}
    if not isinstance(value, str | int | float | dt.date | dt.time | dt.timedelta):
        # ArrayFormula, DataTableFormula and anything else that is not a plain value.
        return "", msg.FORMULA, {"formula": short(getattr(value, "text", value))}
    if isinstance(value, str) and value.startswith("="):
        style = getattr(cell, "style_array", None)
        if kind == "f" or not (style is not None and style.quotePrefix):
            return "", msg.FORMULA, {"formula": short(value)}
    return cell_text(value), None, {}


def read_workbook(name: str, content: bytes) -> tuple[list[Grid], list[Problem]]:
    """Read every sheet of an uploaded workbook as text, without evaluating anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return [], [Problem(name, None, None, None, msg.UNREADABLE_FILE, {"format": XLSX, "detail": "not a zip"})]
    if unpacked > MAX_UNPACKED_BYTES:
        params: dict[str, str | int] = {"size_kb": unpacked // 1024, "limit_kb": MAX_UNPACKED_BYTES // 1024}
        return [], [Problem(name, None, None, None, msg.FILE_TOO_LARGE, params)]
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file; all mean "unreadable"
        detail = short(f"{type(exc).__name__}: {exc}", 120)
        return [], [Problem(name, None, None, None, msg.UNREADABLE_FILE, {"format": XLSX, "detail": detail})]
    grids: list[Grid] = []
    problems: list[Problem] = []
    try:
        for sheet in book.worksheets:
            if sheet.title.strip().lower() == INSTRUCTIONS:
                continue
            rows: list[tuple[int, tuple[str, ...]]] = []
            faults: list[Fault] = []
            for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), 1):
                texts: list[str] = []
                for index, cell in enumerate(cells):
                    text, template, params = _cell(cell)
                    texts.append(text)
                    if template:
                        faults.append(Fault(number, index, template, params))
                if any(texts) or any(fault.row == number for fault in faults[-1:]):
                    rows.append((number, tuple(texts)))
                if len(rows) > MAX_ROWS + 1:  # + the header row
                    problems.append(Problem(name, sheet.title, None, None, msg.TOO_MANY_ROWS, {"limit": MAX_ROWS}))
                    break
            grids.append(Grid(name, sheet.title, tuple(rows), tuple(faults)))
    finally:
        book.close()
    return grids, problems

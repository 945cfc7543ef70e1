"""CSV files of the catalog: one UTF-8 file per table, safe to open in Excel, and their reading.

Export writes a folder with one CSV per table, UTF-8 with a byte-order mark so that Excel
shows Vietnamese correctly. A spreadsheet opening a CSV evaluates any cell that starts with
``=``, ``+``, ``-`` or ``@`` ("CSV injection"), so such cells are written with a leading
apostrophe; reading removes exactly that apostrophe again, so the round trip is lossless.

Import takes one CSV file (the table is recognised by the file name or by its header row) or a
folder of them. A cell that still starts with ``=`` is refused like a formula in a workbook.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from procedures import problems as msg
from procedures.models import ListingEntry, Procedure
from procedures.problems import Problem, short
from procedures.tabular.columns import TABLE_BY_NAME, TABLES, Table
from procedures.tabular.provenance import Fault, Grid
from procedures.tabular.tables import cell_text, to_tables

# Characters that make a spreadsheet read a cell as a formula (tab and CR start "DDE" payloads).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
ENCODING = "utf-8-sig"
MAX_ROWS = 20_000
CSV = "CSV (.csv)"


def restore(text: str) -> str:
    """Remove the apostrophe that :func:`neutralise` put before a formula-like cell."""
    if text.startswith(QUOTE) and text[1:2] and text[1:2] in (*TRIGGERS, QUOTE):
        return text[1:]
    return text


def neutralise(text: str) -> str:
    """Prefix a formula-like cell with an apostrophe so that no spreadsheet evaluates it.

    A text already starting with an apostrophe before such a character is prefixed too, so
    that :func:`restore` gives back exactly the original text.
    """
    if text.startswith(TRIGGERS) or restore(text) != text:
        return QUOTE + text
    return text


def write_tables(entries: Iterable[Procedure], dest: Path, listing: Iterable[ListingEntry] = ()) -> list[Path]:
    """Export the curated entries (and ``listing``'s everyday names) as one ``<table>.csv`` per table in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    tables = to_tables(entries, listing)
    written: list[Path] = []
    for table in TABLES:
        path = dest / f"{table.name}.csv"
        buffer = io.StringIO()
        # CRLF line ends and minimal quoting are what Excel writes and reads back.
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(table.names)
        for row in tables[table.name]:
            writer.writerow([neutralise(cell_text(row.get(column))) for column in table.names])
        path.write_text(buffer.getvalue(), encoding=ENCODING, newline="")
        written.append(path)
    return written


def _decode(content: bytes) -> str:
    try:
        return content.decode(ENCODING)
    except UnicodeDecodeError:
        # Excel's plain "CSV" on a Vietnamese Windows saves in the ANSI code page.
        return content.decode("cp1258", errors="replace")


def read_csv(name: str, content: bytes) -> tuple[Grid | None, list[Problem]]:
    """Read one CSV file as a grid of text; formula-like cells become problems, never values."""
    text = _decode(content)
    if "\x00" in text:
        return None, [Problem(name, None, None, None, msg.UNREADABLE_FILE, {"format": CSV, "detail": "binary data"})]
    first = text.split("\n", 1)[0]
    # Excel in a Vietnamese locale separates with ";", so the delimiter is read off the header.
    delimiter = max((",", ";", "\t"), key=first.count)
    rows: list[tuple[int, tuple[str, ...]]] = []
    faults: list[Fault] = []
    label = Path(name).stem
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1):
            cells: list[str] = []
            for index, raw in enumerate(record):
                if raw.startswith("="):
                    faults.append(Fault(number, index, msg.FORMULA, {"formula": short(raw)}))
                    raw = ""
                cells.append(restore(raw))
            if any(cell.strip() for cell in cells):
                rows.append((number, tuple(cells)))
            if len(rows) > MAX_ROWS + 1:
                return None, [Problem(name, label, None, None, msg.TOO_MANY_ROWS, {"limit": MAX_ROWS})]
    except csv.Error as exc:
        return None, [Problem(name, None, None, None, msg.UNREADABLE_FILE, {"format": CSV, "detail": short(exc)})]
    return Grid(name, label, tuple(rows), tuple(faults)), []


def recognise(grid: Grid) -> Table | None:
    """The catalog table a CSV file holds: by its file name, else by its header row."""
    table = TABLE_BY_NAME.get(grid.label.strip().lower())
    if table is not None or not grid.rows:
        return table
    header = {cell.strip().lower() for cell in grid.rows[0][1]}
    # The table whose columns the header covers best; at least its two first columns must be there.
    best = max(TABLES, key=lambda candidate: len(header & set(candidate.names)) / len(candidate.names))
    return best if set(best.names[:2]) <= header else None

"""Listing cards' everyday names (from the unanswered inbox) in the catalog's workbook and CSV files.

They are rows of the ``aliases`` table with the card's national code in ``code``: exported, edited
and imported back like any other row; a file exported before the column existed keeps them.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

from procedures import problems as msg
from procedures.catalog import Catalog
from procedures.diff import diff_catalogs
from procedures.formats import Candidate, export_catalog, write_template
from procedures.tabular.workbook import INSTRUCTIONS
from tests.catalog_files import edited, header, located, read

KARAOKE, KARAOKE_TOO, KITE = "xin giấy phép hát karaoke", "mở quán karaoke cần giấy gì", "xin thả diều trên đê"


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load()


@pytest.fixture(scope="module")
def codes(shipped: Catalog) -> tuple[str, str]:
    first, second = [code for code, card in sorted(shipped.listing.items()) if not card.replaced_by][:2]
    return first, second


@pytest.fixture(scope="module")
def named(shipped: Catalog, codes: tuple[str, str]) -> Catalog:
    """The shipped catalog after two inbox approvals named two of its cards (one of them twice)."""
    first, second = codes
    cards = {**shipped.listing}
    cards[first] = cards[first].model_copy(update={"aliases": (KARAOKE, KARAOKE_TOO)})
    cards[second] = cards[second].model_copy(update={"aliases": (KITE,)})
    return Catalog.build(shipped.entries.values(), cards.values())


def names(candidate: Candidate, code: str) -> tuple[str, ...]:
    return next(card.aliases for card in candidate.listing if card.code == code)


def card_rows(sheet: Any) -> list[int]:
    """The rows of the ``aliases`` sheet that name a listing card."""
    column = header(sheet).index("code") + 1
    return [row for row in range(2, sheet.max_row + 1) if sheet.cell(row, column).value]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_card_names_go_out_and_come_back(
    named: Catalog, shipped: Catalog, codes: tuple[str, str], tmp_path: Path, fmt: str
) -> None:
    written = export_catalog(named, fmt, tmp_path / fmt)
    source = written[0] if fmt == "xlsx" else tmp_path / fmt
    back = read(source, shipped)  # onto a catalog without them: a new deployment, or after a rollback
    assert back.ok, [str(problem) for problem in back.problems]
    assert names(back, codes[0]) == (KARAOKE, KARAOKE_TOO) and names(back, codes[1]) == (KITE,)
    assert diff_catalogs(shipped, back.entries, back.listing).listing_changed == tuple(sorted(codes))
    again = read(source, named)  # onto the catalog they came from: nothing changes
    assert again.ok and diff_catalogs(named, again.entries, again.listing).is_empty
    assert list(again.entries) == list(named.entries.values())  # the entries' own aliases are untouched


def test_the_csv_rows_name_the_card_by_its_code(named: Catalog, codes: tuple[str, str], tmp_path: Path) -> None:
    export_catalog(named, "csv", tmp_path)
    with (tmp_path / "aliases.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["entry_id", "lang", "alias", "code"]
    assert rows[-3:] == [["", "vi", KARAOKE, codes[0]], ["", "vi", KARAOKE_TOO, codes[0]], ["", "vi", KITE, codes[1]]]


def test_a_name_edited_and_a_row_deleted_in_the_workbook(
    named: Catalog, codes: tuple[str, str], tmp_path: Path
) -> None:
    exported = export_catalog(named, "xlsx", tmp_path / "export.xlsx")[0]

    def edit(book: Any) -> None:
        sheet = book["aliases"]
        first, _, kite = card_rows(sheet)
        sheet.cell(first, header(sheet).index("alias") + 1).value = "giấy phép kinh doanh karaoke"
        sheet.delete_rows(kite)

    candidate = read(edited(exported, tmp_path, edit), named)
    assert candidate.ok, [str(problem) for problem in candidate.problems]
    assert names(candidate, codes[0]) == ("giấy phép kinh doanh karaoke", KARAOKE_TOO)
    assert names(candidate, codes[1]) == ()  # its row deleted: the name is gone
    diff = diff_catalogs(named, candidate.entries, candidate.listing)
    assert diff.listing_changed == tuple(sorted(codes)) and not diff.changed


def test_a_workbook_from_before_the_code_column_keeps_the_names(
    named: Catalog, codes: tuple[str, str], tmp_path: Path
) -> None:
    exported = export_catalog(named, "xlsx", tmp_path / "export.xlsx")[0]

    def older(book: Any) -> None:
        sheet = book["aliases"]
        for row in reversed(card_rows(sheet)):
            sheet.delete_rows(row)
        sheet.delete_cols(header(sheet).index("code") + 1)

    candidate = read(edited(exported, tmp_path, older), named)
    assert candidate.ok, [str(problem) for problem in candidate.problems]
    assert names(candidate, codes[0]) == (KARAOKE, KARAOKE_TOO) and names(candidate, codes[1]) == (KITE,)
    assert diff_catalogs(named, candidate.entries, candidate.listing).is_empty


def test_one_aliases_csv_replaces_the_names_of_the_cards_it_names(
    named: Catalog, codes: tuple[str, str], tmp_path: Path
) -> None:
    cards = tmp_path / "aliases.csv"
    cards.write_text(f"entry_id,lang,alias,code\r\n,vi,quán hát karaoke,{codes[0]}\r\n", encoding="utf-8-sig")
    candidate = read(cards, named)
    assert candidate.ok, [str(problem) for problem in candidate.problems]
    assert names(candidate, codes[0]) == ("quán hát karaoke",) and names(candidate, codes[1]) == (KITE,)
    entries = tmp_path / "entries" / "aliases.csv"  # an entry's names only, in the older three columns
    entries.parent.mkdir()
    entries.write_text("entry_id,lang,alias\r\nkhai-sinh,vi,làm giấy khai sinh\r\n", encoding="utf-8-sig")
    candidate = read(entries, named)
    assert candidate.ok and candidate.listing == tuple(named.listing.values())
    assert next(entry for entry in candidate.entries if entry.id == "khai-sinh").aliases == ("làm giấy khai sinh",)


def test_a_faulty_card_row_is_reported_at_its_cell(named: Catalog, codes: tuple[str, str], tmp_path: Path) -> None:
    exported = export_catalog(named, "xlsx", tmp_path / "export.xlsx")[0]
    faults = [
        ("", "vi", "tên", "1.999999"),  # not a card of the listing
        ("", "vi", "tên", "1.23"),  # not a national code
        ("khai-sinh", "vi", "tên", codes[0]),  # both an entry and a card
        ("", "en", "a name", codes[0]),  # the cards' names are Vietnamese
        ("", "vi", "", codes[0]),  # no name
    ]

    def add(book: Any) -> None:
        sheet = book["aliases"]
        for values in faults:
            sheet.append(values)

    candidate = read(edited(exported, tmp_path, add), named)
    last = load_workbook(exported)["aliases"].max_row
    assert [located(problem) for problem in candidate.problems] == [
        ("aliases", last + 1, "code", msg.UNKNOWN_CARD),
        ("aliases", last + 2, "code", msg.BAD_CODE),
        ("aliases", last + 3, "code", msg.ENTRY_OR_CARD),
        ("aliases", last + 4, "lang", msg.BAD_CHOICE),
        ("aliases", last + 5, "alias", msg.MISSING_FIELD),
    ]
    assert "1.999999" in str(candidate.problems[0])


def test_the_template_explains_the_code_column(tmp_path: Path) -> None:
    book = load_workbook(write_template(tmp_path / "template.xlsx"))
    assert header(book["aliases"]) == ["entry_id", "lang", "alias", "code"]
    explained = {(row[0], row[1]): row[2] for row in book[INSTRUCTIONS].iter_rows(values_only=True)}
    assert "danh mục quốc gia" in explained[("aliases", "code")]

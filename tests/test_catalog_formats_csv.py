"""Catalog CSV files: formula-looking cells neutralised and restored, one table updating its entries, located rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from procedures import problems as msg
from procedures.catalog import Catalog
from procedures.diff import diff_catalogs
from procedures.formats import export_catalog, read_candidate_bytes
from procedures.models import Text
from procedures.tabular.csvfiles import TRIGGERS, neutralise, restore
from procedures.validation import required_ids
from tests.catalog_files import EVIL, POLICY, located, only_problem, read


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load()


def test_neutralise_and_restore_are_inverse() -> None:
    for text in ["=cmd|' /C calc'!A0", "+84 24", "-5", "@SUM(A1)", "\tx", "'=x", "''x", "'hello", "plain", ""]:
        assert restore(neutralise(text)) == text
        assert not neutralise(text).startswith(TRIGGERS)
    assert neutralise("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"


def test_csv_export_neutralises_formula_cells_and_round_trips(shipped: Catalog, tmp_path: Path) -> None:
    entry = shipped.entries["khai-sinh"]
    payload = "=cmd|' /C calc'!A0"
    odd = entry.model_copy(
        update={"summary": Text(vi=entry.summary.vi, en=payload), "keywords": ("+84 hotline", "-giảm", "@home")}
    )
    catalog = Catalog.build([odd if item.id == odd.id else item for item in shipped], shipped.listing.values())
    export_catalog(catalog, "csv", tmp_path / "csv")
    raw = (tmp_path / "csv" / "procedures.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows Vietnamese correctly
    with (tmp_path / "csv" / "procedures.csv").open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "'" + payload in cells and payload not in cells
    assert not any(cell.startswith(TRIGGERS) for cell in cells)
    candidate = read(tmp_path / "csv", catalog)
    assert candidate.ok and candidate.entries == tuple(catalog.entries.values())


def test_single_table_csv_updates_only_the_entries_it_names(shipped: Catalog, tmp_path: Path) -> None:
    fees = tmp_path / "fees.csv"
    fees.write_text(
        "entry_id,label_vi,label_en,amount_vnd,channel,note_vi,note_en,valid_until\r\n"
        "khai-sinh,Lệ phí đăng ký khai sinh,Registration fee,0,online,,,\r\n"
        'khai-sinh,"Lệ phí cấp bản sao, trích lục",Copy fee,8.000,in_person,,,31/12/2026\r\n',
        encoding="utf-8-sig",
    )
    candidate = read(fees, shipped)
    assert candidate.ok, [str(problem) for problem in candidate.problems]
    updated = {entry.id: entry for entry in candidate.entries}
    assert [(fee.amount_vnd, fee.channel.value) for fee in updated["khai-sinh"].fees] == [
        (0, "online"),
        (8000, "in_person"),
    ]
    assert str(updated["khai-sinh"].fees[1].valid_until) == "2026-12-31"
    assert all(updated[key] == entry for key, entry in shipped.entries.items() if key != "khai-sinh")
    diff = diff_catalogs(shipped, candidate.entries, candidate.listing)
    assert [(change.entry, change.fields) for change in diff.changed] == [("khai-sinh", ("fees",))]


def test_csv_table_recognised_by_header_and_located_by_row(shipped: Catalog) -> None:
    content = (
        "entry_id;id;text_vi;text_en;tip_vi;tip_en;question_vi;question_en;if_yes;if_no;next;url\r\n"
        "tach-ho;mot;Một;One;;;;;;;;\r\n"
        f"tach-ho;hai;Hai;Two;;;;;;;;{EVIL}\r\n"
        "tach-ho;ba;Ba;Three;;;;;;;;\r\n"
        "tach-ho;bon;Bốn;Four;;;;;;;;\r\n"
    ).encode("utf-8-sig")
    problem = only_problem(read_candidate_bytes("buoc-tach-ho.csv", content, shipped, POLICY, required_ids()))
    assert (problem.source, *located(problem)) == ("buoc-tach-ho.csv", "steps", 3, "url", msg.LINK_NOT_OFFICIAL)
    formula = content.replace(b"Ba;Three", b"=1+2;Three")
    problem = only_problem(read_candidate_bytes("steps.csv", formula, shipped, POLICY, required_ids()))
    assert located(problem) == ("steps", 4, "text_vi", msg.FORMULA)


def test_csv_row_of_an_unknown_entry_is_reported(shipped: Catalog) -> None:
    content = b"entry_id,lang,alias\nkhai-sinh-moi,vi,khai sinh\n"
    problem = only_problem(read_candidate_bytes("aliases.csv", content, shipped, POLICY))
    assert located(problem) == ("aliases", 2, "entry_id", msg.UNKNOWN_ENTRY)
    assert only_problem(read_candidate_bytes("notes.csv", b"a,b\n1,2\n", shipped, POLICY)).template == msg.UNKNOWN_TABLE

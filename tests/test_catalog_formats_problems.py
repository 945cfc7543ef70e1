"""Uploads refused or accepted as a whole, and their problems rendered for officers (Vietnamese, English)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from procedures import problems as msg
from procedures.catalog import Catalog
from procedures.diff import diff_catalogs
from procedures.formats import export_catalog, read_candidate_bytes
from procedures.loader import dump_entry
from procedures.models import Procedure
from procedures.problems import Problem
from procedures.tabular.workbook import MAX_UPLOAD_BYTES
from procedures.validation import required_ids
from tests.catalog_files import EVIL, POLICY, edited, find_row, located, only_problem, read, set_cell


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load()


@pytest.fixture(scope="module")
def exported(shipped: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped catalog exported once to a workbook; tests copy and edit it."""
    return export_catalog(shipped, "xlsx", tmp_path_factory.mktemp("export") / "catalog.xlsx")[0]


def test_too_large_and_unknown_files_are_refused(shipped: Catalog, tmp_path: Path) -> None:
    big = read_candidate_bytes("catalog.xlsx", b"x" * (MAX_UPLOAD_BYTES + 1), shipped, POLICY)
    assert located(only_problem(big)) == (None, None, None, msg.FILE_TOO_LARGE)
    on_disk = tmp_path / "catalog.csv"
    on_disk.write_bytes(b"x" * (MAX_UPLOAD_BYTES + 1))
    assert only_problem(read(on_disk, shipped)).template == msg.FILE_TOO_LARGE
    assert only_problem(read_candidate_bytes("catalog.docx", b"PK..", shipped, POLICY)).template == msg.UNKNOWN_FORMAT
    broken = only_problem(read_candidate_bytes("catalog.xlsx", b"not a workbook", shipped, POLICY))
    assert broken.template == msg.UNREADABLE_FILE


def test_yaml_entry_upload_replaces_one_entry(shipped: Catalog) -> None:
    entry = shipped.entries["khai-sinh"]
    changed = entry.model_copy(update={"keywords": (*entry.keywords, "giấy khai sinh mới")})
    candidate = read_candidate_bytes("khai-sinh.yaml", dump_entry(changed).encode(), shipped, POLICY, required_ids())
    assert candidate.ok and len(candidate.entries) == 44
    diff = diff_catalogs(shipped, candidate.entries, candidate.listing)
    assert [change.fields for change in diff.changed] == [("keywords",)]
    bad = dump_entry(changed).replace("url: https://dichvucong.gov.vn\n", f"url: {EVIL}\n")
    problem = only_problem(read_candidate_bytes("khai-sinh.yaml", bad.encode(), shipped, POLICY, required_ids()))
    assert (problem.source, problem.field, problem.template) == (
        "khai-sinh.yaml",
        "steps[2].url",
        msg.LINK_NOT_OFFICIAL,
    )


VI = {
    msg.AT_SHEET: "trang {sheet}",
    msg.AT_ROW: "dòng {row}",
    msg.AT_COLUMN: "cột {field}",
    msg.BAD_FEE: "'{value}' không phải số tiền hợp lệ. Ghi số tiền bằng đồng, chỉ gồm chữ số (ví dụ 50000).",
}


def test_problem_renders_in_vietnamese_and_english() -> None:
    problem = Problem("fees.xlsx", "fees", 5, "amount_vnd", msg.BAD_FEE, {"value": "50k"})
    assert problem.render(lambda text: VI.get(text, text)) == (
        "fees.xlsx, trang fees, dòng 5, cột amount_vnd: '50k' không phải số tiền hợp lệ. "
        "Ghi số tiền bằng đồng, chỉ gồm chữ số (ví dụ 50000)."
    )
    assert str(problem).startswith("fees.xlsx, sheet fees, row 5, column amount_vnd: '50k' is not a valid fee.")
    # A translation that drops or misspells a placeholder must not crash the bot.
    assert Problem("x.csv", None, None, None, msg.BAD_FEE, {}).render(lambda text: "{khong_co}") == "x.csv: {khong_co}"


def test_every_template_has_its_placeholders_filled(shipped: Catalog, exported: Path, tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        steps = book["steps"]
        set_cell(steps, find_row(steps, "khai-sinh", "dang-nhap"), "url", EVIL)

    for problem in read(edited(exported, tmp_path, edit), shipped).problems:
        assert "{" not in str(problem)
    assert all(isinstance(template, str) and template for template in msg.templates())


def test_entry_problems_keep_the_validator_text(shipped: Catalog) -> None:
    entry: Procedure = shipped.entries["khai-sinh"]
    broken = entry.model_copy(update={"source_url": EVIL})
    candidate = read_candidate_bytes("khai-sinh.yaml", dump_entry(broken).encode(), shipped, POLICY)
    problem = only_problem(candidate)
    assert problem.params["url"] == EVIL and problem.params["allowed"] == "*.gov.vn"
    assert "only official links on *.gov.vn may be shown, to protect citizens from phishing" in str(problem)

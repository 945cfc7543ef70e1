"""Catalog administration files: YAML / Excel / CSV round trips, precise problems, portal imports, diffs."""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped, unused-ignore]

from procedures import problems as msg
from procedures.catalog import Catalog
from procedures.diff import FeeChange, diff_catalogs
from procedures.formats import Candidate, export_catalog, read_candidate, read_candidate_bytes, write_template
from procedures.links import LinkPolicy
from procedures.loader import dump_entry
from procedures.models import Procedure, Text
from procedures.problems import Problem
from procedures.tabular.csvfiles import TRIGGERS, neutralise, restore
from procedures.tabular.workbook import INSTRUCTIONS, MAX_UPLOAD_BYTES
from procedures.validation import required_ids

POLICY = LinkPolicy()
EVIL = "https://dichvucong.gov.vn.evil.example/dang-nhap"
PORTAL_URL = "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7"


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load()


@pytest.fixture(scope="module")
def exported(shipped: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped catalog exported once to a workbook; tests copy and edit it."""
    return export_catalog(shipped, "xlsx", tmp_path_factory.mktemp("export") / "catalog.xlsx")[0]


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


def edited(exported: Path, tmp_path: Path, edit: Callable[[Any], None]) -> Path:
    book = load_workbook(exported)
    edit(book)
    target = tmp_path / "catalog.xlsx"
    book.save(target)
    return target


def located(problem: Problem) -> tuple[str | None, int | None, str | None, str]:
    return problem.sheet, problem.row, problem.field, problem.template


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


def _only(candidate: Candidate) -> Problem:
    assert not candidate.ok
    assert len(candidate.problems) == 1, [str(problem) for problem in candidate.problems]
    return candidate.problems[0]


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

    problem = _only(read(edited(exported, tmp_path, edit), shipped))
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

    problem = _only(read(edited(exported, tmp_path, edit), shipped))
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

    problem = _only(read(edited(exported, tmp_path, edit), shipped))
    assert located(problem) == ("procedures", rows[0], "id", msg.DUPLICATE_ID)


def test_duplicate_code_is_reported_on_the_entry_that_took_it(shipped: Catalog, exported: Path, tmp_path: Path) -> None:
    rows: list[int] = []

    def edit(book: Any) -> None:
        sheet = book["procedures"]
        rows.append(find_row(sheet, "khai-tu"))
        set_cell(sheet, rows[0], "codes", "1.001193")  # khai-sinh's code

    problem = _only(read(edited(exported, tmp_path, edit), shipped))
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


def test_too_large_and_unknown_files_are_refused(shipped: Catalog, tmp_path: Path) -> None:
    big = read_candidate_bytes("catalog.xlsx", b"x" * (MAX_UPLOAD_BYTES + 1), shipped, POLICY)
    assert located(_only(big)) == (None, None, None, msg.FILE_TOO_LARGE)
    on_disk = tmp_path / "catalog.csv"
    on_disk.write_bytes(b"x" * (MAX_UPLOAD_BYTES + 1))
    assert _only(read(on_disk, shipped)).template == msg.FILE_TOO_LARGE
    assert _only(read_candidate_bytes("catalog.docx", b"PK..", shipped, POLICY)).template == msg.UNKNOWN_FORMAT
    broken = _only(read_candidate_bytes("catalog.xlsx", b"not a workbook", shipped, POLICY))
    assert broken.template == msg.UNREADABLE_FILE


def test_yaml_entry_upload_replaces_one_entry(shipped: Catalog) -> None:
    entry = shipped.entries["khai-sinh"]
    changed = entry.model_copy(update={"keywords": (*entry.keywords, "giấy khai sinh mới")})
    candidate = read_candidate_bytes("khai-sinh.yaml", dump_entry(changed).encode(), shipped, POLICY, required_ids())
    assert candidate.ok and len(candidate.entries) == 44
    diff = diff_catalogs(shipped, candidate.entries, candidate.listing)
    assert [change.fields for change in diff.changed] == [("keywords",)]
    bad = dump_entry(changed).replace("url: https://dichvucong.gov.vn\n", f"url: {EVIL}\n")
    problem = _only(read_candidate_bytes("khai-sinh.yaml", bad.encode(), shipped, POLICY, required_ids()))
    assert (problem.source, problem.field, problem.template) == (
        "khai-sinh.yaml",
        "steps[2].url",
        msg.LINK_NOT_OFFICIAL,
    )


# ---------------------------------------------------------------------------------- CSV


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
    problem = _only(read_candidate_bytes("buoc-tach-ho.csv", content, shipped, POLICY, required_ids()))
    assert (problem.source, *located(problem)) == ("buoc-tach-ho.csv", "steps", 3, "url", msg.LINK_NOT_OFFICIAL)
    formula = content.replace(b"Ba;Three", b"=1+2;Three")
    problem = _only(read_candidate_bytes("steps.csv", formula, shipped, POLICY, required_ids()))
    assert located(problem) == ("steps", 4, "text_vi", msg.FORMULA)


def test_csv_row_of_an_unknown_entry_is_reported(shipped: Catalog) -> None:
    content = b"entry_id,lang,alias\nkhai-sinh-moi,vi,khai sinh\n"
    problem = _only(read_candidate_bytes("aliases.csv", content, shipped, POLICY))
    assert located(problem) == ("aliases", 2, "entry_id", msg.UNKNOWN_ENTRY)
    assert _only(read_candidate_bytes("notes.csv", b"a,b\n1,2\n", shipped, POLICY)).template == msg.UNKNOWN_TABLE


# ---------------------------------------------------------------------------------- national portal


def _record(code: str, name: str, url: str = PORTAL_URL) -> dict[str, str]:
    return {
        "ma_thu_tuc": code,
        "ten_thu_tuc": name,
        "linh_vuc": "Hộ tịch",
        "cap_thuc_hien": "Cấp xã",
        "co_quan_thuc_hien": "Ủy ban nhân dân cấp xã",
        "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1 Ngày làm việcMiễn phíNộp trực tuyến",
        "thanh_phan_ho_so": "Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai đăng ký1 bản chính",
        "detail_url": url,
        "so_quyet_dinh": "163/QĐ-BTP",
    }


def test_portal_records_replace_the_national_listing(shipped: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl.gz"
    lines = [_record("1.999001", "Thủ tục thử một"), _record("1.999002", "Thủ tục thử hai")]
    path.write_bytes(gzip.compress("\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()))
    candidate = read(path, shipped)
    assert candidate.ok and [card.code for card in candidate.listing] == ["1.999001", "1.999002"]
    card = candidate.listing[0]
    assert card.url == PORTAL_URL and card.online and card.time == "1 ngày làm việc" and card.fee == "Miễn phí"
    assert candidate.entries == tuple(shipped.entries.values())
    diff = diff_catalogs(shipped, candidate.entries, candidate.listing)
    assert diff.listing_added == ("1.999001", "1.999002") and len(diff.listing_removed) == len(shipped.listing)
    bad = [_record("1.999001", "A"), _record("1.99", "B"), _record("1.999001", "C"), _record("1.999003", "D", EVIL)]
    path.write_text("\n".join(json.dumps(line) for line in bad), encoding="utf-8")
    found = read(path, shipped).problems
    assert [(problem.row, problem.field, problem.template) for problem in found] == [
        (2, "ma_thu_tuc", msg.BAD_CODE),
        (3, "ma_thu_tuc", msg.DUPLICATE_LISTING_CODE),
        (4, "detail_url", msg.LINK_NOT_OFFICIAL),
    ]


def test_shared_portal_records_import_cleanly(shipped: Catalog) -> None:
    source = Path(__file__).resolve().parents[2] / "shared" / "data" / "national-procedures.jsonl.gz"
    if not source.exists():
        pytest.skip("../shared/data is not available")
    candidate = read(source, shipped)
    assert candidate.ok and len(candidate.listing) == 2642
    assert diff_catalogs(shipped, candidate.entries, candidate.listing).is_empty


def _portal_list(rows: list[list[object]], url_column: bool = False) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sach"
    sheet.append(["DANH SÁCH THỦ TỤC HÀNH CHÍNH"])  # exported lists carry a title row
    headers = ["STT", "MÃ SỐ", "Tên", "Cơ quan ban hành", "co quan thuc hien", "Lĩnh Vực"]
    sheet.append(headers + (["Đường dẫn"] if url_column else []))
    for row in rows:
        sheet.append(row)
    return book


def test_portal_list_updates_known_codes_and_refuses_new_codes_without_link(shipped: Catalog, tmp_path: Path) -> None:
    known = shipped.listing["1.000178"]
    book = _portal_list(
        [
            [1, "1.000178", "Tên mới của thủ tục", "Bộ Công an", "Thanh tra Bộ", "Khiếu nại, tố cáo"],
            [2, "1.999010", "Thủ tục mới", "Bộ Tư pháp", "UBND cấp xã", "Hộ tịch"],
            [3, "1.999010", "Trùng mã", "Bộ Tư pháp", "UBND cấp xã", "Hộ tịch"],
            [4, "1.9990", "Mã sai", "Bộ Tư pháp", "UBND cấp xã", "Hộ tịch"],
            [5, "1.999011", "", "Bộ Tư pháp", "UBND cấp xã", "Hộ tịch"],
        ]
    )
    book.save(tmp_path / "danh-sach.xlsx")
    candidate = read(tmp_path / "danh-sach.xlsx", shipped)
    assert [(problem.sheet, problem.row, problem.field, problem.template) for problem in candidate.problems] == [
        ("Danh sach", 4, "MÃ SỐ", msg.NO_OFFICIAL_LINK),
        ("Danh sach", 5, "MÃ SỐ", msg.DUPLICATE_LISTING_CODE),
        ("Danh sach", 6, "MÃ SỐ", msg.BAD_CODE),
        ("Danh sach", 7, "Tên", msg.MISSING_FIELD),
    ]
    book = _portal_list([[1, "1.000178", "Tên mới của thủ tục", "Bộ Công an", "Thanh tra Bộ", "Khiếu nại"]])
    book.save(tmp_path / "danh-sach.xlsx")
    candidate = read(tmp_path / "danh-sach.xlsx", shipped)
    assert candidate.ok
    card = {card.code: card for card in candidate.listing}["1.000178"]
    assert card.name == "Tên mới của thủ tục" and card.sector == "Khiếu nại"
    assert (card.url, card.fee, card.time, card.documents) == (known.url, known.fee, known.time, known.documents)
    diff = diff_catalogs(shipped, candidate.entries, candidate.listing)
    assert diff.listing_changed == ("1.000178",) and not diff.listing_added and not diff.changed


def test_portal_list_csv_adds_a_new_code_with_an_official_link(shipped: Catalog) -> None:
    content = (
        "Mã số,Tên,Cơ quan ban hành,Cơ quan thực hiện,Lĩnh vực,Đường dẫn\n"
        f"1.999020,Thủ tục mới,Bộ Tư pháp,UBND cấp xã,Hộ tịch,{PORTAL_URL}\n"
        f"1.999021,Thủ tục giả,Bộ Tư pháp,UBND cấp xã,Hộ tịch,{EVIL}\n"
    ).encode("utf-8-sig")
    problem = _only(read_candidate_bytes("danh-sach.csv", content, shipped, POLICY))
    assert located(problem) == ("danh-sach", 3, "Đường dẫn", msg.LINK_NOT_OFFICIAL)
    candidate = read_candidate_bytes("danh-sach.csv", content.rsplit(b"\n", 2)[0] + b"\n", shipped, POLICY)
    assert candidate.ok
    card = {card.code: card for card in candidate.listing}["1.999020"]
    assert (card.name, card.agency, card.url) == ("Thủ tục mới", "UBND cấp xã", PORTAL_URL)
    assert diff_catalogs(shipped, candidate.entries, candidate.listing).listing_added == ("1.999020",)


# ---------------------------------------------------------------------------------- rendering


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
    problem = _only(candidate)
    assert problem.params["url"] == EVIL and problem.params["allowed"] == "*.gov.vn"
    assert "only official links on *.gov.vn may be shown, to protect citizens from phishing" in str(problem)

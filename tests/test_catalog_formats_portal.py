"""The national portal's files: its records replacing the listing, its lists updating known codes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]

from procedures import problems as msg
from procedures.catalog import Catalog
from procedures.diff import diff_catalogs
from procedures.formats import read_candidate_bytes
from tests.catalog_files import EVIL, POLICY, PORTAL_URL, located, only_problem, read


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load()


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
    problem = only_problem(read_candidate_bytes("danh-sach.csv", content, shipped, POLICY))
    assert located(problem) == ("danh-sach", 3, "Đường dẫn", msg.LINK_NOT_OFFICIAL)
    candidate = read_candidate_bytes("danh-sach.csv", content.rsplit(b"\n", 2)[0] + b"\n", shipped, POLICY)
    assert candidate.ok
    card = {card.code: card for card in candidate.listing}["1.999020"]
    assert (card.name, card.agency, card.url) == ("Thủ tục mới", "UBND cấp xã", PORTAL_URL)
    assert diff_catalogs(shipped, candidate.entries, candidate.listing).listing_added == ("1.999020",)

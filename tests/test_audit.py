"""The catalog audit: the shipped listing and the bot's own texts hold every count at 0 (beyond the
listed exceptions); the curated checks, the readings and the command work on small synthetic data.

Every date is fixed: the audit takes ``today`` as an argument.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import pytest

from bot.cli.main import main
from bot.i18n import Languages
from bot.stats.digest import audit_lines, citizen_texts
from procedures import national
from procedures.audit import (
    MAX_EXCEPTIONS_PER_KIND,
    AuditException,
    Kind,
    audit_card,
    audit_entry,
    audit_texts,
    load_exceptions,
    run_audit,
    source_is_primary,
)
from procedures.catalog import Catalog
from procedures.models import ListingEntry, ListingRow, Procedure

TODAY = dt.date(2026, 12, 6)
URL = "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/00000000-0000-0000-0000-000000000000"


# ---------------------------------------------------------------------------------- the shipped data


def test_shipped_listing_and_bot_texts_hold_every_count_at_zero(catalog: Catalog) -> None:
    report = run_audit(catalog.listing.values(), (), citizen_texts(), TODAY)
    assert report.counts() == dict.fromkeys(report.counts(), 0), [
        (finding.kind.value, finding.subject, finding.detail) for finding in report.findings
    ]
    curated = {entry.id for entry in catalog}  # their exceptions are used by the curated audit below
    unused = [item for item in report.unused if item.subject not in curated]
    assert not unused, "an exception that matches nothing should be removed"
    # what the cards handle instead of hiding: the 26 abolished offices, 77 contradicted "free" …
    assert report.handled["office_successor"] + report.handled["office_notice"] >= 26
    assert report.handled["fee_may_apply"] >= 77
    assert report.handled["repealed_answered"] == 2


def test_exceptions_are_few_and_explained() -> None:
    exceptions = load_exceptions()
    assert max(Counter(item.kind for item in exceptions).values()) <= MAX_EXCEPTIONS_PER_KIND
    assert all(len(item.reason) > 40 for item in exceptions)


def test_too_many_exceptions_of_one_kind_are_refused(tmp_path: Any) -> None:
    path = tmp_path / "exceptions.yaml"
    path.write_text(
        "\n".join(f"- {{kind: unparsed_fee, subject: '1.00000{i}', reason: because}}" for i in range(6)),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="more than 5"):
        load_exceptions(path)


def test_bot_texts_are_scanned() -> None:
    texts = citizen_texts()
    assert any(where.startswith("bot/locales/vi/LC_MESSAGES/messages.po") for where, _ in texts)
    assert any(where.startswith("bot/conversation/contacts.py") for where, _ in texts)


def test_abolished_units_in_texts_are_found_but_history_is_not() -> None:
    found = audit_texts(
        [
            ("a", "Nộp tại UBND huyện nơi bạn cư trú."),
            ("b", "Hỏi Chi cục Thuế quận."),
            ("c", "Ask the district police."),
            ("d", "Địa chỉ cũ: phường Bến Nghé, Quận 1 cũ."),
            ("e", "There is no district level since 1 July 2025: ask the UBND xã/phường."),
            ("f", "Giấy xác nhận của cơ quan xây dựng cấp huyện trước ngày 01 tháng 7 năm 2025."),
            ("g", "Từ 01/07/2025 không còn cấp huyện — hỏi UBND xã/phường."),
        ]
    )
    assert sorted({finding.subject for finding in found}) == ["a", "b", "c"]
    assert all(finding.kind is Kind.ABOLISHED_OFFICE for finding in found)


# ---------------------------------------------------------------------------------- readings


def test_every_fee_format_is_read() -> None:
    amounts = [
        (money.amount, money.currency)
        for money in national.find_money(
            "60,000 Việt Nam Đồng; 50.000 đồng; Lệ phí: 100.000 đồng/hồ sơ; 25.000.000đ/giấy; "
            "1,5 triệu đồng; 200 USD/lần"
        )
    ]
    assert amounts == [
        (60_000, "VND"), (50_000, "VND"), (100_000, "VND"), (25_000_000, "VND"), (1_500_000, "VND"), (200, "USD")
    ]  # fmt: skip
    assert national.money_cell("60,000 Việt Nam Đồng") == national.Money(60_000, "VND", "60,000 Việt Nam Đồng")


def test_rows_split_a_bare_time_from_the_fee_that_follows_it() -> None:
    rows = national.parse_rows(
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1100 VNĐ(Phí công bố: 100.000 đồng/lần)"
        "Trực tiếp5 Ngày làm việc70,000 Việt Nam Đồng((áp dụng đến 31/12/2026))Nộp tại trụ sở"
    )
    assert [(row.time, row.fee, row.fee_note, row.description) for row in rows] == [
        ("1", "100 VNĐ", "Phí công bố: 100.000 đồng/lần", ""),
        ("5 Ngày làm việc", "70,000 Việt Nam Đồng", "áp dụng đến 31/12/2026", "Nộp tại trụ sở"),
    ]


def _card(*rows: ListingRow, code: str = "1.999001", agency: str = "UBND cấp xã", **extra: Any) -> ListingEntry:
    return ListingEntry(code=code, name="Thủ tục thử", sector="Thử", agency=agency, url=URL, rows=rows, **extra)


def _row(time: str = "5 Ngày làm việc", fee: str = "Miễn phí", note: str = "", description: str = "") -> ListingRow:
    return ListingRow(channels=("Trực tuyến",), time=time, fee=fee, fee_note=note, description=description)


def test_fee_readings() -> None:
    kinds = national.FeeKind
    read = national.read_fee
    assert read(_row()).kind is kinds.FREE  # type: ignore[union-attr]
    assert read(_row(note="Không có")).kind is kinds.FREE  # type: ignore[union-attr]
    council = read(_row(note="Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định."))
    assert council is not None and (council.kind, council.set_by) == (kinds.MAY_APPLY, "council")
    stated = read(_row(note="Lệ phí cấp mới 200 USD/lần; lệ phí cấp lại 100 USD/lần."))
    assert stated is not None and stated.kind is kinds.MAY_APPLY and len(stated.amounts) == 2
    cell = read(_row(fee="60,000 Việt Nam Đồng", note="/hồ sơ (Thông tư số 61/2023/TT-BTC)"))
    assert cell is not None and (cell.kind, cell.per, cell.quote) == (
        kinds.AMOUNT,
        "/hồ sơ",
        "Thông tư số 61/2023/TT-BTC",
    )
    # the portal drops thousands ("135 VNĐ" for 135.000 đồng): the note's words are used, never the cell
    dropped = read(_row(fee="135 VNĐ", note="Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần."))
    assert dropped is not None and dropped.kind is kinds.STATED and dropped.amounts[0].amount == 135_000
    unclear = read(_row(fee="850 VNĐ"))
    assert unclear is not None and unclear.kind is kinds.UNCLEAR


def test_times_keep_their_cases_and_units() -> None:
    card = _card(
        _row("12 Ngày làm việc", description="Trường hợp cấp mới"), _row("2 Ngày làm việc", description="Cấp lại")
    )
    lines = national.read_times(card)
    assert [(line.amount, line.unit, line.case) for line in lines] == [
        (12, "working_day", "Trường hợp cấp mới"),
        (2, "working_day", "Cấp lại"),
    ]
    bare = national.read_times(_card(_row("3")))
    assert [(line.amount, line.unit) for line in bare] == [(3, "")]
    said = national.read_times(_card(_row("1", description="01 ngày làm việc kể từ khi nhận đơn")))
    assert [(line.unit, line.unit_from_text) for line in said] == [("working_day", True)]


# ---------------------------------------------------------------------------------- listing checks


def test_listing_checks() -> None:
    handled: Counter[str] = Counter()
    repealed = national.load_repealed()
    assert not audit_card(_card(_row(note="do Hội đồng nhân dân tỉnh quyết định")), repealed, handled)
    assert handled["fee_may_apply"] == 1
    assert not audit_card(_card(_row(), agency="Chi cục thuế huyện"), repealed, handled)
    assert handled["office_successor"] == 1
    kinds = [finding.kind for finding in audit_card(_card(_row(), code="2.000986"), repealed, handled)]
    assert kinds == [Kind.REPEALED_CODE]  # a repealed code without its replacement is served as current
    unknown = audit_card(_card(_row(), agency="Phòng Văn hóa quận"), repealed, handled)
    assert [finding.kind for finding in unknown] == [Kind.ABOLISHED_OFFICE]
    typo = audit_card(_card(_row(fee="Miễn phí", note="10.000.0000 đồng (cấp mới)")), repealed, handled)
    assert [finding.kind for finding in typo] == [Kind.UNPARSED_FEE]


# ---------------------------------------------------------------------------------- curated checks


def _entry(**facts: Any) -> Procedure:
    data: dict[str, Any] = {
        "id": "thu-nghiem",
        "kind": "procedure",
        "codes": ["1.999002"],
        "sector": {"vi": "Thử"},
        "name": {"vi": "Thủ tục thử"},
        "summary": {"vi": "Tóm tắt."},
        "source_url": URL,
        "last_verified": "2026-11-30",
        "steps": [{"id": "buoc-1", "text": {"vi": "Làm bước một.", "en": "Do step one."}}],
    }
    return Procedure.model_validate(data | facts)


def _evidence(fact: str, source: str = "1.999002", checked: str = "2026-11-30", **extra: Any) -> dict[str, Any]:
    return {"fact": fact, "source": source, "checked": checked, **extra}


def _kinds(entry: Procedure, records: dict[str, ListingEntry] | None = None) -> list[tuple[Kind, str]]:
    return [(finding.kind, finding.detail.split(":")[0]) for finding in audit_entry(entry, TODAY, records or {})]


def test_a_well_sourced_entry_has_no_finding() -> None:
    entry = _entry(
        documents=[{"id": "to-khai", "name": {"vi": "Tờ khai"}}],
        fees=[{"label": {"vi": "Lệ phí"}, "amount_vnd": 50000}],
        processing_time=[{"amount": 3, "unit": "working_day"}],
        agency={"levels": ["xa"], "name": {"vi": "UBND cấp xã"}},
        evidence=[
            _evidence("documents"),
            _evidence("agency", "Nghị định 118/2025/NĐ-CP"),
            _evidence("fees.0", "Thông tư 64/2025/TT-BTC"),
            _evidence("processing_time.0", "https://dichvucong.gov.vn/p/home/dvc-tthc.html"),
        ],
    )
    record = _card(_row("3 Ngày làm việc", fee="50,000 Việt Nam Đồng"), code="1.999002")
    assert _kinds(entry, {"1.999002": record}) == []


def test_curated_facts_without_source_secondary_and_stale() -> None:
    entry = _entry(
        documents=[{"id": "to-khai", "name": {"vi": "Tờ khai"}}],
        fees=[{"label": {"vi": "Lệ phí"}, "amount_vnd": 50000}],
        processing_time=[{"amount": 3, "unit": "working_day"}],
        last_verified="2026-05-01",
        evidence=[
            _evidence("documents", "https://thuvienphapluat.vn/bai-viet", checked="2026-05-01"),
            _evidence("fees.0", "https://vnexpress.net/le-phi"),
        ],
    )
    assert sorted(_kinds(entry)) == sorted(
        [
            (Kind.FACT_WITHOUT_SOURCE, "processing_time.0"),
            (Kind.SECONDARY_SOURCE, "documents"),
            (Kind.SECONDARY_SOURCE, "fees.0"),
            (Kind.STALE_DATE, "documents"),
            (Kind.STALE_DATE, "last_verified 2026-05-01"),
        ]
    )


def test_curated_abolished_office_repealed_code_and_fees() -> None:
    entry = _entry(
        codes=["2.000986"],
        steps=[{"id": "buoc-1", "text": {"vi": "Nộp hồ sơ tại UBND huyện.", "en": "File at the district office."}}],
        fees=[
            {"label": {"vi": "Lệ phí"}, "amount_vnd": 0, "note": {"vi": "Mức thu theo Nghị quyết HĐND tỉnh."}},
            {"label": {"vi": "Phí khác"}},
        ],
        evidence=[_evidence("fees.0"), _evidence("fees.1")],
    )
    assert sorted(_kinds(entry)) == sorted(
        [
            (Kind.REPEALED_CODE, "code 2.000986 was replaced by 3.000722"),
            (Kind.ABOLISHED_OFFICE, "steps.buoc-1"),
            (Kind.FREE_VS_FEE, "fees.0"),
            (Kind.UNPARSED_FEE, "fees.1"),
        ]
    )


def test_curated_times_are_checked_against_their_record() -> None:
    entry = _entry(processing_time=[{"amount": 1, "unit": "working_day"}], evidence=[_evidence("processing_time.0")])
    bare = _card(_row("1"), code="1.999002")
    assert _kinds(entry, {"1.999002": bare}) == [(Kind.TIME_UNIT, "processing_time.0")]
    cases = _card(_row("12 Ngày làm việc", description="Cấp mới"), _row("2 Ngày làm việc", description="Cấp lại"))
    assert _kinds(entry, {"1.999002": cases.model_copy(update={"code": "1.999002"})}) == [
        (Kind.TIME_CASES, "processing_time.0")
    ]
    hedged = _entry(
        processing_time=[{"amount": 1, "unit": "working_day"}],
        evidence=[_evidence("processing_time.0", hedge={"vi": "Hỏi lại nơi nộp hồ sơ."})],
    )
    assert _kinds(hedged, {"1.999002": bare}) == []


def test_primary_sources() -> None:
    assert source_is_primary("1.001193")
    assert source_is_primary("Luật Bảo hiểm xã hội số 41/2024/QH15")
    assert source_is_primary("Quyết định 3582/QĐ-UBND ngày 08/9/2026")
    assert source_is_primary("https://vbpl.vn/van-ban/1")
    assert source_is_primary("https://xaydungchinhsach.chinhphu.vn/bai")
    assert source_is_primary("https://www.evnhcmc.vn/tin")
    assert not source_is_primary("https://thuvienphapluat.vn/van-ban/1")
    assert not source_is_primary("https://kgo.life/bai")
    assert not source_is_primary("a friend said so")


def test_exceptions_are_reported_apart() -> None:
    entry = _entry(fees=[{"label": {"vi": "Lệ phí"}, "amount_vnd": 50000}])
    accepted = [AuditException(Kind.FACT_WITHOUT_SOURCE, "thu-nghiem", "no source settles it (test)")]
    report = run_audit((), (entry,), (), TODAY, exceptions=accepted)
    assert report.counts()[Kind.FACT_WITHOUT_SOURCE] == 0
    assert report.excepted_counts()[Kind.FACT_WITHOUT_SOURCE] == 1
    lines = audit_lines(report, Languages().get("vi"))
    assert lines[0] == "Rà soát danh mục (06/12/2026): 0 vấn đề."
    assert "• thông tin biên soạn chưa có nguồn: 0 (+1 ngoại lệ đã chấp nhận)" in lines


# ---------------------------------------------------------------------------------- the command


def test_catalog_audit_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "audit", "--today", "2026-12-06", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["today"] == "2026-12-06"
    assert set(data["counts"]) == {kind.value for kind in Kind}
    listing = [item for item in data["findings"] if item["source"] in ("listing", "text")]
    assert listing == []
    assert data["handled"]["repealed_answered"] == 2


def test_shipped_curated_entries_have_a_source_for_every_fact(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "audit", "--today", "2026-12-06", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    curated = Counter(item["kind"] for item in data["findings"] if item["source"] == "curated")
    # Every fee, time, document list and agency names its source; no abolished office, no wrong unit;
    # a secondary-only source only where a listed exception says why no official page settles it.
    assert curated == Counter()
    assert data["unused_exceptions"] == [], "an exception that matches nothing should be removed"


def test_an_entrys_last_verified_is_the_latest_date_its_facts_were_checked(catalog: Catalog) -> None:
    for entry in catalog:
        assert entry.evidence, entry.id
        assert entry.last_verified == max(item.checked for item in entry.evidence), entry.id

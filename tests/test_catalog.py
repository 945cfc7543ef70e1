"""The shipped catalog: every required entry, valid, sourced, and only official links."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from procedures import loader
from procedures.catalog import Catalog
from procedures.links import LinkPolicy
from procedures.loader import dump_entry, load_yaml, parse_entry
from procedures.models import Procedure
from procedures.validation import required_ids, validate_catalog


def test_shipped_catalog_is_valid_and_complete(catalog: Catalog) -> None:
    problems = validate_catalog(list(catalog), LinkPolicy(), required_ids())
    assert problems == []
    assert set(required_ids()) <= set(catalog.entries)
    assert len(required_ids()) == 44


def test_every_entry_is_sourced_and_dated(catalog: Catalog) -> None:
    policy = LinkPolicy()
    for entry in catalog:
        assert policy.is_allowed(entry.source_url), entry.id
        assert entry.last_verified <= dt.date.today(), entry.id
        assert len(entry.steps) >= 4, entry.id
        assert all(step.text.en for step in entry.steps), entry.id


def test_national_listing_is_shipped(catalog: Catalog) -> None:
    assert len(catalog.listing) > 2500
    card = catalog.card("1.000178")
    assert card is not None and card.url.startswith("https://dichvucong.gov.vn/")


def test_curated_entries_take_precedence_over_listing(catalog: Catalog) -> None:
    for entry in catalog:
        for code in entry.codes:
            assert (code in catalog.listing) == (code in entry.partial_codes)
            assert catalog.by_code(code) is entry


def test_a_code_covered_in_part_keeps_its_listing_card(catalog: Catalog) -> None:
    # The health insurance card guide covers 1.002759 only for the card; the record's social
    # insurance book is found through its own listing card.
    guide, birth = catalog.get("cap-lai-bhyt"), catalog.get("khai-sinh")
    assert guide is not None and birth is not None
    assert guide.partial_codes == ("1.002759",)
    assert catalog.card("1.002759") is not None
    base = yaml.safe_load(dump_entry(birth))
    errors = parse_entry({**base, "partial_codes": ["1.002759"]}, "khai-sinh.yaml")
    assert isinstance(errors, list) and "partial_codes" in str(errors[0])


def _entry(**changes: object) -> Procedure:
    base: dict[str, object] = {
        "id": "thu-nghiem",
        "kind": "guide",
        "sector": {"vi": "Thử"},
        "name": {"vi": "Thử nghiệm", "en": "Test"},
        "summary": {"vi": "Một mục thử."},
        "source_url": "https://dichvucong.gov.vn/p/home",
        "last_verified": "2026-11-01",
        "steps": [
            {"id": "mot", "text": {"vi": "Một", "en": "One"}},
            {"id": "hai", "text": {"vi": "Hai", "en": "Two"}},
            {"id": "ba", "text": {"vi": "Ba", "en": "Three"}},
            {"id": "bon", "text": {"vi": "Bốn", "en": "Four"}},
        ],
    }
    base.update(changes)
    result = parse_entry(base, "test.yaml")
    assert isinstance(result, Procedure), result
    return result


def test_validator_reports_broken_branch_and_unreachable_step() -> None:
    steps = [
        {"id": "mot", "text": {"vi": "Một", "en": "One"}, "check": {"question": {"vi": "Có?"}, "if_no": "khong-co"}},
        {"id": "hai", "text": {"vi": "Hai", "en": "Two"}, "next": "end"},
        {"id": "ba", "text": {"vi": "Ba", "en": "Three"}},
        {"id": "bon", "text": {"vi": "Bốn", "en": "Four"}, "next": "guide:khong-ton-tai"},
    ]
    problems = [str(p) for p in validate_catalog([_entry(steps=steps)])]
    assert any("no step 'khong-co'" in p for p in problems)
    assert any("'ba' cannot be reached" in p for p in problems)
    assert any("no guide 'khong-ton-tai'" in p for p in problems)


def test_validator_rejects_links_outside_official_domains() -> None:
    entry = _entry(
        source_url="https://dichvucong.gov.vn.evil.example/x",
        channels=[{"kind": "portal", "name": {"vi": "Giả"}, "url": "http://dichvucong-gov.vn/"}],
        summary={"vi": "Xem thêm tại bit.ly/abc"},
    )
    problems = [str(p) for p in validate_catalog([entry])]
    assert sum("not on an official domain" in p for p in problems) == 3


def test_validator_reports_duplicates_and_missing_required() -> None:
    entry = _entry()
    problems = [str(p) for p in validate_catalog([entry, entry], required=["thu-nghiem", "khai-sinh"])]
    assert any("id is used by 2 entries" in p for p in problems)
    assert any("khai-sinh" in p and "missing" in p for p in problems)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://dichvucong.gov.vn/p/home", True),
        ("https://vneid.gov.vn", True),
        ("dichvucong.gov.vn", True),
        ("http://dichvucong.gov.vn", False),
        ("https://dichvucong.gov.vn.example.com", False),
        ("https://user@dichvucong.gov.vn", False),
        ("https://gov.vn.phishing.io", False),
        ("https://notgov.vn", False),
    ],
)
def test_link_policy(url: str, allowed: bool) -> None:
    assert LinkPolicy().is_allowed(url) is allowed


def test_yaml_round_trip(catalog: Catalog) -> None:
    entry = catalog.entries["khai-sinh"]
    import yaml

    again = parse_entry(yaml.safe_load(dump_entry(entry)), "khai-sinh.yaml")
    assert again == entry


def test_catalog_yaml_is_read_with_the_c_loader() -> None:
    assert yaml.__with_libyaml__, "PyYAML without libyaml reads the catalog ~10x slower"
    assert loader._SafeLoader is yaml.CSafeLoader


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # an anchor and its alias
        "a: &x [1, 2]\n",  # an anchor alone
        "b: *x\n",  # an alias alone (refused before it is found undefined)
        'name: "A & B"\nsteps: &s [1]\nmore: *s\n',  # a legitimate "&" before the anchor
    ],
)
def test_anchors_and_aliases_are_refused(text: str) -> None:
    with pytest.raises(yaml.MarkedYAMLError, match="anchors and aliases"):
        load_yaml(text)


def test_ampersands_and_asterisks_in_text_are_plain_data() -> None:
    text = 'name: "Sở TN&MT"\nurl: https://x.gov.vn/?a=1&b=2\nnote: "*bắt buộc*"\nlist: [a, "*"]\n'
    assert load_yaml(text) == {
        "name": "Sở TN&MT",
        "url": "https://x.gov.vn/?a=1&b=2",
        "note": "*bắt buộc*",
        "list": ["a", "*"],
    }
    assert load_yaml("a: 1\nb: [x, y]\n") == {"a": 1, "b": ["x", "y"]}


def test_catalog_validate_command(tmp_path, dvcbot) -> None:  # type: ignore[no-untyped-def]
    ok = dvcbot("catalog", "validate")
    assert ok.returncode == 0 and "OK: 44 curated entries" in ok.stdout
    bad = tmp_path / "catalog"
    bad.mkdir()
    (bad / "x.yaml").write_text(
        "id: x\nkind: guide\nsector: {vi: A}\nname: {vi: B}\nsummary: {vi: C}\n"
        "source_url: https://evil.example.com/\nlast_verified: 2026-11-01\n"
        "steps:\n  - {id: a, text: {vi: a, en: a}, next: nowhere}\n",
        encoding="utf-8",
    )
    failed = dvcbot("catalog", "validate", env={"DVCBOT_CATALOG_DIR": str(bad)})
    assert failed.returncode == 1
    assert "not on an official domain" in failed.stdout and "no step 'nowhere'" in failed.stdout


def test_every_field_an_upload_can_change_has_plain_words() -> None:
    from procedures.diff import FIELD_WORDS

    assert set(Procedure.model_fields) - {"id"} <= set(FIELD_WORDS)  # never a raw name such as "partial_codes"


def test_a_stored_summary_is_read_in_the_readers_language() -> None:
    from bot.i18n import Languages
    from procedures.diff import stored_summary

    vi = Languages().get("vi").gettext
    stored = "2 procedures changed, 0 added, 1 removed; national listing: +0 −1 ~0"
    assert stored_summary(stored, vi) == "2 thủ tục thay đổi, 0 thêm mới, 1 xoá; danh mục quốc gia: +0 −1 ~0"
    assert "phiên bản 3" in stored_summary("rollback to version 3 (danh-muc.xlsx)", vi)
    assert stored_summary("an officer's own words", vi) == "an officer's own words"

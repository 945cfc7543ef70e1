"""Old → new addresses after the 1 July 2025 merger: answers, questions, never a guess."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.cli.main import main
from procedures.addresses import (
    AddressStatus,
    Ask,
    CommuneNotFound,
    commune_by_code,
    commune_from_name,
    commune_label,
    resolve,
    street_spans,
    without_streets,
)

SAI_GON = "26740"


@pytest.mark.parametrize(
    "text",
    [
        "phường Bến Nghé, Quận 1 cũ",
        "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
        "Bến Nghé Q1",
        "P. Bến Nghé, Q.1, TP.HCM",
        "phuong ben nghe quan 1 tphcm",  # no diacritics
        "P BEN NGHE, Q1",
        "số 12 đường Lê Lợi, phường Bến Nghé, quận 1",  # the street is ignored
    ],
)
def test_ben_nghe_district_1_is_now_sai_gon(text: str) -> None:
    answer = resolve(text)
    assert answer.status is AddressStatus.EXACT and answer.ask is Ask.NOTHING
    assert answer.code == SAI_GON and answer.commune is not None
    assert answer.commune.full_name == "Phường Sài Gòn, Thành phố Hồ Chí Minh"
    assert [old.full_name for old in answer.old] == ["Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh"]
    assert answer.province is not None and answer.province.code == "79"


@pytest.mark.parametrize(
    "text", ["phường Sài Gòn", "phuong sai gon", "P. Sài Gòn, TP Hồ Chí Minh", "phường Sài Gòn mới"]
)
def test_a_current_name_is_already_new(text: str) -> None:
    answer = resolve(text)
    assert answer.status is AddressStatus.ALREADY_NEW and answer.code == SAI_GON and answer.old == ()


def test_a_split_commune_lists_the_candidates_and_picks_none() -> None:
    answer = resolve("xa tan lap huyen dan phuong ha noi")  # divided between Ô Diên and Hoài Đức
    assert answer.status is AddressStatus.SPLIT and answer.ask is Ask.WHICH_NEW
    assert answer.commune is None and answer.code is None
    assert {c.name for c in answer.candidates} == {"Xã Ô Diên", "Xã Hoài Đức"}
    assert [old.full_name for old in answer.old] == ["Xã Tân Lập, Huyện Đan Phượng, Thành phố Hà Nội"]
    assert answer.province is not None and answer.province.name == "Thành phố Hà Nội"
    four = resolve("phường Điện Biên, quận Ba Đình")
    assert four.status is AddressStatus.SPLIT and len(four.candidates) == 4


def test_a_split_the_package_misses_comes_from_the_official_table() -> None:
    answer = resolve("xã Công Đa, huyện Yên Sơn, Tuyên Quang")
    assert answer.status is AddressStatus.SPLIT
    assert {c.name for c in answer.candidates} == {"Xã Trung Sơn", "Xã Thái Bình"}


def test_a_name_many_communes_carry_asks_for_the_province_then_the_district() -> None:
    everywhere = resolve("xã Tân Lập")
    assert everywhere.status is AddressStatus.AMBIGUOUS and everywhere.ask is Ask.PROVINCE
    assert everywhere.commune is None and len(everywhere.old) > 10
    in_phu_tho = resolve("xã Tân Lập, Phú Thọ")  # three old Tân Lập now in Phú Thọ (with Vĩnh Phúc, Hòa Bình)
    assert in_phu_tho.status is AddressStatus.AMBIGUOUS and in_phu_tho.ask is Ask.DISTRICT
    assert in_phu_tho.province is not None and in_phu_tho.province.name == "Tỉnh Phú Thọ"
    assert len(in_phu_tho.old) == 3
    old_or_new = resolve("xã Tân Lập, Tây Ninh")  # today's Tân Lập, or one of three old ones now in Tây Ninh
    assert old_or_new.status is AddressStatus.AMBIGUOUS and old_or_new.ask is Ask.OLD_OR_NEW
    assert resolve("xã Tân Lập, Tây Ninh mới").code == "25489"
    assert resolve("xã Tân Lập, Tây Ninh", current=True).code == "25489"
    settled = resolve("Xã Tân Lập, huyện Sông Lô, tỉnh Vĩnh Phúc")
    assert settled.status is AddressStatus.EXACT and settled.commune is not None
    assert settled.commune.full_name == "Xã Tam Sơn, Tỉnh Phú Thọ"


# "công an" is not "Cô Ngân" (Cao Bằng): the letters agree, the syllables do not. "tỉnh bác sĩ" is
# not Tịnh Bắc (Quảng Ngãi): "bác" was typed with a plain "a" under its tone, the name has "ă".
@pytest.mark.parametrize(
    "text",
    ["", "abc xyz", "tôi muốn làm căn cước", "12345", "ở công an xã được không", "đi khám ở bệnh viện tỉnh bác sĩ bảo"],
)
def test_unknown_is_unknown(text: str) -> None:
    answer = resolve(text)
    assert answer.status is AddressStatus.UNKNOWN and answer.ask is Ask.COMMUNE
    assert answer.commune is None and answer.candidates == () and answer.province is None


def test_a_province_or_district_alone_gives_the_province_and_asks_the_commune() -> None:
    merged = resolve("tỉnh Hải Dương")
    assert merged.status is AddressStatus.UNKNOWN and merged.ask is Ask.COMMUNE
    assert merged.province is not None and merged.province.name == "Thành phố Hải Phòng"
    district = resolve("Quận 1 cũ")
    assert district.status is AddressStatus.UNKNOWN and district.province is not None
    assert district.province.code == "79"


def test_a_district_that_went_whole_to_one_unit_is_exact() -> None:
    answer = resolve("huyện Côn Đảo")
    assert answer.status is AddressStatus.EXACT and answer.commune is not None
    assert answer.commune.full_name == "Đặc khu Côn Đảo, Thành phố Hồ Chí Minh"


def test_short_forms_and_numbered_wards() -> None:
    for text in ("phường 12 quận 3", "P.12, Q.3", "p12 q3 hcm", "F12 Q3"):
        answer = resolve(text)
        assert answer.status is AddressStatus.EXACT, text
        assert answer.commune is not None and answer.commune.name == "Phường Nhiêu Lộc"
    town = resolve("TT Phùng, Đan Phượng")
    assert town.commune is not None and town.commune.name == "Xã Đan Phượng"


def test_typed_diacritics_tell_names_apart() -> None:
    # "Hải Dương" (a former province) is not "Hải Đường" (a commune in Nam Định)
    assert all(old.name != "Xã Hải Đường" for old in resolve("Hải Dương").old)
    assert resolve("Hải Dương").province is not None
    # Typed without marks a name may be any that folds alike; with its own marks it is itself.
    assert any(old.name == "Xã Tịnh Bắc" for old in resolve("xa tinh bac").old)
    assert any(old.name == "Xã Tịnh Bắc" for old in resolve("xã Tịnh Bắc, tỉnh Quảng Ngãi").old)
    # A hat left out under a typed tone still names a province, or a name after its unit word.
    for typed, province in (("Hué", "Thành phố Huế"), ("Hà Nọi", "Thành phố Hà Nội"), ("Bác Ninh", "Tỉnh Bắc Ninh")):
        found = resolve(typed).province
        assert found is not None and found.name == province, typed
    ward = resolve("phường Bén Nghé quận 1")
    assert ward.commune is not None and ward.commune.name == "Phường Sài Gòn"


def test_an_earlier_name_of_a_ward_is_understood() -> None:
    answer = resolve("phường Nguyễn Trung Trực, Ba Đình")  # merged into Trúc Bạch before 2025
    assert answer.commune is not None and answer.commune.name == "Phường Ba Đình"


def test_commune_label_shows_codes_by_name_and_older_text_as_it_is() -> None:
    assert commune_label("26740") == "Phường Sài Gòn"
    assert commune_label("26740", full=True) == "Phường Sài Gòn, Thành phố Hồ Chí Minh"
    assert commune_label("Xã Tân Lập") == "Xã Tân Lập" and commune_label(None) is None


def test_commune_by_code() -> None:
    commune = commune_by_code("26740")
    assert commune is not None and commune.full_name == "Phường Sài Gòn, Thành phố Hồ Chí Minh"
    assert commune.kind == "Phường" and commune.province.code == "79"
    assert commune_by_code(4) == commune_by_code("00004") != None  # noqa: E711
    assert commune_by_code("99999") is None and commune_by_code("Sài Gòn") is None


def test_commune_from_name_for_configuration_files() -> None:
    assert commune_from_name("26740").code == SAI_GON
    assert commune_from_name("Phường Sài Gòn, TP Hồ Chí Minh").code == SAI_GON
    assert commune_from_name("Phường Bến Nghé, Quận 1").code == SAI_GON  # an old name of one current ward
    with pytest.raises(CommuneNotFound, match="more than one commune.*add the province"):
        commune_from_name("Xã Tân Lập")
    with pytest.raises(CommuneNotFound, match="divided among several"):
        commune_from_name("xã Tân Lập, huyện Đan Phượng, Hà Nội")
    with pytest.raises(CommuneNotFound, match="not a known commune"):
        commune_from_name("Phường Không Có")
    with pytest.raises(CommuneNotFound, match="not the official code"):
        commune_from_name("12345")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("số 12 đường Lê Lợi, phường Bến Thành, quận 1", "[address], phường Bến Thành, quận 1"),
        ("12/3 Nguyễn Trãi, P.2, Q.5", "[address], P.2, Q.5"),
        ("ngõ 5 phố Huế, phường Phố Huế", "[address], phường Phố Huế"),
        ("hẻm 45", "[address]"),
        ("tổ 3 ấp 2 xã Tân Thạnh", "[address] xã Tân Thạnh"),
        ("so 12 duong le loi phuong ben thanh", "[address] phuong ben thanh"),
        ("số 12 đường Lê Lợi muốn làm căn cước", "[address] muốn làm căn cước"),
        ("quận 3 Hồ Chí Minh", "quận 3 Hồ Chí Minh"),
        ("ngày 01/07/2025 nộp hồ sơ", "ngày 01/07/2025 nộp hồ sơ"),
        ("nghị định số 118/2025/NĐ-CP", "nghị định số 118/2025/NĐ-CP"),
        ("thành phố Hồ Chí Minh, tỉnh Bình Dương", "thành phố Hồ Chí Minh, tỉnh Bình Dương"),
    ],
)
def test_street_spans(text: str, expected: str) -> None:
    assert without_streets(text, "[address]") == expected
    assert all(0 <= start < end <= len(text) for start, end in street_spans(text))


def test_where_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["where", "phường Bến Nghé, Quận 1 cũ"]) == 0
    out = capsys.readouterr().out
    assert "Phường Sài Gòn, Thành phố Hồ Chí Minh" in out and "26740" in out
    assert main(["where", "xa tan lap huyen dan phuong ha noi"]) == 0
    out = capsys.readouterr().out
    assert "Xã Ô Diên" in out and "Xã Hoài Đức" in out
    assert main(["where", "--json", "abc"]) == 0
    assert '"status": "unknown"' in capsys.readouterr().out


def test_importing_the_module_does_not_load_the_data() -> None:
    """Start-up pays nothing: the data is read on the first question, the package never imported."""
    code = (
        "import sys, procedures.addresses as a, bot.storage.privacy\n"
        "assert a._loaded is None and 'vietnamadminunits' not in sys.modules\n"
        "a.resolve('phường Sài Gòn')\n"
        "assert a._loaded is not None and 'vietnamadminunits' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "text",
    [
        "toi o xa tan phu huyen dong phu binh phuoc",
        "xã Tân Phú, huyện Đồng Phú, Bình Phước",
        "xa tan phu, dong phu, binh phuoc",
    ],
)
def test_the_district_decides_when_the_unit_word_is_off(text: str) -> None:
    # Tân Phú in huyện Đồng Phú was a thị trấn, now Xã Đồng Phú; a current Xã Tân Phú of Đồng Nai
    # (the old huyện Tân Phú) lies about 100 km away and must not be answered for it.
    answer = resolve(text)
    assert answer.status is AddressStatus.EXACT
    assert answer.commune is not None and answer.commune.name == "Xã Đồng Phú"
    assert answer.old[0].full_name == "Thị trấn Tân Phú, Huyện Đồng Phú, Tỉnh Bình Phước"


def test_a_name_does_not_run_across_a_comma() -> None:
    # "Tân Phú, Đồng Nai" is not "Tân Phú Đông"; the dot of a short form still joins ("P. Bến Nghé, Q.1").
    answer = resolve("xã Tân Phú, Đồng Nai")
    assert answer.status is AddressStatus.ALREADY_NEW and answer.commune is not None
    assert answer.commune.full_name == "Xã Tân Phú, Tỉnh Đồng Nai"
    assert resolve("P. Bến Nghé, Q.1").status is AddressStatus.EXACT

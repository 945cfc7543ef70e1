"""Contacts are keyed by the commune's official code; names in the file are settled at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation.contacts import Contacts, ContactsError

SAI_GON, TAN_LAP_TAY_NINH = "26740", "25489"


def write(tmp_path: Path, communes: str) -> Path:
    path = tmp_path / "contacts.yaml"
    path.write_text('default:\n  hotline: "0269 3800 000"\ncommunes:\n' + communes, encoding="utf-8")
    return path


def test_a_code_key_and_a_name_key_both_end_up_keyed_by_code(tmp_path: Path) -> None:
    contacts = Contacts.load(
        write(
            tmp_path,
            '  "26740":\n    hotline: "028 3829 0000"\n'
            "  xa-tan-lap:\n    commune: Xã Tân Lập, Tây Ninh\n    name: UBND xã Tân Lập\n",
        )
    )
    assert set(contacts.communes) == {SAI_GON, TAN_LAP_TAY_NINH}
    assert contacts.communes[SAI_GON].name == "Phường Sài Gòn"  # the official name when none is given
    assert contacts.communes[TAN_LAP_TAY_NINH].name == "UBND xã Tân Lập"
    assert contacts.for_commune(SAI_GON).hotline == "028 3829 0000"
    assert contacts.for_commune(None).hotline == "0269 3800 000"
    assert contacts.find("phuong sai gon") == contacts.find("Sài Gòn") == SAI_GON
    assert contacts.find("phường Bến Nghé, quận 1") == SAI_GON  # the old ward that became it
    assert contacts.find("ubnd xa tan lap") == contacts.find("xa tan lap") == TAN_LAP_TAY_NINH
    assert contacts.find("phường Hàng Trống") is None  # not configured


def test_an_older_file_keyed_by_slug_still_loads_and_old_saved_keys_still_work(tmp_path: Path) -> None:
    contacts = Contacts.load(write(tmp_path, '  phuong-ben-nghe:\n    name: Phường Bến Nghé\n    hotline: "1"\n'))
    assert set(contacts.communes) == {SAI_GON}
    assert contacts.communes[SAI_GON].name == "Phường Sài Gòn"  # the abolished name is not shown
    assert contacts.aliases == {"phuong-ben-nghe": SAI_GON}
    assert contacts.for_commune("phuong-ben-nghe").hotline == "1"  # a conversation saved before codes
    assert contacts.code("phuong-ben-nghe") == SAI_GON and contacts.code("nowhere") is None
    assert contacts.find("ben nghe") == SAI_GON


@pytest.mark.parametrize(
    ("communes", "message"),
    [
        ("  tan-lap:\n    name: Xã Tân Lập\n", r"'tan-lap'.*more than one commune.*add the province"),
        ("  x:\n    commune: Phường Không Có Thật\n", r"'x'.*not a known commune"),
        ("  x:\n    commune: xã Tân Lập, huyện Đan Phượng, Hà Nội\n", r"divided among several.*09817"),
        ('  "99999": {}\n', r"'99999'.*not the official code"),
        ('  "26740": {}\n  ben-nghe:\n    name: Phường Bến Nghé, Quận 1\n', r"'ben-nghe' is commune 26740 again"),
    ],
)
def test_an_unclear_commune_stops_the_loading_with_a_clear_message(tmp_path: Path, communes: str, message: str) -> None:
    with pytest.raises(ContactsError, match=message):
        Contacts.load(write(tmp_path, communes))


def test_no_file_or_no_communes_reads_no_commune_data(tmp_path: Path) -> None:
    assert Contacts.load(None).communes == {}
    path = tmp_path / "contacts.yaml"
    path.write_text('default:\n  hotline: "0269 3800 000"\n', encoding="utf-8")
    assert Contacts.load(path).default.hotline == "0269 3800 000"

"""Normalisation: one case per kind of messiness citizens type."""

from __future__ import annotations

import unicodedata

import pytest

from intents.normalize import accented_words, mask_numbers, normalize, tokens


def test_nfc_and_nfd_give_the_same_tokens() -> None:
    word = "Đăng ký khai sinh"
    assert normalize(unicodedata.normalize("NFD", word)) == normalize(unicodedata.normalize("NFC", word))


@pytest.mark.parametrize(("old", "new"), [("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("Quý", "Qúy")])
def test_both_tone_mark_placements_match(old: str, new: str) -> None:
    assert normalize(old) == normalize(new)


@pytest.mark.parametrize(
    ("one", "other"), [("đăng kí", "đăng ký"), ("lí lịch", "lý lịch"), ("dang ki", "dang ky"), ("quí", "quý")]
)
def test_both_standard_spellings_of_i_and_y_match(one: str, other: str) -> None:
    assert normalize(one) == normalize(other)


def test_with_and_without_diacritics_match() -> None:
    assert normalize("đăng ký tạm trú") == normalize("dang ky tam tru") == "dang ky tam tru"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("ddawng kys tamj truws", "đăng ký tạm trú"),
        ("d9ang ky1", "đăng ký"),
        ("khai sinhf", "khai sinh"),
        ("ddawng kys thuwowngf truss", "đăng ký thường trú"),  # a tone key pressed twice
    ],
)
def test_leftover_telex_and_vni_keystrokes(typed: str, meant: str) -> None:
    assert normalize(typed) == normalize(meant)


def test_case_punctuation_emoji_and_repeated_letters() -> None:
    assert normalize("KHAI SINH!!! 😭😭 ơiiiii") == normalize("khai sinh ơi")


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("đk tạm trú ntn", "đăng ký tạm trú như thế nào"),
        ("lam cccd", "làm căn cước"),
        ("ko dc", "không được"),
        ("gks", "giấy khai sinh"),
        ("lm giay ks cho con", "làm giấy khai sinh cho con"),
        ("đk ks", "đăng ký khai sinh"),
        ("gplx", "giấy phép lái xe"),
        ("blx", "giấy phép lái xe"),
        ("sổ đỏ", "giấy chứng nhận quyền sử dụng đất"),
        ("so hong", "giấy chứng nhận quyền sử dụng đất"),
        ("nhập hộ khẩu", "nhập thường trú"),
    ],
)
def test_chat_abbreviations_expand(short: str, long: str) -> None:
    assert normalize(short) == normalize(long)


@pytest.mark.parametrize(
    "text",
    ["số cccd 012345678901", "sdt 0912 345 678", "gọi +84 912.345.678 nhé", "cmnd cũ 123456789"],
)
def test_long_numbers_are_masked(text: str) -> None:
    assert not any(char.isdigit() for char in normalize(text))
    assert "<so>" in mask_numbers(text)


def test_short_numbers_are_kept() -> None:
    assert "6" in normalize("tuyển sinh lớp 6 năm 2026").split() or "sau" in normalize("lớp 6")


def test_a_word_typed_with_two_tones_in_one_message_has_no_tone() -> None:
    assert "can" not in accented_words("tôi cần làm căn cước")  # "cần" (need) and "căn" (ID card)
    assert accented_words("làm căn cước")["can"] == "căn0"


def test_the_pairs_of_a_word_typed_with_two_tones_keep_their_own_tones() -> None:
    # "thuê" (rent) and "thuế" (tax) fold alike; each pair still says which one it holds.
    words = accented_words("cho thuê nhà phải khai thuế không")
    assert "thue" not in words
    assert words["cho_thue"] == "cho0 thuê0" and words["thue_khong"] == "thuê1 không0"
    assert "nha_phai" not in words  # pairs are kept only around the word typed two ways


def test_impossible_tones_are_typos_not_other_words() -> None:
    # A syllable closed by p/t/c/ch takes only sắc or nặng: "kêt" is a typo for "kết", so its
    # tone is unknown; "cười" (laugh) is a real word and keeps its tone against "cưới".
    words = accented_words("đăg ký kêt hôn, thât nghiệp, cười")
    assert "ket" not in words and "that" not in words
    assert words["cuoi"] == "cươi2" and words["ky"] == "ky1"


def test_chat_abbreviation_for_person() -> None:
    assert normalize("gặp ng thật") == normalize("gặp người thật")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm single", ["i", "am", "single"]),
        ("you can’t go", ["you", "can", "not", "go"]),
        ("my wife's card", ["my", "wife", "card"]),
        ("I don't know", ["i", "do", "not", "know"]),
    ],
)
def test_english_contractions_are_spelled_out(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thẻ bị hỏng", "the bi hong"),  # broken, not "không"
        ("cả nhà", "ca nha"),  # the whole family, not the police
        ("hong biết", "khong biet"),
        ("hông biết", "khong biet"),  # listed with its marks in the table
        ("lên CA xã", "len cong an xa"),  # in capitals it is the abbreviation
        ("tía tui", "bo tui"),
    ],
)
def test_a_short_form_that_is_also_a_word_counts_only_as_typed(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_the_fold_table_covers_every_letter_whose_marks_leave_an_ascii_letter() -> None:
    # The table scans only the Latin blocks: no other code point below U+2000 folds to ASCII.
    import unicodedata

    from procedures.folding import FOLD_TABLE

    for code in range(0xC0, 0x2000):
        bare = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c))
        if bare != chr(code) and bare.isascii() and bare.isalpha():
            assert FOLD_TABLE.get(code) == bare.lower(), hex(code)


def test_an_english_re_prefix_joins_its_word_but_a_vietnamese_pair_stays_apart() -> None:
    # A bare "re" folds onto the Vietnamese "rẻ" (cheap): "re-register a boat" is not about prices.
    assert tokens("re-register a jet ski")[:1] == ["reregister"]
    assert tokens("I need to re-issue my card")[3] == "reissue"
    assert tokens("giá rẻ-đẹp") == ["gia", "re", "dep"]


def test_a_pair_typed_both_ways_or_across_a_stop_has_no_tone() -> None:
    assert "thue_nha" not in accented_words("thuê nhà và thuế nhà")  # the same pair, both tones
    assert "thue_khong" not in accented_words("cho thuê. Thuế 2 không")  # not side by side

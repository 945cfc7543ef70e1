"""The English -> Vietnamese administrative glossary: well-formed, matched generally, used only for English."""

from __future__ import annotations

from collections import Counter

import pytest

from intents import Router
from intents.glossary import GLOSSARY_FILE, SHIPPED_GLOSSARY, english_key, stem
from intents.index import load_stopwords
from intents.normalize import tokens


def entries() -> list[tuple[int, list[str]]]:
    return [
        (number, line.split("\t"))
        for number, line in enumerate(GLOSSARY_FILE.read_text(encoding="utf-8").splitlines(), 1)
        if line.strip() and not line.startswith("#")
    ]


@pytest.fixture(scope="module")
def plain(router: Router) -> Router:
    """The shipped router without the glossary: what Vietnamese messages must get unchanged."""
    return Router(router.index, glossary=None)


# --- The file ---


def test_every_entry_has_two_columns_and_a_vietnamese_side() -> None:
    bad = [
        number
        for number, columns in entries()
        if len(columns) != 2 or not columns[0].strip() or not all(part.strip() for part in columns[1].split(";"))
    ]
    assert bad == []
    assert 250 <= len(entries()) <= 400


def test_no_english_key_twice_not_even_as_two_forms_of_one_word() -> None:
    typed = Counter(columns[0].strip().lower() for _, columns in entries())
    assert [key for key, count in typed.items() if count > 1] == []
    stemmed = Counter(english_key(columns[0]) for _, columns in entries())
    assert [key for key, count in stemmed.items() if count > 1] == []
    assert len(SHIPPED_GLOSSARY.table) == len(entries())


def test_no_entry_is_only_filler(router: Router) -> None:
    filler = load_stopwords() | {"how", "what", "where", "when", "please", "need", "want", "get", "do", "can"}
    assert [columns[0] for _, columns in entries() if set(columns[0].lower().split()) <= filler] == []


def test_every_vietnamese_word_is_one_the_catalog_uses(router: Router) -> None:
    # The router keeps only known terms: a word no name uses would be a dead translation.
    unknown = {
        (" ".join(key), word)
        for key, phrases in SHIPPED_GLOSSARY.table.items()
        for phrase in phrases
        for word in phrase
        if word not in router.index.idf
    }
    assert unknown == set()


# --- Matching ---


def test_forms_of_one_word_meet() -> None:
    for first, second in (
        ("married", "marry"),
        ("visas", "visa"),
        ("registered", "register"),
        ("registering", "registers"),
        ("transferring", "transfer"),
        ("driving", "drive"),
        ("licence", "license"),
        ("notarised", "notarize"),
        ("labour", "labor"),
        ("companies", "company"),
    ):
        assert stem(first) == stem(second), (first, second)
    assert stem("sell") == "sell" and stem("business") == "business"


def test_longest_phrase_first_and_articles_skipped() -> None:
    words = tokens("please extend my visa and renew the temporary residence card")
    found = SHIPPED_GLOSSARY.equivalents(words)
    assert tuple(tokens("gia hạn tạm trú")) in found  # "extend visa", across "my"
    assert tuple(tokens("thẻ tạm trú")) in found  # the three-word phrase, not "temporary" + "residence"
    assert tuple(tokens("tạm thời")) not in found


def test_short_english_words_are_read_as_typed() -> None:
    # Normalisation reads "tax" as Telex ("ta" + tone key x); the glossary reads the words as typed.
    text = "tax refund for foreign workers"
    assert "ta" in tokens(text)
    assert tuple(tokens("hoàn thuế")) in SHIPPED_GLOSSARY.phrases_for(text)


# --- Routing: English questions reach the right procedure ---


@pytest.mark.parametrize(
    ("question", "codes"),
    [
        ("How can I get an international driving permit before travelling abroad?", {"3.000353"}),
        ("How do I get a visa exemption certificate for my American husband?", {"1.003144"}),
        ("How can a foreigner apply for an electronic visa to enter Vietnam?", {"1.002757", "1.002756"}),
        ("how do I extend my tourist visa", {"1.001146", "1.003326", "1.002755"}),
        ("My Japanese husband and I want to register our marriage in Vietnam, what do we need?", {"2.000806"}),
        ("My wife is Korean. How do we register the birth of our son who was born in Hanoi?", {"2.000528"}),
    ],
)
def test_english_question_reaches_the_national_card(
    router: Router, plain: Router, question: str, codes: set[str]
) -> None:
    assert {candidate.intent for candidate in router.route(question).candidates[:3]} & codes


def test_the_glossary_reaches_a_card_no_english_phrase_names(router: Router, plain: Router) -> None:
    # Many national cards now carry English phrases of their own (intents/listing_keywords.tsv);
    # for the rest the glossary is the only way from English words to the Vietnamese name.
    question = "How can I get an international driving permit before travelling abroad?"
    assert router.route(question).candidates[0].intent == "3.000353"
    assert "3.000353" not in {candidate.intent for candidate in plain.route(question).candidates[:3]}


def test_international_driving_permit_leads(router: Router) -> None:
    assert router.route("How can I get an international driving permit before travelling abroad?").intent == (
        "3.000353"
    )


def test_curated_english_aliases_still_match(router: Router) -> None:
    assert router.route("I need a criminal record certificate for my visa application").intent == "ly-lich-tu-phap"
    assert router.route("How do I renew my passport? I need a new passport").intent == "ho-chieu"


# --- Vietnamese is never read as English ---


@pytest.mark.parametrize(
    "text",
    [
        "lam giay khai sinh cho con o dau",
        "xin visa cho chong nuoc ngoai",
        "toi muon lam passport cho con",
        "em la viet kieu muon xin giay mien thi thuc",
        "ddawng kys tamj truws o dau",  # Telex leftovers: "English" as typed, Vietnamese once read
        "dang ky ket hon voi nguoi nuoc ngoai can giay to gi",
        "gia han tam tru cho nguoi nuoc ngoai lam o dau",
        "Gia hạn visa du lịch cho người nước ngoài ở đâu?",
    ],
)
def test_vietnamese_is_unaffected(router: Router, plain: Router, text: str) -> None:
    assert SHIPPED_GLOSSARY.phrases_for(text) == []
    assert router.route(text) == plain.route(text)

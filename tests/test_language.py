"""The asker's language: Vietnamese with or without marks, English, and "not sure" for the rest."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app import App
from bot.testing import Conversation
from intents.language import detect, english_words

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "text",
    [
        "Hi, how long does it take to get a passport?",  # "hi", "long", "it", "to", "a" are words of both
        "I want to renew my passport, what documents do I need?",
        "Hi, I am a foreigner. How much does a passport for my Vietnamese wife cost?",
        "I lost my ID card",
        "how to register",
        "passport fee",  # two English words no Vietnamese shares are enough
        "marriage registration",
    ],
)
def test_english_questions_are_english(text: str) -> None:
    assert detect(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "lam cccd o dau",
        "toi can lam the cccd o dau a",  # "can", "the", "a": Vietnamese words too, never English evidence
        "dang ky tam tru ntn",
        "lam the nao de dang ky khai sinh cho con",
        "thu tuc ly hon o dau",
        "toi la nguoi nuoc ngoai, muon xin visa",
        "Làm căn cước ở đâu",
    ],
)
def test_vietnamese_with_or_without_marks_is_vietnamese(text: str) -> None:
    assert detect(text) == "vi"


@pytest.mark.parametrize(
    "text", ["ok", "xin chao", "cho minh hoi visa", "to be or not to be", "/start en", "hello", "cccd fee", "đăng ký"]
)
def test_short_mixed_or_ambiguous_messages_keep_the_conversations_language(text: str) -> None:
    assert detect(text) is None


def test_two_words_the_catalog_knows_in_english_are_english() -> None:
    known = english_words(
        ["Building permit for a private house", "Declaring and paying registration fee (lệ phí trước bạ)"]
    )
    assert "building" in known and "truoc" not in known  # Vietnamese inside an English name is not English
    assert detect("building permit", known) == "en"
    assert detect("building permit") is None  # without the catalog's words, two words are too few
    assert detect("giay phep", known) is None


def test_the_english_phrases_of_national_cards_are_known_english(app: App) -> None:
    # "visa extension" had been answered in Vietnamese: neither word is in a curated English name.
    assert {"visa", "extension"} <= app.engine.live.current.english
    chat = Conversation(app.engine, user_id="two-english-words")
    chat.say("visa extension").expect_not("Xin lỗi", "Ý bạn là", "Có phải bạn muốn hỏi")  # English, whatever it finds


def test_the_first_greeting_offers_the_other_language(app: App) -> None:
    # In English the greeting had ended 'Type "english" for English.'
    english = Conversation(app.engine, user_id="greet-en", locale_hint="en", now=NOW)
    english.say("hello").expect('Gõ "tiếng việt" để dùng tiếng Việt.').expect_not('Type "english"')
    vietnamese = Conversation(app.engine, user_id="greet-vi", now=NOW)
    vietnamese.say("xin chào").expect("Xin đừng gửi số căn cước", 'Type "english" for English.')

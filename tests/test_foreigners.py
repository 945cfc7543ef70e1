"""A foreigner named in a first question: the citizens' procedure is not answered confidently."""

from __future__ import annotations

import datetime as dt

from bot.app import App
from bot.testing import Conversation
from intents import Router, Verdict
from intents.foreigners import mentions_foreigner, says_foreigner

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_a_nationality_names_a_foreigner_but_everyday_words_do_not() -> None:
    assert mentions_foreigner("Vợ tôi là người Hàn Quốc")
    assert mentions_foreigner("ban trai em quoc tich My")
    assert mentions_foreigner("I am French, my wife is Vietnamese")
    assert mentions_foreigner("chồng tôi là người nước ngoài")
    # "người lao động", "người bị mất", "người Anh" (an elder brother), "người Hoa", "người Thái"
    # (peoples of Vietnam) are not foreigners.
    for text in ("người lao động bị mất sổ", "người bị mất giấy tờ", "người anh trai tôi", "người Hoa ở Chợ Lớn"):
        assert not mentions_foreigner(text), text
    assert not mentions_foreigner("người Thái ở Sơn La")
    for text in (
        "I am from Australia",
        "she is from the Philippines",
        "my foreign wife is the mother",
        "she is Thai",
        "đăng ký kết hôn với chồng Tây",
    ):
        assert mentions_foreigner(text), text
    for text in ("I need papers from us", "người Tày ở Cao Bằng", "vỗ tay", "đau tay"):
        assert not mentions_foreigner(text), text
    # Only words that say it outright move a foreigners' card to the lead (see reranking).
    assert not says_foreigner("Vợ tôi là người Hàn Quốc")


def test_a_nationality_turns_the_citizens_match_into_a_question_with_the_foreigners_twin(router: Router) -> None:
    for text, citizens, twin in (
        ("Vợ tôi là người Hàn Quốc, muốn làm khai sinh cho con", "khai-sinh", "2.000528"),
        ("Em là người Việt, bạn trai em quốc tịch Mỹ, tụi em muốn đăng ký kết hôn", "ket-hon", "2.000806"),
        # A foreigner's stay is registered by a declaration (1.000253); the residence card is asked for by name.
        ("chồng tôi là người Nhật muốn đăng ký tạm trú", "tam-tru", "1.000253"),
        ("I am French, my wife is Vietnamese, how do I register the birth?", "khai-sinh", "2.000528"),
    ):
        decision = router.route(text)
        assert decision.verdict is Verdict.AMBIGUOUS, text
        # The citizen in the story may need the citizens' procedure: it keeps its place.
        assert [c.intent for c in decision.candidates[:2]] == [citizens, twin], text
    # When the twin's own words lead (its English phrase "register a marriage with a foreigner"),
    # the citizens' procedure is the one offered second.
    decision = router.route("My Japanese husband and I want to register our marriage in Vietnam, what do we need?")
    assert decision.verdict is Verdict.AMBIGUOUS
    assert [c.intent for c in decision.candidates[:2]] == ["2.000806", "ket-hon"]
    # A card only foreigners hold is asked for: the foreigners' card leads, the citizens' registration is offered.
    for text in ("temporary residence card", "làm thẻ tạm trú"):
        decision = router.route(text)
        assert [c.intent for c in decision.candidates[:2]] == ["1.003460", "tam-tru"], text
    assert says_foreigner("thẻ tạm trú") and not says_foreigner("đăng ký tạm trú")
    # A foreigner renting a room, in English or Vietnamese, is offered the declaration of their stay
    # (the citizens' registration keeps its place, by design; its CT01 form is not theirs).
    for text in (
        "I am American and I rent an apartment in District 7. Do I need to register my temporary residence?",
        "Tôi là người Hàn Quốc thuê phòng trọ, có phải đăng ký tạm trú không?",
    ):
        assert "1.000253" in [c.intent for c in router.route(text).candidates[:2]], text
    # With no foreigner named, the citizens' procedure is still answered.
    assert router.route("Vợ tôi muốn làm khai sinh cho con").verdict is Verdict.MATCH
    assert router.route("đăng ký kết hôn").intent == "ket-hon"


def test_a_foreign_spouse_asking_first_is_offered_both_procedures(app: App) -> None:
    chat = Conversation(app.engine, user_id="foreign-first", now=NOW)
    chat.say("Vợ tôi là người Hàn Quốc, muốn làm khai sinh cho con")
    chat.expect("Đăng ký khai sinh", "khai sinh có yếu tố nước ngoài")
    chat.press("có yếu tố nước ngoài").expect("2.000528")
    english = Conversation(app.engine, user_id="foreign-first-en", locale_hint="en", now=NOW)
    english.say("I am French, my wife is Vietnamese, how do I register the birth?")
    english.expect("khai sinh có yếu tố nước ngoài").press("có yếu tố nước ngoài").expect("2.000528")


def test_a_foreigners_card_leads_only_when_it_is_the_leaders_twin(router: Router) -> None:
    # Every card for foreigners names foreigners: the death registration one must not lead a hotelier's question.
    decision = router.route("declare temporary residence for foreigner staying at my hotel")
    assert "1.001766" not in [c.intent for c in decision.candidates]  # khai tử có yếu tố nước ngoài
    assert says_foreigner("khách nước ngoài ở nhà tôi") and not says_foreigner("tôi sắp đi nước ngoài")
    assert router.route("kết hôn với người nước ngoài").candidates[0].intent == "2.000806"


def test_a_foreigners_own_criminal_record_is_not_the_one_a_court_asks_for(app: App) -> None:
    # The twin had been "… theo yêu cầu của cơ quan tiến hành tố tụng (… người nước ngoài …)", which
    # a court asks for, shown as free of charge.
    said_in = (("vi", "tôi là người nước ngoài", "Có"), ("en", "I am a foreigner who lived in Vietnam", "Yes"))
    for locale, said, yes in said_in:
        chat = Conversation(app.engine, user_id=f"foreign-record-{locale}", locale_hint=locale, now=NOW)
        chat.say("lý lịch tư pháp" if locale == "vi" else "criminal record certificate").say(said)
        chat.expect("người nước ngoài đã cư trú tại Việt Nam").expect_not("tố tụng")
        chat.press(yes).expect("3.000330")

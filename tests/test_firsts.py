"""A first card is not the renewal guide: a first-time question is offered the first-issue record."""

from __future__ import annotations

import datetime as dt

from bot.app import App
from bot.testing import Conversation
from intents import Router, Verdict
from intents.reranking import stated_ages

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_a_first_card_leads_when_the_message_says_first_time(router: Router) -> None:
    for text, first in (
        ("con tôi 5 tuổi chưa có căn cước, làm thế nào", "1.014062"),  # under 14
        ("cháu 14 tuổi làm căn cước lần đầu cần giấy tờ gì", "1.014061"),  # 14 and over
    ):
        decision = router.route(text)
        assert decision.verdict is Verdict.AMBIGUOUS, text
        assert decision.intent == first, text
    never = router.route("con tôi 5 tuổi chưa có căn cước, làm thế nào")
    assert "can-cuoc" not in [c.intent for c in never.candidates]  # never had one, age known: no renewal
    # No age stated: both first-issue records (a child's first when a child is named), then the renewal guide.
    decision = router.route("My son never had an ID card, how does he get his first one?")
    assert decision.verdict is Verdict.AMBIGUOUS
    assert [c.intent for c in decision.candidates] == ["1.014062", "1.014061", "can-cuoc"]
    grown = router.route("tôi chưa bao giờ làm căn cước")
    assert [c.intent for c in grown.candidates[:2]] == ["1.014061", "1.014062"]
    assert router.route("My son is 16 and never had an ID card").intent == "1.014061"  # "is 16" is an age
    child = router.route("my daughter is 10 years old and never had an ID card")  # "old" is no renewal
    assert child.candidates[0].intent == "1.014062"
    teen = router.route("My boy just turned 15 and never had an ID card")  # an English age
    assert teen.candidates[0].intent == "1.014061"


def test_an_age_alone_offers_the_record_for_that_age_second(router: Router) -> None:
    decision = router.route("con tôi 15 tuổi muốn làm căn cước")  # had been a confident renewal card
    assert decision.verdict is Verdict.AMBIGUOUS
    assert [c.intent for c in decision.candidates[:2]] == ["can-cuoc", "1.014061"]


def test_renewing_or_replacing_keeps_the_guide(router: Router) -> None:
    for text in ("mất căn cước chưa có thẻ mới thì đi máy bay được không", "làm lại căn cước cho mẹ 70 tuổi"):
        decision = router.route(text)
        assert (decision.verdict, decision.intent) == (Verdict.MATCH, "can-cuoc"), text


def test_a_parent_asking_for_a_childs_first_card_is_not_told_to_bring_the_old_one(app: App) -> None:
    chat = Conversation(app.engine, user_id="first-card", now=NOW)
    chat.say("con tôi 5 tuổi chưa có căn cước, làm thế nào")
    chat.expect("Cấp thẻ căn cước cho người dưới 14 tuổi").expect_not("Cấp đổi, cấp lại")
    chat.press("Có").expect("1.014062").expect_not("Thẻ căn cước cũ")


def test_only_a_minor_s_age_or_a_first_time_question_is_offered_a_first_card(router: Router) -> None:
    # Found by a review: the first age and single folded words ("mất bao lâu", "hông", "đợi") decided.
    for text, offered in (
        ("tôi 40 tuổi, con tôi 10 tuổi muốn làm căn cước", "1.014062"),  # the child's age
        ("con tôi 15 tuổi, muốn làm căn cước, mất bao lâu", "1.014061"),
        ("con tôi 15 tuổi muốn làm căn cước được hông", "1.014061"),
        ("con tôi 5 tuổi chưa có căn cước, có phải đợi lâu không", "1.014062"),
    ):
        decision = router.route(text)
        assert decision.verdict is Verdict.AMBIGUOUS, text
        assert offered in [c.intent for c in decision.candidates[:2]], text
    adult = router.route("tôi 35 tuổi muốn làm căn cước")  # an adult renews
    assert (adult.verdict, adult.intent) == (Verdict.MATCH, "can-cuoc")


def test_a_name_with_doi_voi_is_no_renewal(router: Router) -> None:
    # "… đối với trường hợp bị tai nạn lao động lần đầu" folds like "đổi": it had been led by the
    # recurrence record, although the message names the first accident.
    decision = router.route("hưởng chế độ tai nạn lao động lần đầu cần hồ sơ gì")
    assert (decision.verdict, decision.intent) == (Verdict.MATCH, "1.001632")


def test_a_curated_guide_bounded_by_an_age_gives_way_to_the_card_the_age_fits(router: Router) -> None:
    # "cho bé 8 tuổi" had been answered with confidence as the newborn bundle ("… cho trẻ em dưới 6 tuổi").
    for text in ("làm căn cước cho bé 8 tuổi lần đầu", "căn cước cho bé 12 tuổi cần gì"):
        decision = router.route(text)
        assert decision.verdict is Verdict.AMBIGUOUS and decision.intent == "1.014062", text


def test_review_a_parent_s_age_months_and_folded_words(router: Router) -> None:
    # A second review: the parent's age had pushed the newborn bundle down, "20 months" had been an age in
    # years, and "còn" / "trễ" (folded like "con" / "trẻ") had named a child.
    bundle = "mẹ 30 tuổi đăng ký liên thông khai sinh, thường trú, bảo hiểm y tế và căn cước cho con mới sinh"
    assert router.route(bundle).intent == "lien-thong-khai-sinh"
    assert stated_ages("he is 20 months old and never had an id card") == []
    assert stated_ages("my son is 16") == [(16, 16)]
    for text in ("tôi chưa có căn cước, còn phải làm gì", "tôi chưa có căn cước, có bị trễ không"):
        assert router.route(text).intent == "1.014061", text  # a grown-up's own first card first

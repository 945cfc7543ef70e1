"""A first card is not the renewal guide: a first-time question is offered the first-issue record."""

from __future__ import annotations

import datetime as dt

from bot.app import App
from bot.testing import Conversation
from intents import Router, Verdict

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_a_first_card_leads_when_the_message_says_first_time(router: Router) -> None:
    for text, first in (
        ("con tôi 5 tuổi chưa có căn cước, làm thế nào", "1.014062"),  # under 14
        ("cháu 14 tuổi làm căn cước lần đầu cần giấy tờ gì", "1.014061"),  # 14 and over
    ):
        decision = router.route(text)
        assert decision.verdict is Verdict.AMBIGUOUS, text
        assert [c.intent for c in decision.candidates[:2]] == [first, "can-cuoc"], text
    # No age stated: both first-issue records, then the renewal guide.
    decision = router.route("My son never had an ID card, how does he get his first one?")
    assert decision.verdict is Verdict.AMBIGUOUS
    assert sorted(c.intent for c in decision.candidates[:2]) == ["1.014061", "1.014062"]
    assert decision.candidates[2].intent == "can-cuoc"
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
    chat.expect("Ý bạn là", "1) Cấp thẻ căn cước cho người dưới 14 tuổi", "2) Cấp đổi, cấp lại thẻ căn cước")
    chat.say("1").expect("1.014062").expect_not("Thẻ căn cước cũ")

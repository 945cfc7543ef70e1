"""Money that is not a procedure's fee: a fee question about tuition or contributions says so first."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app import App
from bot.conversation.money import Money, other_money
from bot.testing import Conversation

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "money"),
    [
        ("học phí trường tiểu học năm nay bao nhiêu", Money.TUITION),
        ("moi thang dong bao nhieu", Money.CONTRIBUTION),
        ("mức đóng bhyt hộ gia đình", Money.CONTRIBUTION),
        ("how much is the fine", Money.FINE),
        ("lệ phí bao nhiêu", None),
        ("nộp phạt ở đâu", None),
        ("làm hộ chiếu đóng bao nhiêu tiền", None),  # any fee is "paid"
        ("án phí ly hôn bao nhiêu", Money.COURT),
        ("what is the court fee", Money.COURT),
    ],
)
def test_the_money_a_question_names(text: str, money: Money | None) -> None:
    assert other_money(text) is money


def test_a_contribution_question_is_not_answered_as_if_nothing_were_paid(app: App) -> None:
    # "mỗi tháng đóng bao nhiêu" under voluntary social insurance had been answered only
    # "Lệ phí thủ tục: Miễn phí", as if nothing were paid.
    chat = Conversation(app.engine, user_id="contribution", now=NOW)
    chat.say("đăng ký bhxh tự nguyện").say("mỗi tháng đóng bao nhiêu")
    chat.expect("không phải lệ phí", "mức đóng", "Miễn phí")
    assert len(chat.replies[0].text) <= 400


def test_a_tuition_question_is_told_the_school_sets_it(app: App) -> None:
    chat = Conversation(app.engine, user_id="tuition", now=NOW)
    chat.say("tuyển sinh lớp 1 trực tuyến").say("học phí trường tiểu học năm nay bao nhiêu")
    chat.expect("Học phí không phải lệ phí", "hỏi nhà trường")
    plain = Conversation(app.engine, user_id="plain-fee", now=NOW)
    plain.say("đăng ký bhxh tự nguyện").say("lệ phí bao nhiêu").expect_not("không phải lệ phí")
    passport = Conversation(app.engine, user_id="passport-fee", now=NOW)
    passport.say("làm hộ chiếu").say("đóng bao nhiêu tiền").expect("Lệ phí").expect_not("bảo hiểm")


def test_a_court_fee_asked_under_a_card_is_not_the_card_s_fee(app: App) -> None:
    # "án phí bao nhiêu" under the ID card had been answered with the card's fees alone.
    chat = Conversation(app.engine, user_id="court-fee", now=NOW)
    chat.say("làm căn cước ở đâu").say("án phí bao nhiêu").expect("Án phí không phải lệ phí của thủ tục này")

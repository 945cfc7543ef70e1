"""Deadlines, validity and benefit amounts: answered from the catalog's own sourced texts, or said not held."""

from __future__ import annotations

import datetime as dt

from bot.app import App
from bot.testing import Conversation
from intents.facets import Facet, read_facet
from procedures.catalog import Catalog

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_a_deadline_or_a_validity_is_answered_from_the_entry(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("sinh con trong bao lâu phải làm khai sinh").expect("Thời hạn phải làm — Đăng ký khai sinh", "60 ngày")
    chat.say("hộ chiếu có giá trị bao lâu").expect("Giá trị sử dụng — Cấp hộ chiếu", "10 năm", "5 năm")
    chat.say("đăng ký tạm trú có giá trị mấy năm").expect("2 năm", "hỏi lại công an xã")  # with its one plain hedge
    english = Conversation(app.engine, user_id="en", locale_hint="en", now=NOW)
    english.say("How long is a Vietnamese passport valid?").expect("How long it stays valid —", "10 years")
    english.say("Is there a deadline to register a death?").expect("Deadline — Death registration", "15 days")


def test_a_deadline_no_source_gives_is_said_not_held(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("đổi bằng lái quá hạn có bị phạt không").expect("chưa có thông tin đã kiểm chứng", "mức phạt")


def test_every_deadline_and_validity_is_sourced(catalog: Catalog) -> None:
    for entry in catalog:
        sourced = {item.fact for item in entry.evidence}
        for field in ("deadline", "validity"):
            if getattr(entry, field) is not None:
                assert field in sourced, (entry.id, field)


def test_a_procedure_named_before_the_office_is_still_the_question(app: App) -> None:
    # The "where" cue takes "làm giấy khai sinh ở ubnd xã": the whole message still names birth registration.
    chat = Conversation(app.engine, user_id="office", now=NOW)
    chat.say("lam giay khai sinh o ubnd xa dc ko").expect("Đăng ký khai sinh").expect_not("thủ tục nào")
    chat.say("trợ cấp thất nghiệp nộp hồ sơ trong bao lâu sau khi nghỉ việc").expect("3 tháng")


def test_the_official_page_of_a_fact_not_held_is_the_national_portal_when_there_is_one(catalog: Catalog) -> None:
    from bot.conversation.answers import official_page

    # Its facts come from a provincial guide; the citizen is sent to the national portal.
    tracking, birth = catalog.get("tra-cuu-ho-so"), catalog.get("khai-sinh")
    assert tracking is not None and birth is not None
    assert official_page(tracking) == "https://dichvucong.gov.vn"
    assert official_page(birth).startswith("https://dichvucong.gov.vn/thu-tuc-hanh-chinh/")


def test_the_amount_of_a_benefit_is_never_answered_with_a_fee(app: App) -> None:
    chat = Conversation(app.engine, user_id="amount", now=NOW)
    chat.say("rut bhxh 1 lan dc bao nhieu tien").expect("chưa có thông tin đã kiểm chứng", "số tiền bạn được nhận")
    chat.expect_not("Miễn phí")  # the one-off withdrawal's fee is free; the asker wants the payout
    # A benefit named before "bao nhiêu" is its amount, and the benefit stays the topic.
    funeral = Conversation(app.engine, user_id="funeral", now=NOW)
    funeral.say("tiền mai táng phí bao nhiêu").expect("chưa có thông tin đã kiểm chứng về số tiền bạn được nhận")
    funeral.expect_not("Miễn phí")
    fee = Conversation(app.engine, user_id="benefit-fee", now=NOW)  # a fee named beside a benefit is a fee
    fee.say("lệ phí làm trợ cấp thất nghiệp bao nhiêu").expect_not("số tiền bạn được nhận")


def test_a_time_asked_for_the_result_is_about_the_procedure_at_hand(app: App) -> None:
    # "kết quả" (the result) is part of the time question, not the guide to tracking an application.
    chat = Conversation(app.engine, user_id="result", now=NOW)
    chat.say("mấy ngày có kết quả?").expect("thủ tục nào").expect_not("Tra cứu tình trạng")
    chat.say("hộ chiếu").expect("Thời gian giải quyết — Cấp hộ chiếu", "8 ngày làm việc")
    after = Conversation(app.engine, user_id="after", now=NOW)
    after.say("làm căn cước").say("bao lâu thì có kết quả").expect("Thời gian giải quyết — ").expect_not("Tra cứu")
    after.say("tra cứu tình trạng hồ sơ đã nộp").expect_not("Thời gian giải quyết")


def test_fee_and_time_keeps_the_time_when_the_fee_notes_are_long(app: App) -> None:
    # Birth registration's late fee note is long: it is cut short, the processing time still shows.
    for locale, label, fee, time in (
        ("vi", "Lệ phí và thời gian", "Miễn phí", "1 ngày làm việc"),
        ("en", "Fee and time", "Free", "1 working day"),
    ):
        chat = Conversation(app.engine, user_id=f"feetime-{locale}", locale_hint=locale, now=NOW)
        chat.say("đăng ký khai sinh" if locale == "vi" else "birth registration").press(label)
        chat.expect(fee, time).expect_not('Lệ phí và thời gian" hoặc', 'under "Fee and time"')
        assert len(chat.text) <= 400


def test_a_fee_asked_while_did_you_mean_waits_gives_each_offered_procedures_fee(app: App, catalog: Catalog) -> None:
    chat = Conversation(app.engine, user_id="compare", now=NOW)
    chat.say("bảo hiểm y tế").expect("Ý bạn là")
    offered = [option.label for option in chat.options[:-1]]
    chat.say("bao nhiêu tiền").expect("Bạn hỏi thủ tục nào?")
    assert [option.label for option in chat.options[:-1]] == offered  # the same choice, still open
    ids = [option.payload.rsplit(":", 1)[-1] for option in chat.options[:-1]]
    for line, entry_id in zip(chat.text.splitlines(), ids, strict=False):
        entry = catalog.get(entry_id)
        assert entry is not None and line.startswith(f"{ids.index(entry_id) + 1}) ")
        amounts = {fee.amount_vnd for fee in entry.fees}
        if amounts == {0}:  # read from the catalog file, not from the code that wrote the line
            assert "Lệ phí: Miễn phí" in line, line
    assert "Bạn đóng tiền BHYT" in chat.text  # a free fee keeps what is paid beside it (the contribution)
    chat.press(offered[0]).expect("Lệ phí — ")  # the pick answers the detail in full


def test_a_detail_asked_under_a_one_choice_did_you_mean_is_a_yes_that_asks_it(app: App) -> None:
    chat = Conversation(app.engine, user_id="one-choice", locale_hint="en", now=NOW)
    chat.say("i want make birth paper for my son").expect("Did you mean: Birth registration?")
    chat.say("where go").expect("Where — Birth registration")
    papers = Conversation(app.engine, user_id="one-choice-papers", locale_hint="en", now=NOW)
    papers.say("i want make birth paper for my son").say("papers?").expect("Papers for Birth registration")


def test_wanting_is_not_being_late(app: App) -> None:
    # "muốn" (want) and "muộn" (late) fold alike: "tôi muốn làm lại … bị mất" asks for the card, no deadline.
    for text in ("tôi muốn làm lại căn cước bị mất", "toi muon lam lai cccd bi mat"):
        chat = Conversation(app.engine, user_id=f"want-{len(text)}", now=NOW)
        chat.say(text).expect("căn cước").expect_not("thủ tục nào", "Thời hạn")
    late = Conversation(app.engine, user_id="late", now=NOW)
    late.say("đăng ký khai sinh muộn có bị phạt không").expect("Đăng ký khai sinh").expect_not("thủ tục nào")
    # Plain "co muon khong" is as often "có muộn không" (is it late?): still a deadline question.
    assert read_facet("dang ky khai sinh co muon khong").facet is Facet.DEADLINE


def test_where_or_papers_asked_while_did_you_mean_waits(app: App) -> None:
    chat = Conversation(app.engine, user_id="compare-where", now=NOW)
    chat.say("bảo hiểm y tế").say("o dau").expect("1) ", "Bảo hiểm xã hội", "Bạn hỏi thủ tục nào?")
    chat.say("giay to j").expect("Để trả lời về giấy tờ cần chuẩn bị, mình cần biết bạn hỏi thủ tục nào:")
    chat.press("Cấp lại, đổi thẻ BHYT").expect("Giấy tờ")


def test_a_foreigner_named_under_a_guide_for_citizens_is_offered_the_foreigners_procedure(app: App) -> None:
    english = Conversation(app.engine, user_id="foreign-spouse", locale_hint="en", now=NOW)
    english.say("marriage registration").say("I am a foreigner, is it the same for me?")
    english.expect("a procedure of its own", "kết hôn có yếu tố nước ngoài").press("Yes").expect("2.000806")
    birth = Conversation(app.engine, user_id="foreign-father", now=NOW)
    birth.say("đăng ký khai sinh").say("bố là người nước ngoài thì sao")
    birth.expect("một thủ tục riêng", "khai sinh có yếu tố nước ngoài")
    # No foreigners' card shares "lưu trú" with the notice of stay: nothing is offered in its place.
    stay = Conversation(app.engine, user_id="foreign-guest", locale_hint="en", now=NOW)
    stay.say("notice of stay").say("does it apply to foreigners?").expect_not("a procedure of its own")

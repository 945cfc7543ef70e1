"""Conversations through the engine, read like transcripts: whole guides, branches, nesting."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.app import App, build_app
from bot.config import Settings
from bot.storage.tables import Conversation as ConversationRow
from bot.storage.tables import Event
from bot.testing import Conversation
from procedures.catalog import Catalog
from procedures.validation import step_numbers as numbered


def step_numbers(text: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in re.findall(r"Bước (\d+)/(\d+)", text)]


def walk_to_end(chat: Conversation, limit: int = 40) -> list[str]:
    """Press the first option (Có / Tiếp theo) until the guide ends; return every turn's text."""
    seen = [chat.text]
    for _ in range(limit):
        if "Bạn đã làm xong tất cả các bước" in chat.text:
            return seen
        first = chat.options[0].label
        chat.press(first)
        seen.append(chat.text)
    raise AssertionError("the guide did not end")


def test_question_card_and_whole_guide_in_order(chat: Conversation, app: App) -> None:
    chat.say("lam giay khai sinh cho con").expect("Đăng ký khai sinh", "Miễn phí", "Làm được hoàn toàn trực tuyến")
    assert chat.replies[-1].links[0].url.startswith("https://dichvucong.gov.vn/")
    chat.press("Hướng dẫn từng bước").expect("Bước 1/6", "VNeID")
    chat.press("Có").expect("Bước 2/6")
    turns = walk_to_end(chat)
    numbers = [n for text in turns for n, _ in step_numbers(text)]
    assert numbers == [2, 3, 4, 5, 6]
    chat.expect("Hướng dẫn này có giúp được bạn không?")
    chat.press("👍").expect("Cảm ơn")
    with app.database.session() as session:
        kinds = [event.type for event in session.exec(select(Event).order_by(col(Event.id)))]
    assert kinds.count("guide_started") == 1
    assert kinds.count("guide_completed") == 1
    assert "rating" in kinds


def test_branch_into_nested_guide_and_back(chat: Conversation, app: App) -> None:
    chat.say("đăng ký khai sinh").press("Hướng dẫn từng bước")
    chat.press("Chưa").expect("Trước hết, mình cùng làm: Đăng ký tài khoản định danh điện tử VNeID mức 2", "Bước 1/")
    assert "[Đăng ký tài khoản" in chat.text
    chat.say("quay lai").expect("Bước 1/6", "Bạn đã có tài khoản VNeID mức 2 chưa?")
    chat.press("Chưa")
    for _ in range(20):
        if "Xong phần" in chat.text:
            break
        chat.press(chat.options[0].label)
    chat.expect("Xong phần: Đăng ký tài khoản định danh điện tử VNeID mức 2", "Bước 2/6")
    chat.say("quay lai").expect("[Đăng ký tài khoản")


def test_every_choice_works_typed(chat: Conversation) -> None:
    chat.say("tam tru").expect("Đăng ký tạm trú")
    chat.say("1").expect("Bước 1/", "chưa?")
    chat.say("tiep").expect("Có hay Chưa")
    chat.say("co").expect("Bước 2/")
    chat.say("quay lai").expect("Bước 1/")
    chat.say("giay to").expect("☐ 1.")
    chat.say("1").expect("☑ 1.")
    chat.say("menu").expect("Chọn lĩnh vực")
    chat.say("tiep").expect("Bước 1/")
    chat.say("english").expect("I will answer in English", "Step 1/")
    chat.say("tieng viet").expect("Bước 1/")
    chat.say("thoat").expect("Đã dừng")
    chat.say("tiep").expect("Hiện chưa mở hướng dẫn nào")


def test_typing_an_options_label_presses_it(chat: Conversation) -> None:
    # Zalo and the terminal show options as a numbered list: people type the words, not the number.
    chat.say("đăng ký khai sinh").say("hướng dẫn từng bước").expect("Bước 1/6")
    chat.say("Giấy tờ cần chuẩn bị").expect("☐ 1.")
    chat.say("mat bang lai xe thi lam sao").say("không phải các mục trên").expect("Chọn lĩnh vực")


def test_next_under_a_card_starts_its_guide(chat: Conversation) -> None:
    chat.say("đổi bằng lái xe").expect("Đổi giấy phép lái xe")
    chat.say("tiếp").expect("Bước 1/")


def test_question_step_needs_an_answer(chat: Conversation) -> None:
    chat.say("khai sinh").press("Hướng dẫn từng bước")
    chat.say("tiep").expect("Có hay Chưa", "Bước 1/6")
    chat.say("co").expect("Bước 2/6")


def test_checklist_ticks_item_by_item_and_returns_to_step(chat: Conversation) -> None:
    chat.say("khai sinh").press("Hướng dẫn từng bước").press("Có")
    chat.press("Giấy tờ cần chuẩn bị").expect("☐ 1. Giấy chứng sinh", "Đã có: 0/")
    chat.press("Giấy chứng sinh").expect("☑ 1. Giấy chứng sinh", "Đã có: 1/")
    chat.press("Giấy chứng sinh").expect("☐ 1. Giấy chứng sinh")
    chat.press("Quay lại bước đang làm").expect("Bước 2/6")


def test_stuck_gives_desk_team_and_configured_hotline(
    settings: Settings, patch: Callable[..., None], tmp_path: Path
) -> None:
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(
        'default:\n  hotline: "0269 3800 000"\n'
        'communes:\n  tan-lap:\n    name: Xã Tân Lập\n    province: Tây Ninh\n    hotline: "0269 3811 111"\n'
        '    team: {vi: "Tổ công nghệ số thôn 3: gặp anh trưởng thôn", en: "Village 3 tech team"}\n',
        encoding="utf-8",
    )
    patch()
    app = build_app(replace(settings, contacts_file=contacts))
    try:
        chat = Conversation(app.engine)
        chat.say("tam tru").press("Hướng dẫn từng bước")
        chat.press("Tôi bị vướng").expect("Bộ phận Một cửa", "Tổ công nghệ số cộng đồng", "0269 3800 000", "OTP")
        chat.press("Quay lại bước đang làm").expect("Bước 1/")
        chat.say("xã tân lập").expect("Đã lưu: Xã Tân Lập")
        chat.say("vuong").expect("Xã Tân Lập", "0269 3811 111", "thôn 3").expect_not("0269 3800 000")
    finally:
        app.close()


def test_ambiguous_question_asks_which(chat: Conversation) -> None:
    chat.say("bảo hiểm").expect("Ý bạn là")
    assert len(chat.options) >= 3
    chat.say("1").expect("📄")


def test_out_of_scope_says_what_it_can_do_and_records_it(chat: Conversation, app: App) -> None:
    chat.say("giá vàng sjc hôm nay bao nhiêu").expect("chưa có thông tin", "khai sinh")
    assert any(option.payload == "nav:menu" for option in chat.options)
    with app.database.session() as session:
        unresolved = session.exec(select(Event).where(Event.type == "unresolved")).all()
    assert [event.text for event in unresolved] == ["giá vàng sjc hôm nay bao nhiêu"]


def test_asking_for_someone_to_come_home_gets_the_community_team(chat: Conversation) -> None:
    chat.say(
        "mẹ tôi già rồi mắt kém, không biết dùng điện thoại, ở xã có ai đến nhà chỉ giúp làm hồ sơ trên mạng không"
    ).expect("Tổ công nghệ số cộng đồng")
    # Less sure, the bot asks -- offering the person first, not the nearest procedure.
    chat.say(
        "bố tôi lớn tuổi không dùng được điện thoại, ở xã có ai xuống tận nhà chỉ giúp làm giấy tờ trên mạng không ạ"
    ).expect("Gặp người hỗ trợ")
    # One candidate is a yes/no question ("ừ" answers it); several are a numbered list.
    chat.say("ừ" if chat.replies[-1].yes_no else "1").expect("Tổ công nghệ số cộng đồng")


def test_resume_after_restart(settings: Settings, patch: Callable[..., None]) -> None:
    patch()
    first = build_app(settings)
    chat = Conversation(first.engine, user_id="42")
    chat.say("khai sinh").press("Hướng dẫn từng bước").press("Có").press("Tiếp theo").expect("Bước 3/6")
    first.close()
    second = build_app(settings)
    try:
        again = Conversation(second.engine, user_id="42")
        again.say("tiep").expect("Bước 4/6")
        again.say("quay lai").expect("Bước 3/6")
    finally:
        second.close()


def test_idle_guide_expires_politely_and_resumes(chat: Conversation) -> None:
    start = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
    chat.now = start
    chat.say("khai sinh").press("Hướng dẫn từng bước").press("Có").expect("Bước 2/6")
    chat.now = start + dt.timedelta(hours=3)
    chat.say("tiep").expect("Bước 2/6").expect_not('gõ "tiếp"')  # "tiếp" resumed it: no "type tiếp" notice
    chat.say("tiep").expect("Bước 3/6")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "x" * 20_000,
        "😀😀😀",
        "\x00\x07abc\x1b[31m",
        "<b>in đậm</b><script>alert(1)</script>",
        "你好，我要办护照",
        "/foo",
        "ـ مرحبا",
    ],
)
def test_bad_input_gets_a_short_reply_and_keeps_the_guide(chat: Conversation, text: str) -> None:
    chat.say("khai sinh").press("Hướng dẫn từng bước").press("Có").expect("Bước 2/6")
    chat.say(text)
    assert chat.replies and all(len(reply.text) < 3000 for reply in chat.replies)
    chat.say("tiep").expect("Bước 3/6")


def test_over_long_text_is_cut_with_a_note(chat: Conversation) -> None:
    chat.say("lam can cuoc " + "a" * 20_000).expect("chỉ đọc 2000 ký tự đầu")


def test_stale_or_forged_buttons_are_harmless(chat: Conversation) -> None:
    for payload in ("guide:khong-co", "tick:gi-do", "sector:999", "open:", "nav:bay-bong", "pick:9.999999"):
        chat.send_payload(payload)
        assert chat.replies


def test_english_user(app: App) -> None:
    chat = Conversation(app.engine, locale_hint="en-US")
    chat.say("hello").expect("Hello!")
    chat.say("How do I get a criminal record certificate?").expect("Criminal record", "Processing time")
    chat.expect_option("Step-by-step guide")


def test_personal_numbers_are_not_stored(chat: Conversation, app: App) -> None:
    chat.say("cccd của tôi 012345678901, sdt 0912 345 678, email an@example.com, tôi cần làm căn cước")
    with app.database.session() as session:
        texts = [event.text or "" for event in session.exec(select(Event))]
        keys = [row.key for row in session.exec(select(ConversationRow))]
    blob = " ".join(texts)
    assert "012345678901" not in blob and "0912 345 678" not in blob and "an@example.com" not in blob
    assert "[id]" in blob and "[phone]" in blob and "[email]" in blob
    assert keys and all(len(key) == 64 and key != "tester" for key in keys)


def test_a_password_or_code_typed_here_is_not_kept_and_the_citizen_is_warned(chat: Conversation, app: App) -> None:
    chat.say("mật khẩu vneid của tôi là Abc@12345 sao đăng nhập không được")
    chat.expect("Đừng bao giờ gửi mật khẩu hay mã OTP", "Đăng nhập")  # the warning, then the answer
    chat.say("mã otp gửi về là 482913, nhập vào đâu").expect("Đừng bao giờ gửi mật khẩu")
    chat.say("quên mật khẩu vneid").expect_not("Đừng bao giờ gửi mật khẩu")  # no secret in it
    alone = Conversation(app.engine, user_id="alone", now=chat.now).say("OTP: 482913")
    alone.expect("Đừng bao giờ gửi mật khẩu").expect_not("chưa có thông tin")  # the warning is the answer
    with app.database.session() as session:
        blob = " ".join(event.text or "" for event in session.exec(select(Event)))
    assert "Abc@12345" not in blob and "482913" not in blob and "[secret]" in blob
    with app.database.session() as session:
        unresolved = session.exec(select(Event).where(Event.type == "unresolved")).all()
    assert not [event for event in unresolved if "[secret]" in (event.text or "")]  # not an unanswered question


def test_a_thumb_in_the_middle_of_a_guide_rates_the_step_and_keeps_the_guide(chat: Conversation, app: App) -> None:
    chat.say("xac nhan cu tru").press("Hướng dẫn").say("có")
    chat.say("👎").expect("sửa bước này", "Bước 2/")
    chat.say("tiếp").expect("Bước 3/")  # the guide went on
    Conversation(app.engine, user_id="new", now=chat.now).say("👍").expect("Cảm ơn bạn!")  # nothing to rate
    with app.database.session() as session:
        ratings = session.exec(select(Event).where(Event.type == "rating")).all()
    assert [(event.intent, event.decision) for event in ratings] == [("xac-nhan-cu-tru", "down")]


def test_switching_language_after_a_long_pause_offers_the_paused_guide(chat: Conversation) -> None:
    start = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
    chat.now = start
    chat.say("khai sinh").press("Hướng dẫn từng bước")
    chat.now = start + dt.timedelta(hours=5)
    chat.say("english").expect("I will answer in English").expect_option("Continue the guide")
    assert len(chat.replies) == 1  # the pause notice is not left behind in Vietnamese
    chat.press("Continue the guide").expect("Step 1/")


def test_a_second_need_in_one_message_is_one_tap_away(chat: Conversation) -> None:
    chat.say("Tôi cần làm căn cước và đăng ký tạm trú").expect("📄 Đăng ký tạm trú")
    chat.press("Thêm: Cấp đổi, cấp lại thẻ căn cước").expect("📄 Cấp đổi, cấp lại thẻ căn cước")
    chat.say("làm hộ chiếu hết bao nhiêu tiền và mất mấy ngày")  # one need, two details: nothing more offered
    assert not [option for option in chat.options if option.label.startswith("Thêm:")]
    # A part too short for the match line still names its need when it clearly leads ("mất cả cccd").
    chat.say("toi bi mat vi, mat ca cccd va bang lai").expect("Cấp lại giấy phép lái xe")
    chat.expect_option("Thêm: Cấp đổi, cấp lại thẻ căn cước")
    # ...but not a guess just over the line, and the "Also" button is no "did you mean" a detail answers for.
    english = Conversation(chat.engine, user_id="second-need-en", locale_hint="en", now=chat.now)
    english.say("My daughter is 10 and has never had a passport. How do I get one?")
    assert not [option for option in english.options if option.label.startswith("Also:")]
    # On an English phone the second need is named in English.
    english.say("my mother died, how do I claim the funeral allowance").expect_option("Also: Death registration")
    english.say("My baby was born last month, never registered. what to do")
    assert not [option for option in english.options if option.label.startswith("Also:")]  # a land title had come
    also = Conversation(chat.engine, user_id="second-need-detail", now=chat.now)
    also.say("Tôi cần làm căn cước và đăng ký tạm trú").say("cần giấy tờ gì").expect("Giấy tờ cho Đăng ký tạm trú")


def test_did_you_mean_buttons_of_sibling_cards_read_differently(app: App) -> None:
    # Two national variants differ only in their ending "(thực hiện tại cấp …)": the buttons keep it.
    chat = Conversation(app.engine, user_id="siblings")
    chat.say("cap the thuong tru cho nguoi nuoc ngoai").expect("Ý bạn là")
    labels = [option.label for option in chat.options]
    assert len(set(labels)) == len(labels)
    assert all(len(label) <= 60 for label in labels)
    assert any(label.endswith("(thực hiện tại cấp Trung ương)") for label in labels)


def test_thanks_in_the_middle_of_a_guide_keeps_the_step_one_tap_away(app: App) -> None:
    chat = Conversation(app.engine, user_id="thanks-mid-guide")
    chat.say("đăng ký tạm trú").press("Hướng dẫn từng bước").expect("Bước 1/")
    chat.say("cảm ơn").expect("Không có gì").expect_option("Quay lại bước")
    chat.press("Quay lại bước").expect("Bước 1/")
    english = Conversation(app.engine, user_id="help-mid-guide", locale_hint="en")
    english.say("temporary residence registration").press("Step-by-step guide").say("help")
    english.expect('"next", "back", "papers", "stuck" or "exit"').expect_option("Back to the step")


def test_typed_steps_and_start_over_are_commands(app: App) -> None:
    chat = Conversation(app.engine, user_id="typed-steps")
    chat.say("đăng ký tạm trú").say("các bước").expect("Bước 1/")
    chat.say("bắt đầu lại").expect_option("Cư trú")
    english = Conversation(app.engine, user_id="typed-steps-en", locale_hint="en")
    english.say("passport fee").expect("Did you mean").say("steps").expect("Step 1/")
    english.say("start over").expect("Choose a topic")


def test_a_second_no_at_a_step_that_asked_nothing_offers_a_person(app: App) -> None:
    chat = Conversation(app.engine, user_id="no-twice")
    chat.say("đăng ký tạm trú").press("Hướng dẫn từng bước").press("Có").expect("Bước 2/")
    chat.say("ko").expect("Không vội đâu")
    chat.say("ko").expect("Bạn có thể nhờ người hỗ trợ").expect_not("Không vội đâu")
    chat.press("Quay lại bước").expect("Bước 2/")


def test_thoi_at_a_guide_question_leaves_and_confusion_is_being_stuck(app: App) -> None:
    quit_ = Conversation(app.engine, user_id="thoi")
    quit_.say("đăng ký tạm trú").press("Hướng dẫn từng bước").expect("Bước 1/")
    quit_.say("thôi").expect("Đã dừng").expect_not("Bước 1/", "VNeID")
    lost = Conversation(app.engine, user_id="k-hieu")
    lost.say("đăng ký tạm trú").press("Hướng dẫn từng bước").say("k hiểu")
    lost.expect("Bạn có thể nhờ người hỗ trợ").expect_option("Quay lại bước")
    offer = Conversation(app.engine, user_id="thoi-offer")  # at an offer, "thôi" is still a no
    offer.say("passport fee").expect("Did you mean").say("thôi").expect_not("Issuing an ordinary passport")


def test_everyday_shorthand_for_choices_yes_no_papers_and_greetings(app: App) -> None:
    pick = Conversation(app.engine, user_id="ordinal")
    pick.say("bảo hiểm y tế").expect("Ý bạn là").say("cái thứ 2").expect("📄").expect_not("Ý bạn là")
    yes = Conversation(app.engine, user_id="phai", locale_hint="en")
    yes.say("i want make birth paper for my son").expect("Did you mean").say("phải").expect("Birth registration")
    yes.expect_not("Did you mean")
    papers = Conversation(app.engine, user_id="con-giay-to")
    papers.say("đăng ký tạm trú").say("còn giấy tờ?").expect("Giấy tờ")
    papers.say("giấy tờ chi").expect("Giấy tờ")
    Conversation(app.engine, user_id="chao").say("chao").expect_not("chưa có thông tin")


def test_another_question_after_a_long_pause_still_mentions_the_paused_guide(app: App) -> None:
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    other = Conversation(app.engine, user_id="other-after-pause", now=start)
    other.say("đăng ký tạm trú").press("Hướng dẫn từng bước").press("Có").expect("Bước 2/")
    other.now = start + dt.timedelta(days=2)
    other.say("làm hộ chiếu").expect('gõ "tiếp"')


def test_steps_are_numbered_along_the_walk_taken(chat: Conversation) -> None:
    # The in-person branch sits at the end of the licence guide's list: it reads 2/4, 3/4, 4/4
    # after "Không", not 8/10, 9/10, 10/10; "Quay lại" counts back.
    chat.say("cấp lại bằng lái bị mất").press("Hướng dẫn từng bước").expect("Bước 1/7")
    chat.press("Không").expect("Bước 2/4")
    chat.say("tiep").expect("Bước 3/4")
    chat.say("quay lai").expect("Bước 2/4")
    turns = walk_to_end(chat)
    assert [n for text in turns for n in step_numbers(text)] == [(2, 4), (3, 4), (4, 4)]


def test_alternative_steps_share_a_number(catalog: Catalog) -> None:
    # Logging in by QR code or by password are alternatives: the step after them follows on.
    entry = catalog.get("dang-nhap-dvc")
    assert entry is not None
    by_id = dict(zip((step.id for step in entry.steps), numbered(entry), strict=True))
    assert by_id["quet-qr"] == by_id["nhap-mat-khau"] == (5, 6)
    assert by_id["da-vao"] == (6, 6)


def test_death_registration_can_be_walked_in_person(chat: Conversation) -> None:
    # A widow without VNeID is not sent to register a VNeID account: the commune's desk is a way too.
    chat.say("đăng ký khai tử").press("Hướng dẫn từng bước").press("Không").expect("Bạn muốn nộp trực tuyến không?")
    chat.press("Không").expect("Bước 3/4", "Giấy báo tử", "Trung tâm Phục vụ hành chính công").expect_not("VNeID")
    turns = walk_to_end(chat)
    assert [n for text in turns for n in step_numbers(text)] == [(3, 4), (4, 4)]

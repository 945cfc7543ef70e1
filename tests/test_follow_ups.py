"""Follow-ups in the middle of a conversation: what the user asks next is answered, nothing is thrown away."""

from __future__ import annotations

import datetime as dt

from bot.app import App
from bot.testing import Conversation

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_thanks_with_a_question_answers_the_question(app: App) -> None:
    chat = Conversation(app.engine, user_id="thanks-fee", now=NOW)
    chat.say("đăng ký tạm trú").say("ok cảm ơn, thế lệ phí bao nhiêu?").expect("Lệ phí — Đăng ký tạm trú")
    chat.say("ok cảm ơn").expect("Không có gì")  # thanks alone is still thanks
    english = Conversation(app.engine, user_id="thanks-time", locale_hint="en", now=NOW)
    english.say("passport").say("thanks! and how long does it take?").expect("Processing time —")


def test_a_command_typed_while_did_you_mean_waits_asks_the_choice_again(app: App) -> None:
    chat = Conversation(app.engine, user_id="choice-papers", now=NOW)
    chat.say("bhyt").say("giấy tờ").expect("Để trả lời về giấy tờ cần chuẩn bị", "1) Cấp lại, đổi thẻ BHYT")
    chat.press("Cấp lại, đổi thẻ BHYT").expect("Giấy tờ")  # the papers, once picked
    steps = Conversation(app.engine, user_id="choice-steps", now=NOW)
    steps.say("bhyt").say("hướng dẫn từng bước").expect("Để trả lời về các bước làm", "1) Cấp lại, đổi thẻ BHYT")
    steps.expect_not("Hiện chưa mở hướng dẫn nào")


def test_a_fee_asked_while_a_mixed_did_you_mean_waits_gives_each_plain_fee(app: App) -> None:
    # The offered list holds a curated guide and national records: each states what it plainly holds.
    chat = Conversation(app.engine, user_id="mixed-fee", now=NOW)
    chat.say("vợ tôi là người Nhật, muốn làm giấy khai sinh cho con").expect("khai sinh có yếu tố nước ngoài")
    chat.say("bao nhiêu tiền?").expect("1) Đăng ký khai sinh — Lệ phí", "Trích lục hộ tịch, bản sao Giấy khai sinh —")
    chat.expect("Bạn hỏi thủ tục nào?").expect_not("Để trả lời về lệ phí")
    # A record whose fee is set elsewhere (the provincial council) states none: never a guess, but
    # its line stays, so the one the user may need does not seem to vanish.
    chat.expect("2) Thủ tục đăng ký khai sinh có yếu tố nước ngoài — bấm vào để xem")


def test_a_bare_detail_word_after_a_national_code_is_answered(app: App) -> None:
    helper = Conversation(app.engine, user_id="code-detail", now=NOW)
    helper.say("1.003460 giay to").expect("Giấy tờ cho Cấp thẻ tạm trú cho người nước ngoài").expect_not("📄")
    helper.say("1.004194 phi").expect("Lệ phí — Đăng ký tạm trú")
    # A record that names no office but the commune level: said so, with where commune dossiers go.
    helper.say("2.000806 nộp ở đâu").expect("chỉ ghi cấp thực hiện: cấp xã", "Trung tâm Phục vụ hành chính công")


def test_the_guide_stays_one_tap_away_and_thoi_leaves_it(app: App) -> None:
    chat = Conversation(app.engine, user_id="guide-edges", now=NOW)
    chat.say("đăng ký khai tử").press("Hướng dẫn từng bước").press("Không").expect("Bạn muốn nộp trực tuyến không?")
    chat.say("ko biet").expect("nhờ người hỗ trợ").expect_option("Quay lại bước đang làm")  # unsure: help, step kept
    chat.say("sim cua ba toi dung ten toi thi sao").expect("chưa có thông tin").expect_option("Quay lại bước đang làm")
    chat.press("Quay lại bước đang làm").expect("Bước 2/10")
    chat.say("giay to gi").expect("Giấy tờ cho Đăng ký khai tử")  # a side question pauses the guide
    chat.say("thôi").expect("Đã dừng")
    chat.say("tiếp").expect("Hiện chưa mở hướng dẫn nào")  # left, not paused


def test_the_papers_legend_comes_only_with_a_starred_paper(app: App) -> None:
    plain = Conversation(app.engine, user_id="papers-plain", now=NOW)
    plain.say("tro cap xa hoi").say("can giay to gi").expect("Tờ khai đề nghị trợ giúp xã hội").expect_not("(*)")
    starred = Conversation(app.engine, user_id="papers-starred", now=NOW)
    starred.say("khai tu").say("giay to gi").expect("(bản chính) (*)", "(*) có lưu ý")


def test_a_code_the_catalog_does_not_hold_is_said_so(app: App) -> None:
    chat = Conversation(app.engine, user_id="unknown-code", now=NOW)
    chat.say("1.999999").expect("Không có thủ tục nào mang mã 1.999999").expect_not("chưa có thông tin về việc này")
    chat.say("ma 1.001193 can giay to gi").expect("Giấy tờ")
    chat.say("1001193").expect("Đăng ký khai sinh (mã 1.001193)")  # a code typed without its dot
    chat.say("1234567").expect('Bạn vừa gõ "1234567"')  # a number that is no code is still asked about


def test_whether_one_must_register_is_answered_by_the_rule_that_says_when(app: App) -> None:
    # "Do I have to register?" is answered by when one must (30 days or more), not by who may.
    chat = Conversation(app.engine, user_id="must-register", now=NOW)
    chat.say("bố mẹ tôi lên chơi 2 tuần ở nhà tôi thì có phải đăng ký tạm trú không")
    chat.expect("Thời hạn phải làm — Đăng ký tạm trú", "từ 30 ngày trở lên")
    plain = Conversation(app.engine, user_id="must-register-2", now=NOW)
    plain.say("có bắt buộc đăng ký tạm trú không").expect("từ 30 ngày trở lên")


def test_can_i_do_it_at_the_commune_police_asks_where_not_an_address(app: App) -> None:
    # "công an" shares its letters with the commune "Cô Ngân" (Cao Bằng): it was read as an address.
    chat = Conversation(app.engine, user_id="commune-police", now=NOW)
    chat.say("khai báo tạm vắng").say("ở công an xã được không")
    chat.expect("Nộp ở đâu — Khai báo tạm vắng").expect_not("Cao Bằng")
    other = Conversation(app.engine, user_id="to-province", now=NOW)
    other.say("khai báo tạm vắng").say("có phải lên tỉnh không").expect("Nộp ở đâu — Khai báo tạm vắng")


def test_a_long_health_question_is_not_read_as_an_address(app: App) -> None:
    # "bệnh viện tỉnh bác sĩ bảo …" had been read as the commune Tịnh Bắc: "which province?"
    chat = Conversation(app.engine, user_id="back-pain", now=NOW)
    chat.say(
        "Chồng tôi bị đau lưng lâu năm, đi khám ở bệnh viện tỉnh bác sĩ bảo thoát vị đĩa đệm, có nên mổ "
        "hay chỉ cần tập vật lý trị liệu, chi phí khoảng bao nhiêu?"
    )
    chat.expect("chưa có thông tin").expect_not("Lạng Sơn").expect_not("tỉnh, thành phố nào")


def test_how_is_it_done_under_a_national_card_points_to_its_page(app: App) -> None:
    # No guide is held for a national record: "thủ tục ntn" and the steps button had said "no information".
    chat = Conversation(app.engine, user_id="card-steps", now=NOW)
    chat.say("1.001570").say("thu tuc ntn").expect("chưa có hướng dẫn từng bước cho Tạm ngừng kinh doanh")
    chat.expect_option("Giấy tờ cần chuẩn bị").expect_not("Xin lỗi")
    chat.say("toi ko hieu").expect("Mình có thể:").expect_not("Xin lỗi")  # what the bot can do
    guide = Conversation(app.engine, user_id="guide-steps", now=NOW)
    guide.say("đăng ký tạm trú").say("cac buoc lam").expect("Bước 1/")  # a curated card: its guide


def test_no_to_did_you_mean_is_none_of_these(app: App) -> None:
    # "ko" to "Ý bạn là: 1) … 2) …" had been answered "Xin lỗi, mình chưa có thông tin…".
    for said in ("ko", "không"):
        chat = Conversation(app.engine, user_id=f"no-to-which-{said}", now=NOW)
        chat.say("e muon doi cccd vi doi ten").expect("Ý bạn là")
        chat.say(said).expect("gõ câu hỏi của bạn").expect_not("chưa có thông tin")


def test_yes_to_did_you_mean_asks_which_one(app: App) -> None:
    # "có" to "Ý bạn là: 1) … 2) …" had been "Xin lỗi, mình chưa có thông tin…": a yes picks nothing.
    for said in ("có", "ok", "ừ"):
        chat = Conversation(app.engine, user_id=f"yes-to-which-{said}", now=NOW)
        chat.say("thẻ tạm trú").expect("Ý bạn là", "2) Đăng ký tạm trú")
        chat.say(said).expect("Bạn muốn hỏi mục nào?", "2) Đăng ký tạm trú").expect_not("chưa có thông tin")
        chat.expect_option("Đăng ký tạm trú")
        chat.say("2").expect("Đăng ký tạm trú (mã 1.004194)")  # and the pick still works
    english = Conversation(app.engine, user_id="yes-to-which-en", locale_hint="en", now=NOW)
    english.say("I am a foreigner, how do I get a temporary residence card?").say("yes")
    english.expect("Which one do you mean?").expect_not("Sorry")


def test_where_for_a_procedure_done_only_online_names_the_portal(app: App) -> None:
    # Paying a traffic fine online: the answer had been "Ngoài ra: Cổng …" under an empty heading,
    # with a hint to type an old address for an office that plays no part.
    chat = Conversation(app.engine, user_id="fine-where", now=NOW)
    chat.say("cho em hỏi bị phạt nguội xe máy vượt đèn đỏ thì nộp phạt online ở đâu")
    chat.expect("• Cổng Dịch vụ công quốc gia").expect_not("Ngoài ra").expect_not("địa chỉ cũ")


def test_moving_ones_household_registration_is_not_asking_how_the_result_comes(app: App) -> None:
    # "chuyển khẩu về nhà chồng" had been read as "how is the result sent home".
    chat = Conversation(app.engine, user_id="move-residence", now=NOW)
    chat.say("toi muon chuyen khau ve nha chong o que").expect("Đăng ký thường trú").expect_not("Kết quả —")


def test_someone_who_cannot_use_a_phone_is_pointed_to_people(app: App) -> None:
    # "bà ko biết dùng điện thoại" had been read as "can it be done online?" and asked which procedure.
    for said in ("ba ko biet dung dien thoai", "Tôi không biết làm online"):
        chat = Conversation(app.engine, user_id=f"no-phone-{said}", now=NOW)
        chat.say(said).expect("Tổ công nghệ số cộng đồng", "Bộ phận Một cửa").expect_not("thủ tục nào")


def test_two_details_asked_at_once_are_both_answered_when_they_fit(app: App) -> None:
    # "ở đâu, mất bao lâu": only the time had been answered, the office one tap away.
    chat = Conversation(app.engine, user_id="two-details", now=NOW)
    chat.say("làm căn cước ở đâu, mất bao lâu").expect("Thời gian giải quyết —", "Nộp ở đâu —", "7 ngày làm việc")
    assert len(chat.replies[0].text) <= 400
    assert not any("Nộp ở đâu" in option.label for option in chat.options)  # neither detail offered again
    chat.expect_option("Giấy tờ cần chuẩn bị")


def test_the_conditional_papers_legend_is_said_once(app: App) -> None:
    chat = Conversation(app.engine, user_id="legend-once", now=NOW)
    chat.say("giấy tờ gì và nộp ở đâu để đăng ký tạm trú")
    assert chat.replies[0].text.count("(*) có lưu ý") == 1


def test_a_phones_curly_apostrophe_is_an_apostrophe(app: App) -> None:
    # iOS types "don’t" with U+2019: "I don’t understand" had been routed as a question.
    chat = Conversation(app.engine, user_id="curly", now=NOW, locale_hint="en")
    chat.say("I don’t understand").expect_not("Sorry")
    assert chat.replies and chat.replies[0].kind.value == "help"


def test_a_code_without_its_dot_answers_the_detail_typed_beside_it(app: App) -> None:
    # A helper's quick look-up: "1004222 thời gian" had been "Xin lỗi, mình chưa có thông tin…".
    chat = Conversation(app.engine, user_id="dotless-detail", now=NOW)
    chat.say("1004222 thời gian").expect("Thời gian giải quyết — Đăng ký thường trú")
    chat.say("1003460 giấy tờ").expect("Giấy tờ cho Cấp thẻ tạm trú cho người nước ngoài")
    chat.say("1.001193 cơ quan thực hiện").expect("Nộp ở đâu — Đăng ký khai sinh")  # the agency asked, not the card
    chat.say("1004222123").expect_not("Đăng ký thường trú")  # a longer number is no code


def test_a_record_without_the_asked_fee_says_so_first(app: App) -> None:
    # "1014062 lệ phí" had shown a card with no fee line; only asked again was the gap said.
    chat = Conversation(app.engine, user_id="record-no-fee", now=NOW)
    chat.say("1014062 lệ phí").expect("không ghi lệ phí").expect_option("Xem cả thẻ thủ tục")

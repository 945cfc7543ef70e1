"""Where do I go now: an old address answered with today's ward and the procedure's office.

Through the engine, the terminal (``dvcbot chat``) and Telegram (the real
python-telegram-bot application against the fake Bot API).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace

from sqlmodel import select

from bot.app import App
from bot.config import Settings
from bot.storage.tables import Event
from bot.testing import Conversation
from procedures.addresses import without_places
from tests.fake_telegram import FakeTelegram
from tests.test_telegram import running

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
SAI_GON = "26740"  # the official code of phường Sài Gòn, TP Hồ Chí Minh (since 1 July 2025)


def test_an_old_address_gets_the_new_ward_and_the_office_of_the_procedure(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("làm căn cước ở đâu").expect("Nộp ở đâu — Cấp đổi, cấp lại thẻ căn cước", "Gõ địa chỉ cũ")
    chat.say("số 12 đường Lê Lợi, phường Bến Nghé, Quận 1 cũ").expect(
        "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh nay thuộc Phường Sài Gòn",
        "Công an cấp xã — tại Phường Sài Gòn, Thành phố Hồ Chí Minh",
    ).expect_not("Lê Lợi", "12")
    # Remembered by its official code: the next "where" answer names it.
    chat.say("lệ phí làm căn cước bao nhiêu").press("Nộp ở đâu").expect("Xã/phường của bạn: Phường Sài Gòn")
    with app.database.session() as session:
        texts = " ".join(event.text or "" for event in session.exec(select(Event)))
    assert "Lê Lợi" not in texts and "Bến Nghé" in texts, "the street is never stored; the ward is"


def test_a_split_commune_gets_a_question_not_a_guess(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("đăng ký tạm trú nộp ở đâu").say("phường Điện Biên, quận Ba Đình cũ")
    chat.expect("được chia cho nhiều xã, phường", "Phường Ba Đình").expect_option("Phường Ô Chợ Dừa")
    chat.press("Phường Ba Đình").expect("Đăng ký tạm trú: Công an cấp xã", "Phường Ba Đình, Thành phố Hà Nội")


def test_a_name_several_communes_carry_asks_for_the_province(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("đăng ký khai sinh ở đâu").say("xã Tân Lập").expect("Ở tỉnh, thành phố nào?")
    chat.say("Tây Ninh").expect("Xã Tân Lập, Tỉnh Tây Ninh")


def test_a_question_that_mentions_a_commune_word_is_still_a_question(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("làm căn cước ở đâu").say("trợ cấp xã hội hằng tháng cho người già").expect("Trợ cấp xã hội")
    Conversation(app.engine, user_id="english", locale_hint="en", now=NOW).say(
        "I used to live in phuong Ben Nghe, quan 1 (old address)"
    ).expect("is now part of Phường Sài Gòn")


def test_a_question_asked_beside_an_address_is_answered_and_the_commune_kept(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("bằng lái xe, tôi ở phường Bình Thạnh").expect("Ý bạn là", "giấy phép lái xe")  # not the address
    chat.say("1").expect("📄").expect_not("Xã/phường của bạn")
    sure = Conversation(app.engine, user_id="sure", now=NOW)
    sure.say("làm lại căn cước bị mất, nhà tôi ở phường Bến Nghé quận 1 cũ").expect("📄 Cấp đổi, cấp lại thẻ căn cước")
    sure.say("nộp ở đâu").expect("Xã/phường của bạn: Phường Sài Gòn")
    # "tôi ở" beside a ward asks nothing: it is an address.
    Conversation(app.engine, user_id="lives", now=NOW).say("tôi ở phường Hoàn Kiếm").expect("Phường Hoàn Kiếm")
    # A bare address, even one whose city an example story names, is still read as an address.
    Conversation(app.engine, user_id="place", now=NOW).say("Phường Hải Châu, Thành phố Đà Nẵng").expect(
        "Xã/phường của bạn: Phường Hải Châu"
    )


def test_the_terminal_answers_an_old_address(terminal_chat) -> None:  # type: ignore[no-untyped-def]
    out = terminal_chat(["làm căn cước ở đâu", "phường Bến Nghé, Quận 1 cũ", "thoát"])
    assert "nay thuộc Phường Sài Gòn, Thành phố Hồ Chí Minh" in out
    assert "Công an cấp xã — tại Phường Sài Gòn" in out


def test_telegram_answers_an_old_address(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        fake = FakeTelegram()
        server = await fake.start()
        async with running(replace(settings, telegram_token="123:TEST"), fake, patch):
            fake.user_says(7001, "đăng ký thường trú nộp ở đâu")
            sent = await fake.turn(7001)
            assert "Nộp ở đâu" in sent[-1].text
            fake.user_says(7001, "phường Bến Nghé, Quận 1 cũ")
            sent = await fake.turn(7001)
            assert "Phường Sài Gòn, Thành phố Hồ Chí Minh" in sent[-1].text
            assert "Công an cấp xã" in sent[-1].text
        await fake.stop(server)

    asyncio.run(scenario())


def test_a_sentence_after_where_to_submit_is_not_read_as_a_bare_place_name(app: App) -> None:
    # "bác là" folds like the commune "Bắc La": a whole sentence is a question, a name of a few words a place.
    chat = Conversation(app.engine, user_id="sentence", now=NOW)
    chat.say("khai sinh").say("lam o dau")
    chat.say("con dau bac la nguoi dan toc thi co khac ko").expect_not("Bắc La", "nay thuộc")
    chat.say("lam o dau").say("Bến Nghé").expect("Phường Bến Nghé", "nay thuộc Phường Sài Gòn")


def test_a_district_alone_asks_which_commune_then_reads_both_together(app: App) -> None:
    chat = Conversation(app.engine, user_id="district-alone", now=NOW)
    chat.say("làm căn cước ở đâu").say("quận 1").expect("Trước đây bạn ở xã, phường nào (Thành phố Hồ Chí Minh)?")
    chat.say("phường Bến Nghé").expect("Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh nay thuộc Phường Sài Gòn")


def test_an_office_serving_several_communes_is_not_said_to_be_in_the_ward(app: App) -> None:
    # The health insurance card goes to a social insurance office (provincial or local), not "in" the ward.
    chat = Conversation(app.engine, user_id="bhxh-office", now=NOW)
    chat.say("cấp lại thẻ bhyt").say("nộp ở đâu").say("số 12 đường Lê Lợi, phường Bến Nghé, Quận 1 cũ")
    chat.expect("nơi phụ trách Phường Sài Gòn").expect_not("— tại Phường Sài Gòn")


def test_an_old_ward_listed_under_another_name_says_so_first(app: App) -> None:
    # "phường 3, quận 10" is listed within Phường 2, Quận 10 before 2025: said, not silently swapped.
    chat = Conversation(app.engine, user_id="renamed-ward", now=NOW)
    chat.say("làm căn cước ở đâu").say("phuong 3 quan 10")
    chat.expect("Trong danh sách xã, phường trước ngày 1/7/2025, địa chỉ này thuộc Phường 2, Quận 10")
    exact = Conversation(app.engine, user_id="same-ward", now=NOW)
    exact.say("làm căn cước ở đâu").say("phường Bến Nghé, Quận 1 cũ").expect_not("Trong danh sách")


def test_not_knowing_the_new_ward_names_who_knows_and_keeps_the_choice(app: App) -> None:
    chat = Conversation(app.engine, user_id="unsure-ward", now=NOW)
    chat.say("làm căn cước ở đâu").say("phường Dịch Vọng, Cầu Giấy").expect("Nay bạn thuộc nơi nào?")
    chat.say("không biết nữa").expect("Không sao", "Phường Cầu Giấy, Thành phố Hà Nội; Phường Nghĩa Đô")
    chat.expect_not("Nay bạn thuộc nơi nào?").press("Phường Nghĩa Đô").expect("tại Phường Nghĩa Đô")
    district = Conversation(app.engine, user_id="unsure-district", now=NOW)  # no list to choose from
    district.say("làm căn cước ở đâu").say("quận 1").say("không biết").expect_not("một trong các nơi: .")


def test_an_address_while_did_you_mean_waits_names_each_offered_office_and_keeps_the_choice(app: App) -> None:
    chat = Conversation(app.engine, user_id="address-choice", now=NOW)
    chat.say("bằng lái").say("nộp ở đâu").say("phường Bến Nghé quận 1")
    chat.expect("nay thuộc Phường Sài Gòn", "Cấp lại giấy phép lái xe bị mất:", "Đổi giấy phép lái xe:")
    chat.expect_not("Phần lớn thủ tục bắt đầu")  # not the commune's People's Committee for a licence
    chat.press("bị mất").expect("Nộp ở đâu — Cấp lại giấy phép lái xe bị mất")


def test_an_address_answering_a_one_choice_did_you_mean_keeps_the_yes(app: App) -> None:
    chat = Conversation(app.engine, user_id="address-one-choice", now=NOW)
    chat.say("khai tu").expect("Đăng ký khai tử?")
    chat.say("toi o xa ea tieu huyen cu kuin dak lak").expect("nay thuộc Xã Ea Ktur", "Đăng ký khai tử?")
    chat.say("co").expect("Nộp ở đâu — Đăng ký khai tử", "Xã Ea Ktur")


def test_a_named_province_finds_its_township_called_a_commune(app: App) -> None:
    # "xã Phú Hòa, tỉnh Gia Lai" (a thị trấn there) had offered four Phú Hòa elsewhere, and "Gia Lai"
    # typed in answer brought the same question again.
    chat = Conversation(app.engine, user_id="township-province", now=NOW)
    chat.say("xã Phú Hòa, tỉnh Gia Lai").expect("nay thuộc Xã Chư Păh, Tỉnh Gia Lai")
    chat.expect_not("Ở tỉnh, thành phố nào")
    again = Conversation(app.engine, user_id="township-answer", now=NOW)
    again.say("xã Phú Hòa").expect("Ở tỉnh, thành phố nào")
    again.say("Gia Lai").expect("nay thuộc Xã Chư Păh, Tỉnh Gia Lai")


def test_an_old_address_beside_a_procedure_keeps_the_procedure(app: App) -> None:
    # The address had been answered alone: "đăng ký thường trú" lost "ký thường" (read as the
    # commune Kỳ Thượng) when the places were taken out, so no question was left beside the address.
    assert without_places("tui ở phường Bến Nghé, Quận 1 cũ, muốn đăng ký thường trú").endswith("đăng ký thường trú")
    assert without_places("muốn đăng ký thường trú phường Bến Nghé quận 1 cũ") == "muốn đăng ký thường trú cũ"
    assert without_places("đăng ký thường trú Hà Nội") == "đăng ký thường trú"
    assert without_places("làm căn cước ở Bến Nghé, Quận 1").strip(" ,") == "làm căn cước ở"  # bare, beside a unit
    chat = Conversation(app.engine, user_id="address-and-question", now=NOW)
    chat.say("tui ở phường Bến Nghé, Quận 1 cũ, muốn đăng ký thường trú").expect("Đăng ký thường trú")
    chat.say("nộp ở đâu").expect("Nộp ở đâu — Đăng ký thường trú", "Xã/phường của bạn: Phường Sài Gòn")


def test_a_district_typed_alone_asks_which_commune_but_not_in_a_sentence(app: App) -> None:
    chat = Conversation(app.engine, user_id="district-typed", now=NOW)
    chat.say("tôi ở quận 1 cũ").expect("Trước đây bạn ở xã, phường nào")
    other = Conversation(app.engine, user_id="district-in-sentence", now=NOW)
    other.say("ăn gì ở quận 1").expect_not("Trước đây bạn ở xã, phường nào")


def test_a_choice_of_communes_says_which_old_one_it_came_from(app: App) -> None:
    # "xã Phú Hòa" had offered "Xã Lương Tài, Tỉnh Bắc Ninh" with no word of Phú Hòa.
    chat = Conversation(app.engine, user_id="old-name-choice", now=NOW)
    chat.say("xã Phú Hòa").expect("Xã Phú Hòa (cũ) → nay là Xã Lương Tài, Tỉnh Bắc Ninh", "Xã Phú Hòa, Tỉnh Đồng Nai")
    chat.press("Xã Phú Hòa (cũ) → nay là Xã Lương Tài, Tỉnh Bắc Ninh").expect("Xã Lương Tài")


def test_a_place_name_does_not_sink_a_question(app: App) -> None:
    # "thuê nhà ở hà nội thì đăng ký gì" had been "Xin lỗi, mình chưa có thông tin" ("… ở đà nẵng …" was not).
    chat = Conversation(app.engine, user_id="place-sinks", now=NOW)
    chat.say("thuê nhà ở hà nội thì đăng ký gì").expect("Đăng ký tạm trú").expect_not("chưa có thông tin")

"""Ways out of an online guide: a person after a sub-guide that did not help, the desk while a card is issued."""

from __future__ import annotations

from bot.testing import Conversation


def test_no_again_after_the_guide_it_led_to_brings_a_person_not_the_guide_again(chat: Conversation) -> None:
    # "Bạn đăng nhập được không?" "Không" → the login guide → the same question → "Không" had
    # started the login guide once more, round and round ("Bước 13/18").
    chat.say("tra cứu hồ sơ").press("Hướng dẫn từng bước").press("Tiếp theo")
    chat.press("Không").expect("Bạn đăng nhập được không?")
    chat.press("Không").expect("Trước hết, mình cùng làm: Đăng nhập Cổng Dịch vụ công quốc gia bằng VNeID")
    for _ in range(20):
        if "Xong phần" in chat.text:
            break
        chat.press(chat.options[0].label)
    chat.expect("Xong phần: Đăng nhập Cổng Dịch vụ công", "Bạn đăng nhập được không?")
    chat.press("Không").expect("vẫn chưa được", "Tôi bị vướng").expect_not("Trước hết, mình cùng làm")
    chat.press("Tôi bị vướng").expect("Bộ phận Một cửa")


def test_no_card_yet_inside_an_online_guide_offers_the_desk(chat: Conversation) -> None:
    # No chip card: the account comes with a new card in up to 7 working days, and the online
    # temporary-residence steps had gone on as if it were there; the desk was never offered.
    chat.say("đăng ký tạm trú").press("Hướng dẫn từng bước").press("Chưa").press("Chưa").press("Không")
    chat.expect("tối đa 7 ngày làm việc", "Không muốn chờ? Đăng ký tạm trú cũng làm trực tiếp được: Công an cấp xã")
    chat.press("Nộp ở đâu").expect("Nộp ở đâu — Đăng ký tạm trú").expect_option("Tiếp tục hướng dẫn")
    alone = Conversation(chat.engine, user_id="vneid-alone", now=chat.now)  # the account guide alone: no desk line
    alone.say("đăng ký vneid mức 2").press("Hướng dẫn từng bước").press("Không").expect_not("Không muốn chờ")


def test_still_failing_typed_brings_a_person(chat: Conversation) -> None:
    # "vẫn không đăng nhập được" had brought the login card again.
    chat.say("đăng ký tạm trú").say("vẫn không đăng nhập được").expect("Bộ phận Một cửa")
    english = Conversation(chat.engine, user_id="still-failing-en", locale_hint="en", now=chat.now)
    english.say("temporary residence registration").say("still cannot log in").expect("one-stop")

"""Answers: the asked detail first, on one screen, true to the catalog files, in the asker's language."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from bot.app import App
from bot.conversation.answers import CARD_LIMIT, FACET_LIMIT, FEE_TIME, facet_answer
from bot.conversation.commands import yes_or_no
from bot.conversation.listing_cards import listing_answer
from bot.conversation.summary_card import short_card
from bot.i18n import Languages
from bot.testing import Conversation
from intents.facets import Facet
from procedures.catalog import Catalog

CATALOG_DIR = Path(__file__).resolve().parents[1] / "procedures" / "catalog"
TODAY = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
FACETS = [facet.value for facet in Facet if facet is not Facet.NONE] + [FEE_TIME]
# Words that belong to editors (the catalog's notes and markers), never to a citizen's reply.
EDITORIAL = (
    "chưa xác minh",
    "not yet verified",
    "unverified",
    "cổng ghi",
    "hồ sơ quốc gia ghi",
    "record says",
    "bản ghi",
    "secondary source",
    "nguồn phụ",
)


def raw_entries() -> dict[str, dict]:  # type: ignore[type-arg]
    """The catalog files as plain YAML data -- not through the code that renders replies."""
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(CATALOG_DIR.glob("*.yaml"))}


def money(text: str) -> set[int]:
    """Every amount the reply prints as money ("50.000 ₫" in Vietnamese, "₫50,000" in English)."""
    found = re.findall(r"(\d{1,3}(?:[.,]\d{3})*)\s₫|₫(\d{1,3}(?:[.,]\d{3})*)", text)
    amounts = {int(re.sub(r"[.,]", "", a or b)) for a, b in found}
    return amounts | ({0} if re.search(r": (Miễn phí|Free)\b", text) else set())


UNITS = {
    "ngày làm việc": "working_day",
    "working day": "working_day",
    "ngày": "day",
    "day": "day",
    "giờ": "hour",
    "hour": "hour",
}


def durations(text: str) -> set[tuple[float, str]]:
    """Every processing time the reply lists as a bullet ("• 7 ngày làm việc")."""
    found = set()
    for amount, unit in re.findall(
        r"^• (\d+(?:[.,]\d+)?) (ngày làm việc|working days?|ngày|days?|giờ|hours?)", text, re.M
    ):
        found.add((float(amount.replace(",", ".")), UNITS[unit.rstrip("s")]))
    return found


@pytest.fixture(scope="module")
def languages() -> Languages:
    return Languages()


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_fee_and_time_in_a_reply_is_the_catalog_files_own(
    catalog: Catalog, languages: Languages, locale: str
) -> None:
    tr = languages.get(locale)
    for entry_id, raw in raw_entries().items():
        entry = catalog.get(entry_id)
        assert entry is not None
        in_force = {
            fee["amount_vnd"]
            for fee in raw.get("fees") or []
            if fee.get("amount_vnd") is not None and (fee.get("valid_until") is None or fee["valid_until"] >= TODAY)
        }
        times = {(float(item["amount"]), item["unit"]) for item in raw.get("processing_time") or []}
        fee_text = facet_answer(entry, Facet.FEE, tr, TODAY).text
        assert money(fee_text) <= in_force, (entry_id, fee_text)
        if in_force and "…" not in fee_text:
            assert money(fee_text) == in_force, (entry_id, fee_text)
        time_text = facet_answer(entry, Facet.TIME, tr, TODAY).text
        if times:
            assert durations(time_text) == times, (entry_id, time_text)
        card = short_card(entry, tr, TODAY).text
        assert money(card) <= in_force | {0}, (entry_id, card)


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_answer_fits_one_screen_and_holds_no_editorial_word(
    catalog: Catalog, languages: Languages, locale: str
) -> None:
    tr = languages.get(locale)
    for entry in catalog:
        card = short_card(entry, tr, TODAY)
        assert len(card.text) <= CARD_LIMIT, (entry.id, len(card.text))
        texts = [card.text]
        for facet in FACETS:
            reply = facet_answer(entry, facet, tr, TODAY)
            assert len(reply.text) <= FACET_LIMIT, (entry.id, facet, len(reply.text), reply.text)
            texts.append(reply.text)
        texts += [step.text.get(locale) for step in entry.steps]
        texts += [step.tip.get(locale) for step in entry.steps if step.tip is not None]
        for text in texts:
            lowered = text.lower()
            assert not any(marker in lowered for marker in EDITORIAL), (entry.id, text)


def test_a_fee_question_is_answered_first_then_the_card_then_the_steps(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("Lệ phí làm lại căn cước bao nhiêu?").expect("Lệ phí — Cấp đổi, cấp lại thẻ căn cước", "70.000")
    assert len(chat.text) <= FACET_LIMIT and chat.text.startswith("Lệ phí")
    chat.expect_option("Hướng dẫn từng bước", "Giấy tờ cần chuẩn bị", "Nộp ở đâu")
    chat.say("lệ phí làm lại căn cước bao nhiêu vậy").expect("📄 Cấp đổi, cấp lại thẻ căn cước")
    assert len(chat.text) <= CARD_LIMIT
    chat.say("le phi lam lai can cuoc bao nhieu").expect("Bước 1/")
    other = Conversation(app.engine, user_id="other", now=NOW)
    other.say("làm căn cước ở đâu").expect("Nộp ở đâu — Cấp đổi, cấp lại thẻ căn cước", "Công an")
    other.press("Lệ phí và thời gian").expect("Lệ phí —", "Thời gian giải quyết:", "7 ngày làm việc")


def test_the_fee_and_the_time_asked_together_are_answered_together(app: App) -> None:
    chat = Conversation(app.engine, user_id="both", now=NOW)
    chat.say("cho hỏi làm hộ chiếu hết bao nhiêu tiền và mất mấy ngày").expect("Lệ phí —", "8 ngày làm việc")
    chat.expect_not("📄")  # not the card: the two asked facts
    assert len(chat.text) <= FACET_LIMIT


def test_a_question_with_no_detail_gets_the_short_card(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("tôi muốn làm hộ chiếu").expect("📄 Cấp hộ chiếu", "Lệ phí").expect_option("Lệ phí và thời gian")
    assert len(chat.text) <= CARD_LIMIT


def test_a_fact_the_catalog_does_not_hold_is_said_so_with_the_official_page(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.send_payload("fact:can-cuoc:validity").expect("chưa có thông tin đã kiểm chứng", "thời hạn sử dụng")
    assert chat.replies[-1].links and ".gov.vn" in chat.replies[-1].links[0].url
    english = Conversation(app.engine, user_id="en", locale_hint="en", now=NOW)
    english.send_payload("fact:can-cuoc:deadline").expect("I do not have verified information", "the deadline")


def test_english_questions_get_english_answers_and_an_explicit_choice_wins(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("Hi, I am a foreigner. How much does a passport for my Vietnamese wife cost?").expect("Fee —")
    chat.say("ok").expect_not("Lệ phí")  # short: keeps English
    chat.say("le phi dang ky tam tru bao nhieu").expect("Lệ phí —")  # Vietnamese without diacritics is Vietnamese
    chat.say("english").expect("I will answer in English")
    chat.say("lệ phí đăng ký thường trú là bao nhiêu").expect("Fee —")  # the explicit choice holds
    hinted = Conversation(app.engine, user_id="hint", locale_hint="en-US", now=NOW)
    hinted.say("lam cccd").expect("identity card")  # a short message: the platform's hint decides
    # English words shaped like Vietnamese syllables ("hi", "long", "it", "to", "a") tell neither way.
    plain = Conversation(app.engine, user_id="plain", now=NOW)
    plain.say("Hi, how long does it take to get a passport?").expect("passport").expect_not("hộ chiếu")


def test_yes_no_shorthand_answers_the_pending_question(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("đăng ký khai sinh").press("Hướng dẫn từng bước").expect("Bước 1/6", "chưa?")
    chat.say("dc").expect("Bước 2/6")  # "được": yes
    chat.say("quay lai").expect("Bước 1/6")
    chat.say("khum").expect("[Đăng ký tài khoản định danh điện tử VNeID mức 2]")  # "không": no
    for _ in range(8):  # on to a step that asks nothing
        if chat.replies[-1].yes_no is None:
            break
        chat.say("có")
    step = re.findall(r"Bước (\d+)/", chat.text)[-1]
    chat.say("ko").expect("Không vội")  # not done yet: no hurry
    chat.say("ok").expect(f"Bước {int(step) + 1}/")  # done: next


@pytest.mark.parametrize(
    "text", ["có", "co", "dc", "đc", "được", "ok", "oke", "ừ", "uh", "uk", "vâng", "dạ", "yes", "Dạ vâng!"]
)
def test_yes_shorthand(text: str) -> None:
    assert yes_or_no(text) is True


@pytest.mark.parametrize("text", ["ko", "k", "không", "hok", "hông", "khum", "chưa", "no", "Không ạ", "thôi"])
def test_no_shorthand(text: str) -> None:
    assert yes_or_no(text) is False


def test_did_you_mean_no_asks_for_other_words(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.send_payload("nav:rephrase").expect("cách khác")


def test_a_bare_number_with_nothing_to_choose_asks_what_it_means(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("0").expect('Bạn vừa gõ "0"')
    chat.say("tạm trú").say("9").expect('Bạn vừa gõ "9"')
    listed = Conversation(app.engine, user_id="listed", now=NOW).say("bảo hiểm")  # "did you mean" with a list
    shown = [option.label for option in listed.options]
    listed.say("9").expect(f"từ 1 đến {len(shown)}")
    assert [option.label for option in listed.options] == shown  # the list stays, to choose from


def test_a_detail_asked_with_no_procedure_asks_which_then_answers_it(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("lệ phí bao nhiêu").expect("Bạn muốn hỏi lệ phí của thủ tục nào?")
    chat.say("làm căn cước").expect("Lệ phí — Cấp đổi, cấp lại thẻ căn cước")
    fuel = Conversation(app.engine, user_id="fuel", now=NOW)
    fuel.say("giá xăng bao nhiêu").expect("chưa có thông tin")  # the price of something else is not asked about
    english = Conversation(app.engine, user_id="en", locale_hint="en", now=NOW)
    english.say("how long does it take?").expect("Which procedure do you want to know the processing time for?")
    english.say("passport").expect("Did you mean: Issuing an ordinary passport")
    english.say("yes").expect("Processing time — Issuing an ordinary passport")  # the open detail is kept


def test_a_returning_user_is_offered_the_guide_and_step(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("đăng ký khai sinh").press("Hướng dẫn từng bước").press("Có").expect("Bước 2/6")
    later = Conversation(app.engine, now=NOW + dt.timedelta(hours=5))  # after the idle time-out
    later.say("chào bạn").expect("bước 2/6", "Đăng ký khai sinh").expect_option("Có", "Không")
    assert "tạm dừng" not in later.text  # one greeting, not a pause notice as well
    later.say("ok").expect("Bước 2/6")
    english = Conversation(app.engine, user_id="en", locale_hint="en", now=NOW)
    english.say("birth registration").press("Step-by-step guide").expect("Step 1/6")
    Conversation(app.engine, user_id="en", locale_hint="en", now=NOW + dt.timedelta(minutes=5)).say(
        "hello there friend"
    ).expect("step 1/6", "Shall we continue")


def test_yes_no_questions_offer_yes_and_no(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("bảo hiểm xã hội một lần").press("Hướng dẫn từng bước")
    for _ in range(6):
        if "nộp trực tuyến không?" in chat.text:
            break
        chat.press(chat.options[0].label)
    chat.expect("không?").expect_option("Có", "Không")


def test_a_listing_record_answers_the_asked_fact_first(catalog: Catalog, languages: Languages) -> None:
    tr = languages.get("vi")
    fee = listing_answer(catalog.listing["1.011436"], Facet.FEE, tr)
    assert fee is not None and "60.000" in fee.text and len(fee.text) <= FACET_LIMIT
    times = listing_answer(catalog.listing["1.014776"], Facet.TIME, tr)
    assert times is not None and "12 ngày" in times.text and "2 ngày" in times.text
    assert listing_answer(catalog.listing["1.014776"], Facet.VALIDITY, tr) is None  # not held: the whole card
    english = listing_answer(catalog.listing["1.011436"], Facet.FEE, languages.get("en"))
    assert english is not None and english.text.startswith("Fee — ") and "₫60,000" in english.text
    for card in list(catalog.listing.values())[::25]:
        for facet in (Facet.FEE, Facet.TIME, Facet.WHERE, Facet.ONLINE, Facet.DOCUMENTS):
            reply = listing_answer(card, facet, tr)
            assert reply is None or len(reply.text) <= FACET_LIMIT, (card.code, facet)


def test_the_two_entries_on_replaced_laws_follow_the_new_laws_and_no_abolished_office(app: App) -> None:
    # Unemployment benefit: Luật Việc làm 74/2025/QH15 (15 working days, decided by the Department of
    # Home Affairs); one-off social insurance: Luật BHXH 41/2024/QH15 (record 1.001613; BHXH cơ sở).
    chat = Conversation(app.engine, now=NOW)
    replies = [chat.say("trợ cấp thất nghiệp").text, chat.press("Lệ phí và thời gian").text]
    replies.append(chat.press("Nộp ở đâu").text)
    assert "15 ngày làm việc" in replies[1] and "Sở Nội vụ" in " ".join(replies)
    other = Conversation(app.engine, user_id="bhxh", now=NOW)
    replies += [other.say("rút bảo hiểm xã hội một lần").text, other.press("Nộp ở đâu").text]
    assert "1.001613" in replies[3] and "7 ngày làm việc" in replies[3] and "BHXH cơ sở" in replies[4]
    for text in replies:
        assert "huyện" not in text.lower(), text


def test_a_short_question_in_a_guide_is_about_that_guide_and_the_step_is_kept(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("đăng ký khai sinh").press("Hướng dẫn từng bước").press("Có").expect("Bước 2/6")
    chat.say("nộp ở đâu").expect("Nộp ở đâu — Đăng ký khai sinh").expect_option("Tiếp tục hướng dẫn")
    chat.say("bao lâu thì có").expect("Thời gian giải quyết — Đăng ký khai sinh")
    chat.press("Hướng dẫn từng bước").expect("Bước 2/6")  # the guide under way, not step 1 again


def test_a_shortened_paper_list_keeps_its_legend_and_says_nothing_twice(app: App) -> None:
    chat = Conversation(app.engine, user_id="papers", now=NOW)
    chat.say("1.004222")  # a helper's look-up by code: the permanent residence card
    papers = chat.say("hồ sơ gồm những gì").replies[0].text
    assert "(*)" in papers and "(*) có lưu ý hoặc chỉ cần trong một số trường hợp" in papers  # what the mark means
    assert "(mẫu CT01) (bản chính)" in papers and papers.count("CT01") == 1  # the form named once
    chat.expect_option("Giấy tờ cần chuẩn bị")  # the legend's "see Papers to prepare" is one tap away
    who = Conversation(app.engine, user_id="who", now=NOW).say("ai được hưởng trợ cấp thất nghiệp")
    who.expect("Ai được làm —", "Người lao động đang đóng bảo hiểm thất nghiệp")  # a long line is cut, not dropped
    fees = chat.say("lệ phí bao nhiêu").replies[0].text
    assert "(nộp trực tuyến): " in fees and "(trực tuyến)" not in fees  # the channel said once


def test_can_it_be_done_online_is_answered_from_the_channels_when_the_level_is_not_recorded(app: App) -> None:
    chat = Conversation(app.engine, user_id="online", now=NOW)
    answer = chat.say("gia han the bhyt online duoc khong").replies[0].text
    assert "Có thể nộp hồ sơ trực tuyến" in answer and "chưa có thông tin" not in answer
    assert "Cổng Dịch vụ công" in answer and "bưu chính" not in answer  # the post is not an online way
    assert "toàn trình" not in answer  # fully or partly online is not recorded: not claimed


def test_a_detail_asked_about_a_procedure_the_router_only_finds_without_it(app: App) -> None:
    chat = Conversation(app.engine, user_id="late", now=NOW)
    chat.say("khai tu tre han co bi phat khong").expect("Đăng ký khai tử")  # asked, not "không hiểu"
    chat.press("Có").expect("Thời hạn phải làm — Đăng ký khai tử", "15 ngày")  # the asked detail


def test_a_detail_asked_about_another_procedure_is_not_answered_for_the_card_at_hand(app: App) -> None:
    chat = Conversation(app.engine, user_id="context", now=NOW)
    chat.say("đăng ký tạm trú").say("nộp ở đâu").expect("Nộp ở đâu — Đăng ký tạm trú")  # the card at hand
    chat.say("hộ chiếu có giá trị bao lâu").expect("hộ chiếu").expect_not("Đăng ký tạm trú")


def test_a_detail_asked_while_did_you_mean_waits_asks_again_then_answers_it(app: App) -> None:
    chat = Conversation(app.engine, user_id="licence", now=NOW)
    chat.say("đăng ký tạm trú").say("mat bang lai xe thi lam sao").expect("Ý bạn là")
    chat.say("phi bao nhieu").expect("Cấp lại giấy phép lái xe bị mất").expect_not("Đăng ký tạm trú")  # not the card
    chat.press("Cấp lại giấy phép lái xe bị mất").expect("Lệ phí — Cấp lại giấy phép lái xe bị mất")
    english = Conversation(app.engine, user_id="passport", now=NOW)
    english.say("Hi, I need health insurance")
    # Each offered procedure's time answers it, above the same choice.
    english.say("and how long does it take?").expect("Which one is yours", "5 working days", "3 days")
    english.press("Renewing household").expect("Processing time", "health insurance")
    birth = Conversation(app.engine, user_id="birth", now=NOW)  # the card shown before is one of the offered ones
    birth.say("làm giấy khai sinh cho con cần gì").say("con tôi sinh ở bệnh viện").expect("Ý bạn là")
    birth.say("mất bao lâu").expect("Thời gian giải quyết — Đăng ký khai sinh")


def test_a_short_card_does_not_end_its_summary_at_an_abbreviation(app: App) -> None:
    chat = Conversation(app.engine, user_id="lost-id", now=NOW)
    chat.say("I lost my ID card, what should I do?").expect("e.g. when its details change")


def test_a_how_to_guide_offers_only_what_it_holds_and_answers_its_own_question(app: App) -> None:
    chat = Conversation(app.engine, user_id="track", now=NOW)
    chat.say("theo doi ho so o dau").expect("Theo dõi hồ sơ —", "mã hồ sơ").expect_not("chưa có thông tin")
    assert [option.label for option in chat.options] == ["Hướng dẫn từng bước"]  # no fee, papers or office to show
    chat.press("Hướng dẫn").say("tiep").say("tiep").expect("Có hay Không?")  # "… không?" named as its buttons


def test_which_fee_is_current_is_decided_by_the_local_day(app: App) -> None:
    # 18:00 UTC on 31 December is 01:00 on 1 January in Vietnam: the 2026 reduction has ended.
    new_year = Conversation(app.engine, user_id="ny", now=dt.datetime(2026, 12, 31, 18, 0, tzinfo=dt.UTC))
    new_year.say("lệ phí làm lại căn cước bao nhiêu").expect("70.000").expect_not("35.000")
    eve = Conversation(app.engine, user_id="eve", now=dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC))
    eve.say("lệ phí làm lại căn cước bao nhiêu").expect("35.000")  # 23:00 on 31 December, still reduced


def test_a_long_portal_quote_is_cut_inside_the_quote_not_in_the_advice(app: App) -> None:
    # The fee of 2.000806 quotes the portal's note, then says whom to ask; the answer had been cut
    # at "hỏi bộ phận một cửa hoặc…", losing where to ask.
    chat = Conversation(app.engine, user_id="quote-cut", now=NOW)
    chat.say("2.000806 lệ phí").expect("Lệ phí —", "nơi bạn nộp hồ sơ.", "…»")
    assert len(chat.text) <= FACET_LIMIT


def test_fee_and_time_cut_short_points_to_the_official_page(app: App) -> None:
    # "… bấm các nút bên dưới để xem thêm" had pointed to buttons that hold no more of it.
    chat = Conversation(app.engine, user_id="fee-time-more", now=NOW)
    chat.say("thay đổi cải chính hộ tịch").press("Lệ phí và thời gian")
    chat.expect("xem đủ nội dung ở trang chính thức").expect_not("bấm các nút bên dưới")
    assert chat.replies[-1].links and chat.replies[-1].links[-1].url.startswith("https://dichvucong.gov.vn/")


def test_a_short_paper_list_names_papers_everyone_brings_first_and_says_when_the_others_are_needed(app: App) -> None:
    # A first passport: "Hộ chiếu cấp lần gần nhất còn giá trị (*)" had been the third paper listed.
    first = Conversation(app.engine, user_id="first-passport", now=NOW).say("làm hộ chiếu lần đầu cần giấy tờ gì")
    first.expect("Tờ khai đề nghị cấp hộ chiếu", "Ảnh chân dung").expect_not("Hộ chiếu cấp lần gần nhất")
    # A paper needed only in some cases says so itself when it fits: no "(*)" to look up.
    birth = Conversation(app.engine, user_id="birth-papers", now=NOW).say("làm giấy khai sinh cho con cần giấy tờ gì")
    birth.expect("Văn bản ủy quyền (bản chính) — Chỉ khi nhờ người khác đi khai sinh")
    assert birth.text.index("Giấy chứng sinh") < birth.text.index("Văn bản ủy quyền")

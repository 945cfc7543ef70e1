"""National listing cards that tell the truth, read like transcripts through the engine.

Every card shows each fee and each processing time the record gives (with its case), says a
fee may apply where the record contradicts its own "free", warns about offices that no longer
exist, and answers a repealed code with its replacement. Conversations run at a fixed time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest

from bot.app import App
from bot.conversation.listing_cards import LISTING_MAX_CHARS, listing_card
from bot.i18n import Languages
from bot.testing import Conversation
from intents import Router
from intents.index import listing_docs
from procedures import national
from procedures.catalog import Catalog
from procedures.loader import iter_listing
from procedures.models import ListingEntry, ListingRow

NOW = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)
NBSP = "\xa0"


@pytest.fixture
def talk(app: App) -> Conversation:
    return Conversation(app.engine, now=NOW)


def test_abolished_social_insurance_office_names_its_successor(talk: Conversation) -> None:
    talk.say("1.001632").expect(
        "Giải quyết hưởng chế độ TNLĐ, BNN đối với trường hợp bị TNLĐ lần đầu (mã 1.001632)",
        "⚠️ Cổng DVC còn ghi «Bảo hiểm xã hội cấp huyện», nhưng từ 01/07/2025 không còn cấp huyện.",
        "Nơi tiếp nhận hiện nay: BHXH tỉnh hoặc BHXH cơ sở (nguồn: thủ tục 2.000693 trên Cổng DVC).",
        "Lệ phí: Miễn phí",
        "Thời gian giải quyết: 6 ngày làm việc",
    )
    assert talk.replies[0].links[0].url.startswith("https://dichvucong.gov.vn/thu-tuc-hanh-chinh/")


def test_abolished_district_police_names_its_successor_in_both_languages(app: App) -> None:
    Conversation(app.engine, now=NOW).say("1.003777").expect(
        "Cơ quan thực hiện: Công an cấp Tỉnh, Công an huyện",
        "⚠️ Cổng DVC còn ghi «Công an huyện», nhưng từ 01/07/2025 không còn cấp huyện.",
        "Nơi tiếp nhận hiện nay: Công an cấp tỉnh hoặc Công an cấp xã (nguồn: congan.khanhhoa.gov.vn).",
        "Thời gian giải quyết: 10 ngày",
    )
    Conversation(app.engine, user_id="en", locale_hint="en", now=NOW).say("1.003777").expect(
        "⚠️ The portal still names «Công an huyện», but there is no district level since 1 July 2025.",
        "Where to go now: Công an cấp tỉnh or Công an cấp xã (source: congan.khanhhoa.gov.vn).",
        "Processing time: 10 days",
    )


def test_abolished_office_without_a_sourced_successor_gets_the_plain_notice(talk: Conversation) -> None:
    talk.say("1.001669").expect_not("Cơ quan thực hiện")  # the first screen has no room for the office and its notice
    talk.press("Xem cả thẻ").expect(
        "⚠️ Cổng DVC còn ghi «Phòng Tư Pháp», «UBND cấp huyện». Từ 01/07/2025 không còn cấp huyện — hỏi UBND "
        "xã/phường hoặc Trung tâm Phục vụ hành chính công.",
        # the fee cell says free, the text says the provincial council sets it
        "Lệ phí: Cổng DVC ghi «Miễn phí» nhưng cũng ghi: «Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh",
        "Có thể phải nộp phí — mức phí do Nghị quyết HĐND tỉnh quy định",
        # the record gives "5" without a unit: no unit is made up
        "Thời gian giải quyết: «5» (Cổng DVC không ghi đơn vị: hỏi nơi nộp hồ sơ)",
    )


def test_fee_written_in_viet_nam_dong_is_shown(talk: Conversation) -> None:
    talk.say("1.011436").expect(f"Lệ phí: 60.000{NBSP}₫/hồ sơ — «Thông tư số 61/2023/TT-BTC»", "3 ngày làm việc")
    talk.say("1.011472").expect(f"Lệ phí: 1.000.000{NBSP}₫ — «Phí thẩm định đối với cơ sở an toàn dịch bệnh động vật»")


def test_every_processing_time_is_shown_with_its_case(talk: Conversation) -> None:
    talk.say("1.014776").expect(
        "Thời gian giải quyết:\n"
        "• 12 ngày làm việc — «Trường hợp đề nghị cấp mã số vùng trồng hoặc mã số cơ sở đóng gói»\n"
        "• 2 ngày làm việc — «Trường hợp đề nghị cấp lại mã số vùng trồng hoặc mã số cơ sở đóng gói»",
        "Lệ phí: Miễn phí",
    )
    talk.expect_not("Thời gian giải quyết: 2 ngày làm việc")


def test_free_cell_with_a_provincial_rate_says_a_fee_may_apply(talk: Conversation) -> None:
    talk.say("1.004232").expect(
        "Lệ phí: Cổng DVC ghi «Miễn phí» nhưng cũng ghi: «do Ủy ban nhân dân cấp tỉnh quy định». Có thể phải nộp "
        "phí — mức phí do UBND tỉnh quy định"
    )


def test_repealed_code_answers_with_its_replacement(talk: Conversation) -> None:
    talk.say("2.000986").expect(
        "⚠️ Thủ tục này đã được thay thế bằng thủ tục 3.000722 «Liên thông điện tử: đăng ký khai sinh, đăng ký "
        "thường trú, cấp thẻ bảo hiểm y tế, cấp thẻ căn cước cho trẻ em dưới 6 tuổi» (Quyết định 3582/QĐ-UBND "
        "ngày 08/9/2026 của UBND thành phố Hải Phòng).",
        "Gõ 3.000722 để xem thủ tục đang áp dụng.",
    )
    talk.expect_not("Thời gian giải quyết", "Lệ phí")  # the old bundle's facts are not served as current
    assert talk.replies[0].links[0].url.startswith("https://namsach.haiphong.gov.vn/")
    talk.say("2.001023").expect("thay thế bằng thủ tục 3.000722")
    talk.say("3.000722").expect("Liên thông điện tử: đăng ký khai sinh").expect_not("đã được thay thế")


def test_repealed_codes_are_never_routed_to(catalog: Catalog, router: Router) -> None:
    repealed = [card for card in catalog.listing.values() if card.replaced_by]
    assert {card.code for card in repealed} == {"2.000986", "2.001023"}
    assert not {doc.intent for doc in listing_docs(repealed, skip_codes=())}
    for card in repealed:
        decision = router.route(card.name)
        assert all(candidate.intent not in ("2.000986", "2.001023") for candidate in decision.candidates)


def test_a_variant_for_the_abolished_district_level_is_never_routed_to(catalog: Catalog, router: Router) -> None:
    indexed = {doc.intent for doc in listing_docs(catalog.listing.values(), skip_codes=())}
    assert {"1.010385", "1.011727"}.isdisjoint(indexed)  # "(thực hiện tại cấp huyện)"
    assert {"1.010386", "1.011726"} <= indexed  # their siblings for the levels that exist
    assert "1.011727" not in [c.intent for c in router.route("trình báo mất thẻ ABTC").candidates]


def test_the_shipped_listing_keeps_the_record_cells() -> None:
    cards = {card.code: card for card in iter_listing()}
    assert len(cards) == 2642
    assert cards["1.011436"].rows[0] == ListingRow(
        channels=("Trực tuyến", "Trực tiếp", "Dịch vụ bưu chính"),
        time="3 Ngày làm việc",
        fee="60,000 Việt Nam Đồng",
        fee_note="/hồ sơ (Thông tư số 61/2023/TT-BTC)",
        description=cards["1.011436"].rows[0].description,
    )
    assert [row.time for row in cards["1.014776"].rows] == ["12 Ngày làm việc", "2 Ngày làm việc"]
    assert cards["1.003777"].reception.startswith("Cơ quan Công an cấp huyện")
    assert cards["1.001669"].authority == "UBND cấp huyện"


def test_a_detail_asked_under_a_listing_card_is_answered_from_its_record(talk: Conversation) -> None:
    # 1.002759 is also a curated guide's code, but that guide covers only the health insurance
    # card: the social insurance book is its listing card.
    talk.say("cấp lại sổ bhxh bị mất").expect("(mã 1.002759)", "Miễn phí").expect_not("Bước 2")
    talk.say("mất bao lâu").expect("Thời gian giải quyết — Cấp lại, đổi, điều chỉnh thông tin trên sổ BHXH", "45 ngày")
    talk.say("nộp ở đâu").expect("Nộp ở đâu — Cấp lại, đổi", "BHXH tỉnh hoặc BHXH cơ sở")
    talk.say("ai được làm").expect("không ghi đối tượng", "Bộ phận Một cửa").expect_option("Xem cả thẻ thủ tục")
    talk.say("ai được làm").expect("📄 Cấp lại, đổi, điều chỉnh thông tin trên sổ BHXH")  # asked again: the card
    talk.expect_option("Hướng dẫn: Cấp lại, đổi thẻ BHYT")  # the curated guide of the record's card part
    talk.say("2.000908").say("giấy tờ")
    talk.expect("Giấy tờ cho Thủ tục cấp bản sao từ sổ gốc (mã 2.000908)")  # a card's papers, not "no guide open"
    english = Conversation(talk.engine, user_id="en", locale_hint="en", now=NOW)
    english.say("1.001632").say("who can apply?").expect("does not state who can apply", "one-stop desk")


def test_a_detail_of_a_record_with_a_very_long_name_still_states_it(talk: Conversation) -> None:
    # The official name of 1.013949 runs to about 330 characters: it had filled the answer, and
    # only "… and more on the portal page" was left of the fee, the time and the office.
    talk.say("1.013949").say("mất bao lâu").expect("Thời gian giải quyết — Giao đất", "15 ngày")
    talk.say("nộp ở đâu").expect("Nộp ở đâu — Giao đất", "Văn phòng đăng ký đất đai")
    assert len(talk.text) <= 400


def test_a_cell_of_steps_is_not_read_as_papers() -> None:
    assert national.parse_documents(".\nBước 2. Nộp hồ sơ a) Đối với nhận chế độ BHXH hàng tháng: 1 bản chính") == []
    stepped = [card.code for card in iter_listing() if any(paper.startswith("Bước") for paper in card.documents)]
    assert stepped == []


# ---------------------------------------------------------------------------------- every card


def _digits(text: str) -> set[str]:
    """Numbers as digit strings, separators and leading zeros dropped ("60,000" and "60.000" → "60000")."""
    return {
        number.replace(".", "").replace(",", "").lstrip("0") or "0" for number in re.findall(r"\d[\d.,]*\d|\d", text)
    }


def test_no_card_prints_a_number_its_record_does_not_give() -> None:
    """Every number in a card's fee and time lines occurs in the record's own cells."""
    vi = Languages().get("vi")
    from bot.conversation.listing_cards import _listing_times  # the time lines of the card
    from bot.conversation.listing_fees import fee_line  # the fee lines of the card

    for card in iter_listing():
        record = " ".join(f"{row.time} {row.fee} {row.fee_note} {row.description}" for row in card.rows)
        allowed = _digits(record)
        shown = " ".join(fee_line(line, vi) for line in national.read_fees(card))
        shown += " ".join(_listing_times(card, vi))
        shown = shown.replace("01/07/2025", "")
        assert _digits(shown) <= allowed, (card.code, _digits(shown) - allowed)


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_card_fits_a_chat_message(locale: str) -> None:
    tr = Languages().get(locale)
    lengths = sorted(len(listing_card(card, tr).text) for card in iter_listing())
    assert lengths[-1] < LISTING_MAX_CHARS  # under Zalo's 2,000 characters, never cut
    assert lengths[len(lengths) // 2] <= 900  # a typical card fits one phone screen
    assert lengths[int(len(lengths) * 0.9)] <= 1000


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_the_first_answer_about_a_record_fits_one_screen(locale: str) -> None:
    from bot.conversation.listing_cards import LISTING_SHORT_CHARS, listing_short

    tr = Languages().get(locale)
    for card in iter_listing():
        assert len(listing_short(card, tr).text) <= LISTING_SHORT_CHARS or card.replaced_by, card.code


def test_a_fee_asked_of_a_record_with_a_long_quote_shows_the_fee_cut_short(app: App) -> None:
    # 2.000806 quotes a long council-rate note beside «Miễn phí»: the line is cut, never dropped.
    for locale, ask, free in (("vi", "lệ phí", "«Miễn phí»"), ("en", "fee", "«Miễn phí» (free)")):
        chat = Conversation(app.engine, user_id=f"long-fee-{locale}", locale_hint=locale)
        chat.say("2.000806").say(ask).expect(free, "2.000806")
        assert len(chat.text) <= 400


def test_a_records_ways_to_submit_are_said_in_the_readers_language(app: App) -> None:
    english = Conversation(app.engine, user_id="channels-en", locale_hint="en")
    english.say("2.000806").say("can I do it online").expect("How to submit: online, by post, in person")
    english.expect_not("Trực tiếp", "Dịch vụ bưu chính")


def test_a_record_that_names_one_provinces_office_says_so(talk: Conversation) -> None:
    # 1.004223's agency is "Sở Nông nghiệp và Môi trường Thành phố Hà Nội" for every province.
    talk.say("1.004223").expect("Thành phố Hà Nội", "Cổng DVC ghi cơ quan của Hà Nội", "tỉnh, thành khác")
    talk.say("nộp ở đâu").expect("Cổng DVC ghi cơ quan của Hà Nội")


def test_two_national_names_alike_for_sixty_characters_get_buttons_that_differ() -> None:
    from bot.conversation.replies import distinct_labels

    # Two records named alike up to their long parenthesised scope: the buttons had read the same.
    head = "Cấp, cấp lại Giấy xác nhận nuôi trồng thủy sản lồng bè, đối tượng thủy sản nuôi chủ lực (hoạt động"
    scope = "trên nội địa thuộc phạm vi quản lý"
    names = [f"{head} {scope} và cơ sở nuôi ở một tỉnh, thành phố)", f"{head} {scope} từ 02 tỉnh, thành phố trở lên)"]
    labels = distinct_labels(names)
    assert labels[0] != labels[1] and all(len(label) <= 60 for label in labels)
    assert "và cơ sở" in labels[0] and "từ 02 tỉnh" in labels[1]
    assert distinct_labels(["Đăng ký khai sinh", "Đăng ký kết hôn"]) == ["Đăng ký khai sinh", "Đăng ký kết hôn"]


def test_a_record_whose_note_gives_another_amount_than_its_fee_cell_says_both(talk: Conversation) -> None:
    # 1.002755 (Gia hạn tạm trú): the online cell says 5,000 while its note says "thu 7.000 đồng".
    talk.say("1.002755 lệ phí").expect("5.000", "7.000", "hỏi nơi nộp hồ sơ trước khi nộp tiền")
    card = next(iter_listing_codes("1.002755"))
    assert national.summarise_fee(card) == ""  # no single figure goes into an export either
    # A reduced rate for a period beside the full fee is no contradiction (1.000688: 800,000 / 400.000).
    line = national.read_fee(next(iter_listing_codes("1.000688")).rows[0])
    assert line is not None and not line.differs
    # Nor a transaction value ("dưới 2,1 tỷ đồng" beside a 1.800.000 fee), nor parts that add up to the cell.
    for code in ("1.011423", "2.000822"):
        assert not any(line.differs for line in national.read_fees(next(iter_listing_codes(code)))), code


def iter_listing_codes(*codes: str) -> Iterator[ListingEntry]:
    """The shipped records with these codes, in file order."""
    return (card for card in iter_listing() if card.code in codes)

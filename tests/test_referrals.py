"""Matters for other bodies (a divorce goes to court) and offices that no longer exist (the district level)."""

from __future__ import annotations

import datetime as dt

from bot.app import App
from bot.testing import Conversation
from intents import Router, Verdict
from procedures.catalog import Catalog
from procedures.links import LinkPolicy
from procedures.referrals import Referrals

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_a_divorce_is_referred_to_the_court_not_guided_as_a_commune_procedure(app: App) -> None:
    chat = Conversation(app.engine, now=NOW)
    chat.say("tôi muốn ly hôn thì làm thủ tục gì").expect("Tòa án", "3.000163").expect_not("Bước 1/", "tách hộ")
    assert all(link.url.startswith("https://dichvucong.gov.vn/") for link in chat.replies[-1].links)
    english = Conversation(app.engine, user_id="en", now=NOW)
    english.say("How do I get a divorce from my Vietnamese husband?").expect("People's Court")
    # A civil-status record of a divorce decided abroad is a procedure of its own, and keeps its card.
    recorded = Conversation(app.engine, user_id="abroad", now=NOW)
    recorded.say("2.000554").expect("2.000554")


def test_matters_of_other_bodies_are_referred_with_their_next_step(app: App) -> None:
    notary = Conversation(app.engine, now=NOW)
    notary.say("công chứng hợp đồng mua bán nhà").expect("văn phòng công chứng", "2.001035", "50.000")
    notary.expect_not("Bước 1/").expect_option("Chứng thực giao dịch", "Đăng ký biến động")
    notary.press(notary.options[0].label).expect("2.001035")
    # Past the notary, the transfer itself is asked about: the guide answers, not the referral.
    Conversation(app.engine, user_id="sold", now=NOW).say(
        "đã công chứng hợp đồng mua bán xong, giờ sang tên sổ đỏ thế nào"
    ).expect_not("văn phòng công chứng")
    liquor = Conversation(app.engine, user_id="shop", now=NOW)
    liquor.say("xin giấy phép bán rượu bia cho tạp hóa").expect("Giấy phép bán lẻ rượu", "105/2017")
    assert [link.url for link in liquor.replies[-1].links] == ["https://dms.gov.vn/cau-hoi-ve-cap-phep-ruou"]
    liquor.expect_option("hộ kinh doanh")
    shop = Conversation(app.engine, user_id="shop-en", now=NOW)
    shop.say("can I sell beer and liquor in my grocery store, what licence").expect("alcohol retail licence")
    army = Conversation(app.engine, user_id="son", now=NOW)
    army.say("đăng ký nghĩa vụ quân sự").expect("Ban Chỉ huy quân sự", "17 tuổi").expect_not("Công an nhân dân")
    assert not army.replies[-1].links  # grounded in the law alone: no page to send anyone to
    english = Conversation(app.engine, user_id="en-army", now=NOW)
    english.say("How do I register for military service?").expect("commune military command")


def test_an_office_of_the_district_level_is_said_to_be_gone_with_the_procedure_one_tap_away(app: App) -> None:
    chat = Conversation(app.engine, user_id="district-office", now=NOW)
    chat.say("lam khai tu cho ba toi co phai len ubnd huyen dong phu ko").expect("Từ ngày 1/7/2025 không còn cấp huyện")
    assert [option.label for option in chat.options] == ["Đăng ký khai tử", "Menu"]  # nothing far behind it
    chat.press("Đăng ký khai tử").expect("1.000656")
    # Out of the blue, the note alone; an address with "quận" is not an office.
    Conversation(app.engine, user_id="gia-lam", now=NOW).say("nộp hồ sơ ở UBND huyện Gia Lâm được không").expect(
        "không còn cấp huyện"
    )
    address = Conversation(app.engine, user_id="district-address", now=NOW)
    address.say("đăng ký tạm trú").say("nộp ở đâu").say("phường Bến Nghé quận 1").expect_not("không còn cấp huyện")
    english = Conversation(app.engine, user_id="district-en", locale_hint="en", now=NOW)
    english.say("Can I apply at the district People's Committee?").expect("no district level")


def test_every_referral_is_sourced_and_links_only_to_official_pages(catalog: Catalog) -> None:
    policy = LinkPolicy()
    for matter in Referrals.load().items:
        assert matter.source and matter.text.vi and matter.text.en, matter.id
        assert not matter.url or policy.is_allowed(matter.url), matter.url
        for intent in matter.related:
            assert catalog.get(intent) is not None or catalog.card(intent) is not None, intent


def test_the_social_pension_is_not_voluntary_insurance(app: App) -> None:
    # It had been answered with confidence as "Đăng ký tham gia BHXH tự nguyện" (paying contributions);
    # the social-allowance guide's own tip names its code, which the listing does not hold.
    chat = Conversation(app.engine, user_id="social-pension", now=NOW)
    chat.say("trợ cấp hưu trí xã hội").expect("mã 1.014027", "không phải", "bộ phận một cửa")
    chat.expect_not("📄 Đăng ký tham gia BHXH tự nguyện").expect_option("Trợ cấp xã hội hằng tháng")
    code = Conversation(app.engine, user_id="social-pension-code", now=NOW)
    code.say("1.014027").expect("Trợ cấp hưu trí xã hội là chế độ riêng").expect_not("Không có thủ tục nào")
    # What defines it, in a parent's words: old and without a pension. It had been answered with the
    # social allowance's circular "who may apply" ("Đối tượng bảo trợ xã hội…").
    words = Conversation(app.engine, user_id="social-pension-words", now=NOW)
    words.say("me toi 76 tuoi ko co luong huu co dc nhan tien gi ko").expect("mã 1.014027")
    words.expect_option("Trợ cấp xã hội hằng tháng")


def test_a_detail_asked_after_a_referral_is_answered_by_it(app: App) -> None:
    # "nộp đơn ở đâu?" after the divorce referral had been "Xin lỗi, mình chưa có thông tin…".
    chat = Conversation(app.engine, user_id="divorce-follow-up", now=NOW)
    chat.say("e muon ly hon thi lam sao a").expect("Tòa án nhân dân")
    chat.say("nop don o dau").expect("Tòa án nhân dân").expect_not("chưa có thông tin")
    chat.say("án phí bao nhiêu").expect("hỏi Tòa án").expect_not("chưa có thông tin")
    chat.say("làm căn cước ở đâu").expect("Nộp ở đâu — Cấp đổi, cấp lại thẻ căn cước")  # a procedure is itself
    chat.say("án phí bao nhiêu").expect_not("Ly hôn do Tòa án")  # the matter is forgotten once another is asked
    chat.expect("Án phí không phải lệ phí của thủ tục này")  # under the card: not the card's fee
    later = Conversation(app.engine, user_id="divorce-then-menu", now=NOW)
    later.say("ly hôn").say("menu").say("lệ phí bao nhiêu").expect_not("Tòa án")  # only the very next message
    card = Conversation(app.engine, user_id="district-then-fee", now=NOW)  # a note about where is no matter
    card.say("đăng ký khai sinh").say("có phải lên UBND huyện không").say("lệ phí bao nhiêu")
    card.expect("Lệ phí — Đăng ký khai sinh")
    english = Conversation(app.engine, user_id="divorce-follow-up-en", locale_hint="en", now=NOW)
    english.say("how do I get a divorce").expect("People's Court")
    english.say("where do I file it?").expect("People's Court").expect_not("Sorry")


def test_the_no_district_note_offers_the_procedure_on_screen_or_no_tap(app: App) -> None:
    # "Bấm tên thủ tục bên dưới" had pointed to buttons that were not there.
    chat = Conversation(app.engine, user_id="district-under-card", now=NOW)
    chat.say("đăng ký khai sinh").say("có phải lên UBND huyện không")
    chat.expect("không còn cấp huyện", "Bấm tên thủ tục bên dưới").expect_option("Đăng ký khai sinh")
    bare = Conversation(app.engine, user_id="district-bare", now=NOW)
    bare.say("làm ở phòng tài chính kế hoạch huyện phải không").expect("không còn cấp huyện")
    bare.expect_not("Bấm tên thủ tục")
    district = Conversation(app.engine, user_id="district-alone", now=NOW)
    district.say("quận 1").expect("Trước đây bạn ở xã, phường nào").expect_not("chưa có thông tin")


def test_a_lawsuit_is_sent_to_the_court(app: App) -> None:
    # An inheritance dispute taken to court had been answered with confidence as a land transfer.
    chat = Conversation(app.engine, user_id="lawsuit", now=NOW)
    chat.say("các cô chú tranh chấp căn nhà của ông bà, tôi muốn khởi kiện chia thừa kế thì hồ sơ gồm gì")
    chat.expect("Tòa án nhân dân", "3.000163").expect_not("Sang tên")
    chat.expect_option("Dịch vụ công trực tuyến gửi, nhận đơn khởi kiện")
    named = Conversation(app.engine, user_id="lawsuit-sue", locale_hint="en", now=NOW)
    named.say("My daughter Sue is 10, how do I get her a passport?").expect_not("court")  # a name, not a lawsuit
    threat = Conversation(app.engine, user_id="lawsuit-threat", now=NOW)
    threat.say("bị hàng xóm dọa kiện ra tòa, giấy phép xây dựng xin ở đâu").expect_not("Khởi kiện (đưa")
    divorce = Conversation(app.engine, user_id="lawsuit-divorce", now=NOW)
    divorce.say("ly hôn đơn phương khởi kiện ở đâu").expect("Ly hôn do Tòa án")  # the divorce keeps its own


def test_the_router_says_out_of_scope_for_a_matter_another_body_handles(router: Router) -> None:
    # What the router reports is what the citizen is told: a referral, not a procedure sharing words.
    for text in ("muốn bán rượu bia ở tiệm tạp hóa thì xin giấy phép gì", "đăng ký nghĩa vụ quân sự ở đâu"):
        assert router.route(text).verdict is Verdict.NO_MATCH, text
        assert Router(router.index, referrals=None).route(text).verdict is not Verdict.NO_MATCH, text
    # A procedure whose own name holds the cue keeps its answer; so does a divorce long done.
    assert router.route("ghi vào sổ hộ tịch việc ly hôn ở nước ngoài").intent == "2.000554"
    remarry = "Tôi đã ly hôn năm 2019, giờ muốn đăng ký kết hôn với người mới thì cần giấy gì"
    assert router.route(remarry).intent == "ket-hon"


def test_a_divorce_long_done_is_no_divorce_to_file(app: App) -> None:
    # "đã ly hôn năm 2019" on the way to a marriage question had brought the court's text.
    chat = Conversation(app.engine, user_id="divorced-remarry", now=NOW)
    chat.say("Tôi đã ly hôn năm 2019, giờ muốn đăng ký kết hôn với người mới thì cần giấy gì")
    chat.expect("Đăng ký kết hôn").expect_not("Tòa án")


def test_a_lost_household_book_is_told_it_is_no_longer_used(app: App) -> None:
    # "mất sổ hộ khẩu thì làm lại ở đâu" had been offered residence confirmation or a household split.
    chat = Conversation(app.engine, user_id="household-book", now=NOW)
    chat.say("mất sổ hộ khẩu thì làm lại ở đâu").expect("31/12/2022", "Điều 38")
    chat.expect_option("Xác nhận thông tin về cư trú")
    split = Conversation(app.engine, user_id="household-split-book", now=NOW)
    split.say("tách sổ hộ khẩu ra riêng thế nào").expect("Tách hộ").expect_not("31/12/2022")


def test_a_detail_asked_after_a_referral_is_not_the_fee_of_the_button_beside_it(app: App) -> None:
    # "lệ phí" after the alcohol referral had been given the household-business fee (its button), and
    # every follow-up repeated the whole referral.
    chat = Conversation(app.engine, user_id="alcohol-fee", now=NOW)
    chat.say("xin giấy phép bán lẻ rượu").expect("Giấy phép bán lẻ rượu")
    chat.say("lệ phí").expect("Mình chỉ biết nơi giải quyết việc này: bộ phận một cửa").expect_not("Lệ phí —")
    lease = Conversation(app.engine, user_id="lease-notary", now=NOW)  # a lease is no sale contract
    lease.say("tôi cần công chứng hợp đồng thuê nhà").expect_not("Hợp đồng mua bán nhà, đất được công chứng")


def test_review_a_procedure_asked_after_a_referral_and_divorces_to_file(app: App) -> None:
    # A second review: a procedure named right after a referral had been given the court line; whole
    # folded words ("ly hôn năm nay", "từ xa") had stopped the divorce referral; "divorced" was no cue.
    chat = Conversation(app.engine, user_id="review-after-referral", now=NOW)
    chat.say("ly hôn").say("tạm trú nộp ở đâu").expect("Đăng ký tạm trú").expect_not("Tòa án")
    for text in ("thủ tục ly hôn từ xa", "ly hôn năm nay cần gì"):
        Conversation(app.engine, user_id=f"review-{text}", now=NOW).say(text).expect("Ly hôn do Tòa án")
    english = Conversation(app.engine, user_id="review-divorced", locale_hint="en", now=NOW)
    english.say("I want to get divorced").expect("People's Court")
    later = Conversation(app.engine, user_id="review-again-later", now=NOW)
    later.say("tôi muốn ly hôn").say("menu").say("tôi muốn ly hôn").expect("Đơn khởi kiện")  # the whole text again


def test_review_notes_that_lead_to_a_procedure_keep_its_answers(app: App) -> None:
    # The household-book note had answered "đăng ký thường trú cần sổ hộ khẩu không" and its follow-ups.
    chat = Conversation(app.engine, user_id="review-book-named", now=NOW)
    chat.say("đăng ký thường trú cần sổ hộ khẩu không").expect("Đăng ký thường trú").expect_not("31/12/2022")
    book = Conversation(app.engine, user_id="review-book-papers", now=NOW)
    book.say("mất sổ hộ khẩu thì làm lại ở đâu").say("cần giấy tờ gì").expect("Xác nhận thông tin về cư trú")
    book.expect_not("Mình chỉ biết nơi giải quyết")
    code = Conversation(app.engine, user_id="review-replaced-code", now=NOW)  # a replaced record says so
    code.say("2.000986 lệ phí").expect("3.000722").expect_not("không ghi lệ phí")


def test_a_procedure_named_in_full_beside_a_divorce_is_what_is_asked(app: App, router: Router) -> None:
    # "ly hôn lâu rồi" tells a story; "xin giấy xác nhận tình trạng hôn nhân" names the paper wanted.
    text = "ly hôn lâu rồi, nay sắp cưới lần nữa nên cần xin giấy xác nhận tình trạng hôn nhân ở đâu"
    assert router.route(text).intent == "xac-nhan-hon-nhan"
    chat = Conversation(app.engine, user_id="remarry-paper", now=NOW)
    chat.say(text).expect("Nộp ở đâu", "xác nhận tình trạng hôn nhân").expect_not("Tòa án")
    # A paper merely mentioned is part of the divorce's story: still the court.
    assert router.route("tôi muốn ly hôn nhưng chồng giữ giấy đăng ký kết hôn").verdict is Verdict.NO_MATCH
    # Naming no procedure in full, a divorce still goes to the court.
    assert router.route("ly hôn lâu rồi, giờ muốn ly hôn lại").verdict is Verdict.NO_MATCH
    assert router.route("tôi muốn ly hôn").verdict is Verdict.NO_MATCH
    # A hotline asked beside a divorce names no procedure (a general intent's names do not count).
    assert router.route("chồng đánh đập, tôi chưa muốn ly hôn, có đường dây nóng hỗ trợ không").intent == "out_of_scope"


def test_a_name_is_asked_for_after_an_asking_verb_and_at_most_one_word_or_someone() -> None:
    from procedures.referrals import Referrals

    divorce = Referrals.load()
    paper = ("Giấy xác nhận tình trạng hôn nhân",)
    for asked in (
        "đang ly hôn, xin giấy xác nhận tình trạng hôn nhân ở đâu",  # "giấy" between is the paper's own word
        "đang ly hôn, xin lại giấy xác nhận tình trạng hôn nhân",
        "đang ly hôn, xin cho con giấy xác nhận tình trạng hôn nhân",
        "Đang ly hôn. Làm giấy xác nhận tình trạng hôn nhân!",
    ):
        assert divorce.find(asked, said=paper) is None, asked
    for told in (
        "ly hôn nhưng chồng giữ giấy xác nhận tình trạng hôn nhân",
        "đang ly hôn, xin hỏi về giấy xác nhận tình trạng hôn nhân",
    ):
        found = divorce.find(told, said=paper)
        assert found is not None and found.outside, told


def test_cues_are_folded_on_load_and_a_cue_with_no_word_is_refused() -> None:
    import pydantic
    import pytest

    from procedures.models import Text
    from procedures.referrals import Referral

    def made(cues: tuple[str, ...], unless: tuple[str, ...] = ()) -> Referral:
        return Referral(
            id="x",
            cues=cues,
            unless=unless,
            topic=Text(vi="Ly hôn", en="Divorce"),
            text=Text(vi="Tòa án.", en="The court."),
            source="3.000163",
            checked=dt.date(2026, 12, 7),
        )

    written = made(("Ly hôn!",), ("Đã ly hôn",))
    assert (written.cues, written.unless) == (("ly hon",), ("da ly hon",))
    assert Referrals((written,)).find("tôi muốn LY HÔN") is written
    assert Referrals((written,)).find("đã ly hôn rồi") is None
    with pytest.raises(pydantic.ValidationError):
        made(("—",))

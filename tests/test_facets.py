"""Facets: which detail a question asks, in Vietnamese (with or without marks, chat shorthand) and English."""

from __future__ import annotations

import pytest

from intents.facets import Facet, cue_table, read_facet

# Own examples, one or more per way of asking; none is taken from a benchmark file.
CASES = [
    # fee
    ("Cấp đổi giấy phép lái xe hết bao nhiêu tiền?", Facet.FEE),
    ("dang ky tam tru co mat tien ko ad", Facet.FEE),
    ("sao y bản chính giá bn 1 trang", Facet.FEE),
    ("Is there a charge for a temporary residence confirmation?", Facet.FEE),
    # time
    ("đổi bằng lái mất mấy ngày vậy mn", Facet.TIME),
    ("How long does it take to get a passport in Da Nang?", Facet.TIME),
    ("nop ho so ket hon xong bao lau thi co giay", Facet.TIME),
    ("lam can cuoc bao nhieu ngay thi duoc", Facet.TIME),
    ("tro cap that nghiep duoc bao nhieu thang", Facet.NONE),  # months of benefit, not a wait
    ("được hưởng mấy tháng trợ cấp thất nghiệp", Facet.NONE),
    # documents
    ("làm căn cước lần đầu cần mang gì", Facet.DOCUMENTS),
    ("hồ sơ xin giấy phép xây dựng gồm những giấy tờ nào", Facet.DOCUMENTS),
    ("What papers must I prepare to register a death?", Facet.DOCUMENTS),
    # where
    ("đăng ký hộ kinh doanh ở phường hay lên quận", Facet.WHERE),
    ("Which government office issues land titles?", Facet.WHERE),
    ("xin giay doc than thi den co quan nao", Facet.WHERE),
    # online
    ("có thể đổi bằng lái xe trực tuyến không ạ", Facet.ONLINE),
    ("khai báo tạm trú trên vneid dc ko hay phải lên công an", Facet.ONLINE),
    ("can I submit the birth registration from my phone?", Facet.ONLINE),
    ("nộp lệ phí qua ngân hàng được không", Facet.ONLINE),
    ("nhan luong huu qua ngan hang", Facet.NONE),  # money received through a bank is the topic
    # where, asked of the procedure just shown
    ("ở công an xã được không", Facet.WHERE),
    ("có phải lên tỉnh không", Facet.WHERE),
    # whether one must at all: the rule that says when
    ("có bắt buộc đăng ký tạm trú không", Facet.DEADLINE),
    # eligibility
    ("người nước ngoài có được mua nhà ở Việt Nam không", Facet.ELIGIBILITY),
    ("vợ có thể đi làm thủ tục thay chồng được không", Facet.ELIGIBILITY),
    ("Am I eligible for unemployment benefit if I quit?", Facet.ELIGIBILITY),
    # validity
    ("giấy khám sức khỏe có giá trị trong bao lâu", Facet.VALIDITY),
    ("the can cuoc dung duoc den khi nao", Facet.VALIDITY),
    ("Does a criminal record certificate expire?", Facet.VALIDITY),
    # deadline
    ("sinh con bao lâu phải đi khai sinh", Facet.DEADLINE),
    ("khai tử trễ có bị phạt không", Facet.DEADLINE),
    ("Is there a penalty for registering a birth late?", Facet.DEADLINE),
    # result
    ("hộ chiếu làm xong có gửi về tận nhà không", Facet.RESULT),
    ("giấy khai sinh làm online thì nhận bản giấy thế nào", Facet.RESULT),
    ("Will the driving licence be posted to my home address?", Facet.RESULT),
    # tracking
    ("tra cứu tình trạng hồ sơ hộ chiếu ở đâu", Facet.TRACKING),
    ("hs cap doi gplx cua e den buoc nao roi ad", Facet.TRACKING),
    ("How can I check the status of my residence card application?", Facet.TRACKING),
    # the whole procedure, or no question at all
    ("làm hộ chiếu", Facet.NONE),
    ("dang ky khai tu trong bao lau thi bi phat", Facet.DEADLINE),  # the penalty, not the processing time
    # "không" before a verb negates: the question is where to go, not whether it is online.
    ("mat chung minh thu, lam lai can cuoc thi phai di dau, bac khong biet dung dien thoai", Facet.WHERE),
    ("giấy tờ làm hộ chiếu", Facet.DOCUMENTS),  # the papers of a procedure, asked as a noun phrase
    ("hồ sơ đăng ký kết hôn nộp ở đâu", Facet.WHERE),
    ("trợ cấp thất nghiệp nộp hồ sơ trong bao lâu sau khi nghỉ việc", Facet.DEADLINE),  # counted from an event
    ("mấy tháng thì hết hạn nộp", Facet.DEADLINE),
    ("hộ chiếu hết hạn bao lâu", Facet.VALIDITY),
    ("phiếu lý lịch tư pháp có hạn bao lâu", Facet.VALIDITY),
    ("rut bhxh 1 lan dc bao nhieu tien", Facet.AMOUNT),  # the money received, not a fee
    ("tiền mai táng phí bao nhiêu", Facet.AMOUNT),  # a benefit named: its "phí" is no fee one pays
    ("trợ cấp thai sản bao nhiêu", Facet.AMOUNT),
    ("tien tuat duoc bao nhieu", Facet.AMOUNT),
    ("phí làm thủ tục thai sản bao nhiêu", Facet.FEE),  # a fee named: the benefit is the topic
    ("lệ phí làm trợ cấp thất nghiệp bao nhiêu", Facet.FEE),
    ("trợ cấp thất nghiệp bao nhiêu lâu thì có", Facet.TIME),
    ("lệ phí bao nhiêu tiền", Facet.FEE),
    ("đổi bằng lái xe quá hạn", Facet.NONE),  # an expired licence to renew, not a question of lateness
    ("bằng lái quá hạn có bị phạt không", Facet.DEADLINE),
    ("cccd quá hạn thì sao", Facet.DEADLINE),
    ("thủ tục đăng ký thường trú", Facet.NONE),
    ("hướng dẫn làm căn cước cho trẻ em", Facet.NONE),
    ("How do I register a marriage with a Vietnamese citizen?", Facet.NONE),
    # a facet word in a statement is not the ask
    ("tôi đã nộp lệ phí rồi", Facet.NONE),
    ("em nhận được hộ chiếu rồi, cảm ơn ad nhiều", Facet.NONE),
    ("I already paid the passport fee yesterday, thanks", Facet.NONE),
    ("tôi vừa làm xong căn cước ở phường, cảm ơn nhiều", Facet.NONE),
    # the clause that asks carries the facet, not the context before it
    ("tôi đã nộp lệ phí rồi, giờ theo dõi hồ sơ ở đâu?", Facet.TRACKING),
    ("vừa đóng phí làm passport xong, hộ chiếu mới có thời hạn mấy năm", Facet.VALIDITY),
    ("đk tạm trú online thì bao lâu được duyệt", Facet.TIME),
    ("If I apply online, how will I receive the certificate?", Facet.RESULT),
]


@pytest.mark.parametrize(("text", "facet"), CASES)
def test_reads_the_asked_detail(text: str, facet: Facet) -> None:
    assert read_facet(text).facet is facet


def test_a_second_detail_asked_as_clearly_is_kept() -> None:
    reading = read_facet("làm hộ chiếu hết bao nhiêu tiền và mất mấy ngày")
    assert {reading.facet, reading.also} == {Facet.FEE, Facet.TIME}
    assert read_facet("lệ phí làm hộ chiếu").also is Facet.NONE


def test_the_topic_is_the_message_without_its_cue_phrases() -> None:
    reading = read_facet("Lệ phí làm lại căn cước bao nhiêu?")
    assert reading.facet is Facet.FEE
    assert "le phi" not in reading.topic
    assert "lam lai can cuoc" in reading.topic
    assert read_facet("làm hộ chiếu").topic == "lam ho chieu"


def test_every_cue_is_looked_up_by_its_first_word() -> None:
    assert cue_table().anywhere == ()  # a cue tried at every position would cost far more


def test_a_long_story_asks_for_the_result() -> None:  # its speed: benchmarks/facets.py
    text = (
        "Kính gửi quý cơ quan, tôi năm nay 70 tuổi, chân yếu. Tháng trước con gái giúp tôi nộp hồ sơ "
        "xin trợ cấp ở ủy ban xã, đã đóng đủ các khoản rồi. Giờ nếu được duyệt thì tiền hằng tháng tôi "
        "nhận bằng cách nào, có ai mang đến nhà không hay tôi phải lên xã lĩnh ạ?"
    )
    assert read_facet(text).facet is Facet.RESULT


@pytest.mark.parametrize(
    ("text", "facet"),
    [
        ("cái tạm trú đó nhiêu tiền", Facet.FEE),  # Southern "nhiêu" for "bao nhiêu"
        ("tốn nhiêu tiền hông", Facet.FEE),
        ("phí nhiêu vậy", Facet.FEE),
        ("làm hộ chiếu có tốn nhiều tiền không", Facet.FEE),  # folded, "nhiều" (much) asks the cost too
        ("mất nhiêu ngày", Facet.TIME),
        ("nhà nhiều tiền có được hưởng trợ cấp không", Facet.ELIGIBILITY),  # wealth is not a price
    ],
)
def test_southern_nhieu_asks_how_much(text: str, facet: Facet) -> None:
    assert read_facet(text).facet is facet


def test_a_camera_fine_is_no_penalty_for_lateness() -> None:
    # "bị phạt nguội xe máy" had been answered with the deadline and lateness penalty.
    assert read_facet("bị phạt nguội xe máy").facet is Facet.NONE
    assert read_facet("trễ hạn có bị phạt không").facet is Facet.DEADLINE


def test_nhan_inside_a_noun_receives_nothing() -> None:
    # Folded, "hôn nhân ở đâu" reads as "nhận ở đâu" (where to collect): the paper is asked about.
    assert read_facet("xin giấy xác nhận tình trạng hôn nhân ở đâu").facet is Facet.WHERE
    assert read_facet("mã số thuế cá nhân đăng ký ở đâu").facet is Facet.WHERE
    assert read_facet("nhận kết quả ở đâu").facet is Facet.RESULT
    assert read_facet("giấy kết hôn nhận ở đâu").facet is Facet.RESULT  # "kết hôn" then "nhận"

"""Live handoff, in process: the queue, the officer's replies through the outbox, the bot's silence,
the time-out, the chat id blanked at close, a Zalo reply (and notice) past its window, and the queues' names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.app import App, build_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.console.handoff import Handoffs, ReplyRefused, queue_name
from bot.storage.outbox import PENDING
from bot.storage.tables import Handoff, OutboxItem
from bot.testing import Conversation

MONDAY = dt.datetime(2030, 3, 11, 2, 0, tzinfo=dt.UTC)  # 09:00 on a Monday in Hà Nội: office hours
SUNDAY = dt.datetime(2030, 3, 17, 2, 0, tzinfo=dt.UTC)  # the next Sunday


@pytest.fixture
def bot(settings: Settings, patch: Callable[..., None]) -> Iterator[tuple[App, ManualClock]]:
    """A bot with the console on (the handoff queues) and a manual clock on a Monday morning."""
    settings = replace(settings, console=True, handoff_timeout_minutes=30)
    patch(settings)
    clock = ManualClock(MONDAY)
    built = build_app(settings, clock, channels=False)
    yield built, clock
    built.close()


def handoffs(app: App) -> Handoffs:
    board = app.engine.live_desk.switchboard
    assert isinstance(board, Handoffs)
    return board


def only(app: App) -> Handoff:
    with app.database.reader() as session:
        (row,) = session.scalars(select(Handoff)).all()
        return row


def pending_texts(app: App) -> list[str]:
    with app.database.reader() as session:
        rows = session.scalars(select(OutboxItem).where(OutboxItem.status == PENDING)).all()  # type: ignore[arg-type]
        return [row.body or "" for row in rows]


def test_a_person_asked_for_asks_the_commune_then_queues_and_the_officer_takes_over(
    bot: tuple[App, ManualClock],
) -> None:
    app, clock = bot
    chat = Conversation(app.engine, user_id="c1", channel="telegram", clock=clock)
    chat.say("tôi muốn gặp người hỗ trợ").expect("xã")  # which commune?
    chat.say("phường Bến Nghé, Quận 1, TP Hồ Chí Minh").expect("Phường Sài Gòn")
    handoff = only(app)
    assert handoff.status == "waiting" and handoff.commune == "26740" and handoff.chat_id == "c1"
    board = handoffs(app)
    assert [h.id for h in board.queue_of("26740", False, clock.now())] == [handoff.id]
    assert board.queue_of("00004", False, clock.now()) == []  # another commune's officer sees none
    assert handoff.id is not None
    assert board.take(handoff.id, "canbo", clock.now())
    assert not board.take(handoff.id, "other", clock.now())  # one officer wins
    board.reply(handoff.id, "canbo", "Chào anh, hồ sơ nộp tại UBND phường. SĐT 0912 345 678", clock.now())
    assert any("hồ sơ nộp tại UBND phường" in text for text in pending_texts(app))
    assert chat.say("cảm ơn, tôi cần mang gì?").replies == []  # the bot stays silent
    said = [(m.author, m.text) for m in board.messages(handoff.id)]
    assert ("citizen", "cảm ơn, tôi cần mang gì?") in said
    assert ("officer", "Chào anh, hồ sơ nộp tại UBND phường. SĐT [phone]") in said  # redacted at rest
    assert board.hand_back(handoff.id, "canbo", clock.now())
    closed = only(app)
    assert closed.status == "closed" and closed.chat_id == "" and closed.closed_by == "handback"
    chat.say("5").expect("Cảm ơn bạn đã đánh giá")  # the rating right after the hand-back
    chat.say("làm căn cước").expect_not("người hỗ trợ")  # the bot answers again
    assert chat.replies


def test_an_idle_officer_times_out_and_the_bot_answers_again(bot: tuple[App, ManualClock]) -> None:
    app, clock = bot
    chat = Conversation(app.engine, user_id="c2", channel="telegram", clock=clock)
    chat.say("gặp người hỗ trợ")
    chat.press("Không rõ")  # the province's queue
    handoff = only(app)
    assert handoff.commune is None and handoff.id is not None
    board = handoffs(app)
    board.take(handoff.id, "admin", clock.now())
    assert chat.say("alo").replies == []
    clock.advance(dt.timedelta(minutes=31))
    assert chat.say("làm căn cước").replies  # the officer went quiet: the bot is back
    closed = only(app)
    assert closed.status == "closed" and closed.closed_by == "timeout" and closed.chat_id == ""


def test_a_zalo_reply_past_its_window_is_refused_and_kept_on_record(bot: tuple[App, ManualClock]) -> None:
    app, clock = bot
    chat = Conversation(app.engine, user_id="z1", channel="zalo", clock=clock)
    chat.say("gặp người hỗ trợ")
    chat.press("Không rõ").expect("48")
    handoff = only(app)
    assert handoff.id is not None
    board = handoffs(app)
    board.take(handoff.id, "admin", clock.now())
    clock.advance(dt.timedelta(hours=49))
    with pytest.raises(ReplyRefused):
        board.reply(handoff.id, "admin", "Xin lỗi đã để anh chờ", clock.now())
    assert not board.window(only(app)).open(clock.now())
    assert [m.author for m in board.messages(handoff.id)][-1] == "refused"
    assert not any("Xin lỗi đã để anh chờ" in text for text in pending_texts(app))


def test_on_zalo_the_notices_count_against_the_window_and_none_goes_past_it(bot: tuple[App, ManualClock]) -> None:
    app, clock = bot
    for user in ("z2", "z3"):
        chat = Conversation(app.engine, user_id=user, channel="zalo", clock=clock)
        chat.say("gặp người hỗ trợ")
        chat.press("Không rõ")
    board = handoffs(app)
    first, late = sorted(board.queue_of(None, True, clock.now()), key=lambda h: h.id or 0)
    assert first.id is not None and late.id is not None
    board.take(first.id, "admin", clock.now())
    assert board.window(board.get(first.id)).left == 7  # type: ignore[arg-type]  # the notice is one of Zalo's 8
    assert any("Một cán bộ đang trả lời" in text for text in pending_texts(app))
    clock.advance(dt.timedelta(hours=49))  # the other waited two days: Zalo takes no reply now
    before = pending_texts(app)
    board.take(late.id, "admin", clock.now())
    board.hand_back(late.id, "admin", clock.now())
    assert pending_texts(app) == before, "neither the take nor the hand-back notice is sent past the window"


def test_queues_are_named_by_the_communes_name_and_code() -> None:
    assert queue_name("26740", "cấp tỉnh") == "Phường Sài Gòn (26740)"
    assert queue_name("00004", "cấp tỉnh") == "Phường Ba Đình (00004)"
    assert queue_name(None, "cấp tỉnh") == "cấp tỉnh"
    assert queue_name("99999", "cấp tỉnh") == "99999"  # not a current commune's code: shown as stored
    assert queue_name("Xã Tân Lập", "cấp tỉnh") == "Xã Tân Lập"


def test_outside_office_hours_a_question_is_left_for_the_queue(bot: tuple[App, ManualClock]) -> None:
    app, clock = bot
    clock.set(SUNDAY)
    chat = Conversation(app.engine, user_id="c3", channel="telegram", clock=clock)
    chat.say("gặp người hỗ trợ").expect("07:30 18/03/2030")
    chat.say("Tôi cần đổi tên trên giấy khai sinh").expect("Đã lưu")
    handoff = only(app)
    assert handoff.kind == "question" and handoff.status == "waiting" and handoff.id is not None
    assert [m.text for m in handoffs(app).messages(handoff.id)] == ["Tôi cần đổi tên trên giấy khai sinh"]


def test_a_live_page_hears_only_of_its_own_queue_or_conversation(bot: tuple[App, ManualClock]) -> None:
    app, clock = bot
    saigon = Conversation(app.engine, user_id="s1", channel="telegram", clock=clock)
    saigon.say("tôi muốn gặp người hỗ trợ")
    saigon.say("phường Bến Nghé, Quận 1, TP Hồ Chí Minh").expect("Phường Sài Gòn")  # commune 26740
    province = Conversation(app.engine, user_id="p1", channel="telegram", clock=clock)
    province.say("gặp người hỗ trợ")
    province.press("Không rõ")  # the province's queue
    board = handoffs(app)
    with app.database.reader() as session:
        rows = {row.commune: row.id for row in session.scalars(select(Handoff)).all()}
    theirs, ours = rows[None], rows["26740"]
    assert theirs is not None and ours is not None

    def pages() -> dict[str, str]:
        return {
            "commune": board.signature("26740", everyone=False),
            "province": board.signature(None, everyone=False),
            "admin": board.signature(),
            "one": board.signature(handoff_id=ours),
        }

    before = pages()
    board.take(theirs, "admin", clock.now())
    province.say("alo, còn ai không")
    after = pages()
    # The province's conversation changed: its queue and the admin's view refresh, the commune's do not.
    assert after["province"] != before["province"] and after["admin"] != before["admin"]
    assert after["commune"] == before["commune"] and after["one"] == before["one"]
    saigon.say("tôi cần mang gì?")
    last = pages()
    assert last["commune"] != after["commune"] and last["one"] != after["one"]
    assert last["province"] == after["province"]

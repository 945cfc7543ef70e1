"""Reminders, the text purge and the weekly digest through the whole app, on a manual clock.

A citizen sets a reminder at the end of a guide; the bot restarts; the scheduler of the new
process sends it when due (and not before), skips it when the citizen came back by
themselves, purges old message text while keeping the counts, and sends admins the digest.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from sqlmodel import select

from bot.app import App, build_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.messages import Address, Reply
from bot.storage.tables import Event, Reminder
from bot.testing import CollectingChannel, Conversation

START = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # a Monday, 09:00 in Hà Nội


def finish_guide(chat: Conversation) -> Conversation:
    chat.say("khai sinh").press("Hướng dẫn từng bước").press("Có")
    for _ in range(12):
        if "👍" in " ".join(option.label for option in chat.options):
            return chat
        chat.press("Tiếp theo")
    raise AssertionError(chat.text)


class Delivered:
    """What the test channel's courier has delivered so far, as (address, replies of one turn)."""

    def __init__(self, app: App) -> None:
        self.channel = CollectingChannel("test")
        self.courier = app.add_channel(self.channel)

    @property
    def sent(self) -> list[tuple[Address, list[Reply]]]:
        asyncio.run(self.courier.flush())
        return [(address, [reply]) for address, reply in self.channel.delivered]


def run_at(app: App, when: dt.datetime) -> None:
    """Move the app's manual clock to ``when`` and run the jobs due then."""
    assert isinstance(app.clock, ManualClock) and app.scheduler is not None
    app.clock.set(when)
    app.scheduler.run_due(when)


def restarted(settings: Settings, patch: Callable[[], None], clock: ManualClock | None = None) -> tuple[App, Delivered]:
    """A new process on the same database, its scheduler on a manual clock set to START."""
    patch()
    app = build_app(settings, clock or ManualClock(START))
    outbox = Delivered(app)
    app.scheduler = app.make_scheduler()
    assert app.scheduler.start(manual=True)
    return app, outbox


def test_reminder_set_at_the_end_of_a_guide_survives_a_restart(settings: Settings, patch: Callable[[], None]) -> None:
    patch()
    first = build_app(settings, ManualClock(START))
    chat = Conversation(first.engine, user_id="citizen", now=START)
    finish_guide(chat).press("Nhắc tôi kiểm tra sau 3 ngày").expect("tôi sẽ nhắc bạn kiểm tra hồ sơ")
    chat.say("nhắc nhở").expect("Lời nhắc của bạn", "Đăng ký khai sinh")
    first.close()

    app, outbox = restarted(settings, patch)
    try:
        run_at(app, START + dt.timedelta(days=2))
        assert outbox.sent == []
        run_at(app, START + dt.timedelta(days=3, minutes=2))
        assert len(outbox.sent) == 1
        address, replies = outbox.sent[0]
        assert address.chat_id == "citizen"
        assert "Đăng ký khai sinh" in replies[0].text
        assert [option.payload for option in replies[0].options][0] == "open:khai-sinh"
        run_at(app, START + dt.timedelta(days=3, minutes=5))
        assert len(outbox.sent) == 1, "sent once"
        with app.database.session() as session:
            reminder = session.exec(select(Reminder)).one()
        assert reminder.status == "sent" and reminder.chat_id == "", "the chat id is dropped once sent"
    finally:
        app.close()


def test_reminder_is_skipped_when_the_citizen_came_back_and_can_be_cancelled(
    settings: Settings, patch: Callable[[], None]
) -> None:
    app, outbox = restarted(settings, patch)
    try:
        chat = Conversation(app.engine, user_id="citizen", now=START)
        finish_guide(chat).say("nhắc tôi kiểm tra hồ sơ sau 5 ngày").expect("tôi sẽ nhắc bạn")
        other = Conversation(app.engine, user_id="other", now=START)
        finish_guide(other).press("Nhắc tôi")
        other.say("xóa nhắc nhở").expect("Lời nhắc của bạn")  # typed, not only the button: the list
        other.say("huỷ nhắc 1").expect("Đã huỷ lời nhắc")  # whose button's words work typed too
        chat.now = START + dt.timedelta(days=1)
        chat.say("khai sinh")  # came back by themselves
        run_at(app, START + dt.timedelta(days=6))
        assert outbox.sent == []
        with app.database.session() as session:
            statuses = sorted(row.status for row in session.exec(select(Reminder)).all())
        assert statuses == ["cancelled", "skipped"]
    finally:
        app.close()


def test_purge_blanks_old_text_and_keeps_the_counts(settings: Settings, patch: Callable[[], None]) -> None:
    app, _ = restarted(settings, patch)
    try:
        Conversation(app.engine, user_id="citizen", now=START).say("giá vàng hôm nay")
        run_at(app, START + dt.timedelta(days=settings.raw_text_days + 2))
        with app.database.session() as session:
            events = session.exec(select(Event)).all()
        assert {event.type for event in events} >= {"message", "route", "unresolved"}
        assert all(event.text is None for event in events)
    finally:
        app.close()


def test_weekly_digest_reaches_admins(settings: Settings, patch: Callable[[], None]) -> None:
    app, outbox = restarted(replace(settings, admins=frozenset({("test", "admin-1")}), stale_days=0), patch)
    try:
        Conversation(app.engine, user_id="citizen", now=START).say("khai sinh")
        run_at(app, START + dt.timedelta(days=7))
        to_admin = [reply for address, replies in outbox.sent if address.user_id == "admin-1" for reply in replies]
        text = "\n".join(reply.text for reply in to_admin)
        assert text.count("Bản tin tuần") == 1, "one digest (a table, then the entries to re-check)"
        assert "Bản tin tuần" in text and "Đăng ký khai sinh" in text
        # Every entry last verified before the digest's day is listed (15 at most, then a count).
        stale = app.live.current.catalog.stale((START + dt.timedelta(days=7)).date(), 0)
        assert stale, "the shipped catalog has entries verified before the digest"
        assert "Thủ tục cần kiểm tra lại" in text and stale[0].id in text
        if len(stale) > 15:
            assert f"… và {len(stale) - 15} mục khác" in text
    finally:
        app.close()


def test_reminders_understand_weeks_and_tomorrow_ask_when_and_are_not_set_twice(app: App) -> None:
    chat = Conversation(app.engine, user_id="weeks", now=START)
    chat.say("đăng ký tạm trú")
    chat.say("nhắc tôi kiểm tra sau 2 tuần").expect("07/12/2026")  # 14 days after 23/11
    chat.say("nhắc tôi ngày mai").expect("24/11/2026")
    chat.say("nhắc tôi ngày mai").expect("đã được đặt rồi")  # asked twice: one reminder
    chat.say("nhắc tôi nhé").expect("Bạn muốn mình nhắc khi nào?")  # no day understood: asked
    with app.database.session() as session:
        assert len(session.exec(select(Reminder)).all()) == 2

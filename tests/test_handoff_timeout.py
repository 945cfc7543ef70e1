"""The live handoff's scheduled time-out: a conversation an officer left idle returns to the bot on its own.

The scheduler's minute job closes it (on a manual clock, run with ``run_due``): the citizen is told on
their own channel that the bot is back, without having to write first, and the bot answers them again.
Only the leading process runs it, and only with the console on.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.app import App, build_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.jobs.scheduler import HANDOFFS, REMINDERS
from bot.storage.tables import Handoff
from bot.testing import CollectingChannel, Conversation

MONDAY = dt.datetime(2030, 3, 11, 2, 0, tzinfo=dt.UTC)  # 09:00 on a Monday in Hà Nội: office hours
BACK = "Cán bộ chưa thể tiếp tục"  # "The officer could not go on. I am the bot again …"


@pytest.fixture
def console_on(settings: Settings) -> Settings:
    return replace(settings, console=True, handoff_timeout_minutes=30)


@pytest.fixture
def bot(console_on: Settings, patch: Callable[..., None]) -> Iterator[tuple[App, ManualClock]]:
    """A bot with the console on, its scheduler leading on a manual clock on a Monday morning."""
    patch(console_on)
    clock = ManualClock(MONDAY)
    app = build_app(console_on, clock, channels=False)
    app.scheduler = app.make_scheduler()
    assert app.scheduler.start(manual=True)
    yield app, clock
    app.close()


def the_handoff(app: App) -> Handoff:
    with app.database.reader() as session:
        (row,) = session.scalars(select(Handoff)).all()
        return row


def test_an_idle_officer_is_timed_out_by_the_minute_job_and_the_bot_answers_again(
    bot: tuple[App, ManualClock],
) -> None:
    app, clock = bot
    assert app.scheduler is not None
    telegram = CollectingChannel("telegram")
    courier = app.add_channel(telegram)
    chat = Conversation(app.engine, user_id="c9", channel="telegram", clock=clock)
    chat.say("gặp người hỗ trợ")
    chat.press("Không rõ")  # the province's queue
    handoffs = app.handoffs()
    assert handoffs is not None
    handoff_id = the_handoff(app).id
    assert handoff_id is not None and handoffs.take(handoff_id, "canbo", clock.now())
    handoffs.reply(handoff_id, "canbo", "Anh chờ tôi kiểm tra nhé", clock.now())
    assert chat.say("vâng").replies == []  # held: the bot is quiet

    clock.advance(dt.timedelta(minutes=29))
    assert HANDOFFS in app.scheduler.run_due(clock.now())
    assert the_handoff(app).status == "taken"  # 29 minutes of silence: still the officer's

    clock.advance(dt.timedelta(minutes=2))
    assert HANDOFFS in app.scheduler.run_due(clock.now())
    closed = the_handoff(app)
    assert (closed.status, closed.closed_by, closed.chat_id) == ("closed", "timeout", "")
    asyncio.run(courier.flush())
    assert BACK in telegram.texts("c9")[-1]  # told on their own channel, without writing first
    assert chat.say("làm căn cước").replies  # and the bot answers again


def test_the_job_is_scheduled_only_with_the_console_and_only_the_leader_runs_it(
    bot: tuple[App, ManualClock], console_on: Settings
) -> None:
    app, clock = bot
    assert app.scheduler is not None
    assert HANDOFFS in app.scheduler.next_run_times()
    follower = build_app(console_on, clock, channels=False)  # a second process on the same database
    try:
        follower.scheduler = follower.make_scheduler()
        assert not follower.scheduler.start(manual=True)
        assert follower.scheduler.run_due(clock.now() + dt.timedelta(minutes=5)) == []
    finally:
        follower.close()
    app.scheduler.shutdown()  # the console switched off: the next leader drops the stored job
    app.scheduler = None
    plain = build_app(replace(console_on, console=False), clock, channels=False)
    try:
        assert plain.handoffs() is None
        plain.scheduler = plain.make_scheduler()
        assert plain.scheduler.start(manual=True)
        assert HANDOFFS not in plain.scheduler.next_run_times()
        ran = plain.scheduler.run_due(clock.now() + dt.timedelta(minutes=5))
        assert REMINDERS in ran and HANDOFFS not in ran
    finally:
        plain.close()

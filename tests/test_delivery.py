"""The transactional outbox and its courier, through the real gateway with a collecting channel.

Replies are stored with the state change, delivered in order per chat, marked delivered
(forgetting the raw chat id), retried with back-off, dropped with an event when rejected for
good or too old, delivered after a restart, and sent within the channel's caps.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import replace

from sqlmodel import col, select

from bot.app import App, build_app
from bot.channels.base import Acceptance, Delivery, Outcome
from bot.clock import ManualClock
from bot.config import Settings
from bot.messages import Address, Inbound
from bot.storage.outbox import SendLimits, Window
from bot.storage.tables import Event, InboxItem, OutboxItem
from bot.testing import CollectingChannel

START = dt.datetime(2026, 5, 4, 3, 0, tzinfo=dt.UTC)


def make(settings: Settings, patch: Callable[[], None], channel: CollectingChannel) -> tuple[App, ManualClock]:
    patch()
    clock = ManualClock(START)
    app = build_app(settings, clock)
    app.add_channel(channel)
    return app, clock


def say(app: App, channel: CollectingChannel, user: str, text: str, message_id: str | None = None) -> Acceptance:
    inbound = Inbound(
        Address(channel.channel, user, user), text=text, message_id=message_id, received_at=app.clock.now()
    )
    return app.gateway.accept(inbound)


def process_all(app: App) -> int:
    """Process every ready message (what the gateway's loop does), returning how many."""
    done = 0
    for waiting in app.inbox.waiting(app.clock.now(), 1000):
        while app.gateway.process(waiting.conversation):
            done += 1
    return done


def flush(app: App, channel: CollectingChannel) -> None:
    asyncio.run(app.couriers[channel.channel].flush())


def outbox_rows(app: App) -> list[OutboxItem]:
    with app.database.reader() as session:
        return list(session.exec(select(OutboxItem).order_by(col(OutboxItem.id))).all())


def test_replies_are_written_with_the_state_and_delivered_in_order(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    channel = CollectingChannel()
    app, _ = make(settings, patch, channel)
    try:
        assert say(app, channel, "an", "khai sinh", "m1") is Acceptance.ACCEPTED
        assert say(app, channel, "an", "khai sinh", "m1") is Acceptance.DUPLICATE, "a platform retry"
        assert say(app, channel, "an", "1", "m2") is Acceptance.ACCEPTED  # "Hướng dẫn từng bước"
        assert process_all(app) == 2
        assert channel.delivered == [], "nothing is sent inside the transaction"
        pending = outbox_rows(app)
        assert len(pending) >= 3 and all(row.status == "pending" and row.chat_id == "an" for row in pending)
        flush(app, channel)
        texts = channel.texts("an")
        assert "Đăng ký khai sinh" in texts[0] and texts[-1].startswith("Bước 1/6")
        rows = outbox_rows(app)
        assert {row.status for row in rows} == {"delivered"}
        assert all(row.chat_id == "" and row.body is None for row in rows), "the raw chat id and text are gone"
        with app.database.reader() as session:
            inbox = session.exec(select(InboxItem)).all()
        assert [(row.status, row.body) for row in inbox] == [("done", None), ("done", None)]
    finally:
        app.close()


def test_errors_are_retried_with_back_off_until_delivered(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    channel = CollectingChannel(failures=[Delivery(Outcome.RETRY, "timeout"), Delivery(Outcome.RETRY, "network")])
    app, clock = make(settings, patch, channel)
    try:
        say(app, channel, "binh", "xin chào")
        process_all(app)
        flush(app, channel)
        assert channel.delivered == [] and channel.attempts == 1
        clock.advance(0.5)
        flush(app, channel)
        assert channel.attempts == 1, "the first retry waits a second"
        clock.advance(0.6)
        flush(app, channel)
        assert channel.attempts == 2 and channel.delivered == []
        clock.advance(1.5)
        flush(app, channel)
        assert channel.attempts == 2, "the second retry waits two seconds"
        clock.advance(0.6)
        flush(app, channel)
        assert channel.attempts == 3 and "Xin chào" in channel.texts("binh")[0]
        (row,) = outbox_rows(app)
        assert (row.status, row.attempts) == ("delivered", 2)
    finally:
        app.close()


def test_a_reply_rejected_for_good_or_too_old_is_dropped_with_an_event(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    channel = CollectingChannel(failures=[Delivery(Outcome.REJECTED, "blocked")])
    app, clock = make(replace(settings, reply_max_age_hours=1), patch, channel)
    try:
        say(app, channel, "chi", "xin chào")
        process_all(app)
        flush(app, channel)
        say(app, channel, "dung", "xin chào")
        process_all(app)
        clock.advance(dt.timedelta(hours=2))  # the platform was unreachable for two hours
        flush(app, channel)
        assert channel.delivered == []
        assert [(row.status, row.reason, row.chat_id) for row in outbox_rows(app)] == [
            ("dropped", "blocked", ""),
            ("dropped", "expired", ""),
        ]
        with app.database.reader() as session:
            events = session.exec(select(Event.decision).where(Event.type == "undelivered")).all()
        assert sorted(event or "" for event in events) == ["blocked", "expired"]
    finally:
        app.close()


def test_replies_left_by_a_crash_are_delivered_after_the_restart(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    first_channel = CollectingChannel()
    first, clock = make(settings, patch, first_channel)
    say(first, first_channel, "em", "khai sinh")
    process_all(first)
    # The process "dies" with a reply claimed (its lease runs) but never sent.
    claimed = first.outbox.claim(first_channel.channel, clock.now(), 10, dt.timedelta(minutes=5))
    assert len(claimed) == 1
    first.close()

    channel = CollectingChannel()
    second, _ = make(settings, patch, channel)
    try:
        flush(second, channel)
        if second.database.is_postgres:
            assert channel.delivered == [], "another process may still hold the lease"
        else:
            assert "Đăng ký khai sinh" in channel.texts("em")[0], "on SQLite this process is the only one"
    finally:
        second.close()


def test_a_chat_and_the_channel_get_no_more_than_their_caps(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    limits = SendLimits(total=(Window(5, 1.0),), chat=(Window(2, 1.0),), margin=0.0)
    channel = CollectingChannel(limits=limits)
    app, clock = make(settings, patch, channel)
    try:
        for user in ("a", "b", "c", "d"):
            for number in range(2):
                say(app, channel, user, f"xin chào {number}")
        process_all(app)
        assert len(outbox_rows(app)) == 8
        flush(app, channel)
        assert len(channel.delivered) == 5, "the channel's cap: five in the first second"
        clock.advance(1.01)
        flush(app, channel)
        assert len(channel.delivered) == 8
        per_chat = {user: channel.texts(user) for user in "abcd"}
        assert all(len(texts) == 2 for texts in per_chat.values())

        for number in range(3):
            say(app, channel, "a", f"cảm ơn {number}")
        process_all(app)
        clock.advance(1.01)
        flush(app, channel)
        assert len(channel.texts("a")) == 4, "one chat: two a second"
        clock.advance(1.01)
        flush(app, channel)
        assert len(channel.texts("a")) == 5
        granted = sorted(row.granted_at for row in outbox_rows(app) if row.granted_at is not None)
        assert len(granted) == 11
    finally:
        app.close()


def test_a_whole_channel_waits_after_too_many_requests(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    channel = CollectingChannel(failures=[Delivery(Outcome.RETRY, "429", retry_after=3.0, whole_channel=True)])
    app, clock = make(settings, patch, channel)
    try:
        say(app, channel, "gia", "xin chào")
        process_all(app)
        flush(app, channel)
        (row,) = outbox_rows(app)
        assert row.status == "pending" and row.next_attempt_at is not None
        waited = (row.next_attempt_at.replace(tzinfo=dt.UTC) - clock.now()).total_seconds()
        assert 2.9 < waited < 3.1, "the platform's retry-after, not our back-off"
    finally:
        app.close()


def test_the_body_of_a_message_is_kept_only_until_it_is_processed(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    channel = CollectingChannel()
    app, _ = make(settings, patch, channel)
    try:
        say(app, channel, "hoa", "cccd 001203004567 lam lai o dau", "m9")
        with app.database.reader() as session:
            (row,) = session.exec(select(InboxItem)).all()
        assert json.loads(row.body or "")["t"].startswith("cccd"), "stored to be processed, raw for now"
        assert row.dedupe is not None and "m9" not in row.dedupe, "the platform id only as a salted hash"
        process_all(app)
        with app.database.reader() as session:
            (row,) = session.exec(select(InboxItem)).all()
        assert row.body is None and row.status == "done"
    finally:
        app.close()


def test_a_message_whose_handling_fails_is_set_aside_with_an_apology(settings: Settings, patch, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    channel = CollectingChannel()
    app, _ = make(settings, patch, channel)
    respond = app.engine.respond

    def broken(unit, inbound, user, snap):  # type: ignore[no-untyped-def]
        if inbound.text == "boom":
            raise RuntimeError("a bug")
        return respond(unit, inbound, user, snap)

    monkeypatch.setattr(app.engine, "respond", broken)
    try:
        say(app, channel, "khanh", "boom")
        say(app, channel, "khanh", "xin chào")
        assert process_all(app) == 2, "the broken message does not block the next one"
        flush(app, channel)
        texts = channel.texts("khanh")
        assert "gặp lỗi" in texts[0] and "Xin chào" in texts[1]
        with app.database.reader() as session:
            statuses = [row.status for row in session.exec(select(InboxItem).order_by(col(InboxItem.id))).all()]
            errors = session.exec(select(Event).where(Event.type == "error")).all()
        assert statuses == ["failed", "done"] and len(errors) == 1
    finally:
        app.close()

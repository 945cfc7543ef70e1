"""Reminders and the scheduler, on a manual clock: nothing here sleeps or waits for real time."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlmodel import col, select

from bot.events import EventType, Recorder
from bot.i18n import Languages
from bot.messages import Address, Reply
from bot.reminders import ReminderBook, ReminderStatus, SendReport, render_reminder
from bot.scheduling import DIGEST, PURGE, REMINDERS, JobSet, Scheduler, run_job
from bot.storage import Database, Event, Reminder
from procedures.catalog import Catalog

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday, 16:30 in Vietnam
ALICE, BOB = "a" * 64, "b" * 64
PROCEDURE = "bhxh-mot-lan"


class FakeOutbox:
    """Records deliveries; answers with ``result`` (or raises it when it is an exception)."""

    channel = "telegram"

    def __init__(self, result: bool | Exception = True):
        self.result = result
        self.sent: list[tuple[Address, list[Reply]]] = []
        self.guard = threading.Lock()

    def deliver(self, address: Address, replies: list[Reply]) -> bool:
        if isinstance(self.result, Exception):
            raise self.result
        with self.guard:
            self.sent.append((address, replies))
        return self.result


def text_of(reminder: Reminder) -> list[Reply]:
    return [Reply(f"remember {reminder.procedure}")]


@pytest.fixture
def book(database: Database) -> ReminderBook:
    return ReminderBook(database, Recorder(database))


@pytest.fixture
def schedulers() -> Iterator[list[Scheduler]]:
    """Schedulers a test builds; all shut down afterwards, even when the test fails."""
    built: list[Scheduler] = []
    yield built
    for scheduler in built:
        scheduler.shutdown()


def add_reminder(book: ReminderBook, user: str = ALICE, days: int = 3, procedure: str = PROCEDURE) -> int:
    row = book.row("telegram", user, "12345", procedure, "vi", NOW + dt.timedelta(days=days), NOW)
    with book.database.session() as session:
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def stored(book: ReminderBook, reminder_id: int) -> Reminder:
    with book.database.session() as session:
        reminder = session.get(Reminder, reminder_id)
        assert reminder is not None
        return reminder


def event_types(database: Database, user: str = ALICE) -> list[str]:
    with database.session() as session:
        return list(session.exec(select(Event.type).where(Event.user == user).order_by(col(Event.id))).all())


# -- reminders -----------------------------------------------------------------------------


def test_reminder_is_created_listed_and_cancelled_by_its_owner_only(book: ReminderBook) -> None:
    reminder_id = add_reminder(book)
    later_id = add_reminder(book, days=5)
    assert [r.id for r in book.pending(ALICE)] == [reminder_id, later_id]
    assert book.pending(BOB) == []
    with pytest.raises(ValueError):
        book.row("telegram", ALICE, "12345", PROCEDURE, "vi", NOW, NOW)

    assert not book.cancel(BOB, reminder_id, NOW)  # not Bob's
    assert stored(book, reminder_id).status == ReminderStatus.PENDING
    assert book.cancel(ALICE, reminder_id, NOW)
    assert not book.cancel(ALICE, reminder_id, NOW)  # already cancelled

    cancelled = stored(book, reminder_id)
    assert (cancelled.status, cancelled.chat_id) == (ReminderStatus.CANCELLED, "")
    assert cancelled.closed_at is not None
    assert [r.id for r in book.pending(ALICE)] == [later_id]
    assert event_types(book.database) == [EventType.REMINDER_CANCELLED]
    assert book.send_due(NOW + dt.timedelta(days=4), {"telegram": FakeOutbox()}, text_of).sent == []


def test_reminder_due_in_three_days_is_sent_once_then_forgets_the_chat(book: ReminderBook) -> None:
    reminder_id = add_reminder(book)
    outbox = FakeOutbox()
    outboxes = {"telegram": outbox}

    assert book.send_due(NOW + dt.timedelta(days=2), outboxes, text_of).sent == []
    assert outbox.sent == []
    assert book.send_due(NOW + dt.timedelta(days=3), outboxes, text_of).sent == [reminder_id]
    assert book.send_due(NOW + dt.timedelta(days=3, minutes=1), outboxes, text_of).sent == []
    assert book.send_due(NOW + dt.timedelta(days=9), outboxes, text_of).sent == []

    assert len(outbox.sent) == 1
    address, replies = outbox.sent[0]
    assert (address.channel, address.chat_id) == ("telegram", "12345")
    assert replies[0].text == f"remember {PROCEDURE}"
    sent = stored(book, reminder_id)
    assert (sent.status, sent.chat_id) == (ReminderStatus.SENT, "")
    assert sent.closed_at is not None
    assert book.pending(ALICE) == []
    assert event_types(book.database) == [EventType.REMINDER_SENT]


def test_reminder_is_skipped_when_the_user_came_back_to_the_procedure(book: ReminderBook) -> None:
    skipped_id = add_reminder(book)
    other_id = add_reminder(book, procedure="cai-chinh-ho-tich")
    with book.database.session() as session:
        session.add(
            Event(at=NOW - dt.timedelta(hours=1), channel="telegram", user=ALICE, type="card", intent=PROCEDURE)
        )
        session.add(Event(at=NOW + dt.timedelta(days=1), channel="telegram", user=BOB, type="step", intent=PROCEDURE))
        session.add(
            Event(at=NOW + dt.timedelta(days=1), channel="telegram", user=ALICE, type="message", intent=PROCEDURE)
        )
        session.add(
            Event(at=NOW + dt.timedelta(days=2), channel="telegram", user=ALICE, type="guide_started", intent=PROCEDURE)
        )
    outbox = FakeOutbox()

    report = book.send_due(NOW + dt.timedelta(days=3), {"telegram": outbox}, text_of)

    assert (report.skipped, report.sent) == ([skipped_id], [other_id])
    assert [replies[0].text for _, replies in outbox.sent] == ["remember cai-chinh-ho-tich"]
    skipped = stored(book, skipped_id)
    assert (skipped.status, skipped.chat_id) == (ReminderStatus.SKIPPED, "")
    assert EventType.REMINDER_SKIPPED in event_types(book.database)


def test_two_sweeps_never_send_the_same_reminder_twice(database_url: str, book: ReminderBook) -> None:
    ids = [add_reminder(book, days=1) for _ in range(12)]
    due = NOW + dt.timedelta(days=1)
    other = Database(database_url)  # a second process, with connections of its own
    try:
        second = ReminderBook(other, Recorder(other))
        plain = FakeOutbox()
        inner: list[SendReport] = []

        class SweepingOutbox(FakeOutbox):
            """While the first sweep is delivering its first reminder, the other process sweeps."""

            def deliver(self, address: Address, replies: list[Reply]) -> bool:
                if not inner:
                    inner.append(second.send_due(due, {"telegram": plain}, text_of))
                return super().deliver(address, replies)

        first = SweepingOutbox()
        report = book.send_due(due, {"telegram": first}, text_of)
        # The reminder being delivered was claimed, so the other sweep left it alone and took
        # the rest; the first sweep then found those claimed. Each was sent exactly once.
        assert len(report.sent) == 1 and len(inner[0].sent) == 11
        assert set(report.sent) | set(inner[0].sent) == set(ids)
        assert len(first.sent) + len(plain.sent) == 12
        assert book.send_due(due, {"telegram": first}, text_of).sent == []

        more = [add_reminder(book, days=1) for _ in range(12)]
        shared = FakeOutbox()
        start = threading.Barrier(2)

        def sweep(reminders: ReminderBook) -> None:
            start.wait()
            reminders.send_due(due, {"telegram": shared}, text_of)

        threads = [threading.Thread(target=sweep, args=(b,)) for b in (book, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(shared.sent) == len(more)
        assert {stored(book, i).status for i in more} == {ReminderStatus.SENT}
        assert event_types(book.database).count(EventType.REMINDER_SENT) == 24
    finally:
        other.dispose()


@pytest.mark.parametrize("failure", [False, RuntimeError("platform down")])
def test_failed_delivery_is_retried_then_given_up_after_a_day(book: ReminderBook, failure: bool | Exception) -> None:
    reminder_id = add_reminder(book, days=1)
    due = NOW + dt.timedelta(days=1)
    broken = {"telegram": FakeOutbox(failure)}

    assert book.send_due(due, broken, text_of).retrying == [reminder_id]
    assert stored(book, reminder_id).status == ReminderStatus.PENDING
    assert book.send_due(due + dt.timedelta(minutes=1), broken, text_of).retrying == []  # waits before retrying
    assert book.send_due(due + dt.timedelta(minutes=20), broken, text_of).retrying == [reminder_id]
    assert [r.id for r in book.pending(ALICE)] == [reminder_id]

    report = book.send_due(due + dt.timedelta(hours=24, minutes=5), broken, text_of)
    assert report.failed == [reminder_id]
    failed = stored(book, reminder_id)
    assert (failed.status, failed.chat_id) == (ReminderStatus.FAILED, "")
    assert event_types(book.database) == [EventType.UNDELIVERED]
    assert book.send_due(due + dt.timedelta(days=3), {"telegram": FakeOutbox()}, text_of).sent == []


def test_a_channel_without_outbox_is_retried_and_a_recovered_one_delivers(book: ReminderBook) -> None:
    reminder_id = add_reminder(book, days=1)
    due = NOW + dt.timedelta(days=1)
    assert book.send_due(due, {}, text_of).retrying == [reminder_id]
    assert book.send_due(due + dt.timedelta(hours=1), {"telegram": FakeOutbox()}, text_of).sent == [reminder_id]


def test_render_reminder_names_the_procedure_with_its_tracking_and_buttons(catalog: Catalog) -> None:
    entry = catalog.get(PROCEDURE)
    assert entry is not None and entry.tracking is not None
    languages = Languages()
    reminder = Reminder(channel="telegram", user=ALICE, chat_id="1", procedure=PROCEDURE, locale="en", due_at=NOW)

    (reply,) = render_reminder(reminder, catalog, languages)

    assert entry.name.get("en") in reply.text
    assert entry.tracking.get("en") in reply.text
    assert [option.payload for option in reply.options] == [f"open:{PROCEDURE}", "nav:menu"]
    reminder.locale = "vi"
    assert entry.name.vi in render_reminder(reminder, catalog, languages)[0].text
    reminder.procedure = "no-such-entry"
    assert "no-such-entry" in render_reminder(reminder, catalog, languages)[0].text


# -- the scheduler -------------------------------------------------------------------------


class Calls:
    """A job set that records the time each job was called with."""

    def __init__(self) -> None:
        self.calls: dict[str, list[dt.datetime]] = {REMINDERS: [], PURGE: [], DIGEST: []}

    def jobs(self) -> JobSet:
        return JobSet(
            reminders=self.calls[REMINDERS].append,
            purge=self.calls[PURGE].append,
            digest=self.calls[DIGEST].append,
        )


def test_jobs_survive_a_restart_and_a_missed_digest_runs_once(database: Database, schedulers: list[Scheduler]) -> None:
    first = Scheduler(database, "bot", TZ, Calls().jobs())
    schedulers.append(first)
    assert first.start()  # the real background scheduler
    first.shutdown()
    before = first.next_run_times()

    assert set(before) == {REMINDERS, PURGE, DIGEST}
    digest_at = before[DIGEST]
    assert digest_at is not None
    local = digest_at.astimezone(TZ)
    assert (local.weekday(), local.hour, local.minute) == (0, 8, 0)

    calls = Calls()
    second = Scheduler(database, "bot", TZ, calls.jobs())
    schedulers.append(second)
    assert second.next_run_times() == before  # read back from the store, before any start
    assert second.start(manual=True)
    assert second.next_run_times()[DIGEST] == digest_at  # re-registering keeps the stored times
    assert len(second.next_run_times()) == 3  # several starts never duplicate a job

    now = dt.datetime.now(dt.UTC)
    week_later = now + dt.timedelta(days=7)
    ran = second.run_due(week_later)
    assert ran.count(DIGEST) == 1 and ran.count(REMINDERS) == 1 and ran.count(PURGE) == 1
    assert calls.calls[DIGEST] == [week_later] and calls.calls[REMINDERS] == [week_later]
    assert second.run_due(week_later) == []

    times = second.next_run_times()
    assert times[REMINDERS] is not None and week_later < times[REMINDERS] <= week_later + dt.timedelta(minutes=1)
    # Down for three weeks: two missed digests are coalesced into one run.
    assert second.run_due(week_later + dt.timedelta(days=15)).count(DIGEST) == 1
    assert len(calls.calls[DIGEST]) == 2


def rewind(database_url: str, job_id: str, when: dt.datetime) -> None:
    """Leave a job as a process that was down since ``when`` would: its next run in the past."""
    store = SQLAlchemyJobStore(url=database_url)
    job = store.lookup_job(job_id)
    state = job.__getstate__()
    state["next_run_time"] = when
    job.__setstate__(state)
    store.update_job(job)
    store.shutdown()


def test_a_run_missed_while_down_is_kept_and_runs_once(
    database_url: str, database: Database, schedulers: list[Scheduler]
) -> None:
    first = Scheduler(database, "bot", TZ, Calls().jobs())
    schedulers.append(first)
    first.start(manual=True)
    first.shutdown()
    now = dt.datetime.now(dt.UTC)
    missed = now - dt.timedelta(days=3)
    rewind(database_url, DIGEST, missed)

    calls = Calls()
    restarted = Scheduler(database, "bot", TZ, calls.jobs())
    schedulers.append(restarted)
    restarted.start(manual=True)
    assert restarted.next_run_times()[DIGEST] == missed  # not moved on to next Monday
    assert restarted.run_due(now).count(DIGEST) == 1
    assert calls.calls[DIGEST] == [now]
    upcoming = restarted.next_run_times()[DIGEST]
    assert upcoming is not None and now < upcoming <= now + dt.timedelta(days=7)

    # A changed schedule is a new job: its next run follows the new trigger.
    moved = Scheduler(database, "bot", TZ, Calls().jobs(), digest_day="fri", digest_hour=17)
    schedulers.append(moved)
    restarted.shutdown()
    moved.start(manual=True)
    friday = moved.next_run_times()[DIGEST]
    assert friday is not None
    assert (friday.astimezone(TZ).weekday(), friday.astimezone(TZ).hour) == (4, 17)


def test_purge_runs_at_three_local_time_on_the_manual_clock(database: Database, schedulers: list[Scheduler]) -> None:
    calls = Calls()
    scheduler = Scheduler(database, "bot", TZ, calls.jobs())
    schedulers.append(scheduler)
    scheduler.start(manual=True)
    purge_at = scheduler.next_run_times()[PURGE]
    assert purge_at is not None
    assert (purge_at.astimezone(TZ).hour, purge_at.astimezone(TZ).minute) == (3, 0)

    assert PURGE not in scheduler.run_due(purge_at - dt.timedelta(seconds=1))
    assert PURGE in scheduler.run_due(purge_at)
    assert calls.calls[PURGE] == [purge_at]
    assert scheduler.next_run_times()[PURGE] == purge_at + dt.timedelta(days=1)


def test_the_reminder_sweep_runs_through_the_scheduler(
    database: Database, book: ReminderBook, schedulers: list[Scheduler]
) -> None:
    now = dt.datetime.now(dt.UTC)
    row = book.row("telegram", ALICE, "12345", PROCEDURE, "vi", now + dt.timedelta(days=3), now)
    with database.session() as session:
        session.add(row)
    outbox = FakeOutbox()

    def sweep(at: dt.datetime) -> None:
        book.send_due(at, {"telegram": outbox}, text_of)

    scheduler = Scheduler(database, "bot", TZ, JobSet(reminders=sweep, purge=lambda at: None, digest=lambda at: None))
    schedulers.append(scheduler)
    scheduler.start(manual=True)
    assert REMINDERS in scheduler.run_due(now + dt.timedelta(days=2))
    assert outbox.sent == []
    assert REMINDERS in scheduler.run_due(now + dt.timedelta(days=3))
    assert REMINDERS in scheduler.run_due(now + dt.timedelta(days=3, minutes=1))
    assert len(outbox.sent) == 1
    assert book.pending(ALICE) == []


def test_only_one_scheduler_leads_a_database(
    database_url: str, database: Database, schedulers: list[Scheduler]
) -> None:
    other = Database(database_url)  # another bot process
    try:
        leader_calls, follower_calls = Calls(), Calls()
        leader = Scheduler(database, "bot", TZ, leader_calls.jobs())
        follower = Scheduler(other, "bot", TZ, follower_calls.jobs())
        schedulers.extend([leader, follower])

        assert leader.start(manual=True) and leader.is_leader
        assert not follower.start(manual=True) and not follower.is_leader
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        assert follower.run_due(later) == []
        assert not follower.try_lead()

        leader.shutdown()  # the leader stops (or dies): the follower takes over
        assert follower.try_lead() and follower.is_leader
        assert REMINDERS in follower.run_due(later)
        assert follower_calls.calls[REMINDERS] and not leader_calls.calls[REMINDERS]
        follower.shutdown()
    finally:
        other.dispose()


def test_a_job_of_a_scheduler_that_does_not_lead_here_does_nothing() -> None:
    run_job("nobody", REMINDERS, NOW)  # logged, not raised


def test_a_follower_in_the_background_retries_quietly_and_shuts_down_at_once(
    database_url: str, database: Database, schedulers: list[Scheduler]
) -> None:
    other = Database(database_url)
    try:
        leader = Scheduler(database, "bot", TZ, Calls().jobs())
        follower = Scheduler(other, "bot", TZ, Calls().jobs())
        schedulers.extend([leader, follower])
        assert leader.start(manual=True)
        assert not follower.start()  # its leadership retries run on a background thread
        follower.shutdown()  # wakes that thread instead of waiting out its minute
        assert leader.is_leader and not follower.is_leader
    finally:
        other.dispose()

"""Reminders and the scheduler, on a manual clock: nothing here sleeps or waits for real time."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore  # type: ignore[import-untyped]
from sqlalchemy import insert
from sqlmodel import col, select

from bot.clock import ManualClock, SystemClock
from bot.i18n import Languages
from bot.jobs.reminders import ReminderBook, ReminderStatus, SendReport, render_reminder
from bot.jobs.scheduler import DIGEST, PURGE, REMINDERS, JobSet, Scheduler, run_job
from bot.messages import Reply
from bot.storage.database import Database
from bot.storage.events import EventType, Recorder
from bot.storage.outbox import Outbox
from bot.storage.tables import Event, OutboxItem, Reminder
from procedures.catalog import Catalog

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday, 16:30 in Vietnam
ALICE, BOB = "a" * 64, "b" * 64
PROCEDURE = "bhxh-mot-lan"


def queued(database: Database) -> list[tuple[str, str, str]]:
    """The reminders handed to the outbox: (channel, chat id, text), oldest first."""
    with database.reader() as session:
        rows = session.exec(select(OutboxItem).order_by(col(OutboxItem.id))).all()
    return [(row.channel, row.chat_id, json.loads(row.body or "{}").get("text", "")) for row in rows]


def text_of(reminder: Reminder) -> list[Reply]:
    return [Reply(f"remember {reminder.procedure}")]


@pytest.fixture
def book(database: Database) -> ReminderBook:
    recorder = Recorder(database)
    return ReminderBook(database, recorder, Outbox(database, "salt", recorder))


@pytest.fixture
def schedulers() -> Iterator[list[Scheduler]]:
    """Schedulers a test builds; all shut down afterwards, even when the test fails."""
    built: list[Scheduler] = []
    yield built
    for scheduler in built:
        scheduler.shutdown()


def add_reminder(book: ReminderBook, user: str = ALICE, days: int = 3, procedure: str = PROCEDURE) -> int:
    table, row = book.row("telegram", user, "12345", procedure, "vi", NOW + dt.timedelta(days=days), NOW)
    with book.database.session() as session:
        return int(session.execute(insert(table).returning(table.c.id), row).scalar_one())


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
    assert book.send_due(NOW + dt.timedelta(days=4), text_of, "v").sent == []


def test_reminder_due_in_three_days_is_handed_to_the_outbox_once_then_forgets_the_chat(book: ReminderBook) -> None:
    reminder_id = add_reminder(book)

    assert book.send_due(NOW + dt.timedelta(days=2), text_of, "v").sent == []
    assert queued(book.database) == []
    assert book.send_due(NOW + dt.timedelta(days=3), text_of, "v").sent == [reminder_id]
    assert book.send_due(NOW + dt.timedelta(days=3, minutes=1), text_of, "v").sent == []
    assert book.send_due(NOW + dt.timedelta(days=9), text_of, "v").sent == []

    assert queued(book.database) == [("telegram", "12345", f"remember {PROCEDURE}")]
    sent = stored(book, reminder_id)
    assert (sent.status, sent.chat_id) == (ReminderStatus.SENT, ""), "the outbox row holds the chat id now"
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

    report = book.send_due(NOW + dt.timedelta(days=3), text_of, "v")

    assert (report.skipped, report.sent) == ([skipped_id], [other_id])
    assert [text for _, _, text in queued(book.database)] == ["remember cai-chinh-ho-tich"]
    skipped = stored(book, skipped_id)
    assert (skipped.status, skipped.chat_id) == (ReminderStatus.SKIPPED, "")
    assert EventType.REMINDER_SKIPPED in event_types(book.database)


def test_two_sweeps_never_hand_over_the_same_reminder_twice(database_url: str, book: ReminderBook) -> None:
    ids = [add_reminder(book, days=1) for _ in range(24)]
    due = NOW + dt.timedelta(days=1)
    other = Database(database_url)  # a second process, with connections of its own
    try:
        recorder = Recorder(other)
        second = ReminderBook(other, recorder, Outbox(other, "salt", recorder))
        start = threading.Barrier(2)
        reports: list[SendReport] = []

        def sweep(reminders: ReminderBook) -> None:
            start.wait()
            reports.append(reminders.send_due(due, text_of, "v"))

        threads = [threading.Thread(target=sweep, args=(b,)) for b in (book, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        handed = [reminder_id for report in reports for reminder_id in report.sent]
        assert sorted(handed) == ids, "each reminder exactly once, whichever sweep took it"
        assert len(queued(book.database)) == 24
        assert {stored(book, i).status for i in ids} == {ReminderStatus.SENT}
        assert event_types(book.database).count(EventType.REMINDER_SENT) == 24
    finally:
        other.dispose()


def test_render_reminder_names_the_procedure_with_its_tracking_and_buttons(catalog: Catalog) -> None:
    entry = catalog.get(PROCEDURE)
    assert entry is not None and entry.tracking is not None
    languages = Languages()
    reminder = Reminder(
        channel="telegram", user=ALICE, chat_id="1", procedure=PROCEDURE, locale="en", due_at=NOW, created_at=NOW
    )

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
    real = SystemClock()  # the real background scheduler runs on the real clock, so this test does too
    first = Scheduler(database, "bot", TZ, Calls().jobs(), real)
    schedulers.append(first)
    assert first.start()
    first.shutdown()
    before = first.next_run_times()

    assert set(before) == {REMINDERS, PURGE, DIGEST}
    digest_at = before[DIGEST]
    assert digest_at is not None
    local = digest_at.astimezone(TZ)
    assert (local.weekday(), local.hour, local.minute) == (0, 8, 0)

    calls = Calls()
    now = real.now()
    second = Scheduler(database, "bot", TZ, calls.jobs(), ManualClock(now))
    schedulers.append(second)
    assert second.next_run_times() == before  # read back from the store, before any start
    assert second.start(manual=True)
    assert second.next_run_times()[DIGEST] == digest_at  # re-registering keeps the stored times
    assert len(second.next_run_times()) == 3  # several starts never duplicate a job

    week_later = now + dt.timedelta(days=7)
    ran = second.run_due(week_later)
    assert ran.count(DIGEST) == 1 and ran.count(REMINDERS) == 1 and ran.count(PURGE) == 1
    assert calls.calls[DIGEST] == [week_later] and calls.calls[REMINDERS] == [week_later]
    assert second.run_due(week_later) == []

    times = second.next_run_times()
    next_reminders = times[REMINDERS]
    assert next_reminders is not None and week_later < next_reminders <= week_later + dt.timedelta(minutes=1)
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
    first = Scheduler(database, "bot", TZ, Calls().jobs(), ManualClock(NOW))
    schedulers.append(first)
    first.start(manual=True)
    first.shutdown()
    now = NOW
    missed = now - dt.timedelta(days=3)
    rewind(database_url, DIGEST, missed)

    calls = Calls()
    restarted = Scheduler(database, "bot", TZ, calls.jobs(), ManualClock(NOW))
    schedulers.append(restarted)
    restarted.start(manual=True)
    assert restarted.next_run_times()[DIGEST] == missed  # not moved on to next Monday
    assert restarted.run_due(now).count(DIGEST) == 1
    assert calls.calls[DIGEST] == [now]
    upcoming = restarted.next_run_times()[DIGEST]
    assert upcoming is not None and now < upcoming <= now + dt.timedelta(days=7)

    # A changed schedule is a new job: its next run follows the new trigger.
    moved = Scheduler(database, "bot", TZ, Calls().jobs(), ManualClock(NOW), digest_day="fri", digest_hour=17)
    schedulers.append(moved)
    restarted.shutdown()
    moved.start(manual=True)
    friday = moved.next_run_times()[DIGEST]
    assert friday is not None
    assert (friday.astimezone(TZ).weekday(), friday.astimezone(TZ).hour) == (4, 17)


def test_purge_runs_at_three_local_time_on_the_manual_clock(database: Database, schedulers: list[Scheduler]) -> None:
    calls = Calls()
    scheduler = Scheduler(database, "bot", TZ, calls.jobs(), ManualClock(NOW))
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
    now = NOW
    table, row = book.row("telegram", ALICE, "12345", PROCEDURE, "vi", now + dt.timedelta(days=3), now)
    with database.session() as session:
        session.execute(insert(table), row)

    def sweep(at: dt.datetime) -> None:
        book.send_due(at, text_of, "v")

    jobs = JobSet(reminders=sweep, purge=lambda at: None, digest=lambda at: None)
    scheduler = Scheduler(database, "bot", TZ, jobs, ManualClock(NOW))
    schedulers.append(scheduler)
    scheduler.start(manual=True)
    assert REMINDERS in scheduler.run_due(now + dt.timedelta(days=2))
    assert queued(database) == []
    assert REMINDERS in scheduler.run_due(now + dt.timedelta(days=3))
    assert REMINDERS in scheduler.run_due(now + dt.timedelta(days=3, minutes=1))
    assert len(queued(database)) == 1
    assert book.pending(ALICE) == []


def test_only_one_scheduler_leads_a_database(
    database_url: str, database: Database, schedulers: list[Scheduler]
) -> None:
    other = Database(database_url)  # another bot process
    try:
        leader_calls, follower_calls = Calls(), Calls()
        leader = Scheduler(database, "bot", TZ, leader_calls.jobs(), ManualClock(NOW))
        follower = Scheduler(other, "bot", TZ, follower_calls.jobs(), ManualClock(NOW))
        schedulers.extend([leader, follower])

        assert leader.start(manual=True) and leader.is_leader
        assert not follower.start(manual=True) and not follower.is_leader
        later = NOW + dt.timedelta(days=1)
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
        leader = Scheduler(database, "bot", TZ, Calls().jobs(), ManualClock(NOW))
        follower = Scheduler(other, "bot", TZ, Calls().jobs(), ManualClock(NOW))
        schedulers.extend([leader, follower])
        assert leader.start(manual=True)
        assert not follower.start()  # its leadership retries run on a background thread
        follower.shutdown()  # wakes that thread instead of waiting out its minute
        assert leader.is_leader and not follower.is_leader
    finally:
        other.dispose()

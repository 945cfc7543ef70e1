"""Scheduling: the bot's timed jobs, kept in the database and run by one process only.

Three jobs, supplied by the composition root as a :class:`JobSet`: the reminder sweep
(every minute), the purge of old event text (daily, 03:00 local) and the weekly digest
(Monday 08:00 local by default); with the console's live handoff on, a fourth closes every
minute the handoffs whose officer went quiet past the time-out, so the bot answers again.
They run on APScheduler 3's ``BackgroundScheduler`` with a ``SQLAlchemyJobStore`` in the
bot's own database (the ``apscheduler_jobs`` table the migrations create), so a restart loses
nothing: a digest whose time passed while the bot was down runs once at start (``coalesce``
plus a misfire grace longer than a week).

Several bot processes may share one database (webhook workers, a second container during a
deploy), but only one may run the jobs. The process that holds a lock is the *leader*: on
PostgreSQL a session advisory lock held on a dedicated connection, on SQLite an exclusive
``flock`` on ``<database file>.scheduler.lock``. Both vanish with the process, so a crashed
leader never blocks the others, which retry every minute.

Tests drive a scheduler with a manual clock: :meth:`Scheduler.start` with ``manual=True``
registers the jobs but never runs them on its own, and :meth:`Scheduler.run_due` runs what is
due at a given time, advancing next run times with APScheduler's own triggers.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor  # type: ignore[import-untyped]
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore  # type: ignore[import-untyped]
from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]
from apscheduler.schedulers.base import STATE_STOPPED  # type: ignore[import-untyped]
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]

from bot.clock import Clock
from bot.jobs.leadership import lock_for
from bot.storage.database import Database

log = logging.getLogger(__name__)

JOB_TABLE = "apscheduler_jobs"
REMINDERS, PURGE, DIGEST = "reminders", "purge", "digest"  # fixed job ids: restarts replace, never add
HANDOFFS = "handoffs"  # only with the console's live handoff
MISFIRE_GRACE_SECONDS = 8 * 24 * 3600  # longer than the longest period, so a missed digest still runs
LEADER_RETRY = dt.timedelta(minutes=1)

Job = Callable[[dt.datetime], None]


@dataclass(frozen=True)
class JobSet:
    """The work behind each job, each called with the current time."""

    reminders: Job
    purge: Job
    digest: Job
    handoffs: Job | None = None  # the live handoff's time-out sweep; None without the console

    def of(self, job_id: str) -> Job:
        """The callable of a job id."""
        jobs = {REMINDERS: self.reminders, PURGE: self.purge, DIGEST: self.digest}
        if self.handoffs is not None:
            jobs[HANDOFFS] = self.handoffs
        return jobs[job_id]


# APScheduler's persistent store keeps a job as a textual reference ("bot.jobs.scheduler:run_job")
# plus pickled arguments, so it cannot hold the composition root's closures. The stored job
# names its scheduler instead, and the leading Scheduler of that name registers itself here
# while it leads. This is the only module-level state, and only the leader writes to it.
_LEADERS: dict[str, Scheduler] = {}
_LEADERS_GUARD = threading.Lock()


def run_job(scheduler: str, job: str, now: dt.datetime | None = None) -> None:
    """Run one job of the named scheduler (the function APScheduler stores by reference)."""
    with _LEADERS_GUARD:
        leader = _LEADERS.get(scheduler)
    if leader is None:
        log.warning("job %s of scheduler %s fired but that scheduler does not lead here", job, scheduler)
        return
    leader.jobs.of(job)(now or leader.clock.now())


class _SharedEngineJobStore(SQLAlchemyJobStore):  # type: ignore[misc]
    """The SQLAlchemy job store on the bot's engine, which it must not dispose of on shutdown."""

    def shutdown(self) -> None:
        """Leave the engine alone: it belongs to :class:`~bot.storage.database.Database`."""


class _Background(BackgroundScheduler):  # type: ignore[misc]
    """APScheduler's background scheduler, minus a shutdown race.

    APScheduler 3's thread wakes once more on shutdown and, finding the state "stopped" rather
    than "paused", processes due jobs against executors already shut down: each due job is
    then moved on to its next run without having run -- a digest due at that moment would be
    lost. Checking the state under the job stores' lock (which shutdown also takes) closes it.
    """

    def _process_jobs(self) -> float | None:
        with self._jobstores_lock:
            if self.state == STATE_STOPPED:
                return None
            return cast(float | None, super()._process_jobs())


class Scheduler:
    """The bot's jobs on one database, run by whichever process holds the leader lock."""

    def __init__(
        self,
        database: Database,
        name: str,
        timezone: ZoneInfo,
        jobs: JobSet,
        clock: Clock,
        digest_day: str = "mon",
        digest_hour: int = 8,
        purge_hour: int = 3,
        leader_retry: dt.timedelta = LEADER_RETRY,
    ):
        self.database = database
        self.name = name
        self.timezone = timezone
        self.jobs = jobs
        self.clock = clock
        self.leader_retry = leader_retry
        self.triggers: dict[str, Any] = {
            REMINDERS: CronTrigger(minute="*", timezone=timezone),
            PURGE: CronTrigger(hour=purge_hour, minute=0, timezone=timezone),
            DIGEST: CronTrigger(day_of_week=digest_day, hour=digest_hour, minute=0, timezone=timezone),
        }
        if jobs.handoffs is not None:
            self.triggers[HANDOFFS] = CronTrigger(minute="*", timezone=timezone)
        self._lock = lock_for(database)
        self._aps: Any = None  # the BackgroundScheduler, only while this process leads
        self._manual = False
        self._started = False
        self._guard = threading.RLock()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def is_leader(self) -> bool:
        """Whether this process runs the jobs."""
        return self._aps is not None

    def start(self, manual: bool = False) -> bool:
        """Take the lead if no other process has it, and keep trying every minute; returns ``is_leader``.

        ``manual=True`` (tests) registers the jobs but leaves running them to :meth:`run_due`,
        and does not retry leadership in the background (call :meth:`try_lead`).
        """
        with self._guard:
            if self._started:
                return self.is_leader
            self._started, self._manual = True, manual
            self._stopping.clear()
        leader = self.try_lead()
        if not manual:
            self._watcher = threading.Thread(target=self._watch, name=f"scheduler-{self.name}", daemon=True)
            self._watcher.start()
        return leader

    def try_lead(self) -> bool:
        """Become the leader if the lock is free (a no-op when already leading)."""
        with self._guard:
            if not self._started:
                raise RuntimeError("start the scheduler before it can lead")
            if self._aps is not None:
                return True
            if not self._lock.acquire():
                return False
            try:
                self._lead()
            except BaseException:
                self._step_down()
                raise
            log.info("scheduler %s leads: jobs run in this process", self.name)
            return True

    def _lead(self) -> None:
        with _LEADERS_GUARD:
            current = _LEADERS.get(self.name)
            if current is not None and current is not self:
                raise RuntimeError(f"a scheduler named {self.name!r} already leads in this process")
            _LEADERS[self.name] = self
        store = _SharedEngineJobStore(engine=self.database.engine, tablename=JOB_TABLE)
        aps = _Background(
            jobstores={"default": store},
            executors={"default": ThreadPoolExecutor(3)},  # a slow digest must not hold up reminders
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
            timezone=self.timezone,
        )
        aps.start(paused=True)  # the jobs are (re)registered before anything may run
        self._aps = aps
        # First run times come from the injected clock (a test's manual clock, or the real one).
        now = self.clock.now().astimezone(self.timezone)
        for stored in aps.get_jobs():
            if stored.id not in self.triggers:  # a job switched off since (the console's): it would fire into nothing
                aps.remove_job(stored.id)
        for job_id, trigger in self.triggers.items():
            stored = aps.get_job(job_id)
            # Re-adding a job would move its next run to the future and so lose a run missed
            # while the bot was down: an unchanged schedule keeps its stored next run time.
            unchanged = (
                stored is not None and stored.next_run_time is not None and repr(stored.trigger) == repr(trigger)
            )
            aps.add_job(
                run_job,
                trigger=trigger,
                args=(self.name, job_id),
                id=job_id,
                name=f"{self.name}:{job_id}",
                replace_existing=True,
                next_run_time=stored.next_run_time if unchanged else trigger.get_next_fire_time(None, now),
            )
        if not self._manual:
            aps.resume()

    def _step_down(self) -> None:
        """Stop running jobs here and let another process lead."""
        with self._guard:
            aps, self._aps = self._aps, None
            try:
                if aps is not None:
                    aps.shutdown(wait=True)
            finally:
                with _LEADERS_GUARD:
                    if _LEADERS.get(self.name) is self:
                        del _LEADERS[self.name]
                self._lock.release()

    def _watch(self) -> None:
        """Every minute: take the lead if it is free, or step down if the lock was lost."""
        while not self._stopping.wait(self.leader_retry.total_seconds()):
            try:
                if not self.is_leader:
                    self.try_lead()
                elif not self._lock.alive():
                    log.warning("scheduler %s lost its lock (database connection dropped); stepping down", self.name)
                    self._step_down()
            except Exception:
                log.exception("scheduler %s: leadership check failed", self.name)

    def shutdown(self) -> None:
        """Stop the jobs and the leadership retries, and release the lock; jobs stay in the store."""
        self._stopping.set()
        watcher, self._watcher = self._watcher, None
        if watcher is not None and watcher is not threading.current_thread():
            watcher.join()
        with self._guard:
            self._step_down()
            self._started = False

    def next_run_times(self) -> dict[str, dt.datetime | None]:
        """The stored jobs and their next run times (readable by any process, leader or not)."""
        store = _SharedEngineJobStore(engine=self.database.engine, tablename=JOB_TABLE)
        return {job.id: job.next_run_time for job in store.get_all_jobs()}

    def run_due(self, now: dt.datetime) -> list[str]:
        """Manual clock: run every job due at ``now`` once, advance its next run time; return the ids run.

        Runs nothing unless this scheduler leads and was started with ``manual=True`` (with
        the background thread running too, a job could run twice).
        """
        if now.tzinfo is None:
            raise ValueError("run_due needs a timezone-aware time")
        with self._guard:
            if self._aps is None:
                return []
            if not self._manual:
                raise RuntimeError("run_due is for schedulers started with manual=True")
            aps = self._aps
            due = [job for job in aps.get_jobs() if job.next_run_time is not None and job.next_run_time <= now]
            ran: list[str] = []
            for job in sorted(due, key=lambda job: (job.next_run_time, job.id)):
                # The fire times due since the last run, walked as APScheduler does, then
                # coalesced into one run unless the last of them is beyond the grace time.
                fire_times: list[dt.datetime] = []
                next_time = job.next_run_time
                while next_time is not None and next_time <= now:
                    fire_times.append(next_time)
                    next_time = job.trigger.get_next_fire_time(next_time, now)
                runs = fire_times[-1:] if job.coalesce else fire_times
                grace = dt.timedelta(seconds=job.misfire_grace_time or 0)
                for fire_time in runs:
                    if job.misfire_grace_time is not None and now - fire_time > grace:
                        log.warning("job %s missed its run at %s", job.id, fire_time)
                        continue
                    try:
                        job.func(*job.args, **{**job.kwargs, "now": now})
                    except Exception:  # like APScheduler: log it, keep the schedule
                        log.exception("job %s raised", job.id)
                    ran.append(cast(str, job.id))
                if next_time is None:
                    aps.remove_job(job.id)
                else:
                    aps.modify_job(job.id, next_run_time=next_time)
            return ran


__all__ = ["DIGEST", "HANDOFFS", "PURGE", "REMINDERS", "JobSet", "Scheduler", "run_job"]

"""The built bot at run time: what the composition root returns, and how it runs and stops.

:func:`bot.app.build_app` wires the parts; :class:`App` holds them. Nothing starts a thread or a
task until :meth:`App.running` (or the terminal chat) does, so commands such as ``dvcbot stats``
start no background work.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
from collections.abc import AsyncIterator
from concurrent.futures import Executor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.catalog.versions import CatalogStore
from bot.channels.base import Adapter, Gateway
from bot.channels.delivery import Courier, DeliverySettings
from bot.clock import Clock
from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.live import LiveCatalog
from bot.i18n import Languages
from bot.jobs.reminders import ReminderBook, render_reminder
from bot.storage.database import Database
from bot.storage.events import Recorder
from bot.storage.inbox import DEDUPE_PERIOD, Inbox
from bot.storage.outbox import Outbox
from bot.storage.roles import Staff
from intents import Router
from procedures.catalog import Catalog

if TYPE_CHECKING:  # imported by make_scheduler: a terminal chat or a CLI command schedules nothing
    from bot.console.handoff import Handoffs
    from bot.jobs.scheduler import Scheduler

log = logging.getLogger(__name__)
CHECKPOINT_SECONDS = 1.0


@dataclass
class App:
    """Everything a channel needs, built once per process."""

    settings: Settings
    clock: Clock
    database: Database
    store: CatalogStore
    live: LiveCatalog
    engine: Engine
    staff: Staff
    recorder: Recorder
    reminders: ReminderBook
    languages: Languages
    timezone: ZoneInfo
    inbox: Inbox
    outbox: Outbox
    gateway: Gateway
    channels: dict[str, Adapter] = field(default_factory=dict)
    couriers: dict[str, Courier] = field(default_factory=dict)
    routes: list[Any] = field(default_factory=list)  # webhook routes of the channels
    scheduler: Scheduler | None = None
    starters: list[Any] = field(default_factory=list)  # (start, stop) coroutine factories per channel
    background: Executor | None = None  # checks of uploaded files

    @property
    def catalog(self) -> Catalog:
        """The catalog being served now."""
        return self.live.current.catalog

    @property
    def router(self) -> Router:
        """The router of the catalog being served now."""
        return self.live.current.router

    def add_channel(self, adapter: Adapter) -> Courier:
        """Serve ``adapter``'s channel: the gateway accepts its messages, a courier delivers its replies."""
        delivery = DeliverySettings(max_age=dt.timedelta(hours=self.settings.reply_max_age_hours))
        courier = Courier(adapter, self.outbox, self.clock, delivery)
        self.gateway.register(adapter)
        self.gateway.wakers.setdefault(adapter.channel, []).append(courier)
        self.channels[adapter.channel] = adapter
        self.couriers[adapter.channel] = courier
        return courier

    def make_scheduler(self) -> Scheduler:
        """The scheduler of this process: reminder sweep, daily housekeeping, weekly digest, handoff time-out."""
        from bot.jobs.scheduler import JobSet, Scheduler
        from bot.stats.digest import Digest

        digest = Digest(
            database=self.database,
            live=self.live,
            admins=self.settings.admins,
            outbox=self.outbox,
            channels=set(self.channels),
            salt=self.settings.user_salt,
            languages=self.languages,
            timezone=self.timezone,
            stale_days=self.settings.stale_days,
        )
        handoffs = self.expire_handoffs if self.handoffs() is not None else None  # only with the console on
        return Scheduler(
            self.database,
            name=f"dvcbot-{id(self)}",
            timezone=self.timezone,
            jobs=JobSet(reminders=self.send_reminders, purge=self.purge, digest=digest.send, handoffs=handoffs),
            clock=self.clock,
            digest_day=self.settings.digest_day,
            digest_hour=self.settings.digest_hour,
        )

    def send_reminders(self, now: dt.datetime) -> None:
        """The minute job: hand due reminders to the outbox, then nudge the couriers."""
        catalog = self.catalog
        report = self.reminders.send_due(
            now, lambda item: render_reminder(item, catalog, self.languages), catalog.version
        )
        if report.sent:
            for courier in self.couriers.values():
                courier.wake()

    def handoffs(self) -> Handoffs | None:
        """The live handoff's queues, when the console is on (the engine's switchboard)."""
        from bot.console.handoff import Handoffs

        board = self.engine.live_desk.switchboard
        return board if isinstance(board, Handoffs) else None

    def expire_handoffs(self, now: dt.datetime) -> None:
        """The minute job of the live handoff: close what an officer left idle past the time-out.

        A citizen's next message would close it too, but one who waits for the officer never
        writes again: the scheduled sweep tells them the bot is back without their asking.
        """
        board = self.handoffs()
        if board is not None and board.expire(now):
            for courier in self.couriers.values():  # the "the bot is back" notes are in the outbox
                courier.wake()

    def purge(self, now: dt.datetime) -> None:
        """The daily job: drop old message text, expired dedupe keys and delivered replies."""
        removed = self.recorder.purge_text(now - dt.timedelta(days=self.settings.raw_text_days))
        forgotten = self.inbox.prune(now - DEDUPE_PERIOD)
        closed = self.outbox.prune(now - DEDUPE_PERIOD)
        self.database.compact()
        log.info("purged %s texts, %s dedupe keys, %s closed replies", removed, forgotten, closed)

    def web_app(self) -> Any:
        """The ASGI application: the channels' webhook routes and ``/healthz``."""
        from bot.web.server import make_web_app

        return make_web_app(self.routes)

    @asynccontextmanager
    async def running(self, serve_web: bool = True, background: bool = True) -> AsyncIterator[App]:
        """Run the gateway, the couriers and the channels (and the web server, the scheduler)."""
        self.database.claim()
        tasks = [asyncio.create_task(self.gateway.run(), name="gateway")]
        tasks += [asyncio.create_task(c.run(), name=f"courier-{name}") for name, c in self.couriers.items()]
        if not self.database.is_postgres:
            tasks.append(asyncio.create_task(self._checkpoints(), name="checkpoints"))
        started = []
        server = None
        try:
            for start, stop in self.starters:
                await start()
                started.append(stop)
            if serve_web and self.routes:
                from bot.web.server import Server

                server = Server(
                    self.web_app(), self.settings.web_host, self.settings.web_port, self.settings.web_trusted_proxies
                )
                await server.start()
            if background:
                self.live.start()
                self.scheduler = self.make_scheduler()
                self.scheduler.start()
            # The catalog and router are a few hundred thousand long-lived objects: a full
            # garbage collection scanning them stalls every request for ~80 ms. Frozen, they
            # are left out of the scans (reference counting still frees them).
            gc.freeze()
            yield self
        finally:
            if server is not None:
                await server.stop()
            for stop in reversed(started):
                await stop()
            self.gateway.stop()
            for courier in self.couriers.values():
                courier.stop()
            for task in tasks:
                if task.get_name() == "checkpoints":
                    task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _checkpoints(self) -> None:
        """SQLite: fold the log into the file every second, off the message path."""
        while True:
            await asyncio.sleep(CHECKPOINT_SECONDS)
            try:
                await asyncio.to_thread(self.database.checkpoint)
            except Exception:  # a busy moment: the next one will do
                log.debug("checkpoint skipped", exc_info=True)

    def close(self) -> None:
        """Stop background work and release database connections."""
        if self.scheduler is not None:
            self.scheduler.shutdown()
            self.scheduler = None
        self.live.stop()
        if self.background is not None:
            self.background.shutdown(wait=True, cancel_futures=False)
        self.database.dispose()


__all__ = ["App"]

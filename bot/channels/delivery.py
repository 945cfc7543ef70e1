"""Couriers: take replies from the outbox and deliver them through a channel adapter.

One courier per running channel and process. It claims the heads of chats (so each chat
gets its replies in order), asks the outbox for a grant before each send (so the channel's
caps hold across processes), hands the parcel to the adapter, and records the outcome:
delivered; retried with back-off after an error, a time-out or "too many requests"; or
dropped with an ``undelivered`` event when rejected for good or older than ``max_age``.
Waiting replies survive a restart: they are rows, not tasks.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from bot.channels.base import Adapter, Delivery, Outcome
from bot.clock import Clock
from bot.storage.outbox import Outbox, Parcel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliverySettings:
    """How persistent and how parallel a courier is."""

    max_age: dt.timedelta = dt.timedelta(hours=24)  # an older reply is dropped, not sent
    lease: dt.timedelta = dt.timedelta(seconds=60)  # a claim not settled by then is claimable again
    send_timeout: float = 30.0  # one platform call
    first_backoff: float = 1.0  # seconds; doubles per attempt ...
    max_backoff: float = 300.0  # ... up to this
    concurrency: int = 8  # sends in flight at once (different chats)
    poll: float = 0.5  # seconds between looks at the outbox when nothing wakes the courier

    def backoff(self, attempts: int) -> float:
        """Seconds before the next try after ``attempts`` failed ones."""
        return float(min(self.max_backoff, self.first_backoff * 2 ** max(0, attempts)))


class Courier:
    """Delivers one channel's outbox."""

    def __init__(self, adapter: Adapter, outbox: Outbox, clock: Clock, settings: DeliverySettings):
        self.adapter = adapter
        self.outbox = outbox
        self.clock = clock
        self.settings = settings
        self.channel = adapter.channel
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._stopping = False
        self._paused_until = 0.0  # monotonic: the platform asked the whole channel to wait
        self._flight: set[asyncio.Task[None]] = set()
        self._recovered = False
        self._next_try = float("inf")  # monotonic: the earliest send put back for a cap

    # -- waking -----------------------------------------------------------------------------

    def wake(self) -> None:
        """New replies were written (thread-safe)."""
        loop, event = self._loop, self._wake
        if loop is not None and event is not None and not loop.is_closed():
            loop.call_soon_threadsafe(event.set)

    def stop(self) -> None:
        """Stop after the sends in flight."""
        self._stopping = True
        self.wake()

    # -- the loop ---------------------------------------------------------------------------

    async def run(self) -> None:
        """Deliver until :meth:`stop`."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        await self._recover()
        while not self._stopping:
            self._wake.clear()
            sent = await self.round()
            if not sent:
                await self._idle()
        await self.drain()

    async def _recover(self) -> None:
        """On SQLite this process is the only one: a lease left by a crash is ours to take back now."""
        if not self._recovered and not self.outbox.database.is_postgres:
            await asyncio.to_thread(self.outbox.release_leases, self.channel)
        self._recovered = True

    async def round(self, chat_key: str | None = None) -> int:
        """Claim what is deliverable now and start sending it; returns how many were started."""
        free = self.settings.concurrency - len(self._flight)
        if free <= 0:
            await asyncio.wait(set(self._flight), return_when=asyncio.FIRST_COMPLETED)
            return 1
        if self._paused_until > self.clock.monotonic():
            return 0  # the channel is at its cap, or the platform asked us to wait
        now = self.clock.now()
        parcels = await asyncio.to_thread(self.outbox.claim, self.channel, now, free, self.settings.lease, chat_key)
        started = 0
        for parcel in parcels:
            if now - parcel.created_at > self.settings.max_age:
                await asyncio.to_thread(self.outbox.drop, parcel, now, "expired")
                continue
            if self._paused_until > self.clock.monotonic():
                await asyncio.to_thread(self.outbox.later, parcel, now, False)  # back in line, unchanged
                continue
            if not await self._granted(parcel):
                continue
            task = asyncio.create_task(self._send(parcel))
            self._flight.add(task)
            task.add_done_callback(self._flight.discard)
            started += 1
        return started or len(parcels)

    async def _granted(self, parcel: Parcel) -> bool:
        """Ask the outbox for a send; over a cap, the parcel is put back until it may go."""
        limits = self.adapter.limits
        if parcel.reply is None or not limits.capped:
            return True  # receipts are not messages; unlimited channels need no log
        now = self.clock.now()
        wait, whole_channel = await asyncio.to_thread(self.outbox.grant, parcel, now, limits)
        if wait <= 0:
            return True
        await asyncio.to_thread(self.outbox.later, parcel, now + dt.timedelta(seconds=wait), False)
        self._next_try = min(self._next_try, self.clock.monotonic() + wait)
        if whole_channel:  # the rest of this batch would be refused too
            self._paused_until = max(self._paused_until, self.clock.monotonic() + wait)
        return False

    async def _send(self, parcel: Parcel) -> None:
        try:
            result = await asyncio.wait_for(self.adapter.deliver(parcel), self.settings.send_timeout)
        except TimeoutError:
            result = Delivery(Outcome.RETRY, "timeout")
        except Exception as exc:  # an adapter bug or an unexpected platform answer: retry, keep going
            log.exception("%s: delivery of reply %s raised", self.channel, parcel.id)
            result = Delivery(Outcome.RETRY, type(exc).__name__)
        await asyncio.to_thread(self.settle, parcel, result)
        self.wake()  # the chat's next reply may go now

    def settle(self, parcel: Parcel, result: Delivery) -> None:
        """Record what became of a parcel (blocking)."""
        now = self.clock.now()
        if result.outcome is Outcome.DELIVERED:
            self.outbox.delivered(parcel, now)
        elif result.outcome is Outcome.REJECTED:
            log.warning("%s: reply %s rejected for good (%s)", self.channel, parcel.id, result.reason)
            self.outbox.drop(parcel, now, result.reason or "rejected")
        else:
            after = result.retry_after if result.retry_after is not None else self.settings.backoff(parcel.attempts)
            if result.whole_channel:
                self._paused_until = self.clock.monotonic() + after
            log.info("%s: reply %s retried in %.1fs (%s)", self.channel, parcel.id, after, result.reason)
            self.outbox.later(parcel, now + dt.timedelta(seconds=after))

    async def _idle(self) -> None:
        """Wait for new replies, the end of a pause or a deferred send, or the next poll."""
        assert self._wake is not None
        soonest = min(self._next_try, self._paused_until) - self.clock.monotonic()
        timeout = self.settings.poll if soonest <= 0 else min(self.settings.poll, soonest)
        self._next_try = float("inf")
        try:
            await asyncio.wait_for(self._wake.wait(), max(0.001, timeout))
        except TimeoutError:
            pass

    async def drain(self) -> None:
        """Wait for the sends in flight."""
        while self._flight:
            await asyncio.gather(*list(self._flight), return_exceptions=True)

    async def flush(self, chat_key: str | None = None) -> None:
        """Deliver everything deliverable now (a terminal turn, tests), then return."""
        await self._recover()
        while await self.round(chat_key):
            await self.drain()
        await self.drain()


__all__ = ["Courier", "DeliverySettings"]

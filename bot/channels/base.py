"""The channel contract: what every channel shares, written once.

An adapter (Telegram, Zalo, the terminal, the web chat) does two things only: it turns a
platform update into an :class:`~bot.messages.Inbound`, and it delivers one outbox
:class:`~bot.storage.outbox.Parcel` and says how that went (:class:`Delivery`). Everything between
lives here, the same for every channel (the types they exchange are in
:mod:`bot.channels.contract`, re-exported here)::

    adapter.parse ──Inbound──▶ Gateway.accept: scrub text · flood pace · store in the inbox
                                (the platform is answered now: the message is durable)
                   Gateway.process (per conversation, in order, one transaction):
                                engine.respond · state · events · replies into the outbox
                   Courier (bot.channels.delivery): outbox ──▶ adapter.deliver, in order per chat,
                                at the channel's send caps, retried with back-off

A message is refused at the door only when it is malformed (the adapter answers 400), when
the inbox backlog passes its bound (503 with Retry-After: the platform sends it again later)
or when its sender is far over their pace (they are told once).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert

from bot.channels.contract import (
    DELIVERED,
    MAX_ID_CHARS,
    MAX_PAYLOAD_CHARS,
    Acceptance,
    Adapter,
    Delivery,
    Outcome,
    Waker,
    http_answer,
    scrub_inbound,
    split_reply,
)
from bot.channels.flood import FloodControl
from bot.clock import Clock
from bot.conversation.engine import Engine
from bot.faults import Faults
from bot.messages import Inbound, Reply, scrub
from bot.storage.events import EventType, PendingEvent, Stamp
from bot.storage.inbox import Inbox, Waiting
from bot.storage.outbox import Outbox

log = logging.getLogger(__name__)

MAX_BATCH = 500  # inbox rows written in one group commit
BACKLOG_EVERY = 0.5  # seconds between counts of the inbox backlog (the 503 bound)
HELD_PAUSE = 0.1  # seconds to wait when every waiting conversation is held back


@dataclass(frozen=True)
class GatewaySettings:
    """The gateway's bounds (from :class:`bot.config.Settings`)."""

    backlog_limit: int = 10_000  # inbox rows waiting before webhooks answer 503
    retry_after: int = 5  # seconds a refused platform is asked to wait
    max_text_chars: int = 2000  # what the engine reads; 4x this is stored
    outbox_high_water: int = 300  # a channel's undelivered replies before processing waits for it
    conversation_high_water: int = 10  # one conversation's undelivered replies before it waits
    workers: int = 1  # conversations processed at once (more only helps on PostgreSQL)


class Gateway:
    """Accepts, stores, processes and hands replies to the couriers, for every channel."""

    def __init__(
        self,
        engine: Engine,
        inbox: Inbox,
        outbox: Outbox,
        clock: Clock,
        flood: FloodControl,
        wakers: dict[str, list[Waker]],
        settings: GatewaySettings,
        faults: Faults,
    ):
        self.engine = engine
        self.inbox = inbox
        self.outbox = outbox
        self.clock = clock
        self.flood = flood
        self.settings = settings
        self.faults = faults
        self.adapters: dict[str, Adapter] = {}
        self.wakers = wakers  # each channel's courier (the composition root adds them)
        self._backlog = 0
        self._since_count = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._work: asyncio.Event | None = None
        self._stopping = False
        self._batch: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    def register(self, adapter: Adapter) -> None:
        """Serve a channel (the composition root does this for each configured one)."""
        self.adapters[adapter.channel] = adapter

    def version(self) -> str:
        """The catalog version served now (adapters stamp buttons with it)."""
        return self.engine.live.current.catalog.version

    # -- the door ------------------------------------------------------------------------------

    def _admit(self, inbound: Inbound) -> tuple[Acceptance, dict[str, Any] | None]:
        """Scrub and pace a message: its verdict, and the inbox row to store when accepted."""
        adapter = self.adapters.get(inbound.address.channel)
        cleaned = scrub_inbound(inbound, 4 * self.settings.max_text_chars)
        if cleaned is None:
            return Acceptance.INVALID, None
        if self._backlog + self._since_count >= self.settings.backlog_limit:
            return Acceptance.OVERLOADED, None
        conversation = self.engine.user_key(cleaned.address)
        delay = 0.0
        if adapter is None or adapter.paced:
            admission = self.flood.admit(conversation, self.clock.monotonic())
            if not admission.accepted:
                self._refuse(cleaned, conversation, admission.notify)
                return Acceptance.REFUSED, None
            delay = admission.delay
        self._since_count += 1
        return Acceptance.ACCEPTED, self.inbox.row(
            cleaned, conversation, cleaned.received_at + dt.timedelta(seconds=delay)
        )

    def accept(self, inbound: Inbound) -> Acceptance:
        """Check, pace and store one message (blocking: run it off the event loop)."""
        verdict, row = self._admit(inbound)
        if row is None:
            return verdict
        if not self.inbox.add([row]):
            return Acceptance.DUPLICATE
        self._wake()
        return verdict

    async def submit(self, inbound: Inbound) -> Acceptance:
        """Check, pace and store one message from the event loop; returns once it is durable.

        Messages arriving together are written in one transaction (a group commit): under a
        burst each webhook still waits for its own message to be stored, but the database
        sees one commit per batch instead of one per request.
        """
        if inbound.document is not None or inbound.address.channel not in self.adapters:
            return await asyncio.to_thread(self.accept, inbound)
        verdict, row = self._admit(inbound)
        if row is None:
            return verdict
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._batch.append((row, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_batches())
        await future
        return verdict

    async def _write_batches(self) -> None:
        """Store what :meth:`submit` collected, batch after batch, until nothing is waiting."""
        while self._batch:
            batch, self._batch = self._batch[:MAX_BATCH], self._batch[MAX_BATCH:]
            try:
                await asyncio.to_thread(self.inbox.add, [row for row, _ in batch])
            except Exception as exc:  # the platform must hear it failed, so it sends the update again
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for _, future in batch:
                if not future.done():
                    future.set_result(None)
            self._wake()

    def _refuse(self, inbound: Inbound, conversation: str, notify: bool) -> None:
        now = self.clock.now()
        flooded = [PendingEvent(EventType.FLOODED)]
        self.engine.recorder.record(Stamp(inbound.address.channel, conversation, now, site=inbound.site), flooded)
        if notify:
            tr = self.engine.languages.get(self.engine.store.peek(conversation).locale)
            text = tr.gettext(
                "You are sending messages faster than I can answer. I will answer the ones I have; "
                "please wait a little, then send the rest again."
            )
            self.outbox.enqueue(inbound.address, [Reply(text)], conversation, self.version(), now)
            self.wake_courier(inbound.address.channel)

    # -- processing ----------------------------------------------------------------------------

    def process(self, conversation: str) -> bool:
        """Handle the conversation's oldest ready message, if any (blocking); True when one was.

        A message whose handling raises is set aside with an apology instead of being retried
        for ever: one broken message must not stall its sender's conversation.
        """
        try:
            return self._process(conversation)
        except Exception:
            log.exception("handling a message failed; it is set aside")
            return self._set_aside(conversation)

    def _set_aside(self, conversation: str) -> bool:
        now = self.clock.now()
        with self.engine.store.database.session() as session:
            taken = self.inbox.take(session, conversation, now)
            if taken is None:
                return False
            row_id, inbound = taken
            session.execute(*self.inbox.failed(row_id))
            tr = self.engine.languages.get(inbound.locale_hint)
            text = tr.gettext('Sorry, something went wrong with that message. Please try again, or type "menu".')
            rows = self.outbox.rows(inbound.address, [Reply(text)], conversation, self.version(), now)
            session.execute(insert(self.outbox.table), rows)
            stamp = Stamp(inbound.address.channel, conversation, now, site=inbound.site)
            self.engine.recorder.write(session, stamp, [PendingEvent(EventType.ERROR)])
        self.wake_courier(inbound.address.channel)
        return True

    def _process(self, conversation: str) -> bool:
        now = self.clock.now()
        snap = self.engine.live.current
        with self.engine.store.open(conversation, "", now, take=self.inbox.ready(now)) as unit:
            if unit.taken is None:
                unit.skip = True  # nothing to do: leave the state as it is
                return False
            row_id, inbound = self.inbox.read(unit.taken)
            unit.channel = inbound.address.channel
            adapter = self.adapters.get(inbound.address.channel)
            replies = self.engine.respond(unit, inbound, conversation, snap)
            if adapter is not None:
                replies = [part for reply in replies for part in split_reply(reply, adapter.max_text)]
            unit.insert(
                self.outbox.table,
                self.outbox.rows(
                    inbound.address, replies, conversation, snap.catalog.version, now, inbound.receipt, inbound.notice
                ),
            )
            if not self.engine.store.database.is_postgres:
                unit.statements.append(self.inbox.done(row_id))  # PostgreSQL closed it when taking it
        self.faults.hit("after-commit")
        self._since_count = max(0, self._since_count - 1)
        self.wake_courier(inbound.address.channel)
        return True

    def _full(self) -> set[str]:
        """Channels whose undelivered replies passed the high-water mark (blocking).

        Writing replies far ahead of what a channel may send helps nobody (they would wait in
        the outbox, and a burst would take the processor from the webhooks), so such a
        channel's messages wait until its replies drain.
        """
        capped = [channel for channel, adapter in self.adapters.items() if adapter.limits.capped]
        return {channel for channel in capped if self.outbox.backlog(channel) >= self.settings.outbox_high_water}

    def _held(self, waiting: list[Waiting]) -> set[str]:
        """Conversations with many undelivered replies of their own (a flooding sender) wait too."""
        counts = self.outbox.waiting([item.conversation for item in waiting])
        return {key for key, count in counts.items() if count >= self.settings.conversation_high_water}

    async def run(self) -> None:
        """Process stored messages until :meth:`stop`: round robin over conversations, oldest first."""
        self._loop = asyncio.get_running_loop()
        self._work = asyncio.Event()
        semaphore = asyncio.Semaphore(max(1, self.settings.workers))
        counted = -1.0
        while not self._stopping:
            self._work.clear()
            if self._loop.time() - counted > BACKLOG_EVERY:  # a count over a long backlog is not free
                self._backlog, self._since_count, counted = (
                    await asyncio.to_thread(self.inbox.backlog),
                    0,
                    self._loop.time(),
                )
            full = await asyncio.to_thread(self._full)
            if full and full >= set(self.adapters):
                await asyncio.sleep(HELD_PAUSE)  # replies must drain first: new messages change nothing
                continue
            waiting = await asyncio.to_thread(self.inbox.waiting, self.clock.now(), 64, full)
            held = await asyncio.to_thread(self._held, waiting) if waiting else set()
            ready = [item.conversation for item in waiting if item.conversation not in held]
            if ready:
                await asyncio.gather(*(self._process_one(semaphore, key) for key in ready))
            elif waiting or full:
                await asyncio.sleep(HELD_PAUSE)
            else:
                await self._idle()

    async def _process_one(self, semaphore: asyncio.Semaphore, conversation: str) -> None:
        async with semaphore:
            try:
                await asyncio.to_thread(self.process, conversation)
            except Exception:  # one broken message must not stop everyone else's
                log.exception("processing a message failed")
                await asyncio.sleep(0.1)

    async def _idle(self) -> None:
        """Sleep until new work, the next delayed message, or a short poll (other processes)."""
        due = await asyncio.to_thread(self.inbox.next_due)
        timeout = 0.5
        if due is not None:
            timeout = min(timeout, max(0.01, (due - self.clock.now()).total_seconds()))
        assert self._work is not None
        try:
            await asyncio.wait_for(self._work.wait(), timeout)
        except TimeoutError:
            pass

    def stop(self) -> None:
        """Stop the processing loop after the message in hand."""
        self._stopping = True
        self._wake()

    def _wake(self) -> None:
        loop, work = self._loop, self._work
        if loop is not None and work is not None and not work.is_set() and not loop.is_closed():
            loop.call_soon_threadsafe(work.set)

    def wake_courier(self, channel: str) -> None:
        """Nudge the couriers of ``channel``: replies were written (thread-safe)."""
        for waker in self.wakers.get(channel, []):
            waker.wake()


__all__ = [
    "Acceptance",
    "Adapter",
    "DELIVERED",
    "Delivery",
    "Gateway",
    "GatewaySettings",
    "Outcome",
    "http_answer",
    "scrub",
    "scrub_inbound",
    "split_reply",
    "MAX_ID_CHARS",
    "MAX_PAYLOAD_CHARS",
    "Waker",
]

"""The web chat channel: the bot on a web page (``/chat``) or inside a portal (``/widget.js``).

The page is the platform. Its messages reach the gateway like any webhook's (the routes are in
:mod:`bot.web.chat`); the replies leave through the outbox and this channel's courier like any
other channel's, with one difference: a web page has no API that says "accepted". A reply is
pushed to the page's open event stream with the outbox row id as its event id, and counts as
delivered only when the page acknowledges that id::

    courier ──deliver(parcel)──▶ every open stream of the chat: "id: 42, data: {reply}"
                                   page renders it ──POST ack 42──▶ delivered
    no stream open, or no ack in time ──▶ retry (the row stays pending, in order)
    the page reconnects (Last-Event-ID) ──▶ its pending replies are due now and sent again

The page drops an event id it has already shown, so a reply sent twice (an ack lost with the
connection) is shown once. Streams live in this process: with several bot processes a page's
stream is in one of them, and another process's courier retries until that one delivers.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, update

from bot.channels.base import Gateway
from bot.channels.contract import DELIVERED, Delivery, Outcome
from bot.clock import Clock
from bot.conversation.actions import CMD_START, LANG_EN, LANG_VI, NAV_MENU
from bot.messages import Address, Inbound, reply_to_json
from bot.storage.outbox import PENDING, Outbox, Parcel, SendLimits

CHANNEL = "web"
MAX_TEXT = 4000  # a page has no platform cap; long replies are still split for reading
ACK_WAIT = 15.0  # seconds a pushed reply waits for the page's acknowledgement
OFFLINE_RETRY_CAP = 30.0  # seconds between tries for a chat with no page open (grows to this)
# The fixed payloads the page sends (spelled as bot.conversation.actions spells them).
START = CMD_START  # the page opened for the first time
MENU = NAV_MENU  # a button from an older catalog version
LANGUAGES = {"vi": LANG_VI, "en": LANG_EN}  # the language switch
# The site of a message from the bot's own page (same origin, or no Origin header): statistics
# count web conversations per site, and an origin always has a scheme, so this cannot clash.
OWN_PAGE = "/chat"


@dataclass
class Stream:
    """One open event stream (or one waiting poll) of a page."""

    chat_key: str
    # Unbounded, yet small: the courier sends a chat's next reply only after the page
    # acknowledged the one before, so a stream holds at most one event at a time.
    events: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)


def event_of(parcel: Parcel) -> dict[str, Any]:
    """The event a page receives for one reply: its id, the catalog version and the reply."""
    assert parcel.reply is not None
    return {"id": parcel.id, "version": parcel.version, "reply": reply_to_json(parcel.reply)}


def encode_event(event: dict[str, Any]) -> str:
    """One server-sent event (``id`` is what the browser sends back as ``Last-Event-ID``)."""
    data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    return f"id: {event['id']}\ndata: {data}\n\n"


class WebChannel:
    """The web chat's adapter: pages' messages in, replies out through their event streams."""

    channel = CHANNEL
    max_text = MAX_TEXT
    paced = True  # flood control per conversation token, like every public channel

    def __init__(self, gateway: Gateway, outbox: Outbox, clock: Clock):
        self.gateway = gateway
        self.outbox = outbox
        self.clock = clock
        self.limits = SendLimits.unlimited()  # our own server: no platform cap to respect
        self.streams: dict[str, list[Stream]] = defaultdict(list)
        # Replies pushed and not yet acknowledged: event id → (chat, the event, its acknowledgement).
        self.acks: dict[int, tuple[str, dict[str, Any], asyncio.Future[None]]] = {}

    @staticmethod
    def encode(event: dict[str, Any]) -> str:
        """One event as the stream sends it (see :func:`encode_event`)."""
        return encode_event(event)

    # -- inbound -----------------------------------------------------------------------------

    def chat_key(self, conversation: str) -> str:
        """The salted key the outbox knows a page's chat by."""
        return self.outbox.chat_key(CHANNEL, conversation)

    def inbound(
        self, conversation: str, message: dict[str, Any], locale: str | None, site: str = OWN_PAGE
    ) -> Inbound | None:
        """The engine input for one message a page posted, or None when it carries nothing.

        ``message`` is the page's JSON: ``id`` (the page's own message id: a resent request is
        stored once), then ``text``, or ``payload`` with the catalog ``version`` of its button,
        or ``start``, or ``lang``. ``site`` is the allowed origin the origin guard checked, or
        :data:`OWN_PAGE` (never a string the request chose: anything else was refused).
        """
        address = Address(CHANNEL, conversation, conversation)
        client_id = message.get("id")
        base: dict[str, Any] = {
            "message_id": f"{conversation[:32]}:{client_id}" if isinstance(client_id, str | int) else None,
            "received_at": self.clock.now(),
            "locale_hint": locale,
            "site": site,
        }
        payload, text = message.get("payload"), message.get("text")
        if isinstance(payload, str) and payload:
            stale = message.get("version") != self.gateway.version()
            return Inbound(address, payload=MENU if stale else payload, **base)
        if isinstance(message.get("lang"), str) and message["lang"] in LANGUAGES:
            return Inbound(address, payload=LANGUAGES[message["lang"]], **base)
        if message.get("start") is True:
            return Inbound(address, payload=START, **base)
        if isinstance(text, str) and text.strip():
            return Inbound(address, text=text, **base)
        return None

    # -- streams -----------------------------------------------------------------------------

    def open(self, conversation: str, last_event_id: int | None) -> Stream:
        """Register a page's stream (in the event loop); what the page already has is acknowledged.

        ``Last-Event-ID`` is the last event the browser received and handed to the page, so
        everything up to it counts as acknowledged; a reply pushed to a stream that broke is
        pushed to this one. Then call :meth:`due_now` for the replies still in the outbox.
        """
        stream = Stream(self.chat_key(conversation))
        self.streams[stream.chat_key].append(stream)
        for event_id, (chat, event, _) in sorted(self.acks.items()):
            if chat != stream.chat_key:
                continue
            if last_event_id is not None and event_id <= last_event_id:
                self.acknowledge(chat, event_id)
            else:  # pushed to a stream that broke before the page showed it: again, at once
                stream.events.put_nowait(event)
        return stream

    def close(self, stream: Stream) -> None:
        """The page's stream ended."""
        streams = self.streams.get(stream.chat_key, [])
        if stream in streams:
            streams.remove(stream)
        if not streams:
            self.streams.pop(stream.chat_key, None)

    def acknowledge(self, chat_key: str, event_id: int) -> bool:
        """The page showed event ``event_id`` of its chat: its delivery is complete."""
        chat, _, future = self.acks.get(event_id, ("", {}, None))
        if future is None or future.done() or chat != chat_key:  # only the chat's own page may ack
            return False
        future.set_result(None)
        return True

    def due_now(self, chat_key: str) -> None:
        """Make the chat's pending replies deliverable now and wake the courier (blocking).

        Replies of a chat without an open page wait out a growing retry; a reconnecting page
        should not wait for it. Rows leased by a courier are left to it.
        """
        now = self.clock.now()
        table = self.outbox.table
        statement = (
            update(table)
            .where(
                and_(table.c.channel == CHANNEL, table.c.chat_key == chat_key, table.c.status == PENDING),
                or_(table.c.lease_until.is_(None), table.c.lease_until < now),
            )
            .values(next_attempt_at=now)
        )
        with self.outbox.database.session() as session:
            session.execute(statement)
        self.gateway.wake_courier(CHANNEL)

    # -- delivery ----------------------------------------------------------------------------

    async def deliver(self, parcel: Parcel) -> Delivery:
        """Push one reply to the chat's open pages and wait for one of them to acknowledge it."""
        if parcel.reply is None:
            return DELIVERED  # the web page has no receipt to give (Telegram's button spinner)
        streams = list(self.streams.get(parcel.chat_key, []))
        if not streams:
            return Delivery(Outcome.RETRY, "no page open", retry_after=min(OFFLINE_RETRY_CAP, 1.0 + parcel.attempts))
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        event = event_of(parcel)
        self.acks[parcel.id] = (parcel.chat_key, event, future)
        try:
            for stream in streams:  # the same chat open in two tabs: both show it
                stream.events.put_nowait(event)
            await asyncio.wait_for(asyncio.shield(future), ACK_WAIT)
            return DELIVERED
        except TimeoutError:
            return Delivery(Outcome.RETRY, "not acknowledged", retry_after=2.0)
        finally:
            self.acks.pop(parcel.id, None)


__all__ = ["CHANNEL", "LANGUAGES", "OWN_PAGE", "Stream", "WebChannel", "encode_event", "event_of"]

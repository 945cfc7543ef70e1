"""What an adapter and the gateway say to each other: delivery reports, verdicts, safe inbound.

An adapter delivers one outbox parcel and reports a :class:`Delivery`; the gateway answers an
inbound message with an :class:`Acceptance`, which a webhook turns into HTTP
(:func:`http_answer`). :func:`scrub_inbound` and :func:`split_reply` are the two
transformations every channel's messages go through, written once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from bot.messages import Address, Attachment, Inbound, Reply, scrub, split_text
from bot.storage.outbox import Parcel, SendLimits

if TYPE_CHECKING:  # the web framework is imported by the webhook channels, not by the terminal chat
    from starlette.responses import Response

MAX_ID_CHARS = 128  # platform ids longer than this are not real ids
MAX_PAYLOAD_CHARS = 256
MAX_SITE_CHARS = 255  # an embedding origin (scheme://host:port); the events column holds this much


class Outcome(StrEnum):
    """What became of one delivery."""

    DELIVERED = "delivered"  # the platform accepted it
    RETRY = "retry"  # a time-out, a network error, "too many requests": try again later
    REJECTED = "rejected"  # refused for good (bot blocked, outside Zalo's reply window)


@dataclass(frozen=True)
class Delivery:
    """An adapter's report on one parcel."""

    outcome: Outcome
    reason: str = ""
    retry_after: float | None = None  # seconds the platform asked us to wait
    whole_channel: bool = False  # the wait applies to every send of the channel (Telegram's 429)


DELIVERED = Delivery(Outcome.DELIVERED)


class Adapter(Protocol):
    """A platform: its name, its caps, and how to deliver one outbox parcel."""

    channel: str
    limits: SendLimits
    max_text: int  # the platform's message length; longer replies are split before storing
    paced: bool  # whether flood control applies (not for the local terminal)

    async def deliver(self, parcel: Parcel) -> Delivery:
        """Send one parcel (a receipt for the user's action, or one reply)."""
        ...


class Waker(Protocol):
    """Something to nudge when replies were written (a channel's courier)."""

    def wake(self) -> None:
        """New replies may be deliverable now (thread-safe)."""
        ...


class Acceptance(StrEnum):
    """The gateway's answer to an inbound message, which the adapter turns into HTTP."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"  # seen before: answered once already (HTTP 200)
    REFUSED = "refused"  # the sender is far over their pace (HTTP 200: retrying would not help)
    OVERLOADED = "overloaded"  # the backlog passed its bound (HTTP 503 + Retry-After)
    INVALID = "invalid"  # malformed (HTTP 400)


def http_answer(result: Acceptance, retry_after: int) -> Response:
    """A webhook's HTTP answer for the gateway's verdict (Telegram and Zalo retry on 5xx)."""
    from starlette.responses import PlainTextResponse  # already imported by the webhook channel calling this

    if result is Acceptance.OVERLOADED:
        return PlainTextResponse("busy", status_code=503, headers={"Retry-After": str(retry_after)})
    if result is Acceptance.INVALID:
        return PlainTextResponse("bad request", status_code=400)
    return PlainTextResponse("ok")


def scrub_inbound(inbound: Inbound, max_text: int) -> Inbound | None:
    """The message with every string made safe, or None when its ids are not plausible."""
    address = inbound.address
    ids = [scrub(part, 10 * MAX_ID_CHARS) for part in (address.channel, address.user_id, address.chat_id)]
    if not ids[1].strip() or any(len(part) > MAX_ID_CHARS for part in ids):
        return None
    document = inbound.document
    if document is not None:
        document = Attachment(scrub(document.name, 255), document.content, scrub(document.mime, 100))

    def optional(value: str | None, limit: int) -> str | None:
        return None if value is None else scrub(value, limit)

    return replace(
        inbound,
        address=Address(ids[0], ids[1], ids[2]),
        text=scrub(inbound.text or "", max_text),
        payload=optional(inbound.payload, MAX_PAYLOAD_CHARS),
        locale_hint=optional(inbound.locale_hint, 16),
        message_id=optional(inbound.message_id, 200),
        receipt=optional(inbound.receipt, 200),
        notice=optional(inbound.notice, 200),
        site=optional(inbound.site, MAX_SITE_CHARS),
        document=document,
    )


def split_reply(reply: Reply, limit: int) -> list[Reply]:
    """One reply per platform message: text over ``limit`` split on lines, options on the last."""
    if reply.image is not None or len(reply.text) <= limit:
        return [reply]
    chunks = split_text(reply.text, limit)
    head = [Reply(chunk, kind=reply.kind) for chunk in chunks[:-1]]
    return [*head, replace(reply, text=chunks[-1])]


__all__ = [
    "DELIVERED",
    "MAX_ID_CHARS",
    "MAX_PAYLOAD_CHARS",
    "MAX_SITE_CHARS",
    "Acceptance",
    "Adapter",
    "Delivery",
    "Outcome",
    "Waker",
    "http_answer",
    "scrub_inbound",
    "split_reply",
]

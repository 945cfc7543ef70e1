"""Channel-agnostic message types: what a channel hands the engine and what it gets back.

Every type is a frozen dataclass. A channel adapter builds :class:`Inbound` values from its
platform's updates and renders :class:`Reply` values however the platform allows (inline
keyboards, Zalo buttons, numbered lines in a terminal). The engine never sees a platform
object, so every channel gives the same conversation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Address:
    """Where a conversation lives: the channel, the user, and the chat to answer in."""

    channel: str
    user_id: str
    chat_id: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """The conversation key: one conversation per (channel, user)."""
        return (self.channel, self.user_id)


@dataclass(frozen=True)
class Attachment:
    """A file carried by a message: an uploaded catalog file, or a chart image sent back."""

    name: str
    content: bytes
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class Inbound:
    """One thing a user did: typed ``text`` or pressed a button carrying ``payload``.

    ``received_at`` comes from the injected clock (channels stamp it; nothing defaults to
    the machine's time). ``message_id`` is the platform's id of the message, used only to
    drop repeated deliveries. ``receipt`` is what the channel must acknowledge on the
    platform after handling it (Telegram: the pressed button's query), with ``notice`` as
    its text. ``document`` is a file the user sent (channels download it, size-limited,
    only for admins -- nobody else has a use for uploads). ``site`` is where a web chat
    message was written: the allowed embedding origin, or the bot's own ``/chat`` page
    (statistics count web conversations per site; other channels leave it None).
    """

    address: Address
    text: str = ""
    payload: str | None = None
    locale_hint: str | None = None
    message_id: str | None = None
    received_at: dt.datetime = field(kw_only=True)
    document: Attachment | None = None
    receipt: str | None = None
    notice: str | None = None
    site: str | None = None


_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def scrub(value: str, limit: int) -> str:
    """Text safe to store and show: no lone surrogates, no control or direction marks, NFC, cut.

    Platforms deliver what users' devices send: broken UTF-16 halves (a database refuses
    them), NUL bytes (PostgreSQL refuses them), right-to-left overrides (they disguise text).
    """
    value = _SURROGATE.sub("\ufffd", value)
    value = unicodedata.normalize("NFC", _CONTROL.sub(" ", value))
    return value[:limit]


def clean_text(text: str, limit: int) -> tuple[str, bool]:
    """Scrub an inbound text (see :func:`scrub`), one line, cut to ``limit``; returns (text, was_cut)."""
    text = scrub(text or "", len(text or "")).replace("\r", " ").strip()
    if len(text) > limit:
        return text[:limit], True
    return text, False


def split_text(text: str, limit: int) -> list[str]:
    """Split text into chunks of at most ``limit`` characters, on line boundaries when possible.

    Every platform caps a message (Telegram 4,096 characters, Zalo 2,000); a line longer than
    the cap is cut hard.
    """
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current or not chunks:
        chunks.append(current)
    return chunks


def shorten(label: str, limit: int = 60) -> str:
    """Cut a button label at a word boundary so it fits small screens."""
    if len(label) <= limit:
        return label
    return label[: limit - 1].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class Option:
    """A choice offered to the user: a button label and the payload sent back when pressed."""

    label: str
    payload: str


@dataclass(frozen=True)
class Link:
    """An official link, rendered as a URL button where the channel has them."""

    label: str
    url: str


class ReplyKind(StrEnum):
    """What a reply is, so channels and statistics can treat kinds differently."""

    TEXT = "text"
    CARD = "card"
    STEP = "step"
    QUESTION = "question"
    CHECKLIST = "checklist"
    HELP = "help"
    ERROR = "error"


@dataclass(frozen=True)
class Reply:
    """One message to send: text, optional choices and official links."""

    text: str
    options: tuple[Option, ...] = ()
    links: tuple[Link, ...] = ()
    kind: ReplyKind = ReplyKind.TEXT
    image: Attachment | None = None  # a PNG sent as a photo, ``text`` as its caption
    # A yes/no question: the payloads a typed "có"/"ko"/"ok"/"dc" stands for (not sent or stored).
    yes_no: tuple[str, str] | None = None

    def with_options(self, *options: Option, first: bool = False) -> Reply:
        """The same reply with more options, after its own (or before them, ``first``)."""
        merged = (*options, *self.options) if first else (*self.options, *options)
        return dataclasses.replace(self, options=merged)


def reply_to_json(reply: Reply) -> dict[str, Any]:
    """A reply as JSON-ready data (the outbox stores replies this way; the image separately)."""
    data: dict[str, Any] = {"text": reply.text, "kind": reply.kind.value}
    if reply.options:
        data["options"] = [[option.label, option.payload] for option in reply.options]
    if reply.links:
        data["links"] = [[link.label, link.url] for link in reply.links]
    if reply.image is not None:
        data["image"] = [reply.image.name, reply.image.mime]
    return data


def reply_from_json(data: dict[str, Any], image: bytes | None = None) -> Reply:
    """The reply stored by :func:`reply_to_json` (with the image bytes stored beside it)."""
    attachment = None
    if data.get("image") and image is not None:
        name, mime = data["image"]
        attachment = Attachment(str(name), image, str(mime))
    return Reply(
        str(data.get("text", "")),
        tuple(Option(str(label), str(payload)) for label, payload in data.get("options", [])),
        tuple(Link(str(label), str(url)) for label, url in data.get("links", [])),
        ReplyKind(data.get("kind", ReplyKind.TEXT.value)),
        attachment,
    )

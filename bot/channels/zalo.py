"""The Zalo Official Account channel: a signed webhook in, the OA message API out (httpx).

Facts about the API come from the research notes (``channels-facts.md``): events are signed
with ``X-ZEvent-Signature: mac=sha256(app_id + raw body + timestamp + OA secret key)``
(plain SHA-256, not HMAC, timestamp taken from the body); Zalo wants an answer within 2
seconds and retries for hours, so the route answers 200 at once, processes in the
background and drops repeated ``msg_id`` values. Replies go to ``/v3.0/oa/message/cs`` with
the ``access_token`` header; at most 5 buttons per message (more options become numbered
lines the user can type); texts are split at 2,000 characters. The refresh token is
single-use, so every new pair is stored in the database before it is used.

Events go to the gateway (:mod:`bot.channels.base`), which stores them before the 200 answer
and drops repeats: the dedupe key is ``msg_id``, or a hash of sender, timestamp and body for
an event without one. Replies leave through the outbox; one refused outside the reply window
(-230, -232, -213) is dropped with an event, a time-out is retried.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.channels.base import DELIVERED, Delivery, Gateway, Outcome, http_answer
from bot.clock import Clock
from bot.conversation.actions import CMD_START, NAV_MENU, Action, Kind
from bot.messages import Address, Inbound, Reply, shorten
from bot.storage.database import Database
from bot.storage.outbox import Parcel, SendLimits
from bot.storage.tables import ChannelToken

CHANNEL = "zalo"
SIGNATURE_HEADER = "X-ZEvent-Signature"
MAX_BUTTONS = 5
MAX_TEXT = 2000
PAYLOAD_PREFIX = "#dvc "
# Zalo retries a failed delivery for up to 12 hours; older events are replays, not retries.
MAX_EVENT_AGE = dt.timedelta(hours=24)
MAX_CLOCK_SKEW = dt.timedelta(minutes=5)
TOKEN_ERRORS = {-216, -220}  # access token invalid / expired
WINDOW_ERRORS = {-230, -232, -213}  # outside the reply window or user unreachable: record, never retry
REFRESH_MARGIN = dt.timedelta(hours=1)
MAX_BODY_BYTES = 1_000_000
RATE_ERRORS = {-32}  # "your application reached limit call api": wait, then retry

log = logging.getLogger(__name__)


class ZaloError(Exception):
    """An OA API call answered with a non-zero error code."""

    def __init__(self, code: int, message: str):
        super().__init__(f"Zalo error {code}: {message}")
        self.code = code


def signature(app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The expected ``X-ZEvent-Signature`` value (hex, without the ``mac=`` prefix)."""
    return hashlib.sha256(app_id.encode() + body + timestamp.encode() + oa_secret_key.encode()).hexdigest()


def render(reply: Reply, version: str) -> tuple[str, list[dict[str, Any]]]:
    """Text and buttons for one reply; more than 5 buttons degrade to numbered lines."""
    links = [
        {"title": shorten(link.label, 40), "type": "oa.open.url", "payload": {"url": link.url}} for link in reply.links
    ]
    options = [
        {
            "title": shorten(option.label, 40),
            "type": "oa.query.hide",
            "payload": f"{PAYLOAD_PREFIX}{version}|{option.payload}",
        }
        for option in reply.options
    ]
    text = reply.text
    if len(links) + len(options) <= MAX_BUTTONS:
        return text, links + options
    numbered = "\n".join(f"{number}. {option.label}" for number, option in enumerate(reply.options, 1))
    return f"{text}\n\n{numbered}", links[:MAX_BUTTONS]


@dataclass
class Tokens:
    """The current access token and the single-use refresh token."""

    access: str
    refresh: str
    expires_at: dt.datetime | None = None


class TokenStore:
    """Keeps the Zalo token pair in the database so a restart never loses the refresh token."""

    def __init__(self, database: Database, initial: Tokens, clock: Clock):
        self.database = database
        self.initial = initial
        self.clock = clock

    def load(self) -> Tokens:
        """The stored pair, or the configured one on first start."""
        with self.database.reader() as session:
            row = session.get(ChannelToken, CHANNEL)
            if row is None:
                return self.initial
            return Tokens(row.access_token, row.refresh_token, row.expires_at)

    def save(self, tokens: Tokens) -> None:
        """Store a new pair at once (the old refresh token no longer works)."""
        with self.database.session() as session:
            now = self.clock.now()
            row = session.get(ChannelToken, CHANNEL)
            if row is None:
                row = ChannelToken(
                    channel=CHANNEL, access_token=tokens.access, refresh_token=tokens.refresh, updated_at=now
                )
            row.access_token, row.refresh_token = tokens.access, tokens.refresh
            row.expires_at, row.updated_at = tokens.expires_at, now
            session.add(row)


@dataclass(frozen=True)
class ZaloConfig:
    """The OA's credentials and API hosts (from :class:`bot.config.Settings`)."""

    app_id: str
    oa_secret_key: str
    access_token: str
    refresh_token: str
    app_secret: str
    api_base_url: str = "https://openapi.zalo.me"
    oauth_base_url: str = "https://oauth.zaloapp.com"


class ZaloClient:
    """The OA message API and the OAuth token refresh."""

    def __init__(self, config: ZaloConfig, database: Database, clock: Clock, http: httpx.AsyncClient):
        self.config = config
        self.clock = clock
        self.http = http  # built by the composition root, closed by close()
        self.tokens = TokenStore(database, Tokens(config.access_token, config.refresh_token), clock)
        self._lock = asyncio.Lock()

    async def refresh(self, stale_access: str | None = None) -> Tokens:
        """Exchange the refresh token for a new pair and store it (once, even if several sends race)."""
        async with self._lock:
            current = await asyncio.to_thread(self.tokens.load)
            if stale_access is not None and current.access != stale_access:
                return current  # another send already refreshed
            response = await self.http.post(
                f"{self.config.oauth_base_url}/v4/oa/access_token",
                headers={"secret_key": self.config.app_secret},
                data={"refresh_token": current.refresh, "app_id": self.config.app_id, "grant_type": "refresh_token"},
            )
            data = response.json()
            if "access_token" not in data:
                raise ZaloError(int(data.get("error", -1)), str(data.get("error_description") or data))
            expires = self.clock.now() + dt.timedelta(seconds=int(data.get("expires_in", 0) or 0))
            fresh = Tokens(str(data["access_token"]), str(data.get("refresh_token") or current.refresh), expires)
            await asyncio.to_thread(self.tokens.save, fresh)
            return fresh

    async def _access(self) -> str:
        tokens = await asyncio.to_thread(self.tokens.load)
        expires = tokens.expires_at
        if expires is not None and expires.tzinfo is None:
            expires = expires.replace(tzinfo=dt.UTC)
        if not tokens.access or (expires is not None and expires - self.clock.now() < REFRESH_MARGIN):
            tokens = await self.refresh(tokens.access)
        return tokens.access

    async def send_message(self, user_id: str, message: dict[str, Any]) -> Delivery:
        """POST one CS message; refresh once on an expired token; say what became of it."""
        body = {"recipient": {"user_id": user_id}, "message": message}
        for attempt in range(2):
            try:
                access = await self._access()
                response = await self.http.post(
                    f"{self.config.api_base_url}/v3.0/oa/message/cs",
                    headers={"access_token": access, "Content-Type": "application/json"},
                    content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                )
                data = response.json()
            except (httpx.HTTPError, ValueError) as exc:  # PoolTimeout, connection reset, a non-JSON 502 ...
                return Delivery(Outcome.RETRY, type(exc).__name__)
            except ZaloError as exc:  # the refresh itself was refused
                return Delivery(Outcome.RETRY, f"zalo:{exc.code}")
            code = int(data.get("error", 0) or 0)
            if code == 0:
                return DELIVERED
            if code in TOKEN_ERRORS and attempt == 0:
                await self.refresh(access)
                continue
            if code in WINDOW_ERRORS:
                log.warning("zalo: message not delivered (error %s: %s)", code, data.get("message"))
                return Delivery(Outcome.REJECTED, f"zalo:{code}")
            if code in RATE_ERRORS:
                return Delivery(Outcome.RETRY, f"zalo:{code}", retry_after=1.0, whole_channel=True)
            log.error("zalo: send failed with error %s: %s", code, data.get("message"))
            return Delivery(Outcome.RETRY, f"zalo:{code}")
        return Delivery(Outcome.RETRY, "token")

    async def close(self) -> None:
        """Close the HTTP client."""
        await self.http.aclose()


class ZaloChannel:
    """Turns verified webhook events into inbound messages and delivers parcels with the OA API."""

    channel = CHANNEL
    max_text = MAX_TEXT - 400  # room for the numbered options added when there are more than five
    paced = True

    def __init__(self, gateway: Gateway, client: ZaloClient, clock: Clock, limits: SendLimits):
        self.gateway = gateway
        self.client = client
        self.clock = clock
        self.config = client.config
        self.limits = limits

    async def deliver(self, parcel: Parcel) -> Delivery:
        """Send one reply: its text, and its buttons when there are at most five."""
        if parcel.reply is None:
            return DELIVERED  # Zalo has no receipts to give
        text, buttons = render(parcel.reply, parcel.version)
        message: dict[str, Any] = {"text": text[:MAX_TEXT]}
        if buttons:
            message["attachment"] = {"type": "template", "payload": {"buttons": buttons}}
        return await self.client.send_message(parcel.address.chat_id, message)

    def verify(self, body: bytes, header: str, now: dt.datetime) -> dict[str, Any] | None:
        """The parsed event when its signature, app id and timestamp check out, else None."""
        try:
            event = json.loads(body)
            timestamp = str(event["timestamp"])
        except (ValueError, KeyError, TypeError, RecursionError):  # not JSON, no timestamp, nested too deep
            return None
        given = header.strip().removeprefix("mac=").lower()
        expected = signature(self.config.app_id, body, timestamp, self.config.oa_secret_key)
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return None
        if not isinstance(event, dict) or str(event.get("app_id", "")) != self.config.app_id:
            return None
        try:  # signed, but the time must still make sense (a huge number is not a time)
            sent_at = dt.datetime.fromtimestamp(int(timestamp) / 1000, dt.UTC)
        except (ValueError, OverflowError, OSError):
            return None
        if sent_at < now - MAX_EVENT_AGE or sent_at > now + MAX_CLOCK_SKEW:
            return None
        return event

    def inbound(self, event: dict[str, Any], body: bytes) -> Inbound | None:
        """The engine input for an event, or None for events that need no answer."""
        name = str(event.get("event_name", ""))
        sender_field, follower = event.get("sender"), event.get("follower")
        sender = sender_field.get("id") if isinstance(sender_field, dict) else None
        if not sender and isinstance(follower, dict):
            sender = follower.get("id")
        if not sender or not isinstance(sender, str | int):
            return None
        address = Address(CHANNEL, str(sender), str(sender))
        message = event.get("message") if isinstance(event.get("message"), dict) else {}
        assert isinstance(message, dict)
        message_id = str(message.get("msg_id") or message.get("mid") or "") or None
        if message_id is None:  # no id: the same sender, time and body is the same event
            message_id = "h" + hashlib.sha256(body).hexdigest()
        base: dict[str, Any] = {"message_id": message_id, "received_at": self.clock.now()}
        if name in ("user_send_text", "user_click_button"):
            text = message.get("text")
            text = text if isinstance(text, str) else ""
            if text.startswith(PAYLOAD_PREFIX):
                version, _, payload = text[len(PAYLOAD_PREFIX) :].partition("|")
                stale = version != self.gateway.version() or not payload
                return Inbound(address, payload=NAV_MENU if stale else payload, **base)
            return Inbound(address, text=text, **base)
        if name == "follow":
            return Inbound(address, payload=CMD_START, **base)
        media = {
            "user_send_image": "photo",
            "user_send_audio": "voice",
            "user_send_sticker": "sticker",
            "user_send_location": "location",
            "user_send_file": "document",
            "user_send_video": "document",
            "user_send_gif": "sticker",
            "user_send_business_card": "contact",
        }
        if name in media:
            return Inbound(address, payload=Action(Kind.MEDIA, media[name]).payload, **base)
        log.info("zalo: event %s ignored", name[:40])
        return None

    def route(self) -> Route:
        """``POST /zalo``: verify, store, answer 200 (401 when unsigned, 400 when malformed)."""

        async def receive(request: Request) -> Response:
            body = await request.body()
            if len(body) > MAX_BODY_BYTES:
                return PlainTextResponse("too large", status_code=413)
            event = self.verify(body, request.headers.get(SIGNATURE_HEADER, ""), self.clock.now())
            if event is None:
                return PlainTextResponse("invalid signature", status_code=401)
            try:
                inbound = self.inbound(event, body)
            except Exception:  # noqa: BLE001 - a signed but malformed event is the sender's error
                return PlainTextResponse("bad event", status_code=400)
            if inbound is None:
                return PlainTextResponse("ok")
            return http_answer(await self.gateway.submit(inbound), self.gateway.settings.retry_after)

        return Route("/zalo", receive, methods=["POST"])


__all__ = ["CHANNEL", "ZaloChannel", "ZaloClient", "ZaloConfig", "render", "signature"]

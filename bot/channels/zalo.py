"""The Zalo Official Account channel: a signed webhook in, the OA message API out (httpx).

Facts about the API come from the research notes (``channels-facts.md``): events are signed
with ``X-ZEvent-Signature: mac=sha256(app_id + raw body + timestamp + OA secret key)``
(plain SHA-256, not HMAC, timestamp taken from the body); Zalo wants an answer within 2
seconds and retries for hours, so the route answers 200 at once, processes in the
background and drops repeated ``msg_id`` values. Replies go to ``/v3.0/oa/message/cs`` with
the ``access_token`` header; at most 5 buttons per message (more options become numbered
lines the user can type); texts are split at 2,000 characters. The refresh token is
single-use, so every new pair is stored in the database before it is used.
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

from bot.app import App
from bot.events import EventType, PendingEvent
from bot.flood import FloodGate, Verdict
from bot.messages import Address, Inbound, Reply, shorten, split_text
from bot.privacy import hash_user
from bot.storage import ChannelToken, Database, utcnow

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

    def __init__(self, database: Database, initial: Tokens):
        self.database = database
        self.initial = initial

    def load(self) -> Tokens:
        """The stored pair, or the configured one on first start."""
        with self.database.session() as session:
            row = session.get(ChannelToken, CHANNEL)
            if row is None:
                return self.initial
            return Tokens(row.access_token, row.refresh_token, row.expires_at)

    def save(self, tokens: Tokens) -> None:
        """Store a new pair at once (the old refresh token no longer works)."""
        with self.database.session() as session:
            row = session.get(ChannelToken, CHANNEL)
            if row is None:
                row = ChannelToken(channel=CHANNEL, access_token=tokens.access, refresh_token=tokens.refresh)
            row.access_token, row.refresh_token = tokens.access, tokens.refresh
            row.expires_at, row.updated_at = tokens.expires_at, utcnow()
            session.add(row)


class ZaloClient:
    """The OA message API and the OAuth token refresh."""

    def __init__(self, app: App, http: httpx.AsyncClient | None = None):
        settings = app.settings
        self.app = app
        self.settings = settings
        self.http = http or httpx.AsyncClient(timeout=10.0)
        self.tokens = TokenStore(app.database, Tokens(settings.zalo_access_token, settings.zalo_refresh_token))
        self._lock = asyncio.Lock()

    def record_undelivered(self, user_id: str, code: int) -> None:
        """Keep a usage event for a refused reply (user id hashed), so operators can see it."""
        user = hash_user(self.app.settings.user_salt, CHANNEL, user_id)
        self.app.engine.recorder.record(CHANNEL, user, [PendingEvent(EventType.UNDELIVERED, decision=str(code))])

    async def refresh(self, stale_access: str | None = None) -> Tokens:
        """Exchange the refresh token for a new pair and store it (once, even if several sends race)."""
        async with self._lock:
            current = self.tokens.load()
            if stale_access is not None and current.access != stale_access:
                return current  # another send already refreshed
            response = await self.http.post(
                f"{self.settings.zalo_oauth_base_url}/v4/oa/access_token",
                headers={"secret_key": self.settings.zalo_app_secret},
                data={
                    "refresh_token": current.refresh,
                    "app_id": self.settings.zalo_app_id,
                    "grant_type": "refresh_token",
                },
            )
            data = response.json()
            if "access_token" not in data:
                raise ZaloError(int(data.get("error", -1)), str(data.get("error_description") or data))
            expires = utcnow() + dt.timedelta(seconds=int(data.get("expires_in", 0) or 0))
            fresh = Tokens(str(data["access_token"]), str(data.get("refresh_token") or current.refresh), expires)
            self.tokens.save(fresh)
            return fresh

    async def _access(self) -> str:
        tokens = self.tokens.load()
        expires = tokens.expires_at
        if expires is not None and expires.tzinfo is None:
            expires = expires.replace(tzinfo=dt.UTC)
        if not tokens.access or (expires is not None and expires - utcnow() < REFRESH_MARGIN):
            tokens = await self.refresh(tokens.access)
        return tokens.access

    async def send_message(self, user_id: str, message: dict[str, Any]) -> bool:
        """POST one CS message; refresh once on an expired token; record window errors (False)."""
        body = {"recipient": {"user_id": user_id}, "message": message}
        for attempt in range(2):
            access = await self._access()
            response = await self.http.post(
                f"{self.settings.zalo_api_base_url}/v3.0/oa/message/cs",
                headers={"access_token": access, "Content-Type": "application/json"},
                content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            )
            data = response.json()
            code = int(data.get("error", 0))
            if code == 0:
                return True
            if code in TOKEN_ERRORS and attempt == 0:
                await self.refresh(access)
                continue
            if code in WINDOW_ERRORS:
                log.warning("zalo: message not delivered (error %s: %s)", code, data.get("message"))
                self.record_undelivered(user_id, code)
                return False
            log.error("zalo: send failed with error %s: %s", code, data.get("message"))
            raise ZaloError(code, str(data.get("message")))
        return False

    async def send(self, user_id: str, reply: Reply, version: str) -> bool:
        """Send one reply: text chunks, buttons on the last chunk. Images go as their caption only."""
        text, buttons = render(reply, version)
        chunks = split_text(text, MAX_TEXT)
        delivered = True
        for number, chunk in enumerate(chunks):
            message: dict[str, Any] = {"text": chunk}
            if buttons and number == len(chunks) - 1:
                message["attachment"] = {"type": "template", "payload": {"buttons": buttons}}
            delivered = await self.send_message(user_id, message) and delivered
        return delivered

    async def close(self) -> None:
        """Close the HTTP client."""
        await self.http.aclose()


class ZaloChannel:
    """Turns verified webhook events into engine calls and replies."""

    def __init__(self, app: App, client: ZaloClient | None = None, flood: FloodGate | None = None):
        self.app = app
        self.client = client or ZaloClient(app)
        self.flood = flood or FloodGate()
        self.tasks: set[asyncio.Task[None]] = set()
        self.channel = CHANNEL
        self.loop: asyncio.AbstractEventLoop | None = None  # set when the web server runs
        app.outboxes[CHANNEL] = self  # reminders and digests are delivered through this channel

    def deliver(self, address: Address, replies: list[Reply]) -> bool:
        """The :class:`~bot.messages.Outbox` side, called from the scheduler's thread.

        Zalo accepts messages the bot starts only inside its reply window; a refusal is
        recorded by the client and reported here as not delivered.
        """
        if self.loop is None or not self.loop.is_running():
            return False

        async def send_all() -> bool:
            sent, recipient = True, address.chat_id or address.user_id
            for reply in replies:
                sent = await self.client.send(recipient, reply, self.app.catalog.version) and sent
            return sent

        try:
            return bool(asyncio.run_coroutine_threadsafe(send_all(), self.loop).result(timeout=120))
        except Exception:
            log.exception("zalo: delivery failed")
            return False

    def verify(self, body: bytes, header: str, now: dt.datetime | None = None) -> dict[str, Any] | None:
        """The parsed event when its signature, app id and timestamp check out, else None."""
        settings = self.app.settings
        try:
            event = json.loads(body)
            timestamp = str(event["timestamp"])
            sent_at = dt.datetime.fromtimestamp(int(timestamp) / 1000, dt.UTC)
        except (ValueError, KeyError, TypeError):
            return None
        given = header.strip().removeprefix("mac=").lower()
        expected = signature(settings.zalo_app_id, body, timestamp, settings.zalo_oa_secret_key)
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return None
        if str(event.get("app_id", "")) != settings.zalo_app_id:
            return None
        now = now or utcnow()
        if sent_at < now - MAX_EVENT_AGE or sent_at > now + MAX_CLOCK_SKEW:
            return None
        return dict(event)

    def inbound(self, event: dict[str, Any]) -> Inbound | None:
        """The engine input for an event, or None for events that need no answer."""
        name = str(event.get("event_name", ""))
        sender = str((event.get("sender") or {}).get("id") or (event.get("follower") or {}).get("id") or "")
        if not sender:
            return None
        address = Address(CHANNEL, sender, sender)
        message = event.get("message") or {}
        message_id = str(message.get("msg_id") or message.get("mid") or "") or None
        if name in ("user_send_text", "user_click_button"):
            text = str(message.get("text") or "")
            if text.startswith(PAYLOAD_PREFIX):
                version, _, payload = text[len(PAYLOAD_PREFIX) :].partition("|")
                stale = version != self.app.catalog.version or not payload
                return Inbound(address, payload="nav:menu" if stale else payload, message_id=message_id)
            return Inbound(address, text=text, message_id=message_id)
        if name == "follow":
            return Inbound(address, payload="cmd:start", message_id=f"follow:{event.get('timestamp')}")
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
            return Inbound(address, payload=f"media:{media[name]}", message_id=message_id)
        log.info("zalo: event %s ignored", name)
        return None

    async def process(self, event: dict[str, Any]) -> None:
        """Handle one verified event (runs in the background after the 200 answer)."""
        inbound = self.inbound(event)
        if inbound is None:
            return
        verdict = self.flood.check(inbound.address.user_id)
        if verdict is not Verdict.PASS:
            return
        replies = await asyncio.to_thread(self.app.engine.handle, inbound)
        for reply in replies:
            await self.client.send(inbound.address.user_id, reply, self.app.catalog.version)

    def route(self) -> Route:
        """``POST /zalo``: verify, answer 200 at once, process in the background."""

        async def receive(request: Request) -> Response:
            self.loop = asyncio.get_running_loop()
            body = await request.body()
            event = self.verify(body, request.headers.get(SIGNATURE_HEADER, ""))
            if event is None:
                return PlainTextResponse("invalid signature", status_code=401)
            task = asyncio.create_task(self._safely(event))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
            return PlainTextResponse("ok")

        return Route("/zalo", receive, methods=["POST"])

    async def _safely(self, event: dict[str, Any]) -> None:
        try:
            await self.process(event)
        except Exception:  # noqa: BLE001 - one bad event must not stop the others
            log.exception("zalo: event failed")

    async def drain(self) -> None:
        """Wait for background events (tests and shutdown)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

"""The web chat's routes: the ``/chat`` page, ``/widget.js``, its static files and its API.

``/chat`` is a full page (a link, or a QR code on a poster at the commune office); ``/widget.js``
is one ``<script>`` tag that adds a chat button and panel to a portal's page. Both run the same
script (``static/chat.js``) against the same API under ``/chat/api/``:

``POST session``  a token for a new conversation, or a fresh one for a known conversation
``POST send``     one message (text, a button's payload, the language) → the gateway
``GET  stream``   the replies as server-sent events (``id`` = outbox row id; Last-Event-ID)
``GET  poll``     the same events as JSON, for browsers or proxies that break event streams
``POST ack``      "shown": the reply with this event id is delivered
``GET  texts``    the page's own texts in one language (gettext)

Every API answer carries a re-signed token (see :mod:`bot.web.tokens`). Nothing here renders
HTML from a reply: the page puts reply text into the document as text only.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from bot.channels.contract import Acceptance
from bot.channels.web import OWN_PAGE
from bot.clock import Clock
from bot.i18n import Languages, pick_locale
from bot.web.guard import SAFE_HEADERS, AddressLimits, Origins, Refused, client_address, read_json
from bot.web.page import page_html
from bot.web.server import stop_signal
from bot.web.strings import ui_texts
from bot.web.tokens import Tokens

if TYPE_CHECKING:  # built and handed in by the composition root
    from bot.channels.web import Stream, WebChannel

STATIC = ("chat.js", "chat.css", "page.js", "widget.js")
HEARTBEAT = 15.0  # seconds between comments on an idle stream (proxies close silent ones)
POLL_WAIT = 20.0  # seconds a poll waits for a reply before answering "nothing yet"
STREAM_LIFE = 300.0  # seconds before a stream ends and the browser reconnects (frees the worker)
Handler = Callable[[Request, "str | None"], Awaitable[Response]]


def static_text(name: str) -> str:
    """One of the shipped static files (``bot/web/static``)."""
    return resources.files("bot.web").joinpath("static", name).read_text(encoding="utf-8")


def widget_script() -> str:
    """``/widget.js``: the chat script and the launcher that adds it to a portal's page."""
    return static_text("chat.js") + "\n" + static_text("widget.js")


def _last_id(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() and len(value) < 19 else None


@dataclass
class WebChat:
    """The web chat's routes, over the web channel and the guard's settings."""

    channel: WebChannel
    tokens: Tokens
    origins: Origins
    languages: Languages
    clock: Clock
    limits: AddressLimits

    def guarded(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """``handler`` behind the origin check and the per-address limit, answering with CORS headers."""

        async def endpoint(request: Request) -> Response:
            origin: str | None = None
            try:
                origin = self.origins.check(request)
                if request.method == "OPTIONS":
                    return Response(status_code=204, headers=self.origins.cors(origin))
                if not self.limits.take(client_address(request), self.clock.monotonic()):
                    raise Refused(429, "too many requests", retry_after=5)
                response = await handler(request, origin)
            except Refused as refused:
                headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else {}
                response = PlainTextResponse(refused.reason, status_code=refused.status, headers=headers)
            response.headers.update({**SAFE_HEADERS, **self.origins.cors(origin)})
            return response

        return endpoint

    def conversation(self, token: object) -> str:
        """The conversation of a request's token (401 when it is forged or expired)."""
        conversation = self.tokens.read(token, self.clock.now())
        if conversation is None:
            raise Refused(401, "invalid token")
        return conversation

    def answer(self, conversation: str, status: int = 200, **extra: Any) -> Response:
        """A JSON answer carrying the conversation's freshly signed token."""
        token = self.tokens.issue(conversation, self.clock.now())
        return JSONResponse({"token": token, **extra}, status_code=status, headers={"Cache-Control": "no-store"})

    # -- the API -----------------------------------------------------------------------------

    async def session(self, request: Request, origin: str | None) -> Response:
        """A fresh token: for the token's conversation when it is still valid, else a new one."""
        data = await read_json(request)
        known = self.tokens.read(data.get("token"), self.clock.now())
        if known is not None:
            return self.answer(known, resumed=True)
        if not self.limits.take(client_address(request), self.clock.monotonic(), "new"):
            raise Refused(429, "too many new conversations", retry_after=30)
        return self.answer(self.tokens.new_conversation(), resumed=False)

    async def send(self, request: Request, origin: str | None) -> Response:
        """Store one message of the page (the gateway answers once it is durable)."""
        data = await read_json(request)
        conversation = self.conversation(data.get("token"))
        locale = pick_locale(str(data.get("locale") or ""), self.languages.default)
        # The site counted in the statistics: only an origin the guard allowed, else the own page.
        inbound = self.channel.inbound(conversation, data, locale, origin or OWN_PAGE)
        if inbound is None:
            raise Refused(400, "empty message")
        verdict = await self.channel.gateway.submit(inbound)
        if verdict is Acceptance.OVERLOADED:
            raise Refused(503, "busy", retry_after=self.channel.gateway.settings.retry_after)
        if verdict is Acceptance.INVALID:
            raise Refused(400, "bad message")
        return self.answer(conversation, 202, accepted=verdict.value)

    async def ack(self, request: Request, origin: str | None) -> Response:
        """The page showed a reply: it is delivered."""
        data = await read_json(request)
        conversation = self.conversation(data.get("token"))
        event_id = data.get("id")
        if not isinstance(event_id, int) or isinstance(event_id, bool):
            raise Refused(400, "no event id")
        done = self.channel.acknowledge(self.channel.chat_key(conversation), event_id)
        return self.answer(conversation, acknowledged=done)

    async def stream(self, request: Request, origin: str | None) -> Response:
        """The chat's replies as server-sent events until the page goes or the stream's life ends."""
        conversation = self.conversation(request.query_params.get("token"))
        last = _last_id(request.headers.get("last-event-id") or request.query_params.get("last"))
        opened = self.channel.open(conversation, last)
        await asyncio.to_thread(self.channel.due_now, opened.chat_key)
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        events = self._events(opened, stop_signal(request))
        return StreamingResponse(events, media_type="text/event-stream", headers=headers)

    async def _events(self, stream: Stream, stopping: asyncio.Event) -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        ends = loop.time() + STREAM_LIFE
        stopped = asyncio.ensure_future(stopping.wait())
        try:
            yield "retry: 2000\n\n"  # the browser reconnects after 2 s (sending Last-Event-ID)
            while loop.time() < ends and not stopping.is_set():
                got = asyncio.ensure_future(stream.events.get())
                await asyncio.wait((got, stopped), timeout=HEARTBEAT, return_when=asyncio.FIRST_COMPLETED)
                if not got.done():
                    # A reply not taken now stays in the outbox (unacknowledged) and is sent again
                    # when the page reconnects; nothing is lost by leaving it in the queue.
                    got.cancel()
                    if not stopping.is_set():
                        yield ": ping\n\n"
                    continue
                yield self.channel.encode(got.result())
        finally:
            stopped.cancel()
            self.channel.close(stream)

    async def poll(self, request: Request, origin: str | None) -> Response:
        """The polling fallback: the replies waiting now (or within ``POLL_WAIT``) as JSON."""
        conversation = self.conversation(request.query_params.get("token"))
        last = _last_id(request.query_params.get("last"))
        wait = _last_id(request.query_params.get("wait"))  # seconds; a page waits the longest
        stream = self.channel.open(conversation, last)
        events: list[dict[str, Any]] = []
        try:
            await asyncio.to_thread(self.channel.due_now, stream.chat_key)
            events.append(await asyncio.wait_for(stream.events.get(), min(POLL_WAIT, wait or POLL_WAIT)))
            while not stream.events.empty():
                events.append(stream.events.get_nowait())
        except TimeoutError:
            pass
        finally:
            self.channel.close(stream)
        return self.answer(conversation, events=events)

    async def texts(self, request: Request, origin: str | None) -> Response:
        """The page's own texts in the asked language."""
        locale = pick_locale(request.query_params.get("lang"), self.languages.default)
        return JSONResponse(ui_texts(self.languages, locale), headers={"Cache-Control": "public, max-age=300"})

    # -- pages and files ---------------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        """``/chat``: the full-page chat, under a strict Content-Security-Policy."""
        locale = pick_locale(request.query_params.get("lang"), self.languages.default)
        html = page_html(ui_texts(self.languages, locale))
        headers = {**SAFE_HEADERS, "Content-Security-Policy": self.origins.page_policy(), "Cache-Control": "no-store"}
        return Response(html, media_type="text/html; charset=utf-8", headers=headers)

    async def static(self, request: Request) -> Response:
        """``/chat/static/<file>`` and ``/widget.js`` (scripts and styles, cached for a while)."""
        name = request.path_params.get("name", "widget.js")
        if name not in STATIC:
            return PlainTextResponse("not found", status_code=404)
        body = widget_script() if request.url.path == "/widget.js" else static_text(name)
        media = "text/css" if name.endswith(".css") else "text/javascript"
        headers = {
            **SAFE_HEADERS,
            "Cache-Control": "public, max-age=300",
            "Cross-Origin-Resource-Policy": "cross-origin",
        }
        return Response(body, media_type=f"{media}; charset=utf-8", headers=headers)

    def routes(self) -> list[BaseRoute]:
        """Every route of the web chat."""
        api: list[tuple[str, Handler, list[str]]] = [
            ("session", self.session, ["POST", "OPTIONS"]),
            ("send", self.send, ["POST", "OPTIONS"]),
            ("ack", self.ack, ["POST", "OPTIONS"]),
            ("stream", self.stream, ["GET", "OPTIONS"]),
            ("poll", self.poll, ["GET", "OPTIONS"]),
            ("texts", self.texts, ["GET", "OPTIONS"]),
        ]
        return [
            Route("/chat", self.page, methods=["GET"]),
            Route("/widget.js", self.static, methods=["GET"]),
            Route("/chat/static/{name}", self.static, methods=["GET"]),
            *(Route(f"/chat/api/{name}", self.guarded(handler), methods=methods) for name, handler, methods in api),
        ]


__all__ = ["WebChat", "static_text", "widget_script"]

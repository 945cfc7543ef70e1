"""A fake Zalo OA API and OAuth server on 127.0.0.1 for end-to-end tests.

``POST /v3.0/oa/message/cs`` records messages and accepts only the current access token
(answering -216 otherwise); ``POST /v4/oa/access_token`` exchanges a refresh token, which is
single-use, for a new pair, checking the ``secret_key`` header.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.channels.zalo import signature
from tests.fake_telegram import free_port, start_loopback, stop_loopback

APP_ID = "3482178216594085616"
OA_SECRET = "oa-secret-key"
APP_SECRET = "app-secret-key"


@dataclass
class FakeZalo:
    """State of the fake Zalo servers (one port serves both the API and OAuth paths)."""

    port: int = field(default_factory=free_port)
    access: str = "access-1"
    refresh: str = "refresh-1"
    sent: list[dict[str, Any]] = field(default_factory=list)
    refreshes: int = 0
    window_closed: set[str] = field(default_factory=set)  # users past the reply window
    refused: list[dict[str, Any]] = field(default_factory=list)  # messages sent to them anyway (-230)
    _counter: Any = field(default_factory=lambda: itertools.count(2))
    _server: uvicorn.Server | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def to(self, user: str) -> list[dict[str, Any]]:
        return [m for m in self.sent if m["recipient"]["user_id"] == user]

    def texts(self, user: str) -> list[str]:
        return [m["message"]["text"] for m in self.to(user)]

    def buttons(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        return list(((message["message"].get("attachment") or {}).get("payload") or {}).get("buttons") or [])

    async def _send(self, request: Request) -> JSONResponse:
        if request.headers.get("access_token") != self.access:
            return JSONResponse({"error": -216, "message": "Access token is invalid"})
        body = json.loads(await request.body())
        if body["recipient"]["user_id"] in self.window_closed:
            self.refused.append(body)
            return JSONResponse({"error": -230, "message": "User has not interacted with the OA in the past 7 days"})
        self.sent.append(body)
        return JSONResponse({"error": 0, "message": "Success", "data": {"message_id": f"m{len(self.sent)}"}})

    async def _token(self, request: Request) -> JSONResponse:
        form = dict(parse_qsl((await request.body()).decode()))
        if request.headers.get("secret_key") != APP_SECRET or form.get("refresh_token") != self.refresh:
            return JSONResponse({"error": -14014, "error_description": "Invalid refresh token"})
        number = next(self._counter)
        self.access, self.refresh = f"access-{number}", f"refresh-{number}"  # the old refresh token dies
        self.refreshes += 1
        return JSONResponse({"access_token": self.access, "refresh_token": self.refresh, "expires_in": "90000"})

    async def start(self) -> asyncio.Task[None]:
        app = Starlette(
            routes=[
                Route("/v3.0/oa/message/cs", self._send, methods=["POST"]),
                Route("/v4/oa/access_token", self._token, methods=["POST"]),
            ]
        )
        self._server, task = await start_loopback(app, self.port)
        return task

    async def stop(self, task: asyncio.Task[None]) -> None:
        assert self._server is not None
        await stop_loopback(self._server, task)


_msg_ids = itertools.count(1)


def event(name: str, user: str, text: str | None = None, timestamp_ms: int | None = None) -> dict[str, Any]:
    """A webhook event as Zalo sends it (ids as strings, timestamp in ms as a string)."""
    body: dict[str, Any] = {
        "app_id": APP_ID,
        "user_id_by_app": "u" + user,
        "event_name": name,
        "timestamp": str(timestamp_ms or int(time.time() * 1000)),
    }
    if name in ("follow", "unfollow"):
        body["follower"] = {"id": user}
        body["oa_id"] = "oa"
    else:
        body["sender"] = {"id": user}
        body["recipient"] = {"id": "oa"}
        body["message"] = {"msg_id": f"msg{next(_msg_ids)}"} | ({"text": text} if text is not None else {})
    return body


def signed(body: dict[str, Any], secret: str = OA_SECRET) -> tuple[bytes, dict[str, str]]:
    """Raw body and headers with a valid (or, with another secret, a forged) signature."""
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    mac = signature(APP_ID, raw, str(body["timestamp"]), secret)
    return raw, {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}

"""The web chat over HTTP, in process: tokens, the API, delivery by acknowledgement, the guard.

The browser tests (``tests/test_web_browser.py``) drive the same routes from a real Chromium;
these pin the contract underneath with plain requests (the polling route, which carries the
same events as the stream).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import json
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from bot.app import App, build_app
from bot.config import Settings
from bot.storage.tables import Event, OutboxItem
from bot.web.chat import static_text, widget_script
from bot.web.guard import MAX_BODY_BYTES
from bot.web.tokens import Tokens
from tests.browser import free_port, wait_for
from tests.processes import bot_environment

PORTAL = "https://portal.example.gov.vn"
NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def web_settings(settings: Settings) -> Settings:
    return replace(settings, web_chat=True, web_origins=(PORTAL,))


@asynccontextmanager
async def web(settings: Settings, patch: Callable[..., None]) -> AsyncIterator[tuple[App, httpx.AsyncClient]]:
    """The whole bot with its web chat; requests go to its web app in process."""
    settings = web_settings(settings)
    patch(settings)
    app = build_app(settings)
    transport = httpx.ASGITransport(app=app.web_app())
    try:
        async with app.running(serve_web=False, background=False):
            async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
                yield app, client
    finally:
        app.close()


class Page:
    """What a page does, over the API: keep the token, post, poll, acknowledge."""

    def __init__(self, client: httpx.AsyncClient, origin: str | None = None):
        self.client = client
        self.headers = {"Origin": origin} if origin else {}
        self.token = ""
        self.last = 0
        self.count = 0

    async def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        response = await self.client.post(
            f"/chat/api/{path}", content=json.dumps(body), headers={**self.headers, "Content-Type": "text/plain"}
        )
        if response.status_code < 300:
            self.token = response.json()["token"]
        return response

    async def open(self) -> bool:
        response = await self.post("session", {"token": self.token or None})
        assert response.status_code == 200, response.text
        return bool(response.json()["resumed"])

    async def send(self, **message: Any) -> None:
        self.count += 1
        response = await self.post("send", {"token": self.token, "id": str(self.count), **message})
        assert response.status_code == 202, response.text

    async def poll(self, last: int | None = None, wait: int = 20) -> list[dict[str, Any]]:
        params = {"token": self.token, "last": str(self.last if last is None else last), "wait": str(wait)}
        response = await self.client.get("/chat/api/poll", params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        self.token = response.json()["token"]
        return list(response.json()["events"])

    async def replies(self, ack: bool = True, wait: int = 20) -> list[dict[str, Any]]:
        """Poll until a reply arrives, acknowledging each (as the page does once it shows them)."""
        events = await self.poll(wait=wait)
        for event in events:
            self.last = max(self.last, event["id"])
            if ack:
                await self.post("ack", {"token": self.token, "id": event["id"]})
        return events

    async def until(self, fragment: str) -> dict[str, Any]:
        """Read replies (acknowledging them) until one contains ``fragment``; that one."""
        seen = []
        for _ in range(20):
            for event in await self.replies():
                seen.append(event["reply"]["text"][:60])
                if fragment in event["reply"]["text"]:
                    return event
        raise AssertionError(f"no reply with {fragment!r} among {seen}")

    async def drain(self, app: App) -> None:
        """Read and acknowledge every reply still coming, until the outbox has none left."""
        for _ in range(100):
            if not await asyncio.to_thread(app.outbox.backlog, "web"):
                return
            await self.replies(wait=1)
        raise AssertionError("replies still waiting")


def option(event: dict[str, Any], label: str) -> str:
    for text, payload in event["reply"].get("options", []):
        if label.lower() in text.lower():
            return str(payload)
    raise AssertionError(f"no option {label!r} in {event['reply']}")


def test_tokens_are_signed_expire_and_rotate() -> None:
    tokens = Tokens("salt-1", dt.timedelta(days=30))
    conversation = tokens.new_conversation()
    token = tokens.issue(conversation, NOW)
    assert tokens.read(token, NOW + dt.timedelta(days=29)) == conversation
    assert tokens.read(token, NOW + dt.timedelta(days=31)) is None, "an unused token expires"
    assert tokens.read(tokens.issue(conversation, NOW + dt.timedelta(days=29)), NOW + dt.timedelta(days=31))
    assert Tokens("salt-2").read(token, NOW) is None, "signed with the salt's key"
    head, _, signature = token.rpartition(".")
    forged = head.replace(conversation, tokens.new_conversation())
    assert tokens.read(f"{forged}.{signature}", NOW) is None
    assert (
        tokens.read("v1.x.1.y", NOW) is None and tokens.read(None, NOW) is None and tokens.read("a" * 500, NOW) is None
    )
    assert tokens.new_conversation() != conversation


def test_a_guide_over_the_web_api_delivered_by_acknowledgement(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        async with web(settings, patch) as (app, client):
            page = Page(client)
            assert not await page.open()
            await page.send(start=True)
            await page.until("Xin chào")
            await page.send(text="lam cccd o dau")
            card = await page.until("thẻ căn cước")
            await page.send(payload=option(card, "từng bước"), version=card["version"])
            step = await page.until("Bước 1/8")
            assert await page.open(), "the same token resumes the conversation"
            await page.send(payload=option(step, "Có"), version=step["version"])
            await page.until("Bước 2/8")
            await page.send(payload=option(step, "Có"), version="0ldversion")
            await page.until("Chọn lĩnh vực")  # a button of an older catalog opens the menu
            await page.drain(app)
            with app.database.reader() as session:
                rows = session.exec(select(OutboxItem).where(OutboxItem.channel == "web")).all()
                events = session.exec(select(Event).where(Event.channel == "web")).all()
            assert rows and all(row.status == "delivered" and row.chat_id == "" for row in rows)
            assert events and all(page.token.split(".")[1] not in (event.user or "") for event in events)
            assert {event.user for event in events} == {app.engine.user_key(_address(page))}

    asyncio.run(scenario())


def _address(page: Page) -> Any:
    from bot.messages import Address

    conversation = page.token.split(".")[1]
    return Address("web", conversation, conversation)


def test_an_unacknowledged_reply_is_sent_again_and_last_event_id_acknowledges(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        async with web(settings, patch) as (app, client):
            page = Page(client)
            await page.open()
            await page.send(text="ho chieu")
            first = await page.replies(ack=False)  # the connection broke before the page showed it
            assert first and app.outbox.backlog("web") == 1, "not delivered without an acknowledgement"
            again = await page.poll(last=0)  # the page reconnects without it
            assert [event["id"] for event in again] == [event["id"] for event in first]
            assert app.outbox.backlog("web") == 1
            await page.poll(last=first[-1]["id"], wait=1)  # Last-Event-ID: the page has it now
            for _ in range(200):
                if app.outbox.backlog("web") == 0:
                    break
                await asyncio.sleep(0.02)
            assert app.outbox.backlog("web") == 0

    asyncio.run(scenario())


def test_replies_written_while_no_page_was_open_arrive_when_it_reconnects(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        async with web(settings, patch) as (app, client):
            page = Page(client)
            await page.open()
            await page.send(text="khai sinh")
            for _ in range(500):  # processed, and the courier found no page open
                if not app.inbox.backlog():
                    break
                await asyncio.sleep(0.02)
            assert app.outbox.backlog("web") >= 1
            assert await page.until("khai sinh")

    asyncio.run(scenario())


def test_the_page_is_locked_down_and_foreign_origins_are_refused(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        async with web(settings, patch) as (app, client):
            page = await client.get("/chat")
            policy = page.headers["content-security-policy"]
            assert "script-src 'self'" in policy and "default-src 'none'" in policy and "unsafe-inline" not in policy
            assert f"frame-ancestors 'self' {PORTAL}" in policy
            assert page.headers["x-content-type-options"] == "nosniff"
            assert "<script>" not in page.text and 'lang="vi"' in page.text
            assert "đừng gửi" in page.text.lower() or "không gửi" in page.text.lower()
            english = await client.get("/chat?lang=en")
            assert 'lang="en"' in english.text and "Please do not send" in english.text

            allowed = Page(client, PORTAL)
            await allowed.open()
            preflight = await client.options("/chat/api/send", headers={"Origin": PORTAL})
            assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == PORTAL

            evil = Page(client, "https://evil.example.com")
            refused = await evil.post("session", {})
            assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers
            stream = await client.get(
                "/chat/api/stream", params={"token": allowed.token}, headers={"Origin": "https://evil.example.com"}
            )
            assert stream.status_code == 403, "the event stream checks the Origin too"
            preflight = await client.options("/chat/api/send", headers={"Origin": "https://evil.example.com"})
            assert preflight.status_code == 403

            forged = await allowed.post("send", {"token": allowed.token[:-2] + "xx", "text": "hi"})
            assert forged.status_code == 401
            big = await allowed.post("send", {"token": allowed.token, "text": "a" * (MAX_BODY_BYTES + 1)})
            assert big.status_code == 413
            for _ in range(40):
                minted = await Page(client).post("session", {})
                if minted.status_code == 429:
                    break
            assert minted.status_code == 429, "one address cannot mint conversations without end"

    asyncio.run(scenario())


def test_widget_script_and_styles_fit_the_budget() -> None:
    script = widget_script().encode()
    styles = static_text("chat.css").encode()
    size = len(gzip.compress(script, 9)) + len(gzip.compress(styles, 9))
    print(f"widget.js + chat.css: {len(script) + len(styles)} bytes, {size} bytes gzip")
    assert size <= 50_000
    assert "innerHTML" not in script.decode() and "insertAdjacentHTML" not in script.decode()


@pytest.mark.parametrize("value, expected", [("1", True), ("", False), ("0", False), ("yes", True)])
def test_the_web_chat_setting(value: str, expected: bool) -> None:
    settings = Settings.from_env({"DVCBOT_WEB_CHAT": value, "DVCBOT_WEB_ORIGINS": "https://a.gov.vn, https://b.gov.vn"})
    assert settings.web_chat is expected and settings.web_origins == ("https://a.gov.vn", "https://b.gov.vn")
    assert bool(settings.unsafe()) is expected, "the web chat is public: it needs a real salt"


def test_dvcbot_run_serves_the_web_chat_without_a_terminal(first_start: Path, tmp_path: Path) -> None:
    """``DVCBOT_WEB_CHAT=1 dvcbot run``: no messenger token, no stdin (as in Docker), both pages served."""
    database = tmp_path / "run.db"
    with closing(sqlite3.connect(first_start)) as source, closing(sqlite3.connect(database)) as target:
        source.backup(target)
    port = free_port()
    env = bot_environment(
        DATABASE_URL=f"sqlite:///{database}",
        DVCBOT_WEB_CHAT="1",
        DVCBOT_USER_SALT="a-test-salt-long-enough",
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(port),
    )
    script = Path(sys.executable).with_name("dvcbot")
    command = [str(script), "run"] if script.exists() else [sys.executable, "-m", "bot", "run"]
    process = subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            page = wait_for(lambda: client.get("/chat"), "the web chat to be served", timeout=90)
            assert page.status_code == 200 and "dvc-root" in page.text
            assert client.get("/widget.js").headers["content-type"].startswith("text/javascript")
        assert process.poll() is None, "the bot keeps running without a terminal"
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert "Web chat on http://127.0.0.1" in err.decode()

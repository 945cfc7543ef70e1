"""Zalo end to end: signed webhook events through the real route, replies to a fake OA API."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
from sqlmodel import select

from bot.app import App, build_app
from bot.channels.zalo import MAX_BUTTONS, PAYLOAD_PREFIX, render
from bot.config import Settings
from bot.messages import Option, Reply
from bot.storage.tables import Event
from bot.testing import Conversation, settled
from tests.fake_zalo import APP_ID, APP_SECRET, OA_SECRET, FakeZalo, event, signed

USER = "3216904426693862293"


def zalo_settings(settings: Settings, fake: FakeZalo, access: str = "access-1") -> Settings:
    return replace(
        settings,
        zalo_app_id=APP_ID,
        zalo_oa_secret_key=OA_SECRET,
        zalo_app_secret=APP_SECRET,
        zalo_access_token=access,
        zalo_refresh_token="refresh-1",
        zalo_api_base_url=fake.base_url,
        zalo_oauth_base_url=fake.base_url,
    )


@asynccontextmanager
async def webhook(settings: Settings, patch: Callable[..., None]) -> AsyncIterator[tuple[App, httpx.AsyncClient]]:
    """The whole bot with its Zalo channel; requests go to its web app in process."""
    patch(settings)
    app = build_app(settings)
    transport = httpx.ASGITransport(app=app.web_app())
    try:
        async with app.running(serve_web=False, background=False):
            async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
                yield app, client
    finally:
        app.close()


async def deliver(client: httpx.AsyncClient, app: App, body: dict[str, Any], secret: str = OA_SECRET) -> int:
    """Post a signed event, wait until its replies are out (the 2-second answer: benchmarks/webhooks.py)."""
    raw, headers = signed(body, secret)
    response = await client.post("/zalo", content=raw, headers=headers)
    await settled(app.inbox, app.outbox)
    return response.status_code


def press(message: dict[str, Any], label: str) -> str:
    for button in message["message"]["attachment"]["payload"]["buttons"]:
        if label in button["title"]:
            return str(button["payload"])
    raise AssertionError(f"no button {label!r}")


def test_a_whole_guide_over_zalo(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        fake = FakeZalo()
        server = await fake.start()
        async with webhook(zalo_settings(settings, fake), patch) as (app, client):
            assert await deliver(client, app, event("follow", USER)) == 200
            assert "Xin chào" in fake.texts(USER)[-1]
            await deliver(client, app, event("user_send_text", USER, "khai sinh"))
            card = fake.to(USER)[-1]
            assert "Đăng ký khai sinh" in card["message"]["text"]
            buttons = fake.buttons(card)
            assert 0 < len(buttons) <= MAX_BUTTONS
            assert any(
                b["type"] == "oa.open.url" and b["payload"]["url"].startswith("https://dichvucong.gov.vn/")
                for b in buttons
            )
            await deliver(client, app, event("user_click_button", USER, press(card, "Hướng dẫn từng bước")))
            step = fake.texts(USER)[-1]
            # Six options (Có, Chưa, Quay lại, Giấy tờ, Vướng, Thoát) > 5 buttons: numbered lines to type.
            assert "Bước 1/6" in step and "\n1. Có" in step and "\n2. Chưa" in step
            assert fake.buttons(fake.to(USER)[-1]) == []
            await deliver(client, app, event("user_send_text", USER, "1"))
            assert "Bước 2/6" in fake.texts(USER)[-1]
            for _ in range(10):
                if "Bạn đã làm xong" in fake.texts(USER)[-1]:
                    break
                await deliver(client, app, event("user_send_text", USER, "tiep"))
            assert "Bạn đã làm xong" in fake.texts(USER)[-1]
            steps = [t.split(":")[0] for t in fake.texts(USER) if t.startswith("Bước")]
            assert steps == [f"Bước {n}/6" for n in range(1, 7)]
            await deliver(client, app, event("user_send_text", USER, "giá vàng hôm nay"))
            assert "chưa có thông tin" in fake.texts(USER)[-1]
            stale = event("user_click_button", USER, f"{PAYLOAD_PREFIX}0ldversion00|nav:next")
            await deliver(client, app, stale)
            assert "Chọn lĩnh vực" in fake.texts(USER)[-1]
            await deliver(client, app, event("user_send_image", USER))
            assert "chỉ đọc được tin nhắn chữ" in fake.texts(USER)[-1]
            before = len(fake.sent)
            await deliver(client, app, event("unfollow", USER))
            await deliver(client, app, event("oa_send_text", USER, "echo"))
            assert len(fake.sent) == before, "unfollow and the OA's own echoes need no answer"
        await fake.stop(server)

    asyncio.run(scenario())


def test_forged_replayed_and_duplicate_events(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        fake = FakeZalo()
        server = await fake.start()
        async with webhook(zalo_settings(settings, fake), patch) as (app, client):
            assert await deliver(client, app, event("user_send_text", USER, "khai sinh"), secret="guessed") == 401
            old = event("user_send_text", USER, "khai sinh", timestamp_ms=int((time.time() - 3 * 86400) * 1000))
            assert await deliver(client, app, old) == 401
            response = await client.post("/zalo", content=b"{not json", headers={"X-ZEvent-Signature": "mac=00"})
            assert response.status_code == 401
            assert fake.sent == []
            once = event("user_send_text", USER, "xin chào")
            for _ in range(3):  # Zalo retries a delivery it did not see answered in time
                assert await deliver(client, app, once) == 200
            assert len(fake.to(USER)) == 1
        await fake.stop(server)

    asyncio.run(scenario())


def test_token_refresh_is_stored_and_survives_a_restart(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        fake = FakeZalo()
        server = await fake.start()
        configured = zalo_settings(settings, fake, access="expired-token")
        async with webhook(configured, patch) as (app, client):
            await deliver(client, app, event("user_send_text", USER, "xin chào"))
            assert fake.refreshes == 1 and len(fake.to(USER)) == 1
        fake.access = "revoked-after-restart"  # the stored access token stops working too
        async with webhook(configured, patch) as (app, client):
            # The configured refresh token was single-use; only the stored new one works now.
            await deliver(client, app, event("user_send_text", USER, "cảm ơn"))
            assert fake.refreshes == 2 and len(fake.to(USER)) == 2
        await fake.stop(server)

    asyncio.run(scenario())


def test_reply_outside_the_window_is_recorded_not_retried(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        fake = FakeZalo()
        server = await fake.start()
        fake.window_closed.add(USER)
        async with webhook(zalo_settings(settings, fake), patch) as (app, client):
            assert await deliver(client, app, event("user_send_text", USER, "xin chào")) == 200
            assert fake.sent == []
            with app.database.session() as session:
                rows = session.exec(select(Event).where(Event.type == "undelivered")).all()
            assert [(row.decision, row.user != USER) for row in rows] == [("zalo:-230", True)]
        await fake.stop(server)

    asyncio.run(scenario())


def test_more_than_five_options_degrade_to_typed_choices() -> None:
    options = tuple(Option(f"Mục {n}", f"open:x{n}") for n in range(7))
    text, buttons = render(Reply("Chọn:", options), "v1")
    assert buttons == []
    assert text.splitlines()[-7:] == [f"{n}. Mục {n - 1}" for n in range(1, 8)]
    text, buttons = render(Reply("Chọn:", options[:3]), "v1")
    assert [b["payload"] for b in buttons] == [f"{PAYLOAD_PREFIX}v1|open:x{n}" for n in range(3)]


def test_same_guide_content_on_terminal_and_zalo(settings: Settings, patch, app) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(app.engine, user_id="same")
    chat.say("đăng ký tạm trú").press("Hướng dẫn từng bước")
    terminal_steps = [chat.replies[-1].text]
    chat.say("co")
    terminal_steps.append(chat.replies[-1].text)

    async def scenario() -> list[str]:
        fake = FakeZalo()
        server = await fake.start()
        async with webhook(zalo_settings(settings, fake), patch) as (bot, client):
            await deliver(client, bot, event("user_send_text", USER, "đăng ký tạm trú"))
            await deliver(
                client, bot, event("user_click_button", USER, press(fake.to(USER)[-1], "Hướng dẫn từng bước"))
            )
            first = fake.texts(USER)[-1]
            await deliver(client, bot, event("user_send_text", USER, "co"))
            second = fake.texts(USER)[-1]
        await fake.stop(server)
        return [first, second]

    zalo_steps = asyncio.run(scenario())
    for terminal, zalo in zip(terminal_steps, zalo_steps, strict=True):
        assert zalo.startswith(terminal)


def test_events_without_an_id_and_old_replays_are_answered_once(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        fake = FakeZalo()
        server = await fake.start()
        async with webhook(replace(zalo_settings(settings, fake), flood_burst=100), patch) as (app, client):
            bare = event("user_send_text", USER, "xin chào")
            del bare["message"]["msg_id"]  # some events come without an id
            for _ in range(2):
                assert await deliver(client, app, bare) == 200
            assert len(fake.to(USER)) == 1, "the same sender, time and body is the same event"

            first = event("user_send_text", USER, "cảm ơn")
            assert await deliver(client, app, first) == 200
            for number in range(31):  # more than the 30 ids a conversation used to remember
                await deliver(client, app, event("user_send_text", USER, f"tạm biệt {number}"))
            before = len(fake.to(USER))
            assert await deliver(client, app, first) == 200  # a signed event replayed later
            assert len(fake.to(USER)) == before, "kept for the whole dedupe period, not the last 30"
        await fake.stop(server)

    asyncio.run(scenario())

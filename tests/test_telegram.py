"""Telegram end to end: the real python-telegram-bot Application against a fake Bot API server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace

import httpx
import pytest

from bot.app import App, build_app
from bot.channels.telegram import SECRET_HEADER
from bot.config import Settings
from bot.messages import split_text
from tests.fake_telegram import FakeTelegram, Sent

USER = 5001


@pytest.fixture
def tg_settings(settings: Settings) -> Settings:
    return replace(settings, telegram_token="123:TEST")


@asynccontextmanager
async def running(
    settings: Settings, fake: FakeTelegram, patch: Callable[..., None], webhook: bool = False
) -> AsyncIterator[App]:
    """The whole bot -- gateway, couriers, the Telegram channel -- against the fake Bot API."""
    patch(settings)
    app = build_app(
        replace(
            settings,
            telegram_api_base_url=fake.base_url,
            telegram_webhook_url="https://bot.example.gov.vn/telegram" if webhook else "",
        )
    )
    fake.pending = lambda: app.outbox.backlog("telegram")  # a turn ends only once its replies are all sent
    try:
        async with app.running(serve_web=False, background=False):
            yield app
    finally:
        app.close()


def button(message: Sent, label: str) -> str:
    for item in message.buttons:
        if label in item.get("text", ""):
            return str(item["callback_data"])
    raise AssertionError(f"no button {label!r} in {[b.get('text') for b in message.buttons]}: {message.text[:300]}")


def run(coroutine: Awaitable[None]) -> None:
    asyncio.run(coroutine)  # type: ignore[arg-type]


def test_start_question_and_a_whole_guide_by_buttons(tg_settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        fake = FakeTelegram()
        server = await fake.start()
        async with running(tg_settings, fake, patch) as app:
            assert {c.get("language_code") for c in fake.commands} == {None, "en"}
            fake.user_says(USER, "/start")
            sent = await fake.turn(USER)
            assert "Xin chào" in sent[-1].text and "OTP" in sent[-1].text
            fake.user_says(USER, "lam giay khai sinh cho con")
            card = (await fake.turn(USER))[-1]
            assert "Đăng ký khai sinh" in card.text and "Miễn phí" in card.text
            assert any(b.get("url", "").startswith("https://dichvucong.gov.vn/") for b in card.buttons)
            data = button(card, "Hướng dẫn từng bước")
            assert data.startswith(app.catalog.version + "|") and len(data.encode()) <= 64
            fake.press(USER, data)
            sent = await fake.turn(USER)  # what to have ready, then step 1
            assert "Bước 1/6" in sent[-1].text
            assert fake.answered, "the button press must be answered so the spinner stops"
            fake.press(USER, button(sent[-1], "Có"))
            sent = await fake.turn(USER)
            for _ in range(12):
                if "Bạn đã làm xong" in sent[-1].text:
                    break
                fake.press(USER, button(sent[-1], "Tiếp theo"))
                sent = await fake.turn(USER)
            steps = [m.text.split(":")[0] for m in fake.to(USER) if m.text.startswith("Bước")]
            assert steps == [f"Bước {n}/6" for n in range(1, 7)]
            fake.press(USER, button(sent[-1], "👍"))
            assert "Cảm ơn" in (await fake.turn(USER))[-1].text
        await fake.stop(server)

    run(scenario())


def test_branch_stale_button_photo_and_flood(tg_settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        fake = FakeTelegram()
        server = await fake.start()
        paced = replace(tg_settings, flood_burst=6, flood_rate=0.2, flood_max_delay=5)
        async with running(paced, fake, patch):
            fake.user_says(USER, "khai sinh")
            sent = await fake.turn(USER)
            fake.press(USER, button(sent[-1], "Hướng dẫn từng bước"))
            sent = await fake.turn(USER)
            fake.press(USER, button(sent[-1], "Chưa"))
            sent = await fake.turn(USER)
            assert "[Đăng ký tài khoản định danh điện tử VNeID mức 2] Bước 1/" in sent[-1].text
            fake.press(USER, "0ldversion00|nav:next")
            sent = await fake.turn(USER)
            assert "Chọn lĩnh vực" in sent[-1].text
            assert any("cũ" in (a.get("text") or "") for a in fake.answered)
            fake.send_photo(USER)
            sent = await fake.turn(USER)
            assert "chỉ đọc được tin nhắn chữ" in sent[-1].text
            # Flooding is shown on a user of its own, whose ten messages arrive together: how many
            # are on pace does not depend on how long the steps above took on a busy machine.
            flooder = USER + 2
            for number in range(10):
                fake.user_says(flooder, f"xin chao {number}")
            after = await fake.turn(flooder, quiet=0.6, at_least=7)
            assert sum("nhanh hơn" in m.text for m in after) == 1, [m.text[:40] for m in after]
            # The first 6 are on pace and answered; the 7th waits 5 s (queued); the rest are refused.
            assert sum("Xin chào" in m.text for m in after) == 6, [m.text[:40] for m in after]
            queued = await fake.turn(flooder, timeout=15)
            assert len(queued) == 1 and "Xin chào" in queued[0].text, "the queued message is answered, later"
        await fake.stop(server)

    run(scenario())


def test_restart_mid_guide_resumes_at_the_same_step(tg_settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        fake = FakeTelegram()
        server = await fake.start()
        async with running(tg_settings, fake, patch):
            fake.user_says(USER, "tam tru")
            sent = await fake.turn(USER)
            fake.press(USER, button(sent[-1], "Hướng dẫn từng bước"))
            sent = await fake.turn(USER)
            assert "Bước 1/" in sent[-1].text
            fake.press(USER, button(sent[-1], "Có"))
            assert "Bước 2/" in (await fake.turn(USER))[-1].text
        async with running(tg_settings, fake, patch):
            fake.user_says(USER, "tiếp")
            assert "Bước 3/" in (await fake.turn(USER))[-1].text
        await fake.stop(server)

    run(scenario())


def test_retry_after_429_loses_no_reply_and_groups_need_a_mention(tg_settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        fake = FakeTelegram()
        server = await fake.start()
        async with running(tg_settings, fake, patch):
            fake.errors.append(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                }
            )
            fake.user_says(USER, "xin chào")
            sent = await fake.turn(USER, timeout=15)
            assert "Xin chào" in sent[-1].text
            fake.user_says(USER + 1, "/start", language="en")
            assert "Hello!" in (await fake.turn(USER + 1))[-1].text, "the Telegram language picks the first locale"
            group = -100777
            fake.user_says(USER, "khai sinh", chat_id=group, kind="supergroup")
            fake.user_says(USER, "@dvc_test_bot khai sinh", chat_id=group, kind="supergroup")
            sent = await fake.turn(group, quiet=0.4)
            assert len(sent) == 1 and "Đăng ký khai sinh" in sent[0].text
        await fake.stop(server)

    run(scenario())


def test_webhook_checks_the_secret_and_handles_a_retry_once(tg_settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        fake = FakeTelegram()
        server = await fake.start()
        secret = "s3cr3t-token_ok"
        async with running(replace(tg_settings, telegram_webhook_secret=secret), fake, patch, webhook=True) as app:
            transport = httpx.ASGITransport(app=app.web_app())
            async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
                update = fake.message_update(USER, "xin chào")
                for headers in ({}, {SECRET_HEADER: "wrong"}):
                    response = await client.post("/telegram", json=update, headers=headers)
                    assert response.status_code == 403
                assert fake.to(USER) == []
                for _ in range(2):  # Telegram retries a delivery it thinks failed
                    response = await client.post("/telegram", json=update, headers={SECRET_HEADER: secret})
                    assert response.status_code == 200
                sent = await fake.turn(USER)
                assert len(fake.to(USER)) == 1 and "Xin chào" in sent[0].text
                assert (await client.get("/healthz")).json() == {"status": "ok"}
        await fake.stop(server)

    run(scenario())


def test_split_text_on_line_boundaries() -> None:
    text = "\n".join(f"dòng {n} " + "x" * 50 for n in range(200))
    chunks = split_text(text, 4096)
    assert all(len(chunk) <= 4096 for chunk in chunks) and len(chunks) >= 3
    assert "\n".join(chunks) == text
    assert split_text("y" * 9000, 4096) == ["y" * 4096, "y" * 4096, "y" * 808]

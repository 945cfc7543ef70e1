"""The real bot process, killed and shared: no reply is lost, none is sent twice, caps hold.

* killed with SIGKILL right after a message's commit and before its reply is sent (the fault
  point ``after-commit``), then restarted: the fake Bot API receives the missing reply, in
  order, and the updates Telegram delivers again are answered once;
* two processes on one PostgreSQL database behind one bot: no second carries more than 30
  sends, every reply is delivered, none twice.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from bot.channels.telegram import SECRET_HEADER
from tests.fake_telegram import FakeTelegram, free_port
from tests.processes import bot_environment

ROOT = Path(__file__).resolve().parent.parent
SECRET = "crash-test-secret"
USER = 6001


def bot_env(fake: FakeTelegram, database_url: str, **extra: str) -> dict[str, str]:
    return bot_environment(
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN=fake.token,
        TELEGRAM_API_BASE_URL=fake.base_url,
        DVCBOT_USER_SALT="crash-test-salt-not-the-development-one",
        DVCBOT_CHAT_BURST="50",
        **extra,
    )


def start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stderr=subprocess.PIPE)


async def ready_polling(fake: FakeTelegram, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Wait until the bot polls the fake (it has started)."""
    before = fake.calls.count("getUpdates")
    for _ in range(int(timeout * 20)):
        if fake.calls.count("getUpdates") > before:
            return
        if process.poll() is not None:
            raise AssertionError((process.stderr.read() if process.stderr else b"").decode()[-3000:])
        await asyncio.sleep(0.05)
    raise AssertionError("the bot never polled")


async def exited(process: subprocess.Popen[bytes], timeout: float = 30) -> int:
    for _ in range(int(timeout * 20)):
        if process.poll() is not None:
            return process.returncode
        await asyncio.sleep(0.05)
    raise AssertionError("the process did not exit")


async def stop(process: subprocess.Popen[bytes]) -> None:
    """Interrupt the bot and wait without blocking the loop: the fake platform must answer its
    last calls while it shuts down (a blocking wait starved them until their time-out)."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            await exited(process, timeout=30)
        except AssertionError:
            process.kill()
            process.wait()


def test_killed_after_the_commit_the_restarted_bot_sends_the_missing_reply_in_order(database_url: str) -> None:
    async def scenario() -> None:
        fake = FakeTelegram()
        server = await fake.start()
        first = start(bot_env(fake, database_url, DVCBOT_FAULT="after-commit:2"))
        try:
            await ready_polling(fake, first)
            fake.user_says(USER, "xin chào")
            assert "Xin chào" in (await fake.turn(USER, timeout=30))[0].text
            fake.user_says(USER, "khai sinh")  # committed with its reply, then SIGKILL before the send
            assert await exited(first) == -signal.SIGKILL
            assert len(fake.to(USER)) == 1, "the second reply was never sent"
        finally:
            await stop(first)
        second = start(bot_env(fake, database_url))
        try:
            missing = await fake.turn(USER, timeout=60)
            assert len(missing) == 1 and "Đăng ký khai sinh" in missing[0].text
            fake.user_says(USER, "cảm ơn")
            await fake.turn(USER, timeout=30)
            texts = [message.text for message in fake.to(USER)]
            assert ["Xin chào" in texts[0], "Đăng ký khai sinh" in texts[1], "Không có gì" in texts[2]] == [True] * 3
            assert len(texts) == 3, "the updates Telegram delivered again were answered once"
        finally:
            await stop(second)
        await fake.stop(server)

    asyncio.run(scenario())


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="two bot processes need PostgreSQL")
def test_two_processes_on_one_postgres_database_share_the_caps(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serves one bot process (a second is refused: test_storage)")
    users, texts = 40, ["xin chào", "cảm ơn", "tạm biệt"]

    async def scenario() -> None:
        fake = FakeTelegram()
        server = await fake.start()
        ports = [free_port(), free_port()]
        webhook = {"TELEGRAM_WEBHOOK_URL": "https://bot.example.gov.vn/telegram", "TELEGRAM_WEBHOOK_SECRET": SECRET}
        processes = [
            start(bot_env(fake, database_url, WEB_HOST="127.0.0.1", WEB_PORT=str(port), **webhook)) for port in ports
        ]
        try:
            async with httpx.AsyncClient(timeout=30) as client:
                for port, process in zip(ports, processes, strict=True):
                    await until_healthy(client, port, process)

                async def user(number: int) -> None:
                    for index, text in enumerate(texts):  # each message to the other process
                        update = fake.message_update(1000 + number, text)
                        port = ports[(number + index) % 2]
                        response = await client.post(
                            f"http://127.0.0.1:{port}/telegram", json=update, headers={SECRET_HEADER: SECRET}
                        )
                        assert response.status_code == 200

                await asyncio.gather(*(user(number) for number in range(users)))
            for _ in range(1200):
                if len(fake.sent) >= users * len(texts):
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(1.0)  # anything sent twice would arrive now
        finally:
            for process in processes:
                await stop(process)
        await fake.stop(server)
        assert len(fake.sent) == users * len(texts), "every reply delivered, none twice"
        for number in range(users):
            got = [message.text for message in fake.to(1000 + number)]
            assert ["Xin chào" in got[0], "Không có gì" in got[1], "quay lại hỏi mình" in got[2]] == [True] * 3, got
        # The caps hold where they are enforced: when a send is granted (the outbox keeps the
        # time). Arrival times at the fake server add the machine's scheduling jitter on top.
        engine = create_engine(database_url)
        with engine.connect() as connection:
            granted = connection.execute(
                text("SELECT granted_at FROM outbox WHERE channel = 'telegram' AND granted_at IS NOT NULL")
            ).scalars()
            times = sorted(moment.timestamp() for moment in granted)
        engine.dispose()
        assert len(times) >= users * len(texts)
        busiest = max(sum(1 for t in times if start_at <= t < start_at + 1.0) for start_at in times)
        assert busiest <= 30, f"{busiest} sends granted within one second"

    asyncio.run(scenario())


async def until_healthy(client: httpx.AsyncClient, port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(1200):
        try:
            if (await client.get(f"http://127.0.0.1:{port}/healthz", timeout=1)).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise AssertionError((process.stderr.read() if process.stderr else b"").decode()[-3000:])
        await asyncio.sleep(0.05)
    raise AssertionError("the bot did not start")

"""Webhook burst benchmark: how fast the bot acknowledges updates, and that it answers them all.

For each channel (Telegram, Zalo) and database (SQLite, PostgreSQL) it starts the real bot
(``python -m bot run``, webhook mode) against a fake platform API on loopback, fires updates
from ``--concurrency`` keep-alive connections for ``--seconds``, then waits until every
accepted update has been answered at the channel's send cap. Prints JSON: acknowledged
updates per second, acknowledgement latency p50/p99, HTTP errors, and the answered rate.

    .venv/bin/python benchmarks/webhooks.py [--channel telegram|zalo|all]
        [--database sqlite|postgres|all] [--seconds 10] [--concurrency 64] [--users 2000]

PostgreSQL runs use ``BENCH_DATABASE_URL`` (default: the local test database, in a fresh
schema). The load generator speaks raw HTTP/1.1 so that it, not the bot, is never the limit.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_telegram import FakeTelegram, free_port  # noqa: E402
from tests.fake_zalo import APP_ID, APP_SECRET, OA_SECRET, FakeZalo  # noqa: E402

SECRET = "bench-webhook-secret"
MESSAGES = ["xin chào", "cảm ơn", "làm căn cước", "đăng ký khai sinh", "menu"]
POSTGRES = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def telegram_bodies(users: int) -> Iterator[tuple[str, bytes, dict[str, str]]]:
    """Distinct Telegram updates (path, body, headers), users picked at random."""
    for update_id in itertools.count(1):
        user = 100_000 + random.randrange(users)
        update = {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": int(time.time()),
                "chat": {"id": user, "type": "private"},
                "from": {"id": user, "is_bot": False, "first_name": "A", "language_code": "vi"},
                "text": random.choice(MESSAGES),
            },
        }
        yield "/telegram", json.dumps(update).encode(), {"X-Telegram-Bot-Api-Secret-Token": SECRET}


def zalo_bodies(users: int) -> Iterator[tuple[str, bytes, dict[str, str]]]:
    """Distinct, signed Zalo events (path, body, headers)."""
    for number in itertools.count(1):
        user = str(3_000_000_000 + random.randrange(users))
        timestamp = str(int(time.time() * 1000))
        event = {
            "app_id": APP_ID,
            "event_name": "user_send_text",
            "sender": {"id": user},
            "recipient": {"id": "oa"},
            "message": {"msg_id": f"bench{number}", "text": random.choice(MESSAGES)},
            "timestamp": timestamp,
        }
        body = json.dumps(event, ensure_ascii=False).encode()
        mac = hashlib.sha256(APP_ID.encode() + body + timestamp.encode() + OA_SECRET.encode()).hexdigest()
        yield "/zalo", body, {"X-ZEvent-Signature": f"mac={mac}"}


async def connection(
    port: int, bodies: Iterator[tuple[str, bytes, dict[str, str]]], deadline: float, results: list[tuple[float, int]]
) -> None:
    """One keep-alive connection posting as fast as the bot answers, until ``deadline``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            path, body, headers = next(bodies)
            head = f"POST {path} HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
            head += f"Content-Length: {len(body)}\r\n"
            head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
            started = time.perf_counter()
            writer.write(head.encode() + b"\r\n" + body)
            await writer.drain()
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            results.append((time.perf_counter() - started, status))
    finally:
        writer.close()


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)] if ordered else 0.0


async def start_bot(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """``python -m bot run`` in webhook mode; returns once /healthz answers (the fake API keeps serving)."""
    process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stderr=subprocess.PIPE)
    async with httpx.AsyncClient() as client:
        for _ in range(600):
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz", timeout=1)).status_code == 200:
                    return process
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise RuntimeError((process.stderr.read() if process.stderr else b"").decode())
            await asyncio.sleep(0.1)
    raise RuntimeError("the bot did not start")


def database_url(kind: str, folder: Path) -> tuple[str, Callable[[], None]]:
    """A fresh database of ``kind`` and how to drop it."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}", lambda: None
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    separator = "&" if "?" in POSTGRES else "?"
    return f"{POSTGRES}{separator}options=-csearch_path%3D{schema}", drop


def bot_environment(
    fake: FakeTelegram | FakeZalo, url: str, port: int, args: argparse.Namespace
) -> tuple[dict[str, str], Iterator[tuple[str, bytes, dict[str, str]]]]:
    """The bot's environment for one channel, and the request bodies of the burst."""
    env = dict(os.environ, DATABASE_URL=url, WEB_HOST="127.0.0.1", WEB_PORT=str(port))
    env["DVCBOT_USER_SALT"] = "bench-" + uuid.uuid4().hex
    env["DVCBOT_BACKLOG_LIMIT"] = str(args.backlog)
    if isinstance(fake, FakeTelegram):
        env |= {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.gov.vn/telegram",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
        }
        return env, telegram_bodies(args.users)
    env |= {
        "ZALO_APP_ID": APP_ID,
        "ZALO_OA_SECRET_KEY": OA_SECRET,
        "ZALO_APP_SECRET": APP_SECRET,
        "ZALO_ACCESS_TOKEN": "access-1",
        "ZALO_REFRESH_TOKEN": "refresh-1",
        "ZALO_API_BASE_URL": fake.base_url,
        "ZALO_OAUTH_BASE_URL": fake.base_url,
    }
    return env, zalo_bodies(args.users)


async def run_one(channel: str, kind: str, args: argparse.Namespace) -> dict[str, object]:
    """One burst against one channel on one database."""
    fake: FakeTelegram | FakeZalo = FakeTelegram() if channel == "telegram" else FakeZalo()
    server = await fake.start()
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        url, drop = database_url(kind, Path(folder))
        env, bodies = bot_environment(fake, url, port, args)
        bot = await start_bot(env, port)
        try:
            results: list[tuple[float, int]] = []
            began = time.perf_counter()
            deadline = began + args.seconds
            await asyncio.gather(*(connection(port, bodies, deadline, results) for _ in range(args.concurrency)))
            burst = time.perf_counter() - began
            accepted = sum(1 for _, status in results if status == 200)
            sent_at_burst_end = len(fake.sent)
            drain_started = time.perf_counter()
            while len(fake.sent) < accepted and time.perf_counter() - drain_started < args.drain_timeout:
                await asyncio.sleep(0.5)
            drained = time.perf_counter() - drain_started
        finally:
            bot.send_signal(signal.SIGINT)
            try:
                bot.wait(timeout=30)
            except subprocess.TimeoutExpired:
                bot.kill()
            drop()
        await fake.stop(server)
    latencies = [latency for latency, _ in results]
    statuses: dict[str, int] = {}
    for _, status in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    answered_after = len(fake.sent) - sent_at_burst_end
    return {
        "channel": channel,
        "database": kind,
        "concurrency": args.concurrency,
        "seconds": round(burst, 2),
        "requests": len(results),
        "acknowledged_per_s": round(accepted / burst, 1),
        "ack_p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
        "ack_p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "statuses": statuses,
        "errors": sum(count for status, count in statuses.items() if status != "200"),
        "replies": len(fake.sent),
        "all_answered": len(fake.sent) >= accepted,
        "answered_per_s_after_burst": round(answered_after / drained, 1) if drained else None,
    }


def main() -> None:
    """Run the selected combinations and print one JSON object per line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--channel", choices=("telegram", "zalo", "all"), default="all")
    parser.add_argument("--database", choices=("sqlite", "postgres", "all"), default="all")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--backlog", type=int, default=10_000)
    parser.add_argument("--drain-timeout", type=float, default=600.0)
    args = parser.parse_args()
    channels = ("telegram", "zalo") if args.channel == "all" else (args.channel,)
    databases = ("sqlite", "postgres") if args.database == "all" else (args.database,)
    for channel in channels:
        for kind in databases:
            print(json.dumps(asyncio.run(run_one(channel, kind, args))), flush=True)


if __name__ == "__main__":
    main()

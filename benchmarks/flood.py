"""Flood benchmark: one user sending 1,000 messages must not slow everyone else down.

The whole path runs in process -- gateway, inbox, engine, outbox, a courier with Telegram's
send caps -- with a collecting channel standing in for the platform. Ordinary users each
send a message, wait for the reply and pause; their reply latency (accepted → delivered) is
measured once with nobody flooding and once while a flooder fires 1,000 messages as fast as
a webhook takes them. Prints JSON: p50/p99 of the ordinary users in both phases, the
ratio of the p99s (the target is ≤ 2), and what became of the flooder's messages.

    .venv/bin/python benchmarks/flood.py [--users 10] [--seconds 15] [--database sqlite|postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import App, build_app, send_limits  # noqa: E402
from bot.channels.base import Acceptance  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.messages import Address, Inbound  # noqa: E402
from bot.testing import CollectingChannel  # noqa: E402

POSTGRES = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
QUESTIONS = ["xin chào", "làm căn cước", "đăng ký khai sinh", "cảm ơn"]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile in milliseconds."""
    ordered = sorted(values)
    return round(ordered[max(0, int(len(ordered) * share) - 1)] * 1000, 1) if ordered else 0.0


async def ordinary(app: App, channel: CollectingChannel, user: str, until: float, latencies: list[float]) -> None:
    """A user who asks, waits for the answer, reads it for a second, and asks again."""
    address = Address(channel.channel, user, user)
    number = 0
    while time.perf_counter() < until:
        before = len(channel.texts(user))
        started = time.perf_counter()
        inbound = Inbound(address, text=QUESTIONS[number % len(QUESTIONS)], received_at=app.clock.now())
        await app.gateway.submit(inbound)
        while len(channel.texts(user)) == before:
            await asyncio.sleep(0.002)
        latencies.append(time.perf_counter() - started)
        number += 1
        await asyncio.sleep(1.0)


async def flooder(app: App, channel: CollectingChannel, count: int) -> dict[str, int]:
    """A user firing ``count`` messages as fast as they are taken."""
    address = Address(channel.channel, "flooder", "flooder")
    verdicts: dict[str, int] = {}
    for number in range(count):
        result: Acceptance = await app.gateway.submit(
            Inbound(address, text=f"spam {number}", received_at=app.clock.now())
        )
        verdicts[result.value] = verdicts.get(result.value, 0) + 1
    return verdicts


async def phase(app: App, channel: CollectingChannel, users: int, seconds: float, flood: int) -> dict[str, object]:
    """Ordinary users for ``seconds``, with ``flood`` messages from one flooder a second in."""
    latencies: list[float] = []
    until = time.perf_counter() + seconds
    tasks = [ordinary(app, channel, f"user-{n}", until, latencies) for n in range(users)]
    verdicts: dict[str, int] = {}
    if flood:

        async def fire() -> None:
            await asyncio.sleep(1.0)
            verdicts.update(await flooder(app, channel, flood))

        tasks.append(fire())
    await asyncio.gather(*tasks)
    return {
        "replies_measured": len(latencies),
        "p50_ms": percentile(latencies, 0.5),
        "p99_ms": percentile(latencies, 0.99),
        "flooder": verdicts,
    }


async def run(kind: str, users: int, seconds: float) -> dict[str, object]:
    """A quiet phase, then a flooded one, on a fresh database of ``kind``."""
    folder = tempfile.mkdtemp()
    schema = None
    if kind == "sqlite":
        url = f"sqlite:///{Path(folder) / 'flood.db'}"
    else:
        schema = f"flood_{uuid.uuid4().hex[:8]}"
        with create_engine(POSTGRES).begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{POSTGRES}{'&' if '?' in POSTGRES else '?'}options=-csearch_path%3D{schema}"
    settings = replace(Settings(), database_url=url, user_salt="flood-bench")
    app = build_app(settings, SystemClock(), channels=False)
    channel = CollectingChannel("bench", limits=send_limits(settings.telegram_send_rate, settings))
    app.add_channel(channel)
    try:
        async with app.running(serve_web=False, background=False):
            quiet = await phase(app, channel, users, seconds, flood=0)
            flooded = await phase(app, channel, users, seconds, flood=1000)
    finally:
        app.close()
        if schema is not None:
            with create_engine(POSTGRES).begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    flooder_replies = len(channel.texts("flooder"))
    ratio = round(float(flooded["p99_ms"]) / float(quiet["p99_ms"]), 2) if quiet["p99_ms"] else None  # type: ignore[arg-type]
    return {
        "database": kind,
        "ordinary_users": users,
        "quiet": quiet,
        "while_flooded": flooded,
        "p99_ratio": ratio,
        "flooder_replies": flooder_replies,
    }


def main() -> None:
    """Run both phases and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.database, args.users, args.seconds)), indent=2))


if __name__ == "__main__":
    main()

"""The bot with its officer console, served from a thread on a manual clock, for the console tests.

Shared by the browser tests (``tests/test_console*.py``): a copy of the first-start database (or a
PostgreSQL schema), ``DVCBOT_CONSOLE`` on, an admin and two officers of different communes, and
the usage events of both communes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.app import App, build_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.console.accounts import Accounts, ConsoleRole
from bot.storage.tables import Event
from tests.browser import Browser, free_port
from tests.conftest import _postgres_schema_url

# A fixed moment, nowhere near today: nothing in these tests depends on the date they run.
START = dt.datetime(2030, 3, 10, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội
PASSWORD = "mat-khau-rat-dai-2030"
COMMUNE_A, COMMUNE_B = "26740", "00004"  # Phường Sài Gòn (TP HCM), Phường Ba Đình (Hà Nội)
ADMIN, OFFICER_A, OFFICER_B = "admin.tinh", "canbo.saigon", "canbo.badinh"


@dataclass
class Running:
    """The served bot: its app, base URL and clock."""

    app: App
    base: str
    clock: ManualClock
    loop: asyncio.AbstractEventLoop
    stopping: asyncio.Event


def _database_url(backend: str, folder: Path, first_start: Path) -> Iterator[str]:
    if backend == "postgres":
        yield from _postgres_schema_url()
        return
    file = folder / "bot.db"
    with closing(sqlite3.connect(first_start)) as source, closing(sqlite3.connect(file)) as target:
        source.backup(target)
    yield f"sqlite:///{file}"


def seed(app: App) -> None:
    """The accounts and a week of usage in two communes (A busier than B)."""
    accounts = Accounts(app.database, app.settings.user_salt, app.settings.admins)
    accounts.add(ADMIN, PASSWORD, ConsoleRole.ADMIN, START)
    accounts.add(OFFICER_A, PASSWORD, ConsoleRole.OFFICER, START, commune=COMMUNE_A)
    accounts.add(OFFICER_B, PASSWORD, ConsoleRole.OFFICER, START, commune=COMMUNE_B)
    rows = []
    for day in range(7):
        at = START - dt.timedelta(days=day + 1)
        for user in range(3):
            rows.append(Event(at=at, channel="telegram", user=f"a{user}", type="message", commune=COMMUNE_A))
        rows.append(Event(at=at, channel="zalo", user="b0", type="message", commune=COMMUNE_B))
    with app.database.session() as session:
        session.add_all(rows)


@contextmanager
def serving(backend: str, folder: Path, first_start: Path, **overrides: Any) -> Iterator[Running]:
    """The bot with the console on a free port of 127.0.0.1 until the block ends (``overrides``: more settings)."""
    urls = _database_url(backend, folder, first_start)
    port = free_port()
    settings = replace(
        Settings(),
        database_url=next(urls),
        user_salt="test-salt",
        console=True,
        web_host="127.0.0.1",
        web_port=port,
        chat_burst=50,
        chat_per_10s=500,
    )
    settings = replace(settings, **overrides)
    clock = ManualClock(START)
    app = build_app(settings, clock)
    seed(app)
    started = threading.Event()
    holder: dict[str, object] = {}

    async def serve() -> None:
        holder["loop"], holder["stopping"] = asyncio.get_running_loop(), asyncio.Event()
        async with app.running(background=False):
            started.set()
            await holder["stopping"].wait()  # type: ignore[attr-defined]

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    assert started.wait(60), "the bot did not start"
    loop, stopping = holder["loop"], holder["stopping"]
    assert isinstance(loop, asyncio.AbstractEventLoop) and isinstance(stopping, asyncio.Event)
    try:
        yield Running(app, f"http://127.0.0.1:{port}", clock, loop, stopping)
    finally:
        loop.call_soon_threadsafe(stopping.set)
        thread.join(60)
        app.close()
        next(urls, None)


def sign_in(browser: Browser, base: str, login: str) -> None:
    """The console's sign-in form filled and sent (every account has :data:`PASSWORD`)."""
    browser.get(f"{base}/console/sign-in")
    browser.type("#f-login", login)
    browser.type("#f-password", PASSWORD + "\n")
    browser.wait_until(lambda: "/console/sign-in" not in browser.url, "the console")

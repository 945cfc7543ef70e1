"""Shared fixtures: settings on a fresh database (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import datetime as dt
import io
import os
import select
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import SupportsIndex

import pytest
from sqlalchemy import create_engine, text

from bot.app import App, build_app
from bot.catalog.versions import encode
from bot.clock import ManualClock
from bot.config import Settings
from bot.storage.database import Database
from bot.testing import Conversation
from intents import Index, Router, build_router
from procedures.catalog import Catalog

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")

if os.environ.get("FAKETIME"):
    # The suite runs a second time with the date three years ahead (libfaketime, with the
    # monotonic clock left real). libfaketime 0.9.10 (Debian 12) answers EINVAL to the
    # clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) that time.sleep uses on Linux;
    # select() waits the same time without it.
    def _sleep(seconds: float | SupportsIndex) -> None:
        select.select([], [], [], float(seconds))

    time.sleep = _sleep
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Two workers per core for ``-n auto``: most tests wait on a bot's replies, not on the CPU.

    Measured on a quiet 2-core machine: 2 workers 108 s, 3 workers 87 s, 4 workers 81 s.
    """
    return 2 * (os.cpu_count() or 1)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped catalog, loaded once."""
    return Catalog.load()


@pytest.fixture(scope="session")
def digest(catalog: Catalog) -> str:
    """The digest of the shipped catalog's encoding (what the bot compares with the database's version), once."""
    return encode(catalog.entries.values(), catalog.listing.values()).digest


@pytest.fixture(scope="session")
def router(catalog: Catalog) -> Router:
    """The router over the shipped catalog, built once."""
    return build_router(catalog)


@pytest.fixture(scope="session")
def chatterless(router: Router) -> Index:
    """The shipped index without off-topic chatter: what a model alone turns away is tested on it."""
    return Index.build([doc for doc in router.index.docs if doc.intent != "chatter"])


def _postgres_schema_url() -> Iterator[str]:
    """A private schema in the test database, dropped afterwards (tests may run in parallel CI)."""
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database URL per test: a SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
    else:
        yield from _postgres_schema_url()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A fresh, migrated database."""
    db = Database(database_url)
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for a test bot."""
    # A generous per-chat burst: tests read a turn as "messages, then a short silence".
    # No start-up cache: the session's catalog and router are reused instead (see ``patch``).
    return replace(
        Settings(), database_url=database_url, user_salt="test-salt", chat_burst=50, chat_per_10s=500, cache_dir="off"
    )


@dataclass(frozen=True)
class SessionCatalog:
    """The session's catalog, the digest of its encoding and its router, built once."""

    catalog: Catalog
    digest: str
    router: Router

    def reuse(self, scope: pytest.MonkeyPatch) -> None:
        """Make ``build_app`` (within ``scope``) take these instead of reading and building them."""
        scope.setattr("bot.app.load_catalog", lambda _settings: self.catalog)
        scope.setattr("bot.app._shipped", lambda _settings: (self.catalog, self.digest))
        scope.setattr("bot.app.build_router", lambda _catalog, _thresholds=None: self.router)


@pytest.fixture(scope="session")
def session_catalog(catalog: Catalog, digest: str, router: Router) -> SessionCatalog:
    """What bots of this session reuse: with ``patch`` per test, or ``reuse`` in a module's own scope."""
    return SessionCatalog(catalog, digest, router)


@pytest.fixture(scope="session")
def first_start(session_catalog: SessionCatalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file as the bot's first start leaves it: migrated, the shipped catalog stored as version 1."""
    path = tmp_path_factory.mktemp("first-start") / "bot.db"
    with pytest.MonkeyPatch.context() as scope:
        session_catalog.reuse(scope)
        build_app(replace(Settings(), database_url=f"sqlite:///{path}", user_salt="test-salt", cache_dir="off")).close()
    return path


@pytest.fixture
def patch(session_catalog: SessionCatalog, first_start: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Make ``build_app`` reuse the session's catalog and router (building them takes seconds).

    ``patch(settings)`` also starts the settings' SQLite database, if it does not exist yet, as
    a copy of ``first_start``: storing the catalog's first version takes a third of a second,
    once per session instead of once per bot. Only for bots on the system clock -- that version
    carries the session's start time, not a manual clock's.
    """

    def apply(settings: Settings | None = None) -> None:
        session_catalog.reuse(monkeypatch)
        if settings is None or not settings.database_url.startswith("sqlite:///"):
            return
        file = Path(settings.database_url.removeprefix("sqlite:///"))
        if not file.exists():
            with closing(sqlite3.connect(first_start)) as source, closing(sqlite3.connect(file)) as target:
                source.backup(target)

    return apply


@pytest.fixture
def app(settings: Settings, patch: Callable[..., None]) -> Iterator[App]:
    """A fully wired bot on a fresh database (catalog, router and the catalog's first version reused for speed)."""
    patch(settings)
    built = build_app(settings)
    yield built
    built.close()


@pytest.fixture
def two_bots(settings: Settings, patch: Callable[..., None]) -> Iterator[tuple[App, App]]:
    """Two bots on one database, standing for two processes, on one manual clock (2026-12-01)."""
    patch(settings)
    clock = ManualClock(dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC))
    first, second = build_app(settings, clock), build_app(settings, clock)
    yield first, second
    second.close()
    first.close()


@pytest.fixture
def chat(app: App) -> Conversation:
    """A conversation with the test bot."""
    return Conversation(app.engine)


@dataclass(frozen=True)
class Ran:
    """What one ``dvcbot`` command printed, and its exit status."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def dvcbot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """The ``dvcbot`` command line, called in this process: ``dvcbot("catalog", "list", env={...}, stdin="...")``.

    Each call reads its settings from a clean environment (no channel tokens, no ``DVCBOT_*``
    from the developer's shell) plus ``env``; the database is a file of this test unless
    ``env`` names one. ``tests/test_terminal.py`` keeps one run of the real console script.
    """

    from bot.cli.main import main

    def run(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> Ran:
        with monkeypatch.context() as scope:
            for name in [key for key in os.environ if key.startswith(("TELEGRAM_", "ZALO_", "DVCBOT_"))]:
                scope.delenv(name)
            scope.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
            scope.setenv("DVCBOT_CACHE_DIR", "off")  # the session's catalog and router are reused (``patch``)
            for name, value in (env or {}).items():
                scope.setenv(name, value)
            scope.setattr(sys, "stdin", io.StringIO(stdin))
            capsys.readouterr()
            code = main(list(args))
            out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


@pytest.fixture
def terminal_chat(dvcbot: Callable[..., Ran], patch: Callable[[], None], tmp_path: Path) -> Callable[[list[str]], str]:
    """``dvcbot chat`` in this process, ``lines`` piped in, on this test's ``chat.db``: what it printed."""
    patch()

    def talk(lines: list[str]) -> str:
        ran = dvcbot("chat", stdin="\n".join(lines) + "\n", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}"})
        assert ran.returncode == 0, ran.stderr
        return ran.stdout

    return talk

"""A database made by the previous release upgrades in place, and its conversations go on.

``tests/data/release-bd1c60a.sql`` is a SQLite dump written by the release at commit bd1c60a
(migrations 0001–0004): a citizen typed "khai sinh", picked the guide and stopped at its first
question ("Bạn đã có tài khoản VNeID mức 2 chưa?"). Its catalog version rows are left out of the
dump (they are the shipped files, 900 kB); the upgraded bot stores its own on start. When a
release adds a migration, this test proves the old data survives it; when a release ships, a new
dump of that release joins this one.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import build_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.storage.database import head_revisions
from bot.testing import Conversation

DUMPS = sorted((Path(__file__).parent / "data").glob("release-*.sql"))
SALT = "release-test"  # the salt the release's conversation was hashed with


def restored(dump: Path, folder: Path) -> str:
    """The dump loaded into a fresh SQLite file; its URL."""
    path = folder / "previous.db"
    with closing(sqlite3.connect(path)) as connection:
        connection.executescript(dump.read_text(encoding="utf-8"))
    return f"sqlite:///{path}"


@pytest.mark.parametrize("dump", DUMPS, ids=lambda path: path.stem)
def test_a_previous_release_database_upgrades_and_its_guide_resumes(dump: Path, tmp_path: Path) -> None:
    url = restored(dump, tmp_path)
    with closing(sqlite3.connect(tmp_path / "previous.db")) as connection:
        (state,) = connection.execute("SELECT state FROM conversations").fetchone()
        counts = {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("events", "outbox")
        }
    left = dt.datetime.fromisoformat(json.loads(state)["last_active"])
    clock = ManualClock(left + dt.timedelta(minutes=2))
    app = build_app(replace(Settings(), database_url=url, user_salt=SALT), clock, channels=False)
    try:
        with app.database.engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() in head_revisions()
            for table, count in counts.items():
                assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() >= count
        chat = Conversation(app.engine, user_id="local", channel="terminal", clock=clock)
        # The citizen answers the question the old release asked: the guide goes on from there.
        chat.say("có").expect("Bước 2/")
    finally:
        app.close()

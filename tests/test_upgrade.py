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
import gzip
import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import build_app
from bot.catalog.versions import DRAFT, CatalogChanged
from bot.clock import ManualClock
from bot.config import Settings
from bot.storage.database import head_revisions
from bot.testing import Conversation

DUMPS = sorted((Path(__file__).parent / "data").glob("release-*.sql"))
SALT = "release-test"  # the salt the release's conversation was hashed with
T_UPGRADE = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)


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


@pytest.mark.parametrize("dump", DUMPS, ids=lambda path: path.stem)
def test_a_draft_checked_before_the_upgrade_has_no_parent_and_is_refused(dump: Path, tmp_path: Path) -> None:
    """Migration 0009 adds the versions' parent; a draft from before it cannot show it is current."""
    url = restored(dump, tmp_path)
    with closing(sqlite3.connect(tmp_path / "previous.db")) as connection, connection:
        connection.execute(
            "INSERT INTO catalog_versions (created_at, author, source, summary, status, digest, shipped, curated, "
            "listing) VALUES ('2026-11-30 08:00:00', 'telegram#abc', 'old.xlsx', 'an old draft', 'draft', ?, 0, ?, ?)",
            ("0" * 64, gzip.compress(b"[]"), gzip.compress(b"")),
        )
        (draft,) = connection.execute("SELECT max(id) FROM catalog_versions").fetchone()
    app = build_app(replace(Settings(), database_url=url, user_salt=SALT), ManualClock(T_UPGRADE), channels=False)
    try:
        row = app.store.get(draft)
        assert row is not None and row.status == DRAFT and row.parent is None and row.source == "old.xlsx"
        served = app.store.latest_id()
        assert served is not None and served > draft and app.store.get(served).parent is None  # type: ignore[union-attr]
        with pytest.raises(CatalogChanged) as refused:
            app.store.apply(draft)
        assert refused.value.latest == served and app.store.latest_id() == served
    finally:
        app.close()

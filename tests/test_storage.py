"""Storage guarantees: one bot process per SQLite file, safe production settings, upgrades.

A second bot process on the same SQLite file is refused with a clear message; a public
channel refuses to start on the development salt; a database created by the previous
release's migrations upgrades and loses the raw message ids its states kept.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.config import DEV_SALT, Settings
from bot.storage.database import MIGRATIONS_DIR, Database, DatabaseInUse, head_revisions
from tests.conftest import Ran
from tests.processes import bot_environment

ROOT = Path(__file__).resolve().parent.parent


def clean_env(**values: str) -> dict[str, str]:
    return bot_environment(**values)


def test_a_second_bot_process_on_one_sqlite_file_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    first = Database(url)
    first.migrate()
    first.claim()
    try:
        with pytest.raises(DatabaseInUse, match="bot.db"):
            Database(url).claim()
        result = subprocess.run(
            [sys.executable, "-m", "bot", "chat"],
            input="xin chào\n",
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=clean_env(DATABASE_URL=url),
            timeout=120,
        )
        assert result.returncode == 2
        assert "Another dvcbot process is already serving" in result.stderr and "PostgreSQL" in result.stderr
        assert "Xin chào" not in result.stdout
    finally:
        first.dispose()
    again = Database(url)
    again.claim()  # the claim ends with its holder
    again.dispose()


def test_a_public_channel_refuses_the_development_salt(dvcbot: Callable[..., Ran]) -> None:
    result = dvcbot("run", env={"TELEGRAM_BOT_TOKEN": "123:TEST"})
    assert result.returncode == 2
    assert "DVCBOT_USER_SALT" in result.stderr and "separates old conversations" in result.stderr
    assert Settings(telegram_token="x", user_salt=DEV_SALT).unsafe()
    assert not Settings(telegram_token="x", user_salt="a-long-random-secret").unsafe()
    assert not Settings().unsafe(), "the terminal chat runs with the development salt"


def test_a_database_of_the_previous_release_upgrades(database_url: str) -> None:
    database = Database(database_url)
    try:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0003")
        old_state = {"locale": "vi", "mode": "guide", "seen": ["m123456789:42", "c987"], "messages": 3}
        with database.engine.begin() as connection:
            connection.execute(
                text("INSERT INTO conversations (key, channel, state, updated_at) VALUES ('k', 'telegram', :s, :t)"),
                {"s": json.dumps(old_state), "t": "2026-11-22 10:00:00+00:00"},
            )
        database.migrate()
        with database.engine.connect() as connection:
            state = json.loads(connection.execute(text("SELECT state FROM conversations")).scalar_one())
            tables = set(connection.dialect.get_table_names(connection))
        assert "seen" not in state and state["messages"] == 3, "raw chat ids leave the stored state"
        assert {"inbox", "outbox"} <= tables
    finally:
        database.dispose()


def test_the_migration_heads_are_read_without_alembic() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert head_revisions() == frozenset(ScriptDirectory.from_config(config).get_heads())


def test_a_database_at_the_newest_revision_starts_without_alembic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database(f"sqlite:///{tmp_path / 'bot.db'}")
    try:
        database.migrate()  # a fresh file: Alembic creates the schema
        calls: list[str] = []
        monkeypatch.setattr(command, "upgrade", lambda _config, revision: calls.append(revision))
        database.migrate()  # already at the newest revision: nothing to run
        assert calls == []
        with database.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0003'"))
        database.migrate()  # behind: Alembic upgrades
        assert calls == ["head"]
    finally:
        database.dispose()

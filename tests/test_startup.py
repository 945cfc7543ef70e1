"""Start-up stays light: a bot serving citizens imports no admin-only or rarely used module.

Charts (matplotlib, numpy), the spreadsheet formats (openpyxl), Alembic on an up-to-date
database, the scheduler and the PostgreSQL dialect on SQLite are imported when first used;
``benchmarks/startup.py`` measures the time to the first reply and the resident memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.storage.database import Database

ROOT = Path(__file__).resolve().parent.parent
LATER = [
    "alembic",
    "apscheduler",
    "bot.stats.chart",
    "bot.stats.digest",
    "bot.jobs.scheduler",
    "bot.catalog.uploads",
    "intents.evaluation",
    "matplotlib",
    "numpy",
    "openpyxl",
    "procedures.audit",
    "procedures.formats",
    "sqlalchemy.dialects.postgresql",
    "starlette",
    "telegram",
    "vietnamadminunits",
]
SCRIPT = f"""
import json, sys
import bot.cli.main
from bot.app import build_app
from bot.config import Settings
app = build_app(Settings.from_env(), channels=False)
app.close()
print(json.dumps(sorted(name for name in {LATER!r} if name in sys.modules)))
"""


def test_a_terminal_chat_on_a_migrated_database_imports_no_admin_only_module(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    database = Database(url)
    database.migrate()
    database.dispose()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "ZALO_", "DVCBOT_"))}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env | {"DATABASE_URL": url},
        timeout=120,
        check=True,
    )
    assert json.loads(result.stdout.splitlines()[-1]) == []

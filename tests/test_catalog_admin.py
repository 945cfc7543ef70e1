"""Issue "Catalog administration", done-when: an officer's round trip through the CLI while a
bot runs, and a bad file rejected with one precise message per problem, changing nothing.

The CLI runs in this process (``main(argv)``, see the ``dvcbot`` fixture) on the database of the
running bot, whose own polling thread must notice each new version.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

from bot.app import App, build_app
from bot.config import Settings
from bot.testing import Conversation
from tests.catalog_files import find_row, set_cell
from tests.conftest import Ran

NEW_STEP = "Theo dõi tình trạng hồ sơ trên Cổng Dịch vụ công (mục Tra cứu hồ sơ)."


Command = Callable[..., Ran]


@pytest.fixture
def officer(settings: Settings, dvcbot: Command) -> Command:
    """``dvcbot catalog …`` on the test bot's database."""
    return lambda *args: dvcbot("catalog", *args, env={"DATABASE_URL": settings.database_url})


def wait_for_version(app: App, version: int, timeout: float = 20.0) -> None:
    """The running bot's own polling thread must pick the version up (no restart, no nudge)."""
    deadline = time.monotonic() + timeout
    while app.live.current.version_id != version:
        if time.monotonic() > deadline:
            raise AssertionError(f"still serving {app.live.current.version_id}, wanted {version}")
        time.sleep(0.05)


@pytest.fixture
def running(settings: Settings, patch: Callable[..., None]) -> Iterator[App]:
    """A bot whose catalog poller runs every 0.1 s (the scheduler is not needed here)."""
    patch(settings)
    app = build_app(settings)
    app.live.interval = 0.1
    app.live.start()
    yield app
    app.close()


def edit_workbook(source: Path, target: Path, edit: Callable[[Any], None]) -> Path:
    book = load_workbook(source)
    edit(book)
    book.save(target)
    return target


def add_fee_and_step(book: Any) -> None:
    fees = book["fees"]
    set_cell(fees, find_row(fees, "khai-sinh"), "amount_vnd", 8000)
    steps = book["steps"]
    row = steps.max_row + 1
    values = {"entry_id": "khai-sinh", "id": "tra-cuu", "text_vi": NEW_STEP, "text_en": "Track it.", "next": "end"}
    for column, value in values.items():
        set_cell(steps, row, column, value)


def test_officer_round_trip_export_edit_diff_import_rollback(officer: Command, running: App, tmp_path: Path) -> None:
    citizen = Conversation(running.engine, user_id="citizen")
    citizen.say("khai sinh").expect("Miễn phí").expect_not("8.000")
    mid_guide = Conversation(running.engine, user_id="mid-guide")
    mid_guide.say("khai sinh").press("Hướng dẫn từng bước").expect("Bước 1/6")

    exported = tmp_path / "catalog.xlsx"
    assert officer("export", "--format", "xlsx", "--out", str(exported)).returncode == 0
    edited = edit_workbook(exported, tmp_path / "edited.xlsx", add_fee_and_step)

    diff = officer("diff", str(edited))
    assert diff.returncode == 0, diff.stdout + diff.stderr
    assert "8.000" in diff.stdout and "tra-cuu" in diff.stdout
    assert running.store.latest_id() == 1, "diff changes nothing"

    imported = officer("import", str(edited), "--author", "can-bo-xa")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    wait_for_version(running, 2)
    citizen = Conversation(running.engine, user_id="citizen-after-import")
    citizen.say("khai sinh").expect("8.000")
    citizen.press("Hướng dẫn từng bước").expect("Bước 1/7")
    for _ in range(12):
        if "Bước 7/7" in citizen.text:
            break
        citizen.press("Có" if any(o.label == "Có" for o in citizen.options) else "Tiếp theo")
    citizen.expect("Bước 7/7", NEW_STEP)
    # Someone mid-guide is told the guide changed and offered a fresh start.
    mid_guide.say("tiếp").expect("vừa được cập nhật").expect_option("Bắt đầu lại")
    mid_guide.press("Bắt đầu lại").expect("Bước 1/7")

    history = officer("history")
    assert "can-bo-xa" in history.stdout and "edited.xlsx" in history.stdout

    rolled = officer("rollback", "1")
    assert rolled.returncode == 0, rolled.stdout + rolled.stderr
    wait_for_version(running, 3)
    later = Conversation(running.engine, user_id="later")
    later.say("khai sinh").expect("Miễn phí").expect_not("8.000")
    later.press("Hướng dẫn từng bước").expect("Bước 1/6")


def test_bad_file_gets_one_message_per_problem_and_changes_nothing(
    officer: Command, running: App, tmp_path: Path
) -> None:
    exported = tmp_path / "catalog.xlsx"
    assert officer("export", "--format", "xlsx", "--out", str(exported)).returncode == 0

    def sabotage(book: Any) -> None:
        steps = book["steps"]
        set_cell(steps, find_row(steps, "tam-tru", None), "url", "https://dichvucong-gov.vn.example.com/login")
        set_cell(steps, find_row(steps, "khai-sinh", None), "next", "buoc-khong-co")
        fees = book["fees"]
        set_cell(fees, find_row(fees, "ho-chieu"), "amount_vnd", "=200000*2")

    bad = edit_workbook(exported, tmp_path / "bad.xlsx", sabotage)
    result = officer("import", str(bad))
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith("bad.xlsx")]
    assert len(lines) == 3, result.stdout
    assert any("trang steps" in line and "cột url" in line and ".gov.vn" in line for line in lines)
    assert any("trang steps" in line and "cột next" in line and "buoc-khong-co" in line for line in lines)
    assert any("trang fees" in line and "cột amount_vnd" in line and "công thức" in line for line in lines)
    assert running.store.latest_id() == 1
    history = officer("history", "--json")
    assert history.stdout.count('"version"') == 1


def test_every_process_sharing_the_database_notices_a_new_version(
    settings: Settings, officer: Command, running: App, tmp_path: Path
) -> None:
    other = build_app(settings)  # a second bot process on the same database
    other.live.interval = 0.1
    other.live.start()
    try:
        exported = tmp_path / "catalog.xlsx"
        officer("export", "--format", "xlsx", "--out", str(exported))
        edited = edit_workbook(exported, tmp_path / "edited.xlsx", add_fee_and_step)
        assert officer("import", str(edited)).returncode == 0
        wait_for_version(running, 2)
        wait_for_version(other, 2)
        Conversation(other.engine, user_id="x").say("khai sinh").expect("8.000")
    finally:
        other.close()


def test_list_stale_and_template_commands(officer: Command, tmp_path: Path) -> None:
    listed = officer("list", "--json")
    assert listed.returncode == 0 and '"khai-sinh"' in listed.stdout
    stale = officer("stale", "--days", "0", "--today", "2027-01-01")
    assert stale.returncode == 0 and "khai-sinh" in stale.stdout
    fresh = officer("stale", "--days", "100000", "--today", "2027-01-01")
    assert "khai-sinh" not in fresh.stdout
    template = officer("template", str(tmp_path / "mau.xlsx"))
    assert template.returncode == 0 and (tmp_path / "mau.xlsx").exists()

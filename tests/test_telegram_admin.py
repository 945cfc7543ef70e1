"""Telegram end to end for admins: catalog files sent in the chat, /catalog, /stats, and the
refusals a citizen gets, through the real python-telegram-bot Application and a fake Bot API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.catalog.versions import DRAFT
from bot.config import Settings
from procedures.formats import export_catalog
from tests.catalog_files import edited, find_row, set_cell
from tests.fake_telegram import FakeTelegram, Sent
from tests.test_catalog_admin import add_fee_and_step
from tests.test_telegram import button, run, running

ADMIN = 4242
CITIZEN = 5151
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REFUSAL = "Lệnh này chỉ dành cho quản trị viên."
MEDIA_ANSWER = "chỉ đọc được tin nhắn chữ"


@pytest.fixture
def admin_settings(settings: Settings) -> Settings:
    return replace(settings, telegram_token="123:TEST", admins=frozenset({("telegram", str(ADMIN))}))


# The session's catalog exported once (every bot here serves it): its workbook, by the catalog's id.
_EXPORTS: dict[int, tuple[Any, Path]] = {}


def workbook(app: App, tmp_path: Path, edit: Callable[[Any], None]) -> bytes:
    """The served catalog exported to .xlsx, edited with openpyxl, as the bytes an admin would send."""
    catalog = app.catalog
    found = _EXPORTS.get(id(catalog))
    if found is None or found[0] is not catalog:
        found = _EXPORTS[id(catalog)] = (catalog, export_catalog(catalog, "xlsx", tmp_path / "c.xlsx")[0])
    return edited(found[1], tmp_path, edit).read_bytes()


def served(app: App) -> tuple[int, int | None]:
    """The version the bot serves and the newest applied one in the database."""
    return app.live.current.version_id, app.store.latest_id()


async def preview(fake: FakeTelegram, content: bytes, name: str = "danh-muc.xlsx") -> Sent:
    """The admin sends a catalog file: "checking…" at once, then one verdict (a diff preview or the problems)."""
    fake.send_document(ADMIN, name, content, XLSX)
    sent = await fake.turn(ADMIN)
    assert len(sent) == 1 and f"Đang kiểm tra {name}" in sent[0].text, [m.text[:80] for m in sent]
    sent = await fake.turn(ADMIN, timeout=60)
    assert len(sent) == 1, [m.text[:80] for m in sent]
    return sent[0]


def test_admin_uploads_applies_and_rolls_back(admin_settings: Settings, patch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        fake = FakeTelegram()
        server = await fake.start()
        async with running(admin_settings, fake, patch) as app:
            assert served(app) == (1, 1)
            card = await preview(fake, workbook(app, tmp_path, add_fee_and_step))
            assert "danh-muc.xlsx hợp lệ" in card.text and "8.000" in card.text and "tra-cuu" in card.text
            assert fake.downloads == ["documents/file_1.xlsx"]
            assert served(app) == (1, 1), "a preview changes nothing"

            fake.press(ADMIN, button(card, "Áp dụng"))
            done = (await fake.turn(ADMIN))[-1]
            version = app.live.current.version_id
            assert version > 1 and served(app) == (version, version), "applied and served at once"
            assert f"Đã áp dụng: danh mục phiên bản {version}" in done.text
            assert "/catalog rollback 1" in done.text

            fake.user_says(CITIZEN, "khai sinh")
            card = (await fake.turn(CITIZEN))[-1]
            assert "Đăng ký khai sinh" in card.text and "8.000" in card.text and "Miễn phí" not in card.text
            fake.press(CITIZEN, button(card, "Hướng dẫn từng bước"))
            assert "Bước 1/7" in (await fake.turn(CITIZEN))[-1].text

            fake.user_says(ADMIN, "/catalog history")
            history = (await fake.turn(ADMIN))[-1].text
            assert "Các phiên bản danh mục" in history
            assert f"#{version} " in history and "#1 " in history and "danh-muc.xlsx" in history
            assert "telegram#" in history and str(ADMIN) not in history, "the audit names a hash, never a raw id"

            fake.user_says(ADMIN, "/catalog rollback 1")
            rolled = (await fake.turn(ADMIN))[-1].text
            assert served(app) == (version + 1, version + 1)
            assert f"phiên bản 1 được dùng lại, thành phiên bản {version + 1}" in rolled

            other = CITIZEN + 1
            fake.user_says(other, "khai sinh")
            card = (await fake.turn(other))[-1]
            assert "Miễn phí" in card.text and "8.000" not in card.text
            fake.press(other, button(card, "Hướng dẫn từng bước"))
            assert "Bước 1/6" in (await fake.turn(other))[-1].text
        await fake.stop(server)

    run(scenario())


def test_bad_workbook_lists_every_problem_and_changes_nothing(  # type: ignore[no-untyped-def]
    admin_settings: Settings, patch, tmp_path: Path
) -> None:
    rows: dict[str, int] = {}

    def sabotage(book: Any) -> None:
        steps, fees = book["steps"], book["fees"]
        rows["url"] = find_row(steps, "tam-tru", None)
        set_cell(steps, rows["url"], "url", "https://dichvucong-gov.vn.example.com/login")
        rows["next"] = find_row(steps, "khai-sinh", None)
        set_cell(steps, rows["next"], "next", "buoc-khong-co")
        rows["amount_vnd"] = find_row(fees, "ho-chieu")
        set_cell(fees, rows["amount_vnd"], "amount_vnd", "=200000*2")

    async def scenario() -> None:
        fake = FakeTelegram()
        server = await fake.start()
        async with running(admin_settings, fake, patch) as app:
            version = app.catalog.version
            answer = await preview(fake, workbook(app, tmp_path, sabotage), name="bad.xlsx")
            lines = answer.text.splitlines()
            assert lines[0] == "bad.xlsx: có 3 lỗi. Chưa thay đổi gì.", answer.text
            problems = lines[1:]
            assert [line[:3] for line in problems] == ["1. ", "2. ", "3. "], answer.text
            expected = {
                "url": ("trang steps", f"dòng {rows['url']}", "cột url", ".gov.vn"),
                "next": ("trang steps", f"dòng {rows['next']}", "cột next", "buoc-khong-co"),
                "amount_vnd": ("trang fees", f"dòng {rows['amount_vnd']}", "cột amount_vnd", "công thức"),
            }
            for column, words in expected.items():
                matching = [line for line in problems if all(word in line for word in words)]
                assert len(matching) == 1, (column, answer.text)
            assert not any("Áp dụng" in (b.get("text") or "") for b in answer.buttons), "nothing to apply"
            assert served(app) == (1, 1) and app.catalog.version == version
            assert len(app.store.history()) == 1, "no draft is kept for a rejected file"

            fake.user_says(CITIZEN, "khai sinh")
            card = (await fake.turn(CITIZEN))[-1]
            assert "Miễn phí" in card.text
        await fake.stop(server)

    run(scenario())


def test_cancel_keeps_the_catalog_and_a_cancelled_draft_cannot_be_applied(  # type: ignore[no-untyped-def]
    admin_settings: Settings, patch, tmp_path: Path
) -> None:
    async def scenario() -> None:
        fake = FakeTelegram()
        server = await fake.start()
        async with running(admin_settings, fake, patch) as app:
            card = await preview(fake, workbook(app, tmp_path, add_fee_and_step))
            apply = button(card, "Áp dụng")
            fake.press(ADMIN, button(card, "Huỷ"))
            assert "Đã huỷ. Danh mục không thay đổi." in (await fake.turn(ADMIN))[-1].text
            assert served(app) == (1, 1)
            fake.press(ADMIN, apply)  # the old preview's button, pressed after cancelling
            assert "đã được áp dụng hoặc đã huỷ" in (await fake.turn(ADMIN))[-1].text
            assert served(app) == (1, 1)
            fake.user_says(CITIZEN, "khai sinh")
            assert "Miễn phí" in (await fake.turn(CITIZEN))[-1].text
        await fake.stop(server)

    run(scenario())


def test_a_preview_checked_before_another_version_is_refused_when_applied(  # type: ignore[no-untyped-def]
    admin_settings: Settings, patch, tmp_path: Path
) -> None:
    async def scenario() -> None:
        fake = FakeTelegram()
        server = await fake.start()
        async with running(admin_settings, fake, patch) as app:
            card = await preview(fake, workbook(app, tmp_path, add_fee_and_step))
            draft = app.store.latest_id()
            # Another version is served before "Áp dụng" (here the admin's own rollback; another
            # officer's file or an alias approved in the console are refused the same way).
            fake.user_says(ADMIN, "/catalog rollback 1")
            await fake.turn(ADMIN)
            newer = app.live.current.version_id
            assert newer > 1 and served(app) == (newer, newer)
            fake.press(ADMIN, button(card, "Áp dụng"))
            refused = (await fake.turn(ADMIN))[-1].text
            assert f"Danh mục đã thay đổi kể từ khi tệp này được kiểm tra (nay là phiên bản {newer})" in refused
            assert "gửi hoặc tải lại tệp" in refused
            assert served(app) == (newer, newer), "nothing applied: the other version is kept"
            assert draft is not None and app.store.get(draft) is not None
            fake.user_says(CITIZEN, "khai sinh")
            assert "Miễn phí" in (await fake.turn(CITIZEN))[-1].text
        await fake.stop(server)

    run(scenario())


def test_a_citizen_gets_no_admin_tool(admin_settings: Settings, patch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        fake = FakeTelegram()
        server = await fake.start()
        async with running(admin_settings, fake, patch) as app:
            content = workbook(app, tmp_path, add_fee_and_step)
            card = await preview(fake, content)  # the admin's pending draft, which the citizen goes after
            draft = int(button(card, "Áp dụng").rpartition(":")[2])
            assert fake.downloads == ["documents/file_1.xlsx"]

            fake.send_document(CITIZEN, "danh-muc.xlsx", content, XLSX)
            sent = await fake.turn(CITIZEN)
            assert len(sent) == 1 and MEDIA_ANSWER in sent[0].text
            assert fake.downloads == ["documents/file_1.xlsx"], "a citizen's file is never downloaded"
            assert fake.calls.count("getFile") == 1

            for command in ("/stats", "/catalog rollback 1", "/invite Xã A", "/catalog history"):
                fake.user_says(CITIZEN, command)
                sent = await fake.turn(CITIZEN)
                assert [m.text for m in sent] == [REFUSAL], (command, [m.text[:80] for m in sent])
            fake.press(CITIZEN, f"{app.catalog.version}|staff:apply:{draft}")
            sent = await fake.turn(CITIZEN)
            assert [m.text for m in sent] == [REFUSAL]

            assert "sendPhoto" not in fake.calls
            assert served(app) == (1, 1)
            row = app.store.get(draft)
            assert row is not None and row.status == DRAFT, "the forged button left the draft alone"
            assert len(fake.to(ADMIN)) == 2, "the admin's chat got nothing from the citizen's attempts"
        await fake.stop(server)

    run(scenario())


def test_stats_text_then_chart_and_admin_commands_registered(  # type: ignore[no-untyped-def]
    admin_settings: Settings, patch
) -> None:
    async def scenario() -> None:
        fake = FakeTelegram()
        server = await fake.start()
        async with running(admin_settings, fake, patch):
            scoped = [c for c in fake.commands if c.get("scope")]
            assert {c.get("language_code") for c in scoped} == {None, "en"}
            assert all(c["scope"] == {"type": "chat", "chat_id": ADMIN} for c in scoped), scoped
            assert all({"stats", "catalog", "invite"} <= {x["command"] for x in c["commands"]} for c in scoped)
            assert not any(x["command"] == "stats" for c in fake.commands if not c.get("scope") for x in c["commands"])

            fake.user_says(CITIZEN, "khai sinh")
            await fake.turn(CITIZEN)
            fake.user_says(ADMIN, "/stats")
            sent = await fake.turn(ADMIN, quiet=0.4, at_least=2, timeout=30)  # the chart takes a moment
            assert len(sent) == 2, [m.text[:80] for m in sent]
            text, chart = sent
            assert text.photo is None and text.text
            assert chart.photo is not None and chart.photo.startswith(b"\x89PNG")
            assert chart.text == "Tình hình sử dụng 30 ngày qua"
        await fake.stop(server)

    run(scenario())

"""The console's domain without a browser: back-off, accounts and roles, sessions, texts, reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.clock import ManualClock
from bot.console.accounts import AccountError, Accounts, ConsoleRole
from bot.console.backoff import MAX_WAIT, Backoff, wait_after
from bot.console.notices import WELCOME, Bilingual, Board, Notices, TextRefused
from bot.console.reports import Filters, OutOfScope, Reports, xlsx_bytes
from bot.console.sessions import IDLE, Sessions
from bot.storage.database import Database
from bot.storage.privacy import hash_user
from bot.storage.roles import Staff
from bot.storage.tables import ConsoleUser
from procedures.links import LinkPolicy
from tests.conftest import Ran

T0 = dt.datetime(2030, 3, 10, 2, 0, tzinfo=dt.UTC)
PASSWORD = "mot-mat-khau-du-dai"


def test_back_off_grows_is_capped_and_never_locks_the_owner_out(database: Database) -> None:
    assert wait_after(1) == dt.timedelta(0) and wait_after(3) == dt.timedelta(seconds=2)
    assert wait_after(4) == dt.timedelta(seconds=4) and wait_after(1000) == MAX_WAIT
    backoff = Backoff(database, "salt")
    for _ in range(10):  # someone guessing the officer's password from elsewhere
        backoff.failed("canbo", "203.0.113.9", T0)
    assert not backoff.check("canbo", "203.0.113.9", T0).allowed
    assert not backoff.check("another-account", "203.0.113.9", T0).allowed  # the guesser's address waits
    assert backoff.check("canbo", "198.51.100.7", T0).allowed  # the officer at their own desk does not
    verdict = backoff.check("canbo", "203.0.113.9", T0 + dt.timedelta(seconds=1))
    assert 0 < verdict.retry_after <= MAX_WAIT.total_seconds()
    assert backoff.check("canbo", "203.0.113.9", T0 + MAX_WAIT).allowed  # a wait, not a lock-out


def test_passwords_are_argon2_hashes_and_roles_follow_the_chat(database: Database) -> None:
    accounts = Accounts(database, "salt", [("telegram", "111")])
    admin = accounts.add("Admin.Tinh", PASSWORD, ConsoleRole.ADMIN, T0, chat=("telegram", "111"))
    assert admin.password_hash.startswith("$argon2id$") and PASSWORD not in admin.password_hash
    assert admin.chat_user == hash_user("salt", "telegram", "111")  # the chat's own salted hash, no raw id
    officer = accounts.verify("admin.tinh", PASSWORD)
    assert officer is not None and officer.is_admin and officer.may_see("26740")
    assert accounts.verify("admin.tinh", "wrong password!") is None
    assert accounts.verify("nobody", PASSWORD) is None
    with pytest.raises(AccountError, match="DVCBOT_ADMINS"):
        accounts.add("not-admin", PASSWORD, ConsoleRole.ADMIN, T0, chat=("telegram", "222"))
    with pytest.raises(AccountError, match="commune"):
        accounts.add("no-commune", PASSWORD, ConsoleRole.OFFICER, T0)
    with pytest.raises(AccountError, match="invite"):
        accounts.add("helper", PASSWORD, ConsoleRole.HELPER, T0, chat=("zalo", "333"))
    with pytest.raises(AccountError, match="at least"):
        accounts.add("short", "short", ConsoleRole.OFFICER, T0, commune="26740")
    # Removed from DVCBOT_ADMINS: the same account no longer gets in.
    assert Accounts(database, "salt", []).verify("admin.tinh", PASSWORD) is None


def test_a_helper_who_joined_by_invite_signs_in_with_their_commune(database: Database) -> None:
    staff = Staff(database)
    code = staff.create_invite("admin-hash", "26740", T0)
    staff.redeem(code, hash_user("salt", "zalo", "333"), "zalo", T0)
    accounts = Accounts(database, "salt")
    accounts.add("tct.saigon", PASSWORD, ConsoleRole.HELPER, T0, chat=("zalo", "333"))
    helper = accounts.verify("tct.saigon", PASSWORD)
    assert helper is not None and helper.commune == "26740" and not helper.may_see("00004")


def test_sessions_expire_idle_and_at_their_end(database: Database) -> None:
    sessions = Sessions(database, dt.timedelta(hours=8))
    token, opened = sessions.start(1, T0)
    assert sessions.find(token, T0 + dt.timedelta(minutes=5)) == opened
    assert sessions.find(token, T0 + dt.timedelta(minutes=5) + IDLE + dt.timedelta(seconds=1)) is None
    token, _ = sessions.start(1, T0)
    for hour in range(1, 8):
        assert sessions.find(token, T0 + dt.timedelta(hours=hour)) is not None
    assert sessions.find(token, T0 + dt.timedelta(hours=8)) is None
    fresh, again = sessions.start(1, T0)
    newer, _ = sessions.start(1, T0, previous=fresh)
    assert sessions.find(fresh, T0) is None and sessions.find(newer, T0) is not None
    assert not again.csrf_ok("") and again.csrf_ok(again.csrf)
    assert not again.csrf_ok("é" * 43), "non-ASCII is refused, not an error"


def test_texts_take_official_links_only_and_the_notice_runs_from_start_to_end(database: Database) -> None:
    notices = Notices(database, LinkPolicy())
    board = Board(notices)
    with pytest.raises(TextRefused) as refused:
        notices.set_welcome(Bilingual("Xem https://dichvucong.gov.vn.evil.example/x"), "admin", T0)
    assert refused.value.links == ("https://dichvucong.gov.vn.evil.example/x",)
    with pytest.raises(TextRefused):
        notices.set_notice(Bilingual("Bảo trì"), T0, T0, "admin", T0)
    with pytest.raises(TextRefused):
        notices.set_notice(Bilingual("", "English only"), T0, T0 + dt.timedelta(hours=1), "admin", T0)
    end = T0 + dt.timedelta(hours=3)
    notices.set_notice(Bilingual("Bảo trì tối nay", "Maintenance tonight"), T0, end, "admin", T0)
    assert board.notice(T0 - dt.timedelta(seconds=1), "vi") is None
    assert board.notice(T0, "vi") == "Bảo trì tối nay" and board.notice(T0, "en") == "Maintenance tonight"
    assert board.notice(end, "vi") is None
    notices.set_hours("26740", Bilingual("7:30–17:00"), "canbo", T0)
    assert board.hours("26740", "en") == "7:30–17:00" and board.hours("00004", "vi") is None
    assert board.welcome(T0, "vi") is None


def test_the_board_keeps_the_texts_for_a_while_and_sees_its_own_processs_changes_at_once(database: Database) -> None:
    notices = Notices(database, LinkPolicy())
    board = Board(notices, refresh=dt.timedelta(seconds=30))
    assert board.welcome(T0, "vi") is None
    notices.set_welcome(Bilingual("Chào bà con"), "admin", T0)  # this process's console: at once
    assert board.welcome(T0, "vi") == "Chào bà con"
    elsewhere = Notices(database, LinkPolicy())  # another bot process's console
    elsewhere.set_welcome(Bilingual("Xin chào"), "admin", T0)
    assert board.welcome(T0 + dt.timedelta(seconds=29), "vi") == "Chào bà con", "kept, not read per conversation"
    assert board.welcome(T0 + dt.timedelta(seconds=30), "vi") == "Xin chào", "read again after the refresh"
    elsewhere.clear(WELCOME)
    assert board.welcome(T0 - dt.timedelta(seconds=1), "vi") is None, "a clock that went back reads again"


def test_an_officers_report_is_their_communes(database: Database) -> None:
    from bot.console.accounts import Officer
    from bot.storage.tables import Event

    with database.session() as session:
        session.add(Event(at=T0, channel="zalo", user="u1", type="message", commune="26740"))
        session.add(Event(at=T0, channel="zalo", user="u2", type="message", commune="00004"))
    reports = Reports(database, ZoneInfo("Asia/Ho_Chi_Minh"))
    filters = Filters.parse("", "", "", "", dt.date(2030, 3, 10))
    officer = Officer(1, "canbo", ConsoleRole.OFFICER, "26740")
    assert reports.report(officer, filters).totals.messages == 1
    with pytest.raises(OutOfScope):
        reports.report(officer, Filters(filters.period, "00004"))
    admin = Officer(2, "admin", ConsoleRole.ADMIN, None)
    report = reports.report(admin, filters)
    assert report.totals.messages == 2
    assert xlsx_bytes(report)[:2] == b"PK"


def test_dvcbot_console_add_user_creates_the_first_admin(dvcbot: Callable[..., Ran]) -> None:
    ran = dvcbot("console", "add-user", "admin.tinh", "--role", "admin", stdin=PASSWORD + "\n")
    assert ran.returncode == 0 and "Created admin admin.tinh" in ran.stdout
    again = dvcbot("console", "add-user", "admin.tinh", "--role", "admin", stdin=PASSWORD + "\n")
    assert again.returncode == 1 and "exists already" in again.stderr
    officer = dvcbot("console", "add-user", "canbo", "--commune", "26740", stdin=PASSWORD + "\n")
    assert officer.returncode == 0 and "commune 26740" in officer.stdout
    listed = dvcbot("console", "list-users")
    assert "admin.tinh" in listed.stdout and "canbo" in listed.stdout and "argon2" not in listed.stdout


def test_a_stored_password_is_never_the_password(database: Database) -> None:
    Accounts(database, "salt").add("canbo", PASSWORD, ConsoleRole.OFFICER, T0, commune="26740")
    with database.reader() as session:
        (row,) = session.exec(select(ConsoleUser)).all()
    assert PASSWORD not in row.password_hash


def test_the_manual_clock_drives_the_notice_in_a_chat(app, patch) -> None:  # type: ignore[no-untyped-def]
    from bot.testing import Conversation

    clock = ManualClock(T0)
    notices = Notices(app.database, LinkPolicy())
    notices.set_notice(Bilingual("Bảo trì 20:00–23:00"), T0, T0 + dt.timedelta(hours=1), "admin", T0)
    Conversation(app.engine, user_id="u1", clock=clock).say("xin chào").expect("Bảo trì 20:00–23:00")
    clock.advance(dt.timedelta(hours=1))
    Conversation(app.engine, user_id="u2", clock=clock).say("xin chào").expect_not("Bảo trì")


def test_a_forged_csrf_token_in_any_script_is_refused_not_an_error(settings, patch) -> None:  # type: ignore[no-untyped-def]
    import asyncio
    from dataclasses import replace

    import httpx

    from bot.app import build_app

    patch(settings)
    app = build_app(replace(settings, console=True, user_salt="s" * 40))

    async def post(csrf: str) -> int:
        transport = httpx.ASGITransport(app=app.web_app())
        async with httpx.AsyncClient(transport=transport, base_url="https://bot") as client:
            await client.get("/console/sign-in")  # sets the sign-in form's CSRF cookie
            form = {"csrf": csrf, "login": "nobody", "password": "x"}
            return (await client.post("/console/sign-in", data=form)).status_code

    try:
        assert asyncio.run(post("é ñ 中")) == 403
        assert asyncio.run(post("")) == 403
    finally:
        app.close()

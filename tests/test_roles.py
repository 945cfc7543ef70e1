"""Roles end to end through the engine: admins by config, helpers by invite code, refusals."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from sqlmodel import col, select

from bot.app import App, build_app
from bot.config import Settings
from bot.storage.roles import hash_code
from bot.storage.tables import Event, Helper, Invite
from bot.testing import Conversation

ADMIN = "admin-1"
CODE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b")
TAN_LAP = "25489"  # Xã Tân Lập, Tỉnh Tây Ninh


@pytest.fixture
def staffed(settings: Settings, patch: Callable[..., None]) -> Iterator[App]:
    """A bot with one configured admin on the test channel."""
    patch(settings)
    app = build_app(replace(settings, admins=frozenset({("test", ADMIN)})))
    yield app
    app.close()


def talk(app: App, user: str) -> Conversation:
    return Conversation(app.engine, user_id=user, locale_hint="en")


def invite(app: App, commune: str = "Phường Sài Gòn") -> str:
    admin = talk(app, ADMIN).say(f"/invite {commune}")
    match = CODE.search(admin.text)
    assert match, admin.text
    return match.group(1)


def test_admin_creates_a_one_time_code_stored_only_as_a_hash(staffed: App) -> None:
    code = invite(staffed)
    with staffed.database.session() as session:
        rows = session.exec(select(Invite)).all()
    assert [row.code_hash for row in rows] == [hash_code(code)]
    assert all(code.replace("-", "") not in (row.code_hash + row.commune) for row in rows)
    helper = talk(staffed, "helper-1").say(f"/join {code.lower()}")
    helper.expect("Welcome to the community digital technology team of Phường Sài Gòn, Thành phố Hồ Chí Minh")
    # The same code cannot be used twice.
    talk(staffed, "helper-2").say(f"/join {code}").expect("already been used")
    talk(staffed, "helper-3").say("/join ABCD-EFGH").expect("don't know this invite code")


def test_an_invite_is_bound_to_one_current_commune_by_its_code(staffed: App) -> None:
    admin = talk(staffed, ADMIN)
    # A name several communes carry: the admin chooses, no code is made.
    admin.say("/invite Xã Tân Lập").expect("Which commune or ward?", "/invite 25489 — Xã Tân Lập, Tỉnh Tây Ninh")
    assert CODE.search(admin.text) is None
    admin.say("/invite Phường Không Có Thật").expect("Type /invite and the commune or ward")
    # An old ward that became one current ward, or the code itself, is enough.
    admin.say("/invite phường Bến Nghé, quận 1").expect("Invite code for Phường Sài Gòn, Thành phố Hồ Chí Minh")
    admin.say("/invite 25489").expect("Invite code for Xã Tân Lập, Tỉnh Tây Ninh")
    with staffed.database.session() as session:
        assert sorted(row.commune for row in session.exec(select(Invite)).all()) == ["25489", "26740"]
    helper = talk(staffed, "helper-1")
    helper.say(f"/join {invite(staffed, '25489')}")
    talk(staffed, ADMIN).say("/helpers").expect("• Xã Tân Lập, Tỉnh Tây Ninh — #")


def test_a_member_is_not_given_a_second_code_of_the_same_commune(staffed: App) -> None:
    helper = talk(staffed, "helper-1")
    helper.say(f"/join {invite(staffed)}")
    spare = invite(staffed)
    helper.say(f"/join {spare}").expect("already in the team of Phường Sài Gòn")
    talk(staffed, "helper-2").say(f"/join {spare}").expect("Welcome")  # the code stayed unused


def test_expired_code_is_refused(staffed: App) -> None:
    code = invite(staffed)
    late = talk(staffed, "helper-1")
    late.now = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)
    late.say(f"/join {code}").expect("expired")


def test_helper_session_counts_households_and_records_outcomes(staffed: App) -> None:
    code = invite(staffed, "Xã Tân Lập, Tây Ninh")
    helper = talk(staffed, "helper-1")
    helper.say(f"/join {code}")
    talk(staffed, ADMIN).say("/helpers").expect("Xã Tân Lập, Tỉnh Tây Ninh")  # with its province: four share the name
    helper.press("Start a session").expect("household no. 1")
    # Look-up by national code gives the compact checklist.
    helper.say("1.001193").expect("Birth registration · 1.001193", "☐").expect_option("End the session")
    helper.press("End the session").expect("How did it go for household no. 1?")
    helper.press("Submitted").expect("household no. 1 — submitted", "Households helped today: 1")
    helper.say("/session").expect("household no. 2")
    helper.say("/done").press("Needs follow-up").expect("Households helped today: 2")
    with staffed.database.session() as session:
        ended = session.exec(select(Event).where(Event.type == "helper_session_ended").order_by(col(Event.id))).all()
    assert [(e.decision, e.intent, e.commune, e.role) for e in ended] == [
        ("submitted", "khai-sinh", TAN_LAP, "helper"),
        ("follow_up", None, TAN_LAP, "helper"),
    ]
    with staffed.database.session() as session:
        helpers = session.exec(select(Helper)).all()
    assert [(h.commune, h.active) for h in helpers] == [(TAN_LAP, True)]  # keyed by the official code
    assert "helper-1" not in helpers[0].user  # stored as a salted hash


def test_each_household_starts_clean_and_a_session_answers_the_detail_asked(staffed: App) -> None:
    helper = talk(staffed, "helper-1")
    helper.say(f"/join {invite(staffed)}")
    helper.say("/session").say("mã 1.014064")  # a code inside a sentence is still a look-up
    helper.expect("1.014064").press("Papers").press("Request form").expect("☑")
    helper.say("/done").press("Submitted")
    helper.say("/session").say("1.014064").expect_not(".;", "31/12/2026. (")  # rates without their explanations
    helper.press("Papers").expect_not("☑")  # nothing ticked carried over
    helper.say("where to submit the ID card?").expect("Where —").expect_option("End the session")
    helper.say("2.000908").expect("2.000908").expect_option("End the session")  # a national listing card too


def test_every_procedure_of_a_session_is_reported_by_name(staffed: App) -> None:
    helper = talk(staffed, "helper-1")
    helper.say(f"/join {invite(staffed)}")
    helper.say("/session").say("1.001193").say("1.014064").say("2.000908").say("1.001193")
    helper.say("/done").press("Submitted")
    report = helper.say("/myreport").text
    assert "Birth registration" in report and "Thủ tục cấp bản sao từ sổ gốc" in report  # a listing card by name
    assert "2.000908:" not in report
    with staffed.database.session() as session:
        events = session.exec(
            select(Event).where(col(Event.type).in_(("helper_session_ended", "helper_assisted")))
        ).all()
    assert sorted(event.intent or "" for event in events) == ["2.000908", "can-cuoc", "khai-sinh"]  # each once


def test_helper_report_counts_own_sessions(staffed: App) -> None:
    helper = talk(staffed, "helper-1")
    helper.say(f"/join {invite(staffed)}")
    helper.say("/session")
    helper.say("/done").press("Could not")
    helper.say("/myreport").expect("1")


@pytest.mark.parametrize(
    "command", ["/stats", "/invite Xã A", "/helpers", "/catalog history", "/catalog rollback 1", "/stats 7"]
)
def test_admin_commands_are_refused_to_citizens_and_helpers(staffed: App, command: str) -> None:
    citizen = talk(staffed, "citizen-1").say(command)
    citizen.expect("only for administrators")
    assert len(citizen.replies) == 1 and citizen.replies[0].image is None
    helper = talk(staffed, "helper-1")
    helper.say(f"/join {invite(staffed)}")
    helper.say(command).expect("only for administrators")


def test_forged_apply_button_from_a_citizen_changes_nothing(staffed: App) -> None:
    before = staffed.store.latest_id()
    talk(staffed, "citizen-1").send_payload("staff:apply:1").expect("only for administrators")
    talk(staffed, "citizen-1").send_payload("staff:discard:1").expect("only for administrators")
    assert staffed.store.latest_id() == before


def test_helper_commands_are_refused_to_citizens(staffed: App) -> None:
    talk(staffed, "citizen-1").say("/session").expect("ask your admin for an invite code")
    talk(staffed, "citizen-1").say("/myreport").expect("ask your admin for an invite code")


def test_admin_stats_sends_a_report_and_a_chart(staffed: App) -> None:
    talk(staffed, "citizen-1").say("làm giấy khai sinh")
    admin = talk(staffed, ADMIN).say("/stats")
    assert len(admin.replies) == 2
    image = admin.replies[1].image
    assert image is not None and image.content.startswith(b"\x89PNG")
    assert "Birth registration" in admin.replies[0].text
    admin.say("/stats 0").expect("/stats N")  # not a period: how to ask, not another period's report
    assert len(admin.replies) == 1
    admin.say("/helpers")  # a commune is named with its province (four communes are "Xã Tân Lập")

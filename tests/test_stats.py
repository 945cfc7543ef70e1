"""Usage statistics: every report section on known events, local days, periods, exports, charts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Languages
from bot.stats.chart import render_chart
from bot.stats.queries import (
    Channel,
    Commune,
    Day,
    DropOff,
    Funnel,
    HelperActivity,
    Period,
    Procedure,
    Reminders,
    Report,
    Routes,
    Satisfaction,
    Site,
    Totals,
    Unresolved,
    collect,
    helper_report,
    question_key,
)
from bot.stats.text import helper_text, to_csv, to_table
from bot.storage.database import Database
from bot.storage.tables import Event

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
U1, U2, U3, U4, U5 = (f"{n}" * 64 for n in "12345")
H1 = "abcdef01" + "9" * 56
H2 = "fedcba98" + "8" * 56
ADMIN = "a" * 64
TL, BN = "Tân Lập", "Bến Nghé"


def ev(local: str, kind: str, user: str, channel: str = "telegram", **values: Any) -> Event:
    """An event at a local (Asia/Ho_Chi_Minh) time, stored in UTC like the recorder does."""
    at = dt.datetime.fromisoformat(local).replace(tzinfo=TZ).astimezone(dt.UTC)
    return Event(at=at, type=kind, user=user, channel=channel, **values)


def fixture_events() -> list[Event]:
    """The story every assertion below is computed from by hand."""
    return [*_questions(), *_guides(), *_staff()]


def _questions() -> list[Event]:
    return [
        # Messages. 03-01 23:30 and 03-02 06:30 local are both 03-01 in UTC; 03-01 00:30 local is
        # 02-28 in UTC: grouping by UTC day would give different numbers.
        ev("2026-02-28 23:50", "message", U5, text="xin chào"),
        ev("2026-03-01 00:30", "message", U5, text="lam can cuoc o dau"),
        ev("2026-03-01 10:00", "message", U1, commune=TL, text="làm căn cước"),
        ev("2026-03-01 12:00", "message", U2, text="Làm CĂN CƯỚC ở đâu?"),
        ev("2026-03-01 23:30", "message", U1, commune=TL),
        ev("2026-03-02 06:30", "message", U1, commune=TL),
        ev("2026-03-02 09:00", "message", U3, "zalo", commune=TL),
        ev("2026-03-02 09:05", "message", U3, "zalo", commune=TL),
        ev("2026-03-02 10:00", "message", H1, commune=TL, role="helper"),
        ev("2026-03-03 08:00", "message", U4, "zalo", commune=BN),
        # Route decisions: 2 match, 1 ambiguous, 3 no match.
        ev("2026-03-01 00:30", "route", U5, intent="cccd", decision="match", confidence=0.9),
        ev("2026-03-01 10:00", "route", U1, intent="cccd", decision="match", confidence=0.8),
        ev("2026-03-01 12:00", "route", U2, decision="no_match", confidence=0.1),
        ev("2026-03-02 09:00", "route", U3, "zalo", decision="no_match", confidence=0.2),
        ev("2026-03-02 09:05", "route", U3, "zalo", intent="tam-tru", decision="ambiguous", confidence=0.5),
        ev("2026-03-03 08:00", "route", U4, "zalo", decision="no_match", confidence=0.1),
        # Unanswered questions: three spellings of one question, two purged texts, one other.
        ev("2026-03-01 00:30", "unresolved", U5, text="lam can cuoc o dau"),
        ev("2026-03-01 12:00", "unresolved", U2, text="Làm CĂN CƯỚC ở đâu?"),
        ev("2026-03-02 09:00", "unresolved", U3, "zalo", text="lam can cuoc o dau"),
        ev("2026-03-02 06:30", "unresolved", U1, text="gọi [phone] giúp em"),
        ev("2026-03-03 08:00", "unresolved", U4, "zalo"),
        ev("2026-03-03 08:01", "unresolved", U4, "zalo"),
        # Cards.
        ev("2026-03-01 10:00", "card", U1, intent="cccd"),
        ev("2026-03-01 12:01", "card", U2, intent="cccd"),
        ev("2026-03-02 09:06", "card", U3, "zalo", intent="tam-tru"),
        ev("2026-03-03 08:02", "card", U4, "zalo", intent="1.001234"),
    ]


def _guides() -> list[Event]:
    return [
        # Guide cccd: U1 completes; U2 gets stuck at s2 and quits; U3 times out at s3, then ticks
        # a paper (a tick carries a document id, which must not count as a step).
        ev("2026-03-01 10:01", "guide_started", U1, intent="cccd", step="s1"),
        ev("2026-03-01 10:02", "step", U1, intent="cccd", step="s2"),
        ev("2026-03-01 10:03", "step", U1, intent="cccd", step="s3"),
        ev("2026-03-01 10:04", "guide_completed", U1, intent="cccd"),
        ev("2026-03-01 10:05", "rating", U1, intent="cccd", decision="up"),
        ev("2026-03-01 12:02", "guide_started", U2, intent="cccd", step="s1"),
        ev("2026-03-01 12:03", "step", U2, intent="cccd", step="s2"),
        ev("2026-03-01 12:04", "stuck", U2, intent="cccd", step="s2"),
        ev("2026-03-01 12:05", "guide_abandoned", U2, intent="cccd", step="s2"),
        ev("2026-03-02 09:10", "guide_started", U3, "zalo", intent="cccd", step="s1"),
        ev("2026-03-02 09:11", "step", U3, "zalo", intent="cccd", step="s2"),
        ev("2026-03-02 09:12", "step", U3, "zalo", intent="cccd", step="s3"),
        ev("2026-03-02 09:20", "rating", U3, "zalo", intent="cccd", decision="down"),
        ev("2026-03-02 10:30", "guide_paused", U3, "zalo", intent="cccd", step="s3"),
        ev("2026-03-02 10:40", "tick", U3, "zalo", intent="cccd", step="doc-photo"),
        # Guide tam-tru: U1 pauses, resumes and completes (not a pause in the funnel); U4 stops at s1.
        ev("2026-03-02 06:31", "guide_started", U1, intent="tam-tru", step="s1"),
        ev("2026-03-02 06:40", "guide_paused", U1, intent="tam-tru", step="s1"),
        ev("2026-03-02 06:50", "step", U1, intent="tam-tru", step="s2"),
        ev("2026-03-02 06:55", "guide_completed", U1, intent="tam-tru"),
        ev("2026-03-02 06:56", "rating", U1, intent="tam-tru", decision="up"),
        ev("2026-03-03 08:03", "guide_started", U4, "zalo", intent="tam-tru", step="s1"),
    ]


def _staff() -> list[Event]:
    return [
        # Helpers: H1 in Tân Lập with four sessions (one still open), H2 joined only.
        ev("2026-03-01 08:00", "helper_joined", H1, commune=TL, role="helper"),
        ev("2026-03-01 09:00", "helper_session_started", H1, commune=TL, role="helper"),
        ev(
            "2026-03-01 09:30",
            "helper_session_ended",
            H1,
            commune=TL,
            role="helper",
            decision="submitted",
            intent="cccd",
        ),
        ev("2026-03-02 14:00", "helper_session_started", H1, commune=TL, role="helper"),
        ev(
            "2026-03-02 14:30",
            "helper_session_ended",
            H1,
            commune=TL,
            role="helper",
            decision="follow_up",
            intent="tam-tru",
        ),
        ev("2026-03-02 15:00", "helper_session_started", H1, commune=TL, role="helper"),
        ev("2026-03-02 15:20", "helper_session_ended", H1, commune=TL, role="helper", decision="could_not"),
        ev("2026-03-02 16:00", "helper_session_started", H1, commune=TL, role="helper"),
        ev("2026-03-03 07:00", "helper_joined", H2, "zalo", commune=BN, role="helper"),
        # Reminders, and an event no section counts.
        ev("2026-03-01 10:06", "reminder_set", U1, intent="cccd"),
        ev("2026-03-02 08:00", "reminder_sent", U1, intent="cccd"),
        ev("2026-03-02 09:21", "reminder_set", U3, "zalo", intent="cccd"),
        ev("2026-03-02 09:30", "reminder_cancelled", U3, "zalo", intent="cccd"),
        ev("2026-03-03 09:00", "reminder_skipped", U2, intent="tam-tru"),
        ev("2026-03-03 09:01", "undelivered", U4, "zalo"),
        # An admin trying the bot out before reading the report is not usage.
        ev("2026-03-01 11:00", "message", ADMIN, commune=TL, role="admin"),
        ev("2026-03-01 11:00", "route", ADMIN, intent="cccd", decision="match", role="admin"),
        ev("2026-03-01 11:01", "card", ADMIN, intent="1.001234", role="admin"),
    ]


@pytest.fixture
def filled(database: Database) -> Database:
    with database.session() as session:
        session.add_all(fixture_events())
    return database


ALL = Period(None, None)
VI = Languages().get("vi")


def test_every_section_of_the_full_report(filled: Database) -> None:
    report = collect(filled, ALL, TZ)
    assert report.timezone == "Asia/Ho_Chi_Minh"
    assert report.totals == Totals(users=6, messages=10, route_decisions=6)
    assert report.days == (
        Day(dt.date(2026, 2, 28), 1, 1),
        Day(dt.date(2026, 3, 1), 3, 4),
        Day(dt.date(2026, 3, 2), 3, 4),
        Day(dt.date(2026, 3, 3), 1, 1),
    )
    assert report.routes == Routes(2, 1, 3, 2 / 6, 1 / 6, 3 / 6)
    assert report.procedures == (
        Procedure("cccd", cards=2, guides_started=3, guides_completed=1),
        Procedure("tam-tru", cards=1, guides_started=2, guides_completed=1),
        Procedure("1.001234", cards=1, guides_started=0, guides_completed=0),
    )
    assert report.unresolved == (
        Unresolved("lam can cuoc o dau", "lam can cuoc o dau", 3),
        Unresolved(None, None, 2),
        Unresolved("goi phone giup em", "gọi [phone] giúp em", 1),
    )
    assert report.funnels == (
        Funnel("cccd", 3, 1, 1 / 3, abandoned=1, paused=1, dropoff=(DropOff("s2", 1), DropOff("s3", 1))),
        Funnel("tam-tru", 2, 1, 0.5, abandoned=0, paused=0, dropoff=(DropOff("s1", 1),)),
    )
    assert report.satisfaction == Satisfaction(2, 1, 2 / 3)
    assert report.channels == (Channel("telegram", 4, 7), Channel("zalo", 2, 3))
    assert report.communes == (Commune(TL, 3, 6, 4), Commune(BN, 1, 1, 0), Commune(None, 2, 3, 0))
    assert report.helpers == (
        HelperActivity("abcdef01", TL, sessions=4, submitted=1, follow_up=1, could_not=1),
        HelperActivity("fedcba98", BN, sessions=0, submitted=0, follow_up=0, could_not=0),
    )
    assert report.reminders == Reminders(set=2, sent=1, skipped=1, cancelled=1)


def test_one_local_day_including_its_utc_previous_evening(filled: Database) -> None:
    # 2026-03-02 local runs from 2026-03-01 17:00 UTC: U1's 06:30 message is in, 23:30 the day before is not.
    report = collect(filled, Period(dt.date(2026, 3, 2), dt.date(2026, 3, 2)), TZ)
    assert report.totals == Totals(users=3, messages=4, route_decisions=2)
    assert report.days == (Day(dt.date(2026, 3, 2), 3, 4),)
    assert report.routes == Routes(0, 1, 1, 0.0, 0.5, 0.5)
    assert report.funnels == (
        Funnel("cccd", 1, 0, 0.0, abandoned=0, paused=1, dropoff=(DropOff("s3", 1),)),
        Funnel("tam-tru", 1, 1, 1.0, abandoned=0, paused=0, dropoff=()),
    )
    assert report.unresolved == (
        Unresolved("goi phone giup em", "gọi [phone] giúp em", 1),
        Unresolved("lam can cuoc o dau", "lam can cuoc o dau", 1),
    )
    assert report.helpers == (HelperActivity("abcdef01", TL, 3, 0, 1, 1),)
    assert report.reminders == Reminders(set=1, sent=1, skipped=0, cancelled=1)


def test_open_ended_periods(filled: Database) -> None:
    before = collect(filled, Period(None, dt.date(2026, 2, 28)), TZ)
    assert before.totals == Totals(1, 1, 0)
    assert before.days == (Day(dt.date(2026, 2, 28), 1, 1),)
    after = collect(filled, Period(dt.date(2026, 3, 3), None), TZ)
    assert after.days == (Day(dt.date(2026, 3, 3), 1, 1),)
    assert after.communes == (Commune(BN, 1, 1, 0),)
    assert after.unresolved == (Unresolved(None, None, 2),)
    assert [funnel.intent for funnel in after.funnels] == ["tam-tru"]


def test_days_follow_the_time_zone_given(filled: Database) -> None:
    # In UTC the same messages fall on other days: 02-28 has U5's two messages.
    report = collect(filled, ALL, ZoneInfo("UTC"))
    assert [(day.date.isoformat(), day.messages) for day in report.days] == [
        ("2026-02-28", 2),
        ("2026-03-01", 4),
        ("2026-03-02", 3),
        ("2026-03-03", 1),
    ]


def test_days_across_a_daylight_saving_change(database: Database) -> None:
    berlin = ZoneInfo("Europe/Berlin")  # clocks go forward on 2026-03-29 at 02:00 (UTC+1 -> UTC+2)
    utc = [dt.datetime(2026, 3, 28, 22, 30, tzinfo=dt.UTC), dt.datetime(2026, 3, 29, 22, 30, tzinfo=dt.UTC)]
    with database.session() as session:
        session.add_all(Event(at=at, type="message", user=U1, channel="telegram") for at in utc)
    days = collect(database, ALL, berlin).days
    # 22:30 UTC is 23:30 local before the change and 00:30 the next day after it.
    assert days == (Day(dt.date(2026, 3, 28), 1, 1), Day(dt.date(2026, 3, 29), 0, 0), Day(dt.date(2026, 3, 30), 1, 1))


def test_empty_database(database: Database) -> None:
    report = collect(database, ALL, TZ)
    assert report.totals == Totals(0, 0, 0)
    assert report.days == () and report.procedures == () and report.unresolved == () and report.funnels == ()
    assert report.routes == Routes(0, 0, 0, 0.0, 0.0, 0.0)
    assert report.satisfaction == Satisfaction(0, 0, 0.0)
    assert report.reminders == Reminders(0, 0, 0, 0)
    assert "(none)" in to_table(report, Languages().get("en"))


def test_questions_differing_in_accents_case_and_punctuation_share_a_key() -> None:
    assert question_key("Làm CĂN CƯỚC ở đâu?") == question_key("lam can cuoc  o dau") == "lam can cuoc o dau"
    assert question_key("???") == "???"


def test_json_shape(filled: Database) -> None:
    data = collect(filled, Period(dt.date(2026, 3, 1), dt.date(2026, 3, 3)), TZ).to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert list(data) == [
        "period", "timezone", "totals", "days", "routes", "procedures", "unresolved",
        "funnels", "satisfaction", "channels", "communes", "helpers", "reminders", "sites", "handoffs",
    ]  # fmt: skip
    assert data["period"] == {"since": "2026-03-01", "until": "2026-03-03"}
    assert data["days"][0] == {"date": "2026-03-01", "users": 3, "messages": 4}
    assert data["routes"]["match_share"] == 0.3333
    assert data["funnels"][0]["completion_rate"] == 0.3333
    assert data["funnels"][0]["dropoff"] == [{"step": "s2", "users": 1}, {"step": "s3", "users": 1}]
    assert {"key": None, "example": None, "count": 2} in data["unresolved"]
    assert data["communes"][-1] == {"commune": None, "users": 2, "messages": 2, "helper_sessions": 0}


def test_csv_is_one_long_table(filled: Database) -> None:
    rows = list(csv.reader(io.StringIO(to_csv(collect(filled, ALL, TZ)))))
    assert rows[0] == ["section", "key", "metric", "value"]
    assert all(len(row) == 4 for row in rows)
    table = {(section, key, metric): value for section, key, metric, value in rows[1:]}
    assert table[("meta", "period", "since")] == ""
    assert table[("meta", "timezone", "")] == "Asia/Ho_Chi_Minh"
    assert table[("totals", "", "users")] == "6"
    assert table[("days", "2026-03-01", "messages")] == "4"
    assert table[("routes", "", "no_match_share")] == "0.5"
    assert table[("procedures", "cccd", "guides_started")] == "3"
    assert table[("unresolved", "lam can cuoc o dau", "example")] == "lam can cuoc o dau"
    assert table[("unresolved", "", "count")] == "2"
    assert table[("funnels", "cccd", "paused")] == "1"
    assert table[("funnels.dropoff", "cccd/s2", "users")] == "1"
    assert table[("communes", "", "messages")] == "3"
    assert table[("helpers", "abcdef01", "could_not")] == "1"
    assert table[("reminders", "", "cancelled")] == "1"
    assert len(rows) == len(set(table)) + 1  # no two rows share a (section, key, metric)


def test_csv_does_not_let_a_question_run_as_a_formula(database: Database) -> None:
    with database.session() as session:
        session.add(ev("2026-03-01 10:00", "unresolved", U1, text='=HYPERLINK("http://x")'))
    rows = list(csv.reader(io.StringIO(to_csv(collect(database, ALL, TZ)))))
    assert ["unresolved", "hyperlink http x", "example", '\'=HYPERLINK("http://x")'] in rows


def test_text_report_in_vietnamese_and_english(filled: Database) -> None:
    report = collect(filled, Period(dt.date(2026, 3, 1), None), TZ)
    english = to_table(report, Languages().get("en"), {"cccd": "Citizen ID card"})
    assert "Citizen ID card" in english and "1.001234" in english
    assert "From Mar 1, 2026 to now" in english
    assert "started 3, done 1 (33%)" in english
    assert "stopped at: s2 ×1, s3 ×1" in english
    assert "(text purged)" in english and '"lam can cuoc o dau"' in english
    vietnamese = to_table(report, VI)
    assert "01/03/2026" in vietnamese
    assert max(len(line) for line in vietnamese.splitlines()) <= 64


def test_helper_report(filled: Database) -> None:
    mine = helper_report(filled, H1, ALL, TZ)
    assert mine.activity == HelperActivity("abcdef01", TL, 4, 1, 1, 1)
    assert mine.procedures == (("cccd", 1), ("tam-tru", 1))
    later = helper_report(filled, H1, Period(dt.date(2026, 3, 2), None), TZ)
    assert later.activity == HelperActivity("abcdef01", TL, 3, 0, 1, 1)
    assert later.procedures == (("tam-tru", 1),)
    assert later.to_dict()["activity"]["sessions"] == 3
    nobody = helper_report(filled, "0" * 64, ALL, TZ)
    assert nobody.activity == HelperActivity("00000000", None, 0, 0, 0, 0) and nobody.procedures == ()
    text = helper_text(mine, Languages().get("en"))
    assert "4 sessions: 1 submitted, 1 follow-up, 1 could not" in text and "cccd: 1" in text


def test_chart_is_a_small_png(filled: Database, database_url: str) -> None:
    full = collect(filled, ALL, TZ)
    empty = Report(
        ALL, "Asia/Ho_Chi_Minh", Totals(0, 0, 0), (), Routes(0, 0, 0, 0.0, 0.0, 0.0), (), (), (),
        Satisfaction(0, 0, 0.0), (), (), (), Reminders(0, 0, 0, 0),
    )  # fmt: skip
    for report in (full, empty):  # how long drawing takes is a benchmark's business, not a test's
        png = render_chart(report, VI, {"cccd": "Cấp căn cước"})
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) < 200_000


def test_web_messages_per_embedding_site(database: Database) -> None:
    portal, other = "https://tanlap.example.gov.vn", "https://bennghe.example.gov.vn"
    with database.session() as session:
        session.add_all(
            [
                ev("2026-03-01 10:00", "message", U1, "web", site=portal),
                ev("2026-03-01 10:01", "message", U1, "web", site=portal),
                ev("2026-03-01 11:00", "message", U2, "web", site=portal),
                ev("2026-03-01 12:00", "message", U3, "web", site="/chat"),
                ev("2026-03-01 12:05", "message", U4, "web", site=other, role="admin"),  # admins are not counted
                ev("2026-03-01 12:10", "route", U3, "web", site="/chat", decision="match"),  # not a message
                ev("2026-03-01 13:00", "message", U5, "web"),  # stored before sites were recorded
                ev("2026-03-01 14:00", "message", U5, "telegram"),  # other channels have no site
            ]
        )
    report = collect(database, ALL, TZ)
    assert report.sites == (Site(portal, 2, 3), Site("/chat", 1, 1), Site(None, 1, 1))
    assert collect(database, ALL, TZ, channel="telegram").sites == ()
    table = to_table(report, Languages().get("en"))
    assert "Web chat sites (users / messages)\n  https://tanlap.example.gov.vn: 2 / 3\n  /chat: 1 / 1" in table
    assert "(unknown): 1 / 1" in table
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    assert ["sites", portal, "messages", "3"] in rows and ["sites", "/chat", "users", "1"] in rows

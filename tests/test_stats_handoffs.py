"""Live handoff statistics: requests, answers, time-outs, the queue, waiting and handling times, ratings.

Handoff rows are written directly at fixed local times (the story below is counted by hand), then
read through every way an admin reads the statistics: the report, its text (``/stats``, ``dvcbot
stats``, the digest), its CSV and XLSX, and the console's statistics page.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.app import build_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.console.accounts import Accounts, ConsoleRole
from bot.i18n import Languages
from bot.stats.handoffs import percentile
from bot.stats.queries import HandoffStats, Period, collect
from bot.stats.text import to_csv, to_table
from bot.storage.database import Database
from bot.storage.tables import Handoff
from tests.conftest import Ran

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SAIGON, OTHER = "26740", "00004"
DAYS = Period(dt.date(2030, 3, 11), dt.date(2030, 3, 12))
PASSWORD = "mat-khau-rat-dai-2030"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
VI = Languages().get("vi")


def at(local: str) -> dt.datetime:
    """A local (Hà Nội) time as the UTC instant it is stored as."""
    return dt.datetime.fromisoformat(local).replace(tzinfo=TZ).astimezone(dt.UTC)


def maybe(local: str | None) -> dt.datetime | None:
    return None if local is None else at(local)


def handoff(
    number: int,
    opened: str,
    taken: str | None = None,
    closed: str | None = None,
    *,
    commune: str | None = SAIGON,
    channel: str = "telegram",
    kind: str = "live",
    closed_by: str | None = "handback",
    rating: int | None = None,
) -> Handoff:
    status = "closed" if closed else "taken" if taken else "waiting"
    opened_at = at(opened)
    return Handoff(
        conversation=f"{number}" * 64, channel=channel, commune=commune, kind=kind, status=status,
        opened_at=opened_at, taken_at=maybe(taken), closed_at=maybe(closed), citizen_at=opened_at, active_at=opened_at,
        closed_by=closed_by if closed else None, rating=rating,
    )  # fmt: skip


def story() -> list[Handoff]:
    """Monday 11 and Tuesday 12 March 2030, local times; the figures in the tests are counted from it."""
    return [
        handoff(1, "2030-03-11 09:00", "2030-03-11 09:04", "2030-03-11 09:20", rating=5),  # wait 4, handled 16
        handoff(2, "2030-03-11 09:10", "2030-03-11 09:20", "2030-03-11 09:50", channel="zalo", closed_by="timeout"),
        handoff(3, "2030-03-11 10:00", "2030-03-11 10:02", "2030-03-11 10:10", commune=None, rating=3),  # province
        # A question left on Monday evening, taken on Tuesday morning: handled 30, its night is no wait.
        handoff(4, "2030-03-11 20:00", "2030-03-12 08:00", "2030-03-12 08:30", kind="question"),
        handoff(5, "2030-03-12 11:00", channel="web"),  # still waiting
        handoff(6, "2030-03-10 16:00", commune=OTHER),  # waiting since the day before the period
        # 00:30 on Wednesday in Hà Nội is still Tuesday in UTC: outside the period all the same.
        handoff(7, "2030-03-13 00:30", "2030-03-13 00:31", "2030-03-13 00:40", rating=1),
    ]


@pytest.fixture
def filled(database: Database) -> Database:
    with database.session() as session:
        session.add_all(story())
    return database


def test_the_figures_of_a_period(filled: Database) -> None:
    assert collect(filled, DAYS, TZ).handoffs == HandoffStats(
        requests=5, questions=1, answered=4, timed_out=1, queue=2,
        wait_median_minutes=4.0, wait_p90_minutes=10.0, handling_median_minutes=23.0,
        ratings=2, rating_average=4.0,
    )  # fmt: skip


def test_one_communes_figures_leave_the_others_and_the_province_queue_out(filled: Database) -> None:
    assert collect(filled, DAYS, TZ, commune=SAIGON).handoffs == HandoffStats(
        requests=4, questions=1, answered=3, timed_out=1, queue=1,
        wait_median_minutes=7.0, wait_p90_minutes=10.0, handling_median_minutes=30.0,
        ratings=1, rating_average=5.0,
    )  # fmt: skip
    assert collect(filled, DAYS, TZ, commune=OTHER).handoffs == HandoffStats(queue=1)


def test_one_channels_figures(filled: Database) -> None:
    assert collect(filled, DAYS, TZ, channel="zalo").handoffs == HandoffStats(
        requests=1, answered=1, timed_out=1, wait_median_minutes=10.0, wait_p90_minutes=10.0,
        handling_median_minutes=30.0,
    )  # fmt: skip


def test_an_open_period_counts_every_handoff(filled: Database) -> None:
    figures = collect(filled, Period(None, None), TZ).handoffs
    assert (figures.requests, figures.answered, figures.queue, figures.ratings) == (7, 5, 2, 3)
    assert figures.rating_average == 3.0 and figures.wait_median_minutes == 3.0  # waits 4, 10, 2, 1


def test_no_handoff_gives_zeros_and_no_section(database: Database) -> None:
    report = collect(database, DAYS, TZ)
    assert report.handoffs == HandoffStats()
    assert "Talking to an officer" not in to_table(report, Languages().get("en"))


def test_the_nearest_rank_percentile() -> None:
    assert percentile([], 0.9) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0
    assert percentile([float(n) for n in range(1, 12)], 0.9) == 10.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0


def test_the_text_report_in_english_and_vietnamese(filled: Database) -> None:
    report = collect(filled, DAYS, TZ)
    english = to_table(report, Languages().get("en"))
    section = english[english.index("Talking to an officer") :].split("\n\n")[0]
    assert section.splitlines()[1:] == [
        "  Requests: 5",
        "  Left outside office hours: 1",
        "  Answered by an officer: 4",
        "  Timed out: 1",
        "  Waiting now: 2",
        "  Wait, median / 90%: 4 / 10 min",
        "  Handling, median: 23 min",
        "  Ratings: 2, average 4 / 5",
    ]
    saigon = to_table(collect(filled, Period(dt.date(2030, 3, 11), dt.date(2030, 3, 11)), TZ, commune=SAIGON), VI)
    assert "Trung vị thời gian chờ / 90%: 7 / 10 phút" in saigon  # babel's Vietnamese numbers
    assert "Đánh giá: 1, trung bình 5 / 5" in saigon
    assert max(len(line) for line in saigon.splitlines()) <= 64  # short lines for a chat message
    half = replace(report, handoffs=replace(report.handoffs, handling_median_minutes=12.34, rating_average=None))
    vietnamese = to_table(half, VI)
    assert "Trung vị thời gian xử lý: 12,3 phút" in vietnamese and "trung bình – / 5" in vietnamese


def test_the_csv_and_xlsx_rows(filled: Database) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

    from bot.console.reports import xlsx_bytes

    report = collect(filled, DAYS, TZ, channel="web")
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    found = {metric: value for section, _, metric, value in rows if section == "handoffs"}
    assert found == {
        "requests": "1", "questions": "0", "answered": "0", "timed_out": "0", "queue": "1",
        "wait_median_minutes": "", "wait_p90_minutes": "", "handling_median_minutes": "",
        "ratings": "0", "rating_average": "",
    }  # fmt: skip
    sheet = load_workbook(io.BytesIO(xlsx_bytes(collect(filled, DAYS, TZ))))["report"]
    cells = {(row[0], row[2]): row[3] for row in sheet.iter_rows(values_only=True)}
    assert cells[("handoffs", "requests")] == 5 and cells[("handoffs", "wait_p90_minutes")] == 10.0


def test_dvcbot_stats_prints_them(dvcbot: Callable[..., Ran], tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'stats.db'}"
    database = Database(url)
    database.migrate()
    with database.session() as session:
        session.add_all(story())
    database.dispose()
    ran = dvcbot("stats", "--since", "2030-03-11", "--until", "2030-03-12", "--lang", "en", env={"DATABASE_URL": url})
    assert ran.returncode == 0 and "Answered by an officer: 4" in ran.stdout
    ran = dvcbot("stats", "--since", "2030-03-11", "--until", "2030-03-12", "--csv", env={"DATABASE_URL": url})
    assert "handoffs,,timed_out,1" in ran.stdout


def cells(html: str) -> list[str]:
    """The figures of the console page's handoff section, in order."""
    return re.findall(r'<td class="n">([^<]*)</td>', html[html.index("Nói chuyện với cán bộ") :])


async def _signed_in(client: httpx.AsyncClient, login: str) -> None:
    client.cookies.clear()
    token = CSRF.search((await client.get("/console/sign-in")).text).group(1)  # type: ignore[union-attr]
    answer = await client.post("/console/sign-in", data={"csrf": token, "login": login, "password": PASSWORD})
    assert answer.status_code == 303


def test_the_console_statistics_page_shows_them_scoped_to_the_officers_commune(
    settings: Settings, patch: Callable[..., None]
) -> None:
    patch(settings)
    app = build_app(replace(settings, console=True, user_salt="s" * 40), ManualClock(at("2030-03-13 09:00")))
    try:
        with app.database.session() as session:
            session.add_all(story())
        accounts = Accounts(app.database, "s" * 40)
        accounts.add("admin.tinh", PASSWORD, ConsoleRole.ADMIN, at("2030-03-01 09:00"))
        accounts.add("canbo.saigon", PASSWORD, ConsoleRole.OFFICER, at("2030-03-01 09:00"), commune=SAIGON)

        async def pages() -> tuple[str, str, str]:
            transport = httpx.ASGITransport(app=app.web_app())
            async with httpx.AsyncClient(transport=transport, base_url="https://bot") as client:
                query = "since=2030-03-11&until=2030-03-12"
                await _signed_in(client, "admin.tinh")
                everyone = (await client.get(f"/console/stats?{query}")).text
                await _signed_in(client, "canbo.saigon")
                officer = (await client.get(f"/console/stats?{query}")).text
                download = (await client.get(f"/console/stats/report.csv?{query}")).text
                return everyone, officer, download

        everyone, officer, download = asyncio.run(pages())
    finally:
        app.close()
    assert "Nói chuyện với cán bộ" in everyone
    assert cells(everyone) == ["5", "1", "4", "1", "2", "4", "10", "23", "2", "4"]
    assert cells(officer) == ["4", "1", "3", "1", "1", "7", "10", "30", "1", "5"]
    assert "handoffs,,requests,4" in download

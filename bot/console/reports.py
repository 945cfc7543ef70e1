"""The statistics report for the console, scoped to what the reader may see, and its downloads.

The bot's own report; its downloads are the CSV ``dvcbot stats --csv`` writes, the same table
as an XLSX workbook, and the chart as a PNG.

An officer or helper reads only their commune: asking for all communes gives theirs, asking for
another one is refused (:class:`OutOfScope`). Admins read any commune, or all together.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.console.accounts import Officer
from bot.i18n import Translator
from bot.stats.queries import Period, Report, collect
from bot.stats.text import to_csv
from bot.storage.database import Database

MAX_DAYS = 3660
CHANNELS = ("telegram", "zalo", "web", "terminal")


class OutOfScope(PermissionError):
    """A commune the reader may not see."""


@dataclass(frozen=True)
class Filters:
    """What a report covers: local dates, a commune (official code) and a channel (None: all)."""

    period: Period
    commune: str | None = None
    channel: str | None = None

    @classmethod
    def parse(cls, since: str, until: str, commune: str, channel: str, today: dt.date) -> Filters:
        """Form values to filters: the last 30 days by default, the span capped, unknown channels dropped."""
        end = _date(until) or today
        start = _date(since) or end - dt.timedelta(days=29)
        start = max(min(start, end), end - dt.timedelta(days=MAX_DAYS))
        code = commune.strip() if commune.strip().isdigit() else None
        return cls(Period(start, end), code, channel if channel in CHANNELS else None)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


class Reports:
    """Reports over the events, for one reader at a time."""

    def __init__(self, database: Database, timezone: ZoneInfo):
        self.database = database
        self.timezone = timezone

    def scoped(self, officer: Officer, filters: Filters) -> Filters:
        """The filters the reader may use: their own commune unless they are an admin."""
        if officer.is_admin:
            return filters
        if filters.commune is not None and not officer.may_see(filters.commune):
            raise OutOfScope(filters.commune)
        return Filters(filters.period, officer.commune, filters.channel)

    def report(self, officer: Officer, filters: Filters) -> Report:
        """The report for ``filters`` as ``officer`` may see it."""
        scope = self.scoped(officer, filters)
        return collect(self.database, scope.period, self.timezone, commune=scope.commune, channel=scope.channel)

    def chart(self, report: Report, tr: Translator, names: dict[str, str]) -> bytes:
        """The report's chart as PNG (matplotlib imported on first use)."""
        from bot.stats.chart import render_chart

        return render_chart(report, tr, names)


def csv_bytes(report: Report) -> bytes:
    """The report's long table as CSV, with a byte-order mark so Excel reads the Vietnamese right."""
    return ("\ufeff" + to_csv(report)).encode("utf-8")


def xlsx_bytes(report: Report) -> bytes:
    """The same long table as an XLSX workbook (every cell a value: no formula is written)."""
    from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]  # admin-only and slow to import: loaded with the first download

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "report"
    for row in csv.reader(io.StringIO(to_csv(report))):
        cells = [_number(value) for value in row]
        sheet.append(cells)
    for cell in sheet[1]:
        cell.style = "Headline 4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(value: str) -> str | int | float:
    """Figures as numbers (a spreadsheet sums them); text stays text."""
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value


__all__ = ["CHANNELS", "Filters", "OutOfScope", "Reports", "csv_bytes", "xlsx_bytes"]

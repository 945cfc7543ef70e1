"""The console's statistics: the bot's usage report with its filters, chart and downloads.

``/console/stats`` shows the report for a period, a commune (official code) and a channel;
``/console/stats/chart.png`` is its chart, ``/console/stats/report.csv`` and ``report.xlsx`` its
long table for the province's own reports. Officers and helpers read their commune only: another
commune's code is refused, no code means theirs (:meth:`bot.console.reports.Reports.scoped`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from babel.numbers import format_decimal
from starlette.responses import Response

from bot.console.reports import CHANNELS, Filters, OutOfScope, csv_bytes, xlsx_bytes
from bot.i18n import Translator
from bot.web.console import HEADERS, Page, Visit
from bot.web.console_html import button, choice, esc, field, form, table

if TYPE_CHECKING:  # the report's types only: the figures come through bot.console.reports
    from bot.stats.report import Report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StatsPages:
    """The statistics pages."""

    def pages(self) -> list[Page]:
        """The report page, its chart and its downloads."""
        return [
            Page("/console/stats", "stats", self.report_page),
            Page("/console/stats/chart.png", "stats-chart", self.chart),
            Page("/console/stats/report.csv", "stats-csv", self.csv),
            Page("/console/stats/report.xlsx", "stats-xlsx", self.xlsx),
        ]

    def filters(self, visit: Visit) -> Filters:
        """The query's filters, scoped to what the reader may see (:class:`OutOfScope` otherwise)."""
        services = visit.services
        today = services.clock.now().astimezone(services.timezone).date()
        since, until, commune, channel = (visit.value(name) for name in ("since", "until", "commune", "channel"))
        asked = Filters.parse(since, until, commune, channel, today)
        return services.reports.scoped(visit.officer, asked)

    def _report(self, visit: Visit) -> tuple[Filters, Report] | Response:
        try:
            filters = self.filters(visit)
        except OutOfScope:
            return visit.refused(visit.tr.gettext("You may only see the statistics of your own commune."))
        return filters, visit.services.reports.report(visit.officer, filters)

    def report_page(self, visit: Visit) -> Response:
        """The filters form, the figures, the chart and the download links."""
        found = self._report(visit)
        if isinstance(found, Response):
            return found
        filters, report = found
        tr = visit.tr
        query = _query(filters)
        body = self._filters_form(visit, filters)
        body += (
            f'<p><a href="/console/stats/report.csv?{esc(query)}">{esc(tr.gettext("Download CSV"))}</a> · '
            f'<a href="/console/stats/report.xlsx?{esc(query)}">{esc(tr.gettext("Download XLSX"))}</a></p>'
        )
        body += _sections(report, tr, self._names(visit))
        alt = tr.gettext("Chart: messages per day, top procedures, guides started and completed")
        body += f'<p><img class="chart" src="/console/stats/chart.png?{esc(query)}" alt="{esc(alt)}"></p>'
        return visit.page(tr.gettext("Statistics"), body)

    def _filters_form(self, visit: Visit, filters: Filters) -> str:
        tr, officer = visit.tr, visit.officer
        channels = [("", tr.gettext("All channels")), *((name, name) for name in CHANNELS)]
        inner = field("since", tr.gettext("From"), filters.period.since or "", kind="date")
        inner += field("until", tr.gettext("To"), filters.period.until or "", kind="date")
        if officer.is_admin:
            label = tr.gettext("Commune code (empty: all)")
            inner += field("commune", label, filters.commune or "", extra=' inputmode="numeric"')
        inner += choice("channel", tr.gettext("Channel"), channels, filters.channel or "")
        inner += button(tr.gettext("Show"))
        return form("/console/stats", "", f'<div class="filters">{inner}</div>', method="get")

    def _names(self, visit: Visit) -> dict[str, str]:
        _, catalog = visit.services.catalog()
        return catalog.names(visit.tr.locale)

    def chart(self, visit: Visit) -> Response:
        """The report's chart (PNG)."""
        found = self._report(visit)
        if isinstance(found, Response):
            return found
        png = visit.services.reports.chart(found[1], visit.tr, self._names(visit))
        return Response(png, media_type="image/png", headers=HEADERS)

    def csv(self, visit: Visit) -> Response:
        """The report's long table as CSV."""
        found = self._report(visit)
        if isinstance(found, Response):
            return found
        return _download(csv_bytes(found[1]), "text/csv; charset=utf-8", _file_name(found[0], "csv"))

    def xlsx(self, visit: Visit) -> Response:
        """The report's long table as an XLSX workbook."""
        found = self._report(visit)
        if isinstance(found, Response):
            return found
        return _download(xlsx_bytes(found[1]), XLSX, _file_name(found[0], "xlsx"))


def _query(filters: Filters) -> str:
    period = filters.period
    values = {"since": period.since or "", "until": period.until or "", "commune": filters.commune or ""}
    values["channel"] = filters.channel or ""
    return urlencode({name: str(value) for name, value in values.items() if value})


def _file_name(filters: Filters, suffix: str) -> str:
    scope = filters.commune or "all"
    return f"dvcbot-stats-{filters.period.since}-{filters.period.until}-{scope}.{suffix}"


def _download(content: bytes, media_type: str, name: str) -> Response:
    headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content, media_type=media_type, headers=headers)


def _sections(report: Report, tr: Translator, names: dict[str, str]) -> str:
    """The report's main sections as tables."""
    totals = report.totals
    html = table(
        (tr.gettext("Users"), tr.gettext("Messages"), tr.gettext("Questions routed")),
        [(tr.number(totals.users), tr.number(totals.messages), tr.number(totals.route_decisions))],
        numeric=(0, 1, 2),
    )
    html += f"<h2>{esc(tr.gettext('Per day'))}</h2>"
    html += table(
        (tr.gettext("Date"), tr.gettext("Users"), tr.gettext("Messages")),
        [(tr.date(day.date), day.users, day.messages) for day in report.days],
        numeric=(1, 2),
    )
    html += f"<h2>{esc(tr.gettext('Procedures'))}</h2>"
    html += table(
        (tr.gettext("Procedure"), tr.gettext("Cards"), tr.gettext("Guides started"), tr.gettext("Guides completed")),
        [(names.get(p.intent, p.intent), p.cards, p.guides_started, p.guides_completed) for p in report.procedures],
        numeric=(1, 2, 3),
    )
    html += f"<h2>{esc(tr.gettext('Channels'))}</h2>"
    html += table(
        (tr.gettext("Channel"), tr.gettext("Users"), tr.gettext("Messages")),
        [(row.channel, row.users, row.messages) for row in report.channels],
        numeric=(1, 2),
    )
    html += f"<h2>{esc(tr.gettext('Web chat sites'))}</h2>"  # the portals embedding the chat, and /chat
    html += table(
        (tr.gettext("Site"), tr.gettext("Users"), tr.gettext("Messages")),
        [(row.site or tr.gettext("(unknown)"), row.users, row.messages) for row in report.sites],
        numeric=(1, 2),
    )
    html += f"<h2>{esc(tr.gettext('Communes'))}</h2>"
    html += table(
        (tr.gettext("Commune"), tr.gettext("Users"), tr.gettext("Messages"), tr.gettext("Helper sessions")),
        [(row.commune or "—", row.users, row.messages, row.helper_sessions) for row in report.communes],
        numeric=(1, 2, 3),
    )
    return html + _handoffs(report, tr)


def _handoffs(report: Report, tr: Translator) -> str:
    """The live handoff: requests and what became of them, the queue now, times and ratings."""
    figures = report.handoffs

    def minutes(value: float | None) -> str:
        return "–" if value is None else format_decimal(value, format="#,##0.#", locale=tr.locale)

    html = f"<h2>{esc(tr.gettext('Talking to an officer'))}</h2>"
    html += table(
        (tr.gettext("Requests"), tr.gettext("Left outside office hours"), tr.gettext("Answered by an officer"),
         tr.gettext("Timed out"), tr.gettext("Waiting now")),
        [tuple(tr.number(count) for count in (figures.requests, figures.questions, figures.answered,
                                              figures.timed_out, figures.queue))],
        numeric=(0, 1, 2, 3, 4),
    )  # fmt: skip
    html += table(
        (tr.gettext("Wait, median (min)"), tr.gettext("Wait, 90% (min)"), tr.gettext("Handling, median (min)"),
         tr.gettext("Ratings"), tr.gettext("Average rating (1-5)")),
        [(minutes(figures.wait_median_minutes), minutes(figures.wait_p90_minutes),
          minutes(figures.handling_median_minutes), tr.number(figures.ratings), minutes(figures.rating_average))],
        numeric=(0, 1, 2, 3, 4),
    )  # fmt: skip
    return html


__all__ = ["StatsPages"]

"""Reports rendered for people: the CSV export, the plain-text table and the helper's message.

The figures come from :mod:`bot.stats.queries` (its queries and report dataclasses); this module only
turns them into text. ``to_csv`` writes the ``dvcbot stats --csv`` export, one long table a
spreadsheet can pivot; ``to_table`` is the report as short lines for a terminal, ``/stats`` and
the digest; ``helper_text`` is a helper's own ``/myreport``. Labels are translated and numbers,
dates and percentages formatted by the reader's :class:`~bot.i18n.Translator`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from babel.numbers import format_decimal, format_percent

from bot.i18n import Translator
from bot.stats.queries import HelperActivity, HelperReport, Period, Report
from procedures.addresses import commune_label


def to_csv(report: Report) -> str:
    """The report as one long table ``section,key,metric,value``.

    Lists become one row per item and metric, keyed by the item's first field (an empty key
    is the purged-text group or the unknown commune); a list inside an item (a funnel's
    drop-off) becomes section ``funnels.dropoff`` keyed ``intent/step``. Text that starts
    like a spreadsheet formula gets a leading apostrophe.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("section", "key", "metric", "value"))
    data = report.to_dict()
    for name in ("period", "timezone"):
        items = data.pop(name)
        for metric, value in items.items() if isinstance(items, dict) else [("", items)]:
            writer.writerow(("meta", name, metric, "" if value is None else value))
    for section, content in data.items():
        writer.writerows(_csv_rows(section, "", content))
    return buffer.getvalue()


def _csv_rows(section: str, prefix: str, content: Any) -> list[tuple[str, str, str, Any]]:
    rows: list[tuple[str, str, str, Any]] = []
    items = content if isinstance(content, list) else [{"": "", **content}]
    for item in items:
        first, *rest = item
        key = f"{prefix}{'' if item[first] is None else item[first]}"
        for metric in rest:
            value = item[metric]
            if isinstance(value, list):
                rows.extend(_csv_rows(f"{section}.{metric}", f"{key}/", value))
            else:
                rows.append((section, _cell(key), metric, _cell(value)))
    return rows


def _cell(value: Any) -> Any:
    """Citizens' text goes into the CSV: quote what a spreadsheet would run as a formula."""
    if value is None:
        return ""
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def _percent(share: float, tr: Translator) -> str:
    return format_percent(share, locale=tr.locale)


def _cut(text: str, limit: int = 36) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def period_text(period: Period, tr: Translator) -> str:
    """The period in words: "From 01/03/2026 to 31/03/2026" (open sides named)."""
    since = tr.date(period.since) if period.since else tr.gettext("the beginning")
    until = tr.date(period.until) if period.until else tr.gettext("now")
    return tr.gettext("From {since} to {until}").format(since=since, until=until)


class _Sheet:
    """The lines of a plain-text report, with its section headings."""

    def __init__(self, tr: Translator, names: Mapping[str, str] | None) -> None:
        self.tr, self.n, self.names = tr, tr.number, names or {}
        self.lines: list[str] = []

    def head(self, title: str, empty: bool = False) -> None:
        self.lines.extend(("", title))
        if empty:
            self.lines.append("  " + self.tr.gettext("(none)"))

    def label(self, intent: str) -> str:
        return _cut(self.names.get(intent, intent), 32)

    def counts(self, pairs: Iterable[tuple[str, int]]) -> None:
        self.lines.extend(f"  {title}: {self.n(count)}" for title, count in pairs)


def to_table(report: Report, tr: Translator, names: Mapping[str, str] | None = None) -> str:
    """A plain-text report with short lines, readable in a terminal and in a chat message.

    ``names`` maps procedure ids to display names; ids are shown where it has none.
    """
    sheet = _Sheet(tr, names)
    sheet.lines += [tr.gettext("USAGE REPORT"), f"{period_text(report.period, tr)} ({report.timezone})"]
    _overview(sheet, report)
    _procedures(sheet, report)
    _places(sheet, report)
    _handoffs(sheet, report)
    reminders = report.reminders
    sheet.head(tr.gettext("Reminders"))
    sheet.counts(
        (
            (tr.gettext("Set"), reminders.set),
            (tr.gettext("Sent"), reminders.sent),
            (tr.gettext("Skipped"), reminders.skipped),
            (tr.gettext("Cancelled"), reminders.cancelled),
        )
    )
    return "\n".join(sheet.lines)


def _overview(sheet: _Sheet, report: Report) -> None:
    tr, n, totals, routes = sheet.tr, sheet.n, report.totals, report.routes
    sheet.head(tr.gettext("Overview"))
    sheet.counts(
        (
            (tr.gettext("Users"), totals.users),
            (tr.gettext("Messages"), totals.messages),
            (tr.gettext("Questions routed"), totals.route_decisions),
        )
    )
    sheet.head(tr.gettext("Per day (users / messages)"), not report.days)
    sheet.lines.extend(f"  {tr.date(day.date)}: {n(day.users)} / {n(day.messages)}" for day in report.days)
    sheet.head(tr.gettext("Questions"))
    for title, count, share in (
        (tr.gettext("Understood"), routes.match, routes.match_share),
        (tr.gettext("Unsure, asked back"), routes.ambiguous, routes.ambiguous_share),
        (tr.gettext("Not understood"), routes.no_match, routes.no_match_share),
    ):
        sheet.lines.append(f"  {title}: {n(count)} ({_percent(share, tr)})")


def _procedures(sheet: _Sheet, report: Report) -> None:
    tr, n, lines = sheet.tr, sheet.n, sheet.lines
    sheet.head(tr.gettext("Top procedures (cards / guides / done)"), not report.procedures)
    for rank, item in enumerate(report.procedures, 1):
        lines.append(f"  {rank}. {sheet.label(item.intent)}")
        lines.append(f"     {n(item.cards)} / {n(item.guides_started)} / {n(item.guides_completed)}")
    sheet.head(tr.gettext("Unanswered questions"), not report.unresolved)
    for group in report.unresolved:
        text = f'"{_cut(group.example or "")}"' if group.key is not None else tr.gettext("(text purged)")
        lines.append(f"  {n(group.count)} × {text}")
    sheet.head(tr.gettext("Step-by-step guides"), not report.funnels)
    for funnel in report.funnels:
        rate = _percent(funnel.completion_rate, tr)
        lines.append(f"  {sheet.label(funnel.intent)}")
        started = tr.gettext("started {started}, done {completed} ({rate})")
        lines.append("    " + started.format(started=n(funnel.started), completed=n(funnel.completed), rate=rate))
        ended = tr.gettext("quit {abandoned}, paused {paused}")
        lines.append("    " + ended.format(abandoned=n(funnel.abandoned), paused=n(funnel.paused)))
        if funnel.dropoff:
            steps = ", ".join(f"{stop.step} ×{n(stop.users)}" for stop in funnel.dropoff)
            lines.append("    " + tr.gettext("stopped at: {steps}").format(steps=steps))
    rating = report.satisfaction
    sheet.head(tr.gettext("Ratings"))
    lines.append(f"  {tr.gettext('Helpful')}: {n(rating.up)} ({_percent(rating.up_share, tr)})")
    lines.append(f"  {tr.gettext('Not helpful')}: {n(rating.down)}")


def _places(sheet: _Sheet, report: Report) -> None:
    tr, n, lines = sheet.tr, sheet.n, sheet.lines
    sheet.head(tr.gettext("Channels (users / messages)"), not report.channels)
    lines.extend(f"  {item.channel}: {n(item.users)} / {n(item.messages)}" for item in report.channels)
    if report.sites:  # only where the web chat is used: a Telegram-only report stays as short as before
        sheet.head(tr.gettext("Web chat sites (users / messages)"))
        for site in report.sites:
            name = _cut(site.site, 48) if site.site is not None else tr.gettext("(unknown)")
            lines.append(f"  {name}: {n(site.users)} / {n(site.messages)}")
    sheet.head(tr.gettext("Communes (users / messages / helper sessions)"), not report.communes)
    for place in report.communes:
        name = _cut(commune_label(place.commune) or "", 28) if place.commune is not None else tr.gettext("(unknown)")
        lines.append(f"  {name}: {n(place.users)} / {n(place.messages)} / {n(place.helper_sessions)}")
    sheet.head(tr.gettext("Helpers"), not report.helpers)
    for helper in report.helpers:
        lines.append(f"  {helper.helper} · {commune_label(helper.commune, full=True) or tr.gettext('(unknown)')}")
        lines.append("    " + _outcomes(helper, tr))


def _handoffs(sheet: _Sheet, report: Report) -> None:
    """The live handoff's figures; left out where nobody asked for a person (no console, or a quiet period)."""
    tr, n, figures = sheet.tr, sheet.n, report.handoffs
    if not figures.requests and not figures.queue:
        return
    sheet.head(tr.gettext("Talking to an officer"))
    sheet.counts(
        (
            (tr.gettext("Requests"), figures.requests),
            (tr.gettext("Left outside office hours"), figures.questions),
            (tr.gettext("Answered by an officer"), figures.answered),
            (tr.gettext("Timed out"), figures.timed_out),
            (tr.gettext("Waiting now"), figures.queue),
        )
    )
    wait = f"{_minutes(figures.wait_median_minutes, tr)} / {_minutes(figures.wait_p90_minutes, tr)}"
    sheet.lines.append("  " + tr.gettext("Wait, median / 90%: {minutes} min").format(minutes=wait))
    handling = _minutes(figures.handling_median_minutes, tr)
    sheet.lines.append("  " + tr.gettext("Handling, median: {minutes} min").format(minutes=handling))
    average = "–" if figures.rating_average is None else _decimal(figures.rating_average, tr)
    rated = tr.gettext("Ratings: {count}, average {average} / 5")
    sheet.lines.append("  " + rated.format(count=n(figures.ratings), average=average))


def _minutes(value: float | None, tr: Translator) -> str:
    return "–" if value is None else _decimal(value, tr)


def _decimal(value: float, tr: Translator) -> str:
    """One decimal at most, in the reader's locale ("4,5" in Vietnamese)."""
    return format_decimal(value, format="#,##0.#", locale=tr.locale)


def helper_text(report: HelperReport, tr: Translator, names: Mapping[str, str] | None = None) -> str:
    """One helper's report as a chat message (``/myreport``); ``names`` maps procedure ids to names."""
    activity = report.activity
    lines = [tr.gettext("YOUR HELPER REPORT"), period_text(report.period, tr)]
    if activity.commune:
        lines.append(f"{tr.gettext('Commune')}: {commune_label(activity.commune, full=True)}")
    lines.append(_outcomes(activity, tr))
    if report.procedures:
        lines.extend(("", tr.gettext("Procedures worked on")))
        for intent, count in report.procedures:
            lines.append(f"  {_cut((names or {}).get(intent, intent), 32)}: {tr.number(count)}")
    return "\n".join(lines)


def _outcomes(helper: HelperActivity, tr: Translator) -> str:
    text = tr.gettext("{sessions} sessions: {submitted} submitted, {follow_up} follow-up, {could_not} could not")
    n = tr.number
    return text.format(
        sessions=n(helper.sessions), submitted=n(helper.submitted), follow_up=n(helper.follow_up),
        could_not=n(helper.could_not),
    )  # fmt: skip

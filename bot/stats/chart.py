"""Charts of a usage report: one PNG with messages per day, top procedures and guide funnels.

Drawn on a private :class:`matplotlib.figure.Figure` with an Agg canvas, never through
pyplot: pyplot keeps figures in global state, which leaks memory in a long-running bot and
is not safe when two admins ask for a chart from two threads at once.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.i18n import Translator
from bot.stats.queries import Report

MAX_BARS = 10
MAX_DATE_TICKS = 8
LABEL_CHARS = 26
WIDTH, HEIGHT, DPI = 8.0, 10.0, 80  # 640 × 800 px: sharp on a phone, a few dozen KB
BLUE, GREEN, GREY = "#1f6f8b", "#7fb800", "#8a8a8a"


def render_chart(report: Report, tr: Translator, names: Mapping[str, str] | None = None) -> bytes:
    """A PNG of three panels: messages per day, top procedures, guides started vs completed.

    ``names`` maps procedure ids to display names; ids are shown where it has none.
    """
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)  # attach Agg explicitly: no backend lookup, no pyplot
    days, procedures, funnels = (figure.add_subplot(3, 1, row) for row in (1, 2, 3))
    _messages_per_day(days, report, tr)
    _top_procedures(procedures, report, tr, names or {})
    _funnels(funnels, report, tr, names or {})
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _messages_per_day(axes: Axes, report: Report, tr: Translator) -> None:
    """Bars of messages per local day."""
    axes.set_title(tr.gettext("Messages per day"), loc="left")
    if not report.days:
        _no_data(axes, tr)
        return
    # Bars at whole-number positions labelled with the dates: a date axis would put hourly
    # ticks under a single day and needs unannotated matplotlib.dates helpers.
    days = report.days
    axes.bar(range(len(days)), [day.messages for day in days], width=0.8, color=BLUE)
    pattern = "%d/%m" if days[0].date.year == days[-1].date.year else "%d/%m/%y"
    every = max(1, -(-len(days) // MAX_DATE_TICKS))
    ticks = range(0, len(days), every)
    axes.set_xticks(ticks, [days[index].date.strftime(pattern) for index in ticks])
    axes.set_xlim(-0.5, max(len(days), MAX_DATE_TICKS) - 0.5)  # one day is a bar, not a block
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel(tr.gettext("Messages"))
    axes.grid(axis="y", alpha=0.3)


def _top_procedures(axes: Axes, report: Report, tr: Translator, names: Mapping[str, str]) -> None:
    """Stacked horizontal bars: cards opened and guides started, busiest on top."""
    axes.set_title(tr.gettext("Top procedures"), loc="left")
    items = report.procedures[:MAX_BARS]
    if not items:
        _no_data(axes, tr)
        return
    rows = range(len(items))
    cards = [item.cards for item in items]
    axes.barh(rows, cards, color=BLUE, label=tr.gettext("Cards opened"))
    axes.barh(
        rows, [item.guides_started for item in items], left=cards, color=GREEN, label=tr.gettext("Guides started")
    )
    _procedure_axis(axes, [item.intent for item in items], names)


def _funnels(axes: Axes, report: Report, tr: Translator, names: Mapping[str, str]) -> None:
    """Paired bars per guide: distinct users who started and who completed it."""
    axes.set_title(tr.gettext("Guides: started and completed"), loc="left")
    items = report.funnels[:MAX_BARS]
    if not items:
        _no_data(axes, tr)
        return
    rows = range(len(items))
    axes.barh(
        [row - 0.2 for row in rows], [item.started for item in items], 0.4, color=GREY, label=tr.gettext("Started")
    )
    completed = [item.completed for item in items]
    axes.barh([row + 0.2 for row in rows], completed, 0.4, color=GREEN, label=tr.gettext("Completed"))
    _procedure_axis(axes, [item.intent for item in items], names)
    axes.set_xlabel(tr.gettext("Users"))


def _procedure_axis(axes: Axes, intents: Sequence[str], names: Mapping[str, str]) -> None:
    """Procedure names down the side (first on top), whole-number ticks, a legend."""
    labels = [names.get(intent, intent) for intent in intents]
    axes.set_yticks(range(len(intents)), [_cut(label) for label in labels])
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="x", alpha=0.3)
    # Above the panel, right of its title: inside, it would cover the longest bar.
    axes.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, fontsize="small", frameon=False)


def _no_data(axes: Axes, tr: Translator) -> None:
    """An empty panel keeps its title and says why it is empty."""
    axes.text(0.5, 0.5, tr.gettext("No data for this period"), ha="center", va="center", color=GREY)
    axes.set_xticks([])
    axes.set_yticks([])


def _cut(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"

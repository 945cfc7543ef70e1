"""Live handoff statistics: requests for a person, the officers' answers, waiting and handling times, ratings.

Read from the ``handoffs`` table (one row per request for a person, see
:class:`bot.storage.tables.Handoff`), for the handoffs opened in a period and, when asked, one
commune's queue and one channel. Rows are few (people asking for a person), so they are read
and measured in Python: medians and percentiles are not portable SQL, and SQLite keeps times
without their zone.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func

from bot.stats.report import HandoffStats
from bot.storage.database import as_utc
from bot.storage.tables import Handoff

# Values of ``handoffs.kind``, ``status`` and ``closed_by``: a persisted contract (written by
# bot.console.handoff, which statistics may not import), so spelled out here.
QUESTION, WAITING, TIMEOUT = "question", "waiting", "timeout"

_H = Handoff.metadata.tables["handoffs"].c


def handoff_stats(
    connection: sa.Connection,
    start: dt.datetime | None,
    end: dt.datetime | None,
    *,
    commune: str | None = None,
    channel: str | None = None,
) -> HandoffStats:
    """The figures of the handoffs opened in ``[start, end)`` (either side open when None), and the queue now.

    ``commune`` keeps that commune's queue only (the province's queue is the handoffs with no
    commune, seen in the report of all communes); ``channel`` one channel's.
    """
    scope: list[Any] = []
    if commune is not None:
        scope.append(_H.commune == commune)
    if channel is not None:
        scope.append(_H.channel == channel)
    waiting = connection.execute(sa.select(func.count()).where(_H.status == WAITING, *scope)).scalar_one()
    period = list(scope)
    if start is not None:
        period.append(_H.opened_at >= start)
    if end is not None:
        period.append(_H.opened_at < end)
    columns = (_H.kind, _H.opened_at, _H.taken_at, _H.closed_at, _H.closed_by, _H.rating)
    rows = connection.execute(sa.select(*columns).where(*period)).all()
    waits = [_minutes(row.opened_at, row.taken_at) for row in rows if row.kind != QUESTION and row.taken_at]
    handled = [_minutes(row.taken_at, row.closed_at) for row in rows if row.taken_at and row.closed_at]
    ratings = [int(row.rating) for row in rows if row.rating is not None]
    return HandoffStats(
        requests=len(rows),
        questions=sum(1 for row in rows if row.kind == QUESTION),
        answered=sum(1 for row in rows if row.taken_at is not None),
        timed_out=sum(1 for row in rows if row.closed_by == TIMEOUT),
        queue=int(waiting),
        wait_median_minutes=_median(waits),
        wait_p90_minutes=percentile(waits, 0.9),
        handling_median_minutes=_median(handled),
        ratings=len(ratings),
        rating_average=statistics.fmean(ratings) if ratings else None,
    )


def _minutes(since: dt.datetime, until: dt.datetime) -> float:
    return (as_utc(until) - as_utc(since)).total_seconds() / 60


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile: the smallest value at least ``share`` of the values do not exceed.

    Nearest rank, not interpolation: the figure is always a wait some citizen really had.
    """
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


__all__ = ["handoff_stats", "percentile"]

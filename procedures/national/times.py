"""The processing times of a listing card: each with its unit and the case it applies to.

:func:`read_times` reads every distinct time of a card's rows; a time without a unit says so
(the unit is taken from the row's own words when they state it) instead of guessing one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from procedures.models import ListingEntry, ListingRow
from procedures.national.cells import UNIT_PATTERN, UNITS, shorten

MAX_CASE_CHARS = 110


@dataclass(frozen=True)
class TimeLine:
    """One processing time, the unit it is counted in, and what it applies to."""

    amount: float
    unit: str  # a value of UNITS, or "" when the record gives no unit
    cell: str  # the time cell as written ("12 Ngày làm việc", "5")
    channels: tuple[str, ...] = ()  # () = every channel
    case: str = ""  # the record's words for the case ("Trường hợp đề nghị cấp lại …")
    unit_from_text: bool = False  # the unit was read from the row's own description


def parse_time(cell: str, context: str = "") -> tuple[float, str, bool] | None:
    """(amount, unit, unit read from ``context``) of a time cell; unit "" when nowhere given."""
    match = re.fullmatch(rf"(\d+(?:[.,]\d+)?)\s*({UNIT_PATTERN})?", cell, re.I)
    if not match:
        return None
    amount = float(match.group(1).replace(",", "."))
    if match.group(2):
        return amount, UNITS[match.group(2).lower()], False
    if amount.is_integer():
        said = re.search(rf"(?<![\d.,])0*{int(amount)}\s*({UNIT_PATTERN})(?!\w)", context, re.I)
        if said:
            return amount, UNITS[said.group(1).lower()], True
    return amount, "", False


def case_label(description: str) -> str:
    """The case a row applies to, in the record's words, cut to one short line."""
    text = re.sub(r"^[-+*•\s]+", "", description).strip()
    if not text:
        return ""
    first = re.split(r"(?<=[.;:])\s", text, maxsplit=1)[0].rstrip(".;:")
    return shorten(first if len(first) >= 20 else text, MAX_CASE_CHARS)


def _labels(groups: list[list[ListingRow]]) -> list[tuple[tuple[str, ...], str]]:
    """(channels, case) telling several groups of rows apart: channels when they differ, else cases."""
    every = tuple(dict.fromkeys(channel for rows in groups for row in rows for channel in row.channels))
    channel_sets = [tuple(dict.fromkeys(channel for row in rows for channel in row.channels)) for rows in groups]
    cases = [tuple(dict.fromkeys(case_label(row.description) for row in rows)) for rows in groups]
    if len({frozenset(channels) for channels in channel_sets}) == len(groups) and len(set(sum(cases, ()))) <= 1:
        return [(channels, "") for channels in channel_sets]
    return [
        (channels if set(channels) != set(every) else (), "; ".join(case for case in group if case))
        for channels, group in zip(channel_sets, cases, strict=True)
    ]


def read_times(card: ListingEntry) -> tuple[TimeLine, ...]:
    """Every distinct processing time of a card, each with its case or channels when there are several."""
    by_value: dict[tuple[float, str], list[ListingRow]] = {}
    cells: dict[tuple[float, str], tuple[str, bool]] = {}
    for row in card.rows:
        parsed = parse_time(row.time, f"{row.description} {row.fee_note}")
        if parsed is None:
            continue
        amount, unit, from_text = parsed
        by_value.setdefault((amount, unit), []).append(row)
        cells.setdefault((amount, unit), (row.time, from_text))
    values = list(by_value)
    if len(values) == 1:
        (amount, unit), (cell, from_text) = values[0], cells[values[0]]
        return (TimeLine(amount, unit, cell, unit_from_text=from_text),)
    labels = _labels([by_value[value] for value in values])
    return tuple(
        TimeLine(amount, unit, cells[(amount, unit)][0], channels, case, cells[(amount, unit)][1])
        for (amount, unit), (channels, case) in zip(values, labels, strict=True)
    )


def summarise_time(card: ListingEntry) -> str:
    """One line for exports: "7 ngày làm việc", or each time with its case; "" without a unit."""
    names = {value: name for name, value in UNITS.items()}
    parts = []
    for line in read_times(card):
        if not line.unit:
            continue
        amount = int(line.amount) if line.amount.is_integer() else line.amount
        label = line.case or ", ".join(channel.lower() for channel in line.channels)
        parts.append(f"{amount} {names[line.unit]}" + (f" ({label})" if label else ""))
    return "; ".join(parts)

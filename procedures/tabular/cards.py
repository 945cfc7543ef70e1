"""Everyday names of national listing cards in the tabular catalog: the ``code`` column of ``aliases``.

Officers give a national listing card an everyday name from the unanswered inbox
(:attr:`~procedures.models.ListingEntry.aliases`). The spreadsheet and CSV files carry them as
rows of the ``aliases`` table with the card's national code in ``code`` and ``entry_id`` left
empty, so an export, an edit and an import keep, change or remove them like any other row.

The names in the rows are all the names the cards have: a row deleted is a name removed. A file
exported before the column existed has no ``code`` column; reading it keeps the cards' names
as they are (the caller adds the served names as rows, :func:`card_rows`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence

from procedures import problems as msg
from procedures.models import CODE_PATTERN, ListingEntry
from procedures.problems import Problem
from procedures.tabular.provenance import Grid, Row

CODE = "code"  # the column naming a card


def card_rows(listing: Iterable[ListingEntry]) -> list[dict[str, str | None]]:
    """The rows of the ``aliases`` table for the cards' everyday names, cards by code, names in order."""
    return [
        {"entry_id": None, "lang": "vi", "alias": alias, CODE: card.code}
        for card in sorted(listing, key=lambda item: item.code)
        for alias in card.aliases
    ]


def is_card_row(row: Row) -> bool:
    """Whether an ``aliases`` row names a listing card (its ``code`` is filled in)."""
    return bool(row.get(CODE))


def holds_column(grid: Grid, column: str) -> bool:
    """Whether the sheet's header row has ``column``."""
    return bool(grid.rows) and column in {name.strip().lower() for name in grid.rows[0][1]}


def read_card_names(rows: Sequence[Row], cards: Collection[str], problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """The everyday names per card code in the rows of ``aliases``; each faulty row becomes a problem.

    ``cards`` are the codes of the listing in use: a name for another code cannot be served.
    """
    found: dict[str, list[str]] = {}
    for row in rows:
        if not is_card_row(row):
            continue
        at, code, lang, alias = row.origin, row.get(CODE), row.get("lang"), row.get("alias")
        where = (at.source, at.sheet, at.row)
        if row.get("entry_id"):
            problems.append(Problem(*where, CODE, msg.ENTRY_OR_CARD))
        elif not re.match(CODE_PATTERN, code):
            problems.append(Problem(*where, CODE, msg.BAD_CODE, {"value": code}))
        elif code not in cards:
            problems.append(Problem(*where, CODE, msg.UNKNOWN_CARD, {"code": code}))
        elif lang != "vi":  # names from the inbox are the citizens' Vietnamese wording
            template, params = (msg.BAD_CHOICE, {"value": lang, "choices": "vi"}) if lang else (msg.MISSING_FIELD, {})
            problems.append(Problem(*where, "lang", template, dict(params)))
        elif not alias:
            problems.append(Problem(*where, "alias", msg.MISSING_FIELD))
        elif alias not in found.setdefault(code, []):  # the same name twice is kept once
            found[code].append(alias)
    return {code: tuple(names) for code, names in found.items()}


def with_card_names(listing: Iterable[ListingEntry], names: Mapping[str, tuple[str, ...]]) -> tuple[ListingEntry, ...]:
    """The listing with every card's everyday names as read (a card not named has none)."""
    cards = [(card, names.get(card.code, ())) for card in listing]
    return tuple(card if card.aliases == named else card.model_copy(update={"aliases": named}) for card, named in cards)


__all__ = ["CODE", "card_rows", "holds_column", "is_card_row", "read_card_names", "with_card_names"]

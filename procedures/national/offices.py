"""Abolished offices: the district-level offices a record names, and their successors.

The district level no longer exists since 1 July 2025. :func:`office_notice` finds the
abolished offices a card's record names (``procedures/data/offices.yaml`` holds their patterns)
and the successor a source names, so the card can tell people where to go instead.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from procedures.loader import PACKAGE_DIR, load_yaml
from procedures.models import ListingEntry

OFFICES_FILE = PACKAGE_DIR / "data" / "offices.yaml"


@dataclass(frozen=True)
class Office:
    """A kind of abolished office, and where people go now when a source says so."""

    id: str
    pattern: re.Pattern[str]
    successors: tuple[str, ...] = ()  # official names, in Vietnamese
    source: str = ""
    checked: dt.date | None = None


@dataclass(frozen=True)
class OfficeNotice:
    """The abolished offices a card's record names and what the card tells people instead."""

    named: tuple[str, ...]  # as the record writes them, one per kind of office
    successors: tuple[Office, ...]  # the offices among them whose successors a source names


# History, not advice: "trước ngày 01 tháng 7 năm 2025", "Quận 1 cũ", "không còn".
DATED = re.compile(
    r"trước (?:ngày )?0?1(?:/| tháng )0?7(?:/| năm )2025|trước đây|\bcũ\b|không còn|đã giải thể|đã bãi bỏ", re.I
)


# Every pattern of offices.yaml names one of these words (a quick test before the patterns).
_DISTRICT_WORDS = re.compile(r"huyện|quận|thị xã|tư ?pháp", re.I)


@cache
def load_offices(path: Path = OFFICES_FILE) -> tuple[Office, ...]:
    """The abolished offices of ``procedures/data/offices.yaml``."""
    data = load_yaml(path.read_text(encoding="utf-8")) or []
    return tuple(
        Office(
            str(item["id"]),
            re.compile(unicodedata.normalize("NFC", str(item["pattern"])), re.I),
            tuple(str(name) for name in item.get("successors") or ()),
            str(item.get("source") or ""),
            item.get("checked"),
        )
        for item in data
    )


def abolished_in(text: str, offices: Iterable[Office] | None = None) -> list[tuple[Office, str]]:
    """Each abolished office named in ``text`` (sentences that date it as history are skipped)."""
    found: list[tuple[Office, str]] = []
    text = unicodedata.normalize("NFC", text)
    if not _DISTRICT_WORDS.search(text):
        return found
    for sentence in re.split(r"(?<=[.;!?])\s+|\n", text):
        if DATED.search(sentence):
            continue
        spans: list[tuple[int, int]] = []
        for office in load_offices() if offices is None else offices:
            for match in office.pattern.finditer(sentence):
                # A general pattern ("cơ quan … cấp huyện") does not name again what a specific one named.
                if not any(start < match.end() and match.start() < end for start, end in spans):
                    spans.append(match.span())
                    found.append((office, match.group(0)))
    return found


def card_texts(card: ListingEntry) -> list[str]:
    """Every text of a card's record that sends people somewhere: name, agency cells, documents, rows."""
    rows = [part for row in card.rows for part in (row.description, row.fee_note)]
    return [card.name, card.agency, card.authority, card.reception, *card.documents, *rows]


# "Sở Nông nghiệp và Môi trường Thành phố Hà Nội": a unit word, then the words of a name.
_PROVINCE_NAMED = re.compile(r"\b(?:[Tt]hành phố|[Tt]ỉnh)((?: \w+)+)")


def named_province(card: ListingEntry) -> str | None:
    """The one province or city a card's agency names ("Hà Nội"), or None (none, or several).

    Some national records carry one province's office as their agency (the portal's example):
    shown as it is, it would send a farmer in Gia Lai to Hà Nội's department.
    """
    names = set()
    for words in _PROVINCE_NAMED.findall(unicodedata.normalize("NFC", card.agency)):
        # A name is its capitalised words ("Hà Nội"); "tỉnh thành phố" or "cấp tỉnh" name none.
        name = " ".join(itertools.takewhile(lambda word: word[0].isupper(), words.split()))
        if name:
            names.add(name)
    return names.pop() if len(names) == 1 else None


def office_notice(card: ListingEntry) -> OfficeNotice | None:
    """The notice a card needs when its record names an abolished office (None when it names none)."""
    found = [item for text in card_texts(card) for item in abolished_in(text)]
    if not found:
        return None
    first: dict[str, str] = {}
    for office, text in found:
        first.setdefault(office.id, text)  # one name per kind of office, as the record first writes it
    named = tuple(first.values())
    successors = tuple(dict.fromkeys(office for office, _ in found if office.successors))
    return OfficeNotice(named, successors)

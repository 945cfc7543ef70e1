"""Where is my old address now? Old (before 1 July 2025) and new communes, from free text.

Since 1 July 2025 Vietnam has 34 provinces, no district level and 3,321 communes, wards and
special zones, many merged and renamed. Citizens know their old address ("phường Bến Nghé,
Quận 1 cũ", "xa tan lap huyen dan phuong ha noi") but not their new commune. :func:`resolve`
reads such a text and answers with the new unit and its official code (the National
Statistics Office's five-digit code, e.g. ``26740`` for phường Sài Gòn), or says what to ask:

- ``EXACT``: an old commune that became (part of) exactly one new one;
- ``ALREADY_NEW``: the text names a current unit (or an old one whose name was kept);
- ``SPLIT``: an old commune divided among several new ones -- the candidates are listed and the
  citizen must choose (the data cannot say which part a house is in);
- ``AMBIGUOUS``: several communes carry that name -- ask for the district or province
  (:attr:`AddressAnswer.ask` says which);
- ``UNKNOWN``: no commune found (a province may still be recognised).

It never guesses: a split or an ambiguous name is a question for the citizen, not a pick.

The data is the offline old → new mapping shipped by the ``vietnamadminunits`` package (see
``docs/addresses.md``): its files are read on first use only -- the package itself is never
imported (its import loads ~0.6 s of data and geocoding libraries) -- so start-up does not
pay for it. House numbers and street names are not needed and are removed before matching
(:func:`street_spans` is also the redaction rule of ``bot.storage.privacy``).

Public API: :func:`resolve`, :func:`commune_by_code`, :func:`commune_from_name`,
:func:`commune_label`, :func:`street_spans`, and the value types :class:`AddressAnswer`, :class:`NewCommune`,
:class:`OldCommune`, :class:`Province`. The parts behind it: :mod:`procedures.communes` (the units
and their data, indexed by name), :mod:`procedures.mentions` (the units a text names and what they
mean together) and :mod:`procedures.streets` (streets and house numbers).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from procedures.communes import Gazetteer, NewCommune, OldCommune, Province, data_dir, load
from procedures.mentions import Mention, Reading, best_outcomes, find_mentions
from procedures.streets import street_spans, without_streets

__all__ = [
    "without_places",
    "AddressAnswer",
    "AddressStatus",
    "Ask",
    "CommuneNotFound",
    "NewCommune",
    "OldCommune",
    "Province",
    "commune_by_code",
    "commune_from_name",
    "commune_label",
    "resolve",
    "street_spans",
    "without_streets",
]

MAX_TEXT = 600  # characters read from a message: an address is short, a pasted page is not


class AddressStatus(StrEnum):
    """What :func:`resolve` could say about the address."""

    EXACT = "exact"  # an old commune → exactly one new commune
    ALREADY_NEW = "already_new"  # the text names a current commune (or an old one that kept its name and unit)
    SPLIT = "split"  # an old commune divided among several new ones: ask which (``candidates``)
    AMBIGUOUS = "ambiguous"  # several communes carry that name: ask ``ask``
    UNKNOWN = "unknown"  # no commune found (``province`` may still be set)


class Ask(StrEnum):
    """The question the bot should put to the citizen next."""

    NOTHING = "nothing"  # the answer is complete
    WHICH_NEW = "which_new"  # split: which of ``candidates`` is your new commune?
    DISTRICT = "district"  # several old communes of that name in the province: which district?
    PROVINCE = "province"  # communes of that name in several provinces: which province?
    OLD_OR_NEW = "old_or_new"  # both an old and a current commune carry that name: before or after 1/7/2025?
    COMMUNE = "commune"  # no commune found: ask for the commune or ward name


@dataclass(frozen=True)
class AddressAnswer:
    """What :func:`resolve` found in a text.

    - ``status`` and ``ask``: what is known, and the question to put next (``Ask.NOTHING`` when
      ``commune`` is set).
    - ``commune``: the new commune for ``EXACT`` and ``ALREADY_NEW``, else ``None``.
    - ``candidates``: the new communes to choose from: for ``SPLIT`` those the old commune was
      divided among; for ``AMBIGUOUS`` every new commune the readings lead to (listing them is
      fine when there are few, else ask ``ask``). Sorted by province and name.
    - ``old``: the old communes recognised (one for ``EXACT``/``SPLIT``; several for an
      ``AMBIGUOUS`` name: show them so the citizen can say which).
    - ``province``: the new province when it is certain (also for ``UNKNOWN`` when a province or
      an old district was recognised: "Hải Dương" → Thành phố Hải Phòng).
    """

    status: AddressStatus
    ask: Ask = Ask.NOTHING
    commune: NewCommune | None = None
    candidates: tuple[NewCommune, ...] = ()
    old: tuple[OldCommune, ...] = ()
    province: Province | None = None

    @property
    def code(self) -> str | None:
        """The official code of the new commune when it is certain, else ``None``."""
        return self.commune.code if self.commune is not None else None


class CommuneNotFound(ValueError):
    """A configured commune name that is unknown or names more than one current commune."""


_lock = threading.Lock()
_loaded: Gazetteer | None = None


def _data() -> Gazetteer:
    """The commune data, read once on first use."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = load(data_dir())
    return _loaded


def resolve(text: str, *, current: bool = False) -> AddressAnswer:
    """Find an old (pre-1 July 2025) or current address in free Vietnamese text and say where it is now.

    Accepts diacritics or none, any case, and the usual short forms: "Q1", "Q.1", "P. Bến Nghé",
    "F12", "TX", "TT", "TP", "tp.hcm", "huyện", "tỉnh"; house numbers and streets are ignored.
    "cũ", a district or a province that no longer exists marks the text as an old address;
    "mới" (or ``current=True``, for configuration written after the merger) as a current one
    when a current commune carries the name. Typed diacritics are used: "Hải Dương" is not
    "Hải Đường".

    Examples: "phường Bến Nghé, Quận 1 cũ" → ``EXACT``, phường Sài Gòn (26740), TP Hồ Chí Minh;
    "phuong sai gon" → ``ALREADY_NEW``; "phường Điện Biên, quận Ba Đình" (divided among four
    wards) → ``SPLIT`` with the candidates; "xã Tân Lập" → ``AMBIGUOUS``, ask the province;
    "Hải Dương" → ``UNKNOWN`` (ask the commune) with province Thành phố Hải Phòng.

    The first call in a process reads the data (a few tenths of a second); later calls take
    about a millisecond. Pure: no network, no writes; the same text always gets the same answer.
    """
    data = _data()
    cleaned = without_streets(text[:MAX_TEXT])
    mentions, free = find_mentions(cleaned, data)
    old_marker = "cu" in free or bool(re.search(r"(?i)\bcũ\b|trước\s+(?:khi\s+)?sáp\s+nhập", cleaned))
    new_marker = current or "moi" in free or bool(re.search(r"(?i)\bmới\b|\bhiện\s+nay\b", cleaned))
    outcomes = best_outcomes(data, mentions[:12], old_marker)
    if not outcomes:
        return AddressAnswer(AddressStatus.UNKNOWN, Ask.COMMUNE)
    readings = list(dict.fromkeys(reading for outcome in outcomes for reading in outcome.readings))
    provinces = {outcome.province for outcome in outcomes}
    settled = data.provinces.get(provinces.pop() or "") if len(provinces) == 1 else None
    if not readings:
        return AddressAnswer(AddressStatus.UNKNOWN, Ask.COMMUNE, province=settled)
    if new_marker and any(reading.old is None for reading in readings):
        readings = [reading for reading in readings if reading.old is None]
    return _answer(data, readings, settled)


def _side_by_side(text: str, one: Mention, other: Mention) -> bool:
    """Whether two names stand next to each other in ``text``, with at most a comma between."""
    first, second = sorted((one.span, other.span))
    return not text[first[1] : second[0]].strip(" ,")


def without_places(text: str) -> str:
    """The text with the places it names taken out, to read what else it says.

    "bằng lái xe, tôi ở phường Bình Thạnh" → "bằng lái xe, tôi ở": a question asked beside an
    address is still a question. Streets and house numbers go too.
    """
    cleaned = without_streets(text[:MAX_TEXT])
    mentions, _ = find_mentions(cleaned, _data())
    # A bare name is a place only beside one that surely is (a unit word, a province), with
    # nothing but a comma between: "đăng ký thường trú (ở) phường Bến Nghé" holds "ký thường"
    # (Kỳ Thượng, a commune), and taking it out had left "đăng trú".
    places = [m for m in mentions if any(hit.prefixed or hit.level == "province" for hit in m.hits)]
    bare = [m for m in mentions if m not in places]
    while joined := [m for m in bare if any(_side_by_side(cleaned, m, place) for place in places)]:
        places += joined
        bare = [m for m in bare if m not in joined]
    for mention in sorted(places, key=lambda found: -found.span[0]):
        start, end = mention.span
        cleaned = f"{cleaned[:start]} {cleaned[end:]}"
    return " ".join(cleaned.split())


def _answer(data: Gazetteer, readings: Sequence[Reading], settled: Province | None) -> AddressAnswer:
    olds = tuple(dict.fromkeys(r.old for r in readings if r.old is not None))
    target_sets = {r.targets for r in readings}
    codes = sorted(
        {c for r in readings for c in r.targets}, key=lambda c: (data.new[c].province.code, data.new[c].name)
    )
    communes = tuple(data.new[c] for c in codes)
    provinces = {c.province for c in communes}
    province = next(iter(provinces)) if len(provinces) == 1 else settled
    if len(target_sets) == 1:
        (targets,) = target_sets
        if len(targets) == 1:
            commune = data.new[targets[0]]
            status = AddressStatus.ALREADY_NEW if any(r.old is None for r in readings) else AddressStatus.EXACT
            return AddressAnswer(status, Ask.NOTHING, commune, (commune,), olds, commune.province)
        return AddressAnswer(AddressStatus.SPLIT, Ask.WHICH_NEW, None, communes, olds, province)
    if len(provinces) > 1:
        ask = Ask.PROVINCE
    elif any(r.old is None for r in readings) or len({r.targets for r in readings if r.old is not None}) < 2:
        ask = Ask.OLD_OR_NEW  # "xã Tân Lập, Tây Ninh": today's, or one of the old ones now in Tây Ninh?
    else:
        ask = Ask.DISTRICT
    return AddressAnswer(AddressStatus.AMBIGUOUS, ask, None, communes, olds, province)


def commune_by_code(code: str | int) -> NewCommune | None:
    """The current commune with this official code ("26740", "00004" or 4), else ``None``."""
    text = str(code).strip()
    if not text.isdigit() or len(text) > 5:
        return None
    return _data().new.get(text.zfill(5))


def commune_label(value: str | None, *, full: bool = False) -> str | None:
    """How to show a stored commune: a code's name, any other text as it is.

    "26740" → "Phường Sài Gòn" (with ``full``: "Phường Sài Gòn, Thành phố Hồ Chí Minh"); a text
    stored before communes were keyed by code ("Xã Tân Lập") is shown unchanged. Reads the data
    only for a code.
    """
    if value is None or not value.strip().isdigit():
        return value
    commune = commune_by_code(value)
    if commune is None:
        return value
    return commune.full_name if full else commune.name


def commune_from_name(text: str) -> NewCommune:
    """The one current commune that a configuration value names, or :class:`CommuneNotFound`.

    Accepts an official code ("26740"), a current name ("Phường Sài Gòn, TP Hồ Chí Minh"; a
    current name wins over old communes of the same name) or an old name that became exactly one
    current commune ("Phường Bến Nghé, Quận 1, TP HCM").
    Refuses, with a message that lists the choices, a name that is unknown, that several
    communes carry ("Xã Tân Lập": add the province), or an old commune that was split.
    """
    if text.strip().isdigit():
        found = commune_by_code(text)
        if found is None:
            raise CommuneNotFound(f"{text.strip()!r} is not the official code of a current commune or ward")
        return found
    answer = resolve(text, current=True)
    if answer.commune is not None:
        return answer.commune
    choices = "; ".join(f"{c.code} {c.full_name}" for c in answer.candidates[:8])
    more = f" (and {len(answer.candidates) - 8} more)" if len(answer.candidates) > 8 else ""
    if answer.status is AddressStatus.SPLIT:
        reason = f"{text!r} is an old commune divided among several current ones: {choices}{more}. Write the code"
    elif answer.status is AddressStatus.AMBIGUOUS:
        hints = {Ask.PROVINCE: "add the province", Ask.DISTRICT: "add the old district"}
        hint = hints.get(answer.ask, "write the code")
        reason = f"{text!r} names more than one commune ({choices}{more}): {hint}, or write the code"
    else:
        reason = f"{text!r} is not a known commune or ward: check the spelling, or write its official code"
    raise CommuneNotFound(reason)

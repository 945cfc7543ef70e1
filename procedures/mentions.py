"""The units a free text mentions, and what they can mean together.

:func:`find_mentions` finds the longest known names in a text, left to right (diacritics the
citizen typed must agree with the name's: "Hải Dương" is not "Hải Đường", "tỉnh bác sĩ" is not
Tịnh Bắc).
:func:`best_outcomes` tries every choice of those mentions as ward, district and province,
drops the choices that clash (a ward that is not in the named district) and keeps the
best-scoring ones.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from procedures.communes import RANK, Gazetteer, Hit, Level, OldCommune
from procedures.communes import _key as name_key
from procedures.folding import FOLD_TABLE, fold

MAX_WORDS = 8  # the longest name in words ("thanh pho ba ria vung tau", "van mieu quoc tu giam")
_TONES = dict.fromkeys((0x300, 0x301, 0x303, 0x309, 0x323))  # grave, acute, tilde, hook, dot: not â ă ê ô ơ ư
_TOKEN = re.compile(r"[^\W_]+")
_LETTERS_OR_DIGITS = re.compile(r"[a-z]+|\d+")


@lru_cache(maxsize=4096)
def _shape(text: str) -> str:
    """Letters with their vowel marks and đ, without tones or spaces: "Hải Dương" → "haidương".

    Tones are dropped because "Hoà" and "Hòa" place them differently and typists drop them;
    the vowel marks and đ tell "Hải Dương" from "Hải Đường".
    """
    bare = unicodedata.normalize("NFD", text.lower()).translate(_TONES)
    return "".join(_TOKEN.findall(unicodedata.normalize("NFC", bare)))


def _typed_shape(text: str) -> str:
    """What the citizen typed as :func:`_shape` does, but a plain vowel typed with a tone is upper case.

    "bác" → "bAc": the syllable carries a mark, so its vowel is a plain "a" -- not "ă" ("Bắc").
    A vowel typed bare ("bac") may stand for any.
    """
    letters = []
    for char in unicodedata.normalize("NFC", text.lower()):
        parts = unicodedata.normalize("NFD", char)
        base, marks = parts[0], parts[1:]
        if marks and base.isascii() and all(ord(mark) in _TONES for mark in marks):
            letters.append(base.upper())
        else:
            letters.append(_shape(char) if marks else char)
    return "".join(_TOKEN.findall("".join(letters)))


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """Folded words with their place in ``text``; letters and digits typed together split ("q1" → q, 1)."""
    found: list[tuple[str, int, int]] = []
    for token in _TOKEN.finditer(unicodedata.normalize("NFC", text)):
        for part in _LETTERS_OR_DIGITS.findall(token.group(0).lower().translate(FOLD_TABLE)):
            found.append((part, token.start(), token.end()))
    return found


def _agrees(typed: str, known: str) -> bool:
    """Whether marks the citizen typed agree with a known name (same folded letters; bare letters match any)."""
    known = _shape(known)
    typed = typed[-len(known) :] if known else ""
    if not known or len(typed) != len(known) or fold(typed.lower()) != fold(known):
        return True  # matched through an alias or a short form: nothing to compare
    # A bare letter matches any; an upper-case one is a plain vowel typed with a tone (_typed_shape).
    pairs = zip(typed, known, strict=True)
    return all(t == k or t.islower() and t.isascii() or t.isupper() and t.lower() == k for t, k in pairs)


def _same_syllables(typed: Sequence[str], known: str) -> bool:
    """Whether the words typed split where the known name's syllables do ("công an" is not "Cô Ngân").

    Keys join a name's letters without spaces, so "cong an" and "Cô Ngân" meet as "congan";
    only the places the words break tell them apart. Compared from the end (a unit word may
    come first); a name typed in one piece ("benghe") has no break to compare.
    """
    known_words = [word for word, _, _ in _tokens(known)]
    if not known or len(typed) < 2 or len(known_words) < 2:
        return True
    length = sum(len(word) for word in known_words)
    typed_breaks = _breaks(typed, length)
    return not typed_breaks or typed_breaks == _breaks(known_words, length)  # "phường benghe": one piece


def _breaks(words: Sequence[str], within: int) -> set[int]:
    """Where the words break, counted in letters from the end, up to ``within`` letters."""
    total, found = 0, set()
    for word in reversed(words[1:]):
        total += len(word)
        if total < within:
            found.add(total)
    return found


@dataclass(frozen=True)
class Mention:
    """A known name found in a text, with every unit it may name."""

    position: int  # word index where it starts
    hits: tuple[Hit, ...]
    span: tuple[int, int] = (0, 0)  # where it stands in the text, in characters
    # The communes of the same name whatever the unit word typed: "xã Tân Phú" in huyện Đồng Phú
    # was a thị trấn, and people write "xã" for either.
    loose: tuple[Hit, ...] = ()

    def of(self, level: Level) -> tuple[Hit, ...]:
        """The units of ``level`` the name may be."""
        return tuple(hit for hit in self.hits if hit.level == level)

    def likely(self, level: Level) -> bool:
        """Whether ``level`` is the likely reading: a unit word says so, else the highest level named."""
        prefixed = {hit.level for hit in self.hits if hit.prefixed}
        if prefixed:
            return level in prefixed or level in ("old", "new") and bool(prefixed & {"old", "new"})
        return RANK[level] == max(RANK[hit.level] for hit in self.hits)


def find_mentions(text: str, data: Gazetteer) -> tuple[list[Mention], set[str]]:
    """Longest known names, left to right; also the words no name covers."""
    tokens = _tokens(text)
    words = [word for word, _, _ in tokens]
    # A name never runs across a comma, a semicolon or a sentence's full stop: "xã Tân Phú, Đồng Phú"
    # is not "Phú Đồng". The dot of a short form ("P. Bến Nghé", "Q.1", "TP.HCM") is no stop.
    stops = [
        any(mark in text[tokens[j][2] : tokens[j + 1][1]] for mark in ",;\n")
        or ("." in text[tokens[j][2] : tokens[j + 1][1]] and tokens[j][2] - tokens[j][1] > 3)
        for j in range(len(tokens) - 1)
    ]
    mentions: list[Mention] = []
    free: set[str] = set()
    i = 0
    while i < len(words):
        reach = next((j - i + 1 for j in range(i, len(words) - 1) if stops[j]), len(words) - i)
        for n in range(min(MAX_WORDS, reach), 0, -1):
            hits = data.keys.get("".join(words[i : i + n]))
            if not hits:
                continue
            usable = [
                h
                for h in dict.fromkeys(hits)
                if (n >= 2 or h.prefixed or h.level == "province") and _same_syllables(words[i : i + n], h.name)
            ]
            if n == 1 and words[i].isdigit():
                usable = []
            typed = _typed_shape(text[tokens[i][1] : tokens[i + n - 1][2]])
            agreeing = [h for h in usable if _agrees(typed, h.name)]
            # Marks typed that agree with no name mean another word ("bệnh viện tỉnh bác sĩ" is
            # not Tịnh Bắc, nor an alias spelled alike); a name typed bare may be any that folds alike.
            # Only a bare commune or district name is dropped so: a province ("Hué", "Hà Nọi") or a
            # name after its own unit word ("phường Bén Nghé") is meant even when a hat is missing.
            marked = not typed.isascii() or any(letter.isupper() for letter in typed)
            bare = all(not h.prefixed and h.level != "province" for h in usable)
            if marked and bare and any(h.name for h in usable) and not any(h.name for h in agreeing):
                agreeing, usable = [], []
            if agreeing or usable:
                found = tuple(agreeing or usable)
                loose = tuple(
                    other
                    for hit in found
                    if hit.prefixed and hit.name and hit.level in ("old", "new")
                    for other in data.keys.get(name_key(hit.name), ())
                    if other.level in ("old", "new") and other not in found
                )
                mentions.append(Mention(i, found, (tokens[i][1], tokens[i + n - 1][2]), tuple(dict.fromkeys(loose))))
                i += n
                break
        else:
            free.add(words[i])
            i += 1
    return mentions, free


@dataclass(frozen=True)
class Reading:
    """One way to read a text: an old commune (or a current one) and the new communes it leads to."""

    old: OldCommune | None  # None: the text names a current commune
    targets: tuple[str, ...]  # new codes


@dataclass
class Outcome:
    """What one choice of ward, district and province mentions reads as, and its score."""

    readings: list[Reading]
    province: str | None  # new province code, when the text settles it
    old_form: bool  # a district, "cũ" or a vanished province: the text is an old address
    score: tuple[int, ...]


def _evaluate(
    data: Gazetteer,
    ward: Mention | None,
    district: Mention | None,
    province: Mention | None,
    old_marker: bool,
) -> Outcome | None:
    """The readings of one choice of mentions as ward, district and province; ``None`` if they clash."""
    new_provinces, old_provinces, vanished = _provinces(data, province)
    districts: set[str] | None = None
    if district is not None:
        districts = {hit.ref for hit in district.of("district")}
        if old_provinces is not None:
            districts = {d for d in districts if data.districts[d][0] in old_provinces}
        if not districts:
            return None  # no district of that name in that province
    old_form = old_marker or district is not None or vanished
    readings: list[Reading] = []
    if ward is not None:
        found = _ward_readings(data, ward, districts, old_provinces, new_provinces, old_form)
        if found is None:
            return None
        readings += found
    elif districts is not None:
        wholes = [data.old[data.whole_districts[d]] for d in sorted(districts) if d in data.whole_districts]
        readings += [Reading(whole, whole.successors) for whole in wholes]
    province_code: str | None = None
    if new_provinces is not None and len(new_provinces) == 1:
        province_code = next(iter(new_provinces))
    elif districts is not None:
        settled = {data.old_province[data.districts[d][0]] for d in districts}
        province_code = settled.pop() if len(settled) == 1 else None
    return Outcome(readings, province_code, old_form, _score(ward, district, province))


def _provinces(data: Gazetteer, province: Mention | None) -> tuple[set[str] | None, set[str] | None, bool]:
    """The new and the old provinces a province mention may be (``None``: none named), and whether it vanished."""
    if province is None:
        return None, None, False
    new_provinces: set[str] = set()
    old_provinces: set[str] = set()
    refs = [hit.ref for hit in province.of("province")]
    for ref in refs:
        if ref.startswith("old:"):
            old_provinces.add(ref[4:])
            new_provinces.add(data.old_province[ref[4:]])
        else:
            new_provinces.add(ref)
            old_provinces.update(old for old, new in data.old_province.items() if new == ref)
    vanished = all(ref.startswith("old:") and ref[4:] in data.vanished for ref in refs)
    return new_provinces, old_provinces, vanished


def _ward_readings(
    data: Gazetteer,
    ward: Mention,
    districts: set[str] | None,
    old_provinces: set[str] | None,
    new_provinces: set[str] | None,
    old_form: bool,
) -> list[Reading] | None:
    """The old and current communes a ward mention may be within the district and province; ``None`` if none."""

    def within(hits: Sequence[Hit]) -> list[int]:
        return sorted(
            {
                int(hit.ref)
                for hit in hits
                if hit.level == "old"
                and (districts is None or data.old_place[int(hit.ref)][1] in districts)
                and (old_provinces is None or data.old_place[int(hit.ref)][0] in old_provinces)
            }
        )

    old = within(ward.hits)
    new = sorted(
        {hit.ref for hit in ward.of("new") if new_provinces is None or data.new[hit.ref].province.code in new_provinces}
    )
    if not old and (districts is not None or (old_provinces is not None and not new)):
        # "xã Tân Phú, huyện Đồng Phú": the district's thị trấn Tân Phú; "xã Phú Hòa, tỉnh Gia Lai",
        # where no commune is so called: the province's thị trấn Phú Hòa (people say "xã" for it too)
        old = within(ward.loose)
    if districts is not None and not old:
        return None  # a district was named, but no old commune of that name lies in it
    readings = [Reading(data.old[i], data.old[i].successors) for i in old]
    if not old_form or not old:
        readings += [Reading(None, (code,)) for code in new]
    return readings or None


def _score(ward: Mention | None, district: Mention | None, province: Mention | None) -> tuple[int, ...]:
    """How well a choice of mentions reads as an address; the best-scoring choices are kept."""
    parts: list[tuple[Mention, tuple[Level, ...]]] = []
    if ward is not None:
        parts.append((ward, ("old", "new")))
    if district is not None:
        parts.append((district, ("district",)))
    if province is not None:
        parts.append((province, ("province",)))
    positions = [mention.position for mention, _ in parts]
    return (
        len(parts),
        sum(any(mention.likely(level) for level in levels) for mention, levels in parts),
        int(ward is not None),
        int(ward is not None and any(hit.prefixed for hit in ward.hits if hit.level in ("old", "new"))),
        int(province is not None),
        int(positions == sorted(positions)),  # written in the usual order: commune, district, province
    )


def best_outcomes(data: Gazetteer, mentions: Sequence[Mention], old_marker: bool) -> list[Outcome]:
    """The outcomes of the best-scoring choices of ward, district and province mentions."""
    wards: list[Mention | None] = [None, *(m for m in mentions if m.of("old") or m.of("new"))]
    districts: list[Mention | None] = [None, *(m for m in mentions if m.of("district"))]
    provinces: list[Mention | None] = [None, *(m for m in mentions if m.of("province"))]
    outcomes: list[Outcome] = []
    for ward, district, province in itertools.product(wards, districts, provinces):
        chosen = [m for m in (ward, district, province) if m is not None]
        if not chosen or len({id(m) for m in chosen}) < len(chosen):
            continue  # one name plays one part
        outcome = _evaluate(data, ward, district, province, old_marker)
        if outcome is not None:
            outcomes.append(outcome)
    if not outcomes:
        return []
    top = max(outcome.score for outcome in outcomes)
    return [outcome for outcome in outcomes if outcome.score == top]

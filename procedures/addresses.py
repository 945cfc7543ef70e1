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
(:func:`street_spans` is also the redaction rule of ``bot.privacy``).

Public API: :func:`resolve`, :func:`commune_by_code`, :func:`commune_from_name`,
:func:`commune_label`, :func:`street_spans`, and the value types :class:`AddressAnswer`, :class:`NewCommune`,
:class:`OldCommune`, :class:`Province`.
"""

from __future__ import annotations

import bisect
import importlib.util
import itertools
import json
import re
import sqlite3
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

from procedures.folding import FOLD_TABLE, fold

__all__ = [
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
]

DATA_PACKAGE = "vietnamadminunits"
MAX_TEXT = 600  # characters read from a message: an address is short, a pasted page is not
MAX_WORDS = 8  # the longest name in words ("thanh pho ba ria vung tau", "van mieu quoc tu giam")


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
class Province:
    """A province-level unit after 1 July 2025 (one of 34)."""

    code: str  # official two-digit code, e.g. "79"
    name: str  # "Thành phố Hồ Chí Minh"


@dataclass(frozen=True)
class NewCommune:
    """A commune-level unit after 1 July 2025: commune (xã), ward (phường) or special zone (đặc khu)."""

    code: str  # official five-digit code, e.g. "26740"
    name: str  # "Phường Sài Gòn"
    kind: str  # "Phường", "Xã" or "Đặc khu"
    province: Province

    @property
    def full_name(self) -> str:
        """``"Phường Sài Gòn, Thành phố Hồ Chí Minh"``."""
        return f"{self.name}, {self.province.name}"


@dataclass(frozen=True)
class OldCommune:
    """A commune-level unit as it was before 1 July 2025 (an island district without communes too)."""

    code: str  # its old five-digit code ("" for an island district without communes, e.g. Côn Đảo)
    name: str  # "Phường Bến Nghé" (or "Huyện Côn Đảo")
    district: str  # "Quận 1"
    province: str  # "Thành phố Hồ Chí Minh" (the old province: "Tỉnh Hải Dương" …)
    successors: tuple[str, ...]  # codes of the new communes it became (part of)

    @property
    def full_name(self) -> str:
        """``"Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh"``."""
        parts = [self.name, self.district, self.province] if self.name != self.district else [self.name, self.province]
        return ", ".join(parts)


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


# --------------------------------------------------------------------------- text


_TONES = dict.fromkeys((0x300, 0x301, 0x303, 0x309, 0x323))  # grave, acute, tilde, hook, dot: not â ă ê ô ơ ư
_TOKEN = re.compile(r"[^\W_]+")
_LETTERS_OR_DIGITS = re.compile(r"[a-z]+|\d+")
_NOT_KEY = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=4096)
def _shape(text: str) -> str:
    """Letters with their vowel marks and đ, without tones or spaces: "Hải Dương" → "haidương".

    Tones are dropped because "Hoà" and "Hòa" place them differently and typists drop them;
    the vowel marks and đ tell "Hải Dương" from "Hải Đường".
    """
    bare = unicodedata.normalize("NFD", text.lower()).translate(_TONES)
    return "".join(_TOKEN.findall(unicodedata.normalize("NFC", bare)))


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """Folded words with their place in ``text``; letters and digits typed together split ("q1" → q, 1)."""
    found: list[tuple[str, int, int]] = []
    for token in _TOKEN.finditer(unicodedata.normalize("NFC", text)):
        for part in _LETTERS_OR_DIGITS.findall(token.group(0).lower().translate(FOLD_TABLE)):
            found.append((part, token.start(), token.end()))
    return found


def _key(text: str) -> str:
    """The folded letters and digits of a name, without spaces: the lookup key ("Bến Nghé" → "bennghe")."""
    return _NOT_KEY.sub("", fold(text))


def _agrees(typed: str, known: str) -> bool:
    """Whether marks the citizen typed agree with a known name (same folded letters; bare letters match any)."""
    known = _shape(known)
    typed = typed[-len(known) :] if known else ""
    if not known or len(typed) != len(known) or fold(typed) != fold(known):
        return True  # matched through an alias or a short form: nothing to compare
    return all(t == k or t.isascii() for t, k in zip(typed, known, strict=True))


# --------------------------------------------------------------------------- streets and house numbers

_NUMBER = r"\d{1,4}[a-zA-Z]?(?:\s?[/-]\s?\d{1,3}[a-zA-Z]?)*(?:\s?bis)?"  # 12, 12A, 12/3, 45/2/1, 12-14
_WORD = r"[^\W\d_][\w'’]*"
# Markers: a house number, a lane, a street, a residential group or hamlet.
_HOUSE = r"số\s+nhà|so\s+nha|nhà\s+số|nha\s+so|căn\s+hộ|can\s+ho|phòng|phong|sn|số|so"
_LANE = r"ngõ|ngo|ngách|ngach|hẻm|hem|kiệt|kiet|hxh"
_STREET = r"đường|phố|đ\.|duong|pho|street|st\."
_GROUP = (
    r"tổ\s+dân\s+phố|to\s+dan\s+pho|tdp|khu\s+phố|khu\s+pho|kp|khu|tổ|to|ấp|ap|thôn|thon|xóm|xom|bản|khóm|khom"
    r"|buôn|buon|làng|lang|plei"
)
_MARKER = re.compile(
    rf"(?i)(?<![\w])(?:(?P<house>{_HOUSE})|(?P<lane>{_LANE})|(?P<street>{_STREET})|(?P<group>{_GROUP}))(?![\w])"
)
_NUMBER_AT = re.compile(rf"\s*(?:số\s+|so\s+)?(?P<n>{_NUMBER})(?![\w/])")
_NAME_WORD_AT = re.compile(rf"\s*(?P<w>{_WORD}|\d{{1,4}}[a-zA-Z]?(?:/\d{{1,3}})?)(?![\w/])")
_BARE_NUMBER = re.compile(rf"(?<![\w/.,])(?P<n>{_NUMBER})(?![\w/.,])")
# Residential groups and hamlets whose name may follow without a number ("ấp Tân Hòa", "thôn
# Đông"); the others need a number, since the word has other meanings: "tổ công nghệ số", "bản
# sao", "áp dụng", "Lạng Sơn", "Buôn Ma Thuột", "khu công nghiệp".
_NAMED_GROUPS = frozenset(("ấp", "thôn", "xóm", "khóm", "tổ dân phố", "khu phố"))
# Words that end a street or hamlet name: administrative units, and words of a sentence ("số
# 12 đường Lê Lợi muốn làm căn cước" keeps "muốn làm căn cước"). A word typed with diacritics
# is compared with the accented list, one typed without with the bare list, which leaves out
# words that are also parts of street names ("Nguyễn Thị Minh Khai", "Tô Hiến Thành", "Chợ Lớn").
_UNIT_AHEAD = re.compile(
    r"(?i)(?:phường|xã|thị\s+trấn|quận|huyện|thị\s+xã|thành\s+phố|tỉnh|đặc\s+khu|khu\s+phố|tổ|ấp|thôn|xóm|khóm"
    r"|ngõ|ngách|hẻm|kiệt|đường|phố|số|cũ|mới"
    r"|phuong|xa|thi\s+tran|quan|huyen|thi\s+xa|thanh\s+pho|tinh|dac\s+khu|khu\s+pho|to\s+dan\s+pho|thon|xom"
    r"|ngo|ngach|hem|kiet|duong|pho|so|sn|kp|tdp|p|q|f|tp|tx|tt|moi)(?![\w])"
    r"|[pqf]\.?\s?\d"  # "Q1", "P.12", "F 3"
)
_STOP_ACCENTED = frozenset(
    "ở tại của và với thì để là nhưng mà muốn cần làm gì không được có bị đã đang sẽ rồi nhé nha ạ à em anh chị "
    "tôi mình bạn ơi vậy thế sao nào đâu bao nhiêu hỏi giúp xin cho đến từ về đi thuộc gần cạnh đối diện sau "
    "trước trong ngoài trên dưới hay hoặc còn chưa ra vào lên xuống nay".split()
)
_STOP_BARE = frozenset(
    "o tai cua va voi de nhung ma muon can lam gi khong ko k dc duoc bi se roi nhe nha a ah oi vay sao nao dau "
    "nhieu giup xin den ve di thuoc hay hoac ra vao len xuong toi em ban".split()
)
# Words after "đường" that make it not a street ("đường dây nóng", "đường link", "đường bộ").
_NOT_A_STREET = frozenset("day dan link truyen bo sat thuy bien hang vong tat huyet cong di".split())
# "thành phố", "khu phố", "tổ dân phố", "phường Phố Huế" are no streets
_AFTER_CITY = re.compile(r"(?i)(?:thành|thanh|khu|dân|dan|phường|phuong|p\.?)\s*$")
_DATE_WORDS = re.compile(r"(?i)(?:ngày|ngay|hôm|hom|tháng|thang|từ|tu|đến|den|lúc|luc)\s*$")
# A number after a unit word is the unit's name ("quận 3 Hồ Chí Minh", "phường 12 Bình Thạnh").
_UNIT_BEHIND = re.compile(r"(?i)(?<![\w])(?:phường|phuong|quận|quan|p|q|f|district|ward|lớp|lop)[\s.]*$")
_MAX_NAME_WORDS = 4
_SPACES = re.compile(r"\s*")


def _name_after(text: str, at: int, *, capitalised_only: bool) -> int:
    """End of the name (up to four words) starting at ``at``; ``at`` itself when there is none."""
    end, count = at, 0
    while count < _MAX_NAME_WORDS:
        found = _NAME_WORD_AT.match(text, end)
        if found is None:
            break
        word = found.group("w")
        if _ends_name(text, found.start("w"), word):
            break
        if capitalised_only and not (word[0].isupper() or word[0].isdigit()):
            break
        end, count = found.end(), count + 1
    return end


def _ends_name(text: str, at: int, word: str) -> bool:
    """Whether the word at ``at`` is an administrative word or a word of the sentence, not part of a name."""
    lower = word.lower()
    if lower.isascii():
        return lower in _STOP_BARE or _UNIT_AHEAD.match(text, at) is not None
    return lower in _STOP_ACCENTED or _UNIT_AHEAD.match(text, at) is not None


def _marker_span(text: str, found: re.Match[str], spans: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """The span a marker starts ("đường Lê Lợi", "hẻm 45", "số nhà 7"), or ``None``."""
    kind, word = found.lastgroup, " ".join(found.group(0).lower().split())
    start, end = found.start(), found.end()
    number = _NUMBER_AT.match(text, end)
    if kind == "house":
        if number is None:
            return None
        if word in ("số", "so") and not _street_follows(text, number.end()):
            return None  # "số 12" alone may be a form or a document number; "số 12 đường …" is a house
        return start, number.end()
    if kind == "street" and word in ("phố", "pho") and _AFTER_CITY.search(text[max(0, start - 12) : start]):
        return None
    if number is not None:
        end = number.end()
        if kind in ("street", "lane"):
            # "đường 3/2", "kiệt 20 Hùng Vương", "hem 45 le van sy"
            end = _name_after(text, end, capitalised_only=False)
        return start, end
    if kind == "group" and word not in _NAMED_GROUPS:
        return None
    if kind == "lane" and fold(word) == word:
        return None  # unaccented lane words need a number ("ngo 5")
    if kind == "street":
        first = _NAME_WORD_AT.match(text, end)
        if first is None or fold(first.group("w")) in _NOT_A_STREET:
            return None
        if fold(word) == word and word not in ("street", "st.") and not _clause_start(text, start, spans):
            return None  # unaccented "duong", "pho": "binh duong", "pho chu tich" are no streets
    name_end = _name_after(text, end, capitalised_only=False)
    return (start, name_end) if name_end > end else None


def street_spans(text: str) -> list[tuple[int, int]]:
    """Where house numbers, lanes, streets and residential groups are in ``text`` (start, end).

    Caught: "số 12 đường Lê Lợi", "12/3 Nguyễn Trãi", "12 Lê Lợi", "ngõ 5 phố Huế", "hẻm 45",
    "tổ 3 ấp 2", "số nhà 7", "ngách 12/4", "khu phố 3", "thôn Đông", "kiệt 20 Hùng Vương" (with
    or without diacritics). Commune, ward, district and province names around them are kept: a
    name ends at a comma, at an administrative word (phường, xã, quận, huyện, tỉnh, tp …) or at
    a word of the sentence ("muốn", "ở" …), and is at most four words long. Adjacent pieces
    (only spaces or a comma between them) form one span. Not caught: dates ("ngày 01/07"),
    amounts ("50.000 đồng"), document numbers ("số 118/2025/NĐ-CP"), "thành phố".
    """
    spans: list[tuple[int, int]] = []  # in order: each search starts after the previous span
    for found in _MARKER.finditer(text):
        if spans and found.start() < spans[-1][1]:
            continue
        span = _marker_span(text, found, spans)
        if span is not None:
            spans.append(span)
    starts = [start for start, _ in spans]
    numbers: list[tuple[int, int]] = []
    for found in _BARE_NUMBER.finditer(text):
        at = found.start()
        inside = bisect.bisect_right(starts, at) - 1
        if inside >= 0 and at < spans[inside][1] or numbers and at < numbers[-1][1]:
            continue
        before = text[max(0, at - 24) : at]
        if _DATE_WORDS.search(before) or _UNIT_BEHIND.search(before):
            continue
        slash = "/" in found.group("n") or found.group("n")[-1].isalpha()
        name_end = _name_after(text, found.end(), capitalised_only=not slash)
        if len(text[found.end() : name_end].split()) >= (1 if slash else 2):
            numbers.append((at, name_end))
    return _merge(spans + numbers, text)


def _street_follows(text: str, at: int) -> bool:
    following = _MARKER.match(text, _SPACES.match(text, at).end())  # type: ignore[union-attr]
    if following is not None and following.lastgroup in ("street", "lane"):
        return True
    word = _NAME_WORD_AT.match(text, at)
    return word is not None and word.group("w")[0].isupper() and not _ends_name(text, word.start("w"), word.group("w"))


def _clause_start(text: str, start: int, spans: Sequence[tuple[int, int]]) -> bool:
    before = text[max(0, start - 40) : start].rstrip()
    if not before:
        return start <= 40
    after_span = bool(spans) and start - spans[-1][1] <= 40 and not text[spans[-1][1] : start].strip()
    return before.endswith((",", ";", ":", "(")) or after_span


def _merge(spans: Iterable[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and text[merged[-1][1] : start].strip() in ("", ","):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def without_streets(text: str, placeholder: str = " ") -> str:
    """``text`` with house numbers, lanes, streets and residential groups replaced by ``placeholder``."""
    for start, end in reversed(street_spans(text)):
        text = text[:start] + placeholder + text[end:]
    return text


# --------------------------------------------------------------------------- the data

_WARD_PREFIXES = {
    "Phường": ("phuong", "p", "f", "ward"),
    "Xã": ("xa", "x", "commune"),
    "Thị trấn": ("thitran", "tt", "town"),
    "Đặc khu": ("dackhu", "dk"),
}
_DISTRICT_PREFIXES = {
    "Quận": ("quan", "q", "district"),
    "Huyện": ("huyen", "h"),
    "Thị xã": ("thixa", "tx"),
    "Thành phố": ("thanhpho", "tp"),
}
_PROVINCE_PREFIXES = {"Tỉnh": ("tinh",), "Thành phố": ("thanhpho", "tp")}
_EXTRA_PROVINCE_KEYS = {"hochiminh": ("tphcm", "hcmc", "saigon", "tpsaigon"), "hanoi": ("tphn",)}

# Successors the package's mapping misses, from the official conversion table (the National
# Statistics Office's "bảng chuyển đổi ĐVHC mới - cũ", compared on 2026-12-06: the package agrees
# for 9,996 of 10,033 old communes and, where it differs, mostly lists one candidate too many,
# which only costs a question). Only these four would have been a wrong or incomplete answer;
# additions only, so the bot asks rather than answers wrongly. See docs/addresses.md.
_ADDED_SUCCESSORS: dict[str, tuple[str, ...]] = {
    "00553": ("00562",),  # Xã Cổ Bi, Gia Lâm, Hà Nội: also Xã Thuận An
    "09013": ("09817",),  # Xã Văn Khê, Mê Linh, Hà Nội: also Xã Ô Diên
    "01615": ("01648",),  # Xã Hồng Quang, Quảng Hòa, Cao Bằng: also Xã Phục Hòa
    "02485": ("02494",),  # Xã Công Đa, Yên Sơn, Tuyên Quang: also Xã Thái Bình
}

Level = Literal["province", "district", "old", "new"]
_RANK: dict[str, int] = {"province": 3, "district": 2, "old": 1, "new": 1}


class _Hit(NamedTuple):
    level: Level
    ref: str  # province: new code ("79") or "old:<old code>"; district: old code; old: index; new: code
    prefixed: bool  # the key carried a unit word ("phuong ben nghe", "q1"): a sure level
    name: str  # the name as written, with its marks ("Bến Nghé"); "" for an alias


@dataclass
class _Data:
    provinces: dict[str, Province] = field(default_factory=dict)
    new: dict[str, NewCommune] = field(default_factory=dict)
    old: list[OldCommune] = field(default_factory=list)
    old_place: list[tuple[str, str]] = field(default_factory=list)  # old index → (old province code, district code)
    districts: dict[str, tuple[str, str]] = field(default_factory=dict)  # district code → (old province code, name)
    # district code → old index of the district as a whole, when all of it went to one new unit
    # (an island district without communes, "huyện Côn Đảo" → đặc khu Côn Đảo; "TP Phú Quốc")
    whole_districts: dict[str, int] = field(default_factory=dict)
    old_province: dict[str, str] = field(default_factory=dict)  # old province code → new province code
    vanished: set[str] = field(default_factory=set)  # old province codes whose name no province carries now
    keys: dict[str, list[_Hit]] = field(default_factory=dict)

    def add(self, key: str, hit: _Hit) -> None:
        if key:
            self.keys.setdefault(key, []).append(hit)


_lock = threading.Lock()
_loaded: _Data | None = None


def _data_dir() -> Path:
    spec = importlib.util.find_spec(DATA_PACKAGE)  # finds the package without importing (running) it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {DATA_PACKAGE} package is not installed (it ships the commune data)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _data() -> _Data:
    """The commune data, read once on first use."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _load(_data_dir())
    return _loaded


def _aliases(raw: str | None) -> list[str]:
    return [str(item) for item in json.loads(raw)] if raw else []


def _load(directory: Path) -> _Data:
    """Read the package's SQLite table of units and its old → new mapping, and index every name."""
    data = _Data()
    connection = sqlite3.connect(f"file:{directory / 'dataset.db'}?mode=ro&immutable=1", uri=True)
    try:
        new_rows = connection.execute(
            "SELECT provinceCode, province, provinceShort, provinceKey, provinceAlias,"
            " wardCode, ward, wardShort, wardType, wardKey, wardAlias FROM admin_units"
        ).fetchall()
        old_rows = connection.execute(
            "SELECT provinceCode, province, provinceShort, provinceKey, provinceAlias,"
            " districtCode, district, districtShort, districtType, districtKey, districtAlias,"
            " wardCode, ward, wardShort, wardType, wardKey, wardAlias FROM admin_units_legacy"
        ).fetchall()
    finally:
        connection.close()
    converter = json.loads((directory / "converter_2025.json").read_text(encoding="utf-8"))

    new_by_key: dict[tuple[str, str], str] = {}
    province_by_key: dict[str, str] = {}
    for pcode, pname, pshort, pkey, palias, code, name, short, kind, wkey, walias in new_rows:
        if pcode not in data.provinces:
            data.provinces[pcode] = Province(pcode, pname)
            province_by_key[pkey] = pcode
            _index_province(data, pcode, pname, pshort, _aliases(palias), pcode)
        commune = NewCommune(code, name, kind, data.provinces[pcode])
        data.new[code] = commune
        new_by_key[(pkey, wkey)] = code
        _index_unit(data, "new", code, short, kind, _aliases(walias))

    successors: dict[str, list[str]] = defaultdict(list)
    for new_pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            for old_key in old_keys:
                successors[old_key].append(new_by_key[(new_pkey, new_wkey)])
    for new_pkey, divided in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in divided.items():
            for part in parts:
                code = new_by_key[(new_pkey, part["newWardKey"])]
                if code not in successors[old_key]:
                    successors[old_key].append(code)
    new_names = {province.name for province in data.provinces.values()}
    for new_pkey, old_pkeys in converter["DICT_PROVINCE"].items():
        for old_pkey in old_pkeys:
            province_by_key.setdefault("old:" + old_pkey, province_by_key[new_pkey])

    district_successors: dict[str, set[str]] = {}
    for row in old_rows:
        pcode, pname, pshort, pkey, palias, dcode, dname, dshort, dkind, dkey, dalias = row[:11]
        code, name, short, kind, wkey, walias = row[11:]
        if pcode not in data.old_province:
            data.old_province[pcode] = province_by_key["old:" + pkey]
            if pname not in new_names:
                data.vanished.add(pcode)
            _index_province(data, pcode, pname, pshort, _aliases(palias), "old:" + pcode)
        if dcode not in data.districts:
            data.districts[dcode] = (pcode, dname)
            _index_unit(data, "district", dcode, dshort, dkind, _aliases(dalias))
        targets = successors.get(f"{pkey}_{dkey}_{wkey or ''}")
        if targets and code in _ADDED_SUCCESSORS:
            targets = [*targets, *(c for c in _ADDED_SUCCESSORS[code] if c not in targets)]
        if not targets:
            continue  # every old commune has a successor in the data; skip rather than invent one
        ordered = tuple(sorted(targets, key=lambda c: data.new[c].name))
        data.old.append(OldCommune(code or "", name or dname, dname, pname, ordered))
        data.old_place.append((pcode, dcode))
        index = str(len(data.old) - 1)
        if name is None:
            data.whole_districts[dcode] = int(index)
        else:
            _index_unit(data, "old", index, short, kind, _aliases(walias))
            district_successors.setdefault(dcode, set()).update(ordered)
    for dcode, codes in district_successors.items():
        if len(codes) == 1 and dcode not in data.whole_districts:
            pcode, dname = data.districts[dcode]
            province_name = next(o.province for o, (p, d) in zip(data.old, data.old_place, strict=True) if d == dcode)
            data.old.append(OldCommune("", dname, dname, province_name, tuple(codes)))
            data.old_place.append((pcode, dcode))
            data.whole_districts[dcode] = len(data.old) - 1
    return data


def _index_unit(data: _Data, level: Level, ref: str, short: str, kind: str, aliases: Sequence[str]) -> None:
    if short.startswith(kind + " ") and short[len(kind) + 1 :].isdigit():
        short = short[len(kind) + 1 :]  # "Quận 3", "Phường 12": the number is the name
    prefixes = _WARD_PREFIXES.get(kind) or _DISTRICT_PREFIXES.get(kind, ())
    bare = _key(short)
    numbered = bare.isdigit()
    for variant in (bare, bare.zfill(2)) if numbered else (bare,):
        if not numbered:
            data.add(variant, _Hit(level, ref, False, short))
        for prefix in prefixes:
            data.add(prefix + variant, _Hit(level, ref, True, short))
    for alias in aliases:  # the package's earlier names ("phuong nguyen trung truc"), "q2" → TP Thủ Đức
        if alias.isalnum() and not alias.isdigit():
            data.add(alias, _Hit(level, ref, alias[-1].isdigit() or alias.startswith(tuple(prefixes)), ""))


def _index_province(data: _Data, pcode: str, name: str, short: str, aliases: Sequence[str], ref: str) -> None:
    bare = _key(short)
    for key in (bare, *aliases, *_EXTRA_PROVINCE_KEYS.get(bare, ())):
        data.add(key, _Hit("province", ref, False, short if key == bare else ""))
    for prefix in _PROVINCE_PREFIXES["Thành phố" if name.startswith("Thành phố") else "Tỉnh"]:
        data.add(prefix + bare, _Hit("province", ref, True, short))


# --------------------------------------------------------------------------- reading a text


@dataclass(frozen=True)
class _Mention:
    position: int  # word index where it starts
    hits: tuple[_Hit, ...]

    def of(self, level: Level) -> tuple[_Hit, ...]:
        return tuple(hit for hit in self.hits if hit.level == level)

    def likely(self, level: Level) -> bool:
        """Whether ``level`` is the likely reading: a unit word says so, else the highest level named."""
        prefixed = {hit.level for hit in self.hits if hit.prefixed}
        if prefixed:
            return level in prefixed or level in ("old", "new") and bool(prefixed & {"old", "new"})
        return _RANK[level] == max(_RANK[hit.level] for hit in self.hits)


def _mentions(text: str, data: _Data) -> tuple[list[_Mention], set[str]]:
    """Longest known names, left to right; also the words no name covers."""
    tokens = _tokens(text)
    words = [word for word, _, _ in tokens]
    mentions: list[_Mention] = []
    free: set[str] = set()
    i = 0
    while i < len(words):
        for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
            hits = data.keys.get("".join(words[i : i + n]))
            if not hits:
                continue
            usable = [h for h in dict.fromkeys(hits) if n >= 2 or h.prefixed or h.level == "province"]
            if n == 1 and words[i].isdigit():
                usable = []
            typed = _shape(text[tokens[i][1] : tokens[i + n - 1][2]])
            agreeing = [h for h in usable if _agrees(typed, h.name)]
            if agreeing or usable:
                mentions.append(_Mention(i, tuple(agreeing or usable)))
                i += n
                break
        else:
            free.add(words[i])
            i += 1
    return mentions, free


@dataclass(frozen=True)
class _Reading:
    old: OldCommune | None  # None: the text names a current commune
    targets: tuple[str, ...]  # new codes


@dataclass
class _Outcome:
    readings: list[_Reading]
    province: str | None  # new province code, when the text settles it
    old_form: bool  # a district, "cũ" or a vanished province: the text is an old address
    score: tuple[int, ...]


def _evaluate(
    data: _Data,
    ward: _Mention | None,
    district: _Mention | None,
    province: _Mention | None,
    old_marker: bool,
) -> _Outcome | None:
    """The readings of one choice of mentions as ward, district and province; ``None`` if they clash."""
    new_provinces: set[str] | None = None
    old_provinces: set[str] | None = None
    vanished = False
    if province is not None:
        new_provinces, old_provinces = set(), set()
        refs = [hit.ref for hit in province.of("province")]
        for ref in refs:
            if ref.startswith("old:"):
                old_provinces.add(ref[4:])
                new_provinces.add(data.old_province[ref[4:]])
            else:
                new_provinces.add(ref)
                old_provinces.update(old for old, new in data.old_province.items() if new == ref)
        vanished = all(ref.startswith("old:") and ref[4:] in data.vanished for ref in refs)
    districts: set[str] | None = None
    if district is not None:
        districts = {hit.ref for hit in district.of("district")}
        if old_provinces is not None:
            districts = {d for d in districts if data.districts[d][0] in old_provinces}
        if not districts:
            return None  # no district of that name in that province
    readings: list[_Reading] = []
    old_form = old_marker or district is not None or vanished
    if ward is not None:
        old = sorted(
            {
                int(hit.ref)
                for hit in ward.of("old")
                if (districts is None or data.old_place[int(hit.ref)][1] in districts)
                and (old_provinces is None or data.old_place[int(hit.ref)][0] in old_provinces)
            }
        )
        if district is not None and not old:
            return None  # a district was named, but no old commune of that name lies in it
        new = sorted(
            {
                hit.ref
                for hit in ward.of("new")
                if new_provinces is None or data.new[hit.ref].province.code in new_provinces
            }
        )
        readings += [_Reading(data.old[i], data.old[i].successors) for i in old]
        if not old_form or not old:
            readings += [_Reading(None, (code,)) for code in new]
        if not readings:
            return None
    elif districts is not None:
        wholes = [data.old[data.whole_districts[d]] for d in sorted(districts) if d in data.whole_districts]
        readings += [_Reading(whole, whole.successors) for whole in wholes]
    province_code: str | None = None
    if new_provinces is not None and len(new_provinces) == 1:
        province_code = next(iter(new_provinces))
    elif districts is not None:
        found = {data.old_province[data.districts[d][0]] for d in districts}
        province_code = found.pop() if len(found) == 1 else None
    parts: list[tuple[_Mention, tuple[Level, ...]]] = []
    if ward is not None:
        parts.append((ward, ("old", "new")))
    if district is not None:
        parts.append((district, ("district",)))
    if province is not None:
        parts.append((province, ("province",)))
    positions = [mention.position for mention, _ in parts]
    score = (
        len(parts),
        sum(any(mention.likely(level) for level in levels) for mention, levels in parts),
        int(ward is not None),
        int(ward is not None and any(hit.prefixed for hit in ward.hits if hit.level in ("old", "new"))),
        int(province is not None),
        int(positions == sorted(positions)),  # written in the usual order: commune, district, province
    )
    return _Outcome(readings, province_code, old_form, score)


def _best(data: _Data, mentions: Sequence[_Mention], old_marker: bool) -> list[_Outcome]:
    """The outcomes of the best-scoring choices of ward, district and province mentions."""
    wards: list[_Mention | None] = [None, *(m for m in mentions if m.of("old") or m.of("new"))]
    districts: list[_Mention | None] = [None, *(m for m in mentions if m.of("district"))]
    provinces: list[_Mention | None] = [None, *(m for m in mentions if m.of("province"))]
    outcomes: list[_Outcome] = []
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
    mentions, free = _mentions(cleaned, data)
    old_marker = "cu" in free or bool(re.search(r"(?i)\bcũ\b|trước\s+(?:khi\s+)?sáp\s+nhập", cleaned))
    new_marker = current or "moi" in free or bool(re.search(r"(?i)\bmới\b|\bhiện\s+nay\b", cleaned))
    outcomes = _best(data, mentions[:12], old_marker)
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


def _answer(data: _Data, readings: Sequence[_Reading], settled: Province | None) -> AddressAnswer:
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

"""Streets and house numbers in an address: where they are, so they can be left out or redacted.

The old → new address reader needs the commune, district and province only, so house numbers,
lanes, streets and residential groups are removed before matching (:func:`without_streets`);
:func:`street_spans` is also the redaction rule of ``bot.storage.privacy``. A name ends at a
comma, at an administrative word or at a word of the sentence, so the units around a street
are kept.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from procedures.folding import fold

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

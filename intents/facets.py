"""Facets: which detail of a procedure a question asks about -- the fee, the time, the papers ...

A citizen rarely asks for a whole procedure card. "Lệ phí làm lại căn cước bao nhiêu?" asks
for one fact of one procedure, and the answer should start with that fact. This module finds
the *facet* of a message from its wording alone (cue phrases, matched on folded text, in
Vietnamese with or without diacritics, chat abbreviations and English), and returns the
message without those cue phrases, so that facet words ("lệ phí", "bao lâu", "ở đâu") do not
pull the routing toward a procedure that merely mentions them.

How a reading is made:

* Cue phrases are regular expressions on folded text with a weight. Where two cues overlap,
  the heavier (then the longer) one keeps the words: "có giá trị bao lâu" is a validity cue,
  and its "bao lâu" no longer counts for the processing time.
* The clause that asks counts most. A message is cut into clauses at punctuation; the last
  clause that asks something (a question mark or a question word) weighs fully, other asking
  clauses a little less, and statements ("e ở nước ngoài chưa về đc") half; a short asking
  tail ("..., làm thế nào ạ?") joins the clause before it. Equal scores go to the later cue.
* Context that is not the ask is discounted: something already done ("đã đóng lệ phí rồi",
  "nộp trên VNeID xong thì ...", "I've paid the fee"), a condition ("if I apply online",
  "nếu ... thì"), and the topic before "thì" when another detail is asked after it
  ("làm online thì bao lâu được duyệt?" asks for the time).
* A message that asks for the whole procedure ("hướng dẫn", "thủ tục", "làm sao để",
  "how do I") scores for NONE, which wins unless a detail is asked more strongly.

The cue phrases are data (``intents/data/facet_cues.yaml``), read and compiled on the first
message (``intents/cues.py``); the clauses and what they discount are ``intents/clauses.py``.

Pure domain code: no catalog, no state. The engine decides what to answer. Every message goes
through here, so it stays cheap: each cue is tried, anchored, only where a word it can start
with stands and the next word can follow it (about 0.15 ms for a 300-character message).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from intents.clauses import TOPIC, Clause, clauses
from intents.cues import NUMBER, CueTable, load_cues
from intents.normalize import fold

CUES_FILE = Path(__file__).resolve().parent / "data" / "facet_cues.yaml"


class Facet(StrEnum):
    """What is being asked."""

    FEE = "fee"
    TIME = "time"
    DOCUMENTS = "documents"
    WHERE = "where"
    ONLINE = "online"
    ELIGIBILITY = "eligibility"
    VALIDITY = "validity"
    DEADLINE = "deadline"
    RESULT = "result"
    TRACKING = "tracking"
    AMOUNT = "amount"  # how much money one receives (a benefit), not a fee one pays
    NONE = "none"


@dataclass(frozen=True)
class FacetReading:
    """The facet of a message, how sure the reading is, and the message without its cue phrases."""

    facet: Facet
    score: float
    topic: str  # the folded message with the facet's cue phrases removed
    also: Facet = Facet.NONE  # a second detail asked as clearly ("bao nhiêu tiền và mất mấy ngày")


@functools.cache
def cue_table() -> CueTable[Facet]:
    """The facet cues, compiled on first use: importing this module stays cheap at start-up."""
    return load_cues(CUES_FILE, Facet)


# Punctuation stands as a word of its own, so that cues start on words and clauses end on it.
_SPACING = str.maketrans(
    {**{c: f" {c} " for c in ",.?!;:"}, **{c: " " for c in "\"'’‘“”()[]{}/\\-_*#@&+=<>|~`^…\n\r\t"}}
)
_Hit = tuple[float, int, int, Facet]  # a cue found: its weight, its character span, its facet


# Words before which a plain "muon" is "muốn" (to want), not "muộn" (late): "toi muon lam lai".
# Not "co": "co muon khong" is as often "có muộn không" (is it late?) as "cô muốn".
_WANTERS = frozenset("toi tui em minh anh chi bac chu con chau ba ong me bo vo chong ban t e m mk ck vk".split())


def _wants(text: str, words: list[str]) -> list[str]:
    """Mark "muốn" (to want) so the cues for "muộn" (late) never read it.

    Both fold to "muon". "muốn" as typed, or a plain "muon" after a person ("tôi muốn làm lại
    căn cước bị mất"), becomes "muoN": same length, so cue spans and the topic keep their
    places, and the router, which lower-cases, still reads the topic's "muon".
    """
    typed = unicodedata.normalize("NFC", text).lower().translate(_SPACING).split()
    marked = typed if len(typed) == len(words) else [""] * len(words)
    for number, word in enumerate(words):
        if word == "muon" and marked[number] != "muộn":
            if marked[number] == "muốn" or (number and words[number - 1] in _WANTERS):
                words[number] = "muoN"
    return words


def read_facet(text: str) -> FacetReading:
    """Which detail the message asks about (``Facet.NONE`` when it names no detail)."""
    words = fold(text).translate(_SPACING).split()
    if "muon" in words:
        words = _wants(text, words)
    folded = " ".join(words)
    starts = _starts(words)
    table = cue_table()
    found = _found(words, starts, folded, table)
    if not found:
        return FacetReading(Facet.NONE, 0.0, folded)
    kept = _kept(found, len(folded))
    scores, last = _scores(kept, clauses(words, starts))
    order = table.labels
    # Equal scores go to the later cue, then to the facet listed first in the cue table.
    best = max(scores, key=lambda facet: (scores[facet], last[facet], -order.index(facet)))
    if best is Facet.NONE or scores[best] < 2:
        return FacetReading(Facet.NONE, round(scores[best], 2), folded)
    others = [facet for facet in scores if facet not in (best, Facet.NONE) and scores[facet] >= 2]
    also = max(others, key=lambda facet: scores[facet]) if others else Facet.NONE
    return FacetReading(best, round(scores[best], 2), _topic(folded, kept, best), also)


def _starts(words: list[str]) -> list[int]:
    """Where each word starts in the words joined by single spaces."""
    starts = []
    position = 0
    for word in words:
        starts.append(position)
        position += len(word) + 1
    return starts


def _found(words: list[str], starts: list[int], folded: str, table: CueTable[Facet]) -> list[_Hit]:
    """Every cue that matches where a word it can start with stands (and the few tried anywhere)."""
    found: list[_Hit] = []
    for index, word in enumerate(words):
        position = starts[index]
        following = words[index + 1] if index + 1 < len(words) else ""
        for cue, seconds in table.by_word.get(NUMBER if word.isdigit() else word, ()):
            if (seconds is None or following in seconds) and (match := cue.regex.match(folded, position)):
                found.append((cue.weight, position, match.end(), cue.label))
    for cue in table.anywhere:
        for match in cue.regex.finditer(folded):
            if not match.start() or folded[match.start() - 1] == " ":
                found.append((cue.weight, match.start(), match.end(), cue.label))
    return found


def _kept(found: list[_Hit], length: int) -> list[_Hit]:
    """The cues that keep their words: where two overlap, the heavier, then the longer one."""
    found.sort(key=lambda hit: (-hit[0], hit[1] - hit[2]))
    kept: list[_Hit] = []
    taken = bytearray(length)
    for hit in found:
        if not any(taken[hit[1] : hit[2]]):
            kept.append(hit)
            taken[hit[1] : hit[2]] = b"\x01" * (hit[2] - hit[1])
    return kept


def _scores(kept: list[_Hit], parts: list[Clause]) -> tuple[dict[Facet, float], dict[Facet, int]]:
    """Each facet's score (its cues' weights, discounted by context) and where its last cue ends."""
    # per clause, the facets asked after its "thì"
    after_thi = [{hit[3] for hit in kept if clause.topic_end <= hit[1] < clause.stop} for clause in parts]
    scores: dict[Facet, float] = {}
    last: dict[Facet, int] = {}
    for weight, start, end, facet in kept:
        factor = 1.0
        for clause, asked_after in zip(parts, after_thi, strict=True):
            if clause.first <= start < clause.stop:
                factor = clause.factor
                if clause.told is not None and clause.told[0] <= start and end <= clause.told[1]:
                    factor *= clause.told[2]
                if end <= clause.topic_end and asked_after - {facet}:
                    factor *= TOPIC  # "làm online thì bao lâu?": the ask comes after "thì"
                break
        scores[facet] = scores.get(facet, 0.0) + weight * factor
        last[facet] = max(last.get(facet, 0), end)
    return scores, last


def _topic(folded: str, kept: list[_Hit], best: Facet) -> str:
    """The message without the cue phrases of its facet."""
    topic = folded
    for _, start, end, facet in sorted(kept, key=lambda hit: -hit[1]):
        if facet is best:
            topic = topic[:start] + " " + topic[end:]
    return " ".join(topic.split())


__all__ = ["CUES_FILE", "Facet", "FacetReading", "cue_table", "read_facet"]

"""English -> Vietnamese administrative glossary: what an English question means in official names.

Foreigners and overseas Vietnamese ask in English ("how do I extend my tourist visa"), but the
~2,600 national procedure names are Vietnamese only ("Gia hạn tạm trú", "Cấp thị thực ...").
Only the ~44 curated entries carry English aliases, so an English question shares no word with
the national card it is about. ``intents/glossary_en.tsv`` maps English administrative phrases
to the words official names use ("adopt" -> "nuôi con nuôi", "work permit" -> "giấy phép lao
động"); for a message read as English, the router adds those words to its query and keeps the
English ones, so curated English aliases still match (:meth:`Glossary.phrases_for`).

English words are matched by a light stemmer (plural -s/-ies, -ed, -ing, a final e, British
spellings), so "registered", "registering" and "registers" all meet the entry "register";
phrases are matched longest first, and articles and possessives between their words are
skipped ("renew my passport" meets "renew passport"). Pure data: read once, immutable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from intents.index import terms_of
from intents.language import detect, has_vietnamese_marks
from intents.normalize import plain_words, tokens
from intents.tuning import GLOSSARY_WEIGHT

GLOSSARY_FILE = Path(__file__).resolve().parent / "glossary_en.tsv"
# Words that may sit inside a phrase without changing it ("extend my visa" = "extend visa").
_SKIPPED = frozenset("a an the my our your his her their its".split())
# British spellings folded to American ones before stemming, so one entry serves both:
# "licence"/"license", "notarise"/"notarize", "legalisation"/"legalization", "labour"/"labor".
_BRITISH = ((re.compile(r"isation"), "ization"), (re.compile(r"icence"), "icense"))
_BRITISH_ISE = re.compile(r"(?<=\w{3})is(e|ed|es|ing|er|ers)$")
_BRITISH_OUR = re.compile(r"(?<=\w{2})our(s?)$")
_DOUBLED = re.compile(r"([b-df-hj-km-np-tv-z])\1$")  # "transferr" -> "transfer", but "sell", "pass" stay


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A folded English word reduced to a shared form ("married" -> "marry", "visas" -> "visa").

    Deliberately light: inflections only, applied the same way to the glossary and to the
    message, so what matters is that forms of one word meet, not that the stem is a word.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    for pattern, american in _BRITISH:
        word = pattern.sub(american, word)
    word = _BRITISH_OUR.sub(r"or\1", _BRITISH_ISE.sub(r"iz\1", word))
    if word.endswith(("ies", "ied")) and len(word) > 4:
        word = word[:-3] + "y"  # "cities", "married", "applied"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    elif word.endswith("ing") and len(word) > 5:
        word = _undouble(word[:-3])
    elif word.endswith("ed") and len(word) > 4 and not word.endswith("eed"):
        word = _undouble(word[:-2])
    # A final e comes and goes with the suffixes ("drive", "driving"; "degree", "employee" keep theirs).
    return word[:-1] if word.endswith("e") and len(word) > 3 and not word.endswith("ee") else word


def _undouble(word: str) -> str:
    """Drop a consonant doubled before -ed/-ing ("transferr" -> "transfer"); "sell" keeps its l."""
    return word[:-1] if _DOUBLED.search(word) and not word.endswith(("ll", "ss", "zz")) else word


def english_key(phrase: str) -> tuple[str, ...]:
    """An English phrase as the glossary matches it: words as typed, filler skipped, stemmed."""
    return tuple(stem(word) for word in plain_words(phrase) if word not in _SKIPPED)


@dataclass(frozen=True)
class Glossary:
    """English phrase (as :func:`english_key`) -> the Vietnamese phrases (folded words) it stands for."""

    table: Mapping[tuple[str, ...], tuple[tuple[str, ...], ...]]
    starts: frozenset[str] = field(init=False)
    longest: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts", frozenset(key[0] for key in self.table if key))
        object.__setattr__(self, "longest", max((len(key) for key in self.table), default=0))

    def equivalents(self, words: Sequence[str]) -> list[tuple[str, ...]]:
        """The Vietnamese phrases for the English phrases in ``words`` (:func:`plain_words`), longest first."""
        stems = [stem(word) for word in words if word not in _SKIPPED]
        found: list[tuple[str, ...]] = []
        position, count = 0, len(stems)
        while position < count:
            size = 1
            if stems[position] in self.starts:
                for size in range(min(self.longest, count - position), 0, -1):
                    phrases = self.table.get(tuple(stems[position : position + size]))
                    if phrases is not None:
                        found.extend(phrase for phrase in phrases if phrase not in found)
                        break
            position += size
        return found

    def phrases_for(self, text: str) -> list[tuple[str, ...]]:
        """The Vietnamese phrases the glossary adds to the query of ``text``: none unless it is English.

        Both the message as typed and its normalised words must read as English
        (:func:`intents.language.detect`): Vietnamese typed with Telex leftovers ("ddawng kys
        tamj truws") looks English before normalisation but not after, and Vietnamese without
        diacritics never reads as English, so it is left as it was.
        Phrases are looked up in the words as typed (:func:`plain_words`): normalisation reads
        a short English word as Vietnamese Telex ("tax" -> "ta").
        """
        if not self.table or has_vietnamese_marks(text):
            return []  # marked Vietnamese, most messages: never English, and the cheapest test
        typed = plain_words(text)
        if self.starts.isdisjoint(map(stem, typed)):
            return []  # the common case, Vietnamese: no detection needed
        if not is_english(text):
            return []
        return self.equivalents(typed)

    def weights(self, text: str, idf: Mapping[str, float]) -> dict[str, float]:
        """Query terms for an English ``text``: the Vietnamese equivalents' terms the index knows.

        Read from the words as typed (the speller would bend "pension" towards a Vietnamese
        word); the English words stay in the query (curated English aliases). Only terms the
        index knows: the others cannot match, only dilute. Each weighs :data:`GLOSSARY_WEIGHT`
        of its IDF weight: a translation is less sure than a typed word.
        """
        found: dict[str, float] = {}
        for phrase in self.phrases_for(text):
            for term in terms_of(phrase):
                if term in idf:
                    found[term] = idf[term] * GLOSSARY_WEIGHT
        return found


@lru_cache(maxsize=16)  # asked three or four times of each routed message; small, as has_vietnamese_marks
def is_english(text: str) -> bool:
    """``text`` reads as English both as typed and normalised."""
    if has_vietnamese_marks(text) or detect(text) != "en":
        return False  # most messages: no normalisation needed to say so
    return detect(" ".join(tokens(text))) == "en"


def load_glossary(path: Path = GLOSSARY_FILE) -> Glossary:
    """Read ``english<TAB>vietnamese`` lines (``#`` comments; ``;`` separates Vietnamese alternatives)."""
    table: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, _, vietnamese = line.partition("\t")
        phrases = tuple(tuple(tokens(part)) for part in vietnamese.split(";") if part.strip())
        key = english_key(english)
        if key and phrases:
            table[key] = phrases
    return Glossary(table)


SHIPPED_GLOSSARY = load_glossary()  # read at import, like the scope model: immutable data

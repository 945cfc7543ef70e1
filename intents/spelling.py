"""Spelling correction: the words a citizen meant, checked against what the index knows.

Two kinds of slip are mended before scoring:

* a word the index has never seen ("tạm chú", "khaisinh") is mapped to the nearest known word
  with rapidfuzz (Levenshtein similarity at or above a cutoff), comparing only words that share
  its first letter -- typos rarely hit it, and it keeps large vocabularies fast;
* a final consonant typed short ("bằn lái", "khai sin", "đăn ký") -- the commonest slip on a
  phone keyboard -- often leaves another real word, so no spelling check can see it. It is
  completed (n -> ng/nh, c -> ch) only when the completed word forms a known pair with a
  neighbour and, for a word typed with marks, when no catalog phrase spells it as typed but one
  spells the completion with the same marks: "chín giờ" stays "chín".

A corrected word counts for less than a word typed right (its similarity, or
:data:`COMPLETION_CONFIDENCE`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from intents.index import Index
from intents.normalize import default_abbreviations, expand, tokens

# A final consonant typed short: what it may have been meant as.
SHORT_FINALS = (("n", ("ng", "nh")), ("c", ("ch",)))
COMPLETION_CONFIDENCE = 0.8  # how far a completed word counts


class Speller:
    """Corrects a message's words against one index's vocabulary. Immutable; thread-safe."""

    def __init__(self, index: Index, cutoff: float = 0.8):
        self.index = index
        self.cutoff = cutoff
        self._nearest = lru_cache(maxsize=4096)(self._nearest_word)
        # Pairs that start an everyday name ("bang lai" -> giấy phép lái xe) confirm a completion
        # as much as an indexed pair does: the index only ever sees the expansion.
        self._name_starts = frozenset(key[:2] for key in default_abbreviations().keys() if len(key) >= 2)
        self._by_initial: dict[str, list[str]] = defaultdict(list)
        for known in index.vocabulary:
            self._by_initial[known[0]].append(known)

    def correct(
        self, text: str, typed: dict[str, str], words: list[str] | None = None
    ) -> tuple[list[str], dict[str, float]]:
        """The message's normalised words as meant, and how far each corrected word counts.

        ``typed`` maps each folded word typed with marks to its accent key
        (:func:`intents.normalize.accented_words` of the text); ``words`` is ``tokens(text)``
        when the caller already has it.
        """
        words = tokens(text) if words is None else words
        fixed: list[str] = []
        kept: list[int] = []  # positions left as they were
        confidence: dict[str, float] = {}
        for position, word in enumerate(words):
            if word in self.index.idf:
                mended = self.complete(words, position, typed[word]) if word in typed else None
                found = (mended, COMPLETION_CONFIDENCE) if mended is not None else None
            else:
                found = self._nearest(word)
                if found is None and (mended := self.complete(words, position, None)) is not None:
                    found = (mended, COMPLETION_CONFIDENCE)
            if found is None:
                kept.append(position)
                fixed.append(word)
            else:
                fixed.append(found[0])
                confidence[found[0]] = found[1]
        if confidence:
            # A corrected word may start an everyday name ("bằng lái" -> giấy phép lái xe). The
            # words left as they were had their turn in tokens(): one still standing there was
            # typed as an ordinary word ("hỏng") and must not become a short form now.
            fixed = expand(fixed, default_abbreviations(), blocked=kept)
        return fixed, confidence

    def _nearest_word(self, word: str) -> tuple[str, float] | None:
        """The known word closest to an unknown one (a typo), with its similarity."""
        if len(word) < 3 or not self.index.vocabulary:
            return None
        found = process.extractOne(
            word,
            self._by_initial.get(word[0], ()),
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=self.cutoff,
        )
        return (found[0], float(found[1])) if found else None

    def complete(self, words: Sequence[str], position: int, key: str | None) -> str | None:
        """The word meant at ``position`` when its final consonant was typed short, if confirmed.

        ``key`` is the word's accent key when it was typed with marks (see
        :func:`intents.normalize.accent_key`), ``None`` when typed plain.
        """
        word = words[position]
        if key is not None:
            known = self.index.spellings.get(word, frozenset())
            if key in known or any(seen[:-1] == key[:-1] for seen in known):
                return None  # a spelling the catalog uses, or the same letters with another tone
        before = words[position - 1] if position > 0 else None
        after = words[position + 1] if position + 1 < len(words) else None
        for short, finals in SHORT_FINALS:
            if not word.endswith(short):
                continue
            for final in finals:
                longer = word[: -len(short)] + final
                if longer not in self.index.idf:
                    continue
                if key is not None and self.index.spelled.get(key[: -1 - len(short)] + final + key[-1]) != longer:
                    continue  # the catalog never spells the completion with these marks
                if (before and self._pairs(before, longer)) or (after and self._pairs(longer, after)):
                    return longer
        return None

    def _pairs(self, first: str, second: str) -> bool:
        """True when two words are a known pair: an indexed term or the start of an everyday name."""
        return f"{first}_{second}" in self.index.idf or (first, second) in self._name_starts

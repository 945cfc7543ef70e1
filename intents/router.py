"""The intent router: from a citizen's message to a decision the engine can act on.

``route(text) -> Decision``. The router only returns data -- ranked candidates and a
calibrated confidence -- and the engine decides what to say:

* ``match``      -- confident: open the procedure (or answer the general intent);
* ``ambiguous``  -- two or three close candidates: ask "Ý bạn là: 1) … 2) …";
* ``no_match``   -- out of scope: say what the bot can do, record the question.

Scoring: each phrase is scored by the IDF weight the query and phrase share, relative to
both sizes (a weighted cosine over word and word-pair terms); an intent takes its best
phrase, plus a share of the query it covers across all its phrases (so a long story that
mentions several of an entry's keywords wins). Words the index does not know are mapped
to the nearest known word with rapidfuzz (typos). Listing cards are discounted so that a
curated entry beats a long-tail listing name that merely looks alike.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from intents.index import Index, IntentKind, terms_of
from intents.normalize import accented_words, tokens

OUT_OF_SCOPE = "out_of_scope"
MAX_CANDIDATE_PHRASES = 4000


class Verdict(str, Enum):
    """The three decisions the engine acts on."""

    MATCH = "match"
    AMBIGUOUS = "ambiguous"
    NO_MATCH = "no_match"


@dataclass(frozen=True)
class Candidate:
    """A ranked intent with its score in [0, 1]."""

    intent: str
    kind: IntentKind
    score: float
    label: str = ""


@dataclass(frozen=True)
class Decision:
    """What the router concluded about one message."""

    text: str
    verdict: Verdict
    confidence: float
    candidates: tuple[Candidate, ...]

    @property
    def top(self) -> Candidate | None:
        """The best candidate, if any."""
        return self.candidates[0] if self.candidates else None

    @property
    def intent(self) -> str:
        """The chosen intent id, national code or general name; ``out_of_scope`` on no_match."""
        if self.verdict is Verdict.NO_MATCH or self.top is None:
            return OUT_OF_SCOPE
        return self.top.intent

    @property
    def kind(self) -> str:
        """``procedure``, ``general`` or ``out_of_scope`` (the CLI's vocabulary)."""
        if self.verdict is Verdict.NO_MATCH or self.top is None:
            return OUT_OF_SCOPE
        return "general" if self.top.kind is IntentKind.GENERAL else "procedure"

    def as_json(self) -> dict[str, object]:
        """The JSON object printed by ``dvcbot route``."""
        return {
            "text": self.text,
            "intent": self.intent,
            "kind": self.kind,
            "decision": self.verdict.value,
            "confidence": round(self.confidence, 4),
            "candidates": [{"intent": c.intent, "score": round(c.score, 4)} for c in self.candidates[:3]],
        }


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds (defaults calibrated on the dev set; overridable in config)."""

    match: float = 0.55
    no_match: float = 0.30
    margin: float = 0.08


@dataclass(frozen=True)
class Weights:
    """Scoring weights, tuned on the dev set (see docs/router.md)."""

    phrase: float = 0.45  # how completely the intent's best phrase appears in the message
    evidence: float = 0.35  # how much informative weight the intent matched, absolute
    coverage: float = 0.20  # how much of the message the intent explains
    significant: float = 8.0  # matched weight at which a phrase counts fully (≈ two rare words)
    saturation: float = 10.0  # evidence scale: 1 - exp(-matched / saturation)
    unknown_weight: float = 4.0  # weight of a word the index does not know
    listing_discount: float = 0.85
    fuzzy_cutoff: float = 0.8
    wrong_tone: float = 0.3  # a word typed with other marks than the phrase's ("cười" vs "cưới")


class Router:
    """Routes messages over one :class:`Index`. Immutable after construction (thread-safe)."""

    def __init__(self, index: Index, thresholds: Thresholds | None = None, weights: Weights | None = None):
        self.index = index
        self.thresholds = thresholds or Thresholds()
        self.weights = weights or Weights()
        self._correct = lru_cache(maxsize=4096)(self._nearest_word)

    def _nearest_word(self, word: str) -> tuple[str, float] | None:
        """The known word closest to an unknown one (a typo), with its similarity."""
        if len(word) < 3 or not self.index.vocabulary:
            return None
        found = process.extractOne(
            word,
            self.index.vocabulary,
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=self.weights.fuzzy_cutoff,
        )
        return (found[0], float(found[1])) if found else None

    def query_terms(self, text: str) -> dict[str, float]:
        """Normalised query terms with their weights (typo-corrected words weigh less)."""
        words = tokens(text)
        fixed: list[str] = []
        confidence: dict[str, float] = {}
        for word in words:
            if word in self.index.idf:
                fixed.append(word)
                continue
            nearest = self._correct(word)
            if nearest is None:
                fixed.append(word)
            else:
                fixed.append(nearest[0])
                confidence[nearest[0]] = nearest[1]
        weights: dict[str, float] = {}
        for term in terms_of(fixed):
            factor = confidence.get(term, 1.0)
            weight = self.index.weight(term) if term in self.index.idf else min(self.index.weight(term), self.weights.unknown_weight)
            weights[term] = max(weights.get(term, 0.0), weight * factor)
        return weights

    def score(self, text: str) -> list[Candidate]:
        """Rank every intent sharing a term with the message, best first."""
        query = self.query_terms(text)
        if not query:
            return []
        accents = accented_words(text)
        query_weight = sum(query.values())
        ordered = sorted((term for term in query if term in self.index.postings), key=self.index.doc_frequency_rank)
        phrases: set[int] = set()
        for term in ordered:
            phrases.update(self.index.postings[term])
            if len(phrases) > MAX_CANDIDATE_PHRASES:
                break
        weights = self.weights
        best: dict[int, float] = defaultdict(float)
        covered: dict[int, set[str]] = defaultdict(set)
        for number in phrases:
            phrase = self.index.phrases[number]
            shared = [term for term in query if term in phrase.terms]
            matched = sum(query[term] * self._tone_factor(term, accents, phrase.accents) for term in shared)
            completeness = (matched / phrase.weight) * min(1.0, matched / weights.significant) * phrase.priority
            if completeness > best[phrase.intent]:
                best[phrase.intent] = completeness
            covered[phrase.intent].update(shared)
        candidates = []
        for doc_number, phrase_score in best.items():
            doc = self.index.docs[doc_number]
            matched = sum(query[term] for term in covered[doc_number])
            value = (
                weights.phrase * min(phrase_score, 1.0)
                + weights.evidence * (1.0 - math.exp(-matched / weights.saturation))
                + weights.coverage * matched / query_weight
            )
            if doc.kind is IntentKind.LISTING:
                value *= weights.listing_discount
            candidates.append(Candidate(doc.intent, doc.kind, value, doc.label))
        candidates.sort(key=lambda candidate: candidate.score, reverse=True)
        return candidates

    def _tone_factor(self, term: str, query: dict[str, str], phrase: dict[str, str]) -> float:
        """Discount a shared term whose words were typed with different tones than the phrase's."""
        if not query or not phrase:
            return 1.0
        for word in term.split("_"):
            typed, expected = query.get(word), phrase.get(word)
            if typed is not None and expected is not None and typed != expected:
                return self.weights.wrong_tone
        return 1.0

    def decide(self, text: str, candidates: Sequence[Candidate]) -> Decision:
        """Turn ranked candidates into match / ambiguous / no_match."""
        top3 = tuple(candidates[:3])
        if not top3 or top3[0].score < self.thresholds.no_match:
            confidence = top3[0].score if top3 else 0.0
            return Decision(text, Verdict.NO_MATCH, confidence, top3)
        top = top3[0]
        close = [c for c in top3[1:] if top.score - c.score < self.thresholds.margin]
        if top.score >= self.thresholds.match and not close:
            return Decision(text, Verdict.MATCH, top.score, top3)
        return Decision(text, Verdict.AMBIGUOUS, top.score, top3)

    def route(self, text: str) -> Decision:
        """Route one message."""
        return self.decide(text, self.score(text))


def naive_baseline(choices: dict[str, str], text: str) -> str | None:
    """The naive baseline the benchmark compares against: WRatio over every name and alias."""
    found = process.extractOne(text, choices, scorer=fuzz.WRatio)
    return found[2] if found else None

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

import heapq
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from intents.index import STOPWORD_WEIGHT, Index, IntentKind, Phrase, terms_of
from intents.normalize import accented_words, fold, tokens
from intents.spelling import Speller

OUT_OF_SCOPE = "out_of_scope"
SHORTLIST = 30  # phrases scored exactly after the gathering pass
GATHER_BUDGET = 1000  # postings read per message while gathering candidates
GATHER_FLOOR = 0.25
LONG_MESSAGE = 8  # informative words; longer messages are stories
SMALL_TALK = frozenset({"greeting", "thanks", "goodbye"})  # politeness that may come before a question
CHATTER = "chatter"  # off-topic chatter (intents/chatter.yaml): never an answer, only a reason to say no
YIELDING = SMALL_TALK | {"help"}
PERSON = "human"  # a request for a person (intents/general.yaml)
VOCABULARY_REFERENCE = 40  # terms; see Weights.vocabulary_damping
MAX_AGE = 120
AGE_REACH = 10  # candidates searched for a national card whose age bound fits the message
# "dưới 14 tuổi", "từ đủ 14 tuổi trở lên", "trên 80 tuổi" in a national name (folded).
_AGE_BOUND = re.compile(r"\b(duoi|tu du|tu|tren|du) (\d{1,3}) tuoi(?: tro len)?")
# An age stated in a message: "10 tuổi", "bé 6t", "my 10-year-old son".
_AGE_STATED = re.compile(r"\b(\d{1,3})(?: ?(?:tuoi|t)\b|[ -]years?[ -]old\b)")
# The scope model turns a message away when it gives it less than this chance of being in
# scope, and only a long one (informative words): chosen on the dev set and faq-dev. From 0.15
# (with models fitted from other seeds) or 0.17 (this one) it begins to reject dev questions;
# 0.10 gives the same figures for seeds 7, 13 and 21 and for 14-18 words.
SCOPE_THRESHOLD = 0.1
SCOPE_MIN_WORDS = 16
VAGUE_WORDS = 2  # informative words; a message this short may be too vague to place
INFORMATIVE_WEIGHT = 2.0  # a word weighing more is informative (scope features)
# What the scope model reads about the best procedure candidate; the last is not a model input.
SCOPE_FEATURES = (
    "score",
    "margin",  # over the next procedure
    "explained",  # share of the message's informative word weight the intent's phrases use
    "heaviest",  # weight its best phrase matched, over the message's weight
    "pairs",  # share of the message's informative word pairs the intent uses
    "national",
    "chatter",  # chatter's score minus the procedure's
    "length",  # log(1 + informative words)
    "named",  # how completely the message holds one of the intent's names or aliases
    "words",
)
SCOPE_MODEL_FILE = Path(__file__).resolve().parent / "scope_model.tsv"


@dataclass(frozen=True)
class ScopeModel:
    """A logistic model: how likely the best procedure candidate is what the message asks.

    Fitted by ``scripts/build_scope_model.py`` on questions generated from the catalog's own
    fields and the chatter data only (never on an evaluation set). ``threshold`` and
    ``min_words`` (informative words) say when it may turn a message away.
    """

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float = 0.5
    min_words: int = 16

    def in_scope(self, features: Sequence[float]) -> float:
        """The probability that the message is in scope."""
        z = self.bias + sum(
            w * (x - m) / s for w, x, m, s in zip(self.weights, features, self.mean, self.scale, strict=False)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def load(cls, path: Path = SCOPE_MODEL_FILE) -> ScopeModel | None:
        """The shipped model (``feature, weight, mean, scale`` lines and a ``bias`` line), if any."""
        if not path.exists():
            return None
        weights: list[float] = []
        mean: list[float] = []
        scale: list[float] = []
        bias = 0.0
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            name, *values = line.split("\t")
            if name == "bias":
                bias = float(values[0])
                continue
            if name != SCOPE_FEATURES[len(weights)]:
                raise ValueError(f"{path}: feature {name!r} where {SCOPE_FEATURES[len(weights)]!r} was expected")
            weights.append(float(values[0]))
            mean.append(float(values[1]))
            scale.append(float(values[2]))
        return cls(tuple(weights), bias, tuple(mean), tuple(scale), SCOPE_THRESHOLD, SCOPE_MIN_WORDS)


SHIPPED_SCOPE_MODEL = ScopeModel.load()  # every router uses it unless told otherwise


class Verdict(StrEnum):
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

    match: float = 0.6
    no_match: float = 0.48
    margin: float = 0.07
    vague: float = 0.30  # below no_match, a short message still gets asked when the top two are this high...
    vague_margin: float = 0.05  # ...and this close


@dataclass(frozen=True)
class Weights:
    """Scoring weights, tuned on the dev set (see docs/router.md)."""

    phrase: float = 0.35  # how completely the intent's best phrase appears in the message
    evidence: float = 0.25  # how much informative weight the intent matched, absolute
    coverage: float = 0.20  # how much of the message the intent explains
    significant: float = 11.0  # matched weight at which a phrase counts fully (≈ two rare words)
    saturation: float = 12.0  # evidence scale: 1 - exp(-matched / saturation)
    unknown_weight: float = 4.0  # weight of a word the index does not know
    listing_discount: float = 0.85
    fuzzy_cutoff: float = 0.8
    exact_cap: float = 0.7  # how far a message that is exactly one short phrase counts
    story_shift: float = 0.1  # share moved from phrase to evidence for long messages
    general_coverage: float = 0.4  # share of a message a general intent must explain to count fully
    wrong_tone: float = 0.3  # a word typed with other marks than the phrase's ("cười" vs "cưới")
    distinct_gap: float = 0.2  # a listing card this close behind may take the lead...
    distinct_weight: float = 3.0  # ...when it alone explains a word at least this informative
    distinct_reach: int = 4  # candidates searched for such a card
    # Long messages (stories, FAQ-style questions: at least ``long_message`` informative words)
    # are scored with LONG_WEIGHTS below; these four only matter there.
    long_message: int = 16
    coverage_floor: float = 0.0  # weight a word must pass to count in coverage (its excess counts)
    vocabulary_damping: float = 0.0  # evidence ×(VOCABULARY_REFERENCE / terms of the intent)^this
    chatter_margin: float | None = None  # chatter this close to the best procedure: out of scope


# Long messages: a citizen's story or a FAQ-style question of 16+ informative words (tuned on
# the dev set and benchmarks/faq-dev.jsonl, see docs/router.md). Such a message dilutes every
# score, so: more weight on accumulated evidence and on the share of its informative words an
# intent explains; no discount for national cards (a long question is usually about one
# specific procedure, which is as often a national card as a curated guide); evidence damped
# for intents with large vocabularies; chatter that explains it as well as any procedure means
# out of scope; a national card a little behind that alone explains an informative word leads.
LONG_WEIGHTS = replace(
    Weights(),
    story_shift=0.15,
    saturation=16.0,
    coverage=0.3,
    coverage_floor=2.0,
    vocabulary_damping=0.2,
    listing_discount=1.0,
    chatter_margin=0.0,
    distinct_gap=0.1,
    distinct_weight=2.0,
    distinct_reach=6,
)


def age_bounds(name: str) -> tuple[tuple[int, int], ...]:
    """The age ranges an official name is bounded by ("dưới 14 tuổi": 0-13), if any."""
    found = []
    for match in _AGE_BOUND.finditer(fold(name)):
        kind, age = match.group(1), int(match.group(2))
        found.append((0, age - 1) if kind == "duoi" else (age + 1, MAX_AGE) if kind == "tren" else (age, MAX_AGE))
    return tuple(found)


class Router:
    """Routes messages over one :class:`Index`. Immutable after construction (thread-safe)."""

    def __init__(
        self,
        index: Index,
        thresholds: Thresholds | None = None,
        weights: Weights | None = None,
        long_weights: Weights | None = None,
        scope_model: ScopeModel | None = SHIPPED_SCOPE_MODEL,
    ):
        self.index = index
        self.scope_model = scope_model
        self.thresholds = thresholds or Thresholds()
        self.weights = weights or Weights()
        self.long_weights = long_weights or (LONG_WEIGHTS if weights is None else weights)
        self.speller = Speller(index, self.weights.fuzzy_cutoff)
        # Per phrase: its priority over its weight (how promising a gathered weight makes it).
        self._promise_scale = [phrase.priority / phrase.weight if phrase.weight else 0.0 for phrase in index.phrases]
        # Age bounds in national names ("dưới 14 tuổi", "từ đủ 14 tuổi trở lên"), by intent.
        self._age_bounds = {
            doc.intent: bounds
            for doc in index.docs
            if doc.kind is IntentKind.LISTING and "tuổi" in doc.label and (bounds := age_bounds(doc.label))
        }
        # Per intent: the phrases that name it (official or curated names, aliases; scope features).
        self._names: dict[int, list[Phrase]] = defaultdict(list)
        for phrase in index.phrases:
            if phrase.priority >= 1.0:
                self._names[phrase.intent].append(phrase)
        # Per curated entry: every word of its phrases (see _prefer_distinctive).
        self._curated_words = {
            number: frozenset(word for term in terms for word in term.split("_"))
            for number, (doc, terms) in enumerate(zip(index.docs, index.intent_terms, strict=True))
            if doc.kind is IntentKind.CURATED
        }

    def query_terms(self, text: str, accents: dict[str, str] | None = None) -> dict[str, float]:
        """Normalised query terms with their weights (typo-corrected words weigh less).

        ``accents`` is :func:`accented_words` of the text, when the caller already has it.
        """
        fixed, confidence = self.speller.correct(text, accented_words(text) if accents is None else accents)
        weights: dict[str, float] = {}
        idf, unknown = self.index.idf, self.weights.unknown_weight
        for term in terms_of(fixed):
            weight = idf.get(term)
            if weight is None:
                weight = min(self.index.weight(term), unknown)
            if confidence:
                weight *= confidence.get(term, 1.0)
            if weight > weights.get(term, 0.0):
                weights[term] = weight
        return weights

    def _gather(self, query: dict[str, float], include_common: bool) -> dict[int, float]:
        """Approximate matched weight per phrase, term at a time, rarest terms first.

        Visiting stops once :data:`GATHER_BUDGET` postings have been read: on a large
        catalog the common terms would cost the most and tell the least. Skipped terms still
        count when the shortlist is scored exactly.
        """
        postings_of = self.index.postings
        gathered: dict[int, float] = defaultdict(float)
        found = [
            (len(postings_of[term]), term)
            for term in query
            if term in postings_of and (include_common or query[term] > STOPWORD_WEIGHT)
        ]
        found.sort()
        visited = 0
        for _, term in found:
            postings = postings_of[term]
            if visited and visited + len(postings) > GATHER_BUDGET and not include_common:
                break
            weight = query[term]
            for number in postings:
                gathered[number] += weight
            visited += len(postings)
        return gathered

    def score(self, text: str) -> list[Candidate]:
        """Rank the intents that best explain the message, best first.

        A message the scope model (see :meth:`scope_features`) judges out of scope is led by
        a chatter candidate, which :meth:`decide` reads as no match.
        """
        candidates, features = self._score(text)
        model = self.scope_model
        if (
            model is not None
            and features is not None
            and features[-1] >= model.min_words
            and candidates[0].intent != PERSON  # a request for a person stays one
            and model.in_scope(features) < model.threshold
        ):
            return [Candidate(CHATTER, IntentKind.GENERAL, candidates[0].score, CHATTER), *candidates]
        return candidates

    def scope_features(self, text: str) -> list[float] | None:
        """What the scope model reads (:data:`SCOPE_FEATURES`); None when no procedure is found."""
        return self._score(text, features_wanted=True)[1]

    def _score(self, text: str, features_wanted: bool = False) -> tuple[list[Candidate], list[float] | None]:
        """Rank the intents that best explain the message, best first.

        Two passes keep this fast on large catalogs: gather candidate phrases from the
        informative terms' postings, then score the most promising ones exactly (every
        query term, tone check, phrase priority) and their intents as a whole.
        """
        accents = accented_words(text)
        query = self.query_terms(text, accents)
        if not query:
            return [], None
        index, weights = self.index, self.weights
        gathered = self._gather(query, include_common=False) or self._gather(query, include_common=True)
        if not gathered:
            return [], None
        phrases = index.phrases
        # How promising a phrase is: its share matched, if the gathered weight is significant.
        # Phrases sharing only a sliver of the best phrase's weight cannot make the shortlist.
        floor = max(gathered.values()) * GATHER_FLOOR
        scale, significant = self._promise_scale, weights.significant
        shortlist = heapq.nlargest(
            SHORTLIST,
            [
                (found * scale[number] * (found / significant if found < significant else 1.0), -number)
                for number, found in gathered.items()
                if found >= floor
            ],
        )
        query_weight = sum(query.values())
        # A long story names no procedure outright: trust accumulated evidence over any one phrase.
        informative = sum(1 for term in query if "_" not in term and query[term] > STOPWORD_WEIGHT)
        if informative >= weights.long_message:
            weights = self.long_weights
        cover_floor = weights.coverage_floor
        covered_weight = sum(w - cover_floor for w in query.values() if w > cover_floor) or 1.0
        shift = min(weights.story_shift, weights.story_shift * max(0, informative - LONG_MESSAGE) / LONG_MESSAGE)
        phrase_weight, evidence_weight = weights.phrase - shift, weights.evidence + shift
        best: dict[int, float] = {}
        whole: dict[int, float] = {}  # the best phrase's share matched, whatever its weight
        heaviest: dict[int, float] = {}  # the most weight one phrase matched (scope features)
        for _, negative in shortlist:
            phrase = phrases[-negative]
            shared = phrase.terms.intersection(query)
            if accents and phrase.accents:
                matched = sum(query[term] * self._tone_factor(term, accents, phrase.accents) for term in shared)
            else:
                matched = sum(query[term] for term in shared)
            explained = matched / phrase.weight * phrase.priority
            # A phrase of few, common words counts fully only when it is the whole message
            # ("tiền già" typed alone), not when it is one fragment of a longer one.
            whole_message = (matched / query_weight) ** 2 * weights.exact_cap
            completeness = explained * max(min(1.0, matched / weights.significant), whole_message)
            if completeness > best.get(phrase.intent, -1.0):
                best[phrase.intent] = completeness
            if explained > whole.get(phrase.intent, -1.0):
                whole[phrase.intent] = explained
            if matched > heaviest.get(phrase.intent, 0.0):
                heaviest[phrase.intent] = matched
        candidates = []
        numbers: dict[str, int] = {}
        for doc_number, phrase_score in best.items():
            doc = index.docs[doc_number]
            terms, doc_accents = index.intent_terms[doc_number], index.intent_accents[doc_number]
            shared = terms.intersection(query)
            counted = {term: query[term] for term in shared}
            if accents and doc_accents:
                # Words this intent only spells with other tones ("cưới" when "cười" was typed).
                wrong = {w for w, key in accents.items() if w in doc_accents and key not in doc_accents[w]}
                if wrong:
                    for term in shared:
                        if not wrong.isdisjoint(term.split("_")):
                            counted[term] *= weights.wrong_tone
            matched = sum(counted.values())
            if cover_floor:
                coverage = sum(w - cover_floor for w in counted.values() if w > cover_floor) / covered_weight
            else:
                coverage = matched / query_weight
            if weights.vocabulary_damping and len(terms) > VOCABULARY_REFERENCE:
                # An entry described by hundreds of words (a curated guide with its example
                # situations) meets a long story's everyday words by chance; a national name
                # that meets them does not. Evidence is damped by the size of the vocabulary.
                matched *= (VOCABULARY_REFERENCE / len(terms)) ** weights.vocabulary_damping
            # Small talk is judged by how much of the message it explains: "xin chào" alone is
            # a greeting, "xin chào" before a long question is politeness.
            share = sum(counted.values()) / query_weight
            whole_message = min(whole[doc_number], 1.0) * min(1.0, share / weights.general_coverage)
            if doc.kind is IntentKind.GENERAL and doc.intent in SMALL_TALK:
                value = whole_message
            else:
                value = (
                    phrase_weight * min(phrase_score, 1.0)
                    + evidence_weight * (1.0 - math.exp(-matched / weights.saturation))
                    + weights.coverage * coverage
                )
                if doc.kind is IntentKind.LISTING:
                    value *= weights.listing_discount * doc.prior
                elif doc.kind is IntentKind.GENERAL and doc.intent != CHATTER:
                    # A request for help or a person is either the whole message ("hotline") or
                    # one part of a longer one ("… có ai đến nhà chỉ giúp không"): whichever
                    # reading scores higher.
                    value = max(value, whole_message)
            candidates.append(Candidate(doc.intent, doc.kind, value, doc.label))
            numbers[doc.intent] = doc_number
        candidates.sort(key=lambda candidate: candidate.score, reverse=True)
        if weights.chatter_margin is not None:
            candidates = self._chatter_first(candidates, weights.chatter_margin)
        candidates = self._prefer_distinctive(candidates, numbers, query, weights)
        if candidates and self._age_bounds and any(character.isdigit() for character in text):
            candidates = self._fit_age(text, candidates)
        features = None
        if features_wanted or (self.scope_model is not None and informative >= self.scope_model.min_words):
            features = self._features(candidates, numbers, query, heaviest, query_weight, informative)
        return candidates, features

    def _features(
        self,
        candidates: list[Candidate],
        numbers: dict[str, int],
        query: dict[str, float],
        heaviest: dict[int, float],
        query_weight: float,
        informative: int,
    ) -> list[float] | None:
        """The scope features of the best procedure candidate (see :data:`SCOPE_FEATURES`)."""
        procedures = [c for c in candidates if c.kind is not IntentKind.GENERAL]
        if not procedures:
            return None
        top = procedures[0]
        number = numbers[top.intent]
        second = procedures[1].score if len(procedures) > 1 else 0.0
        chatter = next((c.score for c in candidates if c.intent == CHATTER), 0.0)
        rich = {term: weight for term, weight in query.items() if weight > INFORMATIVE_WEIGHT and "_" not in term}
        terms = self.index.intent_terms[number]
        explained = sum(weight for term, weight in rich.items() if term in terms)
        pairs = [term for term in query if "_" in term and query[term] > INFORMATIVE_WEIGHT]
        return [
            top.score,
            top.score - second,
            explained / (sum(rich.values()) or 1.0),
            heaviest.get(number, 0.0) / query_weight,
            sum(1 for term in pairs if term in terms) / (len(pairs) or 1),
            1.0 if top.kind is IntentKind.LISTING else 0.0,
            chatter - top.score,
            math.log1p(informative),
            max(
                (
                    min(1.0, sum(query.get(term, 0.0) for term in phrase.core or phrase.terms) / phrase.weight)
                    for phrase in self._names.get(number, ())
                    if phrase.weight
                ),
                default=0.0,
            ),
            float(informative),
        ]

    def _fit_age(self, text: str, candidates: list[Candidate]) -> list[Candidate]:
        """Replace a leading national card whose age bound the message's age falls outside.

        "làm căn cước lần đầu cho con 10 tuổi" reads like the card of "người từ đủ 14 tuổi trở
        lên", but a child of 10 gets the card of "người dưới 14 tuổi": when a candidate close
        behind is bounded by an age the message states, it takes the lead.
        """
        top = candidates[0]
        bounds = self._age_bounds.get(top.intent)
        if bounds is None:
            return candidates
        ages = [int(found) for found in _AGE_STATED.findall(fold(text)) if int(found) <= MAX_AGE]
        if not ages or any(low <= age <= high for low, high in bounds for age in ages):
            return candidates
        for position, candidate in enumerate(candidates[1:AGE_REACH], 1):
            fits = self._age_bounds.get(candidate.intent, ())
            if any(low <= age <= high for low, high in fits for age in ages):
                promoted = Candidate(candidate.intent, candidate.kind, top.score, candidate.label)
                return [promoted, *candidates[:position], *candidates[position + 1 :]]
        return candidates

    @staticmethod
    def _chatter_first(candidates: list[Candidate], margin: float) -> list[Candidate]:
        """Put chatter first when it explains a long message about as well as any procedure.

        A long question about a phone, a bank card or a wedding banquet shares a few words with
        some procedure ("giấy tờ", "đăng ký", "cả nhà"); when off-topic chatter explains it as
        well, nothing in the catalog is what the asker wants.
        """
        chatter = next((c for c in candidates if c.intent == CHATTER), None)
        procedure = next((c for c in candidates if c.kind is not IntentKind.GENERAL), None)
        if chatter is None or procedure is None or chatter.score < procedure.score - margin:
            return candidates
        return [chatter, *(c for c in candidates if c is not chatter)]

    def _prefer_distinctive(
        self, candidates: list[Candidate], numbers: dict[str, int], query: dict[str, float], weights: Weights
    ) -> list[Candidate]:
        """Put a listing card first when it alone explains a rare word of the message.

        "khai báo tạm vắng" resembles the curated "tạm trú", but "vắng" belongs only to the
        national procedure: the user asked for that one, not for its curated neighbour.
        """
        if len(candidates) < 2 or candidates[0].kind is not IntentKind.CURATED:
            return candidates
        top = candidates[0]
        top_words = self._curated_words[numbers[top.intent]]
        for position, candidate in enumerate(candidates[1 : weights.distinct_reach], 1):
            if candidate.kind is not IntentKind.LISTING or top.score - candidate.score > weights.distinct_gap:
                continue
            own = self.index.intent_terms[numbers[candidate.intent]]
            if any(
                "_" not in term and term not in top_words and query[term] >= weights.distinct_weight
                for term in own.intersection(query)
            ):
                promoted = Candidate(candidate.intent, candidate.kind, top.score, candidate.label)
                return [promoted, *candidates[:position], *candidates[position + 1 :]]
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
        if candidates and candidates[0].intent == CHATTER:
            # Chatter explains the message better than any procedure: out of scope.
            rest = tuple(c for c in candidates if c.intent != CHATTER)[:3]
            return Decision(text, Verdict.NO_MATCH, rest[0].score if rest else 0.0, rest)
        candidates = [c for c in candidates if c.intent != CHATTER]
        no_match = self.thresholds.no_match
        if candidates and candidates[0].kind is IntentKind.GENERAL and candidates[0].intent in YIELDING:
            # "xin chào, tôi muốn đăng ký tạm trú": the greeting is politeness, the question is
            # what the user came for -- answer it when a procedure explains it well enough.
            # "help" yields only to a confident procedure ("xin trợ giúp pháp lý" is legal aid).
            questions = [c for c in candidates if c.kind is not IntentKind.GENERAL]
            needed = no_match if candidates[0].intent in SMALL_TALK else self.thresholds.match
            if questions and questions[0].score >= needed:
                candidates = questions
        top3 = tuple(candidates[:3])
        # Only a short message can be vague ("bảo hiểm"); a long one far from every entry is
        # out of scope, however close its two weak candidates are.
        vague = (
            len(top3) >= 2
            and no_match > top3[0].score >= self.thresholds.vague
            and top3[0].score - top3[1].score < self.thresholds.vague_margin
            and all(c.kind is not IntentKind.GENERAL for c in top3[:2])
            and sum(1 for word in tokens(text) if word not in self.index.stopwords) <= VAGUE_WORDS
        )
        if top3 and top3[0].score < no_match and vague:
            # A short, vague message ("bảo hiểm") that sits between several entries: ask.
            return Decision(text, Verdict.AMBIGUOUS, top3[0].score, top3)
        if not top3 or top3[0].score < no_match:
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

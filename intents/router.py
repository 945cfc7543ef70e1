"""The intent router: from a citizen's message to a decision the engine can act on.

``route(text) -> Decision``. The router only returns data -- ranked candidates and a
calibrated confidence (:mod:`intents.decision`) -- and the engine decides what to say.
Scoring: each phrase is scored by the IDF weight the query and phrase share, relative to
both sizes (a weighted cosine over word and word-pair terms); an intent takes its best
phrase, plus a share of the query it covers across all its phrases (so a long story that
mentions several of an entry's keywords wins). Unknown words are mapped to the nearest known
word with rapidfuzz (typos). Listing cards are discounted so that a curated entry beats a
long-tail listing name that merely looks alike. The parts: tuned numbers :mod:`intents.tuning`,
the second look :mod:`intents.reranking`, the scope model :mod:`intents.scope`, the topic model
(are the words about public administration at all) :mod:`intents.topic`, the decision rule
:mod:`intents.decision`. The names callers import from here are re-exported below.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from intents import decision as rules
from intents.decision import CHATTER, OUT_OF_SCOPE, PERSON, SMALL_TALK, Candidate, Decision, Verdict, decide, settled
from intents.firsts import offer_first_issue
from intents.foreigners import offer_foreign_sibling
from intents.glossary import SHIPPED_GLOSSARY, Glossary, is_english
from intents.index import STOPWORD_WEIGHT, Index, IntentKind, Phrase, collection_paused, terms_of
from intents.normalize import accented_words, mistoned, tokens
from intents.referred import SHIPPED_REFERRALS, referred
from intents.reranking import Reranker
from intents.rereading import name_lookup, reread
from intents.scope import SCOPE_FEATURES, SCOPE_MODEL_FILE, SHIPPED_SCOPE_MODEL, ScopeModel, scope_features
from intents.spelling import Speller
from intents.topic import SHIPPED_TOPIC_MODEL, TopicModel
from intents.tuning import (
    GATHER_BUDGET,
    GATHER_FLOOR,
    LONG_MESSAGE,
    LONG_WEIGHTS,
    SHORTLIST,
    VOCABULARY_REFERENCE,
    Thresholds,
    Weights,
)
from procedures.referrals import Referrals

# Ranked candidates, scope features, informative words, topic probability, query terms (see Router._score).
Scored = tuple[list[Candidate], list[float] | None, int, float | None, dict[str, float]]


class Router:
    """Routes messages over one :class:`Index`. Immutable after construction (thread-safe)."""

    @collection_paused()  # its tables are as long-lived as the index's
    def __init__(
        self,
        index: Index,
        thresholds: Thresholds | None = None,
        weights: Weights | None = None,
        long_weights: Weights | None = None,
        scope_model: ScopeModel | None = SHIPPED_SCOPE_MODEL,
        glossary: Glossary | None = SHIPPED_GLOSSARY,
        topic_model: TopicModel | None = SHIPPED_TOPIC_MODEL,
        referrals: Referrals | None = SHIPPED_REFERRALS,
    ):
        self.index = index
        self.glossary = glossary  # English -> Vietnamese administrative words (intents.glossary)
        self.scope_model = scope_model
        self.topic_model = topic_model
        self.referrals = referrals  # matters other bodies handle: out of scope (intents.referred)
        self.thresholds = thresholds or Thresholds()
        self.weights = weights or Weights()
        self.long_weights = long_weights or (LONG_WEIGHTS if weights is None else weights)
        self.speller = Speller(index, self.weights.fuzzy_cutoff)
        # Per phrase: its priority over its weight (how promising a gathered weight makes it).
        self._promise_scale = [phrase.priority / phrase.weight if phrase.weight else 0.0 for phrase in index.phrases]
        # Per intent: the phrases that name it (official or curated names, aliases; scope features).
        # A national card's first one is its official name (see reranking.prefer_named_sibling).
        self._names: dict[int, list[Phrase]] = defaultdict(list)
        for phrase in index.phrases:
            if phrase.priority >= 1.0:
                self._names[phrase.intent].append(phrase)
        self._numbers = {doc.intent: n for n, doc in enumerate(index.docs)}
        self._name_phrases = name_lookup(self._numbers, self._names)
        self._reranker = Reranker.build(index, self._names)

    def query_terms(self, text: str, accents: dict[str, str] | None = None) -> dict[str, float]:
        """Normalised query terms with their weights (typo-corrected words weigh less).

        ``accents`` is :func:`accented_words` of the text, when the caller already has it.
        """
        words = tokens(text)
        fixed, confidence = self.speller.correct(text, accented_words(text) if accents is None else accents, words)
        idf, unknown = self.index.idf, self.weights.unknown_weight
        # An English question also holds the Vietnamese words official names use for it.
        weights = self.glossary.weights(text, idf) if self.glossary is not None else {}
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

        A message the scope model (see :meth:`scope_features`) or the topic model judges out of
        scope is led by a chatter candidate, which :meth:`decide` reads as no match.
        """
        return self._scoped(*self._score(text)[:4])

    def _scoped(
        self, candidates: list[Candidate], features: list[float] | None, informative: int, topic: float | None
    ) -> list[Candidate]:
        """The candidates, led by chatter when the scope or topic model turns the message away."""
        off_topic = self.topic_model is not None and self.topic_model.off_topic(topic, informative)
        if not candidates or candidates[0].intent in (PERSON, CHATTER):
            return candidates  # a request for a person stays one; chatter already leads
        model = self.scope_model
        doubted = (
            model is not None
            and features is not None
            and features[-1] >= model.min_words
            and model.in_scope(features) < model.threshold
        )
        if doubted or off_topic:
            return [Candidate(CHATTER, IntentKind.GENERAL, candidates[0].score, CHATTER), *candidates]
        return candidates

    def scope_features(self, text: str) -> list[float] | None:
        """What the scope model reads (:data:`SCOPE_FEATURES`); None when no procedure is found."""
        return self._score(text, features_wanted=True)[1]

    def _score(self, text: str, features_wanted: bool = False) -> Scored:
        """Rank the intents, best first, with the scope features, informative words, topic and query.

        The topic: the model's chance that the message is about public administration
        (None when it is too short to be judged or there is no model).

        Two passes keep this fast on large catalogs: gather candidate phrases from the
        informative terms' postings, then score the most promising ones exactly (every
        query term, tone check, phrase priority) and their intents as a whole.
        """
        accents = accented_words(text)
        query = self.query_terms(text, accents)
        if not query:
            return [], None, 0, None, query
        shortlist = self._shortlist(query)
        if shortlist is None:
            return [], None, informative_words(query), None, query
        query_weight = sum(query.values())
        # A long story names no procedure outright: trust accumulated evidence over any one phrase.
        informative = informative_words(query)
        weights = self.long_weights if informative >= self.weights.long_message else self.weights
        best, whole, heaviest, named = self._phrase_scores(shortlist, query, accents, weights, query_weight)
        candidates, numbers = self._rank(best, whole, named, query, accents, weights, informative, query_weight)
        candidates = self._reranker.rerank(text, candidates, numbers, query, weights)
        features = None
        if features_wanted or (self.scope_model is not None and informative >= self.scope_model.min_words):
            features = scope_features(
                self.index, self._names, candidates, numbers, query, heaviest, query_weight, informative
            )
        topic = self.topic_model.reading(is_english(text)).judged(query, informative) if self.topic_model else None
        return candidates, features, informative, topic, query

    def _shortlist(self, query: dict[str, float]) -> list[tuple[float, int]] | None:
        """The most promising phrases, as ``(promise, -phrase number)``; None when none shares a term.

        How promising a phrase is: its share matched, if the gathered weight is significant.
        Phrases sharing only a sliver of the best phrase's weight cannot make the shortlist.
        """
        gathered = self._gather(query, include_common=False) or self._gather(query, include_common=True)
        if not gathered:
            return None
        floor = max(gathered.values()) * GATHER_FLOOR
        scale, significant = self._promise_scale, self.weights.significant
        return heapq.nlargest(
            SHORTLIST,
            [
                (found * scale[number] * (found / significant if found < significant else 1.0), -number)
                for number, found in gathered.items()
                if found >= floor
            ],
        )

    def _phrase_scores(
        self,
        shortlist: list[tuple[float, int]],
        query: dict[str, float],
        accents: dict[str, str],
        weights: Weights,
        query_weight: float,
    ) -> tuple[dict[int, float], dict[int, float], dict[int, float], dict[int, float]]:
        """Per intent, from its shortlisted phrases: the best completeness, share and weight matched.

        The four maps: how completely its best phrase appears (weighted by how much it
        matched); the best phrase's share matched, whatever its weight; the most weight one
        phrase matched (a scope feature); and how completely its best naming phrase (an
        official or curated name, an alias) appears.
        """
        phrases = self.index.phrases
        best: dict[int, float] = {}
        whole: dict[int, float] = {}
        heaviest: dict[int, float] = {}
        named: dict[int, float] = {}
        for _, negative in shortlist:
            phrase = phrases[-negative]
            shared = [term for term in phrase.terms if term in query]
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
            if phrase.priority >= 1.0 and completeness > named.get(phrase.intent, 0.0):
                named[phrase.intent] = completeness
        return best, whole, heaviest, named

    def _rank(
        self,
        best: dict[int, float],
        whole: dict[int, float],
        named: dict[int, float],
        query: dict[str, float],
        accents: dict[str, str],
        weights: Weights,
        informative: int,
        query_weight: float,
    ) -> tuple[list[Candidate], dict[str, int]]:
        """Score every intent that has a shortlisted phrase, best first; and each one's intent number.

        An intent's score blends its best phrase (``best``) and name (``named``), the evidence
        it matched over all its phrases, and how much of the message it explains; small talk is
        judged by how much of the message it explains alone (``whole``: its best phrase's share).
        """
        index = self.index
        cover_floor = weights.coverage_floor
        covered_weight = sum(w - cover_floor for w in query.values() if w > cover_floor) or 1.0
        shift = min(weights.story_shift, weights.story_shift * max(0, informative - LONG_MESSAGE) / LONG_MESSAGE)
        phrase_weight, evidence_weight = weights.phrase - shift - weights.named, weights.evidence + shift
        candidates, numbers = [], {}
        for doc_number, phrase_score in best.items():
            doc = index.docs[doc_number]
            counted = self._counted(doc_number, query, accents, weights)
            matched = sum(counted.values())
            if cover_floor:
                coverage = sum(w - cover_floor for w in counted.values() if w > cover_floor) / covered_weight
            else:
                coverage = matched / query_weight
            vocabulary = len(index.intent_terms[doc_number])
            if weights.vocabulary_damping and vocabulary > VOCABULARY_REFERENCE:
                # An entry of hundreds of words (a curated guide with its example situations)
                # meets a long story's everyday words by chance: damp its evidence by its size.
                matched *= (VOCABULARY_REFERENCE / vocabulary) ** weights.vocabulary_damping
            # Small talk is judged by how much of the message it explains: "xin chào" alone is
            # a greeting, "xin chào" before a long question is politeness.
            share = sum(counted.values()) / query_weight
            whole_message = min(whole[doc_number], 1.0) * min(1.0, share / weights.general_coverage)
            if doc.kind is IntentKind.GENERAL and doc.intent in SMALL_TALK:
                value = whole_message
            else:
                value = (
                    phrase_weight * min(phrase_score, 1.0)
                    + weights.named * min(named.get(doc_number, 0.0), 1.0)
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
        return rules.one_per_intent(candidates), numbers

    def _counted(
        self, doc_number: int, query: dict[str, float], accents: dict[str, str], weights: Weights
    ) -> dict[str, float]:
        """The query terms intent ``doc_number`` uses, with their weights (wrong tones discounted)."""
        terms, doc_accents = self.index.intent_terms[doc_number], self.index.intent_accents[doc_number]
        shared = terms.intersection(query)
        counted = {term: query[term] for term in shared}
        if accents and doc_accents:
            # Words this intent only spells with other tones ("cưới" when "cười" was typed).
            wrong = {w for w, key in accents.items() if mistoned(w, key, doc_accents)}
            if wrong:
                for term in shared:
                    if term in wrong or not wrong.isdisjoint(term.split("_")):
                        counted[term] *= weights.wrong_tone
        return counted

    def _tone_factor(self, term: str, query: dict[str, str], phrase: dict[str, str]) -> float:
        """Discount a shared term whose words were typed with different tones than the phrase's."""
        if not query or not phrase:
            return 1.0
        words = term.split("_")
        pair = query.get(term) if len(words) > 1 else None  # a pair holding a word typed two ways
        for word, typed in zip(words, pair.split(" ") if pair else map(query.get, words), strict=False):
            expected = phrase.get(word)
            if typed is not None and expected is not None and typed != expected:
                return self.weights.wrong_tone
        return 1.0

    def decide(self, text: str, candidates: Sequence[Candidate]) -> Decision:
        """Turn ranked candidates into match / ambiguous / no_match (see :func:`intents.decision.decide`)."""
        thresholds = self.thresholds
        if self.glossary is not None and thresholds.english_lead and is_english(text):
            # English words meet only the curated English names and the glossary's translations,
            # so a right English match scores lower than its Vietnamese twin: its line is lower.
            thresholds = replace(thresholds, no_match=thresholds.no_match - thresholds.english_lead)
        return decide(text, candidates, thresholds, self.index.stopwords)

    def route(self, text: str) -> Decision:
        """Route one message; a short question led astray by its asking words is read again.

        See :mod:`intents.rereading`: "khai tử trễ hạn có bị phạt không" (no name holds the asking
        words; they sink the topic) and "hộ chiếu có giá trị bao lâu" are routed by their topic alone.
        """
        candidates, features, informative, topic, query = self._score(text)
        candidates = self._scoped(candidates, features, informative, topic)
        if candidates and candidates[0].intent == CHATTER:  # unless a procedure is named in full
            candidates = rules.named_over_chatter(candidates, self.names, query.keys(), self.index.idf)
        decision = self.decide(text, candidates)
        if decision.verdict is not Verdict.MATCH:
            decision = reread(text, decision, candidates, self, informative < self.weights.long_message)
        decision = settled(decision, candidates, self.thresholds, self.topic_model, topic, informative)
        decision = offer_first_issue(self, text, offer_foreign_sibling(self, text, decision))
        # a procedure named in full is what is asked, whatever matter the message tells
        return referred(self.referrals, text, decision, self.name_texts(decision.top.intent) if decision.top else ())

    def route_once(self, text: str) -> Decision:
        """Score and decide one text, without rereading it."""
        return self.decide(text, self.score(text))

    def words(self, text: str) -> frozenset[str]:
        """A text's normalised single words (no word pairs)."""
        return frozenset(term for term in self.query_terms(text) if "_" not in term)

    def name_texts(self, intent: str) -> tuple[str, ...]:
        """A procedure's names and aliases as written (none for a general intent: "đường dây nóng")."""
        return self.index.name_texts(self._numbers[intent]) if intent in self._numbers else ()

    def names(self, intent: str) -> Sequence[Phrase]:
        """An intent's name phrases: official or curated names and aliases."""
        return self._name_phrases(intent)


def informative_words(query: dict[str, float]) -> int:
    """How many single words of a query weigh more than filler (what makes a message long)."""
    return sum(1 for term in query if "_" not in term and query[term] > STOPWORD_WEIGHT)


# What callers import from here (the CLI, the engine, the configuration, scripts and tests).
__all__ = ["CHATTER", "LONG_WEIGHTS", "OUT_OF_SCOPE", "SCOPE_FEATURES", "SCOPE_MODEL_FILE", "SHIPPED_SCOPE_MODEL"]
__all__ += ["Candidate", "Decision", "Router", "ScopeModel", "Thresholds", "Verdict", "Weights", "informative_words"]

"""Decisions: what the router concludes about a message, and the rule that turns scores into it.

The router only returns data -- ranked candidates and a calibrated confidence -- and the engine
decides what to say:

* ``match``      -- confident: open the procedure (or answer the general intent);
* ``ambiguous``  -- two or three close candidates: ask "Ý bạn là: 1) … 2) …";
* ``no_match``   -- out of scope: say what the bot can do, record the question.

:func:`decide` applies :class:`~intents.tuning.Thresholds` to the ranked candidates; the general
intents named here (small talk, chatter, a request for a person) are read in their own way.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum

from intents.glossary import is_english
from intents.index import STOPWORD_WEIGHT, IntentKind, Phrase
from intents.normalize import tokens
from intents.topic import DOUBT, MATCH_DOUBT, TopicModel
from intents.tuning import Thresholds

OUT_OF_SCOPE = "out_of_scope"
SMALL_TALK = frozenset({"greeting", "thanks", "goodbye"})  # politeness that may come before a question
CHATTER = "chatter"  # off-topic chatter (intents/chatter.yaml): never an answer, only a reason to say no
YIELDING = SMALL_TALK | {"help"}
PERSON = "human"  # a request for a person (intents/general.yaml)
VAGUE_WORDS = 2  # informative words; a message this short may be too vague to place
# A procedure's name of this many informative words, said in full, outweighs chatter. Chosen on
# dev, faq-dev, english-dev, fresh-dev and the threshold check: 2 and 3 give the same figures
# (fresh-dev false rejection 5.5 -> 5.0 %, nothing else moves); 3 asks more of a name.
NAMED_WORDS = 3


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


def promote(candidates: list[Candidate], position: int, lead: int = 0) -> list[Candidate]:
    """Move the candidate at ``position`` to ``lead`` with the score of the one it displaces (a second look)."""
    candidate, displaced = candidates[position], candidates[lead]
    promoted = Candidate(candidate.intent, candidate.kind, displaced.score, candidate.label)
    return [*candidates[:lead], promoted, *candidates[lead:position], *candidates[position + 1 :]]


def one_per_intent(candidates: list[Candidate]) -> list[Candidate]:
    """The ranked candidates, each intent once: chatter is indexed in groups, its best one stands for it."""
    kept: dict[str, Candidate] = {}
    for candidate in candidates:
        kept.setdefault(candidate.intent, candidate)
    return list(kept.values())


def named_over_chatter(
    candidates: list[Candidate],
    names: Callable[[str], Sequence[Phrase]],
    query: AbstractSet[str],
    idf: Mapping[str, float],
) -> list[Candidate]:
    """Candidates led by chatter, unless one of the next three procedures is named in full.

    Chatter (or a model's doubt) leads a message that shares everyday words with off-topic
    talk; but "đi du lịch Nhật … đổi gplx sang bằng lái quốc tế" names a procedure outright.
    When every term of one of a procedure's names (``names``; of :data:`NAMED_WORDS` or more
    informative words, ``idf`` above filler) is in ``query``, that procedure takes chatter's
    place and score (:func:`promote`); the usual decision then says match, ask or no match.
    """
    for position, candidate in enumerate(candidates[1:4], 1):
        if candidate.kind is IntentKind.GENERAL:
            continue
        for phrase in names(candidate.intent):
            informative = sum(1 for term in phrase.terms if "_" not in term and idf.get(term, 0.0) > STOPWORD_WEIGHT)
            if informative >= NAMED_WORDS and all(term in query for term in phrase.terms):
                return promote(candidates, position)  # with chatter's score: decided as chatter's rival
    return candidates


def decide(text: str, candidates: Sequence[Candidate], thresholds: Thresholds, stopwords: Collection[str]) -> Decision:
    """Turn ranked candidates into match / ambiguous / no_match.

    ``stopwords`` are the index's filler words: what is left of the message tells whether it
    is short enough to be vague.
    """
    if candidates and candidates[0].intent == CHATTER:
        # Chatter explains the message better than any procedure: out of scope.
        rest = tuple(c for c in candidates if c.intent != CHATTER)[:3]
        return Decision(text, Verdict.NO_MATCH, rest[0].score if rest else 0.0, rest)
    candidates = [c for c in candidates if c.intent != CHATTER]
    no_match = thresholds.no_match
    if candidates and candidates[0].kind is IntentKind.GENERAL and candidates[0].intent in YIELDING:
        # "xin chào, tôi muốn đăng ký tạm trú": the greeting is politeness, the question is
        # what the user came for -- answer it when a procedure explains it well enough. So is
        # "giúp tôi" before one ("sđt của tôi là … giúp tôi làm cccd"): a procedure above the
        # no-match line is answered when confident and asked about otherwise, not the help text.
        questions = [c for c in candidates if c.kind is not IntentKind.GENERAL]
        if questions and questions[0].score >= no_match:
            candidates = questions
    top3 = tuple(candidates[:3])
    # Only a short message can be vague ("bảo hiểm"); a long one far from every entry is
    # out of scope, however close its two weak candidates are.
    vague = (
        len(top3) >= 2
        and no_match > top3[0].score >= thresholds.vague
        and top3[0].score - top3[1].score < thresholds.vague_margin
        and all(c.kind is not IntentKind.GENERAL for c in top3[:2])
        and sum(1 for word in tokens(text) if word not in stopwords) <= VAGUE_WORDS
    )
    if top3 and top3[0].score < no_match and vague:
        # A short, vague message ("bảo hiểm") that sits between several entries: ask.
        return Decision(text, Verdict.AMBIGUOUS, top3[0].score, top3)
    if not top3 or top3[0].score < no_match:
        confidence = top3[0].score if top3 else 0.0
        return Decision(text, Verdict.NO_MATCH, confidence, top3)
    top = top3[0]
    close = [c for c in top3[1:] if top.score - c.score < thresholds.margin]
    if top.score >= thresholds.match and not close:
        return Decision(text, Verdict.MATCH, top.score, top3)
    return Decision(text, Verdict.AMBIGUOUS, top.score, top3)


def rescued(
    decision: Decision,
    candidates: Sequence[Candidate],
    thresholds: Thresholds,
    topic_model: TopicModel | None,
    topic: float | None,
) -> Decision:
    """A national record just under the no-match line, asked about when the message is surely on topic.

    National records are discounted against curated guides, so a plain question about one of
    them ("cty mới muốn đổi kỳ khai thuế từ tháng sang quý") often leads at 0.42-0.48 and was
    turned away. When the topic model is sure the message is about public administration
    (``topic`` is its probability, None when not judged) and nothing turned it away as
    off-topic (chatter does not lead ``candidates``), a national record within
    ``thresholds.listing_rescue`` of the line is asked about ("Ý bạn là"). A message too short to
    be judged ("xin chặt cây trước nhà") is asked about the same way when chatter does not lead
    it: on the tuning sets no short off-topic message had a national record that close.
    """
    top = decision.top
    if (
        decision.verdict is not Verdict.NO_MATCH
        or topic_model is None
        or topic is not None and not topic_model.on_topic(topic)
        or top is None
        or not candidates
        or candidates[0].intent == CHATTER
        or top.kind is not IntentKind.LISTING
        or top.score < thresholds.no_match - thresholds.listing_rescue
    ):
        return decision
    return Decision(decision.text, Verdict.AMBIGUOUS, top.score, decision.candidates)


def doubted(
    decision: Decision, topic_model: TopicModel | None, topic: float | None, informative: int, english: bool
) -> Decision:
    """A medium Vietnamese message doubted by both the router and the topic model: not guessed at.

    ``topic`` is the topic model's probability (None when the message was not judged),
    ``informative`` its informative words. When the router would ask "Ý bạn là" and the words
    are unlikely (below :data:`~intents.topic.DOUBT`) to be about public administration at all
    ("cho thuê xe máy đi Hà Giang ở đâu"), the message is out of scope; a confident match whose
    words are very unlikely (below :data:`~intents.topic.MATCH_DOUBT`) is asked about instead of
    answered. General intents (a greeting, a request for a person) are never doubted so, nor is
    English unless an English model read it (the Vietnamese one saw little English: it turned an
    English question away). Nor is a national record's "did you mean":
    a helper's look-up by official name ("khôi phục giá trị sử dụng hộ chiếu") is made of
    bureaucratic words the model reads as unlikely (0.23), and it must still be offered.
    """
    top = decision.top
    if topic_model is None or english and topic_model.english is None or top is None or top.kind is IntentKind.GENERAL:
        return decision
    if (
        decision.verdict is Verdict.AMBIGUOUS
        and top.kind is not IntentKind.LISTING
        and topic_model.doubts(topic, informative, DOUBT)
    ):
        return Decision(decision.text, Verdict.NO_MATCH, top.score, decision.candidates)
    if decision.verdict is Verdict.MATCH and topic_model.doubts(topic, informative, MATCH_DOUBT):
        return Decision(decision.text, Verdict.AMBIGUOUS, top.score, decision.candidates)
    return decision


def settled(
    decision: Decision,
    candidates: Sequence[Candidate],
    thresholds: Thresholds,
    topic_model: TopicModel | None,
    topic: float | None,
    informative: int,
) -> Decision:
    """The topic model's word on a decision: :func:`rescued`, then :func:`doubted`."""
    rescued_decision = rescued(decision, candidates, thresholds, topic_model, topic)
    return doubted(rescued_decision, topic_model, topic, informative, is_english(decision.text))


__all__ = [
    "CHATTER",
    "OUT_OF_SCOPE",
    "PERSON",
    "SMALL_TALK",
    "VAGUE_WORDS",
    "YIELDING",
    "Candidate",
    "Decision",
    "Verdict",
    "decide",
    "doubted",
    "named_over_chatter",
    "one_per_intent",
    "promote",
    "rescued",
    "settled",
]

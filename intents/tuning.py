"""Tuning: the router's calibrated numbers -- scoring weights and decision thresholds.

Every number here was chosen on the dev set (and, for long messages, ``benchmarks/faq-dev.jsonl``);
docs/router.md tells how. :class:`Weights` shape the score of each intent
(:mod:`intents.router`), :class:`Thresholds` turn the ranked scores into a decision
(:mod:`intents.decision`); both can be overridden in the configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

SHORTLIST = 30  # phrases scored exactly after the gathering pass
GATHER_BUDGET = 1000  # postings read per message while gathering candidates
GATHER_FLOOR = 0.25
LONG_MESSAGE = 8  # informative words; longer messages are stories
VOCABULARY_REFERENCE = 40  # terms; see Weights.vocabulary_damping
# An English message's Vietnamese equivalents (intents.glossary) weigh this share of their IDF weight:
# a translation is less sure than a typed word, and at full weight it outvotes the curated
# English aliases (0.3-0.8 leave dev unchanged, 0.9-1.0 lower it; docs/router.md).
GLOSSARY_WEIGHT = 0.7


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds (defaults calibrated on the dev set; overridable in config)."""

    match: float = 0.6
    no_match: float = 0.48
    margin: float = 0.07
    vague: float = 0.30  # below no_match, a short message still gets asked when the top two are this high...
    vague_margin: float = 0.05  # ...and this close
    # How much lower the no-match line is for a message read as English (chosen on
    # benchmarks/english-dev.jsonl: 0.03-0.06 turn away fewer right answers, 0.09 takes off-topic ones)
    english_lead: float = 0.06
    # How far below the no-match line a national record may lead and still be asked about, when
    # the topic model is sure the message is on topic (intents.decision.rescued); measured from the
    # Vietnamese line even for an English message (whose own line is english_lead lower). Chosen on dev and
    # the topic model's threshold check: 0.04-0.10 leave dev and faq-dev unchanged; 0.12 takes an
    # off-topic English question.
    listing_rescue: float = 0.08


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
    # Share of the phrase weight given to how completely the message holds one of the intent's
    # names (official or curated name, alias) rather than any of its phrases (an example
    # situation, a keyword): in a long question the name it holds tells what it asks about.
    named: float = 0.0
    general_coverage: float = 0.4  # share of a message a general intent must explain to count fully
    wrong_tone: float = 0.3  # a word typed with other marks than the phrase's ("cười" vs "cưới")
    distinct_gap: float = 0.2  # a listing card this close behind may take the lead...
    distinct_weight: float = 3.0  # ...when it alone explains a word at least this informative
    distinct_reach: int = 4  # candidates searched for such a card
    superset_weight: float = 1.5  # ...or when it explains all the leader does and this much more
    # Long messages (stories, FAQ-style questions: at least ``long_message`` informative words)
    # are scored with LONG_WEIGHTS below; these four only matter there.
    long_message: int = 16
    coverage_floor: float = 0.0  # weight a word must pass to count in coverage (its excess counts)
    vocabulary_damping: float = 0.0  # evidence ×(VOCABULARY_REFERENCE / terms of the intent)^this
    chatter_margin: float | None = None  # chatter this close to the best procedure: out of scope
    # Share of IDF weight two national names must share to be siblings (reranking.prefer_named_sibling);
    # None: national siblings are not compared.
    sibling_overlap: float | None = None


# Long messages: a citizen's story or a FAQ-style question of 16+ informative words (tuned on
# the dev set and benchmarks/faq-dev.jsonl, see docs/router.md). Such a message dilutes every
# score, so: more weight on accumulated evidence and on the share of its informative words an
# intent explains; no discount for national cards (a long question is usually about one
# specific procedure, which is as often a national card as a curated guide); evidence damped
# for intents with large vocabularies; chatter that explains it as well as any procedure means
# out of scope; a name the message holds counts a little more than an example it resembles;
# a national card a little behind that alone explains an informative word leads,
# and so does one whose name differs from a leading sibling's by words the message says.
LONG_WEIGHTS = replace(
    Weights(),
    story_shift=0.15,
    named=0.02,
    saturation=16.0,
    coverage=0.3,
    coverage_floor=2.0,
    vocabulary_damping=0.2,
    listing_discount=1.0,
    chatter_margin=0.0,
    distinct_gap=0.1,
    distinct_weight=2.0,
    distinct_reach=6,
    sibling_overlap=0.3,
)

__all__ = [
    "GATHER_BUDGET",
    "GATHER_FLOOR",
    "LONG_MESSAGE",
    "LONG_WEIGHTS",
    "SHORTLIST",
    "VOCABULARY_REFERENCE",
    "Thresholds",
    "Weights",
]

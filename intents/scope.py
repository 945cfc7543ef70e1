"""Scope: how likely it is that a long message asks for the procedure the router found.

A long message (a story, a FAQ-style question) always shares some words with some procedure. The
scope model -- a logistic regression over a few features of the best procedure candidate
(:data:`SCOPE_FEATURES`) -- gives the chance that the candidate is what the message asks; the
router turns a long message away (leads with chatter) when that chance is too small.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from intents.decision import CHATTER, Candidate
from intents.index import Index, IntentKind, Phrase

# The scope model turns a message away when it gives it less than this chance of being in
# scope, and only a long one (informative words): chosen on the dev set and faq-dev. From 0.15
# (with models fitted from other seeds) or 0.17 (this one) it begins to reject dev questions;
# 0.10 gives the same figures for seeds 7, 13 and 21 and for 14-18 words.
SCOPE_THRESHOLD = 0.1
SCOPE_MIN_WORDS = 16
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


def scope_features(
    index: Index,
    names: Mapping[int, Sequence[Phrase]],
    candidates: list[Candidate],
    numbers: dict[str, int],
    query: dict[str, float],
    heaviest: dict[int, float],
    query_weight: float,
    informative: int,
) -> list[float] | None:
    """The scope features of the best procedure candidate (see :data:`SCOPE_FEATURES`).

    From what the scorer saw: the ranked ``candidates`` (``numbers`` gives each one's intent
    number), the ``query`` terms and their weights, the most weight one phrase of each intent
    matched (``heaviest``), the query's weight and its count of informative words. ``names``
    holds, per intent number, the phrases that name it (official or curated names, aliases).
    None when no procedure is among the candidates.
    """
    procedures = [c for c in candidates if c.kind is not IntentKind.GENERAL]
    if not procedures:
        return None
    top = procedures[0]
    number = numbers[top.intent]
    second = procedures[1].score if len(procedures) > 1 else 0.0
    chatter = next((c.score for c in candidates if c.intent == CHATTER), 0.0)
    rich = {term: weight for term, weight in query.items() if weight > INFORMATIVE_WEIGHT and "_" not in term}
    terms = index.intent_terms[number]
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
                for phrase in names.get(number, ())
                if phrase.weight
            ),
            default=0.0,
        ),
        float(informative),
    ]


__all__ = [
    "INFORMATIVE_WEIGHT",
    "SCOPE_FEATURES",
    "SCOPE_MIN_WORDS",
    "SCOPE_MODEL_FILE",
    "SCOPE_THRESHOLD",
    "SHIPPED_SCOPE_MODEL",
    "ScopeModel",
    "scope_features",
]

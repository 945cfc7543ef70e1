"""First issue: a first card beside the guide that renews or replaces one.

Some curated guides renew or replace a card ("Cấp đổi, cấp lại thẻ căn cước"), and their
everyday names ("làm căn cước") are also what people say for a first card, which is a national
procedure of its own ("Cấp thẻ căn cước cho người dưới 14 tuổi", 1.014062) with other papers
(no old card to bring). A message that says it is the first time ("lần đầu", "chưa có", "never
had") or gives a person's age that a national name's age bound agrees with ("con tôi 15 tuổi":
"từ đủ 14 tuổi trở lên") must not be answered with the renewal guide alone:
:func:`offer_first_issue` turns the decision into a question that also offers the first-issue
record. That record is a national card whose name has no renewal word and shares one of the
leader's rarer word pairs ("thẻ căn cước"), as for the foreigners' twins
(:mod:`intents.foreigners`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from intents.decision import Candidate, Decision, Verdict
from intents.foreigners import PAIR_WEIGHT
from intents.index import IntentKind
from intents.normalize import fold
from intents.reranking import age_bounds, fits_age, stated_ages

if TYPE_CHECKING:
    from intents.router import Router

# "(thực hiện tại cấp tỉnh)": the level a national card's name ends with.
LEVEL_SUFFIX = re.compile(r"\s*\(thực hiện tại[^)]*\)\s*$", re.IGNORECASE)
# The message says the person never had the thing (folded).
FIRST_TIME = re.compile(
    r"\blan dau\b|\bchua (?:tung|bao gio)\b|\bchua (?:co|lam|duoc cap) (?:the|can cuoc|cccd|cmnd|ho chieu|bang)\b"
    r"|\bfirst (?:time|one|card|id)\b|\bnever (?:had|got|been issued)\b"
)
# A name that renews or replaces, read with its marks ("đối với", "đời" and "đợi" fold like "đổi").
RENEWAL = re.compile(r"(?i)\b(?:cấp đổi|đổi|cấp lại|làm lại|renew\w*|replace\w*)\b")
# A message that itself speaks of renewing or replacing (folded): lost, expired, broken, wrong, again.
# Phrases, not single words: "mất bao lâu", "có mặt", "bằng lái", "hông", "cư trú", "đợi" fold alike.
AGAIN = re.compile(
    r"\b(?:cap lai|lam lai|xin lai|doi (?:the|can cuoc|cccd|cmnd|sang|moi|lai)|cap doi|bi mat|mat (?:the|can cuoc|cccd|"
    r"cmnd|vi|giay|ho chieu|bang)|het han|qua han|bi hong|hu hong|bi sai|sai (?:ten|ngay|thong tin)|the cu|"
    r"lost|stolen|expired?|damaged|wrong|again|renew\w*|replace\w*)\b"
)
# A child named, read with its marks ("còn" and "trễ" fold like "con" and "trẻ"): "con", "bé", "cháu",
# "trẻ", or in English.
CHILD = re.compile(r"(?i)(?<!\w)(?:con|bé|cháu|chau|trẻ|son|daughter|child|children|kids?|baby|boy|girl)(?!\w)")
MINOR = 17  # an age stated alone (no "first time") asks about a first card only for a minor


def offer_first_issue(router: Router, text: str, decision: Decision) -> Decision:
    """A decision that also offers the first-issue record when a renewal guide leads a first-time question.

    Said to be the first time: the first-issue records (those the stated age fits, or both
    bounds when no age is stated) lead and the renewal guide comes after them. Only an age
    given: the guide keeps its place and the record whose age bound fits comes second. A
    confident match becomes a question either way; other decisions are left as they are.
    """
    top = decision.top
    if decision.verdict is Verdict.NO_MATCH or top is None or top.kind is IntentKind.GENERAL:
        return decision
    if RENEWAL.search(top.label) is None:
        return decision
    folded = fold(text)
    first = FIRST_TIME.search(folded) is not None
    # "tôi 40 tuổi, con tôi 10 tuổi": the child's age; an adult who gives an age renews a card
    minors = [(young, old) for young, old in stated_ages(text) if old <= MINOR]
    ages = minors or ([] if not first else stated_ages(text))
    if (not first and not minors) or AGAIN.search(folded) is not None:
        return decision
    twins = _first_issues(router, top, ages, needs_bound=not first)
    if not twins:
        return decision
    if first and not ages and CHILD.search(text) is None:
        twins.reverse()  # no age, no child named: a grown-up's own first card ("từ đủ 14 tuổi") first
    # Offered as the leader's equals: "Ý bạn là" lists what is close to the first one's score.
    twins = [replace(twin, score=decision.confidence) for twin in twins[: 2 if first else 1]]
    rest = [c for c in decision.candidates[1:] if c.intent not in {twin.intent for twin in twins}]
    if first and ages:  # "chưa có" and an age the record fits: the renewal guide is not offered at all
        offered = (*twins, *rest)[:3]
    else:
        offered = (*twins, top, *rest)[:3] if first else (top, *twins, *rest)[:3]
    return replace(decision, verdict=Verdict.AMBIGUOUS, candidates=offered)


def _first_issues(router: Router, leader: Candidate, ages: list[tuple[int, int]], needs_bound: bool) -> list[Candidate]:
    """The national cards that issue what ``leader`` renews, those the stated ages fit.

    Every national card whose name shares one of the leader's rarer word pairs and has no
    renewal word (an English message meets national names only through its glossary, so the
    message's own candidates would miss them).
    """
    twins: dict[str, Candidate] = {}
    for candidate in _issuers(router, leader.label):
        if RENEWAL.search(candidate.label) is not None:
            continue
        bounds = age_bounds(candidate.label)
        if needs_bound and not bounds:
            continue
        if ages and bounds and not fits_age(bounds, ages):
            continue  # "dưới 14 tuổi" for a 15-year-old
        twins[candidate.intent] = candidate
    # One record per name: "(thực hiện tại cấp tỉnh)" or "(… cấp trung ương)" twins of the
    # commune-level card are its own name at another level, and the first found is kept.
    named: dict[str, Candidate] = {}
    for twin in twins.values():
        named.setdefault(LEVEL_SUFFIX.sub("", twin.label), twin)
    # Records bounded by age are the first cards of a person's life; another record that only
    # shares the words ("… chưa xác định được quốc tịch … và cấp …") comes in only without them.
    bounded = [twin for twin in named.values() if age_bounds(twin.label)]
    return bounded or list(named.values())[:1]


# Per router, per renewal guide's name: the national cards whose names hold one of its rarer
# word pairs (read once: the names do not change while the router lives).
_ISSUERS: WeakKeyDictionary[Router, dict[str, tuple[Candidate, ...]]] = WeakKeyDictionary()


def _issuers(router: Router, name: str) -> tuple[Candidate, ...]:
    """National cards whose official names hold one of the rarer word pairs of ``name``."""
    known = _ISSUERS.setdefault(router, {})
    if name not in known:
        pairs = [
            term.replace("_", " ")
            for term, weight in router.query_terms(name).items()
            if "_" in term and weight >= PAIR_WEIGHT
        ]
        docs = [doc for doc in router.index.docs if doc.kind is IntentKind.LISTING]
        # The national level's cards last, then the shorter name ("… dưới 14 tuổi" before "… (thực hiện tại cấp tỉnh)").
        docs.sort(key=lambda doc: (-doc.prior, len(doc.label)))
        known[name] = tuple(
            Candidate(doc.intent, doc.kind, 0.0, doc.label)
            for doc in docs
            if any(pair in fold(doc.label) for pair in pairs)
        )
    return known[name]


__all__ = ["AGAIN", "FIRST_TIME", "RENEWAL", "offer_first_issue"]

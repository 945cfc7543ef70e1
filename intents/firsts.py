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

from intents.decision import Candidate, Decision, Verdict
from intents.foreigners import SIBLING_REACH, twins
from intents.index import IntentKind
from intents.normalize import fold

if TYPE_CHECKING:
    from intents.router import Router

# The message says the person never had the thing (folded).
FIRST_TIME = re.compile(
    r"\blan dau\b|\bchua (?:tung|bao gio)\b|\bchua (?:co|lam|duoc cap) (?:the|can cuoc|cccd|cmnd|ho chieu|bang)\b"
    r"|\bfirst (?:time|one|card|id)\b|\bnever (?:had|got|been issued)\b"
)
# A name that renews or replaces ("cấp đổi", "cấp lại", "làm lại", "renewal", "replacement").
RENEWAL = re.compile(r"\b(?:doi|cap lai|lam lai|renew\w*|replace\w*)\b")
# A message that itself speaks of renewing or replacing: lost, expired, damaged, wrong, again.
AGAIN = re.compile(
    r"\b(?:doi|lai|mat|het han|hong|sai|cu|lost|stolen|expired?|damaged|wrong|old|again|renew\w*|replace\w*)\b"
)
# A person's age: "15 tuổi", "15t", "15 years old", "aged 15", "is 14", "turned 14".
AGE = re.compile(
    r"\b(\d{1,3}) ?(?:tuoi|t)\b|\b(\d{1,3})[ -]years?[ -]old\b|\b(?:aged|is|turned|turns) (\d{1,3})\b"
)
# A national name's age bound: "dưới 14 tuổi" (under), "từ đủ 14 tuổi trở lên" (from 14 on).
UNDER = re.compile(r"\bduoi (\d{1,3}) tuoi\b")
FROM = re.compile(r"\btu (?:du )?(\d{1,3}) tuoi tro len\b")


def stated_age(text: str) -> int | None:
    """The first age the message states, if any ("con tôi 15 tuổi" → 15)."""
    found = AGE.search(fold(text))
    if found is None:
        return None
    return int(next(group for group in found.groups() if group is not None))


def age_bound(name: str) -> tuple[int, int] | None:
    """The ages (from, up to but not including) a procedure's name is for, when it says so."""
    folded = fold(name)
    if (under := UNDER.search(folded)) is not None:
        return 0, int(under.group(1))
    if (start := FROM.search(folded)) is not None:
        return int(start.group(1)), 200
    return None


def offer_first_issue(router: Router, text: str, decision: Decision) -> Decision:
    """A decision that also offers the first-issue record when a renewal guide leads a first-time question.

    Said to be the first time: the first-issue record leads and the renewal guide comes second.
    Only an age given: the guide keeps its place and the record whose age bound agrees comes second.
    A confident match becomes a question either way; other decisions are left as they are.
    """
    top = decision.top
    if decision.verdict is Verdict.NO_MATCH or top is None or top.kind is IntentKind.GENERAL:
        return decision
    if RENEWAL.search(fold(top.label)) is None:
        return decision
    folded = fold(text)
    first = FIRST_TIME.search(folded) is not None
    age = stated_age(text)
    if (not first and age is None) or AGAIN.search(folded) is not None:
        return decision
    twin = _first_issue(router, text, top, age, needs_bound=not first)
    if twin is None:
        return decision
    twin = replace(twin, score=min(twin.score, decision.confidence))
    rest = [c for c in decision.candidates[1:] if c.intent != twin.intent]
    offered = (twin, top, *rest[:1]) if first else (top, twin, *rest[:1])
    return replace(decision, verdict=Verdict.AMBIGUOUS, candidates=offered)


def _first_issue(router: Router, text: str, leader: Candidate, age: int | None, needs_bound: bool) -> Candidate | None:
    """The national card that issues what ``leader`` renews, agreeing with the stated age.

    Looked for among the message's own candidates, then (an English message meets national
    names only through its glossary) among those of the leader's name asked for a first time.
    """
    found = router.score(text)[:SIBLING_REACH] + router.score(f"{leader.label} lần đầu")[:SIBLING_REACH]
    for candidate in found:
        if candidate.kind is not IntentKind.LISTING or RENEWAL.search(fold(candidate.label)) is not None:
            continue
        bound = age_bound(candidate.label)
        if needs_bound and bound is None:
            continue
        if age is not None and bound is not None and not bound[0] <= age < bound[1]:
            continue  # "dưới 14 tuổi" for a 15-year-old
        if twins(router, leader.label, candidate.label):
            return candidate
    return None


__all__ = ["AGE", "FIRST_TIME", "RENEWAL", "age_bound", "offer_first_issue", "stated_age"]

"""Reranking: second looks that let a candidate close behind take the lead.

The scorer ranks intents by how well their phrases explain the message. A few things it cannot
weigh are settled afterwards, each by promoting one candidate from a short distance behind:

* chatter that explains a long message about as well as any procedure goes first (out of scope);
* a national card that alone explains a rare word of the message beats the curated entry it
  resembles ("khai báo tạm vắng" is not "tạm trú");
* in a long message, a national card whose official name differs from the leading sibling's by
  words the message says ("Xóa đăng ký biện pháp bảo đảm" after "đăng ký thế chấp ... xóa")
  takes that sibling's place;
* a national card bounded by an age ("người dưới 14 tuổi") beats one whose bound the age stated
  in the message falls outside;
* a national card for foreigners ("… cho người nước ngoài") beats a procedure for citizens when
  the message says the person is a foreigner;
* a national card that begins with the curated leader's own words but acts otherwise ("Cấp lại
  …", "Xóa …", "Gia hạn …", "Đăng ký lại …") beats the leader when the message says that act.

:class:`Reranker` holds the tables these need, built once per index, and applies them in order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from intents.decision import CHATTER, PERSON, Candidate, promote
from intents.foreigners import is_for_foreigners, says_foreigner
from intents.glossary import is_english
from intents.index import Index, IntentKind, Phrase
from intents.normalize import fold
from intents.tuning import Weights
from intents.variants import TWIN_PAIR, name_head, official_terms, prefer_variant, with_acts, with_loss_read

MAX_AGE = 120
MINOR_AGE = 17  # the oldest age a curated guide's age bound is compared with (a child's, not a parent's)
AGE_REACH = 10  # candidates searched for a national card whose age bound fits the message
# "dưới 14 tuổi", "từ đủ 14 tuổi trở lên", "trên 80 tuổi" in a national name (folded).
_AGE_BOUND = re.compile(r"\b(duoi|tu du|tu|tren|du) (\d{1,3}) tuoi(?: tro len)?")
FOREIGN_REACH = 6  # candidates searched for a national card for foreigners
# An age stated in a message: "10 tuổi", "bé 6t", "my 10-year-old son", "just turned 14", "my son is 16", "I am 20".
_AGE_STATED = re.compile(
    r"\b(\d{1,3})(?: ?(?:tuoi|t)\b|[ -]years?[ -]old\b)"
    r"|\b(?:aged|turned|turns|(?:son|daughter|child|kid|boy|girl|he|she|i) (?:is|am|s|m)) (\d{1,2})\b"
    r"(?![.,]\d| ?(?:months?|weeks?|days?|thang|tuan|ngay)\b)"  # "he is 20 months old" is no age in years
)


def chatter_first(candidates: list[Candidate], margin: float) -> list[Candidate]:
    """Put chatter first when it explains a long message about as well as any procedure.

    A long question about a phone, a bank card or a wedding banquet shares a few words with
    some procedure ("giấy tờ", "đăng ký", "cả nhà"); when off-topic chatter explains it as
    well, nothing in the catalog is what the asker wants.
    """
    chatter = next((c for c in candidates if c.intent == CHATTER), None)
    procedure = next((c for c in candidates if c.kind is not IntentKind.GENERAL), None)
    if chatter is None or procedure is None or chatter.score < procedure.score - margin:
        return candidates
    if candidates[0].intent == PERSON and candidates[0].score > chatter.score:
        return candidates  # "ai xuống tận nhà chỉ giúp" asks for a person, whom chatter never stands for
    return [chatter, *(c for c in candidates if c is not chatter)]


def prefer_distinctive(
    candidates: list[Candidate],
    numbers: Mapping[str, int],
    query: Mapping[str, float],
    weights: Weights,
    curated_words: Mapping[int, frozenset[str]],
    intent_terms: Sequence[frozenset[str]],
) -> list[Candidate]:
    """Put a listing card first when it alone explains a rare word of the message, or more of it.

    "khai báo tạm vắng" resembles the curated "tạm trú", but "vắng" belongs only to the
    national procedure: the user asked for that one, not for its curated neighbour.
    ``numbers`` gives each candidate's intent number, ``curated_words`` every word of each curated
    entry's phrases, ``intent_terms`` every term of each intent's phrases.
    """
    if len(candidates) < 2 or candidates[0].kind is not IntentKind.CURATED:
        return candidates
    top = candidates[0]
    top_words = curated_words[numbers[top.intent]]
    theirs = intent_terms[numbers[top.intent]].intersection(query)  # the terms the leader explains
    for position, candidate in enumerate(candidates[1 : weights.distinct_reach], 1):
        if candidate.kind is not IntentKind.LISTING or top.score - candidate.score > weights.distinct_gap:
            continue
        own = intent_terms[numbers[candidate.intent]]
        if any(
            "_" not in term and term not in top_words and query[term] >= weights.distinct_weight
            for term in own.intersection(query)
        ):
            return promote(candidates, position)
        # Or it explains every term the leader does and more: "mất sổ đỏ" is the reissue of a
        # lost certificate (its alias holds "mất giấy"), not the first issuance it resembles.
        mine = own.intersection(query)
        if theirs <= mine and sum(query[term] for term in mine - theirs) >= weights.superset_weight:
            return promote(candidates, position)
    return candidates


def prefer_named_sibling(
    candidates: list[Candidate],
    numbers: Mapping[str, int],
    query: Mapping[str, float],
    weights: Weights,
    names: Mapping[int, Sequence[Phrase]],
    idf: Mapping[str, float],
) -> list[Candidate]:
    """Let a national card take its sibling's place when the words that tell them apart are the message's.

    National records come in families whose names differ by a word or two ("Đăng ký ..." /
    "Xóa đăng ký ...", "Cấp ..." / "Cấp lại ...", "... một phần" / "... toàn trình"). A long
    question meets the shared words of every sibling and their scores are close, decided by
    story words their aliases happen to hold. The first national card in the top three is
    compared with the national cards close behind it (``weights.distinct_reach``,
    ``distinct_gap``) whose official name (its head; ``names`` gives each intent number's naming
    phrases, a national card's official name first) shares at least
    ``weights.sibling_overlap`` of its IDF weight; when the message's weight on the words only
    the follower's name has exceeds its weight on the words only the leader's has by
    ``distinct_weight``, the follower takes the leader's place and score.
    """
    threshold = weights.sibling_overlap
    lead = next((n for n, c in enumerate(candidates[:3]) if c.kind is IntentKind.LISTING), None)
    if threshold is None or lead is None:
        return candidates
    top = candidates[lead]
    top_name = official_terms(names[numbers[top.intent]])
    for position, candidate in enumerate(candidates[lead + 1 : weights.distinct_reach], lead + 1):
        if candidate.kind is not IntentKind.LISTING or top.score - candidate.score > weights.distinct_gap:
            continue
        name = official_terms(names[numbers[candidate.intent]])
        union = sum(idf.get(term, 0.0) for term in top_name | name) or 1.0
        if sum(idf.get(term, 0.0) for term in top_name & name) / union < threshold:
            continue  # not a sibling: a different procedure that scored close
        own = sum(query.get(term, 0.0) for term in name - top_name)
        theirs = sum(query.get(term, 0.0) for term in top_name - name)
        if own - theirs >= weights.distinct_weight:
            return promote(candidates, position, lead)
    return candidates


def age_bounds(name: str) -> tuple[tuple[int, int], ...]:
    """The age ranges an official name is bounded by ("dưới 14 tuổi": 0-13), if any."""
    found = []
    for match in _AGE_BOUND.finditer(fold(name)):
        kind, age = match.group(1), int(match.group(2))
        found.append((0, age - 1) if kind == "duoi" else (age + 1, MAX_AGE) if kind == "tren" else (age, MAX_AGE))
    return tuple(found)


def stated_ages(text: str) -> list[tuple[int, int]]:
    """The ages a message states, as ranges: "con 10 tuổi" is 10-10, "trẻ dưới 14 tuổi" 0-13."""
    folded = fold(text)
    ranges = list(age_bounds(folded))
    bounded = _AGE_BOUND.sub(" ", folded)  # "dưới 14 tuổi" is a range, not a child of 14
    stated = [int(before or after) for before, after in _AGE_STATED.findall(bounded)]
    ranges += [(age, age) for age in stated if age <= MAX_AGE]
    return ranges


def fit_age(
    text: str, candidates: list[Candidate], bounds_by_intent: Mapping[str, tuple[tuple[int, int], ...]]
) -> list[Candidate]:
    """Replace a leading national card whose age bound the message's age falls outside.

    "làm căn cước lần đầu cho con 10 tuổi" reads like the card of "người từ đủ 14 tuổi trở
    lên", but a child of 10 gets the card of "người dưới 14 tuổi": when a candidate close
    behind is bounded by an age the message states, it takes the lead.
    """
    top = candidates[0]
    bounds = bounds_by_intent.get(top.intent)
    if bounds is None:
        return _second_fit(text, candidates, bounds_by_intent)
    ages = stated_ages(text)
    if top.kind is IntentKind.CURATED:  # a guide for children: the parent's own age says nothing
        ages = [(young, old) for young, old in ages if old <= MINOR_AGE]
    if not ages or fits_age(bounds, ages):
        return candidates
    position = _first_fitting(candidates, 1, ages, bounds_by_intent)
    return candidates if position is None else promote(candidates, position)


def fits_age(bounds: tuple[tuple[int, int], ...], ages: Sequence[tuple[int, int]]) -> bool:
    """Whether one of the stated ages lies within one of a name's age bounds."""
    return any(low <= young and old <= high for low, high in bounds for young, old in ages)


def _first_fitting(
    candidates: list[Candidate],
    start: int,
    ages: Sequence[tuple[int, int]],
    bounds_by_intent: Mapping[str, tuple[tuple[int, int], ...]],
) -> int | None:
    """The position of the first candidate from ``start`` whose age bound the stated ages fall within."""
    for position, candidate in enumerate(candidates[start:AGE_REACH], start):
        if fits_age(bounds_by_intent.get(candidate.intent, ()), ages):
            return position
    return None


def _second_fit(
    text: str, candidates: list[Candidate], bounds_by_intent: Mapping[str, tuple[tuple[int, int], ...]]
) -> list[Candidate]:
    """Offer second the national card bounded by the age the message states, under a leader bounded by none.

    "làm căn cước cho cháu 5 tuổi" leads to the curated renewal guide, but a child's first card
    is "Cấp thẻ căn cước cho người dưới 14 tuổi": the card that fits the age comes second, close
    enough to be asked about, and the leader keeps its place.
    """
    if len(candidates) < 2 or candidates[0].kind is not IntentKind.CURATED or candidates[1].intent in bounds_by_intent:
        return candidates
    ages = stated_ages(text)
    position = _first_fitting(candidates, 2, ages, bounds_by_intent) if ages else None
    return candidates if position is None else promote(candidates, position, lead=1)


def prefer_foreign(
    candidates: list[Candidate],
    numbers: Mapping[str, int],
    names: Mapping[int, list[Phrase]],
    foreign: frozenset[str],
    idf: Mapping[str, float],
) -> list[Candidate]:
    """Put a national card for foreigners first when the message says the person is one.

    "người nước ngoài đăng ký tạm trú thế nào" reads like the citizens' "Đăng ký tạm trú", but a
    foreigner's stay is declared and carded by procedures of its own: like an age bound, the
    card close behind whose official name is for foreigners takes the lead, unless the leader's
    own names already speak of them. The card must be the leader's twin — share one of its
    names' rarer word pairs ("tạm trú", "kết hôn") — so a hotelier declaring a foreign guest is
    never led to "Thủ tục đăng ký khai tử có yếu tố nước ngoài" because it too names foreigners.
    """
    top = candidates[0]
    if top.kind is IntentKind.GENERAL or top.intent in foreign:
        return candidates
    own = names.get(numbers.get(top.intent, -1), ())
    if any("nuoc_ngoai" in phrase.terms for phrase in own):
        return candidates
    pairs = {term for phrase in own for term in phrase.terms if "_" in term and idf.get(term, 0.0) >= TWIN_PAIR}
    for position, candidate in enumerate(candidates[1:FOREIGN_REACH], 1):
        if candidate.intent in foreign and any(
            not pairs.isdisjoint(phrase.terms) for phrase in names.get(numbers.get(candidate.intent, -1), ())
        ):
            return promote(candidates, position)
    return candidates


@dataclass(frozen=True)
class Reranker:
    """The second looks of one index, in order, with the tables they need (built once)."""

    intent_terms: Sequence[frozenset[str]]
    idf: Mapping[str, float]
    names: Mapping[int, list[Phrase]]
    curated_words: Mapping[int, frozenset[str]]  # per curated entry: every word of its phrases
    age_bounds: Mapping[str, tuple[tuple[int, int], ...]]  # names bounded by an age, by intent
    foreign: frozenset[str]  # national cards whose official name is for foreigners
    pairs: Mapping[int, frozenset[str]]  # per curated entry: its names' rarer word pairs (TWIN_PAIR)
    labels: Sequence[str]  # per intent number: its display name (a national card's official name)

    @classmethod
    def build(cls, index: Index, names: Mapping[int, list[Phrase]]) -> Reranker:
        """Read the tables off an index (``names``: each intent's name phrases, official name first)."""
        listing = [doc for doc in index.docs if doc.kind is IntentKind.LISTING]
        return cls(
            index.intent_terms,
            index.idf,
            names,
            {
                number: frozenset(word for term in terms for word in term.split("_"))
                for number, (doc, terms) in enumerate(zip(index.docs, index.intent_terms, strict=True))
                if doc.kind is IntentKind.CURATED
            },
            # National names bounded by an age, and the curated guides' ("… cho trẻ em dưới 6 tuổi")
            {
                doc.intent: bounds
                for doc in index.docs
                if doc.kind is not IntentKind.GENERAL and "tuổi" in doc.label and (bounds := age_bounds(doc.label))
            },
            frozenset(doc.intent for doc in listing if is_for_foreigners(doc.label)),
            {
                number: frozenset(
                    term
                    for phrase in names.get(number, ())
                    for term in phrase.terms
                    if "_" in term and index.idf.get(term, 0.0) >= TWIN_PAIR
                )
                for number, doc in enumerate(index.docs)
                if doc.kind is IntentKind.CURATED
            },
            [doc.label for doc in index.docs],
        )

    def head(self, number: int) -> frozenset[str]:
        """A national card's official name's head (:func:`name_head`), read when asked: no table of 2,600."""
        return name_head(self.labels[number])

    def rerank(
        self,
        text: str,
        candidates: list[Candidate],
        numbers: Mapping[str, int],
        query: Mapping[str, float],
        weights: Weights,
    ) -> list[Candidate]:
        """Apply every second look to the scorer's ranking of ``text``."""
        if weights.chatter_margin is not None:
            candidates = chatter_first(candidates, weights.chatter_margin)
        english = is_english(text)  # English reaches national names only through the glossary's loose words
        acted = None if english else with_acts(text, query, self.idf)
        candidates = prefer_distinctive(candidates, numbers, query, weights, self.curated_words, self.intent_terms)
        candidates = prefer_named_sibling(candidates, numbers, acted or query, weights, self.names, self.idf)
        if candidates and self.age_bounds and any(character.isdigit() for character in text):
            candidates = fit_age(text, candidates, self.age_bounds)
        if candidates and self.foreign and says_foreigner(text):
            candidates = prefer_foreign(candidates, numbers, self.names, self.foreign, self.idf)
        if not english:
            read = acted or query
            varied = prefer_variant(candidates, numbers, read, self.names, self.pairs, self.head)
            # A lost paper asks for its reissue or copy, unless it says the act it wants ("đăng ký lại").
            lost = with_loss_read(text, read, self.idf) if varied is candidates else None
            if lost is not None:
                varied = prefer_variant(candidates, numbers, lost, self.names, self.pairs, self.head, lost=True)
            candidates = varied
        return candidates


__all__ = [
    "AGE_REACH",
    "FOREIGN_REACH",
    "Reranker",
    "MAX_AGE",
    "age_bounds",
    "chatter_first",
    "fit_age",
    "fits_age",
    "prefer_distinctive",
    "prefer_foreign",
    "prefer_named_sibling",
    "stated_ages",
]

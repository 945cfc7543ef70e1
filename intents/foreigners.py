"""Foreigners: a message about a foreign person, and the procedure for foreigners beside a citizens' one.

Many procedures have a twin for a foreign element: "Đăng ký khai sinh" and "Thủ tục đăng ký khai
sinh có yếu tố nước ngoài", "Đăng ký tạm trú" and "Cấp thẻ tạm trú cho người nước ngoài". A story
that says the person is a foreigner — in so many words ("người nước ngoài", "foreigner") or by
nationality ("vợ tôi là người Hàn Quốc", "my Canadian husband") — reads like the citizens'
procedure, whose everyday names it shares. The router must not then answer the citizens'
procedure confidently: :func:`offer_foreign_sibling` turns such a match into a question with the
foreigners' twin second. The twin is found by the leader's own name with the foreign element
added, and must share one of its rarer word pairs ("kết hôn", not "đăng ký").

Nationalities are matched only in phrases that name a person's origin ("người Nhật", "quốc tịch
Mỹ", "công dân Pháp"): "người Anh" (an elder brother) and "người Hoa" (an ethnic group of Vietnam)
are left out on purpose.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from intents.decision import Candidate, Decision, Verdict
from intents.index import IntentKind
from intents.normalize import fold

if TYPE_CHECKING:
    from intents.router import Router

# The person is a foreigner, in so many words (folded).
SAID = re.compile(
    r"\b(?:nguoi|quoc tich|yeu to|khach|du khach|cong dan|lao dong|chuyen gia) nuoc ngoai\b"
    r"|\bforeigners?\b|\bforeign nationals?\b"
)
# Countries whose people often marry, work or stay in Vietnam, folded; never a word that is also
# an everyday one after "người" ("anh", "hoa", "y", "thai", "lao" as in "người lao động", "bi" as
# in "người bị bệnh").
_COUNTRIES = (
    "han quoc|han|nhat ban|nhat|trung quoc|dai loan|hong kong|my|hoa ky|phap|duc|uc|canada|nga|thai lan|"
    "campuchia|singapore|malaysia|an do|philippines|indonesia|myanmar|mong co|tay ban nha|ha lan|thuy dien|"
    "thuy si|na uy|dan mach|phan lan|ba lan|sec|ukraine|bo dao nha|tho nhi ky|new zealand|ireland|brazil|mexico|"
    "nam phi|nigeria|ai cap|iran|pakistan|bangladesh"
)
_ORIGIN = re.compile(rf"\b(?:nguoi|quoc tich|cong dan|viet kieu) (?:{_COUNTRIES})\b|\bviet kieu\b")
# English words, folded (lower case), that place a person abroad: nationalities ("thai" is left
# out: it is also "người Thái", a people of Vietnam; "she is Thai" is read below), the countries
# after "from", and the people called "foreign".
_NATIONALITIES = (
    "korean japanese chinese taiwanese american french german british australian canadian russian laotian "
    "cambodian singaporean malaysian indian filipino indonesian italian spanish dutch belgian swedish swiss "
    "norwegian danish finnish polish ukrainian portuguese turkish irish brazilian mexican expat expats"
).split()
_COUNTRIES_EN = (
    "australia america usa united_states states uk england britain scotland ireland france germany italy spain "
    "portugal netherlands holland belgium switzerland austria sweden norway denmark finland poland russia ukraine "
    "czech_republic turkey korea south_korea japan china taiwan hong_kong india pakistan bangladesh thailand laos "
    "cambodia myanmar malaysia singapore indonesia philippines canada mexico brazil argentina new_zealand "
    "south_africa nigeria egypt iran israel"
).split()
_FOREIGN_NOUNS = (
    "wife husband spouse partner fiance fiancee girlfriend boyfriend guest guests visitor visitors worker workers "
    "employee employees friend friends parent parents father mother citizen resident"
).split()


def _words(words: list[str]) -> str:
    """An alternation of words ("_" stands for a space)."""
    return "|".join(word.replace("_", " ") for word in words)


_NATIONALITY = re.compile(rf"\b(?:{_words(_NATIONALITIES)})\b")
# Cards only foreigners hold (the law on foreigners' entry and residence): "thẻ tạm trú" is not the
# citizens' "đăng ký tạm trú".
_FOREIGNERS_CARD = re.compile(r"\b(?:the (?:tam|thuong) tru|(?:temporary|permanent) residence card)s?\b")
_FROM = re.compile(rf"\bfrom the us\b|\bfrom (?:the )?(?:{_words(_COUNTRIES_EN)})\b")  # "I am from Australia"
_FOREIGN_PERSON = re.compile(rf"\bforeign (?:{_words(_FOREIGN_NOUNS)})\b|\b(?:is|am|are|i m|she s|he s) thai\b")
# "chồng Tây", "lấy Tây": typed with its mark only ("người tày" is a people of Vietnam, "vỗ tay" a clap).
_WESTERNER = re.compile(r"(?i)\b(?:chồng|vợ|người|lấy|ông|bà|bạn trai|bạn gái|anh|chị) tây\b")
# Every folded pattern in one, read once per message.
_ANY_FOLDED = re.compile(
    "|".join(f"(?:{p.pattern})" for p in (SAID, _FOREIGNERS_CARD, _ORIGIN, _NATIONALITY, _FROM, _FOREIGN_PERSON))
)
SIBLING_REACH = 6  # candidates searched for the foreigners' twin of a procedure
PAIR_WEIGHT = 2.5  # how rare a word pair of the leader's name the twin must share ("kết hôn" 4.5; "đăng ký" 1.7)


def says_foreigner(text: str) -> bool:
    """Whether the message says in so many words that a person is a foreigner, or asks for a foreigner's card."""
    folded = fold(text)
    return SAID.search(folded) is not None or _FOREIGNERS_CARD.search(folded) is not None


def mentions_foreigner(text: str) -> bool:
    """Whether the message says a person is a foreigner, in so many words or by nationality."""
    return _ANY_FOLDED.search(fold(text)) is not None or _WESTERNER.search(text) is not None


_NGO = re.compile("ng[oòóỏõọ]", re.IGNORECASE)


def is_for_foreigners(label: str) -> bool:
    """Whether a procedure's name says it is for foreigners or a foreign element."""
    # Read of every national name when a router is built: most lack "ngo…" (any tone, even
    # misplaced: "ngòai") and need no folding.
    return _NGO.search(label) is not None and "nuoc ngoai" in fold(label)


def asked_by_a_body(label: str) -> bool:
    """Whether a procedure's name says an agency, not a person, asks for it.

    "Cấp Phiếu lý lịch tư pháp theo yêu cầu của cơ quan tiến hành tố tụng (… người nước ngoài …)"
    names foreigners, but a court asks for it: a foreigner asking for their own record needs
    the one for "người nước ngoài đã cư trú tại Việt Nam".
    """
    folded = fold(label)
    return "theo yeu cau cua co quan" in folded or "theo de nghi cua co quan" in folded


def twins(router: Router, name: str, other: str) -> bool:
    """Whether two procedure names share a rarer word pair ("kết hôn" does, "đăng ký" does not)."""
    pairs = {term for term, weight in router.query_terms(name).items() if "_" in term and weight >= PAIR_WEIGHT}
    return not pairs.isdisjoint(router.query_terms(other))


# Per router, each procedure name's twin (or None): looking it up scores the name once more, which
# would double the time of every message about a foreigner. Weak keys: a replaced router goes.
_TWINS: WeakKeyDictionary[Router, dict[str, Candidate | None]] = WeakKeyDictionary()


def _twin(router: Router, name: str) -> Candidate | None:
    """The national card for foreigners that is the twin of the procedure named ``name``, as scored for it."""
    known = _TWINS.setdefault(router, {})
    if name not in known:
        known[name] = next(
            (
                candidate
                for candidate in router.score(f"{name} cho người nước ngoài")[:SIBLING_REACH]
                if candidate.kind is IntentKind.LISTING
                and is_for_foreigners(candidate.label)
                and not asked_by_a_body(candidate.label)
                and twins(router, name, candidate.label)
            ),
            None,
        )
    return known[name]


def foreign_sibling(router: Router, name: str) -> str | None:
    """The national card for foreigners that is the twin of the procedure named ``name``, if any."""
    twin = _twin(router, name)
    return twin.intent if twin is not None else None


def offer_foreign_sibling(router: Router, text: str, decision: Decision) -> Decision:
    """A decision that also offers the foreigners' twin of its leading procedures when the message names a foreigner.

    The leader keeps its place (the citizen in the story may need it: a Vietnamese bride's own
    papers); the twin of the first of the two leading procedures that has one (or the second,
    when it is itself for foreigners) comes second, and a confident match becomes a question.
    A question that already offers a procedure for foreigners is left as it is.
    """
    top3 = decision.candidates[:3]
    if decision.verdict is Verdict.NO_MATCH or not top3 or not mentions_foreigner(text):
        return decision
    if is_for_foreigners(top3[0].label):
        return decision
    if decision.verdict is Verdict.AMBIGUOUS and any(is_for_foreigners(c.label) for c in top3):
        return decision
    for candidate in top3[:2]:
        if candidate.kind is IntentKind.GENERAL:
            continue
        if is_for_foreigners(candidate.label):  # second already: only the leader's own twin
            twin: Candidate | None = candidate if twins(router, top3[0].label, candidate.label) else None
        else:
            twin = _twin(router, candidate.label)
        if twin is not None:
            rest = [c for c in decision.candidates[1:] if c.intent != twin.intent]
            offered = (top3[0], replace(twin, score=min(twin.score, decision.confidence)), *rest[:1])
            return replace(decision, verdict=Verdict.AMBIGUOUS, candidates=offered)
    return decision


__all__ = [
    "PAIR_WEIGHT",
    "SAID",
    "SIBLING_REACH",
    "foreign_sibling",
    "twins",
    "is_for_foreigners",
    "mentions_foreigner",
    "offer_foreign_sibling",
    "says_foreigner",
]

"""Variants: a national card that does to a curated guide's paper what the message asks.

A curated guide walks one national procedure -- the first registration of a vehicle, a first
building permit, a temporary residence -- and the national listing holds its variants, whose
official names begin with another act on the same paper: "Cấp lại …", "Xóa …", "Gia hạn …",
"Đăng ký lại …". A message about a variant shares most of its words with the guide's names and
is ranked under it; :func:`prefer_variant` lets the variant lead when the message says the act
(:class:`intents.reranking.Reranker` applies it after the other second looks). A paper said lost
says its act without its words: :func:`with_loss_read` reads "cấp lại" and "báo mất" into it.

People also say an act in everyday words ("kích hoạt lại", "ra khỏi diện hộ nghèo", "làm lại")
that no official name holds, and the sibling that shares the topic words and a stray act word
wins: :func:`with_acts` adds the official act ("khôi phục", "thoát", "cấp lại") for the second
looks that tell siblings and variants apart to read; the scorer does not (the act says which
sibling, never which family).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence

from intents.decision import Candidate, promote
from intents.index import IntentKind, Phrase, terms_of
from intents.language import has_vietnamese_marks
from intents.normalize import fold, tokens

TWIN_PAIR = 2.5  # how rare a word pair a card must share with a leader's names to be its twin or variant
# A variant of a curated guide: searched this far down and this close behind, it takes the lead
# when the message's weight on its name's first NAME_HEAD words that no name of the guide holds
# reaches VARIANT_WEIGHT (see prefer_variant). Chosen on dev, faq-dev, english-dev, fresh-dev and
# the threshold check: a head of 4-5 words also reads a long name's topic words ("… vốn điều
# lệ", "… diện tích") as its act and loses faq-dev questions; a gap of 0.1 promotes none, 0.25
# loses a fresh-dev one; a weight of 2-4 changes little.
VARIANT_REACH = 4
VARIANT_GAP = 0.15
VARIANT_WEIGHT = 3.0
NAME_HEAD = 3
# A paper said lost asks for its reissue or the report of its loss (a passport's "Trình báo mất"):
# "mất" alone also takes time or money, so phrases. Typed with its marks, only
# "mất" is lost ("mặt bằng", "mặt giấy" are a surface); typed without, "mat bang" alone is left out.
LOST_MARKED = re.compile(
    r"(?<!\w)(?:bị mất|làm mất|đánh mất|thất lạc|đánh rơi|mất (?:thẻ|căn cước|cccd|cmnd|ví|giấy|hộ chiếu|bằng|sổ|"
    r"cà vẹt|cavet|đăng ký|biển))(?!\w)|\b(?:lost|stolen)\b"
)
# Folded, for text typed without marks.
LOST = re.compile(
    r"\b(?:bi mat|lam mat|danh mat|that lac|danh roi|mat (?:the|can cuoc|cccd|cmnd|vi|giay|ho chieu|bang lai|so|"
    r"ca vet|cavet|dang ky|bien)|lost|stolen)\b"
)
# The terms of "cấp lại", "(trình) báo mất" and "bản sao": a lost paper is reissued, reported, or
# copied from the register (a marriage certificate: "Cấp bản sao trích lục").
LOSS_ACTS = ("cap", "lai", "cap_lai", "bao_mat", "trinh_bao", "ban", "sao", "ban_sao")
# A lost paper's reissue card is named by no word of the message and lies further down: searched
# this far and this far behind. Chosen on the same sets: a gap of 0.25-0.45 gives the same
# figures (fresh-dev 81.2 -> 81.4, threshold check 86.0 -> 86.2, the rest unchanged); 0.4 reaches
# "mất giấy đăng ký xe máy", whose reissue card lies 0.37 behind the first registration guide.
LOSS_REACH = 6
LOSS_GAP = 0.4


def prefer_variant(
    candidates: list[Candidate],
    numbers: Mapping[str, int],
    query: Mapping[str, float],
    names: Mapping[int, Sequence[Phrase]],
    pairs: Mapping[int, frozenset[str]],
    heads: Callable[[int], frozenset[str]],
    lost: bool = False,
) -> list[Candidate]:
    """Let a national card that is a variant of the curated leader take its place when the message says how it differs.

    A curated guide walks one national procedure (first registration of a vehicle, first
    building permit, temporary residence); its siblings in the listing reissue, extend, delete
    or re-register the same paper, and a message about one of them ("xe mới mua … biển số tạm
    thời", "giấy phép xây dựng … muốn gia hạn", "trên vneid vẫn hiện tạm trú, xóa đi") reads
    like the guide, whose names share most of its words. A national card close behind (within
    :data:`VARIANT_GAP`, among the first :data:`VARIANT_REACH`) that shares one of the leader's
    rarer name pairs (``pairs``: the intent's name pairs of IDF at least :data:`TWIN_PAIR`) takes
    the lead when the message's weight on the first words of its official name (``heads`` gives the
    terms of its first :data:`NAME_HEAD` words, "Thủ tục" aside) that none of the leader's names
    holds reaches :data:`VARIANT_WEIGHT`: those words are the act the message asks for.

    With ``lost`` (the query holds the loss read, :func:`with_loss_read`) the search reaches
    further, and a curated guide whose names share such a pair may lead too: "mất giấy đăng ký
    kết hôn" asks for the guide to a copy of the marriage extract, not the marriage guide.
    """
    if len(candidates) < 2 or candidates[0].kind is not IntentKind.CURATED:
        return candidates
    top = candidates[0]
    leader = numbers[top.intent]
    shared = pairs.get(leader, frozenset())
    named = frozenset(term for phrase in names.get(leader, ()) for term in phrase.terms)
    # A lost paper is said plainly and its reissue card is named by no word of the message: it
    # is looked for further down ("mất giấy đăng ký xe máy": the reissue card lies 0.3 behind).
    reach, gap = (LOSS_REACH, LOSS_GAP) if lost else (VARIANT_REACH, VARIANT_GAP)
    for position, candidate in enumerate(candidates[1:reach], 1):
        if top.score - candidate.score > gap or candidate.kind is not IntentKind.LISTING and not (
            lost and candidate.kind is IntentKind.CURATED
        ):
            continue  # a lost paper may also lead to a guide for its copy ("Cấp bản sao trích lục")
        number = numbers[candidate.intent]
        own = names.get(number, ())
        # a national card by its official name; a guide by any of its names ("trích lục kết hôn")
        terms = official_terms(own) if candidate.kind is IntentKind.LISTING else {t for p in own for t in p.terms}
        if shared.isdisjoint(terms):
            continue  # not the leader's sibling: a different procedure that scored close
        if sum(query.get(term, 0.0) for term in heads(number) - named) >= VARIANT_WEIGHT:
            return promote(candidates, position)
    return candidates


def with_loss_read(text: str, query: Mapping[str, float], idf: Mapping[str, float]) -> Mapping[str, float] | None:
    """The query holding "cấp lại" and "báo mất" when the message says a paper was lost (LOST_MARKED); else None.

    "mất giấy đăng ký xe máy" asks for the reissue card, "Cấp lại chứng nhận đăng ký xe", not
    the first registration the guide walks (whose papers a lost-paper owner cannot bring).
    """
    if not says_lost(text):
        return None
    return {**{term: idf.get(term, 0.0) for term in LOSS_ACTS}, **query}


# Everyday -> the official act, as official names spell it: only acts that open official names,
# and only what tells one sibling from another (the pair "khôi phục", never "cấp" or "lại" alone,
# which every family shares or which fold onto other words: "bổ" is the "bộ" of "cán bộ"). Typed
# with marks, the key must be typed so: folded, "ra khỏi" is also "ra khơi" (put out to sea),
# "đổi mới" "đời mới", "làm lại" "làm lãi", "tạm dừng" "tạm dùng". Left out: "thêm" (more),
# "đóng cửa" ("hoạt động của"), "hủy" ("huy động"), "dẹp" ("đẹp"), "bỏ" ("bố").
ACTS: dict[str, tuple[str, ...]] = {
    "kích hoạt lại": ("khôi phục",),
    "phục hồi": ("khôi phục",),
    "mở lại": ("khôi phục", "mở khóa"),
    "ra khỏi": ("thoát",),
    "thoát khỏi": ("thoát",),
    "làm lại": ("cấp lại",),
    "xin lại": ("cấp lại",),
    "đổi lại": ("cấp đổi",),
    "đổi mới": ("cấp đổi",),
    "tạm nghỉ": ("tạm ngừng",),
    "tạm dừng": ("tạm ngừng",),
    "sửa lại": ("đính chính", "điều chỉnh"),
    "sửa sai": ("đính chính",),
}
_SAID_MARKED = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, ACTS), key=len, reverse=True)) + r")(?!\w)")
_FOLDED = {fold(key): key for key in ACTS}
_SAID_FOLDED = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _FOLDED), key=len, reverse=True)) + r")\b")


def _act_terms(act: str) -> tuple[str, ...]:
    """What tells an act apart: its word pairs, or its one word ("thoát")."""
    terms = terms_of(tokens(act))
    return tuple(term for term in terms if "_" in term) or tuple(terms)


_TERMS = {key: tuple(term for act in acts for term in _act_terms(act)) for key, acts in ACTS.items()}


def with_acts(text: str, query: Mapping[str, float], idf: Mapping[str, float]) -> Mapping[str, float] | None:
    """The query holding the official acts the message says in everyday words; None when it says none."""
    if has_vietnamese_marks(text):
        said = {match.group(1) for match in _SAID_MARKED.finditer(unicodedata.normalize("NFC", text).lower())}
    else:
        said = {_FOLDED[match.group(1)] for match in _SAID_FOLDED.finditer(fold(text))}
    if not said:
        return None
    added = {term: idf.get(term, 0.0) for key in said for term in _TERMS[key]}
    return {**added, **query}


# A person who "mất" (bị mất) has died: "mẹ tôi bị mất, làm khai tử ở đâu" loses no paper. Said of
# a person, with no paper named before it or right after it: "mẹ tôi bị mất giấy tờ" and
# "giấy đăng ký xe máy em bị mất" ("em" is often the speaker) lose one; "bố tôi bị mất hôm qua,
# đăng ký khai tử" does not.
_KIN = "bố|ba|cha|mẹ|má|ông|bà|vợ|chồng|con|anh|chị|em|cháu|cô|dì|chú|bác|cậu|người thân|người nhà"
_PAPER = "thẻ|căn cước|cccd|cmnd|ví|giấy|hộ chiếu|bằng|sổ|cà vẹt|cavet|đăng ký|biển|passport"
_AFTER = rf"(?:hết |cả |sạch )?(?:{_PAPER})|cắp|trộm"
_OWN = r"(?: (?:tôi|tui|em|mình|ruột|của tôi|của em|nhà tôi))?"
DIED_MARKED = re.compile(rf"(?<!\w)(?<!của )(?:{_KIN}){_OWN} (?:đã |vừa |mới )?(?:bị )?mất(?! (?:{_AFTER}))(?!\w)")
DIED = re.compile(rf"\b(?<!cua )(?:{fold(_KIN)}){fold(_OWN)} (?:da |vua |moi )?(?:bi )?mat(?! (?:{fold(_AFTER)}))\b")
PAPER_MARKED = re.compile(rf"(?<!\w)(?:{_PAPER})(?!\w)")
PAPER = re.compile(rf"\b(?:{fold(_PAPER)})\b")


def says_lost(text: str) -> bool:
    """Whether the message says a paper was lost (:data:`LOST_MARKED` as typed, :data:`LOST` folded).

    A person said to "(bị) mất" with no paper named before or right after has died
    (:data:`DIED_MARKED`): that "bị mất" loses no paper.
    """
    marked = has_vietnamese_marks(text)
    typed = unicodedata.normalize("NFC", text).lower() if marked else fold(text)
    lost, died, paper = (LOST_MARKED, DIED_MARKED, PAPER_MARKED) if marked else (LOST, DIED, PAPER)
    # a death is left out unless a paper was named before it (the paper is then what "bị mất")
    living = died.sub(lambda found: found[0] if paper.search(typed, 0, found.start()) else " ", typed)
    return lost.search(living) is not None


def name_head(name: str) -> frozenset[str]:
    """The terms of an official name's first :data:`NAME_HEAD` words, an opening "Thủ tục" aside."""
    words = tokens(name)
    if words[:2] == ["thu", "tuc"]:
        words = words[2:]
    return frozenset(terms_of(words[:NAME_HEAD]))


def official_terms(phrases: Sequence[Phrase]) -> frozenset[str]:
    """The terms of a national card's official name's head (all its terms when it has no qualifier)."""
    return (phrases[0].core or frozenset(phrases[0].terms)) if phrases else frozenset()


__all__ = [
    "ACTS",
    "says_lost",
    "with_acts",
    "LOST",
    "LOST_MARKED",
    "with_loss_read",
    "NAME_HEAD",
    "TWIN_PAIR",
    "VARIANT_GAP",
    "VARIANT_REACH",
    "VARIANT_WEIGHT",
    "name_head",
    "official_terms",
    "prefer_variant",
]

"""Facets: which detail of a procedure a question asks about -- the fee, the time, the papers ...

A citizen rarely asks for a whole procedure card. "Lệ phí làm lại căn cước bao nhiêu?" asks
for one fact of one procedure, and the answer should start with that fact. This module finds
the *facet* of a message from its wording alone (cue phrases, matched on folded text, in
Vietnamese with or without diacritics, chat abbreviations and English), and returns the
message without those cue phrases, so that facet words ("lệ phí", "bao lâu", "ở đâu") do not
pull the routing toward a procedure that merely mentions them.

Pure domain code: no catalog, no state. The engine decides what to answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from intents.normalize import fold


class Facet(StrEnum):
    """What is being asked."""

    FEE = "fee"
    TIME = "time"
    DOCUMENTS = "documents"
    WHERE = "where"
    ONLINE = "online"
    ELIGIBILITY = "eligibility"
    VALIDITY = "validity"
    DEADLINE = "deadline"
    RESULT = "result"
    TRACKING = "tracking"
    NONE = "none"


# Cue phrases on folded text (no diacritics, lower case), with a weight. A phrase is a regular
# expression matched on word boundaries; the facet with the highest total wins, and ties go
# to the earlier facet in this table (the more specific questions come first).
_CUES: dict[Facet, tuple[tuple[str, float], ...]] = {
    Facet.DEADLINE: (
        (r"qua han", 3),
        (r"tre han", 3),
        (r"han chot", 3),
        (r"(bi )?phat (bao nhieu|the nao|khong|ko|k)\b", 3),
        (r"co bi phat", 3),
        (r"bi phat", 2),
        (r"muc phat", 2),
        (r"trong (vong|thoi han) (bao lau|bao nhieu ngay|may ngay)", 3),
        (r"(bao lau|may ngay|bao nhieu ngay) (thi )?(phai|bat buoc)", 3),
        (r"phai (lam|di|dang ky|khai|nop|bao)\w* (trong|truoc)", 2),
        (r"cham nhat", 2),
        (r"\bdeadline\b", 3),
        (r"\b(late|penalty|penalised|penalized|fined?)\b", 3),
        (r"within how (long|many days)", 3),
        (r"how (soon|long) (do|must|should) (i|we|you) ", 2),
    ),
    Facet.FEE: (
        (r"le phi", 3),
        (r"\bphi\b", 2),
        (r"bao nhieu tien", 3),
        (r"(mat|het|ton|tra|dong|nop) (bao nhieu|bn|bnhieu|may)( tien)?\b", 2),
        (r"\bbn tien\b", 3),
        (r"\b(may|bao nhieu) (tram|nghin|ngan|trieu|k)\b", 2),
        (r"mien phi", 3),
        (r"co (mat|ton|phai tra|phai dong|phai nop) (tien|phi)", 3),
        (r"(mat|ton) tien (khong|ko|k)\b", 3),
        (r"chi phi", 3),
        (r"\b(fee|fees|cost|costs|price|charge|charges)\b", 3),
        (r"how much", 3),
        (r"\bfree\b", 2),
    ),
    Facet.TRACKING: (
        (r"tra cuu", 3),
        (r"tinh trang (ho so|xu ly)", 3),
        (r"theo doi (ho so|tien do)", 3),
        (r"(ho so|don) (cua (toi|minh|em|tui))? ?(da )?(den dau|toi dau|xu ly den dau)", 3),
        (r"(den dau|toi dau) roi", 2),
        (r"xem (lai )?(ho so|tien do|trang thai)", 2),
        (r"\b(track|tracking|status)\b", 3),
        (r"check (on )?my (application|file|request)", 3),
    ),
    Facet.RESULT: (
        (r"(nhan|lay|tra) ket qua", 3),
        (r"ket qua (tra|gui|nhan|o dau|the nao|qua)", 3),
        (r"(gui|tra|chuyen) (ve|qua) (nha|buu dien|buu chinh|dia chi)", 3),
        (r"qua (buu dien|buu chinh)", 2),
        (r"nhan (the|so|giay|ban)\w* (o dau|the nao|bang cach nao|qua|tai)", 3),
        (r"(receive|collect|pick up|picked up|delivered|get) (the )?(result|card|certificate|passport|licen[cs]e)", 3),
        (r"by post", 2),
    ),
    Facet.VALIDITY: (
        (r"(co )?gia tri (bao lau|trong bao lau|may thang|may nam|den khi nao)", 3),
        (r"(con )?(gia tri|hieu luc) (khong|ko|k)\b", 3),
        (r"hieu luc", 3),
        (r"(bao lau|khi nao|may nam|may thang) (thi )?(het han|het hieu luc)", 3),
        (r"(het han|het hieu luc) (sau|khi nao|bao lau)", 3),
        (r"dung duoc (bao lau|trong bao lau|may)", 3),
        (r"\b(valid|validity|expire|expires|expiry|expiration)\b", 3),
    ),
    Facet.DOCUMENTS: (
        (r"giay to", 3),
        (r"ho so (gom|can|phai co|bao gom|nhung gi)", 3),
        (r"thanh phan ho so", 3),
        (r"(can|phai|mang|chuan bi|nop) (nhung )?(gi|j|nhung gi)\b", 2),
        (r"can (mang|chuan bi|co) (theo )?(gi|nhung gi)", 3),
        (r"\bto khai\b", 1),
        (r"ban (sao|chinh|photo)", 1),
        (r"\b(papers?|documents?|paperwork)\b", 3),
        (r"what (do i|should i|must i) (need|bring|prepare)", 3),
    ),
    Facet.ONLINE: (
        (r"\bonline\b", 3),
        (r"\bol\b", 2),
        (r"truc tuyen", 3),
        (r"(qua|tren) (mang|internet|dien thoai|app|ung dung|vneid|cong|zalo)", 3),
        (r"(tai|o) nha (duoc|dc|khong|ko)", 2),
        (r"khong can (den|len|ra|di)", 2),
        (r"dich vu cong", 1),
        (r"\bvneid\b", 1),
        (r"\b(internet|website|web|app)\b", 2),
    ),
    Facet.WHERE: (
        (r"(o|tai|den|len|ra|toi) dau\b", 3),
        (r"\bodau\b", 3),
        (r"noi nao", 3),
        (r"cho nao", 3),
        (r"co quan nao", 3),
        (r"(xa|phuong|huyen|tinh|cong an) nao", 2),
        (r"(nop|lam|xin|dang ky|doi|cap)\w* (o|tai) (xa|phuong|tinh|cong an|uy ban|trung tam)", 2),
        (r"\bwhere\b", 3),
        (r"which (office|agency|authority)", 3),
    ),
    Facet.TIME: (
        (r"bao lau", 3),
        (r"\bbl\b", 1),
        (r"(mat|het|ton) (may|bao nhieu) (ngay|tuan|thang|hom)", 3),
        (r"(may|bao nhieu) (ngay|tuan|hom)( lam viec)?( (thi|moi) co| co ket qua)?", 2),
        (r"(khi nao|bao gio|bh|may gio) (thi )?(co|nhan duoc|lay duoc|xong)", 3),
        (r"thoi (gian|han) (giai quyet|xu ly|cap|lam)", 3),
        (r"\b(lau|nhanh) (khong|ko|k)\b", 2),
        (r"how (long|many days|many weeks|soon)", 3),
        (r"processing time", 3),
        (r"when (will|can|do) (i|we)", 2),
    ),
    Facet.ELIGIBILITY: (
        (r"dieu kien", 3),
        (r"ai (duoc|co the|thi duoc|phai)", 3),
        (r"doi tuong", 3),
        (r"co (duoc|dc) (lam|dang ky|xin|cap|huong|nhan|nop)", 2),
        (r"(toi|minh|em|tui|con toi|me toi|bo toi) co (duoc|dc|the)", 2),
        (r"(duoc|dc) (khong|ko|k)\b", 1),
        (r"\b(eligible|eligibility|entitled|qualify|requirements?)\b", 3),
        (r"(can|may) (i|a foreigner|foreigners|my)\b", 1),
        (r"who can", 3),
    ),
}
_COMPILED = {
    facet: tuple((re.compile(rf"(?<!\w){pattern}(?!\w)"), weight) for pattern, weight in cues)
    for facet, cues in _CUES.items()
}
_ORDER = list(_CUES)


@dataclass(frozen=True)
class FacetReading:
    """The facet of a message, how sure the reading is, and the message without its cue phrases."""

    facet: Facet
    score: float
    topic: str  # the folded message with the facet's cue phrases removed


def read_facet(text: str) -> FacetReading:
    """Which detail the message asks about (``Facet.NONE`` when it names no detail)."""
    folded = " ".join(fold(text).split())
    scores: dict[Facet, float] = {}
    spans: dict[Facet, list[tuple[int, int]]] = {}
    for facet, cues in _COMPILED.items():
        for pattern, weight in cues:
            for match in pattern.finditer(folded):
                scores[facet] = scores.get(facet, 0.0) + weight
                spans.setdefault(facet, []).append(match.span())
    if not scores:
        return FacetReading(Facet.NONE, 0.0, folded)
    best = max(scores, key=lambda facet: (scores[facet], -_ORDER.index(facet)))
    if scores[best] < 2:
        return FacetReading(Facet.NONE, scores[best], folded)
    topic = folded
    for start, end in sorted(spans[best], reverse=True):
        topic = topic[:start] + " " + topic[end:]
    return FacetReading(best, scores[best], " ".join(topic.split()))


__all__ = ["Facet", "FacetReading", "read_facet"]

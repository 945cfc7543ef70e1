"""Facets: which detail of a procedure a question asks about -- the fee, the time, the papers ...

A citizen rarely asks for a whole procedure card. "Lệ phí làm lại căn cước bao nhiêu?" asks
for one fact of one procedure, and the answer should start with that fact. This module finds
the *facet* of a message from its wording alone (cue phrases, matched on folded text, in
Vietnamese with or without diacritics, chat abbreviations and English), and returns the
message without those cue phrases, so that facet words ("lệ phí", "bao lâu", "ở đâu") do not
pull the routing toward a procedure that merely mentions them.

How a reading is made:

* Cue phrases are regular expressions on folded text with a weight. Where two cues overlap,
  the heavier (then the longer) one keeps the words: "có giá trị bao lâu" is a validity cue,
  and its "bao lâu" no longer counts for the processing time.
* The clause that asks counts most. A message is cut into clauses at punctuation; the last
  clause that asks something (a question mark or a question word) weighs fully, other asking
  clauses a little less, and statements ("e ở nước ngoài chưa về đc") half; a short asking
  tail ("..., làm thế nào ạ?") joins the clause before it. Equal scores go to the later cue.
* Context that is not the ask is discounted: something already done ("đã đóng lệ phí rồi",
  "nộp trên VNeID xong thì ...", "I've paid the fee"), a condition ("if I apply online",
  "nếu ... thì"), and the topic before "thì" when another detail is asked after it
  ("làm online thì bao lâu được duyệt?" asks for the time).
* A message that asks for the whole procedure ("hướng dẫn", "thủ tục", "làm sao để",
  "how do I") scores for NONE, which wins unless a detail is asked more strongly.

Pure domain code: no catalog, no state. The engine decides what to answer. Every message goes
through here, so it stays cheap: each cue is tried, anchored, only where a word it can start
with stands and the next word can follow it (about 0.15 ms for a 300-character message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

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


# Word classes used inside cue phrases as {NAME}.
_MACROS = {
    # "không?" as typed in chat
    "NEG": r"(?:khong|ko|k|kg|kh|hong|hok|hem|khum|hk)",
    "DC": r"(?:duoc|dc)",
    # "hộ" for someone, not the "hộ" of "hồ sơ", "hộ chiếu", "hộ khẩu", "hộ kinh doanh" ...
    "ON_BEHALF": r"ho(?! (?:so|chieu|khau|kinh|ngheo|gia dinh|tich|ten|dan|tro|ca the|can ngheo))",
    # a paper one brings or attaches
    "DOC": (
        r"(?:cccd|can cuoc|giay|ban sao|ban chinh|so ho khau|anh|hinh|to khai|hop dong|xac nhan|chu ky|ho chieu|"
        r"bang|cong chung|chung thuc|don|bien ban|ban ve|chung nhan|hop phap hoa|dich|mau)"
    ),
    # to receive or collect ("chứng nhận", "xác nhận", "tiếp nhận" are other words)
    "RECEIVE": r"(?:(?<!chung )(?<!xac )(?<!tiep )nhan|lay|linh|trao)",
    "BN": r"(?:bao nhieu|bao nhiu|bn|bnhieu|bnh)",
    # a unit of duration (after "mấy"/"bao nhiêu" it asks for a time, not a price)
    "UNIT": r"(?:ngay|tuan|thang|nam|hom|bua|gio|tieng|buoi)",
    "HOW": r"(?:the nao|nhu the nao|ntn|nhu nao|lam sao|ra sao|kieu gi|kieu nao|cach nao|bang cach nao)",
    # where a paper is issued or handed in
    "PLACE": (
        # "tỉnh" folds like "tính" (to count): "tính theo", "tính thế nào" are not places
        r"(?:xa|phuong|huyen|quan|tinh(?! (?:tu|theo|the|sao|bang|nhu|phi|tien|ra|lai|la))|thanh pho|cong an|"
        r"ubnd|uy ban|mot cua|trung tam|van phong|phong|so|cuc|chi cuc|buu dien|noi|que|tru so|co quan|"
        r"dia phuong|thi tran|thon|ap|to dan pho|khu pho|cong ty|benh vien|truong|ngan hang|bhxh|kho bac)"
    ),
    # a paper or card the applicant receives
    "PAPER": (
        r"(?:ket qua|kq|giay|giay to|the|so|so do|ban|bang|bien so|bien|ho chieu|passport|can cuoc|cccd|"
        r"trich luc|phieu|bien lai|quyet dinh|giay phep|tien)"
    ),
}

# Cue phrases on folded text (no diacritics, lower case), with a weight. A phrase is a regular
# expression matched on word boundaries; it must start with plain words (so that it can be
# looked up by its first word). Phrases describe how people ask for each detail in general
# (question frames), not the wording of particular questions. Weights: 1-2 a hint that needs
# company, 3 a clear cue, 4-5 a frame that settles the reading and keeps its words from the
# weaker cues it overlaps ("có giá trị bao lâu" is validity, its "bao lâu" no longer time).
_CUES: dict[Facet, tuple[tuple[str, float], ...]] = {
    Facet.FEE: (
        (r"le phi", 3),
        (r"(?<!mai tang )(?<!hoc )(?<!tu tuat )(?<!an )phi(?! nong nghiep)", 2),
        (r"chi phi", 3),
        (r"mien phi", 3),
        (r"{BN} tien", 3),
        (r"may tien", 3),
        (r"(?:may|{BN}) (?:tram|nghin|ngan|trieu|k|cu|lit|xi)", 3),
        (r"gia (?:sao|the nao|ntn|{BN}|ca (?:the nao|sao|ra sao))", 3),
        (r"(?:mat|het|ton|tra|dong|nop|chi|gia|tinh|la|muc|thu) {BN}(?! (?:{UNIT}|lan|tuoi|nguoi|lau|km|ban))", 3),
        (r"{BN}(?: 1| mot)? (?:1|mot) (?:ban|bo|lan|to|trang|quyen|cai)", 3),
        # a bare "bao nhiêu" that ends the question asks for an amount of money
        (r"(?<!von )(?<!tuoi )(?<!nguoi ){BN}(?= ?(?:a|ah|z|v|vay|ha|nhi|ad|mn|the|day|nhe|\?|,|\.|$))", 2),
        (r"(?:ton|mat|het|tra|dong|nop) (?:dong|xu|dong xu) nao", 3),
        (r"co (?:phai|can|bi) (?:mat|ton|tra|dong|nop|thu|chiu) (?:tien|phi|le phi|khoan|thue)(?! phat)", 4),
        (r"co (?:mat|ton|tra|chiu|thu) (?:tien|phi|le phi|khoan)(?! phat)", 4),
        (r"ton kem", 3),
        (r"(?:dong|nop|tra|mat|chiu|thu) (?:\w+ ){0,2}(?:thue|phi|tien|khoan)(?: \w+)? (?:gi|j|nao)", 3),
        (r"(?:thu|tinh) (?:tien|phi)", 2),
        (r"(?:phi|tien|le phi|thue)(?: \w+){0,6} tinh (?:the nao|ntn|sao|ra sao|nhu the nao)", 3),
        (r"(?:giam|mien|re) (?:\w+ )?(?:le phi|phi|tien)", 3),
        (r"(?:need|have) to pay(?! (?:my|the|a|this) (?:\w+ )?fine)", 3),
        (r"(?:re|dat) hon", 2),
        (r"(?:may|{BN}) (?:phan tram|%)", 3),
        (r"(?:fee|fees|cost|costs|costing|price|prices|charge|charges|charged)", 3),
        (r"how much(?! (?:time|longer))", 3),
        (r"what (?:do|will|would|should|must) (?:i|we) pay", 4),
        (r"free", 2),
        (r"(?:a|any) payment", 3),
        (r"(?:pay|paying) (?:anything|something|for it|a fee|money)", 3),
        (r"(?:cheaper|expensive|lower|higher|discount|reduced)", 2),
    ),
    Facet.TIME: (
        (r"(?:bao|{BN}) lau", 3),
        (r"(?:mat|het|ton|khoang|tam|chung|la) (?:may|{BN}) {UNIT}", 3),
        (
            r"(?:may|{BN}) (?:ngay|tuan|thang|hom|bua|tieng)(?: lam viec)?(?: (?:thi|moi|la|se|nua))? "
            r"(?:co|xong|nhan|lay|duoc|dc|ra|cap|tra|duyet|giai quyet)",
            4,
        ),
        (r"(?:may|{BN}) (?:ngay|tuan|thang|hom|bua)(?: lam viec)?", 2),
        (
            r"(?<!chua )(?<!khong )(?<!ko )(?:bao lau|khi nao|bao gio|bh|luc nao|hom nao|may gio|bao h|chung nao)"
            r"(?: nua)?(?: thi| moi| se| la)? "
            r"(?:co|xong|nhan|lay|duoc|dc|ra|cap|tra|duyet|giai quyet|lam xong)",
            4,
        ),
        (r"(?:trong ngay|trong (?:1|mot) ngay|ngay trong ngay|lay ngay|lay lien|co ngay|co lien|lay luon)", 5),
        (
            r"(?:cap|giai quyet|xu ly|tra ket qua|lam)(?: \w+){0,2} trong (?:vong |thoi han |thoi gian )?"
            r"(?:bao lau|may|{BN})",
            5,
        ),
        (r"(?:lam|xu ly|cap|lay) (?:gap|nhanh|khan|hoa toc)(?: \w+)? (?:duoc|dc) {NEG}", 3),
        (r"(?:express|expedite|expedited|urgent|fast track)", 3),
        (
            r"(?<!chua )(?:khi nao|bao gio|bh|luc nao|hom nao|ngay nao|chung nao)(?: \w+){0,4} (?:co the |duoc )?"
            r"(?:den |len |ra |di )?(?:lay|nhan|co|xong)",
            4,
        ),
        (r"within (?:a |one |two |three |\d+ )?(?:days?|weeks?|months?)", 3),
        (
            r"(?:sang|chieu|mai|ngay mai|hom nay|trong ngay|tuan sau|cuoi tuan)(?: nay)? (?:la |thi )?"
            r"(?:(?:co (?:the )?)?(?:lay|nhan|xong)|co (?:ket qua|giay|the|so))(?: \w+)? (?:duoc|dc|{NEG}|chua)",
            4,
        ),
        (r"(?:same day|on the spot|immediately|right away)", 3),
        (r"(?:co|lay|nhan|cap)(?: \w+)? (?:lien|ngay|luon|lien tay)(?: \w+)? (?:{NEG}|duoc|dc|hay)", 3),
        (r"thoi gian (?:giai quyet|xu ly|cap|lam|cho|nhan|tra|duyet|thu ly|cho doi)", 4),
        (r"mat (?:nhieu )?thoi gian", 2),
        (r"(?:mat|het|ton|can) (?:{BN}|bao lau) thoi gian", 4),
        (r"tu (?:luc|khi|ngay) nop (?:\w+ ){0,4}(?:den|toi) (?:luc|khi|ngay) (?:nhan|co|lay)", 5),
        (
            r"(?:may|{BN}) (?:ngay|tuan|thang|hom|bua)(?: \w+){0,3} (?:moi|thi|se|la) "
            r"(?:ve|co|xong|nhan|lay|duoc|dc|ra)",
            4,
        ),
        (r"when (?:can|should|will|do|may) (?:i|we) expect", 4),
        (r"how soon (?:can|should|will) (?:i|we) expect", 4),
        (r"(?:co )?lau {NEG}", 2),
        (r"nhanh {NEG}", 2),
        (r"(?:nhanh|som|gap) hon", 3),
        (r"(?:lam|lay|cap|xu ly) (?:gap|nhanh|som)(?! (?:chong|len))", 2),
        (r"co kip", 2),
        (r"(?:nhanh|som) nhat (?:la )?(?:may|bao|{BN})", 3),
        (r"how long", 3),
        (r"how (?:many|much) (?:working |business )?(?:days|weeks|months|time)", 3),
        (r"(?:how soon|how quickly|how fast)", 3),
        (r"when (?:will|would|can|do|does) (?:i|we) (?:get|receive|have|collect)", 3),
        (r"will (?:the|my|it|they|our) (?:\w+ ){0,6}be ready", 3),
        (r"(?:ready|done) (?:in time|by)", 3),
        (r"(?:processing|waiting|wait|turnaround) time", 4),
        (r"how long is the wait", 4),
        (r"turnaround", 3),
        (r"when (?:will|would|can|does|do) (?:\w+ ){0,8}(?:be )?(?:ready|issued|done|finished|approved|processed)", 3),
    ),
    Facet.VALIDITY: (
        (
            r"(?:co )?gia tri(?: su dung)? (?:bao lau|trong bao lau|may|{BN}|den|toi|trong|vinh vien|suot)",
            5,
        ),
        (r"(?:con|het|mat|khong con|con co) (?:gia tri|hieu luc)", 4),
        (r"(?:co |con )?gia tri {NEG}", 4),
        (r"hieu luc", 3),
        (r"(?<!trong )(?:co )?thoi han(?: su dung)? (?:{NEG}|bao lau|may|{BN}|la|den|toi|the nao|ra sao)", 5),
        (r"(?:thoi han su dung|han su dung|han dung|gia tri su dung)", 4),
        (r"(?:vo|khong co|ko co|co) thoi han", 4),
        (r"(?<!trong )(?<!trong vong )thoi han", 2),
        (r"(?:co )?gia tri(?: su dung)? (?:\d+|mot|hai|ba|sau) (?:thang|nam|ngay)", 5),
        (r"(?:may|{BN}) nam (?:phai )?(?:di )?(?:doi|gia han|lam lai|cap doi)(?: lai)?(?: (?:1|mot) lan)?", 5),
        (
            r"(?:bao gio|khi nao|bao lau|may nam|may thang|luc nao|nam nao|ngay nao|bh|bao h)(?: thi| la| se| moi)?"
            r" (?:het han|het hieu luc|het gia tri)",
            5,
        ),
        (r"(?:het han|het hieu luc) (?:khi nao|bao gio|luc nao|vao|sau|chua|bh|(?:ngay|thang|nam) (?:nao|may))", 5),
        (r"(?:nop|dung|su dung|xai) (?:\w+ )?con (?:duoc|dc)", 4),
        (r"co (?:bi )?het han {NEG}", 5),
        (
            r"dung(?: duoc| dc)? (?:bao lau|may nam|may thang|mai|suot doi|vinh vien|tron doi|lau dai|ca nam|het nam|"
            r"(?:den|toi) (?:khi nao|bao gio|bh|luc nao|(?:nam|thang|ngay) (?:nao|may)))",
            5,
        ),
        (r"(?:o|luu tru|luu tru|dung|su dung|ton tai)(?: duoc)? (?:toi da|trong) (?:bao lau|may|{BN})", 5),
        (r"toi da (?:duoc )?(?:bao lau|may thang|may nam|may ngay)", 4),
        (r"how long (?:can|may) (?:i|we|you|they|he|she) (?:use|keep|stay)", 5),
        (r"(?:co )?hieu luc (?:bao lau|trong bao lau|may|{BN}|den|toi|trong)", 5),
        (r"con (?:dung|su dung|xai|nop) (?:duoc|dc)", 4),
        (r"(?:khong|ko) qua (?:\d+|may) (?:thang|ngay|nam)", 3),
        (
            r"(?:may tuoi|{BN} tuoi|bao lau|may nam|bao gio|khi nao|bh)(?: thi| la)?(?: phai)?"
            r" (?:doi|gia han|cap doi|lam lai|doi lai|thay)",
            5,
        ),
        (r"(?:doi|lam|cap doi|gia han)(?: lai)? (?:khi|luc|sau|truoc) (?:du |den |toi |sinh nhat )?\d+ tuoi", 4),
        (r"phai (?:doi|gia han|cap doi|lam lai|doi lai)(?: lai)? (?:khi|sau|luc|truoc|het han|moi)", 4),
        (r"(?:co )?(?:phai|can|bat buoc) (?:gia han|doi|doi lai|cap doi|lam lai)(?: \w+){0,3} {NEG}", 4),
        (r"(?:doi|gia han|kham|cap doi) dinh ky", 4),
        (r"con han(?: \d+| may| bao)?", 3),
        (
            r"how many (?:years|months) (?:is|are|does|do|will|can) (?:\w+ ){0,6}(?:valid|last|good|be used)",
            5,
        ),
        (r"good for", 3),
        (r"(?:end date|expiry date|expiration date|valid until|valid till)", 4),
        (r"(?:co |con )?(?:duoc|dc) chap nhan", 3.5),
        (r"(?:\d+|mot|hai|nam|muoi) nam hay (?:\d+|mot|hai|nam|muoi) nam", 4),
        (r"(?:need|needs|have|has|must) (?:to be renewed|renewing)", 4),
        (r"(?:do|must|should) (?:i|we|you) (?:need to |have to )?renew (?:\w+ ){0,4}(?:every|each|after|at)", 4),
        (r"renew(?: \w+){0,5} (?:every|each|annually|yearly)", 4),
        (r"how often (?:\w+ ){0,3}renew", 5),
        (r"tinh tu (?:luc|ngay|khi) (?:cap|nhap canh|ky|duoc cap)", 4),
        (r"(?:dung|su dung) (?:duoc )?(?:het|du) (?:\d+ )?(?:thang|nam|ngay)", 4),
        (r"gia han (?:hang nam|moi nam|hang thang|dinh ky|bao lau|may nam)", 4),
        (r"(?:co )?han \d+ nam", 4),
        (r"han(?: dung| su dung)? (?:toi|den) (?:bao gio|khi nao|bh|luc nao|ngay nao|nam nao|thang nao)", 5),
        (r"(?:dung|xai) mai", 4),
        (r"(?:dung|su dung|xai) tiep(?: \w+)? (?:duoc|dc)", 4),
        (r"(?:hay|hoac) (?:la )?phai (?:xin|lam|cap|doi) lai", 3),
        (r"(?:suot doi|tron doi|vinh vien)", 3),
        (r"(?:valid|validity|expire|expires|expiry|expiration)", 3),
        (
            r"how long (?:is|are|does|do|will) (?:\w+ ){0,8}(?:valid|last|good|accepted|recogni[sz]ed|usable|"
            r"effective|in effect)",
            5,
        ),
        (r"(?:at what|after what|after a certain|a certain) age", 3),
        (r"still (?:be )?(?:valid|usable|good|use|used|accepted|recogni[sz]ed|in effect)", 4),
    ),
    Facet.DEADLINE: (
        (r"qua han", 3),
        (r"tre han", 3),
        (r"(?:han chot|han cuoi)", 4),
        (r"(?<!thoi )(?<!gia )han (?:nop|dang ky|khai|dong|lam|bao)", 4),
        (r"(?:den|truoc|toi) ngay (?:may|nao)", 3),
        (r"thoi han (?:phai )?(?:dang ky|khai|nop|bao|lam|dong|di)", 4),
        (r"thoi han (?:nao )?(?:phai|de|cho viec) (?:dang ky|khai|nop|bao|lam|dong|di|sang ten)", 5),
        (r"(?:may|{BN}) (?:ngay|tuan)(?: thi| la)? (?:phai|bat buoc)", 5),
        (
            r"(?<!khong )(?<!ko )(?:muon|tre|cham|qua)(?: hon)? (?:\d+|may|vai) (?:ngay|tuan|thang|nam)(?: \w+){0,3} "
            r"(?:co sao|bi phat|co bi|thi sao|co duoc|con)",
            5,
        ),
        (r"(?:phai|bat buoc|can)(?: \w+){0,5} trong (?:vong |thoi han |thoi gian )?(?:bao lau|may|{BN})", 5),
        (
            r"sau khi (?:\w+ ){1,5}(?:bao lau|may ngay|{BN} ngay|may thang|{BN} thang)(?: \w+){0,2}"
            r"(?: thi| la)? (?:phai|bat buoc)",
            5,
        ),
        (r"ke tu", 2),
        (r"ngay sau khi", 3),
        (r"(?:de|tre|muon) lau (?:\w+ )?(?:duoc|dc|co sao)", 4),
        (r"(?:lam|dang ky|khai|nop|bao|dong|di) trong (?:vong |thoi han )(?:bao lau|may|{BN})", 4),
        (r"trong thoi han bao lau", 5),
        (
            r"(?:bao lau|may ngay|{BN} ngay|may thang|{BN} thang|khi nao|bao gio|luc nao)(?: thi| la)?"
            r" (?:phai|bat buoc|can phai)(?! (?:doi|gia han|lam lai|cap doi|doi lai|cho))",
            5,
        ),
        (
            r"(?:bao lau|may ngay|{BN} ngay|may thang|{BN} thang)(?: \w+){1,6} (?:thi |la )?(?:phai|bat buoc)"
            r"(?! (?:doi|gia han|lam lai|cap doi|doi lai|cho|mang|nop ho so|chuan bi))",
            4,
        ),
        (
            r"phai (?:di |lam |di lam )?(?:dang ky|khai|nop|bao|dong|sang ten|lam|di)(?: \w+){0,4} "
            r"(?:truoc (?:ngay|khi|thoi han|han|\d|may|bao|thang)|cham nhat)",
            4,
        ),
        (r"truoc (?:ngay nao|may gio|khi nao|bao gio|thoi diem nao)", 3),
        (r"cham nhat", 3),
        (r"(?:co )?(?:muon|tre|cham) (?:qua )?{NEG}", 3),
        (r"(?:tre|muon|cham|qua han) (?:\w+ ){0,4}(?:phat|bi|xu ly|sao)", 3),
        (r"(?<!khong )(?<!ko )(?:muon|tre|cham|qua)(?: hon)? (?:\d+|may|vai) (?:ngay|tuan|thang|nam)", 3),
        (r"(?:co )?bi xu (?:phat|ly)", 4),
        (r"(?:get|be|in|into) (?:into )?trouble", 3),
        (r"consequences?", 3),
        (
            r"(?:\d+|may|nhieu|mot|hai|ba|vai) (?:ngay|tuan|thang|nam)(?: \w+){0,2} (?:roi )?moi (?:di |lam )?"
            r"(?:nop|lam|dang ky|khai|bao|di|gia han|doi|sang ten)",
            4,
        ),
        (r"(?:co )?con (?:\w+ ){0,2}(?:duoc|dc|kip) {NEG}", 2.5),
        (r"tien phat", 3),
        (r"con kip", 3),
        (r"(?:co )?bi phat (?:gi|j|tien|{NEG}|{BN}|bao|the nao|ra sao|sao|nang|hanh chinh)", 5),
        (r"co bi phat", 4),
        (r"(?:bi |muc |tien )?phat (?:{BN}|the nao|ra sao|may)", 4),
        (r"muc phat", 4),
        (r"co bi (?:gi|j|sao|lam sao|xu ly|cong tien|mat quyen|phat) {NEG}", 4),
        (r"(?:cong tien|mat quyen)", 3),
        (
            r"(?:het han|qua han|tre|muon|chua (?:dang ky|doi|lam|khai|bao|sang ten|gia han))(?: \w+){0,6} "
            r"(?:co sao|bi sao|co bi gi|co van de gi|co anh huong gi)",
            4,
        ),
        (r"co sao {NEG}", 2),
        (
            r"(?:het han|qua han|tre|muon)(?: \w+){0,6} (?:roi|lau|thi|ma)(?: thi| ma)?(?: co)? con(?: \w+){0,3} "
            r"(?:duoc|dc|kip)",
            5,
        ),
        (r"(?:deadline|time limit)", 4),
        (r"(?:dung|kip) (?:thoi )?han", 3),
        (r"neu (?:khong|ko|chua) (?:\w+ ){1,6}(?:thi )?(?:sao|bi gi|co sao|co bi gi)", 3),
        (r"(?:fine|fines|penalty) (?:for|if)", 4),
        (r"on time", 2),
        (r"(?:register|report|file|renew|declare|pay|apply)(?:ing)? (?:\w+ ){0,4}late", 4),
        (r"by when", 4),
        (r"(?:the )?latest (?:i|we|you|date|day)", 4),
        (r"how long (?:\w+ ){0,8}(?:must|have to|need to)", 4),
        (r"when (?:do|must|should|will) (?:i|we|you) (?:have to|need to|must)", 4),
        (r"within how (?:long|many)", 4),
        (
            r"how (?:soon|long|many days|many weeks|many months)(?: \w+){0,4} (?:do|must|should|will) (?:i|we|you) "
            r"(?:have to|need to|must|register|report)",
            5,
        ),
        (r"(?:penalty|penalties|penalised|penalized|fined|late fee|too late)", 4),
        (r"late", 2),
        (r"what happens if (?:i|we|you) (?:do not|dont|don t|miss|am|are|forget|fail|never)", 4),
        (r"(?:must|have to|need to) (?:\w+ ){0,4}within", 4),
    ),
    Facet.DOCUMENTS: (
        # "chưa có giấy tờ gì" tells that there are none: not an ask
        (
            r"(?<!chua co )(?<!khong co )(?<!ko co )(?<!k co )(?<!co to )(?<!co cai )"
            r"(?:giay to|giay|ho so|hs|tai lieu|chung tu)"
            r"(?: chung minh| kem theo)? (?:gi|j|nao|nhung gi)",
            4,
        ),
        (r"ho so (?:gom|bao gom|can (?:nhung|co|gi|j)|phai co|co nhung|nhu the nao)", 4),
        (r"(?:thanh phan ho so|bo ho so)", 4),
        (
            r"(?:can|phai|mang|chuan bi|nop|xuat trinh|dem|gom|bao gom)(?: theo| co)?(?: nhung)? "
            r"(?:gi|j|cai gi|thu gi)",
            3,
        ),
        (
            r"(?:can|mang|chuan bi|phai co|gom|bao gom|kem|xuat trinh)(?: theo)?(?: nhung)?"
            r" (?:giay to|giay|ho so|tai lieu)",
            3,
        ),
        (
            r"(?:co )?(?:can|phai) (?:mang|nop|chuan bi|xuat trinh|kem|cong chung|chung thuc|photo|sao y)"
            r"(?: theo| lai| kem)?(?: \w+){0,5} {NEG}",
            2.5,
        ),
        (
            r"(?:co can|(?:co )?(?:phai|can) co) (?:\w+ ){0,3}{DOC}",
            3,
        ),
        (r"ban (?:sao|chinh|photo|goc)(?: \w+){0,2} (?:duoc|dc) {NEG}", 3),
        (r"photo (?:duoc|dc) {NEG}", 3),
        (r"to khai", 1),
        (
            r"(?<!copies of )(?<!copy of )(?<!translation of )"
            r"(?:papers|documents?|documentation|paperwork|(?<!a )paper(?! (?:copy|version|one|\w+ certificate)))"
            r"(?! (?:notari|certif|translat|legali|stamp))",
            3,
        ),
        (
            r"what (?:do|should|must|will) (?:i|we) (?:have to |need to )?(?:need|bring|prepare|submit|provide|"
            r"show|include|attach)(?! to do)",
            3,
        ),
        (r"what (?:is|are) (?:needed|required)", 3),
        (r"(?:checklist|list of (?:documents|papers|requirements))", 3),
        (r"proof of", 3),
        (
            r"(?:ban chinh|ban sao|ban goc|ban photo|photo|cong chung)(?: \w+){0,2} hay "
            r"(?:ban chinh|ban sao|ban goc|ban photo|photo|cong chung)",
            4,
        ),
        (
            r"(?:can|mang|chuan bi)(?: nhung| them)? (?!lam |phai |biet |hoi |dieu kien |o |tai |den |di |ra |len )"
            r"(?:\w+ ){1,2}(?:gi|j|nao)",
            3,
        ),
        (r"anh(?: the)? (?:\w+ )?(?:may|{BN}|kich thuoc|co) (?:cm|tam|kieu)", 4),
        (r"(?:may|{BN}) tam anh", 4),
        (r"(?:which|what) forms?", 3),
        (r"fill (?:in|out)", 2),
        (r"(?:attach|enclose)", 3),
        (
            r"(?:what|which) (?:\w+ )?(?:proof|documents?|papers?|id|evidence|forms?) (?:do|does|will|would) "
            r"(?:they|you|i|we) "
            r"(?:accept|need|require|want)",
            4,
        ),
        (
            r"(?:copy|copies|photocopy|original|originals)(?: \w+){0,4} "
            r"(?:enough|ok|okay|accepted|acceptable|sufficient)",
            3,
        ),
        (
            r"(?:need|needs|want|wants|require|requires|accept|accepts) (?:the |an |a )?"
            r"(?:original|photocopy|certified copy)",
            3,
        ),
        (r"(?:do|does|will) (?:i|we|you|they) need (?:to bring|to submit|to provide|to show|to prepare)", 3),
        (
            r"(?:do|does|will) (?:i|we|you|they) need (?:a |an |the |my |our )(?:\w+ ){0,3}(?:copy|copies|"
            r"certificate|passport|photos?|id|card|translation|document|papers?|form|proof|letter|contract|book|"
            r"notari[sz]ed|witness)",
            3,
        ),
        (r"(?:to khai|mau don|mau to khai|mau)(?: \w+){0,4} (?:lay|tai|tim)(?: \w+)? (?:o dau|tai dau|dau)", 5),
        (r"mau (?:nao|gi|j|so may)", 4),
    ),
    Facet.WHERE: (
        (r"(?:o|tai|den|len|ra|toi|di|ve|nop|xin|lam|dang ky|cho) dau(?! (?:roi|tien|ra))", 3),
        (r"odau", 3),
        (r"(?:o|tai|di|ra|den|len|lam|xin|nop) mo", 3),  # central dialect: "ở mô" = "ở đâu"
        (
            r"(?:noi|cho|co quan|don vi|phong|bo phan|trung tam|chi nhanh|cap|quan|huyen|xa|phuong|tinh|"
            r"cong an|ubnd|uy ban|so|cuc|chi cuc|tru so|ben)(?: (?!the |nhu )\w+){0,3} nao",
            3,
        ),
        (
            r"hay (?:la )?(?:phai )?(?:(?:len|ra|den|ve|o|tai|di|toi|nop|lam|cho|qua|gui)(?: o| tai| cho)? )?"
            r"{PLACE}",
            3,
        ),
        (r"(?:lam|nop|xin|dang ky|doi|cap|bao|khai)(?: \w+){0,3} (?:o|tai) {PLACE}(?: \w+){0,2} {DC} {NEG}", 3),
        (r"(?:nop|lam|xin|dang ky|doi|cap|bao|khai|chung thuc|cong chung)(?: \w+){0,3} (?:o|tai) {PLACE}", 2),
        (r"o dau cung (?:duoc|dc)", 4),
        (r"(?:an|a|the|specific|particular|special|right) office (?:for|that|to|handles|handling)", 3),
        (
            r"dia chi (?:cua )?(?:bo phan|co quan|van phong|phong|uy ban|ubnd|cong an|trung tam|so|chi cuc|"
            r"mot cua|phuong|xa|quan|huyen|toa an|chi nhanh)",
            4,
        ),
        (r"(?:phai|co phai|can) ve (?:que|noi|tinh|xa|phuong)", 3),
        (r"hay (?:\w+ )?(?:o|tai) (?:day|do)", 3),
        (r"where", 3),
        (
            r"(?:ward|commune|district|province|provincial|city|police|people s committee|department|office)"
            r"(?: \w+){0,2} or (?:the |at the |to the )?(?:\w+ )?(?:ward|commune|district|province|provincial|"
            r"city|police|people s committee|department|office)",
            4,
        ),
        (
            r"which (?:\w+ )?(?:office|agency|authority|department|police|station|commune|ward|province|body|place|"
            r"centre|center|level|court|city)",
            4,
        ),
    ),
    Facet.ONLINE: (
        (r"(?:online|onl|truc tuyen|qua mang|tren mang|qua internet|tren internet)", 3),
        (
            r"(?:qua|tren|vao|dung) (?:app|ung dung|dien thoai|dt|vneid|vssid|etax|etax mobile|cong dich vu cong|"
            r"cong dvc|dich vu cong|dvc|cong|zalo|web|website|trang web|may tinh|mang|he thong|tai khoan|vi dien tu|"
            r"ngan hang|internet banking)",
            3,
        ),
        (r"bang (?:app|ung dung|dien thoai|vneid|vssid|may tinh)", 2),
        (r"(?:app|ung dung|trang|trang web|web|website) nao", 4),
        (r"(?:app|ung dung|web|website|internet|vneid|vssid)", 1),
        (r"(?:dich vu cong|dvc)", 0.5),
        (r"(?:tai|o) nha (?:duoc|dc|{NEG})", 2),
        (r"(?:khong can|khong phai|thay vi|ko can|ko phai|k can) (?:phai )?(?:den|len|ra|di|toi|chay|ve)", 2),
        (r"hay (?:la )?(?:phai )?(?:len|ra|den|toi|di) (?:truc tiep|tan noi)", 2),
        # "online ... hay phải lên ...": the alternative of going in person
        (
            r"(?:online|truc tuyen|qua mang|tren mang|vneid|vssid|app|ung dung|dvc|dich vu cong|dien thoai|internet|"
            r"web|website|zalo)(?: \w+){0,4} "
            r"(?:hay|hoac) (?:la )?(?:phai )?(?:len|ra|den|toi|di|nop|lam)",
            5,
        ),
        (r"truc tiep", 1),
        (r"thao tac", 2),
        (r"(?:nop|ho so|hs|khai|thanh toan|to khai) (?:ho so )?dien tu", 3),
        (r"(?:app|ung dung|vneid|vssid|dvc|dich vu cong|cong|web|website) co (?:muc|chuc nang|phan|cho)", 3),
        (r"nop tu (?:xa|nuoc ngoai)", 2),
        (r"tu xa", 3),
        (
            r"(?:on|via|through|using|with|in|from) (?:the |my |a )?(?:\w+ ){0,3}(?:vneid|app|portal|website|internet|"
            r"phone|smartphone|computer|laptop|mobile|e ?tax|web)",
            3,
        ),
        (r"in person", 2),
        (r"(?:turn|show|come|go) (?:up|in)", 2),
        (r"(?:digitally|electronically|remotely)", 2),
        (r"(?:a|an|any|which|what) (?:app|apps|website|portal)", 3),
        (r"(?:from home|remotely|without going|instead of going)", 2),
    ),
    Facet.ELIGIBILITY: (
        (r"dieu kien", 3),
        (r"doi tuong", 3),
        (r"thuoc (?:dien|doi tuong)", 4),
        (r"(?:co|duoc) quyen", 3),
        (
            r"(?:{BN}|may|nao)(?! {UNIT}| lau)(?: \w+){0,2} (?:thi|moi) (?:duoc|dc) "
            r"(?:xet|cong nhan|huong|vao|tham gia)",
            4,
        ),
        (r"duoc xet", 3),
        (r"(?:doi tuong|truong hop) nao(?: thi)? (?:duoc|dc|phai|moi|khong duoc)", 4),
        (r"(?:co|con) (?:duoc|dc) (?:phep )?(?!khong|ko|k )\w+(?: \w+){0,8} {NEG}", 2),
        (
            r"(?:is|are|am) (?:he|she|i|we|they|my \w+) (?:both |all |also |still )?"
            r"(?:able|allowed|permitted|eligible) to",
            3,
        ),
        (r"tuoi (?:\w+ ){0,4}(?:duoc|dc) (?:chua|{NEG})", 3),
        (r"(?:co )?bat buoc (?:phai )?(?:\w+ ){0,4}{NEG}", 2.5),
        (r"ai (?:duoc|dc|co the|thi duoc|phai|lam|dang ky|co quyen|dung ten|nop|di)", 4),
        (r"ai (?:la nguoi|se la nguoi|chiu trach nhiem|co trach nhiem|dung ra)", 4),
        (r"nguoi (?:nao|ai) (?:duoc|co the|phai|dung ra|co quyen)", 4),
        (r"allowed", 2.5),
        (r"(?:has|have|had) the right to", 4),
        (
            r"(?:co |con )?(?:duoc|dc) (?:phep )?(?:lam|dang ky|dk|xin|cap|huong|nhan|nop|rut|tham gia|dung ten|"
            r"dung|khai|doi|mua|ban|vay|ket hon|tach|nhap|cho|dong)(?: \w+){0,8} {NEG}",
            2.5,
        ),
        (r"(?:co |con )?(?:duoc|dc) (?:huong|tham gia|ho tro|tro cap|rut|nhan tro cap)(?: \w+){0,8} {NEG}", 4),
        (
            r"(?:lam|xin|nop|di|dang ky|dk|lam thu tuc|di lam|ky)(?: \w+){0,5} (?:thay|gium|giup|dum|{ON_BEHALF})"
            r"(?: \w+){0,3} (?:duoc|dc) {NEG}",
            4,
        ),
        (
            r"(?:thay|gium|dum|{ON_BEHALF}) (?:cho )?(?:em|e|toi|minh|me|bo|con|chau|ong|ba|vo|chong|nguoi khac)? ?"
            r"(?:duoc|dc) {NEG}",
            4,
        ),
        (r"nho (?:\w+ ){1,4}(?:lam|xin|nop|di|dang ky)", 3),
        (r"(?:tu|mot minh) (?:di )?(?:lam|dang ky|dk|xin|nop|di lam)(?: \w+){0,5} (?:duoc|dc) {NEG}", 3),
        (r"(?:co|phai co|can) (?:bo me|nguoi giam ho|nguoi lon|phu huynh)(?: \w+){0,2} (?:di cung|dong y|bao lanh)", 3),
        (r"(?:du|chua du) (?:tuoi|dieu kien|tieu chuan)", 4),
        (r"(?:{BN}|may) tuoi (?:thi |moi )?(?:duoc|dc|co the)", 4),
        (r"(?:chua du|duoi|tren) \d+ tuoi", 1.5),
        (r"nguoi nuoc ngoai (?:co )?(?:duoc|dc|the)", 3),
        (r"co (?:dk|dang ky|lam|xin|nop|di|dung|dung ten)(?: \w+){1,6} (?:duoc|dc) (?:{NEG}|chua)", 2),
        (r"co the (?:\w+ ){1,6}(?:cho|thay|gium|ho) (?:\w+ ){0,3}{NEG}", 2.5),
        (r"can (?:\w+ ){0,2}(?:dong y|cho phep)", 2),
        (
            r"(?:eligible|eligibility|entitled|qualify|qualifies|requirements?|conditions?|criteria|allowed to|"
            r"permitted|am i able)",
            3,
        ),
        (r"who (?:can|may|is allowed|is eligible|must|has to)", 4),
        (
            r"can (?:i|we|he|she|they) still (?:get|apply|claim|receive|qualify|register|join|be)"
            r"(?! (?:\w+ ){0,3}(?:online|on vneid|by post))",
            4,
        ),
        (r"(?:barred|banned|prohibited|disqualified|excluded) from", 4),
        (
            r"can (?:my|a|an|the|someone|somebody|another|other|relatives?|foreigners?|minors?) (?:\w+ ){0,2}"
            r"(?:apply|register|do|submit|sign|request|file)",
            3,
        ),
        (r"(?:for me|on my behalf|on behalf of|in my place|instead of me)", 3),
        (
            r"(?<!how )(?:can|may|could) (?:a |an |my |the |our )?(?:\w+ ){0,2}(?:foreigners?|minors?|students?|"
            r"residents?|persons?|citizens?|child|children|kids?|mum|mom|dad|mother|father|wife|husband|brother|sister|"
            r"relatives?|friends?|someone|somebody|parents?|grandparents?|grandmother|grandfather|son|daughter|"
            r"guardian|employer|landlord|people)",
            3,
        ),
        (r"(?:i am|i m|im) \d+", 2),
        (r"do (?:my|our) (?:parents|mum|mom|dad|father|mother|guardian|family|husband|wife) (?:have|need) to", 3),
        (r"as a (?:foreigner|minor|student|non resident|foreign)", 2),
    ),
    Facet.RESULT: (
        (r"(?:nhan|lay|linh|(?<!kiem )tra|giao) (?:ket qua|kq)", 4),
        (r"ket qua (?:tra|gui|nhan|o dau|the nao|qua|ve|duoc gui|bang|tai|in)", 4),
        (
            r"(?:gui|tra|chuyen|ship|giao|phat|mang|dua)(?: \w+){0,2} (?:ve|qua|toi|den|tan) (?:tan )?"
            r"(?:nha|buu dien|buu chinh|email|mail|dia chi|tay)",
            5,
        ),
        (r"gui (?:qua |ve )?(?:buu dien|buu chinh|email|mail)", 4),
        (r"(?:qua|bang|duong) (?:dich vu |duong )?(?:buu dien|buu chinh|email|mail|ship)", 3),
        (r"(?:tra|nhan|lay) (?:ket qua )?truc tiep", 3),
        (r"be (?:collected|picked up|received|sent|posted|mailed|delivered|emailed|handed|given)", 4),
        (r"tan nha", 3),
        (
            r"{RECEIVE}(?: lai)? {PAPER}(?: \w+){0,3} (?:o dau|tai dau|{HOW}|o|tai|qua|ve|(?:dia chi|noi) nao)",
            4,
        ),
        (r"{RECEIVE}(?: duoc| dc)? (?:o dau|tai dau|{HOW})", 4),
        (r"{RECEIVE} (?:ho|thay|gium|giup|dum)", 5),
        (r"ai (?:di |den |len |ra )?{RECEIVE}", 5),
        (r"{RECEIVE}(?: \w+){0,3} (?:ma )?(?:khong|ko|k) (?:phai|can) (?:len|den|ra|di|toi)", 5),
        (r"(?:cach nao|lam sao|the nao) (?:de )?(?:nhan|lay|linh)", 4),
        (r"{RECEIVE} (?:o|tai)", 3),
        (r"(?:gui|dua|mang|ship|giao|chuyen) ve(?! (?:que|xa|phuong|viet nam|nuoc|cho (?:xa|phuong)))", 3),
        (r"(?:phai )?(?:len|den|ra)(?: \w+){0,5} (?:lay|nhan|linh)(?! (?:ho so|so thu tu))", 3.5),
        (r"(?:luc|khi) (?:nhan|lay|trao|ky nhan) {PAPER}", 4),
        (r"(?:ban|the|giay|so|bang) (?:giay|cung|dien tu|mem|pdf|scan)", 3),
        (r"(?:nhan|lay|linh|cap|tra) (?:ban|the|giay|so|bang) (?:giay|cung|dien tu|mem|pdf|scan|chinh|goc)", 5),
        (r"(?:in ra|tu in)", 2),
        (r"hay chi (?:co |dung |xem )?(?:ban|the|file|tren|qua|bang)", 3),
        (r"(?:co )?duoc phat", 3),
        (r"(?:gui|chuyen|ship|giao) (?:ra|vao|ve|toi|den|sang)(?: \w+){0,3} cho (?:toi|minh|em|chung toi|bac|ba)", 5),
        (r"ket qua (?:\w+ ){0,3}(?:co )?(?:duoc )?(?:gui|tra|chuyen|giao)", 5),
        (r"(?:mang|dua|giao|ship|chuyen phat) (?:\w+ ){0,2}(?:toi|den|ve|sang) (?:cho|tan|nha)", 5),
        (
            r"(?:nguoi|ai|vo|chong|1 nguoi|mot nguoi|nguoi nha|nguoi than)(?: \w+)? (?:di |den |len )?{RECEIVE}"
            r"(?: \w+){0,2} (?:duoc|dc)",
            4,
        ),
        (r"(?:ca 2|ca hai)(?: nguoi)? (?:phai )?(?:co mat|den|di|len)|(?:phai )?(?:di|den|len|co mat) ca (?:2|hai)", 3),
        (r"cho (?:the|ban|giay|so|bang) (?:giay|moi|that|cung)", 3),
        (r"dung luon", 2),
        (r"(?:receive|collect|pick up|pick it up|picked up|pickup)", 3),
        (r"(?:collect|pick up|pick it up|receive)(?: \w+){0,4} (?:for me|on my behalf|for (?:him|her|them))", 5),
        (r"(?:post|mail|deliver|ship|send)(?:ed|s)? (?:it|them)", 3),
        (r"(?:sent|send|delivered|posted|mailed|emailed) (?:\w+ ){0,2}to (?:my|me|the)", 4),
        (r"(?:mail|post|send|deliver|ship)(?:ed|s)? (?:\w+ ){0,3}to (?:my|our) (?:house|home|address|email|flat)", 5),
        (r"by (?:post|mail|email)", 3),
        (
            r"(?<!certified )(?:paper|hard|physical|printed|electronic|digital|e|pdf)(?: \w+)? "
            r"(?:copy|version|certificate|card|one)",
            3.5,
        ),
        (r"pdf", 2),
        (r"original (?:certificate|copy|document|one|paper|card)", 3),
        (r"(?:get|receive|have) (?:\w+ ){0,3}(?:electronically|digitally|in electronic form|as a pdf)", 4),
        (
            r"(?:gui|(?<!kiem )tra(?! loi)|giao|chuyen)(?: lai)?(?: \w+){0,4} "
            r"(?:bang cach nao|the nao|nhu the nao|qua dau|bang gi)",
            4,
        ),
        (
            r"(?:duoc |se )?(?:gui|(?<!kiem )tra|giao|chuyen)(?: cho| den| toi| ve)?(?: toi| minh| em| nguoi dan)? "
            r"(?:{HOW}|qua dau|bang gi)",
            4,
        ),
    ),
    Facet.TRACKING: (
        (r"tra cuu (?:ho so|hs|tien do|tinh trang|trang thai|ket qua (?:giai quyet|xu ly|ho so))", 5),
        (r"tra cuu", 1.5),
        (
            r"(?:tra|xem|kiem tra|check|biet|theo doi|hoi)(?: \w+){0,6} (?:da |duoc |dang )*"
            r"(?:duyet|xu ly|ky|xong|giai quyet|tra loi|phe duyet|cap|in|chuyen|nhan) chua",
            5,
        ),
        (
            r"(?:xu ly|giai quyet|duyet|dang|ho so|hs|don)(?: \w+){0,3} (?:den|toi) "
            r"(?:dau|buoc nao|khau nao|giai doan nao)",
            5,
        ),
        (r"(?:den|toi) (?:dau|buoc nao) roi", 4),
        (r"(?:buoc nao roi|giai doan nao|khau nao)", 3),
        (
            r"(?:ho so|hs|don)(?: \w+){0,4} (?:dang (?:nam |o )?|nam )(?:(?:o|toi|den) dau|(?:o )?(?:phong|bo phan|"
            r"khau|buoc|noi|cho|co quan) nao)",
            5,
        ),
        (r"tra xem", 3),
        (
            r"sao (?:\w+ ){0,5}(?:van )?chua (?:duoc )?(?:duyet|xu ly|giai quyet|co ket qua|tra loi|cap|tra ket qua)",
            4,
        ),
        (r"(?:van )?chua (?:duoc )?(?:duyet|xu ly|giai quyet|tra loi|phe duyet)", 2),
        (r"chua (?:nhan duoc|nhan|co) (?:\w+ )?(?:thong bao|ket qua|tin|phan hoi|tra loi)", 2.5),
        (r"(?:hoi|xem|biet)(?: \w+){0,2} (?:o dau|ai) de (?:biet|xem|kiem tra)", 4),
        (r"(?:dang|da) (?:o|den|toi) (?:buoc nao|khau nao|giai doan nao|dau)", 5),
        (r"(?:biet|xem|hoi|theo doi) (?:\w+ ){0,2}tinh hinh", 4),
        (r"tinh trang (?:ho so|xu ly|giai quyet|hs|don)", 5),
        (r"tien do", 5),
        (r"trang thai", 4),
        (r"theo doi (?:ho so|tien do|hs|don|tinh trang)", 5),
        (
            r"(?:xem|kiem tra|tra cuu|check|theo doi|tra)(?: \w+){0,4} (?:ho so|hs|don|tien do|trang thai|"
            r"tinh trang|ket qua|duyet|xu ly)(?: \w+){0,6} (?:o dau|tai dau|vao dau|cho nao|tren dau|bang cach nao|"
            r"the nao|ntn|nhu the nao|lam sao|(?:o )?muc nao)",
            5,
        ),
        (
            r"(?:xem|kiem tra|tra cuu|check|theo doi)(?: \w+){0,4} (?:o dau|tai dau|vao dau|cho nao|tren dau|"
            r"bang cach nao|the nao|ntn|nhu the nao|lam sao)",
            4,
        ),
        (r"(?:ho so|hs|don)(?: \w+){0,8} (?:duoc|dc|xong|co) chua", 4),
        (r"(?:check|kiem tra|xem) (?:giup|ho|gium|dum)", 3),
        (r"(?:ho so|hs|don)(?: \w+){0,4} (?:bao |bi )?(?:tre han|qua han|cham tre)", 4),
        (r"(?:application|file|case|request) (?:is |was |has been )?(?:delayed|stuck|late|taking)", 4),
        (r"(?:kiem tra|check|xem) (?:lai )?(?:ho so|hs|don)", 3),
        (r"(?:co )?bi (?:yeu cau )?bo sung", 3),
        (r"(?:chua|van chua|khong|ko) thay (?:gi|tra loi|phan hoi|ket qua|ai goi|thong bao|tin)", 2),
        (r"(?:ma ho so|ma hs|ma bien nhan|giay hen|phieu hen)", 1.5),
        (r"(?:track|tracking|(?<!marital )status(?! (?:certificate|confirmation))|progress)", 4),
        (r"follow (?:my|the|our|up on my) (?:\w+ ){0,2}(?:application|file|case|request)", 4),
        (r"(?:lam sao|cach nao|the nao|sao) (?:de )?(?:biet|xem|kiem tra)", 3),
        (r"(?:check on|follow up on|follow up)", 3),
        (r"(?:update|updates|news) on", 4),
        (r"(?:ai|ben nao|co quan nao|noi nao|phong nao) dang (?:giu|xu ly|giai quyet|nam)", 4),
        (r"(?:bao|hien|ghi|van) (?:la )?(?:dang xu ly|cho duyet|cho xu ly|dang cho|dang tiep nhan|da tiep nhan)", 4),
        (r"(?:da |duoc )?(?:lam |xu ly |giai quyet |duyet |ky |cap )?xong chua", 4),
        (r"(?:da )?(?:duoc )?(?:duyet|ky|tiep nhan|xu ly|giai quyet|cap)(?: hay| hoac)? chua", 4),
        (r"(?:van |ma )?chua (?:xong|co ket qua|thay ket qua|duoc giai quyet)", 3),
        (r"(?:been|be|was|were|is|get|got) rejected", 3),
        (r"pending", 3),
        (r"(?:what|which) stage", 4),
        (r"(?:ngay|tuan|thang) (?:roi|r) (?:ma )?(?:van )?chua (?:co|thay|xong|nhan)", 4),
        (r"(?:da|duoc)(?: \w+){0,3} (?:tiep nhan|phe duyet)(?! ho so)", 3),
        (r"(?:bo sung|thieu) (?:gi|j|nhung gi|cai gi)", 3),
        (r"what (?:is|s) missing", 3),
        (r"(?:bi treo|bi ngam|nam im|bi tac)", 3),
        (r"where (?:it|its|it s|it is|they are|things are|my \w+ is)(?: at| now| stuck| up to)", 5),
        (r"(?:still )?(?:being processed|under review|in progress)", 4),
        (
            r"how (?:do|can|will|would) (?:i|we) (?:check|know|find out|see) (?:if|whether|on|my|our|the status|"
            r"the progress|how far|where my)",
            4,
        ),
        (r"what (?:is|s) (?:happening|going on)", 3),
        (r"(?:haven t|have not|hasn t|has not|still not|still haven t|not) (?:yet )?(?:heard|received|got)", 2),
        (r"(?:ready|done|approved|processed|finished) yet", 4),
        (
            r"(?:ho so|hs|don|ho chieu|passport|the|so|giay)(?: \w+){0,5} (?:da )?(?:co ket qua|xong|duoc duyet|"
            r"duoc ky|duyet|xu ly xong|giai quyet xong) chua",
            4,
        ),
        (r"(?:been|was|is it|got) (?:approved|processed|signed|done|accepted|rejected)", 3),
        (r"where (?:is )?(?:my|our) (?:\w+ ){0,4}(?:application|file|request|case|papers)", 5),
        (r"(?:see|check|know|find out) (?:if|whether) (?:it|its|my|the|our|they)\b(?! live)", 3),
        (r"(?:see|check|know|find out) how far", 3),
    ),
    Facet.NONE: (
        (r"huong dan", 2),
        (r"thu tuc", 1),
        (r"(?:can|phai|nen) lam (?:gi|j|nhung gi|sao|the nao)", 2),
        (r"lam (?:sao|the nao|ntn|nhu the nao) de", 1.5),
        (r"bat dau tu dau", 3),
        (r"(?:chi|chi giup|huong dan)(?: \w+){0,2} cach", 2),
        (r"(?:cac buoc|quy trinh|trinh tu)", 2),
        (r"(?:dang nhap|bao loi|bi loi)", 2),
        (r"how (?:do|can|should) (?:i|we)(?! (?:check|track|know|find out|see|pay|get|receive|collect|follow))", 1),
        (r"(?:how does it work|how to|guide|steps|procedure|process)(?! time)", 1.5),
        (r"help me", 1.5),
        (r"(?:help|assist|assistance)(?: me)? with (?:\w+ ){0,2}(?:paperwork|papers|documents)", 4),
        (r"what (?:do|should|must) (?:i|we) (?:do|need to do)", 2),
    ),
}


def _expand(pattern: str) -> str:
    return re.sub(r"\{([A-Z]+)\}", lambda m: _MACROS[m.group(1)], pattern)


# A tiny reader for the regular expressions of this module, to know which words a cue can start
# with: each cue is then tried only where such a word stands, with an anchored match.
_Node = tuple[str, object]


def _parse(pattern: str) -> list[list[_Node]]:
    """The alternatives of ``pattern``, each a sequence of nodes."""
    pos = 0

    def alternatives() -> list[list[_Node]]:
        nonlocal pos
        branches = [sequence()]
        while pos < len(pattern) and pattern[pos] == "|":
            pos += 1
            branches.append(sequence())
        return branches

    def sequence() -> list[_Node]:
        nonlocal pos
        items: list[_Node] = []
        while pos < len(pattern) and pattern[pos] not in "|)":
            char = pattern[pos]
            node: _Node
            if char == "(":
                pos += 1
                kind = "group"
                for prefix in ("?:", "?<=", "?<!", "?=", "?!"):
                    if pattern.startswith(prefix, pos):
                        kind = "group" if prefix == "?:" else "look"
                        pos += len(prefix)
                        break
                node = (kind, alternatives())
                pos += 1  # ")"
            elif char == "\\":
                node = ("other", pattern[pos : pos + 2])
                pos += 2
            elif char == "[":
                end = pattern.index("]", pos)
                node = ("other", pattern[pos : end + 1])
                pos = end + 1
            elif char in ".^$":
                node = ("other", char)
                pos += 1
            else:
                node = ("char", char)
                pos += 1
            if pos < len(pattern) and pattern[pos] in "?*+{":
                if pattern[pos] == "{":
                    end = pattern.index("}", pos)
                    low, comma, high = pattern[pos + 1 : end].partition(",")
                    bounds = (int(low or 0), int(high) if high else 99 if comma else int(low))
                    pos = end + 1
                else:
                    bounds = {"?": (0, 1), "*": (0, 99), "+": (1, 99)}[pattern[pos]]
                    pos += 1
                if pos < len(pattern) and pattern[pos] == "?":
                    pos += 1  # lazy
                node = ("repeat", (node, *bounds))
            items.append(node)
        return items

    return alternatives()


_NUMBER = "#"


def _first_words(items: list[_Node], prefix: str = "", budget: list[int] | None = None) -> set[str] | None:
    """The first two words a match of ``items`` can start with (None when the first cannot be told).

    Each is "w1 w2", or "w1" when the second word is free or absent.
    """
    budget = budget if budget is not None else [2000]
    budget[0] -= 1
    if budget[0] < 0:
        return None
    for index, (kind, value) in enumerate(items):
        rest = items[index + 1 :]
        if kind == "char":
            assert isinstance(value, str)
            if value == " ":
                if not prefix:
                    return None
                if " " in prefix:
                    return {prefix}
            prefix += value
        elif kind == "look":
            continue
        elif kind == "group":
            assert isinstance(value, list)
            words: set[str] = set()
            for branch in value:
                found = _first_words(branch + rest, prefix, budget)
                if found is None:
                    return None
                words |= found
            return words
        elif kind == "repeat":
            assert isinstance(value, tuple)
            node, low, high = value
            once = [node] + ([("repeat", (node, max(low - 1, 0), high - 1))] if high > 1 else [])
            taken = _first_words(once + rest, prefix, budget)
            if low > 0 or taken is None:
                return taken
            skipped = _first_words(rest, prefix, budget)
            return None if skipped is None else taken | skipped
        elif kind == "other" and value == "\\d" and not prefix:
            return {_NUMBER}  # a cue that starts with a number is tried on every number
        elif " " in prefix:
            return {prefix.split(" ")[0]}  # the second word is not a plain word: any will do
        else:
            return None
    return {prefix.strip()} if prefix.strip() else None


@dataclass(frozen=True)
class _Cue:
    facet: Facet
    weight: float
    regex: re.Pattern[str]


def _compile() -> tuple[dict[str, tuple[tuple[_Cue, frozenset[str] | None], ...]], tuple[_Cue, ...]]:
    """The cues by their first word, and the few cues tried everywhere.

    With each cue go the words that may follow its first one (None: any word, or none).
    """
    by_word: dict[str, list[tuple[_Cue, frozenset[str] | None]]] = {}
    anywhere: list[_Cue] = []
    for facet, table in _CUES.items():
        for pattern, weight in table:
            expanded = _expand(pattern)
            if expanded != expanded.strip():
                raise ValueError(f"a cue ends on a word, not a space: {pattern!r}")
            cue = _Cue(facet, weight, re.compile(f"(?:{expanded})(?![a-z0-9])"))
            leads = _first_words([("group", _parse(expanded))])
            if leads is None:
                anywhere.append(cue)
                continue
            seconds: dict[str, set[str]] = {}
            free: set[str] = set()  # first words after which any word may come
            for lead in leads:
                first, _, second = lead.partition(" ")
                seconds.setdefault(first, set()).add(second)
                if not second:
                    free.add(first)
            for first, following in seconds.items():
                by_word.setdefault(first, []).append((cue, None if first in free else frozenset(following)))
    return {word: tuple(cues) for word, cues in by_word.items()}, tuple(anywhere)


_BY_WORD, _ANYWHERE = _compile()
_ORDER = list(_CUES)
# Punctuation stands as a word of its own, so that cues start on words and clauses end on it.
_SPACING = str.maketrans(
    {**{c: f" {c} " for c in ",.?!;:"}, **{c: " " for c in "\"'’‘“”()[]{}/\\-_*#@&+=<>|~`^…\n\r\t"}}
)
_CLAUSE_END = frozenset(",.?!;:")
# Words that make a clause a question (Vietnamese, chat shorthand, English).
_QUESTION_WORDS = frozenset(
    "khong ko k kg hok hong khum chua gi j nao dau sao ntn bn bnhieu lau bh hay "
    "may how what where when which who why whom whose does".split()
)
# English auxiliaries ask only when a subject follows ("can i", "do we"): "can" alone is also
# folded "căn"/"cần", "do" folded "đó"/"đỏ".
_AUXILIARIES = frozenset("can could do is are will would should must am".split())
_SUBJECTS = frozenset("i we you he she they it my our your someone somebody there the a".split())
# How much a cue counts in context that is not the ask: what was done, a condition.
_DONE = 0.3
_CONDITION = 0.5
_TOPIC = 0.7
# A statement with one of these words tells what was done ("tôi vừa làm xong căn cước ở phường").
_DONE_WORDS = frozenset("da vua roi xong r already".split())
# "rồi"/"xong" followed by one of these asks ("xong chưa?", "được rồi ạ?") instead of telling.
_ASKED_AFTER = frozenset("chua a ah z v vay khong ko k ha nhi ?".split())
# ... nor one shortly after these ("bao lâu thì làm xong", "tới đâu rồi", "chưa xong").
_NOT_DONE_BEFORE = frozenset("nao dau chua moi thi se gio lau may bn".split())
# English: what the asker did ("I've paid", "Applied last week") or a condition ("if I apply").
_EN_DID = frozenset("paid applied submitted filed registered sent got received bought lodged made used".split())
_EN_BETWEEN = frozenset("have had ve already just".split())
_EN_CONDITION = frozenset("if after once since because".split())
_EN_CONDITION_NEXT = frozenset("i we you applying submitting paying".split())


def _asks(words: list[str]) -> bool:
    if not _QUESTION_WORDS.isdisjoint(words):
        return True
    if "bao" in words and not {"nhieu", "nhiu", "gio", "h"}.isdisjoint(words):
        return True
    return any(w in _AUXILIARIES and n in _SUBJECTS for w, n in zip(words, words[1:], strict=False))


def _clause_end(words: list[str], start: int) -> int:
    return next((i for i in range(start, len(words)) if words[i] in _CLAUSE_END), len(words))


def _told(words: list[str]) -> tuple[int, int, float] | None:
    """The part of a clause (word span) that tells context rather than asks, and its factor."""
    if words[0] in _EN_DID or (words[0] in _EN_CONDITION and len(words) > 1 and words[1] in _EN_CONDITION_NEXT):
        return 0, _clause_end(words, 0), _DONE if words[0] in _EN_DID else _CONDITION
    begin, end, told_begin = 0, 0, 0
    for i, word in enumerate(words):
        if word in _CLAUSE_END:
            begin = i + 1
        elif word in ("roi", "r", "xong"):
            after = words[i + 1] if i + 1 < len(words) else ""
            if _NOT_DONE_BEFORE.isdisjoint(words[max(i - 3, 0) : i]) and after not in _ASKED_AFTER:
                told_begin, end = begin, i + 1
        elif word in ("i", "we"):
            j = i + 1
            while j < len(words) and words[j] in _EN_BETWEEN:
                j += 1
            if j < len(words) and words[j] in _EN_DID:
                return i, _clause_end(words, i), _DONE
        elif (
            word in _EN_CONDITION
            and i + 1 < len(words)
            and words[i + 1] in _EN_CONDITION_NEXT
            and (not i or words[i - 1] not in ("happens", "happen"))  # "what happens if I ...?" asks
        ):
            return i, _clause_end(words, i), _CONDITION
    if end:
        return told_begin, end, _DONE
    if "neu" in words and "thi" in words[words.index("neu") :]:
        start = words.index("neu")
        return start, start + words[start:].index("thi") + 1, _CONDITION
    return None


@dataclass(frozen=True)
class FacetReading:
    """The facet of a message, how sure the reading is, and the message without its cue phrases."""

    facet: Facet
    score: float
    topic: str  # the folded message with the facet's cue phrases removed


class _Clause(NamedTuple):
    first: int  # character span
    stop: int
    factor: float
    told: tuple[int, int, float] | None  # characters that tell context, and their factor
    topic_end: int  # "A thì B?": where B starts (the end of the clause when there is no "thì")


def _clauses(words: list[str], starts: list[int]) -> list[_Clause]:
    """The clauses of a message and how much their cues count.

    The last asking clause weighs 1, other asking ones 0.85, statements 0.5 (1 when nothing is
    asked: "lệ phí làm hộ chiếu"), and a statement of something done ("đã nộp rồi") 0.3.
    """
    spans: list[tuple[int, int, bool, bool]] = []  # word range, asks, tells something done
    begin = 0
    for i in range(len(words) + 1):
        if i < len(words) and words[i] not in _CLAUSE_END:
            continue
        end = i + 1 if i < len(words) else i
        body = [w for w in words[begin:end] if w not in _CLAUSE_END]
        if body:
            asks = "?" in words[begin:end] or _asks(body)
            done = not asks and not _DONE_WORDS.isdisjoint(body)
            if spans and len(body) <= 4 and asks:
                # "..., làm thế nào ạ?": a short asking tail belongs to the clause before it
                first, _, asked, was_done = spans.pop()
                spans.append((first, end, asked or asks, was_done and not asks))
            else:
                spans.append((begin, end, asks, done))
        begin = end
    asking = [i for i, span in enumerate(spans) if span[2]]
    last = asking[-1] if asking else -1
    result = []
    for i, (first, end, asks, done) in enumerate(spans):
        factor = _DONE if done else 1.0 if i == last or not asking else 0.85 if asks else 0.5
        told = _told(words[first:end])
        told_chars = None
        if told is not None and told[1] > told[0]:
            tail = first + told[1] - 1
            told_chars = (starts[first + told[0]], starts[tail] + len(words[tail]), told[2])
        last_word = end - 1
        stop = starts[last_word] + len(words[last_word])
        thi = [j for j in range(first, end - 1) if words[j] == "thi" and words[j + 1] not in _CLAUSE_END]
        result.append(_Clause(starts[first], stop, factor, told_chars, starts[thi[-1]] if thi else stop))
    return result


def read_facet(text: str) -> FacetReading:
    """Which detail the message asks about (``Facet.NONE`` when it names no detail)."""
    words = fold(text).translate(_SPACING).split()
    folded = " ".join(words)
    starts = []
    position = 0
    found: list[tuple[float, int, int, Facet]] = []
    for index, word in enumerate(words):
        starts.append(position)
        following = words[index + 1] if index + 1 < len(words) else ""
        for cue, seconds in _BY_WORD.get(_NUMBER if word.isdigit() else word, ()):
            if (seconds is None or following in seconds) and (match := cue.regex.match(folded, position)):
                found.append((cue.weight, position, match.end(), cue.facet))
        position += len(word) + 1
    for cue in _ANYWHERE:
        for match in cue.regex.finditer(folded):
            if not match.start() or folded[match.start() - 1] == " ":
                found.append((cue.weight, match.start(), match.end(), cue.facet))
    if not found:
        return FacetReading(Facet.NONE, 0.0, folded)
    # Overlapping cues: the heavier, then the longer one keeps the words.
    found.sort(key=lambda hit: (-hit[0], hit[1] - hit[2]))
    kept: list[tuple[float, int, int, Facet]] = []
    taken = bytearray(len(folded))
    for hit in found:
        if not any(taken[hit[1] : hit[2]]):
            kept.append(hit)
            taken[hit[1] : hit[2]] = b"\x01" * (hit[2] - hit[1])
    clauses = _clauses(words, starts)
    # per clause, the facets asked after its "thì"
    after_thi = [{hit[3] for hit in kept if clause.topic_end <= hit[1] < clause.stop} for clause in clauses]
    scores: dict[Facet, float] = {}
    last: dict[Facet, int] = {}
    for weight, start, end, facet in kept:
        factor = 1.0
        for clause, asked_after in zip(clauses, after_thi, strict=True):
            if clause.first <= start < clause.stop:
                factor = clause.factor
                if clause.told is not None and clause.told[0] <= start and end <= clause.told[1]:
                    factor *= clause.told[2]
                if end <= clause.topic_end and asked_after - {facet}:
                    factor *= _TOPIC  # "làm online thì bao lâu?": the ask comes after "thì"
                break
        scores[facet] = scores.get(facet, 0.0) + weight * factor
        last[facet] = max(last.get(facet, 0), end)
    best = max(scores, key=lambda facet: (scores[facet], last[facet], -_ORDER.index(facet)))
    if best is Facet.NONE or scores[best] < 2:
        return FacetReading(Facet.NONE, round(scores[best], 2), folded)
    topic = folded
    for _, start, end, facet in sorted(kept, key=lambda hit: -hit[1]):
        if facet is best:
            topic = topic[:start] + " " + topic[end:]
    return FacetReading(best, round(scores[best], 2), " ".join(topic.split()))


__all__ = ["Facet", "FacetReading", "read_facet"]

"""Referrals: matters outside the catalog that citizens bring anyway, and who handles them.

"Tôi muốn ly hôn" is not an administrative procedure of the commune: a divorce is decided by
a court. Without a referral the router finds the nearest procedure ("tách hộ") and the bot
would guide the citizen confidently through the wrong thing. A referral is data
(``procedures/data/referrals.yaml``): the cue phrases of the matter (folded, no diacritics),
a short citizen text naming the body generically, an official link when one exists (a matter
grounded in a law alone has none), the catalog entries to offer next, and the record or law it
rests on with the date it was checked.

Pure: loading parses a file; matching is string work.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from procedures.folding import fold
from procedures.loader import load_yaml
from procedures.models import Frozen, Text

REFERRALS_FILE = Path(__file__).resolve().parent / "data" / "referrals.yaml"
SAID_WORDS = 3  # a procedure's name or alias this long, said in full, is what the message asks for


class Referral(Frozen):
    """One matter outside the catalog and where to send the citizen."""

    id: str
    cues: tuple[str, ...] = Field(min_length=1)  # folded phrases, matched on word boundaries
    topic: Text
    text: Text
    # Who handles it, in a few words: what a detail asked right after the referral is told.
    who: Text | None = None
    url: str = ""  # an official page; empty when the matter rests on a law with no such page
    related: tuple[str, ...] = ()  # catalog ids or national codes offered as the next step
    unless: tuple[str, ...] = ()  # folded phrases: a message that names one is about that step instead
    # A note about where, not another body ("UBND huyện" no longer exists): the procedures the
    # router found stay one tap away instead of ``related``.
    keeps_match: bool = False
    # A matter no catalog procedure handles (a divorce, a lawsuit): the router says out of scope.
    outside: bool = False
    source: str  # a national record code or a legal document
    checked: dt.date
    note: str = ""  # for editors, never shown


def _fold(text: str) -> str:
    """Folded, punctuation dropped, single spaces ("Ly hôn!" -> "ly hon")."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())


@lru_cache(maxsize=256)
def _cue_pattern(cue: str) -> re.Pattern[str]:
    """A cue matched on word boundaries, compiled once (``find`` runs on every routed message)."""
    return re.compile(rf"(?<!\w){re.escape(cue)}(?!\w)")


@lru_cache(maxsize=1024)
def _asked_pattern(name: str) -> re.Pattern[str]:
    """A procedure's name asked for: after "xin", "làm", "cấp" or "lấy" ("xin giấy xác nhận …").

    A name merely mentioned ("chồng giữ giấy đăng ký kết hôn", "không cho đăng ký tạm trú") is
    part of the matter's story, and the matter is still referred.
    """
    return re.compile(rf"(?<!\w)(?:xin|lam|cap|lay)(?: (?:giay|lai|ban|cho \w+))? {re.escape(name)}(?!\w)")


@lru_cache(maxsize=16)
def _any_cue(cues: tuple[str, ...]) -> re.Pattern[str]:
    """Every referral's cues in one pattern: most messages hold none, and one search says so."""
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(cue) for cue in sorted(cues, key=len, reverse=True))})(?!\w)")


def _asks_for(folded: str, said: Iterable[str]) -> bool:
    """Whether the message asks for one of ``said`` in full (read only once a cue has matched)."""
    return any(
        len(phrase.split()) >= SAID_WORDS and _asked_pattern(phrase).search(folded)
        for phrase in (_fold(name) for name in said)
    )


@dataclass(frozen=True)
class Referrals:
    """The shipped referrals with their cue patterns compiled."""

    items: tuple[Referral, ...] = ()

    @classmethod
    def load(cls, path: Path = REFERRALS_FILE) -> Referrals:
        """Read the referrals file (a missing file means none)."""
        if not path.exists():
            return cls()
        data = load_yaml(path.read_text(encoding="utf-8")) or []
        return cls(tuple(Referral.model_validate(item) for item in data))

    def find(self, text: str, matched_names: Iterable[str] = (), said: Iterable[str] = ()) -> Referral | None:
        """The referral whose cue the message contains, unless a matched entry's name holds it too.

        A referral also stands aside when the message names one of its ``unless`` phrases: "đã
        công chứng hợp đồng, giờ sang tên" is past the notary and asks about the transfer; and
        when it asks in full (:data:`SAID_WORDS` words or more, after "xin", "làm", "cấp" or
        "lấy") for one of ``said``, the leading procedure's names and aliases: "ly hôn lâu rồi,
        giờ xin giấy xác nhận tình trạng hôn nhân" asks for that paper, whatever else it tells.
        A note that keeps the match ("UBND huyện") is said beside the procedure named all the same.
        """
        folded = _fold(text)
        cues = tuple(cue for referral in self.items for cue in referral.cues)
        if not cues or _any_cue(cues).search(folded) is None:
            return None  # no cue at all (most messages): nothing to refer, the names need no folding
        names = [_fold(name) for name in matched_names]
        for referral in self.items:
            if any(_cue_pattern(phrase).search(folded) for phrase in referral.unless):
                continue
            for cue in referral.cues:
                pattern = _cue_pattern(cue)
                if pattern.search(folded) and not any(pattern.search(name) for name in names):
                    if referral.keeps_match or not _asks_for(folded, said):
                        return referral
                    break  # the procedure asked for by name is what the message is about
        return None

    def by_id(self, matter: str) -> Referral | None:
        """The referral with this id, if it is still shipped."""
        return next((referral for referral in self.items if referral.id == matter), None)

    def for_code(self, code: str) -> Referral | None:
        """The referral that rests on national code ``code`` (one the catalog itself does not hold)."""
        return next((referral for referral in self.items if referral.source == code), None)


__all__ = ["REFERRALS_FILE", "SAID_WORDS", "Referral", "Referrals"]

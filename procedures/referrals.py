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
from pathlib import Path

from pydantic import Field, field_validator

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

    @field_validator("cues", "unless")
    @classmethod
    def _folded(cls, phrases: tuple[str, ...]) -> tuple[str, ...]:
        """Cues are matched as folded whole words (:func:`_holds`): written any way, they are folded here."""
        folded = tuple(_fold(phrase) for phrase in phrases)
        if not all(folded):  # "—" folds to nothing, and an empty cue would hold in every empty message
            raise ValueError("a cue or unless phrase has no letter or digit")
        return folded


def _fold(text: str) -> str:
    """Folded, punctuation dropped, single spaces ("Ly hôn!" -> "ly hon")."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())


def _holds(padded: str, phrase: str) -> bool:
    """Whether a folded message, padded with a space each side, holds ``phrase`` as whole words.

    Folding has turned every character that is not a word character (a letter, a digit or "_")
    into a space, so a plain substring test is the word-boundary match: no pattern to compile
    per cue or name.
    """
    return f" {phrase} " in padded


ASKING = frozenset({"xin", "lam", "cap", "lay"})  # "xin giấy …", "làm …", "cấp …", "lấy …"
BETWEEN = frozenset({"giay", "lai", "ban"})  # "xin lại …", "làm bản …" ("xin cho con …" below)


def _asks_for(padded: str, said: Iterable[str]) -> bool:
    """Whether the message asks for one of ``said`` in full (read only once a cue has matched).

    Asked for: after "xin", "làm", "cấp" or "lấy", perhaps with "giấy", "lại", "bản" or "cho
    <someone>" between ("xin giấy xác nhận …"). A name merely mentioned ("chồng giữ giấy đăng ký
    kết hôn", "không cho đăng ký tạm trú") is part of the matter's story, and the matter is still
    referred.
    """
    for name in (_fold(name) for name in said):
        if len(name.split()) < SAID_WORDS:
            continue
        start = padded.find(f" {name} ")
        while start != -1:
            before = padded[:start].split()[-3:]
            if (
                before[-1:] and before[-1] in ASKING
                or len(before) >= 2 and before[-2] in ASKING and before[-1] in BETWEEN
                or len(before) == 3 and before[0] in ASKING and before[1] == "cho"
            ):
                return True
            start = padded.find(f" {name} ", start + 1)
    return False


@dataclass(frozen=True)
class Referrals:
    """The shipped referrals, their cues folded."""

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
        padded = f" {_fold(text)} "
        # Each referral with the cues the message holds, scanned once.
        held = [(item, cues) for item in self.items if (cues := [cue for cue in item.cues if _holds(padded, cue)])]
        if not held:
            return None  # no cue at all (most messages): nothing to refer, the names need no folding
        names = [f" {_fold(name)} " for name in matched_names]
        for referral, cues in held:
            if any(_holds(padded, phrase) for phrase in referral.unless):
                continue
            if any(not any(_holds(name, cue) for name in names) for cue in cues):
                if referral.keeps_match or not _asks_for(padded, said):
                    return referral
                # else the procedure asked for by name is what the message is about
        return None

    def by_id(self, matter: str) -> Referral | None:
        """The referral with this id, if it is still shipped."""
        return next((referral for referral in self.items if referral.id == matter), None)

    def for_code(self, code: str) -> Referral | None:
        """The referral that rests on national code ``code`` (one the catalog itself does not hold)."""
        return next((referral for referral in self.items if referral.source == code), None)


__all__ = ["REFERRALS_FILE", "SAID_WORDS", "Referral", "Referrals"]

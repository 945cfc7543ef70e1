"""Money a citizen asks about that is not the procedure's fee: tuition, a fine, a contribution, a court fee.

"học phí bao nhiêu" under school enrolment, "mỗi tháng đóng bao nhiêu" under voluntary social
insurance, "phạt bao nhiêu" under paying a traffic fine: the facet reader hears "how much", and the
procedure's fee is answered -- often "free", which reads as if nothing were paid at all. The answer
first says which money the fee is not and who knows its amount, without stating an amount the
catalog does not hold.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.conversation.answers import FEE_TIME
from bot.i18n import Translator
from intents.facets import Facet
from procedures.folding import fold


class Money(StrEnum):
    """A kind of money that is not a procedure's fee."""

    TUITION = "tuition"
    FINE = "fine"
    CONTRIBUTION = "contribution"
    COURT = "court"  # "án phí": what a court charges, never a commune procedure's fee


# Folded words that name the money (a fee question's other words are the facet reader's).
_NAMES = (
    (Money.TUITION, re.compile(r"\b(?:hoc phi|tien hoc|tuition|school fees?)\b")),
    (Money.FINE, re.compile(r"\b(?:tien phat|muc phat|phat bao nhieu|(?:the|a) fine(?! print| art)|fines|penalty)\b")),
    (
        Money.CONTRIBUTION,
        re.compile(
            # not "đóng bao nhiêu" alone: any fee is "paid" ("làm hộ chiếu đóng bao nhiêu tiền")
            r"\b(?:muc dong|(?:moi|1|mot) (?:thang|nam) (?:phai )?dong|dong (?:moi|hang) (?:thang|nam)"
            r"|contributions?|premiums?)\b"
        ),
    ),
    (Money.COURT, re.compile(r"\b(?:an phi|court fees?)\b")),
)


def other_money(text: str) -> Money | None:
    """The money other than the procedure's fee that a message asks about, if it names one."""
    folded = fold(text.lower())
    return next((money for money, pattern in _NAMES if pattern.search(folded)), None)


def preface_for(text: str, facet: str, tr: Translator) -> str:
    """What to say before a fee answer to ``text``, or "" when it asks the procedure's own fee."""
    money = other_money(text) if facet in (Facet.FEE, FEE_TIME) else None
    return preface(money, tr) if money is not None else ""


def preface(money: Money, tr: Translator) -> str:
    """One sentence before the fee lines: this is not that money, and who knows its amount."""
    if money is Money.TUITION:
        return tr.gettext("Tuition is not the fee of this procedure: ask the school about it.")
    if money is Money.FINE:
        # The fines guide's own sourced preparation: "Số tiền phạt ghi trong quyết định."
        return tr.gettext("A fine is not a procedure fee: its amount is written in the penalty decision you received.")
    if money is Money.COURT:
        return tr.gettext("A court fee (án phí) is not the fee of this procedure: ask the court about it.")
    return tr.gettext(
        "Insurance contributions are not the fee of this procedure: ask the social insurance office about the rate."
    )


__all__ = ["Money", "other_money", "preface", "preface_for"]

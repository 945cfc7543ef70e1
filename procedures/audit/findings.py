"""What the catalog audit reports: the kinds of finding, their labels, and one finding.

The labels are English templates marked with :func:`N_` so that the bot's gettext catalog can
translate them; the domain code never translates.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


def N_(message: str) -> str:
    """Mark a label for extraction; the bot translates it."""
    return message


class Kind(StrEnum):
    """The kinds of finding, in the order they are reported."""

    ABOLISHED_OFFICE = "abolished_office"
    FREE_VS_FEE = "free_vs_fee"
    UNPARSED_FEE = "unparsed_fee"
    TIME_UNIT = "time_unit"
    TIME_CASES = "time_cases"
    REPEALED_CODE = "repealed_code"
    FACT_WITHOUT_SOURCE = "fact_without_source"
    SECONDARY_SOURCE = "secondary_source"
    STALE_DATE = "stale_date"


LABELS = {
    Kind.ABOLISHED_OFFICE: N_("abolished office without successor or notice"),
    Kind.FREE_VS_FEE: N_("free where the text names a fee"),
    Kind.UNPARSED_FEE: N_("unparsed fee"),
    Kind.TIME_UNIT: N_("time without unit"),
    Kind.TIME_CASES: N_("one time of several"),
    Kind.REPEALED_CODE: N_("repealed code served as current"),
    Kind.FACT_WITHOUT_SOURCE: N_("curated fact without source"),
    Kind.SECONDARY_SOURCE: N_("secondary-only source"),
    Kind.STALE_DATE: N_("stale date"),
}
# What cards already handle honestly (counted, not findings).
HANDLED = {
    "office_successor": N_("abolished office: successor named"),
    "office_notice": N_("abolished office: plain notice"),
    "fee_may_apply": N_("fee may apply (text names a fee or who sets it)"),
    "fee_untrusted": N_("fee cell not trusted (card sends to the portal)"),
    "time_no_unit": N_("time without unit in the record (card says so)"),
    "time_cases": N_("several times shown with their cases"),
    "repealed_answered": N_("repealed code answered with its replacement"),
}


@dataclass(frozen=True)
class Finding:
    """One problem: its kind, what it concerns (a record code, an entry id, a file) and details."""

    kind: Kind
    subject: str
    detail: str
    source: str = "listing"  # "listing", "curated" or "text"

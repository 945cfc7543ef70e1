"""National portal records → listing cards, and what a card can truthfully say about them.

The portal's records (``ma_thu_tuc``, ``ten_thu_tuc``, ``cach_thuc_thuc_hien`` ...) arrive as
flattened page text. :func:`to_listing` (:mod:`~procedures.national.records`) keeps the cells a
card needs as the portal wrote them (:mod:`~procedures.national.cells`: white space trimmed,
nothing rewritten): every row of the channel table (channel, time, fee, the fee's bracketed
note, the description), the agency cells and the documents.

The readings turn those cells into what a card shows, and never print a number the record
does not support:

* :func:`read_times` (:mod:`~procedures.national.times`) -- every processing time with its
  unit and the case (or channel) it applies to; a time without a unit says so instead of
  guessing one.
* :func:`read_fees` (:mod:`~procedures.national.fees`) -- every fee: an amount the fee cell
  states, amounts quoted from the record's own words, "a fee may apply" when the cell says free
  but the text names a fee or who sets it (a provincial council, a circular), or "unclear" when
  the cell cannot be trusted (the portal writes "135 VNĐ" for 135.000 đồng).
* :func:`office_notice` (:mod:`~procedures.national.offices`) -- the abolished district-level
  offices a record names, with the successor a source names (``procedures/data/offices.yaml``).
* Repealed codes (``procedures/data/repealed.yaml``) are copied into ``replaced_by``.

Callers use this package's names (``from procedures import national``; ``national.read_fees``).
"""

from __future__ import annotations

from procedures.national.cells import (
    CHANNEL_NAMES,
    FREE,
    NO_INFO,
    UNIT_PATTERN,
    UNITS,
    nfc,
    parse_documents,
    parse_levels,
    parse_rows,
)
from procedures.national.fees import (
    COUNCIL,
    MONEY,
    MONEY_LIKE,
    FeeKind,
    FeeLine,
    Money,
    fee_text,
    find_money,
    money_cell,
    names_a_fee,
    read_fee,
    read_fees,
    summarise_fee,
)
from procedures.national.offices import (
    DATED,
    Office,
    OfficeNotice,
    abolished_in,
    card_texts,
    load_offices,
    named_province,
    office_notice,
)
from procedures.national.records import DATA_DIR, load_repealed, to_listing
from procedures.national.times import TimeLine, case_label, parse_time, read_times, summarise_time

__all__ = [
    "CHANNEL_NAMES",
    "COUNCIL",
    "DATA_DIR",
    "DATED",
    "FREE",
    "MONEY",
    "MONEY_LIKE",
    "NO_INFO",
    "UNITS",
    "UNIT_PATTERN",
    "FeeKind",
    "FeeLine",
    "Money",
    "Office",
    "OfficeNotice",
    "TimeLine",
    "abolished_in",
    "card_texts",
    "case_label",
    "fee_text",
    "find_money",
    "load_offices",
    "load_repealed",
    "money_cell",
    "names_a_fee",
    "nfc",
    "named_province",
    "office_notice",
    "parse_documents",
    "parse_levels",
    "parse_rows",
    "parse_time",
    "read_fee",
    "read_fees",
    "read_times",
    "summarise_fee",
    "summarise_time",
    "to_listing",
]

"""The catalog audit: what the catalog tells citizens that is out of date, unsupported or contradicted.

``dvcbot catalog audit`` and the weekly admin digest run :func:`run_audit` over the national
listing cards, the curated entries and the bot's own citizen texts, and count each kind of
finding:

* ``abolished_office`` -- an office that no longer exists (the district level, gone since
  1 July 2025) named without a successor or a notice;
* ``free_vs_fee`` -- "free" where the record's own text names a fee or who sets it;
* ``unparsed_fee`` -- money written in a form the reader does not understand, or a fee that
  says nothing a citizen can use;
* ``time_unit`` -- a processing time shown without a unit as if it were complete;
* ``time_cases`` -- one processing time shown where the record lists several;
* ``repealed_code`` -- a repealed national code served as current;
* ``fact_without_source`` -- a curated fact (documents, agency, each fee and time) with no
  evidence;
* ``secondary_source`` -- a fact whose only source is not official (news, law summaries);
* ``stale_date`` -- a fact or entry last checked more than 180 days before ``today``.

Listing checks (:mod:`~procedures.audit.cards`) compare what a card would show (the readings of
:mod:`procedures.national`) with the record's raw cells, using wider patterns than the
readings, so a reader that misses a format shows up here. What the card handles honestly (a
notice shown, "a fee may apply", a time the record gives without a unit) is counted apart, as
``handled``. The curated entries are checked in :mod:`~procedures.audit.entries`, the bot's own
texts in :mod:`~procedures.audit.texts`. Known exceptions (at most five per kind, each naming
the record and why no source settles it) are read from ``procedures/data/audit_exceptions.yaml``
and reported separately (:mod:`~procedures.audit.report`). Pure logic: no database, no clock
(``today`` is passed in).
"""

from __future__ import annotations

from procedures.audit.cards import audit_card, audit_listing
from procedures.audit.entries import (
    LEGAL_CITATION,
    OFFICIAL_HOSTS,
    STALE_DAYS,
    audit_entry,
    citizen_texts,
    source_is_primary,
)
from procedures.audit.findings import HANDLED, LABELS, N_, Finding, Kind
from procedures.audit.report import (
    EXCEPTIONS_FILE,
    MAX_EXCEPTIONS_PER_KIND,
    AuditException,
    Report,
    load_exceptions,
    run_audit,
)
from procedures.audit.texts import abolished_names, audit_texts

__all__ = [
    "EXCEPTIONS_FILE",
    "HANDLED",
    "LABELS",
    "LEGAL_CITATION",
    "MAX_EXCEPTIONS_PER_KIND",
    "OFFICIAL_HOSTS",
    "STALE_DAYS",
    "AuditException",
    "Finding",
    "Kind",
    "N_",
    "Report",
    "abolished_names",
    "audit_card",
    "audit_entry",
    "audit_listing",
    "audit_texts",
    "citizen_texts",
    "load_exceptions",
    "run_audit",
    "source_is_primary",
]

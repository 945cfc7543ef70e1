"""Typed catalog models: a curated procedure or guide, its documents, fees, times and step graph.

The YAML files under ``procedures/catalog/`` are parsed into these models; the national
listing is parsed into :class:`ListingEntry`. Models are frozen pydantic models so that a
loaded catalog can be shared between conversations without anyone mutating it.

Branch targets inside a step graph are plain strings so that they survive every format an
admin edits (YAML, a spreadsheet cell, CSV):

* ``next``            -- the following step in the list (the default);
* ``end``             -- finish the guide;
* ``<step-id>``       -- a step of the same guide;
* ``guide:<id>``      -- walk through another guide, then come back to the step after this one;
* ``guide:<id>@<step-id>`` -- walk through another guide, then come back to ``<step-id>``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
CODE_PATTERN = r"^\d\.\d{6}$"


class Frozen(BaseModel):
    """Base for every catalog model: immutable and strict about unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(Frozen):
    """A citizen-facing text in Vietnamese (required) and English (optional gloss)."""

    vi: str = Field(min_length=1)
    en: str = ""

    def get(self, locale: str) -> str:
        """Return the text for ``locale``, falling back to Vietnamese."""
        if locale.startswith("en") and self.en:
            return self.en
        return self.vi


class Kind(StrEnum):
    """Whether an entry is a formal administrative procedure or a how-to guide."""

    PROCEDURE = "procedure"
    GUIDE = "guide"


class OnlineLevel(StrEnum):
    """Online service level per Decree 42/2022/NĐ-CP, Art. 11(1)."""

    FULL = "toan_trinh"  # fully online (old level 4)
    PARTIAL = "mot_phan"  # partly online (old level 3 and below)
    NONE = "khong"  # not offered online


class Level(StrEnum):
    """Executing level. There is no district level since the 2025 reorganisation."""

    COMMUNE = "xa"
    PROVINCE = "tinh"
    MINISTRY = "bo"
    OTHER = "khac"


class ChannelKind(StrEnum):
    """Where a citizen can carry out a procedure."""

    PORTAL = "portal"  # a web portal (national or ministry)
    VNEID = "vneid"  # the VNeID app
    APP = "app"  # another official app (VssID, eTax Mobile...)
    IN_PERSON = "in_person"  # a one-stop desk or agency office
    POST = "post"  # public postal service


class Channel(Frozen):
    """One way of doing the procedure: a portal link, an app or a desk."""

    kind: ChannelKind
    name: Text
    url: str | None = None
    note: Text | None = None


class DocumentForm(StrEnum):
    """The form a paper must be presented in."""

    ORIGINAL = "original"  # bản chính
    COPY = "copy"  # bản sao
    CERTIFIED_COPY = "certified_copy"  # bản sao có chứng thực
    ELECTRONIC = "electronic"  # bản điện tử / bản sao điện tử
    ORIGINAL_OR_COPY = "original_or_copy"
    SHOW = "show"  # xuất trình (shown, not handed in)


class Document(Frozen):
    """A paper to prepare, with the form it must take and when it is needed."""

    id: str = Field(pattern=SLUG_PATTERN)
    name: Text
    form: DocumentForm | None = None
    quantity: int = Field(default=1, ge=1)
    template: str | None = None  # official form code, e.g. "CT01"
    condition: Text | None = None  # "only if ..." -- absent means always needed


class FeeChannel(StrEnum):
    """The submission channel a fee applies to."""

    ANY = "any"
    ONLINE = "online"
    IN_PERSON = "in_person"
    POST = "post"


class Fee(Frozen):
    """One fee line. ``amount_vnd`` 0 means free; ``None`` means set elsewhere (see note)."""

    label: Text
    amount_vnd: int | None = Field(default=None, ge=0)
    channel: FeeChannel = FeeChannel.ANY
    note: Text | None = None
    valid_until: dt.date | None = None  # reductions that expire


class TimeUnit(StrEnum):
    """Units the portal uses for processing times."""

    HOUR = "hour"
    DAY = "day"
    WORKING_DAY = "working_day"


class Duration(Frozen):
    """A processing time, optionally per channel."""

    amount: float = Field(gt=0)
    unit: TimeUnit
    channel: FeeChannel = FeeChannel.ANY
    note: Text | None = None


class Agency(Frozen):
    """Who executes the procedure."""

    levels: tuple[Level, ...] = ()
    name: Text


class Check(Frozen):
    """A yes/no question asked at a step, with a branch target for each answer."""

    question: Text
    # Not "yes"/"no": YAML 1.1 reads those bare keys as booleans.
    if_yes: str = "next"
    if_no: str = "next"


class Step(Frozen):
    """One plain-language action, optionally asking a yes/no question."""

    id: str = Field(pattern=SLUG_PATTERN)
    text: Text
    tip: Text | None = None
    check: Check | None = None
    next: str = "next"
    url: str | None = None  # an official page the step opens
    # The user must wait days before going on (a card or an account is being issued): inside
    # another guide, that procedure's in-person way is offered beside the step.
    waits: bool = False


# The facts an evidence record may name: a whole field, or one fee or time line ("fees.0").
FACT_FIELDS = (
    "documents",
    "agency",
    "channels",
    "online_level",
    "audience",
    "result",
    "tracking",
    "deadline",
    "validity",
    "steps",
)
LINE_FIELDS = ("fees", "processing_time")


class Evidence(Frozen):
    """Where one fact comes from, when it was checked, and what a citizen or an editor is told.

    ``source`` is a national record code (``1.014063``), a legal document ("Thông tư
    64/2025/TT-BTC") or an official page (an ``https://`` address). ``hedge`` is the one
    plain caution a citizen reads with the fact when it is uncertain; ``note`` is for editors
    (what the record says, doubts, why) and is never shown to citizens.
    """

    fact: str = Field(min_length=1)  # "documents", "agency", ... or "fees.0", "processing_time.1"
    source: str = Field(min_length=1)
    checked: dt.date
    hedge: Text | None = None
    note: str = ""


class Procedure(Frozen):
    """A curated catalog entry: the card facts plus the step-by-step guide."""

    id: str = Field(pattern=SLUG_PATTERN)
    kind: Kind
    codes: tuple[str, ...] = ()
    # Codes this entry covers only in part ("Cấp lại, đổi … sổ BHXH, thẻ BHYT" when the entry
    # guides the card alone): their listing cards stay in the catalog for the rest of the record.
    partial_codes: tuple[str, ...] = ()
    sector: Text
    name: Text
    summary: Text
    audience: Text | None = None
    online_level: OnlineLevel | None = None
    channels: tuple[Channel, ...] = ()
    documents: tuple[Document, ...] = ()
    fees: tuple[Fee, ...] = ()
    processing_time: tuple[Duration, ...] = ()
    agency: Agency | None = None
    legal_basis: tuple[str, ...] = ()
    result: Text | None = None  # what the citizen receives and how
    tracking: Text | None = None  # how to follow the application afterwards
    deadline: Text | None = None  # by when it must be done, and what lateness costs
    validity: Text | None = None  # how long the result stays valid
    source_url: str
    sources: tuple[str, ...] = ()
    last_verified: dt.date
    unverified: tuple[str, ...] = ()  # names of fields whose value could not be confirmed
    aliases: tuple[str, ...] = ()
    aliases_en: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    preparation: Text | None = None  # what to have ready before step 1
    steps: tuple[Step, ...] = Field(min_length=1)
    evidence: tuple[Evidence, ...] = ()  # per fact: source, date checked, citizen hedge, editor note

    @field_validator("codes")
    @classmethod
    def _codes_look_national(cls, codes: tuple[str, ...]) -> tuple[str, ...]:
        import re

        for code in codes:
            if not re.match(CODE_PATTERN, code):
                raise ValueError(f"national code {code!r} is not of the form 1.001193")
        return codes

    @model_validator(mode="after")
    def _partial_codes_are_codes(self) -> Procedure:
        stray = set(self.partial_codes) - set(self.codes)
        if stray:
            raise ValueError(f"partial_codes {sorted(stray)} are not among the entry's codes")
        return self

    @model_validator(mode="after")
    def _evidence_names_real_facts(self) -> Procedure:
        seen: set[str] = set()
        for item in self.evidence:
            field, _, index = item.fact.partition(".")
            if item.fact in seen:
                raise ValueError(f"evidence for {item.fact!r} is given twice")
            seen.add(item.fact)
            if field in LINE_FIELDS and index.isdigit() and int(index) < len(getattr(self, field)):
                continue
            if field in FACT_FIELDS and not index:
                continue
            raise ValueError(f"evidence names {item.fact!r}, which is not a fact of this entry")
        return self

    def evidence_for(self, fact: str) -> Evidence | None:
        """The evidence of one fact ("documents", "fees.0" ...), if recorded."""
        return next((item for item in self.evidence if item.fact == fact), None)

    def step_index(self, step_id: str) -> int:
        """Return the position of ``step_id`` in the guide (raises KeyError if absent)."""
        for index, step in enumerate(self.steps):
            if step.id == step_id:
                return index
        raise KeyError(step_id)

    def is_unverified(self, field: str) -> bool:
        """Tell whether the named field is marked as not confirmed by a source."""
        return field in self.unverified


class ListingRow(Frozen):
    """One row of a record's channel table, its cells as the portal wrote them (white space trimmed).

    Rows that differ only by channel are kept once, with every channel they apply to. The
    description is often the case the row applies to ("Trường hợp cấp lại …"); the fee note
    is the bracketed text after the fee cell ("(/hồ sơ (Thông tư số 61/2023/TT-BTC))").
    """

    channels: tuple[str, ...]
    time: str = ""  # "12 Ngày làm việc", "5" (no unit), "Không có thông tin"
    fee: str = ""  # "60,000 Việt Nam Đồng", "Miễn phí", "Không có thông tin", "" (none)
    fee_note: str = ""
    description: str = ""


class Replacement(Frozen):
    """The code now in force for a repealed national code, and the document that says so."""

    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1)  # its official name, as the source writes it
    source: str = Field(min_length=1)  # the decision or record that replaced the old code
    url: str = ""  # an official page of that source


class ListingEntry(Frozen):
    """A national-listing reference card: one record of the national portal, no guide.

    ``time`` and ``fee`` are one-line summaries (kept for exports and older catalog
    versions); ``rows`` keep the portal's own time, fee and description cells, from which
    the card shows every time with its case and every fee. ``authority`` and ``reception``
    are the record's other agency cells. A card with ``replaced_by`` is a repealed code: it is
    never served as current, only answered with its replacement.
    """

    code: str
    name: str
    sector: str
    levels: tuple[Level, ...] = ()
    agency: str = ""
    channels: tuple[str, ...] = ()  # "Trực tuyến", "Trực tiếp", "Bưu chính" as the portal says
    online: bool = False
    time: str = ""
    fee: str = ""
    documents: tuple[str, ...] = ()
    url: str
    decision: str = ""
    authority: str = ""  # co_quan_co_tham_quyen, when it differs from the agency
    reception: str = ""  # dia_chi_tiep_nhan: where dossiers are received
    rows: tuple[ListingRow, ...] = ()
    replaced_by: tuple[Replacement, ...] = ()
    # Everyday names officers added from the unanswered inbox; versioned with the catalog (older
    # stored versions have none). The shipped everyday names stay in intents/listing_aliases.tsv.
    aliases: tuple[str, ...] = ()

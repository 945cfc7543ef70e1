"""What an upload would change: entries added, removed and changed, in plain translatable words.

Before an officer's file replaces the catalog citizens see, the bot shows what changes: which
entries, which fields, each fee's old and new amount, steps and papers added or removed, and
how the national listing moves. Lines are templates (see :mod:`procedures.problems`) so that
the bot renders them in the officer's language.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from procedures.catalog import Catalog
from procedures.models import Document, Fee, ListingEntry, Procedure, Step
from procedures.problems import N_, Gettext, Params, fill

SUMMARY = N_(
    "{changed} procedures changed, {added} added, {removed} removed; "
    "national listing: +{listing_added} −{listing_removed} ~{listing_changed}"
)
NO_CHANGES = N_("No changes.")
SHIPPED = N_("shipped catalog files")
SHIPPED_UPDATE = N_("new shipped catalog files (release update)")
ROLLBACK = N_("rollback to version {version} ({source})")
ENTRY_ADDED = N_("New: {entry} ({name})")
ENTRY_REMOVED = N_("Removed: {entry} ({name})")
ENTRY_CHANGED = N_("Changed: {entry} ({name})")
FIELDS_CHANGED = N_("changed: {fields}")
FEE_CHANGED = N_("fee “{label}”: {old} → {new}")
FEE_ADDED = N_("fee added: “{label}” {new}")
FEE_REMOVED = N_("fee removed: “{label}” {old}")
STEPS_ADDED = N_("steps added: {steps}")
STEPS_REMOVED = N_("steps removed: {steps}")
STEPS_CHANGED = N_("steps changed: {steps}")
DOCUMENTS_ADDED = N_("papers added: {documents}")
DOCUMENTS_REMOVED = N_("papers removed: {documents}")
DOCUMENTS_CHANGED = N_("papers changed: {documents}")
LISTING_ADDED = N_("National listing: {count} added, e.g. {examples}")
LISTING_REMOVED = N_("National listing: {count} removed, e.g. {examples}")
LISTING_CHANGED = N_("National listing: {count} changed, e.g. {examples}")
NOT_SET = N_("not set")
MAX_EXAMPLES = 3

# Field names in plain words, translated at render time.
FIELD_WORDS = {
    "kind": N_("kind"),
    "codes": N_("national codes"),
    "partial_codes": N_("codes guided only in part"),
    "sector": N_("sector"),
    "name": N_("name"),
    "summary": N_("summary"),
    "audience": N_("who can apply"),
    "online_level": N_("online level"),
    "channels": N_("where to apply"),
    "documents": N_("papers"),
    "fees": N_("fees"),
    "processing_time": N_("processing time"),
    "agency": N_("agency"),
    "legal_basis": N_("legal basis"),
    "result": N_("result"),
    "tracking": N_("tracking"),
    "deadline": N_("deadline"),
    "validity": N_("validity"),
    "evidence": N_("sources of each fact"),
    "source_url": N_("source link"),
    "sources": N_("sources"),
    "last_verified": N_("date checked"),
    "unverified": N_("unverified fields"),
    "aliases": N_("everyday names"),
    "aliases_en": N_("English names"),
    "keywords": N_("keywords"),
    "examples": N_("example questions"),
    "preparation": N_("what to prepare"),
    "steps": N_("steps"),
}


@dataclass(frozen=True)
class Line:
    """One line of a diff: a template, its values, and values that are themselves words to translate."""

    template: str
    params: Params = dataclasses.field(default_factory=dict, hash=False)
    words: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (placeholder, templates joined by ", ")
    indent: int = 0

    def render(self, gettext: Gettext) -> str:
        """The line in the reader's language."""
        values: dict[str, object] = dict(self.params)
        for key, terms in self.words:
            values[key] = ", ".join(gettext(term) for term in terms)
        return "  " * self.indent + fill(gettext(self.template), values)


@dataclass(frozen=True)
class FeeChange:
    """A fee line added, removed, or whose amount or terms changed (amounts in đồng, None = not set)."""

    label: str
    old: int | None
    new: int | None
    added: bool = False
    removed: bool = False


@dataclass(frozen=True)
class EntryChange:
    """How one curated entry changed."""

    entry: str
    name: str
    fields: tuple[str, ...]  # model field names that differ
    fees: tuple[FeeChange, ...] = ()
    steps_added: tuple[str, ...] = ()
    steps_removed: tuple[str, ...] = ()
    steps_changed: tuple[str, ...] = ()
    documents_added: tuple[str, ...] = ()
    documents_removed: tuple[str, ...] = ()
    documents_changed: tuple[str, ...] = ()


def _money(amount: int | None) -> str:
    # Vietnamese grouping ("50.000 đ") in both languages: the amounts are Vietnamese money.
    return f"{amount:,} đ".replace(",", ".") if amount is not None else ""


@dataclass(frozen=True)
class CatalogDiff:
    """Differences between the served catalog and a candidate."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[EntryChange, ...] = ()
    listing_added: tuple[str, ...] = ()
    listing_removed: tuple[str, ...] = ()
    listing_changed: tuple[str, ...] = ()
    names: dict[str, str] = dataclasses.field(default_factory=dict, hash=False)  # entry id -> Vietnamese name

    @property
    def is_empty(self) -> bool:
        """True when the candidate changes nothing."""
        return not (
            self.added
            or self.removed
            or self.changed
            or self.listing_added
            or self.listing_removed
            or self.listing_changed
        )

    def summary_line(self) -> Line:
        """The one-line summary, untranslated."""
        counts: Params = {"changed": len(self.changed), "added": len(self.added), "removed": len(self.removed)}
        counts |= {"listing_added": len(self.listing_added), "listing_removed": len(self.listing_removed)}
        counts["listing_changed"] = len(self.listing_changed)
        return Line(SUMMARY, counts)

    def summary(self, gettext: Gettext) -> str:
        """One line: "2 thủ tục thay đổi, 1 thêm mới, 0 xoá; danh mục quốc gia: +3 −0 ~1"."""
        return self.summary_line().render(gettext)

    def entry_lines(self) -> list[Line]:
        """Every line of the diff, untranslated, in the order they are shown."""
        if self.is_empty:
            return [Line(NO_CHANGES)]
        lines = [Line(ENTRY_ADDED, {"entry": entry, "name": self.names.get(entry, "")}) for entry in self.added]
        lines += [Line(ENTRY_REMOVED, {"entry": entry, "name": self.names.get(entry, "")}) for entry in self.removed]
        for change in self.changed:
            lines.append(Line(ENTRY_CHANGED, {"entry": change.entry, "name": change.name}))
            lines += _change_lines(change)
        for template, codes in (
            (LISTING_ADDED, self.listing_added),
            (LISTING_REMOVED, self.listing_removed),
            (LISTING_CHANGED, self.listing_changed),
        ):
            if codes:
                lines.append(Line(template, {"count": len(codes), "examples": ", ".join(codes[:MAX_EXAMPLES])}))
        return lines

    def lines(self, gettext: Gettext) -> list[str]:
        """Every line of the diff in the reader's language."""
        return [line.render(gettext) for line in self.entry_lines()]


def _change_lines(change: EntryChange) -> list[Line]:
    lines: list[Line] = []
    plain = tuple(FIELD_WORDS.get(name, name) for name in change.fields)
    if plain:
        lines.append(Line(FIELDS_CHANGED, words=(("fields", plain),), indent=1))
    for fee in change.fees:
        params: Params = {"label": fee.label, "old": _money(fee.old), "new": _money(fee.new)}
        template = FEE_ADDED if fee.added else FEE_REMOVED if fee.removed else FEE_CHANGED
        words = tuple((key, (NOT_SET,)) for key, amount in (("old", fee.old), ("new", fee.new)) if amount is None)
        lines.append(Line(template, params, words, indent=1))
    for template, key, items in (
        (STEPS_ADDED, "steps", change.steps_added),
        (STEPS_REMOVED, "steps", change.steps_removed),
        (STEPS_CHANGED, "steps", change.steps_changed),
        (DOCUMENTS_ADDED, "documents", change.documents_added),
        (DOCUMENTS_REMOVED, "documents", change.documents_removed),
        (DOCUMENTS_CHANGED, "documents", change.documents_changed),
    ):
        if items:
            lines.append(Line(template, {key: ", ".join(items)}, indent=1))
    return lines


def _fee_key(fee: Fee) -> tuple[str, str]:
    return fee.label.vi, fee.channel.value


def _fees(old: Sequence[Fee], new: Sequence[Fee]) -> tuple[FeeChange, ...]:
    before = {_fee_key(fee): fee for fee in old}
    after = {_fee_key(fee): fee for fee in new}
    changes = [FeeChange(key[0], None, fee.amount_vnd, added=True) for key, fee in after.items() if key not in before]
    changes += [
        FeeChange(key[0], fee.amount_vnd, None, removed=True) for key, fee in before.items() if key not in after
    ]
    changes += [
        FeeChange(key[0], fee.amount_vnd, after[key].amount_vnd)
        for key, fee in before.items()
        if key in after and after[key] != fee
    ]
    return tuple(changes)


def _by_id(items: Iterable[Step | Document]) -> dict[str, Step | Document]:
    return {item.id: item for item in items}


def _compare(old: Procedure, new: Procedure) -> EntryChange | None:
    fields = tuple(name for name in Procedure.model_fields if name != "id" and getattr(old, name) != getattr(new, name))
    if not fields:
        return None
    steps_old, steps_new = _by_id(old.steps), _by_id(new.steps)
    docs_old, docs_new = _by_id(old.documents), _by_id(new.documents)
    return EntryChange(
        entry=new.id,
        name=new.name.vi,
        fields=fields,
        fees=_fees(old.fees, new.fees),
        steps_added=tuple(key for key in steps_new if key not in steps_old),
        steps_removed=tuple(key for key in steps_old if key not in steps_new),
        steps_changed=tuple(key for key in steps_new if key in steps_old and steps_old[key] != steps_new[key]),
        documents_added=tuple(key for key in docs_new if key not in docs_old),
        documents_removed=tuple(key for key in docs_old if key not in docs_new),
        documents_changed=tuple(key for key in docs_new if key in docs_old and docs_old[key] != docs_new[key]),
    )


def diff_catalogs(old: Catalog, new_entries: Iterable[Procedure], new_listing: Iterable[ListingEntry]) -> CatalogDiff:
    """Compare the served catalog with a candidate's entries and listing."""
    entries = list(new_entries)
    # Compare listings as they would be served: curated codes hide their cards.
    listing = Catalog.build(entries, new_listing).listing
    new_by_id = {entry.id: entry for entry in entries}
    changed = [
        change
        for entry_id, entry in new_by_id.items()
        if entry_id in old.entries and (change := _compare(old.entries[entry_id], entry)) is not None
    ]
    names = {entry.id: entry.name.vi for entry in [*old.entries.values(), *entries]}
    return CatalogDiff(
        added=tuple(entry_id for entry_id in new_by_id if entry_id not in old.entries),
        removed=tuple(entry_id for entry_id in old.entries if entry_id not in new_by_id),
        changed=tuple(changed),
        listing_added=tuple(sorted(code for code in listing if code not in old.listing)),
        listing_removed=tuple(sorted(code for code in old.listing if code not in listing)),
        listing_changed=tuple(
            sorted(code for code in listing if code in old.listing and listing[code] != old.listing[code])
        ),
        names=names,
    )


def templates() -> list[str]:
    """Every message template and field word of this module (for translation catalogs)."""
    words = [value for name, value in globals().items() if name.isupper() and isinstance(value, str)]
    return words + [word for word in FIELD_WORDS.values() if word not in words]


# The audit record keeps its summary in English (one record, many readers); these read it back.
_STORED = (
    (
        re.compile(
            r"^(?P<changed>\d+) procedures changed, (?P<added>\d+) added, (?P<removed>\d+) removed; "
            r"national listing: \+(?P<listing_added>\d+) −(?P<listing_removed>\d+) ~(?P<listing_changed>\d+)$"
        ),
        SUMMARY,
    ),
    (re.compile(r"^shipped catalog files$"), SHIPPED),
    (re.compile(r"^new shipped catalog files \(release update\)$"), SHIPPED_UPDATE),
    (re.compile(r"^rollback to version (?P<version>\d+) \((?P<source>.*)\)$"), ROLLBACK),
)


def stored_summary(summary: str, gettext: Gettext) -> str:
    """A version's stored (English) summary in the reader's language; any other text as it is."""
    for pattern, template in _STORED:
        found = pattern.match(summary)
        if found is not None:
            return fill(gettext(template), found.groupdict())
    return summary

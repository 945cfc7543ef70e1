"""The catalog a running bot serves: curated entries plus the national listing.

A :class:`Catalog` is immutable. Its ``version`` is a digest of the curated content, so a
button pressed on an old menu, or a conversation paused in a guide that has since
changed, can be recognised.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from procedures.loader import CURATED_DIR, LISTING_FILE, LoadError, iter_listing, load_curated
from procedures.models import ListingEntry, Procedure


class CatalogError(Exception):
    """The curated catalog could not be loaded or failed validation."""

    def __init__(self, problems: Iterable[object]):
        self.problems = [str(problem) for problem in problems]
        super().__init__("catalog is invalid:\n" + "\n".join(self.problems))


@dataclass(frozen=True)
class Catalog:
    """Curated entries by id, listing cards by national code, and a content version."""

    entries: dict[str, Procedure]
    listing: dict[str, ListingEntry] = field(default_factory=dict)
    version: str = ""

    @classmethod
    def build(cls, entries: Iterable[Procedure], listing: Iterable[ListingEntry] = ()) -> Catalog:
        """Assemble a catalog; curated entries take precedence over listing cards with their code.

        A code an entry covers only in part keeps its listing card, so the rest of that record
        (the social insurance book of a record the entry guides for the health insurance card
        alone) can still be found; typed as a code, it opens the curated entry.
        """
        by_id = {entry.id: entry for entry in entries}
        curated_codes = {code for entry in by_id.values() for code in entry.codes if code not in entry.partial_codes}
        cards = {card.code: card for card in listing if card.code not in curated_codes}
        digest = hashlib.sha256()
        for entry_id in sorted(by_id):
            digest.update(by_id[entry_id].model_dump_json().encode("utf-8"))
        return cls(by_id, cards, digest.hexdigest()[:12])

    @classmethod
    def load(cls, folder: Path | None = None, listing_file: Path | None = None) -> Catalog:
        """Load the shipped (or configured) catalog files; raise :class:`CatalogError` on a bad file."""
        entries, errors = load_curated(folder or CURATED_DIR)
        if errors:
            raise CatalogError(errors)
        return cls.build(entries, iter_listing(listing_file or LISTING_FILE))

    def get(self, entry_id: str) -> Procedure | None:
        """A curated entry by id."""
        return self.entries.get(entry_id)

    def card(self, code: str) -> ListingEntry | None:
        """A listing card by national code."""
        return self.listing.get(code)

    def by_code(self, code: str) -> Procedure | ListingEntry | None:
        """The curated entry carrying a national code, else the listing card."""
        for entry in self.entries.values():
            if code in entry.codes:
                return entry
        return self.listing.get(code)

    def names(self, locale: str) -> dict[str, str]:
        """Every procedure's name by id or national code: curated in ``locale``, listing cards official."""
        found = {code: card.name for code, card in self.listing.items()}
        found.update((entry.id, entry.name.get(locale)) for entry in self.entries.values())
        return found

    def stale(self, today: dt.date, max_age_days: int) -> list[Procedure]:
        """Entries last verified more than ``max_age_days`` ago, oldest first (to re-check)."""
        limit = today - dt.timedelta(days=max_age_days)
        old = [entry for entry in self.entries.values() if entry.last_verified < limit]
        return sorted(old, key=lambda entry: (entry.last_verified, entry.id))

    def __iter__(self) -> Iterator[Procedure]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)


__all__ = ["Catalog", "CatalogError", "LoadError"]

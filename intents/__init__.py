"""Intent routing: normalisation, the index over the catalog, and the router (pure domain code)."""

from __future__ import annotations

from intents.decision import Candidate, Decision, Verdict
from intents.index import (
    Index,
    IntentDoc,
    IntentKind,
    curated_docs,
    general_docs,
    listing_docs,
    load_listing_aliases,
)
from intents.router import Router
from intents.tuning import Thresholds
from procedures.catalog import Catalog


def build_index(catalog: Catalog, with_listing: bool = True) -> Index:
    """Index the catalog's curated entries, its listing cards and the general intents."""
    docs: list[IntentDoc] = curated_docs(catalog)
    if with_listing:
        aliases = load_listing_aliases()
        for card in catalog.listing.values():
            if card.aliases:  # names added from the unanswered inbox, carried by the catalog version
                aliases[card.code] = (*aliases.get(card.code, ()), *card.aliases)
        docs += listing_docs(catalog.listing.values(), skip_codes=(), aliases=aliases)
    docs += general_docs()
    return Index.build(docs)


def build_router(catalog: Catalog, thresholds: Thresholds | None = None, with_listing: bool = True) -> Router:
    """A router over :func:`build_index` of the catalog."""
    return Router(build_index(catalog, with_listing), thresholds)


__all__ = [
    "Candidate",
    "Decision",
    "Index",
    "IntentKind",
    "Router",
    "Thresholds",
    "Verdict",
    "build_index",
    "build_router",
]

"""Intent routing: normalisation, the index over the catalog, and the router (pure domain code)."""

from __future__ import annotations

from intents.decision import Candidate, Decision, Verdict
from intents.index import (
    Index,
    IntentDoc,
    IntentKind,
    curated_docs,
    general_docs,
    shipped_listing_docs,
)
from intents.router import Router
from intents.tuning import Thresholds
from procedures.catalog import Catalog


def build_index(catalog: Catalog, with_listing: bool = True) -> Index:
    """Index the catalog's curated entries, its listing cards and the general intents."""
    docs: list[IntentDoc] = curated_docs(catalog)
    if with_listing:
        # Names added from the unanswered inbox are carried by the catalog version.
        added = {card.code: card.aliases for card in catalog.listing.values() if card.aliases}
        docs += shipped_listing_docs(catalog.listing.values(), added)
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

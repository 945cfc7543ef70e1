"""The unanswered inbox's decisions: an officer proposes, an administrator approves or refuses.

A proposal says "these questions are procedure X" (a curated entry id or a national code) or
"out of scope". Approving a procedure mapping builds the candidate catalog (the phrase added to
the entry's ``keywords``, or to the listing card's ``aliases``), builds its router and measures
it on every shipped labelled set against the router being served; if any set gets worse the
mapping is refused and the figures kept. Otherwise the candidate is served as a new catalog
version through :class:`bot.catalog.updates.CatalogUpdates` -- the same diff, audit record and
rollback as an uploaded file -- and every process picks it up by its live reload. Out-of-scope
mappings change no catalog: they are recorded and take the group out of the inbox.

Measuring takes seconds; the console runs its pages in a worker thread, never on the event loop.

Approvals are serialised: each is measured on the newest version and published only if that
version is still the newest -- a compare-and-set under the lock every process takes to serve a
catalog version (:meth:`bot.catalog.versions.CatalogStore.publishing`: an advisory lock on
PostgreSQL, a file lock next to a SQLite database), which uploads and rollbacks take too. Two
administrators approving at once therefore never both build on the same version, one losing the
other's wording: the second finds the first's version, is measured again on it, and carries both.
The measuring itself stays outside the lock, and so does rebuilding the served snapshot afterwards,
so a slow approval never holds up the others' publishing.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlmodel import select

from bot.catalog.updates import CatalogUpdates
from bot.clock import Clock
from bot.i18n import N_
from bot.stats.queries import question_key
from bot.storage.database import Database
from bot.storage.tables import InboxMapping
from intents.decision import OUT_OF_SCOPE
from intents.regression import Comparison, EvalSet, Figures, measure
from intents.router import Router
from procedures.catalog import Catalog

PROPOSED, APPLIED, REFUSED = "proposed", "applied", "refused"
MAX_PHRASE = 200
ATTEMPTS = 3  # measurings of one approval while other approvals or uploads keep changing the catalog
CHANGING = N_("The catalog kept changing while this proposal was measured. Approve it again.")


class MappingError(ValueError):
    """A proposal that cannot be recorded (the reason is an English message id for gettext)."""


@dataclass(frozen=True)
class Decided:
    """What an approval did: the mapping, the figures, and the catalog version (None if refused)."""

    mapping: InboxMapping
    comparison: Comparison | None
    version_id: int | None

    @property
    def refused(self) -> bool:
        """Refused because a set got worse."""
        return self.mapping.status == REFUSED


def with_alias(catalog: Catalog, target: str, phrase: str) -> Catalog:
    """``catalog`` with ``phrase`` added to ``target``'s keywords (curated) or aliases (listing card)."""
    entry = catalog.get(target)
    if entry is not None:
        if any(question_key(word) == question_key(phrase) for word in entry.keywords):
            return catalog
        entries = {**catalog.entries, target: entry.model_copy(update={"keywords": (*entry.keywords, phrase)})}
        return Catalog.build(entries.values(), catalog.listing.values())
    card = catalog.card(target)
    if card is None:
        raise MappingError(N_("There is no procedure {target} in the catalog in use."))
    if any(question_key(name) == question_key(phrase) for name in card.aliases):
        return catalog
    listing = {**catalog.listing, target: card.model_copy(update={"aliases": (*card.aliases, phrase)})}
    return Catalog.build(catalog.entries.values(), listing.values())


def serves(catalog: Catalog, mapping: InboxMapping) -> bool:
    """Whether the served catalog still carries an applied mapping's phrase (a rollback removes it)."""
    if mapping.target == OUT_OF_SCOPE:
        return True
    entry = catalog.get(mapping.target)
    names = entry.keywords if entry is not None else getattr(catalog.card(mapping.target), "aliases", ())
    return any(question_key(name) == question_key(mapping.phrase) for name in names)


class Mappings:
    """Proposals, evaluation, approval and refusal of inbox mappings."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        updates: CatalogUpdates,
        served: Callable[[], tuple[int, Catalog]],
        build_router: Callable[[Catalog], Router],
        sets: Callable[[], Sequence[EvalSet]],
        days: int = 30,
    ):
        self.database, self.clock, self.updates = database, clock, updates
        self.days = days  # the inbox reads the text retention period (DVCBOT_RAW_TEXT_DAYS)
        self.served = served  # the version number and catalog in use now
        # Both sides are built by this one builder (the served thresholds), so only the catalog differs.
        self.build_router = build_router
        self.sets = sets  # injectable: the shipped sets, or a tiny one in a test
        self._before: dict[object, tuple[Figures, ...]] = {}  # per served version and sets: measured once
        self._lock = threading.Lock()  # one approval at a time: each builds on the version before

    def propose(self, key: str, phrase: str, target: str, author: str) -> InboxMapping:
        """Record an officer's proposal for the group ``key``."""
        phrase, target = " ".join(phrase.split())[:MAX_PHRASE], target.strip()
        if not key or not phrase:
            raise MappingError(N_("Write the question's wording first."))
        _, catalog = self.served()
        if target != OUT_OF_SCOPE and catalog.get(target) is None and catalog.card(target) is None:
            raise MappingError(N_("There is no procedure {target} in the catalog in use."))
        row = InboxMapping(
            key=key[:500], phrase=phrase, target=target, status=PROPOSED, proposed_by=author[:64],
            proposed_at=self.clock.now(),
        )  # fmt: skip
        with self.database.session() as session:
            session.add(row)
        return row

    def get(self, mapping_id: int) -> InboxMapping | None:
        """One mapping."""
        with self.database.session() as session:
            return session.get(InboxMapping, mapping_id)

    def listed(self, status: str, limit: int = 100) -> list[InboxMapping]:
        """Mappings with ``status``, newest first."""
        with self.database.session() as session:
            statement = select(InboxMapping).where(InboxMapping.status == status)
            statement = statement.order_by(InboxMapping.id.desc()).limit(limit)  # type: ignore[union-attr]
            return list(session.exec(statement).all())

    def hidden_keys(self) -> set[str]:
        """Groups the inbox leaves out: proposed, or applied and still served (a rollback brings them back)."""
        _, catalog = self.served()
        applied = [row for row in self.listed(APPLIED, 10_000) if serves(catalog, row)]
        return {row.key for row in [*self.listed(PROPOSED, 10_000), *applied]}

    def compare(self, mapping: InboxMapping) -> Comparison | None:
        """Every set's figures with the served router and with the mapping's (None: out of scope)."""
        version, catalog = self.served()
        return self._measure(mapping, version, catalog)

    def _measure(self, mapping: InboxMapping, version: int, catalog: Catalog) -> Comparison | None:
        if mapping.target == OUT_OF_SCOPE:
            return None
        candidate = with_alias(catalog, mapping.target, mapping.phrase)
        sets = self.sets()
        cached = (version, tuple((item.name, len(item.examples)) for item in sets))
        before = self._before.get(cached)
        if before is None:
            before = self._before[cached] = measure(self.build_router(catalog), sets, set(catalog.listing))
        after = measure(self.build_router(candidate), sets, set(candidate.listing))
        return Comparison(before, after)

    def approve(self, mapping_id: int, author: str) -> Decided | None:
        """Measure and serve the mapping, or refuse it when a set gets worse; None if not pending.

        Raises :class:`MappingError` (the proposal stays pending, to approve again) when the catalog
        changed under every one of :data:`ATTEMPTS` measurings.
        """
        with self._lock:  # this process's approvals one at a time; the store's lock orders the processes
            for _ in range(ATTEMPTS):
                self.updates.refresh()  # build on the newest version, even one another process applied
                row = self.get(mapping_id)
                if row is None or row.status != PROPOSED:
                    return None
                version, catalog = self.served()
                comparison = self._measure(row, version, catalog)
                store = self.updates.store
                with store.publishing():
                    if store.latest_id() != version:  # another version was served meanwhile: measure again
                        continue
                    decided = self._conclude(mapping_id, catalog, comparison, author)
                self.updates.refresh()  # outside the lock: building the new version's router takes seconds
                return decided
            raise MappingError(CHANGING)

    def _conclude(
        self, mapping_id: int, catalog: Catalog, comparison: Comparison | None, author: str
    ) -> Decided | None:
        """Serve (or refuse) the mapping measured on ``catalog``, the newest version; under the publishing lock."""
        row = self.get(mapping_id)
        if row is None or row.status != PROPOSED:  # decided by another administrator meanwhile
            return None
        version_id: int | None = None
        if comparison is not None and comparison.worse:
            status = REFUSED
        else:
            status = APPLIED
            if comparison is not None:
                version_id = self._serve(row, catalog, author)
        return Decided(self._decide(mapping_id, status, author, comparison, version_id), comparison, version_id)

    def refuse(self, mapping_id: int, author: str) -> InboxMapping | None:
        """An administrator's "no"; None if not pending."""
        row = self.get(mapping_id)
        if row is None or row.status != PROPOSED:
            return None
        return self._decide(mapping_id, REFUSED, author, None, None)

    def _serve(self, row: InboxMapping, catalog: Catalog, author: str) -> int | None:
        candidate = with_alias(catalog, row.target, row.phrase)
        checked = self.updates.serve(candidate, author, f"inbox #{row.id}: {row.phrase}"[:255], refresh=False)
        return checked.version.id if checked.version is not None else self.updates.store.latest_id()

    def _decide(
        self, mapping_id: int, status: str, author: str, comparison: Comparison | None, version_id: int | None
    ) -> InboxMapping:
        with self.database.session() as session:
            row = session.get(InboxMapping, mapping_id)
            assert row is not None
            row.status, row.decided_by, row.decided_at = status, author[:64], self.clock.now()
            row.version_id = version_id
            if comparison is not None:
                row.figures = json.dumps(
                    [[old.name, old.rates(), new.rates()] for old, new in comparison.pairs()], ensure_ascii=False
                )
            session.add(row)
        return row


__all__ = [
    "APPLIED", "ATTEMPTS", "CHANGING", "Decided", "MappingError", "Mappings", "PROPOSED", "REFUSED", "serves",
    "with_alias",
]  # fmt: skip

"""The live catalog: the snapshot being served, swapped for a new version without a restart.

A :class:`Snapshot` bundles one catalog version with everything derived from it (the
router index, the walkthrough, the menu's sectors). The engine reads
:attr:`LiveCatalog.current` once per message and uses that snapshot for the whole message,
so a swap in the middle never mixes two versions.

Every bot process polls the database for the newest applied version (a cheap ``max(id)``
query every few seconds), so several processes sharing one PostgreSQL all notice an
import made by any of them or by the ``dvcbot catalog`` command. The new router is built in
the background thread and swapped in with a single assignment.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.catalog.versions import CatalogStore, decode
from bot.conversation.walkthrough import Walkthrough
from intents.index import IntentKind
from intents.language import english_words
from intents.router import Router
from procedures.catalog import Catalog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """One catalog version and what is derived from it."""

    version_id: int
    catalog: Catalog
    router: Router
    walk: Walkthrough = field(init=False)
    sectors: tuple[str, ...] = field(init=False)
    english: frozenset[str] = field(init=False)  # the English words of the catalog's names and aliases

    def __post_init__(self) -> None:
        object.__setattr__(self, "walk", Walkthrough(self.catalog))
        object.__setattr__(self, "sectors", tuple(sorted({entry.sector.vi for entry in self.catalog})))
        texts = [text for entry in self.catalog for text in (entry.name.en, *entry.aliases_en)]
        # And the English phrases of national cards ("visa extension", "work permit"): with them a
        # two-word English question is read as English, not answered in Vietnamese.
        texts += [
            phrase
            for doc in self.router.index.docs
            if doc.kind is IntentKind.LISTING
            for phrase in doc.phrases[1:]
            if phrase.isascii()
        ]
        object.__setattr__(self, "english", english_words(texts))


class LiveCatalog:
    """Holds the served snapshot and replaces it when a newer version is applied."""

    def __init__(
        self,
        store: CatalogStore,
        snapshot: Snapshot,
        build_router: Callable[[Catalog], Router],
        interval: float = 5.0,
    ):
        self.store = store
        self.build_router = build_router
        self.interval = interval
        self._current = snapshot
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def current(self) -> Snapshot:
        """The snapshot to use for the next message."""
        return self._current

    def served(self) -> tuple[int, Catalog]:
        """The served version number and catalog, read from one snapshot."""
        snapshot = self._current
        return snapshot.version_id, snapshot.catalog

    def refresh(self) -> bool:
        """Load the newest applied version if it is not the one served; True when swapped."""
        with self._lock:  # one rebuild at a time, even if an admin's import triggers one too
            latest = self.store.latest_id()
            if latest is None or latest == self._current.version_id:
                return False
            row = self.store.get(latest)
            if row is None:
                return False
            catalog = decode(row)
            snapshot = Snapshot(latest, catalog, self.build_router(catalog))
            old, self._current = self._current, snapshot
        gc.freeze()  # the new catalog and router are long-lived: keep them out of full collections
        log.info("Catalog version %s is now served (was %s).", latest, old.version_id)
        return True

    def start(self) -> None:
        """Poll for new versions in a daemon thread."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="catalog-reload", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.refresh()
            except Exception:  # the database may be briefly unreachable; try again next time
                log.exception("catalog reload failed")

    def stop(self) -> None:
        """Stop polling."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

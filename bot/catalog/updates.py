"""Catalog updates: one implementation of "upload → problems or a diff → apply", history and rollback.

The chat upload (:mod:`bot.desks.admin`), the command line (:mod:`bot.cli.catalog`) and the web
console (:mod:`bot.web.console_catalog`) all go through :class:`CatalogUpdates`, so a file is read
the same way (in the limited child process of :mod:`bot.catalog.uploads`), validated by the same
rules, and recorded as the same kind of version row whoever sends it. A checked file with changes
becomes a draft (or, for ``dvcbot catalog import``, is applied at once); applying, discarding and
rolling back refresh the served catalog through the callback the caller hands in.

A draft is built on the version served when the file was checked (its parent). Applying it after
another version was served -- another officer's file, a rollback, an alias approved in the console
-- would undo that version, so it is refused with :data:`CHANGED` (the draft is discarded, the
file is to be checked again); an import that finds the catalog changed while its file was read
is refused with :data:`CHANGED_IMPORT`. The check and the write are one step under the store's
publishing lock (:meth:`bot.catalog.versions.CatalogStore.publishing`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.catalog.versions import APPLIED, DRAFT, CatalogChanged, CatalogStore
from bot.i18n import N_
from bot.storage.tables import CatalogVersion
from procedures.catalog import Catalog
from procedures.links import LinkPolicy
from procedures.problems import Problem

if TYPE_CHECKING:  # the diff code is imported by the first check, not by a citizen's chat
    from procedures.diff import CatalogDiff

CHANGED = N_(
    "The catalog changed since this file was checked (now version {n}). The file was not applied and its "
    "check was discarded: send or upload the file again to check it against the catalog in use."
)
CHANGED_IMPORT = N_(
    "The catalog changed while this file was checked (now version {n}). Nothing was changed: run the import again."
)


@dataclass(frozen=True)
class Checked:
    """What a file would do: its problems (nothing saved), or its diff and the version it became."""

    name: str
    problems: tuple[Problem, ...] = ()
    diff: CatalogDiff | None = None
    version: CatalogVersion | None = None  # a draft, or the applied version; None without changes

    @property
    def ok(self) -> bool:
        """No problem found."""
        return not self.problems

    @property
    def unchanged(self) -> bool:
        """Valid, but the same as the catalog in use."""
        return self.ok and (self.diff is None or self.diff.is_empty)


class CatalogUpdates:
    """Check, apply, discard and roll back catalog versions."""

    def __init__(
        self,
        store: CatalogStore,
        served: Callable[[], tuple[int | None, Catalog]],
        policy: LinkPolicy,
        required: Sequence[str],
        refresh: Callable[[], object] = lambda: None,
    ):
        self.store = store
        self.served = served  # the version being served now and its catalog, read together
        self.policy = policy
        self.required = tuple(required)
        self.refresh = refresh  # after a change: the served snapshot follows at once

    def check(
        self,
        name: str,
        author: str,
        *,
        content: bytes | None = None,
        path: Path | None = None,
        status: str | None = DRAFT,
    ) -> Checked:
        """Read and validate a file (blocking, seconds); with changes, save it as a ``status`` version.

        ``status`` None only previews: the diff, nothing saved (``dvcbot catalog diff``). The version
        records the served version it was built on; an ``APPLIED`` one raises :class:`CatalogChanged`
        when another version was served while the file was read.
        """
        # Imported on the first upload: the spreadsheet formats (openpyxl) are admin-only and slow to import.
        from bot.catalog.uploads import read_sandboxed

        if status is not None:
            self.refresh()  # build on the newest version, even one another process served moments ago
        parent, current = self.served()
        candidate = read_sandboxed(name, current, self.policy, self.required, content=content, path=path)
        if candidate.problems:
            return Checked(name, problems=candidate.problems)
        from procedures.diff import diff_catalogs

        diff = diff_catalogs(current, candidate.entries, candidate.listing)
        if diff.is_empty or status is None:
            return Checked(name, diff=diff)
        version = self.store.save(
            candidate.entries,
            candidate.listing,
            author=author,
            source=name,
            summary=diff.summary(lambda message: message),  # the audit record is kept in English
            status=status,
            parent=parent,
        )
        if status == APPLIED:
            self.refresh()
        return Checked(name, diff=diff, version=version)

    def current(self) -> Catalog:
        """The catalog being served now."""
        return self.served()[1]

    def serve(self, candidate: Catalog, author: str, source: str, *, refresh: bool = True) -> Checked:
        """Serve a catalog built in code (an alias approved in the console's inbox) as a new version.

        It becomes a version row like an uploaded file's, so its diff, audit and rollback are the same.
        It must be built on the served version (raises :class:`CatalogChanged` otherwise). ``refresh``
        False leaves rebuilding the served snapshot to a caller that holds the publishing lock.
        """
        parent, current = self.served()
        from procedures.diff import diff_catalogs

        diff = diff_catalogs(current, candidate.entries.values(), candidate.listing.values())
        if diff.is_empty:
            return Checked(source, diff=diff)
        version = self.store.save(
            list(candidate.entries.values()),
            list(candidate.listing.values()),
            author=author,
            source=source,
            summary=diff.summary(lambda message: message),
            status=APPLIED,
            parent=parent,
        )
        if refresh:
            self.refresh()
        return Checked(source, diff=diff, version=version)

    def apply(self, draft_id: int) -> CatalogVersion | None:
        """Serve a reviewed draft; None when it was applied or discarded already.

        Raises :class:`CatalogChanged` when another version was served since the draft was checked
        (the draft is discarded; show :data:`CHANGED` with the version served now).
        """
        try:
            row = self.store.apply(draft_id)
        except CatalogChanged:
            self.refresh()  # the version that won is served here at once
            raise
        if row is not None:
            self.refresh()
        return row

    def discard(self, draft_id: int) -> bool:
        """Drop a draft."""
        return self.store.discard(draft_id)

    def rollback(self, version_id: int, author: str) -> CatalogVersion | None:
        """Serve an applied version again (as a new version); None when there is no such version."""
        row = self.store.rollback(version_id, author)
        if row is not None:
            self.refresh()
        return row

    def history(self, limit: int = 20) -> list[CatalogVersion]:
        """Applied and draft versions, newest first."""
        return self.store.history(limit)


__all__ = ["CHANGED", "CHANGED_IMPORT", "CatalogChanged", "CatalogUpdates", "Checked"]

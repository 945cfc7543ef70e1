"""Catalog updates: one implementation of "upload → problems or a diff → apply", history and rollback.

The chat upload (:mod:`bot.desks.admin`), the command line (:mod:`bot.cli.catalog`) and the web
console (:mod:`bot.web.console_catalog`) all go through :class:`CatalogUpdates`, so a file is read
the same way (in the limited child process of :mod:`bot.catalog.uploads`), validated by the same
rules, and recorded as the same kind of version row whoever sends it. A checked file with changes
becomes a draft (or, for ``dvcbot catalog import``, is applied at once); applying, discarding and
rolling back refresh the served catalog through the callback the caller hands in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.catalog.versions import APPLIED, DRAFT, CatalogStore
from bot.storage.tables import CatalogVersion
from procedures.catalog import Catalog
from procedures.diff import CatalogDiff, diff_catalogs
from procedures.links import LinkPolicy
from procedures.problems import Problem


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
        current: Callable[[], Catalog],
        policy: LinkPolicy,
        required: Sequence[str],
        refresh: Callable[[], object] = lambda: None,
    ):
        self.store = store
        self.current = current  # the catalog being served now
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

        ``status`` None only previews: the diff, nothing saved (``dvcbot catalog diff``).
        """
        # Imported on the first upload: the spreadsheet formats (openpyxl) are admin-only and slow to import.
        from bot.catalog.uploads import read_sandboxed

        current = self.current()
        candidate = read_sandboxed(name, current, self.policy, self.required, content=content, path=path)
        if candidate.problems:
            return Checked(name, problems=candidate.problems)
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
        )
        if status == APPLIED:
            self.refresh()
        return Checked(name, diff=diff, version=version)

    def serve(self, candidate: Catalog, author: str, source: str) -> Checked:
        """Serve a catalog built in code (an alias approved in the console's inbox) as a new version.

        It becomes a version row like an uploaded file's, so its diff, audit and rollback are the same.
        """
        current = self.current()
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
        )
        self.refresh()
        return Checked(source, diff=diff, version=version)

    def apply(self, draft_id: int) -> CatalogVersion | None:
        """Serve a reviewed draft; None when it was applied or discarded already."""
        row = self.store.apply(draft_id)
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


__all__ = ["CatalogUpdates", "Checked"]

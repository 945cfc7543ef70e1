"""Catalog versions in the database: the served catalog, its history and its audit trail.

Every change to the catalog -- the files shipped with a release, an officer's spreadsheet,
a rollback -- becomes a numbered row of ``catalog_versions`` holding the whole curated set
and national listing (gzip-compressed JSON) with who, when, from which file and a summary
of the changes. The newest ``applied`` row is what every bot process serves; a ``draft`` is
an upload waiting for an admin's "Áp dụng". Writing a version is one transaction, so an
import is all or nothing.

Every version records its ``parent``, the version served when it was built. A draft is a whole
catalog built on its parent, so applying it once another version was served would silently drop
that version's change (another officer's file, a rollback, an alias approved in the console): it
is refused (:class:`CatalogChanged`) and discarded. Every version that becomes served is written
under one lock across processes (:meth:`CatalogStore.publishing`), so "is the parent still
served?" and "serve this" are one step: two officers applying at once cannot both win.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import logging
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from bot.clock import Clock
from bot.storage.database import Database
from bot.storage.tables import CatalogVersion
from procedures.catalog import Catalog
from procedures.diff import ROLLBACK, SHIPPED, SHIPPED_UPDATE
from procedures.models import ListingEntry, Procedure
from procedures.problems import fill

log = logging.getLogger(__name__)

APPLIED = "applied"
DRAFT = "draft"
DISCARDED = "discarded"
SHIPPED_AUTHOR = "system"


class CatalogChanged(RuntimeError):
    """A version built on a version that is no longer served: publishing it would drop what came since."""

    def __init__(self, latest: int | None):
        super().__init__(f"the catalog changed: version {latest} is served now")
        self.latest = latest  # the version served now, for the message the admin gets


@dataclass(frozen=True)
class Encoded:
    """A catalog serialised for storage, with the digest that identifies its content.

    The JSON is compressed only when a version is written (:attr:`curated`, :attr:`listing`):
    a start on a database that already holds these files needs the digest alone, and
    compressing ~5 MB of JSON would add half a second to every start.
    """

    curated_json: bytes
    listing_json: bytes
    digest: str

    @property
    def curated(self) -> bytes:
        """The curated entries as stored: gzip-compressed JSON."""
        return gzip.compress(self.curated_json, mtime=0)  # mtime=0 keeps equal content byte-identical

    @property
    def listing(self) -> bytes:
        """The listing cards as stored: gzip-compressed JSON lines."""
        return gzip.compress(self.listing_json, mtime=0)


def encode(entries: Iterable[Procedure], listing: Iterable[ListingEntry]) -> Encoded:
    """Serialise entries (sorted by id) and listing cards (sorted by code) deterministically."""
    curated_json = json.dumps(
        [entry.model_dump(mode="json") for entry in sorted(entries, key=lambda item: item.id)],
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")
    listing_json = "\n".join(card.model_dump_json() for card in sorted(listing, key=lambda item: item.code)).encode(
        "utf-8"
    )
    digest = hashlib.sha256(curated_json + b"\0" + listing_json).hexdigest()
    return Encoded(curated_json, listing_json, digest)


def decode(version: CatalogVersion) -> Catalog:
    """Rebuild the :class:`Catalog` a version row holds."""
    entries = [Procedure.model_validate(item) for item in json.loads(gzip.decompress(version.curated))]
    lines = gzip.decompress(version.listing).decode("utf-8").splitlines()
    listing = [ListingEntry.model_validate_json(line) for line in lines if line.strip()]
    return Catalog.build(entries, listing)


class CatalogStore:
    """Reads and writes catalog versions."""

    def __init__(self, database: Database, clock: Clock):
        self.database = database
        self.clock = clock
        self._held = threading.local()  # this thread already publishes: a nested publishing() is a no-op

    @contextmanager
    def publishing(self) -> Iterator[None]:
        """Hold the one lock every process takes to serve a new version (re-entrant in a thread).

        Whoever holds it may check which version is served and write the next one, and nobody
        else serves a version in between. Hold it for statements only (never while reading a file
        or building a router): every process's uploads, rollbacks and inbox approvals wait for it.
        """
        if getattr(self._held, "depth", 0):
            self._held.depth += 1
            try:
                yield
            finally:
                self._held.depth -= 1
            return
        with self._locked():
            self._held.depth = 1
            try:
                yield
            finally:
                self._held.depth = 0

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """PostgreSQL: an advisory lock per schema. SQLite: this process's writer lock, then a ``flock``.

        On SQLite the writer lock comes first because an admin's "Áp dụng" is handled inside a
        message's transaction, which holds it already: one order everywhere, so no thread waits for
        the file lock while holding what its holder needs. The ``flock`` next to the file orders the
        processes (a ``dvcbot catalog`` command beside the bot); an in-memory database has one.
        """
        database = self.database
        if database.is_postgres:
            with database.exclusive("catalog-publishing"):
                yield
            return
        with database.writing():
            if database.file is None:
                yield
                return
            fd = os.open(f"{database.file}.catalog.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)  # waits while another process publishes (a few statements)
                yield
            finally:
                os.close(fd)  # closing releases the lock; the file stays, so every process locks the same one

    def latest_id(self) -> int | None:
        """The id of the version being served (newest applied), or None before the first."""
        with self.database.reader() as session:
            statement = select(func.max(CatalogVersion.id)).where(CatalogVersion.status == APPLIED)
            return session.exec(statement).one()

    def get(self, version_id: int) -> CatalogVersion | None:
        """One version row by number."""
        with self.database.session() as session:
            return session.get(CatalogVersion, version_id)

    def current(self) -> CatalogVersion | None:
        """The version being served."""
        latest = self.latest_id()
        return None if latest is None else self.get(latest)

    def history(self, limit: int = 20) -> list[CatalogVersion]:
        """Applied and draft versions, newest first (without their content)."""
        with self.database.session() as session:
            statement = (
                select(CatalogVersion)
                .where(CatalogVersion.status != DISCARDED)
                .order_by(CatalogVersion.id.desc())  # type: ignore[union-attr]
                .limit(limit)
            )
            return list(session.exec(statement).all())

    def save(
        self,
        entries: Sequence[Procedure],
        listing: Sequence[ListingEntry],
        *,
        author: str,
        source: str,
        summary: str,
        status: str = APPLIED,
        shipped: bool = False,
        parent: int | None = None,
    ) -> CatalogVersion:
        """Store a new version built on ``parent`` in one transaction and return it (with its number).

        An applied version with a parent is served only while the parent still is; otherwise
        :class:`CatalogChanged` is raised and nothing is written. A draft just records its parent.
        """
        encoded = encode(entries, listing)  # outside the lock: encoding a whole catalog takes a while
        row = CatalogVersion(
            created_at=self.clock.now(),
            author=author[:128],
            source=source[:255],
            summary=summary,
            status=status,
            digest=encoded.digest,
            shipped=shipped,
            curated=encoded.curated,
            listing=encoded.listing,
            parent=parent,
        )
        if status != APPLIED:
            with self.database.session() as session:
                session.add(row)
            return row
        with self.publishing():
            latest = self.latest_id()
            if parent is not None and latest != parent:
                raise CatalogChanged(latest)
            with self.database.session() as session:
                session.add(row)
        return row

    def apply(self, draft_id: int) -> CatalogVersion | None:
        """Turn a draft into the served version; None if it is not a draft any more.

        Raises :class:`CatalogChanged` (and discards the draft) when another version was served
        since the draft was built: the draft holds the whole catalog as it was, so applying it
        would undo that version. A file checked again is built on the version served now.
        """
        with self.publishing():
            latest = self.latest_id()
            with self.database.session() as session:
                row = session.get(CatalogVersion, draft_id)
                if row is None or row.status != DRAFT:
                    return None
                row.status = DISCARDED  # applied as a copy below, or refused: never applied later
                session.add(row)
                # A draft from before parents were recorded (None) cannot show it is current: refused too.
                built_on_served = row.parent is not None and row.parent == latest
                # Copied into a fresh row, not flipped in place: the served version is the newest row.
                applied = self._copy(row, parent=latest) if built_on_served else None
                if applied is not None:
                    session.add(applied)
            if applied is None:
                log.info("Draft %s was built on version %s, but %s is served: refused.", draft_id, row.parent, latest)
                raise CatalogChanged(latest)
        return applied

    def _copy(
        self,
        row: CatalogVersion,
        *,
        parent: int | None,
        audit: tuple[str, str, str] | None = None,
        shipped: bool = False,
    ) -> CatalogVersion:
        """A new applied row with ``row``'s content; ``audit`` (author, source, summary) replaces ``row``'s."""
        author, source, summary = audit or (row.author, row.source, row.summary)
        return CatalogVersion(
            created_at=self.clock.now(), author=author[:128], source=source[:255], summary=summary, status=APPLIED,
            digest=row.digest, shipped=shipped, curated=row.curated, listing=row.listing, parent=parent,
        )  # fmt: skip

    def discard(self, draft_id: int) -> bool:
        """Drop a draft the admin cancelled."""
        with self.database.session() as session:
            row = session.get(CatalogVersion, draft_id)
            if row is None or row.status != DRAFT:
                return False
            row.status = DISCARDED
            session.add(row)
        return True

    def rollback(self, version_id: int, author: str) -> CatalogVersion | None:
        """Serve an earlier version again, as a new version (history is never rewritten).

        A rollback names the content it wants, so it is not refused when the served version
        moved; it is written under the publishing lock all the same, so a draft checked before it
        is refused instead of undoing it.
        """
        old = self.get(version_id)
        if old is None or old.status != APPLIED:
            return None
        with self.publishing():
            audit = (
                author,
                f"rollback to version {version_id}",
                fill(ROLLBACK, {"version": version_id, "source": old.source}),
            )
            row = self._copy(old, parent=self.latest_id(), audit=audit, shipped=old.shipped)
            with self.database.session() as session:
                session.add(row)
        return row

    def seed(self, shipped: Catalog, source: str, digest: str | None = None) -> CatalogVersion:
        """Make sure a version exists; follow the shipped files when nobody edited since.

        The first start stores the shipped files as version 1. A later release with changed
        files becomes a new version only while the served version is itself a shipped one:
        an officer's edits are never overwritten by an upgrade (a warning says to merge).
        """
        digest = digest or encode(shipped.entries.values(), shipped.listing.values()).digest
        current = self.current()
        if current is not None and (current.digest == digest or not current.shipped):
            if current.digest != digest and not self._seen(digest):
                log.warning(
                    "The shipped catalog files changed, but version %s was edited by %s; run "
                    "`dvcbot catalog diff` and `dvcbot catalog import` to take the new files.",
                    current.id,
                    current.author,
                )
            return current
        summary = SHIPPED if current is None else SHIPPED_UPDATE  # kept in English: see diff.stored_summary
        try:
            return self.save(
                list(shipped.entries.values()),
                list(shipped.listing.values()),
                author=SHIPPED_AUTHOR,
                source=source,
                summary=summary,
                shipped=True,
                parent=None if current is None else current.id,
            )
        except CatalogChanged:  # an officer's version arrived meanwhile: an upgrade never overwrites it
            served = self.current()
            assert served is not None
            return served

    def _seen(self, digest: str) -> bool:
        with self.database.session() as session:
            statement = select(CatalogVersion.id).where(CatalogVersion.digest == digest).limit(1)
            return session.exec(statement).first() is not None

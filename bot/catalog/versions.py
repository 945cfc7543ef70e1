"""Catalog versions in the database: the served catalog, its history and its audit trail.

Every change to the catalog -- the files shipped with a release, an officer's spreadsheet,
a rollback -- becomes a numbered row of ``catalog_versions`` holding the whole curated set
and national listing (gzip-compressed JSON) with who, when, from which file and a summary
of the changes. The newest ``applied`` row is what every bot process serves; a ``draft`` is
an upload waiting for an admin's "Áp dụng". Writing a version is one transaction, so an
import is all or nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from bot.clock import Clock
from bot.storage.database import Database
from bot.storage.tables import CatalogVersion
from procedures.catalog import Catalog
from procedures.models import ListingEntry, Procedure

log = logging.getLogger(__name__)

APPLIED = "applied"
DRAFT = "draft"
DISCARDED = "discarded"
SHIPPED_AUTHOR = "system"


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
    ) -> CatalogVersion:
        """Store a new version in one transaction and return it (with its number)."""
        encoded = encode(entries, listing)
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
        )
        with self.database.session() as session:
            session.add(row)
        return row

    def apply(self, draft_id: int) -> CatalogVersion | None:
        """Turn a draft into the served version; None if it is not a draft any more."""
        with self.database.session() as session:
            row = session.get(CatalogVersion, draft_id)
            if row is None or row.status != DRAFT:
                return None
            # A draft applied later than newer versions must still become the newest, so it
            # is copied into a fresh row rather than flipped in place.
            applied = CatalogVersion(
                created_at=self.clock.now(),
                author=row.author,
                source=row.source,
                summary=row.summary,
                status=APPLIED,
                digest=row.digest,
                shipped=False,
                curated=row.curated,
                listing=row.listing,
            )
            row.status = DISCARDED
            session.add(row)
            session.add(applied)
        return applied

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
        """Serve an earlier version again, as a new version (history is never rewritten)."""
        old = self.get(version_id)
        if old is None or old.status != APPLIED:
            return None
        row = CatalogVersion(
            created_at=self.clock.now(),
            author=author[:128],
            source=f"rollback to version {version_id}",
            summary=f"rollback to version {version_id} ({old.source})",
            status=APPLIED,
            digest=old.digest,
            shipped=old.shipped,
            curated=old.curated,
            listing=old.listing,
        )
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
        summary = "shipped catalog files" if current is None else "new shipped catalog files (release update)"
        return self.save(
            list(shipped.entries.values()),
            list(shipped.listing.values()),
            author=SHIPPED_AUTHOR,
            source=source,
            summary=summary,
            shipped=True,
        )

    def _seen(self, digest: str) -> bool:
        with self.database.session() as session:
            statement = select(CatalogVersion.id).where(CatalogVersion.digest == digest).limit(1)
            return session.exec(statement).first() is not None

"""Rebuild ``procedures/data/national.jsonl.gz`` from the national portal records.

Usage: ``python scripts/build_listing.py ../shared/data/national-procedures.jsonl.gz``.
The output is committed, so a clone works without the source file. Each card keeps the
record's own time, fee, agency and channel cells (``ListingEntry.rows``, ``authority``,
``reception``) beside the parsed values, and the repealed codes of
``procedures/data/repealed.yaml`` carry their replacement.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

from procedures.loader import LISTING_FILE
from procedures.national import to_listing


def main(source: str, target: Path = LISTING_FILE) -> None:
    """Convert every record of ``source`` (JSONL, optionally gzipped) into listing cards."""
    opener = gzip.open if source.endswith(".gz") else open
    with opener(source, "rt", encoding="utf-8") as handle:
        entries = [to_listing(json.loads(line)) for line in handle if line.strip()]
    entries.sort(key=lambda entry: entry.code)
    before = target.stat().st_size if target.exists() else 0
    target.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the gzip bytes identical between rebuilds, so git sees no false change.
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as handle:
        for entry in entries:
            line = json.dumps(entry.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False)
            handle.write((line + "\n").encode("utf-8"))
    size = target.stat().st_size
    print(f"{len(entries)} listing entries written to {target}: {size // 1024} KB (was {before // 1024} KB)")


if __name__ == "__main__":
    main(sys.argv[1])

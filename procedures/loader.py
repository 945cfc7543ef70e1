"""Reading catalog files: curated YAML entries and the shipped national listing.

YAML is always parsed with the safe loader (no object construction, the C parser when
PyYAML has it), without anchors or aliases -- a 342-byte "billion laughs" file expands to
gigabytes through aliases, and catalog files never need them -- and files are size limited,
because admins upload catalog files and a hostile file must not run code or eat memory.
"""

from __future__ import annotations

import gzip
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from procedures.models import ListingEntry, Procedure

PACKAGE_DIR = Path(__file__).resolve().parent
CURATED_DIR = PACKAGE_DIR / "catalog"
LISTING_FILE = PACKAGE_DIR / "data" / "national.jsonl.gz"
MAX_FILE_BYTES = 512 * 1024


@dataclass(frozen=True)
class LoadError:
    """A file that could not be parsed into a model, with a precise location."""

    source: str
    location: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}: {self.location}" if self.location else self.source
        return f"{where}: {self.message}"


def nfc(value: Any) -> Any:
    """Recursively NFC-normalise every string (the portal mixes NFC and NFD text)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(item) for item in value]
    if isinstance(value, dict):
        return {key: nfc(item) for key, item in value.items()}
    return value


def parse_entry(data: Any, source: str) -> Procedure | list[LoadError]:
    """Build a :class:`Procedure` from parsed data, or return the errors found."""
    if not isinstance(data, dict):
        return [LoadError(source, "", "the file must hold one mapping (id, name, steps, ...)")]
    try:
        return Procedure.model_validate(nfc(data))
    except ValidationError as exc:
        return [LoadError(source, ".".join(str(part) for part in err["loc"]), err["msg"]) for err in exc.errors()]


_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML safely, refusing anchors and aliases before anything is built (raises ``yaml.YAMLError``)."""
    if "&" in text or "*" in text:  # without these characters there is no anchor or alias to look for
        _refuse_anchors(text)
    return yaml.load(text, Loader=_SafeLoader)  # the safe loader (C or Python): plain data only


def _refuse_anchors(text: str) -> None:
    """Raise ``yaml.MarkedYAMLError`` at the first anchor or alias of ``text``."""
    for event in yaml.parse(text, Loader=_SafeLoader):  # events only: nothing is expanded here
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark: Any = event.start_mark
            raise yaml.MarkedYAMLError(problem="anchors and aliases (& and *) are not allowed", problem_mark=mark)


def read_yaml(path: Path) -> Any:
    """Safely read one YAML file, refusing files over :data:`MAX_FILE_BYTES`."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"file is larger than {MAX_FILE_BYTES // 1024} KB")
    return load_yaml(path.read_text(encoding="utf-8"))


def load_entry(path: Path) -> Procedure | list[LoadError]:
    """Load one curated YAML file."""
    try:
        data = read_yaml(path)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        return [LoadError(path.name, "", str(exc))]
    return parse_entry(data, path.name)


def load_curated(folder: Path = CURATED_DIR) -> tuple[list[Procedure], list[LoadError]]:
    """Load every ``*.yaml`` file of ``folder``; return entries and errors."""
    entries: list[Procedure] = []
    errors: list[LoadError] = []
    for path in sorted(folder.glob("*.yaml")):
        result = load_entry(path)
        if isinstance(result, Procedure):
            entries.append(result)
        else:
            errors.extend(result)
    return entries, errors


def iter_listing(path: Path = LISTING_FILE) -> Iterator[ListingEntry]:
    """Yield the national listing entries shipped with the project."""
    if not path.exists():
        return
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield ListingEntry.model_validate(json.loads(line))


def dump_entry(entry: Procedure) -> str:
    """Serialise an entry back to YAML (canonical form used by export and tests)."""
    data = entry.model_dump(mode="json", exclude_defaults=True)
    data = {"id": data.pop("id"), "kind": data.pop("kind"), **data}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)

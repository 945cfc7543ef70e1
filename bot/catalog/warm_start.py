"""Warm starts: the shipped catalog and the router's index, kept on disk between starts.

Reading the 44 curated YAML files and the 2,600 national records, validating them, encoding
them to compare with the database, and indexing them for the router take about 0.6 s of a
1.2 s start -- and give the same result every time the same files meet the same code. So the
results are pickled into a cache folder, under a key made of everything they are computed
from: the bytes of the catalog files, the source and data files of ``procedures`` and
``intents``, and the Python version. Any change to any of them is a different key, so a stale
entry is never used; it is simply not found (and old entries are removed when a new one is
written). A missing, unreadable or corrupt entry is rebuilt, never an error.

The folder holds pickles, which run code when loaded: it must be as trusted as the code itself
-- by default a folder next to the SQLite database (``<db folder>/.dvcbot-cache``), else the
user's cache folder. ``DVCBOT_CACHE_DIR`` chooses another folder; ``off`` turns the cache off.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import intents
import procedures

log = logging.getLogger(__name__)
T = TypeVar("T")
SUFFIX = ".pickle"
CODE_PACKAGES = (Path(procedures.__file__).parent, Path(intents.__file__).parent)
CODE_SUFFIXES = {".py", ".yaml", ".tsv", ".txt", ".json", ".gz"}


def default_folder(database_url: str, env: dict[str, str] | None = None) -> Path:
    """Next to a SQLite database file; otherwise the user's cache folder (XDG)."""
    if database_url.startswith("sqlite:///") and ":memory:" not in database_url:
        return Path(database_url.removeprefix("sqlite:///")).resolve().parent / ".dvcbot-cache"
    env = dict(os.environ) if env is None else env
    base = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "dvcbot"


def digest_files(paths: Iterable[Path]) -> str:
    """One digest over the names and bytes of ``paths`` (in a stable order)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path).encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def code_digest() -> str:
    """The source and data of the domain packages, and the interpreter: what a cached object depends on."""
    files = [
        path
        for package in CODE_PACKAGES
        for path in package.rglob("*")
        if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts and path.is_file()
    ]
    return hashlib.sha256(f"{digest_files(files)}|{sys.version}".encode()).hexdigest()


def _load(path: Path) -> Any:
    """Unpickle one file with the cyclic collector paused."""
    # The router index alone is a few hundred thousand small objects that live as long as the
    # process. Left on, the collector rescans them many times while they are built; frozen, it
    # never scans them again (start-up: 0.25 s → 0.20 s to a built app, measured).
    enabled = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as file:
            return pickle.load(file)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class WarmStart:
    """A folder of pickled start-up results, each under the digest of its inputs."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._code: str | None = None

    def key(self, kind: str, *parts: str) -> str:
        """The key of one result: its kind, its own inputs and the code that computes it."""
        if self._code is None:
            self._code = code_digest()
        return f"{kind}-" + hashlib.sha256("|".join((self._code, *parts)).encode()).hexdigest()[:32]

    def remember(self, kind: str, parts: Iterable[str], compute: Callable[[], T]) -> T:
        """The cached result for these inputs, or ``compute()`` stored for the next start."""
        if self.folder is None:
            return compute()
        key = self.key(kind, *parts)
        path = self.folder / f"{key}{SUFFIX}"
        try:
            found: T = _load(path)
            return found
        except FileNotFoundError:
            pass
        except Exception:  # a truncated or foreign file: rebuild it
            log.warning("start-up cache %s unreadable; rebuilding it", path.name, exc_info=True)
        value = compute()
        self._store(kind, path, value)
        return value

    def _store(self, kind: str, path: Path, value: object) -> None:
        """Write atomically (a reader never sees half a file) and drop older entries of the kind."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as file:
                pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(file.name, path)
            for old in path.parent.glob(f"{kind}-*{SUFFIX}"):
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError:  # a read-only or full disk: the bot starts anyway, only slower next time
            log.warning("start-up cache not written to %s", path.parent, exc_info=True)


def warm_start_for(cache_dir: str, database_url: str) -> WarmStart:
    """The cache a setting asks for: ``off``, a folder, or empty for the default folder."""
    if cache_dir.strip().lower() == "off":
        return WarmStart(None)
    return WarmStart(Path(cache_dir) if cache_dir.strip() else default_folder(database_url))


__all__ = ["WarmStart", "code_digest", "default_folder", "digest_files", "warm_start_for"]

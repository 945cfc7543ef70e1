"""The floor plan of intents/: names imported from intents.router are exported; its data is packaged."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import intents.router

ROOT = Path(__file__).resolve().parent.parent


def test_every_name_imported_from_the_router_is_exported() -> None:
    # bot/, scripts/, benchmarks/ and tests import from intents.router: each name they take must
    # be part of its public surface (listed in __all__), so a split of the router cannot break them.
    imported: dict[str, set[str]] = {}
    for folder in ("bot", "intents", "scripts", "benchmarks", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module == "intents.router":
                    for alias in node.names:
                        imported.setdefault(alias.name, set()).add(str(path.relative_to(ROOT)))
    assert len(imported) >= 5, "the scan found the router's importers"
    missing = {name: sorted(paths) for name, paths in imported.items() if name not in intents.router.__all__}
    assert missing == {}
    assert all(hasattr(intents.router, name) for name in intents.router.__all__)


def test_the_data_files_of_intents_are_packaged() -> None:
    # setuptools globs each package-data pattern in the package folder ("*.yaml" stays at its top).
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["intents"]
    packaged = {path for pattern in patterns for path in (ROOT / "intents").glob(pattern)}
    data = {path for path in (ROOT / "intents").rglob("*") if path.suffix in {".yaml", ".tsv", ".txt"}}
    assert ROOT / "intents" / "data" / "facet_cues.yaml" in data
    assert data <= packaged, sorted(str(path.relative_to(ROOT)) for path in data - packaged)

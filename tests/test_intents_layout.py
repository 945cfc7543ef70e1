"""The floor plan of intents/: the names intents.router keeps exporting, its packaged data (sizes: test_sizes)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import intents.router

ROOT = Path(__file__).resolve().parent.parent


def test_the_router_still_exports_what_callers_import() -> None:
    # bot/, scripts/, benchmarks/ and tests import these from intents.router.
    for name in (
        "CHATTER",
        "LONG_WEIGHTS",
        "OUT_OF_SCOPE",
        "SCOPE_FEATURES",
        "SCOPE_MODEL_FILE",
        "SHIPPED_SCOPE_MODEL",
        "Candidate",
        "Decision",
        "Router",
        "Thresholds",
        "Verdict",
        "Weights",
    ):
        assert name in intents.router.__all__
        assert hasattr(intents.router, name)


def test_the_data_files_of_intents_are_packaged() -> None:
    # setuptools globs each package-data pattern in the package folder ("*.yaml" stays at its top).
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["intents"]
    packaged = {path for pattern in patterns for path in (ROOT / "intents").glob(pattern)}
    data = {path for path in (ROOT / "intents").rglob("*") if path.suffix in {".yaml", ".tsv", ".txt"}}
    assert ROOT / "intents" / "data" / "facet_cues.yaml" in data
    assert data <= packaged, sorted(str(path.relative_to(ROOT)) for path in data - packaged)

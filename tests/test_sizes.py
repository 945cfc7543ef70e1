"""The sizes that keep the code readable: modules ≤ 400 lines, functions ≤ 60 lines.

Cyclomatic complexity (≤ 15) is ruff's mccabe rule, on in pyproject.toml and run by ``make lint``;
sizes have no ruff rule, so they are checked here, over the product, its tests and its scripts.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("bot", "intents", "procedures", "tests", "benchmarks", "scripts")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def sources() -> list[Path]:
    """Every Python file we write (Alembic's generated migrations included)."""
    return sorted(path for folder in FOLDERS for path in (ROOT / folder).rglob("*.py"))


def long_functions(source: str, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """The functions of ``source`` longer than ``limit`` lines, with their length."""
    return [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > limit
    ]


def test_the_checker_sees_a_long_function() -> None:
    body = "\n".join(f"    x = {n}" for n in range(61))
    assert long_functions(f"def f():\n{body}\n") == ["f (62 lines)"]
    assert long_functions("def g():\n    return 1\n") == []


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in sources()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_is_over_60_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): found
        for path in sources()
        if (found := long_functions(path.read_text(encoding="utf-8")))
    }
    assert long == {}

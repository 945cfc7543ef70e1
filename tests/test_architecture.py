"""Dependency rules: procedures/ and intents/ are pure domain code; only channels import SDKs."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_DOMAIN = {"bot", "telegram", "sqlmodel", "sqlalchemy", "starlette", "uvicorn", "httpx", "alembic"}
PLATFORM_SDKS = {"telegram"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_domain_packages_import_no_infrastructure() -> None:
    for package in ("procedures", "intents"):
        for path in (ROOT / package).rglob("*.py"):
            assert not imports_of(path) & FORBIDDEN_IN_DOMAIN, path


def test_only_channel_adapters_import_platform_sdks() -> None:
    for path in (ROOT / "bot").rglob("*.py"):
        if "channels" in path.parts:
            continue
        assert not imports_of(path) & PLATFORM_SDKS, path


def test_every_module_has_a_docstring() -> None:
    for package in ("bot", "intents", "procedures"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts or path.name == "__init__.py" and not path.read_text().strip():
                continue
            assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), path


def test_every_data_file_ships_in_the_package() -> None:
    """A non-editable install (the Docker image) must carry every data file the code reads."""
    import fnmatch
    import tomllib

    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for package, patterns in package_data.items():
        base = ROOT / package
        for path in base.rglob("*"):
            if path.is_dir() or path.suffix in (".py", ".pyc", ".mo") or "__pycache__" in path.parts:
                continue
            relative = path.relative_to(base).as_posix()
            if relative.endswith(".pot"):
                continue  # the extraction template is a developer file
            assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), f"{package}/{relative}"

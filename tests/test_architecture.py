"""Dependency rules: procedures/ and intents/ are pure domain code; only channels import SDKs."""

from __future__ import annotations

import ast
import re
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


# The packages of bot/, lowest first: a package may import only the packages listed for it (and
# itself). The vocabulary every part speaks -- message types, the persisted conversation state,
# the clock, settings, language and fault points -- may be imported from anywhere in bot/.
VOCABULARY = {"bot.messages", "bot.conversation.state", "bot.clock", "bot.config", "bot.i18n", "bot.faults"}
ALLOWED = {
    "storage": set(),
    "catalog": {"storage"},
    "conversation": {"storage", "catalog"},
    "jobs": {"storage", "conversation"},
    "stats": {"storage", "catalog", "conversation"},
    "desks": {"storage", "catalog", "conversation", "jobs", "stats"},
    "channels": {"storage", "conversation"},
    "console": {"storage", "catalog", "stats"},
    "web": {"channels", "console"},
    "cli": {"app", "storage", "catalog", "conversation", "jobs", "stats", "desks", "channels", "web", "console"},
}


def runtime_bot_imports(path: Path) -> set[str]:
    """The ``bot.…`` modules a file imports when it runs (imports only for type checking left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    modules: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("bot."):
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names if alias.name.startswith("bot."))
    return modules


def test_bot_packages_import_only_downwards() -> None:
    for package, allowed in ALLOWED.items():
        for path in (ROOT / "bot" / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for module in runtime_bot_imports(path):
                if any(module == word or module.startswith(word + ".") for word in VOCABULARY):
                    continue
                target = module.split(".")[1]
                assert target == package or target in allowed, f"{path.relative_to(ROOT)} imports {module}"


def test_the_composition_root_is_the_only_module_that_builds_channels() -> None:
    """Adapters are built and wired in bot/app.py; nothing else imports a concrete channel."""
    concrete = {"bot.channels.telegram", "bot.channels.zalo", "bot.channels.terminal"}
    for path in (ROOT / "bot").rglob("*.py"):
        if "channels" in path.parts or path.name in ("app.py", "testing.py"):
            continue
        imported = {module.rsplit(".", 1)[0] for module in runtime_bot_imports(path)}
        assert not imported & concrete, path


def test_every_path_in_the_architecture_page_exists() -> None:
    """docs/ARCHITECTURE.md is the newcomer's map: a path it names that is gone misleads."""
    page = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = {
        token.rstrip("/")
        for token in re.findall(r"`([\w./*-]+)`", page)
        if "/" in token and not token.startswith(("http", "/"))
    }
    assert len(named) > 40
    missing = sorted(path for path in named if not any(ROOT.glob(path)))
    assert missing == []


def measures_a_duration(test: ast.expr) -> bool:
    """Whether an assertion compares an elapsed time: ``clock() - started < limit``.

    A deadline that stops a wait (``clock() < deadline``) is a time-out, not a speed target.
    """
    clocks = {"perf_counter", "monotonic", "time", "process_time"}

    def reads_a_clock(node: ast.AST) -> bool:
        return any(
            isinstance(call, ast.Call)
            and (call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")) in clocks
            for call in ast.walk(node)
        )

    return any(
        isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and reads_a_clock(node)
        for compare in ast.walk(test)
        if isinstance(compare, ast.Compare)
        for node in ast.walk(compare)
    )


def test_no_test_asserts_a_duration() -> None:
    """Speed is measured by benchmarks/, never asserted: shared machines are noisy."""
    assert measures_a_duration(ast.parse("assert time.perf_counter() - started < 2.0").body[0].test)  # type: ignore[attr-defined]
    assert not measures_a_duration(ast.parse("assert time.monotonic() < deadline").body[0].test)  # type: ignore[attr-defined]
    timed = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in (ROOT / "tests").rglob("test_*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assert) and measures_a_duration(node.test)
    ]
    assert timed == []

"""The start-up cache: a second start reuses the catalog and the index, and a change is never served stale."""

from __future__ import annotations

import pickle
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

import bot.app
from bot.app import build_app
from bot.catalog.warm_start import WarmStart, default_folder, warm_start_for
from bot.config import Settings
from procedures.loader import CURATED_DIR

QUESTIONS = ("làm căn cước", "lam cccd o dau", "đk tạm trú ntn", "xin chào", "đổi bằng lái xe máy")


def routes(settings: Settings) -> list[tuple[str, list[str]]]:
    app = build_app(settings, channels=False)
    try:
        return [(q, [c.intent for c in app.router.route(q).candidates]) for q in QUESTIONS]
    finally:
        app.close()


def test_a_second_start_reads_the_cache_and_routes_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = replace(Settings(), database_url=f"sqlite:///{tmp_path / 'bot.db'}", cache_dir=str(tmp_path / "cache"))
    first = routes(settings)
    assert sorted(path.name.split("-")[0] for path in (tmp_path / "cache").glob("*.pickle")) == ["index", "shipped"]

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("rebuilt although nothing changed")

    monkeypatch.setattr(bot.app, "load_catalog", never)
    monkeypatch.setattr(bot.app, "build_index", never)
    assert routes(settings) == first


def test_changed_catalog_files_are_never_served_from_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    shutil.copytree(CURATED_DIR, folder)
    settings = replace(
        Settings(),
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        cache_dir=str(tmp_path / "cache"),
        catalog_dir=folder,
    )
    before = build_app(settings, channels=False)
    version = before.catalog.version
    before.close()
    entry = folder / "khai-sinh.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("Đăng ký khai sinh", "Đăng ký khai sinh (mới)", 1))
    after = build_app(settings, channels=False)
    try:
        assert after.catalog.version != version
        assert "(mới)" in after.catalog.entries["khai-sinh"].name.vi
        assert len(list((tmp_path / "cache").glob("shipped-*.pickle"))) == 1, "the stale entry was removed"
    finally:
        after.close()


def test_a_corrupt_entry_is_rebuilt_not_an_error(tmp_path: Path) -> None:
    warm = WarmStart(tmp_path)
    assert warm.remember("thing", ["a"], lambda: {"n": 1}) == {"n": 1}
    (entry,) = tmp_path.glob("thing-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert warm.remember("thing", ["a"], lambda: {"n": 2}) == {"n": 2}
    assert pickle.loads(entry.read_bytes()) == {"n": 2}
    assert warm.remember("thing", ["b"], lambda: {"n": 3}) == {"n": 3}, "other inputs, another key"


def test_where_the_cache_lives() -> None:
    assert warm_start_for("off", "sqlite:///x.db").folder is None
    assert warm_start_for("/srv/cache", "sqlite:///x.db").folder == Path("/srv/cache")
    assert default_folder("sqlite:////data/dvcbot.db") == Path("/data/.dvcbot-cache")
    assert default_folder("postgresql+psycopg://db/x", {"XDG_CACHE_HOME": "/c"}) == Path("/c/dvcbot")

"""A checked draft is applied only while the version it was built on is still served (no lost update).

A draft holds the whole catalog as its file made it from the version served when it was checked
(its parent). Another officer's file, a rollback or an alias approved in the console's inbox
between checking and "Áp dụng" would be undone by applying it, so that is refused, the draft is
discarded and the other change kept. Two bots on one database stand for two processes; the order of
events is fixed by the test, never by timing.
"""

from __future__ import annotations

import datetime as dt
import fcntl
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]
from sqlalchemy import text

from bot.app import build_app, console_services
from bot.catalog.updates import CHANGED, CatalogUpdates
from bot.catalog.versions import APPLIED, DISCARDED, CatalogChanged, decode
from bot.config import Settings
from bot.console.mappings import with_alias
from bot.i18n import Languages
from bot.runtime import App
from bot.storage.database import lock_key
from procedures.catalog import Catalog
from procedures.formats import export_catalog
from tests.catalog_files import find_row, set_cell
from tests.conftest import Ran

T0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
NICKNAME = "tên gọi của cán bộ khác"


def updates_of(app: App) -> CatalogUpdates:
    """The console's catalog updates of ``app`` (the chat desk's and the CLI's work the same way)."""
    return console_services(app).updates


def khai_sinh_fee(app: App, tmp_path: Path, amount: int = 8000) -> bytes:
    """The served catalog as a workbook with the birth registration fee changed: an officer's file."""
    (exported,) = export_catalog(app.catalog, "xlsx", tmp_path / f"exported-{amount}.xlsx")
    book: Any = load_workbook(exported)
    set_cell(book["fees"], find_row(book["fees"], "khai-sinh"), "amount_vnd", amount)
    target = tmp_path / f"fee-{amount}.xlsx"
    book.save(target)
    return target.read_bytes()


def a_card(catalog: Catalog) -> str:
    return next(code for code, card in sorted(catalog.listing.items()) if not card.replaced_by)


def newest(app: App) -> Catalog:
    row = app.store.current()
    assert row is not None
    return decode(row)


def fee(catalog: Catalog) -> int | None:
    entry = catalog.get("khai-sinh")
    assert entry is not None
    return entry.fees[0].amount_vnd


def draft_of(app: App, content: bytes, name: str = "danh-muc.xlsx") -> int:
    """An officer checks a file on ``app``: a draft built on the served version; its number."""
    checked = updates_of(app).check(name, "console:officer-1", content=content)
    assert checked.version is not None and checked.version.status == "draft", checked.problems
    assert checked.version.parent == app.live.current.version_id
    assert checked.version.id is not None
    return checked.version.id


def test_a_draft_with_nothing_served_since_is_applied(two_bots: tuple[App, App], tmp_path: Path) -> None:
    first, _ = two_bots
    base = first.live.current.version_id
    draft = draft_of(first, khai_sinh_fee(first, tmp_path))
    applied = updates_of(first).apply(draft)
    assert applied is not None and applied.status == APPLIED and applied.parent == base
    assert first.store.latest_id() == applied.id == first.live.current.version_id
    assert fee(newest(first)) == 8000
    assert first.store.get(draft).status == DISCARDED  # type: ignore[union-attr]  # applied as its copy


@pytest.mark.parametrize("meanwhile", ["alias", "rollback", "upload"])
def test_a_draft_checked_before_another_version_is_refused_and_the_other_change_kept(
    two_bots: tuple[App, App], tmp_path: Path, meanwhile: str
) -> None:
    first, second = two_bots
    base = first.live.current.version_id
    draft = draft_of(first, khai_sinh_fee(first, tmp_path))
    code = a_card(second.catalog)
    other = updates_of(second)  # another officer, in another process
    if meanwhile == "alias":  # an alias approved in the unanswered inbox
        other.serve(with_alias(second.catalog, code, NICKNAME), "console:admin-2", "inbox #1")
    elif meanwhile == "rollback":  # the same content served again is still a version the draft never saw
        assert other.rollback(base, "console:admin-2") is not None
    else:
        other.check("khac.xlsx", "console:admin-2", content=khai_sinh_fee(second, tmp_path, 9000), status=APPLIED)
    latest = second.store.latest_id()
    assert latest is not None and latest > draft  # the draft's row has a number too

    with pytest.raises(CatalogChanged) as refused:
        updates_of(first).apply(draft)
    assert refused.value.latest == latest
    assert first.store.latest_id() == latest, "nothing was applied"
    assert first.live.current.version_id == latest, "the version that won is served at once"
    assert first.store.get(draft).status == DISCARDED  # type: ignore[union-attr]
    assert updates_of(first).apply(draft) is None, "a refused draft cannot be applied later"
    served = newest(first)
    assert fee(served) != 8000
    if meanwhile == "alias":
        assert NICKNAME in served.card(code).aliases  # type: ignore[union-attr]
    if meanwhile == "upload":
        assert fee(served) == 9000
    message = Languages().get("vi").gettext(CHANGED).format(n=latest)
    assert f"phiên bản {latest}" in message and "Danh mục đã thay đổi" in message


def test_two_drafts_of_one_version_applied_one_after_the_other_only_the_first_wins(
    two_bots: tuple[App, App], tmp_path: Path
) -> None:
    first, second = two_bots
    mine = draft_of(first, khai_sinh_fee(first, tmp_path, 8000), "a.xlsx")
    theirs = draft_of(second, khai_sinh_fee(second, tmp_path, 9000), "b.xlsx")
    applied = updates_of(second).apply(theirs)
    assert applied is not None
    with pytest.raises(CatalogChanged) as refused:
        updates_of(first).apply(mine)
    assert refused.value.latest == applied.id
    assert fee(newest(first)) == 9000


def test_an_applied_version_built_on_an_old_one_is_refused_and_nothing_written(two_bots: tuple[App, App]) -> None:
    first, second = two_bots
    base = first.live.current.version_id
    code = a_card(first.catalog)
    updates_of(second).serve(with_alias(second.catalog, code, NICKNAME), "console:admin-2", "inbox #1")
    catalog = first.catalog  # first has not noticed the new version yet
    with pytest.raises(CatalogChanged):
        first.store.save(
            list(catalog.entries.values()), list(catalog.listing.values()), author="cli:x", source="f.xlsx",
            summary="x", status=APPLIED, parent=base,
        )  # fmt: skip
    assert first.store.latest_id() == base + 1
    assert NICKNAME in newest(first).card(code).aliases  # type: ignore[union-attr]


def test_the_publishing_lock_is_held_against_other_processes(two_bots: tuple[App, App]) -> None:
    """While one process publishes, another cannot take the lock (asked without waiting)."""
    first, _ = two_bots
    database = first.database
    with first.store.publishing(), first.store.publishing():  # re-entrant within one thread
        if database.is_postgres:
            with database.engine.connect() as connection:
                schema = connection.execute(text("SELECT current_schema()")).scalar_one()
                key = lock_key(f"dvcbot:catalog-publishing:{schema}")
                taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar_one()
                assert taken is False
        else:
            assert database.file is not None
            with open(f"{database.file}.catalog.lock", "rb") as other:
                with pytest.raises(BlockingIOError):
                    fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_the_cli_import_refuses_when_the_catalog_changed_while_the_file_was_read(
    settings: Settings,
    patch: Callable[..., None],
    dvcbot: Callable[..., Ran],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    patch(settings)
    app = build_app(settings)
    try:
        base = app.live.current.version_id
        upload = tmp_path / "danh-muc.xlsx"
        upload.write_bytes(khai_sinh_fee(app, tmp_path))
        code = a_card(app.catalog)
        import bot.catalog.uploads as uploads

        original = uploads.read_sandboxed

        def read_while_another_officer_applies(*args: Any, **kwargs: Any) -> Any:
            read = original(*args, **kwargs)
            updates_of(app).serve(with_alias(app.catalog, code, NICKNAME), "console:admin-2", "inbox #1")
            return read

        monkeypatch.setattr(uploads, "read_sandboxed", read_while_another_officer_applies)
        ran = dvcbot("catalog", "import", str(upload), env={"DATABASE_URL": settings.database_url})
        assert ran.returncode == 1
        assert f"Danh mục đã thay đổi trong lúc kiểm tra tệp này (nay là phiên bản {base + 1})" in ran.stderr
        assert app.store.latest_id() == base + 1
        assert NICKNAME in newest(app).card(code).aliases  # type: ignore[union-attr]
        assert fee(newest(app)) != 8000
    finally:
        app.close()

"""Unanswered inbox approvals are serialised: two administrators approving at once both keep their wording.

Two bots on one database stand for two processes (each with its own served catalog). The second
approval is measured while the first one publishes -- the first runs from inside the second's
measuring, so the order is fixed without threads or timing -- and then finds a newer version than
the one it measured: it is measured again on it and carries both wordings. A catalog that keeps
changing refuses the approval with a clear message, leaving the proposal pending to approve again.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app import console_services
from bot.catalog.versions import decode
from bot.console.mappings import APPLIED, CHANGING, PROPOSED, MappingError, Mappings, with_alias
from bot.runtime import App
from intents.evaluation import Example
from intents.regression import EvalSet
from procedures.catalog import Catalog

T0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
ENTRY, WORDING = "chung-thuc-dien-tu", "xin dấu đỏ giấy ủy quyền"
NICKNAME = "xin phép thả diều sáo trên đê"
TINY = [EvalSet("tiny", (Example("làm căn cước công dân", "can-cuoc"),))]


def mappings_of(app: App) -> Mappings:
    found = console_services(app).mappings
    assert isinstance(found, Mappings)
    found.sets = lambda: TINY  # `patch` gives every catalog one router: measuring is quick and never worse
    return found


def a_card(catalog: Catalog) -> str:
    return next(code for code, card in sorted(catalog.listing.items()) if not card.replaced_by)


def newest(app: App) -> Catalog:
    row = app.store.current()
    assert row is not None
    return decode(row)


def test_two_approvals_from_the_same_version_both_end_up_in_the_catalog(two_bots: tuple[App, App]) -> None:
    first, second = two_bots
    one, other = mappings_of(first), mappings_of(second)
    base = first.live.current.version_id
    assert second.live.current.version_id == base
    code = a_card(first.catalog)
    mine = one.propose("xin dau do giay uy quyen", WORDING, ENTRY, "officer")
    theirs = other.propose("xin phep tha dieu sao tren de", NICKNAME, code, "officer")
    measured: list[int] = []

    def meanwhile() -> list[EvalSet]:
        """The other administrator's approval is published while this one is measured."""
        measured.append(second.live.current.version_id)
        if len(measured) == 1:
            decided = one.approve(mine.id or 0, "console:admin-1")
            assert decided is not None and decided.version_id == base + 1
        return TINY

    other.sets = meanwhile
    decided = other.approve(theirs.id or 0, "console:admin-2")
    assert measured == [base, base + 1]  # measured on the version it started from, then on the newer one
    assert decided is not None and decided.mapping.status == APPLIED and decided.version_id == base + 2
    catalog = newest(first)
    assert WORDING in catalog.get(ENTRY).keywords  # type: ignore[union-attr]
    assert catalog.card(code).aliases == (NICKNAME,)  # type: ignore[union-attr]
    first.live.refresh()
    assert first.live.current.version_id == second.live.current.version_id == base + 2


def test_one_mapping_approved_by_two_administrators_at_once_is_applied_once(two_bots: tuple[App, App]) -> None:
    first, second = two_bots
    one, other = mappings_of(first), mappings_of(second)
    base = first.live.current.version_id
    mapping = one.propose("xin dau do giay uy quyen", WORDING, ENTRY, "officer")

    def meanwhile() -> list[EvalSet]:
        other.sets = lambda: TINY
        assert one.approve(mapping.id or 0, "console:admin-1") is not None
        return TINY

    other.sets = meanwhile
    assert other.approve(mapping.id or 0, "console:admin-2") is None  # already decided when it came to publish
    assert first.store.latest_id() == base + 1
    assert other.get(mapping.id or 0).decided_by == "console:admin-1"  # type: ignore[union-attr]


def test_a_catalog_that_keeps_changing_refuses_the_approval_which_can_be_retried(two_bots: tuple[App, App]) -> None:
    first, second = two_bots
    other = mappings_of(second)
    code = a_card(first.catalog)
    mapping = other.propose("xin dau do giay uy quyen", WORDING, ENTRY, "officer")
    changes = 0

    def meanwhile() -> list[EvalSet]:
        """Every measuring, another version appears (uploads or approvals elsewhere)."""
        nonlocal changes
        changes += 1
        first.live.refresh()
        first_updates = console_services(first).updates
        first_updates.serve(with_alias(first.catalog, code, f"tên gọi số {changes}"), "console:admin-1", "upload")
        return TINY

    other.sets = meanwhile
    with pytest.raises(MappingError) as refused:
        other.approve(mapping.id or 0, "console:admin-2")
    assert str(refused.value) == CHANGING and changes == 3
    assert other.get(mapping.id or 0).status == PROPOSED  # type: ignore[union-attr]
    other.sets = lambda: TINY
    decided = other.approve(mapping.id or 0, "console:admin-2")  # approved again, once things are calm
    assert decided is not None and decided.mapping.status == APPLIED
    catalog = newest(first)
    assert WORDING in catalog.get(ENTRY).keywords  # type: ignore[union-attr]
    assert catalog.card(code).aliases == tuple(f"tên gọi số {n}" for n in (1, 2, 3))  # type: ignore[union-attr]

"""The payload vocabulary: spelled once in bot/conversation/actions.py, every kind handled.

A button payload written as a bare string ("nav:menu") in another module is how the same
button ends up spelled three ways; the scan below reads every string constant of bot/
(f-string parts included) and fails on a "<kind>:" prefix outside the defining module.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.conversation.actions import (
    ANS_YES,
    NAV_EXIT,
    NAV_MENU,
    NAV_STUCK,
    STAFF_DONE,
    Action,
    ActionTable,
    Kind,
    StaffCommand,
    payload,
)
from bot.conversation.commands import parse
from bot.runtime import App

ROOT = Path(__file__).resolve().parent.parent
DEFINING_MODULE = ROOT / "bot" / "conversation" / "actions.py"
PREFIX = re.compile(rf"^(?:{'|'.join(re.escape(kind.value) for kind in Kind)}):")


def payload_prefixes(source: str) -> list[str]:
    """The string constants of ``source`` (f-string parts included) that start a payload ("nav:…")."""
    return [
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and PREFIX.match(node.value)
    ]


def test_the_checker_sees_a_payload_written_in_another_module() -> None:
    assert payload_prefixes('button = Option("Menu", "nav:menu")\n') == ["nav:menu"]
    assert payload_prefixes('button = Option("Guide", f"guide:{entry.id}")\n') == ["guide:"]
    assert payload_prefixes('STAFF = {"done": "staff:done:"}\n') == ["staff:done:"]
    # Log messages and storage keys share the shape but are no payloads.
    assert payload_prefixes('log.info("zalo: event %s ignored", name)\nkey = f"inbox:{n}"\n') == []


def test_payloads_are_spelled_only_in_the_actions_module() -> None:
    found = {
        str(path.relative_to(ROOT)): hits
        for path in sorted((ROOT / "bot").rglob("*.py"))
        if path != DEFINING_MODULE and "migrations" not in path.parts
        if (hits := payload_prefixes(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_a_payload_parses_back_into_its_kind_and_argument() -> None:
    assert payload(Kind.FACT, "can-cuoc", "fee") == "fact:can-cuoc:fee"
    assert Action.parse(payload(Kind.FACT, "can-cuoc", "fee")) == Action("fact", "can-cuoc:fee")
    assert Action.parse(STAFF_DONE) == Action(Kind.STAFF, f"{StaffCommand.DONE}:")
    assert (NAV_MENU, ANS_YES) == ("nav:menu", "ans:yes")  # persisted in states: never respelled


def test_every_kind_has_one_handler_in_the_engines_table(app: App) -> None:
    assert app.engine.actions.keys() == frozenset(Kind)
    with pytest.raises(ValueError, match="already has a handler"):
        app.engine.actions.register(Kind.NAV, app.engine.actions.fallback)


def test_a_table_refuses_a_second_handler() -> None:
    table = ActionTable(lambda _turn, _argument: [])
    table.register("x", lambda _turn, _argument: [])
    with pytest.raises(ValueError):
        table.register("x", lambda _turn, _argument: [])


@pytest.mark.parametrize(
    ("typed", "awaiting", "meant"),
    [
        ("dừng", False, NAV_EXIT),
        ("dừng", True, NAV_EXIT),  # "stop" is never a yes
        ("dung lai", True, NAV_EXIT),
        ("đúng", True, ANS_YES),
        ("Đúng rồi", True, ANS_YES),
        ("đúng", False, None),  # "right" never quits a guide
        ("dung", True, None),  # unmarked, it could be either: read as text
    ],
)
def test_right_and_stop_are_told_apart_by_their_marks(typed: str, awaiting: bool, meant: str | None) -> None:
    assert parse(typed, [], awaiting) == meant


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_the_always_offered_buttons_work_when_their_label_is_typed_with_no_button_on_screen(locale: str) -> None:
    # A first message often copies a label someone was told to tap ("bấm Nhờ người hỗ trợ").
    from babel.messages.pofile import read_po

    with (ROOT / "bot" / "locales" / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        vietnamese = read_po(po)
    for label, meant in (("Talk to a person", NAV_STUCK), ("I'm stuck", NAV_STUCK), ("Menu", NAV_MENU)):
        shown = str(vietnamese[label].string) if locale == "vi" else label
        assert shown, label
        assert parse(shown, [], awaiting_answer=False) == meant, shown

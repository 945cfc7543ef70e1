"""The unanswered inbox in a real headless Chromium: an admin maps a group, reviews the figures, approves.

Skipped, saying why, where Chromium is not installed; ``.ci/run`` requires it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.testing import Conversation
from intents import build_router
from intents.regression import EvalSet, shipped_sets
from tests.browser import Browser, launch, require_browser
from tests.conftest import SessionCatalog
from tests.console_server import ADMIN, PASSWORD, Running, serving

ASKED = "xin dấu đỏ giấy ủy quyền"
REWORDED = "giấy ủy quyền cần xin dấu đỏ ở đâu ạ"
TARGET = "chung-thuc-dien-tu"


@pytest.fixture
def bot(session_catalog: SessionCatalog, first_start: Path, tmp_path: Path) -> Iterator[Running]:
    """The bot with its console (SQLite), a slice of a shipped set, and the real router builder for new versions."""
    require_browser()
    sets = [EvalSet("dev-slice", shipped_sets()[0].examples[:30])]
    with pytest.MonkeyPatch.context() as scope:
        session_catalog.reuse(scope)  # a fast first start
        scope.setattr("intents.regression.shipped_sets", lambda: sets)
        with serving("sqlite", tmp_path, first_start) as running:
            scope.setattr("bot.app.build_router", build_router)  # candidates and new versions: really built
            yield running


def test_an_admin_maps_an_unanswered_group_and_the_chat_follows(bot: Running) -> None:
    name = bot.app.live.current.catalog.get(TARGET).name.vi  # type: ignore[union-attr]
    for number in range(2):
        bot.clock.advance(dt.timedelta(minutes=1))  # one instant per turn: a turn's events share it
        Conversation(bot.app.engine, user_id=f"citizen-{number}", clock=bot.clock).say(ASKED)
    with launch(width=390, height=844) as browser:
        sign_in(browser, bot)
        browser.get(f"{bot.base}/console/inbox")
        assert ASKED in browser.text("main")
        browser.type("#t-0", TARGET)
        browser.find("form[action='/console/inbox/propose'] button").click()
        browser.wait_until(lambda: browser.find_all(".flash"), "the proposal recorded")
        browser.find("a[href='/console/inbox/review?id=1']").click()
        browser.wait_until(lambda: "dev-slice" in browser.text("main"), "the figures", timeout=120)
        before = bot.app.live.current.version_id
        browser.find("form[action='/console/inbox/approve'] button").click()
        browser.wait_until(lambda: browser.find_all(".flash"), "the approval", timeout=120)
        assert bot.app.live.current.version_id != before
        assert str(bot.app.live.current.version_id) in browser.text(".flash")
    bot.clock.advance(dt.timedelta(minutes=1))
    Conversation(bot.app.engine, user_id="citizen-9", clock=bot.clock).say(REWORDED).expect(name)


def sign_in(browser: Browser, bot: Running) -> None:
    """The sign-in form filled and sent as the administrator."""
    browser.get(f"{bot.base}/console/sign-in")
    browser.type("#f-login", ADMIN)
    browser.type("#f-password", PASSWORD + "\n")
    browser.wait_until(lambda: "/console/sign-in" not in browser.url, "the console")

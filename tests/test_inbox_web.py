"""The unanswered inbox through the console's HTTP routes: roles, CSRF, propose, review, approve.

In-process (httpx on the ASGI app), on a manual clock; a tiny slice of a shipped set keeps the
evaluation short (the shipped sets are injected where the composition root reads them).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace

import httpx
import pytest

from bot.app import build_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.console.accounts import Accounts, ConsoleRole
from bot.console.audit import AuditLog
from bot.testing import Conversation
from intents import build_router
from intents.regression import EvalSet, shipped_sets

T0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
PASSWORD = "mat-khau-rat-dai-2030"
ASKED = "xin dấu đỏ giấy ủy quyền"
REWORDED = "giấy ủy quyền cần xin dấu đỏ ở đâu ạ"
TARGET = "chung-thuc-dien-tu"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def signed_in(client: httpx.AsyncClient, login: str) -> str:
    """Sign in; the CSRF token of the session's pages."""
    client.cookies.clear()
    form = (await client.get("/console/sign-in")).text
    token = CSRF.search(form).group(1)  # type: ignore[union-attr]
    answer = await client.post("/console/sign-in", data={"csrf": token, "login": login, "password": PASSWORD})
    assert answer.status_code == 303
    return CSRF.search((await client.get("/console")).text).group(1)  # type: ignore[union-attr]


def test_an_officer_proposes_an_admin_reviews_and_approves_and_the_chat_follows(
    settings: Settings, patch: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    patch(settings)
    sets = [EvalSet("dev-slice", shipped_sets()[0].examples[:30])]
    monkeypatch.setattr("intents.regression.shipped_sets", lambda: sets)
    clock = ManualClock(T0)
    app = build_app(replace(settings, console=True, user_salt="s" * 40), clock=clock)
    monkeypatch.setattr(
        "bot.app.build_router", build_router
    )  # the real builder: `patch` gives every catalog one router
    accounts = Accounts(app.database, "s" * 40)
    accounts.add("admin.tinh", PASSWORD, ConsoleRole.ADMIN, T0)
    accounts.add("canbo.saigon", PASSWORD, ConsoleRole.OFFICER, T0, commune="26740")
    name = app.live.current.catalog.get(TARGET).name.vi  # type: ignore[union-attr]
    for number in range(2):
        clock.advance(dt.timedelta(minutes=1))
        Conversation(app.engine, user_id=f"citizen-{number}", clock=clock).say(ASKED)

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app.web_app())
        async with httpx.AsyncClient(transport=transport, base_url="https://bot") as client:
            csrf = await signed_in(client, "admin.tinh")
            inbox = (await client.get("/console/inbox")).text
            assert ASKED in inbox and "Câu hỏi chưa trả lời được" in inbox
            key = re.search(r'name="key" value="([^"]+)"', inbox).group(1)  # type: ignore[union-attr]
            proposal = {"key": key, "phrase": ASKED, "target": TARGET}
            assert (await client.post("/console/inbox/propose", data=proposal)).status_code == 403  # no CSRF
            csrf = await signed_in(client, "canbo.saigon")
            answer = await client.post("/console/inbox/propose", data={**proposal, "csrf": csrf})
            assert answer.status_code == 200 and "Đã ghi đề xuất" in answer.text
            assert (await client.get("/console/inbox/review?id=1")).status_code == 403  # administrators only
            assert (await client.post("/console/inbox/approve", data={"id": "1", "csrf": csrf})).status_code == 403
            csrf = await signed_in(client, "admin.tinh")
            review = (await client.get("/console/inbox/review?id=1")).text
            assert "dev-slice" in review and "top-1 %" in review
            answer = await client.post("/console/inbox/approve", data={"id": "1", "csrf": csrf})
            assert answer.status_code == 200 and "Đã phê duyệt" in answer.text
            assert "Tỉ lệ chưa trả lời được" in answer.text and ASKED in answer.text

    try:
        asyncio.run(scenario())
        decided = [row.detail for row in AuditLog(app.database).recent(50) if row.action == "inbox-decided"]
        assert decided and "applied in version" in decided[0] and TARGET in decided[0]
        clock.advance(dt.timedelta(minutes=1))
        chat = Conversation(app.engine, user_id="citizen-9", clock=clock).say(REWORDED)
        assert name in "\n".join(reply.text for reply in chat.replies)
    finally:
        app.close()

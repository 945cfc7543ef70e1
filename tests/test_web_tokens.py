"""Conversation tokens of the web chat: genuine ones read back, forged or hostile ones refused."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.web.tokens import Tokens

NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_a_token_reads_back_until_it_expires() -> None:
    tokens = Tokens("salt", max_age=dt.timedelta(days=30))
    conversation = tokens.new_conversation()
    token = tokens.issue(conversation, NOW)
    assert tokens.read(token, NOW + dt.timedelta(days=29)) == conversation
    assert tokens.read(token, NOW + dt.timedelta(days=31)) is None
    assert Tokens("other salt").read(token, NOW) is None


@pytest.mark.parametrize(
    "token",
    ["v1.é.1.x", "v1.a.1.\u00e9", "v1.\x00.1.x", "v1.a.b.c.d", "", "v1..1.x", 42, None, "x" * 500, "v1.a.-1.x"],
)
def test_forged_and_hostile_tokens_are_refused_not_an_error(token: object) -> None:
    assert Tokens("salt").read(token, NOW) is None

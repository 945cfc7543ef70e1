"""Issue 18, item 3: the unanswered inbox turns what the bot could not place into router aliases.

Questions the bot could not place are grouped; an officer proposes a procedure; an administrator's
approval measures every labelled set, refuses a mapping that makes one worse (with the figures),
and otherwise serves a new catalog version that the running engine picks up without a restart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.app import build_app, console_services
from bot.clock import ManualClock
from bot.config import Settings
from bot.console.mappings import APPLIED, REFUSED, Mappings, with_alias
from bot.console.unanswered import groups, share
from bot.runtime import App
from bot.testing import Conversation
from intents import build_router
from intents.evaluation import Example
from intents.regression import EvalSet, shipped_sets
from procedures.catalog import Catalog
from procedures.models import ListingEntry
from procedures.portal import merge

T0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
ASKED = "xin dấu đỏ giấy ủy quyền"
KEY = "xin dau do giay uy quyen"
TARGET = "chung-thuc-dien-tu"
REWORDED = "muốn xin dấu đỏ cho tờ giấy ủy quyền thì làm sao"


def test_an_approved_mapping_routes_new_wording_live_a_worse_one_is_refused_and_rollback_restores(
    settings: Settings, patch: Callable[..., None]
) -> None:
    patch(settings)
    clock = ManualClock(T0)
    app = build_app(settings, clock=clock)
    app.live.build_router = build_router  # the real builder: `patch` makes every catalog get one router
    try:
        mappings = console_services(app).mappings
        assert isinstance(mappings, Mappings)
        name = app.live.current.catalog.get(TARGET).name.vi  # type: ignore[union-attr]

        def say(user: str, text: str) -> str:
            clock.advance(dt.timedelta(minutes=1))  # one instant per turn: a turn's events share it
            chat = Conversation(app.engine, user_id=user, clock=clock).say(text)
            return "\n".join(reply.text for reply in chat.replies)

        for number, text in enumerate(
            [ASKED, ASKED + "?", ASKED, "Xin dau do giay uy quyen", "hôm nay trời đẹp không"]
        ):
            say(f"citizen-{number}", text)
        since = T0 - dt.timedelta(days=30)
        found = {group.key: group for group in groups(app.database, since, None, mappings.hidden_keys())}
        assert found[KEY].count == 4 and found[KEY].example == ASKED

        # A mapping that turns an out-of-scope example of a set into a match is refused, with figures.
        mappings.sets = lambda: [EvalSet("tiny", (Example(REWORDED, "out_of_scope"),))]
        served_before = app.live.current.version_id
        wrong = mappings.propose(KEY, ASKED, TARGET, "officer")
        assert KEY not in {group.key for group in groups(app.database, since, None, mappings.hidden_keys())}
        refused = mappings.approve(wrong.id or 0, "console:admin")
        assert refused is not None and refused.refused and refused.mapping.status == REFUSED
        assert refused.comparison is not None and refused.comparison.worse == ("tiny",)
        before, after = refused.comparison.pairs()[0]
        assert (before.oos_caught, after.oos_caught) == (1, 0) and refused.mapping.figures
        assert app.live.current.version_id == served_before
        assert name not in say("citizen-9", REWORDED)

        # The same mapping measured on a real set is served as a new version, live.
        mappings.sets = lambda: [EvalSet("dev-slice", shipped_sets()[0].examples[:40])]
        right = mappings.propose(KEY, ASKED, TARGET, "officer")
        approved = mappings.approve(right.id or 0, "console:admin")
        assert approved is not None and not approved.refused and approved.mapping.status == APPLIED
        assert approved.version_id == app.live.current.version_id != served_before
        assert ASKED in app.live.current.catalog.get(TARGET).keywords  # type: ignore[union-attr]
        assert name in say("citizen-10", REWORDED)
        assert KEY not in {group.key for group in groups(app.database, since, None, mappings.hidden_keys())}
        say("citizen-11", ASKED)
        moved = share(app.database, KEY, approved.mapping.decided_at or T0, since)
        assert (moved.before_unanswered, moved.before_total, moved.after_unanswered, moved.after_total) == (4, 4, 0, 1)
        assert moved.reduced

        out_of_scope_leaves_the_inbox(app, mappings, since)

        # Rollback: the previous version is served again and the group comes back to the inbox.
        assert mappings.updates.rollback(served_before, "console:admin") is not None
        assert name not in say("citizen-12", REWORDED)
        assert KEY in {group.key for group in groups(app.database, since, None, mappings.hidden_keys())}
    finally:
        app.close()


def out_of_scope_leaves_the_inbox(app: App, mappings: Mappings, since: dt.datetime) -> None:
    """An out-of-scope mapping is recorded without a new version, and the group leaves the inbox."""
    weather = "hom nay troi dep khong"
    assert weather in {group.key for group in groups(app.database, since, None, mappings.hidden_keys())}
    version = app.live.current.version_id
    aside = mappings.approve(mappings.propose(weather, weather, "out_of_scope", "officer").id or 0, "admin")
    assert aside is not None and aside.mapping.status == APPLIED and aside.comparison is None
    assert app.live.current.version_id == version
    assert weather not in {group.key for group in groups(app.database, since, None, mappings.hidden_keys())}


def test_a_listing_card_alias_is_indexed_versioned_and_kept_by_a_portal_update(catalog: Catalog) -> None:
    code = next(code for code, card in sorted(catalog.listing.items()) if not card.replaced_by)
    phrase = "xin phép thả diều sáo trên đê"
    changed = with_alias(catalog, code, phrase)
    assert changed.card(code).aliases == (phrase,)  # type: ignore[union-attr]
    assert with_alias(changed, code, phrase.upper()) is changed  # the same wording is not added twice
    assert build_router(changed).route(phrase).intent == code
    merged = {card.code: card for card in merge(changed.listing.values(), [catalog.card(code)])}  # type: ignore[list-item]
    assert merged[code].aliases == (phrase,)  # the portal's record carries no everyday names
    stored = changed.card(code).model_dump_json(exclude={"aliases"})  # type: ignore[union-attr]
    assert ListingEntry.model_validate_json(stored).aliases == ()  # an older stored version decodes

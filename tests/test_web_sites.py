"""Statistics per web chat site: the allowed embedding origin or ``/chat``, carried from the request to the report.

The site comes only from the origin guard (an allowed origin, or the bot's own page), travels in
the message through the inbox and lands on the message's events; the report counts web users and
messages per site.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace

from sqlmodel import select

from bot.channels.contract import MAX_SITE_CHARS, scrub_inbound
from bot.channels.web import OWN_PAGE
from bot.config import Settings
from bot.i18n import Languages
from bot.messages import Address, Inbound
from bot.stats.queries import Period, Site, collect
from bot.stats.text import to_table
from bot.storage.database import Database
from bot.storage.inbox import Inbox, decode, encode
from bot.storage.tables import Event
from bot.web.console_stats import _sections as sections
from tests.test_web import PORTAL, Page, web

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def test_a_portal_and_the_own_page_are_two_sites_in_the_report(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        async with web(settings, patch) as (app, client):
            portal, own = Page(client, PORTAL), Page(client)
            for page in (portal, own):
                await page.open()
                await page.send(start=True)
                await page.until("Xin chào")
            await portal.send(text="lam cccd o dau")
            await portal.until("thẻ căn cước")
            refused = await Page(client, "https://evil.example.com").post("send", {"token": own.token, "text": "x"})
            assert refused.status_code == 403, "a site that is not configured never reaches the statistics"
            for page in (portal, own):
                await page.drain(app)
            with app.database.reader() as session:
                sites = {event.site for event in session.exec(select(Event).where(Event.type == "message")).all()}
            assert sites == {PORTAL, OWN_PAGE}
            report = await asyncio.to_thread(collect, app.database, Period())
            assert report.sites == (Site(PORTAL, 1, 2), Site(OWN_PAGE, 1, 1))
            english = Languages().get("en")
            table = to_table(report, english)
            assert f"Web chat sites (users / messages)\n  {PORTAL}: 1 / 2\n  /chat: 1 / 1" in table
            console = sections(report, english, {})  # the console's statistics page
            assert "<h2>Web chat sites</h2>" in console and f"<td>{PORTAL}</td>" in console

    asyncio.run(scenario())


def test_the_inbox_keeps_the_site_and_reads_rows_stored_without_one(database: Database) -> None:
    inbound = Inbound(Address("web", "c1", "c1"), text="xin chào", message_id="c1:1", received_at=NOW, site=PORTAL)
    assert decode(encode(inbound), NOW, None) == inbound
    older = '{"a":["web","c1","c1"],"t":"xin chào","m":"c1:1"}'  # a row stored by the previous release
    assert decode(older, NOW, None) == replace(inbound, site=None)
    hostile = scrub_inbound(replace(inbound, site="https://x\u202e" + "a" * 1000), 4000)
    assert hostile is not None and hostile.site is not None
    assert len(hostile.site) == MAX_SITE_CHARS and "\u202e" not in hostile.site

    inbox = Inbox(database, "test-salt")
    assert inbox.add([inbox.row(inbound, "k1", NOW)]) == 1
    with database.session() as session:
        taken = inbox.take(session, "k1", NOW)
    assert taken is not None and taken[1].site == PORTAL and taken[1] == inbound

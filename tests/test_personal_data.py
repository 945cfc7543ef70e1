"""No raw platform ids or personal data at rest, whatever is typed where.

Each kind of personal data -- ID-card numbers, phones in every format, e-mail, plates (new
and old), bank accounts, health-card numbers, house numbers and streets -- is typed in
messages, button data and file names, through the citizen, helper, admin and reminder flows
on Telegram, Zalo and the terminal. Then every row of every table is dumped (and, on SQLite,
the bytes of the files): none of it is found, and neither is any raw platform user id.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import httpx
from sqlalchemy import inspect, text

from bot.app import App, add_terminal, build_app
from bot.channels.zalo import PAYLOAD_PREFIX
from bot.clock import ManualClock, SystemClock
from bot.config import Settings
from bot.testing import settled
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import APP_ID, APP_SECRET, OA_SECRET, FakeZalo, event, signed
from tests.test_catalog_admin import add_fee_and_step
from tests.test_telegram_admin import workbook

CITIZEN, HELPER, ADMIN = 987654321012, 987654321055, 987654321099
ZALO_USER, ZALO_HELPER, ZALO_ADMIN = "3216904426693862293", "3216904426693867777", "3216904426693869999"
PERSONAL = {
    "id card": "cccd của tôi 079203004561 nhé",
    "old id": "cmnd cũ 271 564 893",
    "phone": "gọi 0913 572 468 giúp",
    "phone +84": "sđt +84 913.572.468",
    "phone 84": "84913572468 là số em",
    "phone brackets": "(+84) 913-572-468",
    "landline": "nhà 028 3829 7514",
    "e-mail": "mail tran.thi.b@example.com",
    "plate": "xe 30K-486.27 bị phạt",
    "old plate": "xe cũ 29B-4863",
    "account": "stk 190366557788 Techcombank",
    "account 8": "số tài khoản 86421357",
    "health card": "thẻ BHYT HS4797932158642",
    "health card printed": "BHYT HS 4 79 79 321 58642",
    "home address": "nhà ở số 27 đường Trần Khắc Chân, phường Tân Định",
    "lane": "hẻm 418/19 Lê Văn Sỹ, quận 3",
}
# What must not appear anywhere: the digits (and other identifying strings) of each sample.
SECRETS = [
    "079203004561",
    "271564893",
    "271 564 893",
    "913572468",
    "913 572 468",
    "913.572.468",
    "913-572-468",
    "3829 7514",
    "38297514",
    "tran.thi.b",
    "486.27",
    "29B-4863",
    "190366557788",
    "86421357",
    "4797932158642",
    "321 58642",
    "Khắc Chân",
    "418/19",
    str(CITIZEN),
    str(HELPER),
    str(ADMIN),
    ZALO_USER,
    ZALO_HELPER,
    ZALO_ADMIN,
]


def dump(app: App) -> str:
    """Every row of every table, and on SQLite the bytes of the database files too."""
    parts = []
    with app.database.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                parts.append(repr(tuple(row)))
    path = app.database.file
    if path is not None:
        for file in Path(path).parent.glob(Path(path).name + "*"):
            parts.append(file.read_bytes().decode("latin-1"))
    return "\n".join(parts)


async def _on_telegram(app: App, telegram: FakeTelegram, web: httpx.AsyncClient, tmp_path: Path) -> None:
    """Citizens, an admin and a helper on Telegram (and citizens on Zalo), with every kind of personal data."""
    for sample in PERSONAL.values():
        telegram.user_says(CITIZEN, sample)
        raw, headers = signed(event("user_send_text", ZALO_USER, sample))
        assert (await web.post("/zalo", content=raw, headers=headers)).status_code == 200
    telegram.press(CITIZEN, f"{app.catalog.version}|open:0913572468")
    raw, headers = signed(event("user_click_button", ZALO_USER, f"{PAYLOAD_PREFIX}x|remind:set:079203004561"))
    await web.post("/zalo", content=raw, headers=headers)
    telegram.send_document(CITIZEN, "cccd-079203004561.xlsx", b"x")
    # A reminder, set and sent.
    telegram.user_says(CITIZEN, "khai sinh")
    telegram.user_says(CITIZEN, "nhắc tôi kiểm tra hồ sơ sau 3 ngày, sđt 0913572468")
    # The admin: an invite for a commune typed with a phone, a file named with one.
    telegram.user_says(ADMIN, "/invite Phường Sài Gòn 0913 572 468")
    await settled(app.inbox, app.outbox, timeout=60)
    await asyncio.sleep(0.5)
    code = re.search(r"/join ([A-Z0-9]{4}-[A-Z0-9]{4})", telegram.to(ADMIN)[-1].text)
    assert code is not None, telegram.to(ADMIN)[-1].text
    content = workbook(app, tmp_path, add_fee_and_step)
    telegram.send_document(ADMIN, "danh-muc-0913572468.xlsx", content)
    # A helper joins and looks a procedure up for a household, with the household's numbers.
    telegram.user_says(HELPER, f"/join {code.group(1)}")
    telegram.user_says(HELPER, "/session")
    telegram.user_says(HELPER, "khai sinh cho bé, cccd mẹ 079203004561")
    telegram.user_says(HELPER, "/done")
    await settled(app.inbox, app.outbox, timeout=60)
    for _ in range(100):  # the upload is checked in the background
        if len(telegram.to(ADMIN)) >= 3:
            break
        await asyncio.sleep(0.1)
    assert "hợp lệ" in telegram.to(ADMIN)[-1].text, telegram.to(ADMIN)[-1].text


async def _on_zalo(app: App, zalo: FakeZalo, web: httpx.AsyncClient, clock: ManualClock) -> None:
    """The same on Zalo: an admin's invite, a helper's session, a citizen's reminder."""

    async def zalo_says(user: str, typed: str) -> None:
        raw, headers = signed(event("user_send_text", user, typed))
        assert (await web.post("/zalo", content=raw, headers=headers)).status_code == 200
        await settled(app.inbox, app.outbox, timeout=60)

    await zalo_says(ZALO_ADMIN, "/invite Xã Tân Lập, Tây Ninh 0913.572.468")
    zalo_code = re.search(r"/join ([A-Z0-9]{4}-[A-Z0-9]{4})", zalo.texts(ZALO_ADMIN)[-1])
    assert zalo_code is not None, zalo.texts(ZALO_ADMIN)
    for typed in (f"/join {zalo_code.group(1)}", "/session", "tạm trú, sđt chủ nhà 0913572468", "/done"):
        await zalo_says(ZALO_HELPER, typed)
    await zalo_says(ZALO_USER, "khai sinh")
    await zalo_says(ZALO_USER, "nhắc tôi kiểm tra hồ sơ sau 3 ngày")
    clock.advance(3 * 86400 + 120)
    app.send_reminders(clock.now())
    await settled(app.inbox, app.outbox, timeout=60)
    assert any("Nhắc" in text for text in zalo.texts(ZALO_USER)), "on Zalo too"


def _on_both(settings: Settings, telegram: FakeTelegram, zalo: FakeZalo, clock: ManualClock) -> App:
    """The bot on the fake Telegram and the fake Zalo, with both channels' admins."""
    return build_app(
        replace(
            settings,
            telegram_token=telegram.token,
            telegram_api_base_url=telegram.base_url,
            zalo_app_id=APP_ID,
            zalo_oa_secret_key=OA_SECRET,
            zalo_app_secret=APP_SECRET,
            zalo_access_token="access-1",
            zalo_refresh_token="refresh-1",
            zalo_api_base_url=zalo.base_url,
            zalo_oauth_base_url=zalo.base_url,
            admins=frozenset({("telegram", str(ADMIN)), ("zalo", ZALO_ADMIN)}),
            flood_burst=1000,  # the manual clock stands still: no pacing, no send caps to wait out
            telegram_send_rate=10_000,
            zalo_send_rate=10_000,
        ),
        clock,
    )


def test_no_personal_data_or_raw_ids_at_rest(settings: Settings, patch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clock = ManualClock(SystemClock().now())  # Zalo events carry the real time; the clock moves by hand

    async def run_all() -> App:
        telegram, zalo = FakeTelegram(), FakeZalo()
        servers = [await telegram.start(), await zalo.start()]
        patch()
        app = _on_both(settings, telegram, zalo, clock)
        try:
            async with app.running(serve_web=False, background=False):
                transport = httpx.ASGITransport(app=app.web_app())
                async with httpx.AsyncClient(transport=transport, base_url="http://bot") as web:
                    await _on_telegram(app, telegram, web, tmp_path)
                    await _on_zalo(app, zalo, web, clock)
                assert any("Nhắc" in message.text for message in telegram.to(CITIZEN)), "the reminder was delivered"
                # The terminal, in the same process and database.
                typed = "\n".join(PERSONAL.values()) + "\n"
                terminal = add_terminal(app, io.StringIO(typed), io.StringIO(), "local")
                await terminal.run()
        finally:
            await telegram.stop(servers[0])
            await zalo.stop(servers[1])
        return app

    app = asyncio.run(run_all())
    try:
        app.database.compact()
        stored = dump(app)
        found = [secret for secret in SECRETS if secret in stored]
        assert found == [], f"found at rest: {found}"
        events = json.dumps([line for line in stored.splitlines() if "[phone]" in line][:1])
        assert "[phone]" in events, "the redacted text is what is kept"
    finally:
        app.close()

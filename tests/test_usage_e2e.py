"""Issue "Statistics and roles", done-when: a Telegram conversation containing a 12-digit ID
number and a phone number leaves neither anywhere in the database, and ``dvcbot stats
--json`` reports that conversation's messages, route decisions, funnel and rating exactly.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sqlalchemy import inspect, text

from bot.config import Settings
from tests.conftest import Ran
from tests.fake_telegram import FakeTelegram
from tests.test_telegram import button, run, running

USER = 7001
ID_NUMBER = "001203004567"
PHONE = "0912 345 678"


def database_text(settings: Settings) -> str:
    """Everything the database holds: the raw file bytes on SQLite, every row on PostgreSQL."""
    if settings.database_url.startswith("sqlite"):
        path = Path(settings.database_url.removeprefix("sqlite:///"))
        chunks = [file.read_bytes() for file in path.parent.glob(path.name + "*")]
        return b"".join(chunks).decode("latin-1")  # bytes as they are: any encoding of the digits shows
    from sqlalchemy import create_engine

    engine = create_engine(settings.database_url)
    parts = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                parts.append(repr(tuple(row)))
    engine.dispose()
    return "\n".join(parts)


def test_identifiers_never_stored_and_stats_report_the_conversation(
    settings: Settings, patch: Callable[[], None], dvcbot: Callable[..., Ran]
) -> None:
    tg = replace(settings, telegram_token="123:TEST")
    messages = 0

    async def scenario() -> None:
        nonlocal messages
        fake = FakeTelegram()
        server = await fake.start()
        async with running(tg, fake, patch):
            fake.user_says(USER, f"làm giấy khai sinh cho con, cccd {ID_NUMBER} sđt {PHONE}")
            card = (await fake.turn(USER))[-1]
            assert "Đăng ký khai sinh" in card.text
            fake.press(USER, button(card, "Hướng dẫn từng bước"))
            sent = await fake.turn(USER)
            fake.press(USER, button(sent[-1], "Có"))
            sent = await fake.turn(USER)
            messages = 3
            while "Bạn đã làm xong" not in sent[-1].text:
                fake.press(USER, button(sent[-1], "Tiếp theo"))
                sent = await fake.turn(USER)
                messages += 1
            fake.press(USER, button(sent[-1], "👍"))
            await fake.turn(USER)
            messages += 1
            fake.user_says(USER, f"cho hỏi giá vàng hôm nay, sđt tôi {PHONE.replace(' ', '')}")
            await fake.turn(USER)
            messages += 1
        await fake.stop(server)

    run(scenario())

    stored = database_text(tg)
    for secret in (ID_NUMBER, PHONE, PHONE.replace(" ", ""), "912345678", "1203004567"):
        assert secret not in stored, f"{secret} found in the database"

    done = dvcbot("stats", "--json", env={"DATABASE_URL": tg.database_url})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["totals"]["users"] == 1
    assert report["totals"]["messages"] == messages
    routes = report["routes"]
    assert (routes["match"], routes["ambiguous"], routes["no_match"]) == (1, 0, 1)
    assert report["totals"]["route_decisions"] == 2
    funnel = {item["intent"]: item for item in report["funnels"]}["khai-sinh"]
    assert (funnel["started"], funnel["completed"], funnel["abandoned"], funnel["dropoff"]) == (1, 1, 0, [])
    assert (report["satisfaction"]["up"], report["satisfaction"]["down"]) == (1, 0)
    assert [item["intent"] for item in report["procedures"]] == ["khai-sinh"]
    unresolved = report["unresolved"]
    assert len(unresolved) == 1 and "[phone]" in unresolved[0]["example"]
    assert [(c["channel"], c["messages"]) for c in report["channels"]] == [("telegram", messages)]

"""Hostile input never crashes or stalls anything, and sane messages are still answered.

One table of texts and payloads goes through the router, the terminal chat (a real process
fed raw bytes), the Telegram webhook and the Zalo webhook; malformed request bodies get 4xx,
never 500; a YAML "billion laughs" upload is refused before it expands.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from bot.app import App, build_app
from bot.channels.telegram import SECRET_HEADER
from bot.channels.zalo import PAYLOAD_PREFIX, signature
from bot.config import Settings
from bot.testing import Conversation, settled
from intents import Router
from procedures.catalog import Catalog
from procedures.formats import read_candidate_bytes
from procedures.links import LinkPolicy
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import APP_ID, APP_SECRET, OA_SECRET, FakeZalo, event
from tests.processes import bot_environment

ROOT = Path(__file__).resolve().parent.parent
SECRET = "hostile-secret"

HOSTILE_TEXTS = [
    "",
    " ",
    "\t\t\t",
    "\n\n",
    "x" * 100_000,
    "lam cccd " * 5000,
    "\ud800",
    "lam \ud83d cccd",
    "abc\udfffdef",
    "\x00",
    "khai\x00sinh",
    "\x1b[31mred\x1b[0m",
    "\u202eevil\u202c",
    "\u200b\u200c\u200d\ufeff",
    "e\u0301" * 3000,
    "Z̴̢̧̛̛̛̛̛͉͉͉͉͉a̷̢̛l̶g̸o̵" * 200,
    "😀" * 5000,
    "👨‍👩‍👧‍👦" * 500,
    "<script>alert(1)</script>",
    "<b>bold</b> & <i>",
    "'; DROP TABLE conversations; --",
    '" OR 1=1 --',
    "{0} {1} {name} {}",
    "%s %d %n %x",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "../../../etc/passwd",
    "9" * 5000,
    "-1",
    "0",
    "99999999999999999999999",
    "1e308",
    "NaN",
    "/start" * 100,
    "/invite " + "x" * 10_000,
    "/join " + "A" * 10_000,
    "/stats 99999999999999999999",
    "/stats -5",
    "/myreport 99999999999999999999",
    "/catalog rollback 99999999999999999999999",
    "/remind",
    "nhắc tôi kiểm tra hồ sơ sau 999 ngày",
    "nhắc tôi kiểm tra hồ sơ sau 0 ngày",
    "/unknown_command_" + "x" * 300,
    "@" * 1000,
    "/" * 1000,
    "xã " + "x" * 5000,
    "phường \x00",
    "👍",
    "👎" * 100,
    "nav:menu",
    "tick:../../x",
    "ﬁ ﬂ ﬀ",
    "ǅ ǈ ǋ",
    "\u0000\u0001\u0002\u0003",
    "\r\n\r\n",
    "ｌａｍ　ｃｃｃｄ",
    "ꙮ" * 1000,
    "\U0010ffff",
    "\ufffd\ufffd",
    "lam\x85cccd",
    "ﷺ" * 2000,
]
HOSTILE_PAYLOADS = [
    "",
    "nav:",
    "nav:" + "x" * 300,
    "open:" + "x" * 300,
    "guide:../../etc",
    "tick:",
    "tick:" + "\ud800",
    "sector:99999999999999999999999",
    "sector:-1",
    "remind:set:" + "9" * 5000,
    "remind:cancel:99999999999999999999",
    "staff:apply:" + "9" * 5000,
    "staff:outcome:x",
    "rate:" + "x" * 100,
    "lang:xx",
    "pick:\x00",
    "media:" + "x" * 100,
    ":::::",
]
# A greeting is "Xin chào" -- or, from someone with an unfinished guide, "Chào bạn! Lần trước …".
SANE = [("xin chào", "chào"), ("khai sinh", "đăng ký khai sinh"), ("cảm ơn", "không có gì")]


def test_the_table_is_large_enough() -> None:
    assert len(HOSTILE_TEXTS) + len(HOSTILE_PAYLOADS) >= 60


def test_the_router_survives_every_hostile_text(router: Router) -> None:
    # How long each takes is measured by benchmarks/hostile.py, never asserted here.
    for text in HOSTILE_TEXTS:
        assert router.route(text).verdict is not None


def test_the_engine_survives_texts_and_forged_payloads_as_citizen_and_admin(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    patch(settings)
    app = build_app(replace(settings, admins=frozenset({("test", "admin")})))
    try:
        for user in ("citizen", "admin"):
            chat = Conversation(app.engine, user_id=user)
            for text in HOSTILE_TEXTS:
                chat.say(text)
                assert chat.replies, f"no answer to {text[:40]!r}"
            for payload in HOSTILE_PAYLOADS:
                chat.send_payload(payload)
                assert chat.replies, f"no answer to payload {payload[:40]!r}"
            for text, answer in SANE:
                assert answer in chat.say(text).text.lower(), chat.text
    finally:
        app.close()


def test_the_terminal_reads_raw_bytes_without_a_traceback(tmp_path: Path) -> None:
    lines = [text.encode("utf-8", "surrogatepass") for text in HOSTILE_TEXTS if "\n" not in text and "\r" not in text]
    lines += [b"lam \xff\xfe cccd", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80\x80\x80"]
    lines += [text.encode() for text, _ in SANE]
    env = bot_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'chat.db'}")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    out, err = result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0 and "Traceback" not in err, err[-3000:]
    tail = out[-4000:]
    assert all(answer in tail.lower() for _, answer in SANE), tail


async def post_all(app: App, client: httpx.AsyncClient, requests: list[tuple[str, bytes, dict[str, str]]]) -> list[int]:
    statuses = []
    for path, body, headers in requests:
        statuses.append((await client.post(path, content=body, headers=headers)).status_code)
    await settled(app.inbox, app.outbox, timeout=120)
    return statuses


def test_telegram_webhook_answers_4xx_to_bad_bodies_and_survives_hostile_updates(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        fake = FakeTelegram()
        server = await fake.start()
        patch(settings)
        app = build_app(
            replace(
                settings,
                telegram_token=fake.token,
                telegram_api_base_url=fake.base_url,
                telegram_webhook_url="https://bot.example.gov.vn/telegram",
                telegram_webhook_secret=SECRET,
                flood_burst=1000,
            )
        )
        headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
        bad_bodies = [
            b"",
            b"not json",
            b"[]",
            b"null",
            b'"text"',
            b"{}",
            b'{"update_id": "x"}',
            b'{"update_id": 1, "message": 5}',
            b'{"update_id": 2, "message": {"text": "hi"}}',
            b'{"update_id": 3, "message": {"chat": "x", "from": [], "text": 5}}',
            b'{"update_id": 4, "callback_query": {"from": 1}}',
            b'{"update_id": 5, "message": {"message_id": 1, "date": 0, "chat": {"id": 1}}}',
            b"[" * 100_000 + b"]" * 100_000,
            json.dumps(
                {"update_id": 6, "message": {"message_id": 1, "date": "x", "chat": {"id": 5, "type": "private"}}}
            ).encode(),
            b'{"update_id": 7, "message": \xff\xfe}',
        ]
        try:
            async with app.running(serve_web=False, background=False):
                transport = httpx.ASGITransport(app=app.web_app())
                async with httpx.AsyncClient(transport=transport, base_url="http://bot", timeout=60) as client:
                    statuses = await post_all(app, client, [("/telegram", body, headers) for body in bad_bodies])
                    assert all(400 <= status < 500 or status == 200 for status in statuses), statuses
                    assert 500 not in statuses
                    updates = [fake.message_update(7777, text) for text in HOSTILE_TEXTS]
                    updates += [fake.press(7777, f"{app.catalog.version}|{payload}") for payload in HOSTILE_PAYLOADS]
                    updates += [fake.message_update(7777, text) for text, _ in SANE]
                    bodies = [json.dumps(update).encode() for update in updates]
                    statuses = await post_all(app, client, [("/telegram", body, headers) for body in bodies])
                    assert set(statuses) <= {200, 400}, statuses
                    texts = [message.text for message in fake.to(7777)]
                    assert all(any(answer in text.lower() for text in texts[-6:]) for _, answer in SANE), texts[-6:]
        finally:
            app.close()
            await fake.stop(server)

    asyncio.run(scenario())


def test_zalo_webhook_answers_4xx_to_bad_bodies_and_survives_hostile_events(settings: Settings, patch) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        fake = FakeZalo()
        server = await fake.start()
        patch(settings)
        app = build_app(
            replace(
                settings,
                zalo_app_id=APP_ID,
                zalo_oa_secret_key=OA_SECRET,
                zalo_app_secret=APP_SECRET,
                zalo_access_token="access-1",
                zalo_refresh_token="refresh-1",
                zalo_api_base_url=fake.base_url,
                zalo_oauth_base_url=fake.base_url,
                flood_burst=1000,
            )
        )
        user = "3216904426693862293"
        forged = [
            (b"", {}),
            (b"not json", {"X-ZEvent-Signature": "mac=00"}),
            (b'{"timestamp": "' + b"9" * 5000 + b'"}', {"X-ZEvent-Signature": "mac=00"}),
            (b"[" * 100_000, {"X-ZEvent-Signature": "mac=00"}),
        ]
        weird = [
            {**event("user_send_text", user, "x"), "timestamp": "9" * 400},
            {**event("user_send_text", user, "x"), "timestamp": "-1"},
            {**event("user_send_text", user, "x"), "timestamp": "abc"},
            {**event("user_send_text", user, "x"), "sender": {"id": {"x": 1}}},
            {**event("user_send_text", user, "x"), "sender": "x"},
            {**event("user_send_text", user, "x"), "message": ["x"]},
            {**event("user_send_text", user, "x"), "message": {"text": 5}},
            {**event("user_send_text", user, "x"), "event_name": "x" * 10_000},
            {**event("user_send_text", user, "x"), "sender": {"id": "1" * 500}},
        ]
        try:
            async with app.running(serve_web=False, background=False):
                transport = httpx.ASGITransport(app=app.web_app())
                async with httpx.AsyncClient(transport=transport, base_url="http://bot", timeout=60) as client:
                    requests = [("/zalo", body, headers) for body, headers in forged]
                    requests += [("/zalo", *signed(body)) for body in weird]
                    statuses = await post_all(app, client, requests)
                    assert 500 not in statuses and all(status in (200, 400, 401) for status in statuses), statuses
                    events = [event("user_send_text", user, text) for text in HOSTILE_TEXTS]
                    version = app.catalog.version
                    events += [
                        event("user_click_button", user, f"{PAYLOAD_PREFIX}{version}|{p}") for p in HOSTILE_PAYLOADS
                    ]
                    events += [event("user_send_text", user, text) for text, _ in SANE]
                    statuses = await post_all(app, client, [("/zalo", *signed(body)) for body in events])
                    assert set(statuses) <= {200, 400}, statuses
                    texts = fake.texts(user)
                    assert all(any(answer in text.lower() for text in texts[-6:]) for _, answer in SANE), texts[-6:]
        finally:
            app.close()
            await fake.stop(server)

    asyncio.run(scenario())


def signed(body: dict[str, object]) -> tuple[bytes, dict[str, str]]:
    """A validly signed event; ASCII JSON, so a lone surrogate travels as the escape a client would send."""
    raw = json.dumps(body).encode()
    return raw, {"X-ZEvent-Signature": f"mac={signature(APP_ID, raw, str(body['timestamp']), OA_SECRET)}"}


BILLION_LAUGHS = b"""a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_a_billion_laughs_upload_is_refused_before_it_expands(catalog: Catalog) -> None:
    assert len(BILLION_LAUGHS) < 600
    candidate = read_candidate_bytes("laughs.yaml", BILLION_LAUGHS, catalog, LinkPolicy())
    assert candidate.problems and "aliases" in str(candidate.problems[0])


@pytest.mark.parametrize(("limits", "detail"), [("memory", "memory limit"), ("time", "time limit")])
def test_reading_an_upload_beyond_its_limits_is_refused_and_the_bot_goes_on(
    catalog: Catalog, limits: str, detail: str
) -> None:
    from bot.catalog.uploads import SandboxLimits, read_sandboxed
    from procedures import problems as msg

    # The real parsers refuse oversized content themselves (zip and gzip sizes, rows); the child
    # process's limits are the last line. Limits far too small show what happens when it is hit.
    tight = SandboxLimits(memory_bytes=40 * 1024 * 1024) if limits == "memory" else SandboxLimits(wall_seconds=0.01)
    candidate = read_sandboxed("records.jsonl", catalog, LinkPolicy(), [], content=b"{}", limits=tight)
    (problem,) = candidate.problems
    assert problem.template == msg.BEYOND_LIMITS and problem.params == {"detail": detail}
    assert candidate.entries == tuple(catalog.entries.values()), "the served catalog is kept"

"""Live handoff in a real headless Chromium, the citizen on the fake Telegram or the fake Zalo.

* A citizen asks for a person within office hours; the bot asks the commune, the conversation
  joins its queue; an officer signs in, opens "Đang chờ gặp cán bộ", takes the conversation,
  reads the redacted history and answers; the answer reaches the citizen on Telegram; the
  citizen's next message appears in the officer's open page without a reload (server-sent
  events); the officer hands back and the bot answers the citizen again.
* A Zalo conversation left waiting past Zalo's reply window: the page says so, and a reply is
  refused with a message and kept on record -- never sent, never silently lost.
* The takeover again with two bot processes on one PostgreSQL database: one receives the
  Telegram updates, the other serves the console, and the citizen's answer received by the
  first appears live in the page the second serves (skipped without ``TEST_DATABASE_URL``).

Skipped, saying why, where Chromium is not installed; ``.ci/run`` requires it. Every wait polls
with a generous deadline; nothing is timed.
"""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.app import build_app
from bot.config import Settings
from bot.storage.outbox import PENDING
from bot.storage.tables import OutboxItem
from tests.browser import Browser, free_port, launch, require_browser, wait_for
from tests.conftest import POSTGRES_URL, SessionCatalog, _postgres_schema_url
from tests.console_server import OFFICER_A, Running, seed, serving, sign_in
from tests.fake_telegram import FakeTelegram, in_thread
from tests.fake_zalo import APP_ID, APP_SECRET, OA_SECRET, FakeZalo, event, signed
from tests.processes import bot_environment

MONDAY = dt.datetime(2030, 3, 11, 2, 0, tzinfo=dt.UTC)  # 09:00 on a Monday in Hà Nội: office hours
CITIZEN = 7001  # the Telegram citizen
ZALO_CITIZEN = "4216904426693862293"
ROOT = Path(__file__).resolve().parent.parent
SALT = "test-salt"
REPLY = "Chào anh, anh mang căn cước cũ đến UBND phường Sài Gòn, tầng 1, quầy số 3."
ANSWER = "Dạ cảm ơn chị, tôi có cần mang ảnh không ạ?"
DRAFT = "Anh không cần mang ảnh"


class Citizen:
    """One Telegram user on the fake: says things, and waits for what the bot (or an officer) says next."""

    def __init__(self, fake: FakeTelegram, user: int = CITIZEN):
        self.fake, self.user, self.mark = fake, user, 0

    def says(self, text: str) -> None:
        """A message typed by the citizen; what is heard from now on counts."""
        self.mark = len(self.fake.to(self.user))
        self.fake.user_says(self.user, text)

    def hears(self, fragment: str, timeout: float = 60) -> list[str]:
        """Wait until a message since the last :meth:`says` contains ``fragment``; those messages."""

        def heard() -> list[str]:
            texts = [message.text for message in self.fake.to(self.user)[self.mark :]]
            return texts if any(fragment in text for text in texts) else []

        texts: list[str] = wait_for(heard, f"{fragment!r} on Telegram", timeout)
        return texts

    def since(self, count: int) -> list[str]:
        """Every message the citizen received after the first ``count``."""
        return [message.text for message in self.fake.to(self.user)[count:]]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module (the officer's desk)."""
    with launch(width=1280, height=900) as started:
        yield started


@pytest.fixture
def officer(browser: Browser) -> Iterator[Browser]:
    """The browser for one test; it leaves the live page at the end (its event stream closes before the bot stops)."""
    yield browser
    browser.get("about:blank")


@pytest.fixture
def fakes() -> Iterator[tuple[FakeTelegram, FakeZalo]]:
    """The fake Telegram Bot API and Zalo OA API, each served from a thread."""
    require_browser()
    telegram, zalo = FakeTelegram(), FakeZalo()
    with in_thread(telegram), in_thread(zalo):
        yield telegram, zalo


@pytest.fixture
def bot(
    session_catalog: SessionCatalog, first_start: Path, tmp_path: Path, fakes: tuple[FakeTelegram, FakeZalo]
) -> Iterator[Running]:
    """The bot (SQLite) with its console, Telegram (polling the fake) and Zalo, on a Monday morning."""
    telegram, zalo = fakes
    channels = {
        "telegram_token": telegram.token,
        "telegram_api_base_url": telegram.base_url,
        "zalo_app_id": APP_ID,
        "zalo_oa_secret_key": OA_SECRET,
        "zalo_app_secret": APP_SECRET,
        "zalo_access_token": zalo.access,
        "zalo_refresh_token": zalo.refresh,
        "zalo_api_base_url": zalo.base_url,
        "zalo_oauth_base_url": zalo.base_url,
    }
    with pytest.MonkeyPatch.context() as scope:
        session_catalog.reuse(scope)
        with serving("sqlite", tmp_path, first_start, **channels) as running:
            running.clock.set(MONDAY)
            yield running


def takeover(browser: Browser, console: str, citizen: Citizen) -> None:
    """The whole takeover, the console served at ``console``; the bot in the same or another process."""
    citizen.says("tôi muốn làm căn cước, sđt 0912345678")
    citizen.hears("căn cước")
    citizen.says("cho tôi gặp cán bộ")
    citizen.hears("bạn ở xã hay phường nào")
    citizen.says("phường Bến Nghé, Quận 1, TP Hồ Chí Minh")
    citizen.hears("người đang chờ trước bạn")
    sign_in(browser, console, OFFICER_A)
    browser.find("nav a[href='/console/handoff']").click()
    queue = browser.wait_until(lambda: browser.text("main") if "#" in browser.text("main") else "", "the queue")
    assert "Phường Sài Gòn (26740)" in queue and "telegram" in queue
    browser.find("main a[href^='/console/handoff/view']").click()
    page = browser.wait_until(lambda: browser.text("#live"), "the conversation")
    assert "[phone]" in page and "0912" not in page, "the history is redacted"
    assert "Người dân nhắn" in page and "Bot nhận ra thủ tục" in page, "the history says what happened in words"
    browser.find("form[action='/console/handoff/take'] button").click()
    citizen.hears("Một cán bộ đang trả lời bạn")
    browser.type("#f-text", REPLY)
    browser.find("form[action='/console/handoff/reply'] button").click()
    citizen.hears(REPLY)
    replied = len(citizen.fake.to(citizen.user))
    browser.execute("window.notReloaded = true")  # a reload (or a new page) would lose it
    browser.type("#f-text", DRAFT)  # the officer starts the next reply
    citizen.says(ANSWER)
    browser.wait_until(lambda: ANSWER in browser.text("#thread"), "the citizen's answer, live in the open page")
    assert browser.execute("return window.notReloaded === true"), "the page was reloaded"
    assert browser.execute("return document.getElementById('f-text').value") == DRAFT, "the draft survives"
    browser.find("form[action='/console/handoff/close'] button").click()
    citizen.hears("Cán bộ đã trả lời xong")
    assert citizen.since(replied)[0].startswith("Cán bộ đã trả lời xong"), "the bot kept quiet while held"
    citizen.says("khai sinh")
    citizen.hears("Đăng ký khai sinh")  # the bot answers again


def test_an_officer_takes_over_a_telegram_conversation_live(
    bot: Running, fakes: tuple[FakeTelegram, FakeZalo], officer: Browser
) -> None:
    takeover(officer, bot.base, Citizen(fakes[0]))


def zalo_says(bot: Running, text: str) -> None:
    """The Zalo citizen's message, signed, to the bot's webhook (stamped with the bot's clock)."""
    stamp = int(bot.clock.now().timestamp() * 1000)
    raw, headers = signed(event("user_send_text", ZALO_CITIZEN, text, timestamp_ms=stamp))
    assert httpx.post(f"{bot.base}/zalo", content=raw, headers=headers, timeout=30).status_code == 200


def test_a_zalo_conversation_past_its_reply_window_cannot_be_answered_silently(
    bot: Running, fakes: tuple[FakeTelegram, FakeZalo], officer: Browser
) -> None:
    zalo, browser = fakes[1], officer
    zalo_says(bot, "gặp người hỗ trợ")
    wait_for(lambda: any("xã hay phường" in text for text in zalo.texts(ZALO_CITIZEN)), "the commune question")
    zalo_says(bot, "phường Sài Gòn, TP Hồ Chí Minh")
    wait_for(lambda: any("48 giờ" in text for text in zalo.texts(ZALO_CITIZEN)), "the queue and Zalo's window")
    bot.clock.advance(dt.timedelta(hours=49))  # nobody took it for two days
    zalo.window_closed.add(ZALO_CITIZEN)  # Zalo itself would refuse a reply now
    heard = len(zalo.texts(ZALO_CITIZEN))
    sign_in(browser, bot.base, OFFICER_A)
    browser.get(f"{bot.base}/console/handoff")
    assert "zalo" in browser.text("main")
    browser.find("main a[href^='/console/handoff/view']").click()
    closed = browser.find(".window.error").text
    assert "Đã hết thời hạn trả lời" in closed and "zalo" in closed
    browser.find("form[action='/console/handoff/take'] button").click()
    late = "Xin lỗi anh vì đã để anh chờ lâu."
    browser.type("#f-text", late)
    browser.find("form[action='/console/handoff/reply'] button").click()
    refusal = browser.wait_until(lambda: browser.text("p.error[role='alert']:not(.window)"), "the refusal")
    assert "không thể gửi câu trả lời này" in refusal
    thread = browser.text("#thread")
    assert f"{OFFICER_A} (không gửi được: đã hết thời hạn trả lời) {late}" in thread, "kept on record, marked"
    with bot.app.database.reader() as session:
        pending = session.scalars(select(col(OutboxItem.body)).where(col(OutboxItem.status) == PENDING)).all()
    assert not any(late in (body or "") for body in pending), "nothing left to be sent"
    assert zalo.texts(ZALO_CITIZEN)[heard:] == [] and zalo.refused == [], "nothing even tried past the window"


@pytest.fixture
def two_bots(
    session_catalog: SessionCatalog, fakes: tuple[FakeTelegram, FakeZalo], tmp_path: Path
) -> Iterator[tuple[str, str]]:
    """Two ``dvcbot run`` processes on one PostgreSQL schema: one polls the fake Telegram, one serves the console.

    Both have the console on (the handoff queues live in it); office hours are always, since these
    processes read the machine's clock. The schema is prepared in this process first (migrated,
    the catalog stored, the accounts added), so neither start races the other. Yields the
    console's address.
    """
    urls = _postgres_schema_url()
    url = next(urls)
    with pytest.MonkeyPatch.context() as scope:
        session_catalog.reuse(scope)
        prepared = build_app(replace(Settings(), database_url=url, user_salt=SALT, cache_dir="off"), channels=False)
    seed(prepared)
    prepared.close()
    telegram = fakes[0]
    common = {"DATABASE_URL": url, "DVCBOT_USER_SALT": SALT, "DVCBOT_CONSOLE": "1", "DVCBOT_HANDOFF_HOURS": ""}
    common |= {"DVCBOT_CHAT_BURST": "50", "WEB_HOST": "127.0.0.1"}
    ports = free_port(), free_port()
    receiving = {"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.base_url}
    processes = [
        start(common | receiving | {"WEB_PORT": str(ports[0])}, tmp_path / "receiving.log"),
        start(common | {"WEB_PORT": str(ports[1])}, tmp_path / "console.log"),
    ]
    try:
        for port, (process, log) in zip(ports, processes, strict=True):
            until_healthy(port, process, log)
        yield f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}"
    finally:
        for process, _log in processes:
            stop(process)
        next(urls, None)


def start(environment: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """``dvcbot run`` with these settings (none of this shell's; the tests' start-up cache), its output in ``log``."""
    with log.open("wb") as output:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=ROOT,
            env=bot_environment(**environment),
            stdout=output,
            stderr=output,
        )
    return process, log


def until_healthy(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until the process answers ``/healthz`` (failing with its output if it stopped)."""

    def healthy() -> bool:
        if process.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace")[-3000:])
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200

    wait_for(healthy, f"the bot process on port {port}", timeout=120)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Interrupt a bot process and wait for it (killed if it hangs)."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.skipif(not POSTGRES_URL, reason="two bot processes need PostgreSQL (TEST_DATABASE_URL)")
def test_two_processes_on_postgres_the_answer_one_receives_is_live_in_the_others_console(
    two_bots: tuple[str, str], fakes: tuple[FakeTelegram, FakeZalo], officer: Browser
) -> None:
    _receiving, console = two_bots
    takeover(officer, console, Citizen(fakes[0]))

"""The officer console in a real headless Chromium: sign-in, roles, statistics, catalog, notices.

One bot (console on, a manual clock at a fixed moment) and one browser serve the module; each test
signs in as the person it needs. What a browser cannot show -- every route refusing an anonymous
request, a cookie replayed after sign-out -- is asked with plain HTTP against the same server.
Skipped, saying why, where Chromium is not installed; ``.ci/run`` requires it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

from bot.testing import Conversation
from tests.browser import Browser, launch, require_browser
from tests.catalog_files import find_row, set_cell
from tests.conftest import BACKENDS, SessionCatalog
from tests.console_server import ADMIN, COMMUNE_A, COMMUNE_B, OFFICER_A, PASSWORD, Running, serving

SESSION = "__Host-dvc-console"
PERIOD = "since=2030-03-01&until=2030-03-10"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module, phone-sized (the console must work on one)."""
    with launch(width=390, height=844) as started:
        yield started


@pytest.fixture(scope="module", params=BACKENDS)
def bot(
    request: pytest.FixtureRequest,
    session_catalog: SessionCatalog,
    first_start: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Running]:
    """The bot with its console, accounts and a week of usage in two communes."""
    require_browser()
    with pytest.MonkeyPatch.context() as scope:
        session_catalog.reuse(scope)
        with serving(request.param, tmp_path_factory.mktemp("console"), first_start) as running:
            yield running


def sign_in(browser: Browser, bot: Running, login: str, password: str = PASSWORD) -> None:
    """A fresh browser state, then the sign-in form filled and sent."""
    browser.get(f"{bot.base}/console/sign-in")
    browser.command("DELETE", "/cookie")
    browser.get(f"{bot.base}/console/sign-in")
    browser.type("#f-login", login)
    browser.type("#f-password", password + "\n")
    browser.wait_until(lambda: "/console/sign-in" not in browser.url or browser.find_all(".error"), "the answer")


def cookies(browser: Browser) -> dict[str, dict[str, Any]]:
    return {cookie["name"]: cookie for cookie in browser.command("GET", "/cookie")}


def fetch(browser: Browser, path: str, method: str = "GET", fields: dict[str, str] | None = None) -> dict[str, Any]:
    """A request from the browser (its cookies, the console's origin): status, type, size and start of the body.

    Sent from ``/healthz``, a page of the same origin: the console's own pages forbid scripts to
    make requests (``connect-src`` falls back to ``default-src 'none'``).
    """
    if not browser.url.endswith("/healthz"):
        origin = browser.url.split("/console", 1)[0]
        browser.get(f"{origin}/healthz")
    script = """
        const [path, method, fields, done] = arguments;
        const options = {method: method, credentials: 'same-origin', redirect: 'manual'};
        if (fields) {
            const body = new FormData();
            for (const k in fields) body.append(k, fields[k]);
            options.body = body;
        }
        fetch(path, options).then(async r => {
            const bytes = new Uint8Array(await r.arrayBuffer());
            done({status: r.status, type: r.headers.get('content-type') || '', size: bytes.length,
                  head: String.fromCharCode(...bytes.slice(0, 2)), text: new TextDecoder().decode(bytes.slice(0, 4000)),
                  disposition: r.headers.get('content-disposition') || ''});
        }).catch(e => done({status: -1, text: String(e)}));
    """
    result: dict[str, Any] = browser.execute_async(script, path, method, fields)
    return result


def tables(browser: Browser) -> str:
    """The text of every table on the page."""
    return str(browser.execute("return [...document.querySelectorAll('table')].map(t => t.innerText).join('\\n')"))


def page_csrf(browser: Browser) -> str:
    """The CSRF token of the signed-in page (every form carries it; the sign-out form always exists)."""
    return str(browser.find("input[name=csrf]").attribute("value"))


# -- sign-in, sessions, CSRF -------------------------------------------------------------------


def test_sign_in_gives_a_fresh_secure_http_only_same_site_session(browser: Browser, bot: Running) -> None:
    sign_in(browser, bot, ADMIN)
    assert browser.url.endswith("/console"), browser.url
    assert ADMIN in browser.text("header")
    first = cookies(browser)[SESSION]
    assert first["httpOnly"] is True and first["secure"] is True and first["sameSite"] == "Strict"
    assert first["path"] == "/" and "domain" not in first or not str(first.get("domain", "")).startswith(".")
    assert first["expiry"] > 0  # a lifetime, not a cookie that lives as long as the browser
    assert browser.execute("return document.cookie") == ""  # no script can read it
    # Signing in again (here over the old session) gives a new id; the old one is dead.
    browser.get(f"{bot.base}/console/sign-in")
    browser.type("#f-login", ADMIN)
    browser.type("#f-password", PASSWORD + "\n")
    browser.wait_until(lambda: browser.url.endswith("/console"), "the home page")
    second = cookies(browser)[SESSION]
    assert second["value"] != first["value"]
    old = httpx.get(f"{bot.base}/console/stats", cookies={SESSION: first["value"]}, follow_redirects=False)
    assert old.status_code == 303 and old.headers["location"] == "/console/sign-in"


def test_a_wrong_password_is_refused(browser: Browser, bot: Running) -> None:
    sign_in(browser, bot, ADMIN, "not-the-password")
    assert "/console/sign-in" in browser.url
    assert "Sai tên đăng nhập hoặc mật khẩu" in browser.text(".error")
    assert SESSION not in cookies(browser)
    browser.get(f"{bot.base}/console/stats")
    assert browser.url.endswith("/console/sign-in")


def test_a_form_posted_without_its_csrf_token_is_refused(browser: Browser, bot: Running) -> None:
    sign_in(browser, bot, ADMIN)
    browser.get(f"{bot.base}/console/notices")
    browser.find("#f-vi").send_keys("Thông báo không có mã CSRF")
    browser.execute("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())")
    browser.find("form[action='/console/notices/notice'] button").click()
    browser.wait_until(lambda: browser.find_all(".error"), "the refusal")
    assert "Biểu mẫu này đã hết hạn" in browser.text(".error")
    assert bot.app.database is not None
    answer = fetch(browser, "/console/notices/welcome", "POST", {"vi": "Xin chào", "csrf": "forged"})
    assert answer["status"] == 403, answer
    # The sign-in form has its own token: a post without it is refused too.
    anonymous = httpx.post(f"{bot.base}/console/sign-in", data={"login": ADMIN, "password": PASSWORD})
    assert anonymous.status_code == 403 and SESSION not in anonymous.cookies


def console_pages(bot: Running) -> list[tuple[str, str]]:
    """(method, path) of every guarded console route, read from the app's own routes."""
    from bot.web.console import PUBLIC_PATHS

    found = []
    for route in bot.app.routes:
        path = getattr(route, "path", "")
        if path.startswith("/console") and path not in PUBLIC_PATHS:
            found += [(method, path) for method in sorted(route.methods or ()) if method != "HEAD"]
    return found


def test_every_console_route_refuses_an_anonymous_request(browser: Browser, bot: Running) -> None:
    pages = console_pages(bot)
    assert len(pages) >= 18 and ("POST", "/console/catalog/apply") in pages
    with httpx.Client(base_url=bot.base, follow_redirects=False) as client:
        for method, path in pages:
            answer = client.request(
                method, f"{path}?commune={COMMUNE_A}", data={"csrf": "x"} if method == "POST" else None
            )
            if method == "GET":
                assert answer.status_code == 303 and answer.headers["location"] == "/console/sign-in", path
            else:
                assert answer.status_code == 403, (method, path)
            assert COMMUNE_A not in answer.text and "csrf" not in answer.text
    browser.command("DELETE", "/cookie")
    browser.get(f"{bot.base}/console/catalog")
    assert browser.url.endswith("/console/sign-in")


# -- roles and communes -------------------------------------------------------------------------


def test_an_officer_sees_only_their_commune_and_no_admin_route(browser: Browser, bot: Running) -> None:
    sign_in(browser, bot, OFFICER_A)
    browser.get(f"{bot.base}/console/stats?{PERIOD}")
    figures = browser.text("table")
    assert "21" in figures  # 3 users a day for a week in commune A ...
    assert "zalo" not in tables(browser) and COMMUNE_B not in tables(browser)  # ... and nothing of commune B
    assert "Danh mục" not in browser.text("nav") and "Thông báo" not in browser.text("nav")
    csrf = page_csrf(browser)
    other = fetch(browser, f"/console/stats?{PERIOD}&commune={COMMUNE_B}")
    assert other["status"] == 403 and "Phường" not in other["text"]
    assert fetch(browser, f"/console/stats/report.csv?commune={COMMUNE_B}")["status"] == 403
    hours = fetch(browser, "/console/hours", "POST", {"csrf": csrf, "commune": COMMUNE_B, "vi": "7:30–17:00"})
    assert hours["status"] == 403
    from bot.web.console import Console

    admin_pages = [(m, p.path) for p in Console(None, ()).pages() if p.admin for m in p.methods]  # type: ignore[arg-type]
    admin_pages += [
        (m, path) for m, path in console_pages(bot) if path.startswith(("/console/catalog", "/console/notices"))
    ]
    for method, path in sorted(set(admin_pages)):
        answer = fetch(
            browser, path, method, {"csrf": csrf, "draft": "1", "version": "1"} if method == "POST" else None
        )
        assert answer["status"] == 403, (method, path)


# -- statistics -----------------------------------------------------------------------------------


def test_the_statistics_page_its_chart_and_downloads(browser: Browser, bot: Running) -> None:
    sign_in(browser, bot, ADMIN)
    browser.get(f"{bot.base}/console/stats?{PERIOD}")
    assert "28" in tables(browser)  # both communes: 3 + 1 messages a day for a week
    browser.find("#f-commune").send_keys(COMMUNE_B)
    browser.find("#f-commune").send_keys("\n")
    browser.wait_until(lambda: f"commune={COMMUNE_B}" in browser.url, "the filtered report")
    assert "zalo" in tables(browser) and "telegram" not in tables(browser)
    browser.wait_until(
        lambda: browser.execute("return document.querySelector('img.chart').naturalWidth") > 0, "the chart"
    )
    csv_link, xlsx_link = (browser.find(f"a[href*='report.{kind}']").attribute("href") for kind in ("csv", "xlsx"))
    assert csv_link is not None and xlsx_link is not None
    chart = fetch(browser, f"/console/stats/chart.png?{PERIOD}")
    assert chart["status"] == 200 and chart["type"] == "image/png"
    csv = fetch(browser, csv_link)
    assert csv["status"] == 200 and csv["type"].startswith("text/csv") and "attachment" in csv["disposition"]
    assert "section,key,metric,value" in csv["text"] and "totals,,messages,7" in csv["text"]
    xlsx = fetch(browser, xlsx_link)
    assert xlsx["status"] == 200 and xlsx["head"] == "PK" and "spreadsheetml" in xlsx["type"]


# -- catalog ----------------------------------------------------------------------------------------


def test_a_spreadsheet_upload_shows_its_diff_and_is_applied(browser: Browser, bot: Running, tmp_path: Path) -> None:
    from procedures.formats import export_catalog

    before = bot.app.live.current.version_id
    (exported,) = export_catalog(bot.app.catalog, "xlsx", tmp_path / "exported.xlsx")
    book = load_workbook(exported)
    set_cell(book["fees"], find_row(book["fees"], "khai-sinh"), "amount_vnd", 8000)
    upload = tmp_path / "catalog.xlsx"
    book.save(upload)
    sign_in(browser, bot, ADMIN)
    browser.get(f"{bot.base}/console/catalog?q=khai")
    assert "khai-sinh" in browser.text("main")
    browser.find("#f-file").send_keys(str(upload))
    browser.find("form[action='/console/catalog/upload'] button").click()
    browser.wait_until(lambda: browser.find_all("ul.diff"), "the diff", timeout=120)
    assert "khai-sinh" in browser.text("ul.diff") or "Khai sinh" in browser.text("ul.diff")
    assert bot.app.live.current.version_id == before  # nothing served before "Apply"
    browser.find("form[action='/console/catalog/apply'] button").click()
    browser.wait_until(lambda: browser.find_all(".flash"), "the confirmation")
    applied = bot.app.live.current.version_id
    assert applied != before and str(applied) in browser.text(".flash")
    Conversation(bot.app.engine, user_id="citizen-fee", clock=bot.clock).say("khai sinh").expect("8.000")
    # History and rollback: the previous version is served again, as a new version.
    browser.find(f"form[action='/console/catalog/rollback'] input[value='{before}'] ~ button").click()
    browser.wait_until(lambda: "được dùng lại" in browser.text(".flash"), "the rollback")
    assert bot.app.live.current.version_id > applied


def test_a_draft_checked_before_another_version_is_refused_with_a_message(
    browser: Browser, bot: Running, tmp_path: Path
) -> None:
    from procedures.formats import export_catalog

    (exported,) = export_catalog(bot.app.catalog, "xlsx", tmp_path / "exported.xlsx")
    book = load_workbook(exported)
    set_cell(book["fees"], find_row(book["fees"], "khai-sinh"), "amount_vnd", 7000)
    upload = tmp_path / "catalog.xlsx"
    book.save(upload)
    sign_in(browser, bot, ADMIN)
    browser.get(f"{bot.base}/console/catalog")
    browser.find("#f-file").send_keys(str(upload))
    browser.find("form[action='/console/catalog/upload'] button").click()
    browser.wait_until(lambda: browser.find_all("ul.diff"), "the diff", timeout=120)
    # Meanwhile another administrator serves a version (here a rollback to the served content).
    served = bot.app.live.current.version_id
    other = bot.app.store.rollback(served, "console:other-admin")
    assert other is not None
    browser.find("form[action='/console/catalog/apply'] button").click()
    browser.wait_until(lambda: browser.find_all(".error"), "the refusal")
    refusal = browser.text(".error")
    assert f"Danh mục đã thay đổi kể từ khi tệp này được kiểm tra (nay là phiên bản {other.id})" in refusal
    assert bot.app.store.latest_id() == other.id and bot.app.live.current.version_id == other.id
    Conversation(bot.app.engine, user_id="citizen-refused", clock=bot.clock).say("khai sinh").expect_not("7.000")


# -- notices and office hours ----------------------------------------------------------------------


def set_local(browser: Browser, css: str, value: str) -> None:
    """A datetime-local input's value (typing into one depends on the browser's locale)."""
    browser.execute(
        "arguments[0].value = arguments[1]", {"element-6066-11e4-a52e-4f735466cecf": browser.find(css).id}, value
    )


def test_a_notice_appears_in_a_chat_and_expires(browser: Browser, bot: Running) -> None:
    sign_in(browser, bot, ADMIN)
    browser.get(f"{bot.base}/console/notices")
    browser.find("#f-vi").send_keys("Cổng DVC quốc gia bảo trì 20:00–23:00, xem https://evil.example/tin")
    set_local(browser, "#f-starts", "2030-03-10T08:00")
    set_local(browser, "#f-ends", "2030-03-10T23:00")
    browser.find("form[action='/console/notices/notice'] button").click()
    browser.wait_until(lambda: browser.find_all(".error"), "the refused link")
    assert "evil.example" in browser.text(".error")  # only official domains
    browser.find("#f-vi").clear()
    browser.find("#f-vi").send_keys("Cổng DVC quốc gia bảo trì 20:00–23:00, xem https://dichvucong.gov.vn")
    browser.find("#f-en").send_keys("The national portal is down for maintenance 20:00–23:00.")
    set_local(browser, "#f-starts", "2030-03-10T08:00")
    set_local(browser, "#f-ends", "2030-03-10T23:00")
    browser.find("form[action='/console/notices/notice'] button").click()
    browser.wait_until(lambda: browser.find_all(".flash"), "saved")
    # 09:00 in Hà Nội: the notice runs. A new conversation shows it first, in its language.
    Conversation(bot.app.engine, user_id="notice-1", clock=bot.clock).say("xin chào").expect("bảo trì 20:00–23:00")
    Conversation(bot.app.engine, user_id="notice-2", clock=bot.clock).say("làm căn cước").expect("bảo trì")
    english = Conversation(bot.app.engine, user_id="notice-3", clock=bot.clock, locale_hint="en")
    english.say("/start").expect("down for maintenance")
    # Once a conversation is going, the notice is not repeated.
    chat = Conversation(bot.app.engine, user_id="notice-4", clock=bot.clock).say("xin chào")
    chat.say("làm căn cước").expect_not("bảo trì")
    bot.clock.advance(dt.timedelta(hours=15))  # 00:00 the next day: the notice has ended
    Conversation(bot.app.engine, user_id="notice-5", clock=bot.clock).say("xin chào").expect_not("bảo trì")


def test_office_hours_and_the_welcome_text(browser: Browser, bot: Running) -> None:
    sign_in(browser, bot, OFFICER_A)
    browser.get(f"{bot.base}/console/hours")
    browser.find("#f-vi").send_keys("Thứ Hai – Thứ Sáu, 7:30–17:00")
    browser.find("form[action='/console/hours'] button").click()
    browser.wait_until(lambda: "7:30–17:00" in browser.text("table"), "the saved hours")
    assert bot.app.engine.board.hours(COMMUNE_A, "vi") == "Thứ Hai – Thứ Sáu, 7:30–17:00"
    sign_in(browser, bot, ADMIN)
    browser.get(f"{bot.base}/console/notices")
    welcome = browser.find_all("textarea[name=vi]")[1]
    welcome.send_keys("Chào bạn! Đây là trợ lý thủ tục của tỉnh.")
    browser.find("form[action='/console/notices/welcome'] button").click()
    browser.wait_until(lambda: browser.find_all(".flash"), "saved")
    Conversation(bot.app.engine, user_id="welcome-1", clock=bot.clock).say("/start").expect("trợ lý thủ tục của tỉnh")
    browser.get(f"{bot.base}/console/audit")  # every action: who, when, what
    assert "welcome-set" in tables(browser) and f"{OFFICER_A}\thours-set" in tables(browser)

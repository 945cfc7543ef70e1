"""The web chat in a real headless Chromium: the /chat page, and the widget on another site.

The bot runs as ``dvcbot run`` runs it (uvicorn on a port, the gateway and the couriers in its
event loop) on 127.0.0.1; the portal page embedding ``/widget.js`` is served from ``localhost``
-- another origin, so the widget's requests are cross-origin as on a real portal. One browser
(360 px wide, a small phone) and one bot serve the module. Skipped, saying why, where Chromium
is not installed; ``.ci/run`` installs it and sets ``DVCBOT_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, build_app
from bot.config import Settings
from tests.browser import ELEMENT_KEY, Browser, Element, free_port, launch, require_browser, wait_for
from tests.conftest import BACKENDS, SessionCatalog, _postgres_schema_url

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PAGE = "document"
WIDGET = "document.getElementById('dvcbot-widget').shadowRoot"


class BotThread:
    """The bot serving its web chat from a thread of its own, as ``dvcbot run`` would."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.app: App | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stopping: asyncio.Event | None = None
        self.ready = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.ready.clear()
        self.app = build_app(self.settings)
        self.thread = threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True)
        self.thread.start()
        assert self.ready.wait(60), "the bot did not start"

    async def _serve(self) -> None:
        assert self.app is not None
        self.loop, self.stopping = asyncio.get_running_loop(), asyncio.Event()
        async with self.app.running(background=False):
            self.ready.set()
            await self.stopping.wait()

    def stop(self) -> None:
        assert self.loop is not None and self.stopping is not None and self.thread is not None and self.app
        self.loop.call_soon_threadsafe(self.stopping.set)
        self.thread.join(60)
        self.app.close()


def host_server(html: str) -> tuple[ThreadingHTTPServer, int]:
    """A portal's page on its own port (reached as ``localhost``: another site than 127.0.0.1)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, int(server.server_address[1])


def portal_html(bot: str) -> str:
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Cổng thông tin xã Tân Lập</title></head>
<body><main><h1>Cổng thông tin điện tử xã Tân Lập</h1><p>Tin tức, thủ tục hành chính.</p></main>
<script src="{bot}/widget.js" data-title="Hỏi đáp thủ tục" data-color="#0b5394" data-position="right" defer></script>
</body></html>"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium, 360 px wide, for the module."""
    with launch(width=360, height=780) as started:
        yield started


@pytest.fixture(scope="module", params=BACKENDS)
def bot(
    request: pytest.FixtureRequest,
    session_catalog: SessionCatalog,
    first_start: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[BotThread, str, str, str]]:
    """The bot on 127.0.0.1, the portal page on an allowed origin and on a refused one."""
    require_browser()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    portal, refused = host_server(portal_html(base)), host_server(portal_html(base))
    urls = iter(_postgres_schema_url()) if request.param == "postgres" else None
    if urls is None:
        file = tmp_path_factory.mktemp("web") / "bot.db"
        with closing(sqlite3.connect(first_start)) as source, closing(sqlite3.connect(file)) as target:
            source.backup(target)
        url = f"sqlite:///{file}"
    else:
        url = next(urls)
    allowed = f"http://localhost:{portal[1]}"
    settings = replace(
        Settings(),
        database_url=url,
        user_salt="test-salt",
        web_chat=True,
        web_host="127.0.0.1",
        web_port=port,
        web_origins=(allowed,),
        chat_burst=50,
        chat_per_10s=500,
    )
    with pytest.MonkeyPatch.context() as scope:
        session_catalog.reuse(scope)
        thread = BotThread(settings)
        thread.start()
        try:
            yield thread, base, allowed, f"http://localhost:{refused[1]}"
        finally:
            thread.stop()
            for server, _ in (portal, refused):
                server.shutdown()
            if urls is not None:
                next(urls, None)


# -- reading and pressing, on the page or inside the widget's shadow root --------------------


def log_text(browser: Browser, scope: str) -> str:
    return str(
        browser.execute(f"var r = {scope}; var l = r && r.querySelector('#dvc-log'); return l ? l.innerText : '';")
    )


def _changed(browser: Browser, before: str) -> bool:
    """Whether the chat log reads differently from ``before`` (a new reply arrived)."""
    return log_text(browser, PAGE) != before


def expect(browser: Browser, scope: str, fragment: str) -> None:
    wait_for(lambda: fragment in log_text(browser, scope), f"{fragment!r} in the chat")


def element(browser: Browser, scope: str, script: str, what: str) -> Element:
    def find() -> Element | None:
        found = browser.execute(f"var r = {scope}; {script}")
        return Element(browser, found[ELEMENT_KEY]) if isinstance(found, dict) else None

    result: Element = wait_for(find, what)
    return result


def press(browser: Browser, scope: str, label: str) -> None:
    """Tap the option ``label`` of the newest reply that offers it."""
    script = (
        "var groups = r.querySelectorAll('.dvc-options');"
        "for (var g = groups.length - 1; g >= 0; g--) { var bs = groups[g].querySelectorAll('button');"
        f"  for (var i = 0; i < bs.length; i++) if (bs[i].textContent.indexOf({label!r}) >= 0) return bs[i]; }}"
        "return null;"
    )
    element(browser, scope, script, f"an option {label!r}").click()


def say(browser: Browser, scope: str, text: str) -> None:
    element(browser, scope, "return r.querySelector('#dvc-input');", "the input").send_keys(text + "\n")


def axe_problems(browser: Browser) -> list[str]:
    """axe-core's serious and critical violations on the current page (shadow roots included)."""
    browser.execute(AXE.read_text(encoding="utf-8") + "\nreturn true;")
    result = browser.execute_async(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(r.violations.map(function (v) {"
        "  return [v.impact, v.id, v.nodes.map(function (n) { return n.target.join(' '); }).join(', ')]; })); },"
        "  function (e) { done([['error', String(e), '']]); });"
    )
    return [f"{impact} {rule}: {nodes}" for impact, rule, nodes in result if impact in ("serious", "critical", "error")]


def usable_at_360(browser: Browser, scope: str) -> None:
    """No sideways scrolling, and every button a thumb can hit (at least 44 px high)."""
    assert browser.execute("return document.documentElement.scrollWidth") <= 360
    heights = browser.execute(
        f"var r = {scope}; return Array.prototype.map.call(r.querySelectorAll('.dvc button'),"
        " function (b) { var x = b.getBoundingClientRect(); return [b.textContent, x.height, x.right]; });"
    )
    assert heights and all(height >= 44 and right <= 360.5 for _, height, right in heights), heights


# -- the tests -------------------------------------------------------------------------------


def test_a_guide_on_the_chat_page_resumes_after_a_reload(
    browser: Browser, bot: tuple[BotThread, str, str, str]
) -> None:
    _, base, _, _ = bot
    browser.get(f"{base}/chat")
    expect(browser, PAGE, "Xin chào")
    assert "CCCD" in browser.text("#dvc-privacy"), "the privacy notice is there before the first message"
    say(browser, PAGE, "lam cccd o dau")
    expect(browser, PAGE, "thẻ căn cước")
    usable_at_360(browser, PAGE)
    links = browser.execute(
        "return Array.prototype.map.call(document.querySelectorAll('a.dvc-link'), function (a) {"
        " return [a.href, a.target, a.rel]; });"
    )
    assert all(href.startswith("https://") and target == "_blank" and "noopener" in rel for href, target, rel in links)
    press(browser, PAGE, "Hướng dẫn từng bước")
    expect(browser, PAGE, "Bước 1/8")
    press(browser, PAGE, "Có")
    expect(browser, PAGE, "Bước 2/8")
    browser.refresh()
    expect(browser, PAGE, "Bước 2/8")  # the transcript is back ...
    press(browser, PAGE, "Có")
    expect(browser, PAGE, "Bước 3/8")  # ... and the conversation goes on from the same step
    for _ in range(8):
        if "Bạn đã làm xong" in log_text(browser, PAGE):
            break
        before = log_text(browser, PAGE)
        press(browser, PAGE, "Tiếp theo")
        wait_for(functools.partial(_changed, browser, before), "the next step")
    expect(browser, PAGE, "Bạn đã làm xong")
    assert axe_problems(browser) == []


def test_typed_html_stays_text_and_english_is_one_tap_away(
    browser: Browser, bot: tuple[BotThread, str, str, str]
) -> None:
    _, base, _, _ = bot
    browser.get(f"{base}/chat")
    expect(browser, PAGE, "Xin chào")
    say(browser, PAGE, '<img src=x onerror="window.pwned=1"><b>đậm</b>')
    expect(browser, PAGE, "<b>đậm</b>")
    assert browser.execute("return document.querySelectorAll('#dvc-log img, #dvc-log b').length") == 0
    assert browser.execute("return window.pwned === undefined")
    browser.click(".dvc-lang")
    expect(browser, PAGE, "I will answer in English now")
    assert browser.execute("return document.getElementById('dvc-input').placeholder").startswith("Type your question")
    assert browser.text(".dvc-lang") == "Tiếng Việt"
    say(browser, PAGE, "birth registration")
    expect(browser, PAGE, "Birth registration")


def test_the_widget_on_a_portal_survives_a_bot_restart(browser: Browser, bot: tuple[BotThread, str, str, str]) -> None:
    thread, _, portal, _ = bot
    browser.get(f"{portal}/tin-tuc")
    launcher = element(browser, WIDGET, "return r && r.querySelector('.dvc-launcher');", "the chat button")
    wait_for(lambda: launcher.text == "Hỏi đáp thủ tục", "the button's title from data-title")
    colour = f"var b = {WIDGET}.querySelector('.dvc-launcher'); return getComputedStyle(b).backgroundColor;"
    assert browser.execute(colour) == "rgb(11, 83, 148)", "the colour from data-color"
    launcher.click()
    expect(browser, WIDGET, "Xin chào")
    usable_at_360(browser, WIDGET)
    say(browser, WIDGET, "lam cccd o dau")
    press(browser, WIDGET, "Hướng dẫn từng bước")
    expect(browser, WIDGET, "Bước 1/8")
    assert axe_problems(browser) == []
    thread.stop()  # the bot restarts while the page stays open
    thread.start()
    press(browser, WIDGET, "Có")
    expect(browser, WIDGET, "Bước 2/8")
    browser.refresh()  # and the portal's page is reloaded
    element(browser, WIDGET, "return r && r.querySelector('.dvc-launcher');", "the chat button").click()
    expect(browser, WIDGET, "Bước 2/8")
    press(browser, WIDGET, "Có")
    expect(browser, WIDGET, "Bước 3/8")


def test_a_site_not_allowed_to_embed_is_refused(browser: Browser, bot: tuple[BotThread, str, str, str]) -> None:
    _, base, _, refused = bot
    browser.get(f"{refused}/")
    outcome = browser.execute_async(
        "var done = arguments[arguments.length - 1];"
        f"fetch('{base}/chat/api/session', {{method: 'POST', body: '{{}}'}})"
        ".then(function (r) { done('answered ' + r.status); }, function () { done('refused'); });"
    )
    assert outcome == "refused"
    stream = browser.execute_async(
        "var done = arguments[arguments.length - 1];"
        f"var s = new EventSource('{base}/chat/api/stream?token=x');"
        "s.onerror = function () { s.close(); done('refused'); }; s.onopen = function () { done('open'); };"
    )
    assert stream == "refused"
    launcher = browser.execute(
        f"var r = {WIDGET}; var b = r && r.querySelector('.dvc-launcher'); return b && b.textContent;"
    )
    assert not launcher, "the widget cannot load on a site that is not allowed"

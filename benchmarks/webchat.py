"""Web chat benchmark: the widget's transfer size, and the time from page load to the first reply.

Starts ``python -m bot run`` with ``DVCBOT_WEB_CHAT=1`` on loopback (a temporary SQLite file),
opens ``/chat`` in headless Chromium at 360 px (a small phone), and measures the wall time from
asking for the page to the bot's greeting on screen; then a portal page on another origin that
embeds ``/widget.js``: from its load to the greeting after the chat button is tapped. Prints JSON.
With ``--screenshot FILE`` it also saves the widget, open on a phone-sized portal page (the
README's picture).

    .venv/bin/python benchmarks/webchat.py [--runs 3] [--screenshot docs/web-chat-phone.png]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import Browser, free_port, launch, wait_for  # noqa: E402 - after the path is set

BUDGET = 50_000  # bytes, gzip: widget script + styles


def start_bot(database: Path, port: int, origin: str) -> subprocess.Popen[bytes]:
    """``dvcbot run`` serving the web chat only, without a terminal, embeddable by ``origin``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "ZALO_", "DVCBOT_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        DVCBOT_WEB_CHAT="1",
        DVCBOT_USER_SALT="benchmark-salt-0123456789",
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(port),
        DVCBOT_WEB_ORIGINS=origin,
    )
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, stdin=subprocess.DEVNULL, cwd=ROOT)


def portal(bot: str) -> ThreadingHTTPServer:
    """A portal's page embedding the widget, on its own port."""
    html = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" '
        'content="width=device-width, initial-scale=1"><title>Cổng thông tin xã</title></head><body>'
        "<h1>Cổng thông tin điện tử xã Tân Lập</h1><p>Tin tức · Thủ tục hành chính · Liên hệ</p>"
        f'<script src="{bot}/widget.js" data-title="Hỏi đáp thủ tục" data-color="#0b5394" defer></script></body></html>'
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def first_reply(browser: Browser, url: str, widget: bool) -> float:
    """Seconds from asking for ``url`` to the bot's first reply on screen (a fresh visitor)."""
    browser.get("about:blank")
    browser.execute("try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}")
    scope = "document.getElementById('dvcbot-widget').shadowRoot" if widget else "document"
    started = time.perf_counter()
    browser.get(url)
    browser.execute("localStorage.clear(); sessionStorage.clear();")  # this origin's: a first visit
    if widget:
        ready = f"var r = {scope}; var b = r && r.querySelector('.dvc-launcher'); return !!(b && b.title);"
        wait_for(lambda: browser.execute(ready), "the chat button")
        browser.execute(f"{scope}.querySelector('.dvc-launcher').click();")
    wait_for(lambda: browser.execute(f"var r = {scope}; return !!(r && r.querySelector('.dvc-bot'));"), "the greeting")
    return time.perf_counter() - started


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    site = portal(base)
    origin = f"http://localhost:{site.server_address[1]}"
    with tempfile.TemporaryDirectory() as folder:
        process = start_bot(Path(folder) / "bot.db", port, origin)
        try:
            with httpx.Client(base_url=base, timeout=5) as client:
                wait_for(lambda: client.get("/healthz").status_code == 200, "the bot", timeout=120)
                script, styles = client.get("/widget.js").content, client.get("/chat/static/chat.css").content
            with launch(width=360, height=740) as browser:
                page = [first_reply(browser, f"{base}/chat", False) for _ in range(args.runs)]
                embedded = [first_reply(browser, f"{origin}/", True) for _ in range(args.runs)]
                if args.screenshot:
                    args.screenshot.write_bytes(browser.screenshot())
        finally:
            process.terminate()
            process.wait(30)
            site.shutdown()
    compressed = len(gzip.compress(script, 9)) + len(gzip.compress(styles, 9))
    figures = {
        "widget_bytes": len(script) + len(styles),
        "widget_gzip_bytes": compressed,
        "widget_gzip_budget": BUDGET,
        "chat_page_first_reply_s": round(statistics.median(page), 3),
        "widget_first_reply_s": round(statistics.median(embedded), 3),
        "runs": args.runs,
    }
    print(json.dumps(figures, indent=2))
    return 0 if compressed <= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""A small W3C WebDriver client (over httpx) driving Debian's headless Chromium in tests.

No Selenium or Playwright dependency: chromedriver speaks the W3C WebDriver protocol, JSON over
HTTP, and the few commands a test needs fit here. Typical use, one browser per test module::

    @pytest.fixture(scope="module")
    def browser() -> Iterator[Browser]:
        with launch() as started:
            yield started

    browser.get("http://127.0.0.1:8080/chat")
    browser.type("#dvc-input", "lam cccd o dau\\n")
    browser.wait_until(lambda: "Căn cước" in browser.text("#dvc-log"), "the answer")

Waits have generous time-outs and only ever fail a test with a message, never measure it: a
slow CI machine makes them slower, not red. When chromium or chromedriver is missing,
:func:`launch` skips the test saying why -- unless ``DVCBOT_REQUIRE_BROWSER=1`` (set by
``.ci/run``), which turns the skip into a failure so CI never passes without browser tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"  # the W3C web element identifier
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
DRIVER_PATHS = ("/usr/bin/chromedriver",)
DEFAULT_WAIT = 30.0  # seconds: generous, a failing wait is a broken page, not a slow machine
HEADLESS_ARGS = ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run")


class WebDriverError(Exception):
    """chromedriver answered a command with an error."""


def _find(paths: tuple[str, ...], name: str) -> str | None:
    for path in paths:
        if os.path.exists(path):
            return path
    return shutil.which(name)


def browser_missing() -> str | None:
    """Why no browser test can run here, or None when chromium and chromedriver are installed."""
    if _find(CHROMIUM_PATHS, "chromium") is None:
        return "chromium is not installed (apt-get install chromium chromium-driver)"
    if _find(DRIVER_PATHS, "chromedriver") is None:
        return "chromedriver is not installed (apt-get install chromium-driver)"
    return None


def require_browser() -> None:
    """Skip the calling test when there is no browser; fail instead when CI requires one."""
    reason = browser_missing()
    if reason is None:
        return
    if os.environ.get("DVCBOT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here (DVCBOT_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(f"browser test skipped: {reason}")


def free_port() -> int:
    """A TCP port nobody listens on now (for chromedriver, or a test web server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(condition: Callable[[], Any], what: str, timeout: float = DEFAULT_WAIT, every: float = 0.05) -> Any:
    """Poll ``condition`` until it returns something truthy (returned), or fail naming ``what``.

    Exceptions raised by the condition count as "not yet" (an element not rendered yet).
    """
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while True:
        try:
            result = condition()
            if result:
                return result
        except (WebDriverError, httpx.HTTPError, AssertionError) as exc:
            last = exc
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}" + (f" ({last})" if last else ""))
        time.sleep(every)


@dataclass(frozen=True)
class Element:
    """One element of the page, as chromedriver knows it."""

    browser: Browser
    id: str

    def _call(self, method: str, command: str, body: dict[str, Any] | None = None) -> Any:
        return self.browser.command(method, f"/element/{self.id}/{command}", body)

    def click(self) -> None:
        """Click it (scrolled into view first, as a user would tap it)."""
        self._call("POST", "click", {})

    def send_keys(self, text: str) -> None:
        """Type ``text`` into it ("\\n" presses Enter)."""
        self._call("POST", "value", {"text": text.replace("\n", "\ue007")})

    def clear(self) -> None:
        """Empty an input."""
        self._call("POST", "clear", {})

    @property
    def text(self) -> str:
        """Its rendered text."""
        return str(self._call("GET", "text"))

    def attribute(self, name: str) -> str | None:
        """One of its attributes (None when absent)."""
        value = self._call("GET", f"attribute/{name}")
        return None if value is None else str(value)

    def rect(self) -> dict[str, float]:
        """Its position and size in CSS pixels (x, y, width, height)."""
        return dict(self._call("GET", "rect"))


class Browser:
    """One WebDriver session."""

    def __init__(self, driver_url: str, session_id: str, http: httpx.Client):
        self.driver_url = driver_url
        self.session_id = session_id
        self.http = http

    def command(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Send one WebDriver command of this session; its ``value``, or :class:`WebDriverError`."""
        url = f"{self.driver_url}/session/{self.session_id}{path}"
        response = self.http.request(method, url, json=body) if body is not None else self.http.request(method, url)
        value = response.json().get("value")
        if response.status_code >= 400:
            error = value.get("error", "") if isinstance(value, dict) else ""
            message = value.get("message", "") if isinstance(value, dict) else str(value)
            raise WebDriverError(f"{error}: {message.splitlines()[0] if message else ''}")
        return value

    # -- navigation --------------------------------------------------------------------------

    def get(self, url: str) -> None:
        """Open ``url`` and wait for the page to load."""
        self.command("POST", "/url", {"url": url})

    def refresh(self) -> None:
        """Reload the page."""
        self.command("POST", "/refresh", {})

    @property
    def url(self) -> str:
        """The current page's address."""
        return str(self.command("GET", "/url"))

    def set_window_size(self, width: int, height: int) -> None:
        """Resize the window (the layout viewport follows in headless mode)."""
        self.command("POST", "/window/rect", {"width": width, "height": height})

    def handles(self) -> list[str]:
        """The open tabs' handles."""
        return list(self.command("GET", "/window/handles"))

    def switch_to(self, handle: str) -> None:
        """Make the tab ``handle`` the one commands go to."""
        self.command("POST", "/window", {"handle": handle})

    def switch_to_frame(self, element: Element | None) -> None:
        """Send commands into an iframe (None: back to the top page)."""
        frame = None if element is None else {ELEMENT_KEY: element.id}
        self.command("POST", "/frame", {"id": frame})

    # -- elements ----------------------------------------------------------------------------

    def find_all(self, css: str) -> list[Element]:
        """Every element matching the CSS selector (possibly none)."""
        found = self.command("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self, item[ELEMENT_KEY]) for item in found]

    def find(self, css: str, timeout: float = DEFAULT_WAIT) -> Element:
        """The first element matching ``css``, waiting for it to appear."""

        def first() -> Element | None:
            found = self.find_all(css)
            return found[0] if found else None

        element: Element = wait_for(first, f"an element {css!r}", timeout)
        return element

    def click(self, css: str) -> None:
        """Click the first element matching ``css`` (waiting for it)."""
        self.find(css).click()

    def type(self, css: str, text: str) -> None:
        """Type into the first element matching ``css`` (waiting for it)."""
        self.find(css).send_keys(text)

    def text(self, css: str) -> str:
        """The rendered text of the first element matching ``css`` ("" when there is none)."""
        found = self.find_all(css)
        return found[0].text if found else ""

    def execute(self, script: str, *args: Any) -> Any:
        """Run synchronous JavaScript in the page (``arguments[0]`` …); its return value."""
        return self.command("POST", "/execute/sync", {"script": script, "args": list(args)})

    def execute_async(self, script: str, *args: Any) -> Any:
        """Run JavaScript that calls ``arguments[arguments.length - 1](value)`` when done."""
        return self.command("POST", "/execute/async", {"script": script, "args": list(args)})

    def wait_until(self, condition: Callable[[], Any], what: str, timeout: float = DEFAULT_WAIT) -> Any:
        """Poll ``condition`` until truthy (see :func:`wait_for`)."""
        return wait_for(condition, what, timeout)

    def screenshot(self) -> bytes:
        """The visible part of the page as PNG bytes."""
        import base64

        return base64.b64decode(str(self.command("GET", "/screenshot")))

    def logs(self) -> list[dict[str, Any]]:
        """The browser console's entries since the last call (errors, CSP violations)."""
        http = self.http.post(f"{self.driver_url}/session/{self.session_id}/se/log", json={"type": "browser"})
        value = http.json().get("value")
        return list(value) if isinstance(value, list) else []


def _capabilities(chromium: str, args: tuple[str, ...]) -> dict[str, Any]:
    options = {"binary": chromium, "args": [*HEADLESS_ARGS, *args]}
    return {
        "capabilities": {
            "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": options,
                "goog:loggingPrefs": {"browser": "ALL"},
                "timeouts": {"pageLoad": 60_000, "script": 30_000, "implicit": 0},
            }
        }
    }


def real_clock_environment() -> dict[str, str]:
    """This process's environment without libfaketime: the browser is the citizen's device.

    ``.ci/run`` runs the suite with the system date three years ahead through libfaketime's
    ``LD_PRELOAD``; Chromium's renderer stops answering under it. The bot under test keeps the
    faked date; only the browser and its driver read the real clock, as a phone would.
    """
    return {
        name: value for name, value in os.environ.items() if name != "LD_PRELOAD" and not name.startswith("FAKETIME")
    }


@contextmanager
def launch(*args: str, width: int = 1280, height: int = 900) -> Iterator[Browser]:
    """A headless Chromium session (skipped, or failed under CI, when none is installed)."""
    require_browser()
    chromium, driver = _find(CHROMIUM_PATHS, "chromium"), _find(DRIVER_PATHS, "chromedriver")
    assert chromium is not None and driver is not None
    port = free_port()
    process = subprocess.Popen(
        [driver, f"--port={port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=real_clock_environment(),
    )
    base = f"http://127.0.0.1:{port}"
    http = httpx.Client(timeout=120.0)
    try:
        wait_for(lambda: http.get(f"{base}/status").json()["value"]["ready"], "chromedriver to start")
        created = http.post(f"{base}/session", json=_capabilities(chromium, args))
        value = created.json()["value"]
        if "sessionId" not in value:
            raise WebDriverError(f"no session: {value}")
        browser = Browser(base, value["sessionId"], http)
        browser.set_window_size(width, height)
        try:
            yield browser
        finally:
            try:
                http.delete(f"{base}/session/{browser.session_id}")
            except httpx.HTTPError:
                pass
    finally:
        http.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


__all__ = [
    "Browser",
    "Element",
    "WebDriverError",
    "browser_missing",
    "free_port",
    "launch",
    "require_browser",
    "wait_for",
]

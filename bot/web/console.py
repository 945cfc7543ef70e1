"""The officer console at ``/console``: sign-in, the guard every page goes through, and the home page.

Every page but the sign-in form, the stylesheet and the language switch is a :class:`Page` served
through :meth:`Console.guarded`, which in this order

1. finds the session from its cookie (no session: a page sends the browser to the sign-in form,
   anything else gets 403);
2. on a POST, checks the form's CSRF token against the session's (403 without it);
3. refuses a non-admin an admin page (403);
4. runs the page off the event loop (database work, file checks, charts) and audits it.

The session cookie is ``Secure``, ``HttpOnly`` and ``SameSite=Strict``, named with the
``__Host-`` prefix (so no sub-domain can set it), and gets a fresh value at every sign-in. The
sign-in form has its own CSRF token (a random value in a short-lived cookie and in the form).
Sign-in failures back off per account and address (:mod:`bot.console.backoff`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.console.accounts import ConsoleRole, Officer
from bot.console.audit import ANONYMOUS
from bot.console.services import ConsoleServices
from bot.console.sessions import Opened
from bot.i18n import N_, Translator, pick_locale
from bot.web.console_html import CSS, Link, button, esc, field, form, layout, message, table
from procedures.addresses import commune_label

SESSION_COOKIE = "__Host-dvc-console"
SIGN_IN_COOKIE = "__Host-dvc-sign-in"  # the sign-in form's CSRF token
LANGUAGE_COOKIE = "dvc-console-lang"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # the largest catalog spreadsheet accepted (as in procedures' formats)
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
PASSWORD_INPUT = ' autocomplete="current-password" required'
COOKIE = {"path": "/", "secure": True, "httponly": True, "samesite": "strict"}  # every cookie that carries a secret
PUBLIC_PATHS = ("/console/sign-in", "/console/console.css", "/console/language")


@dataclass(frozen=True)
class Visit:
    """One signed-in request: who, their session, their language and the posted form."""

    request: Request
    officer: Officer
    session: Opened
    tr: Translator
    form: FormData | None
    services: ConsoleServices

    def value(self, name: str) -> str:
        """A posted form field (or, on a GET, a query parameter) as text ("" when absent)."""
        source: Any = self.form if self.form is not None else self.request.query_params
        found = source.get(name)
        return found if isinstance(found, str) else ""

    def page(self, title: str, body: str, status: int = 200) -> HTMLResponse:
        """A console page with the navigation this person may use."""
        tr, officer = self.tr, self.officer
        nav = [Link("/console", tr.gettext("Home")), Link("/console/stats", tr.gettext("Statistics"))]
        if officer.role is not ConsoleRole.HELPER:
            nav.append(Link("/console/hours", tr.gettext("Office hours")))
            nav.append(Link("/console/inbox", tr.gettext("Unanswered inbox")))
            nav.append(Link("/console/handoff", tr.gettext("Waiting for a person")))
        if officer.is_admin:
            nav += [
                Link("/console/catalog", tr.gettext("Catalog")),
                Link("/console/notices", tr.gettext("Notice and welcome")),
                Link("/console/audit", tr.gettext("Audit")),
            ]
        who = f"{officer.login} · {tr.gettext(ROLE_NAMES[officer.role])}"
        return HTMLResponse(layout(tr, title, body, nav=nav, who=who, csrf=self.session.csrf), status, HEADERS)

    def refused(self, text: str) -> HTMLResponse:
        """403 with a plain explanation (no data)."""
        return self.page(self.tr.gettext("Not allowed"), message(text, error=True), 403)


Handler = Callable[[Visit], Response]


@dataclass(frozen=True)
class Page:
    """A guarded console route; ``detail`` says what to write in the audit record."""

    path: str
    name: str
    handler: Handler
    methods: tuple[str, ...] = ("GET",)
    admin: bool = False


ROLE_NAMES = {
    ConsoleRole.ADMIN: N_("administrator"),
    ConsoleRole.OFFICER: N_("officer"),
    ConsoleRole.HELPER: N_("community helper"),
}


class Console:
    """The console's routes over the services the composition root built."""

    def __init__(self, services: ConsoleServices, sections: Sequence[Callable[[], list[Page]]] = ()):
        self.services = services
        self.sections = sections

    def pages(self) -> list[Page]:
        """Every guarded page: the home and audit pages, then each section's."""
        own = [
            Page("/console", "home", self.home),
            Page("/console/sign-out", "sign-out", self.sign_out, ("POST",)),
            Page("/console/audit", "audit", self.audit_page, admin=True),
        ]
        return own + [page for section in self.sections for page in section()]

    def routes(self) -> list[BaseRoute]:
        """The public routes (sign-in, stylesheet, language) and every guarded page."""
        routes: list[BaseRoute] = [
            Route("/console/sign-in", self.sign_in_form, methods=["GET"]),
            Route("/console/sign-in", self.sign_in, methods=["POST"]),
            Route("/console/console.css", self.stylesheet),
            Route("/console/language", self.language),
        ]
        routes += [Route(page.path, self.guarded(page), methods=list(page.methods)) for page in self.pages()]
        return routes

    # -- the guard -----------------------------------------------------------------------------

    def translator(self, request: Request) -> Translator:
        """The reader's language: their choice (a cookie), else Vietnamese."""
        return self.services.languages.get(pick_locale(request.cookies.get(LANGUAGE_COOKIE), "vi"))

    def guarded(self, page: Page) -> Callable[[Request], Any]:
        """The endpoint of ``page``: session, CSRF, role, then the page itself (in a worker thread)."""

        async def endpoint(request: Request) -> Response:
            form = None
            if request.method == "POST":
                form = await request.form(max_files=1, max_fields=50, max_part_size=MAX_UPLOAD_BYTES)
            try:
                return await run_in_threadpool(self.serve, page, request, form)
            finally:
                if form is not None:
                    await form.close()

        return endpoint

    def serve(self, page: Page, request: Request, form: FormData | None) -> Response:
        """Check the request for ``page`` and answer it (blocking: runs in a worker thread)."""
        services, tr = self.services, self.translator(request)
        now = services.clock.now()
        opened = services.sessions.find(request.cookies.get(SESSION_COOKIE), now)
        officer = services.accounts.get(opened.user_id) if opened is not None else None
        if opened is None or officer is None:
            services.audit.record(ANONYMOUS, "refused", now, f"{request.method} {request.url.path}: not signed in")
            if request.method == "GET":
                return RedirectResponse("/console/sign-in", 303, HEADERS)
            return PlainTextResponse(tr.gettext("Please sign in."), 403, HEADERS)
        visit = Visit(request, officer, opened, tr, form, services)
        if form is not None and not opened.csrf_ok(visit.value("csrf")):
            services.audit.record(officer.login, "refused", now, f"{request.url.path}: no valid CSRF token")
            return visit.refused(tr.gettext("This form has expired. Open the page again and resend it."))
        if page.admin and not officer.is_admin:
            services.audit.record(officer.login, "refused", now, f"{request.url.path}: administrators only")
            return visit.refused(tr.gettext("This page is only for administrators."))
        query = str(request.url.query)
        services.audit.record(officer.login, page.name, now, f"{request.method} {request.url.path} {query}".strip())
        return page.handler(visit)

    # -- public routes -------------------------------------------------------------------------

    async def stylesheet(self, request: Request) -> Response:
        """The console's only stylesheet."""
        headers = {**HEADERS, "Cache-Control": "public, max-age=3600"}
        return Response(CSS, media_type="text/css", headers=headers)

    async def language(self, request: Request) -> Response:
        """Switch the console's language, back to the home page."""
        locale = pick_locale(request.query_params.get("to"), "vi")
        response = RedirectResponse("/console", 303, HEADERS)
        response.set_cookie(LANGUAGE_COOKIE, locale, max_age=365 * 86400, path="/", secure=True, samesite="lax")
        return response

    async def sign_in_form(self, request: Request) -> Response:
        """The sign-in form, with a fresh CSRF token in a cookie and in the form."""
        return self._sign_in_page(self.translator(request))

    def _sign_in_page(self, tr: Translator, note: str = "", status: int = 200, retry: int = 0) -> Response:
        token = secrets.token_urlsafe(32)
        inner = (
            field("login", tr.gettext("Login"), extra=' autocomplete="username" required')
            + field("password", tr.gettext("Password"), kind="password", extra=PASSWORD_INPUT)
            + button(tr.gettext("Sign in"))
        )
        body = message(note, error=True) + form("/console/sign-in", token, inner)
        headers = {**HEADERS, "Retry-After": str(retry)} if retry else HEADERS
        response = HTMLResponse(layout(tr, tr.gettext("Sign in"), body), status, headers)
        response.set_cookie(SIGN_IN_COOKIE, token, max_age=3600, **COOKIE)  # type: ignore[arg-type]
        return response

    async def sign_in(self, request: Request) -> Response:
        """Check the login and password (with back-off); a new session on success."""
        form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
        values = {name: str(form.get(name) or "") for name in ("csrf", "login", "password")}
        expected = request.cookies.get(SIGN_IN_COOKIE) or ""
        address = request.client.host if request.client is not None else "unknown"
        previous = request.cookies.get(SESSION_COOKIE)
        tr = self.translator(request)
        posted = values["csrf"].encode("utf-8", "replace")  # bytes: a forged form may carry non-ASCII text
        if not expected or not secrets.compare_digest(expected.encode("utf-8", "replace"), posted):
            self.services.audit.record(ANONYMOUS, "refused", self.services.clock.now(), "sign-in: no valid CSRF token")
            return self._sign_in_page(tr, tr.gettext("This form has expired. Please sign in again."), 403)
        return await run_in_threadpool(self._sign_in, tr, values["login"], values["password"], address, previous)

    def _sign_in(self, tr: Translator, login: str, password: str, address: str, previous: str | None) -> Response:
        services = self.services
        now = services.clock.now()
        verdict = services.backoff.check(login, address, now)
        if not verdict.allowed:
            services.audit.record(ANONYMOUS, "sign-in-delayed", now, f"login {login[:64]}")
            note = tr.gettext("Too many failed attempts. Try again in {n} seconds.").format(n=verdict.retry_after)
            return self._sign_in_page(tr, note, 429, verdict.retry_after)
        officer = services.accounts.verify(login, password)
        if officer is None:
            services.backoff.failed(login, address, now)
            services.audit.record(ANONYMOUS, "sign-in-failed", now, f"login {login[:64]}")
            return self._sign_in_page(tr, tr.gettext("Wrong login or password."), 401)
        services.backoff.succeeded(login, address)
        token, opened = services.sessions.start(officer.id, now, previous)
        services.audit.record(officer.login, "sign-in", now)
        response = RedirectResponse("/console", 303, HEADERS)
        lifetime = int((opened.expires_at - now).total_seconds())
        response.set_cookie(SESSION_COOKIE, token, max_age=lifetime, **COOKIE)  # type: ignore[arg-type]
        response.delete_cookie(SIGN_IN_COOKIE, **COOKIE)  # type: ignore[arg-type]
        return response

    # -- guarded pages -------------------------------------------------------------------------

    def home(self, visit: Visit) -> Response:
        """Where each section is, and what this person may see."""
        tr, officer = visit.tr, visit.officer
        if officer.is_admin:
            scope = tr.gettext("You see every commune.")
        else:
            # Officers know their commune by its name; the code tells apart communes of one name.
            name = commune_label(officer.commune, full=True)
            scope = tr.gettext("You see {commune} (code {code}).").format(commune=name, code=officer.commune)
        body = f"<p>{esc(scope)}</p><p>{esc(tr.gettext('Choose a section above.'))}</p>"
        return visit.page(tr.gettext("Welcome"), body)

    def sign_out(self, visit: Visit) -> Response:
        """End the session; back to the sign-in form."""
        token = visit.request.cookies.get(SESSION_COOKIE)
        if token:
            self.services.sessions.end(token)
        response = RedirectResponse("/console/sign-in", 303, HEADERS)
        response.delete_cookie(SESSION_COOKIE, **COOKIE)  # type: ignore[arg-type]
        return response

    def audit_page(self, visit: Visit) -> Response:
        """The newest console actions: who, when, what."""
        tr, zone = visit.tr, self.services.timezone
        rows = [
            (row.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"), row.actor, row.action, row.detail)
            for row in self.services.audit.recent(200)
        ]
        headers = (tr.gettext("When"), tr.gettext("Who"), tr.gettext("Action"), tr.gettext("Detail"))
        return visit.page(tr.gettext("Audit"), table(headers, rows))


__all__ = ["Console", "HEADERS", "PUBLIC_PATHS", "Page", "SESSION_COOKIE", "Visit"]

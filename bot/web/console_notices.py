"""The console's texts: the notice and the welcome text (admins), office hours (per commune).

The notice has a start and an end, typed as local times of the deployment's zone; the chat shows
it at the start of conversations between the two (:class:`bot.console.notices.Board`). Links in
every text must be on an official domain. An officer sets their own commune's office hours; an
admin any commune's; a helper none.
"""

from __future__ import annotations

import datetime as dt

from starlette.responses import RedirectResponse, Response

from bot.console.accounts import ConsoleRole
from bot.console.notices import NOTICE, WELCOME, Bilingual, TextRefused, local_instant
from bot.web.console import HEADERS, Page, Visit
from bot.web.console_html import area, button, esc, field, form, message, table

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"  # the value of an <input type="datetime-local">


class NoticePages:
    """The notice, welcome and office-hours pages."""

    def pages(self) -> list[Page]:
        """The forms and what they post to."""
        return [
            Page("/console/notices", "notices", self.notices_page, admin=True),
            Page("/console/notices/notice", "notice-set", self.set_notice, ("POST",), admin=True),
            Page("/console/notices/welcome", "welcome-set", self.set_welcome, ("POST",), admin=True),
            Page("/console/notices/clear", "text-clear", self.clear, ("POST",), admin=True),
            Page("/console/hours", "hours", self.hours_page),
            Page("/console/hours", "hours-set", self.set_hours, ("POST",)),
        ]

    def _local(self, visit: Visit, value: dt.datetime | None) -> str:
        if value is None:
            return ""
        utc = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return utc.astimezone(visit.services.timezone).strftime(LOCAL_FORMAT)

    def notices_page(self, visit: Visit, note: str = "", error: str = "", status: int = 200) -> Response:
        """The notice form (with its times) and the welcome text form."""
        tr, notices = visit.tr, visit.services.notices
        notice, welcome = notices.get(NOTICE), notices.get(WELCOME)
        zone = visit.services.timezone.key
        inner = area("vi", tr.gettext("Notice in Vietnamese"), notice.vi if notice else "", lang="vi")
        inner += area("en", tr.gettext("Notice in English (optional)"), notice.en if notice else "", lang="en")
        starts = self._local(visit, notice.starts_at) if notice else ""
        ends = self._local(visit, notice.ends_at) if notice else ""
        inner += field("starts", tr.gettext("Shown from ({zone})").format(zone=zone), starts, kind="datetime-local")
        inner += field("ends", tr.gettext("Shown until ({zone})").format(zone=zone), ends, kind="datetime-local")
        inner += button(tr.gettext("Save the notice"))
        csrf = visit.session.csrf
        body = message(note) + message(error, error=True)
        body += f"<h2>{esc(tr.gettext('Notice at the start of conversations'))}</h2>"
        body += form("/console/notices/notice", csrf, inner)
        if notice:
            body += _clear_form(csrf, NOTICE, tr.gettext("Remove the notice"))
        inner = area("vi", tr.gettext("Welcome text in Vietnamese"), welcome.vi if welcome else "", lang="vi")
        inner += area("en", tr.gettext("Welcome text in English (optional)"), welcome.en if welcome else "", lang="en")
        inner += button(tr.gettext("Save the welcome text"))
        body += f"<h2>{esc(tr.gettext('Welcome text'))}</h2>" + form("/console/notices/welcome", csrf, inner)
        if welcome:
            body += _clear_form(csrf, WELCOME, tr.gettext("Use the built-in greeting"))
        return visit.page(tr.gettext("Notice and welcome"), body, status)

    def _refused(self, visit: Visit, refused: TextRefused) -> str:
        text = visit.tr.gettext(refused.reason)
        return f"{text} {', '.join(refused.links)}" if refused.links else text

    def set_notice(self, visit: Visit) -> Response:
        """Save the notice and its times."""
        services, tr = visit.services, visit.tr
        try:
            starts = local_instant(visit.value("starts"), services.timezone)
            ends = local_instant(visit.value("ends"), services.timezone)
        except ValueError:
            error = tr.gettext("Give the start and the end as dates and times.")
            return self.notices_page(visit, error=error, status=400)
        text = Bilingual(visit.value("vi"), visit.value("en"))
        try:
            services.notices.set_notice(text, starts, ends, visit.officer.login, services.clock.now())
        except TextRefused as refused:
            return self.notices_page(visit, error=self._refused(visit, refused), status=400)
        return self.notices_page(visit, note=tr.gettext("Saved."))

    def set_welcome(self, visit: Visit) -> Response:
        """Save the welcome text."""
        services, tr = visit.services, visit.tr
        try:
            text = Bilingual(visit.value("vi"), visit.value("en"))
            services.notices.set_welcome(text, visit.officer.login, services.clock.now())
        except TextRefused as refused:
            return self.notices_page(visit, error=self._refused(visit, refused), status=400)
        return self.notices_page(visit, note=tr.gettext("Saved."))

    def clear(self, visit: Visit) -> Response:
        """Remove the notice, or go back to the built-in greeting."""
        key = visit.value("key")
        if key in (NOTICE, WELCOME):
            visit.services.notices.clear(key)
        return self.notices_page(visit, note=visit.tr.gettext("Removed."))

    # -- office hours --------------------------------------------------------------------------

    def hours_page(self, visit: Visit, note: str = "", error: str = "", status: int = 200) -> Response:
        """The office hours this person may see, and the form to set them."""
        tr, officer = visit.tr, visit.officer
        if officer.role is ConsoleRole.HELPER:
            return visit.refused(tr.gettext("Office hours are set by the commune's officers."))
        rows = [row for row in visit.services.notices.hours() if officer.may_see(row.key.split(":", 1)[1])]
        headers = (tr.gettext("Commune code"), tr.gettext("Vietnamese"), tr.gettext("English"))
        body = message(note) + message(error, error=True)
        body += table(headers, [(row.key.split(":", 1)[1], row.vi, row.en) for row in rows])
        own = officer.commune or ""
        inner = field("commune", tr.gettext("Commune code"), own, extra=' inputmode="numeric" required')
        inner += area("vi", tr.gettext("Office hours in Vietnamese"), lang="vi")
        inner += area("en", tr.gettext("Office hours in English (optional)"), lang="en")
        inner += button(tr.gettext("Save the office hours"))
        body += form("/console/hours", visit.session.csrf, inner)
        return visit.page(tr.gettext("Office hours"), body, status)

    def set_hours(self, visit: Visit) -> Response:
        """Save a commune's office hours (an officer: only their own commune)."""
        services, tr, officer = visit.services, visit.tr, visit.officer
        commune = visit.value("commune").strip()
        if officer.role is ConsoleRole.HELPER or not commune.isdigit() or not officer.may_see(commune):
            return visit.refused(tr.gettext("You may only change your own commune's office hours."))
        try:
            text = Bilingual(visit.value("vi"), visit.value("en"))
            services.notices.set_hours(commune, text, officer.login, services.clock.now())
        except TextRefused as refused:
            return self.hours_page(visit, error=self._refused(visit, refused), status=400)
        return RedirectResponse("/console/hours", 303, HEADERS)


def _clear_form(csrf: str, key: str, label: str) -> str:
    return form("/console/notices/clear", csrf, f'<input type="hidden" name="key" value="{esc(key)}">' + button(label))


__all__ = ["NoticePages"]

"""The console's live handoff: the queue, one conversation (take, reply, hand back), live updates.

An officer sees their commune's queue (an admin every queue, the province's included), takes a
conversation, reads its redacted history and what the bot tried, and replies; each reply goes
through the outbox to the citizen's own channel. The reply window of the channel is shown, and
a reply past it is refused with a message (and kept on record), never silently lost.

The pages update live: a small same-origin script listens to ``/console/handoff/events``, a
server-sent event stream fed by polling the database (:meth:`Handoffs.signature`) every second,
so a change written by any bot process shows up -- on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING

from starlette.responses import RedirectResponse, Response, StreamingResponse

from bot.console.accounts import ConsoleRole
from bot.console.handoff import TAKEN, WAITING, Handoffs, ReplyRefused, as_utc, event_label, queue_name
from bot.web.console import HEADERS, Page, Visit
from bot.web.console_html import area, button, esc, form, message, table
from bot.web.server import until_stopped

if TYPE_CHECKING:
    from bot.storage.tables import Handoff

POLL_SECONDS = 1.0  # how often the event stream reads the database
STREAM_SECONDS = 300  # a stream ends after this long; the browser's EventSource reconnects by itself
LIVE_CSP = HEADERS["Content-Security-Policy"].replace(
    "default-src 'none'", "default-src 'none'; script-src 'self'; connect-src 'self'"
)
SCRIPT = """(() => {
  const live = document.getElementById('live');
  if (!live || !window.EventSource) return;
  // The stream starts from the state this page shows, so a change made while it loaded is sent at once.
  // A conversation's page listens to that conversation only, the queue page to the officer's queue.
  const only = live.dataset.handoff ? '&id=' + encodeURIComponent(live.dataset.handoff) : '';
  const source = new EventSource('/console/handoff/events?since=' + encodeURIComponent(live.dataset.since) + only);
  let asked = 0;
  source.onmessage = async () => {
    const mine = ++asked;
    const answer = await fetch(live.dataset.page, {credentials: 'same-origin'});
    if (!answer.ok || mine !== asked) return;  // an older answer never replaces a newer one
    const page = new DOMParser().parseFromString(await answer.text(), 'text/html');
    const fresh = page.getElementById('live');
    if (!fresh || mine !== asked) return;
    // What the officer is typing survives the refresh: the fields keep their ids.
    const fields = [...live.querySelectorAll('textarea, input[type=text]')];
    const typed = fields.filter((field) => field.id && field.value).map((field) => [field.id, field.value]);
    const focused = live.contains(document.activeElement) ? document.activeElement.id : '';
    live.replaceChildren(...fresh.childNodes);
    for (const [id, value] of typed) {
      const field = document.getElementById(id);
      if (field) field.value = value;
    }
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  };
})();
"""


class HandoffPages:
    """The queue and conversation pages over :class:`Handoffs`; ``wake`` nudges a channel's courier."""

    def __init__(self, handoffs: Handoffs, wake: Callable[[str], None]):
        self.handoffs = handoffs
        self.wake = wake

    def pages(self) -> list[Page]:
        """The pages and what they post to."""
        return [
            Page("/console/handoff", "handoff-queue", self.queue_page),
            Page("/console/handoff/view", "handoff-view", self.view_page),
            Page("/console/handoff/take", "handoff-take", self.take, ("POST",)),
            Page("/console/handoff/reply", "handoff-reply", self.reply, ("POST",)),
            Page("/console/handoff/close", "handoff-close", self.close, ("POST",)),
            Page("/console/handoff/events", "handoff-events", self.events),
            Page("/console/handoff.js", "handoff-script", self.script),
        ]

    def _live(
        self, visit: Visit, title: str, body: str, live: tuple[str, str, int | None], notes: str = "", status: int = 200
    ) -> Response:
        """A page whose ``body`` the script refreshes; ``live``: its address, the signature it shows, its handoff.

        ``notes`` (a refused reply's message) stand above the live part, so a refresh keeps them.
        """
        address, since, handoff_id = live
        only = "" if handoff_id is None else f' data-handoff="{handoff_id}"'
        page = (
            f'{notes}<div id="live" data-page="{esc(address)}" data-since="{esc(since)}"{only}>{body}</div>'
            '<script src="/console/handoff.js"></script>'
        )
        response = visit.page(title, page, status)
        response.headers["Content-Security-Policy"] = LIVE_CSP
        return response

    def _allowed(self, visit: Visit, handoff: Handoff | None) -> bool:
        officer = visit.officer
        if handoff is None or officer.role is ConsoleRole.HELPER:
            return False
        return officer.is_admin or (handoff.commune is not None and handoff.commune == officer.commune)

    def queue_page(self, visit: Visit) -> Response:
        """The open handoffs this person may see: waiting (oldest first) and taken."""
        tr, officer, services = visit.tr, visit.officer, visit.services
        if officer.role is ConsoleRole.HELPER:
            return visit.refused(tr.gettext("Conversations are answered by the commune's officers."))
        # Read first: a change made while the page is built then refreshes it.
        now, since = services.clock.now(), self.handoffs.signature(officer.commune, officer.is_admin)
        rows = []
        for handoff in self.handoffs.queue_of(officer.commune, officer.is_admin, now):
            waited = int((now - as_utc(handoff.opened_at)).total_seconds() // 60)
            link = f'<a href="/console/handoff/view?id={handoff.id}">#{handoff.id}</a>'
            kind = tr.gettext("left a question") if handoff.kind == "question" else tr.gettext("live")
            state = (
                tr.gettext("waiting")
                if handoff.status == WAITING
                else tr.gettext("taken by {who}").format(who=handoff.officer)
            )
            where = queue_name(handoff.commune, tr.gettext("province"))
            rows.append((link, esc(where), esc(handoff.channel), esc(kind), esc(state), str(waited)))
        headers = (
            tr.gettext("Conversation"),
            tr.gettext("Queue"),
            tr.gettext("Channel"),
            tr.gettext("Kind"),
            tr.gettext("Status"),
            tr.gettext("Minutes waiting"),
        )
        body = (
            table(headers, rows, numeric=(5,), markup=(0, 1, 2, 3, 4))
            if rows
            else message(tr.gettext("Nobody is waiting."))
        )
        title = tr.gettext("Conversations waiting for a person")
        return self._live(visit, title, body, ("/console/handoff", since, None))

    def view_page(self, visit: Visit, note: str = "", error: str = "", status: int = 200) -> Response:
        """One conversation: the reply window, history, messages and the forms to take, reply, hand back."""
        tr, services = visit.tr, visit.services
        handoff = self.handoffs.get(int(visit.value("id") or 0) if visit.value("id").isdigit() else 0)
        if not self._allowed(visit, handoff):
            return visit.refused(tr.gettext("This conversation is not in your queue."))
        assert handoff is not None and handoff.id is not None
        zone, csrf, since = services.timezone, visit.session.csrf, self.handoffs.signature(handoff_id=handoff.id)
        body = self._window(visit, handoff)
        where = queue_name(handoff.commune, tr.gettext("province"))
        body += f"<p>{esc(tr.gettext('Queue'))}: {esc(where)} · {esc(handoff.channel)}</p>"
        tried = handoff.tried or "—"
        body += f"<p>{esc(tr.gettext('The bot was helping with: {what}').format(what=tried))}</p>"
        body += f"<h2>{esc(tr.gettext('Before the handoff (redacted)'))}</h2>"
        history = [
            (as_utc(e.at).astimezone(zone).strftime("%H:%M"), event_label(tr, e.type), e.intent or "", e.text or "")
            for e in self.handoffs.history(handoff.conversation)
        ]
        body += table((tr.gettext("When"), tr.gettext("What"), tr.gettext("Intent"), tr.gettext("Text")), history)
        body += f"<h2>{esc(tr.gettext('With the officer'))}</h2>"
        body += f'<div class="scroll" id="thread">{self._thread(visit, handoff.id)}</div>'
        hidden = f'<input type="hidden" name="id" value="{handoff.id}">'
        if handoff.status == WAITING:
            body += form("/console/handoff/take", csrf, hidden + button(tr.gettext("Take this conversation")))
        elif handoff.status == TAKEN and handoff.officer == visit.officer.login:
            inner = hidden + area("text", tr.gettext("Your reply")) + button(tr.gettext("Send the reply"))
            body += form("/console/handoff/reply", csrf, inner, css="reply")
        if handoff.status in (WAITING, TAKEN):
            body += form(
                "/console/handoff/close", csrf, hidden + button(tr.gettext("Hand back to the bot")), css="close"
            )
        else:
            body += message(tr.gettext("This conversation is closed."))
        title = tr.gettext("Conversation #{n}").format(n=handoff.id)
        live = (f"/console/handoff/view?id={handoff.id}", since, handoff.id)
        return self._live(visit, title, body, live, message(note) + message(error, error=True), status)

    def _thread(self, visit: Visit, handoff_id: int) -> str:
        """What the citizen and the officers said, a reply refused past the channel's window marked as such."""
        tr, zone = visit.tr, visit.services.timezone
        rows = []
        for said in self.handoffs.messages(handoff_id):
            if said.author == "citizen":
                who = tr.gettext("Citizen")
            elif said.author == "refused":
                who = tr.gettext("{officer} (not sent: the reply window had closed)").format(officer=said.officer)
            else:
                who = said.officer or said.author
            rows.append((as_utc(said.at).astimezone(zone).strftime("%H:%M"), who, said.text))
        return table((tr.gettext("When"), tr.gettext("Who"), tr.gettext("Text")), rows)

    def _window(self, visit: Visit, handoff: Handoff) -> str:
        tr, now = visit.tr, visit.services.clock.now()
        window = self.handoffs.window(handoff)
        if window.closes_at is None:
            text = tr.gettext("Reply window: {channel} lets you answer at any time.").format(channel=handoff.channel)
            return f'<p class="window">{esc(text)}</p>'
        until = window.closes_at.astimezone(visit.services.timezone).strftime("%H:%M %d/%m/%Y")
        if window.open(now):
            text = tr.gettext("Reply window: {left} more replies until {until}.").format(left=window.left, until=until)
            return f'<p class="window">{esc(text)}</p>'
        text = tr.gettext(
            "Reply window closed: {channel} no longer accepts replies to this citizen until they write again."
        ).format(channel=handoff.channel)
        return f'<p class="window error" role="alert">{esc(text)}</p>'

    def _back(self, visit: Visit) -> Response:
        return RedirectResponse(f"/console/handoff/view?id={visit.value('id')}", 303, HEADERS)

    def _target(self, visit: Visit) -> Handoff | None:
        value = visit.value("id")
        handoff = self.handoffs.get(int(value)) if value.isdigit() else None
        return handoff if self._allowed(visit, handoff) else None

    def take(self, visit: Visit) -> Response:
        """Take a waiting conversation (the citizen is told a person is answering)."""
        handoff = self._target(visit)
        if handoff is None or handoff.id is None:
            return visit.refused(visit.tr.gettext("This conversation is not in your queue."))
        if self.handoffs.take(handoff.id, visit.officer.login, visit.services.clock.now()):
            self.wake(handoff.channel)
            return self._back(visit)
        return self.view_page(visit, error=visit.tr.gettext("Another officer took it first."), status=409)

    def reply(self, visit: Visit) -> Response:
        """Send a reply through the outbox, or say plainly why it cannot go."""
        handoff = self._target(visit)
        if handoff is None or handoff.id is None:
            return visit.refused(visit.tr.gettext("This conversation is not in your queue."))
        try:
            self.handoffs.reply(handoff.id, visit.officer.login, visit.value("text"), visit.services.clock.now())
        except ReplyRefused as refused:
            return self.view_page(visit, error=visit.tr.gettext(str(refused)), status=409)
        self.wake(handoff.channel)
        return self._back(visit)

    def close(self, visit: Visit) -> Response:
        """Hand the conversation back to the bot (the citizen is asked to rate the help)."""
        handoff = self._target(visit)
        if handoff is None or handoff.id is None:
            return visit.refused(visit.tr.gettext("This conversation is not in your queue."))
        holder = None if visit.officer.is_admin else visit.officer.login
        self.handoffs.hand_back(handoff.id, holder, visit.services.clock.now())
        self.wake(handoff.channel)
        return RedirectResponse("/console/handoff", 303, HEADERS)

    def script(self, visit: Visit) -> Response:
        """The live pages' only script (same origin, allowed by their Content-Security-Policy)."""
        return Response(SCRIPT, media_type="text/javascript", headers=HEADERS)

    def events(self, visit: Visit) -> Response:
        """A server-sent event each time the page's part of the queues changes (any process), for STREAM_SECONDS.

        A conversation's page (``id``) hears about that conversation, the queue page about the
        queue its officer sees. The stream compares with the state the page showed (``since``,
        or on a reconnect the last event's id), so a change made between the page's rendering
        and the stream's start, or while the browser reconnected, is sent at once.
        """
        officer, handoffs = visit.officer, self.handoffs
        signature: Callable[[], str]
        if visit.value("id"):
            handoff = self._target(visit)
            if handoff is None:
                return visit.refused(visit.tr.gettext("This conversation is not in your queue."))
            signature = partial(handoffs.signature, handoff_id=handoff.id)
        elif officer.role is ConsoleRole.HELPER:
            return visit.refused(visit.tr.gettext("Conversations are answered by the commune's officers."))
        else:
            signature = partial(handoffs.signature, officer.commune, officer.is_admin)
        shown = (visit.request.headers.get("last-event-id") or visit.value("since"))[:64]

        async def stream() -> AsyncIterator[str]:
            seen = shown or await asyncio.to_thread(signature)
            yield "retry: 1000\n\n"
            for _ in range(int(STREAM_SECONDS / POLL_SECONDS)):
                now = await asyncio.to_thread(signature)
                if now != seen:
                    seen = now
                    yield f"id: {now}\ndata: {now}\n\n"
                else:
                    yield ": idle\n\n"  # a comment keeps proxies from closing a quiet stream
                if await until_stopped(visit.request, POLL_SECONDS):
                    return

        headers = {**HEADERS, "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


__all__ = ["HandoffPages"]

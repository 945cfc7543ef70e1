"""The console's unanswered inbox: grouped questions, proposals, approval with the evaluation shown.

Officers and administrators see the groups (officers their commune's) and propose "this is
procedure X" or "out of scope"; only administrators review, approve or refuse. The review page
and the approval measure every shipped labelled set (seconds): the console runs every page in a
worker thread, so the event loop never waits for it. Applied fixes show the group's unanswered
share before and after their version.
"""

from __future__ import annotations

import datetime as dt

from starlette.responses import Response

from bot.console.accounts import ConsoleRole
from bot.console.mappings import APPLIED, PROPOSED, MappingError, Mappings
from bot.console.unanswered import Share, groups, share
from bot.web.console import Page, Visit
from bot.web.console_html import button, esc, form, message, table
from intents.decision import OUT_OF_SCOPE
from intents.regression import Comparison


class InboxPages:
    """The inbox pages."""

    def pages(self) -> list[Page]:
        """The inbox, a proposal, the review and the decisions."""
        return [
            Page("/console/inbox", "inbox", self.inbox),
            Page("/console/inbox/propose", "inbox-propose", self.propose, ("POST",)),
            Page("/console/inbox/review", "inbox-review", self.review, admin=True),
            Page("/console/inbox/approve", "inbox-approve", self.approve, ("POST",), admin=True),
            Page("/console/inbox/refuse", "inbox-refuse", self.refuse, ("POST",), admin=True),
        ]

    def inbox(self, visit: Visit, note: str = "", error: str = "", status: int = 200) -> Response:
        """The groups with a proposal form each, the pending proposals and the applied fixes."""
        tr, mappings = visit.tr, _mappings(visit)
        if visit.officer.role is ConsoleRole.HELPER:
            return visit.refused(tr.gettext("This page is for officers and administrators."))
        since = visit.services.clock.now() - dt.timedelta(days=mappings.days)
        scope = None if visit.officer.is_admin else visit.officer.commune
        found = groups(mappings.database, since, scope, mappings.hidden_keys())
        body = message(note) + message(error, error=True)
        body += f"<p>{esc(tr.gettext('Questions the bot could not place or had to ask about, grouped.'))}</p>"
        rows = []
        for number, group in enumerate(found):
            when = f"{_day(visit, group.first_seen)} – {_day(visit, group.last_seen)}"
            rows.append((group.example, group.count, when, _propose_form(visit, number, group.key, group.example)))
        headers = (tr.gettext("Example (redacted)"), tr.gettext("Count"), tr.gettext("Seen"), tr.gettext("Proposal"))
        body += f"<h2>{esc(tr.gettext('Unanswered questions'))}</h2>" + table(headers, rows, numeric=(1,), markup=(3,))
        body += f"<h2>{esc(tr.gettext('Proposals'))}</h2>" + self._pending(visit, mappings)
        body += f"<h2>{esc(tr.gettext('Applied fixes'))}</h2>" + self._fixes(visit, mappings, since)
        return visit.page(tr.gettext("Unanswered inbox"), body, status)

    def _pending(self, visit: Visit, mappings: Mappings) -> str:
        tr, csrf, rows = visit.tr, visit.session.csrf, []
        for row in mappings.listed(PROPOSED):
            actions = ""
            if visit.officer.is_admin:
                review = f'<a href="/console/inbox/review?id={row.id}">{esc(tr.gettext("Review and approve"))}</a>'
                hidden = f'<input type="hidden" name="id" value="{row.id}">'
                actions = review + form("/console/inbox/refuse", csrf, hidden + button(tr.gettext("Refuse")))
            rows.append((row.phrase, _target(visit, row.target), row.proposed_by, actions))
        headers = (tr.gettext("Wording"), tr.gettext("Procedure"), tr.gettext("Proposed by"), "")
        return table(headers, rows, markup=(3,))

    def _fixes(self, visit: Visit, mappings: Mappings, since: dt.datetime) -> str:
        tr, rows = visit.tr, []
        for row in mappings.listed(APPLIED, 20):
            decided = row.decided_at or row.proposed_at
            moved = share(mappings.database, row.key, _aware(decided), since)
            rows.append((row.phrase, _target(visit, row.target), row.version_id or "–", _shares(visit, moved)))
        headers = (tr.gettext("Wording"), tr.gettext("Procedure"), tr.gettext("Version"))
        return table((*headers, tr.gettext("Unanswered share: before → after")), rows)

    def propose(self, visit: Visit) -> Response:
        """Record an officer's proposal."""
        tr = visit.tr
        if visit.officer.role is ConsoleRole.HELPER:
            return visit.refused(tr.gettext("This page is for officers and administrators."))
        target = visit.value("target").strip()
        try:
            row = _mappings(visit).propose(visit.value("key"), visit.value("phrase"), target, visit.officer.login)
        except MappingError as error:
            return self.inbox(visit, error=tr.gettext(str(error)).format(target=target), status=400)
        _audit(visit, "inbox-proposed", f"#{row.id} {row.phrase} -> {row.target}")
        return self.inbox(visit, note=tr.gettext("Proposal recorded; an administrator will review it."))

    def review(self, visit: Visit) -> Response:
        """The mapping's effect on every shipped set, with the Approve button when none gets worse."""
        tr, mappings, ident = visit.tr, _mappings(visit), visit.value("id")
        row = mappings.get(int(ident)) if ident.isdigit() else None
        if row is None or row.status != PROPOSED:
            return self.inbox(visit, error=tr.gettext("This proposal was already decided."), status=409)
        comparison = mappings.compare(row)
        head = tr.gettext("“{phrase}” → {target}").format(phrase=row.phrase, target=_target(visit, row.target))
        body = f"<p>{esc(head)}</p>" + _figures(visit, comparison)
        if comparison is not None and comparison.worse:
            body += message(_worse(visit, comparison), error=True)
        hidden = f'<input type="hidden" name="id" value="{row.id}">'
        body += form("/console/inbox/approve", visit.session.csrf, hidden + button(tr.gettext("Approve")))
        body += form("/console/inbox/refuse", visit.session.csrf, hidden + button(tr.gettext("Refuse")))
        return visit.page(tr.gettext("Review a proposal"), body)

    def approve(self, visit: Visit) -> Response:
        """Measure again and serve the mapping, or refuse it with the figures."""
        tr, ident, mappings = visit.tr, visit.value("id"), _mappings(visit)
        try:
            decided = mappings.approve(int(ident), f"console:{visit.officer.login}") if ident.isdigit() else None
        except MappingError as error:  # the catalog kept changing, or the procedure left it: still pending
            target = getattr(mappings.get(int(ident)), "target", "")
            return self.inbox(visit, error=tr.gettext(str(error)).format(target=target), status=409)
        if decided is None:
            return self.inbox(visit, error=tr.gettext("This proposal was already decided."), status=409)
        row = decided.mapping
        worse = ", ".join(decided.comparison.worse) if decided.comparison is not None else ""
        outcome = f"{row.status} (worse: {worse})" if decided.refused else f"{row.status} in version {row.version_id}"
        _audit(visit, "inbox-decided", f"#{row.id} {row.phrase} -> {row.target}: {outcome}")
        if decided.refused and decided.comparison is not None:
            body = message(_worse(visit, decided.comparison), error=True) + _figures(visit, decided.comparison)
            return visit.page(tr.gettext("Refused"), body, 409)
        if decided.version_id is None:
            return self.inbox(visit, note=tr.gettext("Recorded as out of scope."))
        done = tr.gettext("Approved: catalog version {n} is now in use.").format(n=decided.version_id)
        return self.inbox(visit, note=done)

    def refuse(self, visit: Visit) -> Response:
        """An administrator's "no"."""
        ident = visit.value("id")
        row = _mappings(visit).refuse(int(ident), f"console:{visit.officer.login}") if ident.isdigit() else None
        if row is None:
            return self.inbox(visit, error=visit.tr.gettext("This proposal was already decided."), status=409)
        _audit(visit, "inbox-decided", f"#{row.id} {row.phrase} -> {row.target}: refused by an administrator")
        return self.inbox(visit, note=visit.tr.gettext("Proposal refused. The catalog was not changed."))


def _mappings(visit: Visit) -> Mappings:
    found = visit.services.mappings
    assert found is not None, "the composition root builds the inbox with the console"
    return found


def _audit(visit: Visit, action: str, detail: str) -> None:
    """What was decided, beside the guard's record of the request (which holds no form fields)."""
    visit.services.audit.record(visit.officer.login, action, visit.services.clock.now(), detail)


def _propose_form(visit: Visit, number: int, key: str, example: str) -> str:
    tr = visit.tr
    phrase_id, target_id = f"p-{number}", f"t-{number}"
    inner = f'<input type="hidden" name="key" value="{esc(key)}">'
    inner += f'<label for="{phrase_id}">{esc(tr.gettext("Wording"))}</label>'
    inner += f'<input id="{phrase_id}" name="phrase" value="{esc(example)}" maxlength="200" required>'
    inner += f'<label for="{target_id}">{esc(tr.gettext("Procedure id or national code, or out_of_scope"))}</label>'
    inner += f'<input id="{target_id}" name="target" required>'
    return form("/console/inbox/propose", visit.session.csrf, inner + button(tr.gettext("Propose")))


def _target(visit: Visit, target: str) -> str:
    return visit.tr.gettext("out of scope") if target == OUT_OF_SCOPE else target


def _figures(visit: Visit, comparison: Comparison | None) -> str:
    tr = visit.tr
    if comparison is None:
        return f"<p>{esc(tr.gettext('Out of scope: the router is not changed.'))}</p>"
    rows = []
    for old, new in comparison.pairs():
        before, after = old.rates(), new.rates()
        cells = [f"{before[name]} → {after[name]}" for name in ("top1", "top3", "oos", "false_rejection")]
        rows.append((old.name, old.total, *cells))
    headers = (tr.gettext("Set"), tr.gettext("Questions"), "top-1 %", "top-3 %")
    return table((*headers, tr.gettext("out of scope caught %"), tr.gettext("false rejection %")), rows, numeric=(1,))


def _worse(visit: Visit, comparison: Comparison) -> str:
    text = visit.tr.gettext("Refused: this mapping makes these evaluation sets worse: {sets}.")
    return text.format(sets=", ".join(comparison.worse))


def _shares(visit: Visit, moved: Share) -> str:
    def show(value: float | None) -> str:
        return "–" if value is None else f"{value} %"

    text = f"{show(moved.before)} ({moved.before_total}) → {show(moved.after)} ({moved.after_total})"
    if moved.reduced:
        text += " · " + visit.tr.gettext("reduced")
    return text


def _day(visit: Visit, when: dt.datetime) -> str:
    return when.astimezone(visit.services.timezone).strftime("%Y-%m-%d")


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


__all__ = ["InboxPages"]

"""The console's catalog: browse, upload a file → its problems or its diff → apply, history, rollback.

Every step goes through :class:`bot.catalog.updates.CatalogUpdates`, the implementation the chat
upload and ``dvcbot catalog`` use: the same child process reads the file, the same rules check it,
a valid file with changes becomes a draft that nothing serves until an admin applies it.
Admins only.
"""

from __future__ import annotations

import datetime as dt

from starlette.datastructures import UploadFile
from starlette.responses import Response

from bot.console.services import CHANGED, CatalogChanged
from bot.web.console import MAX_UPLOAD_BYTES, Page, Visit
from bot.web.console_html import button, esc, field, form, message, table
from procedures.diff import stored_summary

MAX_ENTRIES_SHOWN = 200
MAX_PROBLEMS_SHOWN = 50


class CatalogPages:
    """The catalog pages."""

    def pages(self) -> list[Page]:
        """Browse, upload, apply, discard, roll back."""
        return [
            Page("/console/catalog", "catalog", self.catalog_page, admin=True),
            Page("/console/catalog/upload", "catalog-upload", self.upload, ("POST",), admin=True),
            Page("/console/catalog/apply", "catalog-apply", self.apply, ("POST",), admin=True),
            Page("/console/catalog/discard", "catalog-discard", self.discard, ("POST",), admin=True),
            Page("/console/catalog/rollback", "catalog-rollback", self.rollback, ("POST",), admin=True),
        ]

    def catalog_page(self, visit: Visit, note: str = "", error: str = "", status: int = 200) -> Response:
        """The upload form, the versions (rollback buttons) and the entries (filtered by ``q``)."""
        tr, csrf = visit.tr, visit.session.csrf
        version, catalog = visit.services.catalog()
        body = message(note) + message(error, error=True)
        body += f"<p>{esc(tr.gettext('Version {n} is in use.').format(n=version))}</p>"
        label = tr.gettext("Catalog file (.xlsx, .csv or .yaml)")
        inner = field("file", label, kind="file", extra=' required accept=".xlsx,.csv,.yaml,.yml"')
        inner += button(tr.gettext("Check the file"))
        body += f"<h2>{esc(tr.gettext('Upload'))}</h2>" + form("/console/catalog/upload", csrf, inner, multipart=True)
        body += f"<h2>{esc(tr.gettext('Versions'))}</h2>" + self._history(visit, version)
        query = visit.value("q").strip()
        search = field("q", tr.gettext("Search entries"), query, kind="search") + button(tr.gettext("Search"))
        body += f"<h2>{esc(tr.gettext('Entries'))}</h2>" + form("/console/catalog", "", search, method="get")
        folded = query.casefold()
        found = [e for e in catalog if folded in f"{e.id} {e.name.vi} {e.name.en}".casefold()]
        rows = [
            (e.id, e.name.get(tr.locale), ", ".join(e.codes), tr.date(e.last_verified))
            for e in sorted(found, key=lambda item: item.id)[:MAX_ENTRIES_SHOWN]
        ]
        headers = (tr.gettext("Id"), tr.gettext("Name"), tr.gettext("Codes"), tr.gettext("Last verified"))
        body += table(headers, rows)
        return visit.page(tr.gettext("Catalog"), body, status)

    def _history(self, visit: Visit, current: int) -> str:
        tr, csrf, zone = visit.tr, visit.session.csrf, visit.services.timezone
        rows = []
        for row in visit.services.updates.history(20):
            when = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
            action = ""
            if row.status == "applied" and row.id != current:  # a draft is applied, not rolled back to
                hidden = f'<input type="hidden" name="version" value="{row.id}">'
                action = form("/console/catalog/rollback", csrf, hidden + button(tr.gettext("Serve again")))
            mark = f" ({tr.gettext('in use')})" if row.id == current else ""
            local = when.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            rows.append(
                (
                    f"{row.id}{mark}",
                    local,
                    row.status,
                    row.author,
                    row.source,
                    stored_summary(row.summary, tr.gettext)[:200],
                    action,
                )
            )
        headers = ("#", tr.gettext("When"), tr.gettext("Status"), tr.gettext("Who"), tr.gettext("File"))
        return table((*headers, tr.gettext("Changes"), ""), rows, markup=(6,))

    def upload(self, visit: Visit) -> Response:
        """Check an uploaded file: its problems, or its diff with Apply and Cancel buttons."""
        tr = visit.tr
        upload = visit.form.get("file") if visit.form is not None else None
        if not isinstance(upload, UploadFile) or not upload.filename:
            return self.catalog_page(visit, error=tr.gettext("Choose a file first."), status=400)
        content = upload.file.read(MAX_UPLOAD_BYTES + 1)
        if len(content) > MAX_UPLOAD_BYTES:
            return self.catalog_page(visit, error=tr.gettext("This file is too large."), status=413)
        name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:120]
        checked = visit.services.updates.check(name, f"console:{visit.officer.login}", content=content)
        if checked.problems:
            count = len(checked.problems)
            items = "".join(f"<li>{esc(p.render(tr.gettext))}</li>" for p in checked.problems[:MAX_PROBLEMS_SHOWN])
            head = tr.gettext("{name}: {n} problem(s) found. Nothing was changed.").format(name=name, n=count)
            body = message(head, error=True) + f'<ol class="problems">{items}</ol>'
            return visit.page(tr.gettext("Upload"), body, 400)
        if checked.version is None or checked.diff is None:
            same = tr.gettext("{name}: no changes compared with the catalog in use.").format(name=name)
            return self.catalog_page(visit, note=same)
        diff, draft = checked.diff, checked.version.id
        lines = "".join(f"<li>{esc(line)}</li>" for line in diff.lines(tr.gettext))
        hidden = f'<input type="hidden" name="draft" value="{draft}">'
        csrf = visit.session.csrf
        valid = tr.gettext("{name} is valid. Changes:").format(name=name)
        body = f'<p class="diff-summary">{esc(valid)} {esc(diff.summary(tr.gettext))}</p>'
        body += f'<ul class="diff">{lines}</ul>'
        body += form("/console/catalog/apply", csrf, hidden + button(tr.gettext("Apply")))
        body += form("/console/catalog/discard", csrf, hidden + button(tr.gettext("Cancel")))
        return visit.page(tr.gettext("Upload"), body)

    def apply(self, visit: Visit) -> Response:
        """Serve a reviewed draft; refused (409) when another version was served since its file was checked."""
        tr = visit.tr
        draft = visit.value("draft")
        try:
            row = visit.services.updates.apply(int(draft)) if draft.isdigit() else None
        except CatalogChanged as changed:
            return self.catalog_page(visit, error=tr.gettext(CHANGED).format(n=changed.latest), status=409)
        if row is None:
            gone = tr.gettext("This upload was already applied or cancelled.")
            return self.catalog_page(visit, error=gone, status=409)
        return self.catalog_page(visit, note=tr.gettext("Applied: catalog version {n} is now in use.").format(n=row.id))

    def discard(self, visit: Visit) -> Response:
        """Drop a draft."""
        draft = visit.value("draft")
        if draft.isdigit():
            visit.services.updates.discard(int(draft))
        return self.catalog_page(visit, note=visit.tr.gettext("Cancelled. The catalog was not changed."))

    def rollback(self, visit: Visit) -> Response:
        """Serve an earlier version again."""
        tr, version = visit.tr, visit.value("version")
        author = f"console:{visit.officer.login}"
        row = visit.services.updates.rollback(int(version), author) if version.isdigit() else None
        if row is None:
            missing = tr.gettext("There is no applied version {n}.").format(n=version)
            return self.catalog_page(visit, error=missing, status=404)
        text = tr.gettext("Done: the catalog of version {old} is served again as version {new}.")
        return self.catalog_page(visit, note=text.format(old=version, new=row.id))


__all__ = ["CatalogPages"]

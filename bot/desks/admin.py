"""The admin desk: statistics, invite codes and catalog updates from the chat.

Admins (configured by platform user id) send ``/stats`` for the usage report and its chart,
``/invite <commune>`` for a helper's one-time code (bound to the commune's official code; a
name that several communes carry gets the list to choose from), and manage the catalog without a
developer: a spreadsheet, CSV or YAML file sent to the bot is validated, a diff is shown,
and nothing changes until they press "Áp dụng"; ``/catalog history`` and
``/catalog rollback N`` list and restore versions. Every method checks the role itself, so
no path reaches these tools without it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.catalog.updates import CHANGED, CatalogChanged, CatalogUpdates
from bot.catalog.versions import DRAFT, CatalogStore
from bot.clock import Clock
from bot.conversation.actions import Kind, StaffCommand, payload
from bot.conversation.commands import number
from bot.conversation.live import LiveCatalog
from bot.conversation.turn import Turn
from bot.i18n import Translator
from bot.messages import Address, Attachment, Option, Reply, ReplyKind
from bot.storage.database import Database, as_utc
from bot.storage.outbox import Outbox
from bot.storage.privacy import redact
from bot.storage.roles import Role, Staff, format_code
from procedures.addresses import CommuneNotFound, commune_from_name, commune_label, resolve
from procedures.diff import stored_summary
from procedures.links import LinkPolicy

log = logging.getLogger(__name__)
MAX_PROBLEMS_SHOWN = 15
MAX_DIFF_LINES = 30
MAX_COMMUNES_SHOWN = 8
DEFAULT_STATS_DAYS = 30
MAX_STATS_DAYS = 3660


class FileChecks:
    """Checks uploaded files off the message path and writes each verdict to the admin's outbox."""

    def __init__(
        self, executor: Executor, outbox: Outbox, clock: Clock, live: LiveCatalog, wake: Callable[[str], None]
    ):
        self.executor = executor
        self.outbox = outbox
        self.clock = clock
        self.live = live
        self.wake = wake

    def start(self, address: Address, user: str, check: Callable[[], list[Reply]], failure: Reply) -> None:
        """Run ``check`` in the background; its replies (or ``failure``) reach ``address`` through the outbox."""

        def run() -> None:
            try:
                replies = check()
            except Exception:  # the admin must hear that it failed
                log.exception("checking an uploaded file failed")
                replies = [failure]
            self.outbox.enqueue(address, replies, user, self.live.current.catalog.version, self.clock.now())
            self.wake(address.channel)

        self.executor.submit(run)


class AdminDesk:
    """Admin commands; each returns the replies for one turn."""

    def __init__(
        self,
        staff: Staff,
        database: Database,
        store: CatalogStore,
        live: LiveCatalog,
        policy: LinkPolicy,
        required: Sequence[str],
        timezone: ZoneInfo,
        checks: FileChecks,
    ):
        self.staff = staff
        self.database = database
        self.store = store
        self.live = live
        self.policy = policy
        self.required = tuple(required)
        self.timezone = timezone
        self.checks = checks
        # The one implementation of upload → check → draft → apply, shared with the CLI and the web console.
        self.updates = CatalogUpdates(store, live.served, policy, required, live.refresh)

    def refuse(self, turn: Turn) -> Reply:
        """The only answer a non-admin gets: no data, no hint of what the command would show."""
        return Reply(turn.tr.gettext("This command is only for administrators."), turn.menu_option())

    def author(self, turn: Turn) -> str:
        """Who did it, for the audit record: the channel and the admin's salted hash (never a raw id)."""
        return f"{turn.inbound.address.channel}#{turn.user[:16]}"

    # -- statistics and invites -------------------------------------------------------------

    def stats(self, turn: Turn, argument: str) -> list[Reply]:
        """The usage report as text, then the chart as a photo."""
        # Imported when an admin first asks: the statistics code is not on a citizen's first reply.
        from bot.stats.queries import Period, collect
        from bot.stats.text import to_table

        if turn.role is not Role.ADMIN:
            return [self.refuse(turn)]
        days = number(argument) if argument.strip() else DEFAULT_STATS_DAYS
        if not days:  # "/stats 0", "/stats -5", "/stats abc": say how, rather than report another period
            usage = turn.tr.gettext("Type /stats N for the last N days (1 to {max}); /stats alone is {default} days.")
            return [Reply(usage.format(max=MAX_STATS_DAYS, default=DEFAULT_STATS_DAYS))]
        days = min(days, MAX_STATS_DAYS)
        today = turn.now.astimezone(self.timezone).date()
        report = collect(self.database, Period(today - dt.timedelta(days=days - 1), today), self.timezone)
        names = turn.snap.catalog.names(turn.tr.locale)
        # Imported on an admin's first /stats: matplotlib and numpy cost a second and ~40 MB at start-up.
        from bot.stats.chart import render_chart

        chart = Attachment("stats.png", render_chart(report, turn.tr, names), "image/png")
        caption = turn.tr.gettext("Usage, last {days} days").format(days=days)
        return [Reply(to_table(report, turn.tr, names)), Reply(caption, image=chart)]

    def invite(self, turn: Turn, commune: str) -> list[Reply]:
        """Create a one-time invite code for a helper of ``commune``."""
        tr = turn.tr
        if turn.role is not Role.ADMIN:
            return [self.refuse(turn)]
        typed = redact(" ".join(commune.split()))[:128]  # free text: nothing personal is kept
        if not typed:
            return [
                Reply(
                    tr.gettext(
                        "Type /invite and the commune or ward, for example: /invite Phường Sài Gòn, TP Hồ Chí Minh"
                    )
                )
            ]
        try:  # helpers are bound to a current commune, by its official code
            unit = commune_from_name(typed)
        except CommuneNotFound:
            choices = resolve(typed, current=True).candidates
            if not choices:
                return [
                    Reply(
                        tr.gettext(
                            "Type /invite and the commune or ward, for example: /invite Phường Sài Gòn, TP Hồ Chí Minh"
                        )
                    )
                ]
            lines = [tr.gettext("Which commune or ward? Type /invite with the province too, or with its code:")]
            lines += [f"• /invite {choice.code} — {choice.full_name}" for choice in choices[:MAX_COMMUNES_SHOWN]]
            return [Reply("\n".join(lines))]
        code = format_code(self.staff.create_invite(turn.user, unit.code, turn.now))
        text = tr.gettext(
            "Invite code for {commune}: {code}\nIt works once and expires in 7 days. The helper types: /join {code}"
        ).format(commune=unit.full_name, code=code)
        return [Reply(text)]

    def helpers(self, turn: Turn) -> list[Reply]:
        """Active helpers by commune (hash prefixes: the bot never knows their names)."""
        tr = turn.tr
        if turn.role is not Role.ADMIN:
            return [self.refuse(turn)]
        rows = self.staff.helpers()
        if not rows:
            return [Reply(tr.gettext("No helpers have joined yet. Create a code with /invite."))]
        lines = [tr.gettext("Helpers ({n}):").format(n=len(rows))]
        for row in rows:
            joined = tr.date(as_utc(row.joined_at).astimezone(self.timezone).date())
            lines.append(f"• {commune_label(row.commune, full=True)} — #{row.user[:8]} ({joined})")
        return [Reply("\n".join(lines))]

    # -- catalog ---------------------------------------------------------------------------

    def catalog(self, turn: Turn, argument: str) -> list[Reply]:
        """``/catalog history`` and ``/catalog rollback N``."""
        tr = turn.tr
        if turn.role is not Role.ADMIN:
            return [self.refuse(turn)]
        words = argument.split()
        version = number(words[1]) if words[:1] == ["rollback"] and len(words) == 2 else None
        if version is not None:
            return self._rollback(turn, version)
        if words[:1] in (["history"], []):
            return [self._history(turn)]
        return [
            Reply(
                tr.gettext(
                    "Catalog commands: /catalog history, /catalog rollback N. To update the catalog, send me an "
                    ".xlsx, .csv or .yaml file."
                )
            )
        ]

    def _history(self, turn: Turn) -> Reply:
        tr = turn.tr
        current = self.live.current.version_id
        lines = [tr.gettext("Catalog versions (newest first):")]
        for row in self.store.history(limit=15):
            mark = " ◀" if row.id == current else ""
            draft = f" [{tr.gettext('draft')}]" if row.status == DRAFT else ""
            when = tr.date(as_utc(row.created_at).astimezone(self.timezone).date())
            summary = stored_summary(row.summary, tr.gettext)[:160]
            lines.append(f"#{row.id}{draft} {when} · {row.author} · {row.source}{mark}\n   {summary}")
        return Reply("\n".join(lines))

    def _rollback(self, turn: Turn, version_id: int) -> list[Reply]:
        tr = turn.tr
        row = self.updates.rollback(version_id, self.author(turn))
        if row is None:
            return [Reply(tr.gettext("There is no applied version {n}. See /catalog history.").format(n=version_id))]
        text = tr.gettext("Done: the catalog of version {old} is served again as version {new}.")
        return [Reply(text.format(old=version_id, new=row.id))]

    def upload(self, turn: Turn, name: str, content: bytes) -> list[Reply]:
        """Take an uploaded catalog file: it is checked in the background, the verdict follows."""
        tr = turn.tr
        if turn.role is not Role.ADMIN:
            return [self.refuse(turn)]
        name = redact(Path(name).name or "upload")
        author = self.author(turn)
        # Reading a file takes seconds (a child process with limits): never inside the
        # conversation's transaction, where it would hold up everyone's messages.
        failure = Reply(tr.gettext("I could not check this file. Please send it again."), kind=ReplyKind.ERROR)
        self.checks.start(turn.inbound.address, turn.user, lambda: self.verdict(tr, name, content, author), failure)
        return [Reply(tr.gettext("Checking {name}… I will send the result in a moment.").format(name=name))]

    def verdict(self, tr: Translator, name: str, content: bytes, author: str) -> list[Reply]:
        """Validate an uploaded file and show what it would change, applying nothing yet (blocking)."""
        checked = self.updates.check(name, author, content=content)
        if checked.problems:
            count = len(checked.problems)
            lines = [tr.gettext("{name}: {n} problem(s) found. Nothing was changed.").format(name=name, n=count)]
            lines += [f"{i}. {p.render(tr.gettext)}" for i, p in enumerate(checked.problems[:MAX_PROBLEMS_SHOWN], 1)]
            if count > MAX_PROBLEMS_SHOWN:
                lines.append(tr.gettext("… and {n} more.").format(n=count - MAX_PROBLEMS_SHOWN))
            return [Reply("\n".join(lines), kind=ReplyKind.ERROR)]
        diff, draft = checked.diff, checked.version
        if diff is None or draft is None:
            return [Reply(tr.gettext("{name}: no changes compared with the catalog in use.").format(name=name))]
        lines = [tr.gettext("{name} is valid. Changes:").format(name=name), diff.summary(tr.gettext)]
        detail = diff.lines(tr.gettext)
        lines += detail[:MAX_DIFF_LINES]
        if len(detail) > MAX_DIFF_LINES:
            lines.append(tr.gettext("… and {n} more.").format(n=len(detail) - MAX_DIFF_LINES))
        options = (
            Option(tr.gettext("Apply"), payload(Kind.STAFF, StaffCommand.APPLY, draft.id)),
            Option(tr.gettext("Cancel"), payload(Kind.STAFF, StaffCommand.DISCARD, draft.id)),
        )
        return [Reply("\n".join(lines), options, kind=ReplyKind.QUESTION)]

    def apply(self, turn: Turn, argument: str) -> list[Reply]:
        """Apply a draft the admin reviewed."""
        tr = turn.tr
        if turn.role is not Role.ADMIN:
            return [self.refuse(turn)]
        previous = self.live.current.version_id
        draft = number(argument)
        try:
            row = self.updates.apply(draft) if draft is not None else None
        except CatalogChanged as changed:  # another version was served since the file was checked
            return [Reply(tr.gettext(CHANGED).format(n=changed.latest), turn.menu_option(), kind=ReplyKind.ERROR)]
        if row is None:
            return [Reply(tr.gettext("This upload was already applied or cancelled. See /catalog history."))]
        text = tr.gettext("Applied: catalog version {n} is now in use. Undo with /catalog rollback {previous}.")
        return [Reply(text.format(n=row.id, previous=previous), turn.menu_option())]

    def discard(self, turn: Turn, argument: str) -> list[Reply]:
        """Drop a draft."""
        tr = turn.tr
        if turn.role is not Role.ADMIN:
            return [self.refuse(turn)]
        draft = number(argument)
        if draft is not None:
            self.updates.discard(draft)
        return [Reply(tr.gettext("Cancelled. The catalog was not changed."), turn.menu_option())]

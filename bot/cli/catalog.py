"""``dvcbot catalog``: validate, import, export, diff, history, rollback, list, stale, template.

The officer's round trip from a terminal: ``export --format xlsx``, edit in Excel, ``diff``,
``import``. An import is validated as a whole and written as one new version in one
transaction, or not at all; every running bot process picks the new version up within a
few seconds (see :mod:`bot.conversation.live`). Messages are in Vietnamese unless ``--lang en``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.app import shipped_catalog
from bot.catalog.updates import CHANGED_IMPORT, CatalogChanged, CatalogUpdates, Checked
from bot.catalog.versions import APPLIED, CatalogStore, decode
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Languages, Translator
from bot.storage.database import Database
from procedures.catalog import Catalog, CatalogError
from procedures.links import LinkPolicy
from procedures.validation import required_ids

if TYPE_CHECKING:  # parsing the arguments of `dvcbot chat` needs no diff code
    from procedures.diff import CatalogDiff


@dataclass
class Context:
    """The database, its catalog versions and the served catalog, for one command."""

    settings: Settings
    database: Database
    store: CatalogStore
    tr: Translator
    clock: Clock

    def current(self) -> tuple[int, Catalog]:
        """The served version number and catalog (the shipped files become version 1 if needed)."""
        # The files as the bot reads them at start-up: the start-up cache saves a command the
        # seconds of reading and encoding the national listing again.
        shipped, digest = shipped_catalog(self.settings)
        row = self.store.seed(shipped, "shipped catalog files", digest)
        assert row.id is not None
        return row.id, shipped if row.digest == digest else decode(row)

    def updates(self, current: Catalog, version: int | None = None) -> CatalogUpdates:
        """The one implementation of checking, applying and rolling back (shared with the chat and the console).

        ``version`` is the number ``current`` was read as: an import is applied only while it is still served.
        """
        policy = LinkPolicy(self.settings.allowed_link_suffixes)
        required = required_ids() if self.settings.catalog_dir is None else []
        return CatalogUpdates(self.store, lambda: (version, current), policy, required)

    def check(
        self, path: Path, current: Catalog, author: str = "", status: str | None = None, version: int | None = None
    ) -> Checked:
        """Read and validate a file or folder against the served catalog (saved as ``status`` when given)."""
        return self.updates(current, version).check(path.name, author, path=path, status=status)

    def print_diff(self, diff: CatalogDiff) -> None:
        """The one-line summary, then each change."""
        print(diff.summary(self.tr.gettext))
        for line in diff.lines(self.tr.gettext):
            print(line)

    def report_problems(self, checked: Checked) -> int:
        """Print every problem, one per line; the exit status of a rejected file."""
        for problem in checked.problems:
            print(problem.render(self.tr.gettext))
        print(self.tr.gettext("{n} problem(s) found. Nothing was changed.").format(n=len(checked.problems)))
        return 1


def _context(settings: Settings, args: argparse.Namespace, clock: Clock) -> Context:
    database = Database(settings.database_url)
    database.migrate()
    tr = Languages().get(getattr(args, "lang", None) or settings.default_locale)
    return Context(settings, database, CatalogStore(database, clock), tr, clock)


def _validate(ctx: Context, args: argparse.Namespace) -> int:
    if args.path is None:
        try:
            version, catalog = ctx.current()
        except CatalogError as exc:  # the shipped or configured files themselves are invalid
            for problem in exc.problems:
                print(problem)
            print(f"{len(exc.problems)} problem(s) found.")
            return 1
        print(f"OK: {len(catalog)} curated entries, {len(catalog.listing)} national listing cards, version {version}.")
        return 0
    _, current = ctx.current()
    checked = ctx.check(Path(args.path), current)
    if checked.problems:
        return ctx.report_problems(checked)
    print(ctx.tr.gettext("{name} is valid.").format(name=args.path))
    return 0


def _diff(ctx: Context, args: argparse.Namespace) -> int:
    _, current = ctx.current()
    checked = ctx.check(Path(args.path), current)
    if checked.problems:
        return ctx.report_problems(checked)
    assert checked.diff is not None
    ctx.print_diff(checked.diff)
    return 0


def _import(ctx: Context, args: argparse.Namespace) -> int:
    version, current = ctx.current()
    author = args.author or f"cli:{getpass.getuser()}"
    try:
        checked = ctx.check(Path(args.path), current, author, status=APPLIED, version=version)
    except CatalogChanged as changed:  # another officer's version was served while the file was read
        print(ctx.tr.gettext(CHANGED_IMPORT).format(n=changed.latest), file=sys.stderr)
        return 1
    if checked.problems:
        return ctx.report_problems(checked)
    if checked.unchanged or checked.version is None or checked.diff is None:
        print(ctx.tr.gettext("{name}: no changes compared with the catalog in use.").format(name=args.path))
        return 0
    ctx.print_diff(checked.diff)
    print(
        ctx.tr.gettext("Applied: catalog version {n} is now in use. Undo with /catalog rollback {previous}.").format(
            n=checked.version.id, previous=version
        )
    )
    return 0


def _export(ctx: Context, args: argparse.Namespace) -> int:
    version, catalog = ctx.current()
    if args.version is not None:
        row = ctx.store.get(args.version)
        if row is None:
            print(f"no version {args.version}", file=sys.stderr)
            return 1
        version, catalog = args.version, decode(row)
    from procedures.formats import export_catalog  # openpyxl: only for the commands that write files

    paths = export_catalog(catalog, args.format, Path(args.out))
    print(f"version {version} → {', '.join(str(path) for path in paths[:5])}{' …' if len(paths) > 5 else ''}")
    return 0


def _template(ctx: Context, args: argparse.Namespace) -> int:
    from procedures.formats import write_template  # openpyxl: only for the commands that write files

    print(write_template(Path(args.out)))
    return 0


def _history(ctx: Context, args: argparse.Namespace) -> int:
    current, _ = ctx.current()
    rows = ctx.store.history(limit=args.limit)
    if args.json:
        data = [
            {
                "version": row.id,
                "created_at": row.created_at.isoformat(),
                "author": row.author,
                "source": row.source,
                "status": row.status,
                "summary": row.summary,
                "served": row.id == current,
            }
            for row in rows
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        mark = " *" if row.id == current else ""
        print(f"{row.id:>4}{mark} {row.created_at:%Y-%m-%d %H:%M} {row.status:<8} {row.author} · {row.source}")
        print(f"      {row.summary}")
    return 0


def _rollback(ctx: Context, args: argparse.Namespace) -> int:
    _, current = ctx.current()
    row = ctx.updates(current).rollback(args.version, args.author or f"cli:{getpass.getuser()}")
    if row is None:
        print(f"no applied version {args.version}", file=sys.stderr)
        return 1
    text = ctx.tr.gettext("Done: the catalog of version {old} is served again as version {new}.")
    print(text.format(old=args.version, new=row.id))
    return 0


def _list(ctx: Context, args: argparse.Namespace) -> int:
    version, catalog = ctx.current()
    rows = [
        {
            "id": entry.id,
            "kind": entry.kind.value,
            "codes": list(entry.codes),
            "name": entry.name.vi,
            "sector": entry.sector.vi,
            "steps": len(entry.steps),
            "documents": len(entry.documents),
            "fees": [fee.amount_vnd for fee in entry.fees],
            "last_verified": entry.last_verified.isoformat(),
            "unverified": list(entry.unverified),
        }
        for entry in sorted(catalog, key=lambda item: item.id)
    ]
    if args.json:
        print(json.dumps({"version": version, "entries": rows}, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        codes = ",".join(row["codes"]) or "-"  # type: ignore[arg-type]
        print(f"{row['id']:<28} {codes:<20} {row['last_verified']}  {row['name']}")
    print(f"{len(rows)} entries, version {version}")
    return 0


def _stale(ctx: Context, args: argparse.Namespace) -> int:
    _, catalog = ctx.current()
    days = args.days if args.days is not None else ctx.settings.stale_days
    today = args.today or ctx.clock.now().astimezone(ZoneInfo(ctx.settings.timezone)).date()
    stale = catalog.stale(today, days)
    if args.json:
        print(json.dumps([{"id": e.id, "last_verified": e.last_verified.isoformat()} for e in stale], indent=2))
        return 0
    for entry in stale:
        print(f"{entry.last_verified}  {entry.id:<28} {entry.name.vi}")
    print(ctx.tr.gettext("{n} entries last verified over {days} days ago.").format(n=len(stale), days=days))
    return 0


def _runner(command: object) -> object:
    def run(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
        ctx = _context(settings, args, clock)
        try:
            return int(command(ctx, args))  # type: ignore[operator]
        finally:
            ctx.database.dispose()

    return run


def add_catalog_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``dvcbot catalog …``."""
    catalog = sub.add_parser("catalog", help="catalog administration")
    catalog.add_argument("--lang", choices=("vi", "en"), help="language of messages (default: vi)")
    commands = catalog.add_subparsers(dest="catalog_command", required=True)
    validate = commands.add_parser("validate", help="check the served catalog, or a file/folder before import")
    validate.add_argument("path", nargs="?")
    validate.set_defaults(func=_runner(_validate))
    diff = commands.add_parser("diff", help="show what importing a file would change")
    diff.add_argument("path")
    diff.set_defaults(func=_runner(_diff))
    imp = commands.add_parser("import", help="validate and apply a file or folder as a new version")
    imp.add_argument("path")
    imp.add_argument("--author", help="who is importing (for the audit record)")
    imp.set_defaults(func=_runner(_import))
    export = commands.add_parser("export", help="write the catalog as yaml, xlsx or csv")
    export.add_argument("--format", choices=("yaml", "xlsx", "csv"), default="xlsx")
    export.add_argument("--out", required=True, help="file (xlsx) or folder (yaml, csv)")
    export.add_argument("--version", type=int, help="an earlier version (default: the served one)")
    export.set_defaults(func=_runner(_export))
    template = commands.add_parser("template", help="write a blank spreadsheet to fill in")
    template.add_argument("out")
    template.set_defaults(func=_runner(_template))
    history = commands.add_parser("history", help="list catalog versions")
    history.add_argument("--limit", type=int, default=20)
    history.add_argument("--json", action="store_true")
    history.set_defaults(func=_runner(_history))
    rollback = commands.add_parser("rollback", help="serve an earlier version again")
    rollback.add_argument("version", type=int)
    rollback.add_argument("--author", help="who is rolling back (for the audit record)")
    rollback.set_defaults(func=_runner(_rollback))
    listing = commands.add_parser("list", help="list curated entries")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_runner(_list))
    stale = commands.add_parser("stale", help="entries whose facts were last verified too long ago")
    stale.add_argument("--days", type=int)
    stale.add_argument("--today", type=dt.date.fromisoformat, help="the date to measure from (default: today)")
    stale.add_argument("--json", action="store_true")
    stale.set_defaults(func=_runner(_stale))

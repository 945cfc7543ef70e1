"""The ``dvcbot`` command line: run, chat, route, eval, stats, where and catalog commands."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import gc
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import add_terminal, build_app, load_catalog, router_thresholds
from bot.cli.catalog import add_catalog_commands
from bot.cli.console import add_console_commands
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.conversation.contacts import ContactsError
from bot.i18n import Languages
from bot.storage.database import Database, DatabaseInUse
from intents import build_router
from procedures.addresses import AddressAnswer, AddressStatus, Ask, commune_by_code, resolve
from procedures.catalog import CatalogError
from procedures.loader import LISTING_FILE, iter_listing


def _chat(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
    app = build_app(settings, clock, channels=False)
    # The catalog and router are long-lived: left out of the collector's scans while chatting.
    gc.freeze()
    try:
        app.database.claim()
        app.live.start()  # an officer's import shows up in a running terminal chat too
        # Bytes that are not UTF-8 (a broken paste, another code page) read as U+FFFD, never a crash.
        for stream in (sys.stdin, sys.stdout):
            if isinstance(stream, io.TextIOWrapper):
                stream.reconfigure(errors="replace")
        terminal = add_terminal(app, sys.stdin, sys.stdout, args.user)
        interactive = sys.stdin.isatty()
        if interactive:
            print('dvcbot — gõ câu hỏi (thoát: "thoát", Ctrl+D)\n', flush=True)
        return asyncio.run(terminal.run(interactive))
    finally:
        app.close()
        gc.unfreeze()


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """Uvloop's event loop when it is installed (about twice the webhook throughput), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _run(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
    """Start the configured channels: Telegram, Zalo and/or the web chat, else the terminal chat."""
    if not settings.public:
        return _chat(settings, args, clock)
    problems = settings.unsafe()
    if settings.telegram_webhook_url and not settings.telegram_webhook_secret:
        problems.append("TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL.")
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 2
    app = build_app(settings, clock)
    gc.freeze()  # as in _chat: the catalog and router stay out of the collector's full scans

    async def serve() -> None:
        async with app.running():
            if app.routes:
                print(f"Webhooks on http://{settings.web_host}:{settings.web_port}", file=sys.stderr)
            if settings.web_chat:
                base = f"http://{settings.web_host}:{settings.web_port}"
                print(f"Web chat on {base}/chat, widget {base}/widget.js", file=sys.stderr)
            if settings.console:
                where = f"http://{settings.web_host}:{settings.web_port}/console"
                print(f"Officer console on {where} (serve it behind HTTPS)", file=sys.stderr)
            print(f"Serving: {', '.join(sorted(app.channels))}", file=sys.stderr)
            await asyncio.Event().wait()

    try:
        with asyncio.Runner(loop_factory=loop_factory()) as runner:
            runner.run(serve())
    except KeyboardInterrupt:
        pass
    finally:
        app.close()
    return 0


def _route(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
    catalog = load_catalog(settings)
    router = build_router(catalog, router_thresholds(settings))
    for line in sys.stdin:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        print(json.dumps(router.route(text).as_json(), ensure_ascii=False), flush=True)
    return 0


def _eval(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
    # Imported here: only `dvcbot eval` needs them.
    from intents.evaluation import evaluate, evaluate_facets, format_facets, format_report, is_facet_set, read_examples

    path = Path(args.file)
    if is_facet_set(path):
        facets = evaluate_facets(path)
        print(json.dumps(facets.as_dict(), ensure_ascii=False, indent=2) if args.json else format_facets(facets))
        return 0
    catalog = load_catalog(settings)
    router = build_router(catalog, router_thresholds(settings))
    report = evaluate(router, read_examples(path), set(catalog.listing))
    if args.summary:
        report.misses = []  # a set measured blind: its questions are not read back
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0


def _parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value}") from exc


def _stats(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
    # Imported for this command only: `dvcbot chat` starts without the statistics code.
    from bot.stats.queries import Period, collect
    from bot.stats.text import to_csv, to_table

    database = Database(settings.database_url)
    database.migrate()
    try:
        report = collect(database, Period(args.since, args.until), ZoneInfo(settings.timezone))
    finally:
        database.dispose()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif args.csv:
        sys.stdout.write(to_csv(report))
    else:
        print(to_table(report, Languages().get(args.lang or settings.default_locale)))
    return 0


def describe_address(answer: AddressAnswer) -> str:
    """The answer of :func:`procedures.addresses.resolve` as lines for a person (Vietnamese)."""
    lines: list[str] = []
    for old in answer.old[:10]:
        successors = [commune_by_code(code) for code in old.successors]
        names = ", ".join(f"{c.name} ({c.code})" for c in successors if c is not None)
        verb = "nay là" if len(successors) == 1 else "nay chia cho"
        lines.append(f"{old.full_name} → {verb}: {names}")
    if len(answer.old) > 10:
        lines.append(f"… và {len(answer.old) - 10} đơn vị cũ khác cùng tên")
    if answer.commune is not None:
        lines.append(f"Xã/phường hiện nay: {answer.commune.full_name} (mã {answer.commune.code})")
    elif answer.status is AddressStatus.SPLIT:
        lines.append("Đơn vị cũ đã được chia cho nhiều xã/phường mới: cần hỏi người dân ở phần nào.")
    elif answer.status is AddressStatus.AMBIGUOUS:
        ask = {Ask.PROVINCE: "tỉnh/thành phố", Ask.DISTRICT: "quận/huyện cũ"}.get(answer.ask, "địa chỉ cũ hay mới")
        lines.append(f"Có nhiều đơn vị cùng tên: cần hỏi thêm {ask}.")
        covered = {code for old in answer.old for code in old.successors}
        others = [c for c in answer.candidates if c.code not in covered]
        if others:
            lines.append("Đơn vị hiện nay mang tên đó:" if answer.old else "Có thể là:")
            lines += [f"  - {c.full_name} (mã {c.code})" for c in others[:15]]
    else:
        province = f" (tỉnh/thành phố: {answer.province.name})" if answer.province else ""
        lines.append(f"Chưa xác định được xã/phường{province}: cần hỏi tên xã/phường.")
    lines.append(f"[{answer.status.value}]")
    return "\n".join(lines)


def _where(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
    answer = resolve(args.address)
    if args.json:
        print(json.dumps(dataclasses.asdict(answer), ensure_ascii=False, indent=2))
    else:
        print(describe_address(answer))
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the documentation test)."""
    root = argparse.ArgumentParser(prog="dvcbot", description="Chatbot hướng dẫn dịch vụ công trực tuyến.")
    sub = root.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the configured channels (terminal chat when no token is set)")
    run.add_argument("--user", default="local", help="terminal user id")
    run.set_defaults(func=_run)
    chat = sub.add_parser("chat", help="chat in the terminal (reads stdin, works piped)")
    chat.add_argument("--user", default="local", help="terminal user id (one conversation per id)")
    chat.set_defaults(func=_chat)
    route = sub.add_parser("route", help="route one message per line of stdin, print JSON per line")
    route.set_defaults(func=_route)
    ev = sub.add_parser("eval", help="measure the router on a labelled JSONL file")
    ev.add_argument("file")
    ev.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ev.add_argument("--summary", action="store_true", help="figures only, no misses (for sets measured blind)")
    ev.set_defaults(func=_eval)
    stats = sub.add_parser("stats", help="usage statistics (table, --json or --csv)")
    stats.add_argument("--since", type=_parse_date, help="first local date (YYYY-MM-DD)")
    stats.add_argument("--until", type=_parse_date, help="last local date (YYYY-MM-DD)")
    form = stats.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON")
    form.add_argument("--csv", action="store_true", help="print CSV (section,key,metric,value)")
    stats.add_argument("--lang", choices=("vi", "en"), help="language of the table")
    stats.set_defaults(func=_stats)
    where = sub.add_parser("where", help="an old (pre-July 2025) or current address → today's commune and its code")
    where.add_argument("address", help='e.g. "phường Bến Nghé, Quận 1 cũ"')
    where.add_argument("--json", action="store_true", help="print JSON")
    where.set_defaults(func=_where)
    add_catalog_commands(sub)
    add_console_commands(sub)
    add_audit_command(sub)
    return root


def _audit(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
    """``dvcbot catalog audit``: findings per kind over the catalog files and the bot's own texts."""
    # Imported here: only the audit (and the scheduled digest) needs them.
    from bot.stats.digest import audit_lines, citizen_texts
    from procedures.audit import run_audit

    catalog = load_catalog(settings)
    records = {card.code: card for card in iter_listing(settings.listing_file or LISTING_FILE)}
    today = args.today or clock.now().astimezone(ZoneInfo(settings.timezone)).date()
    texts = citizen_texts(contacts_file=settings.contacts_file)
    report = run_audit(catalog.listing.values(), catalog, texts, today, records)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return 0
    tr = Languages().get(args.lang or settings.default_locale)
    for finding in report.findings:
        print(f"{finding.kind.value}\t{finding.source}\t{finding.subject}\t{finding.detail}")
    for finding, exception in report.excepted:
        print(
            f"{finding.kind.value}\t{finding.source}\t{finding.subject}\t{tr.gettext('accepted')}: {exception.reason}"
        )
    print("\n".join(audit_lines(report, tr)))
    return 0


def add_audit_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``dvcbot catalog audit`` under the ``catalog`` command."""
    catalog = sub.choices["catalog"]
    commands = next(action for action in catalog._actions if isinstance(action, argparse._SubParsersAction))
    command = commands.add_parser("audit", help="abolished offices, fees, times, repealed codes and sources to fix")
    command.add_argument("--today", type=_parse_date, help="the date to measure staleness from (default: today)")
    command.add_argument("--json", action="store_true", help="print JSON")
    command.set_defaults(func=_audit)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dvcbot`` console script."""
    args = parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        return int(args.func(settings, args, SystemClock()))
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        return 2
    except DatabaseInUse as exc:
        print(exc, file=sys.stderr)
        return 2
    except ContactsError as exc:  # a commune in DVCBOT_CONTACTS_FILE that is unknown or unclear
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. piped into `head`: not an error for the user
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0


if __name__ == "__main__":
    sys.exit(main())

"""The ``dvcbot`` command line: run, chat, route, eval and catalog commands."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from starlette.routing import BaseRoute

from bot.app import App, build_app, load_catalog, router_thresholds
from bot.catalog_admin import add_catalog_commands
from bot.channels.terminal import TerminalChannel
from bot.config import Settings
from bot.i18n import Languages
from bot.report_text import to_csv, to_table
from bot.stats import Period, collect
from bot.storage import Database
from intents import build_router
from intents.evaluation import evaluate, format_report, read_examples
from procedures.catalog import CatalogError


def _chat(settings: Settings, args: argparse.Namespace) -> int:
    app = build_app(settings)
    app.live.start()  # an officer's import shows up in a running terminal chat too
    try:
        interactive = sys.stdin.isatty()
        channel = TerminalChannel(app.engine, sys.stdin, sys.stdout, user_id=args.user, interactive=interactive)
        if interactive:
            print('dvcbot — gõ câu hỏi (thoát: "thoát", Ctrl+D)\n', flush=True)
        return channel.run()
    finally:
        app.close()


def _run(settings: Settings, args: argparse.Namespace) -> int:
    """Start the configured channels: Telegram and/or Zalo, else the terminal chat."""
    if not settings.telegram_token and not settings.zalo_enabled:
        return _chat(settings, args)
    if settings.telegram_webhook_url and not settings.telegram_webhook_secret:
        print("TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL.", file=sys.stderr)
        return 2
    app = build_app(settings)
    try:
        app.start_background()
        asyncio.run(serve_channels(app))
    except KeyboardInterrupt:
        pass
    finally:
        app.close()
    return 0


async def serve_channels(app: App) -> None:
    """Run every configured channel in one event loop; webhooks share one web server."""
    from bot.web import make_web_app, serve

    settings = app.settings
    routes: list[BaseRoute] = []
    telegram = None
    zalo = None
    if settings.telegram_token:
        from bot.channels.telegram import TelegramChannel, register_webhook, webhook_route

        telegram = TelegramChannel(app)
        if settings.telegram_webhook_url:
            await register_webhook(telegram, settings.telegram_webhook_url, settings.telegram_webhook_secret)
            routes.append(webhook_route(telegram, settings.telegram_webhook_secret))
        else:
            await telegram.start_polling()
            print("Telegram long polling started.", file=sys.stderr)
    if settings.zalo_enabled:
        from bot.channels.zalo import ZaloChannel

        zalo = ZaloChannel(app)
        zalo.loop = asyncio.get_running_loop()
        routes.append(zalo.route())
    try:
        if routes:
            print(f"Webhooks on http://{settings.web_host}:{settings.web_port}", file=sys.stderr)
            await serve(make_web_app(routes), settings.web_host, settings.web_port)
        else:
            await asyncio.Event().wait()
    finally:
        if telegram is not None:
            await telegram.stop()
        if zalo is not None:
            await zalo.drain()
            await zalo.client.close()


def _route(settings: Settings, args: argparse.Namespace) -> int:
    catalog = load_catalog(settings)
    router = build_router(catalog, router_thresholds(settings))
    for line in sys.stdin:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        print(json.dumps(router.route(text).as_json(), ensure_ascii=False), flush=True)
    return 0


def _eval(settings: Settings, args: argparse.Namespace) -> int:
    catalog = load_catalog(settings)
    router = build_router(catalog, router_thresholds(settings))
    report = evaluate(router, read_examples(Path(args.file)), set(catalog.listing))
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


def _stats(settings: Settings, args: argparse.Namespace) -> int:
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
    ev.set_defaults(func=_eval)
    stats = sub.add_parser("stats", help="usage statistics (table, --json or --csv)")
    stats.add_argument("--since", type=_parse_date, help="first local date (YYYY-MM-DD)")
    stats.add_argument("--until", type=_parse_date, help="last local date (YYYY-MM-DD)")
    form = stats.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON")
    form.add_argument("--csv", action="store_true", help="print CSV (section,key,metric,value)")
    stats.add_argument("--lang", choices=("vi", "en"), help="language of the table")
    stats.set_defaults(func=_stats)
    add_catalog_commands(sub)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dvcbot`` console script."""
    args = parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        return int(args.func(settings, args))
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. piped into `head`: not an error for the user
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0


if __name__ == "__main__":
    sys.exit(main())

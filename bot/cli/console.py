"""``dvcbot console``: the officer console's accounts from a terminal.

``dvcbot console add-user LOGIN --role admin`` creates the first admin (then admins sign in at
``/console``); officers get ``--role officer --commune <official code>``, and a helper who joined
by invite gets a console account linked to their chat identity with ``--role helper --chat
telegram:<id>``. The password is asked for twice on a terminal, or read from the first line of
standard input (for scripts); it is stored only as an Argon2id hash.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.clock import Clock
from bot.config import Settings, parse_admins
from bot.storage.database import Database
from procedures.addresses import CommuneNotFound, commune_from_name

ROLES = ("admin", "officer", "helper")  # bot.console.accounts.ConsoleRole, imported (with argon2) only when used


def _password() -> str | None:
    """The new password: asked twice on a terminal, else the first line of standard input."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        print("The two passwords differ.", file=sys.stderr)
        return None
    return first


def _add_user(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
    from bot.console.accounts import AccountError, Accounts, ConsoleRole

    role = ConsoleRole(args.role)
    chat = next(iter(parse_admins(args.chat)), None) if args.chat else None
    if args.chat and chat is None:
        print("--chat is channel:id, for example telegram:123456", file=sys.stderr)
        return 2
    commune = None
    if args.commune:
        try:  # an officer's commune by its official code (a name is accepted when it names one commune)
            commune = commune_from_name(args.commune).code
        except CommuneNotFound as exc:
            print(exc, file=sys.stderr)
            return 2
    password = _password()
    if password is None:
        return 1
    database = Database(settings.database_url)
    try:
        database.migrate()
        accounts = Accounts(database, settings.user_salt, settings.admins)
        row = accounts.add(args.login, password, role, clock.now(), commune=commune, chat=chat, created_by="cli")
    except AccountError as exc:
        print(f"Not created: {exc}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    where = f", commune {row.commune}" if row.commune else ""
    print(f"Created {row.role} {row.login}{where}. Sign in at /console.")
    return 0


def _list_users(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
    from bot.console.accounts import Accounts

    database = Database(settings.database_url)
    try:
        database.migrate()
        for row in Accounts(database, settings.user_salt, settings.admins).listing():
            linked = f" {row.chat_channel}#{(row.chat_user or '')[:8]}" if row.chat_user else ""
            state = "" if row.active else " (inactive)"
            print(f"{row.login:<24} {row.role:<8} {row.commune or '-':<6}{linked}{state}")
    finally:
        database.dispose()
    return 0


def add_console_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``dvcbot console …``."""
    console = sub.add_parser("console", help="officer console accounts")
    commands = console.add_subparsers(dest="console_command", required=True)
    add = commands.add_parser("add-user", help="create a console account (the first admin, officers, helpers)")
    add.add_argument("login")
    add.add_argument("--role", choices=ROLES, default="officer")
    add.add_argument("--commune", help="an officer's commune: its official code (or a name that is unique)")
    add.add_argument("--chat", help="the same person in the chat, channel:id (admins from DVCBOT_ADMINS, helpers)")
    add.set_defaults(func=_add_user)
    listing = commands.add_parser("list-users", help="list console accounts")
    listing.set_defaults(func=_list_users)


__all__ = ["add_console_commands"]

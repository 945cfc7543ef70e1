"""The Telegram channel: a thin python-telegram-bot ``Application`` around the engine.

Updates become :class:`~bot.messages.Inbound` values; replies are rendered with inline
keyboards (callback data carries the catalog version, so a button pressed after the
catalog changed gets a fresh menu), official links as URL buttons, HTML parse mode with
every string escaped, and text split on line boundaries at Telegram's 4,096-character
limit. Long polling for development; the webhook route lives in :mod:`bot.web`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import html
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from functools import partial
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ChatType, MessageLimit, ParseMode
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter, Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.app import App
from bot.flood import FloodGate, Verdict
from bot.i18n import Languages, pick_locale
from bot.messages import Address, Attachment, Inbound, Reply, split_text

CHANNEL = "telegram"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # catalog files admins send; anything larger is refused unread
MAX_CAPTION = 1024  # Telegram's photo caption limit
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1_000_000
MAX_CALLBACK_BYTES = 64
SEND_ATTEMPTS = 4
log = logging.getLogger(__name__)
T = TypeVar("T")

_MEDIA = (
    (filters.PHOTO, "photo"),
    (filters.VOICE | filters.AUDIO, "voice"),
    (filters.Sticker.ALL, "sticker"),
    (filters.LOCATION | filters.VENUE, "location"),
    (filters.CONTACT, "contact"),
    (filters.VIDEO | filters.VIDEO_NOTE | filters.ANIMATION, "document"),
)


def file_base_url(api_base_url: str) -> str:
    """Telegram serves files under ``/file/bot<token>/`` next to ``/bot<token>/``."""
    head, _, _ = api_base_url.rstrip("/").rpartition("/bot")
    return f"{head}/file/bot"


def callback_data(version: str, payload: str) -> str | None:
    """Button data ``<version>|<payload>``, or None when it would exceed Telegram's 64 bytes."""
    data = f"{version}|{payload}"
    return data if len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES else None


def keyboard(reply: Reply, version: str) -> InlineKeyboardMarkup | None:
    """Official links as URL buttons, then options as callback buttons (two per row when short)."""
    rows: list[list[InlineKeyboardButton]] = [[InlineKeyboardButton(link.label, url=link.url)] for link in reply.links]
    row: list[InlineKeyboardButton] = []
    for option in reply.options:
        data = callback_data(version, option.payload)
        if data is None:
            log.warning("button %r dropped: callback data over 64 bytes", option.payload)
            continue
        button = InlineKeyboardButton(option.label, callback_data=data)
        if len(option.label) > 18:
            if row:
                rows.append(row)
                row = []
            rows.append([button])
        else:
            row.append(button)
            if len(row) == 2:
                rows.append(row)
                row = []
    if row:
        rows.append(row)
    return InlineKeyboardMarkup(rows) if rows else None


async def with_retries(call: Callable[[], Awaitable[T]], attempts: int = SEND_ATTEMPTS) -> T:
    """Run a Bot API call, waiting out 429 "retry after" and retrying timeouts, so no reply is lost."""
    for attempt in range(attempts):
        try:
            return await call()
        except RetryAfter as exc:
            delay: Any = exc.retry_after
            seconds = delay.total_seconds() if isinstance(delay, dt.timedelta) else float(delay)
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(seconds)
        except (TimedOut, NetworkError):
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.2 * 2**attempt)
    raise RuntimeError("unreachable")


class TelegramChannel:
    """Owns the PTB application and the translation of updates to engine calls."""

    def __init__(self, app: App, flood: FloodGate | None = None, languages: Languages | None = None):
        self.app = app
        self.flood = flood or FloodGate()
        self.languages = languages or Languages()
        settings = app.settings
        builder = (
            Application.builder()
            .token(settings.telegram_token)
            .base_url(settings.telegram_api_base_url)
            .base_file_url(file_base_url(settings.telegram_api_base_url))
            .rate_limiter(AIORateLimiter(max_retries=0))
        )
        if settings.telegram_webhook_url:
            builder = builder.updater(None)
        self.application = builder.build()
        self.application.add_handler(CallbackQueryHandler(self.on_button))
        self.application.add_handler(MessageHandler(filters.TEXT, self.on_text))
        # GIFs arrive as documents too; they are media, not catalog files.
        self.application.add_handler(MessageHandler(filters.Document.ALL & ~filters.ANIMATION, self.on_document))
        for media_filter, kind in _MEDIA:
            self.application.add_handler(MessageHandler(media_filter, self._media_handler(kind)))
        self.loop: asyncio.AbstractEventLoop | None = None
        self.channel = CHANNEL
        app.outboxes[CHANNEL] = self  # reminders and digests are delivered through this channel

    # -- lifecycle ---------------------------------------------------------------------------

    async def setup(self) -> None:
        """Register the command menu in Vietnamese and English; admins see their tools too."""
        admins = [user_id for channel, user_id in self.app.settings.admins if channel == CHANNEL]
        for locale in ("vi", "en"):
            tr = self.languages.get(locale)
            commands = [
                BotCommand("start", tr.gettext("Start and show the menu")),
                BotCommand("help", tr.gettext("What this bot can do")),
                BotCommand("menu", tr.gettext("Show the menu")),
                BotCommand("lang", tr.gettext("Switch language (Tiếng Việt / English)")),
                BotCommand("cancel", tr.gettext("Stop the current guide")),
                BotCommand("reminders", tr.gettext("See or cancel your reminders")),
            ]
            language = None if locale == "vi" else locale
            await with_retries(partial(self.application.bot.set_my_commands, commands, language_code=language))
            admin_commands = [
                *commands,
                BotCommand("stats", tr.gettext("Usage statistics and chart")),
                BotCommand("invite", tr.gettext("Invite code for a community helper")),
                BotCommand("helpers", tr.gettext("List community helpers")),
                BotCommand("catalog", tr.gettext("Catalog versions: history, rollback")),
            ]
            for user_id in admins:
                if user_id.lstrip("-").isdigit():
                    scope = BotCommandScopeChat(int(user_id))
                    call = partial(
                        self.application.bot.set_my_commands, admin_commands, scope=scope, language_code=language
                    )
                    await with_retries(call)

    async def start_polling(self, poll_interval: float = 0.0, timeout: int = 10) -> None:
        """Start the application and long polling (returns once running)."""
        self.loop = asyncio.get_running_loop()
        await self.application.initialize()
        await self.setup()
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(poll_interval=poll_interval, timeout=timeout)

    async def stop(self) -> None:
        """Stop polling and the application."""
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    def run_polling(self) -> None:
        """Blocking long polling for ``dvcbot run`` (stops on Ctrl+C)."""

        async def main() -> None:
            await self.start_polling()
            try:
                await asyncio.Event().wait()
            finally:
                await self.stop()

        try:
            asyncio.run(main())
        except KeyboardInterrupt:
            pass

    # -- handlers ------------------------------------------------------------------------------

    def _address(self, update: Update) -> Address | None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return None
        return Address(CHANNEL, str(user.id), str(chat.id))

    def _in_group(self, update: Update) -> bool:
        chat = update.effective_chat
        return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)

    def _addressed_text(self, update: Update) -> str | None:
        """The text meant for the bot; in a group only commands and mentions count."""
        message = update.effective_message
        if message is None or message.text is None:
            return None
        text = message.text
        if not self._in_group(update):
            return text
        username = self.application.bot.username or ""
        mention = f"@{username}"
        replied = message.reply_to_message
        if text.startswith("/"):
            command = text.split()[0]
            if "@" in command and not command.endswith(mention):
                return None  # a command for another bot
            return text.replace(mention, "")
        if username and mention.lower() in text.lower():
            start = text.lower().index(mention.lower())
            return (text[:start] + text[start + len(mention) :]).strip()
        if replied is not None and replied.from_user is not None and replied.from_user.id == self.application.bot.id:
            return text
        return None

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A typed message (commands included: the engine knows /start, /help, /menu, /lang, /cancel)."""
        address = self._address(update)
        text = self._addressed_text(update)
        message = update.effective_message
        if address is None or text is None or message is None:
            return
        inbound = Inbound(
            address,
            text=text,
            locale_hint=update.effective_user.language_code if update.effective_user else None,
            message_id=f"m{message.chat_id}:{message.message_id}",
        )
        await self.handle(inbound)

    def _media_handler(self, kind: str) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
        async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            address, message = self._address(update), update.effective_message
            if address is None or message is None or self._in_group(update):
                return
            inbound = Inbound(
                address,
                payload=f"media:{kind}",
                locale_hint=update.effective_user.language_code if update.effective_user else None,
                message_id=f"m{message.chat_id}:{message.message_id}",
            )
            await self.handle(inbound)

        return on_media

    async def on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A file: downloaded only from an admin (catalog updates), size-limited; others get the media answer."""
        address, message = self._address(update), update.effective_message
        if address is None or message is None or message.document is None or self._in_group(update):
            return
        document = message.document
        locale = update.effective_user.language_code if update.effective_user else None
        message_id = f"m{message.chat_id}:{message.message_id}"
        if not self.app.staff.is_admin(CHANNEL, address.user_id):
            await self.handle(Inbound(address, payload="media:document", locale_hint=locale, message_id=message_id))
            return
        tr = self.languages.get(pick_locale(locale))
        if (document.file_size or 0) > MAX_UPLOAD_BYTES:
            await self.send(address, Reply(tr.gettext("This file is too large (at most 5 MB).")))
            return
        try:
            file = await with_retries(document.get_file)
            content = bytes(await with_retries(file.download_as_bytearray))
        except Exception:  # noqa: BLE001 - tell the admin rather than stay silent
            log.exception("could not download an admin's file")
            await self.send(address, Reply(tr.gettext("I could not download this file. Please send it again.")))
            return
        if len(content) > MAX_UPLOAD_BYTES:  # the size was not announced: refuse, never cut
            await self.send(address, Reply(tr.gettext("This file is too large (at most 5 MB).")))
            return
        attachment = Attachment(document.file_name or "upload", content, document.mime_type or "")
        await self.handle(Inbound(address, locale_hint=locale, message_id=message_id, document=attachment))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A pressed inline button: check its catalog version, stop the spinner, act."""
        query = update.callback_query
        address = self._address(update)
        if query is None or address is None:
            return
        version, _, payload = (query.data or "").partition("|")
        stale = version != self.app.catalog.version or not payload
        locale = pick_locale(query.from_user.language_code if query.from_user else None)
        note = (
            self.languages.get(locale).gettext("This menu is out of date. Here is the current one.") if stale else None
        )
        await with_retries(partial(query.answer, text=note))
        if query.message is not None and hasattr(query.message, "edit_reply_markup"):
            try:  # the old keyboard goes, so the chat shows one live menu at a time
                await query.message.edit_reply_markup(reply_markup=None)
            except Exception as exc:  # noqa: BLE001 - an old message may no longer be editable
                log.debug("could not clear keyboard: %s", exc)
        inbound = Inbound(address, payload="nav:menu" if stale else payload, message_id=f"c{query.id}")
        await self.handle(inbound)

    async def handle(self, inbound: Inbound) -> None:
        """Flood check, engine (in a worker thread: it does database I/O), then delivery."""
        verdict = self.flood.check(inbound.address.user_id)
        if verdict is Verdict.DROP:
            return
        if verdict is Verdict.WARN:
            tr = self.languages.get(pick_locale(inbound.locale_hint))
            warning = tr.gettext("You are sending messages very fast. Please wait a few seconds, then send again.")
            await self.send(inbound.address, Reply(warning))
            return
        replies = await asyncio.to_thread(self.app.engine.handle, inbound)
        for reply in replies:
            await self.send(inbound.address, reply)

    def deliver(self, address: Address, replies: list[Reply]) -> bool:
        """The :class:`~bot.messages.Outbox` side: send from another thread (the scheduler's)."""
        if self.loop is None or not self.loop.is_running():
            return False

        async def send_all() -> None:
            for reply in replies:
                await self.send(address, reply)

        try:
            asyncio.run_coroutine_threadsafe(send_all(), self.loop).result(timeout=120)
        except Exception:
            log.exception("delivery to a Telegram chat failed")
            return False
        return True

    async def send(self, address: Address, reply: Reply) -> None:
        """Deliver one reply: split on line boundaries, keyboard on the last chunk; images as photos."""
        if reply.image is not None:
            await with_retries(
                partial(
                    self.application.bot.send_photo,
                    chat_id=address.chat_id,
                    photo=reply.image.content,
                    caption=reply.text[:MAX_CAPTION] or None,
                )
            )
            return
        chunks = split_text(html.escape(reply.text, quote=False), MessageLimit.MAX_TEXT_LENGTH)
        markup = keyboard(reply, self.app.catalog.version)
        for number, chunk in enumerate(chunks):
            last = number == len(chunks) - 1
            await with_retries(
                partial(
                    self.application.bot.send_message,
                    chat_id=address.chat_id,
                    text=chunk,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup if last else None,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            )


def webhook_route(channel: TelegramChannel, secret: str) -> Route:
    """``POST /telegram``: accept an update only with the right secret header (constant-time check).

    A wrong or missing secret gets 403 and changes nothing. The update is processed before
    answering, and a repeated delivery is answered once (the engine drops seen message ids).
    """

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return PlainTextResponse("forbidden", status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return PlainTextResponse("too large", status_code=413)
        try:
            update = Update.de_json(json.loads(body), channel.application.bot)
        except (ValueError, TypeError, KeyError):
            return PlainTextResponse("bad update", status_code=400)
        if update is not None:
            await channel.application.process_update(update)
        return PlainTextResponse("ok")

    return Route("/telegram", receive, methods=["POST"])


async def register_webhook(channel: TelegramChannel, url: str, secret: str) -> None:
    """Initialise the application and register the webhook (with its secret) with Telegram."""
    application = channel.application
    channel.loop = asyncio.get_running_loop()
    await application.initialize()
    await channel.setup()
    register = partial(application.bot.set_webhook, url=url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
    await with_retries(register)
    await application.start()

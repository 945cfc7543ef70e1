"""The Telegram channel: updates in (long polling or a webhook), outbox parcels out.

An update becomes an :class:`~bot.messages.Inbound` (:meth:`TelegramChannel.inbound`) and goes
to the gateway, which stores it before the webhook is answered; everything after that --
flood pace, the engine, the outbox -- is shared with every channel (:mod:`bot.channels.base`).
What is Telegram's own stays here: callback data carries the catalog version (a button
pressed after the catalog changed gets "this menu is out of date" and the current menu);
options render as inline keyboards and official links as URL buttons; text is sent in HTML
mode with every string escaped; a pressed button's spinner is stopped and its keyboard
cleared (the parcel's *receipt*); in groups only commands and mentions count.

Send caps are the outbox's (30 messages a second per bot, about one a second per chat), so
PTB's own rate limiter is not used; its errors become outcomes the courier understands:
"retry after" pauses the whole channel, a blocked bot drops the reply with an event.
"""

from __future__ import annotations

import datetime as dt
import hmac
import html
import json
import logging
import warnings
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatType, MessageLimit, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.channels.base import DELIVERED, Delivery, Gateway, Outcome, http_answer
from bot.clock import Clock
from bot.conversation.actions import MEDIA_DOCUMENT, MEDIA_DOWNLOAD_FAILED, MEDIA_TOO_LARGE, NAV_MENU, Action, Kind
from bot.i18n import Languages, pick_locale
from bot.messages import Address, Attachment, Inbound, Reply
from bot.storage.outbox import Parcel, SendLimits
from bot.storage.roles import Staff

CHANNEL = "telegram"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # catalog files admins send; anything larger is refused unread
MAX_CAPTION = 1024  # Telegram's photo caption limit
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1_000_000
MAX_CALLBACK_BYTES = 64
log = logging.getLogger(__name__)

_MEDIA = (
    ("photo", "photo"),
    ("voice", "voice"),
    ("audio", "voice"),
    ("sticker", "sticker"),
    ("location", "location"),
    ("venue", "location"),
    ("contact", "contact"),
    ("animation", "document"),
    ("video", "document"),
    ("video_note", "document"),
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


def outcome_of(exc: TelegramError) -> Delivery:
    """What a Bot API error means for the reply: wait, retry, or give up."""
    if isinstance(exc, RetryAfter):
        with warnings.catch_warnings():  # PTB 22 warns that this will become a timedelta; both are handled
            warnings.simplefilter("ignore")
            delay: Any = exc.retry_after
        seconds = delay.total_seconds() if isinstance(delay, dt.timedelta) else float(delay)
        return Delivery(Outcome.RETRY, "429", retry_after=seconds, whole_channel=True)
    if isinstance(exc, Forbidden):
        return Delivery(Outcome.REJECTED, "blocked")  # the user blocked the bot or left the group
    if isinstance(exc, ChatMigrated | BadRequest):
        return Delivery(Outcome.REJECTED, "bad_request")
    if isinstance(exc, TimedOut | NetworkError):
        return Delivery(Outcome.RETRY, "network")
    return Delivery(Outcome.RETRY, type(exc).__name__)


class TelegramChannel:
    """Turns Telegram updates into inbound messages and delivers parcels with the Bot API."""

    channel = CHANNEL
    max_text = int(MessageLimit.MAX_TEXT_LENGTH)
    paced = True

    def __init__(
        self,
        gateway: Gateway,
        languages: Languages,
        staff: Staff,
        clock: Clock,
        token: str,
        api_base_url: str,
        webhook: bool,
        limits: SendLimits,  # Telegram: 30 a second per bot, about one a second per chat (settings)
    ):
        self.gateway = gateway
        self.languages = languages
        self.staff = staff
        self.clock = clock
        self.limits = limits
        builder = Application.builder().token(token).base_url(api_base_url).base_file_url(file_base_url(api_base_url))
        if webhook:
            builder = builder.updater(None)
        self.application = builder.build()
        self.application.add_handler(TypeHandler(Update, self.on_update))

    # -- lifecycle ---------------------------------------------------------------------------

    async def setup(self, admins: list[str]) -> None:
        """Register the command menu in Vietnamese and English; admins see their tools too."""
        bot = self.application.bot
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
            await bot.set_my_commands(commands, language_code=language)
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
                    await bot.set_my_commands(admin_commands, scope=scope, language_code=language)

    async def start(self, admins: list[str], webhook_url: str = "", secret: str = "") -> None:
        """Initialise, register commands, and start polling (or register the webhook)."""
        await self.application.initialize()
        await self.setup(admins)
        await self.application.start()
        if webhook_url:
            await self.application.bot.set_webhook(
                url=webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
            )
        else:
            assert self.application.updater is not None
            await self.application.updater.start_polling(poll_interval=0.0, timeout=10)

    async def stop(self) -> None:
        """Stop polling and the application."""
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    # -- updates in --------------------------------------------------------------------------

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Long polling: every update goes to the gateway (PTB confirms it on the next fetch)."""
        inbound = await self.inbound(update)
        if inbound is not None:
            await self.gateway.submit(inbound)

    def _in_group(self, update: Update) -> bool:
        chat = update.effective_chat
        return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)

    def _addressed_text(self, update: Update, message: Message) -> str | None:
        """The text meant for the bot; in a group only commands and mentions count."""
        text = message.text or ""
        if not self._in_group(update):
            return text
        username = self.application.bot.username or ""
        mention = f"@{username}"
        if text.startswith("/"):
            command = text.split()[0]
            if "@" in command and not command.endswith(mention):
                return None  # a command for another bot
            return text.replace(mention, "")
        if username and mention.lower() in text.lower():
            start = text.lower().index(mention.lower())
            return (text[:start] + text[start + len(mention) :]).strip()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == self.application.bot.id:
            return text
        return None

    async def inbound(self, update: Update) -> Inbound | None:
        """The message an update carries for the engine, or None when it needs no answer."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return None
        address = Address(CHANNEL, str(user.id), str(chat.id))
        base: dict[str, Any] = {
            "locale_hint": user.language_code,
            "message_id": f"u{update.update_id}",
            "received_at": self.clock.now(),
        }
        query = update.callback_query
        if query is not None:
            version, _, payload = (query.data or "").partition("|")
            stale = version != self.gateway.version() or not payload
            tr = self.languages.get(pick_locale(user.language_code))
            held = query.message
            receipt = f"{query.id}|{held.message_id}" if held is not None else query.id
            notice = tr.gettext("This menu is out of date. Here is the current one.") if stale else None
            return Inbound(address, payload=NAV_MENU if stale else payload, receipt=receipt, notice=notice, **base)
        message = update.effective_message
        if message is None:
            return None
        if message.text is not None:
            text = self._addressed_text(update, message)
            return None if text is None else Inbound(address, text=text, **base)
        if self._in_group(update):
            return None
        if message.document is not None and message.animation is None:
            return await self._document(address, message, base)
        for attribute, kind in _MEDIA:
            if getattr(message, attribute, None):
                return Inbound(address, payload=Action(Kind.MEDIA, kind).payload, **base)
        return None

    async def _document(self, address: Address, message: Message, base: dict[str, Any]) -> Inbound:
        """A file: downloaded only from an admin (catalog updates), size-limited; others get the media answer."""
        document = message.document
        assert document is not None
        if not self.staff.is_admin(CHANNEL, address.user_id):
            return Inbound(address, payload=MEDIA_DOCUMENT, **base)
        if (document.file_size or 0) > MAX_UPLOAD_BYTES:
            return Inbound(address, payload=MEDIA_TOO_LARGE, **base)
        try:
            file = await document.get_file()
            content = bytes(await file.download_as_bytearray())
        except TelegramError:
            log.exception("could not download an admin's file")
            return Inbound(address, payload=MEDIA_DOWNLOAD_FAILED, **base)
        if len(content) > MAX_UPLOAD_BYTES:  # the size was not announced: refuse, never cut
            return Inbound(address, payload=MEDIA_TOO_LARGE, **base)
        attachment = Attachment(document.file_name or "upload", content, document.mime_type or "")
        return Inbound(address, document=attachment, **base)

    def route(self, secret: str) -> Route:
        """``POST /telegram``: answered once the update is stored (403 without the secret, 400 if malformed)."""

        async def receive(request: Request) -> Response:
            given = request.headers.get(SECRET_HEADER, "")
            if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
                return PlainTextResponse("forbidden", status_code=403)
            body = await request.body()
            if len(body) > MAX_BODY_BYTES:
                return PlainTextResponse("too large", status_code=413)
            try:
                data = json.loads(body)
                if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                    raise ValueError("not an update")
                update = Update.de_json(data, self.application.bot)
                inbound = await self.inbound(update) if update is not None else None
            except Exception:  # noqa: BLE001 - any malformed update is the sender's error, never a 500
                return PlainTextResponse("bad update", status_code=400)
            if inbound is None:
                return PlainTextResponse("ok")
            return http_answer(await self.gateway.submit(inbound), self.gateway.settings.retry_after)

        return Route("/telegram", receive, methods=["POST"])

    # -- parcels out -------------------------------------------------------------------------

    async def deliver(self, parcel: Parcel) -> Delivery:
        """Acknowledge the button press, or send one reply."""
        try:
            if parcel.receipt is not None:
                await self._acknowledge(parcel)
            if parcel.reply is not None:
                await self._send(parcel.address, parcel.reply, parcel.version)
        except TelegramError as exc:
            return outcome_of(exc)
        return DELIVERED

    async def _acknowledge(self, parcel: Parcel) -> None:
        """Stop the button's spinner (with the stale-menu note) and clear its old keyboard."""
        assert parcel.receipt is not None
        query_id, _, message_id = parcel.receipt.partition("|")
        bot = self.application.bot
        try:
            await bot.answer_callback_query(query_id, text=parcel.notice)
            if message_id.isdigit():  # one live menu at a time
                await bot.edit_message_reply_markup(parcel.address.chat_id, int(message_id), reply_markup=None)
        except BadRequest as exc:  # too old to answer, or already edited: nothing left to do
            log.debug("receipt not needed any more: %s", exc)

    async def _send(self, address: Address, reply: Reply, version: str) -> None:
        bot = self.application.bot
        if reply.image is not None:
            caption = reply.text[:MAX_CAPTION] or None
            await bot.send_photo(chat_id=address.chat_id, photo=reply.image.content, caption=caption)
            return
        await bot.send_message(
            chat_id=address.chat_id,
            text=html.escape(reply.text, quote=False),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply, version),
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )


__all__ = ["CHANNEL", "SECRET_HEADER", "TelegramChannel", "keyboard", "outcome_of"]

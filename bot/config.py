"""Settings: everything an operator can change, read once from the environment.

The composition root (:mod:`bot.app`) builds one :class:`Settings` and passes it on; no
module reads the environment by itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intents.router import Thresholds
from procedures.links import DEFAULT_ALLOWED_SUFFIXES

DEFAULT_DB_FILE = "dvcbot.db"
DEV_SALT = "dvcbot-development-salt"  # fine in a terminal; a public channel refuses to start with it


def parse_admins(value: str) -> frozenset[tuple[str, str]]:
    """Parse ``telegram:123, zalo:456`` into (channel, platform user id) pairs."""
    pairs = set()
    for part in value.split(","):
        channel, _, user_id = part.strip().partition(":")
        if channel.strip() and user_id.strip():
            pairs.add((channel.strip().lower(), user_id.strip()))
    return frozenset(pairs)


def handoff_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The live handoff's office hours and time-out: ``DVCBOT_HANDOFF_HOURS``, ``_WEEKDAYS``, ``_TIMEOUT_MINUTES``."""
    return {
        "handoff_hours": env.get("DVCBOT_HANDOFF_HOURS", "07:30-11:30,13:30-17:00"),
        "handoff_weekdays": env.get("DVCBOT_HANDOFF_WEEKDAYS", "0-4"),
        "handoff_timeout_minutes": float(env.get("DVCBOT_HANDOFF_TIMEOUT_MINUTES", "30")),
    }


def web_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The web chat's settings: ``DVCBOT_WEB_CHAT``, ``DVCBOT_WEB_ORIGINS``, ``DVCBOT_WEB_TRUSTED_PROXIES`` …."""
    origins = tuple(part.strip() for part in env.get("DVCBOT_WEB_ORIGINS", "").split(",") if part.strip())
    return {
        "web_chat": env.get("DVCBOT_WEB_CHAT", "").strip().lower() in ("1", "true", "yes", "on"),
        "web_origins": origins,
        "web_trusted_proxies": env.get("DVCBOT_WEB_TRUSTED_PROXIES", "127.0.0.1"),
        "web_token_days": int(env.get("DVCBOT_WEB_TOKEN_DAYS", "30")),
    }


@dataclass(frozen=True)
class RouterThresholds:
    """The router's decision thresholds an operator may override; the defaults live in the router only."""

    match: float = Thresholds.match  # confidence at or above which the top candidate is taken
    no_match: float = Thresholds.no_match  # confidence below which the message is out of scope
    margin: float = Thresholds.margin  # a runner-up this close to the top makes the decision ambiguous


@dataclass(frozen=True)
class Settings:
    """Runtime configuration of one bot process."""

    database_url: str = f"sqlite:///{DEFAULT_DB_FILE}"
    default_locale: str = "vi"
    idle_minutes: int = 60
    max_text_chars: int = 2000
    user_salt: str = DEV_SALT
    allowed_link_suffixes: tuple[str, ...] = DEFAULT_ALLOWED_SUFFIXES
    contacts_file: Path | None = None
    catalog_dir: Path | None = None
    listing_file: Path | None = None
    cache_dir: str = ""  # start-up cache: "" next to the SQLite file (or the user's cache), "off", or a folder
    router: RouterThresholds = field(default_factory=RouterThresholds)
    telegram_token: str = ""
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str = ""
    telegram_webhook_secret: str = ""
    web_host: str = "0.0.0.0"
    web_port: int = 8080
    zalo_app_id: str = ""
    zalo_oa_secret_key: str = ""
    zalo_access_token: str = ""
    zalo_refresh_token: str = ""
    zalo_app_secret: str = ""
    zalo_api_base_url: str = "https://openapi.zalo.me"
    zalo_oauth_base_url: str = "https://oauth.zaloapp.com"
    admins: frozenset[tuple[str, str]] = frozenset()  # (channel, platform user id)
    timezone: str = "Asia/Ho_Chi_Minh"  # days in statistics and reminder dates are local days
    raw_text_days: int = 30  # redacted message text is purged after this many days; counts stay
    catalog_reload_seconds: float = 5.0  # how often each process checks for a new catalog version
    reminder_days: int = 3  # the "remind me in N days" offered at the end of a guide
    stale_days: int = 180  # entries whose last_verified is older are listed as stale
    digest_day: str = "mon"  # weekly admin digest (APScheduler day_of_week) ...
    digest_hour: int = 8  # ... at this local hour
    backlog_limit: int = 10_000  # stored messages waiting before webhooks answer 503 + Retry-After
    reply_max_age_hours: float = 24.0  # an undelivered reply older than this is dropped (with an event)
    flood_burst: int = 10  # messages a sender may send at once ...
    flood_rate: float = 1.0  # ... then this many a second; faster ones wait their turn ...
    flood_max_delay: float = 30.0  # ... up to this many seconds, then are refused with one notice
    telegram_send_rate: int = 30  # messages a second for the whole bot (Telegram's cap)
    zalo_send_rate: int = 20  # no official figure; the community reports 20 requests a second
    chat_burst: int = 4  # messages to one chat within a second ...
    chat_per_10s: int = 12  # ... and within ten seconds (about one a second sustained)
    web_chat: bool = False  # serve the web chat (/chat and /widget.js) on WEB_HOST:WEB_PORT
    web_origins: tuple[str, ...] = ()  # sites allowed to embed the widget (CORS, frame-ancestors)
    web_trusted_proxies: str = "127.0.0.1"  # proxies whose X-Forwarded-For names the client (uvicorn's list)
    web_token_days: int = 30  # a web conversation unused this long starts afresh
    console: bool = False  # serve the officer console (/console) on WEB_HOST:WEB_PORT, behind HTTPS
    console_session_hours: float = 8.0  # a console sign-in lasts this long (and ends after 2 idle hours)
    handoff_hours: str = "07:30-11:30,13:30-17:00"  # live handoff: local office hours ("" = always)
    handoff_weekdays: str = "0-4"  # ... on these weekdays (0 = Monday)
    handoff_timeout_minutes: float = 30.0  # a held conversation the officer leaves idle returns to the bot
    fault: str = ""  # crash tests only: e.g. "after-commit:3" (see bot/faults.py)

    @property
    def public(self) -> bool:
        """Whether the bot serves more than a local terminal (a messenger token, the web chat, the console)."""
        return bool(self.telegram_token) or self.zalo_enabled or self.web_chat or self.console

    def unsafe(self) -> list[str]:
        """What makes these settings unfit for serving the public (empty when fine)."""
        problems = []
        if self.public and self.user_salt == DEV_SALT:
            problems.append(
                "DVCBOT_USER_SALT is the development salt: set a long random secret before serving a channel "
                "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))'). Changing it later "
                "separates old conversations from their users."
            )
        return problems

    @property
    def zalo_enabled(self) -> bool:
        """Zalo runs when the app id, OA secret key and a token are configured."""
        return bool(
            self.zalo_app_id and self.zalo_oa_secret_key and (self.zalo_access_token or self.zalo_refresh_token)
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables (``DATABASE_URL``, ``TELEGRAM_BOT_TOKEN`` ...)."""
        env = os.environ if env is None else env
        suffixes = tuple(
            part.strip().lower() for part in env.get("ALLOWED_LINK_DOMAINS", "").split(",") if part.strip()
        )
        router = RouterThresholds(
            match=float(env.get("ROUTER_MATCH_THRESHOLD", RouterThresholds.match)),
            no_match=float(env.get("ROUTER_NO_MATCH_THRESHOLD", RouterThresholds.no_match)),
            margin=float(env.get("ROUTER_AMBIGUITY_MARGIN", RouterThresholds.margin)),
        )
        return cls(
            database_url=env.get("DATABASE_URL", cls.database_url),
            default_locale=env.get("DVCBOT_LOCALE", cls.default_locale),
            idle_minutes=int(env.get("DVCBOT_IDLE_MINUTES", cls.idle_minutes)),
            max_text_chars=int(env.get("DVCBOT_MAX_TEXT_CHARS", cls.max_text_chars)),
            user_salt=env.get("DVCBOT_USER_SALT", cls.user_salt),
            allowed_link_suffixes=suffixes or DEFAULT_ALLOWED_SUFFIXES,
            contacts_file=Path(env["DVCBOT_CONTACTS_FILE"]) if env.get("DVCBOT_CONTACTS_FILE") else None,
            catalog_dir=Path(env["DVCBOT_CATALOG_DIR"]) if env.get("DVCBOT_CATALOG_DIR") else None,
            listing_file=Path(env["DVCBOT_LISTING_FILE"]) if env.get("DVCBOT_LISTING_FILE") else None,
            cache_dir=env.get("DVCBOT_CACHE_DIR", ""),
            router=router,
            telegram_token=env.get("TELEGRAM_BOT_TOKEN", ""),
            telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL", cls.telegram_api_base_url),
            telegram_webhook_url=env.get("TELEGRAM_WEBHOOK_URL", ""),
            telegram_webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET", ""),
            web_host=env.get("WEB_HOST", cls.web_host),
            web_port=int(env.get("WEB_PORT", cls.web_port)),
            zalo_app_id=env.get("ZALO_APP_ID", ""),
            zalo_oa_secret_key=env.get("ZALO_OA_SECRET_KEY", ""),
            zalo_access_token=env.get("ZALO_ACCESS_TOKEN", ""),
            zalo_refresh_token=env.get("ZALO_REFRESH_TOKEN", ""),
            zalo_app_secret=env.get("ZALO_APP_SECRET", ""),
            zalo_api_base_url=env.get("ZALO_API_BASE_URL", cls.zalo_api_base_url),
            zalo_oauth_base_url=env.get("ZALO_OAUTH_BASE_URL", cls.zalo_oauth_base_url),
            admins=parse_admins(env.get("DVCBOT_ADMINS", "")),
            timezone=env.get("DVCBOT_TIMEZONE", cls.timezone),
            raw_text_days=int(env.get("DVCBOT_RAW_TEXT_DAYS", cls.raw_text_days)),
            catalog_reload_seconds=float(env.get("DVCBOT_CATALOG_RELOAD_SECONDS", cls.catalog_reload_seconds)),
            reminder_days=int(env.get("DVCBOT_REMINDER_DAYS", cls.reminder_days)),
            stale_days=int(env.get("DVCBOT_STALE_DAYS", cls.stale_days)),
            digest_day=env.get("DVCBOT_DIGEST_DAY", cls.digest_day),
            digest_hour=int(env.get("DVCBOT_DIGEST_HOUR", cls.digest_hour)),
            backlog_limit=int(env.get("DVCBOT_BACKLOG_LIMIT", cls.backlog_limit)),
            reply_max_age_hours=float(env.get("DVCBOT_REPLY_MAX_AGE_HOURS", cls.reply_max_age_hours)),
            flood_burst=int(env.get("DVCBOT_FLOOD_BURST", cls.flood_burst)),
            flood_rate=float(env.get("DVCBOT_FLOOD_RATE", cls.flood_rate)),
            flood_max_delay=float(env.get("DVCBOT_FLOOD_MAX_DELAY", cls.flood_max_delay)),
            telegram_send_rate=int(env.get("TELEGRAM_SEND_RATE", cls.telegram_send_rate)),
            zalo_send_rate=int(env.get("ZALO_SEND_RATE", cls.zalo_send_rate)),
            chat_burst=int(env.get("DVCBOT_CHAT_BURST", cls.chat_burst)),
            chat_per_10s=int(env.get("DVCBOT_CHAT_PER_10S", cls.chat_per_10s)),
            **web_settings(env),
            console=env.get("DVCBOT_CONSOLE", "").strip().lower() in ("1", "true", "yes", "on"),
            console_session_hours=float(env.get("DVCBOT_CONSOLE_SESSION_HOURS", cls.console_session_hours)),
            **handoff_settings(env),
            fault=env.get("DVCBOT_FAULT", ""),
        )

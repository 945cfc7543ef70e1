"""Settings: everything an operator can change, read once from the environment.

The composition root (:mod:`bot.app`) builds one :class:`Settings` and passes it on; no
module reads the environment by itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from procedures.links import DEFAULT_ALLOWED_SUFFIXES

DEFAULT_DB_FILE = "dvcbot.db"


def parse_admins(value: str) -> frozenset[tuple[str, str]]:
    """Parse ``telegram:123, zalo:456`` into (channel, platform user id) pairs."""
    pairs = set()
    for part in value.split(","):
        channel, _, user_id = part.strip().partition(":")
        if channel.strip() and user_id.strip():
            pairs.add((channel.strip().lower(), user_id.strip()))
    return frozenset(pairs)


@dataclass(frozen=True)
class RouterThresholds:
    """Decision thresholds of the intent router, calibrated on the dev set (see docs)."""

    match: float = 0.6  # confidence at or above which the top candidate is taken
    no_match: float = 0.48  # confidence below which the message is out of scope
    margin: float = 0.07  # a runner-up this close to the top makes the decision ambiguous


@dataclass(frozen=True)
class Settings:
    """Runtime configuration of one bot process."""

    database_url: str = f"sqlite:///{DEFAULT_DB_FILE}"
    default_locale: str = "vi"
    idle_minutes: int = 60
    max_text_chars: int = 2000
    user_salt: str = "dvcbot-development-salt"
    allowed_link_suffixes: tuple[str, ...] = DEFAULT_ALLOWED_SUFFIXES
    contacts_file: Path | None = None
    catalog_dir: Path | None = None
    listing_file: Path | None = None
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
        )

"""Language: gettext catalogs chosen per user, and babel formatting of money, numbers and dates.

Source strings are English; ``bot/locales/vi`` carries the Vietnamese catalog, which is the
default language. Translations are looked up per conversation -- never installed process
wide -- so two users in two languages can be served by one process at once.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from dataclasses import dataclass, field
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
SUPPORTED = ("vi", "en")


def N_(message: str) -> str:
    """Mark a string for extraction where it is translated later (labels inside f-strings)."""
    return message


# Labels translated at run time inside f-strings, which the extractor cannot see into.
FIELD_LABELS = (
    N_("Agency"),
    N_("Fee"),
    N_("Hotline"),
    N_("How to submit"),
    N_("Level"),
    N_("Online service"),
    N_("Papers (as listed on the portal)"),
    N_("Processing time"),
    N_("Sector"),
    N_("Where"),
    N_("Who"),
    N_("code"),
    N_("form"),
    N_("level"),
)


def pick_locale(hint: str | None, default: str = "vi") -> str:
    """Map a platform language code ("en-US", "vi") to a supported locale."""
    if hint:
        base = hint.replace("_", "-").split("-")[0].lower()
        if base in SUPPORTED:
            return base
    return default


def _load(locale: str, directory: Path) -> gettext.NullTranslations:
    """Load the compiled catalog; compile the .po in memory if ``make install`` has not."""
    mo_file = directory / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    po_file = mo_file.with_suffix(".po")
    if mo_file.exists() and (not po_file.exists() or mo_file.stat().st_mtime >= po_file.stat().st_mtime):
        return Translations.load(str(directory), [locale], DOMAIN)
    if po_file.exists():
        with po_file.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return Translations(fp=buffer, domain=DOMAIN)
    return gettext.NullTranslations()


@dataclass(frozen=True)
class Translator:
    """Gettext and formatting for one locale."""

    locale: str
    translations: gettext.NullTranslations = field(repr=False)

    def gettext(self, message: str) -> str:
        """Translate a message."""
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """Translate a message with a count."""
        return self.translations.ngettext(singular, plural, count)

    def money(self, amount_vnd: int) -> str:
        """Format a VND amount: "50.000 ₫" in Vietnamese, "₫50,000" in English; 0 is "free"."""
        if amount_vnd == 0:
            return self.gettext("Free")
        return format_currency(amount_vnd, "VND", locale=self.locale)

    def number(self, value: float) -> str:
        """Format a number for the locale ("1,5" in Vietnamese)."""
        return format_decimal(value, locale=self.locale)

    def date(self, value: dt.date) -> str:
        """Format a date as dd/MM/yyyy in Vietnamese and the medium form in English."""
        if self.locale == "vi":
            return format_date(value, "dd/MM/yyyy", locale="vi")
        return format_date(value, "medium", locale=self.locale)


class Languages:
    """All supported translators, loaded once at start-up and shared."""

    def __init__(self, directory: Path = LOCALES_DIR, default: str = "vi"):
        self.default = default
        self._by_locale = {locale: Translator(locale, _load(locale, directory)) for locale in SUPPORTED}

    def get(self, locale: str | None) -> Translator:
        """The translator for ``locale`` (falls back to the default)."""
        return self._by_locale.get(locale or self.default, self._by_locale[self.default])

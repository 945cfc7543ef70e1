"""Language: Vietnamese by default, English on request, babel formatting."""

from __future__ import annotations

import datetime as dt

from bot.i18n import Languages, pick_locale


def test_vietnamese_catalog_is_loaded_and_complete() -> None:
    vi = Languages().get("vi")
    assert vi.gettext("Next") == "Tiếp theo"
    assert vi.gettext("Step {number}/{total}").format(number=2, total=6) == "Bước 2/6"


def test_money_and_dates_follow_the_locale() -> None:
    languages = Languages()
    assert languages.get("vi").money(50_000) == "50.000\xa0₫"
    assert languages.get("en").money(50_000) == "₫50,000"
    assert languages.get("vi").money(0) == "Miễn phí"
    assert languages.get("en").money(0) == "Free"
    assert languages.get("vi").date(dt.date(2026, 12, 31)) == "31/12/2026"


def test_platform_language_codes() -> None:
    assert pick_locale("en-US") == "en"
    assert pick_locale("vi") == "vi"
    assert pick_locale("fr") == "vi"
    assert pick_locale(None, default="en") == "en"


def test_every_message_in_the_code_has_a_vietnamese_translation() -> None:
    """Including gettext calls inside f-strings, which babel's own extractor misses on 3.11."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    from bot.message_extractor import extract

    root = Path(__file__).resolve().parent.parent
    with (root / "bot/locales/vi/LC_MESSAGES/messages.po").open("rb") as handle:
        translated = {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in read_po(handle) if m.id}
    keywords = {"gettext": None, "ngettext": (1, 2), "N_": None}
    missing = []
    for path in sorted([*(root / "bot").rglob("*.py"), *(root / "procedures").rglob("*.py")]):
        with path.open("rb") as handle:
            for _line, _function, message, _comments in extract(handle, keywords, (), {}):
                msgid = message if isinstance(message, str) else (message or (None,))[0]
                if msgid and not translated.get(msgid):
                    missing.append(f"{path.name}: {msgid}")
    assert not missing, missing

"""The web chat's own texts (button titles, labels, the privacy notice), per language.

The page's script holds no text of its own: it receives these from the server, translated with
the same gettext catalogs as the bot's replies (English msgids, Vietnamese in
``bot/locales/vi``), so ``make translations`` and ``tests/test_i18n.py`` cover them too.
"""

from __future__ import annotations

from bot.i18n import N_, SUPPORTED, Languages

ENDONYMS = {"vi": "Tiếng Việt", "en": "English"}
# (key the page uses, English msgid)
TEXTS = (
    ("title", N_("Public services assistant")),
    ("open", N_("Open the public services chat")),
    ("close", N_("Close the chat")),
    ("log", N_("Conversation")),
    ("input", N_("Your question")),
    ("placeholder", N_("Type your question, e.g. where do I get an ID card")),
    ("send", N_("Send")),
    (
        "privacy",
        N_(
            "Please do not send your ID card (CCCD) number, phone number, address or other personal "
            "details. This assistant only explains procedures; it cannot see your applications."
        ),
    ),
    ("switch_label", N_("Change the language")),
    ("you", N_("You")),
    ("bot", N_("Assistant")),
    ("offline", N_("Reconnecting…")),
    ("error", N_("The message could not be sent. Please try again.")),
    ("new_tab", N_("(opens in a new tab)")),
)


def ui_texts(languages: Languages, locale: str) -> dict[str, str]:
    """Every text of the page in ``locale`` (the default language for an unknown one)."""
    tr = languages.get(locale if locale in SUPPORTED else None)
    texts = {key: tr.gettext(message) for key, message in TEXTS}
    texts["lang"] = tr.locale
    texts["other"] = "en" if tr.locale == "vi" else "vi"
    # A language is offered by its own name, whatever the page's language (an endonym).
    texts["switch"] = ENDONYMS[texts["other"]]
    return texts


__all__ = ["TEXTS", "ui_texts"]

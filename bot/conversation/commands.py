"""Typed commands: what "tiep", "quay lai", "2", "menu", "thoat", "english" mean.

Many users type rather than tap, so every button also works typed. A message is a command
only when the whole message is one of these phrases (after folding diacritics), so that a
question such as "hướng dẫn làm căn cước" is never mistaken for a command. Slash commands
(/start, /help, /menu, /lang, /cancel) are the same commands in Telegram's style.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from bot.conversation.actions import (
    ANS_NO,
    ANS_YES,
    CMD_START,
    LANG_EN,
    LANG_VI,
    NAV_BACK,
    NAV_DOCS,
    NAV_EXIT,
    NAV_HELP,
    NAV_LANG,
    NAV_MENU,
    NAV_NEXT,
    NAV_RESUME,
    NAV_STUCK,
    RATE_DOWN,
    RATE_UP,
    STAFF_REMINDERS,
    Kind,
    payload,
)
from intents.normalize import fold

_WORDS: dict[str, tuple[str, ...]] = {
    NAV_NEXT: (
        "tiep",
        "tiep theo",
        "tiep tuc",
        "buoc tiep",
        "buoc tiep theo",
        "next",
        "continue",
        "xong",
        "ok",
        "oke",
        "okay",
        "da xong",
        "lam xong roi",
    ),
    NAV_BACK: ("quay lai", "lui", "lui lai", "tro lai", "buoc truoc", "back", "previous"),
    NAV_DOCS: (
        "giay to",
        "giay to can chuan bi",
        "ho so can chuan bi",
        "chuan bi gi",
        "papers",
        "documents",
        "checklist",
    ),
    NAV_STUCK: (
        "vuong",
        "bi vuong",
        "toi bi vuong",
        "stuck",
        "i am stuck",
        "i'm stuck",
        "can giup",
        "can nguoi giup",
        # the person button's own label ("Nhờ người hỗ trợ" / "Talk to a person"), typed with no
        # button on screen: a first message copies what a neighbour or a poster said to tap
        "nho nguoi ho tro",
        "can nguoi ho tro",
        "talk to a person",
        # confusion in a guide is being stuck: help from a person, not "I have no information"
        "khong hieu",
        "ko hieu",
        "k hieu",
        "hong hieu",
        "hok hieu",
        "chua hieu",
        "toi khong hieu",
        "khong hieu gi",
        "kho qua",
        "kho hieu qua",
        "hong biet",
        "khong biet lam",
        "khong biet lam sao",
        "i dont understand",
        "i do not understand",
        "confused",
    ),
    NAV_EXIT: (
        "thoat",
        "huy",
        "exit",
        "quit",
        "stop",
        "cancel",
        "/cancel",
        "/stop",
        "thoi khong lam nua",
        "khong lam nua",
        "thoi bo",
        # "thôi" with no question waiting: leave (a paused guide too); at an offer it is a no (NO_WORDS)
        "thoi",
        "thoi nghi",
    ),
    NAV_MENU: (
        "menu",
        "/menu",
        "danh muc",
        "danh sach",
        "trang chu",
        "main menu",
        "bat dau lai",
        "lam lai tu dau",
        "hoi cai khac",
        "hoi thu tuc khac",
        "start over",
        "start again",
        "restart",
        "new question",
    ),
    # Typed like the "Hướng dẫn từng bước" button: the card's guide, the step at hand, or the paused one.
    NAV_RESUME: (
        "huong dan tung buoc",
        "tung buoc",
        "cac buoc",
        "xem cac buoc",
        "step by step",
        "steps",
        "show steps",
        "show me the steps",
        "step by step guide",
        # "how is it done?" typed under a card (out of the blue: no guide is open, said so)
        "cac buoc lam",
        "cac buoc thuc hien",
        "thu tuc ntn",
        "thu tuc the nao",
        "thu tuc nhu the nao",
        "lam the nao",
        "lam ntn",
        "lam nhu the nao",
        "how do i do it",
    ),
    # "I don't understand": what the bot can do, with the place kept (it had said "no information")
    NAV_HELP: (
        "/help",
        "help",
        "tro giup",
        "khong hieu",
        "ko hieu",
        "toi khong hieu",
        "toi ko hieu",
        "em khong hieu",
        "em ko hieu",
        "chua hieu",
        "i don't understand",
        "i dont understand",
    ),
    CMD_START: ("/start", "start", "bat dau"),
    LANG_EN: ("english", "tieng anh", "en", "in english"),
    LANG_VI: ("tieng viet", "vietnamese", "vi", "tieng viet nam"),
    NAV_LANG: ("/lang", "/language", "doi ngon ngu", "language"),
    STAFF_REMINDERS: ("nhac nho", "lich nhac", "xem nhac nho", "my reminders", "reminders"),
}
# "I don't know" (folded): at a guide's question, help from a person; at "which of these is your
# ward now?" (whereabouts), who would know.
UNSURE_WORDS = frozenset(
    {"khong biet", "ko biet", "k biet", "kh biet", "hong biet", "hok biet", "chua biet", "khong biet nua"}
    | {"ko biet nua", "khong ro", "ko ro", "khong chac", "chiu", "not sure", "no idea", "idk"}
    | {"i don't know", "i dont know", "dont know", "i do not know"}
)
_ANSWERS: dict[str, tuple[str, ...]] = {
    ANS_YES: ("co", "co roi", "da co", "roi", "yes", "y", "vang", "da", "u", "uh", "uk", "ok co"),
    ANS_NO: ("chua", "chua co", "khong", "ko", "k", "no", "n", "khong co", "not yet", "chua a"),
    # Not knowing the answer to a guide's question is being stuck: help from a person, the step kept.
    NAV_STUCK: tuple(sorted(UNSURE_WORDS)),
}
# Commands with an argument, handled by the helper and admin desks (and reminders for everyone).
STAFF_COMMANDS = frozenset(
    {"/invite", "/join", "/session", "/done", "/myreport", "/stats", "/catalog", "/reminders", "/helpers"}
)
_RATINGS = {"👍": RATE_UP, "👎": RATE_DOWN}
_PUNCTUATION = re.compile(r"[^\w\s/']+")

# "bà ko biết dùng điện thoại": someone who cannot use a phone or do it online needs a person (the
# one-stop desk, the community digital-technology team), said by whoever types it.
_CANNOT_GO_ONLINE = (
    "khong biet dung dien thoai",
    "ko biet dung dien thoai",
    "k biet dung dien thoai",
    "khong biet dung dt",
    "ko biet dung dt",
    "khong biet xai dien thoai",
    "ko biet xai dien thoai",
    "khong ranh dien thoai",
    "khong biet lam online",
    "ko biet lam online",
    "khong biet lam tren mang",
    "ko biet lam tren mang",
    "khong biet dung may tinh",
    "ko biet dung may tinh",
)
# "vẫn không đăng nhập được" after the steps: still failing is being stuck (the login card again helps nobody).
_STILL_FAILING = (
    *(f"{still} {no} {verb}" for still in ("van", "roi ma van", "lam roi ma van") for no in ("khong", "ko", "k")
      for verb in ("duoc", "dang nhap duoc", "vao duoc", "lam duoc")),
    *(f"{still} {error}" for still in ("van", "roi ma van", "lam roi ma van") for error in ("loi", "bi loi")),
)  # fmt: skip
_SPEAKERS = ("", "toi ", "tui ", "em ", "ba ", "me ", "bac ", "chau ", "minh ", "ong ", "co ", "chu ", "di ")
_WORDS[NAV_STUCK] += tuple(speaker + words for speaker in _SPEAKERS for words in _CANNOT_GO_ONLINE + _STILL_FAILING)
_WORDS[NAV_STUCK] += ("still cannot log in", "still can't log in", "still cant log in", "i still cannot log in")
_WORDS[NAV_STUCK] += ("still not working", "still doesn't work", "still does not work", "it still doesn't work")
_WORDS[NAV_STUCK] += ("i cant use a smartphone", "i can't use a smartphone", "i cannot use a smartphone")
COMMAND_PHRASES = {phrase: payload for payload, phrases in _WORDS.items() for phrase in phrases}
ANSWER_PHRASES = {phrase: payload for payload, phrases in _ANSWERS.items() for phrase in phrases}


# Shorthand a citizen types for "yes" and "no" (folded, punctuation dropped). ``ANSWER_PHRASES``
# holds the guide's own answers; these add chat forms.
YES_WORDS = frozenset(
    {
        "dc",
        "duoc",
        "duoc a",
        "ok",
        "oke",
        "oki",
        "okie",
        "okay",
        "u",
        "uh",
        "uk",
        "um",
        "uhm",
        "vang",
        "vang a",
        "da",
        "da vang",
        "da co",
        "da duoc",
        "co a",
        "co nhe",
        "yes",
        "yep",
        "yeah",
        "sure",
        "y",
        "roi",
        "co",
        "co roi",
        "muon",
        "co muon",
        "phai",
        "da phai",
        "phai roi",
    }
)
NO_WORDS = frozenset(
    {
        "ko",
        "k",
        "kg",
        "khong",
        "khong a",
        "hok",
        "hong",
        "khum",
        "hem",
        "hum",
        "k co",
        "ko co",
        "khong co",
        "no",
        "nope",
        "n",
        "chua",
        "chua a",
        "chua co",
        "thoi",
        "thoi khong",
        "khong muon",
        "ko muon",
        "da khong",
        "khong can",
        "ko can",
        "not yet",
        "khong phai",
        "ko phai",
        "k phai",
        "hong phai",
        "hok phai",
        "khong phai a",
    }
)
# At a guide's question, "thôi" is leaving the guide; at an offer ("Bạn có muốn …?") it is a no.
QUIT_WORDS = frozenset(phrase for phrase in _WORDS[NAV_EXIT] if phrase.startswith(("thoi", "khong lam")))


# An item of a shown list named by its number: "số 3", "cái thứ 3", "mục 2", "chọn 1", "number 2".
_ORDINAL = re.compile(r"(?:chon |lay )?(?:so |cai thu |cai so |cai |thu |muc |y |option |number |no )(\d{1,2})")

MAX_NUMBER_DIGITS = 9


def number(text: str) -> int | None:
    """A small non-negative whole number typed or carried by a button ("3", " 12 "), else None.

    Button payloads and typed commands come from outside: "9" * 5000 or a non-ASCII digit
    ("²", "٣") must never reach ``int()`` unchecked.
    """
    text = text.strip()
    if not text or len(text) > MAX_NUMBER_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


# "đúng" (right) and "dừng" (stop) fold to the same "dung": only the typed marks tell them apart.
_DUNG = frozenset({"dung", "dung roi", "dung lai"})


def dung(text: str) -> str | None:
    """What a typed "dung" stands for: ANS_YES for "đúng", NAV_EXIT for "dừng", None when unmarked.

    Also None for anything else. "dừng lại" and "đúng rồi" say it without marks too.
    """
    simple = simplify(text)
    if simple not in _DUNG:
        return None
    typed = unicodedata.normalize("NFC", text.lower())
    if "ừ" in typed or simple == "dung lai":
        return NAV_EXIT
    if "ú" in typed or simple == "dung roi":
        return ANS_YES
    return None


def simplify(text: str) -> str:
    """Fold, drop punctuation and collapse spaces ("Quay lại!" -> "quay lai").

    A phone's typographic apostrophe ("I don’t understand", the default on iOS) is the plain one.
    """
    return " ".join(_PUNCTUATION.sub(" ", fold(text.replace("\u2019", "'").replace("\u2018", "'"))).split())


def parse(text: str, options: list[str], awaiting_answer: bool, labels: Sequence[str] = ()) -> str | None:
    """The payload a typed message stands for, or None when it is free text to route.

    ``options`` are the payloads last offered (a typed number picks one, and so does typing an
    option's label: ``labels``, compared simplified, where a channel shows options as a numbered list);
    ``awaiting_answer`` makes "có"/"chưa" answers rather than words of a question.
    """
    stripped = text.strip()
    if stripped in _RATINGS:
        return _RATINGS[stripped]
    simple = simplify(stripped)
    if options and (ordinal := _ORDINAL.fullmatch(simple)):  # "số 3", "cái thứ 3", "number 2"
        simple = ordinal.group(1)
    if simple.isdigit():
        picked = number(simple)
        if picked is not None and 1 <= picked <= len(options):
            return options[picked - 1]
        return None
    simple_labels = [simplify(label) for label in labels]
    if simple and simple in simple_labels and len(labels) == len(options):
        return options[simple_labels.index(simple)]
    if simple in _DUNG:  # a plain "dung" is neither: it is read as text
        meant = dung(stripped)
        return meant if meant != ANS_YES or awaiting_answer else None
    if awaiting_answer and simple in ANSWER_PHRASES:
        return ANSWER_PHRASES[simple]
    if simple.startswith("/"):
        command = simple.split()[0].split("@")[0]
        if command in STAFF_COMMANDS:
            # The argument keeps its accents: it may be a commune name ("/invite Tân Lập").
            parts = stripped.split(maxsplit=1)
            return payload(Kind.STAFF, command[1:], parts[1].strip() if len(parts) > 1 else "")
        return COMMAND_PHRASES.get(command, payload(Kind.UNKNOWN, command))
    return COMMAND_PHRASES.get(simple)


def yes_or_no(text: str) -> bool | None:
    """True for a typed yes, False for a typed no, None for anything else."""
    simple = simplify(text)
    if simple in YES_WORDS or ANSWER_PHRASES.get(simple) == ANS_YES or dung(text) == ANS_YES:
        return True
    if simple in NO_WORDS or ANSWER_PHRASES.get(simple) == ANS_NO:
        return False
    return None

"""The bot's fixed replies: menus, greeting, help, "did you mean", and polite dead ends.

Functions of the turn (or just the translator): the engine decides *when* to say these,
this module says *what*. Every text goes through gettext with an English msgid; the
Vietnamese is in ``bot/locales``.
"""

from __future__ import annotations

from dataclasses import replace

from bot.conversation.actions import NAV_MENU, NAV_REPHRASE, NAV_RESUME, NAV_STUCK, Action, Kind, payload
from bot.conversation.answers import asked_phrase
from bot.conversation.commands import number, yes_or_no
from bot.conversation.contacts import Contacts
from bot.conversation.live import Snapshot
from bot.conversation.state import ConversationState, Mode
from bot.conversation.turn import Turn
from bot.i18n import N_, Translator
from bot.messages import Link, Option, Reply, ReplyKind, shorten
from bot.storage.events import EventType
from intents.facets import Facet, read_facet
from intents.index import IntentKind
from intents.router import Decision, Verdict
from procedures.referrals import Referral, Referrals

# General intents a "did you mean" may offer (small talk never needs asking about).
ASKABLE = {
    "human": N_("Talk to a person (commune office, community technology team)"),
    "help": N_("What this bot can help with"),
}


CHOICE_CHARS = 150  # one choice of "did you mean", on a phone screen


def ask_which(turn: Turn, decision: Decision) -> Reply:
    """Ask "Ý bạn là: 1) … 2) …" for an ambiguous decision (one candidate: a yes/no question).

    A request for a person or for help is offered like a procedure when it leads ("is there
    someone who comes to the house?" must not become "Did you mean: death registration?").
    """
    top = decision.candidates[0]
    close = [c for c in decision.candidates if top.score - c.score < 2 * turn.snap.router.thresholds.margin]
    close = [c for c in close if c.kind is not IntentKind.GENERAL or c.intent in ASKABLE] or close[:1]
    return ask_between(turn, [candidate.intent for candidate in close[:3]])


def distinct_labels(names: list[str], limit: int = 60) -> list[str]:
    """Button labels for ``names``; two that would read alike keep their ending "(…)" instead.

    "Cấp thẻ thường trú cho người nước ngoài tại Việt Nam (thực hiện tại cấp tỉnh)" and its
    "(… cấp trung ương)" sibling differ only in the part a short label cuts off.
    """
    short = [shorten(name, limit) for name in names]
    labels = list(short)
    for position, name in enumerate(names):
        tail = name[name.rfind("(") :] if name.endswith(")") and "(" in name else ""
        if tail and short.count(short[position]) > 1 and len(tail) < limit - 10:
            labels[position] = f"{shorten(name[: -len(tail)].rstrip(), limit - len(tail) - 1)} {tail}"
    alike = list(labels)
    for position, name in enumerate(names):
        twins = [other for other, label in zip(names, alike, strict=True) if label == alike[position]]
        if len(twins) > 1:  # still alike: show where they part ("… quản lý và cơ sở nuôi…" / "… từ 02 tỉnh…")
            labels[position] = _parting(name, twins, limit)
    return labels


def _parting(name: str, twins: list[str], limit: int) -> str:
    """A label for ``name`` that starts a little before the first word where it parts from ``twins``."""
    words = name.split()
    split = [twin.split() for twin in twins]
    same = next((n for n in range(len(words)) if any(other[n : n + 1] != words[n : n + 1] for other in split)), 0)
    start = max(same - 2, 0)
    return shorten(f"{' '.join(words[: min(2, start)])} … {' '.join(words[start:])}" if start else name, limit)


def ask_between(turn: Turn, intents: list[str]) -> Reply:
    """Ask "Did you mean: 1) … 2) …" over these intents (one: a yes/no question); also asked again."""
    tr = turn.tr
    if len(intents) == 1:
        text = tr.gettext("Did you mean: {name}?").format(name=label(turn, intents[0]))
        options = (
            Option(tr.gettext("Yes"), payload(Kind.PICK, intents[0])),
            Option(tr.gettext("No, show the menu"), NAV_MENU),
        )
        return Reply(text, options, kind=ReplyKind.QUESTION, yes_no=(payload(Kind.PICK, intents[0]), NAV_REPHRASE))
    lines = [tr.gettext("Did you mean:")]
    choices: list[Option] = []
    names = [label(turn, intent) for intent in intents]
    for position, (intent, name, button) in enumerate(zip(intents, names, distinct_labels(names), strict=True), 1):
        lines.append(f"{position}) {shorten(name, CHOICE_CHARS)}")  # some official names run to 300 characters
        choices.append(Option(button, payload(Kind.PICK, intent)))
    choices.append(Option(tr.gettext("None of these"), NAV_MENU))
    return Reply("\n".join(lines), tuple(choices), kind=ReplyKind.QUESTION)


def ask_first(turn: Turn, intents: list[str], asked: str) -> Reply:
    """The waiting "Did you mean" asked again, saying why: "To answer {asked}, I need to know which one you mean"."""
    question = ask_between(turn, intents)
    text = turn.tr.gettext("To answer {asked}, I need to know which one you mean:").format(asked=asked)
    return replace(question, text="\n".join([text, *question.text.splitlines()[1:]]))


def which_one(turn: Turn, text: str) -> Reply | None:
    """A "yes" to "Did you mean: 1) … 2) …" asked which one it agrees to (a bare yes picks nothing).

    None when ``text`` is not a yes or no "did you mean" of several procedures waits (outside a guide).
    """
    intents = list(dict.fromkeys(a.argument for a in map(Action.parse, turn.state.options) if a.kind == Kind.PICK))
    if turn.state.mode is Mode.GUIDE or len(intents) < 2 or not yes_or_no(text):
        return None
    question = ask_between(turn, intents)
    text = turn.tr.gettext("Which one do you mean? Tap it below:")
    return replace(question, text="\n".join([text, *question.text.splitlines()[1:]]))


def ask_procedure(turn: Turn, facet: str) -> Reply:
    """Ask which procedure a question about one detail means ("lệ phí bao nhiêu?" with nothing at hand)."""
    tr = turn.tr
    text = tr.gettext('Which procedure do you want to know {asked} for? Type its name, for example "làm căn cước".')
    return Reply(text.format(asked=asked_phrase(facet, tr)), menu_option(tr), kind=ReplyKind.QUESTION)


def label(turn: Turn, intent: str) -> str:
    """The name of a curated entry, listing card or askable general intent in the user's language."""
    if intent in ASKABLE:
        return turn.tr.gettext(ASKABLE[intent])
    entry = turn.snap.catalog.get(intent)
    if entry is not None:
        return entry.name.get(turn.tr.locale)
    card = turn.snap.catalog.card(intent)
    return card.name if card is not None else intent


def referral(turn: Turn, matter: Referral, decision: Decision | None = None) -> Reply:
    """A matter for another body: its text, the catalog entries it leads to, and its official page.

    A referral that keeps the router's match (a note that the district level is gone, beside the
    procedure asked about) offers the procedures ``decision`` found instead of ``related``.
    """
    tr = turn.tr
    found: list[str] = []
    if decision is not None and decision.verdict is not Verdict.NO_MATCH:  # the leader and any close to it
        margin = turn.snap.router.thresholds.margin
        close = [c for c in decision.candidates if decision.confidence - c.score < margin]
        found = [c.intent for c in close if c.kind is not IntentKind.GENERAL]
    # Said just before (a follow-up, "nộp đơn ở đâu?"): who handles it, in one line, not the whole again.
    again = matter.who is not None and _just_referred(turn) == matter.id
    # "nộp đơn ở đâu?" as the very next message is asked about a matter outside the catalog (a
    # note, "no district level", "the household book ended", leads to a procedure that answers it).
    turn.state.referral = f"{matter.id}@{turn.state.messages}" if matter.outside else ""
    offered = found[:3] if matter.keeps_match else matter.related
    if matter.keeps_match and not offered and turn.state.procedure:  # "lên huyện à?" under a card: that one
        offered = [turn.state.procedure]
    related = [intent for intent in offered if label(turn, intent) != intent]  # served ones only
    # A matter outside the catalog: its next steps open their cards, no "did you mean" a bare "lệ phí?" answers for.
    kind = Kind.OPEN if matter.outside else Kind.PICK
    options = tuple(Option(shorten(label(turn, intent)), payload(kind, intent)) for intent in related)
    links = (Link(tr.gettext("Official page"), matter.url),) if matter.url else ()
    text = matter.text.get(tr.locale)
    if again and matter.who is not None:  # the whole text once is enough: who handles it
        who = matter.who.get(tr.locale)
        text = tr.gettext("I have nothing more on this than who handles it: {who}").format(who=who)
    if matter.keeps_match and related:  # said only when there is a procedure to tap
        text += " " + tr.gettext("Tap a procedure below to see where to apply.")
    return Reply(text, options + menu_option(tr), links)


def _just_referred(turn: Turn) -> str:
    """The matter (id) the reply right before this message referred, or ""."""
    last, _, said_at = turn.state.referral.partition("@")
    return last if said_at.isdigit() and int(said_at) == turn.state.messages - 1 else ""


def referral_for(turn: Turn, referrals: Referrals, text: str, decision: Decision, facet: str) -> Referral | None:
    """The matter to refer this message to, if any: one it names, or the one just referred.

    A matter the message names (its cue) is referred, unless the leading procedure's name holds
    the cue or the message names one of its ``unless`` phrases ("đăng ký thường trú cần sổ hộ
    khẩu không" asks about the residence). "ly hôn" → the court; a detail asked bare right
    after ("nộp đơn ở đâu?", "án phí?") is about it ("no information" before); a procedure named
    ("tạm trú nộp ở đâu") is not, and any other message forgets the matter.
    """
    # "… xin giấy xác nhận tình trạng hôn nhân" asks for that paper, whatever else it tells
    said = turn.snap.router.name_texts(decision.top.intent) if decision.top is not None else ()
    matter = referrals.find(text, [label(turn, candidate.intent) for candidate in decision.candidates[:1]], said)
    if matter is not None:
        return matter
    last = _just_referred(turn)
    # read again only right after a referral (rare), not on every message
    bare = bool(last) and (decision.verdict is Verdict.NO_MATCH or not read_facet(text).topic.strip())
    if not bare or facet in ("", Facet.NONE):
        turn.state.referral = ""
        return None
    return referrals.by_id(last)  # referral() says who handles it, and keeps it for the next message


def menu_option(tr: Translator) -> tuple[Option, ...]:
    """The "Menu" button."""
    return (Option(tr.gettext("Menu"), NAV_MENU),)


def menu(turn: Turn) -> Reply:
    """The topic menu: one button per sector of the served catalog."""
    tr, snap = turn.tr, turn.snap
    text = tr.gettext('Choose a topic, or just type your question (for example: "làm căn cước"):')
    options = tuple(
        Option(sector_name(snap, name, tr), payload(Kind.SECTOR, index)) for index, name in enumerate(snap.sectors)
    )
    return Reply(text, options, kind=ReplyKind.HELP)


def sector_name(snap: Snapshot, vi_name: str, tr: Translator) -> str:
    """A sector's name in the user's language."""
    for entry in snap.catalog:
        if entry.sector.vi == vi_name:
            return entry.sector.get(tr.locale)
    return vi_name


def sector(turn: Turn, argument: str) -> Reply:
    """The entries of one sector (``argument`` is its index in the menu)."""
    tr, snap = turn.tr, turn.snap
    index = number(argument)
    if index is None or index >= len(snap.sectors):
        return menu(turn)
    name = snap.sectors[index]
    entries = [entry for entry in snap.catalog if entry.sector.vi == name]
    options = tuple(Option(shorten(entry.name.get(tr.locale)), payload(Kind.OPEN, entry.id)) for entry in entries)
    return Reply(f"{sector_name(snap, name, tr)}:", options + menu_option(tr))


def greeting(tr: Translator, first: bool, welcome: str | None = None, notice: str | None = None) -> Reply:
    """Hello, what I do (or the officers' ``welcome`` text), and (the first time) the privacy warning.

    A running ``notice`` (from the officer console) comes first.
    """
    text = welcome or tr.gettext(
        "Hello! I help you with public services: which procedure you need, which papers to prepare, "
        'and each step online. Type your question, for example "đăng ký tạm trú", or open the menu.'
    )
    if notice:
        text = f"{notice}\n\n{text}"
    if first:  # the switch offered is to the other language ("Type "english"" read in English was no use)
        switch = 'Gõ "tiếng việt" để dùng tiếng Việt.' if tr.locale == "en" else 'Type "english" for English.'
        text += "\n" + tr.gettext("🔒 Please do not send ID numbers, passwords or OTP codes here.") + " " + switch
    return Reply(text, menu_option(tr), kind=ReplyKind.HELP)


def people(turn: Turn, contacts: Contacts, hours: str | None = None) -> Reply:
    """Help from a person ("Tôi bị vướng"): the one-stop desk, the team, a hotline; the user's commune's if known."""
    state, tr = turn.state, turn.tr
    turn.log(EventType.STUCK, intent=state.root_procedure(), step=state.step)
    contact = contacts.for_commune(state.commune)
    lines = [tr.gettext("You can get help from a person:")]
    if contact.name:
        lines[0] = tr.gettext("You can get help from a person ({name}):").format(name=contact.name)
    lines.append(f"1. {contact.desk.get(tr.locale)}")
    lines.append(f"2. {contact.team.get(tr.locale)}")
    if contact.hotline:
        lines.append(f"3. {tr.gettext('Hotline')}: {contact.hotline}")
    if hours:  # set by the commune's officers in the console
        lines.append(f"{tr.gettext('Office hours')}: {hours}")
    if contacts.communes and state.commune is None:
        lines.append(tr.gettext('Type "xã" and the name of your commune or ward to see its own contacts.'))
    lines.append(
        tr.gettext("Never give your password or OTP code to anyone, even someone who says they are an official.")
    )
    in_guide = state.mode in (Mode.GUIDE, Mode.CHECKLIST)
    options = [Option(tr.gettext("Back to the step"), NAV_RESUME)] if in_guide else []
    return Reply("\n".join(lines), (*options, *menu_option(tr)), kind=ReplyKind.HELP)


def unknown_command(tr: Translator, command: str) -> Reply:
    """A slash command the bot does not know."""
    text = tr.gettext("I don't know the command {command}. Type /help to see what I can do.").format(command=command)
    return Reply(text, menu_option(tr))


def help_reply(tr: Translator) -> Reply:
    """What the bot can do and the words that work at every step."""
    text = tr.gettext(
        "I can:\n• find the procedure you need (type it in your own words, with or without accents)\n"
        "• show the papers, fee and processing time\n• guide you step by step; at each step type "
        '"tiếp", "quay lại", "giấy tờ", "vướng" or "thoát", or a number to pick an option\n'
        "• tell you where to get help from a person"
    )
    return Reply(text, menu_option(tr), kind=ReplyKind.HELP)


def media(tr: Translator, kind: str) -> Reply:
    """Photos, voice, stickers, locations, contacts: say what works instead."""
    text = tr.gettext(
        "I can only read text messages. Please type your question in words. For your safety, do not send "
        "photos of ID cards or other papers here: upload them only on the official portal or in VNeID."
    )
    if kind == "location":
        text = tr.gettext(
            'Thanks, but I don\'t need your location. Type your question in words, for example "làm căn cước".'
        )
    elif kind == "too_large":
        text = tr.gettext("This file is too large (at most 5 MB).")
    elif kind == "download_failed":
        text = tr.gettext("I could not download this file. Please send it again.")
    return Reply(text, menu_option(tr))


def nothing_typed(turn: Turn) -> Reply:
    """An empty message."""
    return Reply(turn.tr.gettext("I didn't get any text. Type your question, or open the menu."), menu_option(turn.tr))


def with_resume(state: ConversationState, reply: Reply, tr: Translator) -> Reply:
    """Offer to return to a paused guide under any other answer."""
    if state.paused is None:
        return reply
    resume = Option(tr.gettext("Continue the guide"), NAV_RESUME)
    return reply.with_options(resume)


def keep_place(turn: Turn, reply: Reply) -> Reply:
    """A reply between two steps ("cảm ơn", "help") keeps the open step, or the paused guide, one tap away."""
    state, tr = turn.state, turn.tr
    if state.mode in (Mode.GUIDE, Mode.CHECKLIST) and turn.snap.walk.current(state) is not None:
        return reply.with_options(Option(tr.gettext("Back to the step"), NAV_RESUME), first=True)
    return with_resume(state, reply, tr)


def not_understood(turn: Turn) -> Reply:
    """Out of scope: say so, say what I can help with, offer the menu and a person."""
    tr = turn.tr
    text = tr.gettext(
        "Sorry, I don't have information about that. I can guide you through public services such as "
        "birth registration, residence, ID cards, driving licences, health insurance and land. "
        "Try asking in other words, or open the menu."
    )
    options = (*menu_option(tr), Option(tr.gettext("Talk to a person"), NAV_STUCK))
    return keep_place(turn, Reply(text, options))  # a question between steps keeps the step


def secret_warning(tr: Translator, options: tuple[Option, ...] = ()) -> Reply:
    """Said when a message holds a password or one-time code: it is not kept, and never to be shared."""
    return Reply(
        tr.gettext(
            "🔒 Never send a password or OTP code to anyone, this bot included. I have not kept it. "
            "Delete that message, and change your password if someone else may have seen it."
        ),
        options,
    )


def no_guide(tr: Translator) -> Reply:
    """A guide command with no guide open."""
    return Reply(tr.gettext("No guide is open right now. Type your question or open the menu."), menu_option(tr))

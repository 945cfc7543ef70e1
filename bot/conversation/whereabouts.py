"""Whereabouts: "where do I go now?" -- an old address turned into today's commune and office.

Since 1 July 2025 there is no district level and communes were merged and renamed, so many
citizens know only their old address ("phường Bến Nghé, Quận 1 cũ"). This module reads an
address from a message (``procedures.addresses`` holds the official old→new mapping), answers
with the new commune or ward, and combines it with the procedure being discussed: its agency
at the commune level ("Công an cấp xã" → the police of that ward) or at the province level.
An old commune that was split, or a name several communes carry, gets a question, never a
guess; an unknown address gets a plain "not found". The commune is remembered by its
official code (for the contacts of "Tôi bị vướng").

The reply never repeats a house number or a street: only unit names are shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.conversation.actions import Kind, payload
from bot.conversation.commands import UNSURE_WORDS, simplify
from bot.conversation.questions import offered_choices
from bot.conversation.replies import ask_between, menu_option
from bot.conversation.turn import Turn
from bot.i18n import Translator
from bot.messages import Option, Reply, ReplyKind, shorten
from intents.facets import Facet
from intents.index import IntentKind
from intents.router import Decision, Verdict
from procedures.addresses import (
    AddressAnswer,
    AddressStatus,
    Ask,
    NewCommune,
    commune_by_code,
    resolve,
    without_places,
    without_streets,
)
from procedures.folding import fold
from procedures.models import Level, Procedure

# Words that mark a message as (containing) an address: unit names and their short forms.
_UNIT_WORD = re.compile(
    r"(?<![a-z])(phuong|xa|quan|huyen|thi xa|thi tran|tinh|thanh pho|tp|p|q|tx|tt|dac khu|ward|district|commune)"
    r"(?![a-z])[ .]*\w"
)
MAX_CHOICES = 5
MAX_PLACE = 120


def mentions_address(text: str) -> bool:
    """Whether the message names an administrative unit ("phường …", "xã …", "Q1", "tỉnh …")."""
    return bool(_UNIT_WORD.search(fold(text)))


def awaiting_address(turn: Turn) -> bool:
    """The bot's last answer was "where to submit" or "which commune?": the next message may be an address."""
    return turn.state.answered.endswith((f":facet:{Facet.WHERE.value}", ":address:asked"))


def _office(entry: Procedure | None, commune: NewCommune, turn: Turn) -> str | None:
    """The procedure's agency at this commune, or in its province."""
    if entry is None or entry.agency is None:
        return None
    tr, agency = turn.tr, entry.agency.name.get(turn.tr.locale)
    if Level.COMMUNE in entry.agency.levels and not {Level.PROVINCE, Level.MINISTRY} & set(entry.agency.levels):
        # the commune's own People's Committee or police
        return tr.gettext("{procedure}: {agency} — in {commune}.").format(
            procedure=entry.name.get(tr.locale), agency=agency, commune=commune.full_name
        )
    if Level.COMMUNE in entry.agency.levels:  # a social insurance office serves several communes
        return tr.gettext("{procedure}: {agency} — the office serving {commune}.").format(
            procedure=entry.name.get(tr.locale), agency=agency, commune=commune.full_name
        )
    return tr.gettext("{procedure}: {agency} — in {province}.").format(
        procedure=entry.name.get(tr.locale), agency=agency, province=commune.province.name
    )


def found(turn: Turn, commune: NewCommune, answer: AddressAnswer | None, typed: str = "") -> Reply:
    """The new commune (and, from an old address, what it was), with the office of the procedure at hand.

    ``typed``: the address as the citizen wrote it. When the list of old communes knows it under
    another name ("phường 3, quận 10" is listed in Phường 2, Quận 10), that is said first, so
    the answer does not read as a misreading.
    """
    tr, state = turn.tr, turn.state
    state.commune = commune.code
    state.answered = f"{state.procedure or ''}:address:"  # answered: the next message is a new question
    lines = []
    if answer is not None and answer.old and typed and fold(answer.old[0].name) not in fold(typed):
        lines.append(
            tr.gettext("In the list of communes before 1 July 2025, that address is in {old}.").format(
                old=answer.old[0].full_name
            )
        )
    if answer is not None and answer.status is AddressStatus.EXACT and answer.old:
        lines.append(
            tr.gettext("{old} is now part of {new}.").format(old=answer.old[0].full_name, new=commune.full_name)
        )
    else:
        lines.append(tr.gettext("Your commune or ward: {new}.").format(new=commune.full_name))
    entry = turn.snap.catalog.get(state.procedure or "")
    office = _office(entry, commune, turn)
    choices = offered_choices(turn) if entry is None else []
    if office is None and choices:  # a "did you mean" waits: each offered procedure's office, same choice
        offices = [_office(turn.snap.catalog.get(choice), commune, turn) for choice in choices]
        lines += [line for line in offices if line is not None]
        question = ask_between(turn, choices)  # one choice: "Did you mean X?" again, its Yes / No kept
        lines.append(question.text if len(choices) == 1 else tr.gettext("Which one is yours? Tap it for the details."))
        state.facet = Facet.WHERE.value  # answered for this commune once picked
        return Reply("\n".join(lines), question.options, kind=ReplyKind.QUESTION, yes_no=question.yes_no)
    if office is not None:
        lines.append(office)
    else:
        lines.append(
            tr.gettext(
                "Most procedures start at its People's Committee or Public Administration Service Centre "
                "(Trung tâm Phục vụ hành chính công)."
            )
        )
    options: tuple[Option, ...] = ()
    if entry is not None:
        options = (Option(tr.gettext("Step-by-step guide"), payload(Kind.GUIDE, entry.id)),)
    return Reply("\n".join(lines), (*options, *menu_option(tr)), kind=ReplyKind.TEXT)


def _question(turn: Turn, answer: AddressAnswer) -> Reply:
    tr = turn.tr
    turn.state.answered = f"{turn.state.procedure or ''}:address:asked"
    if answer.status is AddressStatus.SPLIT and answer.old:
        head = tr.gettext("{old} was divided among several communes. Which one is yours now?").format(
            old=answer.old[0].full_name
        )
    elif answer.ask is Ask.PROVINCE:
        head = tr.gettext("Several communes have that name. Which province is it in?")
    elif answer.ask is Ask.DISTRICT:
        head = tr.gettext("Several communes had that name. Which district was it in before the merger?")
    elif answer.ask is Ask.COMMUNE and answer.province is not None:  # "quận 1", "huyện Củ Chi": which ward?
        head = tr.gettext(
            "Which commune or ward was it ({province})? Type its name, for example “phường Bến Nghé” "
            "or “xã Tân Thông Hội”."
        ).format(province=answer.province.name)
    else:
        head = tr.gettext("Is that the name before 1 July 2025, or today's? Which one is yours?")
    choices = answer.candidates[:MAX_CHOICES] if len(answer.candidates) <= MAX_CHOICES else ()
    names = [_choice_name(commune, answer, tr) for commune in choices]
    lines = [head] + [f"{number}) {name}" for number, name in enumerate(names, 1)]
    return Reply("\n".join(lines), _ward_options(choices, tr, names), kind=ReplyKind.QUESTION)


def _choice_name(commune: NewCommune, answer: AddressAnswer, tr: Translator) -> str:
    """A commune to choose, saying which old one typed it came from when the names differ.

    "xã Phú Hòa" offers "Xã Lương Tài, Tỉnh Bắc Ninh": without "Xã Phú Hòa cũ →" nobody can tell why.
    """
    before = [old for old in answer.old if commune.code in old.successors and old.name != commune.name]
    if not before:
        return commune.full_name
    return tr.gettext("{old} (old) → now {new}").format(old=before[0].name, new=commune.full_name)


def _ward_options(
    choices: Sequence[NewCommune], tr: Translator, names: Sequence[str] | None = None
) -> tuple[Option, ...]:
    """A button per commune to choose from (labelled by ``names`` when given), then the menu."""
    labels = names or [commune.full_name for commune in choices]
    wards = (Option(shorten(name), payload(Kind.WARD, c.code)) for c, name in zip(choices, labels, strict=True))
    return (*wards, *menu_option(tr))


def _unsure(turn: Turn, answer: AddressAnswer) -> Reply | None:
    """Not knowing one's new ward: the choices stay open, and who knows the answer is named.

    None when there is no list to choose from (a district alone was asked about): read as usual.
    """
    choices = answer.candidates[:MAX_CHOICES]
    if not choices:
        return None
    text = turn.tr.gettext(
        "No problem. Your home is now in one of these: {names}. Your residential group leader "
        "(tổ trưởng tổ dân phố, trưởng thôn) or the commune police will know which; tap it when you know."
    ).format(names="; ".join(commune.full_name for commune in choices))
    return Reply(text, _ward_options(choices, turn.tr), kind=ReplyKind.QUESTION)


# A place typed without "xã", "phường" or a province is a name of a few words ("Bến Nghé", "Tân
# Định, Quận 1 cũ"); a longer message without those words is a sentence that may hold a name.
BARE_WORDS = 6
SURE_LEAD = 0.1  # a question read again without its place names must lead the next candidate by this much
# Words that may stand beside a place typed alone ("tôi ở quận 1 cũ"): it is still only a place.
PLACE_FILLER = frozenset("toi tui em minh o nha cu truoc day la thuoc dia chi ne a nhe , .".split())


def read(turn: Turn, text: str, asked: bool, placed_only: bool = False, question: bool = False) -> Reply | None:
    """Answer a message that is an address, or None to route it as a question.

    ``asked``: the bot has just said where to submit (or asked which commune), so a bare name
    ("Bến Nghé", "Tây Ninh") counts too, read together with the place asked about.
    ``placed_only``: answer only when the address is found or needs a choice (the router has
    not looked at the message yet); "not found" is left to the caller. ``question``: the router
    is sure the message asks about a procedure. A question beside an address ("bằng lái xe, tôi
    ở phường Bình Thạnh") is answered as a question; its commune, when certain, is kept for
    "where to submit".
    """
    state = turn.state
    named = mentions_address(text)
    if not (asked or named) or (question and not named):
        return None
    if not named and len(text.split()) > BARE_WORDS:  # "con dâu bác là người Hàn Quốc thì có khác không"
        return None  # a sentence, not a bare place name ("Bác La" is a commune, but not here)
    if question or (not asked and _asks_beside(turn, text)):
        placed = resolve(text)
        if placed.commune is not None:  # kept for "where to submit"
            state.commune = placed.commune.code
        return None
    earlier = state.place if asked and state.place else ""
    unsure = _unsure(turn, resolve(earlier)) if earlier and simplify(text) in UNSURE_WORDS else None
    if unsure is not None:  # "không biết nữa" to "which one is yours now?"
        return unsure
    answer = resolve(f"{earlier}, {text}" if earlier else text)
    if earlier and answer.commune is None and not answer.candidates:
        answer = resolve(text)
    state.place = ""
    if answer.commune is not None:
        return found(turn, answer.commune, answer, text)
    # "quận 1" typed alone (or after "where to submit"): a district, to be asked which commune
    typed_alone = named and not set(fold(without_places(text)).split()) - PLACE_FILLER  # "quận 1", not "ăn gì ở quận 1"
    place_only = (asked or typed_alone) and not earlier and answer.ask is Ask.COMMUNE and answer.province is not None
    place_only = place_only and len(text.split()) <= BARE_WORDS
    if (answer.status in (AddressStatus.SPLIT, AddressStatus.AMBIGUOUS) and answer.candidates) or place_only:
        # Kept for the answer to the question: unit names only, never a street or house number.
        state.place = without_streets(text)[:MAX_PLACE]
        return _question(turn, answer)
    if asked and named and not placed_only:  # an address we cannot place (a question goes to the router)
        text = turn.tr.gettext(
            "I could not find that commune or ward. Please type its name with the province, for example "
            "“phường Bến Nghé, Quận 1, TP Hồ Chí Minh”."
        )
        return Reply(text, menu_option(turn.tr))
    return None


def _asks_beside(turn: Turn, text: str) -> bool:
    """Whether the message asks about a procedure besides naming a place."""
    rest = without_places(text)
    decision = turn.snap.router.route(rest) if rest.strip(" ,.") else None
    if decision is None or decision.top is None or decision.verdict is Verdict.NO_MATCH:
        return False
    # "tôi ở" left of "tôi ở phường Hoàn Kiếm" is a vague guess, not a question
    return decision.top.kind is not IntentKind.GENERAL and decision.confidence >= turn.snap.router.thresholds.no_match


def chosen(turn: Turn, code: str) -> Reply:
    """The answer to "which one is yours?": the commune picked by its code."""
    commune = commune_by_code(code)
    if commune is None:
        return Reply(turn.tr.gettext("That commune is no longer in the list. Please type your address again."))
    return found(turn, commune, None)


def routed(turn: Turn, text: str) -> Decision:
    """The router's decision on ``text``, read again without its place names when they sank it.

    "thuê nhà ở hà nội thì đăng ký gì" fell under the no-match line ("hà nội" is no procedure's
    word); without the place it asks about temporary residence. The decision keeps the message.
    """
    router = turn.snap.router
    decision = router.route(text)
    if decision.verdict is not Verdict.NO_MATCH:
        return decision
    rest = without_places(text)  # a province or a unit-named place ("hà nội", "phường …")
    again = router.route(rest) if rest != text and rest.strip(" ,.") else decision
    top, runner = again.top, again.candidates[1:2]
    if top is None or again.verdict is Verdict.NO_MATCH or top.score < router.thresholds.no_match:
        return decision
    # only a sure reading: above the no-match line and clearly ahead ("xe buýt" alone is a weak guess)
    sure = not runner or top.score - runner[0].score >= SURE_LEAD
    return replace(again, text=text) if sure else decision


__all__ = ["awaiting_address", "chosen", "found", "mentions_address", "read", "routed"]

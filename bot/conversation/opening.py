"""Opening an entry: its card or the detail asked, one of its facts, or its step-by-step guide.

The answers to "guide:", "open:", "pick:" and "fact:" actions and to a routed question about
one entry. Each leaves the conversation on that entry (a guide in progress is paused, so
"Continue the guide" returns to its step) and logs what was shown.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.conversation import pauses, questions
from bot.conversation import replies as fixed
from bot.conversation.actions import STAFF_DONE, Kind, payload
from bot.conversation.answers import FEE_TIME, asked_phrase, facet_answer
from bot.conversation.cards import compact_card
from bot.conversation.listing_cards import (
    LISTING_HEAD_CHARS,
    card_options,
    listing_answer,
    listing_brief,
    listing_card,
    listing_not_held,
    listing_short,
    portal_link,
)
from bot.conversation.money import preface_for
from bot.conversation.state import Mode
from bot.conversation.summary_card import compared, compared_facts
from bot.conversation.turn import Turn
from bot.conversation.walkthrough import guide_digest
from bot.messages import Option, Reply, ReplyKind, shorten
from bot.storage.events import EventType
from intents.facets import Facet, FacetReading, read_facet
from intents.router import Decision
from procedures.models import CODE_PATTERN, Procedure
from procedures.referrals import Referrals

# A national code in a message ("1.001193", "mã 1.001193 cần giấy tờ gì").
NATIONAL_CODE = re.compile(r"(?<![\d.])" + CODE_PATTERN.strip("^$") + r"(?![\d])")


# The details a national record states when it has them: a question about one it lacks is told so.
RECORD_FACETS = frozenset({Facet.FEE, Facet.TIME, Facet.WHERE, Facet.DOCUMENTS, Facet.ONLINE})


def open_entry(turn: Turn, intent: str, facet: str | None = None) -> list[Reply]:
    """Answer about an entry: the asked detail, the short card, or (asked again) the guide."""
    state, tr = turn.state, turn.tr
    entry = turn.snap.catalog.get(intent)
    if facet is None:  # a pick after "did you mean": the detail asked before it
        facet, state.facet = state.facet or Facet.NONE.value, ""
    in_guide = state.mode in (Mode.GUIDE, Mode.CHECKLIST)
    if entry is not None and in_guide and state.root_procedure() == entry.id and facet == Facet.NONE:
        return [turn.snap.walk.render_step(state, tr)]  # asking for the guide one is in: stay there
    pauses.pause(state)
    if entry is not None:
        state.mode, state.procedure, state.step = Mode.CARD, entry.id, None
        turn.log(EventType.CARD, intent=entry.id)
        if state.household:  # a helper's session: the detail asked, else the compact checklist
            state.assist(entry.id)
            if facet == Facet.NONE:
                return [compact_card(entry, tr, turn.today)]
            fact_reply = facet_answer(entry, facet, tr, turn.today, questions.commune_name(turn))
            return [fact_reply.with_options(Option(tr.gettext("End the session"), STAFF_DONE))]
        reply = questions.answer(turn, entry, facet)
        if reply is None:  # asked again after the card: the steps
            return start_guide(turn, entry.id)
        return [fixed.with_resume(state, reply, tr)]
    card = turn.snap.catalog.card(intent)
    if card is not None:
        if state.household:
            state.assist(card.code)
        state.mode, state.procedure, state.step = Mode.IDLE, card.code, None
        turn.log(EventType.CARD, intent=card.code)
        shown = state.answered if state.idle_for(turn.now) <= questions.REPEAT_WINDOW else ""
        asked = f"{card.code}:facet:{facet}"
        answer = listing_answer(card, facet, tr) if facet != Facet.NONE and shown != asked else None
        # a fee a record may state, or not (a replaced record says what replaced it, in its card)
        at_hand = not card.replaced_by and (shown.startswith(f"{card.code}:") or facet in RECORD_FACETS)
        if answer is None and facet != Facet.NONE and shown != asked and at_hand:
            # The card is at hand (or the record states such details) and it does not hold this one:
            # say so, with its page ("1014062 lệ phí" had shown a card with no fee line; asked again: the card).
            state.answered = asked
            return [fixed.with_resume(state, listing_not_held(card, facet, tr), tr)]
        if answer is not None:
            state.answered, first = asked, answer
        elif shown.startswith(f"{card.code}:"):  # asked again (or "the whole card"): all of it
            state.answered, first = f"{card.code}:card:", listing_card(card, tr)
        else:  # the first answer: one screen
            state.answered, first = f"{card.code}:short:", listing_short(card, tr)
        shown_card = _with_partial_guide(turn, card.code, first)
        if state.household:  # a helper's session ends from any card
            return [shown_card.with_options(Option(tr.gettext("End the session"), STAFF_DONE))]
        return [fixed.with_resume(state, shown_card, tr)]
    return [fixed.menu(turn)]


def by_code(turn: Turn, text: str, referrals: Referrals | None = None) -> list[Reply] | None:
    """A national code typed: its entry or card, with a detail asked beside it; None when no code is typed.

    A direct look-up, the helpers' quickest path ("1.003460 giấy tờ" answers the papers). A code
    the catalog does not hold is said so, not routed as words (it would only find nothing) --
    unless a referral rests on it (1.014027, the social pension, which a guide's tip names).
    """
    typed = NATIONAL_CODE.search(text)
    code = typed.group() if typed is not None else questions.dotless_code(turn, text)  # "1001193" too
    if code is None:
        return None
    found = turn.snap.catalog.by_code(code)
    if found is None:
        matter = referrals.for_code(code) if referrals is not None else None
        if matter is not None:
            return [fixed.referral(turn, matter)]
        tr = turn.tr
        unknown = tr.gettext("No procedure with the code {code} is in the catalog. Check the code, or type the name.")
        return [Reply(unknown.format(code=code), fixed.menu_option(tr))]
    facet = questions.asked_facet(turn, read_facet(questions.as_question(text, code)))
    return open_entry(turn, found.id if isinstance(found, Procedure) else found.code, facet)


def asked_detail(turn: Turn, reading: FacetReading, decision: Decision, facet: str) -> list[Reply] | None:
    """The answer to a short question about one detail that names no procedure, if it is one.

    Under a card it is about that card; while a "did you mean" waits, the choice is asked again
    and the detail answered once picked; with nothing at hand, the bot asks which procedure.
    ``facet`` is the detail as :func:`questions.asked_facet` read it (fee and time together).
    """
    sibling = questions.foreign_sibling(turn, reading.topic, decision)
    if sibling is not None:  # "is it the same for a foreigner?" under a guide for citizens
        question = fixed.ask_between(turn, [sibling])
        text = turn.tr.gettext("With a foreigner it is a procedure of its own: {name}. Open it?")
        return [replace(question, text=text.format(name=fixed.label(turn, sibling)))]
    about = questions.context_entry(turn, reading, decision)
    if isinstance(about, str):  # "nộp ở đâu?" under a card or a step
        return fact(turn, about, facet)
    if about:
        turn.state.facet = facet
        return [_compared(turn, about, facet)]
    if questions.names_nothing(turn, reading, decision):  # "lệ phí bao nhiêu?" out of the blue
        turn.state.facet = facet
        return [fixed.ask_procedure(turn, facet)]
    return None


def _compared(turn: Turn, choices: list[str], facet: str) -> Reply:
    """The asked detail of each procedure a "did you mean" offers, above the same choice.

    Asked again ("how much?", "ở đâu?") while the choice waits, the fee, time, office or online
    use of each answers it without guessing which procedure is meant (every choice a curated
    entry); other details (the papers) say that the choice comes first.
    """
    tr, catalog = turn.tr, turn.snap.catalog
    named: list[tuple[str, list[str]]] = []
    for intent in choices:  # curated entries and national records alike (a foreigners' card beside a guide)
        if (entry := catalog.get(intent)) is not None:
            named.append((entry.name.get(tr.locale), compared_facts(entry, facet, tr, turn.today)))
        elif (card := catalog.card(intent)) is not None:
            named.append((card.name, listing_brief(card, facet, tr)))
    compares = facet in (Facet.FEE, Facet.TIME, FEE_TIME, Facet.WHERE, Facet.ONLINE)
    unstated = tr.gettext("tap it to see")
    lines = compared(named, unstated) if compares and len(named) == len(choices) > 1 else ""
    question = fixed.ask_between(turn, choices)
    if not lines:  # the papers or a condition: too long side by side, so say why the choice comes first
        return fixed.ask_first(turn, choices, asked_phrase(facet, turn.tr))
    text = "\n".join([lines, turn.tr.gettext("Which one is yours? Tap it for the details.")])
    return replace(question, text=text)


def fact(turn: Turn, entry_id: str, facet: str) -> list[Reply]:
    """One fact of an entry (a button, or a short question about the entry at hand)."""
    state = turn.state
    entry = turn.snap.catalog.get(entry_id)
    if entry is None:  # a listing card answers from its record
        return open_entry(turn, entry_id, facet)
    pauses.pause(state)  # a guide in progress is kept: "Tiếp tục hướng dẫn" returns to the step
    state.mode, state.procedure, state.answered = Mode.CARD, entry.id, f"{entry.id}:facet:{facet}"
    turn.log(EventType.CARD, intent=entry.id)
    said = preface_for(turn.inbound.text, facet, turn.tr)  # "mỗi tháng đóng bao nhiêu": not the fee
    reply = facet_answer(entry, facet, turn.tr, turn.today, questions.commune_name(turn), said)
    return [fixed.with_resume(state, reply, turn.tr)]


def _with_partial_guide(turn: Turn, code: str, reply: Reply) -> Reply:
    """Offer the curated guide that covers part of a national record (the health insurance card of 1.002759)."""
    guide = next((entry for entry in turn.snap.catalog if code in entry.partial_codes), None)
    if guide is None:
        return reply
    label = turn.tr.gettext("Guide: {name}").format(name=guide.name.get(turn.tr.locale))
    return reply.with_options(Option(shorten(label), payload(Kind.OPEN, guide.id)), first=True)


def no_steps(turn: Turn, code: str) -> list[Reply]:
    """Steps asked under a national card ("các bước?"): no guide is held for it, its portal page has them."""
    card, tr = turn.snap.catalog.card(code), turn.tr
    if card is None:
        return [fixed.no_guide(tr)]
    text = tr.gettext(
        "There is no step-by-step guide here for {name}. The portal's page below describes how it is done; "
        "the one-stop desk can help."
    ).format(name=f"{shorten(card.name, LISTING_HEAD_CHARS)} ({tr.gettext('code')} {card.code})")
    return [Reply(text, card_options(card, tr), (portal_link(card, tr),), ReplyKind.TEXT)]


def start_guide(turn: Turn, entry_id: str) -> list[Reply]:
    """Step 1 of an entry's guide (or back to its step when that guide is the one paused)."""
    entry = turn.snap.catalog.get(entry_id)
    if entry is None:
        return [fixed.menu(turn)]
    paused = turn.state.paused
    if paused is not None and (paused.stack[0].procedure if paused.stack else paused.procedure) == entry.id:
        return pauses.resume_paused(turn)  # this guide is under way: back to its step, not step 1
    replies = turn.snap.walk.start(turn.state, entry, turn.tr)
    turn.state.guide_digest = guide_digest(entry)
    turn.log(EventType.GUIDE_STARTED, intent=entry.id, step=turn.state.step)
    return replies


def log_position(turn: Turn) -> None:
    """Log where a move in the guide left the user: a step, or the guide completed."""
    state = turn.state
    if state.mode is Mode.RATING:
        turn.log(EventType.GUIDE_COMPLETED, intent=state.procedure)
    elif state.mode is Mode.GUIDE:
        turn.log(EventType.STEP, intent=state.root_procedure(), step=state.step)

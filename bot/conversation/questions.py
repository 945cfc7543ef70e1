"""Questions: which reply a citizen's question gets, and the small words around questions.

The engine routes a message to a procedure; this module decides what to say about it:
the asked detail first (a *facet* answer), the short card for a question with no detail,
and, when the same thing is asked again, the next thing instead of a repeat (facet answer →
short card → the steps). It also reads the conversation's edges: yes/no shorthand ("ko",
"k", "dc", "ok", "ừ", "dạ") answering the question the bot asked last, a bare number when
no list is showing, and the greeting of someone coming back to an unfinished guide.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from bot.conversation import answers, replies
from bot.conversation.actions import (
    NAV_BACK,
    NAV_EXIT,
    NAV_MENU,
    NAV_NEXT,
    NAV_RESUME,
    NAV_STUCK,
    Action,
    Kind,
    payload,
)
from bot.conversation.commands import QUIT_WORDS, simplify, yes_or_no
from bot.conversation.money import preface_for
from bot.conversation.replies import menu_option
from bot.conversation.state import Mode
from bot.conversation.summary_card import short_card
from bot.conversation.turn import Turn
from bot.conversation.walkthrough import walked_number
from bot.messages import Option, Reply, ReplyKind, shorten
from intents import foreigners
from intents.decision import SMALL_TALK
from intents.facets import Facet, FacetReading, read_facet
from intents.foreigners import mentions_foreigner
from intents.index import IntentKind
from intents.router import Decision, Verdict, informative_words
from procedures.addresses import commune_label
from procedures.models import Procedure

# A detail asked with at most this many other words ("nộp ở đâu?", "còn lệ phí thì sao") is about
# the entry at hand, when the router finds nothing better.
CONTEXT_WORDS = 3

# A message split into more parts, or longer, is a story, not a list of needs.
MAX_PARTS = 4
MAX_NEEDS_WORDS = 25

# A question asked again within this time moves forward; later, it is answered afresh.
REPEAT_WINDOW = dt.timedelta(minutes=30)


def pending_answer(turn: Turn, text: str) -> str | None:
    """The payload a typed yes/no stands for when the bot's last reply asked a yes/no question (or "did you mean")."""
    pending = turn.state.pending
    if len(pending) != 2:
        # "ko" to "Ý bạn là: 1) … 2) …" is its "None of these" (that button's payload is offered too)
        which = NAV_MENU in turn.state.options and bool(offered_choices(turn)) and turn.state.mode is not Mode.GUIDE
        return NAV_MENU if which and yes_or_no(text) is False else None
    if turn.state.mode is Mode.GUIDE and simplify(text) in QUIT_WORDS:
        return NAV_EXIT  # "Bạn đã đăng nhập được chưa?" "thôi": not "not yet", but "I give up"
    said = yes_or_no(text)
    if said is None:
        return None
    return pending[0] if said else pending[1]


def answer(turn: Turn, entry: Procedure, facet: str) -> Reply | None:
    """The reply to a question about ``entry`` asking ``facet``, moving on when asked again.

    Returns the reply, or None when the answer is the guide itself (the engine starts it).
    ``state.answered`` keeps "<entry>:<shown>:<facet asked>".
    """
    state = turn.state
    recent = state.idle_for(turn.now) <= REPEAT_WINDOW  # asked again now, not days later
    last = state.answered if recent and state.answered.startswith(f"{entry.id}:") else ""
    shown, _, asked = last.partition(":")[2].partition(":")  # "facet:fee" / "card:fee" / "card:" / "guide:"
    facet = "" if facet == Facet.NONE else facet
    if facet and (shown, asked) not in (("facet", facet), ("card", facet)):
        stage = "facet"  # a new detail is answered, whatever was shown before
    elif shown == "card":
        stage = "guide"  # asked again after the card: walk through the steps
    else:
        stage = "card"  # a first question with no detail, or the same detail asked again
    state.answered = f"{entry.id}:{stage}:{facet}"
    if stage == "guide":
        return None
    if stage == "card":
        return short_card(entry, turn.tr, turn.today)
    said = preface_for(turn.inbound.text, facet, turn.tr)  # "học phí bao nhiêu": tuition is not the fee
    reply = answers.facet_answer(entry, facet, turn.tr, turn.today, commune_name(turn), said)
    return _with_second_detail(turn, entry, facet, reply)


def _with_second_detail(turn: Turn, entry: Procedure, facet: str, reply: Reply) -> Reply:
    """The reply with a second detail the same message asked ("ở đâu, mất bao lâu"), when both fit.

    Both must be held and fit one screen (:data:`answers.FACET_LIMIT`); otherwise the second
    stays one tap away, as before.
    """
    also = read_facet(turn.inbound.text).also.value
    money_time = {Facet.FEE, Facet.TIME, answers.FEE_TIME}  # asked together, already answered together
    if also in (Facet.NONE, facet) or {facet, also} <= money_time:
        return reply
    said = preface_for(turn.inbound.text, also, turn.tr)  # "ở đâu, học phí bao nhiêu"
    second = answers.facet_answer(entry, also, turn.tr, turn.today, commune_name(turn), said)
    text = f"{reply.text}\n\n{second.text}"
    held = reply.kind is ReplyKind.CARD and second.kind is ReplyKind.CARD  # "not known" is not combined
    if not held or len(text) > answers.FACET_LIMIT:
        return reply
    options = tuple(option for option in reply.options if option in second.options)  # neither detail again
    return replace(reply, text=text, options=options, links=(*reply.links, *second.links))


def current_entry(turn: Turn) -> Procedure | None:
    """The curated entry the conversation is about now: the guide being walked, or the last card."""
    state = turn.state
    if state.idle_for(turn.now) > REPEAT_WINDOW:
        return None
    if state.mode in (Mode.GUIDE, Mode.CHECKLIST):
        return turn.snap.catalog.get(state.root_procedure() or "")
    if state.mode is Mode.CARD:
        return turn.snap.catalog.get(state.procedure or "")
    return None


def foreign_sibling(turn: Turn, text: str, decision: Decision) -> str | None:
    """The national card for foreigners beside the guide at hand, when a follow-up says one is involved.

    "I am a foreigner, is it the same for me?" under marriage registration: a marriage with a
    foreigner is a procedure of its own ("Thủ tục đăng ký kết hôn có yếu tố nước ngoài"), found
    by the guide's own name with the foreign element added; None when there is none close.
    """
    entry = current_entry(turn)
    if entry is None or not mentions_foreigner(text) or decision.verdict is Verdict.MATCH:
        return None
    return foreigners.foreign_sibling(turn.snap.router, entry.name.vi)


def offered_choices(turn: Turn) -> list[str]:
    """The intents a "did you mean" still waiting for an answer offers (its pick buttons)."""
    found: list[str] = []
    for option in turn.state.options:
        action = Action.parse(option)
        if action.kind == Kind.PICK and action.argument not in found:
            found.append(action.argument)
    return found


# A bare detail word after a national code ("1.003460 giấy tờ", "2.000806 phí") and the question it asks.
_BARE_DETAILS = {
    "giay to": "cần giấy tờ gì", "ho so": "hồ sơ gồm những gì", "papers": "what papers", "documents": "what documents",
    "phi": "lệ phí bao nhiêu", "le phi": "lệ phí bao nhiêu", "fee": "how much is the fee",
    "thoi gian": "mất bao lâu", "thoi gian giai quyet": "mất bao lâu", "time": "how long does it take",
    "o dau": "nộp ở đâu", "noi nop": "nộp ở đâu", "where": "where to submit",
    "co quan": "cơ quan nào giải quyết", "co quan thuc hien": "cơ quan nào giải quyết", "agency": "where to submit",
}  # fmt: skip


def as_question(text: str, code: str) -> str:
    """A message naming a national code (dotted or not), its bare detail word made a question the facet reader knows."""
    rest = simplify(text.replace(code, " ").replace(code.replace(".", ""), " "))
    return _BARE_DETAILS.get(rest, text)


def sole_choice(turn: Turn) -> str | None:
    """The one procedure a waiting "Did you mean X?" offers: a detail or "steps" typed to it is a yes."""
    offered = offered_choices(turn)
    return offered[0] if len(offered) == 1 else None


def current_card(turn: Turn) -> str | None:
    """The national-listing card shown last, while a short question may still be about it."""
    state = turn.state
    if state.mode is not Mode.IDLE or not state.procedure or state.idle_for(turn.now) > REPEAT_WINDOW:
        return None
    if not state.answered.startswith(f"{state.procedure}:"):  # something else was shown since
        return None
    return state.procedure if turn.snap.catalog.card(state.procedure) is not None else None


def _topic_names(turn: Turn, reading: FacetReading) -> set[str] | None:
    """The candidates the question's topic alone names, or None when it names no procedure."""
    topic = reading.topic.strip()
    named = turn.snap.router.route(topic) if topic else None
    line = turn.snap.router.thresholds.no_match  # a vague guess ("take" alone) names nothing
    if named is None or named.top is None or named.confidence < line or named.top.kind is IntentKind.GENERAL:
        return None
    return {candidate.intent for candidate in named.candidates}


def _names_procedure(turn: Turn, reading: FacetReading, decision: Decision) -> bool:
    """A confident match, unless it cannot answer the asked detail and the topic alone names nothing.

    "mấy ngày có kết quả?" matches the guide to tracking an application through "kết quả"
    alone: the guide holds no processing time, and the question without its asking words
    names no procedure, so it is taken as a time asked of no procedure.
    """
    if decision.verdict is not Verdict.MATCH or decision.top is None:
        return False
    if decision.top.intent in SMALL_TALK and reading.facet is not Facet.NONE:
        return False  # "ok cảm ơn, thế lệ phí bao nhiêu?": the thanks is politeness, the detail the question
    entry = turn.snap.catalog.get(decision.top.intent)
    if reading.facet is Facet.NONE or entry is None or answers.holds(entry, reading.facet.value, turn.tr, turn.today):
        return True
    return _topic_names(turn, reading) is not None


def context_entry(turn: Turn, reading: FacetReading, decision: Decision) -> str | list[str] | None:
    """What a short question that asks one detail and names nothing else is about.

    "nộp ở đâu?" under the ID-card card (or a listing card) asks where to submit for it: its
    id. Asked while a "did you mean" waits, it is about one of the offered procedures: the
    card shown before the question if it is one of them, else their ids, to ask again with the
    detail kept. "hộ chiếu có giá trị bao lâu" names another procedure: its topic alone finds
    the passport, so it is routed.
    """
    entry = current_entry(turn)
    choices, about = offered_choices(turn), entry.id if entry is not None else current_card(turn)
    if about is not None and choices:  # the card at hand decides between the offered ones
        choices, about = ([], about) if about in choices else (choices, None)
    if (about is None and not choices) or reading.facet is Facet.NONE or _names_procedure(turn, reading, decision):
        return None
    if informative_words(turn.snap.router.query_terms(reading.topic)) > CONTEXT_WORDS:  # "and does it take?"
        return None
    named = _topic_names(turn, reading)
    if named is not None and not named & ({about} if about else set(choices)):
        return None
    # "Did you mean: Birth registration?" answered with "nộp ở đâu?": a yes that asks the detail
    return about or (choices[0] if len(choices) == 1 else choices)


def names_nothing(turn: Turn, reading: FacetReading, decision: Decision) -> bool:
    """A question that asks one detail and names no procedure ("lệ phí bao nhiêu?" out of the blue)."""
    if reading.facet is Facet.NONE or _names_procedure(turn, reading, decision):
        return False
    top = decision.top  # "làm giấy khai sinh ở ubnd xã được không": a cue took the name, the whole still holds it
    if (
        decision.verdict is not Verdict.MATCH  # a match its topic does not name rode on the asking words
        and top is not None
        and top.kind is not IntentKind.GENERAL
        and decision.confidence >= turn.snap.router.thresholds.no_match
    ):
        return False
    # "giá xăng bao nhiêu" asks a price of something else: only a topic of at most one word
    # ("mất bao lâu", "nộp ở đâu") is a procedure question with the procedure left out.
    if informative_words(turn.snap.router.query_terms(reading.topic)) > 1:
        return False
    return _topic_names(turn, reading) is None


def asked_facet(turn: Turn, reading: FacetReading) -> str:
    """The detail this message asks, or the one a question before it asked and left open.

    "lệ phí bao nhiêu?" asked "which procedure?"; the answer "làm căn cước" asks the fee. The
    open detail counts for the next typed question only, and only soon after. The fee and the
    time asked together ("hết bao nhiêu tiền và mất mấy ngày") are answered together.
    """
    pending, turn.state.facet = turn.state.facet, ""
    if {reading.facet, reading.also} == {Facet.FEE, Facet.TIME}:
        return answers.FEE_TIME
    if reading.facet is not Facet.NONE or turn.state.idle_for(turn.now) > REPEAT_WINDOW:
        return reading.facet.value
    known = {facet.value for facet in Facet} | {answers.FEE_TIME}
    return pending if pending in known else reading.facet.value


# Where a message joins two needs: "và", "với", "cả", "and", a comma or semicolon.
CLEAR_LEAD = 0.1  # a second need's part names its procedure when it leads the next by this much
_JOINS = re.compile(r"\s(?:và|va|với|voi|cả|and)\s|[,;]\s*", re.IGNORECASE)


def with_second_need(turn: Turn, text: str, answered: str, answered_with: list[Reply]) -> list[Reply]:
    """Offer a second procedure the message names beside the one answered, as one more button.

    "cần làm căn cước và đăng ký tạm trú" is answered for one of them; the other is offered
    when a part of the message alone is a confident match for it.
    """
    parts = [part for part in _JOINS.split(text) if part.strip()]
    if not answered_with or not 2 <= len(parts) <= MAX_PARTS or len(text.split()) > MAX_NEEDS_WORDS:
        return answered_with
    for part in parts:
        decision = turn.snap.router.route(part)
        top, runner = decision.top, decision.candidates[1:2]
        # A part is short, so it rarely reaches the match line: a clear leader half-way there will do
        # ("mất cả cccd"), not a guess just over the no-match line ("never registered" → land title).
        lines = turn.snap.router.thresholds
        halfway = (lines.no_match + lines.match) / 2
        clear = top is not None and top.score >= halfway and (not runner or top.score - runner[0].score >= CLEAR_LEAD)
        sure = decision.verdict is Verdict.MATCH or (decision.verdict is Verdict.AMBIGUOUS and clear)
        if sure and top is not None and top.kind is not IntentKind.GENERAL:
            if top.intent != answered:
                label = turn.tr.gettext("Also: {name}").format(name=replies.label(turn, top.intent))  # their language
                last = answered_with[-1]
                option = Option(shorten(label), payload(Kind.OPEN, top.intent))  # no "did you mean" waits
                return [*answered_with[:-1], last.with_options(option, first=True)]
    return answered_with


def commune_name(turn: Turn) -> str | None:
    """The user's commune or ward as a full name, when it is known by its official code."""
    commune = turn.state.commune
    if commune is None or not commune.isdigit():
        return None
    return commune_label(commune, full=True)


_DOTLESS_CODE = re.compile(r"([1-3])(\d{6})(?![\d.,])")


def dotless_code(turn: Turn, text: str) -> str | None:
    """A national code typed without its dot ("1001193", "1001193 giấy tờ" for 1.001193), when the catalog has it."""
    found = _DOTLESS_CODE.match(simplify(text))
    code = f"{found.group(1)}.{found.group(2)}" if found else None
    return code if code is not None and turn.snap.catalog.by_code(code) is not None else None


def bare_number(turn: Turn, text: str) -> Reply | None:
    """A number typed when no list is showing: ask what it means rather than route it."""
    simple = simplify(text)
    if not simple.isdigit() or dotless_code(turn, text):  # a number that picks an option never gets here
        return None
    tr, shown = turn.tr, len(turn.state.options)
    if shown > 1:  # a list is showing, but not that many items: keep it and say which numbers work
        text = tr.gettext('You typed "{number}". Please choose a number from 1 to {last}, or tap an option.')
        state = turn.state
        kept = tuple(Option(label, option) for label, option in zip(state.labels, state.options, strict=False))
        return Reply(text.format(number=simple[:12], last=shown), kept if len(kept) == shown else menu_option(tr))
    text = tr.gettext(
        'You typed "{number}". Numbers choose an item from the list I showed; there is none to choose from now. '
        "What would you like to ask? For example: “lệ phí làm hộ chiếu”."
    ).format(number=simple[:12])
    return Reply(text, menu_option(tr))


def not_ready(turn: Turn) -> list[Reply]:
    """A "no" to a step that asked nothing: the citizen is not done yet -- no hurry, help is here.

    Said again at the same step, nothing (the caller offers help from a person instead of
    repeating "no hurry").
    """
    tr, state = turn.tr, turn.state
    said = f"{state.procedure}:not-ready:{state.step}"
    if state.answered == said:
        return []
    state.answered = said
    text = tr.gettext('No hurry. Tap "Next" when you have done this step, or "I\'m stuck" if something is unclear.')
    options = (
        Option(tr.gettext("Next"), NAV_NEXT),
        Option(tr.gettext("I'm stuck"), NAV_STUCK),
        Option(tr.gettext("Back"), NAV_BACK),
    )
    return [Reply(text, options)]


def welcome_back(turn: Turn) -> Reply | None:
    """A greeting from someone with an unfinished guide: name the guide and step, offer to go on."""
    state, tr = turn.state, turn.tr
    position = state.position() if state.mode in (Mode.GUIDE, Mode.CHECKLIST) else state.paused
    if position is None:
        return None
    root = position.stack[0].procedure if position.stack else position.procedure
    entry = turn.snap.catalog.get(root)
    inner = turn.snap.catalog.get(position.procedure)
    if entry is None or inner is None:
        return None
    try:
        index = inner.step_index(position.step)
    except KeyError:
        return None
    number, total = walked_number(inner, index, state.history, len(position.stack))  # as the step says it
    text = tr.gettext(
        'Hello again! Last time you were on step {number}/{total} of "{name}". Shall we continue from there?'
    ).format(number=number, total=total, name=entry.name.get(tr.locale))
    options = (Option(tr.gettext("Yes"), NAV_RESUME), Option(tr.gettext("No"), NAV_MENU))
    return Reply(text, options, kind=ReplyKind.QUESTION, yes_no=(NAV_RESUME, NAV_MENU))


def rephrase(turn: Turn) -> Reply:
    """The answer to "no" after "did you mean …?": ask for other words, offer the menu."""
    tr = turn.tr
    text = tr.gettext(
        "All right. Tell me in other words what you need (for example the paper you want), or open the menu."
    )
    return Reply(text, menu_option(tr))


__all__ = [
    "answer",
    "bare_number",
    "not_ready",
    "pending_answer",
    "rephrase",
    "welcome_back",
]

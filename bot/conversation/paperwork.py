"""The document checklist in a conversation: whose papers to show, and ticking them off.

Which entry's papers: the one named, else the guide the user is in (for a nested helper
guide such as VNeID, the outer procedure's), else the card on screen (a national listing card
shows the papers its record lists). Ticks are kept per
entry in the conversation state, so they survive a restart and a detour.
"""

from __future__ import annotations

from bot.conversation import replies as fixed
from bot.conversation.answers import asked_phrase
from bot.conversation.cards import checklist
from bot.conversation.listing_cards import listing_answer, listing_card
from bot.conversation.questions import offered_choices, sole_choice
from bot.conversation.state import Mode
from bot.conversation.turn import Turn
from bot.messages import Reply
from bot.storage.events import EventType
from intents.facets import Facet


def _entry_for(turn: Turn, entry_id: str | None) -> tuple[str | None, bool]:
    """Which entry's papers to show, and whether the user is in a guide to return to."""
    state = turn.state
    if entry_id:
        return entry_id, state.mode is Mode.GUIDE
    if state.mode in (Mode.GUIDE, Mode.CHECKLIST) and state.step is not None:
        # A nested helper guide (VNeID) has no papers of its own: show the outer procedure's.
        current = turn.snap.catalog.get(state.procedure or "")
        if current is not None and current.documents:
            return current.id, True
        return state.root_procedure(), True
    if not state.procedure and (offered := sole_choice(turn)) is not None:
        return offered, False  # "Did you mean: Birth registration?" answered with "giấy tờ?"
    return state.procedure, False


def show(turn: Turn, entry_id: str | None) -> list[Reply]:
    """The papers of ``entry_id``, or of the guide or card the user is on, with their ticks."""
    state, tr = turn.state, turn.tr
    target, resume = _entry_for(turn, entry_id)
    entry = turn.snap.catalog.get(target or "")
    card = turn.snap.catalog.card(target or "") if entry is None else None
    if card is not None:  # a national listing card: the papers its record lists (nothing to tick)
        return [listing_answer(card, Facet.DOCUMENTS.value, tr) or listing_card(card, tr)]
    if entry is None and (choices := offered_choices(turn)):  # "bhyt" → "Ý bạn là …" → "giấy tờ"
        state.facet = Facet.DOCUMENTS.value  # answered once the user picks
        return [fixed.ask_first(turn, choices, asked_phrase(Facet.DOCUMENTS.value, tr))]
    if entry is None:
        return [fixed.no_guide(tr)]
    if resume:
        state.mode = Mode.CHECKLIST
    state.checklist = entry.id
    return [checklist(entry, state.ticks.get(entry.id, []), tr, resume)]


def tick(turn: Turn, document_id: str) -> list[Reply]:
    """Tick or untick one paper of the checklist on screen."""
    state, tr = turn.state, turn.tr
    entry = turn.snap.catalog.get(state.checklist or "")
    if entry is None or document_id not in {doc.id for doc in entry.documents}:
        return [fixed.no_guide(tr)]
    ticked = state.ticks.setdefault(entry.id, [])
    if document_id in ticked:
        ticked.remove(document_id)
    else:
        ticked.append(document_id)
        turn.log(EventType.TICK, intent=entry.id, step=document_id)
    resume = state.mode is Mode.CHECKLIST
    return [checklist(entry, ticked, tr, resume)]

"""Leaving and coming back to a guide: pauses, idle time-outs, and guides that changed.

A user who leaves a guide for something else, or goes quiet for longer than the idle time,
keeps their place: "tiếp" brings them back to the same step (an idle time-out is logged as
a pause, not an abandonment). A guide whose steps changed while they were away -- an admin
imported a new catalog version -- is not resumed at a step that may no longer exist: they
are told and offered a fresh start.
"""

from __future__ import annotations

import datetime as dt

from bot.conversation import replies as fixed
from bot.conversation.actions import NAV_STUCK, Kind, payload
from bot.conversation.state import ConversationState, Mode
from bot.conversation.turn import Turn
from bot.conversation.walkthrough import guide_digest
from bot.messages import Option, Reply
from bot.storage.events import EventType


def pause(state: ConversationState) -> None:
    """Leaving a guide for something else keeps the place so "Tiếp tục" can return."""
    if state.mode in (Mode.GUIDE, Mode.CHECKLIST):
        state.paused = state.position()
        state.mode = Mode.IDLE


def expire_if_idle(turn: Turn, idle_minutes: int) -> list[Reply]:
    """Pause a guide left idle too long, and say so when the user comes back."""
    state, tr = turn.state, turn.tr
    if state.mode not in (Mode.GUIDE, Mode.CHECKLIST):
        return []
    if state.idle_for(turn.now) < dt.timedelta(minutes=idle_minutes):
        return []
    entry = turn.snap.catalog.get(state.root_procedure() or "")
    pause(state)
    # Paused, not abandoned: "tiếp" brings the user back to this step.
    turn.log(EventType.GUIDE_PAUSED, intent=entry.id if entry else None, step=state.step)
    name = entry.name.get(tr.locale) if entry else ""
    return [
        Reply(
            tr.gettext(
                'Welcome back. Your guide "{name}" was paused; type "tiếp" to continue where you left off.'
            ).format(name=name)
        )
    ]


def guide_updated(turn: Turn) -> list[Reply]:
    """Tell a user mid-guide that the guide changed under them, and offer to start it again."""
    state, tr = turn.state, turn.tr
    position = state.position() if state.mode in (Mode.GUIDE, Mode.CHECKLIST) else state.paused
    if position is None or not state.guide_digest:
        return []
    root = position.stack[0].procedure if position.stack else position.procedure
    entry = turn.snap.catalog.get(root)
    if entry is not None and guide_digest(entry) == state.guide_digest:
        return []
    state.mode, state.step, state.stack, state.paused, state.history = Mode.IDLE, None, [], None, []
    state.guide_digest = ""
    if entry is None:
        state.procedure = None
        text = tr.gettext("The guide you were following has been removed from the catalog. Please open the menu.")
        return [Reply(text, fixed.menu_option(tr))]
    state.mode, state.procedure = Mode.CARD, entry.id
    text = tr.gettext(
        'The guide "{name}" has just been updated. Please start it again so you follow the new steps.'
    ).format(name=entry.name.get(tr.locale))
    options = (Option(tr.gettext("Start again"), payload(Kind.GUIDE, entry.id)), *fixed.menu_option(tr))
    return [Reply(text, options)]


def resume_paused(turn: Turn) -> list[Reply]:
    """Go back to the step where the paused guide was left."""
    state = turn.state
    assert state.paused is not None
    state.restore(state.paused)
    state.paused, state.mode = None, Mode.GUIDE
    return [turn.snap.walk.render_step(state, turn.tr)]


def stop(turn: Turn) -> list[Reply]:
    """Leave the guide ("thoát"), logged as abandoned, and forget where it was."""
    state, tr = turn.state, turn.tr
    if state.mode in (Mode.GUIDE, Mode.CHECKLIST):
        turn.log(EventType.GUIDE_ABANDONED, intent=state.root_procedure(), step=state.step)
    state.mode, state.procedure, state.step, state.stack, state.paused = Mode.IDLE, None, None, [], None
    state.history = []
    return [Reply(tr.gettext("OK, stopped. Ask me another question or open the menu."), fixed.menu_option(tr))]


def rate(turn: Turn, helpful: bool) -> list[Reply]:
    """👍 or 👎: thanks, and help when it did not.

    At the end of a guide it rates the guide; in the middle, the step at hand, and the guide goes
    on at that step; with nothing to rate, it is only thanked.
    """
    state, tr = turn.state, turn.tr
    decision = "up" if helpful else "down"
    if state.mode in (Mode.GUIDE, Mode.CHECKLIST) and turn.snap.walk.current(state) is not None:
        turn.log(EventType.RATING, intent=state.root_procedure(), step=state.step, decision=decision)
        thanks = (
            tr.gettext("Thank you! Let's go on.")
            if helpful
            else tr.gettext('Thank you for telling us. We will improve this step. If you are stuck, tap "I\'m stuck".')
        )
        return [Reply(thanks), turn.snap.walk.render_step(state, tr)]
    if state.mode is not Mode.RATING:
        return [Reply(tr.gettext("Thank you!"), fixed.menu_option(tr))]
    turn.log(EventType.RATING, intent=state.procedure, decision=decision)
    state.mode = Mode.IDLE
    text = (
        tr.gettext("Thank you! Glad it helped.")
        if helpful
        else tr.gettext(
            "Thank you for telling us. We will improve this guide. If you are still stuck, ask for help below."
        )
    )
    return [Reply(text, (Option(tr.gettext("I'm stuck"), NAV_STUCK), *fixed.menu_option(tr)))]

"""The step-by-step walk through a guide: transitions over a procedure's step graph.

No I/O here: each method takes the conversation state and a translator, moves the state,
and returns the replies. Branch targets follow the grammar documented in
:mod:`procedures.models`; a ``guide:<id>`` target pushes a frame so that the walk comes
back to the outer guide when the inner one ends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from bot.conversation.actions import (
    ANS_NO,
    ANS_YES,
    NAV_BACK,
    NAV_DOCS,
    NAV_EXIT,
    NAV_MENU,
    NAV_NEXT,
    NAV_STUCK,
    RATE_DOWN,
    RATE_UP,
    Kind,
    payload,
)
from bot.conversation.state import ConversationState, Frame, Mode, Position
from bot.i18n import Translator
from bot.messages import Link, Option, Reply, ReplyKind
from intents.facets import Facet
from intents.normalize import fold
from procedures.catalog import Catalog
from procedures.models import ChannelKind, Procedure, Step
from procedures.validation import parse_target, step_numbers

MAX_DEPTH = 3  # nested guides deeper than this are a catalog loop, not a real need


class Walkthrough:
    """Moves a conversation through guides of one catalog."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    # -- helpers -------------------------------------------------------------------------

    def current(self, state: ConversationState) -> tuple[Procedure, int] | None:
        """The current guide and step index, or None when the state points nowhere valid."""
        entry = self.catalog.get(state.procedure or "")
        if entry is None or state.step is None:
            return None
        try:
            return entry, entry.step_index(state.step)
        except KeyError:
            return None

    def step_options(self, step: Step, tr: Translator) -> tuple[Option, ...]:
        """The buttons under a step: answers for a question, else Next; then the usual four."""
        first: tuple[Option, ...]
        if step.check is not None:
            # "… không?" is answered "Có / Không"; "… chưa?" (have you … yet?) "Có / Chưa".
            asks_yet = fold(step.check.question.vi).rstrip(" ?.!").endswith("chua")
            no = tr.gettext("Not yet") if asks_yet else tr.gettext("No")
            first = (Option(tr.gettext("Yes"), ANS_YES), Option(no, ANS_NO))
        else:
            first = (Option(tr.gettext("Next"), NAV_NEXT),)
        return first + (
            Option(tr.gettext("Back"), NAV_BACK),
            Option(tr.gettext("Papers to prepare"), NAV_DOCS),
            Option(tr.gettext("I'm stuck"), NAV_STUCK),
            Option(tr.gettext("Exit"), NAV_EXIT),
        )

    def render_step(self, state: ConversationState, tr: Translator) -> Reply:
        """The current step as one message: "Bước 2/6: …", a tip, the question if any."""
        found = self.current(state)
        if found is None:
            return Reply(tr.gettext("That guide is no longer available."), (Option(tr.gettext("Menu"), NAV_MENU),))
        entry, index = found
        step = entry.steps[index]
        number, total = walked_number(entry, index, state.history, len(state.stack))
        header = tr.gettext("Step {number}/{total}").format(number=number, total=total)
        if state.stack:
            header = f"[{entry.name.get(tr.locale)}] {header}"
        lines = [f"{header}: {step.text.get(tr.locale)}"]
        if step.tip is not None:
            lines.append(f"💡 {step.tip.get(tr.locale)}")
        kind = ReplyKind.STEP
        if step.check is not None:
            lines.append(f"❓ {step.check.question.get(tr.locale)}")
            kind = ReplyKind.QUESTION
        links = (Link(tr.gettext("Open the page"), step.url),) if step.url else ()
        yes_no = (ANS_YES, ANS_NO) if step.check is not None else None
        options = self.step_options(step, tr)
        outer = self.catalog.get(state.stack[0].procedure) if step.waits and state.stack else None
        desks = [c.name.get(tr.locale) for c in outer.channels if c.kind is ChannelKind.IN_PERSON] if outer else []
        if outer is not None and desks:  # days to wait: the procedure asked for can be done in person
            said = tr.gettext("Rather not wait? {name} can also be done in person: {place}.")
            lines.append(said.format(name=outer.name.get(tr.locale), place=desks[0]))
            where = Option(tr.gettext("Where to submit"), payload(Kind.FACT, outer.id, Facet.WHERE))
            options = (*options[:1], where, *options[1:])
        return Reply("\n".join(lines), options, links, kind, yes_no=yes_no)

    # -- transitions ---------------------------------------------------------------------

    def start(self, state: ConversationState, entry: Procedure, tr: Translator) -> list[Reply]:
        """Begin a guide at its first step, after saying what to have ready."""
        state.mode = Mode.GUIDE
        state.procedure, state.step = entry.id, entry.steps[0].id
        state.stack, state.history, state.paused = [], [], None
        replies = []
        if entry.is_unverified("steps"):
            replies.append(
                Reply(
                    tr.gettext(
                        "⚠️ These steps are not yet fully checked against an official source, and the screens "
                        'may look different. If something does not match, tap "I\'m stuck".'
                    )
                )
            )
        if entry.preparation is not None:
            replies.append(Reply(f"🧾 {entry.preparation.get(tr.locale)}"))
        replies.append(self.render_step(state, tr))
        return replies

    def go(self, state: ConversationState, target: str, tr: Translator) -> list[Reply]:
        """Follow a branch target from the current step."""
        found = self.current(state)
        if found is None:
            return [self.render_step(state, tr)]
        entry, index = found
        kind, guide_id, step_id = parse_target(target)
        state.remember()
        if kind == "end":
            return self.finish(state, tr)
        if kind == "next":
            if index + 1 >= len(entry.steps):
                return self.finish(state, tr)
            state.step = entry.steps[index + 1].id
            return [self.render_step(state, tr)]
        if kind == "step" and step_id is not None:
            state.step = step_id
            return [self.render_step(state, tr)]
        inner = self.catalog.get(guide_id or "")
        if inner is None or len(state.stack) >= MAX_DEPTH:
            # A broken or looping branch must not trap the user: carry on in this guide.
            return self.go(state, "next", tr)
        state.stack.append(Frame(entry.id, step_id or f"+{entry.steps[index].id}"))
        state.procedure, state.step = inner.id, inner.steps[0].id
        intro = tr.gettext("First, let's do this together: {name}.").format(name=inner.name.get(tr.locale))
        return [Reply(intro), self.render_step(state, tr)]

    def next(self, state: ConversationState, tr: Translator) -> list[Reply]:
        """Go on ("Tiếp theo"): follow the step's ``next`` target; a question must be answered first."""
        found = self.current(state)
        if found is None:
            return [self.render_step(state, tr)]
        step = found[0].steps[found[1]]
        if step.check is not None:  # named as its buttons are: "Có / Không" or "Có / Chưa"
            options = self.step_options(step, tr)
            ask = tr.gettext("Please answer first: {yes} or {no}?").format(yes=options[0].label, no=options[1].label)
            return [Reply(ask), self.render_step(state, tr)]
        return self.go(state, step.next, tr)

    def answer(self, state: ConversationState, yes: bool, tr: Translator) -> list[Reply]:
        """A yes/no answer to the current step's question."""
        found = self.current(state)
        if found is None:
            return [self.render_step(state, tr)]
        step = found[0].steps[found[1]]
        if step.check is None:
            return self.go(state, step.next, tr)
        target = step.check.if_yes if yes else step.check.if_no
        kind, inner, back = parse_target(target)
        # "Bạn đăng nhập được chưa?" "Chưa" → the login guide, which comes back to ask again; a second
        # "Chưa" right after walking it would send the user round the same steps for ever.
        guide = self.catalog.get(inner or "")
        if kind == "guide" and back == step.id and guide is not None and self._just_walked(state, guide.id):
            return [self._still_stuck(guide, tr)]
        return self.go(state, target, tr)

    @staticmethod
    def _just_walked(state: ConversationState, guide: str) -> bool:
        """Whether the step shown before this one was in ``guide`` (the user has just come back from it)."""
        return bool(state.history) and state.history[-1].procedure == guide

    @staticmethod
    def _still_stuck(guide: Procedure, tr: Translator) -> Reply:
        """A person's help, after a guide walked through did not get the user past a step."""
        text = tr.gettext(
            "You have been through “{name}” and it still does not work. A person can help: tap “I'm stuck”, "
            "or ask at the one-stop desk of your commune."
        ).format(name=guide.name.get(tr.locale))
        options = (Option(tr.gettext("I'm stuck"), NAV_STUCK), Option(tr.gettext("Exit"), NAV_EXIT))
        return Reply(text, options, kind=ReplyKind.QUESTION)

    def back(self, state: ConversationState, tr: Translator) -> list[Reply]:
        """Go back ("Quay lại") to the previously shown step, across nested guides."""
        if not state.history:
            return [Reply(tr.gettext("This is the first step.")), self.render_step(state, tr)]
        state.restore(state.history.pop())
        state.mode = Mode.GUIDE
        return [self.render_step(state, tr)]

    def finish(self, state: ConversationState, tr: Translator) -> list[Reply]:
        """End the current guide: return to the outer one, or close with tracking and rating."""
        finished = self.catalog.get(state.procedure or "")
        if state.stack:
            frame = state.stack.pop()
            outer = self.catalog.get(frame.procedure)
            if outer is None:
                return self.finish(state, tr)
            state.procedure = outer.id
            name = finished.name.get(tr.locale) if finished else ""
            done = Reply(
                tr.gettext("Done: {name}. Back to {outer}.").format(name=name, outer=outer.name.get(tr.locale))
            )
            if frame.step.startswith("+"):
                # Resume at the step after the one that branched out. The history already
                # holds the inner guide's last step, so "Quay lại" returns there.
                index = outer.step_index(frame.step[1:]) if frame.step[1:] in {s.id for s in outer.steps} else -1
                if index + 1 >= len(outer.steps):
                    state.step = outer.steps[-1].id
                    return [done, *self.finish(state, tr)]
                state.step = outer.steps[index + 1].id
                return [done, self.render_step(state, tr)]
            state.step = frame.step
            return [done, self.render_step(state, tr)]
        state.mode = Mode.RATING
        lines = [tr.gettext("✅ You have finished all the steps.")]
        if finished is not None and finished.tracking is not None:
            lines.append(finished.tracking.get(tr.locale))
        lines.append(tr.gettext("Was this guide helpful?"))
        options = (
            Option("👍", RATE_UP),
            Option("👎", RATE_DOWN),
            Option(tr.gettext("Menu"), NAV_MENU),
        )
        return [Reply("\n".join(lines), options, kind=ReplyKind.QUESTION)]


def walked_number(entry: Procedure, index: int, history: Sequence[Position], depth: int) -> tuple[int, int]:
    """Step ``index``'s number along the walk taken so far, and the most steps that walk can have.

    The number counts the steps of this guide left behind (``history`` at this nesting ``depth``),
    so a walk that took the in-person branch reads 1/4, 2/4, 3/4, 4/4 even where the steps it
    joins again sit at the end of the list; the total adds the longest walk on from the step
    (:func:`procedures.validation.step_numbers`). With no such history (a walk resumed after it
    was cleared), the step's own number along the longest walk to it.
    """
    number, total = step_numbers(entry)[index]
    walked = sum(1 for position in history if position.procedure == entry.id and len(position.stack) == depth)
    if walked or index == 0:
        return walked + 1, walked + 1 + total - number
    return number, total


def guide_digest(entry: Procedure) -> str:
    """A short digest of a guide's steps: when it changes, a user mid-guide is told."""
    # A field added later ("waits") is left out while it keeps its default: the digests stored for
    # guides in progress stay the same, and nobody mid-guide is told to start again for nothing.
    payload = "".join(step.model_dump_json(exclude=None if step.waits else {"waits"}) for step in entry.steps)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

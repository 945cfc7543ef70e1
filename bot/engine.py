"""The conversation engine: ``handle(inbound) -> list[Reply]``, the same for every channel.

For each message: load the conversation (locked), turn a button press or a typed command
into an action, or route free text through the intent router; move the walkthrough; record
the usage events; save. No transport I/O happens here -- channel adapters deliver the
replies.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlmodel import SQLModel

from bot import commands
from bot.cards import checklist, compact_card, listing_card, procedure_card
from bot.contacts import Contacts
from bot.desks import Desks
from bot.events import EventType, Recorder
from bot.i18n import Languages, Translator, pick_locale
from bot.live import LiveCatalog, Snapshot
from bot.messages import Inbound, Option, Reply, ReplyKind, shorten
from bot.privacy import hash_user
from bot.roles import Role
from bot.state import MAX_SEEN, ConversationState, Mode
from bot.storage import ConversationStore
from bot.turn import Turn
from bot.walkthrough import guide_digest
from intents.index import IntentKind
from intents.router import Decision, Verdict
from procedures.models import CODE_PATTERN, Procedure

NATIONAL_CODE = re.compile(CODE_PATTERN)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class EngineConfig:
    """The engine's knobs (from :class:`bot.config.Settings`)."""

    user_salt: str
    idle_minutes: int = 60
    max_text_chars: int = 2000
    default_locale: str = "vi"


def clean_text(text: str, limit: int) -> tuple[str, bool]:
    """Strip control and direction characters; cut to ``limit``. Returns (text, was_cut)."""
    text = _CONTROL.sub(" ", text or "").strip()
    if len(text) > limit:
        return text[:limit], True
    return text, False


class Engine:
    """Turns inbound messages into replies, keeping each conversation's state."""

    def __init__(
        self,
        live: LiveCatalog,
        store: ConversationStore,
        languages: Languages,
        recorder: Recorder,
        config: EngineConfig,
        contacts: Contacts | None = None,
        desks: Desks | None = None,
    ):
        self.live = live
        self.store = store
        self.languages = languages
        self.recorder = recorder
        self.config = config
        self.contacts = contacts or Contacts()
        self.desks = desks

    # -- entry point ---------------------------------------------------------------------

    def handle(self, inbound: Inbound) -> list[Reply]:
        """Answer one inbound message."""
        address = inbound.address
        user = hash_user(self.config.user_salt, address.channel, address.user_id)
        text, was_cut = clean_text(inbound.text, self.config.max_text_chars)
        rows: list[SQLModel] = []
        with self.store.open(user, address.channel, rows) as state:
            if inbound.message_id is not None:
                # Platforms retry deliveries (Telegram webhooks, Zalo): a message seen before
                # was already answered, so it changes nothing and gets no second answer.
                if inbound.message_id in state.seen:
                    return []
                state.seen = [*state.seen, inbound.message_id][-MAX_SEEN:]
            if not state.last_active:
                state.locale = pick_locale(inbound.locale_hint, self.config.default_locale)
            turn = Turn(
                state,
                self.languages.get(state.locale),
                inbound.received_at,
                self.live.current,  # pinned: a catalog swap mid-message never mixes versions
                inbound,
                user,
                self._role(inbound, state),
            )
            turn.log(EventType.MESSAGE, text=text or None)
            replies = self._expire_if_idle(turn)
            updated = self._guide_updated(turn)
            replies += updated
            if not updated or not self._continues_guide(turn, text):
                replies += self._dispatch(turn, inbound.payload, text)
            if was_cut:
                note = turn.tr.gettext("Your message was very long; I read only the first {n} characters.")
                replies.insert(0, Reply(note.format(n=self.config.max_text_chars)))
            state.options = [option.payload for option in replies[-1].options] if replies else []
            state.last_active = inbound.received_at.isoformat()
            state.messages += 1
            rows.extend(turn.rows)
            rows.extend(
                self.recorder.rows(
                    address.channel, user, turn.events, turn.commune, turn.role.value, inbound.received_at
                )
            )
        return replies

    def _role(self, inbound: Inbound, state: ConversationState) -> Role:
        address = inbound.address
        if self.desks is not None and self.desks.staff.is_admin(address.channel, address.user_id):
            return Role.ADMIN
        return Role.HELPER if state.helper_commune else Role.CITIZEN

    def _continues_guide(self, turn: Turn, text: str) -> bool:
        """Whether the message only meant "go on with the guide" (answered by the notice itself)."""
        payload = turn.inbound.payload or commands.parse(text, [], awaiting_answer=True)
        return payload is not None and (payload.startswith("nav:") or payload.startswith("ans:"))

    # -- dispatch ------------------------------------------------------------------------

    def _dispatch(self, turn: Turn, payload: str | None, text: str) -> list[Reply]:
        state = turn.state
        document = turn.inbound.document
        if document is not None:
            if self.desks is not None and turn.role is Role.ADMIN:
                return self.desks.admin.upload(turn, document.name, document.content)
            return [self._media(turn.tr, "document")]
        if payload is None:
            awaiting = state.mode is Mode.GUIDE and self._awaiting_answer(turn)
            payload = commands.parse(text, state.options, awaiting)
            if payload is None and self.desks is not None:
                payload = self.desks.reminders.parse(text)
        if payload is not None:
            return self._act(turn, payload)
        commune = self._commune_choice(text)
        if commune is not None:
            state.commune = commune
            name = self.contacts.for_commune(commune).name
            saved = turn.tr.gettext('Saved: {name}. "I\'m stuck" will now show its contacts.')
            return [Reply(saved.format(name=name), self._menu_option(turn.tr))]
        if not text:
            return [self._nothing_typed(turn)]
        return self._route(turn, text)

    def _commune_choice(self, text: str) -> str | None:
        """Pick a configured commune from "xã Tân Lập" / "phường Bến Nghé" (for the contacts)."""
        simple = commands.simplify(text)
        for prefix in ("xa ", "phuong ", "dac khu ", "commune ", "ward "):
            if simple.startswith(prefix) and self.contacts.communes:
                return self.contacts.find(simple) or self.contacts.find(simple[len(prefix) :])
        return None

    def _awaiting_answer(self, turn: Turn) -> bool:
        found = turn.snap.walk.current(turn.state)
        return found is not None and found[0].steps[found[1]].check is not None

    def _act(self, turn: Turn, payload: str) -> list[Reply]:
        """Carry out a button press or typed command."""
        state, tr = turn.state, turn.tr
        action, _, argument = payload.partition(":")
        in_guide = state.mode in (Mode.GUIDE, Mode.CHECKLIST) and turn.snap.walk.current(state) is not None
        if action == "nav" and argument in ("next", "back", "resume") or action == "ans":
            if not in_guide and state.paused is not None:
                return self._resume_paused(turn)
            if not in_guide and state.mode is Mode.CARD and argument in ("next", "resume") and state.procedure:
                return self._start_guide(turn, state.procedure)  # "tiếp" under a card starts its guide
            if not in_guide:
                return [self._no_guide(tr)]
            state.mode = Mode.GUIDE
            if argument == "next":
                replies = turn.snap.walk.next(state, tr)
            elif argument == "back":
                replies = turn.snap.walk.back(state, tr)
            elif argument == "resume":
                replies = [turn.snap.walk.render_step(state, tr)]
            else:
                replies = turn.snap.walk.answer(state, argument == "yes", tr)
            self._log_position(turn)
            if state.mode is Mode.RATING and self.desks is not None:
                replies[-1] = self.desks.reminders.offer(turn, replies[-1])
            return replies
        if action in ("staff", "remind"):
            if self.desks is None:
                return [self._menu(turn)]
            return self.desks.act(turn, action, argument)
        if action == "guide":
            return self._start_guide(turn, argument)
        if action in ("open", "pick"):
            return self._open(turn, argument)
        if action == "docs":
            return self._checklist(turn, argument or None)
        if action == "tick":
            return self._tick(turn, argument)
        if action == "sector":
            return [self._sector(turn, argument)]
        if action == "rate":
            return self._rate(turn, argument == "up")
        if action == "lang":
            return self._language(turn, argument)
        if action == "cmd" and argument == "start":
            self._pause(state)
            return [self._greeting(tr, first=True)]
        if action == "media":
            return [self._media(tr, argument)]
        if action == "unknown":
            return [
                Reply(
                    tr.gettext("I don't know the command {command}. Type /help to see what I can do.").format(
                        command=argument
                    ),
                    self._menu_option(tr),
                )
            ]
        if action == "nav":
            if argument == "docs":
                return self._checklist(turn, None)
            if argument == "stuck":
                return [self._stuck(turn)]
            if argument == "exit":
                return self._exit(turn)
            if argument == "menu":
                self._pause(state)
                return [self._menu(turn)]
            if argument == "help":
                return [self._help(tr)]
            if argument == "lang":
                return self._language(turn, "vi" if state.locale == "en" else "en")
        return [self._menu(turn)]

    # -- routing -------------------------------------------------------------------------

    def _route(self, turn: Turn, text: str) -> list[Reply]:
        code = text.strip().rstrip(".")
        if NATIONAL_CODE.match(code):
            # A national code (1.001193) is a direct look-up, the helpers' quickest path.
            found = turn.snap.catalog.by_code(code)
            if found is not None:
                return self._open(turn, found.id if isinstance(found, Procedure) else found.code)
        decision = turn.snap.router.route(text)
        top = decision.top
        turn.log(
            EventType.ROUTE,
            intent=decision.intent,
            decision=decision.verdict.value,
            confidence=round(decision.confidence, 4),
        )
        if decision.verdict is Verdict.NO_MATCH or top is None:
            turn.log(EventType.UNRESOLVED, text=text)
            return [self._not_understood(turn)]
        if decision.verdict is Verdict.AMBIGUOUS:
            return [self._ask_which(turn, decision)]
        if top.kind is IntentKind.GENERAL:
            return self._general(turn, top.intent)
        return self._open(turn, top.intent)

    def _ask_which(self, turn: Turn, decision: Decision) -> Reply:
        tr = turn.tr
        top = decision.candidates[0]
        close = [c for c in decision.candidates if top.score - c.score < 2 * turn.snap.router.thresholds.margin]
        close = [c for c in close if c.kind is not IntentKind.GENERAL] or close[:1]
        if len(close) == 1:
            text = tr.gettext("Did you mean: {name}?").format(name=self._label(turn, close[0].intent))
            options = (
                Option(tr.gettext("Yes"), f"pick:{close[0].intent}"),
                Option(tr.gettext("No, show the menu"), "nav:menu"),
            )
            return Reply(text, options, kind=ReplyKind.QUESTION)
        lines = [tr.gettext("Did you mean:")]
        choices: list[Option] = []
        for number, candidate in enumerate(close[:3], 1):
            label = self._label(turn, candidate.intent)
            lines.append(f"{number}) {label}")
            choices.append(Option(shorten(label), f"pick:{candidate.intent}"))
        choices.append(Option(tr.gettext("None of these"), "nav:menu"))
        return Reply("\n".join(lines), tuple(choices), kind=ReplyKind.QUESTION)

    def _label(self, turn: Turn, intent: str) -> str:
        entry = turn.snap.catalog.get(intent)
        if entry is not None:
            return entry.name.get(turn.tr.locale)
        card = turn.snap.catalog.card(intent)
        return card.name if card is not None else intent

    def _general(self, turn: Turn, intent: str) -> list[Reply]:
        tr = turn.tr
        if intent == "greeting":
            return [self._greeting(tr, first=turn.state.messages == 0)]
        if intent == "thanks":
            return [Reply(tr.gettext("You're welcome! Ask me anytime about another procedure."), self._menu_option(tr))]
        if intent == "goodbye":
            return [
                Reply(tr.gettext("Goodbye! Come back whenever you need help with a procedure."), self._menu_option(tr))
            ]
        if intent == "human":
            return [self._stuck(turn)]
        return [self._help(tr)]

    # -- cards, guides, checklists ---------------------------------------------------------

    def _open(self, turn: Turn, intent: str) -> list[Reply]:
        state, tr = turn.state, turn.tr
        entry = turn.snap.catalog.get(intent)
        self._pause(state)
        if entry is not None:
            state.mode, state.procedure, state.step = Mode.CARD, entry.id, None
            turn.log(EventType.CARD, intent=entry.id)
            if state.household:
                state.assisted = entry.id
                return [compact_card(entry, tr, turn.now.date())]
            return [self._with_resume(state, procedure_card(entry, tr, turn.now.date()), tr)]
        card = turn.snap.catalog.card(intent)
        if card is not None:
            if state.household:
                state.assisted = card.code
            state.mode, state.procedure, state.step = Mode.IDLE, card.code, None
            turn.log(EventType.CARD, intent=card.code)
            return [self._with_resume(state, listing_card(card, tr), tr)]
        return [self._menu(turn)]

    def _with_resume(self, state: ConversationState, reply: Reply, tr: Translator) -> Reply:
        """Offer to return to a paused guide under any other answer."""
        if state.paused is None:
            return reply
        resume = Option(tr.gettext("Continue the guide"), "nav:resume")
        return Reply(reply.text, (*reply.options, resume), reply.links, reply.kind)

    def _start_guide(self, turn: Turn, entry_id: str) -> list[Reply]:
        entry = turn.snap.catalog.get(entry_id)
        if entry is None:
            return [self._menu(turn)]
        replies = turn.snap.walk.start(turn.state, entry, turn.tr)
        turn.state.guide_digest = guide_digest(entry)
        turn.log(EventType.GUIDE_STARTED, intent=entry.id, step=turn.state.step)
        return replies

    def _log_position(self, turn: Turn) -> None:
        state = turn.state
        if state.mode is Mode.RATING:
            turn.log(EventType.GUIDE_COMPLETED, intent=state.procedure)
        elif state.mode is Mode.GUIDE:
            turn.log(EventType.STEP, intent=state.root_procedure(), step=state.step)

    def _checklist_entry(self, turn: Turn, entry_id: str | None) -> tuple[str | None, bool]:
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
        return state.procedure, False

    def _checklist(self, turn: Turn, entry_id: str | None) -> list[Reply]:
        state, tr = turn.state, turn.tr
        target, resume = self._checklist_entry(turn, entry_id)
        entry = turn.snap.catalog.get(target or "")
        if entry is None:
            return [self._no_guide(tr)]
        if resume:
            state.mode = Mode.CHECKLIST
        state.checklist = entry.id
        return [checklist(entry, state.ticks.get(entry.id, []), tr, resume)]

    def _tick(self, turn: Turn, document_id: str) -> list[Reply]:
        state, tr = turn.state, turn.tr
        entry = turn.snap.catalog.get(state.checklist or "")
        if entry is None or document_id not in {doc.id for doc in entry.documents}:
            return [self._no_guide(tr)]
        ticked = state.ticks.setdefault(entry.id, [])
        if document_id in ticked:
            ticked.remove(document_id)
        else:
            ticked.append(document_id)
            turn.log(EventType.TICK, intent=entry.id, step=document_id)
        resume = state.mode is Mode.CHECKLIST
        return [checklist(entry, ticked, tr, resume)]

    def _rate(self, turn: Turn, helpful: bool) -> list[Reply]:
        state, tr = turn.state, turn.tr
        turn.log(EventType.RATING, intent=state.procedure, decision="up" if helpful else "down")
        state.mode = Mode.IDLE
        text = (
            tr.gettext("Thank you! Glad it helped.")
            if helpful
            else tr.gettext(
                "Thank you for telling us. We will improve this guide. If you are still stuck, ask for help below."
            )
        )
        return [Reply(text, (Option(tr.gettext("I'm stuck"), "nav:stuck"), *self._menu_option(tr)))]

    def _exit(self, turn: Turn) -> list[Reply]:
        state, tr = turn.state, turn.tr
        if state.mode in (Mode.GUIDE, Mode.CHECKLIST):
            turn.log(EventType.GUIDE_ABANDONED, intent=state.root_procedure(), step=state.step)
        state.mode, state.procedure, state.step, state.stack, state.paused = Mode.IDLE, None, None, [], None
        state.history = []
        return [Reply(tr.gettext("OK, stopped. Ask me another question or open the menu."), self._menu_option(tr))]

    def _stuck(self, turn: Turn) -> Reply:
        state, tr = turn.state, turn.tr
        turn.log(EventType.STUCK, intent=state.root_procedure(), step=state.step)
        contact = self.contacts.for_commune(state.commune)
        lines = [tr.gettext("You can get help from a person:")]
        if contact.name:
            lines[0] = tr.gettext("You can get help from a person ({name}):").format(name=contact.name)
        lines.append(f"1. {contact.desk.get(tr.locale)}")
        lines.append(f"2. {contact.team.get(tr.locale)}")
        if contact.hotline:
            lines.append(f"3. {tr.gettext('Hotline')}: {contact.hotline}")
        if self.contacts.communes and state.commune is None:
            lines.append(tr.gettext('Type "xã" and the name of your commune or ward to see its own contacts.'))
        lines.append(
            tr.gettext("Never give your password or OTP code to anyone, even someone who says they are an official.")
        )
        options = (
            [Option(tr.gettext("Back to the step"), "nav:resume")] if state.mode in (Mode.GUIDE, Mode.CHECKLIST) else []
        )
        return Reply("\n".join(lines), (*options, *self._menu_option(tr)), kind=ReplyKind.HELP)

    # -- idle, pause, language ------------------------------------------------------------

    def _pause(self, state: ConversationState) -> None:
        """Leaving a guide for something else keeps the place so "Tiếp tục" can return."""
        if state.mode in (Mode.GUIDE, Mode.CHECKLIST):
            state.paused = state.position()
            state.mode = Mode.IDLE

    def _expire_if_idle(self, turn: Turn) -> list[Reply]:
        state, tr = turn.state, turn.tr
        if state.mode not in (Mode.GUIDE, Mode.CHECKLIST):
            return []
        if state.idle_for(turn.now) < dt.timedelta(minutes=self.config.idle_minutes):
            return []
        entry = turn.snap.catalog.get(state.root_procedure() or "")
        self._pause(state)
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

    def _guide_updated(self, turn: Turn) -> list[Reply]:
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
            return [Reply(text, self._menu_option(tr))]
        state.mode, state.procedure = Mode.CARD, entry.id
        text = tr.gettext(
            'The guide "{name}" has just been updated. Please start it again so you follow the new steps.'
        ).format(name=entry.name.get(tr.locale))
        options = (Option(tr.gettext("Start again"), f"guide:{entry.id}"), *self._menu_option(tr))
        return [Reply(text, options)]

    def _resume_paused(self, turn: Turn) -> list[Reply]:
        state = turn.state
        assert state.paused is not None
        state.restore(state.paused)
        state.paused, state.mode = None, Mode.GUIDE
        return [turn.snap.walk.render_step(state, turn.tr)]

    def _language(self, turn: Turn, locale: str) -> list[Reply]:
        state = turn.state
        state.locale = locale if locale in ("vi", "en") else "vi"
        turn.tr = self.languages.get(state.locale)
        replies = [Reply(turn.tr.gettext('I will answer in English now. Type "tiếng việt" to switch back.'))]
        if state.mode is Mode.GUIDE and turn.snap.walk.current(state) is not None:
            replies.append(turn.snap.walk.render_step(state, turn.tr))
        else:
            replies[0] = Reply(replies[0].text, self._menu_option(turn.tr))
        return replies

    # -- fixed texts -------------------------------------------------------------------------

    def _menu_option(self, tr: Translator) -> tuple[Option, ...]:
        return (Option(tr.gettext("Menu"), "nav:menu"),)

    def _menu(self, turn: Turn) -> Reply:
        tr, snap = turn.tr, turn.snap
        text = tr.gettext('Choose a topic, or just type your question (for example: "làm căn cước"):')
        options = tuple(
            Option(self._sector_name(snap, name, tr), f"sector:{index}") for index, name in enumerate(snap.sectors)
        )
        return Reply(text, options, kind=ReplyKind.HELP)

    def _sector_name(self, snap: Snapshot, vi_name: str, tr: Translator) -> str:
        for entry in snap.catalog:
            if entry.sector.vi == vi_name:
                return entry.sector.get(tr.locale)
        return vi_name

    def _sector(self, turn: Turn, argument: str) -> Reply:
        tr, snap = turn.tr, turn.snap
        if not argument.isdigit() or int(argument) >= len(snap.sectors):
            return self._menu(turn)
        name = snap.sectors[int(argument)]
        entries = [entry for entry in snap.catalog if entry.sector.vi == name]
        options = tuple(Option(shorten(entry.name.get(tr.locale)), f"open:{entry.id}") for entry in entries)
        return Reply(f"{self._sector_name(snap, name, tr)}:", options + self._menu_option(tr))

    def _greeting(self, tr: Translator, first: bool) -> Reply:
        text = tr.gettext(
            "Hello! I help you with public services: which procedure you need, which papers to prepare, "
            'and each step online. Type your question, for example "đăng ký tạm trú", or open the menu.'
        )
        if first:
            text += "\n" + tr.gettext(
                '🔒 Please do not send ID numbers, passwords or OTP codes here. Type "english" for English.'
            )
        return Reply(text, self._menu_option(tr), kind=ReplyKind.HELP)

    def _help(self, tr: Translator) -> Reply:
        text = tr.gettext(
            "I can:\n• find the procedure you need (type it in your own words, with or without accents)\n"
            "• show the papers, fee and processing time\n• guide you step by step; at each step type "
            '"tiếp", "quay lại", "giấy tờ", "vướng" or "thoát", or a number to pick an option\n'
            "• tell you where to get help from a person"
        )
        return Reply(text, self._menu_option(tr), kind=ReplyKind.HELP)

    def _media(self, tr: Translator, kind: str) -> Reply:
        """Photos, voice, stickers, locations, contacts: say what works instead."""
        text = tr.gettext(
            "I can only read text messages. Please type your question in words. For your safety, do not send "
            "photos of ID cards or other papers here: upload them only on the official portal or in VNeID."
        )
        if kind == "location":
            text = tr.gettext(
                'Thanks, but I don\'t need your location. Type your question in words, for example "làm căn cước".'
            )
        return Reply(text, self._menu_option(tr))

    def _nothing_typed(self, turn: Turn) -> Reply:
        return Reply(
            turn.tr.gettext("I didn't get any text. Type your question, or open the menu."), self._menu_option(turn.tr)
        )

    def _not_understood(self, turn: Turn) -> Reply:
        tr = turn.tr
        text = tr.gettext(
            "Sorry, I don't have information about that. I can guide you through public services such as "
            "birth registration, residence, ID cards, driving licences, health insurance and land. "
            "Try asking in other words, or open the menu."
        )
        options = (*self._menu_option(tr), Option(tr.gettext("Talk to a person"), "nav:stuck"))
        if turn.state.paused is not None:
            options = (Option(tr.gettext("Continue the guide"), "nav:resume"), *options)
        return Reply(text, options)

    def _no_guide(self, tr: Translator) -> Reply:
        return Reply(
            tr.gettext("No guide is open right now. Type your question or open the menu."), self._menu_option(tr)
        )

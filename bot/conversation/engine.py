"""The conversation engine: ``handle(inbound) -> list[Reply]``, the same for every channel.

For each message: load the conversation (locked), turn a button press or a typed command
into an action, or route free text through the intent router; move the walkthrough; record
the usage events; save. No transport I/O happens here -- channel adapters deliver the
replies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.conversation import commands, opening, paperwork, pauses, questions, whereabouts
from bot.conversation import replies as fixed
from bot.conversation.actions import NAV_MENU, NAV_NEXT, NAV_RESUME, Action, ActionTable, Kind, Nav, has_kind
from bot.conversation.contacts import Contacts
from bot.conversation.handoff import LiveDesk, Switchboard
from bot.conversation.live import LiveCatalog, Snapshot
from bot.conversation.noticeboard import Blank, Noticeboard
from bot.conversation.state import ConversationState, Mode
from bot.conversation.turn import Turn
from bot.i18n import Languages, pick_locale
from bot.messages import Address, Inbound, Reply, ReplyKind, clean_text
from bot.storage.database import ConversationStore, Unit
from bot.storage.events import EventType, Recorder, Stamp
from bot.storage.privacy import hash_user, holds_secret
from bot.storage.roles import Role
from intents.facets import read_facet
from intents.index import IntentKind
from intents.language import detect
from intents.router import Verdict
from procedures.referrals import Referrals

if TYPE_CHECKING:
    # The desks sit above the conversation: the composition root hands them in.
    from bot.desks.dispatch import Desks


@dataclass(frozen=True)
class EngineConfig:
    """The engine's knobs (from :class:`bot.config.Settings`)."""

    user_salt: str
    idle_minutes: int = 60
    max_text_chars: int = 2000
    default_locale: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"  # local days decide which fees are current


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
        referrals: Referrals | None = None,
        board: Noticeboard | None = None,
        switchboard: Switchboard | None = None,
    ):
        self.live = live
        self.store = store
        self.languages = languages
        self.recorder = recorder
        self.config = config
        self.zone = ZoneInfo(config.timezone)
        self.contacts = contacts or Contacts()
        self.desks = desks
        self.referrals = referrals or Referrals()
        self.board: Noticeboard = board or Blank()  # the officers' notice, welcome text and office hours
        self.live_desk = LiveDesk(switchboard, self._contacts)  # a person takes over (the console's queue)
        self.nav = self._build_nav()
        self.actions = self._build_actions()

    # -- entry point ---------------------------------------------------------------------

    def user_key(self, address: Address) -> str:
        """The salted hash a conversation is stored under: one per (channel, user)."""
        return hash_user(self.config.user_salt, address.channel, address.user_id)

    def handle(self, inbound: Inbound) -> list[Reply]:
        """Answer one message in a transaction of its own (tests, benchmarks, direct callers).

        Channels go through :class:`bot.channels.base.Gateway`, which also stores the
        replies in the outbox within the same transaction.
        """
        user = self.user_key(inbound.address)
        with self.store.open(user, inbound.address.channel, inbound.received_at) as unit:
            return self.respond(unit, inbound, user, self.live.current)

    def respond(self, unit: Unit, inbound: Inbound, user: str, snap: Snapshot) -> list[Reply]:
        """Answer one message inside the caller's transaction: move the state, collect events."""
        address = inbound.address
        state = unit.state
        text, was_cut = clean_text(inbound.text, self.config.max_text_chars)
        if not state.last_active and not state.locale_chosen:
            state.locale = pick_locale(inbound.locale_hint, self.config.default_locale)
        # The asker's language: an explicit choice, else a confident reading of this message.
        detected = detect(text, snap.english) if inbound.payload is None and not state.locale_chosen else None
        if detected is not None:
            state.locale = detected
        turn = Turn(
            state,
            self.languages.get(state.locale),
            inbound.received_at,
            snap,  # pinned: a catalog swap mid-message never mixes versions
            inbound,
            user,
            self._role(inbound, state),
            unit=unit,
            zone=self.zone,
        )
        turn.log(EventType.MESSAGE, text=text or None)
        starting = state.messages == 0 or state.idle_for(turn.now) >= dt.timedelta(minutes=self.config.idle_minutes)
        replies = paused = pauses.expire_if_idle(turn, self.config.idle_minutes)
        replies = list(paused)
        updated = pauses.guide_updated(turn)
        replies += updated
        if not updated or not self._continues_guide(turn, text):
            spoken = turn.tr.locale
            held = self.live_desk.intercept(turn, text)  # an officer holds it, or it asked the commune
            answer = held if held is not None else self._dispatch(turn, inbound.payload, text)
            # The greeting says it all; after a language switch, its "continue the guide" does; "tiếp" resumed it.
            if answer and (answer[0].yes_no == (NAV_RESUME, NAV_MENU) or turn.tr.locale != spoken or not state.paused):
                replies = [reply for reply in replies if reply not in paused]
            replies += answer
        replies = self._with_notice(turn, replies, starting)
        if was_cut:
            note = turn.tr.gettext("Your message was very long; I read only the first {n} characters.")
            replies.insert(0, Reply(note.format(n=self.config.max_text_chars)))
        offered = replies[-1].options if replies else ()
        state.options = [option.payload for option in offered]
        state.labels = [option.label for option in offered]  # typing one presses it
        state.pending = list(replies[-1].yes_no) if replies and replies[-1].yes_no else []
        state.last_active = inbound.received_at.isoformat()
        state.messages += 1
        for table, row in turn.rows:
            unit.insert(table, [row])
        unit.events.extend(
            self.recorder.rows(
                Stamp(address.channel, user, inbound.received_at, turn.commune, turn.role.value, inbound.site),
                turn.events,
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
        return payload is not None and has_kind(payload, Kind.NAV, Kind.ANS)

    # -- dispatch ------------------------------------------------------------------------

    def _dispatch(self, turn: Turn, payload: str | None, text: str) -> list[Reply]:
        state = turn.state
        if turn.inbound.document is not None:
            return self._document(turn)
        if payload is None and (which := fixed.which_one(turn, text)) is not None:  # "có" to "1) … 2) …"
            return [which]
        if payload is None:
            awaiting = state.mode is Mode.GUIDE and self._awaiting_answer(turn)
            payload = questions.pending_answer(turn, text) or commands.parse(
                text, state.options, awaiting, state.labels
            )
            if payload is None and state.mode is Mode.GUIDE and not awaiting:
                said = commands.yes_or_no(text)  # "dc", "ko" under a step that asked nothing
                if said is False:  # a second "ko" at the same step: help from a person
                    return questions.not_ready(turn) or self._people(turn)
                payload = NAV_NEXT if said else None
            if payload is None and self.desks is not None:
                payload = self.desks.reminders.parse(text)
        if payload is not None:
            return self._act(turn, payload)
        if whereabouts.awaiting_address(turn):
            address = whereabouts.read(turn, text, asked=True, placed_only=True)
            if address is not None:
                return [address]
        number = questions.bare_number(turn, text)
        if number is not None:
            return [number]
        commune = self.contacts.choice(text)
        if commune is not None:
            state.commune = commune
            name = self.contacts.for_commune(commune).name
            saved = turn.tr.gettext('Saved: {name}. "I\'m stuck" will now show its contacts.')
            return [Reply(saved.format(name=name), fixed.menu_option(turn.tr))]
        if not text:
            return [fixed.nothing_typed(turn)]
        replies = self._route(turn, text)
        if holds_secret(text):  # a password or one-time code typed here: it is not kept, and never to be shared
            unresolved = [event for event in turn.events if event.type is EventType.UNRESOLVED]
            if unresolved:  # the warning is the answer, not "not understood", and no unanswered question
                turn.events = [event for event in turn.events if event not in unresolved]
                return [fixed.secret_warning(turn.tr, fixed.not_understood(turn).options)]
            replies.insert(0, fixed.secret_warning(turn.tr))
        return replies

    def _awaiting_answer(self, turn: Turn) -> bool:
        found = turn.snap.walk.current(turn.state)
        return found is not None and found[0].steps[found[1]].check is not None

    def _act(self, turn: Turn, payload: str) -> list[Reply]:
        """Carry out a button press or typed command: one table lookup."""
        action = Action.parse(payload)
        return self.actions.dispatch(turn, action.kind, action.argument)

    def _build_actions(self) -> ActionTable:
        """The one table of button and command handlers (the desks add theirs)."""
        table = ActionTable(lambda turn, _argument: [fixed.menu(turn)])
        table.register(Kind.ANS, lambda turn, argument: self._walk(turn, Action(Kind.ANS, argument)))
        # The whole argument is the key: a forged "next:x" is no step (the menu, as it always was).
        table.register(Kind.NAV, lambda turn, argument: self.nav.dispatch(turn, argument, argument))
        table.register(Kind.GUIDE, opening.start_guide)
        table.register(Kind.OPEN, lambda turn, argument: opening.open_entry(turn, argument))
        table.register(Kind.PICK, self._pick)
        table.register(Kind.DOCS, lambda turn, argument: paperwork.show(turn, argument or None))
        table.register(Kind.FACT, lambda turn, argument: opening.fact(turn, *argument.partition(":")[::2]))
        table.register(Kind.WARD, self.live_desk.ward)
        table.register(Kind.LIVE, self.live_desk.province)
        table.register(Kind.TICK, paperwork.tick)
        table.register(Kind.SECTOR, lambda turn, argument: [fixed.sector(turn, argument)])
        table.register(Kind.RATE, lambda turn, argument: pauses.rate(turn, argument == "up"))
        table.register(Kind.LANG, self._language)
        table.register(Kind.CMD, self._start)
        table.register(Kind.MEDIA, lambda turn, argument: [fixed.media(turn.tr, argument)])
        table.register(Kind.UNKNOWN, lambda turn, argument: [fixed.unknown_command(turn.tr, argument)])
        if self.desks is not None:
            self.desks.register(table)  # staff: and remind:
        return table

    def _build_nav(self) -> ActionTable:
        """The "nav:<what>" actions: moving in a guide, and words that work everywhere (menu, help …)."""
        nav = ActionTable(lambda turn, _argument: [fixed.menu(turn)])
        for step in (Nav.NEXT, Nav.BACK, Nav.RESUME):
            nav.register(step, lambda turn, argument: self._walk(turn, Action(Kind.NAV, argument)))
        nav.register(Nav.DOCS, lambda turn, _argument: paperwork.show(turn, None))
        nav.register(Nav.STUCK, lambda turn, _argument: self._people(turn))
        nav.register(Nav.EXIT, lambda turn, _argument: pauses.stop(turn))
        nav.register(Nav.MENU, lambda turn, _argument: self._menu(turn))
        nav.register(Nav.HELP, lambda turn, _argument: [fixed.keep_place(turn, fixed.help_reply(turn.tr))])
        nav.register(Nav.REPHRASE, lambda turn, _argument: [questions.rephrase(turn)])
        nav.register(
            Nav.LANG, lambda turn, _argument: self._language(turn, "vi" if turn.state.locale == "en" else "en")
        )
        return nav

    def _walk(self, turn: Turn, action: Action) -> list[Reply]:
        """Next, back, resume, or a yes/no answer in the guide (or start/resume one when none is open)."""
        state, tr = turn.state, turn.tr
        in_guide = state.mode in (Mode.GUIDE, Mode.CHECKLIST) and turn.snap.walk.current(state) is not None
        if not in_guide and state.paused is not None:
            return pauses.resume_paused(turn)
        if not in_guide and state.mode is Mode.CARD and action.argument in (Nav.NEXT, Nav.RESUME) and state.procedure:
            return opening.start_guide(turn, state.procedure)  # "tiếp" under a card starts its guide
        if not in_guide and (offered := questions.sole_choice(turn)) is not None:  # "Did you mean X?" "steps"
            return opening.start_guide(turn, offered)
        if not in_guide and (code := questions.current_card(turn)) is not None:  # a national record: no steps
            return opening.no_steps(turn, code)
        if not in_guide:  # while "Ý bạn là: 1) … 2) …" waits, it is asked again
            choices = questions.offered_choices(turn)
            return [fixed.ask_first(turn, choices, tr.gettext("the steps")) if choices else fixed.no_guide(tr)]
        state.mode = Mode.GUIDE
        if action.kind == Kind.ANS:
            replies = turn.snap.walk.answer(state, action.argument == "yes", tr)
        elif action.argument == Nav.NEXT:
            replies = turn.snap.walk.next(state, tr)
        elif action.argument == Nav.BACK:
            replies = turn.snap.walk.back(state, tr)
        else:
            replies = [turn.snap.walk.render_step(state, tr)]
        opening.log_position(turn)
        if state.mode is Mode.RATING and self.desks is not None:
            replies[-1] = self.desks.reminders.offer(turn, replies[-1])
        return replies

    def _document(self, turn: Turn) -> list[Reply]:
        document = turn.inbound.document
        if self.desks is not None and turn.role is Role.ADMIN and document is not None:
            return self.desks.admin.upload(turn, document.name, document.content)
        return [fixed.media(turn.tr, "document")]

    def _with_notice(self, turn: Turn, replies: list[Reply], starting: bool) -> list[Reply]:
        """The officers' notice first, when a conversation starts (unless the greeting carries it)."""
        if not starting:
            return replies
        notice = self.board.notice(turn.now, turn.tr.locale)
        if notice is None or any(notice in reply.text for reply in replies):
            return replies
        return [Reply(notice, kind=ReplyKind.HELP), *replies]

    def _greeting(self, turn: Turn, first: bool) -> Reply:
        """The greeting (the officers' welcome text if set), with the notice running now."""
        locale = turn.tr.locale
        welcome, notice = self.board.welcome(turn.now, locale), self.board.notice(turn.now, locale)
        return fixed.greeting(turn.tr, first=first, welcome=welcome, notice=notice)

    def _people(self, turn: Turn) -> list[Reply]:
        return self.live_desk.request(turn)

    def _contacts(self, turn: Turn) -> Reply:
        return fixed.people(turn, self.contacts, self.board.hours(turn.state.commune, turn.tr.locale))

    def _pick(self, turn: Turn, intent: str) -> list[Reply]:
        """A choice after "did you mean": a procedure, or an askable general intent (a person, help)."""
        return self._general(turn, intent) if intent in fixed.ASKABLE else opening.open_entry(turn, intent)

    def _start(self, turn: Turn, argument: str) -> list[Reply]:
        pauses.pause(turn.state)
        return [self._greeting(turn, first=True)] if argument == "start" else [fixed.menu(turn)]

    def _menu(self, turn: Turn) -> list[Reply]:
        pauses.pause(turn.state)
        return [fixed.menu(turn)]

    # -- routing -------------------------------------------------------------------------

    def _route(self, turn: Turn, text: str) -> list[Reply]:
        looked_up = opening.by_code(turn, text, self.referrals)  # "1.001193", "mã 1.001193 giấy tờ": helpers
        if looked_up is not None:
            return looked_up
        decision = whereabouts.routed(turn, text)  # place names do not sink a question
        reading = read_facet(text)
        facet = questions.asked_facet(turn, reading)
        top = decision.top
        turn.log(
            EventType.ROUTE,
            intent=decision.intent,
            decision=decision.verdict.value,
            confidence=round(decision.confidence, 4),
        )
        referral = fixed.referral_for(turn, self.referrals, text, decision, facet)
        if referral is not None:  # a matter for another body (a divorce goes to court), "UBND huyện"
            return [fixed.referral(turn, referral, decision)]
        detail = opening.asked_detail(turn, reading, decision, facet)
        if detail is not None:  # "nộp ở đâu?" under a card, while "did you mean" waits, or out of the blue
            return detail
        # "phường Bến Nghé, Quận 1 cũ" is an address, not a question; beside a question it is noted
        question = decision.verdict is Verdict.MATCH
        address = whereabouts.read(turn, text, asked=whereabouts.awaiting_address(turn), question=question)
        if address is not None:
            return [address]
        if decision.verdict is Verdict.NO_MATCH or top is None:
            turn.log(EventType.UNRESOLVED, text=text)
            return [fixed.not_understood(turn)]
        small_talk = top.kind is IntentKind.GENERAL and top.intent not in fixed.ASKABLE
        if decision.verdict is Verdict.AMBIGUOUS and not small_talk:  # a greeting needs no "did you mean"
            turn.state.facet = facet  # answered once the user picks
            return [fixed.ask_which(turn, decision)]
        if top.kind is IntentKind.GENERAL:
            return self._general(turn, top.intent)
        # "làm căn cước và đăng ký tạm trú": the second need is one tap away
        return questions.with_second_need(turn, text, top.intent, opening.open_entry(turn, top.intent, facet))

    def _general(self, turn: Turn, intent: str) -> list[Reply]:
        tr = turn.tr
        if intent == "greeting":
            return [questions.welcome_back(turn) or self._greeting(turn, first=turn.state.messages == 0)]
        if intent == "thanks":
            reply = Reply(tr.gettext("You're welcome! Ask me anytime about another procedure."), fixed.menu_option(tr))
        elif intent == "goodbye":
            goodbye = tr.gettext("Goodbye! Come back whenever you need help with a procedure.")
            reply = Reply(goodbye, fixed.menu_option(tr))
        elif intent == "human":
            return self._people(turn)
        else:
            reply = fixed.help_reply(tr)
        return [fixed.keep_place(turn, reply)]  # "cảm ơn" in the middle of a guide

    # -- language ----------------------------------------------------------------------------

    def _language(self, turn: Turn, locale: str) -> list[Reply]:
        state = turn.state
        state.locale = locale if locale in ("vi", "en") else "vi"
        state.locale_chosen = True  # an explicit choice outranks detection from then on
        turn.tr = self.languages.get(state.locale)
        replies = [Reply(turn.tr.gettext('I will answer in English now. Type "tiếng việt" to switch back.'))]
        if state.mode is Mode.GUIDE and turn.snap.walk.current(state) is not None:
            replies.append(turn.snap.walk.render_step(state, turn.tr))
        else:  # a guide paused by a long wait is one tap away, in the new language
            replies[0] = fixed.with_resume(state, Reply(replies[0].text, fixed.menu_option(turn.tr)), turn.tr)
        return replies

    # -- fixed texts -------------------------------------------------------------------------

"""Answers: the asked fact first, on one phone screen, then the rest one tap away.

A citizen asks one thing ("làm lại căn cước mất bao nhiêu tiền?"). The reply starts with
that fact, read from the catalog with every case it distinguishes (online or in person,
first issue or reissue) and its unit, in at most :data:`FACET_LIMIT` characters; then the
options to go further. A question naming no detail gets the short card (what it is, online
or not, fee, time) in at most :data:`CARD_LIMIT` characters. When the catalog does not hold
the asked fact, the reply says so and names the official page and who to ask -- never a
neighbouring fact. Asking again moves forward (facet answer → short card → the steps).

Citizens read citizen words only: an uncertain fact carries one plain hedge (from the
fact's evidence, or a general one), never the editors' notes.

Pure functions of (entry, facet, translator, date): no state, no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace

from bot.conversation.actions import Kind, payload
from bot.conversation.cards import BULLET, conditional_legend, document_line, duration_line, is_restricted
from bot.i18n import Translator
from bot.messages import Link, Option, Reply, ReplyKind, shorten
from intents.facets import Facet
from procedures.models import Channel, ChannelKind, Fee, OnlineLevel, Procedure, Text

FACET_LIMIT = 400  # a facet answer: about six lines of a phone screen
CARD_LIMIT = 600  # the short card: one phone screen
FEE_TIME = "feetime"  # the "Lệ phí và thời gian" option: both facts in one answer
GENERIC_FEE_LABELS = frozenset({"lệ phí", "phí", "fee", "fees", "phí, lệ phí"})

# Which catalog fields answer which facet (an evidence hedge on any of them is shown).
FACET_FIELDS: dict[str, tuple[str, ...]] = {
    Facet.FEE: ("fees",),
    Facet.TIME: ("processing_time",),
    FEE_TIME: ("fees", "processing_time"),
    Facet.DOCUMENTS: ("documents",),
    Facet.WHERE: ("agency", "channels"),
    Facet.ONLINE: ("online_level", "channels"),
    Facet.ELIGIBILITY: ("audience",),
    Facet.RESULT: ("result",),
    Facet.TRACKING: ("tracking",),
    Facet.VALIDITY: ("validity",),
    Facet.DEADLINE: ("deadline",),
    Facet.AMOUNT: (),  # benefit amounts depend on each person's record: never stated
}


BRIEF_NOTE = 50  # characters of a processing time's note when several times share little room
# The shortest cut of a first line worth showing; below it the line is left to the buttons.
MIN_CUT = 60


def fit(lines: Sequence[str], limit: int, more: str) -> str:
    """Join ``lines`` within ``limit`` characters; what does not fit is replaced by ``more``."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for line in lines:
        if len("\n".join([*kept, line, more])) > limit:
            room = limit - len("\n".join([*kept, more])) - 1
            if len(kept) <= 1 and room >= MIN_CUT:  # a heading alone says nothing: cut the line instead
                kept.append(shorten(line, room))
            break
        kept.append(line)
    return "\n".join([*kept, more])


def squeeze(lines: Sequence[str], limit: int) -> list[str]:
    """Cut the longest bullet lines until all of ``lines`` fit ``limit``: every case keeps its line.

    Dropping the lines past the limit would drop the time a long fee note pushed out, so the notes
    are cut instead (never below :data:`MIN_CUT`), inside a quote of the portal's words first.
    """
    kept = list(lines)
    while (excess := len("\n".join(kept)) - limit) > 0:
        longest = max(range(len(kept)), key=lambda n: len(kept[n]) if kept[n].startswith(BULLET) else -1)
        line = kept[longest]
        start, end = line.find("«"), line.rfind("»")
        if line.startswith(BULLET) and end - start - 1 > MIN_CUT:  # not the advice after the quote
            quote = line[start + 1 : end]
            kept[longest] = f"{line[: start + 1]}{shorten(quote, max(MIN_CUT, len(quote) - excess))}{line[end:]}"
            continue
        if not line.startswith(BULLET) or len(line) <= MIN_CUT:
            break  # nothing left to cut: fit() drops what still does not fit
        kept[longest] = shorten(line, max(MIN_CUT, len(line) - excess))
    return kept


def hedge(entry: Procedure, fields: Iterable[str], tr: Translator) -> str | None:
    """The one plain caution for these facts, if any of them is uncertain.

    The caution written for the fact (its evidence's ``hedge``) comes first; a fact marked
    unverified without one gets the general caution. Editors' notes are never used.
    """
    for field in fields:
        for item in entry.evidence:
            if item.hedge is not None and (item.fact == field or item.fact.startswith(f"{field}.")):
                return item.hedge.get(tr.locale)
    if any(entry.is_unverified(field) for field in fields):
        return tr.gettext("This may have changed — check with the one-stop desk (Bộ phận Một cửa) before you go.")
    return None


def current_fees(entry: Procedure, today: dt.date) -> tuple[list[Fee], bool]:
    """The fee lines in force on ``today``, and whether a time-limited rate has ended."""
    fees = [fee for fee in entry.fees if fee.valid_until is None or fee.valid_until >= today]
    return fees, len(fees) < len(entry.fees)


def fee_text(fee: Fee, tr: Translator, with_note: bool) -> str:
    """One fee line for an answer: label, channel, amount, end date of a reduced rate."""
    label = fee.label.get(tr.locale)
    if label.strip().lower() in GENERIC_FEE_LABELS:
        label = tr.gettext("Fee")  # one word for "lệ phí", "phí" …: the same in every answer
    channel = {
        "online": tr.gettext("online"),
        "in_person": tr.gettext("in person"),
        "post": tr.gettext("by post"),
    }.get(fee.channel.value)
    head = f"{label} ({channel})" if channel and channel.lower() not in label.lower() else label
    if fee.amount_vnd is not None:  # 0 reads "Miễn phí" / "free"
        text = f"{head}: {tr.money(fee.amount_vnd)}"
    else:
        text = head
    if fee.valid_until is not None:
        text += " " + tr.gettext("(until {date})").format(date=tr.date(fee.valid_until))
    if fee.note is not None and (with_note or fee.amount_vnd is None):
        text += f" — {fee.note.get(tr.locale)}"
    return text


def _fee_lines(entry: Procedure, tr: Translator, today: dt.date, with_notes: bool) -> list[str]:
    fees, ended = current_fees(entry, today)
    # Short of room, only a paid fee loses its note: "free" often holds only on a condition (on time).
    lines = [f"{BULLET} {fee_text(fee, tr, with_notes or not fee.amount_vnd)}" for fee in fees]
    if ended:
        lines.append(tr.gettext("A reduced rate has ended; check the current fee on the portal page."))
    return lines


def _time_lines(entry: Procedure, tr: Translator) -> list[str]:
    return [f"{BULLET} {duration_line(item, tr)}" for item in entry.processing_time]


def _time_head(facet: str, name: str, tr: Translator) -> str:
    if facet == FEE_TIME:
        return tr.gettext("Processing time:")  # under the fee, which already names the procedure
    return tr.gettext("Processing time — {name}:").format(name=name)


ONLINE_KINDS = (ChannelKind.PORTAL, ChannelKind.VNEID, ChannelKind.APP)  # the post is not online


def _online_channels(entry: Procedure) -> list[Channel]:
    return [channel for channel in entry.channels if channel.kind in ONLINE_KINDS]


def online_sentence(entry: Procedure, tr: Translator) -> str | None:
    """Whether it can be done online, in one sentence (None when nothing online is recorded)."""
    if entry.online_level is None:
        # Whether fully or partly online is not recorded, but a portal or an app is: say only that.
        return tr.gettext("It can be submitted online.") if _online_channels(entry) else None
    return {
        OnlineLevel.FULL: tr.gettext("It can be done fully online."),
        OnlineLevel.PARTIAL: tr.gettext("It can be started online, but you go in person once (to submit or collect)."),
        OnlineLevel.NONE: tr.gettext("It is done in person only."),
    }[entry.online_level]


def portal_links(entry: Procedure, tr: Translator) -> tuple[Link, ...]:
    """Links to the entry's online portals (at most two)."""
    return tuple(
        Link(channel.name.get(tr.locale), channel.url)
        for channel in entry.channels
        if channel.url and channel.kind is ChannelKind.PORTAL
    )[:2]


def options_after(entry: Procedure, answered: str, tr: Translator) -> tuple[Option, ...]:
    """What to offer under an answer: the guide and the facts not just shown."""
    offer = [
        (Option(tr.gettext("Step-by-step guide"), payload(Kind.GUIDE, entry.id)), "guide"),
        (Option(tr.gettext("Papers to prepare"), payload(Kind.DOCS, entry.id)), Facet.DOCUMENTS),
        (Option(tr.gettext("Fee and time"), payload(Kind.FACT, entry.id, FEE_TIME)), FEE_TIME),
        (Option(tr.gettext("Where to submit"), payload(Kind.FACT, entry.id, Facet.WHERE)), Facet.WHERE),
    ]
    shown = {FEE_TIME, Facet.FEE, Facet.TIME} if answered in (Facet.FEE, Facet.TIME, FEE_TIME) else {answered}
    shown -= {Facet.DOCUMENTS}  # the short list points to the whole checklist for its (*) and the rest
    held = {  # a button for a fact the entry does not hold would only say "not known"
        Facet.DOCUMENTS: bool(entry.documents),
        FEE_TIME: bool(entry.fees or entry.processing_time),
        Facet.WHERE: entry.agency is not None or any(c.kind is ChannelKind.IN_PERSON for c in entry.channels),
    }
    return tuple(option for option, facet in offer if facet not in shown and held.get(facet, True))


def _money_time_lines(entry: Procedure, facet: str, tr: Translator, today: dt.date, notes: bool) -> list[str]:
    name, lines = entry.name.get(tr.locale), []
    if facet in (Facet.FEE, FEE_TIME) and entry.fees:
        lines.append(tr.gettext("Fee — {name}:").format(name=name))
        lines += _fee_lines(entry, tr, today, with_notes=notes)
    if facet in (Facet.TIME, FEE_TIME) and entry.processing_time:
        lines.append(_time_head(facet, name, tr))
        items = list(entry.processing_time)
        if not notes:  # short of room: several times keep a word on which case each is for, one time none
            several = len(items) > 1
            items = [t.model_copy(update={"note": _brief(t.note) if several else None}) for t in items]
        lines += [f"{BULLET} {duration_line(item, tr)}" for item in items]
    return lines


def _brief(note: Text | None) -> Text | None:
    """A note cut to its first words: enough to tell one case from another."""
    if note is None:
        return None
    return Text(vi=shorten(note.vi, BRIEF_NOTE), en=shorten(note.en, BRIEF_NOTE) if note.en else "")


def _fee_time(entry: Procedure, facet: str, tr: Translator, today: dt.date) -> list[str]:
    lines = _money_time_lines(entry, facet, tr, today, notes=True)
    if len("\n".join(lines)) > FACET_LIMIT - 120:  # room for a hedge: drop the notes first
        lines = _money_time_lines(entry, facet, tr, today, notes=False)
    return lines


def _documents(entry: Procedure, tr: Translator) -> list[str]:
    lines = [tr.gettext("Papers for {name}:").format(name=entry.name.get(tr.locale))]
    ordered = sorted(entry.documents, key=lambda document: is_restricted(document, tr))  # "only when …" last
    lines += [f"{BULLET} {document_line(paper, tr)}" for paper in ordered]
    if any(line.endswith("(*)") for line in lines):  # an "only when …" said in full needs no legend
        lines.append(conditional_legend(tr))
    return lines


def _where(entry: Procedure, tr: Translator, commune: str | None) -> list[str]:
    loc = tr.locale
    lines = [tr.gettext("Where — {name}:").format(name=entry.name.get(loc))]
    desks = [channel for channel in entry.channels if channel.kind is ChannelKind.IN_PERSON]
    lines += [f"{BULLET} {channel.name.get(loc)}" for channel in desks]
    if entry.agency is not None and entry.agency.name.get(loc) not in [desk.name.get(loc) for desk in desks]:
        lines.append(tr.gettext("Handled by: {agency}").format(agency=entry.agency.name.get(loc)))
    online = [channel for channel in entry.channels if channel.kind is not ChannelKind.IN_PERSON]
    if online and len(lines) == 1:
        # Done only from afar (a fine paid on the portal, or by post): that is where; no office is near.
        return [*lines, *(f"{BULLET} {channel.name.get(loc)}" for channel in online[:3])]
    if online:
        names = ", ".join(channel.name.get(loc) for channel in online[:3])
        lines.append(tr.gettext("Also: {names}.").format(names=names))
    if commune:
        lines.append(tr.gettext("Your commune or ward: {new}.").format(new=commune))
    else:
        lines.append(
            tr.gettext("Not sure of your new commune or ward? Type your old address, e.g. “phường Bến Nghé, Quận 1”.")
        )
    return lines


def _online(entry: Procedure, tr: Translator) -> list[str]:
    lines = [f"{entry.name.get(tr.locale)}: {online_sentence(entry, tr)}"]
    lines += [f"{BULLET} {channel.name.get(tr.locale)}" for channel in _online_channels(entry)[:4]]
    if entry.online_level is not OnlineLevel.NONE:
        lines.append(tr.gettext("Never give your password or OTP code to anyone, even an official."))
    return lines


def _text_fact(entry: Procedure, facet: str, tr: Translator) -> list[str] | None:
    """Who may apply, the result, following the application: one catalog text each."""
    heads = {
        Facet.ELIGIBILITY: (entry.audience, tr.gettext("Who can apply — {name}:")),
        Facet.RESULT: (entry.result, tr.gettext("The result — {name}:")),
        Facet.TRACKING: (entry.tracking, tr.gettext("Following your application — {name}:")),
        Facet.DEADLINE: (entry.deadline, tr.gettext("Deadline — {name}:")),
        Facet.VALIDITY: (entry.validity, tr.gettext("How long it stays valid — {name}:")),
    }
    value, head = heads.get(facet, (None, ""))  # type: ignore[call-overload]
    if value is None:
        return None
    return [head.format(name=entry.name.get(tr.locale)), value.get(tr.locale)]


def _facet_lines(
    entry: Procedure, facet: str, tr: Translator, today: dt.date, commune: str | None
) -> tuple[list[str], str] | None:
    """The lines that answer ``facet`` and the line that says more exists, or None when not held."""
    money = facet in (Facet.FEE, FEE_TIME) and entry.fees or facet in (Facet.TIME, FEE_TIME) and entry.processing_time
    if money:
        if facet == FEE_TIME:  # this is "Fee and time": no button below says more, the official page does
            return _fee_time(entry, facet, tr, today), tr.gettext("… the whole text is on the official page.")
        return _fee_time(entry, facet, tr, today), tr.gettext('… more under "Fee and time" or the guide.')
    if facet == Facet.DOCUMENTS and entry.documents:
        return _documents(entry, tr), tr.gettext('… and more: tap "Papers to prepare".')
    if facet == Facet.WHERE and (entry.agency is not None or entry.channels):
        return _where(entry, tr, commune), tr.gettext("… more one tap away below.")
    if facet == Facet.ONLINE and online_sentence(entry, tr) is not None:
        return _online(entry, tr), tr.gettext("… more one tap away below.")
    lines = _text_fact(entry, facet, tr)
    return (lines, tr.gettext("… more one tap away below.")) if lines else None


def holds(entry: Procedure, facet: str, tr: Translator, today: dt.date) -> bool:
    """Whether the entry holds the asked fact (else :func:`facet_answer` says it is not held)."""
    return _facet_lines(entry, facet, tr, today, None) is not None


def facet_answer(
    entry: Procedure, facet: str, tr: Translator, today: dt.date, commune: str | None = None, preface: str = ""
) -> Reply:
    """The asked fact of a curated entry, first and within :data:`FACET_LIMIT` characters.

    ``commune``: the user's commune or ward (full name), when known, for "where to submit".
    ``preface``: a sentence said first (which money the fee is not), within the same limit.
    """
    found = _facet_lines(entry, facet, tr, today, commune)
    if found is None:
        held_not = not_held(entry, facet, tr)  # two short sentences: the preface fits beside them
        return replace(held_not, text=f"{preface}\n{held_not.text}") if preface else held_not
    lines, more = found
    links = portal_links(entry, tr) if facet == Facet.ONLINE else ()
    caution = hedge(entry, FACET_FIELDS.get(facet, ()), tr)
    # The preface goes first but is not one of the lines fit() cuts (its heading rule reads line one).
    limit = FACET_LIMIT - (len(caution) + 1 if caution else 0) - (len(preface) + 1 if preface else 0)
    if facet in (Facet.FEE, Facet.TIME, FEE_TIME):  # every fee and every time, notes cut short
        lines = squeeze(lines, limit)
    text = fit(lines, limit, more)
    if facet == Facet.DOCUMENTS and "(*)" in text:  # a paper shown carries "(*)": say what it means
        legend = conditional_legend(tr)
        text = fit(lines, limit - len(legend) - 1, more)
        # the room it takes may leave no such paper; the papers' own lines may already end with it
        text += f"\n{legend}" if "(*)" in text and legend not in text else ""
    if facet == FEE_TIME and more in text:
        links = (*links, Link(tr.gettext("Official page"), official_page(entry)))
    if caution:
        text += f"\n{caution}"
    text = f"{preface}\n{text}" if preface else text
    return Reply(text, options_after(entry, facet, tr), links, ReplyKind.CARD)


def asked_phrase(facet: str, tr: Translator) -> str:
    """The asked detail as words for a sentence ("the fee", "where to submit")."""
    return {
        Facet.FEE: tr.gettext("the fee"),
        Facet.TIME: tr.gettext("the processing time"),
        FEE_TIME: tr.gettext("the fee and the processing time"),
        Facet.DOCUMENTS: tr.gettext("the papers to prepare"),
        Facet.WHERE: tr.gettext("where to submit"),
        Facet.ONLINE: tr.gettext("whether it can be done online"),
        Facet.ELIGIBILITY: tr.gettext("who can apply"),
        Facet.VALIDITY: tr.gettext("how long the result stays valid"),
        Facet.DEADLINE: tr.gettext("the deadline or a penalty for lateness"),
        Facet.RESULT: tr.gettext("how the result is received"),
        Facet.TRACKING: tr.gettext("how to follow the application"),
        Facet.AMOUNT: tr.gettext("the amount you would receive"),
    }.get(facet, tr.gettext("that detail"))


def not_held(entry: Procedure, facet: str, tr: Translator) -> Reply:
    """Say plainly that the catalog does not hold this fact, with the official page and who to ask."""
    name = entry.name.get(tr.locale)
    agency = entry.agency.name.get(tr.locale) if entry.agency is not None else tr.gettext("the one-stop desk")
    text = "\n".join(
        [
            tr.gettext("I do not have verified information on {asked} for {name}.").format(
                asked=asked_phrase(facet, tr), name=name
            ),
            tr.gettext("Please check the official page below or ask {agency}.").format(agency=agency),
        ]
    )
    link = Link(tr.gettext("Official page"), official_page(entry))
    return Reply(text, options_after(entry, facet, tr), (link,), ReplyKind.TEXT)


NATIONAL_PORTAL = "dichvucong.gov.vn"


def official_page(entry: Procedure) -> str:
    """Where to check what the catalog does not hold: the national portal's page, else the (provincial) source."""
    national = [c.url for c in entry.channels if c.kind is ChannelKind.PORTAL and c.url and NATIONAL_PORTAL in c.url]
    return entry.source_url if NATIONAL_PORTAL in entry.source_url or not national else national[0]


__all__ = [
    "CARD_LIMIT",
    "FACET_FIELDS",
    "FACET_LIMIT",
    "FEE_TIME",
    "facet_answer",
    "fee_text",
    "fit",
    "hedge",
    "holds",
    "not_held",
    "online_sentence",
    "options_after",
    "portal_links",
]

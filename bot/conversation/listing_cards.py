"""Listing cards: a national-portal record as chat text, and the one fact a question asks of it.

Records of the national listing are Vietnamese only and their cells are messy (fees written
"135 VNĐ" for 135.000 đồng, times without a unit, offices abolished in 2025). Every fee and
processing time is shown with the case or channel it applies to, a "free" the text
contradicts says a fee may apply and where to check, an office that no longer exists carries
a notice or its sourced successor, and a repealed code answers with its replacement. Official
names and the record's own words stay in Vietnamese inside English sentences -- never a
made-up translation.

Pure functions of (card, translator): no state, no I/O.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bot.conversation.actions import NAV_MENU, Kind, payload
from bot.conversation.answers import FEE_TIME, asked_phrase, fit, squeeze
from bot.conversation.cards import BULLET, level_name
from bot.conversation.listing_fees import CHANNELS, case_scope, fee_line, fee_lines
from bot.i18n import Translator
from bot.messages import Link, Option, Reply, ReplyKind, shorten
from intents.facets import Facet
from procedures import national
from procedures.models import CODE_PATTERN, Level, ListingEntry

LISTING_TARGET_CHARS = 1000  # one phone screen
LISTING_MAX_CHARS = 1900  # under Zalo's 2,000-character limit
LISTING_DOC_CHARS = 90
CHOICE_CHARS = 80  # an office named on a "did you mean" line


def _listing_unit(amount: float, unit: str, tr: Translator) -> str:
    value = int(amount) if float(amount).is_integer() else amount
    count = int(value) if isinstance(value, int) else 2
    forms = {
        "working_day": tr.ngettext("{n} working day", "{n} working days", count),
        "day": tr.ngettext("{n} day", "{n} days", count),
        "working_hour": tr.ngettext("{n} working hour", "{n} working hours", count),
        "hour": tr.ngettext("{n} hour", "{n} hours", count),
        "month": tr.ngettext("{n} month", "{n} months", count),
        "year": tr.ngettext("{n} year", "{n} years", count),
        "minute": tr.ngettext("{n} minute", "{n} minutes", count),
    }
    return forms[unit].format(n=tr.number(value))


def _listing_times(card: ListingEntry, tr: Translator) -> list[str]:
    lines = national.read_times(card)
    shown = []
    for line in lines:
        if line.unit:
            text = _listing_unit(line.amount, line.unit, tr)
        else:
            text = tr.gettext("«{value}» (the portal gives no unit: ask where you file)").format(value=line.cell)
        shown.append(f"{BULLET} {text}{case_scope(line.channels, line.case, tr)}")
    if len(lines) > 1 and all(not line.channels and not line.case for line in lines):
        shown.append(tr.gettext("(depending on the case: see the procedure's page)"))
    return shown


def _listing_source(source: str, tr: Translator) -> str:
    if re.fullmatch(CODE_PATTERN, source):
        return tr.gettext("record {code} on the national portal").format(code=source)
    if source.startswith("https://"):
        return urlsplit(source).hostname or source
    return source


def _listing_notice(card: ListingEntry, tr: Translator) -> list[str]:
    """What to know about the agency a record names: one province's office, an abolished office."""
    province = national.named_province(card)
    named = tr.gettext("⚠️ The portal names the office of {province}; elsewhere ask your province's one-stop desk.")
    return ([named.format(province=province)] if province else []) + _district_notice(card, tr)


def _district_notice(card: ListingEntry, tr: Translator) -> list[str]:
    notice = national.office_notice(card)
    if notice is None:
        return []
    named = dict.fromkeys(name[0].upper() + name[1:] for name in notice.named)
    names = ", ".join(f"«{name}»" for name in list(named)[:3])
    if not notice.successors:
        lines = [
            tr.gettext(
                "⚠️ The portal still names {names}. There is no district level since 1 July 2025: ask the UBND "
                "xã/phường or the Trung tâm Phục vụ hành chính công."
            ).format(names=names)
        ]
        return lines
    lines = [
        tr.gettext("⚠️ The portal still names {names}, but there is no district level since 1 July 2025.").format(
            names=names
        )
    ]
    for office in notice.successors:
        lines.append(
            tr.gettext("Where to go now: {successor} (source: {source}).").format(
                successor=tr.gettext(" or ").join(office.successors), source=_listing_source(office.source, tr)
            )
        )
    return lines


def _repealed_card(card: ListingEntry, tr: Translator) -> Reply:
    lines = [f"📄 {card.name} ({tr.gettext('code')} {card.code})"]
    for new in card.replaced_by:
        lines.append(
            tr.gettext("⚠️ This procedure has been replaced by {code} «{name}» ({source}).").format(
                code=new.code, name=new.name, source=new.source
            )
        )
    codes = ", ".join(dict.fromkeys(new.code for new in card.replaced_by))
    lines.append(tr.gettext("Type {code} to see the procedure in force.").format(code=codes))
    links = tuple(Link(tr.gettext("The replacing decision"), new.url) for new in card.replaced_by if new.url)
    return Reply("\n".join(lines), (Option(tr.gettext("Menu"), NAV_MENU),), links[:1], ReplyKind.CARD)


def listing_card(card: ListingEntry, tr: Translator) -> Reply:
    """A national-listing card: the portal's own facts, no guide, always the portal link.

    Every fee and every processing time of the record is shown with the case or channel it
    applies to; a fee the text contradicts says a fee may apply and where to check; an office
    that no longer exists carries a notice; a repealed code answers with its replacement.
    Official names stay in Vietnamese in both languages. Documents fill what is left of one
    phone screen.
    """
    if card.replaced_by:
        return _repealed_card(card, tr)
    head = [f"📄 {card.name} ({tr.gettext('code')} {card.code})", f"{tr.gettext('Sector')}: {card.sector}"]
    if card.levels:
        head.append(f"{tr.gettext('Level')}: {', '.join(level_name(level, tr) for level in card.levels)}")
    if card.agency:
        head.append(f"{tr.gettext('Agency')}: {shorten(card.agency, 200)}")
    head += _listing_notice(card, tr)
    if card.channels:
        online = tr.gettext("can be submitted online") if card.online else tr.gettext("not submitted online")
        head.append(f"{tr.gettext('How to submit')}: {_channels(card, tr)} ({online})")
    tail = fee_lines(card, tr)
    times = _listing_times(card, tr)
    if len(times) == 1:
        tail.append(f"{tr.gettext('Processing time')}: {times[0][len(BULLET) + 1 :]}")
    elif times:
        tail += [f"{tr.gettext('Processing time')}:", *times]
    tail.append(
        tr.gettext(
            "This is reference information from the national public service portal; we have no "
            "step-by-step guide for it yet. Check the details on the portal page."
        )
    )
    budget = LISTING_TARGET_CHARS - sum(len(line) + 1 for line in head + tail)
    papers = [f"{BULLET} {shorten(document, LISTING_DOC_CHARS)}" for document in card.documents]
    shown: list[str] = []
    for paper in papers:
        if shown and sum(len(line) + 1 for line in shown) + len(paper) + 1 > budget - 60:
            break
        shown.append(paper)
    if shown:
        shown.insert(0, f"{tr.gettext('Papers (as listed on the portal)')}:")
        if len(shown) - 1 < len(papers):
            shown.append(tr.gettext("… and more on the portal page."))
    text = "\n".join(head + shown + tail)
    if len(text) > LISTING_MAX_CHARS:
        text = "\n".join(head + tail)
    return Reply(
        shorten(text, LISTING_MAX_CHARS),
        (Option(tr.gettext("Menu"), NAV_MENU),),
        (portal_link(card, tr),),
        ReplyKind.CARD,
    )


LISTING_FACET_LIMIT = 400
LISTING_HEAD_CHARS = 140  # an official name in a facet answer's first line
LISTING_SHORT_CHARS = 600  # the first answer about a record: one phone screen


def listing_short(card: ListingEntry, tr: Translator) -> Reply:
    """The first answer about a listing record: what, fee, time, online or not, where -- one screen.

    The papers and the whole card are one tap away. The agency and its notice (an office that
    no longer exists) travel together: one is never shown without the other.
    """
    if card.replaced_by:
        return _repealed_card(card, tr)
    lines = [f"📄 {shorten(card.name, 160)} ({tr.gettext('code')} {card.code})"]
    lines += fee_lines(card, tr)
    times = _listing_times(card, tr)
    if len(times) == 1:
        lines.append(f"{tr.gettext('Processing time')}: {times[0][len(BULLET) + 1 :]}")
    elif times:
        lines += [f"{tr.gettext('Processing time')}:", *times]
    if card.agency:
        lines.append("\n".join([f"{tr.gettext('Agency')}: {shorten(card.agency, 120)}", *_listing_notice(card, tr)]))
    if card.channels:
        online = tr.gettext("can be submitted online") if card.online else tr.gettext("not submitted online")
        lines.append(f"{tr.gettext('How to submit')}: {_channels(card, tr)} ({online})")
    text = fit(lines, LISTING_SHORT_CHARS, tr.gettext("… more one tap away below."))
    return Reply(text, card_options(card, tr), (portal_link(card, tr),), ReplyKind.CARD)


def card_options(card: ListingEntry, tr: Translator, papers: bool = True) -> tuple[Option, ...]:
    """The taps under an answer about a record: its papers (when asked for and listed), the whole card, the menu."""
    first = (
        (Option(tr.gettext("Papers to prepare"), payload(Kind.DOCS, card.code)),) if papers and card.documents else ()
    )
    whole = Option(tr.gettext("The whole card"), payload(Kind.OPEN, card.code))
    return (*first, whole, Option(tr.gettext("Menu"), NAV_MENU))


def portal_link(card: ListingEntry, tr: Translator) -> Link:
    """The record's page on the national portal."""
    return Link(tr.gettext("Open on the national portal"), card.url)


def _channels(card: ListingEntry, tr: Translator) -> str:
    """The record's ways to submit, joined; the three standard ones translated."""
    return ", ".join(tr.gettext(CHANNELS[channel]) if channel in CHANNELS else channel for channel in card.channels)


def listing_brief(card: ListingEntry, facet: str, tr: Translator) -> list[str]:
    """The asked fee, time, office or ways to submit of a record in a few words (a "did you mean" line).

    Only what the record states plainly: a fee with a quote or several cases, a time without a
    unit or an office the 2025 reform abolished is left to the card itself.
    """
    facts = []
    fees = national.read_fees(card)
    plain = (national.FeeKind.FREE, national.FeeKind.AMOUNT)
    if (
        facet in (Facet.FEE, FEE_TIME)
        and len(fees) == 1
        and fees[0].kind in plain
        and not fees[0].case
        and not fees[0].differs
    ):
        facts.append(f"{tr.gettext('Fee')}: {fee_line(fees[0], tr, where=False)}")
    times = national.read_times(card)
    if facet in (Facet.TIME, FEE_TIME) and len(times) == 1 and times[0].unit:
        facts.append(f"{tr.gettext('Processing time')}: {_listing_unit(times[0].amount, times[0].unit, tr)}")
    office = card.reception or card.agency
    if facet == Facet.WHERE and office and national.office_notice(card) is None:
        facts.append(shorten(office, CHOICE_CHARS))
    if facet == Facet.ONLINE and card.channels:
        facts.append(_channels(card, tr))
    return facts


def listing_answer(card: ListingEntry, facet: str, tr: Translator) -> Reply | None:
    """The asked fact of a listing record within 400 characters, or None to show the whole card.

    The record holds fees, times, the agency, the channels and the papers; for any other
    detail (who may apply, validity, deadlines …) the whole card is the honest answer, with
    the portal page.
    """
    if card.replaced_by:
        return None
    # Some official names run to 330 characters: the answer must keep room for the fact itself.
    head = f"{shorten(card.name, LISTING_HEAD_CHARS)} ({tr.gettext('code')} {card.code})"
    lines: list[str] = []
    if facet == Facet.FEE:
        fees = national.read_fees(card)
        if not fees:
            return None
        lines = [tr.gettext("Fee — {name}:").format(name=head)]
        lines += [f"{BULLET} {fee_line(line, tr)}{case_scope(line.channels, line.case, tr)}" for line in fees]
    elif facet == Facet.TIME:
        times = _listing_times(card, tr)
        if not times:
            return None
        lines = [tr.gettext("Processing time — {name}:").format(name=head), *times]
    elif facet == Facet.WHERE and card.agency:
        lines = [tr.gettext("Where — {name}:").format(name=head), f"{BULLET} {shorten(card.agency, 200)}"]
        lines += _listing_notice(card, tr)
    elif facet == Facet.WHERE and Level.COMMUNE in card.levels:  # no office named, but the level is
        lines = [
            tr.gettext("Where — {name}:").format(name=head),
            tr.gettext(
                "The portal names no office, only the level: {levels}. A commune-level dossier goes to the "
                "commune or ward Public Administration Service Centre (Trung tâm Phục vụ hành chính công) or its "
                "People's Committee."
            ).format(levels=", ".join(level_name(level, tr) for level in card.levels)),
        ]
    elif facet == Facet.ONLINE and card.channels:
        online = tr.gettext("can be submitted online") if card.online else tr.gettext("not submitted online")
        lines = [f"{head}: {online}.", f"{tr.gettext('How to submit')}: {_channels(card, tr)}"]
    elif facet == Facet.DOCUMENTS and card.documents:
        lines = [tr.gettext("Papers for {name}:").format(name=head)]
        lines += [f"{BULLET} {shorten(document, LISTING_DOC_CHARS)}" for document in card.documents]
    else:
        return None
    if facet in (Facet.FEE, Facet.TIME):  # every fee and time keeps its line, quotes cut short
        lines = squeeze(lines, LISTING_FACET_LIMIT - 45)
    text = "\n".join(lines)
    if len(text) > LISTING_FACET_LIMIT:
        kept: list[str] = []
        for line in lines:
            if len("\n".join([*kept, line])) > LISTING_FACET_LIMIT - 45:
                break
            kept.append(line)
        text = "\n".join([*kept, tr.gettext("… more on the portal page.")])
    return Reply(text, card_options(card, tr, papers=False), (portal_link(card, tr),), ReplyKind.CARD)


def listing_not_held(card: ListingEntry, facet: str, tr: Translator) -> Reply:
    """Say plainly that the portal's record does not state the asked detail, with its page.

    The record's agency may be an office that no longer exists, so the citizen is sent to the
    portal page and the one-stop desk rather than to it.
    """
    text = "\n".join(
        [
            tr.gettext("The national portal's record of {name} does not state {asked}.").format(
                name=f"{card.name} ({tr.gettext('code')} {card.code})", asked=asked_phrase(facet, tr)
            ),
            tr.gettext("Please check the official page below or ask {agency}.").format(
                agency=tr.gettext("the one-stop desk")
            ),
        ]
    )
    return Reply(text, card_options(card, tr, papers=False), (portal_link(card, tr),), ReplyKind.TEXT)


__all__ = [
    "LISTING_MAX_CHARS",
    "LISTING_SHORT_CHARS",
    "card_options",
    "listing_answer",
    "listing_brief",
    "listing_card",
    "listing_not_held",
    "listing_short",
    "portal_link",
]

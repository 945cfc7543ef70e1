"""Rendering catalog facts as chat text: procedure cards, listing cards, checklists, steps.

Pure functions of (entry, translator): no state, no I/O. Text is plain (no markup): each
channel escapes it for its own format. Facts marked unverified in the catalog say so, and
fees with an expiry date show it, because a fee that has changed harms real people.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from bot.i18n import N_, Translator
from bot.messages import Link, Option, Reply, ReplyKind, shorten
from procedures import national
from procedures.models import (
    CODE_PATTERN,
    Document,
    DocumentForm,
    Duration,
    Fee,
    FeeChannel,
    Level,
    ListingEntry,
    Procedure,
    TimeUnit,
)

BULLET = "•"


def _form(form: DocumentForm | None, tr: Translator) -> str:
    labels = {
        DocumentForm.ORIGINAL: tr.gettext("original"),
        DocumentForm.COPY: tr.gettext("copy"),
        DocumentForm.CERTIFIED_COPY: tr.gettext("certified copy"),
        DocumentForm.ELECTRONIC: tr.gettext("electronic copy"),
        DocumentForm.ORIGINAL_OR_COPY: tr.gettext("original or copy"),
        DocumentForm.SHOW: tr.gettext("to show"),
    }
    return labels[form] if form else ""


def document_line(document: Document, tr: Translator, detailed: bool = False) -> str:
    """One document: name, form and quantity, and (detailed) when it is needed."""
    parts = [document.name.get(tr.locale)]
    form = _form(document.form, tr)
    if form and document.quantity > 1:
        form = f"{document.quantity} × {form}"
    if document.template:
        form = (
            f"{form}, {tr.gettext('form')} {document.template}" if form else f"{tr.gettext('form')} {document.template}"
        )
    line = f"{parts[0]} ({form})" if form else parts[0]
    if document.condition is not None:
        line += f" — {document.condition.get(tr.locale)}" if detailed else " (*)"
    return line


def _fee_channel(channel: FeeChannel, tr: Translator) -> str:
    return {
        FeeChannel.ANY: "",
        FeeChannel.ONLINE: tr.gettext("online"),
        FeeChannel.IN_PERSON: tr.gettext("in person"),
        FeeChannel.POST: tr.gettext("by post"),
    }[channel]


def fee_line(fee: Fee, tr: Translator, today: dt.date) -> str:
    """One fee: label, amount (or "free", or the note when set elsewhere), expiry."""
    label = fee.label.get(tr.locale)
    channel = _fee_channel(fee.channel, tr)
    head = f"{label} ({channel})" if channel else label
    amount = tr.money(fee.amount_vnd) if fee.amount_vnd is not None else ""
    text = f"{head}: {amount}" if amount else head
    if fee.note is not None:
        text += f" — {fee.note.get(tr.locale)}"
    if fee.valid_until is not None:
        if fee.valid_until >= today:
            text += " " + tr.gettext("(until {date})").format(date=tr.date(fee.valid_until))
        else:
            text += " " + tr.gettext("(this rate ended on {date}; check the current fee on the portal)").format(
                date=tr.date(fee.valid_until)
            )
    return text


def duration_line(duration: Duration, tr: Translator) -> str:
    """One processing time, e.g. "7 ngày làm việc (trực tuyến)"."""
    amount = int(duration.amount) if float(duration.amount).is_integer() else duration.amount
    count = int(amount) if isinstance(amount, int) else 2
    unit = {
        TimeUnit.HOUR: tr.ngettext("{n} hour", "{n} hours", count),
        TimeUnit.DAY: tr.ngettext("{n} day", "{n} days", count),
        TimeUnit.WORKING_DAY: tr.ngettext("{n} working day", "{n} working days", count),
    }[duration.unit].format(n=tr.number(amount))
    channel = _fee_channel(duration.channel, tr)
    text = f"{unit} ({channel})" if channel else unit
    if duration.note is not None:
        text += f" — {duration.note.get(tr.locale)}"
    return text


def _level(level: Level, tr: Translator) -> str:
    return {
        Level.COMMUNE: tr.gettext("commune"),
        Level.PROVINCE: tr.gettext("province"),
        Level.MINISTRY: tr.gettext("ministry"),
        Level.OTHER: tr.gettext("other agency"),
    }[level]


def _unverified(entry: Procedure, field: str, tr: Translator) -> str:
    return " " + tr.gettext("(not yet verified)") if entry.is_unverified(field) else ""


LISTING_TARGET_CHARS = 1000  # one phone screen
LISTING_MAX_CHARS = 1900  # under Zalo's 2,000-character limit
LISTING_DOC_CHARS = 90
_CHANNELS = {"Trực tuyến": N_("online"), "Trực tiếp": N_("in person"), "Dịch vụ bưu chính": N_("by post")}


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


def _listing_scope(channels: tuple[str, ...], case: str, tr: Translator) -> str:
    """What one of several times or fees applies to: " — trực tuyến" or " — «Trường hợp …»"."""
    parts = [tr.gettext(_CHANNELS.get(channel, channel)) for channel in channels]
    if case:
        parts.append(f"«{case}»")
    return f" — {', '.join(parts)}" if parts else ""


def _listing_money(money: national.Money, tr: Translator) -> str:
    if money.currency == "VND":
        return tr.money(int(money.amount))
    return f"{tr.number(money.amount)} USD"


def _listing_where(line: national.FeeLine, tr: Translator) -> str:
    """Where to check a fee that may apply."""
    return {
        "council": tr.gettext(
            "the rate is set by a resolution of the provincial council (Nghị quyết HĐND tỉnh): ask the one-stop "
            "desk or the Trung tâm Phục vụ hành chính công where you file"
        ),
        "committee": tr.gettext(
            "the rate is set by the province (UBND tỉnh): ask the one-stop desk or the Trung tâm Phục vụ hành "
            "chính công where you file"
        ),
        "law": tr.gettext("check the document it cites on the procedure's page, or ask where you file"),
    }.get(line.set_by, tr.gettext("ask where you file before you pay"))


def _listing_fee(line: national.FeeLine, tr: Translator, where: bool = True) -> str:
    """One fee; ``where`` adds where to check a fee that may apply (said once under several lines)."""
    kind = national.FeeKind
    if line.kind is kind.FREE:
        return tr.gettext("Free")
    if line.kind is kind.AMOUNT:
        text = _listing_money(line.amounts[0], tr) + line.per
        return f"{text} — «{line.quote}»" if line.quote else text
    if line.kind is kind.STATED:
        return tr.gettext("as the portal words it: «{quote}»").format(quote=line.quote)
    if line.kind is kind.UNCLEAR:
        text = tr.gettext(
            "the portal lists a fee but its amount is unclear: check the procedure's page or ask where you file"
        )
        return f"{text} («{line.quote}»)" if line.quote else text
    if line.cell == national.FREE:
        said = tr.gettext("the portal marks it «Miễn phí» (free) but also says: «{quote}»").format(quote=line.quote)
    else:
        said = tr.gettext("the portal says: «{quote}»").format(quote=line.quote)
    if not where:
        return said
    return tr.gettext("{said}. A fee may apply — {where}.").format(said=said, where=_listing_where(line, tr))


def _listing_times(card: ListingEntry, tr: Translator) -> list[str]:
    lines = national.read_times(card)
    shown = []
    for line in lines:
        if line.unit:
            text = _listing_unit(line.amount, line.unit, tr)
        else:
            text = tr.gettext("«{value}» (the portal gives no unit: ask where you file)").format(value=line.cell)
        shown.append(f"{BULLET} {text}{_listing_scope(line.channels, line.case, tr)}")
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
    return Reply("\n".join(lines), (Option(tr.gettext("Menu"), "nav:menu"),), links[:1], ReplyKind.CARD)


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
        head.append(f"{tr.gettext('Level')}: {', '.join(_level(level, tr) for level in card.levels)}")
    if card.agency:
        head.append(f"{tr.gettext('Agency')}: {shorten(card.agency, 200)}")
    head += _listing_notice(card, tr)
    if card.channels:
        online = tr.gettext("can be submitted online") if card.online else tr.gettext("not submitted online")
        head.append(f"{tr.gettext('How to submit')}: {', '.join(card.channels)} ({online})")
    tail = []
    fees = national.read_fees(card)
    if len(fees) == 1 and not fees[0].channels and not fees[0].case:
        tail.append(f"{tr.gettext('Fee')}: {_listing_fee(fees[0], tr)}")
    elif fees:
        tail.append(f"{tr.gettext('Fee')}:")
        tail += [
            f"{BULLET} {_listing_fee(line, tr, where=False)}{_listing_scope(line.channels, line.case, tr)}"
            for line in fees
        ]
        hedged = [line for line in fees if line.kind is national.FeeKind.MAY_APPLY]
        for where in dict.fromkeys(_listing_where(line, tr) for line in hedged):
            tail.append(tr.gettext("A fee may apply — {where}.").format(where=where))
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
        (Option(tr.gettext("Menu"), "nav:menu"),),
        (Link(tr.gettext("Open on the national portal"), card.url),),
        ReplyKind.CARD,
    )


def checklist(entry: Procedure, ticked: list[str], tr: Translator, resume: bool) -> Reply:
    """The document checklist with a tick per paper; pressing a paper toggles its tick."""
    loc = tr.locale
    if not entry.documents:
        text = tr.gettext("{name}: no papers need to be prepared in advance.").format(name=entry.name.get(loc))
        back = (
            Option(tr.gettext("Back to the step"), "nav:resume") if resume else Option(tr.gettext("Menu"), "nav:menu")
        )
        return Reply(text, (back,), kind=ReplyKind.CHECKLIST)
    lines = [tr.gettext("Papers for {name} (tap one to tick it):").format(name=entry.name.get(loc))]
    options = []
    for number, document in enumerate(entry.documents, 1):
        mark = "☑" if document.id in ticked else "☐"
        lines.append(f"{mark} {number}. {document_line(document, tr, detailed=True)}")
        options.append(Option(shorten(f"{mark} {document.name.get(loc)}"), f"tick:{document.id}"))
    done = sum(1 for document in entry.documents if document.id in ticked)
    lines.append(tr.gettext("Ready: {done}/{total}.").format(done=done, total=len(entry.documents)))
    if resume:
        options.append(Option(tr.gettext("Back to the step"), "nav:resume"))
    else:
        options.append(Option(tr.gettext("Step-by-step guide"), f"guide:{entry.id}"))
    return Reply("\n".join(lines), tuple(options), kind=ReplyKind.CHECKLIST)


def compact_card(entry: Procedure, tr: Translator, today: dt.date) -> Reply:
    """A helper's one-screen look-up: code, papers, fee and time, no explanations.

    Community tech-team members sit beside a citizen and need the facts at a glance; the
    full card and the guide are one tap away.
    """
    loc = tr.locale
    code = f" · {', '.join(entry.codes)}" if entry.codes else ""
    lines = [f"📄 {entry.name.get(loc)}{code}"]
    if entry.documents:
        lines.append(f"{tr.gettext('Papers to prepare')}:{_unverified(entry, 'documents', tr)}")
        lines += [f"☐ {document_line(doc, tr)}" for doc in entry.documents]
        if any(doc.condition is not None for doc in entry.documents):
            lines.append(tr.gettext('(*) only in some cases: see "Papers to prepare".'))
    if entry.fees:
        fees = "; ".join(fee_line(fee, tr, today) for fee in entry.fees)
        lines.append(f"{tr.gettext('Fee')}: {fees}{_unverified(entry, 'fees', tr)}")
    if entry.processing_time:
        times = "; ".join(duration_line(item, tr) for item in entry.processing_time)
        lines.append(f"{tr.gettext('Processing time')}: {times}")
    options = (
        Option(tr.gettext("Step-by-step guide"), f"guide:{entry.id}"),
        Option(tr.gettext("Papers to prepare"), f"docs:{entry.id}"),
        Option(tr.gettext("End the session"), "staff:done:"),
    )
    return Reply("\n".join(lines), options, kind=ReplyKind.CARD)

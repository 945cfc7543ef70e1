"""Rendering curated catalog facts as chat text: fee and time lines, documents, checklists, the helper's card.

Pure functions of (entry, translator): no state, no I/O. Text is plain (no markup): each
channel escapes it for its own format. Facts marked unverified in the catalog say so, and
fees with an expiry date show it, because a fee that has changed harms real people.
"""

from __future__ import annotations

import datetime as dt

from bot.conversation.actions import NAV_MENU, NAV_RESUME, STAFF_DONE, Kind, payload
from bot.i18n import Translator
from bot.messages import Option, Reply, ReplyKind, shorten
from procedures.models import (
    Document,
    DocumentForm,
    Duration,
    Fee,
    FeeChannel,
    Level,
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


def document_line(document: Document, tr: Translator, detailed: bool = False, restriction: bool = True) -> str:
    """One document: name, form and quantity, and (detailed) when it is needed, or (brief) a short "only when"."""
    parts = [document.name.get(tr.locale)]
    form = _form(document.form, tr)
    if form and document.quantity > 1:
        form = f"{document.quantity} × {form}"
    if document.template and document.template not in parts[0]:  # "Tờ khai (mẫu CT01)" names its form
        form = (
            f"{form}, {tr.gettext('form')} {document.template}" if form else f"{tr.gettext('form')} {document.template}"
        )
    line = f"{parts[0]} ({form})" if form else parts[0]
    if document.condition is not None:
        only = _restriction(document.condition.get(tr.locale)) if restriction and not detailed else None
        if detailed:
            line += f" — {document.condition.get(tr.locale)}"
        elif only is not None:  # "— Chỉ khi đã từng có hộ chiếu": a first-timer skips it at a glance
            line += f" — {only}"
        else:
            line += " (*)"
    return line


RESTRICTED = ("Chỉ ", "Only ")  # how the catalog opens a condition that limits a paper to some cases
BRIEF_RESTRICTION = 60  # characters: a longer "only when …" stays behind "(*)"


def _compact_paper(document: Document, tr: Translator) -> str:
    """A checklist line: its "only when …" if it fits, else the "(*)" the legend explains."""
    line = document_line(document, tr)
    return line if len(line) <= COMPACT_PAPER else document_line(document, tr, restriction=False)


def is_restricted(document: Document, tr: Translator) -> bool:
    """Whether a paper is needed only in some cases (its condition opens with "Chỉ …" / "Only …")."""
    return document.condition is not None and document.condition.get(tr.locale).startswith(RESTRICTED)


def _restriction(condition: str) -> str | None:
    """A condition's opening "only when …" sentence, when it is one and short enough to say in a list."""
    first = condition.split(". ")[0].rstrip(".")
    if not first.startswith(RESTRICTED) or len(first) > BRIEF_RESTRICTION:
        return None
    return first


def conditional_legend(tr: Translator) -> str:
    """What the "(*)" of :func:`document_line` means."""
    return tr.gettext('(*) a note, or needed only in some cases: see "Papers to prepare".')


def _fee_channel(channel: FeeChannel, tr: Translator) -> str:
    return {
        FeeChannel.ANY: "",
        FeeChannel.ONLINE: tr.gettext("online"),
        FeeChannel.IN_PERSON: tr.gettext("in person"),
        FeeChannel.POST: tr.gettext("by post"),
    }[channel]


def fee_line(fee: Fee, tr: Translator, today: dt.date, note: bool = True) -> str:
    """One fee: label, amount (or "free", or the note when set elsewhere), expiry.

    ``note=False`` leaves out the note of a fee that has an amount to pay (a helper's compact card).
    """
    label = fee.label.get(tr.locale)
    channel = _fee_channel(fee.channel, tr)
    # "Lệ phí … (nộp trực tuyến)" already says how it is paid: no second "(trực tuyến)".
    head = f"{label} ({channel})" if channel and channel.lower() not in label.lower() else label
    amount = tr.money(fee.amount_vnd) if fee.amount_vnd is not None else ""
    text = f"{head}: {amount}" if amount else head
    if fee.note is not None and (note or not fee.amount_vnd):  # "free" often holds only on a condition
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


def level_name(level: Level, tr: Translator) -> str:
    """The administrative level in words (commune, province, ministry)."""
    return {
        Level.COMMUNE: tr.gettext("commune"),
        Level.PROVINCE: tr.gettext("province"),
        Level.MINISTRY: tr.gettext("ministry"),
        Level.OTHER: tr.gettext("other agency"),
    }[level]


def _unverified(entry: Procedure, field: str, tr: Translator) -> str:
    return " " + tr.gettext("(not yet verified)") if entry.is_unverified(field) else ""


def checklist(entry: Procedure, ticked: list[str], tr: Translator, resume: bool) -> Reply:
    """The document checklist with a tick per paper; pressing a paper toggles its tick."""
    loc = tr.locale
    if not entry.documents:
        text = tr.gettext("{name}: no papers need to be prepared in advance.").format(name=entry.name.get(loc))
        back = Option(tr.gettext("Back to the step"), NAV_RESUME) if resume else Option(tr.gettext("Menu"), NAV_MENU)
        return Reply(text, (back,), kind=ReplyKind.CHECKLIST)
    lines = [tr.gettext("Papers for {name} (tap one to tick it):").format(name=entry.name.get(loc))]
    options = []
    for number, document in enumerate(entry.documents, 1):
        mark = "☑" if document.id in ticked else "☐"
        lines.append(f"{mark} {number}. {document_line(document, tr, detailed=True)}")
        options.append(Option(shorten(f"{mark} {document.name.get(loc)}"), payload(Kind.TICK, document.id)))
    done = sum(1 for document in entry.documents if document.id in ticked)
    lines.append(tr.gettext("Ready: {done}/{total}.").format(done=done, total=len(entry.documents)))
    if resume:
        options.append(Option(tr.gettext("Back to the step"), NAV_RESUME))
    else:
        options.append(Option(tr.gettext("Step-by-step guide"), payload(Kind.GUIDE, entry.id)))
    return Reply("\n".join(lines), tuple(options), kind=ReplyKind.CHECKLIST)


COMPACT_PAPER = 90  # characters of one paper on a helper's compact card (the whole list is one tap away)


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
        lines += [f"☐ {shorten(_compact_paper(doc, tr), COMPACT_PAPER)}" for doc in entry.documents]
        if any(doc.condition is not None for doc in entry.documents):
            lines.append(conditional_legend(tr))
    current = [fee for fee in entry.fees if fee.valid_until is None or fee.valid_until >= today]
    if current:  # at a glance: the rates in force, without their explanations
        fees = "; ".join(fee_line(fee, tr, today, note=False).rstrip(".") for fee in current)
        lines.append(f"{tr.gettext('Fee')}: {fees}{_unverified(entry, 'fees', tr)}")
    if entry.processing_time:
        times = "; ".join(duration_line(item, tr) for item in entry.processing_time)
        lines.append(f"{tr.gettext('Processing time')}: {times}")
    options = (
        Option(tr.gettext("Step-by-step guide"), payload(Kind.GUIDE, entry.id)),
        Option(tr.gettext("Papers to prepare"), payload(Kind.DOCS, entry.id)),
        Option(tr.gettext("End the session"), STAFF_DONE),
    )
    return Reply("\n".join(lines), options, kind=ReplyKind.CARD)

"""The short card: what a procedure is, online or not, fee and time -- one phone screen.

The answer to a question that names a procedure and asks no detail; the rest (papers, where,
the steps) is one tap away. It keeps a free fee's condition ("free when registered on time")
and names its source and the date it was checked, the first line to go when space is short.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from bot.conversation.answers import (
    CARD_LIMIT,
    FEE_TIME,
    GENERIC_FEE_LABELS,
    current_fees,
    fee_text,
    fit,
    hedge,
    online_sentence,
    options_after,
    portal_links,
)
from bot.conversation.cards import BULLET, duration_line
from bot.i18n import Translator
from bot.messages import Reply, ReplyKind, shorten
from intents.facets import Facet
from procedures.models import Kind as EntryKind
from procedures.models import Procedure

# A full stop after these is an abbreviation, not a sentence's end ("e.g. when its details change",
# "form no. 1", "TP. Hồ Chí Minh").
ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "v.v", "vd", "tp", "no"})
_SENTENCE_END = re.compile(r"[.;] ")
CHOICE_NAME = 70  # characters of a procedure's name in a line that compares several


def _first_sentence(text: str, limit: int = 160) -> str:
    end = -1
    for mark in _SENTENCE_END.finditer(text, 20):  # a sentence is at least 20 characters long
        word = (text[: mark.start()].split() or [""])[-1].lower().lstrip("(")
        if mark.group() == "; " or word not in ABBREVIATIONS:
            end = mark.start()
            break
    sentence = text[: end + 1] if end > 0 else text
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def short_card(entry: Procedure, tr: Translator, today: dt.date) -> Reply:
    """What it is, online or not, fee and time -- within :data:`CARD_LIMIT` characters."""
    loc = tr.locale
    code = f" ({tr.gettext('code')} {', '.join(entry.codes)})" if entry.codes else ""
    lines = [f"📄 {entry.name.get(loc)}{code}", _first_sentence(entry.summary.get(loc))]
    online = online_sentence(entry, tr) if entry.kind is EntryKind.PROCEDURE else None  # a how-to submits nothing
    if online:
        lines.append(online)
    fees, _ended = current_fees(entry, today)
    if fees:
        amounts = sorted({fee.amount_vnd for fee in fees if fee.amount_vnd is not None})
        if len(fees) == 1 and fees[0].label.vi.strip().lower() in GENERIC_FEE_LABELS:
            lines.append(fee_text(fees[0], tr, with_note=fees[0].amount_vnd == 0))
        elif amounts and len(fees) <= 2:
            # A free fee keeps its note: "free" often holds only on a condition (registered on time).
            lines.append(f"{tr.gettext('Fee')}:")
            lines += [f"{BULLET} {fee_text(fee, tr, with_note=fee.amount_vnd == 0)}" for fee in fees]
        else:
            lines.append(fee_span(entry, tr, today))
    if entry.processing_time:
        lines.append(f"{tr.gettext('Processing time')}: {_times(entry, tr)}")
    # Where the facts come from and when they were checked: the first line to go when space is short.
    lines.append(
        tr.gettext("Source: {source}, checked {date}.").format(
            source=entry.source_url, date=tr.date(entry.last_verified)
        )
    )
    caution = hedge(entry, ("online_level", "fees", "processing_time"), tr)
    limit = CARD_LIMIT - (len(caution) + 1 if caution else 0)
    text = fit(lines, limit, tr.gettext("… more one tap away below."))
    if caution:
        text += f"\n{caution}"
    return Reply(text, options_after(entry, "card", tr), portal_links(entry, tr), ReplyKind.CARD)


def _times(entry: Procedure, tr: Translator) -> str:
    return "; ".join(duration_line(item.model_copy(update={"note": None}), tr) for item in entry.processing_time[:2])


def fee_span(entry: Procedure, tr: Translator, today: dt.date, pointer: bool = True) -> str:
    """The fees in force as one line: the one amount, or the lowest and highest by case.

    ``pointer``: name the "Fee and time" button that holds the cases (not where no such button is).
    """
    fees, _ended = current_fees(entry, today)
    amounts = sorted({fee.amount_vnd for fee in fees if fee.amount_vnd is not None})
    if not pointer and len(amounts) == 1 and all(fee.amount_vnd is not None for fee in fees):
        line = f"{tr.gettext('Fee')}: {tr.money(amounts[0])}"  # one amount whatever the case
        note = fees[0].note if len(fees) == 1 and amounts[0] == 0 else None
        # "free" often has a condition or a cost beside it (the health insurance contribution itself)
        return f"{line} — {shorten(note.get(tr.locale), 2 * CHOICE_NAME)}" if note is not None else line
    if not amounts:
        return tr.gettext('Fee: see "Fee and time".') if pointer else ""
    low, high = amounts[0], amounts[-1]
    span = tr.money(low) if low == high else f"{tr.money(low)} – {tr.money(high)}"
    if not pointer:
        return tr.gettext("Fee: {span} depending on the case").format(span=span)
    return tr.gettext('Fee: {span} depending on the case (see "Fee and time").').format(span=span)


def compared_facts(entry: Procedure, facet: str, tr: Translator, today: dt.date) -> list[str]:
    """The fee, time, office or online use of one curated entry, for a "did you mean" line."""
    facts = []
    if facet in (Facet.FEE, FEE_TIME) and (fee := fee_span(entry, tr, today, pointer=False)):
        facts.append(fee)
    if facet in (Facet.TIME, FEE_TIME) and entry.processing_time:
        facts.append(f"{tr.gettext('Processing time')}: {_times(entry, tr)}")
    if facet == Facet.WHERE and entry.agency is not None:
        facts.append(shorten(entry.agency.name.get(tr.locale), CHOICE_NAME))
    if facet == Facet.ONLINE and (online := online_sentence(entry, tr)):
        facts.append(online)
    return facts


def compared(named: Sequence[tuple[str, list[str]]], unstated: str) -> str:
    """One numbered line per offered procedure: its name and the asked facts it holds.

    "bao nhiêu tiền?" while "Ý bạn là: 1) … 2) …" waits: the amounts of each answer the question
    without guessing which one is meant. An entry that holds none of the facts in a plain form
    still has its line, saying ``unstated`` ("tap it to see"): left out, the one the user needed
    seemed not to exist ("tạm vắng" had vanished beside "tạm trú"). No line states a fact at all:
    "".
    """
    if not any(facts for _, facts in named):
        return ""
    lines = [
        f"{number}) {shorten(name, CHOICE_NAME)} — {'; '.join(facts) if facts else unstated}"
        for number, (name, facts) in enumerate(named, 1)
    ]
    return "\n".join(lines)


__all__ = ["ABBREVIATIONS", "compared", "compared_facts", "fee_span", "short_card"]

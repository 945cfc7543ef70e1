"""Listing fees: a national record's fee cells as chat lines, with the case each applies to.

A record's fee cell is often wrong or empty ("135 VNĐ" for 135.000 đồng, "free" beside a text
that names a fee, a note giving another amount): :mod:`procedures.national` reads what can be
trusted and these lines say it, the record's own words quoted, and where to ask when a fee may
apply or the record contradicts itself. Pure functions of (fee line, translator).
"""

from __future__ import annotations

from bot.conversation.cards import BULLET
from bot.i18n import N_, Translator
from procedures import national
from procedures.models import ListingEntry

# The record's ways to submit (also how a fee or time is scoped), the three standard ones translated.
CHANNELS = {"Trực tuyến": N_("online"), "Trực tiếp": N_("in person"), "Dịch vụ bưu chính": N_("by post")}


def case_scope(channels: tuple[str, ...], case: str, tr: Translator) -> str:
    """What one of several times or fees applies to: " — trực tuyến" or " — «Trường hợp …»"."""
    parts = [tr.gettext(CHANNELS.get(channel, channel)) for channel in channels]
    if case:
        parts.append(f"«{case}»")
    return f" — {', '.join(parts)}" if parts else ""


def _money(money: national.Money, tr: Translator) -> str:
    if money.currency == "VND":
        return tr.money(int(money.amount))
    return f"{tr.number(money.amount)} USD"


def _where(line: national.FeeLine, tr: Translator) -> str:
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


def fee_line(line: national.FeeLine, tr: Translator, where: bool = True) -> str:
    """One fee; ``where`` adds where to check a fee that may apply (said once under several lines)."""
    kind = national.FeeKind
    if line.kind is kind.FREE:
        return tr.gettext("Free")
    if line.kind is kind.AMOUNT:
        text = _money(line.amounts[0], tr) + line.per
        text = f"{text} — «{line.quote}»" if line.quote else text
        if line.differs:  # the record's own words give another amount: neither is said as the fee
            others = ", ".join(money.text for money in line.amounts[1:])  # as the record writes them
            text += " " + tr.gettext(
                "(the portal's note also names {amounts}: ask where you file before you pay)"
            ).format(amounts=others)
        return text
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
    return tr.gettext("{said}. A fee may apply — {where}.").format(said=said, where=_where(line, tr))


def fee_lines(card: ListingEntry, tr: Translator) -> list[str]:
    """The card's fees: one line when there is one fee for every case, else one per case or channel."""
    fees = national.read_fees(card)
    if len(fees) == 1 and not fees[0].channels and not fees[0].case:
        return [f"{tr.gettext('Fee')}: {fee_line(fees[0], tr)}"]
    if not fees:
        return []
    lines = [f"{tr.gettext('Fee')}:"]
    lines += [f"{BULLET} {fee_line(line, tr, where=False)}{case_scope(line.channels, line.case, tr)}" for line in fees]
    hedged = [line for line in fees if line.kind is national.FeeKind.MAY_APPLY]
    for where in dict.fromkeys(_where(line, tr) for line in hedged):
        lines.append(tr.gettext("A fee may apply — {where}.").format(where=where))
    return lines


__all__ = ["CHANNELS", "case_scope", "fee_line", "fee_lines"]

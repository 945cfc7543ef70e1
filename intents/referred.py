"""Referred matters: a message about a matter another body handles is out of scope for the router.

Some questions name a matter no procedure of the catalog handles — a divorce or a lawsuit (the
court), military service (the commune military command), an alcohol retail licence, notarising
a contract (a notary). ``procedures/data/referrals.yaml`` lists them with the words people use
and, for the citizen, who handles them; the engine answers with that referral. Those marked
``outside`` are out of scope in the router's own decision too, so that what the router reports
(``dvcbot route``, ``dvcbot eval``) is what the citizen is told: not a procedure that merely
shares the words ("tôi muốn ly hôn" is no household split), however confident its score. A
referral stands aside, as in the engine, when the leading procedure's own name holds its cue
(2.000554 records a divorce in the civil-status register), the message names one of its
``unless`` phrases, or it says the leading procedure's name or an alias in full; the candidates
stay, for the engine to offer next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from intents.decision import Decision, Verdict
from procedures.referrals import Referrals

SHIPPED_REFERRALS = Referrals.load()  # every router reads them unless told otherwise


def referred(referrals: Referrals | None, text: str, decision: Decision, said: Sequence[str] = ()) -> Decision:
    """``decision``, or a no-match when the message is about a matter outside the catalog.

    ``said``: the leading procedure's names and aliases (see :meth:`Referrals.find`).
    """
    if referrals is None or decision.verdict is Verdict.NO_MATCH:
        return decision
    names = [candidate.label for candidate in decision.candidates[:1]]
    matter = referrals.find(text, names, said)
    if matter is None or not matter.outside:
        return decision
    return replace(decision, verdict=Verdict.NO_MATCH)


__all__ = ["SHIPPED_REFERRALS", "referred"]

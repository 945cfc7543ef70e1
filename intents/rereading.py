"""Rereading: a short question read once more without its asking words.

A question names a topic and asks a detail of it ("hộ chiếu có giá trị bao lâu": the passport,
how long it is valid). The asking words are ordinary words, and sometimes they are also in a
procedure's name: "giá trị" is in "Khôi phục giá trị sử dụng hộ chiếu", "trễ hạn" and "bị
phạt" in no name at all. Read whole, such a question either leans toward the procedure that
merely mentions the asking words or, in a short message, sinks under the no-match line. The
facet reader (:mod:`intents.facets`) already splits the asking words from the topic; the two
rules here route the topic alone when the whole reading was led astray:

* a **no-match by too low a score** ("khai tử trễ hạn có bị phạt không") takes the topic's
  answer when that one is not a no-match;
* an **ambiguous** answer whose leader's name shares both the asking words and the topic (it
  is a sibling that only "mentions" the asked detail) takes the topic's answer when that one
  is confident and was already among the three candidates.

Both apply only to short messages (fewer informative words than the long-message gate): in a
long question the asking words are a small share, and a low score there means off-topic.
Neither overrides chatter or the scope model. The engine answers the asked detail once the
procedure is known.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from intents.decision import CHATTER, Candidate, Decision, Verdict
from intents.facets import Facet, read_facet
from intents.index import Phrase


class Reader(Protocol):
    """What rereading needs of the router (without importing it)."""

    def route_once(self, text: str) -> Decision:
        """Score and decide one text, without rereading."""
        ...

    def words(self, text: str) -> frozenset[str]:
        """A text's normalised single words."""
        ...

    def names(self, intent: str) -> Sequence[Phrase]:
        """An intent's name phrases (official or curated names, aliases)."""
        ...


def reread(text: str, decision: Decision, candidates: Sequence[Candidate], reader: Reader, short: bool) -> Decision:
    """The decision for ``text``, read once more without its asking words where the rules apply.

    ``reader`` routes and reads texts (the router); ``short`` says the message is under the
    long-message gate.
    """
    if not short or not candidates or candidates[0].intent == CHATTER:
        return decision
    if decision.verdict is Verdict.MATCH:
        return decision
    reading = read_facet(text)
    topic = reading.topic.strip()
    if reading.facet is Facet.NONE or not topic or reading.topic == text:
        return decision
    if decision.verdict is Verdict.AMBIGUOUS and not _pulled(
        decision, reader.words(text), reader.words(topic), reader.names
    ):
        return decision
    again = reader.route_once(reading.topic)
    if decision.verdict is Verdict.NO_MATCH:
        return decision if again.verdict is Verdict.NO_MATCH else replace(again, text=text)
    offered = {candidate.intent for candidate in decision.candidates[:3]}
    if again.verdict is Verdict.MATCH and again.intent in offered:
        return replace(again, text=text)
    return decision


def _pulled(
    decision: Decision, said: frozenset[str], topic: frozenset[str], names: Callable[[str], Sequence[Phrase]]
) -> bool:
    """Whether the leader's own name holds an asking word as well as a topic word (a mere mention).

    Only its first name phrase counts (the official or curated name): everyday aliases hold
    story words ("đi làm xa" for a declaration of absence) that are not a mention.
    """
    if decision.top is None:
        return False
    phrases = names(decision.top.intent)
    if not phrases:
        return False
    held = {term for term in phrases[0].terms if "_" not in term}
    return bool(held & (said - topic)) and bool(held & topic)


def name_lookup(numbers: Mapping[str, int], names: Mapping[int, Sequence[Phrase]]) -> Callable[[str], Sequence[Phrase]]:
    """An intent's name phrases by its id (none for an unknown id)."""

    def lookup(intent: str) -> Sequence[Phrase]:
        number = numbers.get(intent)
        return names.get(number, ()) if number is not None else ()

    return lookup


__all__ = ["Reader", "name_lookup", "reread"]

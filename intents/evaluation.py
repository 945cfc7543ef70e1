"""Measuring the router on a labelled message set (the ``eval/dev.jsonl`` format).

Scoring rule (from the data set's README): a prediction is correct when it equals ``label``
or is in ``also``. For an ``out_of_scope`` item, ``out_of_scope`` is correct; for an item
with ``scope: uncurated`` so is the national code of any listing procedure that is not
curated. Off-topic chatter must be ``out_of_scope``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from intents.decision import OUT_OF_SCOPE, Decision
from intents.router import Router


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    text: str
    label: str
    also: tuple[str, ...] = ()
    style: str = ""
    scope: str | None = None

    @property
    def in_scope(self) -> bool:
        """True unless the message is labelled out of scope."""
        return self.label != OUT_OF_SCOPE


def read_examples(path: Path) -> list[Example]:
    """Read a JSONL file of labelled messages."""
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            examples.append(
                Example(
                    data["text"], data["label"], tuple(data.get("also", ())), data.get("style", ""), data.get("scope")
                )
            )
    return examples


def is_correct(example: Example, prediction: str, listing_codes: Collection[str]) -> bool:
    """Apply the scoring rule to one prediction."""
    if prediction == example.label or prediction in example.also:
        return True
    return example.scope == "uncurated" and prediction in listing_codes


@dataclass
class Tally:
    """Counts for one slice of the data (overall or one style)."""

    total: int = 0
    top1: int = 0
    top3: int = 0
    oos_total: int = 0
    oos_caught: int = 0
    in_total: int = 0
    in_rejected: int = 0

    def as_dict(self) -> dict[str, float | int]:
        """Rates rounded for printing."""

        def rate(part: int, whole: int) -> float:
            return round(part / whole, 4) if whole else 0.0

        return {
            "n": self.total,
            "top1": rate(self.top1, self.total),
            "top3": rate(self.top3, self.total),
            "oos_recall": rate(self.oos_caught, self.oos_total),
            "in_scope_false_rejection": rate(self.in_rejected, self.in_total),
        }


@dataclass
class Report:
    """Evaluation figures overall, per style, and the misses."""

    overall: Tally = field(default_factory=Tally)
    styles: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """A JSON-friendly view."""
        return {
            "overall": self.overall.as_dict(),
            "styles": {style: tally.as_dict() for style, tally in sorted(self.styles.items())},
            "misses": self.misses,
        }


def evaluate(router: Router, examples: Iterable[Example], listing_codes: Collection[str]) -> Report:
    """Route every example and tally the scoring rule's figures."""
    report = Report()
    for example in examples:
        decision: Decision = router.route(example.text)
        prediction = decision.intent
        top1 = is_correct(example, prediction, listing_codes)
        if example.in_scope:
            top3 = any(is_correct(example, c.intent, listing_codes) for c in decision.candidates[:3])
            top3 = top3 and prediction != OUT_OF_SCOPE or top1
        else:
            top3 = top1
        for tally in (report.overall, report.styles[example.style]):
            tally.total += 1
            tally.top1 += top1
            tally.top3 += top3
            if example.in_scope:
                tally.in_total += 1
                tally.in_rejected += prediction == OUT_OF_SCOPE
            else:
                tally.oos_total += 1
                tally.oos_caught += top1
        if not top1:
            report.misses.append(
                {
                    "text": example.text,
                    "label": example.label,
                    "style": example.style,
                    "predicted": prediction,
                    "decision": decision.verdict.value,
                    "confidence": round(decision.confidence, 3),
                    "candidates": [c.intent for c in decision.candidates[:3]],
                }
            )
    return report


def format_report(report: Report) -> str:
    """A readable table of the figures, then the misses."""
    overall = report.overall.as_dict()
    lines = [
        f"top-1: {overall['top1']:.1%}   top-3: {overall['top3']:.1%}   "
        f"out-of-scope recall: {overall['oos_recall']:.1%}   "
        f"in-scope false rejection: {overall['in_scope_false_rejection']:.1%}   (n={overall['n']})",
        "",
        f"{'slice':<10} {'n':>4} {'top-1':>7} {'top-3':>7} {'oos-recall':>11} {'in-scope-reject':>16}",
    ]
    rows = [("overall", report.overall), *sorted(report.styles.items())]
    for name, tally in rows:
        data = tally.as_dict()
        lines.append(
            f"{name:<10} {data['n']:>4} {data['top1']:>7.1%} {data['top3']:>7.1%} "
            f"{data['oos_recall']:>11.1%} {data['in_scope_false_rejection']:>16.1%}"
        )
    lines.append("")
    lines.append(f"misses ({len(report.misses)}):")
    for miss in report.misses:
        lines.append(
            f"- [{miss['style']}] {miss['text']!r}: expected {miss['label']}, got {miss['predicted']} "
            f"({miss['decision']}, {miss['confidence']}) candidates {miss['candidates']}"
        )
    return "\n".join(lines)


@dataclass
class FacetReport:
    """How often the facet of a question is read right, overall and per facet and language."""

    total: int = 0
    right: int = 0
    by_facet: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # facet -> [n, right]
    by_lang: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    confusion: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))

    def as_dict(self) -> dict[str, object]:
        """A JSON-friendly view (no question texts: blind sets are never read through this)."""

        def rate(pair: list[int]) -> float:
            return round(pair[1] / pair[0], 4) if pair[0] else 0.0

        return {
            "n": self.total,
            "facet_accuracy": round(self.right / self.total, 4) if self.total else 0.0,
            "by_facet": {name: {"n": pair[0], "accuracy": rate(pair)} for name, pair in sorted(self.by_facet.items())},
            "by_lang": {name: {"n": pair[0], "accuracy": rate(pair)} for name, pair in sorted(self.by_lang.items())},
            "confusion": {gold: dict(row) for gold, row in sorted(self.confusion.items())},
        }


def is_facet_set(path: Path) -> bool:
    """Whether a labelled file is a facet set (its lines carry a ``facet``)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            return "facet" in json.loads(line)
    return False


def evaluate_facets(path: Path) -> FacetReport:
    """Read the facet of every question of a facet set and tally how often it is right."""
    from intents.facets import read_facet

    report = FacetReport()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        predicted = read_facet(data["text"]).facet.value
        right = int(predicted == data["facet"])
        report.total += 1
        report.right += right
        for bucket in (report.by_facet[data["facet"]], report.by_lang[data.get("lang", "")]):
            bucket[0] += 1
            bucket[1] += right
        report.confusion[data["facet"]][predicted] += 1
    return report


def format_facets(report: FacetReport) -> str:
    """A readable table of facet accuracy."""
    accuracy = report.right / report.total if report.total else 0.0
    lines = [f"facet accuracy: {accuracy:.1%}   (n={report.total})", "", f"{'facet':<12} {'n':>4} {'right':>7}"]
    for prefix, buckets in (("", report.by_facet), ("lang ", report.by_lang)):
        for name, (total, right) in sorted(buckets.items()):
            label = f"{prefix}{name}"
            lines.append(f"{label:<12} {total:>4} {right / total if total else 0.0:>7.1%}")
    return "\n".join(lines)

"""The labelled sets that ship with the product, and "did a change make any of them worse?".

A router alias proposed from the unanswered inbox is served only when no shipped set gets
worse (top-1, top-3, out-of-scope recall, in-scope false rejection). The sets are copies of
``benchmarks/*.jsonl`` in ``intents/data/eval`` so an installed package (the Docker image) can
measure itself; the blind FAQ set is included because only its totals are compared and shown,
never its questions (so are the English sets).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from intents.evaluation import Example, Tally, evaluate, read_examples
from intents.router import Router

EVAL_DIR = Path(__file__).parent / "data" / "eval"
# The routing sets; the facet sets measure another thing.
SHIPPED_SETS = ("dev", "second-set", "faq-dev", "faq-set", "english-dev", "english-set")


@dataclass(frozen=True)
class EvalSet:
    """A named labelled set."""

    name: str
    examples: tuple[Example, ...]


def shipped_sets(folder: Path = EVAL_DIR) -> tuple[EvalSet, ...]:
    """The routing sets shipped in the package, in a fixed order."""
    return tuple(EvalSet(name, tuple(read_examples(folder / f"{name}.jsonl"))) for name in SHIPPED_SETS)


@dataclass(frozen=True)
class Figures:
    """One set's counts: compared as whole numbers, so rounding never hides a lost example."""

    name: str
    total: int
    top1: int
    top3: int
    oos_total: int
    oos_caught: int
    in_total: int
    in_rejected: int

    @classmethod
    def of(cls, name: str, tally: Tally) -> Figures:
        """The counts of an evaluation tally."""
        return cls(
            name, tally.total, tally.top1, tally.top3, tally.oos_total, tally.oos_caught, tally.in_total,
            tally.in_rejected,
        )  # fmt: skip

    def rates(self) -> dict[str, float]:
        """Top-1, top-3, out-of-scope recall and false rejection as percentages."""

        def share(part: int, whole: int) -> float:
            return round(100 * part / whole, 1) if whole else 0.0

        return {
            "top1": share(self.top1, self.total),
            "top3": share(self.top3, self.total),
            "oos": share(self.oos_caught, self.oos_total),
            "false_rejection": share(self.in_rejected, self.in_total),
        }

    def worse_than(self, before: Figures) -> bool:
        """Fewer right answers or more in-scope questions refused than ``before``."""
        return (
            self.top1 < before.top1
            or self.top3 < before.top3
            or self.oos_caught < before.oos_caught
            or self.in_rejected > before.in_rejected
        )


def measure(router: Router, sets: Iterable[EvalSet], listing_codes: Collection[str]) -> tuple[Figures, ...]:
    """Evaluate ``router`` on every set (blocking: seconds for the shipped sets)."""
    return tuple(Figures.of(item.name, evaluate(router, item.examples, listing_codes).overall) for item in sets)


@dataclass(frozen=True)
class Comparison:
    """Each set's figures before and after a change."""

    before: tuple[Figures, ...]
    after: tuple[Figures, ...]

    @property
    def worse(self) -> tuple[str, ...]:
        """The sets the change makes worse (empty: it may be applied)."""
        return tuple(new.name for old, new in zip(self.before, self.after, strict=True) if new.worse_than(old))

    def pairs(self) -> Sequence[tuple[Figures, Figures]]:
        """(before, after) per set."""
        return tuple(zip(self.before, self.after, strict=True))


__all__ = ["Comparison", "EvalSet", "Figures", "SHIPPED_SETS", "measure", "shipped_sets"]

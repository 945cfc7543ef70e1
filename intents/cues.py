"""Cue phrases: weighted regular expressions on folded text, found by the word they start with.

The facet reader's cue table (``intents/data/facet_cues.yaml``) is data: per label (a facet), a
list of ``[weight, pattern]``, with ``{NAME}`` macros for word classes. This module reads such a
table and compiles it for a cheap scan of a message: each cue goes under the first words it can
start with (and the words that may follow them), so that it is tried, anchored, only where such a
word stands. Those words are read from the pattern itself by a tiny parser of the subset of the
regular expression syntax the tables use.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml

L = TypeVar("L")

# The C parser when PyYAML was built with libyaml (6 ms for the facet cues instead of 62), else the Python one.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Macro names are capital letters only, so "{ON_BEHALF}" (with its underscore) is not expanded: it
# stays literal text, which no folded message holds, and the parts of two cues that use it never
# match. Expanding it would change readings: a change to measure on the facet sets first.
_MACRO = re.compile(r"\{([A-Z]+)\}")


@dataclass(frozen=True)
class Cue(Generic[L]):
    """One cue phrase: what it signals, how much, and its pattern (anchored on words)."""

    label: L
    weight: float
    pattern: str

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        """The pattern compiled when first tried."""
        # Compiling all ~400 cues took 0.08 s of the first reply after a start; a message tries
        # only the cues under its own words, so most are never compiled in a short session.
        return re.compile(self.pattern)


@dataclass(frozen=True)
class CueTable(Generic[L]):
    """Compiled cues, looked up by the word a match starts with.

    ``by_word`` gives, for a first word (or :data:`NUMBER`), its cues with the words that may
    follow it (None: any word, or none); ``anywhere`` holds the cues whose first word cannot be
    told, tried at every position. ``labels`` keeps the table's order.
    """

    by_word: dict[str, tuple[tuple[Cue[L], frozenset[str] | None], ...]]
    anywhere: tuple[Cue[L], ...]
    labels: tuple[L, ...]


def load_cues(path: Path, label: Callable[[str], L]) -> CueTable[L]:
    """Read a cue table file and compile it; ``label`` turns each section name into its label."""
    macros, table = read_cues(path)
    return compile_cues({label(name): cues for name, cues in table.items()}, macros)


def read_cues(path: Path) -> tuple[dict[str, str], dict[str, list[tuple[str, float]]]]:
    """The macros and the cues by section name (``[weight, piece, ...]`` entries joined into patterns)."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    if not isinstance(data, dict) or not isinstance(data.get("cues"), dict):
        raise ValueError(f"{path}: expected a mapping with 'macros' and 'cues'")
    macros = {str(name): _joined(value, f"{path}: macro {name}") for name, value in (data.get("macros") or {}).items()}
    table: dict[str, list[tuple[str, float]]] = {}
    for name, entries in data["cues"].items():
        cues = table[str(name)] = []
        for entry in entries:
            where = f"{path}: {name}: {entry!r}"
            if not isinstance(entry, list) or len(entry) < 2 or not isinstance(entry[0], int | float):
                raise ValueError(f"{where}: expected [weight, pattern, ...]")
            cues.append((_joined(entry[1:], where), float(entry[0])))
    return macros, table


def _joined(pieces: object, where: str) -> str:
    """A pattern given whole or in pieces (joined as they are: no space is added)."""
    parts = pieces if isinstance(pieces, list) else [pieces]
    texts = [part for part in parts if isinstance(part, str)]
    if not texts or len(texts) != len(parts):
        raise ValueError(f"{where}: a pattern is a string or a list of strings")
    return "".join(texts)


def compile_cues(table: Mapping[L, Sequence[tuple[str, float]]], macros: Mapping[str, str]) -> CueTable[L]:
    """Compile ``(pattern, weight)`` cues by label, placing each under the first words it can start with."""
    by_word: dict[str, list[tuple[Cue[L], frozenset[str] | None]]] = {}
    anywhere: list[Cue[L]] = []
    for label, cues in table.items():
        for pattern, weight in cues:
            expanded = _MACRO.sub(lambda match: macros[match.group(1)], pattern)
            if expanded != expanded.strip():
                raise ValueError(f"a cue ends on a word, not a space: {pattern!r}")
            cue = Cue(label, weight, f"(?:{expanded})(?![a-z0-9])")
            leads = _first_words([("group", _parse(expanded))])
            if leads is None:
                anywhere.append(cue)
                continue
            seconds: dict[str, set[str]] = {}
            free: set[str] = set()  # first words after which any word may come
            for lead in leads:
                first, _, second = lead.partition(" ")
                seconds.setdefault(first, set()).add(second)
                if not second:
                    free.add(first)
            for first, following in seconds.items():
                by_word.setdefault(first, []).append((cue, None if first in free else frozenset(following)))
    return CueTable({word: tuple(cues) for word, cues in by_word.items()}, tuple(anywhere), tuple(table))


# A tiny reader for the regular expressions of the cue tables (the subset of the syntax they use),
# to know which words a cue can start with: each cue is then tried only where such a word stands,
# with an anchored match.
_Node = tuple[str, object]


def _parse(pattern: str) -> list[list[_Node]]:
    """The alternatives of ``pattern``, each a sequence of nodes."""
    pos = 0

    def alternatives() -> list[list[_Node]]:
        nonlocal pos
        branches = [sequence()]
        while pos < len(pattern) and pattern[pos] == "|":
            pos += 1
            branches.append(sequence())
        return branches

    def sequence() -> list[_Node]:
        nonlocal pos
        items: list[_Node] = []
        while pos < len(pattern) and pattern[pos] not in "|)":
            char = pattern[pos]
            node: _Node
            if char == "(":
                pos += 1
                kind = "group"
                for prefix in ("?:", "?<=", "?<!", "?=", "?!"):
                    if pattern.startswith(prefix, pos):
                        kind = "group" if prefix == "?:" else "look"
                        pos += len(prefix)
                        break
                node = (kind, alternatives())
                pos += 1  # ")"
            elif char == "\\":
                node = ("other", pattern[pos : pos + 2])
                pos += 2
            elif char == "[":
                end = pattern.index("]", pos)
                node = ("other", pattern[pos : end + 1])
                pos = end + 1
            elif char in ".^$":
                node = ("other", char)
                pos += 1
            else:
                node = ("char", char)
                pos += 1
            if pos < len(pattern) and pattern[pos] in "?*+{":
                if pattern[pos] == "{":
                    end = pattern.index("}", pos)
                    low, comma, high = pattern[pos + 1 : end].partition(",")
                    bounds = (int(low or 0), int(high) if high else 99 if comma else int(low))
                    pos = end + 1
                else:
                    bounds = {"?": (0, 1), "*": (0, 99), "+": (1, 99)}[pattern[pos]]
                    pos += 1
                if pos < len(pattern) and pattern[pos] == "?":
                    pos += 1  # lazy
                node = ("repeat", (node, *bounds))
            items.append(node)
        return items

    return alternatives()


# The first "word" of a cue that starts with a number: the cue is tried on every number.
NUMBER = "#"


def _first_words(items: list[_Node], prefix: str = "", budget: list[int] | None = None) -> set[str] | None:
    """The first two words a match of ``items`` can start with (None when the first cannot be told).

    Each is "w1 w2", or "w1" when the second word is free or absent.
    """
    budget = budget if budget is not None else [2000]
    budget[0] -= 1
    if budget[0] < 0:
        return None
    for index, (kind, value) in enumerate(items):
        rest = items[index + 1 :]
        if kind == "char":
            assert isinstance(value, str)
            if value == " ":
                if not prefix:
                    return None
                if " " in prefix:
                    return {prefix}
            prefix += value
        elif kind == "look":
            continue
        elif kind == "group":
            assert isinstance(value, list)
            words: set[str] = set()
            for branch in value:
                found = _first_words(branch + rest, prefix, budget)
                if found is None:
                    return None
                words |= found
            return words
        elif kind == "repeat":
            assert isinstance(value, tuple)
            node, low, high = value
            once = [node] + ([("repeat", (node, max(low - 1, 0), high - 1))] if high > 1 else [])
            taken = _first_words(once + rest, prefix, budget)
            if low > 0 or taken is None:
                return taken
            skipped = _first_words(rest, prefix, budget)
            return None if skipped is None else taken | skipped
        elif kind == "other" and value == "\\d" and not prefix:
            return {NUMBER}  # a cue that starts with a number is tried on every number
        elif " " in prefix:
            return {prefix.split(" ")[0]}  # the second word is not a plain word: any will do
        else:
            return None
    return {prefix.strip()} if prefix.strip() else None


__all__ = ["NUMBER", "Cue", "CueTable", "compile_cues", "load_cues", "read_cues"]

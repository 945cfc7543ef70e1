"""Catalog validation: every rule a curated catalog must satisfy before citizens see it.

Run at start-up, in the test suite and by ``dvcbot catalog validate``. Each problem is an
:class:`Issue` naming the entry, the field and what to do, so an officer can fix the file
without a developer.
"""

from __future__ import annotations

import csv
import dataclasses
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from procedures import problems as msg
from procedures.links import LinkPolicy
from procedures.models import Procedure, Step, Text

COVERAGE_FILE = Path(__file__).resolve().parent / "coverage.tsv"
MIN_STEPS = 4
# A step is one chat message: keep it short enough to read on a phone without scrolling.
MAX_STEP_CHARS = 600
MAX_TEXT_CHARS = 1500


@dataclass(frozen=True)
class Issue:
    """One validation problem: where it is and what is wrong.

    ``message`` is the English text the command line prints. ``template`` and ``params`` say
    the same for translation (see :mod:`procedures.problems`), and ``where`` is the precise
    path of the faulty value (``steps[3].check.if_no``, ``channels[2].url``) so that an
    uploaded spreadsheet's row and column can be named. They do not take part in equality.
    """

    entry: str
    field: str
    message: str
    template: str = dataclasses.field(default="", compare=False)
    params: dict[str, str | int] = dataclasses.field(default_factory=dict, compare=False)
    where: str = dataclasses.field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.entry}: {self.field}: {self.message}"


def required_ids(path: Path = COVERAGE_FILE) -> list[str]:
    """Return the ids every curated catalog must contain (the coverage list)."""
    with path.open(encoding="utf-8") as handle:
        return [row["id"] for row in csv.DictReader(handle, delimiter="\t")]


def parse_target(target: str) -> tuple[str, str | None, str | None]:
    """Split a branch target into (kind, guide id, step id).

    ``kind`` is one of ``next``, ``end``, ``step`` or ``guide``.
    """
    if target in ("next", "end"):
        return target, None, None
    if target.startswith("guide:"):
        guide, _, step = target[len("guide:") :].partition("@")
        return "guide", guide, step or None
    return "step", None, target


def step_targets(step: Step) -> list[str]:
    """Every branch target a step can lead to."""
    targets = [step.next]
    if step.check is not None:
        targets += [step.check.if_yes, step.check.if_no]
    return targets


def _keyed_targets(step: Step) -> list[tuple[str, str]]:
    """Every branch target of a step with the key that holds it (``next``, ``check.if_yes`` ...)."""
    targets = [("next", step.next)]
    if step.check is not None:
        targets += [("check.if_yes", step.check.if_yes), ("check.if_no", step.check.if_no)]
    return targets


def successors(entry: Procedure, index: int) -> set[int]:
    """Indices of the steps reachable in one move from step ``index``."""
    result: set[int] = set()
    step = entry.steps[index]
    for target in step_targets(step):
        kind, _, step_id = parse_target(target)
        if kind in ("next", "guide") and step_id is None:
            if index + 1 < len(entry.steps):
                result.add(index + 1)
        elif step_id is not None:
            try:
                result.add(entry.step_index(step_id))
            except KeyError:
                continue
    return result


def _moves(entry: Procedure, index: int) -> set[int]:
    """Indices of the steps a user can be shown next after step ``index`` (its answers, or its ``next``)."""
    step = entry.steps[index]
    targets = [step.check.if_yes, step.check.if_no] if step.check is not None else [step.next]
    found: set[int] = set()
    for target in targets:
        kind, _, step_id = parse_target(target)
        if step_id is not None and step_id in {s.id for s in entry.steps}:
            found.add(entry.step_index(step_id))
        elif kind in ("next", "guide") and index + 1 < len(entry.steps):
            found.add(index + 1)  # a sub-guide returns to the step after the one that branched out
    return found


def step_numbers(entry: Procedure) -> list[tuple[int, int]]:
    """Each step's number as a user walking the guide counts it, and the length of the walk through it.

    Steps are numbered along the longest walk that reaches them, so two alternatives ("quét mã
    QR" or "nhập mật khẩu") share a number and the step after them follows on: a walk through
    either reads 5/6 then 6/6, not 5/7 then 7/7. The length is the longest walk on from the step:
    at "nộp trực tuyến hay trực tiếp?" the guide may have 7 steps, and once "trực tiếp" is
    chosen the in-person steps read 2/4, 3/4, 4/4 instead of 8/10, 9/10, 10/10. Walks follow the
    branches wherever they lead in the list (an in-person step may join a step above it); a loop
    back is not followed twice. Guides have a dozen steps, so every walk is simply tried.
    """
    count = len(entry.steps)
    moves = [_moves(entry, index) for index in range(count)]
    numbers = [0] * count
    rest = [0] * count

    def walk(index: int, depth: int, path: frozenset[int]) -> int:
        """Visit ``index`` at ``depth``; the most steps that can still follow it on this walk."""
        numbers[index] = max(numbers[index], depth)
        after = max(
            (1 + walk(later, depth + 1, path | {later}) for later in moves[index] if later not in path), default=0
        )
        rest[index] = max(rest[index], after)
        return after

    if count:
        walk(0, 1, frozenset({0}))
    numbers = [number or index + 1 for index, number in enumerate(numbers)]  # unreachable: its place
    return [(number, number + after) for number, after in zip(numbers, rest, strict=True)]


def _texts(entry: Procedure) -> Iterable[tuple[str, Text]]:
    yield "summary", entry.summary
    for name in ("audience", "result", "tracking", "deadline", "validity", "preparation"):
        value = getattr(entry, name)
        if value is not None:
            yield name, value
    for number, step in enumerate(entry.steps, 1):
        yield f"steps[{number}].text", step.text
        if step.tip is not None:
            yield f"steps[{number}].tip", step.tip
        if step.check is not None:
            yield f"steps[{number}].check.question", step.check.question


def _urls(entry: Procedure, policy: LinkPolicy) -> Iterable[tuple[str, str, str]]:
    """Yield (field, precise path, url) for every link a citizen can open."""
    # ``sources`` are provenance notes for maintainers (news pages may be among them) and are
    # never shown to citizens, so only what a citizen can open is held to the allowlist.
    yield "source_url", "source_url", entry.source_url
    for number, channel in enumerate(entry.channels, 1):
        if channel.url:
            yield "channels.url", f"channels[{number}].url", channel.url
    for number, step in enumerate(entry.steps, 1):
        if step.url:
            yield f"steps[{number}].url", f"steps[{number}].url", step.url
    for name, text in _texts(entry):
        for lang, value in (("vi", text.vi), ("en", text.en)):
            for url in policy.urls_in(value):
                yield name, f"{name}.{lang}", url


def check_entry(entry: Procedure, known_ids: set[str], policy: LinkPolicy) -> list[Issue]:
    """Validate one entry against the rules that need no other entry but the id set."""
    return [
        *_step_issues(entry, known_ids),
        *_reachability_issues(entry),
        *_length_issues(entry),
        *_link_issues(entry, policy),
    ]


def _issue(entry: Procedure, field: str, message: str, template: str, where: str = "", **params: str | int) -> Issue:
    """An issue of ``entry`` at ``field``; ``where`` is the precise path when it says more than ``field``."""
    return Issue(entry.id, field, message, template, {"entry": entry.id, **params}, where or field)


def _step_issues(entry: Procedure, known_ids: set[str]) -> list[Issue]:
    """Too few steps, a step id used twice, a step without English, a branch target that leads nowhere."""
    issues: list[Issue] = []
    if len(entry.steps) < MIN_STEPS:
        issues.append(
            _issue(
                entry,
                "steps",
                f"needs at least {MIN_STEPS} steps, has {len(entry.steps)}",
                msg.TOO_FEW_STEPS,
                count=len(entry.steps),
                minimum=MIN_STEPS,
            )
        )
    step_ids = Counter(step.id for step in entry.steps)
    for duplicate, count in step_ids.items():
        if count > 1:
            # Point at the second use: the first one is usually the step the others jump to.
            second = [number for number, step in enumerate(entry.steps, 1) if step.id == duplicate][1]
            issues.append(
                _issue(
                    entry,
                    "steps",
                    f"step id {duplicate!r} is used {count} times",
                    msg.DUPLICATE_STEP,
                    f"steps[{second}].id",
                    step=duplicate,
                    count=count,
                )
            )
    for number, step in enumerate(entry.steps, 1):
        if not step.text.en:
            issues.append(
                _issue(entry, f"steps[{number}].text.en", "English text is missing", msg.MISSING_ENGLISH, step=step.id)
            )
        issues += _branch_issues(entry, number, step, known_ids, step_ids)
    return issues


def _branch_issues(
    entry: Procedure, number: int, step: Step, known_ids: set[str], step_ids: Collection[str]
) -> list[Issue]:
    """The branch targets of step ``number`` that name no guide, the entry's own guide, or no step."""
    issues: list[Issue] = []
    for key, target in _keyed_targets(step):
        kind, guide, step_id = parse_target(target)
        where = f"steps[{number}].{key}"
        if kind == "guide" and (guide or "") not in known_ids:
            issues.append(
                _issue(
                    entry,
                    f"steps[{number}]",
                    f"branch target {target!r}: no guide {guide!r} in the catalog",
                    msg.UNKNOWN_GUIDE,
                    where,
                    target=target,
                    guide=guide or "",
                )
            )
        elif kind == "guide" and guide == entry.id:
            issues.append(
                _issue(
                    entry,
                    f"steps[{number}]",
                    f"branch target {target!r} jumps into its own guide",
                    msg.SELF_GUIDE,
                    where,
                    target=target,
                )
            )
        elif kind == "step" and step_id is not None and step_id not in step_ids:
            issues.append(
                _issue(
                    entry,
                    f"steps[{number}]",
                    f"branch target {target!r}: no step {step_id!r}",
                    msg.UNKNOWN_STEP,
                    where,
                    target=target,
                )
            )
    return issues


def _reachability_issues(entry: Procedure) -> list[Issue]:
    """The steps that cannot be reached from the first one."""
    seen = {0}
    frontier = [0]
    while frontier:
        for following in successors(entry, frontier.pop()):
            if following not in seen:
                seen.add(following)
                frontier.append(following)
    return [
        _issue(
            entry,
            f"steps[{number}]",
            f"step {step.id!r} cannot be reached from the first step",
            msg.UNREACHABLE,
            f"steps[{number}].id",
            step=step.id,
        )
        for number, step in enumerate(entry.steps, 1)
        if number - 1 not in seen
    ]


def _length_issues(entry: Procedure) -> list[Issue]:
    """Texts too long for one chat message."""
    issues: list[Issue] = []
    for name, text in _texts(entry):
        limit = MAX_STEP_CHARS if name.startswith("steps") else MAX_TEXT_CHARS
        for lang, value in (("vi", text.vi), ("en", text.en)):
            if len(value) > limit:
                issues.append(
                    _issue(
                        entry,
                        f"{name}.{lang}",
                        f"text is {len(value)} characters; at most {limit} fit one chat message",
                        msg.TEXT_TOO_LONG,
                        length=len(value),
                        limit=limit,
                    )
                )
    return issues


def _link_issues(entry: Procedure, policy: LinkPolicy) -> list[Issue]:
    """Links a citizen can open that are not on an official domain."""
    allowed = ", ".join(f"*.{suffix}" for suffix in policy.allowed_suffixes)
    return [
        _issue(
            entry,
            name,
            f"link {url!r} is not on an official domain ({', '.join(policy.allowed_suffixes)})",
            msg.LINK_NOT_OFFICIAL,
            where,
            url=url,
            allowed=allowed,
        )
        for name, where, url in _urls(entry, policy)
        if not policy.is_allowed(url)
    ]


def validate_catalog(
    entries: Sequence[Procedure],
    policy: LinkPolicy | None = None,
    required: Iterable[str] | None = None,
) -> list[Issue]:
    """Validate a whole curated catalog; an empty list means it is safe to serve."""
    policy = policy or LinkPolicy()
    issues: list[Issue] = []
    ids = Counter(entry.id for entry in entries)
    for entry_id, count in ids.items():
        if count > 1:
            message = f"id is used by {count} entries"
            issues.append(Issue(entry_id, "id", message, msg.DUPLICATE_ID, {"entry": entry_id, "count": count}, "id"))
    codes = Counter(code for entry in entries for code in entry.codes)
    for code, count in codes.items():
        if count > 1:
            owners = ", ".join(entry.id for entry in entries if code in entry.codes)
            message = f"national code {code} is claimed by {count} entries"
            params: dict[str, str | int] = {"code": code, "entries": owners, "count": count}
            issues.append(Issue(owners, "codes", message, msg.DUPLICATE_CODE, params, "codes"))
    for missing in sorted(set(required or ()) - set(ids)):
        message = "required entry is missing from the catalog"
        issues.append(Issue(missing, "id", message, msg.REQUIRED_MISSING, {"entry": missing}, "id"))
    known = set(ids)
    for entry in entries:
        issues.extend(check_entry(entry, known, policy))
    return issues

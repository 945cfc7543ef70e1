"""Clauses: where a message asks, and how much the cue phrases in each of its parts count.

The facet reader (``intents/facets.py``) weighs each cue it finds by the clause it stands in. A
message is cut into clauses at punctuation; the last clause that asks something (a question mark
or a question word) weighs fully, other asking clauses a little less, and statements half; a short
asking tail ("..., làm thế nào ạ?") joins the clause before it. Within a clause, context that is
not the ask is discounted: something already done ("đã đóng lệ phí rồi", "I've paid the fee"), a
condition ("if I apply online", "nếu ... thì"), and the topic before "thì" when another detail is
asked after it (:data:`TOPIC`, applied by the reader).

Words are folded (no diacritics, lower case), and punctuation stands as a word of its own.
"""

from __future__ import annotations

from typing import NamedTuple

_CLAUSE_END = frozenset(",.?!;:")
# Words that make a clause a question (Vietnamese, chat shorthand, English).
_QUESTION_WORDS = frozenset(
    "khong ko k kg hok hong khum chua gi j nao dau sao ntn bn bnhieu lau bh hay "
    "may how what where when which who why whom whose does".split()
)
# Negations ask only at the end of a clause, before nothing but a final particle.
_NEGATIONS = frozenset("khong ko k kg hok hong khum chua".split())
_PARTICLES = frozenset("a ah z v vay ha nhi nhe ta ban em chi anh bac chu ad".split())
# English auxiliaries ask only when a subject follows ("can i", "do we"): "can" alone is also
# folded "căn"/"cần", "do" folded "đó"/"đỏ".
_AUXILIARIES = frozenset("can could do is are will would should must am".split())
_SUBJECTS = frozenset("i we you he she they it my our your someone somebody there the a".split())
# How much a cue counts in context that is not the ask: what was done, a condition.
_DONE = 0.3
_CONDITION = 0.5
TOPIC = 0.7  # the topic before "thì" when another detail is asked after it
# A statement with one of these words tells what was done ("tôi vừa làm xong căn cước ở phường").
_DONE_WORDS = frozenset("da vua roi xong r already".split())
# "rồi"/"xong" followed by one of these asks ("xong chưa?", "được rồi ạ?") instead of telling.
_ASKED_AFTER = frozenset("chua a ah z v vay khong ko k ha nhi ?".split())
# ... nor one shortly after these ("bao lâu thì làm xong", "tới đâu rồi", "chưa xong").
_NOT_DONE_BEFORE = frozenset("nao dau chua moi thi se gio lau may bn".split())
# English: what the asker did ("I've paid", "Applied last week") or a condition ("if I apply").
_EN_DID = frozenset("paid applied submitted filed registered sent got received bought lodged made used".split())
_EN_BETWEEN = frozenset("have had ve already just".split())
_EN_CONDITION = frozenset("if after once since because".split())
_EN_CONDITION_NEXT = frozenset("i we you applying submitting paying".split())


def _asks(words: list[str]) -> bool:
    for i, word in enumerate(words):
        if word in _NEGATIONS:
            # "không" asks at the end of a clause ("làm được không ạ"); before a verb it negates
            # ("bác không biết dùng điện thoại").
            if all(after in _PARTICLES for after in words[i + 1 :]):
                return True
        elif word in _QUESTION_WORDS:
            return True
    if "bao" in words and not {"nhieu", "nhiu", "gio", "h"}.isdisjoint(words):
        return True
    return any(w in _AUXILIARIES and n in _SUBJECTS for w, n in zip(words, words[1:], strict=False))


def _clause_end(words: list[str], start: int) -> int:
    return next((i for i in range(start, len(words)) if words[i] in _CLAUSE_END), len(words))


def _told(words: list[str]) -> tuple[int, int, float] | None:
    """The part of a clause (word span) that tells context rather than asks, and its factor."""
    if words[0] in _EN_DID or (words[0] in _EN_CONDITION and len(words) > 1 and words[1] in _EN_CONDITION_NEXT):
        return 0, _clause_end(words, 0), _DONE if words[0] in _EN_DID else _CONDITION
    begin, end, told_begin = 0, 0, 0
    for i, word in enumerate(words):
        if word in _CLAUSE_END:
            begin = i + 1
        elif word in ("roi", "r", "xong"):
            after = words[i + 1] if i + 1 < len(words) else ""
            if _NOT_DONE_BEFORE.isdisjoint(words[max(i - 3, 0) : i]) and after not in _ASKED_AFTER:
                told_begin, end = begin, i + 1
        elif word in ("i", "we"):
            j = i + 1
            while j < len(words) and words[j] in _EN_BETWEEN:
                j += 1
            if j < len(words) and words[j] in _EN_DID:
                return i, _clause_end(words, i), _DONE
        elif (
            word in _EN_CONDITION
            and i + 1 < len(words)
            and words[i + 1] in _EN_CONDITION_NEXT
            and (not i or words[i - 1] not in ("happens", "happen"))  # "what happens if I ...?" asks
        ):
            return i, _clause_end(words, i), _CONDITION
    if end:
        return told_begin, end, _DONE
    if "neu" in words and "thi" in words[words.index("neu") :]:
        start = words.index("neu")
        return start, start + words[start:].index("thi") + 1, _CONDITION
    return None


class Clause(NamedTuple):
    """A clause of a message (character span) and how much the cues in it count."""

    first: int  # character span
    stop: int
    factor: float
    told: tuple[int, int, float] | None  # characters that tell context, and their factor
    topic_end: int  # "A thì B?": where B starts (the end of the clause when there is no "thì")


def clauses(words: list[str], starts: list[int]) -> list[Clause]:
    """The clauses of a message and how much their cues count.

    The last asking clause weighs 1, other asking ones 0.85, statements 0.5 (1 when nothing is
    asked: "lệ phí làm hộ chiếu"), and a statement of something done ("đã nộp rồi") 0.3.
    """
    spans: list[tuple[int, int, bool, bool]] = []  # word range, asks, tells something done
    begin = 0
    for i in range(len(words) + 1):
        if i < len(words) and words[i] not in _CLAUSE_END:
            continue
        end = i + 1 if i < len(words) else i
        body = [w for w in words[begin:end] if w not in _CLAUSE_END]
        if body:
            asks = "?" in words[begin:end] or _asks(body)
            done = not asks and not _DONE_WORDS.isdisjoint(body)
            if spans and len(body) <= 4 and asks:
                # "..., làm thế nào ạ?": a short asking tail belongs to the clause before it
                first, _, asked, was_done = spans.pop()
                spans.append((first, end, asked or asks, was_done and not asks))
            else:
                spans.append((begin, end, asks, done))
        begin = end
    asking = [i for i, span in enumerate(spans) if span[2]]
    last = asking[-1] if asking else -1
    result = []
    for i, (first, end, asks, done) in enumerate(spans):
        factor = _DONE if done else 1.0 if i == last or not asking else 0.85 if asks else 0.5
        told = _told(words[first:end])
        told_chars = None
        if told is not None and told[1] > told[0]:
            tail = first + told[1] - 1
            told_chars = (starts[first + told[0]], starts[tail] + len(words[tail]), told[2])
        last_word = end - 1
        stop = starts[last_word] + len(words[last_word])
        thi = [j for j in range(first, end - 1) if words[j] == "thi" and words[j + 1] not in _CLAUSE_END]
        result.append(Clause(starts[first], stop, factor, told_chars, starts[thi[-1]] if thi else stop))
    return result


__all__ = ["TOPIC", "Clause", "clauses"]

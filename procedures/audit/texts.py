"""The bot's own texts: abolished offices and district units named as if they still existed.

Besides the offices of ``procedures/data/offices.yaml``, a free text may name a district unit
("UBND huyện", "quận 3", "the district office"); a sentence that dates it as history ("trước
ngày 01/07/2025", "no longer") is not a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from procedures import national
from procedures.audit.findings import Finding, Kind

# A district unit named as a place or an office in free text (Vietnamese or English).
_DISTRICT_TEXT = re.compile(
    r"\b(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Công an|Chi cục|Phòng)\s+(?:cấp\s+)?(?:quận|huyện)\b"
    r"|\b(?:quận|huyện|thị xã)\s+(?:\d+|[A-ZĐ][\wÀ-ỹ]*)"
    r"|\bdistrict(?:-level)?\s+(?:office|police|People's Committee|court|tax|social insurance)",
)
_DATED_EN = re.compile(r"no district level|no longer|former|abolished|since 1 July 2025", re.I)


def abolished_names(text: str) -> list[str]:
    """Abolished offices and district units a free text names as current (Vietnamese or English)."""
    names = [name for _, name in national.abolished_in(text)]
    for sentence in re.split(r"(?<=[.;!?])\s+|\n", text):
        if not national.DATED.search(sentence) and not _DATED_EN.search(sentence):
            names += [match.group(0) for match in _DISTRICT_TEXT.finditer(sentence)]
    return list(dict.fromkeys(names))


def audit_texts(texts: Iterable[tuple[str, str]]) -> list[Finding]:
    """Abolished offices and district units named in the bot's own citizen texts ((where, text) pairs)."""
    return [
        Finding(Kind.ABOLISHED_OFFICE, where, f"{name!r} in: {text[:100]}", "text")
        for where, text in texts
        for name in abolished_names(text)
    ]

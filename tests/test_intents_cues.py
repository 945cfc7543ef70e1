"""The cue table reader (intents/cues.py): pieces, macros, lookup by first word, malformed tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.cues import NUMBER, compile_cues, read_cues
from intents.facets import cue_table

TABLE = """\
macros:
  NEG: '(?:khong|ko)'
cues:
  fee:
    - [3, 'le phi']
    - [4, 'co (?:mat|ton) ', '(?:tien|phi) {NEG}']
  time:
    - [2.5, '\\d+ ngay']
"""


def test_pieces_are_joined_without_a_space_and_weights_are_numbers(tmp_path: Path) -> None:
    path = tmp_path / "cues.yaml"
    path.write_text(TABLE, encoding="utf-8")
    macros, table = read_cues(path)
    assert macros == {"NEG": "(?:khong|ko)"}
    assert table == {
        "fee": [("le phi", 3.0), ("co (?:mat|ton) (?:tien|phi) {NEG}", 4.0)],
        "time": [("\\d+ ngay", 2.5)],
    }


def test_cues_are_found_by_their_first_word_and_the_next() -> None:
    compiled = compile_cues({"fee": [("co (?:mat|ton) tien {NEG}", 4.0)], "time": [(r"\d+ ngay", 2.0)]}, {"NEG": "ko"})
    assert compiled.labels == ("fee", "time")
    assert compiled.anywhere == ()
    [(cue, following)] = compiled.by_word["co"]
    assert following == frozenset({"mat", "ton"})
    assert cue.regex.match("co mat tien ko")
    assert not cue.regex.match("co mat tien kom")  # a cue ends on a word boundary
    assert compiled.by_word[NUMBER][0][0].label == "time"


def test_a_cue_ending_on_a_space_is_refused() -> None:
    with pytest.raises(ValueError, match="ends on a word"):
        compile_cues({"fee": [("le phi ", 3.0)]}, {})


@pytest.mark.parametrize("entry", ["'le phi'", "[le phi]", "[3]", "[3, 4]"])
def test_a_malformed_entry_is_refused(tmp_path: Path, entry: str) -> None:
    path = tmp_path / "cues.yaml"
    path.write_text(f"cues:\n  fee:\n    - {entry}\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_cues(path)


def test_every_shipped_cue_compiles() -> None:
    # Cues compile when first tried (a fast start): a broken pattern must still fail here, not
    # in a citizen's conversation.
    table = cue_table()
    cues = [cue for entries in table.by_word.values() for cue, _ in entries] + list(table.anywhere)
    assert len(cues) > 100
    for cue in cues:
        assert cue.regex.pattern == cue.pattern

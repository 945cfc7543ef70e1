"""Folding: lower case without diacritics ("Phường Bến Nghé" -> "phuong ben nghe").

The one folding of Vietnamese text, shared by the router (``intents.normalize`` re-exports
it), the old→new address reader and the referrals. It lives in ``procedures`` because the
domain code there needs it and ``intents`` already depends on ``procedures``, not the other
way round. Decomposed input (a base letter followed by combining marks) folds the same as
precomposed input: stray combining marks are dropped.
"""

from __future__ import annotations

import unicodedata


def _fold_table() -> dict[int, str]:
    """A str.translate table from every Latin letter with marks to its bare letter."""
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "d"}
    # Only the Latin blocks hold letters whose marks come off to leave an ASCII letter (Latin-1,
    # Extended-A/B, and Extended Additional where most Vietnamese letters are): the same table as
    # scanning U+00C0–U+1FFF (checked by tests/test_normalize.py), 10 ms less at every start.
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        char = chr(code)
        bare = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        if bare != char and bare.isascii() and bare.isalpha():
            table[code] = bare.lower()
    for code in range(0x300, 0x370):  # stray combining marks (text that arrived decomposed)
        table[code] = ""
    return table


FOLD_TABLE = _fold_table()


def fold(text: str) -> str:
    """Lower-case and strip diacritics ("Đăng ký" -> "dang ky"), whichever way the marks were typed."""
    return text.lower().translate(FOLD_TABLE)


__all__ = ["FOLD_TABLE", "fold"]

"""A babel extractor that also finds ``gettext('…')`` calls inside f-strings.

On Python 3.11 an f-string is one token, so babel's Python extractor never sees the calls in
``f"{tr.gettext('Fee')}: {amount}"`` and those texts would silently stay in English. This
extractor runs babel's own and adds every literal ``gettext`` call found inside f-strings.
Used by ``make translations`` through ``babel.cfg``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python

_FSTRING_LINE = re.compile(r"""\bf["']""")
_CALL = re.compile(r"""\bgettext\(\s*(?P<quote>['"])(?P<text>(?:\\.|(?!(?P=quote)).)*)(?P=quote)\s*\)""")


def extract(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[Any, ...]]:
    """Babel's Python extraction, plus ``gettext`` literals inside f-strings."""
    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)  # type: ignore[arg-type]
    encoding = str(options.get("encoding", "utf-8"))
    for number, line in enumerate(source.decode(encoding).splitlines(), 1):
        if not _FSTRING_LINE.search(line):
            continue
        for match in _CALL.finditer(line):
            text = match.group("text").replace("\\'", "'").replace('\\"', '"')
            yield number, "gettext", text, []

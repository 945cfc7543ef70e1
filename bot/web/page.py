"""The ``/chat`` page's HTML: a shell the chat script fills, with no inline script or style.

The strict Content-Security-Policy of ``/chat`` forbids inline code, so the page's texts travel
as a JSON ``data-`` attribute (escaped) and everything else comes from ``/chat/static/``. It
needs no third-party storage: opened from a QR code in Zalo's in-app browser it is a
first-party page, and keeps its token in its own ``localStorage``.
"""

from __future__ import annotations

import html
import json


def page_html(texts: dict[str, str]) -> str:
    """The page for one language's ``texts`` (see :func:`bot.web.strings.ui_texts`)."""
    data = html.escape(json.dumps(texts, ensure_ascii=False), quote=True)
    title = html.escape(texts["title"])
    return f"""<!doctype html>
<html lang="{html.escape(texts["lang"])}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/chat/static/chat.css">
</head>
<body class="dvc-page">
<main id="dvc-root" class="dvc dvc-full" data-texts="{data}" data-api=""></main>
<script src="/chat/static/chat.js"></script>
<script src="/chat/static/page.js"></script>
</body>
</html>
"""


__all__ = ["page_html"]

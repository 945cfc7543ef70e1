"""The console's HTML: one page layout, forms with their CSRF token, tables, and the stylesheet.

Server-rendered, no script at all (the Content-Security-Policy allows none), no third-party file:
every value is escaped with :func:`html.escape` where it enters the page, labels are tied to their
inputs, and the layout is one column that fits a phone. Texts are translated by the caller.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.i18n import Translator

CSS = """
:root { color-scheme: light; --ink: #1b1f24; --muted: #5b6470; --line: #d6dbe1; --brand: #a3151d; --ok: #1d6b35; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
header { background: var(--brand); color: #fff; padding: .6rem 1rem; display: flex; flex-wrap: wrap; gap: .8rem;
  align-items: center; }
header a, header button { color: #fff; }
header .who { margin-left: auto; font-size: .9rem; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .8rem; }
main { max-width: 70rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.4rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.15rem; margin-top: 1.6rem; }
form { margin: .8rem 0; }
label { display: block; font-weight: 600; margin-top: .6rem; }
input, select, textarea { font: inherit; padding: .4rem; border: 1px solid var(--line); border-radius: 4px;
  width: 100%; max-width: 32rem; }
textarea { min-height: 5rem; }
button { font: inherit; padding: .45rem 1rem; margin-top: .8rem; border: 0; border-radius: 4px;
  background: var(--brand); color: #fff; cursor: pointer; }
header button { background: transparent; border: 1px solid #fff; margin: 0; padding: .2rem .6rem; }
.inline { display: inline; margin: 0; }
.filters { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; }
.filters label { margin: 0; }
.filters input, .filters select { width: auto; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; font-size: .95rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
.flash { padding: .6rem .8rem; border-radius: 4px; background: #e8f4ec; color: var(--ok); }
.error { padding: .6rem .8rem; border-radius: 4px; background: #fbeaea; color: var(--brand); }
.muted { color: var(--muted); font-size: .9rem; }
img.chart { max-width: 100%; height: auto; border: 1px solid var(--line); }
pre { white-space: pre-wrap; background: #f5f6f8; padding: .6rem; border-radius: 4px; }
"""


def esc(value: object) -> str:
    """Text made safe for HTML content and attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


@dataclass(frozen=True)
class Link:
    """A navigation entry."""

    href: str
    label: str


def layout(tr: Translator, title: str, body: str, *, nav: Sequence[Link] = (), who: str = "", csrf: str = "") -> str:
    """A whole page: the header (navigation, who is signed in, sign-out), the title and ``body``."""
    items = "".join(f'<li><a href="{esc(link.href)}">{esc(link.label)}</a></li>' for link in nav)
    other = ("en", "English") if tr.locale == "vi" else ("vi", "Tiếng Việt")
    language = f'<a href="/console/language?to={other[0]}" lang="{other[0]}">{other[1]}</a>'
    brand, sections = esc(tr.gettext("Officer console")), esc(tr.gettext("Console sections"))
    account = ""
    if who:
        out = form("/console/sign-out", csrf, button(tr.gettext("Sign out")), css="inline")
        account = f'<span class="who">{esc(who)}</span>{out}'
    return f"""<!doctype html>
<html lang="{esc(tr.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · {brand}</title>
<link rel="stylesheet" href="/console/console.css">
</head>
<body>
<header><strong>{brand}</strong>
<nav aria-label="{sections}"><ul>{items}</ul></nav>{language}{account}</header>
<main>
<h1>{esc(title)}</h1>
{body}
</main>
</body>
</html>
"""


def form(action: str, csrf: str, inner: str, *, multipart: bool = False, method: str = "post", css: str = "") -> str:
    """A form that posts its CSRF token with ``inner``'s fields."""
    enctype = ' enctype="multipart/form-data"' if multipart else ""
    token = f'<input type="hidden" name="csrf" value="{esc(csrf)}">' if method == "post" else ""
    klass = f' class="{css}"' if css else ""
    return f'<form method="{method}" action="{esc(action)}"{klass}{enctype}>{token}{inner}</form>'


def field(name: str, label: str, value: object = "", *, kind: str = "text", extra: str = "") -> str:
    """A labelled input (the label's ``for`` names the input's id)."""
    ident = f"f-{name}"
    return (
        f'<label for="{ident}">{esc(label)}</label>'
        f'<input id="{ident}" name="{esc(name)}" type="{kind}" value="{esc(value)}"{extra}>'
    )


def area(name: str, label: str, value: object = "", *, lang: str = "") -> str:
    """A labelled text area."""
    ident = f"f-{name}"
    spoken = f' lang="{lang}"' if lang else ""
    textarea = f'<textarea id="{ident}" name="{esc(name)}"{spoken}>{esc(value)}</textarea>'
    return f'<label for="{ident}">{esc(label)}</label>{textarea}'


def choice(name: str, label: str, options: Iterable[tuple[str, str]], selected: str = "") -> str:
    """A labelled drop-down of (value, label) pairs."""
    ident = f"f-{name}"
    items = "".join(
        f'<option value="{esc(value)}"{" selected" if value == selected else ""}>{esc(text)}</option>'
        for value, text in options
    )
    return f'<label for="{ident}">{esc(label)}</label><select id="{ident}" name="{esc(name)}">{items}</select>'


def button(label: str) -> str:
    """A submit button."""
    return f'<button type="submit">{esc(label)}</button>'


def table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], *, numeric: Sequence[int] = (), markup: Sequence[int] = ()
) -> str:
    """A table with a header row; ``numeric`` columns right-aligned, ``markup`` columns already HTML."""
    head = "".join(f'<th scope="col">{esc(text)}</th>' for text in headers)
    right = ' class="n"'

    def cell(index: int, value: object) -> str:
        content = str(value) if index in markup else esc(value)
        return f"<td{right if index in numeric else ''}>{content}</td>"

    body = "".join("<tr>" + "".join(cell(i, v) for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def message(text: str, *, error: bool = False) -> str:
    """A notice above the page's content (``role`` makes screen readers announce it)."""
    kind, role = ("error", "alert") if error else ("flash", "status")
    return f'<p class="{kind}" role="{role}">{esc(text)}</p>' if text else ""


__all__ = ["CSS", "Link", "area", "button", "choice", "esc", "field", "form", "layout", "message", "table"]

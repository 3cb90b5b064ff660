"""Ways through a long report: a table of contents built from the page's own chapters, and
soft hyphens for narrow table headers.

The contents are taken from the rendered HTML (each `<section id>` with its `<h2>`, or an
`<h2 id>`), so a chapter that a profile leaves out (no survey, no projection) never shows up
as a dead link, and no template has to keep a second list of its chapters in step."""

from __future__ import annotations

import re
from functools import cache

from markupsafe import Markup, escape

MARKER = "<!--inhalt-->"
SHY = "\u00ad"
_CHAPTER = re.compile(
    r'<section id="(?P<sid>[^"]+)"[^>]*>\s*<h2>(?P<stitle>.*?)</h2>|<h2 id="(?P<hid>[^"]+)">(?P<htitle>.*?)</h2>',
    re.S,
)
_TAG = re.compile(r"<[^>]+>")


def chapters(html: str) -> list[tuple[str, str]]:
    """(anchor, title as HTML text without tags) of every chapter, in page order."""
    out = []
    for m in _CHAPTER.finditer(html):
        anchor = m.group("sid") or m.group("hid")
        title = _TAG.sub("", m.group("stitle") or m.group("htitle") or "").strip()
        out.append((anchor, title))
    return out


def add_contents(html: str) -> str:
    """The page with its contents in place of the `<!--inhalt-->` marker (pages without the
    marker are returned as they are). Titles are already escaped HTML, anchors come from ids."""
    if MARKER not in html:
        return html
    found = chapters(html)
    items = "".join(f'<li><a href="#{a}">{t}</a></li>' for a, t in found)
    nav = f'<nav class="inhalt" aria-label="Inhalt"><strong>Inhalt</strong><ol>{items}</ol></nav>'
    return html.replace(MARKER, nav if found else "", 1)


@cache
def _dictionary():
    import pyphen

    return pyphen.Pyphen(lang="de_DE")


def soft_hyphens(text: object) -> Markup:
    """German text with soft hyphens at its hyphenation points (pyphen's LibreOffice patterns):
    a narrow column then breaks "Bevöl-kerung", never "Bevölk" / "erung" or inside a number."""
    words = re.split(r"(\s+)", str(text))
    return Markup("").join(
        Markup(_dictionary().inserted(w, hyphen=SHY)) if len(w) > 6 and w.isalpha() else escape(w)
        for w in words
    )

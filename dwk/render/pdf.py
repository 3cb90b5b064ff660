"""Print-ready PDF of a dwk HTML report, with WeasyPrint (the optional extra `pdf`).

The report's own `@media print` / `@page` rules (templates/html/style.css.j2) do the layout:
A4, page numbers, a page per main section, figures kept whole. This module only renders:

* `html_to_pdf` is reproducible: the same HTML gives the same bytes. WeasyPrint 70 writes no
  /CreationDate or /ModDate unless the HTML carries `dcterms.created`/`modified` metas (ours
  does not; they are dropped anyway), no /ID unless asked, and `/Producer (WeasyPrint 70.0)`.
  We drop the dates, set the producer to `dwk` (so it does not change with the WeasyPrint
  release) and give a fixed /ID derived from the HTML, which PDF/A and some viewers expect.
  The one moving part is inside the embedded fonts: when WeasyPrint subsets them with fontTools
  (no libharfbuzz-subset on the machine), fontTools stamps the current time into each font's
  `head.modified`. fontTools takes that time from SOURCE_DATE_EPOCH when set, so `_write` pins
  it while writing (and restores the environment after).
* Nothing is fetched: the reports are self-contained, so any URL (stylesheet, image, font) is
  refused and stops the rendering instead of reaching the network.
* The fonts ship with dwk (`data/fonts/`, DejaVu Sans, licence beside it): a print stylesheet
  declares them with `@font-face` and sets them on every element, and the charts' SVG font
  attribute is pointed at them in the copy WeasyPrint lays out (the HTML report is unchanged).
  So the PDF embeds only the shipped faces and its bytes do not depend on the machine's fonts.
* `check_layout` reads WeasyPrint's laid-out boxes and lists what a printed page would spoil:
  a figure split over two pages or reaching past the page's content area, a figure shown without
  its caption and source line, a table wider than the page.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from dwk.core.errors import DwkError
from dwk.core.paths import data_dir
from dwk.render.svg import FONT as SVG_FONT

if TYPE_CHECKING:  # pragma: no cover
    from weasyprint import Document

PRODUCER = "dwk"
# The fonts' `head.modified` (see above): 2020-01-01T00:00:00Z, any fixed value would do.
FONT_EPOCH = "1577836800"
_MISSING_EXTRA = "PDF-Export braucht das Extra pdf: pip install 'dwk[pdf]'"
# WeasyPrint measures in CSS px (1/96 in); half a point of slack for rounding.
_EPS = 0.7
FONT_FAMILY = "dwk DejaVu Sans"
_FACES = (("DejaVuSans", 400, "normal"), ("DejaVuSans-Bold", 700, "normal"),
          ("DejaVuSans-Oblique", 400, "italic"), ("DejaVuSans-BoldOblique", 700, "italic"))  # fmt: skip
_MARGIN_BOXES = [
    f"{side}-{where}"
    for side in ("top", "bottom")
    for where in ("left-corner", "left", "center", "right", "right-corner")
]
_MARGIN_BOXES += [
    f"{side}-{where}" for side in ("left", "right") for where in ("top", "middle", "bottom")
]
_LOGGERS = ("weasyprint", "weasyprint.progress", "fontTools")


def html_to_pdf(html: str) -> bytes:
    """One of dwk's self-contained HTML reports as A4 PDF; byte-identical for the same HTML."""
    return _write(_render(html), html)


def check_layout(html: str) -> list[str]:
    """Problems of the printed layout, one German sentence each; empty when the print is fine."""
    return layout_problems(_render(html))


def render_checked(html: str) -> tuple[bytes, list[str]]:
    """`html_to_pdf` and `check_layout` from one rendering (the layout is the expensive part)."""
    document = _render(html)
    return _write(document, html), layout_problems(document)


@contextlib.contextmanager
def _fixed_font_time() -> Iterator[None]:
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = FONT_EPOCH
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """WeasyPrint warns about every CSS property it ignores; keep only errors while rendering."""
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _font_css() -> tuple[str, set[str]]:
    """The shipped faces as `@font-face` rules set on every element, and their file URLs."""
    rules, urls = [], set()
    for name, weight, style in _FACES:
        url = (data_dir() / "fonts" / f"{name}.ttf").as_uri()
        urls.add(url)
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{url}"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    family = f'font-family: "{FONT_FAMILY}" !important;'
    rules.append(f"* {{ {family} }}")
    # the page's margin boxes (running title, page numbers) are no elements: `*` misses them
    margins = " ".join(f"@{box} {{ {family} }}" for box in _MARGIN_BOXES)
    rules.append(f"@page {{ {margins} }}")
    return "\n".join(rules), urls


def _render(html: str) -> Document:
    try:
        import weasyprint
    except ImportError as exc:
        raise DwkError(_MISSING_EXTRA) from exc
    try:
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import FatalURLFetchingError, URLFetcher
    except ImportError as exc:  # URLFetcher came with WeasyPrint 68
        raise DwkError(
            f"PDF-Export braucht WeasyPrint 68 oder neuer (installiert: {weasyprint.__version__}): "
            "pip install -U 'dwk[pdf]'"
        ) from exc
    css, fonts = _font_css()

    class NoFetch(URLFetcher):
        """Refuses every URL but the shipped fonts; with fail_on_errors the refusal stops the
        rendering."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url in fonts:
                return super().fetch(url, headers)
            raise ValueError(f"dwk lädt beim PDF-Export nichts nach: {url}")

    fetcher = NoFetch(fail_on_errors=True)
    html = html.replace(f'font-family="{SVG_FONT}"', f'font-family="{FONT_FAMILY}"')
    with _quiet():
        try:
            config = FontConfiguration()
            sheet = weasyprint.CSS(string=css, url_fetcher=fetcher, font_config=config)
            return weasyprint.HTML(string=html, url_fetcher=fetcher, media_type="print").render(
                stylesheets=[sheet], font_config=config
            )
        except FatalURLFetchingError as exc:
            raise DwkError(
                f"PDF-Export: der Bericht verweist auf eine externe Ressource ({exc}); "
                "Berichte müssen in sich geschlossen sein"
            ) from exc


def _write(document: Document, html: str) -> bytes:
    import pydyf

    def finisher(_document: Any, pdf: Any) -> None:
        pdf.info["Producer"] = pydyf.String(PRODUCER)
        for key in ("CreationDate", "ModDate"):
            pdf.info.pop(key, None)

    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    with _quiet(), _fixed_font_time():
        return document.write_pdf(finisher=finisher, pdf_identifier=identifier)


def _name(element: Any) -> str:
    ident = element.get("id")
    return f"{element.tag}#{ident}" if ident else element.tag


def _outermost(box: Any, tags: tuple[str, ...]) -> Iterator[Any]:
    """The boxes of elements with these tags, outermost only: an element gets anonymous
    inner boxes (line boxes, a table's wrapper and grid) carrying the same element and tag."""
    if box.element_tag in tags and box.element is not None:
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from _outermost(child, tags)


def layout_problems(document: Document) -> list[str]:
    """Walk each page's box tree (`page._page_box`: PageBox → html → body → …; every box knows
    its `element`, `element_tag` and absolute `position_x/y` in CSS px). A `<figure>` broken over
    pages has a box on each page; its caption must be on every page that shows part of it."""
    problems: list[str] = []
    pages_of: dict[Any, list[int]] = {}
    for number, page in enumerate(document.pages, start=1):
        box = page._page_box
        left, top = box.content_box_x(), box.content_box_y()
        right, bottom = left + box.width, top + box.height
        for found in _outermost(box, ("figure", "table")):
            name = _name(found.element)
            if found.element_tag == "table":
                if found.border_box_x() + found.border_width() > right + _EPS:
                    problems.append(f"Seite {number}: {name} ragt über den rechten Rand")
                continue
            pages_of.setdefault(found.element, []).append(number)
            inner = list(found.descendants())
            if any(
                b.border_box_y() < top - _EPS
                or b.border_box_y() + b.border_height() > bottom + _EPS
                or b.border_box_x() < left - _EPS
                or b.border_box_x() + b.border_width() > right + _EPS
                for b in inner
            ):
                problems.append(f"Seite {number}: {name} reicht über den Satzspiegel")
            if not any(b.element_tag == "figcaption" and b.height > 0 for b in inner):
                problems.append(f"Seite {number}: {name} ohne Bildunterschrift und Quelle")
    for element, numbers in pages_of.items():
        if len(numbers) > 1:
            shown = ", ".join(map(str, numbers))
            problems.append(f"{_name(element)} ist auf die Seiten {shown} verteilt")
    return problems

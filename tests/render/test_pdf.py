"""The PDF export: every member profile prints on A4 without split or clipped figures, with
page numbers, readable by poppler, and byte-identical when rendered twice."""

from __future__ import annotations

import html as htmllib
import os
import re
import shutil
import subprocess
import sys

import pytest

pytest.importorskip("weasyprint")

from dwk.core.errors import DwkError  # noqa: E402
from dwk.render.pdf import check_layout, html_to_pdf, render_checked  # noqa: E402

pytestmark = pytest.mark.slow

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 10 10"/>'
PAGE = "<html><head><style>@page {{ size: A4; margin: 20mm }}</style></head><body>{}</body></html>"


def _build_html(member_reports, registry) -> dict[str, str]:
    """All nine member profiles as HTML, from the session's one batch build."""
    out, _ = member_reports
    return {a.slug: (out / f"{a.slug}.html").read_text(encoding="utf-8") for a in registry.members}


def _representatives(registry, html: dict[str, str]) -> list[str]:
    """Nine layouts take ~90 s; three cover the variety: a Gemeinde with a survey, a Kreis with
    projection and component charts, and the longest report. DWK_PDF_ALL=1 renders all nine."""
    if os.environ.get("DWK_PDF_ALL") == "1":
        return list(html)
    level = {a.slug: a.level for a in registry.members}
    longest = max(html, key=lambda slug: len(html[slug]))
    gemeinde = next(s for s, t in html.items() if level[s] == "gemeinde" and 'class="survey"' in t)
    kreis = next(
        s
        for s, t in html.items()
        if level[s] == "kreis"
        and s != longest
        and 'id="abb-komponenten"' in t
        and 'id="abb-vorausberechnung"' in t
    )
    return [gemeinde, kreis, longest]


@pytest.fixture(scope="module")
def reports(member_reports, registry) -> dict[str, tuple[str, bytes, list[str]]]:
    """slug → (HTML, PDF, layout problems), each chosen report laid out once."""
    html = _build_html(member_reports, registry)
    assert len(html) == 9
    return {
        slug: (html[slug], *render_checked(html[slug])) for slug in _representatives(registry, html)
    }


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} fehlt (Debian-Paket poppler-utils)")
        pytest.skip(f"{tool} fehlt: apt-get install poppler-utils, um die PDFs zu prüfen")
    return path


def test_every_report_prints_without_layout_problems(reports):
    problems = {slug: p for slug, (_, _, p) in reports.items() if p}
    assert problems == {}


def test_every_page_has_title_and_number(reports):
    for slug, (_, pdf, _) in reports.items():
        out = subprocess.run(
            [_poppler("pdftotext"), "-layout", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        )
        pages = out.stdout.decode("utf-8").split("\f")[:-1]
        assert len(pages) > 5, slug
        title = htmllib.unescape(re.search(r"<h1>(.*?)</h1>", reports[slug][0]).group(1))
        for number, text in enumerate(pages, start=1):
            assert f"Seite {number} von {len(pages)}" in text, (slug, number)
            if number > 1:  # the running head; page 1 has the h1 itself
                assert text.lstrip().startswith(title), (slug, number)


def test_pdftoppm_renders_every_page(reports, tmp_path):
    pdftoppm = _poppler("pdftoppm")
    for slug, (_, pdf, _) in reports.items():
        source = tmp_path / f"{slug}.pdf"
        source.write_bytes(pdf)
        out = subprocess.run(
            [pdftoppm, "-png", "-r", "20", str(source), str(tmp_path / slug)],
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0 and "Error" not in out.stderr, (slug, out.stderr)
        info = subprocess.run(
            [_poppler("pdfinfo"), str(source)], capture_output=True, text=True, check=True
        ).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        assert len(list(tmp_path.glob(f"{slug}-*.png"))) == pages, slug


def test_pdf_is_reproducible(reports):
    """A fresh render seconds after the fixture's gives the same bytes: no dates, a fixed /ID,
    fonts stamped with a fixed time (fontTools would write the current second)."""
    html, first, _ = next(iter(reports.values()))
    assert html_to_pdf(html) == first
    assert re.search(rb"/ID \[\([0-9a-f]{32}\) \(", first)
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", "-"], input=first, capture_output=True, check=True
        ).stdout.decode()
        assert re.search(r"^Producer:\s+dwk$", info, re.M)
        assert "CreationDate" not in info and "ModDate" not in info


def test_check_layout_reports_split_clipped_and_uncaptioned_figures():
    tall = SVG.format(w="100%", h="1100px")
    wide = SVG.format(w="1200px", h="50px")
    html = PAGE.format(
        f'<p>x</p><figure id="hoch">{tall}<figcaption>Quelle: A.</figcaption></figure>'
        f'<figure id="breit" style="break-before: page">{wide}<figcaption>B</figcaption></figure>'
        '<table id="t"><tr><td style="white-space: nowrap">' + "W" * 200 + "</td></tr></table>"
    )
    problems = check_layout(html)
    assert "figure#hoch ist auf die Seiten 2, 3 verteilt" in problems
    assert "Seite 2: figure#hoch ohne Bildunterschrift und Quelle" in problems
    assert "Seite 2: figure#hoch reicht über den Satzspiegel" in problems
    assert "Seite 4: figure#breit reicht über den Satzspiegel" in problems
    assert "Seite 4: table#t ragt über den rechten Rand" in problems
    ok = PAGE.format(
        f"<figure>{SVG.format(w='200px', h='200px')}<figcaption>Q</figcaption></figure>"
    )
    assert check_layout(ok) == []


def test_nothing_is_fetched():
    html = PAGE.format('<img src="https://example.invalid/logo.png">')
    with pytest.raises(DwkError, match="externe Ressource"):
        html_to_pdf(html)


def test_missing_extra_names_the_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(DwkError, match=r"pip install 'dwk\[pdf\]'"):
        html_to_pdf(PAGE.format("<p>x</p>"))


# --- issue 15: the SWOT on one page, no page under a third full but a chapter's last, the
# comparison's numbers whole -----------------------------------------------------------------

THIRD = 1 / 3


def _words(html_fragment: str, n: int) -> str:
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", html_fragment))
    return " ".join(text.split()[:n])


def _chapter_titles(html: str) -> list[str]:
    from dwk.render.navigation import chapters

    return [htmllib.unescape(t) for _, t in chapters(html)]


def test_the_swot_is_printed_on_one_page(reports):
    """Before: Adorf's SWOT ran over pages 1–3, Dortmund's over 1–2."""
    for slug, (html, pdf, _) in reports.items():
        out = subprocess.run(
            [_poppler("pdftotext"), "-", "-"], input=pdf, capture_output=True, check=True
        )
        pages = [" ".join(p.split()) for p in out.stdout.decode("utf-8").split("\f")[:-1]]
        swot = re.search(r'<section id="swot">.*?</section>', html, re.S).group(0)
        starts = [_words(li, 5) for li in re.findall(r"<li>(.*?)</li>", swot, re.S)]
        headings = [htmllib.unescape(h) for h in re.findall(r"<h3>(.*?)</h3>", swot)]
        assert len(starts) >= 4 and "Risiken" in headings, slug
        # the page of the first statement (page 1 names the chapter in its contents too)
        page = next(i for i, p in enumerate(pages) if starts[0] in p)
        missing = [s for s in starts + headings if s not in pages[page]]
        assert missing == [], f"{slug}: nicht auf Seite {page + 1}: {missing}"


def test_no_page_is_under_a_third_full_but_a_chapters_last(reports):
    """Fill = how far down the content area the page is drawn (tests/render/pdf_pages.py)."""
    from tests.render.pdf_pages import page_fill, page_texts

    for slug, (html, pdf, _) in reports.items():
        titles = _chapter_titles(html)
        title = htmllib.unescape(re.search(r"<h1>(.*?)</h1>", html).group(1))
        firsts = []
        for text in page_texts(pdf):
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            body = lines[1:] if lines and lines[0] == title else lines
            firsts.append(" ".join(body[:3]))  # a long title wraps onto a second line
        starts = {i for i, first in enumerate(firsts) if any(first.startswith(t) for t in titles)}
        fills = page_fill(pdf)
        thin = [
            (i + 1, round(f, 2))
            for i, f in enumerate(fills)
            if f < THIRD and i + 1 < len(fills) and i + 1 not in starts
        ]
        assert thin == [], slug


@pytest.fixture(scope="module")
def comparison_print(member_reports, store, registry):
    from dwk.indicators.catalogue import load_catalogue
    from dwk.inputs.context import Context
    from dwk.render.comparison import render_comparison
    from dwk.report.comparison import compare

    _, profiles = member_reports
    c = compare(Context(store, registry.changes), registry, load_catalogue(), profiles)
    html = render_comparison(c, store.sources(c.tables))
    pdf = html_to_pdf(html)
    out = subprocess.run(
        [_poppler("pdftotext"), "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return html, c, out.stdout.decode("utf-8")


def test_every_grouped_number_of_the_comparison_prints_whole(comparison_print):
    """Before: '132.91 / 7', '4.084.8 / 51' in vergleich.pdf."""
    html, _, text = comparison_print
    matrix = re.search(r'<table class="matrix">.*?</table>', html, re.S).group(0)
    numbers = re.findall(r"<td[^>]*>\(?(−?\d{1,3}(?:\.\d{3})+)", matrix)
    assert len(numbers) >= 12  # the members' and the Länder's populations at least
    broken = [n for n in numbers if not re.search(rf"(?<![\d.]){re.escape(n)}(?![\d.])", text)]
    assert broken == []


def test_the_comparisons_headers_break_only_at_hyphenation_points(comparison_print):
    """Before: 'Fraue / nan- / teil', 'Durch- / schnit / tsalter'. Every piece of a header word
    in the printed header rows must lie between two of pyphen's hyphenation points."""
    import pyphen

    html, c, text = comparison_print
    hyph = pyphen.Pyphen(lang="de_DE")
    pieces: set[str] = set()
    words = {w for d in c.definitions for w in re.findall(r"[A-Za-zÄÖÜäöüß]+", d.label)}
    for word in words:
        cuts = [0, *hyph.positions(word), len(word)]
        pieces |= {word[a:b] for i, a in enumerate(cuts) for b in cuts[i + 1 :]}
    page = next(p for p in text.split("\f") if "Kennzahlen am" in p and "Gebiet" in p)
    header = page[page.index("Gebiet") : page.index(c.rows[0].area.name[:10])]
    tokens = re.findall(r"[A-Za-zÄÖÜäöüß]+", header)
    bad = [
        t
        for t in tokens
        if t not in pieces
        and t not in ("Gebiet", "je", "ab", "seit", "Jahren", "Personen", "Jahre")
    ]
    assert bad == []

"""The reports' layout as the HTML says it (issue 15): the population chart's Zensus points,
the colours of fills that carry meaning, the Likert colours of items where agreeing is bad,
the contents and the ways between the pages. The browser and the PDF tests check how the same
pages look (tests/browser, tests/render/test_pdf.py)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from dwk.render import charts, comparison_charts, component_charts, survey_charts
from dwk.render.contrast import NON_TEXT, contrast
from dwk.render.navigation import chapters
from dwk.render.svg import text_width

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def pages(member_reports, registry) -> dict[str, str]:
    out, _ = member_reports
    return {a.slug: (out / f"{a.slug}.html").read_text("utf-8") for a in registry.members}


def _figure_svg(html: str, chart: str) -> ET.Element:
    figure = re.search(rf'<figure id="abb-{chart}".*?</figure>', html, re.S).group(0)
    return ET.fromstring(re.search(r"<svg.*?</svg>", figure, re.S).group(0))


def _path_box(d: str) -> tuple[float, float, float, float]:
    nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
    xs, ys = nums[0::2], nums[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _text_box(t: ET.Element) -> tuple[float, float, float, float] | None:
    if t.get("transform"):  # the rotated y label lies left of the plot
        return None
    size = float(t.get("font-size", charts.TICK_SIZE))
    x, y, w = float(t.get("x")), float(t.get("y")), text_width(t.text or "", size)
    left = {"end": x - w, "middle": x - w / 2}.get(t.get("text-anchor", "start"), x)
    return left, y - size, left + w, y + size * 0.25


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _classes(el: ET.Element) -> list[str]:
    return (el.get("class") or "").split()


def test_zensus_points_are_dated_in_their_areas_colour_and_nothing_covers_them(pages):
    """Before: four identical black stars, the '2008 = 100' box over the 2022 points and the
    'Bruch' box over the 2011 diamonds (a white box with fill-opacity 0.85)."""
    for slug, html in pages.items():
        root = _figure_svg(html, "entwicklung")
        texts = [t.text for t in root.iter(f"{SVG_NS}text")]
        assert "Zensus 2022 (15.05.2022)" in texts, slug
        assert "Zensus 2011 (09.05.2011)" in texts, slug
        paths = list(root.iter(f"{SVG_NS}path"))
        census = [p for p in paths if "dwk-census" in _classes(p)]
        assert len(census) >= 4, slug  # area, Land, Germany (and Kreis) at two censuses
        order = [i for i, p in enumerate(paths) if "dwk-marker" in _classes(p)]
        first_census = paths.index(census[0])
        assert all(i < first_census for i in order), f"{slug}: Zensus unter den Reihenpunkten"
        boxes = [_path_box(p.get("d")) for p in census]
        for i, a in enumerate(boxes):
            assert not any(_overlap(a, b) for b in boxes[i + 1 :]), (
                f"{slug}: Zensuspunkte übereinander"
            )
        by_census: dict[str, set[str]] = {}
        for p in census:
            shape = re.sub(r"-?\d+(?:\.\d+)?", "", p.get("d"))
            by_census.setdefault(shape, set()).add(p.get("stroke"))
        for shape, strokes in by_census.items():
            count = sum(1 for p in census if re.sub(r"-?\d+(?:\.\d+)?", "", p.get("d")) == shape)
            assert len(strokes) == count, f"{slug}: gleiche Zensuspunkte verschiedener Gebiete"
        plot_top = min(b[1] for b in boxes) - 50
        covering = [_text_box(t) for t in root.iter(f"{SVG_NS}text")]
        covering += [
            (
                float(r.get("x")),
                float(r.get("y")),
                float(r.get("x")) + float(r.get("width")),
                float(r.get("y")) + float(r.get("height")),
            )
            for r in root.iter(f"{SVG_NS}rect")
            if r.get("fill-opacity")
        ]
        for box in boxes:
            hits = [c for c in covering if c and c[1] > plot_top and _overlap(c, box)]
            assert hits == [], f"{slug}: ein Zensuspunkt liegt unter {hits}"


def test_fills_that_carry_meaning_have_three_to_one_against_white():
    palette = [
        *charts.PALETTE["ref_fills"],
        charts.PALETTE["area"],
        comparison_charts.FEMALE,
        component_charts.ESTIMATED_FILL,
    ]
    palette += [c for colours in survey_charts._COLOURS.values() for c in colours]
    weak = {c: round(contrast(c), 2) for c in palette if contrast(c) < NON_TEXT}
    assert weak == {}


def test_contrast_is_the_wcag_ratio():
    # WCAG's own examples: black on white 21:1, #777777 on white 4.48:1
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#777777") == pytest.approx(4.48, abs=0.01)
    assert contrast("#ffffff") == pytest.approx(1.0)


def test_every_bar_in_the_reports_has_three_to_one(pages):
    for slug, html in pages.items():
        fills = set(re.findall(r'<path class="[^"]*dwk-bar[^"]*"[^>]*fill="(#[0-9a-f]{6})"', html))
        fills |= set(re.findall(r'<path[^>]*fill="(#[0-9a-f]{6})"[^>]*class="[^"]*dwk-bar', html))
        assert fills, slug
        assert {f for f in fills if contrast(f) < NON_TEXT} == set(), slug


def test_items_where_agreeing_is_bad_show_agreement_in_brown():
    scale = ["lehne ab", "eher nicht", "teils/teils", "eher", "stimme zu"]
    rows = [
        ("Gut", [10.0, 10.0, 20.0, 30.0, 30.0], 100, False),
        ("Schlecht", [10.0, 10.0, 20.0, 30.0, 30.0], 100, False),
    ]
    root = ET.fromstring(survey_charts.likert_svg("t", "T", scale, rows, frozenset({1})))
    agree = [p.get("fill") for p in root.iter(f"{SVG_NS}path") if "dwk-a5" in _classes(p)]
    assert agree == [survey_charts._COLOURS[5][4], survey_charts._COLOURS[5][0]]
    texts = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert f"n = 100 · {survey_charts.UNFAVOURABLE}" in texts
    assert "n = 100" in texts


def test_codebook_items_where_agreeing_is_bad_are_marked_in_the_report(pages):
    # data/surveys/buergerbefragung.toml: polarity = "zustimmung_unguenstig" (two items)
    surveyed = [s for s, h in pages.items() if 'class="survey"' in h]
    assert surveyed
    for slug in surveyed:
        assert pages[slug].count(survey_charts.UNFAVOURABLE) >= 1, slug


def test_every_member_page_has_contents_and_a_way_back(pages):
    for slug, html in pages.items():
        assert '<nav class="wege"><a href="index.html">' in html, slug
        nav = re.search(r'<nav class="inhalt".*?</nav>', html, re.S).group(0)
        anchors = re.findall(r'href="#([^"]+)"', nav)
        assert [a for a, _ in chapters(html)] == anchors
        assert {"swot", "kennzahlen", "quellen"} <= set(anchors), slug
        for a in anchors:
            assert html.count(f'id="{a}"') == 1, (slug, a)


def test_every_chart_links_its_numbers_as_csv(member_reports, pages):
    out, _ = member_reports
    for slug, html in pages.items():
        figures = re.findall(r'<figure id="abb-([^"]+)" class="chart">.*?</figure>', html, re.S)
        # maps carry each area's value in its path's <title>; the charts their CSV
        figures = [f for f in figures if not f.startswith("karte-")]
        links = re.findall(r'<a class="daten" href="([^"]+)">', html)
        assert len(links) == len(figures) >= 3, slug
        for link in links:
            raw = (out / link).read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf"), link  # BOM: Excel reads the umlauts
            header, *rows = raw.decode("utf-8-sig").splitlines()
            assert rows and all(r.count(";") == header.count(";") for r in rows), link


def test_the_pyramids_numbers_add_up_to_the_population(member_reports, pages):
    """Adorf/Vogtl. on 31.12.2015: 5.078 inhabitants; data/raw/genesapi-data/
    12411-02-03-5_00.csv: '14523010;        Adorf/Vogtl., Stadt;96;102;…;840;5078;49;…' (the
    age groups, then the total). The pyramid's CSV holds the same people."""
    out, _ = member_reports
    text = (out / "adorf-daten" / "pyramide.csv").read_text("utf-8-sig")
    header, *rows = [line.split(";") for line in text.splitlines()]
    assert header[:4] == ["Alter von", "Alter bis unter", "Männer", "Frauen"]
    total = sum(float(r[2].replace(",", ".")) + float(r[3].replace(",", ".")) for r in rows)
    assert round(total) == 5078
    svg_title = re.search(r'<title id="adorf-pyramide-title">(.*?)</title>', pages["adorf"], re.S)
    assert f"Männer: {rows[0][2]}" in svg_title.group(1)  # the values on hover


def test_the_index_series_starts_at_100(member_reports):
    out, _ = member_reports
    lines = (out / "adorf-daten" / "entwicklung.csv").read_text("utf-8-sig").splitlines()
    assert lines[0].startswith("Stichtag (Index, 2008 = 100);Adorf/Vogtl.")
    assert lines[1] == "2008;100,0;100,0;100,0;100,0"
    assert lines[-1].startswith("Zensus 2022 (15.05.2022);")

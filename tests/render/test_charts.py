"""Tests for dwk.render.charts: inline-able, deterministic SVG with German formatting."""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dwk.render.charts import (
    OPEN_BAND_NOTE,
    PALETTE,
    _fmt_de,
    _per_year_shares,
    grouped_bars_svg,
    population_pyramid_svg,
)
from dwk.render.component_charts import population_series_svg

SVG_NS = "{http://www.w3.org/2000/svg}"
AREA = PALETTE["area"]

BANDS = [(0, 5), (5, 15), (15, None)]


def _pyramid(chart_id="adorf-pyramide", bands=BANDS, ref=True, title="Altersaufbau Adorf"):
    n = len(bands)
    return population_pyramid_svg(
        chart_id,
        title,
        bands,
        male=[50.0] * n,
        female=[100.0, 300.0, 100.0][:n] + [10.0] * (n - 3),
        reference_male=[1000.0] * n if ref else None,
        reference_female=[900.0] * n if ref else None,
        reference_label="Landkreis" if ref else None,
        area_label="Adorf",
    )


def _bars(chart_id="adorf-gruppen", series=None):
    series = series or [
        ("Adorf", [2.5, 12.25, None]),
        ("Landkreis", [2.7, 11.0, 30.5]),
        ("Deutschland", [None, 10.5, 31.0]),
    ]
    return grouped_bars_svg(
        chart_id, "Altersgruppen", ["0\u20132", "3\u20135", "65 und mehr"], series, "%"
    )


def _lines(chart_id="adorf-index", series=None, marks=((2011, "Zensus 2011"),)):
    years = list(range(2008, 2016))
    series = series or [
        ("Adorf", [100.0, 99.5, None, 98.0, 97.5, 97.0, 96.8, 96.1]),
        ("Land", [100.0, 100.2, 100.4, 100.5, None, 100.9, 101.0, 101.3]),
    ]
    return population_series_svg(
        chart_id, "Entwicklung", years, series, [], 2011 if marks else None, 2008
    )


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG_NS}text")]


def _ids(svg: str) -> set[str]:
    return {el.get("id") for el in ET.fromstring(svg).iter() if el.get("id")}


def _path_points(d: str) -> list[list[tuple[float, float]]]:
    """Subpaths of an SVG path made of M/L/z commands (as matplotlib writes polygons)."""
    subpaths: list[list[tuple[float, float]]] = []
    for cmd, x, y in re.findall(r"([ML])\s*(-?[\d.]+)\s+(-?[\d.]+)", d):
        if cmd == "M":
            subpaths.append([])
        subpaths[-1].append((float(x), float(y)))
    return subpaths


def _paths_with(svg: str, style_part: str) -> list[str]:
    return [
        el.get("d", "")
        for el in ET.fromstring(svg).iter(f"{SVG_NS}path")
        if style_part in (el.get("style") or "")
    ]


ALL_CHARTS = [_pyramid, _bars, _lines]


# --- formatting helpers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "unit", "expected"),
    [
        (1234.5, 1, "", "1.234,5"),
        (12.5, 1, "%", "12,5 %"),
        (1234567, 0, "", "1.234.567"),
        (0.25, 2, "", "0,25"),
        (-3, 0, "", "\u22123"),
        (-0.0001, 1, "", "0,0"),  # no "negative zero"
    ],
)
def test_fmt_de(value, decimals, unit, expected):
    assert _fmt_de(value, decimals, unit) == expected


def test_per_year_shares_by_hand():
    # 500 people: 100 in 0-5 (5 years), 300 in 5-15 (10 years), 100 in 15+ (open, drawn 10)
    # -> 20 % / 5 = 4 %, 60 % / 10 = 6 %, 20 % / 10 = 2 % per year of age
    assert _per_year_shares(BANDS, [100, 300, 100]) == pytest.approx([4.0, 6.0, 2.0])
    # share of a given total (both sexes together in the pyramid)
    assert _per_year_shares(BANDS, [100, 300, 100], total=1000) == pytest.approx([2.0, 3.0, 1.0])
    assert _per_year_shares(BANDS, [0, 0, 0]) == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("bands", "counts"),
    [([(0, 5), (5, 5)], [1, 1]), ([(0, None), (10, 20)], [1, 1]), ([(0, 5)], [1, 2])],
)
def test_per_year_shares_rejects_bad_input(bands, counts):
    with pytest.raises(ValueError):
        _per_year_shares(bands, counts)


# --- properties shared by all charts ------------------------------------------------------


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_deterministic(make):
    assert make() == make()


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_inline_ready_root_and_title(make):
    svg = make(chart_id="x-1")
    assert svg.startswith("<svg")
    assert "<?xml" not in svg and "DOCTYPE" not in svg
    root = ET.fromstring(svg)
    assert root.get("width") == "100%" and root.get("height") is None
    _, _, w, h = (float(v) for v in root.get("viewBox").split())
    assert w == pytest.approx(16 / 2.54 * 72, rel=0.01)  # 16 cm wide
    assert 0 < h <= 10 / 2.54 * 72 + 0.01  # at most 10 cm tall
    first = root[0]
    assert first.tag == f"{SVG_NS}title"


def test_title_is_escaped_and_first_child():
    title = "Adorf & <Umland> kostet 5 $ oder 6 $"
    svg = _pyramid(title=title)
    assert re.match(r"<svg[^>]*>\s*<title[^>]*>Adorf &amp; &lt;Umland&gt; kostet", svg)
    assert ET.fromstring(svg)[0].text == title
    assert title in _texts(svg)  # "$" shown literally, not parsed as mathtext


def test_different_chart_ids_share_no_ids_and_refs_resolve():
    svgs = [
        _pyramid("a-pyramide"),
        _pyramid("b-pyramide"),
        _bars("a-gruppen"),
        _lines("a-index"),
        _lines("b index/ä"),  # unsafe characters still give valid, distinct ids
    ]
    seen: set[str] = set()
    for svg in svgs:
        ids = _ids(svg)
        assert ids and not ids & seen
        seen |= ids
        refs = re.findall(r"url\(#([^)]+)\)", svg) + re.findall(r'href="#([^"]+)"', svg)
        assert refs and set(refs) <= ids


def test_renders_without_pyplot():
    code = (
        "import sys; from dwk.render.component_charts import population_series_svg as f; "
        "f('x', 'T', [2020, 2021], [('A', [100.0, 101.0])], []); "
        "assert 'matplotlib.pyplot' not in sys.modules"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


# --- population pyramid -------------------------------------------------------------------


def test_pyramid_german_ticks_and_labels():
    # realistic single years 0..89 + open 90+: about 1 % per year of age -> ticks 0,25 / 0,50
    bands = [(a, a + 1) for a in range(90)] + [(90, None)]
    counts = [100.0] * 90 + [300.0]
    svg = population_pyramid_svg(
        "p", "Pyramide", bands, counts, counts, counts, counts, "Landkreis", "Adorf"
    )
    texts = _texts(svg)
    assert any(re.fullmatch(r"\d+,\d+", t) for t in texts), texts
    assert not any(re.fullmatch(r"\d+\.\d+", t) for t in texts), texts
    assert not any(t.startswith(("-", "\u2212")) for t in texts)  # mirrored axis: abs values
    for label in ("% der Bevölkerung je Altersjahr", "Alter", "Adorf", "Landkreis"):
        assert label in texts


def test_pyramid_open_band_note_only_when_open():
    assert OPEN_BAND_NOTE in _texts(_pyramid())
    assert OPEN_BAND_NOTE not in _texts(_pyramid(bands=[(0, 5), (5, 15), (15, 25)]))


def test_pyramid_bar_sizes_follow_per_year_shares():
    svg = _pyramid(ref=False)
    polys = [p for d in _paths_with(svg, f"fill: {AREA}") if len(p := _path_points(d)[0]) > 5]
    assert len(polys) == 2  # men and women (legend swatch is a plain rectangle)
    # women: 100/5 : 300/10 : 100/10 per year = 2 : 3 : 1; men: 50/5 : 50/10 : 50/10 = 2 : 1 : 1
    expected = {"men": [2, 1, 1], "women": [2, 3, 1]}
    for poly in polys:
        x0 = poly[0][0]
        steps = [x - x0 for x, _ in poly[1:-1:2]]  # one x per band (polygon starts at axis)
        side = "men" if steps[0] < 0 else "women"
        assert [abs(s) / abs(steps[-1]) for s in steps] == pytest.approx(expected[side], rel=1e-3)
        heights = [
            abs(y1 - y0) for (_, y0), (_, y1) in zip(poly[1:-1:2], poly[2:-1:2], strict=True)
        ]
        assert [h / heights[0] for h in heights] == pytest.approx([1, 2, 2], rel=1e-3)


def test_pyramid_reference_outline_drawn_and_optional():
    outline = f"stroke: {PALETTE['reference_outline']}"
    with_ref = [d for d in _paths_with(_pyramid(), outline) if len(_path_points(d)[0]) > 3]
    assert len(with_ref) == 2  # men and women side (legend line has 3 points)
    svg = _pyramid(ref=False)
    assert not _paths_with(svg, outline) and "Landkreis" not in _texts(svg)


# --- grouped bars -------------------------------------------------------------------------


def test_grouped_bars_missing_values_and_format():
    svg = _bars()
    texts = _texts(svg)
    assert texts.count("k. A.") == 2
    assert "Anteil in %" in texts
    assert {"Adorf", "Landkreis", "Deutschland", "0\u20132", "65 und mehr"} <= set(texts)
    assert not any(re.fullmatch(r"\d+\.\d+", t) for t in texts)
    all_missing = _bars(series=[("Adorf", [None, None, None]), ("Land", [1.5, 2.0, 2.5])])
    assert _texts(all_missing).count("k. A.") == 3


def test_grouped_bars_decimal_comma_on_axis():
    svg = _bars(series=[("Adorf", [0.5, 1.25, 1.5])])
    assert any(re.fullmatch(r"\d+,\d+", t) for t in _texts(svg))


def test_length_mismatch_raises():
    with pytest.raises(ValueError):
        _bars(series=[("Adorf", [1.0, 2.0])])
    with pytest.raises(ValueError):
        _lines(series=[("Adorf", [100.0])])


# --- population series (index lines) --------------------------------------------------------------------------


def test_index_lines_labels_and_integer_years():
    texts = _texts(_lines())
    assert "2008 = 100" in texts and any("Zensus 2011" in t for t in texts)
    years = [t for t in texts if re.fullmatch(r"20\d\d", t)]
    assert len(years) >= 3
    assert not any(re.fullmatch(r"20\d\d[,.]\d+|2\.0\d\d", t) for t in texts)


def test_index_lines_none_breaks_area_line():
    emphasised = [
        d for d in _paths_with(_lines(marks=()), f"stroke: {AREA}; stroke-width: 2.2") if "L" in d
    ]
    assert max(len(_path_points(d)) for d in emphasised) == 2  # gap -> two subpaths


def test_index_lines_all_none_and_no_marks():
    svg = _lines(series=[("Adorf", [None] * 8)], marks=())
    assert svg.startswith("<svg") and "Zensus" not in svg

"""Tests for dwk.render.charts and the shared SVG helpers: inline-able, deterministic SVG drawn
from templates, German number formatting, escaping, and no matplotlib anywhere."""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dwk.render import svg as svgmod
from dwk.render.charts import (
    OPEN_BAND_NOTE,
    PALETTE,
    REF_LINES,
    _fmt_de,
    _per_year_shares,
    grouped_bars_svg,
    population_pyramid_svg,
)
from dwk.render.comparison_charts import small_pyramids_svg
from dwk.render.component_charts import components_svg, population_series_svg
from dwk.render.projection_charts import BAND_LABEL, projection_fan_svg
from dwk.render.survey_charts import XLABEL, likert_svg
from dwk.render.text_metrics import wrap

SVG_NS = "{http://www.w3.org/2000/svg}"
AREA = PALETTE["area"]
BANDS = [(0, 5), (5, 15), (15, None)]
HOSTILE = "Adorf & <Umland> kostet $5"


def _pyramid(
    chart_id="adorf-pyramide", bands=BANDS, ref=True, title="Altersaufbau Adorf", area="Adorf"
):
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
        area_label=area,
    )


def _bars(chart_id="adorf-gruppen", series=None, categories=None, title="Altersgruppen"):
    series = series or [
        ("Adorf", [2.5, 12.25, None]),
        ("Landkreis", [2.7, 11.0, 30.5]),
        ("Deutschland", [None, 10.5, 31.0]),
    ]
    categories = categories or ["0\u20132", "3\u20135", "65 und mehr"]
    return grouped_bars_svg(chart_id, title, categories, series, "%")


def _lines(chart_id="adorf-index", series=None, marks=True, title="Entwicklung"):
    years = list(range(2008, 2016))
    series = series or [
        ("Adorf", [100.0, 99.5, None, 98.0, 97.5, 97.0, 96.8, 96.1]),
        ("Land", [100.0, 100.2, 100.4, 100.5, None, 100.9, 101.0, 101.3]),
    ]
    breaks = [(2011, "Zensus 2011")] if marks else None
    return population_series_svg(chart_id, title, years, series, [], breaks, 2008)


def _components(chart_id="adorf-komponenten", title="Komponenten"):
    return components_svg(
        chart_id,
        title,
        [2014, 2015, 2016],
        [-0.6, None, -0.9],
        [0.4, 1.1, None],
        [True, False, False],
    )


def _fan(chart_id="adorf-voraus", title="Bevölkerung bis 2040", observed=None):
    observed = [(2011, 5300.0), (2012, 5210.0), (2013, 5180.0)] if observed is None else observed
    years = [2013, 2020, 2030, 2040]
    return projection_fan_svg(
        chart_id,
        title,
        observed,
        years,
        [5180.0, 4800.0, 4100.0, 3200.0],
        [5180.0, 4750.0, 3950.0, 3100.0],
        [5180.0, 4850.0, 4300.0, 3550.0],
        ("Hauptvariante", "niedrig", "hoch"),
    )


SCALE = ["gar nicht", "eher nicht", "teils/teils", "eher", "voll"]


def _likert(chart_id="adorf-befragung", title="Leben im Ort", rows=None):
    rows = rows or [
        ("Ich lebe gern in meinem Ort.", [2.0, 5.0, 20.0, 40.0, 33.0], 212, False),
        (
            HOSTILE + " und noch viel mehr Text, der umbrochen wird",
            [10.0, 10.0, 20.0, 30.0, 30.0],
            9,
            True,
        ),
    ]
    return likert_svg(chart_id, title, SCALE, rows)


def _small(chart_id="vergleich", title="Altersaufbau der Mitglieder", n=4):
    bands = [(0, 20), (20, 65), (65, None)]
    shapes = [(f"Gebiet {i}", [0.5, 0.6, 0.4], [0.5, 0.6, 0.5]) for i in range(n - 1)]
    shapes.append((HOSTILE, [0.4, float("nan"), 0.3], [0.5, 0.7, 0.6]))
    return small_pyramids_svg(
        chart_id, title, bands, shapes, ("Deutschland", [0.5] * 3, [0.55] * 3)
    )


ALL_CHARTS = [_pyramid, _bars, _lines, _components, _fan, _likert, _small]


def _root(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in _root(svg).iter(f"{SVG_NS}text")]


def _ids(svg: str) -> set[str]:
    return {el.get("id") for el in _root(svg).iter() if el.get("id")}


def _by_class(svg: str, cls: str, tag: str = "path") -> list[ET.Element]:
    return [
        el
        for el in _root(svg).iter(f"{SVG_NS}{tag}")
        if f"dwk-{cls}" in (el.get("class") or "").split()
    ]


def _subpaths(d: str) -> list[list[tuple[float, float]]]:
    """Subpaths of path data made of absolute M/L commands (and Z)."""
    out: list[list[tuple[float, float]]] = []
    for cmd, x, y in re.findall(r"([ML])(-?[\d.]+) (-?[\d.]+)", d):
        if cmd == "M":
            out.append([])
        out[-1].append((float(x), float(y)))
    return out


def _grey(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


# --- formatting and geometry helpers ----------------------------------------------------------


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


def test_nice_ticks_and_shared_decimals():
    assert svgmod.nice_ticks(0, 10, 5) == [0, 2, 4, 6, 8, 10]
    assert svgmod.nice_ticks(-1.1, 1.1, 10) == [-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0]
    assert svgmod.nice_ticks(1994.3, 2021.7, 8, (1, 2, 5, 10), True) == list(range(1995, 2021, 5))
    assert svgmod.tick_labels([0.0, 0.5, 1.0]) == ["0,0", "0,5", "1,0"]
    assert svgmod.tick_labels([-2500.0, 0.0, 5000.0], absolute=True) == ["2.500", "0", "5.000"]


def test_coordinates_have_two_fixed_decimals():
    assert svgmod.n2(1 / 3) == "0.33" and svgmod.n2(-0.001) == "0.00"
    assert svgmod.path([(0, 0), (1.005, 2)], close=True) == "M0.00 0.00 L1.00 2.00 Z"
    for make in ALL_CHARTS:
        for d in re.findall(r' d="([^"]*)"', make()):
            assert all(re.fullmatch(r"-?\d+\.\d\d", n) for n in re.findall(r"-?[\d.]+\d", d)), d


def test_text_width_estimate_for_dejavu_sans():
    assert svgmod.text_width("0", 10) == pytest.approx(6.36)
    assert svgmod.text_width("Männer", 8, bold=True) > svgmod.text_width("Männer", 8)
    assert wrap("eins zwei drei vier", svgmod.text_width("eins zwei", 8)) == [
        "eins zwei",
        "drei vier",
    ]


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
    svg = make(chart_id="x-1", title="Ein Titel")
    assert svg.startswith("<svg")
    assert "<?xml" not in svg and "DOCTYPE" not in svg and "<style" not in svg
    root = _root(svg)
    assert root.get("width") == "100%" and root.get("height") is None
    assert root.get("id") == "x-1" and root.get("aria-labelledby") == "x-1-title"
    _, _, w, h = (float(v) for v in root.get("viewBox").split())
    assert w == pytest.approx(16 / 2.54 * 72, rel=0.01)  # 16 cm wide, in pt
    assert h > 0
    if make is not _small:  # the small multiples are taller than a normal chart
        assert h <= 10 / 2.54 * 72 + 0.01
    assert root[0].tag == f"{SVG_NS}title" and root[0].text == "Ein Titel"
    assert "Ein Titel" in _texts(svg)  # also visible
    assert "DejaVu Sans" in root.get("font-family")


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_title_is_escaped_and_first_child(make):
    svg = make(title=HOSTILE)
    assert re.match(r"<svg[^>]*>\s*<title[^>]*>Adorf &amp; &lt;Umland&gt; kostet \$5<", svg)
    assert _root(svg)[0].text == HOSTILE
    assert HOSTILE in _texts(svg)


def test_data_text_is_escaped():
    """Area names, categories and survey wordings come from data: shown literally."""
    assert HOSTILE in _texts(_pyramid(area=HOSTILE))
    assert HOSTILE in _texts(_bars(categories=[HOSTILE, "b", "c"]))
    assert HOSTILE in _texts(_lines(series=[(HOSTILE, [100.0] * 8)]))
    assert HOSTILE in _texts(_small())
    wording = " ".join(_texts(_likert()))
    assert "(Adorf & <Umland> kostet $5" in wording


def test_different_chart_ids_share_no_ids_and_refs_resolve():
    svgs = [
        _pyramid("a-pyramide"),
        _pyramid("b-pyramide"),
        _bars("a-gruppen"),
        _lines("a-index"),
        _lines("b index/ä"),  # unsafe characters still give valid, distinct ids
        _components("a-komponenten"),
        _components("b-komponenten"),
        _fan("a-fan"),
        _likert("a-likert"),
        _small("a-klein"),
    ]
    seen: set[str] = set()
    for svg in svgs:
        ids = _ids(svg)
        assert ids and not ids & seen
        seen |= ids
        refs = re.findall(r"url\(#([^)]+)\)", svg) + re.findall(r'href="#([^"]+)"', svg)
        refs += _root(svg).get("aria-labelledby").split()
        assert set(refs) <= ids
    assert re.fullmatch(r"c[A-Za-z0-9_-]+", _root(svgs[4]).get("id"))


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_class_names_cannot_meet_the_page_css(make):
    """The report's CSS styles `.note`, `.n`, `.source`, …: a chart's classes all start dwk-."""
    names = {n for el in _root(make()).iter() for n in (el.get("class") or "").split()}
    assert names and all(n.startswith("dwk-") for n in names)


def test_chart_modules_import_neither_matplotlib_nor_pandas():
    code = (
        "import sys\n"
        "from dwk.render import charts, component_charts, projection_charts, survey_charts, "
        "comparison_charts\n"
        "component_charts.population_series_svg('x', 'T', [2020, 2021], [('A', [100.0, 101.0])],"
        " [])\n"
        "charts.population_pyramid_svg('p', 'T', [(0, 5)], [1.0], [1.0], None, None, None, 'A')\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib'\n"
        "assert 'pandas' not in sys.modules, 'pandas'\n"
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
    for label in (
        "% der Bevölkerung je Altersjahr",
        "Alter",
        "Adorf",
        "Landkreis",
        "◂ Männer",
        "Frauen ▸",
        "0",
        "80",
    ):
        assert label in texts, label


def test_pyramid_open_band_note_only_when_open():
    assert OPEN_BAND_NOTE in _texts(_pyramid())
    assert OPEN_BAND_NOTE not in _texts(_pyramid(bands=[(0, 5), (5, 15), (15, 25)]))


def test_pyramid_bar_sizes_follow_per_year_shares():
    svg = _pyramid(ref=False)
    polys = [_subpaths(el.get("d"))[0] for el in _by_class(svg, "area")]
    assert len(polys) == 2 and all(el.get("fill") == AREA for el in _by_class(svg, "area"))
    # women: 100/5 : 300/10 : 100/10 per year = 2 : 3 : 1; men: 50/5 : 50/10 : 50/10 = 2 : 1 : 1
    expected = {"men": [2, 1, 1], "women": [2, 3, 1]}
    for poly in polys:
        x0 = poly[0][0]
        steps = [x - x0 for x, _ in poly[1:-1:2]]  # one x per band (polygon starts at axis)
        side = "men" if steps[0] < 0 else "women"
        assert [abs(s) / abs(steps[-1]) for s in steps] == pytest.approx(expected[side], rel=1e-2)
        heights = [
            abs(y1 - y0) for (_, y0), (_, y1) in zip(poly[1:-1:2], poly[2:-1:2], strict=True)
        ]
        assert [h / heights[0] for h in heights] == pytest.approx([1, 2, 2], rel=1e-2)


def test_pyramid_reference_outline_drawn_and_optional():
    refs = _by_class(_pyramid(), "reference")
    assert len(refs) == 2  # men and women side
    assert all(
        el.get("stroke") == PALETTE["reference_outline"] and el.get("fill") == "none" for el in refs
    )
    svg = _pyramid(ref=False)
    assert not _by_class(svg, "reference") and "Landkreis" not in _texts(svg)


# --- grouped bars -------------------------------------------------------------------------


def test_grouped_bars_missing_values_and_format():
    svg = _bars()
    texts = _texts(svg)
    assert texts.count("k. A.") == 2
    assert len(_by_class(svg, "bar")) == 7  # 9 values, 2 missing: no zero-length bar
    assert "Anteil in %" in texts
    assert {"Adorf", "Landkreis", "Deutschland", "0\u20132", "65 und mehr"} <= set(texts)
    assert not any(re.fullmatch(r"\d+\.\d+", t) for t in texts)
    all_missing = _bars(series=[("Adorf", [None, None, None]), ("Land", [1.5, 2.0, 2.5])])
    assert _texts(all_missing).count("k. A.") == 3
    assert not _by_class(all_missing, "s0")


def test_grouped_bars_references_differ_in_greyscale():
    svg = _bars(series=[(f"S{i}", [1.0, 2.0, 3.0]) for i in range(5)])
    fills = [_by_class(svg, f"s{j}")[0].get("fill") for j in range(5)]
    assert fills[0] == AREA and len(set(fills)) == 5
    greys = sorted(_grey(f) for f in fills)
    assert all(b - a > 10 for a, b in zip(greys, greys[1:], strict=False))


def test_grouped_bars_decimal_comma_on_axis():
    svg = _bars(series=[("Adorf", [0.5, 1.25, 1.5])])
    assert any(re.fullmatch(r"\d+,\d+", t) for t in _texts(svg))


def test_length_mismatch_raises():
    with pytest.raises(ValueError):
        _bars(series=[("Adorf", [1.0, 2.0])])
    with pytest.raises(ValueError):
        _lines(series=[("Adorf", [100.0])])


# --- index lines (see also test_component_charts) ----------------------------------------------


def test_index_lines_labels_and_integer_years():
    texts = _texts(_lines())
    assert "Index, 2008 = 100" in texts and any("Zensus 2011" in t for t in texts)
    years = [t for t in texts if re.fullmatch(r"20\d\d", t)]
    assert len(years) >= 3
    assert not any(re.fullmatch(r"20\d\d[,.]\d+|2\.0\d\d", t) for t in texts)


def test_index_lines_none_breaks_area_line():
    (area,) = [
        el for el in _by_class(_lines(marks=False), "line") if "dwk-s0" in el.get("class").split()
    ]
    assert len(_subpaths(area.get("d"))) == 2  # gap -> two subpaths, never a zero
    assert area.get("stroke") == AREA and area.get("stroke-width") == "2.20"


def test_reference_lines_differ_in_greyscale():
    """Colour, dash pattern and marker all differ, so the lines survive a greyscale print."""
    assert len({st["dash"] for st in REF_LINES}) == len(REF_LINES)
    assert len({st["marker"] for st in REF_LINES}) == len(REF_LINES)
    assert len({round(_grey(st["stroke"])) for st in REF_LINES}) == len(REF_LINES)
    series = [(f"S{i}", [100.0 + i] * 8) for i in range(4)]
    svg = _lines(series=series)
    lines = [_by_class(svg, f"s{j}")[0] for j in range(4)]
    assert lines[0].get("stroke-dasharray") is None  # the area: solid and wide
    assert len({el.get("stroke-dasharray") for el in lines[1:]}) == 3
    markers = [_by_class(svg, f"s{j}")[1].get("d") for j in range(4)]
    assert len({len(_subpaths(d)[0]) for d in markers[1:]}) == 3  # square, triangle, diamond


def test_index_lines_all_none_and_no_marks():
    svg = _lines(series=[("Adorf", [None] * 8)], marks=False)
    assert svg.startswith("<svg") and "Zensus" not in svg
    assert not _by_class(svg, "line")


# --- projection fan, Likert bars, small multiples -------------------------------------------


def test_projection_fan_contents():
    svg = _fan()
    texts = _texts(svg)
    for label in ("beobachtet ab 2011", "Hauptvariante", BAND_LABEL, "Basis 2013", "Personen"):
        assert label in texts, label
    assert "5.000" in texts or "4.000" in texts  # thousands dot
    assert len(_by_class(svg, "band")) == 1 and _by_class(svg, "band")[0].get("fill-opacity")
    assert "beobachtet ab 2011" not in _texts(_fan(observed=[]))


def test_likert_contents():
    svg = _likert()
    texts = _texts(svg)
    for label in (*SCALE, XLABEL, "n = 212", "n = 9", "Ich lebe gern in meinem Ort."):
        assert label in texts, label
    assert texts.count("100") == 2 and "50" in texts  # mirrored axis, absolute values
    assert len(_by_class(svg, "bar")) == 10
    wording = [t for t in texts if "Umland" in t or "umbrochen" in t]
    assert len(wording) >= 2 and wording[0].startswith("(")  # wrapped, uncertain in ()


def test_small_pyramids_contents_and_gaps():
    svg = _small()
    texts = _texts(svg)
    for label in ("Gebiet 0", "Männer", "Frauen", "Deutschland", "Alter in Jahren"):
        assert label in texts, label
    assert any(re.fullmatch(r"0,\d", t) for t in texts)
    # the missing middle band of the last member is a gap: two men's bars, not three
    men = [
        el.get("d")
        for el in _root(svg).iter(f"{SVG_NS}path")
        if el.get("fill") == AREA and el.get("stroke") == "#ffffff"
    ]
    assert [d.count("M") for d in men] == [3, 3, 3, 2]
    assert len(_by_class(svg, "reference")) == 8


def test_a_legend_takes_fewer_columns_where_its_labels_do_not_fit():
    """Three columns where they fit; where the area's name is long ("Schmalkalden-Meiningen,
    Kreis"), two, so that the last label ends inside the chart (it was cut at "Brüche in
    de"). The width is the charts' frame's."""
    swatch = svgmod.line_swatch("#000", 1.0, None, None, 0)

    def placed(first: str) -> svgmod.Legend:
        labels = [first, "Thüringen", "Deutschland", "Zensus 2011 (09.05.2011)",
                  "Zensus 2022 (15.05.2022)", "Zensus 2011, 2022: Brüche in der Reihe"]  # fmt: skip
        return svgmod.legend([(lb, swatch) for lb in labels], 8.0, 19.0, svgmod.WIDTH - 16, 3)

    def right_edge(lg: svgmod.Legend) -> float:
        return max(i.x + svgmod.text_width(i.label, lg.size) for i in lg.items)

    short, long = placed("Dithmarschen"), placed("Schmalkalden-Meiningen, Kreis")
    assert len({i.x for i in short.items}) == 3 and right_edge(short) <= svgmod.WIDTH - 8
    assert len({i.x for i in long.items}) == 2 and right_edge(long) <= svgmod.WIDTH - 8
    assert long.height > short.height  # three rows instead of two
    # three columns would have ended past the edge
    widths = [svgmod.SWATCH_W + 5 + svgmod.text_width(i.label, 7.5) + 12 for i in long.items]
    assert max(widths[0:2]) + max(widths[2:4]) + max(widths[4:6]) - 12 > svgmod.WIDTH - 16

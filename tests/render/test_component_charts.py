"""Tests for dwk.render.component_charts: valid, deterministic SVG with German labels, census
counts apart from the series, and estimated migration visibly different."""

import math
import re
import xml.etree.ElementTree as ET

import pytest

from dwk.render.charts import PALETTE
from dwk.render.component_charts import (
    ESTIMATED_LABEL,
    MIGRATION_LABEL,
    MISSING_LABEL,
    NATURAL_LABEL,
    break_label,
    components_svg,
    population_series_svg,
)

SVG_NS = "{http://www.w3.org/2000/svg}"
AREA = PALETTE["area"]
YEARS = list(range(2008, 2016))


BREAK_LABEL = "Zensus 2011: Bruch in der Reihe"
ZENSUS_2011 = [(2011, "Zensus 2011")]


def _series(chart_id="dith-entwicklung", breaks=ZENSUS_2011, area=None):
    area = area or [100.0, 99.6, 99.3, 98.3, 97.9, 97.7, 97.7, 97.9]
    return population_series_svg(
        chart_id,
        "Bevölkerungsentwicklung",
        YEARS,
        [
            ("Dithmarschen", area),
            ("Schleswig-Holstein", [100.0, 99.9, 100.0, 98.9, 99.0, 99.4, 99.9, 100.9]),
            ("Deutschland", [100.0, 99.8, 99.7, 98.0, 98.2, 98.5, 99.0, 100.2]),
        ],
        [("Zensus 2011", 2010.35, 98.6), ("Zensus 2022", 2021.37, 97.8)],
        breaks=breaks,
        base_year=2008,
    )


def _components(chart_id="dith-komponenten", estimated=None, migration=None):
    n = len(YEARS)
    migration = migration or [-0.4, 1.2, 0.7, math.nan, 1.4, 3.8, 5.2, 8.1]
    estimated = estimated if estimated is not None else [True] * 3 + [False] + [True] * 3 + [False]
    natural = [-4.7, -4.8, -4.3, -5.7, -5.3, -6.1, -5.0, -6.7][:n]
    return components_svg(chart_id, "Komponenten", YEARS, natural, migration, estimated)


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG_NS}text")]


def _by_class(svg: str, cls: str) -> list[ET.Element]:
    return [
        el
        for el in ET.fromstring(svg).iter(f"{SVG_NS}path")
        if f"dwk-{cls}" in (el.get("class") or "").split()
    ]


def _area_line(svg: str) -> ET.Element:
    (line,) = [el for el in _by_class(svg, "line") if "dwk-s0" in el.get("class").split()]
    return line


def _subpaths(d: str) -> int:
    return d.count("M")


def test_series_chart_is_valid_svg_with_german_legend():
    svg = _series()
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg" and root.get("id") == "dith-entwicklung"
    texts = _texts(svg)
    for label in (
        "Dithmarschen",
        "Schleswig-Holstein",
        "Deutschland",
        "Zensus 2011",
        "Zensus 2022",
        BREAK_LABEL,
        "Index, 2008 = 100",
    ):
        assert label in texts, label
    assert not any(re.fullmatch(r"\d+\.\d+", t) for t in texts)


def test_series_chart_breaks_the_line_at_the_zensus():
    line = _area_line(_series())
    assert line.get("stroke") == AREA and line.get("stroke-width") == "2.20"
    assert _subpaths(line.get("d")) == 2  # 2008–2010 and 2011–2015, not joined
    assert _subpaths(_area_line(_series(breaks=None)).get("d")) == 1
    (dotted,) = _by_class(_series(), "break")
    assert dotted.get("stroke-dasharray") and dotted.get("stroke") == PALETTE["edge"]
    assert not _by_class(_series(breaks=None), "break")
    assert BREAK_LABEL not in _texts(_series(breaks=None))


def test_series_chart_breaks_the_line_at_each_census():
    """Kreise run past the Zensus 2022: the line breaks at 2011 and at 2022, each break is a
    dotted line, and one legend entry names both censuses."""
    years = list(range(2008, 2025))
    area = [100.0 - 0.1 * i for i in range(len(years))]
    svg = population_series_svg(
        "x",
        "t",
        years,
        [("A", area)],
        [("Zensus 2011", 2010.35, 98.6), ("Zensus 2022", 2021.37, 97.8)],
        [(2011, "Zensus 2011"), (2022, "Zensus 2022")],
        2008,
    )
    assert _subpaths(_area_line(svg).get("d")) == 3  # 2008–2010, 2011–2021, 2022–2024
    assert len(_by_class(svg, "break")) == 2
    assert "Zensus 2011, 2022: Brüche in der Reihe" in _texts(svg)
    assert BREAK_LABEL not in _texts(svg)


def test_series_chart_joins_stichtage_apart_by_a_thin_dotted_line():
    """A Gemeinde's annual table ends in 2015, its Gemeindeverzeichnis figures follow in 2019
    and 2023: each single point is a marker, joined to the one before by a thin dotted line
    in the series' colour (the years between have no value, and no zero), named once in the
    legend; a series without gaps has no such line, and none jumps over a census break."""
    years = list(range(2008, 2024))
    area = [100.0 - i for i in range(8)] + [None] * 3 + [88.0] + [None] * 3 + [85.0]
    kreis = [100.0 - 0.5 * i for i in range(14)] + [None, 92.0]
    kreis[2] = None  # 2010: the gap 2009 → 2011 spans the break and is not joined
    svg = population_series_svg(
        "x", "t", years, [("A", area), ("K", kreis)], [], [(2011, "Zensus 2011")], 2008
    )
    a_gap, k_gap = (
        [g for g in _by_class(svg, "gap") if f"dwk-s{j}" in g.get("class")] for j in (0, 1)
    )
    # area: 2015 → 2019 → 2023, two pieces; Kreis: 2021 → 2023 only
    assert (_subpaths(a_gap[0].get("d")), _subpaths(k_gap[0].get("d"))) == (2, 1)
    assert a_gap[0].get("stroke") == AREA and a_gap[0].get("stroke-dasharray")
    assert float(a_gap[0].get("stroke-width")) < float(_area_line(svg).get("stroke-width"))
    assert _texts(svg).count("verbunden über Jahre ohne Werte") == 1
    # the area's markers: 8 annual values and the two single Stichtage
    (marks,) = [el for el in _by_class(svg, "marker") if "dwk-s0" in el.get("class").split()]
    assert marks.get("d").count("M") == 10
    plain = _series()
    assert not _by_class(plain, "gap") and "verbunden über Jahre ohne Werte" not in _texts(plain)


def test_break_label():
    assert break_label(["Zensus 2011"]) == BREAK_LABEL
    assert break_label(["Zensus 2011", "Zensus 2022"]) == "Zensus 2011, 2022: Brüche in der Reihe"
    assert break_label(["VZ 1987", "Zensus 2011"]) == "VZ 1987, Zensus 2011: Brüche in der Reihe"


def test_series_missing_value_is_a_gap_not_a_zero():
    svg = _series(breaks=None, area=[100.0, 99.6, None, 98.3, math.nan, 97.7, 97.7, 97.9])
    line = _area_line(svg)
    assert _subpaths(line.get("d")) == 3  # 2008–09, 2011 alone, 2013–15
    (markers,) = [el for el in _by_class(svg, "marker") if "dwk-s0" in el.get("class").split()]
    assert _subpaths(markers.get("d")) == 6  # one marker per present value
    ys = [float(y) for y in re.findall(r"[ML]-?[\d.]+ (-?[\d.]+)", line.get("d"))]
    assert max(ys) - min(ys) < 200  # nothing dropped to a zero far below the axis range


def test_census_counts_are_unconnected_markers():
    svg = _series()
    census = _by_class(svg, "census")
    assert len(census) == 2  # two points in the plot (the legend has its own swatches)
    for el in census:
        assert el.get("fill") == "#ffffff"
        assert el.get("stroke") == PALETTE["reference_outline"]
        assert _subpaths(el.get("d")) == 1
    outline = PALETTE["reference_outline"]
    lines = [el for el in _by_class(svg, "line") if el.get("stroke") == outline]
    assert lines == []  # no line through the census points
    assert census[0].get("d").count("L") != census[1].get("d").count("L")  # two marker shapes


def test_series_chart_is_deterministic_and_prefixed():
    assert _series() == _series()
    other = _series("zweites-diagramm")
    ids = {el.get("id") for el in ET.fromstring(other).iter() if el.get("id")}
    assert ids and all(i.startswith("zweites-diagramm") for i in ids)


def test_series_chart_rejects_wrong_lengths():
    with pytest.raises(ValueError, match="expected 8"):
        population_series_svg("x", "t", YEARS, [("A", [100.0])], [])


def test_components_chart_legend_and_units():
    svg = _components()
    ET.fromstring(svg)
    texts = _texts(svg)
    for label in (NATURAL_LABEL, MIGRATION_LABEL, ESTIMATED_LABEL, "je 1.000 Einwohner"):
        assert label in texts, label
    assert ESTIMATED_LABEL == "Wanderungssaldo, geschätzt (Residualmethode)"
    assert texts.count(MISSING_LABEL) == 1  # the missing 2011 migration, not a zero bar
    assert len(_by_class(svg, "bar")) == 15  # 16 values, one missing


def test_components_axis_uses_decimal_comma():
    svg = components_svg(
        "klein", "Komponenten", [2014, 2015], [-0.6, -0.9], [0.4, 1.1], [True, False]
    )
    assert any(re.fullmatch(r"[−-]?\d+,\d+", t) for t in _texts(svg))
    assert "2014" in _texts(svg) and "2.014" not in _texts(svg)


def test_estimated_years_are_hatched():
    svg = _components()
    prefix = "dith-komponenten"
    hatched = [el for el in _by_class(svg, "bar") if el.get("fill") == f"url(#{prefix}-hatch)"]
    solid = _by_class(svg, "migration")
    # 2008–2010 and 2012–2014 estimated (6 bars), 2015 counted, 2011 missing
    assert (len(hatched), len(solid)) == (6, 1)
    assert solid[0].get("fill") == AREA
    assert "<pattern" in svg and f'id="{prefix}-hatch"' in svg


def test_components_without_estimates_have_no_hatch_or_legend_entry():
    svg = _components(estimated=[False] * len(YEARS))
    assert ESTIMATED_LABEL not in _texts(svg)
    assert "<pattern" not in svg and "url(#" not in svg
    assert len(_by_class(svg, "migration")) == 7


def test_components_chart_is_deterministic():
    assert _components() == _components()
    assert _components() != _components(estimated=[False] * len(YEARS))


def test_components_chart_rejects_wrong_lengths():
    with pytest.raises(ValueError, match="estimated has 2 values"):
        _components(estimated=[True, False])


def test_each_census_keeps_its_marker_whichever_series_has_it_first():
    """The area's own series may have no count of 2011 (a Gemeinde's series starts in 2008, the
    Zensus 2011 table lists Kreise): the legend still lists the censuses by date, so the Zensus
    2011 has the first marker (the diamond) in every profile (Grabow's had the star)."""
    points = [("Zensus 2022", 2021.37, 97.0, 0), ("Zensus 2011", 2010.35, 98.6, 1),
              ("Zensus 2022", 2021.37, 97.8, 1)]  # fmt: skip
    svg = population_series_svg(
        "grabow-entwicklung", "Bevölkerungsentwicklung", YEARS,
        [("Grabow", [100.0] * 8), ("Ludwigslust-Parchim", [100.0] * 8)],
        points, breaks=ZENSUS_2011, base_year=2008,
    )  # fmt: skip

    def place(chart: str, label: str) -> tuple[float, float]:
        """(column, row) of a legend entry: filled column by column."""
        [t] = [t for t in ET.fromstring(chart).iter(f"{SVG_NS}text") if t.text == label]
        return float(t.get("x")), float(t.get("y"))

    assert place(svg, "Zensus 2011") < place(svg, "Zensus 2022")
    assert place(_series(), "Zensus 2011") < place(_series(), "Zensus 2022")

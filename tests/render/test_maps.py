"""Maps from the shipped VG5000 outlines, checked against the BKG shapefiles' counts and the
Gemeindeverzeichnis of 31.12.2019 (data/raw/grundeinkommensbuero-gv), read with the csv module."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dwk.core import paths
from dwk.core.errors import ConfigError, UnknownAreaError
from dwk.render import map_classes, map_geometry, maps

NS = {"s": "http://www.w3.org/2000/svg"}
ATTRIBUTION = "© GeoBasis-DE / BKG 2021 (Daten verändert)"
REPO = Path(__file__).resolve().parents[2]
GV2019 = REPO / "data/raw/grundeinkommensbuero-gv/AuszugGV4QAktuell.csv"
# The 15 Gemeinden of Kreis Düren in VG5000_GEM.dbf (AGS starting with 05358), counted with
# pyshp: sum(r["AGS"].startswith("05358") for r in Reader("VG5000_GEM").records()) == 15.
DUEREN = [f"05358{n:03d}" for n in range(4, 61, 4)]


def areas(fig: maps.MapFigure) -> dict[str, tuple[str, str, str]]:
    """data-ags → (fill, hover title, path data) of every area and point."""
    root = ET.fromstring(fig.svg)
    out = {}
    for p in root.iter("{http://www.w3.org/2000/svg}path"):
        if "data-ags" in p.attrib:
            key = p.attrib["data-ags"]
            assert key not in out, f"{key} twice"
            out[key] = (p.attrib["fill"], p.find("s:title", NS).text, p.attrib["d"])
    return out


def density_dueren() -> dict[str, float]:
    """Einwohner je km² (column jekm2) of Kreis Düren's Gemeinden, 31.12.2019."""
    with GV2019.open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["satzart"] == "60"]
    return {
        r["land"] + r["rb"] + r["kreis"] + r["gemeinde"]: float(r["jekm2"].replace(" ", ""))
        for r in rows
        if (r["land"], r["rb"], r["kreis"]) == ("05", "3", "58")
    }


def luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_to_white(hex_colour: str) -> float:
    return 1.05 / (luminance(hex_colour) + 0.05)


def test_shipped_file_is_read_from_the_package_not_from_shared():
    geo = map_geometry.load()
    assert geo.path == paths.data_dir() / "geo" / "vg5000-2021.json"
    assert "shared" not in geo.path.parts
    # VG5000 2021 with GF = 9: 16 Länder, 401 Kreise, 10,997 Gemeinden (dbf record counts).
    levels = [a.level for a in geo.areas.values()]
    assert (levels.count("land"), levels.count("kreis"), levels.count("gemeinde")) == (
        16,
        401,
        10997,
    )
    assert geo.attribution == ATTRIBUTION and geo.licence == "dl-de/by-2-0"
    assert geo.path.stat().st_size < 3_000_000
    # a shared border: Düren (Stadt) and Kreuzau use one arc, in opposite directions
    stadt, kreuzau = geo.areas["05358008"], geo.areas["05358028"]
    mine = {r for ring in stadt.rings for r in ring}
    theirs = {r for ring in kreuzau.rings for r in ring}
    assert {~r for r in mine} & theirs


def test_area_map_of_dueren_draws_the_15_gemeinden_of_its_kreis():
    fig = maps.area_map("05358008")
    drawn = areas(fig)
    assert sorted(drawn) == DUEREN
    assert drawn["05358008"][0] == maps.MAP_PALETTE["area"]
    assert drawn["05358028"] == (maps.MAP_PALETTE["context"], "Kreuzau", drawn["05358028"][2])
    root = ET.fromstring(fig.svg)
    assert root.attrib["class"] == "karte"
    assert fig.title == root.find("s:title", NS).text == "Lage: Düren im Kreis Düren"
    # the text is the page's, so that the map can shrink to a phone's width
    assert "<text" not in fig.svg
    assert [(e.label, e.fill, e.stroke) for e in fig.legend] == [
        ("Düren", maps.MAP_PALETTE["area"], maps.MAP_PALETTE["highlight"]),
        ("übrige Gemeinden", maps.MAP_PALETTE["context"], maps.MAP_PALETTE["outline"]),
    ]
    assert fig.attribution == ATTRIBUTION and fig.link == "https://www.bkg.bund.de"
    assert fig.notes == () and fig.points_source is None


def _x_extent(d: str) -> tuple[float, float]:
    """The least and greatest x of path data as `Projection.path` writes it: rings of an
    absolute "M x y" and relative "l dx dy …" moves."""
    xs = []
    for ring in re.findall(r"M([^l]+)l([^z]*)z", d):
        x = float(ring[0].split()[0])
        xs.append(x)
        for dx in ring[1].split()[::2]:
            x += float(dx)
            xs.append(x)
    return min(xs), max(xs)


@pytest.mark.parametrize("key", ["03454055", "05913000", "14522275"])
def test_the_view_is_cut_to_the_areas_drawn(key):
    """Vrees in the tall Emsland, Dortmund among NRW's Kreise, Jahnatal (a point) in
    Mittelsachsen: the view ends 4 pt beyond the leftmost and rightmost vertex, so that the
    areas fill the width the page gives the map (within the 0.5-pt grid they snap to)."""
    fig = maps.area_map(key)
    ends = [_x_extent(d) for _, _, d in areas(fig).values() if re.search(r"l[^z]", d)]
    x, _, w, h = (float(v) for v in ET.fromstring(fig.svg).attrib["viewBox"].split())
    assert x + 4 == pytest.approx(min(e[0] for e in ends), abs=0.5)
    assert x + w - 4 == pytest.approx(max(e[1] for e in ends), abs=0.5)
    assert w < maps.WIDTH and h > 0


def test_a_tall_kreis_is_drawn_narrower_than_a_wide_one():
    """Emsland reaches further north–south than east–west, NRW the other way round: cut to
    the areas, their views have those shapes (before, both were 453.54 pt wide, with white
    beside Emsland)."""
    ems = ET.fromstring(maps.area_map("03454055").svg).attrib["viewBox"].split()
    nrw = ET.fromstring(maps.area_map("05913000").svg).attrib["viewBox"].split()
    assert float(ems[2]) / float(ems[3]) < 1 < float(nrw[2]) / float(nrw[3])


def test_kreis_within_its_land_and_stadtstaat_among_the_laender():
    nrw = areas(maps.area_map("05358"))
    assert len(nrw) == 53  # NRW's 53 Kreise and kreisfreie Städte (VG5000_KRS, AGS 05…)
    assert nrw["05358"][1] == "Kreis Düren" and nrw["05358"][0] == maps.MAP_PALETTE["area"]
    hamburg = areas(maps.area_map("02000000"))  # alone in its Kreis and Land: among the Länder
    assert sorted(hamburg) == sorted(["02000000"] + [f"{n:02d}" for n in range(1, 17) if n != 2])


def test_choropleth_classes_from_the_gemeindeverzeichnis():
    values = density_dueren()
    # 60,63,05,3,58,0008,008,"Düren, Stadt", 85.00, 91 216, 45 165, 46 051, 1 073,52349,…
    # 60,63,05,3,58,0012,012,"Heimbach, Stadt", 64.96, 4 328, 2 193, 2 135,  67,52396,…
    assert values["05358008"] == 1073 and values["05358012"] == 67 and len(values) == 15
    fig = maps.choropleth(
        "05358", values, "Bevölkerungsdichte", unit="Einwohner je km²", decimals=0
    )
    drawn = areas(fig)
    assert sorted(drawn) == DUEREN
    # Sorted: 67 99 113 123 154 160 194 206 222 261 312 338 361 418 1073; quintile limits at
    # positions 2.8, 5.6, 8.4, 11.2: 113+0.8·10=121, 160+0.6·34=180.4, 222+0.4·39=237.6,
    # 338+0.2·23=342.6 → 121, 180, 238, 343.
    assert map_classes.class_breaks(values.values(), 5, 0) == [121, 180, 238, 343]
    assert drawn["05358008"][:2] == ("#253494", "Düren: 1.073 Einwohner je km²")
    assert drawn["05358012"][:2] == ("#c7e9b4", "Heimbach: 67 Einwohner je km²")
    assert drawn["05358044"][0] == "#7fcdbb"  # Nideggen 154: 121 bis unter 180
    assert [(e.label, e.fill) for e in fig.legend] == [
        ("unter 121 Einwohner je km² (3)", "#c7e9b4"),
        ("121 bis unter 180 Einwohner je km² (3)", "#7fcdbb"),
        ("180 bis unter 238 Einwohner je km² (3)", "#41b6c4"),
        ("238 bis unter 343 Einwohner je km² (3)", "#2c7fb8"),
        ("343 und mehr Einwohner je km² (3)", "#253494"),
    ]
    assert fig.legend_title == "Bevölkerungsdichte"
    assert fig.title == "Bevölkerungsdichte: Gemeinden im Kreis Düren"
    # two values make two classes, split halfway: 42,3 + (45,1 − 42,3) / 2 = 43,7
    assert map_classes.class_breaks([42.3, 45.1, None], 5, 1) == [43.7]


def test_missing_values_are_hatched_and_named():
    values: dict[str, float | None] = dict(density_dueren())
    values["05358056"] = None  # Titz
    values["05358060"] = math.nan  # Vettweiß
    fig = maps.choropleth("05358", values, "Dichte", decimals=0, map_id="k1")
    drawn = areas(fig)
    assert drawn["05358056"][:2] == ("url(#k1-keine-daten)", "Titz: keine Daten")
    assert drawn["05358060"][0] == "url(#k1-keine-daten)"
    assert '<pattern id="k1-keine-daten"' in fig.svg
    last = fig.legend[-1]
    assert (last.label, last.fill, last.hatch) == (
        "keine Daten (2)",
        maps.MAP_PALETTE["nodata"],
        maps.MAP_PALETTE["hatch"],
    )
    assert all(e.hatch is None for e in fig.legend[:-1])
    # as the page sets it: the swatch hatched by a pattern of its own, the label after it
    from dwk.render.profile import environment

    html = (
        environment(True)
        .get_template("html/map_figure.html.j2")
        .render(chart={"id": "karte-d", "caption": "Dichte", "source": "Tabelle X"}, map=fig)
    )
    swatch = re.findall(r"<li>(.*?)</li>", html, re.S)[-1]
    assert '<pattern id="k1-feld-keine-daten"' in swatch
    assert 'fill="url(#k1-feld-keine-daten)"' in swatch and swatch.endswith("</svg>keine Daten (2)")
    assert html.count('id="k1-feld-keine-daten"') == 1


def test_keys_without_an_outline_of_2021():
    # Grabow 13054037 → 13076050 (data/key_changes.toml, "neuer Schlüssel"): the successor's outline
    old, new = areas(maps.area_map("13054037")), areas(maps.area_map("13076050"))
    assert "13054037" in old and "13076050" not in old
    assert old["13054037"][2] == new["13076050"][2]
    # Greußen 16065023 formed the Stadt Greußen 16065089 with two neighbours on 01.01.2021
    # (data/key_changes.toml, "Zusammenschluss"): that territory, highlighted and said so
    fig = maps.area_map("16065023")
    assert areas(fig)["16065023"][1] == "Greußen (Gebiet von 2021: Greußen, 16065089)"
    assert fig.notes == (
        "Greußen ist seit dem 01.01.2021 Teil der damals gebildeten Gemeinde Greußen "
        "(16065089); hervorgehoben ist dieses Gebiet.",
    )
    # Schöneberg 12073505 was absorbed by Schwedt/Oder on 01.01.2021 ("Eingliederung"): that
    # territory, named as itself
    fig = maps.area_map("12073505")
    assert areas(fig)["12073505"][1] == "Schöneberg (Gebiet von 2021: Schwedt/Oder, 12073532)"
    assert fig.notes[0].startswith("Schöneberg ist seit dem 01.01.2021 Teil von Schwedt/Oder;")
    # Jahnatal 14522275, formed in 2023, has no outline of 2021: a point at its centre in the
    # Gemeindeverzeichnis of 31.12.2023 (31122023_Auszug_GV.xlsx)
    fig = maps.area_map("14522275")
    drawn = areas(fig)
    assert drawn["14522275"][1] == "Jahnatal (Lage laut GV 31.12.2023)"
    assert drawn["14522275"][2].startswith("M")
    assert fig.attribution == ATTRIBUTION
    assert fig.point_stands == ("31.12.2023",)
    assert fig.points_source == (
        "Punkte: © Statistisches Bundesamt (Destatis), Gemeindeverzeichnis 31.12.2023"
    )
    assert all(k.startswith("14522") for k in drawn)
    with pytest.raises(UnknownAreaError):
        maps.area_map("99999999")


def test_a_gemeindefreies_gebiet_without_figures_is_not_missing_data():
    """The Sachsenwald 01053105 (VG5000: BEZ "Gemeindefreies Gebiet", one of 133 areas of
    Herzogtum Lauenburg 01053) has no population figures: it is drawn plain and named for
    what it is, not hatched as "keine Daten" (as the Bavarian forests and lakes were on
    their Kreise's maps); a Gemeinde without a value still is."""
    keys = [a.key for a in map_geometry.load().children("01053", "gemeinde")]
    assert len(keys) == 133
    values = {k: 45.0 + i % 5 for i, k in enumerate(keys) if k != "01053105"}
    values["01053001"] = None
    fig = maps.choropleth("01053", values, "Alter", unit="Jahre", map_id="hl")
    drawn = areas(fig)
    assert drawn["01053105"][:2] == (
        maps.MAP_PALETTE["free"],
        "Sachsenwald (Forstgutsbez.): gemeindefreies Gebiet ohne Angaben",
    )
    assert drawn["01053001"][0] == "url(#hl-keine-daten)"
    assert [e.label for e in fig.legend][-2:] == [
        "gemeindefreies Gebiet ohne Angaben (1)",
        "keine Daten (1)",
    ]


def test_what_a_kreis_map_draws_of_gemeinden_merged_after_2021_or_long_gone():
    """Jahnatal 14522275 was formed on 01.01.2023 from 14522450 and 14522620
    (data/key_changes.toml), which have outlines of 2021 and are drawn with their own values:
    Jahnatal is not drawn a second time as a point on top of them. A key without outline,
    point or value (a Gemeinde that did not exist at the Stichtag) is not named; one with a
    value is."""
    values = {
        "14522450": 45.0,
        "14522620": 47.0,
        "14522275": 46.0,
        "14522998": None,
        "14522999": 44.0,
    }
    fig = maps.choropleth("14522", values, "Alter", unit="Jahre", map_id="ms")
    drawn = areas(fig)
    assert "14522275" not in drawn and "14522998" not in drawn
    assert drawn["14522450"][0] != drawn["14522620"][0]  # two classes: 45 and 47
    assert fig.notes == ("Ohne Umriss von 2021 und ohne Lage nicht gezeigt: 14522999.",)


def test_a_territory_value_colours_an_outline_only_where_those_taken_in_have_none():
    """Schwedt/Oder 12073532 took in Schöneberg 12073505 on 01.01.2021, which has no outline
    of 2021, and three more Gemeinden on 19.04.2022, which have (data/key_changes.toml): its
    outline of 2021 takes the value of it with Schöneberg, not of the later territory, and not
    its own. Allendorf (Eder) 06635001 took in Bromskirchen 06635005 in 2023: both have
    outlines of 2021 and keep their own values."""
    later = ("12073032", "12073386", "12073603")
    values = {"12073532": 45.0, "12073505": 50.0, **dict.fromkeys(later, 47.0)}
    taken_in = {
        frozenset({"12073532", "12073505"}): 46.0,
        frozenset({"12073532", "12073505", *later}): 48.0,
    }
    fig = maps.choropleth(
        "12073", values, "Alter", unit="Jahre", map_id="um", classes=3, taken_in=taken_in
    )
    drawn = areas(fig)
    assert drawn["12073532"][1] == "Schwedt/Oder (mit Schöneberg): 46,0 Jahre"
    assert "12073505" not in drawn
    assert fig.notes == (
        "1 Gemeinde, die bis 2021 eingegliedert wurde, zeigt der Umriss der aufnehmenden "
        "Gemeinde, mit dem Wert des gemeinsamen Gebiets.",
    )
    values = {"06635001": 42.0, "06635005": 45.0}
    fig = maps.choropleth("06635", values, "Alter", map_id="wa", taken_in={frozenset(values): 43.0})
    drawn = areas(fig)
    assert drawn["06635001"][1].endswith(": 42,0") and drawn["06635005"][1].endswith(": 45,0")
    assert fig.notes == ()


def test_germany_kreise_and_determinism():
    one = maps.germany_kreise(highlight=["05358"])
    drawn = areas(one)
    assert len(drawn) == 401
    assert drawn["05358"][0] == maps.MAP_PALETTE["area"] and drawn["05913"][1] == "Dortmund"
    assert one == maps.germany_kreise(highlight=["05358"])
    assert maps.choropleth("05358", density_dueren(), "D") == maps.choropleth(
        "05358", density_dueren(), "D"
    )


def test_colours_are_readable_against_white():
    assert contrast_to_white(map_classes.CLASS_COLOURS[-1]) >= 3
    assert contrast_to_white(maps.MAP_PALETTE["area"]) >= 3
    assert contrast_to_white(maps.MAP_PALETTE["outline"]) >= 3  # every swatch's frame
    assert map_classes.class_labels([44.5, 46.0], 1, "Jahre") == [
        "unter 44,5 Jahre",
        "44,5 bis unter 46,0 Jahre",
        "46,0 und mehr Jahre",
    ]


@pytest.mark.skipif(
    importlib.util.find_spec("shapefile") is None
    or importlib.util.find_spec("pyproj") is None
    or not (REPO.parent / "shared/data/geo/bkg-vg5000-2021").is_dir(),
    reason="needs pyshp, pyproj and ../shared/data/geo (only where the geometry is made)",
)
def test_script_reproduces_the_shipped_file(tmp_path, monkeypatch):
    import runpy

    monkeypatch.chdir(REPO)
    script = runpy.run_path(str(REPO / "scripts/simplify_geometry.py"))
    out = tmp_path / "geo.json"
    assert script["main"](["--out", str(out)]) == 0
    shipped = paths.data_dir() / "geo" / "vg5000-2021.json"
    assert (
        hashlib.sha256(out.read_bytes()).digest() == hashlib.sha256(shipped.read_bytes()).digest()
    )


def test_a_broken_geometry_file_names_file_line_and_column(tmp_path):
    broken = tmp_path / "geo.json"
    broken.write_text('{"format": "dwk-geo 1",\n "arcs": [1, 2,]}', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        map_geometry.load(broken)
    # line 2 is ` "arcs": [1, 2,]}`: the "]" after the trailing comma is its 16th character
    assert (err.value.file, err.value.line, err.value.column) == (str(broken), 2, 16)
    assert "Kartengrundlage beschädigt" in str(err.value)


def test_titles_name_the_kreis_as_a_sentence_does_whatever_name_the_caller_gives():
    """The profile passes the tables' names ("Emsland, Landkreis"); in the title's sentence
    the Kreis is named as one says it, by VG5000's BEZ and GEN: "Landkreis" "Emsland", but
    "Kreis" "Dithmarschen" (Schleswig-Holstein's Kreise are Kreise by law)."""
    names = {"03454": "Emsland, Landkreis", "03454055": "Vrees", "01051": "Dithmarschen, Landkreis"}
    assert maps.area_map("03454055", names=names).title == "Lage: Vrees im Landkreis Emsland"
    fig = maps.choropleth("01051", {}, "Durchschnittsalter", names=names)
    assert fig.title == "Durchschnittsalter: Gemeinden im Kreis Dithmarschen"


@pytest.mark.parametrize(
    ("kreis", "said"),
    [
        # VG5000 BEZ / GEN: Landkreis / Region Hannover, Kreis / Städteregion Aachen,
        # Landkreis / Regionalverband Saarbrücken, Kreis / Rhein-Kreis Neuss
        ("03241", "in der Region Hannover"),
        ("05334", "in der Städteregion Aachen"),
        ("10041", "im Regionalverband Saarbrücken"),
        ("05162", "im Rhein-Kreis Neuss"),
    ],
)
def test_a_kreis_whose_name_says_its_kind_gets_no_second_one(kreis, said):
    """Before: "Landkreis Regionalverband Saarbrücken", "Kreis Rhein-Kreis Neuss", "im
    Städteregion Aachen", "in Region Hannover"."""
    assert maps.choropleth(kreis, {}, "D").title == f"D: Gemeinden {said}"


def test_names_from_the_caller_are_escaped():
    fig = maps.area_map("05358008", names={"05358008": 'Düren <b>"&"</b>'}, map_id="x&y")
    assert areas(fig)["05358008"][1] == 'Düren <b>"&"</b>'  # parsed back from valid XML
    assert "<b>" not in fig.svg


def test_old_keys_of_a_merger_point_at_the_merged_area_but_lend_it_no_value():
    # data/key_changes.toml: new = "03159", old = ["03152", "03156"], date = "2016-11-01"
    old = maps.area_map("03152", names={"03152": "Landkreis Göttingen (bis 2016)"})
    new = areas(maps.area_map("03159"))
    assert areas(old)["03152"][2] == new["03159"][2]
    assert old.notes[0].startswith(
        "Landkreis Göttingen (bis 2016) ist seit dem 01.11.2016 Teil von Landkreis Göttingen"
    )
    # a value of one part cannot stand for the merged Kreis: 03159 stays "keine Daten"
    fig = maps.germany_kreise({"03152": 1.0, "05358": 2.0, "03159": None}, "Wert", map_id="g")
    drawn = areas(fig)
    assert drawn["03159"][:2] == ("url(#g-keine-daten)", "Landkreis Göttingen: keine Daten")
    assert "03152" not in drawn and fig.notes[-1].endswith("nicht gezeigt: 03152.")
    # with a value of its own, the merged Kreis shows both parts, and a note says so
    fig = maps.germany_kreise({"03152": 1.0, "03156": 2.0, "03159": 3.0}, "Wert", map_id="g")
    assert areas(fig)["03159"][1] == "Landkreis Göttingen: 3,0"
    assert fig.notes == (
        "2 Kreise, die sich bis 2021 zusammengeschlossen haben, zeigt der Umriss ihres "
        "Zusammenschlusses, mit dem Wert ihres gemeinsamen Gebiets.",
    )

"""Issue 15, peers: each profile compares its area with similar areas — same size class, same
Grad der Verstädterung, same part of Germany — and shows median, range and count."""

from __future__ import annotations

import csv
import json
import re
import statistics

import pytest

from dwk.core import paths
from dwk.render.profile import render_html, render_markdown
from dwk.render.profile_json import render_json
from dwk.report.build import build_profile

RAW = paths.raw_dir()
EAST = {"11", "12", "13", "14", "15", "16"}


@pytest.fixture(scope="module")
def adorf(store, registry, ctx, catalogue):
    from dwk.app.build import profile_rules

    return build_profile(
        registry.resolve("adorf"), store, registry, catalogue, profile_rules(catalogue), ctx
    )


def _raw_gv_2023() -> dict[str, tuple[int, str]]:
    """Satzart-60 rows of the Gemeindeverzeichnis of 31.12.2023 (XLSX): key → (population,
    Grad der Verstädterung), e.g. row 14317: '60','63','14','5','23','0010','010',
    'Adorf/Vogtl., Stadt', 42.97, 4694, …, '03', 'gering besiedelt'."""
    import openpyxl

    sheet = openpyxl.load_workbook(
        RAW / "destatis-gv-2023" / "31122023_Auszug_GV.xlsx", read_only=True
    ).worksheets[1]
    return {
        r[2] + r[3] + r[4] + r[6]: (int(r[9]), r[18])
        for r in sheet.iter_rows(values_only=True)
        if r and r[0] == "60" and r[9] is not None
    }


def test_adorf_is_compared_with_small_rural_towns_of_the_east(adorf, registry):
    gv = _raw_gv_2023()
    assert gv["14523010"] == (4694, "03")
    # the Gemeinden the registry knows (keys of the population tables; newer keys have no series)
    known = {k for k, level in registry.names if level == "gemeinde"}
    peers = sorted(
        k
        for k, (n, u) in gv.items()
        if k in known and 2000 <= n < 5000 and k[:2] in EAST and u == "03" and k != "14523010"
    )
    g = adorf.similar
    assert (
        g.label
        == "Gemeinden mit 2.000 bis unter 5.000 Einwohnern, gering besiedelt, Ostdeutschland"
    )
    assert sorted(g.keys) == peers and g.n == len(peers) == 382 and not g.widened
    pop = g.stats["bevoelkerung"]
    assert pop.n == 382 and pop.median == statistics.median(gv[k][0] for k in peers)
    assert (pop.low, pop.high) == (min(gv[k][0] for k in peers), max(gv[k][0] for k in peers))


def test_reports_show_the_peer_group(adorf):
    g, pop = adorf.similar, adorf.similar.stats["bevoelkerung"]
    md = render_markdown(adorf)
    section = md[md.index("### Vergleichsgruppe") : md.index("## Funktionale Altersgruppen")]
    assert f"{g.label}: 382 Gebiete ohne Adorf/Vogtl." in section
    assert "| Bevölkerung | 4.694 |" in section
    html = render_html(adorf)
    kennzahlen = html[html.index('<section id="kennzahlen">') :]
    kennzahlen = kennzahlen[: kennzahlen.index("</section>")]
    assert (
        "Vergleichsgruppe: ähnliche Gebiete" in kennzahlen
        and "<strong>382</strong> Gebiete" in kennzahlen
    )
    record = json.loads(render_json(adorf))["peer_group"]
    assert record["n"] == 382 and record["region"] == "Ostdeutschland"
    assert record["urbanisation"] == "gering besiedelt" and record["stichtag"] == "2023-12-31"
    ind = next(i for i in record["indicators"] if i["id"] == "bevoelkerung")
    assert ind["median"] == pop.median and ind["n"] == 382


def test_a_small_group_is_widened_and_says_so(store, registry, ctx, catalogue):
    from dwk.report.similar import peer_group

    emsland = registry.resolve("emsland")
    g = peer_group(ctx, registry, emsland, [d for d in catalogue if d.id == "bevoelkerung"])
    # fewer than five Kreise of 250.000–500.000 people below 150 Ew./km² in the north, so the
    # group is widened to Germany: every Kreis with its 31.12.2024 population
    # (12411-0015_kreise_2020-2024.csv, last value column) in that class and, over its area of
    # 31.12.2018 (mmelchger-covid19-1092/11111-01-01-4.csv), below 150 Ew./km² (data/peers.toml)
    pop, area = {}, {}
    path = RAW / "cartogram-12411-0015" / "12411-0015_kreise_2020-2024.csv"
    with path.open(encoding="utf-8") as f:
        for r in csv.reader(f, delimiter=";"):
            if r and re.fullmatch(r"\d{5}", r[0]) and r[10].isdigit():
                pop[r[0]] = int(r[10])
    with (RAW / "mmelchger-covid19-1092" / "11111-01-01-4.csv").open(encoding="latin-1") as f:
        for r in csv.reader(f, delimiter=";"):
            if len(r) > 3 and re.fullmatch(r"\d{5}", r[1]) and r[3].strip() not in ("-", "."):
                area[r[1]] = float(r[3].replace(",", "."))
    expected = sorted(
        k
        for k, n in pop.items()
        if 250_000 <= n < 500_000 and k in area and n / area[k] < 150 and k != "03454"
    )
    assert g.widened and g.region == "" and g.label.endswith("ganz Deutschland")
    assert sorted(g.keys) == expected and len(expected) == 4
    assert "Bevölkerungsdichte" in g.urbanisation_source

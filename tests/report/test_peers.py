"""Issue 15, peers: each profile compares its area with similar areas — same size class, same
Grad der Verstädterung, same part of Germany — and shows median, range and count."""

from __future__ import annotations

import csv
import json
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

    return build_profile(registry.resolve("adorf"), store, registry, catalogue,
                         profile_rules(catalogue), ctx)  # fmt: skip


def _raw_population_2015() -> dict[str, int]:
    # 12411-01-01-5_00.csv: "14523010;        Adorf/Vogtl., Stadt;5078;…": key, name, 2015 total
    out = {}
    with (RAW / "genesapi-data" / "12411-01-01-5_00.csv").open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter=";"):
            if len(row) > 2 and len(row[0]) == 8 and row[0].isdigit() and row[2].isdigit():
                out[row[0]] = int(row[2])
    return out


def _raw_urbanisation() -> dict[str, str]:
    # AuszugGV4QAktuell.csv, Satzart 60: …,K01,Nordsaarland,03,gering besiedelt
    with (RAW / "grundeinkommensbuero-gv" / "AuszugGV4QAktuell.csv").open(
        encoding="utf-8-sig"
    ) as f:
        return {r["land"] + r["rb"] + r["kreis"] + r["gemeinde"]: r["verstaedterungschluessel"]
                for r in csv.DictReader(f) if r["satzart"] == "60"}  # fmt: skip


def test_adorf_is_compared_with_small_rural_towns_of_the_east(adorf):
    population, urbanisation = _raw_population_2015(), _raw_urbanisation()
    assert population["14523010"] == 5078 and urbanisation["14523010"] == "03"
    peers = sorted(k for k, n in population.items() if 5000 <= n < 10000 and k[:2] in EAST
                   and urbanisation.get(k) == "03" and k != "14523010")  # fmt: skip
    g = adorf.similar
    assert (
        g.label
        == "Gemeinden mit 5.000 bis unter 10.000 Einwohnern, gering besiedelt, Ostdeutschland"
    )
    # Drei Gleichen (16067086, 5065 people in 2015) is not in the GV of 31.12.2019 under that key
    # (GV line "60,64,16,0,67,5052,089,Drei Gleichen,…": 16067089 since a merger), so it takes
    # the density stand-in: below 150 Ew./km², gering besiedelt
    assert set(g.keys) - set(peers) == {"16067086"} and set(peers) <= set(g.keys)
    assert g.n == 163 and not g.widened
    peers = list(g.keys)
    pop = g.stats["bevoelkerung"]
    assert pop.n == 163 and pop.median == statistics.median(population[k] for k in peers)
    assert (pop.low, pop.high) == (
        min(population[k] for k in peers),
        max(population[k] for k in peers),
    )


def test_reports_show_the_peer_group(adorf):
    g, pop = adorf.similar, adorf.similar.stats["bevoelkerung"]
    median = f"{pop.median:,.0f}".replace(",", ".")
    md = render_markdown(adorf)
    section = md[md.index("### Vergleichsgruppe") : md.index("## Funktionale Altersgruppen")]
    assert f"{g.label}: 163 Gebiete ohne Adorf/Vogtl." in section
    assert f"| Bevölkerung | 5.078 | {median} |" in section
    html = render_html(adorf)
    kennzahlen = html[html.index('<section id="kennzahlen">') :]
    kennzahlen = kennzahlen[: kennzahlen.index("</section>")]
    assert (
        "Vergleichsgruppe: ähnliche Gebiete" in kennzahlen
        and "<strong>163</strong> Gebiete" in kennzahlen
    )
    record = json.loads(render_json(adorf))["peer_group"]
    assert record["n"] == 163 and record["region"] == "Ostdeutschland"
    assert record["urbanisation"] == "gering besiedelt" and record["stichtag"] == "2015-12-31"
    ind = next(i for i in record["indicators"] if i["id"] == "bevoelkerung")
    assert ind["median"] == pop.median and ind["n"] == 163


def test_a_small_group_is_widened_and_says_so(store, registry, ctx, catalogue):
    from dwk.report.similar import peer_group

    emsland = registry.resolve("emsland")
    g = peer_group(ctx, registry, emsland, [d for d in catalogue if d.id == "bevoelkerung"])
    # fewer than five Kreise of 250.000–500.000 people below 150 Ew./km² in the north
    assert g.widened and g.region == "" and g.label.endswith("ganz Deutschland")
    assert g.n >= 5 and "Bevölkerungsdichte" in g.urbanisation_source

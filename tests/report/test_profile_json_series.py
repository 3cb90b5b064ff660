"""Issue 15, point 11: the profile JSON carries the pyramid (age × sex), the population series
and the projection per variant and year, with units and Stichtag or basis."""

from __future__ import annotations

import json

import pytest

from dwk.render.profile_json import render_json
from dwk.report.build import build_profile
from tests.census_hand import census_factor, kreis_ratio


@pytest.fixture(scope="module")
def adorf(store, registry, ctx, catalogue):
    from dwk.app.build import profile_rules

    p = build_profile(
        registry.resolve("adorf"), store, registry, catalogue, profile_rules(catalogue), ctx
    )
    return json.loads(render_json(p))


def test_pyramid(adorf):
    # 12411-01-01-5_00.csv: "14523010;        Adorf/Vogtl., Stadt;5078;2445;2633;…" (31.12.2015)
    py = adorf["pyramid"]
    assert py["stichtag"] == "2015-12-31" and py["unit"] == "Personen"
    assert len(py["bands"]) == len(py["male"]) == len(py["female"]) == 17
    assert py["bands"][0] == {"from": 0, "to_below": 3} and py["bands"][-1]["to_below"] is None
    assert (sum(py["male"]), sum(py["female"])) == (2445, 2633)
    assert py["reference"]["name"] == "Sachsen"


def test_population_series(adorf):
    # same line: 31.12.2011 5302, 31.12.2008 5474
    own = adorf["population_series"][0]
    assert own["name"] == "Adorf/Vogtl." and own["unit"] == "Personen"
    values = {v["year"]: v["value"] for v in own["values"]}
    assert (values[2008], values[2011], values[2015]) == (5474, 5302, 5078)
    # then the Gemeindeverzeichnis: AuszugGV4QAktuell.csv line 14334 ("… 42.97, 4 844, …",
    # 31.12.2019), 31122023_Auszug_GV.xlsx row 14317 (4694, 31.12.2023), both 2011-based
    assert (values[2019], values[2023], values[2017]) == (4844, 4694, None)
    basis = {v["year"]: v["basis"] for v in own["values"]}
    assert basis[2023] == basis[2008] == "zensus2011" and own["census_break_years"] == [2011]
    # the Vogtlandkreis beside it on the same basis: 12411-0015 line 410 for 2021 (221376),
    # none for 2022, and for 2023 the sum of its 37 Gemeinden in 31122023_Auszug_GV.xlsx
    # (221953, openpyxl), not the 2022-based 221088 of 12411-0015
    kreis = {v["year"]: v["value"] for v in adorf["population_series"][1]["values"]}
    assert kreis[2021] == 221376 and kreis[2022] is None and kreis[2023] == 221953
    assert [s["name"] for s in adorf["population_series"][1:]] == [
        "Vogtlandkreis",
        "Sachsen",
        "Deutschland",
    ]


def test_projection(adorf):
    pr = adorf["projection"]
    assert pr["basis"] == "2015-12-31" and pr["target_year"] == 2040 and pr["unit"] == "Personen"
    assert pr["census_basis"] == "zensus2022"
    assert len(pr["variants"]) == 3
    # Adorf's 5078 of 31.12.2015 on the Zensus 2022 basis: its count 4686 of 15.05.2022
    # (1000A-0000_de.csv line 9637) over its 2011-based line that day, between 4844 on
    # 31.12.2019 (AuszugGV4QAktuell.csv line 14334) and 4694 on 31.12.2023
    # (31122023_Auszug_GV.xlsx row 14317), times the Vogtlandkreis's ratio (census_hand)
    base = 5078 * census_factor(4686, 4844, 4694) * kreis_ratio("14523")
    for v in pr["variants"]:
        assert v["values"][0]["year"] == 2015
        assert v["values"][0]["value"] == pytest.approx(base, abs=0.5)
        assert v["values"][-1]["year"] == 2040
    total = next(g for g in pr["age_groups"] if g["id"] == "vorausberechnung_insgesamt")
    assert total["main"][0]["value"] == pytest.approx(base, abs=0.5)
    low, high = total["target_low"], total["target_high"]
    assert min(low, high) <= total["main"][-1]["value"] <= max(low, high)


def test_projection_territory_changes(adorf, store, registry, ctx, catalogue):
    """The JSON says where the territory a Gemeinde is projected for changed after 2015:
    Unstruttal, 44.58 km² in the Gemeindeverzeichnis of 2019 (AuszugGV4QAktuell.csv), 100.66
    km² in that of 2023 (31122023_Auszug_GV.xlsx); Adorf's did not change."""
    from dwk.app.build import profile_rules

    p = build_profile(
        registry.resolve("16064071"), store, registry, catalogue, profile_rules(catalogue), ctx
    )
    changes = json.loads(render_json(p))["projection"]["territory_changes"]
    assert changes == [{"year": 2023, "area_before_km2": 44.58, "area_km2": 100.66}]
    assert adorf["projection"]["territory_changes"] == []

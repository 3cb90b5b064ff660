"""`<slug>.json`: the profile's own numbers, unrounded, deterministic, JSON-clean."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest

from dwk.render.profile_json import SCHEMA, plain, profile_record, render_json
from dwk.report.build import Cell, build_profile


def _rules(catalogue):
    from dwk.app.build import profile_rules

    return profile_rules(catalogue)


@pytest.fixture(scope="module")
def build(store, registry, ctx, catalogue):
    rules = _rules(catalogue)

    def run(slug: str):
        return build_profile(registry.resolve(slug), store, registry, catalogue, rules, ctx)

    return run


@pytest.fixture(scope="module")
def adorf(build):
    return build("adorf")


@pytest.fixture(scope="module")
def dortmund(build):
    return build("dortmund")


def _indicator(record: dict, ident: str) -> dict:
    return next(i for i in record["indicators"] if i["id"] == ident)


def test_adorf_population_and_shape(adorf):
    text = render_json(adorf)
    record = json.loads(text)
    assert record["schema"] == SCHEMA
    assert record["area"] == {
        "slug": "adorf",
        "key": "14523010",
        "name": "Adorf/Vogtl.",
        "type": "Stadt",
        "level": "gemeinde",
        "land": "14",
    }
    assert record["headline_period"] == "2023-12-31"
    pop = _indicator(record, "bevoelkerung")
    # data/raw/destatis-gv-2023/31122023_Auszug_GV.xlsx row 14317: Adorf/Vogtl., Stadt; 42.97; 4694 (Zensus 2011 basis)
    assert pop["value"] == 4694 and isinstance(pop["value"], float)
    assert (pop["period"], pop["flag"], pop["tables"]) == ("2023-12-31", "", ["GV-ISys"])
    assert pop["basis"] == "zensus2011"
    assert pop["unit"] == "Personen" and pop["decimals"] == 0
    assert pop["topic"] == "Bevölkerungsstand und -entwicklung"
    assert [r["key"] for r in pop["references"]] == [a.key for a in adorf.references]
    assert [r["level"] for r in pop["references"]] == ["kreis", "land", "de"]
    assert pop["references"][0]["name"] == "Vogtlandkreis"
    # every indicator the profile shows, in the catalogue's order, with its unrounded value
    rows = {r.definition.id: r for r in adorf.key_figures + adorf.age_groups}
    assert [i["id"] for i in record["indicators"]] == [d.id for d in adorf.catalogue]
    for item in record["indicators"]:
        row = rows[item["id"]]
        own = row.own.value
        assert item["value"] is None if math.isnan(own) else item["value"] == own
        for ref, cell in zip(item["references"], row.references, strict=True):
            assert ref["value"] is None if math.isnan(cell.value) else ref["value"] == cell.value
            assert (ref["flag"], ref["period"]) == (cell.flag, cell.period)
    assert text.endswith("}\n") and "\\u00" not in text and "NaN" not in text


def test_dortmund_population(dortmund):
    record = json.loads(render_json(dortmund))
    pop = _indicator(record, "bevoelkerung")
    # data/raw/cartogram-12411-0015/12411-0015_kreise_2020-2024.csv: Dortmund 2024 = 603462
    assert (pop["value"], pop["period"], pop["basis"]) == (603462, "2024-12-31", "zensus2022")
    assert record["area"]["level"] == "kreis" and record["area"]["key"] == "05913"
    assert [r["level"] for r in pop["references"]] == ["land", "de"]


def test_swot_sources_surveys_warnings(adorf):
    record = json.loads(render_json(adorf))
    assert adorf.swot
    assert [s["id"] for s in record["swot"]] == [s.id for s in adorf.swot]
    first = record["swot"][0]
    assert first["text"] == adorf.swot[0].text and first["quadrant"] == adorf.swot[0].quadrant
    assert first["evidence"]["value"] == adorf.swot[0].evidence["value"]
    assert [s["code"] for s in record["sources"]] == [m.code for m in adorf.sources]
    assert set(record["sources"][0]) == {"code", "title", "stand", "copyright", "licence"}
    assert record["warnings"] == adorf.warnings
    assert len(record["surveys"]) == len(adorf.surveys) > 0
    assert set(record["surveys"][0]) == {"title", "period", "synthetic", "n"}
    assert record["surveys"][0]["n"] == adorf.surveys[0].n


def test_byte_identical_on_rebuild(adorf, build):
    assert render_json(build("adorf")) == render_json(adorf)


def test_nan_and_numpy_become_plain_json(adorf):
    row = adorf.key_figures[0]
    missing = dataclasses.replace(row, own=Cell(np.float64("nan"), ".", ""))
    item = dataclasses.replace(
        adorf.swot[0],
        evidence={
            "value": np.float64(1.5),
            "n": np.int64(7),
            "low": float("nan"),
            "band": (1, np.int32(2)),
            "ok": np.bool_(True),
            "inf": float("inf"),
        },
    )
    p = dataclasses.replace(adorf, key_figures=[missing, *adorf.key_figures[1:]], swot=[item])
    record = json.loads(render_json(p))
    assert record["indicators"][0]["value"] is None
    assert record["indicators"][0]["flag"] == "."
    assert record["swot"][0]["evidence"] == {
        "value": 1.5,
        "n": 7,
        "low": None,
        "band": [1, 2],
        "ok": True,
        "inf": None,
    }
    assert plain({"a": np.array([1.0, np.nan])}) == {"a": [1.0, None]}


def test_review_only_when_plain_dataclass(adorf):
    @dataclasses.dataclass
    class Decision:
        id: str
        status: str

    @dataclasses.dataclass
    class Review:
        file: str
        decisions: list

    @dataclasses.dataclass
    class Rich:
        handle: object

    p = dataclasses.replace(adorf)
    p.review = Review("adorf.toml", [Decision("x", "bestätigt")])
    assert profile_record(p)["review"] == {
        "file": "adorf.toml",
        "decisions": [{"id": "x", "status": "bestätigt"}],
    }
    p.review = Rich(object())
    assert "review" not in profile_record(p)
    p.review = None
    assert "review" not in profile_record(p)

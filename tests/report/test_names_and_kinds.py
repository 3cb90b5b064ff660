"""Issue 15, point 9: Gemeinden named and typed as the newest Gemeindeverzeichnis has them."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from dwk.core import paths
from dwk.core.errors import UnknownAreaError

GV = paths.raw_dir() / "grundeinkommensbuero-gv" / "AuszugGV4QAktuell.csv"


def _gv_rows():
    with GV.open(encoding="utf-8-sig", newline="") as f:
        return [r for r in csv.DictReader(f) if r["satzart"] == "60"]


def test_saarland_staedte_are_staedte(registry):
    # AuszugGV4QAktuell.csv line 12527: 60,63,10,0,41,0511,511,"Friedrichsthal, Stadt",…
    # Textkennzeichen 63 = Stadt, 64 = Gemeinde; 66 = unbewohntes gemeindefreies Gebiet
    raw = Counter(r["textkennzeichen"] for r in _gv_rows() if r["land"] == "10")
    assert raw == {"63": 17, "64": 35, "66": 1}
    saarland = [a for a in registry.at_level("gemeinde") if a.land == "10"]
    assert len(saarland) == 52
    assert Counter(a.type for a in saarland) == {"Stadt": 17, "Gemeinde": 35}
    assert registry.get("10041511").type == "Stadt"  # Friedrichsthal
    assert registry.get("10041512").type == "Gemeinde"  # Großrosseln


def test_names_follow_the_gemeindeverzeichnis(registry):
    # 12411-01-01-5_00.csv: "10041512;        Grossrosseln;…", "10045117;        St.Ingbert;…"
    # GV line 12529: 60,64,10,0,41,0512,512,Großrosseln,…; line 12617: …,"St. Ingbert, Stadt",…
    assert registry.get("10041512").name == "Großrosseln"
    ingbert = registry.get("10045117")
    assert ingbert.name == "St. Ingbert, Stadt" and ingbert.slug == "10045117-st-ingbert"
    assert registry.resolve("Großrosseln").key == "10041512"


def test_urbanisation_is_kept(registry):
    # GV line 12525: Saarbrücken …,01,dicht besiedelt; line 12552: Mettlach …,03,gering besiedelt
    assert registry.gv.urbanisation["10041100"] == 1
    assert registry.gv.urbanisation["10042114"] == 3
    # every Gemeinde with a Grad der Verstädterung in either edition: the 2019 CSV (11,004)
    # and the 2023 XLSX (10,981, column T), 11,009 keys together, the newer edition's first
    import openpyxl

    xlsx = paths.raw_dir() / "destatis-gv-2023" / "31122023_Auszug_GV.xlsx"
    sheet = openpyxl.load_workbook(xlsx, read_only=True).worksheets[1]
    newer = {
        r[2] + r[3] + r[4] + r[6]
        for r in sheet.iter_rows(values_only=True)
        if r and r[0] == "60" and r[19]
    }
    older = {
        r["land"] + r["rb"] + r["kreis"] + r["gemeinde"]
        for r in _gv_rows()
        if r["verstaedterungschluessel"]
    }
    assert len(registry.gv.urbanisation) == len(newer | older) == 11009


def test_a_name_means_the_area_of_today_not_also_its_earlier_key(registry):
    """data/key_changes.toml: Parchim is 13060056 until 2011 and 13076108 since; the Landkreis
    Göttingen (03152) is 03159 with Osterode since 2016; both keys are named in the tables.
    A member and its official entry are one area."""
    assert registry.resolve("Parchim").key == "13076108"
    with pytest.raises(UnknownAreaError) as göttingen:
        registry.resolve("Göttingen")  # the Stadt and the Landkreis, not the Landkreis of 2015
    assert str(göttingen.value).count("Göttingen,") == 2 and "03152 " not in str(göttingen.value)
    with pytest.raises(UnknownAreaError) as grabow:
        registry.resolve("Grabow")  # the member in Mecklenburg-Vorpommern, one in Sachsen-Anhalt
    assert "13076050 Grabow, 15086060 Grabow —" in str(grabow.value)

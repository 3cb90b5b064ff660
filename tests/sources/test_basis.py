"""The census basis of each value: stated by the file, set by its sidecar, or derived by the
rule in the README; and never put on a figure that is not a count of people."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dwk.core import paths
from dwk.core.errors import DwkError
from dwk.sources.tables.basis import rule, stated, summary
from dwk.sources.tables.read import read_file

RAW = paths.raw_dir()


def test_footer_statements_as_destatis_writes_them():
    # 12411-01-01-4_00.csv footer: "ab dem Berichtsjahr 2011: nach dem Zensus 2011"
    assert stated(["ab dem Berichtsjahr 2011: nach dem Zensus 2011"]) == [
        (2011, 2021, "zensus2011")
    ]
    # 12411-02-03-4_00.csv: the year on the next line of a quoted footnote
    assert stated(["Berichtsjahr (ab 2011): Ergebnisse auf Grundlage des Zensus\n2011"]) == [
        (2011, 2021, "zensus2011")
    ]
    # untergeekDE 12411-04-02-4-B.csv: the Volkszählung before, the Zensus from 2011
    text = (
        "Bei den Bevölkerungsdaten handelt es sich um Fortschreibungszahlen, die ab dem "
        "Berichtsjahr 2011 auf den Ergebnissen des Zensus vom 09. Mai 2011 basieren. "
        "Bevölkerungsdaten für die Berichtsjahre 1987 bis 2010 wurden in den alten "
        "Bundesländern aufgrund der Ergebnisse der Volkszählung vom 25. Mai 1987 erstellt"
    )
    assert stated([text]) == [(0, 2010, "vor2011"), (2011, 2021, "zensus2011")]
    assert stated(["Ab 2011: Zensus 2011.", "Ab 2022: Zensus 2022."]) == [
        (2011, 2021, "zensus2011"),
        (2022, 9999, "zensus2022"),
    ]
    assert stated(["Abweichungen bei den Flächenangaben sind durch Runden möglich."]) == []


@pytest.mark.parametrize(
    ("code", "period", "basis"),
    [
        ("12411-01-01-4", "2010-12-31", "vor2011"),
        ("12411-01-01-4", "2011-12-31", "zensus2011"),
        ("12411-0015", "2021-12-31", "zensus2011"),
        ("12411-0015", "2022-12-31", "zensus2022"),
        ("12411-05-01-4", "2022", "zensus2022"),  # a year ends on 31.12.
        ("GV-ISys", "2023-12-31", "zensus2011"),  # SOURCES.md §10
        ("GV-ISys", "2024-12-31", "zensus2022"),
        ("12111-01-01-5", "2011-05-09", "zensus2011"),  # the census count itself
        ("1000A-0000", "2022-05-15", "zensus2022"),
        ("12612-01-01-4", "2015", ""),  # births: no stock, no basis
    ],
)
def test_rule(code, period, basis):
    assert rule(code, period) == basis


def test_shipped_tables_carry_their_basis_per_period():
    # 12411-01-01-4_00.csv: 1995–2015, footer "ab dem Berichtsjahr 2011: nach dem Zensus 2011"
    meta, f = read_file(RAW / "genesapi-data/12411-01-01-4_00.csv")
    assert meta.basis["2010-12-31"] == "vor2011" and meta.basis_from["2010-12-31"] == "regel"
    assert meta.basis["2011-12-31"] == "zensus2011" and meta.basis_from["2011-12-31"] == "datei"
    dortmund = f.loc[(f["area_key"] == "05913") & (f["sex"] == "total")].set_index("period")
    assert dortmund.loc["2010-12-31", "basis"] == "vor2011"
    assert dortmund.loc["2015-12-31", "basis"] == "zensus2011"
    # the Zensus 2022 count: "010010000000;Flensburg, Stadt;Personen;Anzahl;95015;e"
    meta, f = read_file(RAW / "hdigital-zensus2022/1000A-0000_de.csv")
    assert meta.basis == {"2022-05-15": "zensus2022"}
    assert f.loc[f["source_key"] == "010010000000", "basis"].tolist() == ["zensus2022"]
    # births have none
    meta, f = read_file(RAW / "genesapi-data/12612-01-01-4_00.csv")
    assert meta.basis == {} and set(f["basis"]) == {""}


def test_gemeindeverzeichnis_basis_only_on_population():
    # AuszugGV4QAktuell.csv.meta.toml: stichtag 2019-12-31, basis zensus2011
    meta, f = read_file(RAW / "grundeinkommensbuero-gv/AuszugGV4QAktuell.csv")
    assert meta.periods == ["2019-12-31"] and meta.basis_from == {"2019-12-31": "sidecar"}
    flensburg = f.loc[f["area_key"] == "01001000"].set_index(["variable", "sex"])["basis"]
    assert flensburg[("Bevölkerung", "total")] == "zensus2011"
    assert flensburg[("Gebietsfläche", "total")] == ""


def test_same_stichtag_on_both_bases():
    # SOURCES.md §9/§10: 31.12.2023 is Zensus-2011-based in the GV, 2022-based in 12411-0015;
    # Adorf's Kreis: "14523;Vogtlandkreis;223905;e;221376;e;221783;e;221088;e;219100;e"
    gv, cells = read_file(RAW / "destatis-gv-2023/31122023_Auszug_GV.xlsx")
    kreise, totals = read_file(RAW / "cartogram-12411-0015/12411-0015_kreise_2020-2024.csv")
    pop = cells.loc[(cells["variable"] == "Bevölkerung") & (cells["sex"] == "total")]
    gv_sum = pop.loc[pop["area_key"].str.startswith("14523"), "value"].sum()
    vogtland = totals.loc[(totals["area_key"] == "14523") & (totals["period"] == "2023-12-31")]
    assert vogtland["value"].tolist() == [221088]
    # the 37 Satzart-60 rows of Land 14, RB 5, Kreis 23 in the XLSX sum to 221,953 (counted
    # with openpyxl alone): the same Stichtag on the Zensus 2011 basis is 865 more
    assert gv_sum == 221953
    assert gv.basis["2023-12-31"] == "zensus2011"
    assert kreise.basis["2023-12-31"] == "zensus2022"
    assert kreise.basis["2021-12-31"] == "zensus2011"
    assert set(kreise.basis_from.values()) == {"sidecar"}


def test_sidecar_basis_overrides_and_a_bad_one_names_its_line(tmp_path):
    src = RAW / "genesapi-data/12411-01-01-4_00.csv"
    shutil.copy(src, tmp_path / src.name)
    side = tmp_path / (src.name + ".meta.toml")
    side.write_text('# test\n[basis]\n"2015-12-31" = "zensus2022"\n', "utf-8")
    meta, _ = read_file(tmp_path / src.name)
    assert meta.basis["2015-12-31"] == "zensus2022" and meta.basis_from["2015-12-31"] == "sidecar"
    side.write_text('# test\n[basis]\n"2015-12-31" = "zensus2033"\n', "utf-8")
    with pytest.raises(DwkError) as err:
        read_file(tmp_path / src.name)
    assert str(err.value) == (
        f"{side}:3:1: unbekannte Basis 'zensus2033' (bekannt: vor2011, zensus2011, zensus2022)"
    )


def test_store_schema_has_the_basis_column():
    from dwk.store import COLUMNS, SCHEMA_VERSION

    assert "basis" in COLUMNS and SCHEMA_VERSION >= 6  # 6 brought the basis column


def test_unknown_sidecar_key(tmp_path: Path):
    src = RAW / "genesapi-data/12411-01-01-4_00.csv"
    shutil.copy(src, tmp_path / src.name)
    (tmp_path / (src.name + ".meta.toml")).write_text('tabelle = "12411-0015"\n', "utf-8")
    with pytest.raises(DwkError, match=r":1:1: unbekannter Schlüssel 'tabelle'"):
        read_file(tmp_path / src.name)


def test_summary_line_for_the_import():
    # 12411-01-01-4_00.csv: 31.12.1995–2015, footer "ab dem Berichtsjahr 2011: nach dem Zensus 2011"
    meta, _ = read_file(RAW / "genesapi-data/12411-01-01-4_00.csv")
    assert summary(meta) == (
        "Zensus-Basis: 31.12.1995–31.12.2010 vor Zensus 2011 (nach Regel), "
        "31.12.2011–31.12.2015 Zensus 2011 (laut Datei)"
    )


def test_a_changed_sidecar_reads_its_file_again(tmp_path):
    from dwk.store import Store

    raw = tmp_path / "raw"
    raw.mkdir()
    src = RAW / "genesapi-data/12411-01-01-4.csv"  # 31.12.2015 only
    shutil.copy(src, raw / src.name)
    store = Store(tmp_path / "store")
    assert store.sync(raw) == ["raw:12411-01-01-4.csv"]
    assert store.sync(raw) == []
    (raw / (src.name + ".meta.toml")).write_text('[basis]\n"2015-12-31" = "zensus2022"\n', "utf-8")
    assert store.sync(raw) == ["raw:12411-01-01-4.csv"]
    assert store.metas("12411-01-01-4")[0].basis == {"2015-12-31": "zensus2022"}
    assert set(store.table("12411-01-01-4")["basis"].astype(str)) == {"zensus2022"}

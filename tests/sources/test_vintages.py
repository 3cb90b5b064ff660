"""Later vintages of shipped regionalstatistik tables are read at their own Stichtag and under
their own table code: nothing in the readers is tied to 2015 or 2017.

The fixtures in tests/fixtures/vintages/ were made by editing shipped files by hand:
- 12411-02-03-5_2024.csv: data/raw/genesapi-data/12411-02-03-5_00.csv with its title period
  31.12.2015 changed to 31.12.2024, © 2017 → 2025, Stand 10.10.2017 → 20.06.2025, only the
  rows of Adorf and Vrees kept, Adorf's "unter 3 Jahre" männlich 49 → 41, so insgesamt 96 → 88 and "Insgesamt" 5078 → 5070 (parts and totals agree, as the store's checks require);
- 12411-01-01-5_2016-2024.csv: 12411-01-01-5_00.csv as a 2016–2024 download: header with
  31.12.2024 … 31.12.2016 (newest first, as shipped), Adorf's values written by hand
  (4,844 in 2019 and 4,694 in 2023 as in the Gemeindeverzeichnis), Vrees with `-` in 2023/2024,
  and the footnote "ab dem Berichtsjahr 2022: nach dem Zensus 2022" added;
- 12411-02-03-4_2023-2024.csv: 12411-02-03-4_00.csv with Dortmund's 18 rows of 31.12.2015
  copied for 31.12.2023 and 31.12.2024, "Insgesamt" set to 12411-0015's 601343 / 603462;
- 12411-0015_flat_2023-2024.csv: the header of hdigital-zensus2022/1000A-0000_de_flat.csv with
  GENESIS-Online rows (statistic 12411, area dimension KREISE) for Dortmund and the
  Wartburgkreis, values from 12411-0015_kreise_2020-2024.csv.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dwk.sources.tables.read import read_file
from dwk.store import Store

FIX = Path(__file__).parent.parent / "fixtures" / "vintages"


def one(frame, **where):
    sub = frame
    for k, v in where.items():
        sub = sub.loc[sub[k] == v]
    assert len(sub) == 1, (where, len(sub))
    return sub.iloc[0]


def test_age_groups_2024_at_their_own_stichtag():
    # "31.12.2024;;;…" alone on line 7; "14523010;        Adorf/Vogtl., Stadt;88;102;…;5070;41;…"
    meta, f = read_file(FIX / "12411-02-03-5_2024.csv")
    assert meta.code == "12411-02-03-5" and meta.periods == ["2024-12-31"]
    assert meta.stand == "20.06.2025"
    assert meta.copyright == "© Statistische Ämter des Bundes und der Länder, Deutschland, 2025"
    adorf = f.loc[(f["area_key"] == "14523010") & (f["sex"] == "total")]
    assert len(adorf) == 18  # 17 groups + Insgesamt
    assert one(adorf, age="0-3")["value"] == 88
    assert one(adorf, age="total")["value"] == 5070
    assert one(adorf, age="75+")["value"] == 840
    # the footer says "Berichtsjahr ab 2011: … Zensus 2011", written before the 2022 rebase:
    # 2024 falls to the rule (Fortschreibung from 31.12.2022 on the Zensus 2022 basis)
    assert meta.basis == {"2024-12-31": "zensus2022"}
    assert meta.basis_from == {"2024-12-31": "regel"}
    assert set(adorf["basis"]) == {"zensus2022"}


def test_gemeinde_totals_2016_to_2024_name_their_own_table():
    meta, f = read_file(FIX / "12411-01-01-5_2016-2024.csv")
    assert meta.code == "12411-01-01-5" and set(f["table"]) == {"12411-01-01-5"}
    assert meta.periods == [f"{y}-12-31" for y in range(2016, 2025)]
    total = f.loc[(f["area_key"] == "14523010") & (f["sex"] == "total")].set_index("period")
    assert total.loc["2019-12-31", "value"] == 4844
    assert total.loc["2023-12-31", "value"] == 4694
    assert total.loc["2024-12-31", "value"] == 4650
    assert one(f, area_key="14523010", sex="female", period="2016-12-31")["value"] == 2609
    # Vrees "-;-;-" in 2024 and 2023: it did not exist then, no zeros
    vrees = f.loc[f["area_key"] == "03454055"]
    assert sorted(vrees["period"].unique())[-1] == "2022-12-31"
    # the footer states both bases: "ab dem Berichtsjahr 2011: nach dem Zensus 2011",
    # "ab dem Berichtsjahr 2022: nach dem Zensus 2022"
    assert meta.basis["2021-12-31"] == "zensus2011" and meta.basis["2022-12-31"] == "zensus2022"
    assert set(meta.basis_from.values()) == {"datei"}


def test_kreis_age_groups_with_the_period_in_the_rows():
    # "31.12.2024;05913;      Dortmund, Kreisfreie Stadt;Insgesamt;603462;296010;307452"
    meta, f = read_file(FIX / "12411-02-03-4_2023-2024.csv")
    assert meta.code == "12411-02-03-4" and meta.periods == ["2023-12-31", "2024-12-31"]
    assert (
        one(f, area_key="05913", period="2024-12-31", sex="total", age="total")["value"] == 603462
    )
    assert (
        one(f, area_key="05913", period="2023-12-31", sex="female", age="total")["value"] == 306342
    )
    assert one(f, area_key="05913", period="2024-12-31", sex="male", age="0-3")["value"] == 8168


def test_flat_file_of_genesis_online_reads_its_kreise():
    # "12411;…;2024-12-31;KREISE;Kreise und krfr. Städte;05913;Dortmund, kreisfreie Stadt;603462;…"
    meta, f = read_file(FIX / "12411-0015_flat_2023-2024.csv")
    assert meta.code == "12411"  # a flat file names its statistic only …
    assert meta.depth == "kreis" and set(f["level"]) == {"kreis"}
    assert one(f, area_key="05913", period="2024-12-31")["value"] == 603462
    assert one(f, area_key="16063", period="2023-12-31")["value"] == 156334
    meta, f = read_file(FIX / "12411-0015_flat_2023-2024.csv", table="12411-0015")
    assert meta.code == "12411-0015" and set(f["table"]) == {"12411-0015"}  # … --table the table


def test_a_later_vintage_joins_the_store_beside_the_shipped_one(tmp_path):
    store = Store(tmp_path / "store")
    store.import_files([FIX / "12411-02-03-5_2024.csv"])
    cells = store.table("12411-02-03-5")
    adorf = cells.loc[(cells["area_key"] == "14523010") & (cells["age"] == "total")]
    assert one(adorf, sex="total")["value"] == 5070
    assert set(adorf["basis"].astype(str)) == {"zensus2022"}
    assert store.metas("12411-02-03-5")[0].basis == {"2024-12-31": "zensus2022"}


@pytest.mark.parametrize(
    "name", ["12411-02-03-5_2024.csv", "12411-01-01-5_2016-2024.csv", "12411-02-03-4_2023-2024.csv"]
)
def test_no_stichtag_of_the_shipped_vintage_leaks_in(name):
    meta, f = read_file(FIX / name)
    # the shipped files are of 31.12.2015 (or earlier), © 2017, Stand 10.10.2017
    assert min(f["period"]) > "2015-12-31"
    assert meta.copyright.endswith("2025") and meta.stand == "20.06.2025"


def test_a_report_carries_the_source_line_of_every_file_of_a_table(store):
    """Dithmarschen's profile shows its population of 31.12.2024 from
    cartogram-12411-0015/12411-0015_kreise_2020-2024.csv (no Stand; its sidecar: "© Statistisches
    Bundesamt (Destatis)"), that of 2018 from untergeekDE-scrape-covid19/12411-0015.csv
    ("© Statistisches Bundesamt (Destatis), 2021", "Stand: 26.08.2021 / 18:48:04") and that of
    2023 from the sums of 31122023_Auszug_GV.xlsx (SOURCES.md: "Erscheinungsmonat Oktober
    2024"). Only the file with the latest Stand was credited, and "Oktober 2024" counted as no
    Stand: the Gemeindeverzeichnis of 2019 was named for figures of 2023."""
    from dwk.sources.tables.meta import stand_date

    lines = [(m.code, m.stand, m.copyright) for m in store.sources(["12411-0015", "GV-ISys"])]
    assert lines == [
        ("12411-0015", "", "© Statistisches Bundesamt (Destatis)"),
        ("12411-0015", "26.08.2021", "© Statistisches Bundesamt (Destatis), 2021"),
        (
            "GV-ISys",
            "31.12.2019",
            "© Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV-ISys",
        ),
        ("GV-ISys", "Oktober 2024", "© Statistisches Bundesamt (Destatis), 2024"),
    ]
    assert stand_date("Oktober 2024") > stand_date("31.12.2019") > stand_date("")
    assert stand_date("März 2020").month == 3 and stand_date("Oktober").year == 1

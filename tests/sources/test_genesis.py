"""The reader against the real files in data/raw; expected numbers are copied from the raw lines
quoted next to them."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import pytest

from dwk.core import paths
from dwk.core.errors import InputError
from dwk.sources.tables.cells import parse_cell
from dwk.sources.tables.keys import classify
from dwk.sources.tables.read import read_file

RAW = paths.raw_dir()


@cache
def read(name: str):
    """A shipped file read once per test process (the Gemeinde files take seconds to read);
    the tests only look at the frames."""
    return read_file(RAW / name)


def cell(frame, **where):
    sub = frame
    for k, v in where.items():
        sub = sub.loc[sub[k] == v]
    assert len(sub) == 1, (where, len(sub))
    return sub.iloc[0]


def test_latin1_periods_as_columns():
    # 12411-01-01-4.csv (Latin-1): "01003;      Lübeck, Hansestadt, Kreisfreie Stadt;216253;103683;112570"
    meta, f = read("genesapi-data/12411-01-01-4.csv")
    assert meta.encoding == "latin-1" and meta.code == "12411-01-01-4"
    row = cell(f, area_key="01003", sex="female")
    assert row["area_name"] == "Lübeck, Hansestadt, Kreisfreie Stadt" and row["value"] == 112570
    assert meta.stand == "14.12.2017"
    assert meta.copyright == "© Statistische Ämter des Bundes und der Länder, Deutschland, 2017"
    assert meta.licence_stated


def test_time_in_rows_and_all_dash_rows_drop():
    # 12411-01-01-4_00.csv: "13054;      Landkreis Ludwigslust;-;-;...;122564;61496;61068" (2015..2011 all "-")
    _, f = read("genesapi-data/12411-01-01-4_00.csv")
    ludwigslust = f.loc[(f["area_key"] == "13054") & (f["sex"] == "total")]
    assert ludwigslust["year"].max() == 2010
    assert cell(f, area_key="13054", sex="total", period="2010-12-31")["value"] == 122564


def test_title_period_and_seventeen_age_groups():
    # 12411-02-03-5_00.csv: period "31.12.2015" alone on a title line; Vrees 11-digit key
    _, f = read("genesapi-data/12411-02-03-5_00.csv")
    vrees = f.loc[(f["area_key"] == "03454055") & (f["sex"] == "total")]
    assert set(vrees["period"]) == {"2015-12-31"}
    assert len(vrees) == 18  # 17 groups + Insgesamt
    assert cell(vrees, age="total")["value"] == 1767
    assert set(vrees["source_key"]) == {"03454409055"}


def test_secret_cells_keep_their_flag():
    # 12411-02-03-5_00.csv line 9730: "11001;        Berlin-Mitte;.;.;..."
    _, f = read("genesapi-data/12411-02-03-5_00.csv")
    mitte = f.loc[f["source_key"] == "11001"]
    assert len(mitte) > 0 and (mitte["flag"] == ".").all() and mitte["value"].isna().all()
    assert (mitte["line"] == 9730).all()


def test_jahr_title_line_and_x_flag():
    # 13211-01-03-5_00.csv: "Jahr: 2016" title line; line 1205 "03151501;        Giebel, gem.fr. Geb.;x;x;x;x;x;x;x"
    _, f = read("genesapi-data/13211-01-03-5_00.csv")
    assert set(f["period"]) == {"2016"}
    giebel = f.loc[f["source_key"] == "03151501"]
    assert len(giebel) == 7 and (giebel["flag"] == "x").all() and giebel["value"].isna().all()
    assert (giebel["line"] == 1205).all()


def test_new_format_with_quality_flags():
    # 12621-0001_2016-2018.csv: "0 Jahre;0,00356226;e;..." and "2016/18" as a body line
    meta, f = read("helmutqualtinger-sterbetafeln/12621-0001_2016-2018.csv")
    assert meta.encoding == "utf-8-sig"
    q0 = cell(f, sex="male", age="0-1", variable="Sterbewahrscheinlichkeit [q(x)]")
    assert q0["value"] == pytest.approx(0.00356226) and q0["flag"] == "e"
    assert q0["period"] == "2016/2018"
    e0 = cell(f, sex="female", age="0-1", variable="Durchschnittliche Lebenserwartung [e(x)]")
    assert e0["value"] == pytest.approx(83.27)


def test_zensus_table_csv_and_flat_file_agree():
    # 1000A-0000_de.csv "034545409055;Vrees;Personen;Anzahl;1951;e"
    _, table = read("hdigital-zensus2022/1000A-0000_de.csv")
    _, flat = read("hdigital-zensus2022/1000A-0000_de_flat.csv")
    for f in (table, flat):
        row = cell(f, area_key="03454055")
        assert row["value"] == 1951 and row["flag"] == "e" and row["level"] == "gemeinde"
        assert cell(f, area_key="DG")["value"] == 82719540


def test_gemeindeverzeichnis_space_thousands_and_decimal_point():
    # AuszugGV4QAktuell.csv: "60,61,01,0,01,0000,000,"Flensburg, Stadt", 53.02, 90 164, ..."
    _, f = read("grundeinkommensbuero-gv/AuszugGV4QAktuell.csv")
    assert cell(f, area_key="01001000", variable="Bevölkerung", sex="total")["value"] == 90164
    assert cell(f, area_key="01001000", variable="Gebietsfläche")["value"] == pytest.approx(53.02)


def test_kreisfreie_stadt_and_city_states_get_deeper_keys():
    _, gem = read("genesapi-data/12411-01-01-5_00.csv")
    dortmund = cell(gem, area_key="05913000", sex="total", period="2015-12-31")
    assert dortmund["source_key"] == "05913" and dortmund["level"] == "gemeinde"
    _, kreis = read("genesapi-data/12411-01-01-4.csv")
    assert cell(kreis, area_key="02000", sex="total")["source_key"] == "02"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("DG", ("DG", "de")),
        ("14", ("14", "land")),
        ("031", ("031", "rb")),
        ("05913", ("05913", "kreis")),
        ("0713101", ("0713101", "verband")),
        ("03454409", ("03454409", "verband")),
        ("03454409055", ("03454055", "gemeinde")),
        ("0713100007", ("07131007", "gemeinde")),
        ("14523010", ("14523010", "gemeinde")),
        ("034545409055", ("03454055", "gemeinde")),
    ],
)
def test_key_levels_follow_structure(raw, expected):
    keys = [
        "DG",
        "14",
        "031",
        "05913",
        "0713101",
        "03454409",
        "03454409055",
        "0713100007",
        "14523010",
        "034545409055",
    ]
    assert classify(keys)[raw] == expected


@pytest.mark.parametrize(
    ("text", "value", "flag"),
    [
        ("-", 0.0, "-"),
        (".", math.nan, "."),
        ("...", math.nan, "..."),
        ("x", math.nan, "x"),
        ("/", math.nan, "/"),
        ("(12)", 12.0, "()"),
        ("1428,17", 1428.17, ""),
        ("-5", -5.0, ""),
        ("95015e", 95015.0, "e"),
        ("1.234,5", 1234.5, ""),
    ],
)
def test_cells_are_value_plus_flag(text, value, flag):
    v, f = parse_cell(text)
    assert f == flag
    assert (math.isnan(v) and math.isnan(value)) or v == value


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "leer"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "Binärdaten"),
        (b"hello;world\n1;2\n", "unbekanntes Dateiformat"),
        (b"GENESIS-Tabelle: 1\nTitel;;\n;;2015\n01;X;12abc\n", "kein Zahlenwert"),
    ],
)
def test_bad_files_are_one_clear_error(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_file(path)
    assert message in str(err.value) and "bad.csv" in str(err.value)
    assert "\n" not in str(err.value)


def test_bad_cell_names_line_and_column(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_text("GENESIS-Tabelle: 1\nTitel;;\n;;31.12.2015\n01;X;12\n02;Y;1?2\n", "utf-8")
    with pytest.raises(InputError) as err:
        read_file(path)
    assert str(err.value).startswith(f"{path}:5:3:")


def test_key_that_lost_its_leading_zero_is_an_error(tmp_path: Path):
    # "1051" is Dithmarschen 01051 after a spreadsheet dropped the zero
    path = tmp_path / "zero.csv"
    path.write_text(
        "GENESIS-Tabelle: 1\nTitel;;\n;;31.12.2015\n01001;Flensburg;85942\n1051;Dithmarschen;132917\n"
        "01053;Herzogtum Lauenburg;192999\n",
        "utf-8",
    )
    with pytest.raises(InputError) as err:
        read_file(path)
    assert str(err.value).startswith(f"{path}:5:1: ungültiger Gebietsschlüssel '1051'")

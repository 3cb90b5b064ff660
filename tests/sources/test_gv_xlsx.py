"""The Gemeindeverzeichnis XLSX as Destatis publishes it (data/raw/destatis-gv-2023,
SOURCES.md §10), and workbooks of other years made with openpyxl in the test."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from dwk.core import paths
from dwk.core.errors import InputError
from dwk.sources.tables.gv_xlsx import GEMEINDEART, STAEDTE
from dwk.sources.tables.read import read_file

XLSX = paths.data_dir() / "raw/destatis-gv-2023/31122023_Auszug_GV.xlsx"


@pytest.fixture(scope="module")
def gv():
    return read_file(XLSX)


def value(frame, key, variable, sex="total"):
    sub = frame.loc[(frame["area_key"] == key) & (frame["variable"] == variable)]
    sub = sub.loc[sub["sex"] == sex]
    assert len(sub) == 1, (key, variable, len(sub))
    return sub.iloc[0]["value"]


def test_adorf_2023(gv):
    # row 14317: ('60', '63', '14', '5', '23', '0010', '010', 'Adorf/Vogtl., Stadt', 42.97, 4694,
    #             2288, 2406, 109, '08626', '12,256069', '50,320622', 'C09', 'Vogtland', '03', …)
    meta, f = gv
    assert meta.code == "GV-ISys" and meta.periods == ["2023-12-31"]
    assert value(f, "14523010", "Bevölkerung") == 4694
    assert value(f, "14523010", "Bevölkerung", "male") == 2288
    assert value(f, "14523010", "Bevölkerung", "female") == 2406
    assert value(f, "14523010", "Gebietsfläche") == pytest.approx(42.97)
    assert value(f, "14523010", "Grad der Verstädterung") == 3
    assert value(f, "14523010", "Längengrad") == pytest.approx(12.256069)
    assert value(f, "14523010", "Breitengrad") == pytest.approx(50.320622)
    assert set(f.loc[f["area_key"] == "14523010", "line"]) == {14317}


def test_meta_from_title_and_inhalt(gv):
    meta, _ = gv
    # title row: "Gemeinden in Deutschland nach Fläche, Bevölkerung und Postleitzahl am 31.12.2023 (Jahr)"
    assert meta.title.endswith("am 31.12.2023 (Jahr)")
    assert meta.stand == "Oktober 2024"  # Inhalt: "Erscheinungsmonat: Oktober 2024"
    assert meta.copyright == "© Statistisches Bundesamt (Destatis), 2024"
    assert meta.licence.startswith("Vervielfältigung und Verbreitung, auch auszugsweise")
    assert meta.basis == {"2023-12-31": "zensus2011"}  # the sidecar, SOURCES.md §10


def test_every_gemeinde_once_and_the_rest_counted(gv):
    meta, f = gv
    # 10,981 rows of Satzart 60, counted with openpyxl alone
    assert f["area_key"].nunique() == 10981
    assert (
        "5.054 Zeilen für Land, Bezirk, Region, Kreis oder Verband übersprungen (Satzart 10–50)"
        in meta.warnings
    )
    # rows 16043–16053: "Quelle: …", footnotes 1)–3), © lines
    assert "11 Fußzeilen übersprungen (Quelle, Fußnoten, ©)" in meta.warnings
    assert any(n.startswith("1) Abweichungen bei den Flächenangaben") for n in meta.footnotes)


def test_gemeindeart_tells_staedte(gv):
    _, f = gv
    kind = f.loc[f["variable"] == "Gemeindeart (Textkennzeichen)"].set_index("area_key")["value"]
    # row 10 Flensburg, Stadt (61); row 22 Brunsbüttel, Stadt (63); row 26 Averlak (64);
    # row 8654 Tüßling, M (60, a Markt: not a Stadt)
    assert GEMEINDEART[int(kind["01001000"])] == "Kreisfreie Stadt"
    assert int(kind["01051011"]) == 63 and int(kind["14523010"]) == 63
    assert GEMEINDEART[int(kind["01051003"])] == "Kreisangehörige Gemeinde"
    assert int(kind["01051003"]) not in STAEDTE
    assert GEMEINDEART[int(kind["09171133"])] == "Markt" and int(kind["09171133"]) not in STAEDTE
    names = f.drop_duplicates("area_key").set_index("area_key")["area_name"]
    staedte = {k for k, v in kind.items() if int(v) in STAEDTE}
    # every name with ", Stadt" is a Stadt by its Textkennzeichen
    assert {k for k, n in names.items() if n.endswith(", Stadt")} <= staedte


def _workbook(path: Path, *, sheet: str, stichtag: str, drop: str | None = None) -> Path:
    """A GV workbook laid out like Destatis': title, heading rows, data, footnotes."""
    top = [
        "Satz-art",
        "Text-kenn-zeichen",
        "Amtlicher Regionalschlüssel (ARS)",
        None,
        None,
        None,
        None,
        "Gemeindename",
        "Fläche km2 1)",
        "Bevölkerung2)",
        None,
        None,
        None,
    ]
    sub = [
        None,
        None,
        "Land",
        "RB",
        "Kreis",
        "VB",
        "Gem",
        None,
        None,
        "insgesamt",
        "männlich",
        "weiblich",
        "je km2",
    ]
    rows = [
        ["10", None, "01", None, None, None, None, "Schleswig-Holstein"] + [None] * 5,
        [
            "60",
            "61",
            "01",
            "0",
            "01",
            "0000",
            "000",
            "Flensburg, Stadt",
            56.73,
            91113,
            45000,
            46113,
            1606,
        ],
        ["60", "64", "01", "0", "51", "5163", "003", "Averlak", 9.06, 580, 297, 283, 64],
    ]
    if drop:
        j = sub.index(drop)
        for r in (top, sub, *rows):
            del r[j]
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "Inhalt"
    info.append(["Gemeindeverzeichnis"])
    info.append([f"Gebietsstand: {stichtag} (Jahr)"])
    ws = wb.create_sheet(sheet)
    ws.append([f"Gemeinden in Deutschland nach Fläche, Bevölkerung und Postleitzahl am {stichtag}"])
    ws.append([])
    ws.append(top)
    ws.append(sub)
    ws.append([None, None, f"Gebietsstand am {stichtag}"])
    ws.append([])
    for r in rows:
        ws.append(r)
    ws.append([])
    ws.append(["1) Abweichungen bei den Flächenangaben sind durch Runden der Zahlen möglich."])
    out = path / "31122021_Auszug_GV.xlsx"
    wb.save(out)
    return out


def test_another_year_and_sheet_name(tmp_path):
    f_path = _workbook(tmp_path, sheet="Onlineprodukt_Gemeinden31122021", stichtag="31.12.2021")
    meta, f = read_file(f_path)
    assert meta.periods == ["2021-12-31"] and set(f["year"]) == {2021}
    assert value(f, "01001000", "Bevölkerung") == 91113
    assert value(f, "01051003", "Bevölkerung", "female") == 283
    # no sidecar: the rule (GV editions up to 31.12.2023 are Zensus-2011-based)
    assert meta.basis == {"2021-12-31": "zensus2011"} and meta.basis_from == {"2021-12-31": "regel"}
    # an edition without coordinates or Verstädterung has none of those cells
    assert "Längengrad" not in set(f["variable"])


def test_key_parts_saved_as_numbers(tmp_path):
    """Excel turns "01" into 1 when a user re-saves the file: the key keeps its zeros."""
    f_path = _workbook(tmp_path, sheet="Gemeinden", stichtag="31.12.2022")
    wb = openpyxl.load_workbook(f_path)
    ws = wb["Gemeinden"]
    for row in ws.iter_rows(min_row=7):
        if row[2].value:
            row[2].value, row[4].value = int(row[2].value), int(row[4].value or 0)
    wb.save(f_path)
    _, f = read_file(f_path)
    assert value(f, "01051003", "Bevölkerung") == 580
    assert set(f["period"]) == {"2022-12-31"}


def test_missing_column_names_sheet_row_and_column(tmp_path):
    f_path = _workbook(tmp_path, sheet="Gemeinden", stichtag="31.12.2021", drop="männlich")
    with pytest.raises(InputError) as err:
        read_file(f_path)
    # heading row 3; the Bevölkerung group starts in column J
    assert str(err.value) == (
        f"{f_path}: Blatt Gemeinden, Zeile 3, Spalte J: "
        "Spalte Bevölkerung männlich fehlt im Gemeindeverzeichnis"
    )


def test_workbook_without_a_gv_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Tabelle1"
    wb.active.append(["AGS", "Name", "Einwohner"])
    wb.save(tmp_path / "liste.xlsx")
    with pytest.raises(InputError, match="XLSX ohne Gemeindeverzeichnis-Blatt .*Blätter: Tabelle1"):
        read_file(tmp_path / "liste.xlsx")


def test_a_damaged_workbook_is_one_german_line(tmp_path):
    """A Zip archive without a workbook, and the published file with a sheet cut off: before,
    "nicht lesbar (KeyError)" and a traceback (ParseError: unclosed token)."""
    import zipfile

    empty = tmp_path / "leer.xlsx"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("notiz.txt", "kein Excel")
    with pytest.raises(InputError) as err:
        read_file(empty)
    assert str(err.value) == f"{empty}: keine XLSX-Datei (Zip-Archiv ohne Excel-Arbeitsmappe)"
    cut = tmp_path / "abgeschnitten.xlsx"
    with zipfile.ZipFile(XLSX) as src, zipfile.ZipFile(cut, "w") as z:
        for name in src.namelist():
            part = src.read(name)
            z.writestr(
                name, part[: len(part) // 3] if name.startswith("xl/worksheets/sheet") else part
            )
    with pytest.raises(InputError) as err:
        read_file(cut)
    assert str(err.value) == f"{cut}: XLSX-Datei beschädigt: Blatt Inhalt nicht lesbar"

"""A table whose title lines were lost upstream (12411-0015 Kreise 2020–2024, SOURCES.md §9):
read with the code its sidecar or `--table` gives, refused with one German line without."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dwk.core import paths
from dwk.core.errors import InputError
from dwk.sources.tables.read import read_file

FOLDER = paths.data_dir() / "raw/cartogram-12411-0015"
FILE = FOLDER / "12411-0015_kreise_2020-2024.csv"
NO_CODE = (
    "die Datei nennt keinen Tabellencode (Titelzeile 'Tabelle: …' fehlt): bitte mit --table "
    "angeben, z. B. dwk data import DATEI --table 12411-0015"
)


@pytest.fixture
def bare(tmp_path) -> Path:
    """The file without its sidecar, as a user downloads it."""
    out = tmp_path / FILE.name
    shutil.copy(FILE, out)
    return out


def kreis(frame, key):
    sub = frame.loc[frame["area_key"] == key]
    return dict(zip(sub["period"], sub["value"], strict=True))


def test_read_with_its_sidecar():
    meta, f = read_file(FILE)
    assert meta.code == "12411-0015" and set(f["table"]) == {"12411-0015"}
    assert meta.periods == [f"{y}-12-31" for y in range(2020, 2025)]
    # line 116: "05913;Dortmund, kreisfreie Stadt;587696;e;586852;e;599370;e;601343;e;603462;e"
    dortmund = kreis(f, "05913")
    assert dortmund["2024-12-31"] == 603462 and dortmund["2020-12-31"] == 587696
    assert set(f.loc[f["area_key"] == "05913", "flag"]) == {"e"}
    # line 463: "16056;Eisenach, kreisfreie Stadt (bis 30.06.2021);41970;e;-;;-;;-;;-;"
    assert kreis(f, "16056") == {"2020-12-31": 41970}
    # line 466: "16063;Wartburgkreis;117967;e;158900;e;…" (Eisenach joined in 2021)
    assert kreis(f, "16063")["2021-12-31"] == 158900
    # 476 keys, of them 75 old Kreise with "-" in every year (counted with the csv module)
    assert f["area_key"].nunique() == 476 - 75
    assert meta.copyright == "© Statistisches Bundesamt (Destatis)"
    assert meta.title.startswith("Bevölkerung: Kreise, Stichtag")
    assert "Tabelle 12411-0015" in meta.attribution


def test_without_code_one_german_line(bare):
    with pytest.raises(InputError) as err:
        read_file(bare)
    assert str(err.value) == f"{bare}:1:1: {NO_CODE}"


def test_table_names_it(bare):
    meta, f = read_file(bare, table="12411-0015")
    assert meta.code == "12411-0015"
    assert kreis(f, "05913")["2024-12-31"] == 603462
    # no sidecar: the basis by rule, and the missing footer said
    assert meta.basis["2021-12-31"] == "zensus2011" and meta.basis["2022-12-31"] == "zensus2022"
    assert set(meta.basis_from.values()) == {"regel"}
    assert "keine Fußzeile mit © und Stand: Datei womöglich unvollständig" in meta.warnings


def test_table_that_contradicts_the_file():
    with pytest.raises(
        InputError, match="die Datei nennt Tabelle 12411-01-01-4, angegeben ist 12411-0015"
    ):
        read_file(paths.raw_dir() / "genesapi-data/12411-01-01-4_00.csv", table="12411-0015")
    with pytest.raises(InputError, match="--table 'Kreise' ist kein Tabellencode"):
        read_file(paths.raw_dir() / "genesapi-data/12411-01-01-4_00.csv", table="Kreise")


@pytest.fixture
def cache(store, cache_dir, tmp_path) -> Path:
    """A copy of the session's store: an import here leaves the other tests' store alone."""
    out = tmp_path / "cache"
    shutil.copytree(cache_dir, out)
    return out


def dwk(*args: object, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DWK_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-c", "from dwk.cli import console; console()", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_cli_import(bare, cache):
    r = dwk("data", "import", bare, cache=cache)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == f"Fehler: {bare}:1:1: {NO_CODE}\n"
    r = dwk("data", "import", bare, "--table", "12411-0015", cache=cache)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        f"{bare.name}: Tabelle 12411-0015, 5 Stichtag(e), Stand –",
        "  Hinweis: keine Fußzeile mit © und Stand: Datei womöglich unvollständig",
        "  Hinweis: 379 Zellen weggelassen: Gebiet im Zeitraum nur mit „-“ (bestand nicht)",
        "  Zensus-Basis: 31.12.2020–31.12.2021 Zensus 2011 (nach Regel), "
        "31.12.2022–31.12.2024 Zensus 2022 (nach Regel)",
    ]


def test_cli_import_xlsx(cache):
    xlsx = paths.data_dir() / "raw/destatis-gv-2023/31122023_Auszug_GV.xlsx"
    r = dwk("data", "import", xlsx, cache=cache)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == (
        "31122023_Auszug_GV.xlsx: Tabelle GV-ISys, 1 Stichtag(e), Stand Oktober 2024"
    )

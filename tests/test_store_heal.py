"""The store trusts none of its own files and heals itself; no two files silently disagree; no
input is read whole before its size is checked.

Before this (aae8560): a truncated Parquet file or manifest gave a traceback on every later
run (`ArrowInvalid: … magic bytes not found`, `JSONDecodeError`); a raw file whose size and
time matched was never read again; a file conflicting with a shipped one of the same Stand was
imported with exit code 0 and one of them won silently; a 5 GiB file was read into memory.
Each case here runs `dwk` in a child process on a copy of the session's store.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dwk.core import paths
from dwk.core.errors import InputError
from dwk.store import SCHEMA_VERSION, Store

BAD = Path(__file__).parent / "fixtures" / "bad"
RAW = paths.raw_dir()
SMALL = "raw:genesapi-data/12411-01-01-4.csv"  # 28 KB: quick to rebuild
GOOD = BAD / "genesis_keys_excel_formula.csv"  # imported with exit code 0: the shipped numbers


def dwk(
    *args: object, cache: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    full = {**os.environ, "DWK_CACHE_DIR": str(cache), **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", "from dwk.cli import console; console()", *map(str, args)],
        capture_output=True,
        text=True,
        env=full,
        check=False,
    )


@pytest.fixture
def cache(store, cache_dir, tmp_path) -> Path:
    shutil.copytree(cache_dir / f"store-v{SCHEMA_VERSION}", tmp_path / f"store-v{SCHEMA_VERSION}")
    return tmp_path


def root(cache: Path) -> Path:
    return cache / f"store-v{SCHEMA_VERSION}"


def assert_whole(cache: Path, origins: int) -> Store:
    """Manifest readable, every Parquet file with its recorded hash, Flensburg as in the raw
    file (12411-01-01-4.csv line 11: "01001;      Flensburg, Kreisfreie Stadt;85942;42767;43175")."""
    store = Store(root(cache))
    assert store.notices == []
    assert len(store.entries) == origins
    assert all(store._intact(e) for e in store.entries.values())
    t = store.table("12411-01-01-4")
    cell = t.loc[(t["area_key"] == "01001") & (t["period"] == "2015-12-31") & (t["sex"] == "total")]
    assert cell["value"].tolist() == [85942.0]
    return store


def imported(cache: Path) -> int:
    r = dwk("data", "import", GOOD, cache=cache)
    assert r.returncode == 0, r.stderr
    return len(Store(root(cache)).entries)


def test_truncated_parquet_is_rebuilt_with_one_notice(cache):
    n = len(Store(root(cache)).entries)
    entry = Store(root(cache)).entries[SMALL]
    os.truncate(root(cache) / entry.parquet, 1000)
    r = dwk("data", "import", GOOD, cache=cache)
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert r.stderr == (
        f"Hinweis: Datenbestand: {entry.parquet} beschädigt, aus "
        f"{RAW / 'genesapi-data/12411-01-01-4.csv'} neu aufgebaut\n"
    )
    assert_whole(cache, n + 1)


def test_damaged_manifest_is_recovered_with_the_imported_tables(cache):
    n = imported(cache)
    manifest = root(cache) / "manifest.json"
    os.truncate(manifest, 500)
    r = dwk("data", "import", BAD / "genesis_latin1.csv", cache=cache)
    assert r.returncode == 0, r.stderr
    assert r.stderr == (
        f"Hinweis: Verzeichnis des Datenbestands beschädigt ({manifest}): aus "
        f"den Einträgen neu aufgebaut ({n} Dateien)\n"
    )
    store = assert_whole(cache, n + 1)
    assert "import:" + str(GOOD.resolve()) in store.entries


def test_lost_manifest_is_recovered_too(cache):
    n = imported(cache)
    (root(cache) / "manifest.json").unlink()
    r = dwk("data", "import", GOOD, cache=cache)
    assert r.returncode == 0 and r.stderr.startswith("Hinweis: Verzeichnis des Datenbestands")
    assert_whole(cache, n)


def test_damaged_import_whose_file_changed_is_dropped_with_a_notice(cache, tmp_path):
    own = tmp_path / "eigene.csv"
    own.write_bytes(GOOD.read_bytes())
    r = dwk("data", "import", own, cache=cache)
    assert r.returncode == 0, r.stderr
    n = len(Store(root(cache)).entries)
    entry = Store(root(cache)).entries["import:" + str(own.resolve())]
    (root(cache) / entry.parquet).write_bytes(b"PAR1 kaputt")
    own.write_bytes(GOOD.read_bytes().replace(b"132917", b"132918"))
    r = dwk("data", "import", BAD / "genesis_latin1.csv", cache=cache)
    assert r.returncode == 0, r.stderr
    assert r.stderr == (
        f"Hinweis: Datenbestand: Tabelle 12411-01-01-4 aus {own.resolve()} war "
        "beschädigt und die Datei ist nicht mehr dieselbe: bitte neu importieren "
        "(dwk data import)\n"
    )
    assert_whole(cache, n)  # without the dropped one, with genesis_latin1.csv


def test_a_copy_of_a_shipped_file_imported_keeps_both_intact(cache, tmp_path):
    """Both are read with their own file name in every cell, so their Parquet files differ.
    Before, both were named by the input's hash, one overwrote the other, and every later run
    rebuilt both as damaged, with two notices (found importing a copy of 11111-01-01-4)."""
    copy = tmp_path / "12411-01-01-4-nochmal.csv"
    copy.write_bytes((RAW / SMALL.removeprefix("raw:")).read_bytes())
    n = len(Store(root(cache)).entries)
    r = dwk("data", "import", copy, cache=cache)
    assert r.returncode == 0, r.stderr
    for _ in range(2):
        r = dwk("areas", cache=cache)
        assert (r.returncode, r.stderr) == (0, "")
    store = assert_whole(cache, n + 1)
    ours, shipped = store.entries["import:" + str(copy.resolve())], store.entries[SMALL]
    assert ours.sha256 == shipped.sha256 and ours.parquet != shipped.parquet
    for entry, name in ((ours, copy.name), (shipped, "12411-01-01-4.csv")):
        cells = pd.read_parquet(root(cache) / entry.parquet, columns=["source"])
        assert set(cells["source"]) == {name}


def test_raw_file_hash_decides_freshness(tmp_path):
    """A file read while it was still being written: same size and time as the finished file,
    other bytes. Before, the half-written version stayed in the store for good."""
    raw, cache = tmp_path / "raw", tmp_path / "cache"
    raw.mkdir()
    path = raw / "t.csv"
    finished = GOOD.read_bytes()  # line 9: '="01001";      Flensburg, Kreisfreie Stadt;85942;…'
    half = finished.replace(b"85942;42767;43175", b"00000;00000;00000")
    path.write_bytes(half)
    os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)
    Store.open(raw_dir=raw, cache=cache)
    path.write_bytes(finished)
    os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)
    t = Store.open(raw_dir=raw, cache=cache).table("12411-01-01-4")
    cell = t.loc[(t["area_key"] == "01001") & (t["period"] == "2015-12-31") & (t["sex"] == "total")]
    assert cell["value"].tolist() == [85942.0]


def test_unchanged_files_are_not_read_again_but_rewritten_ones_are(tmp_path, monkeypatch):
    """The stat fast path: an unchanged raw file is trusted by its stamp and not read; the same
    size and a faked mtime do not hide new bytes, because the stamp holds the ctime."""
    import dwk.store
    import dwk.store_heal

    monkeypatch.setattr(dwk.store_heal, "RACY_NS", 0)  # stamp files at once, not after 2 s
    raw, cache = tmp_path / "raw", tmp_path / "cache"
    raw.mkdir()
    path = raw / "t.csv"
    finished = GOOD.read_bytes()  # line 9: '="01001";      Flensburg, Kreisfreie Stadt;85942;…'
    path.write_bytes(finished.replace(b"85942;42767;43175", b"00000;00000;00000"))
    os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)
    Store.open(raw_dir=raw, cache=cache)
    reads = []
    real = dwk.store.read_bytes
    monkeypatch.setattr(dwk.store, "read_bytes", lambda p, *a: reads.append(p) or real(p, *a))
    Store.open(raw_dir=raw, cache=cache)
    assert reads == []
    path.write_bytes(finished)
    os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)
    t = Store.open(raw_dir=raw, cache=cache).table("12411-01-01-4")
    assert reads == [path]
    cell = t.loc[(t["area_key"] == "01001") & (t["period"] == "2015-12-31") & (t["sex"] == "total")]
    assert cell["value"].tolist() == [85942.0]


def test_files_read_on_several_processes_fail_as_one_by_one(tmp_path, monkeypatch):
    """The first build reads its files on one process per core (`sources.read_many`): a bad
    file still stops the build with its own error, file, line and column."""
    import dwk.sources.read_many as read_many

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.csv").write_bytes(GOOD.read_bytes())
    # line 4 of b.csv: "01;X;zwölf", a value that is no number (third column)
    (raw / "b.csv").write_bytes("GENESIS-Tabelle: 1\nTitel;;\n;;31.12.2015\n01;X;zwölf\n".encode())
    errors = []
    for parallel in (False, True):
        if parallel:
            monkeypatch.setattr(read_many, "PARALLEL_BYTES", 0)
            monkeypatch.setattr(read_many, "usable_cores", lambda: 2)
        with pytest.raises(InputError) as err:
            Store.open(raw_dir=raw, cache=tmp_path / f"cache-{parallel}")
        errors.append((str(err.value), err.value.line, err.value.column))
    assert errors[0] == errors[1] and errors[0][1:] == (4, 3)
    assert errors[0][0].startswith(f"{raw / 'b.csv'}:4:3: ")


# --- conflicts between files ----------------------------------------------------------------


def test_same_table_and_stand_with_another_number_names_both_files(cache):
    manifest = (root(cache) / "manifest.json").read_bytes()
    # genesis_conflicts_shipped.csv line 9 "01001;…;85943;42768;43175", Stand 14.12.2017;
    # data/raw/genesapi-data/12411-01-01-4.csv line 11 "01001;…;85942;42767;43175", same Stand
    name = BAD / "genesis_conflicts_shipped.csv"
    r = dwk("data", "import", name, cache=cache)
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == (
        f"Fehler: {name}:9:3: widerspricht {RAW / 'genesapi-data/12411-01-01-4.csv'} "
        "(Tabelle 12411-01-01-4, gleicher Stand 14.12.2017): Gebiet 01001, "
        "2015-12-31 hier 85943, dort 85942 (Zeile 11)\n"
    )
    assert (root(cache) / "manifest.json").read_bytes() == manifest


def test_two_files_of_one_import_that_disagree(cache, tmp_path):
    manifest = (root(cache) / "manifest.json").read_bytes()
    a = tmp_path / "a.csv"
    b = tmp_path / "b.csv"
    text = GOOD.read_bytes().replace(b"Stand: 14.12.2017", b"Stand: 01.03.2018")
    a.write_bytes(text)
    b.write_bytes(text.replace(b"132917;65512", b"132918;65513"))
    r = dwk("data", "import", a, b, cache=cache)
    assert r.returncode == 2
    assert r.stderr == (
        f"Fehler: {b}:10:3: widerspricht {a} (Tabelle 12411-01-01-4, gleicher "
        "Stand 01.03.2018): Gebiet 01051, 2015-12-31 hier 132918, dort 132917 "
        "(Zeile 10)\n"
    )
    assert (root(cache) / "manifest.json").read_bytes() == manifest


def test_a_later_stand_wins_with_a_warning(cache, tmp_path):
    newer = tmp_path / "neuer.csv"
    newer.write_bytes(
        GOOD.read_bytes()
        .replace(b"Stand: 14.12.2017", b"Stand: 01.03.2018")
        .replace(b"85942;42767", b"85952;42777")
    )
    r = dwk("data", "import", newer, cache=cache)
    assert (r.returncode, r.stderr) == (0, "")
    shipped = RAW / "genesapi-data"
    # Flensburg's 2015 total and male differ from both shipped files, oldest Stand first
    assert r.stdout.splitlines()[3:] == [
        f"  Hinweis: 2 Zellen weichen von {shipped / '12411-01-01-4_00.csv'} (Stand 10.10.2017) "
        "ab: es gilt der spätere Stand (dieser Datei)",
        f"  Hinweis: 2 Zellen weichen von {shipped / '12411-01-01-4.csv'} (Stand 14.12.2017) "
        "ab: es gilt der spätere Stand (dieser Datei)",
        "  Zensus-Basis: 31.12.2015 Zensus 2011 (nach Regel)",
    ]
    t = Store(root(cache)).table("12411-01-01-4")
    cell = t.loc[(t["area_key"] == "01001") & (t["period"] == "2015-12-31") & (t["sex"] == "total")]
    assert cell["value"].tolist() == [85952.0]


# --- size limits ----------------------------------------------------------------------------


def test_a_5_gib_table_is_refused_before_reading(cache, tmp_path):
    big = tmp_path / "riesig.csv"
    with big.open("wb") as fh:
        fh.truncate(5 * 1024**3)  # sparse: takes no disk space
    r = dwk("data", "import", big, cache=cache)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr == (
        f"Fehler: {big}: Datei zu groß (5,0 GiB, Grenze für Tabellen: 256,0 MiB; "
        "DWK_LIMIT_TABLE_MIB setzt sie in MiB)\n"
    )


def test_limits_for_surveys_and_toml(cache, tmp_path):
    survey = tmp_path / "befragung.csv"
    with survey.open("wb") as fh:
        fh.truncate(64 * 1024**2 + 1)
    book = paths.data_dir() / "surveys" / "buergerbefragung.toml"
    r = dwk("survey", "summarize", survey, "--codebook", book, "--area", "adorf", cache=cache)
    assert r.returncode == 2
    assert r.stderr == (
        f"Fehler: {survey}: Datei zu groß (64,0 MiB, Grenze für "
        "Befragungsdateien: 64,0 MiB; DWK_LIMIT_SURVEY_MIB setzt sie in MiB)\n"
    )
    codebook = tmp_path / "codebook.toml"
    with codebook.open("wb") as fh:
        fh.truncate(1024**2 + 1)
    export = paths.data_dir() / "surveys" / "adorf-buergerbefragung.csv"
    r = dwk("survey", "summarize", export, "--codebook", codebook, "--area", "adorf", cache=cache)
    assert r.returncode == 2
    assert r.stderr == (
        f"Fehler: {codebook}: Datei zu groß (1,0 MiB, Grenze für TOML-Dateien: "
        "1,0 MiB; DWK_LIMIT_TOML_MIB setzt sie in MiB)\n"
    )


def test_a_limit_can_be_set(cache):
    # the demo export has more than 1 KiB; 0.001 MiB = 1048 bytes
    export = paths.data_dir() / "surveys" / "adorf-buergerbefragung.csv"
    book = paths.data_dir() / "surveys" / "buergerbefragung.toml"
    args = ("survey", "summarize", export, "--codebook", book, "--area", "adorf")
    r = dwk(*args, cache=cache, env={"DWK_LIMIT_SURVEY_MIB": "0.001"})
    assert r.returncode == 2
    assert r.stderr.startswith(f"Fehler: {export}: Datei zu groß (")
    assert r.stderr.endswith(
        "Grenze für Befragungsdateien: 1,0 KiB; DWK_LIMIT_SURVEY_MIB setzt sie in MiB)\n"
    )
    r = dwk(*args, cache=cache, env={"DWK_LIMIT_SURVEY_MIB": "viel"})
    assert (r.returncode, r.stderr) == (
        2,
        "Fehler: DWK_LIMIT_SURVEY_MIB='viel' ist keine Zahl (MiB)\n",
    )


def test_manifest_lists_both_hashes(cache):
    raw = json.loads((root(cache) / "manifest.json").read_text("utf-8"))
    entry = raw["entries"][SMALL]
    assert len(entry["sha256"]) == 64 and len(entry["parquet_sha256"]) == 64

"""The bad-input corpus (tests/fixtures/bad/, listed in its README.md): every file is fed to the
command or loader that reads it and must give its documented outcome exactly.

E: exit code 2 and exactly one German line on stderr, `Fehler: <file>[:line[:column]]: …`, no
traceback, the store unchanged. H: the value and flag read. W: the counted warning, shown by
`dwk data import` as `  Hinweis: …` and kept in the table's metadata.

The CLI runs in a subprocess against a copy of the session's store, so that no import reaches
the shared cache. To keep the corpus fast, one child process runs `dwk.cli.main` once per file
(what the `dwk` script runs) and reports exit code, stdout and stderr of each, an unexpected
exception as its traceback; a few cases also run as a process of their own.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from dwk.core import paths
from dwk.core.errors import ConfigError, DwkError
from dwk.store import SCHEMA_VERSION, Store

BAD = Path(__file__).parent / "fixtures" / "bad"
CODEBOOK = paths.data_dir() / "surveys" / "buergerbefragung.toml"
SOSCI_CODEBOOK = BAD / "sosci_codebook.toml"
ADORF_EXPORT = paths.data_dir() / "surveys" / "adorf-buergerbefragung.csv"
FOOTER_7 = "7 Fußzeilen übersprungen (Fußnoten, ©, Stand)"
NO_FOOTER = "keine Fußzeile mit © und Stand: Datei womöglich unvollständig"


def cli(*args: object, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DWK_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-c", "from dwk.cli import console; console()", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


# one process, many commands: each as `dwk ARGS…` would run it
_DRIVER = """
import contextlib, io, json, sys, traceback
from dwk.cli import main
out = {}
for name, args in json.loads(sys.stdin.read()).items():
    sys.argv = ["dwk", *args]
    stdout, stderr, rc = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            main()
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        except BaseException:
            traceback.print_exc()
            rc = 1
    out[name] = [rc, stdout.getvalue(), stderr.getvalue()]
json.dump(out, sys.stdout)
"""


def cli_batch(jobs: dict[str, list[object]], cache: Path) -> dict[str, subprocess.CompletedProcess]:
    env = {**os.environ, "DWK_CACHE_DIR": str(cache)}
    payload = json.dumps({name: [str(a) for a in args] for name, args in jobs.items()})
    r = subprocess.run(
        [sys.executable, "-c", _DRIVER],
        input=payload,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    return {
        name: subprocess.CompletedProcess(jobs[name], rc, out, err)
        for name, (rc, out, err) in json.loads(r.stdout).items()
    }


def one_line_error(r: subprocess.CompletedProcess, path: Path, where: str, message: str) -> None:
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stderr == f"Fehler: {path}{where}: {message}\n"


# --- official tables: `dwk data import FILE` ------------------------------------------------

TABLE_ERRORS = {
    "genesis_empty.csv": ("", "Datei ist leer"),
    "genesis_header_only.csv": ("", "Tabelle ohne Datenzeilen"),
    "genesis_title_only.csv": (":3", "Tabelle ohne Kopfzeilen"),
    "genesis_no_period.csv": ("", "keine Zeitangabe (Stichtag oder Jahr) gefunden"),
    "genesis_data_before_header.csv": (":3:1", "Datenzeile vor den Kopfzeilen"),
    "genesis_key_lost_zero.csv": (
        ":10:1", "ungültiger Gebietsschlüssel '1051' (führende Null verloren? gemeint wohl '01051')"
    ),
    "genesis_keys_all_lost_zero.csv": (
        ":9:1", "ungültiger Gebietsschlüssel '1001' (führende Null verloren? gemeint wohl '01001')"
    ),
    "genesis_ags_lost_zero_7digit.csv": (
        ":8:1",
        "ungültiger Gebietsschlüssel '1002000' (führende Null verloren? gemeint wohl '01002000')",
    ),
    "genesis_ars_lost_zero.csv": (
        ":5:1",
        "ungültiger Gebietsschlüssel '10010000000' (führende Null verloren? gemeint wohl "
        "'010010000000')",
    ),
    "genesis_key_malformed.csv": (":10:1", "ungültiger Gebietsschlüssel '0100100X'"),
    "genesis_duplicate_key.csv": (":11:1", "Gebietsschlüssel '01001' doppelt (zuerst in Zeile 9)"),
    "genesis_duplicate_column.csv": (":3:5", "Spalte 5 hat denselben Kopf wie Spalte 3"),
    "genesis_ragged.csv": (
        ":9:6", "Wert '999' ohne Spaltenkopf (die Kopfzeilen haben 5 Spalten)"
    ),
    "genesis_truncated.csv": (":10:4", "Zeile hat 3 Felder, die Kopfzeilen haben 5"),
    "genesis_decimal_point.csv": (":5:3", "kein Zahlenwert: '1428.17'"),
    "genesis_unknown_symbol.csv": (":9:4", "kein Zahlenwert: 'k.A.'"),
    "genesis_unterminated_quote.csv": (
        ":10", "Anführungszeichen wird bis zum Dateiende nicht geschlossen (Feld beginnt hier)"
    ),
    "genesis_mixed_encoding.csv": (
        ":9:14", "Kodierung gemischt: UTF-8-Umlaute, aber Byte 309 (0xfc) ist kein UTF-8"
    ),
    "genesis_xlsx_renamed.csv": (":1", "keine Textdatei (enthält Binärdaten)"),
    "not_a_table.csv": (
        ":1:1",
        "unbekanntes Dateiformat (weder GENESIS-Tabellen-CSV, Flatfile noch Gemeindeverzeichnis)",
    ),
    "ffcsv_missing_columns.csv": (":1", "Flatfile ohne Spalten time, value_unit"),
    "ffcsv_bad_key.csv": (
        ":2:8",
        "ungültiger Gebietsschlüssel '10010000000' (führende Null verloren? gemeint wohl "
        "'010010000000')",
    ),
    "gv_key_lost_zero.csv": (
        ":2:3",
        "ungültiger Gemeindeschlüssel '1001000' (führende Null verloren? gemeint wohl '01001000')",
    ),
    "gv_duplicate_gemeinde.csv": (":3:3", "Gemeindeschlüssel '01001000' doppelt (zuerst in Zeile 2)"),
    "gv_truncated_row.csv": (":3:10", "Zeile hat 9 Felder, die Kopfzeile hat 20"),
    "ffcsv_duplicate.csv": (
        ":3:8", "Wert doppelt: Gebiet '010010000000', 2022-05-15 (zuerst in Zeile 2)"
    ),
    "gv_unknown_satzart.csv": (":2:1", "unbekannte Satzart '6O' (bekannt: 10, 20, 30, 40, 50, 60)"),
}  # fmt: skip

# file -> (warnings, metadata, cells that must be read so, cells that must not exist).
# A cell is selected by the keys source_key/area_key/period/sex and compared on the rest.
Cells = list[dict[str, object]]
TABLE_HANDLED: dict[str, tuple[list[str], dict[str, object], Cells, Cells]] = {
    "genesis_latin1.csv": (
        [FOOTER_7],
        {"encoding": "latin-1", "code": "11111-01-01-4", "stand": "14.12.2017"},
        [{"source_key": "01003", "value": 214.19, "flag": "",
          "area_name": "Lübeck, Hansestadt, Kreisfreie Stadt"},
         {"source_key": "01051", "value": 1428.17, "flag": ""}],
        [],
    ),
    "genesis_cp1252.csv": (
        [FOOTER_7], {"encoding": "cp1252", "title": "Gebietsfläche – Kreise"},
        [{"source_key": "01003", "value": 214.19}], [],
    ),
    "genesis_utf8_bom_crlf.csv": (
        ["3 Fußzeilen übersprungen (Fußnoten, ©, Stand)", "1 Wert vorläufig (p)"],
        {"encoding": "utf-8-sig", "code": "1000A-0000", "stand": "12.07.2024", "licence_stated": True},
        [{"source_key": "DG", "value": 82719540.0, "flag": "e", "line": 5},
         {"source_key": "010010000000", "area_key": "01001000", "level": "gemeinde", "value": 95015.0},
         {"source_key": "145230010010", "area_key": "14523010", "value": 4965.0, "flag": "p"}],
        [],
    ),
    "genesis_header_footer.csv": (
        ["10 Fußzeilen übersprungen (Fußnoten, ©, Stand)"],
        {"stand": "14.12.2017", "licence_stated": True, "depth": "kreis",
         "copyright": "© Statistische Ämter des Bundes und der Länder, Deutschland, 2017",
         "periods": ["2014-12-31", "2015-12-31"]},
        [{"source_key": "01051", "period": "2014-12-31", "sex": "female", "value": 67722.0},
         {"source_key": "01051", "period": "2015-12-31", "sex": "total", "value": 132917.0,
          "area_name": "Dithmarschen, Kreis"}],
        [],
    ),
    "genesis_symbols.csv": (
        [FOOTER_7, "1 Zelle „-“ (nichts vorhanden) als 0 gelesen",
         "1 Zelle geheim oder unbekannt (.)", "1 Zelle fällt später an (...)",
         "1 Zelle gesperrt, Aussage nicht sinnvoll (x)", "1 Zelle nicht sicher genug (/)",
         "2 Werte mit eingeschränkter Aussagekraft (Klammern)", "1 Wert vorläufig (p)",
         "1 Wert berichtigt (r)", "1 Wert geschätzt (s)"],
        {},
        [{"source_key": "01001", "sex": "total", "value": 0.0, "flag": "-"},
         {"source_key": "01001", "sex": "male", "value": math.nan, "flag": "."},
         {"source_key": "01001", "sex": "female", "value": math.nan, "flag": "..."},
         {"source_key": "01002", "sex": "total", "value": math.nan, "flag": "x"},
         {"source_key": "01002", "sex": "male", "value": math.nan, "flag": "/"},
         {"source_key": "01002", "sex": "female", "value": 123.0, "flag": "()"},
         {"source_key": "01003", "sex": "total", "value": 16.0, "flag": "p"},
         {"source_key": "01003", "sex": "male", "value": 7.0, "flag": "r"},
         {"source_key": "01003", "sex": "female", "value": 9.0, "flag": "s"},
         {"source_key": "01004", "sex": "total", "value": 12.5, "flag": "e"},
         {"source_key": "01004", "sex": "male", "value": 0.0, "flag": ""},
         {"source_key": "01004", "sex": "female", "value": 12.5, "flag": "()"}],
        [],
    ),
    "genesis_thousands_dot.csv": (
        [FOOTER_7, "4 Zahlen mit Tausendertrennzeichen gelesen (216.253 = 216253)"],
        {},
        [{"source_key": "01003", "sex": "total", "value": 216253.0},
         {"source_key": "01003", "sex": "female", "value": 112570.0},
         {"source_key": "01051", "sex": "total", "value": 1234.5}],
        [],
    ),
    "genesis_regionalatlas_sentinel.csv": (
        [FOOTER_7, "1 Zelle „-“ (nichts vorhanden) als 0 gelesen",
         "1 Zelle geheim oder unbekannt (.)", "1 Zelle fällt später an (...)",
         "1 Zelle gesperrt, Aussage nicht sinnvoll (x)", "1 Zelle nicht sicher genug (/)",
         "5 Regionalatlas-Platzhalter als Zeichen gelesen (5555555555 = .)"],
        {},
        [{"source_key": "01001", "sex": "total", "value": 0.0, "flag": "-"},
         {"source_key": "01001", "sex": "male", "value": math.nan, "flag": "."},
         {"source_key": "01001", "sex": "female", "value": math.nan, "flag": "x"},
         {"source_key": "01002", "sex": "total", "value": math.nan, "flag": "/"},
         {"source_key": "01002", "sex": "male", "value": math.nan, "flag": "..."},
         {"source_key": "01002", "sex": "female", "value": 126471.0, "flag": ""}],
        [],
    ),
    "genesis_mixed_levels.csv": (
        [FOOTER_7],
        {"depth": "gemeinde"},
        [{"source_key": "DG", "sex": "total", "level": "de", "area_name": "Deutschland"},
         {"source_key": "03", "sex": "total", "level": "land", "area_name": "Niedersachsen"},
         {"source_key": "034", "sex": "total", "level": "rb"},
         {"source_key": "03454", "sex": "total", "level": "kreis", "value": 322534.0},
         {"source_key": "03454409", "sex": "total", "level": "verband", "value": 16345.0},
         {"source_key": "03454409055", "sex": "total", "area_key": "03454055",
          "level": "gemeinde", "area_name": "Vrees", "value": 1767.0},
         {"source_key": "0713107", "sex": "total", "level": "verband"},
         {"source_key": "0713107001", "sex": "total", "area_key": "07131001", "level": "gemeinde"},
         # a kreisfreie Stadt stands for its Gemeinde too
         {"source_key": "05913", "area_key": "05913", "sex": "total", "level": "kreis"},
         {"source_key": "05913", "area_key": "05913000", "sex": "total", "level": "gemeinde",
          "value": 586181.0}],
        [],
    ),
    "genesis_merged_area.csv": (
        [FOOTER_7, "9 Zellen weggelassen: Gebiet im Zeitraum nur mit „-“ (bestand nicht)"],
        {"periods": ["2010-12-31", "2011-12-31"]},
        [{"source_key": "13054", "period": "2010-12-31", "sex": "total", "value": 122564.0},
         {"source_key": "13076", "period": "2011-12-31", "sex": "total", "value": 214254.0}],
        [{"source_key": "13054", "period": "2011-12-31"},
         {"source_key": "13060", "period": "2011-12-31"},
         {"source_key": "13076", "period": "2010-12-31"}],
    ),
    "genesis_blank_lines.csv": (
        ["3 Leerzeilen übersprungen", FOOTER_7], {},
        [{"source_key": "01002", "sex": "total", "value": 246306.0, "line": 12}], [],
    ),
    "genesis_no_footer.csv": (
        [NO_FOOTER], {"stand": "", "copyright": ""},
        [{"source_key": "01002", "sex": "total", "value": 246306.0}], [],
    ),
    "genesis_cr_only.csv": (
        [FOOTER_7], {"stand": "14.12.2017"},
        [{"source_key": "01001", "sex": "female", "value": 43175.0, "line": 9}], [],
    ),
    "genesis_empty_cells.csv": (
        [FOOTER_7, "2 leere Zellen"], {},
        [{"source_key": "01001", "sex": "total", "value": 85942.0, "flag": ""},
         {"source_key": "01001", "sex": "male", "value": math.nan, "flag": "empty"}],
        [],
    ),
    "genesis_footer_without_rule.csv": (
        ["2 Textzeilen ohne Werte zwischen den Daten übersprungen", NO_FOOTER],
        {"stand": "14.12.2017",
         "copyright": "© Statistische Ämter des Bundes und der Länder, Deutschland, 2017"},
        [{"source_key": "01001", "sex": "total", "value": 85942.0}], [],
    ),
    "ffcsv_symbols.csv": (
        ["1 Leerzeile übersprungen", "1 Zelle „-“ (nichts vorhanden) als 0 gelesen",
         "1 Zelle geheim oder unbekannt (.)", "1 Wert vorläufig (p)"],
        {"code": "1000A"},
        [{"source_key": "010010000000", "value": 95015.0, "flag": "e"},
         {"source_key": "010020000000", "value": math.nan, "flag": "."},
         {"source_key": "010030000000", "value": 0.0, "flag": "-"},
         {"source_key": "010040000000", "area_key": "01004000", "value": 79625.0, "flag": "p"}],
        [],
    ),
    "gv_excel_resave.csv": (
        ["1 Leerzeile übersprungen",
         "3 Zeilen für Land, Bezirk, Region, Kreis oder Verband übersprungen (Satzart 10–50)",
         "3 leere Zellen"],
        {"code": "GV-ISys"},
        [{"area_key": "01001000", "variable": "Bevölkerung", "sex": "total", "value": 90164.0},
         {"area_key": "01001000", "variable": "Gebietsfläche", "value": 53.02},
         {"area_key": "16077003", "variable": "Bevölkerung", "sex": "female", "value": 217.0},
         {"area_key": "03454055", "variable": "Bevölkerung", "sex": "total",
          "value": math.nan, "flag": "empty"}],
        [{"area_key": "01001"}],
    ),
}  # fmt: skip
_SELECT = ("source_key", "area_key", "period", "sex", "variable")


@pytest.fixture(scope="module")
def import_cache(store, cache_dir, tmp_path_factory) -> Path:
    """A copy of the session's store: imports change it, never the shared one."""
    root = tmp_path_factory.mktemp("bad-cache")
    name = f"store-v{SCHEMA_VERSION}"
    shutil.copytree(cache_dir / name, root / name)
    return root


def _survey_args(name: str) -> list[object]:
    book = CODEBOOK if name.startswith("limesurvey") else SOSCI_CODEBOOK
    return [
        "survey",
        "summarize",
        BAD / name,
        "--codebook",
        book,
        "--area",
        "adorf",
        "--format",
        "json",
        "--min-cell",
        "1",
    ]


@dataclass
class Runs:
    results: dict[str, subprocess.CompletedProcess]
    store_unchanged: bool

    def __getitem__(self, name: str) -> subprocess.CompletedProcess:
        return self.results[name]


@pytest.fixture(scope="module")
def runs(import_cache) -> Runs:
    """Every CLI run of the corpus that must leave the store as it was."""
    manifest = import_cache / f"store-v{SCHEMA_VERSION}" / "manifest.json"
    before = manifest.read_bytes()
    jobs: dict[str, list[object]] = {n: ["data", "import", BAD / n] for n in TABLE_ERRORS}
    jobs |= {n: _survey_args(n) for n in [*SURVEY_ERRORS, *SURVEY_HANDLED]}
    jobs |= {
        n: ["survey", "summarize", ADORF_EXPORT, "--codebook", BAD / n, "--area", "adorf"]
        for n in CODEBOOK_CLI
    }
    done = cli_batch(jobs, import_cache)
    return Runs(done, manifest.read_bytes() == before)


def test_failed_and_read_only_runs_leave_the_store_as_it_was(runs):
    assert runs.store_unchanged


@pytest.mark.parametrize("name", sorted(TABLE_ERRORS))
def test_table_errors(runs, name):
    where, message = TABLE_ERRORS[name]
    one_line_error(runs[name], BAD / name, where, message)


def test_table_error_in_a_process_of_its_own(import_cache):
    name = "genesis_key_lost_zero.csv"
    one_line_error(
        cli("data", "import", BAD / name, cache=import_cache), BAD / name, *TABLE_ERRORS[name]
    )


# each job with a store of its own and no shipped tables
_ALONE = """
import json, os, sys
from pathlib import Path
import dwk.core.paths
jobs = json.loads(sys.stdin.read())
empty = Path(jobs.pop("__raw__")[0])
dwk.core.paths.raw_dir = lambda: empty
caches = {name: args.pop(0) for name, args in jobs.items()}
""" + _DRIVER.replace("json.loads(sys.stdin.read()).items()", "jobs.items()").replace(
    "    sys.argv = ", "    os.environ['DWK_CACHE_DIR'] = caches[name]\n    sys.argv = "
)


@pytest.fixture(scope="module")
def imported(runs: Runs, tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess, Store]]:
    """Each handled table imported alone into an empty store, after the runs that must change
    nothing: the fixtures' made-up numbers contradict each other and the shipped tables of the
    same table and Stand, which the store refuses (tests/test_store_heal.py)."""
    root = tmp_path_factory.mktemp("handled")
    (root / "raw").mkdir()
    jobs = {n: [root / n, "data", "import", BAD / n] for n in TABLE_HANDLED}
    jobs["__raw__"] = [root / "raw"]
    payload = json.dumps({name: [str(a) for a in args] for name, args in jobs.items()})
    r = subprocess.run(
        [sys.executable, "-c", _ALONE], input=payload, capture_output=True, text=True, check=False
    )
    assert r.returncode == 0, r.stderr
    return {
        name: (
            subprocess.CompletedProcess(jobs[name], rc, out, err),
            Store(root / name / f"store-v{SCHEMA_VERSION}"),
        )
        for name, (rc, out, err) in json.loads(r.stdout).items()
    }


def _printed(stdout: str) -> dict[str, list[str]]:
    """`dwk data import` output: per file, its `  Hinweis:` lines."""
    out: dict[str, list[str]] = {}
    current = ""
    for line in stdout.splitlines():
        if line.startswith("  Hinweis: "):
            out[current].append(line.removeprefix("  Hinweis: "))
        else:
            current = line.split(":", 1)[0]
            out[current] = []
    return out


@pytest.mark.parametrize("name", sorted(TABLE_HANDLED))
def test_table_handled(imported, name):
    r, store = imported[name]
    assert r.returncode == 0 and r.stderr == "", r.stderr
    warnings, meta, cells, absent = TABLE_HANDLED[name]
    assert _printed(r.stdout)[name] == warnings
    entry = store.entries["import:" + str((BAD / name).resolve())]
    assert entry.meta["warnings"] == warnings
    assert {k: entry.meta[k] for k in meta} == meta
    frame = pd.read_parquet(store.root / entry.parquet)
    for cell in [*cells, *absent]:
        sub = frame
        for k in _SELECT:
            if k in cell:
                sub = sub.loc[sub[k].astype(str) == cell[k]]
        if cell in absent:
            assert sub.empty, cell
            continue
        assert len(sub) == 1, (cell, len(sub))
        row = sub.iloc[0]
        for k, v in cell.items():
            if isinstance(v, float) and math.isnan(v):
                assert math.isnan(row[k]), (cell, row[k])
            elif k not in _SELECT:
                assert row[k] == v, (cell, k, row[k])


def test_warnings_reach_the_store_metadata(imported):
    """`Store.metas` hands the warnings on (the profile's appendix lists them)."""
    _, store = imported["ffcsv_symbols.csv"]
    metas = [m for m in store.metas("1000A") if m.source_file == "ffcsv_symbols.csv"]
    assert metas and metas[0].warnings[0] == "1 Leerzeile übersprungen"


# --- area, rule and catalogue files: their loaders ------------------------------------------

# the line of the offending key, or of the record's [[area]] (dwk.core.toml_records)
AREA_ERRORS = {
    "areas_missing_field.toml": (":2", "Gebiet Nr. 1: key fehlt"),
    "areas_bad_slug.toml": (":3", "Gebiet Nr. 1: ungültiger Slug 'Adorf Vogtland'"),
    "areas_duplicate_slug.toml": (":14", "Slugs sind nicht eindeutig: adorf"),
    "areas_survey_bad_min_cell.toml": (
        ":16", "Gebiet Nr. 1, [[area.survey]] Nr. 1: min_cell muss eine ganze Zahl ≥ 1 sein"
    ),
    # was "Gebiet Nr. 1: es fehlen slug, name, …": the text's letters read as areas
    "areas_not_a_table.toml": (":2", "area muss als [[area]] stehen"),
    # tomllib's own message (English) after the position: see dwk/core/toml.py
    "areas_key_leading_zero.toml": (":6:8", None),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(AREA_ERRORS))
def test_area_files(store, tmp_path, name):
    from dwk.areas import Registry

    shutil.copy(paths.data_dir() / "key_changes.toml", tmp_path)
    path = shutil.copy(BAD / name, tmp_path / "areas.toml")
    with pytest.raises(ConfigError) as err:
        Registry.load(store, tmp_path)
    _config_error(err.value, Path(path), *AREA_ERRORS[name])


def test_a_key_change_of_an_unknown_kind(store, tmp_path):
    """`kind` is one of the four the code tells apart (`key_changes.ChangeKind`): a fifth would
    be read as no change of territory or as one, silently."""
    from dwk.areas import Registry

    shutil.copy(paths.data_dir() / "areas.toml", tmp_path)
    path = shutil.copy(BAD / "key_changes_unknown_kind.toml", tmp_path / "key_changes.toml")
    with pytest.raises(ConfigError) as err:
        Registry.load(store, tmp_path)
    message = (
        "Schlüsseländerung Nr. 1: kind 'Umbenennung' ist nicht erlaubt "
        "(möglich: neuer Schlüssel, Zusammenschluss, Eingliederung, Teileingliederung)"
    )
    _config_error(err.value, Path(path), ":8", message)


def _config_error(exc: DwkError, path: Path, where: str, message: str | None) -> None:
    text = str(exc)
    assert "\n" not in text
    if message is None:
        assert text.startswith(f"{path}{where}: "), text
    else:
        assert text == f"{path}{where}: {message}"


RULE_ERRORS = {  # (line of the offending key, message)
    "rules_unknown_indicator.toml": (":5", "Regel Nr. 1 (alter-land): unbekannter Indikator 'durchschnittsalter_neu'"),
    "rules_bad_template.toml": (":8", "Regel Nr. 1 (alter-land): unbekannte Platzhalter gemeinde"),
    "rules_unbalanced_brace.toml": (":8", "Regel Nr. 1 (alter-land): Satzvorlage fehlerhaft (expected '}' before end of string)"),
    "rules_negative_threshold.toml": (":7", "Regel Nr. 1 (alter-land): Schwelle muss eine Zahl ≥ 0 sein"),
    "rules_duplicate_id.toml": (":11", "Regel-IDs sind nicht eindeutig"),
}  # fmt: skip
# Loader bugs the corpus found outside dwk/sources, now errors: each was a traceback instead of
# an error, or a file silently misread.
LOADER_BUGS = {
    "rules_indicator_list.toml": "dwk/swot/rules.py: TypeError (unhashable list)",
    "rules_not_a_table.toml": "dwk/swot/rules.py: AttributeError ('str' has no .get)",
    "codebook_missing_not_table.toml": "dwk/survey/codebook.py: AttributeError ('list' has no .items)",
    "codebook_labels_not_list.toml": "dwk/survey/codebook.py: a text read as one label per letter",
    "codebook_latin1.toml": "dwk/core/toml.py: UnicodeDecodeError (a TOML file not in UTF-8)",
}  # fmt: skip


def _rules(path: Path):
    """`load_rules` as `dwk.app.build.profile_rules` calls it, on another file."""
    from dwk.indicators.catalogue import load_catalogue
    from dwk.projection.outlook import load_groups
    from dwk.swot import survey as survey_rules
    from dwk.swot.engine import KINDS
    from dwk.swot.rules import load_rules

    known = {d.id for d in load_catalogue()} | {g.id for g in load_groups()}
    return load_rules(frozenset(KINDS) | {survey_rules.KIND}, known, path)


@pytest.mark.parametrize("name", sorted(RULE_ERRORS))
def test_rule_files(name):
    with pytest.raises(ConfigError) as err:
        _rules(BAD / name)
    _config_error(err.value, BAD / name, *RULE_ERRORS[name])


CATALOGUE_ERRORS = {
    "catalogue_bad_polarity.toml": (
        ":8", "Indikator bevoelkerung: polarity 'gut' ist nicht erlaubt (möglich: hoeher_guenstig, "
        "niedriger_guenstig, neutral)",
    ),
    "catalogue_missing_field.toml": (":2", "Indikator bevoelkerung: formula fehlt"),
    "catalogue_unknown_field.toml": (
        ":10", "Indikator bevoelkerung: unbekanntes Feld 'dezimalen' (möglich: id, label, topic, "
        "unit, formula, polarity, min_count, source, levels, decimals, age_from, age_to, "
        "wegweiser, purpose)",
    ),
    "catalogue_duplicate_id.toml": (":15", "Indikator-IDs sind nicht eindeutig: bevoelkerung"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CATALOGUE_ERRORS))
def test_catalogue_files(name):
    from dwk.indicators.catalogue import load_catalogue

    with pytest.raises(ConfigError) as err:
        load_catalogue(BAD / name)
    _config_error(err.value, BAD / name, *CATALOGUE_ERRORS[name])


# --- survey codebooks: `load_codebook`, and `dwk survey summarize --codebook` ---------------

CODEBOOK_ERRORS = {
    # the line of the offending key or table (dwk.core.toml_records.Lines)
    "codebook_missing_survey.toml": (":23", "unbekannter Abschnitt [umfrage] (möglich: survey, scale, item, respondent, weighting, open)"),
    "codebook_syntax_error.toml": (":48:11", None),
    "codebook_unknown_scale.toml": (":56", "Item Nr. 1 (lo_gern): unbekannte Skala 'zustimmen'"),
    "codebook_codes_labels_mismatch.toml": (":33", "Skala zustimmung: 4 codes für 5 labels"),
    "codebook_bad_sex_value.toml": (":42", "[respondent.sex]: anders (erlaubt: männlich, weiblich, divers)"),
    "codebook_bad_polarity.toml": (
        ":58", "Item Nr. 1 (lo_gern): polarity muss zustimmung_guenstig | zustimmung_unguenstig | neutral sein"
    ),
    "codebook_code_valid_and_missing.toml": (":34", "Skala zustimmung: A5 gültig und fehlend"),
}  # fmt: skip
# through the CLI: the loader's errors, and one only the export shows
CODEBOOK_CLI = {
    "codebook_syntax_error.toml": (":48:11", None),
    "codebook_unknown_scale.toml": CODEBOOK_ERRORS["codebook_unknown_scale.toml"],
    "codebook_column_not_in_export.toml": (
        "",
        "Spalte(n) des Codebuchs fehlen in adorf-buergerbefragung.csv: LO[SQ099]",
    ),
}


@pytest.mark.parametrize("name", sorted(CODEBOOK_ERRORS))
def test_codebook_files(name):
    from dwk.survey.codebook import load_codebook

    with pytest.raises(ConfigError) as err:
        load_codebook(BAD / name)
    _config_error(err.value, BAD / name, *CODEBOOK_ERRORS[name])


@pytest.mark.parametrize("name", sorted(CODEBOOK_CLI))
def test_codebook_via_cli(runs, name):
    where, message = CODEBOOK_CLI[name]
    r = runs[name]
    if message is None:
        assert r.returncode == 2 and "Traceback" not in r.stderr and r.stderr.count("\n") == 1
        assert r.stderr.startswith(f"Fehler: {BAD / name}{where}: ")
    else:
        one_line_error(r, BAD / name, where, message)


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, id=n) for n in LOADER_BUGS],
)
def test_loader_bugs(name):
    """The documented outcome, a ConfigError naming the file (these once gave tracebacks)."""
    from dwk.survey.codebook import load_codebook

    load = _rules if name.startswith("rules") else load_codebook
    with pytest.raises(ConfigError) as err:
        load(BAD / name)
    assert str(err.value).startswith(f"{BAD / name}")


# --- survey exports: `dwk survey summarize FILE` --------------------------------------------

SURVEY_ERRORS = {
    "limesurvey_empty.csv": ("", "Datei ist leer"),
    "limesurvey_binary.csv": (":1", "keine Textdatei (enthält Binärdaten)"),
    "limesurvey_ragged.csv": (":3:28", "Datensatz hat 28 Felder, die Kopfzeile hat 27"),
    "limesurvey_unterminated_quote.csv": (
        ":3:27", "Anführungszeichen wird nicht geschlossen (Feld beginnt hier)"
    ),
    "limesurvey_duplicate_heading.csv": (":1:8", "Spaltenüberschrift 'S2' doppelt (zuerst in Spalte 7)"),
    "limesurvey_mixed_encoding.csv": (":3:152", "ungültiges UTF-8 trotz BOM: Byte 593 (0xf6)"),
    "limesurvey_unknown_answer.csv": (
        ":3:10", "Antwort auf Item lo_gern in Spalte LO[SQ001] steht nicht im Codebuch"
    ),
    "limesurvey_age_out_of_range.csv": (
        ":3:6", "Altersangabe in Spalte S1 außerhalb von 18–120 (Mindestalter laut Codebuch)"
    ),
    "sosci_duplicate_case.tsv": (":4:1", "CASE 483 doppelt (zuerst in Zeile 2)"),
    "sosci_bad_finished.tsv": (":3:10", "FINISHED ist weder 1/0 noch TRUE/FALSE"),
    "sosci_case_not_integer.tsv": (":3:1", "CASE ist keine ganze Zahl"),
    "sosci_unknown_code.tsv": (":3:7", "Antwort auf Item ab1 in Spalte AB01_01 steht nicht im Codebuch"),
    "spss_empty.sav": ("", "Datei ist leer"),
    "spss_not_sav.sav": ("", "keine SPSS-Datei (.sav): Kennung $FL2 fehlt"),
    "spss_truncated.sav": ("", "SPSS-Datei beschädigt oder unvollständig (Unable to read from file)"),
}  # fmt: skip

# file -> (respondents, warnings, {item id: (counts, missing)})
SURVEY_HANDLED = {
    "limesurvey_bom_crlf_multiline.csv": (
        {"read": 5, "incomplete_excluded": 1, "unweightable_excluded": 0, "analysed": 4},
        "1 unvollständige Antworten nicht ausgewertet",
        {"lo_gern": ([0, 0, 1, 1, 1], {"nicht beantwortet": 1}),
         "di_internet": ([0, 0, 2, 0, 1], {"nicht gezeigt": 1}),
         "di_sicher": ([0, 0, 2, 0, 0], {"weiß nicht": 1, "nicht gezeigt": 1})},
    ),
    "limesurvey_excel_cp1252.csv": (
        {"read": 4, "incomplete_excluded": 0, "unweightable_excluded": 0, "analysed": 4},
        None,
        {"lo_gern": ([0, 1, 0, 1, 1], {"weiß nicht": 1})},
    ),
    "limesurvey_header_only.csv": (
        {"read": 0, "incomplete_excluded": 0, "unweightable_excluded": 0, "analysed": 0},
        None, {},
    ),
    # ab2 is reverse = true in the codebook: the one valid 4 counts as 2
    "sosci_missing_codes.tsv": (
        {"read": 4, "incomplete_excluded": 1, "unweightable_excluded": 0, "analysed": 3},
        "1 unvollständige Antworten nicht ausgewertet",
        {"ab1": ([0, 0, 1, 1, 1], {}),
         "ab2": ([0, 1, 0, 0, 0], {"nicht beantwortet": 1, "Ausweichoption": 1})},
    ),
    "spss_user_missing.sav": (
        {"read": 5, "incomplete_excluded": 0, "unweightable_excluded": 0, "analysed": 5},
        None,
        {"ab1": ([1, 1, 0, 1, 1], {"keine Angabe": 1}),
         "ab2": ([0, 0, 1, 2, 0], {"fehlend (SPSS)": 1, "nicht gezeigt": 1})},
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SURVEY_ERRORS))
def test_survey_errors(runs, name):
    one_line_error(runs[name], BAD / name, *SURVEY_ERRORS[name])


@pytest.mark.parametrize("name", sorted(SURVEY_HANDLED))
def test_survey_handled(runs, name):
    r = runs[name]
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    out = json.loads(r.stdout)
    respondents, warning, items = SURVEY_HANDLED[name]
    assert out["respondents"] == respondents
    assert (
        (warning in out["warnings"])
        if warning
        else not any("unvollständig" in w for w in out["warnings"])
    )
    by_id = {i["id"]: i for i in out["items"]}
    for item, (counts, missing) in items.items():
        assert (by_id[item]["counts"], by_id[item]["missing"]) == (counts, missing), item


def test_limesurvey_multiline_answer_and_null():
    """The reader keeps a line break and doubled quotes inside an answer, tells NULL (None,
    not shown) from "" (shown, unanswered), and numbers records by their first line."""
    from dwk.sources.surveys.survey_file import read_survey

    raw = read_survey(BAD / "limesurvey_bom_crlf_multiline.csv")
    assert raw.lines == [2, 3, 4, 5, 7] and raw.complete == [True, True, False, True, True]
    assert raw.columns["Q9"][3] == 'Bitte mehr Bänke am "Markt".\nUnd Licht.'
    assert raw.columns["LO[SQ001]"][3] == "" and raw.columns["DI[SQ001]"][4] is None
    assert raw.dropped == ("seed",)


# --- review files: `load_review`, `dwk swot review --file`, `dwk profile build --reviews` -----

REVIEW_ERRORS = {
    "review_bad_status.toml": (
        ":6", "alter-land:durchschnittsalter:14523010: unbekannter Status 'vielleicht' "
        "(möglich: candidate, accepted, edited, rejected)"
    ),
    "review_unknown_rule.toml": (
        ":5", "unbekannte SWOT-Aussage 'alter-welt:durchschnittsalter:14523010': "
        "die Regel 'alter-welt' gibt es nicht"
    ),
    "review_other_area.toml": (
        ":2", "Review-Datei für Gebiet '05913000', nicht für 14523010 (Adorf/Vogtl.)"
    ),
    "review_bad_date.toml": (
        ":8", "alter-land:durchschnittsalter:14523010: date '12.03.2026' ist kein Datum JJJJ-MM-TT"
    ),
    "review_rejected_without_reason.toml": (
        ":6", "alter-land:durchschnittsalter:14523010: abgelehnt ohne Begründung (reason)"
    ),
    "review_duplicate_id.toml": (
        ":10", "ID 'alter-land:durchschnittsalter:14523010' steht doppelt (zuerst in Zeile 5)"
    ),
    "review_added_without_source.toml": (":14", "werkstatt-1: Ergänzung ohne Quelle (source)"),
    "review_item_not_array.toml": (":4", "item muss als [[item]] stehen"),
    "review_status_number.toml": (":6", "alter-land:durchschnittsalter:14523010: status muss Text sein"),
    "review_evidence_not_table.toml": (
        ":9", "alter-land:durchschnittsalter:14523010: evidence muss eine Tabelle sein"
    ),
    "review_syntax_error.toml": (":7:22", None),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(REVIEW_ERRORS))
def test_review_files(registry, name):
    from dwk.app.build import profile_rules
    from dwk.indicators.catalogue import load_catalogue
    from dwk.swot.review_file import load_review

    with pytest.raises(ConfigError) as err:
        load_review(BAD / name, registry.resolve("adorf"), profile_rules(load_catalogue()))
    _config_error(err.value, BAD / name, *REVIEW_ERRORS[name])


def test_broken_review_changes_no_file_and_no_earlier_report(import_cache, tmp_path):
    """`dwk swot review` refuses the file and leaves it as it was; a build with it fails for
    that area and leaves the report of an earlier build untouched."""
    reviews, out = tmp_path / "reviews", tmp_path / "out"
    reviews.mkdir()
    out.mkdir()
    path = reviews / "adorf.toml"
    shutil.copy(BAD / "review_bad_status.toml", path)
    original = path.read_bytes()
    earlier = out / "adorf.md"
    earlier.write_text("Profil eines früheren Laufs\n", "utf-8")
    where, message = REVIEW_ERRORS["review_bad_status.toml"]
    one_line_error(
        cli("swot", "review", "adorf", "--file", path, cache=import_cache), path, where, message
    )
    assert path.read_bytes() == original
    r = cli(
        "profile",
        "build",
        "adorf",
        "--reviews",
        reviews,
        "--out",
        out,
        "--format",
        "md",
        cache=import_cache,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.splitlines()[-1] == f"fehlgeschlagen: adorf: {path}{where}: {message}"
    assert earlier.read_text("utf-8") == "Profil eines früheren Laufs\n"
    assert sorted(p.name for p in out.iterdir()) == ["adorf.md"]


# silent wrong numbers and conflicts: their outcomes are checked in tests/sources/test_validate.py
# and tests/test_store_heal.py
VALIDATED = {
    "genesis_keys_float.csv", "genesis_keys_float_zero_kept.csv", "genesis_keys_excel_formula.csv",
    "genesis_same_gemeinde_two_key_forms.csv", "genesis_date_feb31.csv", "genesis_date_99.csv",
    "genesis_stand_invalid.csv", "genesis_negative_count.csv",
    "genesis_sex_parts_exceed_total.csv", "genesis_age_parts_twice_total.csv",
    "genesis_latin1_utf8_dash.csv", "genesis_conflicts_shipped.csv",
}  # fmt: skip


def test_readme_lists_every_fixture():
    listed = {
        line.split("`")[1]
        for line in (BAD / "README.md").read_text("utf-8").splitlines()
        if line.startswith("| `")
    }
    files = {p.name for p in BAD.iterdir() if p.name != "README.md"}
    assert listed == files
    tested = {
        *TABLE_ERRORS,
        *TABLE_HANDLED,
        *AREA_ERRORS,
        *RULE_ERRORS,
        *CATALOGUE_ERRORS,
        *CODEBOOK_ERRORS,
        *CODEBOOK_CLI,
        *LOADER_BUGS,
        *SURVEY_ERRORS,
        *SURVEY_HANDLED,
        *REVIEW_ERRORS,
        *VALIDATED,
        "sosci_codebook.toml",
        "key_changes_unknown_kind.toml",  # test_a_key_change_of_an_unknown_kind
    }
    assert files == tested

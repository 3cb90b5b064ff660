"""`dwk data fetch` against a local stand-in of the GENESIS REST API 2020 (see conftest): the
real Zensus 2022 flat file as plain and zipped answer, the status answers for an unknown table,
refused credentials and the cell limit, an HTML page, a closed port, and an answer the reader
refuses. Failures are one German line with exit code 2 and leave nothing behind."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest
from typer.testing import CliRunner

from dwk.core import paths
from dwk.dynamics import series
from dwk.fetch.api import Credentials, FetchError
from dwk.fetch.run import fetch_tables
from dwk.inputs.censuses import by_basis
from dwk.inputs.context import Context
from dwk.store import Store
from tests.fetch.fake_api import FLAT, kreise_as_flat_file, run_cli, status, zipped

pytestmark = pytest.mark.usefixtures("no_proxy")
TABLE = "1000A-0000"
# 1000A-0000_de_flat.csv line 9979:
# 1000A;Bevölkerung kompakt (Gebietsstand 15.05.2022);STAG;Stichtag;2022-05-15;GEOGM4;
#   Gemeinden (Gebietsstand 15.05.2022);145230010010;Adorf/Vogtl., Stadt;4686;Anzahl;PRS018;Personen;e
ADORF = 4686.0


def vogtlandkreis_by_hand() -> float:
    """Zensus 2022 count of the Vogtlandkreis 14523: its Gemeinden (ARS 14523…) in the raw file."""
    with FLAT.open(encoding="utf-8-sig", newline="") as fh:
        rows = csv.DictReader(fh, delimiter=";")
        return float(
            sum(int(r["value"]) for r in rows if r["1_variable_attribute_code"].startswith("14523"))
        )


@pytest.fixture
def local(tmp_path):
    """A store over an empty raw folder, so the fetched file is its only source of 1000A-0000."""
    (tmp_path / "raw").mkdir()
    return {
        "open_store": lambda: Store.open(raw_dir=tmp_path / "raw", cache=tmp_path / "cache"),
        "folder": tmp_path / "fetched",
    }


def files_under(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_fetched_zensus_table_is_stored_and_used(api, local):
    api.answer = lambda seen: (200, {"Content-Type": "text/csv"}, FLAT.read_bytes())
    [got] = fetch_tables(
        [TABLE], "zensus2022", api_url=api.url, credentials=Credentials("nutzer", "geheim"), **local
    )
    [seen] = api.seen
    assert seen.path == "/api/rest/2020/data/tablefile"
    assert seen.form == {
        "name": TABLE,
        "area": "all",
        "format": "ffcsv",
        "compress": "false",
        "language": "de",
    }
    assert (seen.username, seen.password) == ("nutzer", "geheim")
    # the flat file says only "1000A"; the sidecar names the table it was fetched as
    assert got.meta.code == TABLE and got.meta.periods == ["2022-05-15"]
    assert got.file == local["folder"] / "zensus2022" / "1000A-0000_flat.csv"
    assert got.file.read_bytes() == FLAT.read_bytes()
    side = json.loads(got.file.with_name(got.file.name + ".provenance.json").read_text("utf-8"))
    assert side["sha256"] == hashlib.sha256(FLAT.read_bytes()).hexdigest()
    assert (side["source"], side["table"], side["requests"]) == ("zensus2022", TABLE, [seen.form])
    assert side["retrieved_utc"].endswith("Z")
    # the readers' sidecar: the table code the flat file lacks, © (the file's own wins) and origin
    meta_toml = got.file.with_name(got.file.name + ".meta.toml").read_text("utf-8")
    year = side["retrieved_utc"][:4]
    assert 'table = "1000A-0000"' in meta_toml
    assert (
        f'copyright = "© Statistische Ämter des Bundes und der Länder, Deutschland, {year}"'
        in meta_toml
    )
    origin = f"Herkunft der Datei: Zensusdatenbank 2022, REST-API 2020, abgerufen {side['retrieved_utc']}"
    assert f"{origin} (dwk data fetch)" in got.meta.footnotes
    store = local["open_store"]()
    frame = store.table(TABLE)
    assert frame.loc[frame["area_key"] == "14523010", "value"].tolist() == [ADORF]
    # the profile's census figure reads the fetched table: Adorf and its Kreis summed by hand
    ctx = Context(store, [], persist=False)
    zensus = by_basis("zensus2022")
    assert series._census_point(ctx, zensus, "14523010").value == ADORF
    census = series._census_point(ctx, zensus, "14523")
    assert census.table == TABLE and census.value == vogtlandkreis_by_hand()


def test_the_next_indicators_use_the_fetched_table(api, store, cache_dir, tmp_path, monkeypatch):
    """Done when of issue 13: `dwk data fetch 12411-0015` against the stand-in, then
    `dwk indicators dortmund` shows the newest Stichtag it brought. The shipped copy of
    12411-0015 (2020–2024) is left out of the raw folder, so only the fetched file has it;
    data/raw/cartogram-12411-0015/12411-0015_kreise_2020-2024.csv line 116:
    05913;Dortmund, kreisfreie Stadt;587696;e;586852;e;599370;e;601343;e;603462;e"""
    import shutil

    from dwk.cli import app

    raw = tmp_path / "raw"
    shutil.copytree(paths.raw_dir(), raw, ignore=shutil.ignore_patterns("cartogram-12411-0015"))
    shutil.copytree(cache_dir, tmp_path / "cache")  # the session's store, so it is not rebuilt
    monkeypatch.setattr(paths, "raw_dir", lambda: raw)
    monkeypatch.setenv("DWK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DWK_GENESIS_TOKEN", "t0k3n")

    def answer(seen):
        years = range(int(seen.form["startyear"]), int(seen.form["endyear"]) + 1)
        return (
            200,
            {"Content-Type": "application/zip"},
            zipped("12411-0015_flat.csv", kreise_as_flat_file(years)),
        )

    api.answer = answer

    def population(*extra):
        done = CliRunner().invoke(app, ["indicators", "dortmund", "--format", "csv", *extra])
        assert done.exit_code == 0, done.output
        [row] = [r for r in csv.DictReader(done.output.splitlines()) if r["id"] == "bevoelkerung"]
        return row["value"], row["period"], row["tables"], row["basis"]

    # without the table: the Gemeindeverzeichnis of 31.12.2023, and 2020 for --year 2022
    assert population() == ("595471.0", "2023-12-31", "GV-ISys", "zensus2011")
    assert population("--year", "2022") == ("587696.0", "2020-12-31", "12411-0015", "zensus2011")
    args = ["data", "fetch", "12411-0015", "--from", "2020", "--to", "2024", "--api-url", api.url]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    assert [s.form["startyear"] + "-" + s.form["endyear"] for s in api.seen] == ["2020-2024"]
    # on the Zensus 2022 basis by the README's rule (12411-*, Stichtag from 31.12.2022)
    assert population() == ("603462.0", "2024-12-31", "12411-0015", "zensus2022")
    assert population("--year", "2022") == ("599370.0", "2022-12-31", "12411-0015", "zensus2022")


def test_zipped_answer_with_token(api, local):
    api.answer = lambda seen: (
        200,
        {"Content-Type": "application/zip"},
        zipped("1000A-0000_de_flat.csv", FLAT.read_bytes()),
    )
    [got] = fetch_tables(
        [TABLE], "zensus2022", api_url=api.url, credentials=Credentials("TOKEN123", ""), **local
    )
    # a token travels as user name with an empty password
    assert (api.seen[0].username, api.seen[0].password) == ("TOKEN123", "")
    assert got.file.read_bytes() == FLAT.read_bytes()


def test_overlap_with_a_shipped_file_is_named(api, tmp_path):
    """With the shipped table CSV of 1000A-0000 in the raw folder, the fetched flat file gives
    the same cells under another variable name; the result names the other file."""
    import shutil

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(FLAT.with_name("1000A-0000_de.csv"), raw)
    api.answer = lambda seen: (200, {}, FLAT.read_bytes())
    [got] = fetch_tables(
        [TABLE],
        "zensus2022",
        api_url=api.url,
        credentials=None,
        folder=tmp_path / "fetched",
        open_store=lambda: Store.open(raw_dir=raw, cache=tmp_path / "cache"),
    )
    assert got.also_from == ("1000A-0000_de.csv",)


def test_cell_limit_splits_the_years(api, local):
    """Too large for 2020–2023 and 2022–2023: split into halves until each part is answered;
    parts without data (2020–2021, 2023) answer 104 and are skipped."""

    def answer(seen):
        years = (int(seen.form["startyear"]), int(seen.form["endyear"]))
        if years[0] <= 2022 <= years[1] and years[0] != years[1]:
            return (
                200,
                {},
                status(98, "Die Tabelle ist zu groß für einen direkten Abruf.", "Information"),
            )
        if years == (2022, 2022):
            return 200, {}, FLAT.read_bytes()
        return 200, {}, status(104, "Es wurden keine Ergebnisse gefunden.", "Information")

    api.answer = answer
    [got] = fetch_tables(
        [TABLE],
        "zensus2022",
        from_year=2020,
        to_year=2023,
        api_url=api.url,
        credentials=None,
        **local,
    )
    asked = [(s.form["startyear"], s.form["endyear"]) for s in api.seen]
    assert asked == [
        ("2020", "2023"),
        ("2020", "2021"),
        ("2022", "2023"),
        ("2022", "2022"),
        ("2023", "2023"),
    ]
    assert got.requests == 1 and got.file.name == "1000A-0000_2020-2023_flat.csv"
    assert got.file.read_bytes() == FLAT.read_bytes()


def test_cell_limit_splits_a_kreis_table_by_land(api, local):
    """A regionalstatistik Kreis table (…-4) over the limit is asked for Land by Land
    (KREISE 01* … 16*); the parts are joined under one header. Served here: the real Zensus
    rows of each Land, so the joined file must hold every row of the raw file once."""
    header, *rows = FLAT.read_bytes().split(b"\n")
    rows = [r for r in rows if r.strip()]

    def answer(seen):
        if "regionalkey" not in seen.form:
            return (
                200,
                {},
                status(98, "Die Tabelle ist zu groß für einen direkten Abruf.", "Information"),
            )
        land = seen.form["regionalkey"].rstrip("*").encode()
        part = [r for r in rows if r.split(b";")[7].startswith(land)]
        return 200, {}, b"\n".join([header, *part, b""])

    api.answer = answer
    # Zensus rows stored as 12411-01-01-4 would be wrong: only the plan and the join are checked
    from dwk.fetch.plan import first_request
    from dwk.fetch.run import _ask, _combine

    request = first_request("12411-01-01-4", None, None, None, "Tabelle 12411-01-01-4")
    parts, forms = _ask(request, api.url, None, "Tabelle 12411-01-01-4", 30)
    assert [(f["regionalvariable"], f["regionalkey"]) for f in forms] == [
        ("KREISE", f"{n:02d}*") for n in range(1, 17)
    ]
    joined = _combine(parts, "Tabelle 12411-01-01-4").split(b"\n")
    # every row once, except Germany's (DG is in no Land): a split loses the national total
    in_a_land = [r for r in rows if r.split(b";")[7] != b"DG"]
    assert len(in_a_land) == len(rows) - 1
    assert joined[0] == header and sorted(r for r in joined[1:] if r) == sorted(in_a_land)


CASES = {
    "unknown": (lambda s: (200, {"Content-Type": "application/json"}, status(104, "Es wurden keine Ergebnisse gefunden.", "Information")),
                "keine Daten für diese Auswahl"),
    "not_found": (lambda s: (200, {}, status(90, "Die angeforderte Tabelle ist nicht vorhanden.")), "nicht vorhanden"),
    "refused": (lambda s: (200, {}, json.dumps({"Code": 2, "Content": "Ein Fehler ist aufgetreten. (Bitte prüfen und korrigieren Sie Ihren Nutzernamen bzw.\n das Passwort.)", "Type": "ERROR"}).encode()),
                "Zugangsdaten abgelehnt"),
    "no_credentials": (lambda s: (404, {}, json.dumps({"Code": 15, "Content": "Sie sind nicht berechtigt diesen Service aufzurufen", "Type": "ERROR"}).encode()),
                       "keine gültigen Zugangsdaten erkannt"),
    "too_large": (lambda s: (200, {}, status(98, "Die Tabelle ist zu groß für einen direkten Abruf.", "Information")), "zu groß für einen Abruf, auch aufgeteilt"),
    "html": (lambda s: (200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><html><body><h1>Wartungsarbeiten</h1></body></html>"), "HTML-Seite statt Daten"),
    "echo": (lambda s: (200, {}, status(-1, f"unerwarteter Systemfehler ({s.username}/{s.password})")),
             "unerwarteter Fehler des Servers"),
    "server_error": (lambda s: (500, {}, b"Internal Server Error"), "HTTP 500"),
    "redirect": (lambda s: (307, {"Location": "https://genesis.example/genesisWS/rest/2020/data/tablefile"}, b""), "leitet weiter nach https://genesis.example"),
    "unreadable": (lambda s: (200, {}, (paths.data_dir().parent / "tests/fixtures/bad/ffcsv_missing_columns.csv").read_bytes()),
                   "keine lesbare Tabelle (Flatfile ohne Spalten time, value_unit Zeile 1)"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_failures_are_one_line_and_leave_nothing(api, tmp_path, case):
    answer, expected = CASES[case]
    api.answer = answer
    secret = "Pw-7f3c9a1e-geheim"
    env = {
        "DWK_CACHE_DIR": str(tmp_path / "cache"),
        "DWK_GENESIS_USER": "nutzer",
        "DWK_GENESIS_PASSWORD": secret,
    }
    done = run_cli(
        ["data", "fetch", "9999X-0000", "--source", "zensus2022", "--api-url", api.url], env
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert (
        line.startswith("Fehler: Tabelle 9999X-0000 (Zensusdatenbank 2022): ") and expected in line
    )
    assert secret not in done.stderr
    # nothing fetched, nothing half-written, and the store was not even opened
    assert not (tmp_path / "cache").exists() or files_under(tmp_path / "cache") == []


def test_unreachable_server(tmp_path, closed_port):
    env = {"DWK_CACHE_DIR": str(tmp_path / "cache")}
    url = f"http://127.0.0.1:{closed_port}/api/rest/2020/"
    done = run_cli(["data", "fetch", TABLE, "--source", "zensus2022", "--api-url", url], env)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"Fehler: Tabelle {TABLE} (Zensusdatenbank 2022): Verbindung zu 127.0.0.1:{closed_port} "
        "abgelehnt (Server nicht erreichbar)"
    ]
    assert not (tmp_path / "cache").exists()


def test_cli_fetch_then_store_holds_it_and_no_secret_anywhere(api, tmp_path, monkeypatch):
    """The command as wired in the CLI, in-process over an empty raw folder; the password and
    token set in the environment appear in no output, file or store entry."""
    api.answer = lambda seen: (200, {}, zipped("x.csv", FLAT.read_bytes()))
    (tmp_path / "raw").mkdir()
    monkeypatch.setattr(paths, "raw_dir", lambda: tmp_path / "raw")
    monkeypatch.setenv("DWK_CACHE_DIR", str(tmp_path / "cache"))
    secret = "Tk-51d0c2b8-nur-fuer-den-test"
    monkeypatch.setenv("DWK_GENESIS_TOKEN", secret)
    from dwk.cli import app

    result = CliRunner().invoke(
        app, ["data", "fetch", TABLE, "--source", "zensus2022", "--api-url", api.url]
    )
    assert result.exit_code == 0, result.output
    stored = tmp_path / "cache" / "fetched" / "zensus2022" / "1000A-0000_flat.csv"
    assert result.output.splitlines() == [f"{stored}: Tabelle {TABLE}, 1 Stichtag(e), 1 Abruf"]
    assert api.seen[0].username == secret
    store = Store.open()
    assert f"import:{stored.resolve()}" in store.entries
    frame = store.table(TABLE)
    assert frame.loc[frame["area_key"] == "14523010", "value"].tolist() == [ADORF]
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    assert secret not in result.output


def test_no_answer_in_time(api, local):
    """A server that accepts the request and never answers: one line naming the wait, no file.
    The handler waits for the test to let it go, so nothing depends on how fast the machine is."""
    import threading

    release = threading.Event()

    def answer(seen):
        release.wait()
        return 200, {}, b""

    api.answer = answer
    try:
        with pytest.raises(FetchError) as caught:
            fetch_tables(
                [TABLE], "zensus2022", api_url=api.url, credentials=None, timeout=0.5, **local
            )
    finally:
        release.set()
    host = api.url.split("/")[2]
    assert (
        str(caught.value)
        == f"Tabelle {TABLE} (Zensusdatenbank 2022): keine Antwort von {host} innerhalb von 0.5 s"
    )
    assert not local["folder"].exists()


def test_failed_import_puts_back_what_was_there(api, local):
    """A second fetch whose import fails leaves the earlier file and sidecar as they were."""
    api.answer = lambda seen: (200, {}, FLAT.read_bytes())
    [got] = fetch_tables([TABLE], "zensus2022", api_url=api.url, credentials=None, **local)
    before = {p: p.read_bytes() for p in got.file.parent.iterdir()}

    class Refusing:
        def import_files(self, files):
            raise FetchError("Datenbestand nicht beschreibbar")

    with pytest.raises(FetchError):
        fetch_tables(
            [TABLE],
            "zensus2022",
            api_url=api.url,
            credentials=None,
            open_store=Refusing,
            folder=local["folder"],
        )
    assert {p: p.read_bytes() for p in got.file.parent.iterdir()} == before


def test_credentials_from_the_environment():
    from dwk.fetch.api import credentials_from_env

    both = {"DWK_GENESIS_TOKEN": " abc ", "DWK_GENESIS_USER": "u", "DWK_GENESIS_PASSWORD": "p"}
    assert credentials_from_env(both) == Credentials("abc", "")  # the token wins
    assert credentials_from_env(
        {"DWK_GENESIS_USER": "u", "DWK_GENESIS_PASSWORD": "p"}
    ) == Credentials("u", "p")
    assert credentials_from_env({}) is None
    assert "p" not in repr(Credentials("u", "p")).replace("Credentials", "")

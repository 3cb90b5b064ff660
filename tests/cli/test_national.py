"""National runs: which areas a level covers, the keys that changed, and a parallel run whose
profiles are byte-identical to the same profiles built alone."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from dwk.app.coverage import coverage
from tests.cli.test_cli import dwk

pytestmark = pytest.mark.slow

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


def _raw_kreise_2024() -> set[str]:
    """Kreis keys with a population on 31.12.2024 (the last value column, read with the csv
    module from 12411-0015_kreise_2020-2024.csv: 'key;name;2020;e;…;2024;e')."""
    path = RAW / "cartogram-12411-0015" / "12411-0015_kreise_2020-2024.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    return {r[0] for r in rows if re.fullmatch(r"\d{5}", r[0]) and r[10].isdigit()}


def _raw_plain_gemeinden() -> set[str]:
    """Gemeinden that 12411-01-01-5_00.csv names by a plain 8-digit key with inhabitants on
    31.12.2015 (third column). Samtgemeinden share the 8-digit form but are Gemeindeverbände;
    Gemeinden written with a 12-digit regional key are not read here."""
    with (RAW / "genesapi-data" / "12411-01-01-5_00.csv").open(encoding="utf-8") as fh:
        rows = [
            r
            for r in csv.reader(fh, delimiter=";")
            if r and re.fullmatch(r"\d{8}", r[0]) and "Samtgemeinde" not in r[1]
        ]
    return {r[0] for r in rows if r[2].isdigit() and int(r[2]) > 0}


def _raw_uninhabited() -> set[str]:
    """Keys that 12411-01-01-5_00.csv lists on 31.12.2015 with 0 inhabitants, and with 0 or "-"
    in every other column: line 7536, '09172444;        Gem.fr. Geb. Berchtesgadener
    Land;0;0;…;0'; line 236, Sachsenwald, '0;0;0;-;…;-;0;…'."""
    with (RAW / "genesapi-data" / "12411-01-01-5_00.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh, delimiter=";") if r and re.fullmatch(r"\d{8}", r[0])]
    return {r[0] for r in rows if r[2] == "0" and {c.strip() for c in r[2:]} <= {"0", "-"}}


def _raw_gemeindeverzeichnis() -> dict[str, int]:
    """Gemeinde keys of the newest Gemeindeverzeichnis, 31.12.2023 (XLSX, Satzart 60), and their
    population, read with openpyxl (e.g. row 14317: '60','63','14','5','23','0010','010',
    'Adorf/Vogtl., Stadt', 42.97, 4694)."""
    import openpyxl

    sheet = openpyxl.load_workbook(RAW / "destatis-gv-2023" / "31122023_Auszug_GV.xlsx",
                                   read_only=True).worksheets[1]  # fmt: skip
    return {r[2] + r[3] + r[4] + r[6]: int(r[9] or 0) for r in sheet.iter_rows(values_only=True)
            if r and r[0] == "60"}  # fmt: skip


def test_kreise_are_those_of_the_newest_stichtag_and_the_merged_ones_are_listed(store, registry):
    cov = coverage(store, registry, "kreis")
    assert {a.key for a in cov.areas} == _raw_kreise_2024() and len(cov.areas) == 400
    assert [a.slug for a in cov.areas if a.is_member] == [
        "dithmarschen",
        "emsland",
        "dueren",
        "dortmund",
        "saarbruecken",
    ]
    notes = {n.key: n for n in cov.key_notes}
    assert sorted(notes) == ["03152", "03156", "03159", "16056"]
    assert "aufgegangen in 16063 (01.07.2021" in notes["16056"].note  # Eisenach
    assert not notes["03152"].profiled and "aufgegangen in 03159 (01.11.2016" in notes["03152"].note
    assert notes["03159"].profiled and "03159" in {a.key for a in cov.areas}
    assert len(cov.lands) == 16 and cov.land_folder("01") == "01-schleswig-holstein"


def test_gemeinden_are_those_of_2015_and_of_today_and_changed_keys_are_listed(store, registry):
    cov = coverage(store, registry, "gemeinde")
    keys = {a.key for a in cov.areas}
    notes = {n.key: n for n in cov.key_notes}
    formed = {k for k, n in notes.items() if "gebildet aus" in n.note}
    table = keys - formed  # the inhabited Gemeinden of 12411-01-01-5_00.csv on 31.12.2015
    assert len(cov.areas) == len(keys) == 11157 and len(table) == 11104
    present = _raw_plain_gemeinden()
    assert len(present) == 8008 and present <= table
    # the table's keys without an inhabitant in any year are listed, not profiled: an empty
    # profile read "Am  lebten … – Menschen" (the 43 gemeindefreie Gebiete of Bavaria's
    # Kreise, one key each, Sachsenwald and Buchholz, forest districts of Schleswig-Holstein)
    empty_table = {k for k, n in notes.items() if "in jedem Jahr ohne Einwohner" in n.note}
    assert empty_table == _raw_uninhabited() and len(empty_table) == 45
    assert not empty_table & keys and not any(notes[k].profiled for k in empty_table)
    assert sum(k.endswith("444") for k in empty_table) == 43
    gone = [n for n in cov.key_notes if n.profiled and n.key not in formed]
    new = [n for n in cov.key_notes if not n.profiled and n.key not in empty_table]
    # Gemeinden of 2015 whose key is not in the newest Gemeindeverzeichnis (mergers)
    listed = _raw_gemeindeverzeichnis()
    assert {n.key for n in gone} == table - listed.keys() and len(gone) == 421
    assert {n.key for n in new} | formed == listed.keys() - table - empty_table
    assert len(new) == 243
    empty = {n.key for n in new if "ohne Einwohner (gemeindefreies Gebiet)" in n.note}
    gv_empty = {k for k in listed.keys() - table - empty_table if listed[k] == 0}
    assert empty == gv_empty and len(empty) == 204
    # 39 of the new keys are Gemeinden whose key changed with their Kreis (Göttingen 2016,
    # Eisenach 2021; data/key_changes.toml): profiled under the key of their age structure
    renamed = {n.key: n.note for n in new if "Gebiet unverändert" in n.note}
    assert len(renamed) == 39 and all(k[:5] in ("03159", "16063") for k in renamed)
    assert renamed["03159016"].startswith("Schlüssel neu seit 01.11.2016 für 03152012")
    goettingen = next(n for n in gone if n.key == "03152012")
    assert "neuer Schlüssel 03159016 seit 01.11.2016" in goettingen.note
    assert "mit den Zahlen des neuen" in goettingen.note
    brebel = next(n for n in gone if n.key == "01059014")
    assert brebel.name == "Brebel" and "nicht mehr vorhanden" in brebel.note
    # Berlin's twelve Bezirke, Gemeinden in the table of 2015, are no territorial change
    mitte = notes["11001000"].note
    assert mitte.startswith("Bezirk: das Gemeindeverzeichnis 31.12.2023 führt 11000000 (Berlin")
    assert "Gebietsänderung" not in mitte and "11000000" in keys
    # the rest of the Gemeindeverzeichnis's new keys: the Gemeinden formed since 2015 by a
    # merger, each profiled (Unstrut-Hainich of six Gemeinden on 01.01.2019; Kaltennordheim
    # of seven, one of them from the Wartburgkreis), as are the Gemeinden they were formed of
    assert formed == listed.keys() - table - empty_table - set(renamed) - empty
    assert len(formed) == 53
    assert all(notes[k].profiled for k in formed) and {"16064076", "16066095"} <= formed
    assert notes["16064076"].note.startswith("Schlüssel neu seit 01.01.2019, gebildet aus 6")
    assert "seit 01.01.2019 Teil von 16064076 (Zusammenschluss)" in notes["16064001"].note
    saar = coverage(store, registry, "gemeinde", land="10")
    # the Saarland's 52 Gemeinden did not change between 2015 and 2023 (beside them the
    # Gemeindeverzeichnis lists one uninhabited gemeindefreies Gebiet)
    assert {a.key for a in saar.areas} == {k for k, n in listed.items() if k[:2] == "10" and n}
    assert len(saar.areas) == 52 and set(saar.lands) == {"10"}


def test_unknown_level_or_land_is_one_error_line(cache_dir, tmp_path):
    for args, message in (
        (["--level", "land"], "unbekannte Ebene 'land'"),
        (["--level", "kreis", "--land", "17"], "kein Land mit Schlüssel '17'"),
        (["--jobs", "2", "adorf"], "--land und --jobs gehören zu --level"),
        (["--level", "kreis", "adorf"], "keine Gebiete oder --all dazu"),
    ):
        r = dwk("profile", "build", *args, "--out", str(tmp_path), env_cache=cache_dir)
        assert r.returncode == 2 and message in r.stderr and len(r.stderr.splitlines()) == 1


@pytest.fixture(scope="module")
def bremen(store, cache_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("national")
    r = dwk(
        "profile",
        "build",
        "--level",
        "gemeinde",
        "--land",
        "04",
        "--jobs",
        "2",
        "--out",
        str(out),
        env_cache=cache_dir,
    )
    assert r.returncode == 0, r.stderr
    return out / "gemeinden", r


def test_a_land_is_built_in_worker_processes_with_its_index(bremen):
    root, r = bremen
    land = root / "04-bremen"
    for key in ("04011000-bremen", "04012000-bremerhaven"):
        assert all((land / f"{key}.{f}").stat().st_size > 1000 for f in ("md", "html", "json"))
    index = (land / "index.html").read_text("utf-8")
    for href in re.findall(r'href="([^"#][^"]*)"', index):  # files; in-page anchors below
        assert (land / href).exists(), href
    for anchor in re.findall(r'href="#([^"]+)"', index):  # the contents
        assert index.count(f'id="{anchor}"') == 1, anchor
    summary = (root / "zusammenfassung.csv").read_bytes()
    assert summary.startswith(b"\xef\xbb\xbf")  # a BOM: Excel shows the umlauts (issue 15)
    rows = list(csv.reader(io.StringIO(summary.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Schlüssel"
    # names as the Gemeindeverzeichnis 31.12.2019 has them (AuszugGV4QAktuell.csv:
    # 60,61,04,0,11,0000,000,"Bremen, Stadt",…), kind 61 = kreisfreie Stadt
    assert [row[:4] for row in rows[1:]] == [
        ["04011000", "Bremen, Stadt", "04", "Profil"],
        ["04012000", "Bremerhaven, Stadt", "04", "Profil"],
    ]
    assert "Gemeinden: 2 von 2 Profilen gebaut, 0 fehlgeschlagen" in r.stderr
    assert str(root / "index.html") in r.stdout


def test_a_profile_of_the_national_run_is_the_profile_built_alone(bremen, cache_dir, tmp_path):
    root, _ = bremen
    # beside the Land's list, as in the national run, so that the page links it there too
    shutil.copy(root / "04-bremen" / "index.html", tmp_path / "index.html")
    r = dwk("profile", "build", "04012000", "--out", str(tmp_path), env_cache=cache_dir)
    assert r.returncode == 0, r.stderr
    for f in ("md", "html", "json"):
        name = f"04012000-bremerhaven.{f}"
        assert (tmp_path / name).read_bytes() == (root / "04-bremen" / name).read_bytes()


def test_members_keep_their_slug_at_the_top_of_the_level(store, registry, tmp_path):
    from dwk.app.national import _chunks

    cov = coverage(store, registry, "kreis", land="01")
    chunks = _chunks(cov, tmp_path)
    placed = {a.slug: c.folder for c in chunks for a in c.areas}
    assert placed["dithmarschen"] == tmp_path
    assert placed["01001-flensburg"] == tmp_path / "01-schleswig-holstein"
    assert sorted(placed) == sorted(a.slug for a in cov.areas)
    assert all(len(c.areas) <= 8 for c in chunks)


def test_the_level_index_links_every_land(store, bremen):
    root, _ = bremen
    index = (root / "index.html").read_text("utf-8")
    assert 'href="04-bremen/index.html"' in index
    assert Path(root / "04-bremen" / "index.html").exists()
    # the map of all Kreise, with its legend as text; Bremen has no DWK member, so none is
    # framed and the caption does not say so (it did, whatever the run held)
    figure = re.search(r'<figure id="abb-karte-deutschland".*?</figure>', index, re.S).group(0)
    assert len(re.findall(r'data-ags="\d{5}"', figure)) == 401
    assert re.findall(r"<li>.*?</svg>([^<]*)</li>", figure, re.S) == ["Kreise"]
    assert "Alle Kreise (Stand 01.01.2021)." in figure and "umrandet" not in figure

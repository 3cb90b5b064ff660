"""The CLI end to end, as a user runs it (subprocess, real exit codes)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest


def dwk(*args, cwd=None, env_cache):
    env = {**os.environ, "DWK_CACHE_DIR": str(env_cache)}
    return subprocess.run(
        [sys.executable, "-c", "from dwk.cli import console; console()", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
    )


@pytest.fixture(scope="module")
def built(store, cache_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    r = dwk("profile", "build", "--all", "--out", str(out), env_cache=cache_dir)
    assert r.returncode == 0, r.stderr
    return out


def test_all_members_are_built(built):
    slugs = [
        "adorf",
        "dithmarschen",
        "emsland",
        "vrees",
        "riesa",
        "saarbruecken",
        "dortmund",
        "dueren",
        "grabow",
    ]
    for slug in slugs:
        assert (built / f"{slug}.md").exists() and (built / f"{slug}.html").exists()
    assert (built / "index.html").exists()


def test_html_shows_population_in_german_format(built):
    # data/raw/destatis-gv-2023/31122023_Auszug_GV.xlsx: Adorf 31.12.2023 = 4694; 12411-0015_kreise_2020-2024.csv: Dortmund 2024 = 603462
    assert "<strong>4.694</strong>" in (built / "adorf.html").read_text("utf-8")
    assert "<strong>603.462</strong>" in (built / "dortmund.html").read_text("utf-8")
    html = (built / "vrees.html").read_text("utf-8")
    assert "dl-de/by-2-0" in html and "© Statistische Ämter des Bundes und der Länder" in html
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org", "")


def test_chart_source_lines_carry_the_tables_own_copyright(built):
    # 12411-0015.csv footer: "© Statistisches Bundesamt (Destatis), 2021" (Kreise 2016–2020)
    html = (built / "dortmund.html").read_text("utf-8")
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html, re.S)
    development = next(c for c in captions if "Bruch durch den Zensus" in c)
    assert "© Statistisches Bundesamt (Destatis), 2021" in development
    assert "© Statistische Ämter des Bundes und der Länder, Deutschland, 2017" in development


def test_reports_with_surveys_protect_respondents(built):
    """Every member's report carries its demo survey: marked synthetic, no group under 10, no
    contact data; Riesa shows its open answers (areas.toml: verbatims = true), redacted."""
    for path in sorted(built.glob("*.md")) + sorted(built.glob("[a-z]*.html")):
        if path.name == "index.html":
            continue
        text = path.read_text("utf-8")
        assert "synthetische Beispieldaten" in text, path.name
        groups = [int(n.replace(".", "")) for n in re.findall(r"n = ([\d.]+)", text)]
        assert groups and min(groups) >= 10, path.name
        assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", text), path.name
        assert "4567890" not in text and "Herr Beispiel" not in text, path.name
    riesa = (built / "riesa.md").read_text("utf-8")
    assert "[E-Mail]" in riesa and "[Telefon]" in riesa and "Herr [Name] vom Bauamt" in riesa
    assert "Bitte melden Sie sich" not in (built / "adorf.md").read_text("utf-8")
    # a survey item in the SWOT names the survey and item as its evidence
    assert "Befragung „Bürgerbefragung zum demografischen Wandel“ 2026, Item" in riesa


def test_builds_are_byte_identical(built, cache_dir, tmp_path):
    r = dwk("profile", "build", "adorf", "dortmund", "--out", str(tmp_path), env_cache=cache_dir)
    assert r.returncode == 0, r.stderr
    for name in ("adorf.html", "adorf.md", "dortmund.html"):
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes()


def test_a_start_page_of_ones_own_is_not_replaced_by_the_list_of_profiles(
    built, cache_dir, store, tmp_path
):
    """Several profiles write `index.html`; one the user wrote is refused before building,
    with exit 2, one line and nothing changed. dwk's own (a generator line, or before it the
    title) is replaced as before, and a single profile writes no index at all."""
    from dwk.app.build import _check_index

    own = tmp_path / "index.html"
    own.write_text("<html><head><title>Unser Ortsportal</title></head></html>", "utf-8")
    r = dwk("profile", "build", "adorf", "riesa", "--out", str(tmp_path), env_cache=cache_dir)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert f"{own}: stammt nicht von dwk" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]
    assert own.read_text("utf-8").startswith("<html><head><title>Unser Ortsportal")
    r = dwk("profile", "build", "adorf", "--out", str(tmp_path), env_cache=cache_dir)
    assert r.returncode == 0 and (tmp_path / "adorf.html").exists()
    _check_index(built / "index.html")  # the --all run's
    older = tmp_path / "older.html"
    older.write_text(
        '<!DOCTYPE html>\n<html lang="de">\n<head><meta charset="utf-8">\n'
        "<title>Kommunalprofile der Demografiewerkstatt Kommunen</title>",
        "utf-8",
    )
    _check_index(older)
    _check_index(tmp_path / "none.html")


def test_a_profile_links_the_list_of_profiles_only_where_there_is_one(
    built, cache_dir, store, tmp_path
):
    """Several profiles get `index.html` and link it; one built alone into an empty folder
    has no list to go back to, and its page no dead link."""
    assert '<a href="index.html">Übersicht aller Profile</a>' in (built / "adorf.html").read_text(
        "utf-8"
    )
    r = dwk(
        "profile", "build", "adorf", "--format", "html", "--out", str(tmp_path), env_cache=cache_dir
    )
    assert r.returncode == 0, r.stderr
    alone = (tmp_path / "adorf.html").read_text("utf-8")
    assert "Übersicht aller Profile" not in alone and 'href="index.html"' not in alone
    assert not (tmp_path / "index.html").exists()


def test_indicators_json(cache_dir, store):
    r = dwk("indicators", "vrees", "--format", "json", env_cache=cache_dir)
    assert r.returncode == 0, r.stderr
    records = {x["id"]: x for x in json.loads(r.stdout)}
    assert records["bevoelkerung"]["area"] == "03454055"
    # data/raw/destatis-gv-2023/31122023_Auszug_GV.xlsx row 2514: Vrees; 37.55; 1916 (31.12.2023)
    assert records["bevoelkerung"]["value"] == 1916


def test_indicators_table_reads_as_the_profile(cache_dir, store):
    """The terminal table gives the label, the catalogue's decimals and German dates, where it
    printed the id, every value with one decimal ("1.916,0") and ISO dates."""
    r = dwk("indicators", "vrees", env_cache=cache_dir)
    assert r.returncode == 0, r.stderr
    rows = {
        cells[2]: cells[3:6]
        for line in r.stdout.splitlines()
        if len(cells := [c.strip() for c in line.split("│")]) == 8
    }
    # 31122023_Auszug_GV.xlsx row 2514: Vrees; 37.55 km²; 1916 people on 31.12.2023
    assert rows["Bevölkerung"] == ["1.916", "Personen", "31.12.2023"]
    assert rows["Bevölkerungsdichte"] == [f"{1916 / 37.55:.0f}", "Ew./km²", "31.12.2023"]
    assert "bevoelkerung" not in r.stdout


def test_indicators_on_either_gebietsstand(cache_dir, store):
    """Reichenbach im Vogtland took in Mylau on 01.01.2016: on the territory of today (the
    default, as in a profile) it lost 8.7 % since 2011, on that of each Stichtag its own
    figures grew 4.2 %, of two territories (12411-01-01-5_00.csv lines 12068 and 12059:
    19,454 and 2,746 on 31.12.2011; the Gemeindeverzeichnis of 31.12.2023: 20,273)."""

    def change(*extra: str) -> dict:
        r = dwk("indicators", "14523340", "--format", "json", *extra, env_cache=cache_dir)
        assert r.returncode == 0, r.stderr
        return next(x for x in json.loads(r.stdout) if x["id"].endswith("seit_2011"))

    today = change()
    assert today["value"] == pytest.approx((20273 / (19454 + 2746) - 1) * 100, abs=1e-6)
    assert today["flag"] == ""
    own = change("--gebietsstand", "jeweilig")
    assert own["value"] == pytest.approx((20273 / 19454 - 1) * 100, abs=1e-6)
    assert own["flag"] == "gebiet"
    r = dwk("indicators", "14523340", "--gebietsstand", "heute", env_cache=cache_dir)
    assert r.returncode == 2
    assert r.stderr == "Fehler: unbekannter Gebietsstand 'heute' (möglich: aktuell, jeweilig)\n"


def test_bad_import_exits_2_and_changes_nothing(cache_dir, store, tmp_path):
    manifest = next(Path(cache_dir).glob("store-v*/manifest.json"))
    before = manifest.read_bytes()
    bad = tmp_path / "kaputt.csv"
    bad.write_text("GENESIS-Tabelle: 1\nTitel;;\n;;31.12.2015\n01;X;zwölf\n", "utf-8")
    r = dwk("data", "import", str(bad), env_cache=cache_dir)
    assert r.returncode == 2
    assert (
        r.stderr.count("\n") == 1 and "kaputt.csv:4:3" in r.stderr and "Traceback" not in r.stderr
    )
    assert manifest.read_bytes() == before


def test_unknown_area_exits_2(cache_dir, store):
    r = dwk("profile", "build", "nirgendwo", env_cache=cache_dir)
    assert r.returncode == 2 and "nirgendwo" in r.stderr


def test_the_script_leaves_without_teardown_and_delivers_what_main_does(cache_dir, store):
    """`console` (the `dwk` script) ends with os._exit, so that native thread pools are not
    torn down after the work (exit −6 once in CI, apache/arrow#34314). What a command printed
    must still arrive whole, with its exit code, as with `main` and the normal exit: a CSV far
    larger than a pipe's buffer, and an error's one line with 2. An exit handler, which the
    teardown would run, does not run."""
    env = {**os.environ, "DWK_CACHE_DIR": str(cache_dir)}
    probe = "import atexit; atexit.register(print, 'Abbau'); "
    jobs = {
        "csv": ("project", "dortmund", "--to", "2040", "--format", "csv"),
        "error": ("project", "99999", "--to", "2030"),
    }
    for name, args in jobs.items():
        got = {}
        for entry in ("main", "console"):
            code = f"{probe}from dwk.cli import {entry}; {entry}()"
            got[entry] = subprocess.run(
                [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env
            )
        main, console = got["main"], got["console"]
        assert main.stdout.endswith("Abbau\n") and "Abbau" not in console.stdout
        assert console.stdout == main.stdout.removesuffix("Abbau\n")
        assert (console.stderr, console.returncode) == (main.stderr, main.returncode)
        if name == "csv":
            assert console.returncode == 0 and len(console.stdout) > 1 << 16
        else:
            assert console.returncode == 2 and console.stderr.count("\n") == 1


def test_help_does_not_import_pandas():
    code = "import sys; import dwk.cli; print('pandas' in sys.modules, 'matplotlib' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "False False"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("survey", "summarize", "x.csv"),
            "Fehler: Option --codebook fehlt (Hilfe: dwk survey summarize --help)",
        ),
        (
            ("profile", "build", "--nope"),
            "Fehler: unbekannte Option --nope (Hilfe: dwk profile build --help)",
        ),
        (
            ("indicators", "--year", "abc"),
            "Fehler: Wert für --year muss eine ganze Zahl sein (Hilfe: dwk indicators --help)",
        ),
        (
            ("profile", "diff", "a", "b", "--threshold", "x"),
            "Fehler: Wert für --threshold muss eine Zahl sein (Hilfe: dwk profile diff --help)",
        ),
        (
            ("export", "meeting", "--pdf-timeout", "0"),
            "Fehler: Wert für --pdf-timeout muss >=1 sein, nicht 0.0 (Hilfe: dwk export meeting --help)",
        ),
        (  # 12411-01-01-4_00.csv starts on 31.12.1995, 12411-0015 ends on 31.12.2024
            ("indicators", "adorf", "--year", "1990"),
            "Fehler: keine Werte für 1990: die Einwohnerzahlen im Datenbestand reichen von 1995 "
            "bis 2024 (dwk data status)",
        ),
        (("nosuch",), "Fehler: unbekannter Befehl nosuch (Hilfe: dwk --help)"),
        (
            ("profile", "diff", "a", "b", "c"),
            "Fehler: überzählige Angabe c (Hilfe: dwk profile diff --help)",
        ),
    ],
)
def test_usage_errors_are_one_german_line(cache_dir, args, message):
    r = dwk(*args, env_cache=cache_dir)
    assert r.returncode == 2 and r.stderr == message + "\n"


def test_help_is_german_throughout(cache_dir):
    """typer's and click's words around dwk's texts are German too: usage line, panels,
    defaults, the help option; a group called bare shows its help with exit 2 (a usage
    error) and no empty "Fehler:" line after it."""
    r = dwk("profile", "build", "--help", env_cache=cache_dir)
    assert r.returncode == 0
    out = " ".join(r.stdout.split())
    for german in (
        "Aufruf: ",  # the program's name after it is "-c" here
        " profile build [OPTIONEN] [GEBIET]...",
        "Argumente",
        "Optionen",
        "Ausgabeverzeichnis. [Standard: out]",
        "--help Diese Hilfe zeigen und beenden.",
        "Beispiel: dwk profile build adorf grabow --out out",
    ):
        assert german in out
    for english in ("Usage", "Options", "Arguments", "default", "Show this", "Example"):
        assert english not in out
    r = dwk("swot", "review", "--help", env_cache=cache_dir)
    assert "[Pflicht]" in r.stdout and "[required]" not in r.stdout
    r = dwk("data", env_cache=cache_dir)
    assert r.returncode == 2 and r.stderr == ""
    assert " data [OPTIONEN] BEFEHL [ARGUMENTE]..." in r.stdout
    assert "Befehle" in r.stdout and "Commands" not in r.stdout


def test_command_help_paragraphs_are_one_line_each():
    """The help keeps a docstring's line breaks within a paragraph: `dwk data --help` listed
    `status` as "… und welche Zahlen" with the rest on a line of its own. Every command's
    paragraphs are one source line (the "Beispiel:" lines are meant as lines)."""
    import typer.main

    from dwk.cli.commands import app

    def commands(group):
        for name, command in getattr(group, "commands", {}).items():
            yield name, command
            yield from commands(command)

    found = list(commands(typer.main.get_command(app)))
    assert {"build", "status", "meeting", "review", "summarize"} <= {n for n, _ in found}
    for name, command in found:
        for paragraph in (command.help or "").strip().split("\n\n"):
            lines = [x.strip() for x in paragraph.strip().splitlines()]
            assert len(lines) == 1 or all(x.startswith("Beispiel:") for x in lines), name

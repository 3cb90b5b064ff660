"""`dwk survey summarize` end to end, on the demo survey and on SoSci and SPSS exports."""

from __future__ import annotations

import json
import re

import pytest

from dwk.core import paths
from tests.cli.test_cli import dwk

SURVEYS = paths.data_dir() / "surveys"
CODEBOOK = SURVEYS / "buergerbefragung.toml"
FIXTURES = paths.data_dir().parent / "tests" / "fixtures" / "surveys"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PHONE = re.compile(r"\b0\d{2,4}[ /-]?\d{4,}")


def summarize(cache_dir, *args):
    return dwk("survey", "summarize", *args, env_cache=cache_dir)


def test_json_summary_of_a_demo_survey(cache_dir, store):
    r = summarize(
        cache_dir,
        str(SURVEYS / "riesa-buergerbefragung.csv"),
        "--codebook",
        str(CODEBOOK),
        "--area",
        "riesa",
        "--format",
        "json",
        "--verbatims",
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["survey"]["synthetic"] is True and out["dropped_columns"] == ["seed"]
    assert out["weighting"]["table"] == "12411-02-03-5" and out["weighting"]["by"] == ["age", "sex"]
    resp = out["respondents"]
    # 380 records; fewer than 10 without a weightable age or sex: a group that small is not
    # counted in print, and neither is the number read, from which it would follow (issue 17)
    assert resp["read"] is None and resp["unweightable_excluded"] is None
    assert 380 - 10 < resp["analysed"] + resp["incomplete_excluded"] < 380
    assert len(out["items"]) == 17
    for item in out["items"]:
        for groups in item["groups"].values():
            assert all(g["suppressed"] or g["n"] >= 10 for g in groups)
            assert all(set(g) == {"group", "suppressed"} for g in groups if g["suppressed"])
    texts = [v["text"] for vs in out["verbatims"].values() for v in vs]
    assert any("[E-Mail]" in t for t in texts) and any("[Telefon]" in t for t in texts)
    assert not any(EMAIL.search(t) or PHONE.search(t) for t in texts)
    # the demo's contact data (scripts/demo_surveys.py) appears nowhere in the output
    assert "example.org" not in r.stdout and "4567890" not in r.stdout


def test_table_says_synthetic_and_open_answers_stay_out(cache_dir, store):
    r = summarize(
        cache_dir,
        str(SURVEYS / "riesa-buergerbefragung.csv"),
        "--codebook",
        str(CODEBOOK),
        "--area",
        "riesa",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("SYNTHETISCHE BEISPIELDATEN\n")
    assert "Ich lebe gern in meinem Ort." in r.stdout
    assert "Bitte melden" not in r.stdout and "example.org" not in r.stdout + r.stderr


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (b'\xef\xbb\xbf"id","submitdate"\r\n"1","x","y"\r\n', ":2:3: "),
        (b'\xef\xbb\xbf"id","submitdate"\r\n"1,"2026\r\n', ":2:"),
        (b"", ": Datei ist leer"),
    ],
)
def test_broken_exports_exit_2_with_one_line(cache_dir, store, tmp_path, content, where):
    bad = tmp_path / "export.csv"
    bad.write_bytes(content)
    r = summarize(cache_dir, str(bad), "--codebook", str(CODEBOOK), "--area", "adorf")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith(f"Fehler: {bad}") and where in r.stderr


def test_broken_codebook_exits_2(cache_dir, store, tmp_path):
    bad = tmp_path / "codebook.toml"
    bad.write_text(CODEBOOK.read_text("utf-8").replace("\n[survey]\n", "\n[survey\n", 1), "utf-8")
    r = summarize(
        cache_dir,
        str(SURVEYS / "adorf-buergerbefragung.csv"),
        "--codebook",
        str(bad),
        "--area",
        "adorf",
    )
    assert (
        r.returncode == 2 and r.stderr.startswith(f"Fehler: {bad}:") and "Traceback" not in r.stderr
    )


def test_unweightable_respondents_stop_the_analysis_unless_the_codebook_allows(
    cache_dir, store, tmp_path
):
    strict = tmp_path / "codebook.toml"
    strict.write_text(CODEBOOK.read_text("utf-8").replace('"ausschliessen"', '"fehler"'), "utf-8")
    r = summarize(
        cache_dir,
        str(SURVEYS / "adorf-buergerbefragung.csv"),
        "--codebook",
        str(strict),
        "--area",
        "adorf",
    )
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert f"{strict}: " in r.stderr and "ohne gewichtbare Angabe" in r.stderr


SOSCI_CODEBOOK = """
[survey]
title = "Test"
source = "Handgemachte SoSci-Datei"
period = "2024"

[scale.fuenf]
labels = ["trifft gar nicht zu", "2", "3", "4", "trifft voll zu"]

[[item]]
id = "ab1"
column = "AB01_01"
wording = "Erste Aussage"
scale = "fuenf"
handlungsfeld = "Test"
polarity = "zustimmung_guenstig"

[[item]]
id = "ab2"
column = "AB01_02"
wording = "Zweite Aussage"
scale = "fuenf"
handlungsfeld = "Test"
polarity = "zustimmung_guenstig"
"""


def test_sosci_negative_codes_are_missing_with_their_reason(cache_dir, store, tmp_path):
    book = tmp_path / "sosci.toml"
    book.write_text(SOSCI_CODEBOOK, "utf-8")
    r = summarize(
        cache_dir,
        str(FIXTURES / "sosci_utf16.csv"),
        "--codebook",
        str(book),
        "--area",
        "adorf",
        "--format",
        "json",
        "--min-cell",
        "1",
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["dropped_columns"] == ["SERIAL", "REF", "MAILSENT"]
    assert out["weighting"] is None
    first = out["items"][0]
    # finished cases 483, 490, 491 (485 has FINISHED 0): AB01_01 = 4, 5, 3
    assert out["respondents"]["incomplete_excluded"] >= 1
    assert first["counts"][2:] == [1, 1, 1] and first["valid_n"] == 3
    second = out["items"][1]
    assert (
        second["missing"].get("nicht beantwortet") == 1
        and second["missing"].get("Ausweichoption") == 1
    )


def test_spss_user_missing_is_missing_with_its_label(cache_dir, store, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    import pandas as pd

    sav = tmp_path / "befragung.sav"
    frame = pd.DataFrame({"AB01_01": [1.0, 5.0, -9.0, 4.0], "AB01_02": [2.0, 2.0, 3.0, -9.0]})
    pyreadstat.write_sav(
        frame,
        str(sav),
        missing_ranges={"AB01_01": [-9], "AB01_02": [-9]},
        variable_value_labels={"AB01_01": {-9: "keine Angabe"}},
    )
    book = tmp_path / "spss.toml"
    book.write_text(SOSCI_CODEBOOK, "utf-8")
    r = summarize(
        cache_dir,
        str(sav),
        "--codebook",
        str(book),
        "--area",
        "adorf",
        "--format",
        "json",
        "--min-cell",
        "1",
    )
    assert r.returncode == 0, r.stderr
    first, second = json.loads(r.stdout)["items"]
    assert first["counts"] == [1, 0, 0, 1, 1] and first["missing"] == {"keine Angabe": 1}
    assert second["counts"] == [0, 2, 1, 0, 0] and second["missing"] == {"fehlend (SPSS)": 1}

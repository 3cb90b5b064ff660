"""Personal data never leaves through a message or a source list (issue 17), and a respondent
is never counted twice.

* An answer the codebook does not know is reported by file, line, column and question, never
  by its text: a respondent may have written an e-mail address or a phone number there.
* The profile names tables by their code and the survey by its codebook's source line, never
  by a local file name (a file called after the researcher's e-mail address).
* A response id that occurs twice is an error naming both lines (README, "Surveys").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dwk.core import paths
from dwk.core.errors import InputError
from dwk.sources.surveys.survey_file import read_survey

REAL_DATA = paths.data_dir()
ADORF_CSV = REAL_DATA / "surveys" / "adorf-buergerbefragung.csv"
CODEBOOK = REAL_DATA / "surveys" / "buergerbefragung.toml"
EMAIL, PHONE = "erika.mustermann@example.org", "0171 2345678"
FILE_NAME = "max.mustermann@example.org.csv"


def with_answer(text: str) -> bytes:
    """The Adorf export with LO[SQ001] (10th column) of record "3" (line 4) replaced."""
    data = ADORF_CSV.read_bytes().split(b"\r\n")
    fields = data[3].split(b",")
    assert fields[0] == b'"3"' and fields[9] == b'"A5"'  # "3",…,"A5" (lo_gern)
    fields[9] = ('"' + text + '"').encode()
    data[3] = b",".join(fields)
    return b"\r\n".join(data)


def dwk(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DWK_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-c", "from dwk.cli import console; console()", *args],
        capture_output=True,
        text=True,
        env=env,
    )


# --- duplicate response ids -------------------------------------------------------------------


def test_a_response_id_twice_is_an_error_naming_both_lines(tmp_path):
    data = ADORF_CSV.read_bytes().split(b"\r\n")
    assert data[2].startswith(b'"2",')  # line 3: response id 2
    path = tmp_path / "doppelt.csv"
    path.write_bytes(b"\r\n".join([*data[:6], data[2], *data[6:]]))  # line 7 repeats line 3
    with pytest.raises(InputError) as err:
        read_survey(path)
    assert str(err.value) == (
        f"{path}:7:1: Antwort-ID id = 2 doppelt (zuerst in Zeile 3): jeder Datensatz darf nur "
        "einmal vorkommen"
    )


def test_the_shipped_exports_have_unique_ids():
    raw = read_survey(ADORF_CSV)
    assert len(set(raw.columns["id"])) == raw.n


# --- messages ---------------------------------------------------------------------------------


def test_an_unknown_answer_is_named_by_place_and_question_not_by_its_text(tmp_path):
    from dwk.survey.codebook import load_codebook
    from dwk.survey.responses import code_responses

    path = tmp_path / "antworten.csv"
    path.write_bytes(with_answer(f"{EMAIL}, {PHONE}"))
    with pytest.raises(InputError) as err:
        code_responses(read_survey(path), load_codebook(CODEBOOK))
    message = str(err.value)
    assert message == (
        f"{path}:4:10: Antwort auf Item lo_gern in Spalte LO[SQ001] steht nicht im Codebuch"
    )


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory):
    """`data/` with raw/ linked and two surveys for Adorf: a clean one under a file name that is
    an e-mail address, and one whose answer holds an e-mail address and a phone number."""
    root = tmp_path_factory.mktemp("personal")
    data = root / "data"
    shutil.copytree(REAL_DATA, data, ignore=shutil.ignore_patterns("raw", "reviews"))
    (data / "raw").symlink_to(REAL_DATA / "raw", target_is_directory=True)
    shutil.copy(ADORF_CSV, data / "surveys" / FILE_NAME)
    (data / "surveys" / "kontakt.csv").write_bytes(with_answer(f"{EMAIL}, {PHONE}"))
    areas = (data / "areas.toml").read_text("utf-8")
    old = 'file = "surveys/adorf-buergerbefragung.csv"'
    assert areas.count(old) == 1
    areas = areas.replace(old, f'file = "surveys/{FILE_NAME}"')
    grabow = 'file = "surveys/grabow-buergerbefragung.csv"'
    assert areas.count(grabow) == 1
    (data / "areas.toml").write_text(areas.replace(grabow, 'file = "surveys/kontakt.csv"'))
    return data


def texts(folder: Path) -> str:
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in sorted(folder.rglob("*")) if p.is_file()
    )


def test_no_personal_data_in_the_batch_or_its_files(store, data_copy, tmp_path):
    from dwk.app.build import build_reports
    from dwk.areas import Registry

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(paths, "data_dir", lambda: data_copy)
        registry = Registry.load(store)
        areas = [registry.resolve("adorf"), registry.resolve("grabow")]
        result = build_reports(store, registry, areas, tmp_path, ("md", "html", "json"))
    # Grabow's export holds the e-mail in line 4: it fails, by place and question
    [(slug, message)] = result.failed
    assert slug == "grabow" and message.endswith(
        "kontakt.csv:4:10: Antwort auf Item lo_gern in Spalte LO[SQ001] steht nicht im Codebuch"
    )
    written = texts(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} >= {"adorf.md", "adorf.html", "adorf.json"}
    for secret in (EMAIL, PHONE, "mustermann"):
        assert secret not in message and secret not in written
    # provenance: tables by code, the survey by its source line; no local file name at all
    for name in [p.name for p in (REAL_DATA / "raw").iterdir()] + [
        FILE_NAME,
        "buergerbefragung.toml",
    ]:
        assert name not in written, name
    assert "Tabelle 12411-01-01-4" in written or "Tabelle 12411" in written


def test_no_personal_data_on_stderr(store, cache_dir, data_copy):
    r = dwk(
        "survey",
        "summarize",
        str(data_copy / "surveys" / "kontakt.csv"),
        "--codebook",
        str(CODEBOOK),
        "--area",
        "adorf",
        cache=cache_dir,
    )
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert ":4:10: Antwort auf Item lo_gern in Spalte LO[SQ001]" in r.stderr
    for secret in (EMAIL, PHONE, "mustermann"):
        assert secret not in r.stderr and secret not in r.stdout

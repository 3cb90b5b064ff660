"""The survey path on the shipped demo surveys: codebook, coding, official margins, weighting.

Expected values come from the raw files themselves: the demo CSV read with the csv module and
raked by a few lines of plain IPF here, and the Adorf row of 12411-02-03-5_00.csv.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dwk.core import paths
from dwk.core.errors import ConfigError, InputError
from dwk.sources.surveys.survey_file import read_survey
from dwk.survey.codebook import load_codebook
from dwk.survey.collapse import collapse_ordered
from dwk.survey.population import official_population
from dwk.survey.responses import NOT_SHOWN, code_responses
from dwk.survey.summary import summarize

SURVEYS = paths.data_dir() / "surveys"
CODEBOOK = SURVEYS / "buergerbefragung.toml"
ADORF = SURVEYS / "adorf-buergerbefragung.csv"


@pytest.fixture(scope="module")
def book():
    return load_codebook(CODEBOOK)


def _records(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["id"]]


def test_official_margins_are_the_sums_of_whole_bands(ctx):
    # 12411-02-03-5_00.csv line 12036, Adorf/Vogtl. 31.12.2015: total bands 18–20 48, 20–25 117,
    # 25–30 242; 30–35 295, 35–40 254, 40–45 264; 45..65 325+432+398+465; 65–75 746; 75+ 840;
    # male 2445 minus 49+54+81+106+41 under 18; female 2633 minus 47+48+70+105+51
    pop = official_population(ctx, "14523010")
    assert pop.table == "12411-02-03-5" and pop.period == "2015-12-31"
    assert pop.age == {"18–29": 407, "30–44": 813, "45–64": 1620, "65–74": 746, "75+": 840}
    assert pop.sex == {"männlich": 2114, "weiblich": 2312}


def _age_group(age: int) -> str:
    for label, lo, hi in (
        ("18–29", 18, 30),
        ("30–44", 30, 45),
        ("45–64", 45, 65),
        ("65–74", 65, 75),
        ("75+", 75, 200),
    ):
        if lo <= age < hi:
            return label
    raise AssertionError(age)


def test_weighted_shares_recomputed_by_hand(ctx, book):
    result = summarize(read_survey(ADORF), book, official_population(ctx, "14523010"))
    rows = [r for r in _records(ADORF) if r["submitdate"] and r["S1"] and r["S2"] in ("A1", "A2")]
    assert result.n == len(rows) and result.incomplete_excluded == sum(
        1 for r in _records(ADORF) if not r["submitdate"]
    )
    age = [_age_group(int(r["S1"])) for r in rows]
    sex = ["männlich" if r["S2"] == "A1" else "weiblich" for r in rows]
    targets = {
        "age": {"18–29": 407, "30–44": 813, "45–64": 1620, "65–74": 746, "75+": 840},
        "sex": {"männlich": 2114, "weiblich": 2312},
    }
    w = [1.0] * len(rows)
    for _ in range(100):  # plain IPF, one margin after the other
        for var, cats in (("age", age), ("sex", sex)):
            for cat, target in targets[var].items():
                total = sum(wi for wi, c in zip(w, cats, strict=True) if c == cat)
                w = [wi * target / total if c == cat else wi for wi, c in zip(w, cats, strict=True)]
    assert sum(w) == pytest.approx(4426)
    assert list(result.weighting.weights) == pytest.approx(w, rel=1e-6)
    # "Ich lebe gern in meinem Ort.": share of A4/A5 among the valid answers A1..A5, weighted
    valid = [
        (wi, r["LO[SQ001]"])
        for wi, r in zip(w, rows, strict=True)
        if r["LO[SQ001]"] in ("A1", "A2", "A3", "A4", "A5")
    ]
    top2 = 100 * sum(wi for wi, a in valid if a in ("A4", "A5")) / sum(wi for wi, _ in valid)
    item = next(i for i in result.items if i.item.id == "lo_gern")
    assert item.stats.valid_n == len(valid)
    assert item.stats.top2 == pytest.approx(top2)
    kish = sum(w) ** 2 / sum(x * x for x in w)
    assert result.weighting.effective_n == pytest.approx(kish)


def test_reverse_coded_item_and_filtered_item(book):
    raw = read_survey(ADORF)
    resp = code_responses(raw, book)
    rows = [r for r in _records(ADORF) if r["submitdate"]]
    # DI[SQ003] is exported "umgepolt": A1 is full agreement, so A1 becomes code 5
    assert sum(1 for r in rows if r["DI[SQ003]"] == "A1") == int(
        (resp.values["di_sicher"] == 5).sum()
    )
    assert sum(1 for r in rows if r["DI[SQ003]"] == "A5") == int(
        (resp.values["di_sicher"] == 1).sum()
    )
    # FA[SQ001] is only shown to households with children: an unquoted empty field (NULL)
    not_shown = resp.reasons["fa_kita"].count(NOT_SHOWN)
    assert not_shown == sum(1 for r in rows if r["S4"] == "N")
    stats = summarize(raw, book, None).items[6].stats  # unweighted: nobody excluded
    assert stats.missing[NOT_SHOWN] == not_shown
    shown = resp.n - not_shown
    unanswered = sum(1 for r in rows if r["S4"] == "Y" and r["FA[SQ001]"] in ("", "A6"))
    assert stats.nonresponse == pytest.approx(100 * unanswered / shown)


def test_an_answer_the_codebook_does_not_know_is_an_error_with_line_and_column(book, tmp_path):
    data = ADORF.read_bytes().split(b"\r\n")
    fields = data[3].split(b",")  # line 4 of the file: the third respondent
    fields[9] = b'"A9"'  # LO[SQ001], the 10th column
    data[3] = b",".join(fields)
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\r\n".join(data))
    with pytest.raises(InputError) as err:
        code_responses(read_survey(broken), book)
    assert (
        str(err.value)
        == f"{broken}:4:10: Antwort auf Item lo_gern in Spalte LO[SQ001] steht nicht im Codebuch"
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('scale = "zustimmung"', 'scale = "zufrieden"', 1), "unbekannte Skala 'zufrieden'"),
        (('polarity = "neutral"', 'polarity = "gut"', 1), "polarity muss"),
        (('column = "LO[SQ002]"', 'column = "LO[SQ001]"', 1), "Spalten doppelt: LO[SQ001]"),
        (("[respondent.district]", "[respondent.beruf]", 1), "[respondent.beruf]"),
        (('by = ["age", "sex"]', 'by = ["age", "district"]', 1), "by: 'district'"),
        (('values = { "A1" = "männlich"', 'values = { "A1" = "Mann"', 1), "Mann"),
    ],
)
def test_broken_codebooks_are_config_errors(tmp_path, edit, message):
    old, new, count = edit
    text = CODEBOOK.read_text("utf-8")
    assert old in text
    path = tmp_path / "codebook.toml"
    path.write_text(text.replace(old, new, count), "utf-8")
    with pytest.raises(ConfigError) as err:
        load_codebook(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_codebook_column_missing_from_the_export(book, tmp_path):
    path = tmp_path / "codebook.toml"
    path.write_text(CODEBOOK.read_text("utf-8").replace('"DI[SQ003]"', '"DI[SQ009]"'), "utf-8")
    with pytest.raises(ConfigError, match=r"fehlen in adorf-buergerbefragung.csv: DI\[SQ009\]"):
        code_responses(read_survey(ADORF), load_codebook(path))


def test_thin_age_groups_are_merged_with_their_smaller_neighbour():
    targets = {"18–29": 100.0, "30–44": 200.0, "45–64": 300.0, "65–74": 150.0, "75+": 120.0}
    values = ["18–29"] * 4 + ["30–44"] * 30 + ["45–64"] * 40 + ["65–74"] * 12 + ["75+"] * 9
    merged, margins, names = collapse_ordered(values, targets, min_n=20)
    assert names == ["18–44", "65+"]
    assert margins == {"18–44": 300.0, "45–64": 300.0, "65+": 270.0}
    assert merged.count("18–44") == 34 and merged.count("65+") == 21
    assert collapse_ordered(values, targets, min_n=1)[2] == []


def test_vrees_is_weighted_on_merged_age_groups(ctx, book):
    vrees = SURVEYS / "vrees-buergerbefragung.csv"
    rows = [r for r in _records(vrees) if r["submitdate"] and r["S1"] and r["S2"] in ("A1", "A2")]
    n = {
        g: sum(1 for r in rows if _age_group(int(r["S1"])) == g)
        for g in ("18–29", "30–44", "45–64", "65–74", "75+")
    }
    # the raw file: the youngest and the oldest group are thin, each merges with its only
    # neighbour, and the merged groups and 45–64 carry at least 20 respondents
    assert n["18–29"] < 20 and n["75+"] < 20 and n["45–64"] >= 20
    assert n["18–29"] + n["30–44"] >= 20 and n["65–74"] + n["75+"] >= 20
    result = summarize(read_survey(vrees), book, official_population(ctx, "03454055"))
    assert result.merged_age_groups == ("18–44", "65+")
    assert set(result.weighting.margins["age"]) == {"18–44", "45–64", "65+"}


def test_no_group_under_ten_carries_a_number(ctx, book):
    result = summarize(
        read_survey(SURVEYS / "vrees-buergerbefragung.csv"),
        book,
        official_population(ctx, "03454055"),
    )
    groups = [g for i in result.items if i.stats for gs in i.groups.values() for g in gs]
    hidden = [g for g in groups if g.suppressed]
    assert hidden and all(g.top2 != g.top2 for g in hidden)  # NaN, never the real value
    assert all(g.n >= 10 for g in groups if not g.suppressed)
    assert all(r.n is None or r.n >= 10 for r in result.sample)


def test_demo_surveys_are_reproducible(tmp_path):
    script = paths.data_dir().parent / "scripts" / "demo_surveys.py"
    if not script.exists():
        pytest.skip("installed without the repository's scripts/")
    shutil.copy(CODEBOOK, tmp_path / "codebook.toml")
    subprocess.run([sys.executable, str(script), str(tmp_path)], check=True)
    for shipped in sorted(SURVEYS.glob("*.csv")):
        assert (tmp_path / shipped.name).read_bytes() == shipped.read_bytes(), shipped.name


PFEIFFER_BOOK = """
[survey]
title = "Digitale Zwillinge"
source = "Pfeiffer et al., MODELS 2024, CC BY 4.0"
period = "2024"

[scale.zustimmung4]
labels = ["Stimme gar nicht zu", "Stimme eher nicht zu", "Stimme eher zu", "Stimme vollständig zu"]
missing = { "Keine Angabe" = "keine Angabe" }

[[item]]
id = "simuliert"
column = "Welche Eigenschaften haben für Sie digitale Zwillinge? Geben Sie Ihre Zustimmung zu den folgenden Aussagen an. [Er simuliert das zugehörige Cyber-physische System (CPS).]"
wording = "Er simuliert das zugehörige CPS."
scale = "zustimmung4"
handlungsfeld = "Eigenschaften"
polarity = "neutral"
"""


def test_full_answer_export_is_mapped_through_the_labels(tmp_path):
    # the real export writes full answers; column 9 holds 2 "gar nicht", 9 "eher nicht",
    # 22 "eher zu", 18 "vollständig" and 45 empty fields among its 96 records
    path = tmp_path / "book.toml"
    path.write_text(PFEIFFER_BOOK, "utf-8")
    raw = read_survey(
        paths.data_dir().parent / "tests/fixtures/surveys/limesurvey_pfeiffer_german.csv"
    )
    [item] = summarize(raw, load_codebook(path), None).items
    assert item.stats.counts == (2, 9, 22, 18)
    assert item.stats.top2 == pytest.approx(100 * 40 / 51)
    assert item.stats.missing == {"nicht beantwortet": 45}


def test_the_terminal_summary_names_the_weighting_table_with_a_german_date(store, registry):
    """The weights come from the age groups of 12411-02-03-5 on 31.12.2015, the newest Stichtag
    of Gemeinde ages in data/raw; the line printed it as "2015-12-31"."""
    import io

    from dwk.app.survey import summarize_file, write_summary

    result = summarize_file(store, registry, ADORF, CODEBOOK, "adorf", min_cell=10,
                            include_incomplete=False, verbatims=False)  # fmt: skip
    out = io.StringIO()
    write_summary(result, "table", out)
    line = "gewichtet nach Altersgruppe und Geschlecht (Tabelle 12411-02-03-5, 31.12.2015): "
    assert line in out.getvalue() and "2015-12-31" not in out.getvalue()

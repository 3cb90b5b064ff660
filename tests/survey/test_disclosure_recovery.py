"""Nothing printed lets a reader recover a hidden count (issue 17).

Two surveys are made from a copy of the Adorf export (data/surveys/adorf-buergerbefragung.csv,
233 complete responses; S1 age in years, S2 sex A1/A2/A3 = männlich/weiblich/divers):

* "geschlecht": only 4 men are left (the other men made women), one person "divers" (the only
  respondent without a weightable answer), weighted by sex alone;
* "alter": only 3 respondents aged 18–29 are left (the others made 50), weighted by age alone.

For each, everything the survey prints (the `dwk survey summarize --format json` record, a
superset of what the profile shows, and the profile's Markdown, HTML and JSON) is attacked the
ways the hostile run found: official margin / largest or smallest weight; the design effect
against the public population shares; the numbers of respondents read, excluded and
analysed. The test fails if any attack gives the true size of a group below the minimum.
Before the fix, all three attacks succeeded (4 men, 3 young respondents, 1 person).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from dwk.app.survey import to_json
from dwk.core import paths
from dwk.survey.area import analyse_survey
from dwk.survey.codebook import AGE_GROUPS

REAL_DATA = paths.data_dir()
ADORF_CSV = REAL_DATA / "surveys" / "adorf-buergerbefragung.csv"
MIN_CELL = 10  # SurveySource.min_cell default


def _rows() -> tuple[list[str], list[list[str]]]:
    text = ADORF_CSV.read_text("utf-8-sig")
    head, *rows = list(csv.reader(io.StringIO(text)))
    return head, [r for r in rows if r]


def _write(path: Path, head: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows([head, *rows])
    path.write_text("\ufeff" + out.getvalue(), "utf-8")


def few_men(path: Path) -> dict:
    head, rows = _rows()
    age, sex, done = head.index("S1"), head.index("S2"), head.index("submitdate")
    complete = [r for r in rows if r[done]]
    men = [r for r in complete if r[sex] == "A1"]
    for r in men[4:]:
        r[sex] = "A2"
    for r in [r for r in complete if r[sex] == "A3"][1:]:
        r[sex] = "A2"
    for r in complete:
        r[age] = r[age] or "50"
    _write(path, head, rows)
    return {("sex", "männlich"): 4, "unweightable": 1}


def few_young(path: Path) -> dict:
    head, rows = _rows()
    age, done = head.index("S1"), head.index("submitdate")
    complete = [r for r in rows if r[done]]
    for r in [r for r in complete if r[age] and int(r[age]) < 30][3:]:
        r[age] = "50"
    _write(path, head, rows)
    return {("age", "18–29"): 3}


def codebook(path: Path, by: str) -> Path:
    text = (REAL_DATA / "surveys" / "buergerbefragung.toml").read_text("utf-8")
    assert 'by = ["age", "sex"]' in text
    path.write_text(text.replace('by = ["age", "sex"]', f'by = ["{by}"]'), "utf-8")
    return path


@pytest.fixture(scope="module")
def surveys(ctx, tmp_path_factory):
    root = tmp_path_factory.mktemp("disclosure")
    out = {}
    for name, make, by in (("geschlecht", few_men, "sex"), ("alter", few_young, "age")):
        file = root / f"{name}.csv"
        truth = make(file)
        book = codebook(root / f"{name}.toml", by)
        result = analyse_survey(ctx, "14523010", file, book, min_cell=MIN_CELL)
        out[name] = (result, to_json(result), truth, file, book)
    return out


# --- the attacks --------------------------------------------------------------------------


def _members(cell: str) -> list[str]:
    if cell in [g for g, _, _ in AGE_GROUPS] or "–" not in cell and not cell.endswith("+"):
        return [cell]
    lo = int(cell.split("–")[0].rstrip("+"))
    hi = None if cell.endswith("+") else int(cell.split("–")[1]) + 1
    return [g for g, a, b in AGE_GROUPS if a >= lo and (hi is None or (b or 999) <= hi)]


def _printed_counts(record: dict) -> dict[tuple[str, str], int]:
    return {(s["field"], s["category"]): s["n"] for s in record["sample"] if s["n"] is not None}


def from_weights(record: dict) -> dict[tuple[str, str], int]:
    """margin / weight = respondents in the cell (exact for one weighting variable); minus
    the printed counts of the cell's other groups, the hidden one."""
    w = record["weighting"]
    if w is None:
        return {}
    shown, found = _printed_counts(record), {}
    for field, margins in w["margins"].items():
        for cell, margin in margins.items():
            for weight in (w["weight_min"], w["weight_max"]):
                k = margin / weight
                if abs(k - round(k)) > 0.01:
                    continue
                members = _members(cell)
                unknown = [g for g in members if (field, g) not in shown]
                if len(unknown) == 1:
                    found[(field, unknown[0])] = round(k) - sum(
                        shown[(field, g)] for g in members if g != unknown[0]
                    )
    return found


def from_design_effect(record: dict) -> dict[tuple[str, str], int]:
    """With one weighting variable, deff = n · Σ P_c² / n_c; the public shares P_c and the
    printed counts leave one unknown when two groups are hidden: try every split."""
    w = record["weighting"]
    if w is None or len(w["margins"]) != 1:
        return {}
    [(field, margins)] = w["margins"].items()
    total = sum(margins.values())
    shown = _printed_counts(record)
    n = record["respondents"]["analysed"]
    groups = [g for cell in margins for g in _members(cell)]
    hidden = [g for g in groups if (field, g) not in shown]
    rest = n - sum(shown.get((field, g), 0) for g in groups)
    if len(hidden) != 2:
        return {}
    matches = []
    for k in range(1, rest):
        counts = {
            **{g: shown.get((field, g), 0) for g in groups},
            hidden[0]: k,
            hidden[1]: rest - k,
        }
        cells = {c: sum(counts[g] for g in _members(c)) for c in margins}
        if min(cells.values()) == 0:
            continue
        deff = n * sum((m / total) ** 2 / cells[c] for c, m in margins.items())
        if abs(deff - w["design_effect"]) < 5e-4:
            matches.append(k)
    return {(field, hidden[0]): matches[0]} if len(matches) == 1 else {}


def from_counts(record: dict, texts: list[str]) -> dict[str, int]:
    """read − incomplete − analysed, and any "N Befragte ohne gewichtbare Angabe" printed."""
    r, found = record["respondents"], {}
    if None not in (r["read"], r["incomplete_excluded"]):
        found["unweightable"] = r["read"] - r["incomplete_excluded"] - r["analysed"]
    for text in [*texts, *record["warnings"]]:
        # "weniger als 10 Befragte …" is a bound, not a count
        for m in re.finditer(r"(?<![Aa]ls )\b(\d+) (?:Befragte )?ohne gewichtbare Angabe", text):
            found["unweightable"] = int(m[1])
    return found


def _small(truth: dict) -> dict:
    return {k: v for k, v in truth.items() if 0 < v < MIN_CELL}


@pytest.mark.parametrize("name", ["geschlecht", "alter"])
def test_no_hidden_group_can_be_recovered_from_the_summary(surveys, name):
    result, record, truth, _, _ = surveys[name]
    # the groups are really there and really small (else the test could not fail)
    assert _small(truth) == truth
    json.dumps(record)  # the record is what `--format json` prints
    recovered = {**from_weights(record), **from_design_effect(record), **from_counts(record, [])}
    leaked = {k: v for k, v in recovered.items() if truth.get(k) == v}
    assert leaked == {}
    # and no table prints a small group with its count
    assert all(s["n"] is None or s["n"] >= MIN_CELL or s["n"] == 0 for s in record["sample"])


@pytest.fixture(scope="module")
def profile_texts(store, surveys, tmp_path_factory):
    """Adorf's and Grabow's profiles built with the two surveys (md, html, json)."""
    from dwk.app.build import build_reports
    from dwk.areas import Registry

    root = tmp_path_factory.mktemp("disclosure-profile")
    data = root / "data"
    shutil.copytree(REAL_DATA, data, ignore=shutil.ignore_patterns("raw", "reviews"))
    (data / "raw").symlink_to(REAL_DATA / "raw", target_is_directory=True)
    areas = (data / "areas.toml").read_text("utf-8")
    for name, old in (("geschlecht", "adorf"), ("alter", "grabow")):
        _, _, _, file, book = surveys[name]
        shutil.copy(file, data / "surveys" / file.name)
        shutil.copy(book, data / "surveys" / book.name)
        areas = areas.replace(
            f'file = "surveys/{old}-buergerbefragung.csv"\ncodebook = '
            '"surveys/buergerbefragung.toml"',
            f'file = "surveys/{file.name}"\ncodebook = "surveys/{book.name}"',
        )
    (data / "areas.toml").write_text(areas, "utf-8")
    out = root / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(paths, "data_dir", lambda: data)
        registry = Registry.load(store)
        result = build_reports(
            store,
            registry,
            [registry.resolve("adorf"), registry.resolve("grabow")],
            out,
            ("md", "html", "json"),
        )
    assert not result.failed, result.failed
    return {p.name: p.read_text("utf-8") for p in sorted(out.iterdir()) if p.is_file()}


def test_the_profiles_print_no_count_of_a_small_group(profile_texts, surveys):
    _, record, truth, _, _ = surveys["geschlecht"]
    texts = [profile_texts[f"adorf.{ext}"] for ext in ("md", "html", "json")]
    assert (
        from_counts({**record, "respondents": {"read": None, "incomplete_excluded": None}}, texts)
        == {}
    )
    # the one person "divers" is not given away by "N Antworten gelesen" beside N − 1 analysed
    result = surveys["geschlecht"][0]
    for text in texts:
        assert f"{result.n_read} Antworten gelesen" not in text
    # Grabow's profile shows the merged age group the weighting used, not 18–29 on its own
    for ext in ("md", "html"):
        text = profile_texts[f"grabow.{ext}"]
        survey = text[text.index("Bürgerbefragung") :]
        assert "18–44" in survey and "18–29" not in survey


def test_the_error_for_unweightable_respondents_gives_no_small_count(ctx, tmp_path):
    from dwk.core.errors import SurveyError

    file = tmp_path / "geschlecht.csv"
    assert few_men(file)["unweightable"] == 1  # the one person "divers"
    book = codebook(tmp_path / "codebook.toml", "sex")
    text = book.read_text("utf-8")
    book.write_text(text.replace('unweightable = "ausschliessen"', 'unweightable = "fehler"'))
    with pytest.raises(SurveyError) as err:
        analyse_survey(ctx, "14523010", file, book, min_cell=MIN_CELL)
    assert "Weniger als 10 Befragte ohne gewichtbare Angabe zu sex" in str(err.value)
    assert "1 Befragte" not in str(err.value)


def test_what_the_weighting_does_instead(surveys):
    # 4 men: sex is left out of the weighting (the only variable here), with a note
    _, record, _, _, _ = surveys["geschlecht"]
    assert record["weighting"] is None
    assert any(w.startswith("nicht nach Geschlecht gewichtet") for w in record["warnings"])
    # 3 aged 18–29 merged with the 41 aged 30–44 (the export's complete records: 20 under 30,
    # 17 of them made 50; 41 of 30–44, 103 + 17 of 45–64, 40 of 65–74, 26 of 75+, 3 without
    # an age), and the sample table shows the merged group the weights describe
    _, record, _, _, _ = surveys["alter"]
    assert record["weighting"]["merged_age_groups"] == ["18–44"]
    ages = {s["category"]: s["n"] for s in record["sample"] if s["field"] == "age"}
    assert ages == {"18–44": 44, "45–64": 120, "65–74": 40, "75+": 26}

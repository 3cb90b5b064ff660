"""SWOT review files: the profile applies them, `dwk swot review` keeps them up to date across
data updates, and a broken file names its line."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from markupsafe import escape

from dwk.app.build import build_reports, profile_rules
from dwk.app.review import update_review
from dwk.core import paths
from dwk.core.errors import ConfigError
from dwk.render.profile import render_html, render_markdown
from dwk.report.build import build_profile
from dwk.swot import review_file
from dwk.swot.review_file import default_review_dir, load_review

FIXTURE = Path(__file__).parent.parent / "fixtures" / "reviews" / "adorf.toml"
KEY = "14523010"
ACCEPTED = f"alter-land:durchschnittsalter:{KEY}"
# mean age against Kreis, Land and members is one item (alter-land); these are facts of their own
EDITED = f"jugendquotient-land:jugendquotient:{KEY}"
REJECTED = f"wanderung-land:wanderungssaldo_je_1000:{KEY}"
SURVEY = f"umfrage-zufriedenheit-hoch:umfrage.lo_gern:{KEY}"
GONE = f"kita-wachstum:vorausberechnung_unter_6:{KEY}"  # adorf's children decline: never fires


@pytest.fixture(scope="module")
def adorf(registry):
    return registry.resolve("adorf")


@pytest.fixture(scope="module")
def rules(catalogue):
    return profile_rules(catalogue)


@pytest.fixture(scope="module")
def candidates(store, registry, catalogue, rules, ctx, adorf):
    items = {i.id: i for i in build_profile(adorf, store, registry, catalogue, rules, ctx).swot}
    assert {ACCEPTED, EDITED, REJECTED, SURVEY} <= set(items) and GONE not in items
    return items


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


# --- the profile applies the review ------------------------------------------------------------


@pytest.fixture(scope="module")
def reviewed(store, registry, adorf, candidates, tmp_path_factory):
    reviews, out = tmp_path_factory.mktemp("reviews"), tmp_path_factory.mktemp("out")
    shutil.copy(FIXTURE, reviews / "adorf.toml")
    result = build_reports(store, registry, [adorf], out, ("md", "html"), review_dir=reviews)
    assert not result.failed
    return (out / "adorf.html").read_text("utf-8"), (out / "adorf.md").read_text("utf-8")


def test_html_shows_the_reviewed_swot(reviewed, candidates):
    html = reviewed[0]
    swot = section(html, '<section id="swot">', "</section>")
    appendix = section(html, '<section id="regeln">', "</section>")
    assert f"<li>{escape(candidates[ACCEPTED].text)}<span" in swot
    assert "geprüft: A. Muster, 12.03.2026" in swot
    edited = "Adorf ist im Mittel älter als der übrige Vogtlandkreis."
    assert f"<li>{escape(edited)}<span" in swot
    assert f"Regeltext: „{escape(candidates[EDITED].text)}“" in swot
    assert f"<li>{escape(candidates[EDITED].text)}" not in swot
    assert "<li>Der alte Bahnhof wird zum Bürgertreff umgebaut." in swot
    assert "Ergänzung aus der Werkstatt: Zukunftswerkstatt 12.03.2026" in swot
    assert (
        f'<li class="demo-item"><span class="demo" title="synthetische Demo-Befragung">Demo</span> {escape(candidates[SURVEY].text)}<span class="evidence"><em>ungeprüft</em>'
        in swot
    )
    assert escape(candidates[REJECTED].text) not in swot
    rejected = section(appendix, "Abgelehnte Aussagen", "</table>")
    assert escape(candidates[REJECTED].text) in rejected
    assert "Der Vergleich mit Großstädten sagt für Adorf wenig." in rejected
    assert "B. Beispiel, 13.03.2026" in rejected
    gone = section(appendix, "Entfallene Aussagen", "</table>")
    assert GONE in gone and "Die Zahl der Kinder unter 6 Jahren wächst." in gone
    assert "angenommen (A. Muster, 12.03.2026)" in gone


def test_markdown_shows_the_reviewed_swot(reviewed, candidates):
    md = reviewed[1]
    swot = section(md, "## SWOT", "## Kennzahlen")
    appendix = section(md, "## Anhang: SWOT-Regeln", "## Anhang: Indikatoren")
    assert f"- {candidates[ACCEPTED].text} _(geprüft: A. Muster, 12.03.2026; " in swot
    assert "- Adorf ist im Mittel älter als der übrige Vogtlandkreis. _(bearbeitet: " in swot
    assert f"Regeltext: „{candidates[EDITED].text}“" in swot
    assert (
        "- Der alte Bahnhof wird zum Bürgertreff umgebaut. _(Ergänzung aus der Werkstatt: Zukunftswerkstatt 12.03.2026"
        in swot
    )
    assert f"- **[Demo]** {candidates[SURVEY].text} _(**ungeprüft**; " in swot
    assert candidates[REJECTED].text not in swot
    rejected = section(appendix, "### Abgelehnte Aussagen", "### Entfallene Aussagen")
    assert candidates[REJECTED].text in rejected
    assert "Begründung: Der Vergleich mit Großstädten sagt für Adorf wenig." in rejected
    assert "B. Beispiel, 13.03.2026" in rejected
    assert GONE in appendix.split("### Entfallene Aussagen")[1]


def test_without_a_review_file_the_profile_is_unchanged(
    store, registry, catalogue, rules, ctx, adorf, tmp_path
):
    result = build_reports(store, registry, [adorf], tmp_path, ("md", "html"), review_dir=tmp_path)
    assert not result.failed
    plain = build_profile(adorf, store, registry, catalogue, rules, ctx)
    assert plain.review is None
    # built alone into an empty folder: no list of profiles to link
    assert (tmp_path / "adorf.html").read_text("utf-8") == render_html(plain, index=False)
    assert (tmp_path / "adorf.md").read_text("utf-8") == render_markdown(plain)
    assert "ungeprüft" not in render_markdown(plain)


def test_default_review_dir():
    assert default_review_dir() == paths.data_dir() / "reviews"


# --- dwk swot review: writing and updating -----------------------------------------------------


def entries(path: Path) -> dict[str, dict]:
    doc = review_file.load_toml(path)
    return {e["id"]: e for e in doc["item"]}


def set_fields(doc: str, ident: str, **fields: str) -> str:
    start = doc.index(f'id = "{ident}"')
    end = doc.index("evidence =", start)
    block = doc[start:end]
    for k, v in fields.items():
        block = re.sub(
            rf"^{k} = .*$", f"{k} = {json.dumps(v, ensure_ascii=False)}", block, flags=re.M
        )
    return doc[:start] + block + doc[end:]


def test_first_run_writes_every_candidate(store, registry, adorf, candidates, rules, tmp_path):
    path = tmp_path / "sub" / "adorf.toml"
    update = update_review(store, registry, "adorf", path)
    assert update.path == path and path.exists()
    items = entries(path)
    assert list(items) == list(candidates)
    assert {e["status"] for e in items.values()} == {"candidate"}
    assert not any("mark" in e for e in items.values())
    assert items[ACCEPTED]["text"] == candidates[ACCEPTED].text
    assert items[ACCEPTED]["evidence"]["tables"] == candidates[ACCEPTED].evidence["tables"]
    # a merged item's rules: a TOML array on the evidence's one line; it was the string
    # "['alter-land', 'alter-kreis', …]"
    merged = list(candidates[ACCEPTED].evidence["rules"])
    assert len(merged) > 1 and items[ACCEPTED]["evidence"]["rules"] == merged
    assert "['" not in path.read_text("utf-8")
    assert 'rules = ["' + '", "'.join(merged) + '"] }' in path.read_text("utf-8")
    lines = update.lines()
    assert str(path) in lines[0] and f"{len(candidates)} Kandidaten" in lines[1]
    assert f"ungeprüft {len(candidates)}" in lines[2]
    review = load_review(path, adorf, rules)
    assert [e.id for e in review.items] == list(candidates)


def test_default_location(store, registry, tmp_path, monkeypatch):
    monkeypatch.setattr(review_file, "default_review_dir", lambda: tmp_path)
    assert update_review(store, registry, "adorf").path == tmp_path / "adorf.toml"


def test_verdicts_survive_a_rerun(store, registry, candidates, tmp_path):
    path = tmp_path / "adorf.toml"
    update_review(store, registry, "adorf", path)
    text = path.read_text("utf-8")
    text = set_fields(
        text,
        ACCEPTED,
        status="accepted",
        reviewer="A. Muster",
        date="2026-03-12",
        text="ein alter Wortlaut",
    )
    text = set_fields(
        text,
        REJECTED,
        status="rejected",
        reviewer="B. Beispiel",
        date="2026-03-13",
        reason="passt nicht",
    )
    text = set_fields(
        text,
        SURVEY,
        status="edited",
        reviewer="A. Muster",
        date="2026-03-12",
        edited="Die meisten leben gern hier.",
    )
    path.write_text(
        text + '\n[[added]]\nid = "w1"\nquadrant = "Risiko"\ntext = "Der Arzt geht."\n'
        'source = "Zukunftswerkstatt 12.03.2026"\nreviewer = "C"\ndate = "2026-03-12"\n',
        "utf-8",
    )
    update = update_review(store, registry, "adorf", path)
    items = entries(path)
    assert items[ACCEPTED]["status"] == "accepted" and items[ACCEPTED]["reviewer"] == "A. Muster"
    assert items[ACCEPTED]["text"] == candidates[ACCEPTED].text  # refreshed, verdict kept
    assert items[REJECTED]["reason"] == "passt nicht"
    assert items[SURVEY]["edited"] == "Die meisten leben gern hier."
    assert review_file.load_toml(path)["added"][0]["text"] == "Der Arzt geht."
    assert "angenommen 1, bearbeitet 1, abgelehnt 1" in update.lines()[2]
    assert "ergänzt 1" in update.lines()[2]


def test_data_update_marks_new_and_gone(store, registry, candidates, tmp_path):
    path = tmp_path / "adorf.toml"
    update_review(store, registry, "adorf", path)
    text = path.read_text("utf-8")
    start = text.index("[[item]]", text.index(f'id = "{SURVEY}"') - 20)
    text = text[:start] + text[text.index("\n[[item]]", start) + 1 :]  # as if SURVEY were new
    text += (
        f'\n[[item]]\nid = "{GONE}"\nstatus = "accepted"\nreviewer = "A. Muster"\n'
        'date = "2026-03-12"\n'
    )
    path.write_text(text, "utf-8")
    update = update_review(store, registry, "adorf", path)
    items = entries(path)
    assert items[SURVEY]["mark"] == "new" and items[SURVEY]["status"] == "candidate"
    assert items[GONE]["mark"] == "gone" and items[GONE]["status"] == "accepted"
    assert sum(1 for e in items.values() if "mark" in e) == 2
    assert (update.new, update.gone) == (1, 1)
    assert "davon 1 neu; 1 entfallen" in update.lines()[1]
    update_review(store, registry, "adorf", path)
    items = entries(path)
    assert "mark" not in items[SURVEY]
    assert items[GONE]["mark"] == "gone" and items[GONE]["reviewer"] == "A. Muster"
    assert list(items)[-1] == GONE


# --- errors ------------------------------------------------------------------------------------

GOOD = f'area = "{KEY}"\n\n[[item]]\nid = "{ACCEPTED}"\nstatus = "accepted"\nreviewer = "A"\ndate = "2026-03-12"\n'  # fmt: skip


def item(**fields) -> str:
    return "\n[[item]]\n" + "".join(
        f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in fields.items()
    )


def added(**fields) -> str:
    return item(**fields).replace("[[item]]", "[[added]]")


ADDED = {"id": "w1", "quadrant": "Chance", "text": "T", "source": "Werkstatt", "reviewer": "A",
         "date": "2026-03-12"}  # fmt: skip
SIGNED = {"reviewer": "A", "date": "2026-03-12"}

ERRORS = [
    (item(id=f"gibtsnicht:durchschnittsalter:{KEY}"), "id = ", "die Regel 'gibtsnicht' gibt es nicht"),  # fmt: skip
    (item(id="alter-land:durchschnittsalter:14523000"), "id = ", "gehört zum Gebiet '14523000'"),
    (item(id=f"alter-land:altenquotient:{KEY}"), "id = ", "liest 'durchschnittsalter'"),
    (item(id=f"umfrage-zufriedenheit-hoch:lo_gern:{KEY}"), "id = ", "umfrage.<item>"),
    (item(id=f"alter-land:{KEY}"), "id = ", "nicht die Form"),
    (item(id=REJECTED, status="ok"), 'status = "ok"', "unbekannter Status 'ok'"),
    (item(id=REJECTED, status="edited", **SIGNED), 'status = "edited"', "ohne neue Formulierung"),
    (item(id=REJECTED, status="edited", edited=" ", **SIGNED), 'status = "edited"', "ohne neue Formulierung"),  # fmt: skip
    (item(id=REJECTED, status="rejected", **SIGNED), 'status = "rejected"', "ohne Begründung"),
    (item(id=REJECTED, status="accepted", date="2026-03-12"), f'id = "{REJECTED}"', "ohne reviewer"),  # fmt: skip
    (item(id=REJECTED, status="rejected", reason="r", reviewer="A"), f'id = "{REJECTED}"', "kein Datum"),  # fmt: skip
    (item(id=REJECTED, status="accepted", reviewer="A", date="12.03.2026"), 'date = "12.03.2026"', "kein Datum JJJJ-MM-TT"),  # fmt: skip
    (item(id=REJECTED, status="accepted", reviewer="A", date="2026-02-30"), 'date = "2026-02-30"', "kein Datum"),  # fmt: skip
    (item(id=ACCEPTED), f'id = "{ACCEPTED}"', "steht doppelt (zuerst in Zeile 4)"),
    (item(id=REJECTED, kommentar="x"), 'kommentar = "x"', "unbekanntes Feld 'kommentar'"),
    (item(id=REJECTED, mark="alt"), 'mark = "alt"', "unbekannte Markierung"),
    (item(status="accepted"), '[[item]]\nstatus', "[[item]] ohne id"),
    (added(**{**ADDED, "quadrant": "Stärken"}), 'quadrant = "Stärken"', "unbekannter Quadrant 'Stärken'"),  # fmt: skip
    (added(**{**ADDED, "source": ""}), 'source = ""', "Ergänzung ohne Quelle"),
    (added(**{k: v for k, v in ADDED.items() if k != "text"}), 'id = "w1"', "Ergänzung ohne Text"),
    (added(**{**ADDED, "reviewer": ""}), 'reviewer = ""', "Ergänzung ohne reviewer"),
    (added(**{**ADDED, "quelle": "x"}), 'quelle = "x"', "unbekanntes Feld 'quelle'"),
    (added(**{**ADDED, "id": ACCEPTED}), f'id = "{ACCEPTED}"\nquadrant', "steht doppelt"),
    ('notiz = "x"\n', 'notiz = "x"', "unbekanntes Feld 'notiz'"),
]  # fmt: skip


@pytest.mark.parametrize(("extra", "marker", "message"), ERRORS)
def test_errors_name_file_and_line(adorf, rules, tmp_path, extra, marker, message):
    path = tmp_path / "adorf.toml"
    text = GOOD + extra if extra.startswith("\n[[") else extra + GOOD
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as exc:
        load_review(path, adorf, rules)
    line = text[: text.rindex(marker)].count("\n") + 1
    assert f"{path}:{line}: " in str(exc.value)
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_a_file_that_does_not_parse_names_line_and_column(adorf, rules, tmp_path):
    path = tmp_path / "adorf.toml"
    path.write_text(GOOD + '\n[[item]]\nid = "x\n', "utf-8")
    with pytest.raises(ConfigError) as exc:
        load_review(path, adorf, rules)
    assert re.search(rf"{re.escape(str(path))}:10:\d+: ", str(exc.value))


def test_a_file_for_another_area(adorf, rules, tmp_path):
    path = tmp_path / "adorf.toml"
    path.write_text(GOOD.replace(f'area = "{KEY}"', 'area = "14523000"'), "utf-8")
    with pytest.raises(ConfigError, match="nicht für 14523010") as exc:
        load_review(path, adorf, rules)
    assert f"{path}:1: " in str(exc.value)


def test_valid_files_load(adorf, rules, tmp_path):
    assert load_review(tmp_path / "fehlt.toml", adorf, rules) is None
    review = load_review(FIXTURE, adorf, rules)
    assert [e.status for e in review.items] == ["accepted", "edited", "rejected", "accepted"]
    assert review.items[1].date == "2026-03-12"  # a TOML date reads as its text
    assert review.added[0].source == "Zukunftswerkstatt 12.03.2026"


# --- the command line --------------------------------------------------------------------------


def dwk(*args, env_cache):
    env = {**os.environ, "DWK_CACHE_DIR": str(env_cache)}
    return subprocess.run(
        [sys.executable, "-c", "from dwk.cli import console; console()", *args],
        capture_output=True,
        text=True,
        env=env,
    )


def test_cli_writes_a_review_and_builds_with_it(store, cache_dir, tmp_path):
    path = tmp_path / "reviews" / "adorf.toml"
    r = dwk("swot", "review", "adorf", "--file", str(path), env_cache=cache_dir)
    assert r.returncode == 0, r.stderr
    assert str(path) in r.stdout and "Kandidaten" in r.stdout and path.exists()
    shutil.copy(FIXTURE, path)
    r = dwk(
        "profile",
        "build",
        "adorf",
        "--reviews",
        str(path.parent),
        "--out",
        str(tmp_path / "out"),
        "--format",
        "md,html",
        env_cache=cache_dir,
    )
    assert r.returncode == 0, r.stderr
    assert "Der alte Bahnhof" in (tmp_path / "out" / "adorf.md").read_text("utf-8")


def test_cli_broken_review_file(store, cache_dir, tmp_path):
    path = tmp_path / "adorf.toml"
    path.write_text(GOOD + item(id=REJECTED, status="vielleicht"), "utf-8")
    r = dwk("swot", "review", "adorf", "--file", str(path), env_cache=cache_dir)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and f"{path}:11: " in r.stderr
    assert "vielleicht" in path.read_text("utf-8")  # left as it was
    r = dwk(
        "profile",
        "build",
        "adorf",
        "--reviews",
        str(tmp_path),
        "--out",
        str(tmp_path / "out"),
        "--format",
        "md,html",
        env_cache=cache_dir,
    )
    assert r.returncode == 2  # one area, bad input; a batch with a failed area exits 1
    assert r.stderr.strip().count("\n") == 0
    assert r.stderr.startswith(f"fehlgeschlagen: adorf: {path}:11: ")
    assert not (tmp_path / "out" / "adorf.html").exists()

"""`dwk profile diff`: exactly the changed values and statements, from real builds."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from dwk.app.diff import diff_builds, write_diff
from dwk.areas import Registry
from dwk.core import paths
from dwk.core.errors import InputError
from dwk.inputs.context import Context
from dwk.render.profile_json import dumps, render_json
from dwk.report.build import build_profile
from dwk.store import Store

AREA = "mmelchger-covid19-1092/11111-01-01-4.csv"
DORTMUND_AREA = "31.12.2018;05913;      Dortmund, Kreisfreie Stadt;280,71"


def _rules(catalogue):
    from dwk.app.build import profile_rules

    return profile_rules(catalogue)


def _build(store, registry, ctx, catalogue, slug: str, out: Path) -> dict:
    area = registry.resolve(slug)
    p = build_profile(area, store, registry, catalogue, _rules(catalogue), ctx)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{slug}.json").write_text(render_json(p), "utf-8")
    return json.loads(render_json(p))


@pytest.fixture(scope="module")
def shipped(tmp_path_factory, store, registry, ctx, catalogue) -> Path:
    """A build of adorf and dortmund on the shipped data."""
    out = tmp_path_factory.mktemp("build-a")
    for slug in ("adorf", "dortmund"):
        _build(store, registry, ctx, catalogue, slug, out)
    return out


def _copy(src: Path, dst: Path, slugs=("adorf", "dortmund")) -> dict[str, dict]:
    dst.mkdir(parents=True, exist_ok=True)
    for slug in slugs:
        shutil.copy(src / f"{slug}.json", dst / f"{slug}.json")
    return {s: json.loads((dst / f"{s}.json").read_text("utf-8")) for s in slugs}


def _save(folder: Path, slug: str, record: dict) -> None:
    (folder / f"{slug}.json").write_text(dumps(record), "utf-8")


def _ind(record: dict, ident: str) -> dict:
    return next(i for i in record["indicators"] if i["id"] == ident)


def test_changed_table_reports_exactly_the_dependent_indicators(
    tmp_path, shipped, store, catalogue
):
    """The shipped raw data with one cell of a Gebietsfläche table changed (Dortmund's area on
    31.12.2018, 280,71 → 290,71 km²): a second store synced from it gives a build whose diff
    names Fläche and Bevölkerungsdichte of Dortmund, nothing else."""
    raw = tmp_path / "raw"
    for path in sorted(paths.raw_dir().rglob("*")):
        if path.is_file():
            target = raw / path.relative_to(paths.raw_dir())
            target.parent.mkdir(parents=True, exist_ok=True)
            if path.relative_to(paths.raw_dir()).as_posix() == AREA:
                text = path.read_bytes().decode("latin-1")
                assert text.count(DORTMUND_AREA) == 1
                target.write_bytes(
                    text.replace(DORTMUND_AREA, DORTMUND_AREA.replace("280,71", "290,71")).encode(
                        "latin-1"
                    )
                )
            else:
                target.symlink_to(path)  # the same bytes: the store keeps its import
    shutil.copytree(store.root, tmp_path / "cache" / store.root.name)
    changed_store = Store(tmp_path / "cache" / store.root.name)
    assert changed_store.sync(raw) == [f"raw:{AREA}"]
    registry = Registry.load(changed_store)
    ctx = Context(changed_store, registry.changes, persist=False)
    before = json.loads((shipped / "dortmund.json").read_text("utf-8"))
    after = _build(changed_store, registry, ctx, catalogue, "dortmund", tmp_path / "b")

    d = diff_builds(shipped, tmp_path / "b")
    assert (d.added, d.removed, d.compared) == ([], [("adorf", "Adorf/Vogtl.")], 1)
    assert [p.slug for p in d.profiles] == ["dortmund"]
    changes = d.profiles[0].values
    assert [(v.indicator, v.reference, v.kind) for v in changes] == [
        ("flaeche", False, "geändert"),
        ("bevoelkerungsdichte", False, "geändert"),
    ]
    assert d.profiles[0].swot == []
    assert changes[0].old["value"] == pytest.approx(280.71)
    assert changes[0].new["value"] == pytest.approx(290.71)
    # 12411-0015_kreise_2020-2024.csv: Dortmund 31.12.2024 = 603462
    assert changes[1].new["value"] == pytest.approx(603462 / 290.71)
    assert "11111-01-01-4" in _ind(before, "flaeche")["tables"]
    assert _ind(after, "bevoelkerungsdichte")["value"] == changes[1].new["value"]
    assert d.lines()[0].startswith("1 Profil(e) verglichen, 0 neu, 1 entfallen")
    # 603462 / 280.71 = 2149,8; 603462 / 290.71 = 2075,8
    assert d.lines()[1:] == [
        "Profil entfallen: adorf (Adorf/Vogtl.)",
        "dortmund: Fläche: 280,7 km² → 290,7 km² (+10,0)",
        "dortmund: Bevölkerungsdichte: 2.150 Ew./km² → 2.076 Ew./km² (−74)",
    ]
    # in the indicator's unit: a 10 km² change is below 20, the density's 74 above
    d20 = diff_builds(shipped, tmp_path / "b", threshold=20)
    assert [v.indicator for v in d20.profiles[0].values] == ["bevoelkerungsdichte"]


def test_unchanged_build_has_no_changes(tmp_path, shipped):
    _copy(shipped, tmp_path / "b")
    d = diff_builds(shipped, tmp_path / "b")
    assert d.empty and d.profiles == [] and d.compared == 2
    assert d.lines() == ["2 Profil(e) verglichen, 0 neu, 0 entfallen: keine Änderungen"]


def test_edited_records(tmp_path, shipped):
    new = tmp_path / "b"
    records = _copy(shipped, new, ("adorf",))
    rec = copy.deepcopy(records["adorf"])
    _ind(rec, "frauenanteil")["value"] *= 1 + 1e-12  # float noise: not a change
    _ind(rec, "durchschnittsalter")["value"] += 0.5
    _ind(rec, "medianalter")["period"] = "2016-12-31"
    _ind(rec, "jugendquotient")["flag"] = "unsicher"
    _ind(rec, "altenquotient")["value"] = None
    _ind(rec, "bevoelkerung")["references"][1]["value"] += 1000
    rec["indicators"] = [i for i in rec["indicators"] if i["id"] != "gesamtquotient"]
    rec["indicators"].append({**_ind(rec, "flaeche"), "id": "neu_x", "label": "Neu X"})
    gone, reworded = rec["swot"][0], rec["swot"][1]
    rec["swot"] = rec["swot"][1:]
    reworded["text"] = "Neuer <Text> & mehr"
    rec["swot"].append({**gone, "id": "neue-regel:x:14523010", "quadrant": "Chance"})
    _save(new, "adorf", rec)
    (tmp_path / "a").mkdir()
    shutil.copy(shipped / "adorf.json", tmp_path / "a" / "adorf.json")
    shutil.copy(shipped / "dortmund.json", tmp_path / "a" / "dortmund.json")

    d = diff_builds(tmp_path / "a", new)
    assert d.removed == [("dortmund", "Dortmund")] and d.added == []
    got = [(v.indicator, v.area_name, v.kind) for v in d.profiles[0].values]
    assert got == [
        ("bevoelkerung", "Sachsen", "geändert"),
        ("durchschnittsalter", "Adorf/Vogtl.", "geändert"),
        ("medianalter", "Adorf/Vogtl.", "geändert"),
        ("jugendquotient", "Adorf/Vogtl.", "geändert"),
        ("altenquotient", "Adorf/Vogtl.", "geändert"),
        *[("neu_x", n, "neu") for n in ("Adorf/Vogtl.", "Vogtlandkreis", "Sachsen", "Deutschland")],
        *[
            ("gesamtquotient", n, "entfallen")
            for n in ("Adorf/Vogtl.", "Vogtlandkreis", "Sachsen", "Deutschland")
        ],
    ]
    assert [(s.id, s.kind) for s in d.profiles[0].swot] == [
        (reworded["id"], "geändert"),
        ("neue-regel:x:14523010", "neu"),
        (gone["id"], "entfallen"),
    ]
    lines = d.lines()
    assert "Profil entfallen: dortmund (Dortmund)" in lines
    assert any(
        line.startswith("adorf: Bevölkerung (Sachsen): 4.089.467 Personen → 4.090.467")
        for line in lines
    )
    assert any("Durchschnittsalter" in line and "(+0,5)" in line for line in lines)
    assert any(
        line.startswith("adorf: Medianalter:") and "Stichtag 31.12.2015 → 31.12.2016" in line
        for line in lines
    )
    assert any("Jugendquotient" in line and "Kennzeichen – → „unsicher“" in line for line in lines)
    assert any(line.startswith("adorf: Altenquotient:") and line.endswith("→ –") for line in lines)
    assert not any("Frauenanteil" in line for line in lines)
    assert lines == diff_builds(tmp_path / "a", new).lines()  # deterministic

    out = tmp_path / "report"
    written = write_diff(d, out)
    assert written == [out / "diff.md", out / "diff.html"]
    html = (out / "diff.html").read_text("utf-8")
    md = (out / "diff.md").read_text("utf-8")
    assert "Neuer &lt;Text&gt; &amp; mehr" in html and "<Text>" not in html
    assert html.startswith("<!DOCTYPE html>") and 'lang="de"' in html
    assert "| Durchschnittsalter | Adorf/Vogtl. |" in md
    assert "Neuer &lt;Text&gt; &amp; mehr" in md  # Markdown carries HTML as text
    assert "Entfallene Profile" in md and "dortmund" in md


def test_small_change_shows_more_decimals(tmp_path, shipped):
    new = tmp_path / "b"
    rec = _copy(shipped, new)["adorf"]
    _ind(rec, "bevoelkerung")["value"] += 0.004
    _save(new, "adorf", rec)
    (line,) = diff_builds(shipped, new).lines()[1:]
    assert line == "adorf: Bevölkerung: 4.694,000 Personen → 4.694,004 Personen (+0,004)"


def test_errors_name_the_file(tmp_path, shipped):
    with pytest.raises(InputError, match="Verzeichnis nicht gefunden"):
        diff_builds(tmp_path / "fehlt", shipped)
    (tmp_path / "leer").mkdir()
    (tmp_path / "leer" / "adorf.md").write_text("# nur Markdown\n", "utf-8")
    with pytest.raises(InputError) as err:
        diff_builds(shipped, tmp_path / "leer")
    assert (
        str(err.value) == f"{tmp_path / 'leer'}: keine Profil-Dateien (<slug>.json) im Verzeichnis"
    )
    broken = tmp_path / "kaputt"
    broken.mkdir()
    (broken / "adorf.json").write_text('{\n  "area": {},\n  "indicators": [1,\n   oops\n]}\n')
    with pytest.raises(InputError) as err:
        diff_builds(shipped, broken)
    assert (err.value.file, err.value.line, err.value.column) == (str(broken / "adorf.json"), 4, 4)
    assert str(err.value).startswith(f"{broken / 'adorf.json'}:4:4: kein gültiges JSON")
    with pytest.raises(InputError, match="Schwelle"):
        diff_builds(shipped, shipped, threshold=-1)

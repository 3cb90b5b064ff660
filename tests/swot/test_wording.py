"""Issue 15, point 5: the SWOT says each fact once, in German a reader can use, and a rule's
sentence only fires on the side its wording is about."""

from __future__ import annotations

import re

import pytest

from dwk.core import paths
from dwk.core.toml import load_toml
from dwk.render.profile import render_html, render_markdown
from dwk.report.build import build_profile
from dwk.sources.tables.cells import counted


@pytest.fixture(scope="module")
def build(store, registry, ctx, catalogue):
    from dwk.app.build import profile_rules

    rules = profile_rules(catalogue)
    cache = {}

    def run(slug):
        if slug not in cache:
            cache[slug] = build_profile(
                registry.resolve(slug), store, registry, catalogue, rules, ctx
            )
        return cache[slug]

    return run


def _texts(p, indicator=None):
    return [i.text for i in p.swot if indicator is None or i.indicator == indicator]


def test_population_change_is_said_in_words_once(build):
    # data/raw/genesapi-data/12411-01-01-5_00.csv (31.12.2011):
    # 14523010;        Adorf/Vogtl., Stadt;5078;…;5302;…  and  14;  Sachsen;4084851;…;4054182;…
    # data/raw/destatis-gv-2023/31122023_Auszug_GV.xlsx (31.12.2023): Adorf 4694, Sachsen as the
    # sum of its Gemeinden 4089467 (both on the Zensus 2011 basis, like 2011)
    # (4694 − 5302) / 5302 = −11,47 %; Sachsen +0,87 %; difference −12,34 Prozentpunkte
    p = build("adorf")
    [text] = _texts(p, "bevoelkerungsentwicklung_seit_2011")
    assert text == (
        "Die Einwohnerzahl ist seit 2011 um 11,5 % gesunken (2011–2023), "
        "12,3 Prozentpunkte unter der Entwicklung in Sachsen (0,9 %)."
    )
    assert not any("verändert" in t or "−11,5 %" in t for t in _texts(p))


def test_mean_age_is_one_item_that_names_every_reference(build):
    p = build("adorf")
    [item] = [i for i in p.swot if i.indicator == "durchschnittsalter"]
    assert item.quadrant == "Schwäche"
    assert item.evidence["rules"] == ["alter-land", "alter-kreis", "alter-mitglieder"]
    age = next(r for r in p.key_figures if r.definition.id == "durchschnittsalter")
    kreis, land = (f"{c.value:.1f}".replace(".", ",") for c in age.references[:2])
    assert item.text.startswith(
        f"Das Durchschnittsalter liegt mit {age.own.value:.1f}".replace(".", ",")
    )
    assert (
        f"für den Vogtlandkreis ({kreis} Jahre), für Sachsen ({land} Jahre) und für die übrigen DWK-Mitglieder"
        in item.text
    )
    # the Altenquotient against Land and Bund is one fact too
    assert len(_texts(p, "altenquotient")) == 1


def test_care_is_planned_only_where_the_very_old_are_many(build):
    vrees = build("vrees")
    row = next(r for r in vrees.age_groups if r.definition.id == "anteil_75_plus")
    land = vrees.references[1]
    assert land.name == "Niedersachsen" and row.own.value < row.references[1].value - 1.0
    assert not any("Pflege- und Unterstützungsangebote planen" in t for t in _texts(vrees))
    outcome = next(o for o in vrees.outcomes if o.rule.id == "ab75-land")
    assert not outcome.fired and "nur darüber" in outcome.reason
    adorf = build("adorf")  # 16,5 % against Sachsen's 13,5 %: here it does fire
    assert any("ab 75 Jahren" in t and "Pflege- und" in t for t in _texts(adorf))


def test_every_one_sided_sentence_has_a_direction():
    """A rule on a neutral indicator fires on both sides unless it has a sign; a sentence that
    names a need ("…: Pflege… planen") is only true on one of them."""
    catalogue = {i["id"]: i for i in load_toml(paths.data_dir() / "catalogue.toml")["indicator"]}
    for rule in load_toml(paths.data_dir() / "swot_rules.toml")["rule"]:
        indicator = catalogue.get(rule["indicator"])
        if indicator and indicator["polarity"] == "neutral" and rule["kind"] == "status":
            assert rule.get("sign") in ("+", "-"), rule["id"]


@pytest.mark.parametrize(
    ("name", "type_", "case", "phrase"),
    [
        ("Landkreis Emsland", "Landkreis", "in", "im Landkreis Emsland"),
        ("Emsland, Landkreis", "Landkreis", "for", "für den Landkreis Emsland"),
        ("Vogtlandkreis", "Kreis", "for", "für den Vogtlandkreis"),
        ("Kreis Düren", "Kreis", "in", "im Kreis Düren"),
        ("Dortmund", "kreisfreie Stadt", "in", "in der kreisfreien Stadt Dortmund"),
        ("Adorf/Vogtl.", "Stadt", "in", "in der Stadt Adorf/Vogtl."),
        ("Vrees", "Gemeinde", "in", "in der Gemeinde Vrees"),
        ("Saarbrücken, Regionalverband", "Regionalverband", "in", "im Regionalverband Saarbrücken"),
        ("Niedersachsen", "Land", "in", "in Niedersachsen"),
        ("Deutschland", "Staat", "for", "für Deutschland"),
    ],
)
def test_areas_are_named_with_their_article(name, type_, case, phrase):
    from dwk.area_phrases import area_phrase

    assert area_phrase(name, type_, case) == phrase


def test_reports_name_the_area_with_its_article_and_one_full_stop(build):
    emsland = render_markdown(build("emsland"))
    assert "lebten im Landkreis Emsland **" in emsland and "in Landkreis" not in emsland
    adorf_md, adorf_html = render_markdown(build("adorf")), render_html(build("adorf"))
    assert "lebten in der Stadt Adorf/Vogtl. **4.694** Menschen" in adorf_md
    assert "Vogtl.." not in adorf_md and "Vogtl.." not in adorf_html
    # the census sentence follows after a space in both (1000A-0000_de.csv: Adorf 4,686)
    census = "Basis Zensus 2011). Der Zensus 2022 zählte am 15.05.2022 4.686 Menschen"
    assert census in adorf_md and census in adorf_html
    from dwk.area_phrases import end_sentence

    assert end_sentence("Adorf/Vogtl.") == "Adorf/Vogtl." and end_sentence("Riesa") == "Riesa."


def test_rules_appendix_speaks_german(build):
    p = build("adorf")
    md, html = render_markdown(p), render_html(p)
    appendix = md[md.index("## Anhang: SWOT-Regeln") : md.index("## Anhang: Indikatoren")]
    html_appendix = html[
        html.index('<section id="regeln">') : html.index(
            "</section>", html.index('<section id="regeln">')
        )
    ]
    for code in (
        "beschaeftigte_je_100",
        "top2",
        "members",
        "durchschnittsalter",
        "lo_gern",
        "absolut",
    ):  # as a cell of its own (rule ids such as entwicklung-absolut stay: they name the rule)
        assert f"| {code} |" not in appendix and f"<td>{code}</td>" not in html_appendix, code
        assert f" {code}" not in appendix and f">{code}" not in html_appendix, code
    assert (
        "| beschaeftigung-land | SV-Beschäftigte am Wohnort je 100 Personen von 15 bis 64 | Land |"
        in appendix
    )
    assert "übrige DWK-Mitglieder (Mittel)" in appendix
    assert "„Ich lebe gern in meinem Ort.“: Stärke, 78 %" in appendix


def test_hinweise_group_thousands(build):
    md = render_markdown(build("adorf"))
    notes = md[md.index("## Anhang: Hinweise") : md.index("## Quellen")]
    assert "147.582 Zellen weggelassen" in notes
    assert not re.search(r"(?<![\d.-])\d{4,} (Zellen|Zeilen)", notes)
    assert counted(147582, "Zelle", "Zellen") == "147.582 Zellen"


def test_an_area_without_inhabitants_says_so_in_its_lead(build):
    """12411-01-01-5_00.csv line 7536 gives 09172444 (Gem.fr. Geb. Berchtesgadener Land) 0
    inhabitants in every year; its lead read "Am  lebten in der Gemeinde … **–** Menschen"."""
    p = build("09172444")
    md, html = render_markdown(p), render_html(p)
    line = "Für Gem.fr. Geb. Berchtesgadener Land weisen die Tabellen keine Einwohnerzahl aus."
    assert line in md and line in html and "lebten" not in md + html


def test_a_berlin_bezirk_is_named_a_bezirk(build):
    """12411-01-01-5_00.csv gives Berlin's Bezirke at the Gemeinde level, up to 2013 (line 9728:
    '11001;        Berlin-Mitte;.;.;.;.;.;.;337593;…'); the Gemeindeverzeichnis has Berlin as one
    Gemeinde. The profile read "in der Gemeinde Berlin-Mitte"."""
    p = build("11001000")
    md = render_markdown(p)
    assert p.area.type == "Bezirk" and "lebten im Bezirk Berlin-Mitte **" in md
    assert "Gemeinde Berlin-Mitte" not in md

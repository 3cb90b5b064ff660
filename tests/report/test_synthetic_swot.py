"""Issue 15, point 6: items from a synthetic demo survey are marked in every output, and a
quadrant resting on them alone says so (all three Dortmund strengths are synthetic)."""

from __future__ import annotations

import json

import pytest

from dwk.render.profile import render_html, render_markdown
from dwk.render.profile_json import render_json
from dwk.report.build import build_profile


@pytest.fixture(scope="module")
def dortmund(store, registry, ctx, catalogue):
    from dwk.app.build import profile_rules

    return build_profile(
        registry.resolve("dortmund"), store, registry, catalogue, profile_rules(catalogue), ctx
    )


def test_markdown_marks_synthetic_items_and_the_quadrant(dortmund):
    md = render_markdown(dortmund)
    strengths = md[md.index("### Stärke") : md.index("### Schwäche")]
    items = [line for line in strengths.splitlines() if line.startswith("- ")]
    assert len(items) == 3 and all(line.startswith("- **[Demo]** ") for line in items)
    assert "beruht allein auf der synthetischen Demo-Befragung" in strengths
    weaknesses = md[md.index("### Schwäche") : md.index("### Chance")]
    assert "beruht allein" not in weaknesses  # official figures stand there too
    assert "- Die Arbeitslosenquote liegt mit 11,8 %" in weaknesses  # not marked
    assert "**[Demo]** synthetische Demo-Befragung" in md


def test_html_marks_synthetic_items(dortmund):
    html = render_html(dortmund)
    swot = html[
        html.index('<section id="swot">') : html.index(
            "</section>", html.index('<section id="swot">')
        )
    ]
    synthetic = [i for i in dortmund.swot if i.evidence.get("synthetic")]
    assert swot.count('<li class="demo-item"><span class="demo"') == len(synthetic) == 4
    assert swot.count('class="note only-synthetic"') == 1
    assert "synthetische Demo-Befragung" in swot


def test_json_marks_synthetic_items(dortmund):
    record = json.loads(render_json(dortmund))
    marked = {s["id"].split(":")[1] for s in record["swot"] if s["synthetic"]}
    assert marked == {
        "umfrage.lo_gern",
        "umfrage.lo_bleiben",
        "umfrage.lo_wohnraum",
        "umfrage.di_sicher",
    }
    assert not any(
        s["synthetic"] for s in record["swot"] if not s["indicator"].startswith("umfrage.")
    )
    assert record["swot_synthetic"]["only_synthetic"] == ["Stärke"]
    assert record["swot_synthetic"]["legend"] == "synthetische Demo-Befragung"

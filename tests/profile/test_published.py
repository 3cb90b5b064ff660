"""`data/published_projections.toml` and the comparison with dwk's projection (issue 14, item 5):
the loader's errors name the line, the arithmetic is checked by hand, and the Dortmund profile
shows IT.NRW's figure with its source."""

from __future__ import annotations

import json

import pytest

from dwk.core.errors import ConfigError
from dwk.core.paths import data_dir
from dwk.projection.published import Published, compare, for_area, load_published

SHIPPED = data_dir() / "published_projections.toml"
GOOD = """[[projection]]
area = "05913"
publisher = "IT.NRW"
title = "Vorausberechnung"
base_year = 2020
variant = "keine Variante genannt"
values = { 2020 = 587696, 2040 = 584743 }
source = "Zeitung"
url = "https://example.org/a"
accessed = 2026-12-03
licence = "in der Quelle nicht angegeben"
"""

CASES = {
    "both_values_and_change": ("values = { 2020 = 587696, 2040 = 584743 }",
        "values = { 2020 = 587696, 2040 = 584743 }\nchange = -0.5\nchange_from = 2020\nchange_to = 2040",
        "Vorausberechnung Nr. 1: entweder values oder change mit change_from und change_to angeben"),
    "change_without_to": ("values = { 2020 = 587696, 2040 = 584743 }",
        "change = -0.5\nchange_from = 2020",
        "Vorausberechnung Nr. 1: change braucht change_from und change_to"),
    "years_reversed": ("values = { 2020 = 587696, 2040 = 584743 }",
        "change = -0.5\nchange_from = 2040\nchange_to = 2020",
        "Vorausberechnung Nr. 1: change_from muss vor change_to liegen"),
    "change_as_text": ("values = { 2020 = 587696, 2040 = 584743 }",
        'change = "-0,5"\nchange_from = 2020\nchange_to = 2040',
        "Vorausberechnung Nr. 1: change muss eine Zahl sein, nicht der Text '-0,5'"),
    "one_year_only": ("values = { 2020 = 587696, 2040 = 584743 }",
        "values = { 2040 = 584743 }",
        "Vorausberechnung Nr. 1: values braucht mindestens zwei Jahre"),
    "short_key": ('area = "05913"', 'area = "5913"',
        "Vorausberechnung Nr. 1: area muss ein Kreis- (5 Ziffern) oder Gemeindeschlüssel (8) sein"),
    "no_licence": ('licence = "in der Quelle nicht angegeben"', 'note = "x"',
        "Vorausberechnung Nr. 1: licence fehlt"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_record_is_an_error_at_its_line(tmp_path, case):
    old, new, message = CASES[case]
    text = GOOD.replace(old, new)
    path = tmp_path / "published.toml"
    path.write_text(text, "utf-8")
    # the offending key's line; a missing field or a record-wide inconsistency names the
    # record's [[projection]] header (line 1); reversed years name change_from
    named = {"both_values_and_change": None, "no_licence": None, "years_reversed": 1}
    at = named.get(case, 0)
    line = 1 if at is None else text.split("\n").index(new.split("\n")[at]) + 1
    with pytest.raises(ConfigError) as err:
        load_published(path)
    assert str(err.value) == f"{path}:{line}: {message}"


def test_the_shipped_file_reads_with_the_dortmund_record():
    records = load_published(SHIPPED)
    dortmund = for_area(records, "05913000")  # the kreisfreie Stadt as Gemeinde
    assert [r.publisher for r in dortmund] == ["IT.NRW"]
    # values = { 2020 = 587696, 2030 = 586516, 2040 = 584743, 2050 = 584138 }
    assert dortmund[0].values == {2020: 587696, 2030: 586516, 2040: 584743, 2050: 584138}
    assert for_area(records, "05913001") == []
    assert {r.area for r in records} >= {"05913", "01051", "10041", "14627", "13076", "14523"}


def _record(**kw) -> Published:
    base = {"area": "05913", "publisher": "P", "title": "T", "base_year": 2020, "variant": "V",
            "source": "S", "url": "u", "accessed": None, "licence": "L"}  # fmt: skip
    return Published(**(base | kw))


# a tiny projection: three variants over 2020, 2030, 2040
YEARS = [2020, 2030, 2040]
TOTALS = {"main": [1000.0, 990.0, 980.0], "low": [1000.0, 985.0, 950.0], "high": [1000.0, 1000.0, 1010.0]}  # fmt: skip


def test_values_are_compared_over_the_years_both_cover():
    # IT.NRW for Dortmund: 587,696 (2020) → 584,743 (2040); 2050 lies beyond dwk's target
    c = compare(_record(values={2020: 587696, 2030: 586516, 2040: 584743, 2050: 584138}),
                YEARS, TOTALS, "main")  # fmt: skip
    assert c.span == (2020, 2040)
    assert c.published == pytest.approx((584743 - 587696) / 587696 * 100)  # −0.5025 %
    assert c.main == pytest.approx(-2.0)  # 1000 → 980
    assert (c.low, c.high) == (pytest.approx(-5.0), pytest.approx(1.0))  # 950 and 1010
    assert c.difference == pytest.approx(-2.0 - (584743 - 587696) / 587696 * 100)
    assert c.reason == ""


def test_a_stated_change_is_compared_over_its_own_years():
    c = compare(_record(change=-2.1, change_from=2030, change_to=2040), YEARS, TOTALS, "main")
    assert c.span == (2030, 2040)
    assert c.published == -2.1
    assert c.main == pytest.approx((980 - 990) / 990 * 100)
    assert c.high == pytest.approx((1010 - 1000) / 1000 * 100)


def test_years_outside_dwks_projection_are_not_compared():
    before = compare(_record(change=-6.4, change_from=2017, change_to=2040), YEARS, TOTALS, "main")
    assert (before.published, before.main, before.difference) == (None, None, None)
    assert before.reason == "nicht verglichen: 2017 liegt außerhalb der Vorausberechnung von dwk (2020–2040)"  # fmt: skip
    after = compare(_record(values={2021: 239300, 2045: 212000}), YEARS, TOTALS, "main")
    assert after.span == (2021, 2045)
    assert after.reason.startswith("nicht verglichen: 2021, 2045 liegen außerhalb")


def test_a_record_that_starts_earlier_is_compared_from_the_observed_population():
    # 1,020 observed on 31.12.2017, dwk's projection starts 2020 (1,000) and ends 2040 (980)
    c = compare(_record(change=-6.4, change_from=2017, change_to=2040), YEARS, TOTALS, "main",
                {2017: 1020.0, 2019: 1010.0})  # fmt: skip
    assert c.span == (2017, 2040) and c.observed_from == 1020.0
    assert c.main == pytest.approx((980 - 1020) / 1020 * 100)  # −3.92 %
    assert (c.low, c.high) == (pytest.approx(-70 / 10.2), pytest.approx(-10 / 10.2))
    assert c.difference == pytest.approx((980 - 1020) / 1020 * 100 + 6.4)
    values = compare(_record(values={2017: 500, 2030: 490, 2040: 470}), YEARS, TOTALS, "main",
                     {2017: 1020.0})  # fmt: skip
    assert values.span == (2017, 2040) and values.published == pytest.approx(-6.0)
    assert values.main == pytest.approx((980 - 1020) / 1020 * 100)
    # an observed year after dwk's start, or missing, changes nothing
    later = compare(_record(change=-6.4, change_from=2017, change_to=2040), YEARS, TOTALS, "main",
                    {2025: 1.0})  # fmt: skip
    assert later.reason.startswith("nicht verglichen: 2017 liegt außerhalb")
    assert later.observed_from is None


def test_ludwigslust_parchim_is_compared_from_its_2017_figure(ctx, registry):
    """Mecklenburg-Vorpommern's 5. Bevölkerungsprognose states −6.4 % for 2017–2040; dwk's
    projection as of 2020 is compared from the 212,522 inhabitants observed on 31.12.2017
    (12411-0015 as scraped by untergeekDE, Zensus 2011 basis, the basis of that run)."""
    from dwk.projection import model as fc
    from dwk.projection.migration import VARIANT_LABELS
    from dwk.projection.observed import FIRST_LINE
    from dwk.projection.outlook import _published

    [record] = for_area(load_published(), "13076")
    proj = fc.project_areas(ctx, ["13076"], 2020, 2040)
    totals = {VARIANT_LABELS[v]: r.totals()[:, 0].tolist() for v, r in proj.runs.items()}
    [c] = _published(ctx, registry.get("13076"), [record], proj.years, totals, FIRST_LINE)
    assert c.span == (2017, 2040) and c.observed_from == pytest.approx(212522)
    assert c.published == -6.4
    assert c.main == pytest.approx((totals["Hauptvariante"][-1] / 212522 - 1) * 100)


@pytest.fixture(scope="module")
def dortmund_gemeinde(store, registry, ctx, catalogue):
    from dwk.app.build import profile_rules
    from dwk.report.build import build_profile

    area = registry.resolve("05913000")
    return build_profile(area, store, registry, catalogue, profile_rules(catalogue), ctx)


def test_the_dortmund_profile_shows_it_nrw_with_its_source(dortmund_gemeinde):
    from dwk.render.profile import render_html, render_markdown
    from dwk.render.profile_json import render_json

    p = dortmund_gemeinde
    [c] = p.outlook.published
    years, main = p.outlook.years, p.outlook.totals["Hauptvariante"]
    ours = (main[years.index(2040)] - main[years.index(2020)]) / main[years.index(2020)] * 100
    assert c.main == pytest.approx(ours)
    md = render_markdown(p)
    row = next(line for line in md.splitlines() if line.startswith("| IT.NRW |"))
    # (584743 − 587696) / 587696 = −0,50 %, the change IT.NRW's figures state for 2020–2040
    assert "| 2020–2040 | −0,5 |" in row
    assert "Lizenz: in der Quelle nicht angegeben." in md
    assert "<https://old.ruhrnachrichten.de/dortmund/" in md
    html = render_html(p)
    assert '<a href="https://statistik.nrw/service/veroeffentlichungen/statistik-kompakt/' in html
    record = json.loads(render_json(p))
    [out] = record["projection"]["published"]
    assert out["publisher"] == "IT.NRW" and out["compared"] is True
    assert out["published_change_percent"] == pytest.approx((584743 - 587696) / 587696 * 100)


def test_an_area_without_a_record_says_so(member_reports):
    out, _ = member_reports
    text = (out / "grabow.md").read_text("utf-8")
    assert "Für Grabow ist keine veröffentlichte Vorausberechnung hinterlegt" in text


def test_a_record_beyond_2040_is_compared_with_the_projection_carried_on(ctx, registry):
    """BBSR's Raumordnungsprognose for Meißen gives 2021 and 2045: dwk's projection is carried
    on to 2045 for it instead of leaving it out."""
    from dwk.projection import model as fc
    from dwk.projection.outlook import _published

    records = [r for r in for_area(load_published(), "14627") if 2045 in r.years]
    [c] = _published(ctx, registry.get("14627"), records, list(range(2020, 2041)), {})
    assert c.span == (2021, 2045)
    run = fc.project_areas(ctx, ["14627"], None, 2045).runs["main"]
    totals = run.totals()[:, 0]
    ours = (totals[run.years.index(2045)] / totals[run.years.index(2021)] - 1) * 100
    assert c.main == pytest.approx(ours)

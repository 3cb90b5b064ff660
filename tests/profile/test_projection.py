"""The projection: schedules and residuals against the raw files, the engine against a step
computed by hand, and the properties its assumptions promise."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from dwk.core.format import format_de
from dwk.inputs import schedules as sc
from dwk.inputs import tables as inputs
from dwk.projection import assumptions as asm
from dwk.projection import kreis_inputs as ki
from dwk.projection import migration as mg
from dwk.projection import model as fc
from dwk.projection.engine import Schedules, output_bands, project, spreader
from tests.census_hand import census_factor, kreis_ratio


def test_german_fertility_2015_from_raw_births_and_women(store):
    fert = sc.fertility(store, 2015)
    # 12612-0007_raw_age_birth.csv line 901: 2015;30-Jährige;18476;8281;17561;7926
    # 12411-04-02-4_00.csv line 38: DG women aged 30 on 31.12.2015: 498019
    assert fert.asfr[30] == pytest.approx((18476 + 8281 + 17561 + 7926) / 498019, rel=1e-12)
    assert fert.asfr[:15].sum() == 0 and fert.asfr[50:].sum() == 0
    assert 1.45 < fert.tfr < 1.55  # Destatis publishes 1.50 for 2015 (mean female population)


def test_life_table_survival_from_raw(store, ctx):
    male = sc.life_table(store, "2016/2018", "male")
    # 12621-0001_2016-2018.csv lines 11-12: L(0) = 99692, L(1) = 99630, l(0) = 100000
    assert male.survival()[0] == pytest.approx(99630 / 99692)
    assert male.newborn_survival() == pytest.approx(0.99692)
    assert sc.life_table_for_in(ctx, 2015) == "2016/2018"
    assert sc.life_table_for_in(ctx, 2020) == "2020/2022"


def test_residual_net_migration_of_dithmarschen_2013(ctx):
    history = ki.kreis_history(ctx, ["01051", "05913"], 2015)
    j = history.years.index(2013)
    # 12411-01-01-4_00.csv line 15: 31.12.2013 132665, 31.12.2012 132965;
    # 12612-01-01-4_00.csv line 1065: 948 births; 12613-01-01-4_00.csv line 1066: 1758 deaths
    assert history.net[0, j] == 132665 - 132965 - (948 - 1758)
    assert history.start[0, j] == 132965
    assert np.isnan(history.net[0, history.years.index(1996)]) is np.False_


def test_one_step_by_hand():
    base = np.zeros((1, 2, sc.AGES))
    base[0, 0, 30], base[0, 1, 29], base[0, 1, 99] = 1000.0, 2000.0, 10.0
    survival = np.full((1, 2, sc.AGES), 0.9)
    asfr = np.zeros((1, sc.AGES))
    asfr[0, 30] = 0.1
    sched = Schedules(survival, np.array([[0.99, 0.995]]), asfr, 0.5)
    run = project(base, sched, lambda y, p: np.zeros_like(p), 2020, 2021)
    end = run.population[1, 0]
    assert end[0, 31] == pytest.approx(900.0)
    assert end[1, 30] == pytest.approx(1800.0)
    assert end[1, 100] == pytest.approx(9.0)  # 99 → the open group 100+
    births = 1800.0 * 0.1
    assert run.births[0, 0] == pytest.approx(births)
    assert end[0, 0] == pytest.approx(births * 0.5 * 0.99)
    assert end[1, 0] == pytest.approx(births * 0.5 * 0.995)
    assert run.deaths[0, 0] == pytest.approx(301.0 + births * 0.5 * (0.01 + 0.005))
    assert output_bands(run.population)[1, 0, 1, 90] == pytest.approx(9.0)


def test_spreader_matches_a_loop_over_groups_sexes_and_areas():
    """The vectorised spreader against the plain loop it replaces: each group's count over its
    single years in proportion to the weights, evenly where the group has no weight."""
    rng = np.random.default_rng(7)
    weights = rng.random((3, 2, sc.AGES))
    weights[1, 0, 18:25] = 0.0  # a group without weight: spread evenly
    groups = rng.random((3, 6, 2)) * 100
    got = spreader(inputs.MOVE_BANDS, weights)(groups)
    want = np.zeros((3, 2, sc.AGES))
    for i in range(3):
        for s in range(2):
            for g, (lo, hi) in enumerate(inputs.MOVE_BANDS):
                hi = hi or sc.AGES
                w = weights[i, s, lo:hi]
                share = w / w.sum() if w.sum() > 0 else np.full(hi - lo, 1 / (hi - lo))
                want[i, s, lo:hi] = groups[i, g, s] * share
    assert got == pytest.approx(want)
    assert got[1, 0, 18] == pytest.approx(groups[1, 1, 0] / 7)
    # one row of weights for all areas (Germany's, `whole`)
    shared = spreader(inputs.MOVE_BANDS, weights[:1])(groups)
    assert shared[2, 1, 40] == pytest.approx(
        groups[2, 3, 1] * weights[0, 1, 40] / weights[0, 1, 30:50].sum()
    )


def test_migration_by_age_meets_the_level_and_leaves_by_rates():
    base = np.full((1, 2, sc.AGES), 10.0)
    moves_in = np.full((1, 6, 2), 6.0)
    moves_out = np.full((1, 6, 2), 3.0)
    profile = np.zeros((6, 2))
    profile[1, 0] = 1.0  # the whole difference to the level among men aged 18-24
    aged = base * 2
    net = asm.migration_by_age(np.array([25.0]), moves_in, moves_out, aged, base, profile)
    assert net.sum() == pytest.approx(25.0)
    # out-movers of 0-17 leave at 3 / 180 per person of the group, from the aged population
    assert net[0, 0, 5] == pytest.approx(6 / 18 - 3 / 180 * 20)
    # men 18-24 take the difference: level − (in − out) = 25 − (72 − Σ out)
    out_total = sum(
        3 / (10 * (hi or sc.AGES) - 10 * lo) * 20 * ((hi or sc.AGES) - lo) * 2
        for lo, hi in inputs.MOVE_BANDS
    )
    gap = 25 - (72 - out_total)
    assert net[0, 0, 18:25].sum() == pytest.approx(6 + gap - 3 / 70 * 20 * 7)


def test_migration_of_all_areas_follows_germanys_balance_by_age():
    """Areas that make up Germany: Germany's balance has the profile by age, and what an area
    lacks beyond its share comes like its own in-movers (`migration_by_age`, whole)."""
    base = np.full((2, 2, sc.AGES), 10.0)
    moves_in = np.full((2, 6, 2), 6.0)  # each area's own in-movers: 1/12 in every group × sex
    moves_out = np.full((2, 6, 2), 3.0)
    profile = np.zeros((6, 2))
    profile[1, 0] = 1.0  # Germany's balance: all men aged 18-24
    aged = base * 2  # out-movers: 3 / group population × twice that = 6 per group and sex
    net = asm.migration_by_age(
        np.array([25.0, -5.0]), moves_in, moves_out, aged, base, profile, whole=True
    )
    assert net.sum(axis=(1, 2)) == pytest.approx([25.0, -5.0])
    # Germany: 20 × the profile; the 2015 moves (6 in, 6 out) cancel in every group
    assert net[:, 0, 18:25].sum() == pytest.approx(20.0)
    assert net[:, 1, :18].sum() == pytest.approx(0.0)
    # each area: half of Germany's 20 (same population), and the rest, 25 − 10 = 15 and
    # −5 − 10 = −15, spread like its in-movers (1/12 per group and sex)
    assert net[0, 0, 18:25].sum() == pytest.approx(10 + 15 / 12)
    assert net[1, 0, 18:25].sum() == pytest.approx(10 - 15 / 12)
    assert net[1, 1, :18].sum() == pytest.approx(-15 / 12)


def test_kreise_as_of_2015_meet_germanys_children_of_2020(ctx):
    """With Germany's balance by age of 2016–2020, the Kreise projected from 2015 add up to
    Germany's under-18s and under-6s of 2020 (the 2015 border profile alone left the
    under-18s 0.96 % short)."""
    from dwk.projection.model import project_kreise_2015

    run = project_kreise_2015(ctx, 2020, ("main",)).runs["main"]
    children = run.at(2020).sum(axis=(0, 1))[:18].sum()
    # untergeekDE-scrape-covid19/12411-04-02-4.csv, rows "DG;Deutschland;unter 1 Jahr" …
    # "17 bis unter 18 Jahre", column insgesamt: 769380 + 783593 + … + 761348
    assert abs(children / 13743944 - 1) < 0.005
    # and the under-6s (by group: 1.4 % too many): 769380 + 783593 + 798366 + 806198 +
    # 811601 + 785754
    young = run.at(2020).sum(axis=(0, 1))[:6].sum()
    assert abs(young / 4754892 - 1) < 0.01


def test_kreise_as_of_2015_meet_germanys_adults_of_2020_by_age(ctx):
    """With Germany's balance by single year and in-movers spread like the population of the
    year, the Kreise projected from 2015 meet Germany's 20–49-year-olds of 2020 in every
    five-year band within 1 % (spread like the 2015 population and by group: 30–34 −2.8 %,
    45–49 +5.2 %)."""
    from dwk.projection.model import project_kreise_2015

    run = project_kreise_2015(ctx, 2020, ("main",)).runs["main"]
    by_age = run.at(2020).sum(axis=(0, 1))
    # untergeekDE-scrape-covid19/12411-04-02-4.csv, rows "DG;Deutschland;20 bis unter 21
    # Jahre" … "49 bis unter 50 Jahre", column insgesamt, five rows each:
    # 865943 + 885430 + 910983 + 955511 + 952624, 939020 + 953617 + 984464 + 1000769 +
    # 1035069, 1127628 + 1112935 + 1136859 + 1112354 + 1091312, 1058097 + 1050221 + 1050675
    # + 1070818 + 1061065, 1065188 + 1013187 + 998596 + 988332 + 969585, 944048 + 954793 +
    # 960699 + 1038215 + 1138105
    observed = [4570491, 4912939, 5581088, 5290876, 5034888, 5035860]
    for lo, people in zip(range(20, 50, 5), observed, strict=True):
        assert abs(by_age[lo : lo + 5].sum() / people - 1) < 0.01, lo


def test_germanys_balance_by_single_year_is_met_and_the_areas_keep_their_levels():
    """`by_age`: Germany's balance by single year; each area its level, what Germany lacks at
    an age beyond the areas' own moves shared out per inhabitant."""
    base = np.full((2, 2, sc.AGES), 10.0)
    base[1] *= 3  # the second area three times as large
    moves_in = np.full((2, 6, 2), 6.0)
    moves_out = np.full((2, 6, 2), 3.0)
    profile = np.full((6, 2), 1 / 12)
    by_age = np.zeros((2, sc.AGES))
    by_age[0, 20], by_age[1, 33] = 0.75, 0.25
    level = np.array([30.0, 10.0])
    pattern = asm.age_pattern(moves_in, moves_out, base, profile, True, by_age=by_age)
    net = pattern.apply(level, base)
    assert net.sum(axis=(1, 2)) == pytest.approx(level)
    national = net.sum(axis=0)
    assert national[0, 20] == pytest.approx(30.0) and national[1, 33] == pytest.approx(10.0)
    assert np.delete(national[0], 20) == pytest.approx(0.0, abs=1e-9)
    # the first area (a quarter of the people): its 2015 moves, 6 in and 3 out per group
    # and sex, and its rest 30 − 36 − ¼ · (40 − 72) = 2 like its in-movers (1/12 each), all
    # spread evenly over the 7 ages of 18–24; then a quarter of what Germany lacks at the
    # age: 30 − (3 + 3) / 7 for men aged 20, −(3 + 3) / 7 at 21 (the second area's rest is −2)
    own = (6 + 2 / 12 - 3) / 7
    assert net[0, 0, 20] == pytest.approx(own + (30 - 6 / 7) / 4)
    assert net[0, 0, 21] == pytest.approx(own - 6 / 7 / 4)


def test_adult_mobility_follows_germanys_balance_where_it_gained_at_every_age():
    rate = np.full(sc.AGES, 0.01)
    rate[30:50] = np.linspace(0.04, 0.01, 20)
    rate[60] = -0.001  # Germany lost 60-year-olds: the group 50–64 stays flat
    w = ki._adult_mobility(rate)
    assert w[30] / w[49] == pytest.approx(4.0)
    assert w[30:50].mean() == pytest.approx(1.0)
    assert w[:30] == pytest.approx(1.0) and w[50:] == pytest.approx(1.0)
    assert ki._adult_mobility(np.full(sc.AGES, -0.01)) == pytest.approx(1.0)  # lost everywhere


def test_border_profile_is_germanys_2015_balance(ctx):
    profile = asm.border_profile(ctx)
    assert profile.sum() == pytest.approx(1.0)
    # 12711-04-02-4_00.csv DG, 18 bis unter 25, männlich: Zuzüge 683088, Fortzüge 467096;
    # Germany's balance over all ages: 5266913 − 4127511
    assert profile[1, 0] == pytest.approx((683088 - 467096) / (5266913 - 4127511))


def test_persistence_decays_with_the_horizon():
    years = list(range(1996, 2016))
    rng = np.random.default_rng(1)
    dev = rng.normal(0, 0.005, size=(50, 1))
    start = np.full((50, len(years)), 1000.0)
    de = (np.zeros(len(years)), np.full(len(years), 1e6))
    flat = mg.History(years, np.tile(dev * 1000, len(years)), start, *de)
    fit = mg.persistence(flat, 2015)
    lam, origins = fit.lam, fit.origins
    assert fit.gamma == ()
    assert lam == pytest.approx((1.0,) * len(lam))
    assert 2011 not in origins and 2015 not in origins and origins[0] == 1998
    halving = np.hstack([dev * 1000 * 0.5 ** (j / 4) for j in range(len(years))])
    lam = mg.persistence(mg.History(years, halving, start, *de), 2015).lam
    assert lam[0] == pytest.approx(
        0.5 ** (1 / 4) / np.mean([0.5 ** (k / 4) for k in (-2, -1, 0)]), rel=0.05
    )
    assert lam[0] > lam[4] > lam[-1]


def test_persistence_ends_where_lambda_is_smallest():
    """Deviations that fade and come back (a 24-year cycle, 1996–2019): the measured λ(h)
    falls to about −1 at h = 12 and rises again on the last origins; the horizons beyond the
    smallest are dropped, so its fit holds beyond (`Plan.lam`)."""
    years = list(range(1996, 2020))
    phase = np.random.default_rng(2).uniform(0, 2 * np.pi, size=(60, 1))
    net = 5 * np.cos(2 * np.pi * np.arange(len(years)) / 24 + phase)
    h = _history(net)
    measured = [f.coef[0] for f in mg._fits(h, h.regular(2019), h.regular(2019), 1)]
    low = int(np.argmin(measured))
    assert 10 <= low <= 13 and measured[-1] > measured[low] + 0.1  # it rose again
    lam = mg.persistence(h, 2019, window=1).lam
    assert lam == pytest.approx(measured[: low + 1], rel=1e-12)
    plan = mg.Plan(2019, [2019], 0.0, mg.Persistence(lam, [1996]), np.zeros(60))
    assert plan.lam(2019 + len(measured)) == pytest.approx(min(measured), rel=1e-12)


def test_persistence_depends_on_the_areas_mobility():
    """Fifty areas keep their deviation, fifty with the same deviations lose it by half in four
    years; with mobility −1 and +1 the fit is exact in each half: λ of an average area is the
    mean of the two, the slope half their difference, and each area gets its own back."""
    years = list(range(1996, 2016))
    dev = np.random.default_rng(1).normal(0, 0.005, size=(50, 1))
    start = np.full((100, len(years)), 1000.0)
    de = (np.zeros(len(years)), np.full(len(years), 1e6))
    halving = np.hstack([dev * 1000 * 0.5 ** (j / 4) for j in range(len(years))])
    alone = mg.persistence(mg.History(years, halving, start[:50], *de), 2015).lam
    net = np.vstack([np.tile(dev * 1000, len(years)), halving])
    mob = np.repeat([[-1.0], [1.0]], 50, axis=0)
    fit = mg.persistence(mg.History(years, net, start, *de), 2015, mob)
    lam, slopes = fit.lam, fit.slopes
    for h in (0, 4):
        assert lam[h] == pytest.approx((1 + alone[h]) / 2, rel=1e-9)
        assert slopes[h][0] == pytest.approx((alone[h] - 1) / 2, rel=1e-9)
    plan = mg.Plan(2015, [2012, 2013, 2014], 0.0, fit, np.zeros(100), mob)
    # 2019: five years after the window's last year
    assert plan.lam_areas(2019)[[0, 99]] == pytest.approx([1.0, alone[4]], rel=1e-9)


def _history(net: np.ndarray) -> mg.History:
    years = list(range(1996, 1996 + net.shape[1]))
    start = np.full(net.shape, 1000.0)
    return mg.History(years, net, start, np.zeros(len(years)), np.full(len(years), 1e6))


def _wandering(seed: int) -> np.ndarray:
    """Deviations of 200 areas that wander (AR(1), φ = 0.9, no noise), 1996–2015."""
    rng = np.random.default_rng(seed)
    net = np.zeros((200, 20))
    net[:, 0] = rng.normal(0, 5, size=200)
    for j in range(1, 20):
        net[:, j] = 0.9 * net[:, j - 1] + rng.normal(0, 1, size=200)
    return net


def test_window_is_the_length_that_foretold_the_past_best():
    """A lasting deviation under yearly noise is best told by the longest mean, a wandering
    one by its latest year; a window's fit and R² by hand."""
    rng = np.random.default_rng(3)
    lasting = rng.normal(0, 5, size=(200, 1)) + rng.normal(0, 10, size=(200, 20))
    assert mg.window(_history(lasting), 2015) == max(mg.WINDOWS)
    h = _history(_wandering(3))
    assert mg.window(h, 2015) == 1
    # horizon 1 of the 2-year window: origins from 2000 (the 5-year window's first; 2011 and
    # 2015 are not regular), x the mean rate of the regular years (o − 1, o), y that of o + 1
    regular = h.regular(2015)
    origins = [o for o in regular[4:] if o + 1 in regular]
    xs = np.concatenate([h.deviation([regular[regular.index(o) - 1], o]) for o in origins])
    ys = np.concatenate([h.deviation([o + 1]) for o in origins])
    lam = (xs @ ys) / (xs @ xs)
    fit = mg._fits(h, regular, regular[4:], 2)[0]
    assert fit.coef[0] == pytest.approx(lam)
    assert 1 - fit.sse / fit.sst == pytest.approx(1 - ((ys - lam * xs) ** 2).sum() / (ys @ ys))


def test_the_plan_takes_the_chosen_window():
    h = _history(_wandering(4))
    plan = mg.plan(h, 2015)
    assert plan.recent_years == [2014]
    assert plan.deviation == pytest.approx(h.deviation([2014]))
    origins = mg.persistence(h, 2015, window=2).origins
    assert origins[0] == 1997  # the second year with a year before it


def test_germanys_migration_of_the_frame_is_shared_out_by_rate_and_deviation():
    """Two areas of 1,000 and 3,000 people with deviations of +10 and −2 per 1,000, damped by
    λ = 0.5: each gets Germany's rate r plus half its deviation, r set so that the two add up
    to the frame's net migration of 2030 (data/projection_frame.toml: 430,000 observed in
    2024, 250,000 from 2033, so 430,000 − 180,000 × 6/9 = 310,000)."""
    from dwk.projection import engine
    from dwk.projection.framed import framed_level

    plan = mg.Plan(
        2015, [2012, 2013, 2014], 0.0, mg.Persistence((0.5,), [2000]), np.array([0.010, -0.002])
    )
    prev = np.zeros((2, 2, engine.AGES))
    prev[0, 0, 30], prev[1, 0, 30] = 1000, 3000
    level = framed_level(plan, lambda year: None, "main")(2030, prev)
    r = (310_000 - (1000 * 0.005 + 3000 * -0.001)) / 4000
    assert level == pytest.approx([1000 * (r + 0.005), 3000 * (r - 0.001)])
    assert level.sum() == pytest.approx(310_000)


def test_those_in_transit_at_a_base_after_exceptional_arrivals_leave_the_next_year():
    """Three areas of 1,000 people with lasting deviations of +5, −5 and 0 per 1,000 (so λ = 1
    and the one-year window), Germany's rate 0. In 2015 the first gains 40 more, the second
    loses 10 more: 40 people in transit leave the first in 2016 (the second's loss is not
    transit) and are shared out with the rate for all; in 2017 nobody leaves. Germany's net
    migration of 2016 is the frame's observed 499,944 (data/projection_frame.toml)."""
    from dwk.projection import engine
    from dwk.projection.framed import framed_level

    net = np.tile([[5.0], [-5.0], [0.0]], (1, 20))
    net[0, -1], net[1, -1] = 45.0, -15.0  # 2015
    plan = mg.plan(_history(net), 2015)
    assert (plan.recent_years, plan.fit.lam[0]) == ([2014], pytest.approx(1.0))
    assert plan.leaving == pytest.approx([40.0, 0.0, 0.0])
    assert mg.plan(_history(net[:, :-1]), 2014).leaving is None  # 2014: no arrivals
    prev = np.zeros((3, 2, engine.AGES))
    prev[:, 0, 30] = 1000
    level = framed_level(plan, lambda year: None, "main")
    r = (499_944 - (5 - 5) + 40) / 3000
    assert level(2016, prev) == pytest.approx(
        [1000 * (r + 0.005) - 40, 1000 * (r - 0.005), 1000 * r]
    )
    assert level(2016, prev).sum() == pytest.approx(499_944)
    assert level(2017, prev)[0] - level(2017, prev)[2] == pytest.approx(5.0)


def test_in_moves_leave_out_those_in_transit_like_the_arrivals():
    """100 persons in transit in the first area, spread like the arrivals (the profile's
    positive part: 0.5, 0.3, 0.2 of the first three cells; the lost 65+ count 0). A cell with
    fewer in-movers than that keeps none; a secret cell (NaN) counts 0."""
    profile = np.zeros((6, 2))
    profile[0, 0], profile[1, 0], profile[1, 1], profile[5, 0] = 0.6, 0.36, 0.24, -0.2
    moves_in = np.full((2, 6, 2), 40.0)
    moves_in[0, 0, 0], moves_in[0, 1, 1], moves_in[0, 4, 1] = 500.0, 15.0, np.nan
    got = asm.without_transit(moves_in, np.array([100.0, 0.0]), profile)
    assert got[0, 0, 0] == pytest.approx(500 - 50)
    assert got[0, 1, 0] == pytest.approx(40 - 30)
    assert got[0, 1, 1] == 0.0  # 15 moved in, 20 of the transit's share
    assert got[0, 5, 0] == 40.0 and got[0, 4, 1] == 0.0
    assert got[1] == pytest.approx(moves_in[1])


def test_trier_repeats_its_2015_in_moves_without_those_in_transit(ctx):
    """Trier (07211) had the most people in transit at the end of 2015 (`Plan.leaving`).
    12711-04-02-4_00.csv line 1264: 8,260 men of 18–24 moved in. Germany's balance (lines
    10–16): 5,266,913 − 4,127,511 = 1,139,402, of it the 65+ −4,555 (78,064 − 81,605 men,
    108,062 − 109,076 women), so the arrivals' profile sums to 1,143,957, and the men of 18–24
    are 683,088 − 467,096 = 215,992 of them. The 65+ (line 1268: 206 men) keep theirs. The
    method text names the persons left out."""
    keys = ki.kreis_keys(ctx, 2015)
    i = keys.index("07211")
    leaving = ki.first_plan(ctx).leaving[i]
    assert leaving > 4000
    moves_in = ki.kreis_inputs(ctx, keys, 2015).moves_in[i]
    assert moves_in[1, 0] == pytest.approx(8260 - leaving * 215_992 / 1_143_957)
    assert moves_in[5, 0] == 206
    assert 39_819 - moves_in.sum() == pytest.approx(leaving)
    # the method text says so, with the plan's sum over all Kreise (not a number copied here)
    proj = fc.project_areas(ctx, ["07211"], 2015, 2017, ("main",))
    text = next(a.text for a in proj.assumptions if a.topic == "Wanderungen")
    everyone = format_de(round(ki.first_plan(ctx).leaving.sum()), 0)
    assert f"Zuziehende wie 2015 ohne die {everyone} Personen, die Ende 2015 nur auf der " in text


def test_kreis_base_2020_keeps_the_observed_totals(ctx):
    proj = fc.project_areas(ctx, ["05913", "11000", "03159"], 2020, 2022)
    assert proj.base_year == 2020
    totals = proj.runs["main"].totals()[0]
    # untergeekDE 12411-04-02-4.csv line 10007: Dortmund, Insgesamt 587696
    assert totals[0] == pytest.approx(587696)
    assert totals[1] > 3_500_000  # Berlin keeps its Kreis row 11000 in the 2020 base
    # the default run starts from the same base, carried over to the Zensus 2022 basis with
    # Dortmund's 601343 (12411-0015, 31.12.2023) over 595471 (Gemeindeverzeichnis, same day)
    now = fc.project_areas(ctx, ["05913", "11000", "03159"], None, 2022)
    assert now.base_year == 2020
    assert now.runs["main"].totals()[0, 0] == pytest.approx(587696 * 601343 / 595471)


# Everything a 2015 base may read: regional tables up to 31.12.2015, Germany's births by
# mother's age (national, 1992–2023) and the life table 2016/18.
UP_TO_2015 = (
    "genesapi-data/12411-01-01-4_00.csv", "genesapi-data/12411-01-01-5_00.csv",
    "genesapi-data/12411-02-03-5_00.csv", "genesapi-data/12411-04-02-4_00.csv",
    "genesapi-data/12411-05-01-4_00.csv", "genesapi-data/12612-01-01-4_00.csv",
    "genesapi-data/12613-01-01-4_00.csv", "genesapi-data/12711-01-03-5_00.csv",
    "genesapi-data/12711-04-02-4_00.csv", "eva2703-conddensreg/12612-0007_raw_age_birth.csv",
    "helmutqualtinger-sterbetafeln/12621-0001_2016-2018.csv",
    "genesapi-data/13111-02-02-4_00.csv",  # employees at their residence, 30.06.2012–2015
)  # fmt: skip


@pytest.mark.slow  # builds a second store from 13 raw files and all its lookups: 30-60 s
def test_base_2015_uses_no_regional_data_after_2015(ctx, tmp_path):
    """Kreise and Gemeinden projected from 2015 with a store of only the files above give
    exactly what the full store gives: nothing after 2015 is read but national figures (the
    two national tables above, and Germany's rows of the 2020 age table, for its balance by
    age; the Kreis rows are cut from that file here)."""
    import shutil

    from dwk.core import paths
    from dwk.inputs.context import Context
    from dwk.store import Store

    raw, keep = paths.raw_dir(), tmp_path / "raw"
    for name in UP_TO_2015:
        (keep / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(raw / name, keep / name)
    ages_2020 = "untergeekDE-scrape-covid19/12411-04-02-4.csv"
    lines = (raw / ages_2020).read_bytes().split(b"\n")
    # Länder and Kreise cut, and the title line that names Kreise as the table's depth
    national = [b for b in lines if not b.split(b";")[0].isdigit() and b"regionale Tiefe" not in b]
    (keep / ages_2020).parent.mkdir(parents=True, exist_ok=True)
    (keep / ages_2020).write_bytes(b"\n".join(national))
    small = Store.open(raw_dir=keep, cache=tmp_path / "cache")
    assert "12411-0015" not in small.tables() and "GV-ISys" not in small.tables()
    lean = Context(small, ctx.changes)  # key changes are configuration, not statistics
    for keys in (["01051", "05913", "14523"], ["03454055", "14523010"]):
        full = fc.project_areas(ctx, keys, 2015, 2021)
        only = fc.project_areas(lean, keys, 2015, 2021)
        for v in full.runs:
            np.testing.assert_allclose(full.runs[v].population, only.runs[v].population, rtol=1e-12)


def test_outlook_flags_small_groups_so_no_rule_reads_them(ctx, registry):
    from dwk.projection.outlook import MIN_GROUP, outlook_for

    # 12411-02-03-5_00.csv line 24: Bergewöhrden (01051008), 35 inhabitants on 31.12.2015,
    # on the Zensus 2022 basis: its count 35 (1000A-0000_de.csv line 40) over its 2011-based
    # line on 15.05.2022, between 36 on 31.12.2019 (AuszugGV4QAktuell.csv line 51) and 36 on
    # 31.12.2023 (31122023_Auszug_GV.xlsx row 56), times Dithmarschen's ratio (census_hand)
    outlook = outlook_for(ctx, registry.get("01051008"))
    total = next(r for r in outlook.rows if r.group.id == "vorausberechnung_insgesamt")
    assert total.values[0] == pytest.approx(35 * census_factor(35, 36, 36) * kreis_ratio("01051"))
    assert outlook.census_basis == "zensus2022"
    obs = outlook.observations()
    assert all(obs[r.group.id].flag == "unsicher" for r in outlook.rows)
    vrees = outlook_for(ctx, registry.resolve("vrees"))
    flags = {r.group.id: vrees.observations()[r.group.id].flag for r in vrees.rows}
    assert flags["vorausberechnung_insgesamt"] == "" and MIN_GROUP == 50
    assert vrees.base_year == 2015 and vrees.shown[-1] == 2040


def test_a_profile_without_a_projection_says_why(ctx, registry, store, catalogue):
    from dwk.app.build import profile_rules
    from dwk.report.build import build_profile

    # 12411-02-03-5_00.csv: the Berlin Bezirke have secret ('.') age groups, so no base
    mitte = registry.get("11001000")
    profile = build_profile(mitte, store, registry, catalogue, profile_rules(catalogue), ctx)
    assert profile.outlook is None
    assert any(w.startswith("Keine Vorausberechnung") for w in profile.warnings)


def test_deviations_move_with_germanys_rate_by_the_areas_exposure():
    """Areas whose deviation is λ = 0.8 of the year before plus 0.3 · exposure · the change of
    Germany's rate since then: the fit gives back λ(1) = 0.8 and γ(1) = 0.3 (exactly, as
    nothing else moves them); the plan then adds γ · exposure · (rate − the window's rate)."""
    years = list(range(1996, 2016))
    rng = np.random.default_rng(5)
    n = 120
    exp = rng.normal(0, 1, size=n)
    national = 0.002 + 0.004 * np.sin(np.arange(len(years)))  # Germany's rate, per person
    dev = np.zeros((n, len(years)))
    dev[:, 0] = rng.normal(0, 0.005, size=n)
    for j in range(1, len(years)):
        dev[:, j] = 0.8 * dev[:, j - 1] + 0.3 * exp * (national[j] - national[j - 1])
    start = np.full((n, len(years)), 1000.0)
    de_start = np.full(len(years), 1e6)
    h = mg.History(years, (dev + national) * 1000, start, national * 1e6, de_start)
    # horizon 1 is exact under this rule (the fit pairs o with o + 1 where both are regular;
    # 2011 and 2015 are not); h > 1 are not
    fit = mg.persistence(h, 2015, window=1, exp=exp)
    assert (fit.lam[0], fit.gamma[0]) == pytest.approx((0.8, 0.3), rel=1e-9)
    assert fit.slopes[0].size == 0
    fit = mg.Persistence((0.5, 0.4), [1997], gamma=(0.3, 0.2))
    plan = mg.Plan(
        2015, [2014], 0.004, fit, np.array([0.01, -0.01]), exposure=np.array([2.0, -1.0])
    )
    # 2016: h = 2 from the window's 2014: 0.4 · deviation + 0.2 · exposure · (0.001 − 0.004)
    assert plan.deviation_in(2016, 0.001) == pytest.approx([0.004 - 0.0012, -0.004 + 0.0006])
    assert plan.take([1]).deviation_in(2016, 0.001) == pytest.approx([-0.004 + 0.0006])
    plain = mg.Plan(2015, [2014], 0.004, replace(fit, gamma=()), np.array([0.01, -0.01]))
    assert plain.deviation_in(2016, 0.001) == pytest.approx([0.004, -0.004])


def test_exposure_is_the_standardised_share_a_missing_one_the_mean():
    e = mg.exposure(np.array([0.1, 0.2, np.nan, 0.3]))
    z = np.array([0.1, 0.2, 0.2, 0.3])
    assert e == pytest.approx((z - 0.2) / z.std())

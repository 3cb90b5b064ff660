"""How children's moves fall with age (`projection.child_moves`): the fit recovers a known
shape, agrees with a slow reference on the shipped tables, and the engine spreads a group's
movers along it without changing how many they are."""

from __future__ import annotations

import numpy as np
import pytest

from dwk.projection import assumptions as asm
from dwk.projection.child_moves import NONE, ChildMobility, fit


def _cohorts(beta, rng, areas=300, noise=0.0):
    """log children per birth relative to Germany (areas, 17) whose increment at age a is
    β(a) times the area's own level of moving, plus noise."""
    level = rng.normal(0, 0.01, areas)
    steps = level[:, None] * beta[None] + rng.normal(0, noise, (areas, len(beta)))
    return np.concatenate([np.zeros((areas, 1)), np.cumsum(steps, axis=1)], axis=1)


def test_the_fit_recovers_a_known_shape():
    ages = np.arange(1, 17)
    beta = 0.5 + 2.0 * np.exp(-0.3 * ages)
    since = _cohorts(beta, np.random.default_rng(1))
    m = fit(since, list(ages))
    # β is only known up to a factor (1 on average over the ages): the curve's ratios count
    assert m.alpha == pytest.approx(0.3, abs=0.002)
    assert m.scale / m.floor == pytest.approx(4.0, rel=0.01)
    assert m.kreise == 300


def test_areas_with_an_unknown_cohort_are_left_out_and_no_decline_is_none():
    ages = list(range(1, 17))
    since = _cohorts(np.full(16, 1.0), np.random.default_rng(2))
    since[:5, 3] = np.nan
    assert fit(since, ages) == NONE  # all ages alike: no decline to fit
    beta = 0.5 + 2.0 * np.exp(-0.3 * np.arange(1, 17))
    since = _cohorts(beta, np.random.default_rng(3))
    since[:5, 3] = np.nan
    assert fit(since, ages).kreise == 295


def _reference(since: np.ndarray, ages: list[int]) -> tuple[float, float, float]:
    """The same fit written out: β(a) one age at a time, then every α of the grid with the
    two linear coefficients from the normal equations by hand."""
    rows = [r for r in since if all(np.isfinite(r[a]) and np.isfinite(r[a - 1]) for a in ages)]
    steps = [[r[a] - r[a - 1] for a in ages] for r in rows]
    means = [sum(s) / len(s) for s in steps]
    den = sum(m * m for m in means)
    beta = [
        sum(s[j] * m for s, m in zip(steps, means, strict=True)) / den for j in range(len(ages))
    ]
    best = None
    for k in range(10, 1001):
        alpha = k / 1000
        e = [np.exp(-alpha * a) for a in ages]
        n, se, see = len(ages), sum(e), sum(x * x for x in e)
        sb, seb = sum(beta), sum(x * b for x, b in zip(e, beta, strict=True))
        det = n * see - se * se
        floor, scale = (see * sb - se * seb) / det, (n * seb - se * sb) / det
        res = sum((b - floor - scale * x) ** 2 for b, x in zip(beta, e, strict=True))
        if best is None or res < best[0]:
            best = (res, floor, scale, alpha)
    return best[1], best[2], best[3]


def test_the_shape_of_the_shipped_tables_agrees_with_the_reference(ctx):
    from dwk.dynamics import components
    from dwk.projection import kreis_inputs as ki

    keys = ki.kreis_keys(ctx, 2015)
    pop = asm.base_population(ctx, [*keys, "DG"], 2015)[0].sum(axis=1)[:, :17]
    births = components.yearly(ctx, ctx.table("births"), "total")
    births = births.reindex(index=[*keys, "DG"], columns=range(2015, 1998, -1)).to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        kept = np.log(pop / births)
    since = kept[:-1] - kept[-1]
    ages = [a for a in range(1, 17) if a != 4]  # 2015 − 2011: the cohort across the census
    m = ki.child_mobility(ctx)
    floor, scale, alpha = _reference(since, ages)
    assert (m.floor, m.scale, m.alpha) == (
        pytest.approx(floor, abs=5e-4),
        pytest.approx(scale, abs=5e-4),
        pytest.approx(alpha, abs=5e-4),
    )
    assert m.weights()[0] > 4 * m.weights()[15]  # a newborn moves far more than a teenager


def test_a_groups_movers_are_spread_along_the_mobility_and_stay_as_many():
    """One area, moves of 2015: 60 out of 0–17 (1,800 people, 100 each age), 40 in; the other
    groups empty. Without mobility each age loses 60/1,800 of itself; with it, ages 0 and 10
    lose in the ratio of their weights, the group 60 in all."""
    base = np.zeros((1, 2, 101))
    base[0, :, :18] = 50.0  # 100 per age, both sexes
    moves_in = np.zeros((1, 6, 2))
    moves_out = np.zeros((1, 6, 2))
    moves_in[0, 0] = 20.0
    moves_out[0, 0] = 30.0
    profile = np.full((6, 2), 1 / 12)
    m = ChildMobility(0.5, 2.0, 0.3, 1)
    level = np.array([-20.0])  # in 40 − out 60: the moves as they were
    plain = asm.age_pattern(moves_in, moves_out, base, profile).apply(level, base)
    shaped = asm.age_pattern(moves_in, moves_out, base, profile, mobility=m.weights())
    net = shaped.apply(level, base)
    assert plain[0, :, :18].sum() == pytest.approx(-20.0)
    assert net[0, :, :18].sum() == pytest.approx(-20.0)
    assert plain[0, 0, 0] == pytest.approx(plain[0, 0, 10])  # all ages alike
    w = m.weights()
    # in 20 and out 30 per sex, both spread along w: net −10 per sex over the ages as w
    assert net[0, 0, :18] == pytest.approx(-10.0 * w[:18] / w[:18].sum())
    assert net[0, 0, 0] / net[0, 0, 10] == pytest.approx(w[0] / w[10])

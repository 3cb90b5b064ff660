"""The within-Kreis deviation of Gemeinden and its persistence."""

from __future__ import annotations

import numpy as np
import pytest

from dwk.projection import gemeinde_migration as gm


def test_within_deviation_of_vrees_by_hand(ctx):
    # 12411-01-01-5_00.csv line 2392 (Vrees) and line 2324 (Emsland), 31.12.2011–2014:
    # Vrees 1657, 1673, 1656, 1695; Emsland 311634, 312855, 313689, 315757
    vrees = (1695 - 1657) / (1657 + 1673 + 1656)
    emsland = (315757 - 311634) / (311634 + 312855 + 313689)
    got = gm.within_deviation(ctx, ["03454055"], (2012, 2013, 2014))
    assert got[0] == pytest.approx(vrees - emsland, rel=1e-12)


def test_persistence_grows_with_size_and_stays_below_one(ctx):
    wp = gm.within_persistence(ctx)
    assert len(wp.factors) == len(gm.SIZES) and sum(wp.counts) > 9_000
    assert all(0 <= f < 1 for f in wp.factors)
    assert wp.factors[0] < wp.factors[-1]
    part = gm.within_kreis(ctx, (2012, 2013, 2014))
    assert part.factors == wp.factors
    assert part.factor(np.array([500.0, 1_000.0, 25_000.0])).tolist() == [
        wp.factors[0],
        wp.factors[1],
        wp.factors[-1],
    ]
    assert part.mean(np.array([999.0, 20_000.0])).tolist() == [part.means[0], part.means[-1]]


def test_the_fit_windows_follow_the_census_and_the_base(ctx):
    # data/censuses.toml: figures on the Zensus 2011 basis from 31.12.2011; the Gemeinde age
    # groups (12411-02-03-5_00.csv) have 31.12.2015 only
    from dwk.projection.gemeinde_migration import windows

    assert windows(ctx) == (2015, (2009, 2010), (2012, 2013, 2014))


def test_natural_deviation_follows_the_age_structure(ctx):
    """Within a Kreis a Gemeinde with more old people has more deaths than births: its natural
    balance lies below the Kreis's (Emsland's Gemeinden, 12411-02-03-5 of 2015); a kreisfreie
    Stadt is its own Kreis."""
    from dwk.projection.batches import gemeinde_members

    keys = gemeinde_members(ctx, "03454")
    dev = gm.natural_deviation(ctx, keys, 2015)
    src = ctx.age(ctx.table("age_groups"), 2015)
    rows = src.rows(keys)
    old = src.between(65, None)[rows] / src.between(0, None)[rows]
    assert np.corrcoef(old, dev)[0, 1] < -0.5
    people = src.between(0, None)[rows]
    assert (dev * people).sum() == pytest.approx(0, abs=1e-6 * people.sum())
    assert gm.natural_deviation(ctx, ["05913000"], 2015)[0] == pytest.approx(0, abs=1e-12)


def test_a_gemeinde_that_absorbed_others_is_not_compared(ctx):
    """The backtest compares a Gemeinde only on its territory of the base (`same_territory`)."""
    from dwk.inputs.tables import same_territory

    # 33111-01-01-5_00.csv line 13656 "16063015;        Dermbach;2353;…" (ha, 31.12.2015) and
    # AuszugGV4QAktuell.csv line 15390 "…,015,Dermbach, 91.96, 7 313,…" (km², 31.12.2019): the
    # Thüringen reform of 2019 merged its neighbours into it. Vrees: line 2394
    # "03454409055;        Vrees;3756;…" and line 2517 "…,055,Vrees, 37.55, 1 777,…".
    assert same_territory(ctx, ["16063015", "03454055"], 2015, 2019).tolist() == [False, True]


def test_centred_slopes_take_each_class_mean_out():
    """Class 0 lies on y = −3 ‰ + 0.1 · (x − x̄), class 1 on y = 1 ‰ + 0.3 · (x − x̄): the
    slopes are 0.1 and 0.3. Through the origin, class 0 would give
    (0.004 · 0.0032 + 0.002 · 0.003) / (0.004² + 0.002²) = 0.94: its lasting mean read as a
    deviation that persists."""
    x = np.array([-0.004, -0.002, 0.0, 0.001, 0.002, 0.003])
    y = np.array([-0.0032, -0.003, -0.0028, 0.0007, 0.001, 0.0013])
    cls = np.array([0, 0, 0, 1, 1, 1])
    slopes, counts = gm.centred_slopes(x, y, cls)
    assert slopes == pytest.approx((0.1, 0.3, 0.0, 0.0, 0.0))
    assert counts == (3, 3, 0, 0, 0)
    assert gm.class_means(y, cls) == pytest.approx((-0.003, 0.001, 0.0, 0.0, 0.0))
    through_origin = (x[:3] @ y[:3]) / (x[:3] @ x[:3])
    assert through_origin == pytest.approx(0.94)


def test_small_gemeinden_lose_to_the_larger_ones_of_their_kreis(ctx):
    """In both windows the mean migration deviation from the Kreis rises with the Gemeinde's
    size: below 1,000 inhabitants they lose more than 2 per 1,000 a year, from 20,000 on they
    gain (the module docstring)."""
    for years in ((2009, 2010), (2012, 2013, 2014)):
        means = gm.within_kreis(ctx, years).means
        assert list(means) == sorted(means), years
        assert means[0] < -0.002 and means[-1] > 0.0005, years


def test_a_kreisfreie_stadt_is_alone_in_its_kreis():
    assert gm.alone(["05913000", "03454055", "03454001", "14523010"]).tolist() == [
        True,
        False,
        False,
        True,
    ]


def test_the_deviation_is_measured_up_to_where_the_assumptions_start(ctx):
    """As of the base: the fit's window (2012–2014); met up to 2023: the years since the
    Gemeindeverzeichnis of 31.12.2019 but 2022, the Ukraine year, which the Kreise leave out
    too (`migration.IRREGULAR`)."""
    from dwk.projection.model import within_window

    assert within_window(ctx, 2015, [2019, 2023]) == (2012, 2013, 2014)
    assert within_window(ctx, 2023, [2019, 2023]) == (2020, 2021, 2023)
    assert within_window(ctx, 2019, [2019, 2023]) == (2016, 2017, 2018, 2019)
    assert within_window(ctx, 2021, [2019, 2023]) == (2020, 2021)


def test_a_gemeinde_keeps_its_class_mean_and_its_departure_fades():
    """Two Gemeinden of 1,000 people each, Kreis rate +2 ‰: one with its class's −3 ‰ and a
    departure of +1 ‰ at λ = 0.5, the other with +1 ‰ and none: 1000 · (2 − 3 + 0.5) / 1000 =
    −0.5 and 1000 · (2 + 1) / 1000 = 3 people."""
    from dwk.projection.gemeinden import gemeinde_level

    prev = np.zeros((2, 2, 101))
    prev[:, 0, 30] = 1000.0
    level = gemeinde_level(
        {2016: np.array([0.002])},
        [0, 0],
        np.array([-0.003, 0.001]),
        np.array([0.001, 0.0]),
        lambda year: 0.5,
        schedules=None,
    )
    assert level(2016, prev) == pytest.approx([-0.5, 3.0])


def test_lambda_counts_from_the_end_of_the_deviations_window():
    """λ(h) was measured h years after the last year of a window, so it counts from there: as
    of 2015, whose own year is not regular, the window is 2014 and 2016 takes λ(2) (it took
    λ(1), one year too much persistence); a Gemeinde run that met observed totals up to 2023
    takes λ(1) in 2024, not λ(10)."""
    from dwk.projection.migration import Persistence, Plan

    fit = Persistence((0.8, 0.6, 0.5), [2000])
    plan = Plan(2015, [2014], 0.0, fit, np.zeros(1))
    assert [plan.lam(y) for y in (2015, 2016, 2017, 2024)] == [0.8, 0.6, 0.5, 0.5]
    assert Plan(2020, [2020], 0.0, fit, np.zeros(1)).lam(2021) == 0.8
    assert [plan.lam(y, since=2023) for y in (2024, 2025, 2030)] == [0.8, 0.6, 0.5]


def test_the_method_text_names_each_size_class_with_its_mean(ctx):
    """A run that meets the observed totals states the window it measured on (2020–2023 but
    the Ukraine year) and each size class in words with its lasting mean and its factor."""
    from dwk.projection.model import project_areas

    proj = project_areas(ctx, ["03454055"], None, 2030, ("main",))
    text = next(a.text for a in proj.assumptions if a.topic == "Wanderungen")
    part = proj.within
    assert part.years == (2020, 2021, 2023)
    assert (
        "je 1.000 Einwohner und Jahr, 2020–2023 ohne 2022, nach Einwohnern: unter 1.000 −" in text
    )
    for label in ("1.000–2.000", "2.000–5.000", "5.000–20.000", "20.000 und mehr +"):
        assert label in text
    assert "gemessen an allen Gemeinden, 2009–2010 gegen 2012–2014" in text
    # their own 2015 in-moves keep those in transit (see `assumptions.without_transit`)
    assert "Zuziehende wie 2015, die Differenz" in text and "Durchreise" not in text


def test_transit_is_shared_by_what_each_gemeinde_gained():
    """Kreis A: 100 persons in transit (0.01 × 10,000), the Gemeinden gained 0, 20 and 60
    beyond the expected: they leave 0, 25 and 75 instead of 10, 20 and 70. Kreis B has no
    one in transit, Kreis C no Gemeinde that gained: all alike, nothing to add."""
    kreis = np.array(["A", "A", "A", "B", "C", "C"])
    people = np.array([1_000.0, 2_000.0, 7_000.0, 500.0, 300.0, 700.0])
    rate = np.array([0.01, 0.01, 0.01, 0.0, 0.02, 0.02])
    gained = np.array([0.0, 20.0, 60.0, 5.0, 0.0, 0.0])
    got = gm.transit_shared(kreis, people, rate, gained)
    assert got == pytest.approx([10.0, 20.0 - 25.0, 70.0 - 75.0, 0.0, 0.0, 0.0])


def test_the_heidekreis_transit_leaves_from_osterheide(ctx):
    """Osterheide, the gemeindefreie Bezirk with the reception centre Oerbke, grew from 617 to
    3,564 people in 2015 (12411-01-01-5_00.csv line 2140). The Heidekreis's 24 Gemeinden
    (lines 2114–2140: nine on their own, 14 in the Samtgemeinden Ahlden, Rethem and
    Schwarmstedt, and Osterheide) add up to its 140,264 (line 2113). Of its people in transit
    at the end of 2015 (`Plan.leaving`) Osterheide loses more than four in five; the other 23
    Gemeinden lose less than they would alike. The Gemeinde projection from 2015 has it lose
    them in 2016 (spread alike, it kept 3,496)."""
    from dwk.projection import kreis_inputs as ki
    from dwk.projection import model as fc
    from dwk.projection.batches import gemeinde_members

    assert ctx.totals.at["03358501", 2014] == 617 and ctx.totals.at["03358501", 2015] == 3564
    keys = gemeinde_members(ctx, "03358")
    leaving = ki.first_plan(ctx).leaving[ki.kreis_keys(ctx, 2015).index("03358")]
    people = ctx.totals.reindex(keys)[2015].to_numpy(dtype=float)
    assert len(keys) == 24 and people.sum() == 140_264
    rate = np.full(len(keys), leaving / people.sum())
    kept = gm.transit_kept(ctx, keys, 2015, people, rate, np.zeros(len(keys)))
    assert kept.sum() == pytest.approx(0, abs=1e-6)
    o = keys.index("03358501")
    assert rate[o] * people[o] - kept[o] > 0.8 * leaving
    assert (np.delete(kept, o) > 0).all()
    run = fc.project_gemeinden(ctx, ["03358501"], 2016).runs["main"]
    assert run.totals()[run.years.index(2016), 0] < 3564 - 0.8 * leaving

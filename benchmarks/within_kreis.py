"""How well the Gemeinden are shared out within their Kreis, apart from the Kreis's own error.

1. The Gemeinde backtest (every Gemeinde from 31.12.2015, `dwk project --backtest`) with each
   Kreis's projected total replaced by its observed one (summed over the areas the backtest
   compares, so that both sums are of one territory): the error that is left is the
   within-Kreis part. Printed by size class, with the mean signed error: a class projected
   above its share has a positive one. Also the Kreis part alone (each Gemeinde's Kreis's
   error) and the within part, averaged over the Gemeinden of at least 1,000 inhabitants.
2. From the Gemeindeverzeichnis of 31.12.2019 to that of 2023 with the Kreis's totals known,
   the situation of a profile's run, which meets the Kreis's observed totals: each Gemeinde's
   growth beyond its Kreis's as its natural balance (`natural_deviation`) plus a migration
   deviation measured 2016–2019, compounded over four years and scaled to the Kreis's observed
   2023 total. A check of the growth rates outside the engine (a projection cannot start a
   Gemeinde at 2019), for three rules: no deviation, the deviation damped (through the origin,
   the rule before 4 December 2026), and the size class's mean plus the damped departure from
   it (the rule shipped).
3. The issue's year 2021, which no shipped Gemeindeverzeichnis has, estimated: each
   Gemeinde's share of its Kreis interpolated between 2019 and 2023 and put on the Kreis's
   observed total of 2021; the estimate checked one step coarser on 2019. Against an
   interpolated share the error is too low; with the interpolation's own error added in
   quadrature (which the check on 2019 bears out) it gives a range for 2021's.

Run: .venv/bin/python benchmarks/within_kreis.py
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dwk.areas import Registry
from dwk.inputs import tables as inputs
from dwk.inputs.context import Context
from dwk.projection import backtest as bt
from dwk.projection import gemeinde_migration as gm
from dwk.projection import kreis_inputs as ki
from dwk.projection import model as fc
from dwk.projection import observed as ob
from dwk.projection.backtest import GEMEINDE_LARGE
from dwk.projection.engine import Run
from dwk.store import Store

LABELS = ["unter 1.000", "1.000–2.000", "2.000–5.000", "5.000–20.000", "20.000 und mehr"]


def _kreis_sums(values: np.ndarray, kreis: np.ndarray) -> np.ndarray:
    return pd.Series(values).groupby(kreis).transform("sum").to_numpy()


def _backtest_run(ctx: Context) -> tuple[list[str], Run]:
    usable = bt.scored_gemeinden(ctx)
    return usable, fc.project_gemeinden(ctx, usable, bt.gemeinde_check_years(ctx)[-1]).runs["main"]


def kreis_known(ctx: Context, usable: list[str], run: Run) -> None:
    t = ctx.observed_totals
    p15 = t.reindex(usable)[bt.base_year(ctx)].to_numpy(float)
    print("1. Backtest ab 2015, Kreissummen beobachtet: mittlerer Fehler (%) nach Größe")
    for year in bt.gemeinde_check_years(ctx):
        # the areas the backtest compares, so that a Kreis's sums are of one territory: a
        # Gemeinde that absorbed a neighbour counts with the neighbour's projection
        parts, obs = bt.compared(ctx, usable, year)
        got = bt.summed(run.totals()[run.years.index(year)], parts)
        size = bt.summed(p15, parts)
        kreis = np.array([usable[p[0]][:5] for p in parts])
        got_k, obs_k = _kreis_sums(got, kreis), _kreis_sums(obs, kreis)
        within = (got / got_k * obs_k / obs - 1) * 100
        kreis_part = (got_k / obs_k - 1) * 100
        cls = gm.size_class(size)
        row = [f"{lab} {within[cls == c].mean():+.2f}" for c, lab in enumerate(LABELS)]
        large = size >= GEMEINDE_LARGE
        print(f"   {year}: " + ", ".join(row))
        print(
            f"   {year}: MAPE innerhalb {np.abs(within).mean():.2f} %; über den Gemeinden ab "
            f"1.000 Ew. Kreisteil {kreis_part[large].mean():+.2f} %, innerhalb "
            f"{within[large].mean():+.2f} %, zusammen {((got / obs - 1) * 100)[large].mean():+.2f} %"
        )


def from_2019(ctx: Context) -> None:
    t = ctx.observed_totals
    keys = gm.measured_gemeinden(ctx)
    seen = np.isfinite(t.reindex(keys)[[2019, 2023]].to_numpy(float)).all(axis=1)
    keys = [k for k, s, a in zip(keys, seen, gm.alone(keys), strict=True) if s and not a]
    same = inputs.same_territory(ctx, keys, 2015, 2019) & inputs.same_territory(
        ctx, keys, 2019, 2023
    )
    keys = [k for k, s in zip(keys, same, strict=True) if s]
    p = t.reindex(keys)
    kreis = np.array([k[:5] for k in keys])
    natural = gm.natural_deviation(ctx, keys, 2015)

    def growth(a: int, b: int) -> np.ndarray:
        pa, pb = p[a].to_numpy(float), p[b].to_numpy(float)
        own = (pb / pa) ** (1 / (b - a)) - 1
        return own - ((_kreis_sums(pb, kreis) / _kreis_sums(pa, kreis)) ** (1 / (b - a)) - 1)

    dev = growth(2015, 2019) - natural
    size = p[2015].to_numpy(float)
    cls = gm.size_class(size)
    ok = np.abs(dev) < gm.TRIM
    means = np.array(gm.class_means(dev[ok], cls[ok]))[cls]
    lam = ki.first_plan(ctx).fit.lam
    fade = np.mean(lam[:4]) / lam[2]  # the years 2020–2023, h = 1…4
    centred = np.array(gm.within_persistence(ctx).factors)[cls]
    through_origin = _through_origin(ctx)[cls]
    rules = {
        "keine Abweichung": np.zeros(len(keys)),
        "Abweichung gedämpft (bis 4.12.2026)": np.where(ok, dev, 0) * through_origin * fade,
        "Größenklasse + eigene Abweichung gedämpft": means
        + np.where(ok, dev - means, 0) * centred * fade,
    }
    p19, p23 = p[2019].to_numpy(float), p[2023].to_numpy(float)
    large = size >= GEMEINDE_LARGE
    print("2. 2019 → 2023, Kreissummen beobachtet (Wachstumsraten, ohne Engine)")
    for name, rule in rules.items():
        raw = p19 * (1 + natural + rule) ** 4
        got = raw / _kreis_sums(raw, kreis) * _kreis_sums(p23, kreis)
        e = (got / p23 - 1) * 100
        print(
            f"   {name}: alle MAPE {np.abs(e).mean():.3f}, mittl. Fehler {e.mean():+.3f}; "
            f"ab 1.000 Ew. {np.abs(e[large]).mean():.3f}, {e[large].mean():+.3f}"
        )


def estimated_2021(ctx: Context, usable: list[str], run: Run) -> None:
    """The targets' year, which no shipped Gemeindeverzeichnis has: each Gemeinde's share of
    its Kreis interpolated geometrically between 2019 and 2023, times the Kreis's observed
    total of 2021 (12411-0015). Checked the same way one step coarser: 2019 from the shares
    of 2015 and 2023 and the Kreis's 2019 total, against the Gemeindeverzeichnis of 2019."""
    t, base = ctx.observed_totals, bt.base_year(ctx)
    years = bt.gemeinde_check_years(ctx)
    if years != [2019, 2023]:
        print("3. entfällt: dafür braucht es die Gemeindeverzeichnisse 2019 und 2023")
        return
    obs = {}
    for year in years:
        parts, values = bt.compared(ctx, usable, year)
        obs[year] = {tuple(p): v for p, v in zip(parts, values, strict=True)}
    both = [p for p in obs[2019] if p in obs[2023]]
    kreis = [_kreis_of(ctx, usable[p[0]][:5]) for p in both]
    unchanged = _kreis_unchanged(ctx, 2019, 2023)
    keep = [i for i, k in enumerate(kreis) if k in unchanged]
    parts = [list(both[i]) for i in keep]
    kreis = [kreis[i] for i in keep]
    g = {y: np.array([obs[y][tuple(p)] for p in parts]) for y in years}
    g[base] = bt.summed(t.reindex(usable)[base].to_numpy(float), parts)
    k = {y: t.reindex(kreis)[y].to_numpy(float) for y in (base, 2019, 2021, 2023)}

    def between(a: int, b: int, at: int) -> np.ndarray:
        w = (at - a) / (b - a)
        return g[a] * (g[b] / g[a]) ** w * k[at] / (k[a] * (k[b] / k[a]) ** w)

    large = g[base] >= GEMEINDE_LARGE
    fc_of = {y: bt.summed(run.totals()[run.years.index(y)], parts) for y in (2019, 2021)}

    def scores(got: np.ndarray, ref: np.ndarray) -> tuple[float, float, float]:
        """MAPE (%), its ratio to a constant population's, mean signed error (%)."""
        which = large & np.isfinite(ref)
        e = (got / ref - 1)[which] * 100
        const = np.abs(g[base] / ref - 1)[which].mean() * 100
        return float(np.abs(e).mean()), float(np.abs(e).mean() / const), float(e.mean())

    def shown(s: tuple[float, float, float]) -> str:
        return f"MAPE {s[0]:.2f} % ({s[1]:.2f} × konstant), mittl. Fehler {s[2]:+.2f} %"

    est19 = between(base, 2023, 2019)  # NaN in a Kreis merged after the base (Göttingen)
    check = (est19 / g[2019] - 1)[large & np.isfinite(est19)] * 100
    print(
        f"3. 2021 geschätzt ({int(large.sum())} Gemeinden ab 1.000 Ew., Kreise ohne Gebietsänderung)"
    )
    print(
        f"   Probe 2019 aus 2015/2023: Schätzung gegen GV 2019 MAPE {np.abs(check).mean():.2f} %, "
        f"mittl. {check.mean():+.2f} %"
    )
    real19, est_19 = scores(fc_of[2019], g[2019]), scores(fc_of[2019], est19)
    est_21 = scores(fc_of[2021], between(2019, 2023, 2021))
    print(f"   2019 gegen GV 2019:        {shown(real19)}")
    print(f"   2019 gegen die Schätzung:  {shown(est_19)}")
    print(f"   2021 gegen die Schätzung:  {shown(est_21)}")
    # against an interpolated share the error is too low: the interpolation's own error adds
    # to it about in quadrature (checked on 2019); 2021 lies 2 of 4 years into its span, the
    # check 4 of 8, so its interpolation error is the check's halved (a trend) to over √2 (a
    # random walk)
    probe = float(np.abs(check).mean())
    low, high = (float(np.hypot(est_21[0], probe / d)) for d in (2, np.sqrt(2)))
    print(
        f"   Probe: √({est_19[0]:.2f}² + {probe:.2f}²) = {np.hypot(est_19[0], probe):.2f} % "
        f"gegen tatsächlich {real19[0]:.2f} %; 2021 so geschätzt MAPE {low:.2f}–{high:.2f} %"
    )


def _kreis_of(ctx: Context, kreis: str) -> str:
    return ob.merged_into(ctx, kreis) or kreis


def _kreis_unchanged(ctx: Context, a: int, b: int) -> set[str]:
    """The Kreise (of their key after a merger) whose territory stayed the same from 31.12.`a`
    to 31.12.`b` by data/key_changes.toml."""
    t = ctx.observed_totals
    changed = {
        k
        for c in ctx.changes
        if c.level == "kreis" and a < int(c.date[:4]) <= b
        for k in (c.new, *c.old)
    }
    return {k for k in t.index if len(k) == 5 and k not in changed}


def _through_origin(ctx: Context) -> np.ndarray:
    """The factors of the rule before: per size class, 2012–2014 on 2009–2010 through the
    origin."""
    x, y, cls = gm.fit_pairs(ctx)
    return np.array([(x[cls == c] @ y[cls == c]) / (x[cls == c] @ x[cls == c])
                     for c in range(len(gm.SIZES))])  # fmt: skip


def main() -> None:
    store = Store.open()
    ctx = Context(store, Registry.load(store).changes, persist=False)
    usable, run = _backtest_run(ctx)
    kreis_known(ctx, usable, run)
    from_2019(ctx)
    estimated_2021(ctx, usable, run)


if __name__ == "__main__":
    main()

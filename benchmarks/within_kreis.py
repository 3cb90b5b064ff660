"""How well the Gemeinden are shared out within their Kreis, apart from the Kreis's own error.

1. The Gemeinde backtest (every Gemeinde from 31.12.2015, `dwk project --backtest`) with each
   Kreis's projected total replaced by its observed one (the Gemeinden compared, summed): the
   error that is left is the within-Kreis part. Printed by size class, with the mean signed
   error: a class projected above its share has a positive one. Also the Kreis part alone
   (each Gemeinde's Kreis's error), averaged over the Gemeinden of at least 1,000 inhabitants.
2. From the Gemeindeverzeichnis of 31.12.2019 to that of 2023 with the Kreis's totals known,
   the situation of a profile's run, which meets the Kreis's observed totals: each Gemeinde's
   growth beyond its Kreis's as its natural balance (`natural_deviation`) plus a migration
   deviation measured 2016–2019, compounded over four years and scaled to the Kreis's observed
   2023 total. A check of the growth rates outside the engine (a projection cannot start a
   Gemeinde at 2019), for three rules: no deviation, the deviation damped (through the origin,
   the rule before 4 December 2026), and the size class's mean plus the damped departure from
   it (the rule shipped).

Run: .venv/bin/python benchmarks/within_kreis.py
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dwk.areas import Registry
from dwk.inputs import tables as inputs
from dwk.inputs.context import Context
from dwk.projection import gemeinde_migration as gm
from dwk.projection import kreis_inputs as ki
from dwk.projection import model as fc
from dwk.projection.backtest import GEMEINDE_LARGE, base_year, gemeinde_check_years
from dwk.store import Store

LABELS = ["unter 1.000", "1.000–2.000", "2.000–5.000", "5.000–20.000", "20.000 und mehr"]


def _kreis_sums(values: np.ndarray, kreis: np.ndarray) -> np.ndarray:
    return pd.Series(values).groupby(kreis).transform("sum").to_numpy()


def kreis_known(ctx: Context) -> None:
    t = ctx.observed_totals
    base = base_year(ctx)
    years = gemeinde_check_years(ctx)
    src = ctx.age(ctx.table("age_groups"), base)
    usable = [k for k in inputs.full_gemeinden(ctx, src) if k in t.index]
    run = fc.project_gemeinden(ctx, usable, years[-1]).runs["main"]
    p15 = t.reindex(usable)[base].to_numpy(float)
    cls = gm.size_class(p15)
    print("1. Backtest ab 2015, Kreissummen beobachtet: mittlerer Fehler (%) nach Größe")
    for year in years:
        got = run.totals()[run.years.index(year)]
        obs = t.reindex(usable)[year].to_numpy(float)
        seen = np.isfinite(obs)
        same = seen & inputs.same_territory(ctx, usable, base, year)
        kreis = np.array([k[:5] for k in usable])
        got_k = _kreis_sums(np.where(seen, got, 0), kreis)
        obs_k = _kreis_sums(np.where(seen, obs, 0), kreis)
        with np.errstate(invalid="ignore", divide="ignore"):  # Gemeinden without a figure
            within = (got / got_k * obs_k / obs - 1) * 100
            kreis_part = (got_k / obs_k - 1) * 100
        row = [f"{lab} {within[same & (cls == c)].mean():+.2f}" for c, lab in enumerate(LABELS)]
        large = same & (p15 >= GEMEINDE_LARGE)
        print(f"   {year}: " + ", ".join(row))
        print(
            f"   {year}: MAPE innerhalb {np.abs(within[same]).mean():.2f} %; Kreisteil über "
            f"den Gemeinden ab 1.000 Ew.: mittl. Fehler {kreis_part[large].mean():+.2f} %"
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
    lam = ki.first_plan(ctx).persistence
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


def _through_origin(ctx: Context) -> np.ndarray:
    """The factors of the rule before: per size class, 2012–2014 on 2009–2010 through the
    origin."""
    x, y, cls = gm.fit_pairs(ctx)
    return np.array([(x[cls == c] @ y[cls == c]) / (x[cls == c] @ x[cls == c])
                     for c in range(len(gm.SIZES))])  # fmt: skip


def main() -> None:
    store = Store.open()
    ctx = Context(store, Registry.load(store).changes, persist=False)
    kreis_known(ctx)
    from_2019(ctx)


if __name__ == "__main__":
    main()

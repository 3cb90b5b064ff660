"""Benchmark: mean age of a population estimated from 17 age groups vs. from single years.

Reads through dwk's own store and single-year path, so the numbers are the ones the profiles
use. Proxy where the truth is known: every Kreis's single years (12411-04-02-4, 31.12.2015,
bands above 75 split along L(x)) are aggregated to the 17 Gemeinde groups by sex, the mean age
is re-estimated with the Kreis's Land (or Germany) as the standard, and compared with the
Kreis's own mean age. A synthetic proxy draws populations of each real Gemeinde's size from its
Kreis (plain multinomial, and "lumpy" with Dirichlet overdispersion tuned so that midpoints land
near their real 34 % / 88 %). Finally the estimator runs on all Gemeinden as a sanity check.

Run: .venv/bin/python benchmarks/mean_age_estimation.py
"""

from __future__ import annotations

import numpy as np

from dwk.areas import Registry
from dwk.inputs import age_estimation as ae
from dwk.inputs import tables as inputs
from dwk.inputs.context import Context
from dwk.store import Store

SEXES = ("male", "female")
OLD_BANDS = [(75, 80), (80, 85), (85, 90), (90, None)]
RECOMMENDED = "smoothed ratio, prior 10 (default)"
PUBLISHED_2015 = {"DG": 44.2, "05913": 43.5, "03454": 42.4}


def to_groups(single: np.ndarray) -> np.ndarray:
    return np.array([single[sl].sum() for sl in ae.band_slices(ae.GEMEINDE_BANDS, single.size)])


def pooled(parts: dict[str, np.ndarray]) -> float:
    return ae.mean_age(parts["male"] + parts["female"])


def estimators(std: dict[str, np.ndarray]) -> dict:
    """name -> function(groups by sex) -> mean age, for every variant compared."""

    def midpoint(g: dict[str, np.ndarray]) -> float:
        return ae.midpoint_mean_age(g["male"] + g["female"], ae.GEMEINDE_BANDS)

    def midpoint_std_top(g: dict[str, np.ndarray]) -> float:
        tops = {s: ae.band_means(std[s], [(75, None)])[0] for s in SEXES}
        num = sum(
            ae.midpoint_mean_age(g[s], ae.GEMEINDE_BANDS, tops[s]) * g[s].sum() for s in SEXES
        )
        return num / (g["male"].sum() + g["female"].sum())

    def split(**kw):
        def f(g: dict[str, np.ndarray]) -> float:
            return pooled(
                {s: ae.split_to_single_years(g[s], ae.GEMEINDE_BANDS, std[s], **kw) for s in SEXES}
            )

        return f

    return {
        "midpoints (75+=82)": midpoint,
        "midpoints, 75+ from standard": midpoint_std_top,
        "standard shape within groups": split(smooth=False),
        "smoothed ratio, no prior": split(prior_count=0.0),
        RECOMMENDED: split(),
        "smoothed ratio, prior 50": split(prior_count=50.0),
        "smoothed ratio, mean-preserving": split(iterations=10),
    }


def report(title: str, res: dict[str, list[float]], truth: np.ndarray) -> None:
    print(f"  -- {title}")
    t = np.round(truth, 1)
    for name, vals in res.items():
        e = np.array(vals)
        r = np.round(e, 1)
        print(
            f"  {name:34s} equal {np.mean(r == t):6.1%}  within 0.1 "
            f"{np.mean(np.abs(r - t) <= 0.1 + 1e-9):6.1%}  bias {np.mean(e - truth):+.3f}  "
            f"MAE {np.mean(np.abs(e - truth)):.3f}"
        )


def main() -> None:
    store = Store.open()
    ctx = Context(store, Registry.load(store).changes)
    src = ctx.age(inputs.SINGLE_YEARS, 2015)
    groups = ctx.age(inputs.AGE_GROUPS, 2015)
    single = {}
    for k in src.keys:
        parts = {s: ctx.single_years.of(src, k, s) for s in SEXES}
        if all(p is not None for p in parts.values()):
            single[k] = parts
    truth = {k: pooled(v) for k, v in single.items()}

    print("== Mean age (x+0.5) inside 75-80, 80-85, 85-90, 90+ after the split along L(x)")
    for s in SEXES:
        print(f"  DG {s}: {np.round(ae.band_means(single['DG'][s], OLD_BANDS), 2)}")
    print("\n== Anchors (single years; published 2015 in brackets)")
    for key, pub in PUBLISHED_2015.items():
        print(f"  {key}: {truth[key]:.3f} [{pub}]")

    kreise = [k for k in single if len(k) == 5]
    for std_name, std_key in (("Land", lambda k: k[:2]), ("Germany", lambda k: "DG")):
        print(f"\n== Proxy: {len(kreise)} Kreise, 17 groups by sex, standard = {std_name}")
        res: dict[str, list[float]] = {}
        for k in kreise:
            grp = {s: to_groups(single[k][s]) for s in SEXES}
            for name, f in estimators(single[std_key(k)]).items():
                res.setdefault(name, []).append(f(grp))
        report(f"standard = {std_name}", res, np.array([truth[k] for k in kreise]))

    sizes = [
        (int(groups.total()[i]), k[:5])
        for k, i in groups.row.items()
        if len(k) == 8 and k[:5] in single and groups.total()[i] >= 1000
    ]
    rng = np.random.default_rng(2015)
    print(
        "\n== Synthetic Gemeinden: each Gemeinde with >= 1,000 inh. redrawn from its Kreis;"
        " standard = the Land"
    )
    for alpha in (None, 1500.0):
        t_list, res = [], {}
        for n, k in sizes:
            p = np.concatenate([single[k]["male"], single[k]["female"]])
            p = p / p.sum()
            if alpha is not None:
                p = rng.dirichlet(alpha * p + 1e-9)
            draw = rng.multinomial(n, p).astype(float)
            half = single[k]["male"].size
            sample = {"male": draw[:half], "female": draw[half:]}
            t_list.append(pooled(sample))
            grp = {s: to_groups(sample[s]) for s in SEXES}
            for name, f in estimators(single[k[:2]]).items():
                res.setdefault(name, []).append(f(grp))
        label = "multinomial" if alpha is None else f"overdispersed, alpha={alpha:g}"
        report(f"{label}, n={len(t_list)}", res, np.array(t_list))

    diffs, big = [], []
    for k, i in groups.row.items():
        std = single.get(k[:5]) or single.get(k[:2])
        grp = {s: groups.counts[s][i] for s in SEXES}
        if (
            len(k) != 8
            or std is None
            or any(np.isnan(g).any() or g.sum() <= 0 for g in grp.values())
        ):
            continue
        est = estimators(std)
        diffs.append(est[RECOMMENDED](grp) - est["midpoints (75+=82)"](grp))
        big.append(groups.total()[i] >= 1000)
    d, b = np.array(diffs), np.array(big)
    print("\n== Gemeinden: estimate (recommended, Kreis standard) - midpoints")
    for label, sel in (("all", np.ones_like(b)), (">=1000 inh.", b)):
        q = np.percentile(d[sel], [1, 5, 25, 50, 75, 95, 99])
        print(f"  {label:12s} n={sel.sum():5d} mean {d[sel].mean():+.3f}  pct 1/5/25/50/75/95/99:")
        print("   ", " ".join(f"{x:+.3f}" for x in q))


if __name__ == "__main__":
    main()

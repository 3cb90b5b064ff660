"""Benchmark: mean age of a population estimated from 17 age groups vs. from single years.

Proxy where the truth is known: every Kreis's single years (12411-04-02-4, 31.12.2015) are
aggregated to the 17 Gemeinde age groups by sex, the mean age is re-estimated with the Kreis's
Land (or Germany) as the standard, and compared with the Kreis's single-year mean age (same
open-band assumption above 75). A second, synthetic proxy draws small random populations
(1,000-10,000 persons) from each Kreis to see how the estimators behave with noisy groups.
Finally the estimator is run on all Gemeinden (their Kreis as the standard) as a sanity check.

Run: .venv/bin/python benchmarks/mean_age_estimation.py
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dwk.profile import age_estimation as ae  # noqa: E402

RAW = ROOT / "data" / "raw"
KREIS_FILE = RAW / "genesapi-data" / "12411-04-02-4_00.csv"
GEMEINDE_FILE = RAW / "genesapi-data" / "12411-02-03-5_00.csv"
LIFE_TABLE_FILE = RAW / "helmutqualtinger-sterbetafeln" / "12621-0001_2016-2018.csv"
SEXES = ("m", "w")
OLD_BANDS = [(75, 80), (80, 85), (85, 90), (90, None)]
# Kreis class index -> Gemeinde group index (single years 0..74 and the 4 bands 75+).
GROUP_EDGES = [0, 3, 6, 10, 15, 18, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 75]
CLASS_TO_GROUP = np.array(
    [np.searchsorted(GROUP_EDGES, a, side="right") - 1 for a in range(75)] + [16] * 4
)


def _num(text: str) -> float:
    text = text.strip()
    if text == "-":
        return 0.0
    if text in (".", "x", "...", "/", ""):
        return float("nan")
    return float(text.replace(",", "."))


def _class_index(label: str) -> int | None:
    if label == "unter 1 Jahr":
        return 0
    if label == "90 Jahre und mehr":
        return 78
    m = re.fullmatch(r"(\d+) bis unter (\d+) Jahre", label)
    if not m:
        return None
    lo, hi = int(m[1]), int(m[2])
    if hi - lo == 1:
        return lo
    return {75: 75, 80: 76, 85: 77}[lo]


def load_kreis_single_years() -> dict[str, dict[str, np.ndarray]]:
    """key -> {'m': 79 classes, 'w': 79 classes}; areas with a zero total are dropped."""
    data: dict[str, dict[str, np.ndarray]] = {}
    with KREIS_FILE.open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter=";"):
            if len(row) != 7 or not re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", row[0]):
                continue
            idx = _class_index(row[3].strip())
            if idx is None:
                continue
            rec = data.setdefault(row[1], {s: np.zeros(79) for s in SEXES})
            rec["m"][idx] = _num(row[5])
            rec["w"][idx] = _num(row[6])
    return {k: v for k, v in data.items() if v["m"].sum() + v["w"].sum() > 0}


def load_gemeinden() -> pd.DataFrame:
    """One row per Gemeinde: ags, kreis, name, m0..m16, w0..w16 (groups), total."""
    rows = []
    with GEMEINDE_FILE.open(encoding="utf-8") as fh:
        reader = list(csv.reader(fh, delimiter=";"))
    keys = [r[0] for r in reader if r and r[0][:1].isdigit() and len(r) > 50]
    has_children = {k[:5] for k in keys if len(k) >= 8}
    for r in reader:
        if not r or len(r) < 56 or not r[0][:1].isdigit():
            continue
        key = r[0]
        if len(key) == 8:
            ags = key
        elif len(key) in (10, 11):
            ags = key[:5] + key[-3:]
        elif len(key) == 5 and key not in has_children:
            ags = key + "000"
        elif key in ("02", "11"):  # Hamburg, Berlin: Land = Gemeinde
            ags = key + "000000"
        else:
            continue
        vals = [_num(v) for v in r[2:56]]
        rec = {"ags": ags, "name": r[1].strip(), "total": vals[17]}
        for g in range(17):
            rec[f"m{g}"] = vals[18 + g]
            rec[f"w{g}"] = vals[36 + g]
        rows.append(rec)
    df = pd.DataFrame(rows).drop_duplicates("ags")
    return df


def load_life_table_standards() -> dict[str, np.ndarray]:
    """Stationary population L(x), ages 0..TOP_AGE, by sex, from the 2016/18 life table."""
    lx = {s: [] for s in SEXES}
    tail = {}
    with LIFE_TABLE_FILE.open(encoding="utf-8-sig") as fh:
        for row in csv.reader(fh, delimiter=";"):
            if not row or not re.fullmatch(r"\d+ Jahre?", row[0].strip()):
                continue
            lx["m"].append(_num(row[9]))
            lx["w"].append(_num(row[23]))
            tail = {"m": _num(row[11]), "w": _num(row[25])}
    return {s: ae.stationary_standard(np.array(lx[s]), tail[s]) for s in SEXES}


def to_groups(classes: np.ndarray) -> np.ndarray:
    return np.bincount(CLASS_TO_GROUP, weights=classes, minlength=17)


def shares(est: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """Share equal after rounding to 0.1, share with rounded values within 0.1."""
    re_, rt = np.round(est, 1), np.round(truth, 1)
    return float(np.mean(re_ == rt)), float(np.mean(np.abs(re_ - rt) <= 0.1 + 1e-9))


def estimators(std: dict[str, np.ndarray]) -> dict:
    """name -> function(groups by sex) -> mean age, for every variant compared."""

    def midpoint(g: dict[str, np.ndarray]) -> float:
        return ae.midpoint_mean_age(g["m"] + g["w"], ae.GEMEINDE_BANDS)

    def midpoint_std_top(g: dict[str, np.ndarray]) -> float:
        # Midpoints below 75, the standard's own mean age (same sex) for 75+.
        tops = {s: ae.band_means(std[s], [(75, None)])[0] for s in SEXES}
        num = sum(
            ae.midpoint_mean_age(g[s], ae.GEMEINDE_BANDS, tops[s]) * g[s].sum() for s in SEXES
        )
        return num / (g["m"].sum() + g["w"].sum())

    def split(**kw):
        def f(g: dict[str, np.ndarray]) -> float:
            parts = [ae.split_to_single_years(g[s], ae.GEMEINDE_BANDS, std[s], **kw) for s in SEXES]
            return ae.mean_age_pooled(parts)

        return f

    return {
        "midpoints (75+=82)": midpoint,
        "midpoints, 75+ from standard": midpoint_std_top,
        "standard shape within groups": split(smooth=False),
        "smoothed ratio, no prior": split(prior_count=0.0),
        "smoothed ratio, prior 10 (default)": split(),
        "smoothed ratio, prior 50": split(prior_count=50.0),
        "smoothed ratio, mean-preserving": split(iterations=10),
    }


RECOMMENDED = "smoothed ratio, prior 10 (default)"


def report(title: str, res: dict[str, list[float]], truth: np.ndarray) -> None:
    print(f"  -- {title}")
    for name, vals in res.items():
        e = np.array(vals)
        eq, w1 = shares(e, truth)
        print(
            f"  {name:34s} equal {eq:6.1%}  within 0.1 {w1:6.1%}  "
            f"bias {np.mean(e - truth):+.3f}  MAE {np.mean(np.abs(e - truth)):.3f}"
        )


def main() -> None:
    lt = load_life_table_standards()
    kreis = load_kreis_single_years()
    single = {
        k: {s: ae.single_years_from_kreis_table(v[s], lt[s]) for s in SEXES}
        for k, v in kreis.items()
    }
    truth = {k: ae.mean_age_pooled([v["m"], v["w"]]) for k, v in single.items()}

    print("== Open bands: mean age (x+0.5) inside 75-80, 80-85, 85-90, 90+")
    for s in SEXES:
        lt_means = ae.band_means(lt[s], OLD_BANDS)
        dg_means = ae.band_means(single["DG"][s], OLD_BANDS)
        print(
            f"  {s}: life table L(x) {np.round(lt_means, 2)}   DG (tilted) {np.round(dg_means, 2)}"
        )

    print("\n== Anchors (Kreis table, single years; published 2015 in brackets)")
    for key, pub in (("DG", 44.2), ("05913", 43.5), ("03454", 42.4)):
        v = kreis[key]
        mid = ae.mean_age_from_single_years(v["m"] + v["w"], open_band_means=[77.5, 82.5, 87.5, 95])
        print(f"  {key}: tilted L(x) {truth[key]:.3f}  naive midpoints(90+=95) {mid:.3f}  [{pub}]")
    vogt = single["14523"]["m"] + single["14523"]["w"]
    aq = ae.old_age_quotient(vogt)
    print(f"  Altenquotient 14523 Vogtlandkreis (65+ per 100 aged 20-64): {aq:.2f} [50.0]")

    # How much does the open-band assumption matter for Kreis mean ages?
    const = {s: ae.band_means(lt[s], OLD_BANDS) for s in SEXES}
    diff_const, diff_mid = [], []
    for k, v in kreis.items():
        num = sum(
            ae.mean_age_from_single_years(v[s], open_band_means=const[s]) * v[s].sum()
            for s in SEXES
        )
        diff_const.append(num / (v["m"].sum() + v["w"].sum()) - truth[k])
        mid = ae.mean_age_from_single_years(v["m"] + v["w"], open_band_means=[77.5, 82.5, 87.5, 95])
        diff_mid.append(mid - truth[k])
    print(
        "  all areas: fixed L(x) band means - tilted: "
        f"{min(diff_const):+.3f}..{max(diff_const):+.3f}; "
        f"band midpoints (90+=95) - tilted: {min(diff_mid):+.3f}..{max(diff_mid):+.3f}"
    )

    # ---- proxy: Kreise from groups
    kreise = [k for k in kreis if len(k) == 5]
    for std_name, std_key in (("Land", lambda k: k[:2]), ("Germany", lambda k: "DG")):
        print(f"\n== Proxy: {len(kreise)} Kreise, 17 groups by sex, standard = {std_name}")
        t = np.array([truth[k] for k in kreise])
        res = {}
        for k in kreise:
            st = single[std_key(k)]
            grp = {s: to_groups(kreis[k][s]) for s in SEXES}
            for name, f in estimators(st).items():
                res.setdefault(name, []).append(f(grp))
        report(f"standard = {std_name}", res, t)

    # ---- synthetic Gemeinden: real sizes, random ages drawn from the Kreis
    gem = load_gemeinden()
    cols = {s: [f"{s}{g}" for g in range(17)] for s in SEXES}
    gem = gem[gem[cols["m"] + cols["w"]].notna().all(axis=1)].copy()
    gem["kreis"] = [a[:5] if a[:5] in single else a[:2] for a in gem["ags"]]
    rng = np.random.default_rng(2015)
    print(
        "\n== Synthetic Gemeinden: for each Gemeinde with >= 1000 inh. a random population of its"
        "\n   size, drawn from its Kreis's single years (plain multinomial, or with Dirichlet"
        "\n   overdispersion alpha, i.e. lumpier than random sampling); standard = the Land"
    )
    sizes = gem.loc[gem["total"] >= 1000, ["total", "kreis"]]
    sizes = sizes[sizes["kreis"].str.len() == 5]
    for alpha in (None, 1500.0):
        t_list, res = [], {}
        for n, k in sizes.itertuples(index=False):
            p = np.concatenate([single[k]["m"], single[k]["w"]])
            p = p / p.sum()
            if alpha is not None:
                p = rng.dirichlet(alpha * p + 1e-9)
            draw = rng.multinomial(int(n), p).astype(float)
            half = single[k]["m"].size
            sample = {"m": draw[:half], "w": draw[half:]}
            t_list.append(ae.mean_age_pooled([sample["m"], sample["w"]]))
            grp = {
                s: np.array([sample[s][sl].sum() for sl in ae.band_slices(ae.GEMEINDE_BANDS, half)])
                for s in SEXES
            }
            for name, f in estimators(single[k[:2]]).items():
                res.setdefault(name, []).append(f(grp))
        label = "multinomial" if alpha is None else f"overdispersed, alpha={alpha:g}"
        report(f"{label}, n={len(t_list)}", res, np.array(t_list))

    # ---- all Gemeinden
    diffs, big = [], []
    skipped = 0
    for _, r in gem.iterrows():
        kkey = r["ags"][:5] if r["ags"][:5] in single else r["ags"][:2]
        if kkey not in single:
            skipped += 1
            continue
        grp = {s: r[cols[s]].to_numpy(dtype=float) for s in SEXES}
        if grp["m"].sum() + grp["w"].sum() <= 0:
            continue
        est = estimators(single[kkey])
        e = est[RECOMMENDED](grp)
        m = est["midpoints (75+=82)"](grp)
        diffs.append(e - m)
        big.append(r["total"] >= 1000)
    d, big = np.array(diffs), np.array(big)
    print(f"\n== Gemeinden: estimate (recommended, Kreis standard) - midpoints; skipped {skipped}")
    for label, sel in (("all", np.ones_like(big)), (">=1000 inh.", big)):
        q = np.percentile(d[sel], [1, 5, 25, 50, 75, 95, 99])
        print(f"  {label:12s} n={sel.sum():5d} mean {d[sel].mean():+.3f}  pct 1/5/25/50/75/95/99:")
        print("   ", " ".join(f"{x:+.3f}" for x in q))


if __name__ == "__main__":
    main()

"""Benchmark of the projection: how long `dwk project` takes, and how good it has been.

1. Wall time of the CLI as a user runs it (warm store, median of three runs): one Kreis to
   2040 as CSV, all Kreise from 2015 to 2021 as CSV, and the backtest.
2. The backtest (every Kreis from 31.12.2015, MAPE of the totals 2016–2020 and of broad age
   groups in 2020; every Gemeinde against the Gemeindeverzeichnis of 31.12.2019), next to the
   two naive forecasts.
3. Six years out (2021), which the shipped data do not have, against two stand-ins.
4. How sensitive the 5-year MAPE is to the two free choices of the migration assumption (years
   in the recent mean, years of convergence): the shipped choice is 3 / 10; the others are
   shown so nobody has to take it on trust.

Run: .venv/bin/python benchmarks/projection.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import numpy as np

from dwk.areas import Registry
from dwk.inputs.context import Context
from dwk.projection import kreis_inputs as ki
from dwk.projection import migration as mg
from dwk.projection import model as fc
from dwk.projection.backtest import run_backtest
from dwk.store import Store

COMMANDS = {
    "dwk project dortmund --to 2040 --format csv": ["project", "dortmund", "--to", "2040",
                                                    "--format", "csv"],
    "dwk project --level kreis --base-year 2015 --to 2021 --format csv": [
        "project", "--level", "kreis", "--base-year", "2015", "--to", "2021", "--format", "csv"],
    "dwk project --backtest": ["project", "--backtest"],
}  # fmt: skip


def wall_time(args: list[str], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from dwk.cli import main; main()", *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def six_years_out(ctx: Context) -> None:
    """2021 is not shipped: the 6-year error against two stand-ins for it, 2021 = 2020 and
    2021 = 2020 + (2020 − 2019)."""
    keys, later = ki.kreis_keys(ctx, 2015), ki.kreis_keys(ctx, 2020)
    succ = ki.successors(ctx.changes, keys, later)
    run = fc.project_kreise_2015(ctx, keys, 2021, ("main",)).runs["main"]
    t = ctx.observed_totals
    p19, p20 = (t.reindex(later)[y].to_numpy(float) for y in (2019, 2020))
    p11, p15 = (ki.sum_to(t.reindex(keys)[y].to_numpy(float), succ, later) for y in (2011, 2015))
    forecasts = {
        "main": ki.sum_to(run.totals()[-1], succ, later),
        "konstant": p15,
        "linear 2011–2015": p15 + (p15 - p11) / 4 * 6,
    }
    print("\nSix years out (2021, not shipped): MAPE in % against two stand-ins")
    for label, stand_in in (("2021 = 2020", p20), ("2021 = 2020 + (2020 − 2019)", 2 * p20 - p19)):
        cells = "  ".join(
            f"{m} {np.mean(np.abs(f / stand_in - 1)) * 100:.2f}" for m, f in forecasts.items()
        )
        print(f"  {label:28s} {cells}")


def main() -> None:
    store = Store.open()
    registry = Registry.load(store)
    print("Wall time (median of 3, warm store)")
    for label, args in COMMANDS.items():
        print(f"  {wall_time(args):6.2f} s  {label}")

    bt = run_backtest(Context(store, registry.changes))
    lams = ", ".join(f"{v:.2f}" for v in bt.persistence)
    print(f"\nBacktest: {bt.areas} Kreise from 31.12.2015, MAPE in %; λ(h) = {lams}")
    groups = list(next(iter(bt.groups.values())))
    print(f"  {'method':18s}" + "".join(f"{y:>7d}" for y in bt.years)
          + "".join(f"{g:>10s}" for g in groups))  # fmt: skip
    for method, values in bt.totals.items():
        print(f"  {method:18s}" + "".join(f"{v:7.2f}" for v in values)
              + "".join(f"{bt.groups[method][g]:10.2f}" for g in groups))  # fmt: skip

    six_years_out(Context(store, registry.changes))

    print(f"\nGemeinden ({bt.gemeinde_areas}), 31.12.2015 → 31.12.2019 (Gemeindeverzeichnis)")
    for method, (mape, median) in bt.gemeinden.items():
        print(f"  {method:18s} MAPE {mape:5.2f}  median {median:5.2f}")

    print("\nSensitivity of the 5-year MAPE of the main variant (recent years / convergence)")
    shipped = (mg.RECENT, mg.CONVERGENCE)
    for recent, convergence in [(3, 10), (2, 10), (4, 10), (3, 5), (3, 20)]:
        mg.RECENT, mg.CONVERGENCE = recent, convergence
        result = run_backtest(Context(store, registry.changes), gemeinden=False)
        mark = "  (shipped)" if (recent, convergence) == shipped else ""
        print(f"  {recent} / {convergence:2d}: {result.totals['main'][-1]:.3f} "
              f"(λ(1) = {result.persistence[0]:.2f}, λ(5) = {result.persistence[4]:.2f}){mark}")  # fmt: skip
    mg.RECENT, mg.CONVERGENCE = shipped


if __name__ == "__main__":
    main()

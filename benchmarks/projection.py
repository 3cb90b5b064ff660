"""Benchmark of the projection: how long `dwk project` takes, and how good it has been.

1. Wall time of the CLI as a user runs it (warm store, median of three runs): one Kreis to
   2040 as CSV, all Kreise from 2015 to 2021 as CSV, and the backtest.
2. The backtest (every Kreis from 31.12.2015, MAPE of the totals 2016–2020 and of broad age
   groups in 2020), next to the two naive forecasts.
3. How sensitive the 5-year MAPE is to the three choices of the migration assumption (years in
   the recent mean, fewest origin years for a persistence λ(h), years of convergence): the
   shipped choice is 3 / 5 / 10; the others are shown so nobody has to take it on trust.

Run: .venv/bin/python benchmarks/projection.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from dwk.areas import Registry
from dwk.profile import migration as mg
from dwk.profile.backtest import run_backtest
from dwk.profile.indicators import Context
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

    print("\nSensitivity of the 5-year MAPE of the main variant (recent / origins / convergence)")
    shipped = (mg.RECENT, mg.MIN_ORIGINS, mg.CONVERGENCE)
    for recent, origins, convergence in [(3, 5, 10), (2, 5, 10), (4, 5, 10), (3, 5, 5),
                                         (3, 5, 20)]:  # fmt: skip
        mg.RECENT, mg.MIN_ORIGINS, mg.CONVERGENCE = recent, origins, convergence
        result = run_backtest(Context(store, registry.changes))
        mark = "  (shipped)" if (recent, origins, convergence) == shipped else ""
        print(f"  {recent} / {origins} / {convergence:2d}: {result.totals['main'][-1]:.3f} "
              f"(λ(1) = {result.persistence[0]:.2f}, λ(5) = {result.persistence[4]:.2f}){mark}")  # fmt: skip
    mg.RECENT, mg.MIN_ORIGINS, mg.CONVERGENCE = shipped


if __name__ == "__main__":
    main()

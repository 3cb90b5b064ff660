"""Benchmark of the projection: how long `dwk project` takes, and how good it has been.

1. Wall time of the CLI as a user runs it (warm store, median of three runs): one Kreis to
   2040 as CSV, all Kreise from 2015 to 2021 as CSV, and the backtest.
2. The backtest (every Kreis from 31.12.2015, MAPE and mean signed error of the totals
   2016–2021 and 2023 and of broad age groups in the years with Kreis ages; every Gemeinde
   against the Gemeindeverzeichnis of 31.12.2019 and 2023), next to the two naive forecasts.
3. How sensitive the six-year error is to the one free choice of the migration assumption,
   the length of the recent window: the shipped model chooses it on the past
   (`migration.window`); each length is shown forced, so nobody has to take it on trust.

Run: .venv/bin/python benchmarks/projection.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from dwk.areas import Registry
from dwk.inputs.context import Context
from dwk.projection import migration as mg
from dwk.projection.backtest import CHECK_GROUPS, TOTAL, run_backtest
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
        subprocess.run(
            [sys.executable, "-c", "from dwk.cli import console; console()", *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
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
    print(f"\nBacktest: {bt.areas} Kreise from 31.12.{bt.base}; λ(h) = {lams}")
    print("  MAPE / mean signed error in % (negative: projected too low)")
    print(f"  {'method':18s}" + "".join(f"{y:>14d}" for y in bt.years))
    for method in bt.methods():
        cells = [bt.score("kreis", method, TOTAL, y) for y in bt.years]
        print(f"  {method:18s}" + "".join(f"{c.mape:7.2f}{c.bias:+7.2f}" for c in cells))
    for year in bt.groups_years:
        print(f"  age groups {year}")
        for method in bt.methods():
            cells = [bt.score("kreis", method, g, year) for g, _, _ in CHECK_GROUPS]
            print(
                f"  {method:18s}"
                + "".join(
                    f"  {g} {c.mape:.2f} {c.bias:+.2f}"
                    for (g, _, _), c in zip(CHECK_GROUPS, cells, strict=True)
                )
            )

    for year in sorted({s.year for s in bt.scores if s.level == "gemeinde"}):
        for measure in sorted({s.measure for s in bt.scores if s.level == "gemeinde"}):
            print(f"\n{measure}, 31.12.{bt.base} → 31.12.{year} (Gemeindeverzeichnis)")
            for method in bt.methods():
                sc = bt.score("gemeinde", method, measure, year)
                print(
                    f"  {method:18s} MAPE {sc.mape:5.2f}  median {sc.median:5.2f}  "
                    f"signed {sc.bias:+5.2f}  ({sc.areas} Gemeinden)"
                )

    print("\nThe Kreise's recent window forced to each length: six-year MAPE and mean signed error")
    shipped = mg.WINDOWS
    last = bt.base + 6
    for length in shipped:
        mg.WINDOWS = (length,)
        # persist=False: the derived cache on disk keeps the plan of the shipped choice
        result = run_backtest(Context(store, registry.changes, persist=False), gemeinden=False)
        sc = result.score("kreis", "main", TOTAL, last)
        lam = result.persistence
        print(
            f"  {length}: {sc.mape:.3f}, {sc.bias:+.3f} (λ(1) = {lam[0]:.2f}, λ(5) = {lam[4]:.2f})"
        )
    mg.WINDOWS = shipped


if __name__ == "__main__":
    main()

"""Benchmark of the projection: how long `dwk project` takes, and how good it has been.

1. Wall time of the CLI as a user runs it (warm store, median of three runs): one Kreis to
   2040 as CSV, all Kreise from 2015 to 2021 as CSV, and the backtest.
2. The backtest (every Kreis from 31.12.2015, MAPE and mean signed error of the totals
   2016–2021 and 2023 and of broad age groups in 2020; every Gemeinde against the
   Gemeindeverzeichnis of 31.12.2019 and 2023), next to the two naive forecasts.
3. How sensitive the 5-year MAPE is to the two free choices of the migration assumption (years
   in the recent mean, years of convergence): the shipped choice is 3 / 10; the others are
   shown so nobody has to take it on trust.

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
        subprocess.run(
            [sys.executable, "-c", "from dwk.cli import main; main()", *args],
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
    print(f"\nBacktest: {bt.areas} Kreise from 31.12.2015, MAPE in %; λ(h) = {lams}")
    groups = list(next(iter(bt.groups.values())))
    print(
        f"  {'method':18s}"
        + "".join(f"{y:>7d}" for y in bt.years)
        + "".join(f"{g:>10s}" for g in groups)
    )
    for method, values in bt.totals.items():
        print(
            f"  {method:18s}"
            + "".join(f"{v:7.2f}" for v in values)
            + "".join(f"{bt.groups[method][g]:10.2f}" for g in groups)
        )

    print("  mean signed error in % (negative: projected too low)")
    for method in bt.methods():
        cells = [bt.score("kreis", method, "insgesamt", y).bias for y in bt.years]
        cells += [bt.score("kreis", method, g, bt.groups_year).bias for g in groups]
        print(
            f"  {method:18s}"
            + "".join(f"{v:7.2f}" for v in cells[: len(bt.years)])
            + "".join(f"{v:10.2f}" for v in cells[len(bt.years) :])
        )

    for year in bt.gemeinde_years():
        print(f"\nGemeinden, 31.12.2015 → 31.12.{year} (Gemeindeverzeichnis)")
        for method in bt.methods():
            sc = bt.score("gemeinde", method, "Gemeinden", year)
            print(
                f"  {method:18s} MAPE {sc.mape:5.2f}  median {sc.median:5.2f}  "
                f"signed {sc.bias:5.2f}  ({sc.areas} Gemeinden)"
            )

    print(
        "\nSensitivity of the main variant to the years of the recent deviation: 5-year MAPE,"
        " 6-year mean signed error"
    )
    shipped = mg.RECENT
    for recent in (3, 2, 4, 5):
        mg.RECENT = recent
        # persist=False: the derived cache on disk keeps the plan of the shipped choice
        result = run_backtest(Context(store, registry.changes, persist=False), gemeinden=False)
        mark = "  (shipped)" if recent == shipped else ""
        mape = result.score("kreis", "main", "insgesamt", 2020).mape
        bias = result.score("kreis", "main", "insgesamt", result.base + 6).bias
        print(
            f"  {recent}: {mape:.3f}, {bias:+.3f} "
            f"(λ(1) = {result.persistence[0]:.2f}, λ(5) = {result.persistence[4]:.2f}){mark}"
        )
    mg.RECENT = shipped


if __name__ == "__main__":
    main()

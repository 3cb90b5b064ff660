"""The Kreis backtest's sum against Germany's observed total, and where the difference comes from.

Every Kreis projected as of the backtest's base (`dwk project --backtest`, variant `main`),
summed, against Germany's population of each later year on the base's census line; and
Germany's residual net migration of each year (change minus births plus deaths, the method
that the areas' migration comes from) against the migration statistics' net migration that
the frame takes (`data/projection_frame.toml`): the difference is the registers' corrections,
which the Fortschreibung has and the frame does not.

Run: .venv/bin/python benchmarks/kreise_sum.py
"""

from __future__ import annotations

import numpy as np

from dwk.areas import Registry
from dwk.inputs.context import Context
from dwk.projection import backtest as bt
from dwk.projection import kreis_inputs as ki
from dwk.projection import model as fc
from dwk.projection.frame import load_frame
from dwk.store import Store


def main() -> None:
    store = Store.open()
    ctx = Context(store, Registry.load(store).changes, persist=False)
    base, years = bt.base_year(ctx), bt.check_years(ctx)
    run = fc.project_areas(ctx, ki.kreis_keys(ctx, base), base, years[-1]).runs["main"]
    germany = ctx.population("zensus2011").observed.loc["DG"]
    frame = load_frame()
    print("Jahr  Summe der Kreise  Deutschland  Abweichung  Residualsaldo  Wanderungsstatistik")
    for year in years:
        got = float(run.totals()[run.years.index(year)].sum())
        line = f"{year}  {got:16,.0f}  {germany[year]:11,.0f}  {(got / germany[year] - 1) * 100:+9.3f} %"
        if year - 1 in germany.index and np.isfinite(germany[year - 1]):
            natural = frame.births_observed[year] - frame.deaths_observed[year]
            residual = germany[year] - germany[year - 1] - natural
            line += f"  {residual:13,.0f}  {frame.migration_observed[year]:19,.0f}"
        print(line)


if __name__ == "__main__":
    main()

"""People who changed Kreis with their Gemeinde's territory, not by moving.

A Kreis's population series (12411-0015) counts a territory it gained from another Kreis as
if its people had moved in: on 01.01.2023 four villages of the Unstrut-Hainich-Kreis joined
Dingelstädt in the Eichsfeld, and the residual method read about 4,000 movers, 3.1 % of the
Eichsfeld and −3.9 % of the Unstrut-Hainich-Kreis in one year, which the migration deviation
then carried on. This module estimates such transfers from the Gemeindeverzeichnisse: where
a Kreis's area (the sum of its Gemeinden's) changed between two of them by more than
`KREIS_AREA`, the transfer is the people of its Gemeinden whose territory changed on the later
one, less what those Gemeinden had on the earlier one grown as the Kreis's unchanged Gemeinden
grew, where another Kreis of the Land lost as much area (`_paired`). It is placed in the year
of the later Gemeindeverzeichnis, as `stichtage` places the change (Dingelstädt's villages
joined on 01.01.2023, Kaltennordheim's part of the Wartburgkreis on 01.01.2019).
"""

from __future__ import annotations

import numpy as np

from dwk.inputs import stichtage as st
from dwk.inputs import tables as inputs
from dwk.inputs.context import Context

__all__ = ["KREIS_AREA", "transfers"]

KREIS_AREA = 0.01
"""Above this relative change of its area a Kreis gained or lost territory (its Gemeinden's
areas are re-surveyed now and then, which moves their sum by a few per mille)."""
CHANGED = 0.01
"""Above this relative change of its area a Gemeinde's territory counts as changed here:
tighter than `inputs.TERRITORY_TOLERANCE` (5 %), because a Gemeinde that gave up a village
to another Kreis may have changed by less, and its people must be counted on both sides
(the Eichsfeld's gain in 2023: 3,685 with 1 %, 4,103 with 5 %; "rund 3800" by the press)."""
PAIRED = 0.05
"""Two Kreise exchanged territory where their areas changed the other way by the same km²
within this share."""


def transfers(ctx: Context) -> dict[tuple[str, int], float]:
    """(Kreis, year) → the people it gained (negative: lost) with territory from another Kreis
    that year, on the first census line (see the module docstring); once per store."""
    return ctx.lookup(("kreis_transfers",), lambda: _transfers(ctx))


def _transfers(ctx: Context) -> dict[tuple[str, int], float]:
    t = st.renamed_totals(ctx)
    real = st.real_gemeinden(ctx)
    table = t.loc[[str(k) for k in t.index if str(k) in real]]
    stichtage = st.gemeinde_stichtage(ctx)
    out: dict[tuple[str, int], float] = {}
    for s0, s1 in zip(stichtage, stichtage[1:], strict=False):
        if s1 - s0 < 2:
            continue
        before = list(table.index[table[s0].notna().to_numpy()])
        after = list(table.index[table[s1].notna().to_numpy()])
        out.update(_between(ctx, table, before, after, s0, s1))
    return out


def _between(ctx, table, before: list[str], after: list[str], s0: int, s1: int) -> dict:
    """The transfers placed in `s1` (see `_paired`)."""
    area0 = dict(zip(before, inputs.area_on(ctx, before, s0), strict=True))
    area1 = dict(zip(after, inputs.area_on(ctx, after, s1), strict=True))
    change, gained = {}, {}
    for kreis in sorted({k[:5] for k in before} & {k[:5] for k in after}):
        was = [k for k in before if k[:5] == kreis]
        now = [k for k in after if k[:5] == kreis]
        a0, a1 = [area0[k] for k in was], [area1[k] for k in now]
        if not (np.isfinite(a0).all() and np.isfinite(a1).all()):
            continue  # Sachsen's areas of 2015 are secret
        if abs(sum(a1) / sum(a0) - 1) <= KREIS_AREA:
            continue
        change[kreis] = sum(a1) - sum(a0)
        moved_from = [k for k in was if k not in area1 or abs(area1[k] / area0[k] - 1) > CHANGED]
        moved_to = [k for k in now if k not in area0 or abs(area1[k] / area0[k] - 1) > CHANGED]
        kept = [k for k in was if k not in moved_from]
        if kept:  # a kreisfreie Stadt has no unchanged Gemeinde to grow the others with
            growth = table.loc[kept, s1].sum() / table.loc[kept, s0].sum()
            moved = table.loc[moved_to, s1].sum() - growth * table.loc[moved_from, s0].sum()
            gained[kreis] = float(moved)
    return {(k, s1): v for k, v in _paired(change, gained).items()}


def _paired(change: dict[str, float], gained: dict[str, float]) -> dict[str, float]:
    """Kreise of one Land whose areas changed by the same km² the other way (each the other's
    closest, within `PAIRED`) exchanged territory: both get the mean of their estimates, or
    the one estimate there is (Suhl, a kreisfreie Stadt, took two Gemeinden of the Ilm-Kreis
    in 2019). A change without such a partner is a re-survey or a gemeindefreies Gebiet taken
    in (Bayern), not a transfer between Kreise; nor is Eisenach's joining the Wartburgkreis (a
    Kreis merged: `stichtage.merged_cities`)."""

    def best(kreis: str) -> str | None:
        others = [k for k in change if k[:2] == kreis[:2] and change[k] * change[kreis] < 0]
        return min(others, key=lambda k: abs(change[k] + change[kreis]), default=None)

    out = {}
    for gain in sorted(k for k, a in change.items() if a > 0):
        loss = best(gain)
        if loss is None or best(loss) != gain:
            continue
        if abs(change[loss] + change[gain]) > PAIRED * change[gain]:
            continue
        estimates = [v for v in (gained.get(gain), -gained.get(loss, np.nan)) if v is not None]
        estimates = [v for v in estimates if np.isfinite(v)]
        if estimates:
            moved = float(np.mean(estimates))
            out[gain], out[loss] = moved, -moved
    return out

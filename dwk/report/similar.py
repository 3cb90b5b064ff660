"""Vergleichsgruppe: beside Kreis, Land and Germany, each profile compares its area with similar
areas of its level — the same size class, the same degree of urbanisation, the same part of
Germany (`data/peers.toml`) — and shows per key figure the group's median, its range and how
many areas it has. A DWK member compared only with its Land says little about whether its
figures are usual for a small rural town; the group answers that.

Degree of urbanisation: the Gemeindeverzeichnis' Grad der Verstädterung for Gemeinden; the GV
extract has none for Kreise (nor for Gemeinden whose key it no longer holds), so these take a
stand-in from the population density, and the profile names which one it used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from dwk.area_kinds import gv_codes
from dwk.areas import Area, Registry
from dwk.core import paths
from dwk.core.errors import ConfigError
from dwk.core.format import format_de
from dwk.core.toml import load_toml
from dwk.indicators.catalogue import IndicatorDef
from dwk.indicators.compute import compute
from dwk.indicators.result import FLAG_TERRITORY, FLAG_UNCERTAIN
from dwk.inputs.context import Context

if TYPE_CHECKING:
    import pandas as pd

LEVEL_PLURAL = {"gemeinde": "Gemeinden", "kreis": "Kreise und kreisfreie Städte"}
SOURCE_GV = "Gemeindeverzeichnis (Grad der Verstädterung)"
SOURCE_DENSITY = "Ersatz aus der Bevölkerungsdichte (das Gemeindeverzeichnis gibt ihn hier nicht)"
CLASSIFY = ("bevoelkerung", "bevoelkerungsdichte")


@dataclass(frozen=True)
class PeerRules:
    min_peers: int
    bounds: dict[str, list[int]]
    dense: float
    medium: float
    regions: list[tuple[str, str, tuple[str, ...]]]  # id, label, Länder


@cache
def peer_rules(path: Path | None = None) -> PeerRules:
    path = path or paths.data_dir() / "peers.toml"
    raw = load_toml(path)
    try:
        bounds = {lvl: [int(b) for b in raw["size"][lvl]] for lvl in LEVEL_PLURAL}
        urb = raw["urbanisation"]
        regions = [(r["id"], r["label"], tuple(str(x) for x in r["lands"])) for r in raw["region"]]
        rules = PeerRules(
            int(raw["min_peers"]), bounds, float(urb["dense"]), float(urb["medium"]), regions
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"Vergleichsgruppen unvollständig oder falsch ({exc})", file=path
        ) from None
    if any(b != sorted(b) for b in bounds.values()):
        raise ConfigError("[size]: Grenzen müssen aufsteigen", file=path)
    return rules


@dataclass(frozen=True)
class PeerStat:
    definition: IndicatorDef
    median: float
    low: float
    high: float
    n: int  # areas of the group with a usable value


@dataclass(frozen=True)
class PeerGroup:
    level: str
    size: str
    urbanisation: str
    urbanisation_source: str
    region: str  # "" when widened to all of Germany
    widened: bool
    keys: tuple[str, ...]  # the peers, the area itself not among them
    period: str
    stats: dict[str, PeerStat]

    @property
    def n(self) -> int:
        return len(self.keys)

    @property
    def label(self) -> str:
        parts = [f"{LEVEL_PLURAL[self.level]} mit {self.size}", self.urbanisation]
        parts.append(self.region or "ganz Deutschland")
        return ", ".join(parts)


class _Class(NamedTuple):
    """An area's class (a named tuple: 11,000 of them load from the derived cache in 5 ms,
    as frozen dataclasses in 20 ms)."""

    size: int
    urbanisation: int
    source: str
    region: str
    period: str  # Stichtag of the population it is classed by


def _size_label(bounds: list[int], i: int) -> str:
    if i == 0:
        return f"unter {format_de(bounds[0], 0)} Einwohnern"
    if i == len(bounds):
        return f"{format_de(bounds[-1], 0)} und mehr Einwohnern"
    return f"{format_de(bounds[i - 1], 0)} bis unter {format_de(bounds[i], 0)} Einwohnern"


def _classes(ctx: Context, registry: Registry, level: str) -> dict[str, _Class]:
    """Size class, degree of urbanisation and region of every inhabited area of the level, each
    at its latest Stichtag."""
    from dwk.indicators.catalogue import load_catalogue

    rules = peer_rules()
    defs = [d for d in load_catalogue() if d.id in CLASSIFY]
    keys = sorted(k for (k, lvl) in registry.names if lvl == level)
    values = compute(
        ctx, defs, keys
    )  # each at its own latest Stichtag: independent of who asks first
    by = {(k, i): v for k, i, v in values[["area_key", "id", "value"]].itertuples(index=False)}
    when = {
        k: p
        for k, i, p in values[["area_key", "id", "period"]].itertuples(index=False)
        if i == CLASSIFY[0]
    }
    region_of = {land: rid for rid, _, lands in rules.regions for land in lands}
    out = {}
    for k in keys:
        pop, density = by.get((k, CLASSIFY[0]), math.nan), by.get((k, CLASSIFY[1]), math.nan)
        if not pop > 0 or k[:2] not in region_of:
            continue
        size = int(np.searchsorted(rules.bounds[level], pop, side="right"))
        urb = registry.gv.urbanisation.get(k) if level == "gemeinde" else None
        source = SOURCE_GV
        if urb is None:
            if math.isnan(density):
                continue
            urb = 1 if density >= rules.dense else 2 if density >= rules.medium else 3
            source = SOURCE_DENSITY
        out[k] = _Class(size, urb, source, region_of[k[:2]], when[k])
    return out


def peer_group(
    ctx: Context, registry: Registry, area: Area, defs: list[IndicatorDef], periods: tuple = ()
) -> PeerGroup | None:
    """The area's Vergleichsgruppe with median and range per indicator of `defs` (`periods`: the
    area's own Stichtage of them); None where the area cannot be classed."""
    if area.level not in LEVEL_PLURAL:
        return None
    rules = peer_rules()
    classes = ctx.lookup(("peer-classes", area.level), lambda: _classes(ctx, registry, area.level))
    own = classes.get(area.key)
    if own is None:
        return None

    by_class = ctx.memo(("peer-class-index", area.level), lambda: _by_class(classes))
    same = by_class.get((own.size, own.urbanisation, own.period), [])

    def members(same_region: bool) -> tuple[str, ...]:
        return tuple(
            k for k, c in same if k != area.key and (not same_region or c.region == own.region)
        )

    keys, widened = members(True), False
    if len(keys) < rules.min_peers:
        keys, widened = members(False), True
    group = (area.level, own.size, own.urbanisation, own.period, "" if widened else own.region)
    # keyed by the area's own Stichtage too: the values are read at the asking area's periods,
    # so a profile is the same whether built alone or after others of its group
    name = ("peer-values", *group, tuple(d.id for d in defs), periods)
    values = ctx.lookup(name, lambda: compute(ctx, defs, [area.key, *keys], anchor=area.key))
    by_id = ctx.memo(name, lambda: _by_id(values))  # memo and lookup names do not meet
    stats, own_period, peers = {}, {}, frozenset(keys)
    for d in defs:
        if d.id not in by_id:
            continue
        k, v, usable, period = by_id[d.id]
        mine = k == area.key
        if mine.any():
            own_period[d.id] = period[mine][0]
        among = np.fromiter((x in peers for x in k.tolist()), dtype=bool, count=len(k))
        take = usable & among & (period == own_period.get(d.id))
        if take.any():
            vals = v[take]
            stats[d.id] = PeerStat(
                d, float(np.median(vals)), float(vals.min()), float(vals.max()), int(take.sum())
            )
    period = own_period.get(CLASSIFY[0], "")
    region = next(label for rid, label, _ in rules.regions if rid == own.region)
    urbanisation = gv_codes()[2].get(own.urbanisation, str(own.urbanisation))
    return PeerGroup(
        area.level,
        _size_label(rules.bounds[area.level], own.size),
        urbanisation,
        own.source,
        "" if widened else region,
        widened,
        keys,
        period,
        stats,
    )


def _by_class(classes: dict[str, _Class]) -> dict[tuple, list[tuple[str, _Class]]]:
    """The areas by (size, urbanisation, period), each list sorted by key: a group is read
    from its class, not from all 11,000 Gemeinden."""
    out: dict[tuple, list[tuple[str, _Class]]] = {}
    for k, c in sorted(classes.items()):
        out.setdefault((c.size, c.urbanisation, c.period), []).append((k, c))
    return out


def _by_id(values: pd.DataFrame) -> dict[str, tuple[np.ndarray, ...]]:
    """The group's values by indicator as arrays (key, value, usable, period), once per group:
    each of its areas reads them (`itertuples` over them took 60 % of a national run)."""
    out = {}
    for ident, rows in values.groupby("id", sort=False):
        value = rows["value"].to_numpy(dtype=float)
        flags = rows["flag"].to_numpy(dtype=object)
        usable = ~np.isnan(value) & np.array([not _unread(f) for f in flags], dtype=bool)
        keys = rows["area_key"].to_numpy(dtype=object)
        out[str(ident)] = (keys, value, usable, rows["period"].to_numpy(dtype=object))
    return out


def _unread(flag: str) -> bool:
    """A peer's value left out of the group's figures: uncertain, or a change across a change
    of its territory (`indicators.result`)."""
    return FLAG_UNCERTAIN in flag or FLAG_TERRITORY in flag

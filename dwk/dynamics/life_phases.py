"""Migration by life phase (`data/life_phases.toml`) and the general fertility rate, the two
age-specific parts of the dynamics section."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dwk.core import paths
from dwk.core.toml_records import Field, Schema, check, load, record_name, records, sections
from dwk.core.types import level_of
from dwk.dynamics.components import (
    BIRTHS,
    DIRECTIONS,
    FLAG_MISSING,
    FLAG_NOT_MEANINGFUL,
    FLAG_UNCERTAIN,
    LATEST_WINDOW,
    MIGRATION_YEAR,
    MIN_MOVES,
    moves,
    yearly,
)
from dwk.inputs import tables as inputs
from dwk.inputs.context import Context
from dwk.sources.tables.labels import band_bounds


@dataclass(frozen=True)
class LifePhase:
    id: str
    label: str
    age_label: str
    bands: tuple[str, ...]
    wegweiser: str
    mapping: str


PHASE: Schema = {
    "id": Field(str, required=True, nonempty=True),
    "label": Field(str, required=True, nonempty=True),
    "age_label": Field(str, required=True, nonempty=True),
    "bands": Field(list, required=True, of=str, nonempty=True),
    "wegweiser": Field(str, required=True),
    "mapping": Field(str, required=True),
}


def load_life_phases(path: Path | None = None) -> list[LifePhase]:
    path = path or paths.data_dir() / "life_phases.toml"
    raw, lines = load(path)
    sections(raw, ("phase",), lines)
    out = []
    for i, entry in enumerate(records(raw, "phase", lines)):
        name = record_name("Lebensphase", i, entry)
        fields = check(entry, PHASE, lines, ("phase", i), name)
        unknown = [b for b in fields["bands"] if b not in inputs.MOVE_LABELS]
        if unknown:
            raise lines.error(
                f"{name}: Altersgruppen {', '.join(unknown)} gibt es in den "
                f"Wanderungstabellen nicht",
                ("phase", i),
                "bands",
            )
        out.append(LifePhase(**{**fields, "bands": tuple(fields["bands"])}))
    return out


LIFE_PHASE_COLUMNS = [
    "area_key", "level", "year", "id", "label", "age_label", "value", "in", "out", "population",
    "flag", "tables",
]  # fmt: skip


def life_phase_migration(ctx: Context, keys: list[str]) -> pd.DataFrame:
    """Net migration 2015 per 1,000 inhabitants of the same ages on 31.12.2015, for the five
    Wegweiser life phases. Kreise: moves over Kreis boundaries and single years of age;
    Gemeinden (8-digit keys): moves over Gemeinde boundaries and the 17 age groups.

    Flag `.` where a cell is secret or the area is missing, `x` where nobody of those ages
    lives there, `unsicher` where fewer than 20 moves (in + out) underlie the value. 2015 is
    the only year with moves by age (see LIFE_PHASE_NOTE).
    """
    phases = _life_phases(ctx)
    parts = [
        _phases(ctx, [k for k in keys if level_of(k) != "gemeinde"], "kreis", phases),
        _phases(ctx, [k for k in keys if level_of(k) == "gemeinde"], "gemeinde", phases),
    ]
    # rows by key in the order asked, then by phase (a stable sort of the phase-major parts)
    columns = {c: np.concatenate([p[c] for p in parts]) for c in parts[0]}
    index = {k: i for i, k in enumerate(keys)}
    order = np.argsort([index[k] for k in columns["area_key"]], kind="stable")
    return pd.DataFrame(
        {
            c: (columns[c][order].tolist() if columns[c].dtype == object else columns[c][order])
            for c in LIFE_PHASE_COLUMNS
        }
    )


def _life_phases(ctx: Context) -> list[LifePhase]:
    return ctx.memo(("life_phases",), load_life_phases)


def _phases(
    ctx: Context, keys: list[str], level: str, phases: list[LifePhase]
) -> dict[str, np.ndarray]:
    """The columns of `LIFE_PHASE_COLUMNS` for `keys`, phase by phase (phase-major)."""
    flow_table = inputs.MOVES_GEMEINDE if level == "gemeinde" else inputs.MOVES_KREIS
    age_table = inputs.AGE_GROUPS if level == "gemeinde" else inputs.SINGLE_YEARS
    if not keys:  # no table need be read for no areas
        phases = []
    flows = moves(ctx, flow_table) if phases else None
    ages = ctx.age(age_table, MIGRATION_YEAR) if phases else None
    n, cols = len(keys), {c: [] for c in LIFE_PHASE_COLUMNS}
    for p in phases:
        # counts are whole numbers: any order of summing gives the same value
        moves_in, moves_out = (flows.get(keys, d, p.bands, "total").sum(axis=1) for d in DIRECTIONS)
        population = _population(ages, keys, p.bands)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = (moves_in - moves_out) / population * 1000
        value = np.where(np.isfinite(value), value, np.nan)
        flag = np.select(
            [population == 0, np.isnan(value), moves_in + moves_out < MIN_MOVES],
            [FLAG_NOT_MEANINGFUL, FLAG_MISSING, FLAG_UNCERTAIN],
            "",
        )
        texts = {
            "area_key": keys,
            "level": [level] * n,
            "id": [p.id] * n,
            "label": [p.label] * n,
            "age_label": [p.age_label] * n,
            "flag": flag.tolist(),
            "tables": [f"{flow_table}, {age_table}"] * n,
        }
        for c, v in texts.items():
            cols[c].append(np.array(v, dtype=object))
        for c, v in (
            ("year", np.full(n, MIGRATION_YEAR, dtype=np.int64)),
            ("value", value),
            ("in", moves_in),
            ("out", moves_out),
            ("population", population),
        ):
            cols[c].append(v)
    empty = {"year": np.int64, "value": float, "in": float, "out": float, "population": float}
    return {
        c: np.concatenate(v) if v else np.array([], dtype=empty.get(c, object))
        for c, v in cols.items()
    }


def _population(ages: inputs.AgeData | None, keys: list[str], bands: tuple[str, ...]) -> np.ndarray:
    """People of `bands` per key on the Stichtag of `ages`; NaN where the key is missing."""
    out = np.full(len(keys), np.nan)
    if ages is None:
        return out
    counts = [ages.between(*band_bounds(b)) for b in bands]
    if any(c is None for c in counts):
        return out
    rows = np.array([ages.row.get(k, -1) for k in keys], dtype=int)
    found = rows >= 0
    out[found] = sum(c[rows[found]] for c in counts)
    return out


# --- general fertility rate -----------------------------------------------------------------


@dataclass(frozen=True)
class GFR:
    key: str
    births_pooled: float  # sum of births over `period`
    births_last: float  # births in the last year of `period`
    women_15_49: float  # on 31.12. of the last year
    pooled: float  # per 1,000 women aged 15–49
    last: float
    period: tuple[int, int]
    tables: tuple[str, ...]


def general_fertility_rate(ctx: Context, keys: list[str]) -> dict[str, GFR]:
    """Live births per 1,000 women aged 15–49, pooled over 2012–2015 and for 2015 alone.

    The Kreis tables give women by age only on 31.12.2015, so the pooled rate divides the
    births of 2012–2015 by 4 × the women aged 15–49 on 31.12.2015 (an approximation of the
    person-years), and the 2015 rate divides by that Stichtag rather than the year's mean.
    """
    keys, (first, last) = list(dict.fromkeys(keys)), LATEST_WINDOW
    births = yearly(ctx, BIRTHS).reindex(index=keys, columns=range(first, last + 1))
    ages = ctx.age(inputs.SINGLE_YEARS, last)
    women = ages.between(15, 50, "female") if ages else None
    out = {}
    for k in keys:
        w = float(women[ages.row[k]]) if women is not None and k in ages.row else math.nan
        pooled = float(births.loc[k].sum(min_count=last - first + 1))
        latest = float(births.at[k, last])
        out[k] = GFR(
            k,
            pooled,
            latest,
            w,
            pooled / ((last - first + 1) * w) * 1000,
            latest / w * 1000,
            (first, last),
            (BIRTHS, inputs.SINGLE_YEARS),
        )
    return out

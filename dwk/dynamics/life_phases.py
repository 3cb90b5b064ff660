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
    DIRECTIONS,
    FLAG_MISSING,
    FLAG_NOT_MEANINGFUL,
    FLAG_UNCERTAIN,
    MIN_MOVES,
    component_years,
    moves,
    table_of,
    windows,
    yearly_aktuell,
)
from dwk.inputs import gebietsstand
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
    sections(raw, ("phase", "unusual_year"), lines)
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


UNUSUAL: Schema = {
    "year": Field(int, required=True),
    "note": Field(str, required=True, nonempty=True),
}


def load_unusual_years(path: Path | None = None) -> dict[int, str]:
    """Years whose moves were far from the usual, with the sentence that says why
    (`[[unusual_year]]` in data/life_phases.toml): a fact about a year, kept as data."""
    path = path or paths.data_dir() / "life_phases.toml"
    raw, lines = load(path)
    sections(raw, ("phase", "unusual_year"), lines)
    out = {}
    for i, entry in enumerate(records(raw, "unusual_year", lines)):
        fields = check(entry, UNUSUAL, lines, ("unusual_year", i), f"Jahr Nr. {i + 1}")
        out[fields["year"]] = fields["note"]
    return out


def life_phase_note(years: list[int]) -> str:
    """What a reader must know about the year(s) of the moves by age."""
    if not years:
        return ""
    when = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    unusual = load_unusual_years()
    notes = " ".join(unusual[y] for y in years if y in unusual)
    return (
        f"Wanderungen nach Altersgruppen liegen nur für {when} vor. "
        + (f"{notes} " if notes else "")
        + "Der Wegweiser Kommune mittelt über vier Jahre; ein einzelnes Jahr ist damit nur "
        "eingeschränkt vergleichbar."
    )


LIFE_PHASE_COLUMNS = [
    "area_key", "level", "year", "id", "label", "age_label", "value", "in", "out", "population",
    "flag", "tables",
]  # fmt: skip


def life_phase_migration(ctx: Context, keys: list[str]) -> pd.DataFrame:
    """Net migration of the newest year of the moves tables per 1,000 inhabitants of the same
    ages on 31.12. of that year, for the five Wegweiser life phases. Kreise: moves over Kreis boundaries and single years of age;
    Gemeinden (8-digit keys): moves over Gemeinde boundaries and the 17 age groups.

    Flag `.` where a cell is secret or the area is missing, `x` where nobody of those ages
    lives there, `unsicher` where fewer than 20 moves (in + out) underlie the value. The tables
    have moves by age for one year only (see `life_phase_note`).
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
    if level == "gemeinde":
        flow_table = table_of(ctx, "moves_gemeinde", keys)
        age_table = table_of(ctx, "age_groups", keys)
    else:
        flow_table = table_of(ctx, "moves_kreis", keys)
        age_table = table_of(ctx, "age_single_years", keys)
    if not keys:  # no table need be read for no areas
        phases = []
    flows = moves(ctx, flow_table) if phases else None
    year = flows.year if flows is not None else 0
    # on the territory of today (`inputs.gebietsstand`): the moves between an absorber and
    # those it took in count as moves in and out, so only their balance is the territory's
    ages = gebietsstand.age_data(ctx, ctx.age(age_table, year)) if phases else None
    n, cols = len(keys), {c: [] for c in LIFE_PHASE_COLUMNS}
    for p in phases:
        # counts are whole numbers: any order of summing gives the same value
        moves_in, moves_out = (
            gebietsstand.summed(
                ctx,
                keys,
                gebietsstand.day_of(year),
                lambda ks, d=d, bands=p.bands: flows.get(ks, d, bands, "total"),
            ).sum(axis=1)
            for d in DIRECTIONS
        )
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
            ("year", np.full(n, year, dtype=np.int64)),
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
    """Live births per 1,000 women aged 15–49, pooled over the latest 4-year window of the
    components (`components.windows`) and for its last year alone.

    The Kreis tables give women by age only on a few Stichtage, so the pooled rate divides the
    births of the window by 4 × the women aged 15–49 on 31.12. of its last year (an
    approximation of the person-years), and the last year's rate divides by that Stichtag
    rather than the year's mean.
    """
    shown = windows(component_years(ctx))
    keys, (first, last) = list(dict.fromkeys(keys)), shown[-1] if shown else (0, 0)
    births_table, ages_table = table_of(ctx, "births"), table_of(ctx, "age_single_years")
    births = yearly_aktuell(ctx, births_table).reindex(index=keys, columns=range(first, last + 1))
    ages = gebietsstand.age_data(ctx, ctx.age(ages_table, last))
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
            (births_table, ages_table),
        )
    return out

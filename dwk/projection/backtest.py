"""How good the projection has been: every Kreis projected from 31.12.2015 and compared with
what was later observed on the Zensus 2011 line (totals 2016–2021 from 12411-0015 and 2023
from the sums of the Gemeindeverzeichnis; broad age groups in 2019 from the Kreise's age
groups of 12411-0017 and in 2020 from their single years, the years with Kreis ages), next to
two naive forecasts: a constant population, and the linear trend of 2011–2015.
Each comparison gives the error (mean absolute percentage error, median) and the bias: the
mean signed error, (projected − observed) / observed, and the share of areas projected too
low. Figures on the Zensus 2022 basis (12411-0015 from 31.12.2022) are not compared: the
projection's base rests on the 2011 one; 2022 has no figure on that line.

Kreise merged after 2015 are compared as the sum of their parts: Göttingen and Osterode am
Harz → 03159, and Eisenach → Wartburgkreis from 2021 (data/key_changes.toml,
`observed.merged_into`). A Kreis that gained or lost Gemeinden to another Kreis since the base
is compared on its territory of the base: the people who came or went with the territory
(`transfers`: Kaltennordheim's part of the Wartburgkreis, about 4,000 people, joined
Schmalkalden-Meiningen on 01.01.2019) are taken off its observed total, its age groups scaled
alike (before: the Wartburgkreis's projection read as 4.4 % too high in 2019, now 1.0 %).

Gemeinden are checked against every Gemeindeverzeichnis after the base (31.12.2019 and
31.12.2023 with the shipped files): every Gemeinde with its full age structure at the base and
the same key and territory then: a Gemeinde whose area differs by more than
`inputs.TERRITORY_TOLERANCE` (it absorbed a neighbour or gave up a part; areas from the
Flächenerhebung at the base and the Gemeindeverzeichnis later) is not compared, because its
projection and the count are of different territories (an unknown area counts as
unchanged). A Gemeinde formed by a merger since (data/key_changes.toml, "Zusammenschluss") is
compared as the sum of the Gemeinden it was formed from. The years named here are those of
the shipped tables; the code takes them from the store and data/censuses.toml.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dwk import roles
from dwk.core.errors import NoProjection
from dwk.core.format import format_kreise
from dwk.core.types import level_of
from dwk.inputs import tables as inputs
from dwk.inputs.censuses import load_censuses
from dwk.inputs.context import Context
from dwk.inputs.transfers import transfers
from dwk.key_changes import territories
from dwk.projection import kreis_inputs as ki
from dwk.projection import model as fc
from dwk.projection import observed as ob
from dwk.projection.result import Projection
from dwk.sources.tables.gv import CODE as GV_CODE

CHECK_GROUPS: list[tuple[str, int, int | None]] = [("unter 6", 0, 6), ("unter 18", 0, 18),
                                                   ("18–64", 18, 65),
                                                   ("65+", 65, None)]  # fmt: skip
GEMEINDE_LARGE = 1000
"""Gemeinden with at least this many inhabitants on 31.12.2015 are also scored on their own."""
CONSTANT = "konstant"
TOTAL = "insgesamt"
GEMEINDEN = "Gemeinden"
GEMEINDEN_LARGE = f"Gemeinden ab {GEMEINDE_LARGE:,} Ew.".replace(",", ".")


@dataclass(frozen=True)
class Score:
    """One method against one observation: `level` kreis or gemeinde, `measure` the total, an
    age group or a set of Gemeinden; errors in %."""

    level: str
    method: str
    measure: str
    year: int
    areas: int
    mape: float
    median: float
    bias: float  # mean signed error
    too_low: float  # share of areas projected too low

    def record(self) -> dict:
        out = dict(vars(self))
        for k in ("mape", "median", "bias", "too_low"):
            out[k] = round(out[k], 4)
        return out


@dataclass(frozen=True)
class Backtest:
    years: list[int]
    areas: int  # Kreise in the last year compared
    groups_years: tuple[int, ...]  # years with Kreis ages (`age_sources`)
    persistence: tuple[float, ...]
    gemeinde_areas: int
    scores: list[Score]
    errors: dict[tuple[str, int], dict[str, float]] = field(default_factory=dict)
    """(method, year) -> Kreis -> signed error of its total in %."""
    base: int = 0  # the year projected from
    group_errors: dict[tuple[str, int, str], dict[str, float]] = field(default_factory=dict)
    """(method, year, age group) -> Kreis -> signed error in %, in `groups_years`."""
    group_tables: dict[int, str] = field(default_factory=dict)  # year -> table of the ages

    def _of(self, level: str, measure: str | None = None) -> list[Score]:
        return [s for s in self.scores if s.level == level and measure in (None, s.measure)]

    def methods(self) -> list[str]:
        return list(dict.fromkeys(s.method for s in self.scores))

    def score(self, level: str, method: str, measure: str, year: int) -> Score:
        return next(
            s
            for s in self.scores
            if (s.level, s.method, s.measure, s.year) == (level, method, measure, year)
        )

    def gemeinde_years(self) -> list[int]:
        return sorted({s.year for s in self._of("gemeinde")})

    def records(self) -> list[dict]:
        return [s.record() for s in self.scores]


def _score(
    level: str, method: str, measure: str, year: int, forecast: np.ndarray, observed: np.ndarray
) -> Score:
    ok = np.isfinite(observed) & (observed > 0)
    rel = (forecast[ok] / observed[ok] - 1) * 100
    return Score(
        level,
        method,
        measure,
        year,
        int(ok.sum()),
        float(np.mean(np.abs(rel))),
        float(np.median(np.abs(rel))),
        float(np.mean(rel)),
        float(np.mean(rel < 0) * 100),
    )


def base_year(ctx: Context) -> int:
    """The backtest's base: the first Kreis base (31.12.2015 with the shipped tables), the one
    with most observed years after it."""
    return ki.first_base(ctx)


def _trend_start(ctx: Context) -> int:
    """The first Stichtag on the census basis of the base (2011 with data/censuses.toml): where
    the trend forecast starts."""
    base = base_year(ctx)
    return max(y for y in (int(c.first[:4]) for c in load_censuses()) if y <= base)


def trend_label(ctx: Context) -> str:
    start = _trend_start(ctx)
    return f"linear {start}–{base_year(ctx)}"


def check_years(ctx: Context) -> list[int]:
    """The years after the base with Kreis totals on the base's census line: those before the
    next census rebases the figures, and later ones that a source still states on the base's
    line (31.12.2023: the sums of the Gemeindeverzeichnis, which is on the Zensus 2011 basis)."""
    base = base_year(ctx)
    t = ctx.population("zensus2011").observed
    kreise = [k for k in t.index if level_of(k) == "kreis"]
    return [int(y) for y in t.columns if base < y and t.loc[kreise, y].notna().any()]


def kreise_of(ctx: Context, year: int) -> tuple[list[str], list[str]]:
    """The Kreise observed on 31.12.`year` (from those of the latest base) and, for each Kreis
    of the backtest's base, the one it belongs to then."""
    t = ctx.population("zensus2011").observed
    of2020 = ki.kreis_keys(ctx, ki.kreis_bases(ctx)[-1])
    there = [k for k in of2020 if np.isfinite(t.at[k, year])]
    gone = [k for k in of2020 if k not in there]
    unknown = [k for k in gone if ob.merged_into(ctx, k) not in there]
    if unknown:
        raise NoProjection(
            f"{format_kreise(unknown)} ohne Einwohnerzahl am 31.12.{year} und ohne bekannten "
            "Nachfolger"
        )
    succ = ki.successors(ctx.changes, ki.kreis_keys(ctx, base_year(ctx)), of2020)
    return there, [ob.merged_into(ctx, k) or k if k in gone else k for k in succ]


def _trend(p0: np.ndarray, p1: np.ndarray, start: int, base: int, year: int) -> np.ndarray:
    """The linear trend from `start` (p0) to `base` (p1), carried on to `year`."""
    return p1 + (p1 - p0) / (base - start) * (year - base)


def run_backtest(ctx: Context, gemeinden: bool = True) -> Backtest:
    base, start = base_year(ctx), _trend_start(ctx)
    keys = ki.kreis_keys(ctx, base)
    years = check_years(ctx)
    proj = fc.project_areas(ctx, keys, base, years[-1])
    t = ctx.population("zensus2011").observed
    p15 = np.array([t.at[k, base] for k in keys])
    p11 = np.array([t.at[k, start] for k in keys])
    forecasts = {
        v: (lambda y, run=run: run.totals()[run.years.index(y)]) for v, run in proj.runs.items()
    }
    forecasts[CONSTANT] = lambda y: p15
    forecasts[trend_label(ctx)] = lambda y: _trend(p11, p15, start, base, y)
    scores = []
    errors = {}
    for y in years:
        there, succ = kreise_of(ctx, y)
        observed = np.array([t.at[k, y] for k in there]) - _transferred(ctx, there, y)
        for method, of in forecasts.items():
            got = ki.sum_to(of(y), succ, there)
            scores.append(_score("kreis", method, TOTAL, y, got, observed))
            errors[(method, y)] = dict(zip(there, (got / observed - 1) * 100, strict=True))
    ages = age_sources(ctx, years)
    group_errors: dict[tuple[str, int, str], dict[str, float]] = {}
    for year, src in ages.items():
        more, errs = _group_scores(ctx, proj, p11, p15, year, src)
        scores += more
        group_errors |= errs
    n = 0
    if gemeinden:
        more, n = gemeinde_scores(ctx)
        scores += more
    return Backtest(
        years,
        len(kreise_of(ctx, years[-1])[0]),
        tuple(ages),
        proj.plan.fit.lam,
        n,
        scores,
        errors,
        base,
        group_errors,
        {year: src.table for year, src in ages.items()},
    )


def _transferred(ctx: Context, keys: list[str], year: int) -> np.ndarray:
    """The people each Kreis gained (negative: lost) with territory from another Kreis after
    the base up to 31.12.`year` (`transfers.transfers`)."""
    base, moved = base_year(ctx), transfers(ctx)
    return np.array(
        [sum(v for (k, y), v in moved.items() if k == key and base < y <= year) for key in keys]
    )


def age_sources(ctx: Context, years: list[int]) -> dict[int, inputs.AgeData]:
    """The Kreise's ages in each of `years` that has them: their single years (2020), else
    their age groups without sex (12411-0017: 2019), which have the bounds of `CHECK_GROUPS`."""
    present = set(ctx.store.tables())
    tables = [ctx.table("age_single_years"), *roles.tables("age_groups_kreise")]
    out = {}
    for year in years:
        found = (ctx.age(t, year) for t in tables if t in present)
        src = next((a for a in found if a is not None), None)
        if src is not None:
            out[year] = src
    return out


def _group_scores(
    ctx: Context,
    proj: Projection,
    p11: np.ndarray,
    p15: np.ndarray,
    year: int,
    src: inputs.AgeData,
) -> tuple[list[Score], dict[tuple[str, int, str], dict[str, float]]]:
    """The scores of every method by age group in `year`, and each Kreis's error: (method,
    year, age group) → Kreis → signed error in %. A Kreis that gained or lost territory since
    the base (`_transferred`) has its groups scaled to its territory of the base, the people
    who came or went with it aged like the Kreis (their ages are not published)."""
    there, succ = kreise_of(ctx, year)
    rows = src.rows(there)
    total = src.total()[rows]
    kept = (total - _transferred(ctx, there, year)) / total
    base_pop = proj.runs["main"].population[0].sum(axis=1)
    base, start = base_year(ctx), _trend_start(ctx)
    out, errors = [], {}
    for method in (*proj.runs, CONSTANT, trend_label(ctx)):
        if method in proj.runs:
            run = proj.runs[method]
            pop = run.population[run.years.index(year)].sum(axis=1)
        elif method == CONSTANT:
            pop = base_pop
        else:
            pop = base_pop * (_trend(p11, p15, start, base, year) / p15)[:, None]
        for label, lo, hi in CHECK_GROUPS:
            obs = src.between(lo, hi)[rows] * kept
            got = ki.sum_to(pop[:, lo : None if hi is None else hi].sum(axis=1), succ, there)
            out.append(_score("kreis", method, label, year, got, obs))
            errors[(method, year, label)] = dict(zip(there, (got / obs - 1) * 100, strict=True))
    return out, errors


def gemeinde_check_years(ctx: Context) -> list[int]:
    """The Stichtage after the base for which the Gemeindeverzeichnis gives every Gemeinde's
    population on the Zensus 2011 line (2019 and 2023 with the shipped files)."""
    gv = ctx.store.table(GV_CODE)
    gv = gv.loc[(gv["variable"] == "Bevölkerung") & (gv["sex"] == "total")]
    on_line = gv["basis"].astype(str) != "zensus2022"
    periods = gv.loc[on_line.to_numpy(dtype=bool), "period"].astype(str).unique()
    base = base_year(ctx)
    return sorted(int(p[:4]) for p in periods if p.endswith("12-31") and int(p[:4]) > base)


def gemeinde_scores(ctx: Context) -> tuple[list[Score], int]:
    """Every Gemeinde, and those of at least `GEMEINDE_LARGE` inhabitants, 31.12.2015 →
    each year of `gemeinde_check_years` (see the docstring); the count of Gemeinden compared
    in the first of them."""
    years = gemeinde_check_years(ctx)
    if not years:
        return [], 0
    t = ctx.observed_totals
    base, start = base_year(ctx), _trend_start(ctx)
    usable = scored_gemeinden(ctx)
    proj = fc.project_gemeinden(ctx, usable, years[-1])
    p15 = t.reindex(usable)[base].to_numpy(float)
    p11 = t.reindex(usable)[start].to_numpy(float)
    out, first = [], 0
    for year in years:
        if year not in t.columns:
            continue
        parts, observed = compared(ctx, usable, year)
        first = first or len(observed)
        forecasts = {v: r.totals()[r.years.index(year)] for v, r in proj.runs.items()}
        forecasts[CONSTANT] = p15
        forecasts[trend_label(ctx)] = _trend(p11, p15, start, base, year)
        large = summed(p15, parts) >= GEMEINDE_LARGE
        for measure, which in ((GEMEINDEN, slice(None)), (GEMEINDEN_LARGE, large)):
            for method, values in forecasts.items():
                got = summed(values, parts)[which]
                out.append(_score("gemeinde", method, measure, year, got, observed[which]))
    return out, first


def scored_gemeinden(ctx: Context) -> list[str]:
    """The Gemeinden projected for the check: those with their full age structure at the base
    and a figure at the trend's start."""
    t, start = ctx.observed_totals, _trend_start(ctx)
    src = ctx.age(ctx.table("age_groups"), base_year(ctx))
    return [
        k for k in inputs.full_gemeinden(ctx, src) if k in t.index and np.isfinite(t.at[k, start])
    ]


def summed(values: np.ndarray, parts: list[list[int]]) -> np.ndarray:
    """Each compared area's sum of `values` over its rows (see `compared`)."""
    if not parts:
        return np.array([])
    starts = np.cumsum([0] + [len(p) for p in parts[:-1]])
    return np.add.reduceat(values[np.concatenate(parts)], starts)


def compared(ctx: Context, usable: list[str], year: int) -> tuple[list[list[int]], np.ndarray]:
    """What is compared on 31.12.`year`: the rows of `usable` that make up each compared area,
    and its observed total. A Gemeinde with its figure and territory of the base; a Gemeinde
    formed by a merger since (data/key_changes.toml, "Zusammenschluss"), or one that absorbed
    neighbours and kept its key ("Eingliederung"), as the sum of those Gemeinden, where its
    figure is of their territory (`of_parts`)."""
    t, base = ctx.observed_totals, base_year(ctx)
    observed = t.reindex(usable)[year].to_numpy(float)
    single = np.isfinite(observed) & inputs.same_territory(ctx, usable, base, year)
    compared = {int(i): ([int(i)], observed[i]) for i in np.flatnonzero(single)}
    where = {k: i for i, k in enumerate(usable)}
    for n, (new, old) in enumerate(territories(ctx.changes, base).items()):
        if all(o in where for o in old) and of_parts(ctx, new, old, year):
            compared.pop(where.get(new, -1), None)  # it absorbed the others: not alone
            compared[len(usable) + n] = ([where[o] for o in old], t.at[new, year])
    parts = [p for p, _ in compared.values()]
    return parts, np.array([v for _, v in compared.values()])


def of_parts(ctx: Context, new: str, old: tuple[str, ...], year: int) -> bool:
    """Whether the figure of a Gemeinde on 31.12.`year` is of the territory of the Gemeinden
    `old` of the base (itself among them where it absorbed the others): it has one, none of
    the others has its own then (Riethgen joined Kindelbrück only in 2023), and its area is
    theirs of the base."""
    t, base = ctx.observed_totals, base_year(ctx)
    if new not in t.index or year not in t.columns or not np.isfinite(t.at[new, year]):
        return False
    others = [o for o in old if o != new]
    if np.isfinite(t.reindex(others)[year].to_numpy(float)).any():
        return False
    area = np.nansum(inputs.area_on(ctx, list(old), base))
    later = inputs.area_on(ctx, [new], year)[0]
    return not abs(later / area - 1) > inputs.TERRITORY_TOLERANCE if area > 0 else True

"""The migration assumption: how many people an area gains or loses by moves each year.

Net migration comes from the residual method (change of the population minus births plus
deaths), per year and area. Germany's own net migration is the national frame's (`frame`,
`framed`); what this module gives is each area's part:

- The area's deviation from Germany's rate in the recent years, shrunk by the persistence
  λ(h): how much of such a deviation has, on average, still been there h years later,
  measured on the past (least squares through the origin over all Kreise and every origin
  year whose target year lies in the data, for every h with at least `MIN_ORIGINS` origins,
  up to the h where λ is smallest; beyond it that h's fit holds). Migration regresses
  towards the mean; an assumption that carries the latest deviation on in full has been
  wrong before. A deviation that has faded does not come back on average: where the
  measured λ rises again, it does so on ever fewer origins, all from the first years (up
  to 2024: λ falls to 0.09 at h = 15, on 11 origins, then rises to 0.24 at h = 22, on 5,
  1997–2002), and a profile's projection to 2040 (h = 16) took more persistence than at 15
  years. As of 2015 λ falls throughout (0.07 at h = 13), so the backtest is the same. h counts
  from the window's last year, as measured: as of 2015 from 2014 (2015 is not regular), so
  2016 takes λ(2). Counted from the base, it took λ(1), one year too much persistence: the
  Kreise's error of 2021 was 1.26 % and their bias −0.34 %, now 1.21 % and −0.29 %.
- How many recent years (`window`): the number whose deviations have foretold the later
  years best on the same past. A longer mean evens out chance, a shorter one follows a
  change sooner; for the Kreise up to 2014 one year did a little better than two or three
  (share explained 0.472, 0.464, 0.437 over horizons 1–9, origins from 2000; without the
  term on Germany's level below 0.451, 0.445, 0.419).
- How fast it regresses depends on the area (`mobility`): in the past the deviations of
  Kreise with many young adults (whose moves for training and first jobs come and go) and of
  large Kreise faded sooner (λ(5) 0.30 in the third of Kreise with the most 18–29-year-olds,
  0.59 in the third with the fewest, 1998–2014). So λ(h) is measured with the two as
  interactions: λ_i(h) = a(h) + b(h) · z_i, z_i the area's standardised share of 18–29-year-olds
  and log population, a(h) the λ(h) of an average area, kept between 0 and 1.
- How it moves with Germany's level (`exposure`): where many foreigners live, newcomers from
  abroad come more than elsewhere, so such an area's deviation rises and falls with Germany's
  net migration rate. The fit has a third term, γ(h) · e_i · (R(o + h) − R(o)): e_i the area's
  standardised share of foreigners among the employees living there (30.06. of the base year
  or the newest before, 13111-02-02-4), R Germany's rate of the year and of the window. On
  1996–2014 the Kreise's share explained rose from 0.451 to 0.472 with it (γ(1) 0.33, γ(5)
  0.18 per standard deviation; kept at 0 or above). Germany's rate fell from 7.2 per 1,000
  in 2014 to 3.9 in 2019 and 2.6 in 2020, and the Kreise of many foreigners, the cities,
  gained that much less: the Kreise's error of 2021 went from 1.21 % to 1.13 %, their bias
  from −0.29 % to −0.20 %.

Years that are not regular: 2011 (the Zensus correction lies between 31.12.2010 and
31.12.2011, so the residual measures the census, not moves), 2015 and 2022 (the exceptional
arrivals of refugees, from Syria and the Ukraine).

A base at the end of a year of such arrivals (`ARRIVALS`: 2015) counts people in reception
facilities (Erstaufnahme) who were allocated to the Kommunen by quota within months. What an
area gained in that year beyond Germany's rate and its own damped deviation (`Plan.leaving`;
only gains, as those in transit are) leaves it in the next year and is shared out with the rate
for all. As of 2015: 144,694 people in 190 Kreise, the most in Trier (43 per 1,000), Schwerin
(41), the Heidekreis and the Saale-Holzland-Kreis (23 each). Kept in the base, the tenth of
Kreise with the largest such gain came out 0.81 % too high in 2021 on average, then 0.25 % too
low; the error of all Kreise in 2021 fell from 1.31 % to 1.26 %, their bias went from −0.32 %
to −0.34 % (those Kreise had offset part of the others' shortfall; both with λ still counted
from the base and before the term on Germany's level, which the expected gain includes). 2022
is not among such years: the arrivals from the Ukraine were protected without the asylum
procedure (§ 24 AufenthG), not routed through its reception facilities, and no shipped table
starts a Kreis projection at the end of 2022 to check it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

IRREGULAR = {
    2011: "Zensuskorrektur zwischen 31.12.2010 und 31.12.2011",
    2015: "außergewöhnliche Zuwanderung von Geflüchteten",
    2022: "außergewöhnliche Zuwanderung aus der Ukraine",
}
ARRIVALS = (2015,)
"""The years of exceptional arrivals through reception facilities (see the module docstring)."""
RECENT = 3
"""The recent window's length (years) where the past is too short to choose one (`window`)."""
WINDOWS = (1, 2, 3, 4, 5)
MIN_ORIGINS = 5
VARIANTS = ("main", "low-migration", "high-migration")
VARIANT_LABELS = {
    "main": "Hauptvariante",
    "low-migration": "niedrige Zuwanderung",
    "high-migration": "hohe Zuwanderung",
}


@dataclass(frozen=True)
class History:
    """Net migration (areas, years) and the population at the start of each year (31.12. of
    the year before), for areas and for Germany."""

    years: list[int]
    net: np.ndarray
    start: np.ndarray
    de_net: np.ndarray
    de_start: np.ndarray

    def regular(self, until: int) -> list[int]:
        return [y for y in self.years if y <= until and y not in IRREGULAR]

    def rates(self, years: list[int]) -> np.ndarray:
        idx = [self.years.index(y) for y in years]
        net, start = self.net[:, idx], self.start[:, idx]
        ok = np.isfinite(net) & np.isfinite(start)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(ok, net, 0).sum(axis=1) / np.where(ok, start, 0).sum(axis=1)

    def de_rate(self, years: list[int]) -> float:
        idx = [self.years.index(y) for y in years]
        return float(self.de_net[idx].sum() / self.de_start[idx].sum())

    def deviation(self, years: list[int]) -> np.ndarray:
        return self.rates(years) - self.de_rate(years)


MOBILITY = ("Anteil der 18- bis 29-Jährigen", "Einwohner (logarithmiert)")


def mobility(population: np.ndarray) -> np.ndarray:
    """(areas, 2): each area's share of 18–29-year-olds and the log of its population, from
    its age structure (areas, 2, AGES), standardised over the areas (see the module
    docstring)."""
    people = population.sum(axis=1)
    total = people.sum(axis=1)
    z = np.stack([people[:, 18:30].sum(axis=1) / total, np.log(total)], axis=1)
    return (z - z.mean(axis=0)) / z.std(axis=0)


def exposure(share: np.ndarray) -> np.ndarray:
    """(areas,): each area's share of foreigners among its employees, standardised over the
    areas (see the module docstring); NaN (no figure) counts as the mean."""
    z = np.where(np.isfinite(share), share, np.nanmean(share))
    return (z - z.mean()) / z.std()


@dataclass(frozen=True)
class Persistence:
    """What `persistence` measures, per h = 1, 2, … (the last holds beyond)."""

    lam: tuple[float, ...]  # λ(h) of an average area
    origins: list[int]  # the origin years of λ(1)
    slopes: tuple[np.ndarray, ...] = ()  # b(h) on `mobility` (empty without it)
    gamma: tuple[float, ...] = ()  # γ(h) on `exposure` (empty without it)


def persistence(
    history: History,
    until: int,
    mob: np.ndarray | None = None,
    window: int = RECENT,
    exp: np.ndarray | None = None,
) -> Persistence:
    """λ(h), the slopes b(h) on `mob` and γ(h) on `exp` (see the module docstring), for
    deviations over `window` regular years."""
    regular = history.regular(until)
    origins = regular[window - 1 :]
    fits = _fits(history, regular, origins, window, mob, exp)
    if fits:  # up to λ's smallest (see the module docstring)
        fits = fits[: int(np.argmin([f.coef[0] for f in fits])) + 1]
    used = [o for o in origins if o + 1 in regular]
    k = 0 if mob is None else mob.shape[1]
    if not fits:
        return Persistence((1.0,), used, (np.zeros(k),), () if exp is None else (0.0,))
    lam = tuple(float(f.coef[0]) for f in fits)
    slopes = tuple(f.coef[1 : 1 + k] for f in fits)
    # kept at 0 or above: where many foreigners live, more come from abroad, not fewer; a
    # negative γ is chance (the long horizons, measured on few origins)
    gamma = () if exp is None else tuple(max(float(f.coef[-1]), 0.0) for f in fits)
    return Persistence(lam, used, slopes, gamma)


def window(
    history: History, until: int, mob: np.ndarray | None = None, exp: np.ndarray | None = None
) -> int:
    """The length of the recent window (one of `WINDOWS`) whose deviations have foretold the
    later years best: the λ(h) regression of each length on the origins that all of them
    have, scored by its share of the later deviations explained (1 − SSE / Σ y², through the
    origin) averaged over the horizons with at least `MIN_ORIGINS` origins. `RECENT` where
    the past is too short to tell."""
    regular = history.regular(until)
    origins = regular[max(WINDOWS) - 1 :]  # the same for every length, and so the horizons
    scores = {}
    for length in WINDOWS:
        fits = _fits(history, regular, origins, length, mob, exp)
        if fits:
            scores[length] = float(np.mean([1 - f.sse / f.sst for f in fits]))
    return max(scores, key=scores.__getitem__) if scores else RECENT


@dataclass(frozen=True)
class _Fit:
    coef: np.ndarray  # λ(h) and the slopes b(h)
    sse: float  # squared residuals
    sst: float  # squared later deviations (about 0: the regression goes through the origin)


def _fits(
    history: History,
    regular: list[int],
    origins: list[int],
    length: int,
    mob: np.ndarray | None = None,
    exp: np.ndarray | None = None,
) -> list[_Fit]:
    """The least-squares fit of each horizon h = 1, 2, … with at least `MIN_ORIGINS` of
    `origins`: the deviation in year o + h on the mean deviation of the `length` regular years
    ending with o, times (1, mob), and on exp · (Germany's rate in o + h − in those years)."""
    z = np.zeros((len(history.net), 0)) if mob is None else mob
    windows = {o: regular[i - length + 1 : i + 1] for i, o in enumerate(regular) if o in origins}
    before = {o: history.deviation(w) for o, w in windows.items()}
    out: list[_Fit] = []
    for h in range(1, regular[-1] - history.years[0]):
        pairs = [o for o in origins if o + h in regular]
        if len(pairs) < MIN_ORIGINS:
            break
        xs, ys = [], []
        for o in pairs:
            x, y = before[o], history.deviation([o + h])
            ok = np.isfinite(x) & np.isfinite(y)
            cols = [x[ok, None] * np.column_stack([np.ones(ok.sum()), z[ok]])]
            if exp is not None:
                change = history.de_rate([o + h]) - history.de_rate(windows[o])
                cols.append(exp[ok, None] * change)
            xs.append(np.concatenate(cols, axis=1))
            ys.append(y[ok])
        x_all, y_all = np.concatenate(xs), np.concatenate(ys)
        coef = np.linalg.lstsq(x_all, y_all, rcond=None)[0]
        sse = float(((y_all - x_all @ coef) ** 2).sum())
        out.append(_Fit(coef, sse, float((y_all**2).sum())))
    return out


@dataclass(frozen=True)
class Plan:
    base_year: int
    recent_years: list[int]
    national_recent: float
    fit: Persistence  # λ(h), b(h), γ(h) as measured, h = 1, 2, …; the last holds beyond
    deviation: np.ndarray  # (areas,) recent deviation from Germany, per person and year
    mobility: np.ndarray | None = None  # (areas, 2), see `mobility`; None: λ(h) for all
    leaving: np.ndarray | None = None  # (areas,) persons in transit at a base in `ARRIVALS`
    exposure: np.ndarray | None = None  # (areas,), see `exposure`; None: no such term

    @property
    def by_mobility(self) -> bool:
        """Whether λ was measured with `mobility` (a Gemeinde's plan keeps the Kreise's λ
        without their mobility: it takes its Kreis's realised rate)."""
        return bool(self.fit.slopes) and len(self.fit.slopes[0]) > 0

    def lam(self, year: int, since: int | None = None) -> float:
        """λ of an average area in `year`, h counted from `since`, by default from the last
        year of the deviation's window, as λ(h) was measured (the base, unless its year is not
        regular: 2014 as of 2015; see the module docstring)."""
        return self.fit.lam[self._h(year, since)]

    def lam_areas(self, year: int) -> np.ndarray | float:
        """λ of each area, by its mobility (the average one's without it)."""
        if self.mobility is None:
            return self.lam(year)
        h = self._h(year)
        return np.clip(self.fit.lam[h] + self.mobility @ self.fit.slopes[h], 0.0, 1.0)

    def deviation_in(self, year: int, national_rate: float) -> np.ndarray:
        """Each area's deviation from Germany's rate in `year`, when Germany's rate is
        `national_rate`: the damped recent one, plus γ(h) · exposure · the change of
        Germany's rate since the window (see the module docstring)."""
        out = self.lam_areas(year) * self.deviation
        if self.exposure is None or not self.fit.gamma:
            return out
        g = self.fit.gamma[self._h(year)]
        return out + g * self.exposure * (national_rate - self.national_recent)

    def transit(self, year: int) -> np.ndarray | float:
        """Persons per area who leave in `year` because they were in transit at the base (see
        the module docstring): `leaving` in the year after the base, else none."""
        return self.leaving if self.leaving is not None and year == self.base_year + 1 else 0.0

    def take(self, rows: list[int]) -> Plan:
        """The plan of some of the areas (the same λ, slopes and origins)."""
        mob = None if self.mobility is None else self.mobility[rows]
        leaving = None if self.leaving is None else self.leaving[rows]
        exp = None if self.exposure is None else self.exposure[rows]
        return replace(
            self, deviation=self.deviation[rows], mobility=mob, leaving=leaving, exposure=exp
        )

    def _h(self, year: int, since: int | None = None) -> int:
        start = self.recent_years[-1] if since is None else since
        return min(max(year - start, 1), len(self.fit.lam)) - 1


def plan(
    history: History,
    base_year: int,
    mob: np.ndarray | None = None,
    exp: np.ndarray | None = None,
) -> Plan:
    """The plan of the areas of `history` as of `base_year`; `mob`: their `mobility`, `exp`
    their `exposure`."""
    regular = history.regular(base_year)
    length = window(history, base_year, mob, exp)
    recent = regular[-length:]
    fit = persistence(history, base_year, mob, length, exp)
    deviation = np.nan_to_num(history.deviation(recent))
    rate = history.de_rate(recent)
    out = Plan(base_year, recent, rate, fit, deviation, mob, exposure=exp)
    if base_year not in ARRIVALS or base_year not in history.years:
        return out
    # what the base year brought beyond Germany's rate and the area's damped deviation
    de_rate = history.de_rate([base_year])
    expected = de_rate + out.deviation_in(base_year, de_rate)
    excess = np.nan_to_num(history.rates([base_year]) - expected)
    start = np.nan_to_num(history.start[:, history.years.index(base_year)])
    return replace(out, leaving=np.maximum(excess, 0.0) * start)

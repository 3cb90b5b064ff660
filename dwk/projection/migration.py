"""The migration assumption: how many people an area gains or loses by moves each year.

Net migration comes from the residual method (change of the population minus births plus
deaths), per year and area. Germany's own net migration is the national frame's (`frame`,
`framed`); what this module gives is each area's part:

- The area's deviation from Germany's rate in the recent years, shrunk by the persistence
  λ(h): how much of a 3-year deviation has, on average, still been there h years later,
  measured on the past (least squares through the origin over all Kreise and every origin
  year whose target year lies in the data, for every h with at least `MIN_ORIGINS` origins;
  beyond that the last measured λ holds). Migration regresses towards the mean; an
  assumption that carries the latest deviation on in full has been wrong before.

Years that are not regular: 2011 (the Zensus correction lies between 31.12.2010 and
31.12.2011, so the residual measures the census, not moves), 2015 and 2022 (the exceptional
arrivals of refugees, from Syria and the Ukraine).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

IRREGULAR = {
    2011: "Zensuskorrektur zwischen 31.12.2010 und 31.12.2011",
    2015: "außergewöhnliche Zuwanderung von Geflüchteten",
    2022: "außergewöhnliche Zuwanderung aus der Ukraine",
}
RECENT = 3
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


def persistence(history: History, until: int) -> tuple[tuple[float, ...], list[int]]:
    """λ(h) for h = 1, 2, … and the origin years of λ(1) (see the module docstring)."""
    regular = history.regular(until)
    origins = regular[RECENT - 1 :]
    before = {o: history.deviation(regular[i : i + RECENT]) for i, o in enumerate(origins)}
    curve: list[float] = []
    for h in range(1, until - history.years[0]):
        pairs = [(before[o], history.deviation([o + h])) for o in origins if o + h in regular]
        if len(pairs) < MIN_ORIGINS:
            break
        num = den = 0.0
        for x, y in pairs:
            ok = np.isfinite(x) & np.isfinite(y)
            num += float((x[ok] * y[ok]).sum())
            den += float((x[ok] ** 2).sum())
        curve.append(num / den if den else 1.0)
    used = [o for o in origins if o + 1 in regular]
    return tuple(curve) or (1.0,), used


@dataclass(frozen=True)
class Plan:
    base_year: int
    recent_years: list[int]
    national_recent: float
    persistence: tuple[float, ...]  # λ(h), h = 1, 2, …; the last one holds beyond
    persistence_origins: list[int]
    deviation: np.ndarray  # (areas,) recent deviation from Germany, per person and year

    def lam(self, year: int) -> float:
        h = max(year - self.base_year, 1)
        return self.persistence[min(h, len(self.persistence)) - 1]


def plan(history: History, base_year: int, persistence_from: History | None = None) -> Plan:
    regular = history.regular(base_year)
    recent = regular[-RECENT:]
    lam, origins = persistence(persistence_from or history, base_year)
    deviation = np.nan_to_num(history.deviation(recent))
    return Plan(base_year, recent, history.de_rate(recent), lam, origins, deviation)

"""Raking (iterative proportional fitting) of respondents to official margins.

Written here rather than borrowed: the libraries tested either accept inconsistent margins,
NaN or empty cells silently or refuse pandas. Every such case is a `SurveyError` before fitting.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dwk.core.errors import SurveyError
from dwk.core.format import format_de


@dataclass(frozen=True, eq=False)
class Weighting:
    weights: np.ndarray
    iterations: int
    design_effect: float
    effective_n: float
    margins: dict[str, dict[str, float]]

    @property
    def n(self) -> int:
        return len(self.weights)

    @property
    def total(self) -> float:
        return float(self.weights.sum())

    @property
    def min(self) -> float:
        return float(self.weights.min())

    @property
    def max(self) -> float:
        return float(self.weights.max())

    @property
    def cv(self) -> float:
        """Coefficient of variation of the weights; Kish deff = 1 + cv²."""
        return float(self.weights.std() / self.weights.mean())


def kish(weights: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """(design effect, effective n) of a set of weights, after Kish."""
    w = np.asarray(weights, dtype=float)
    square_sum = float((w * w).sum())
    if len(w) == 0 or square_sum == 0:
        return math.nan, math.nan
    total = float(w.sum())
    return len(w) * square_sum / total**2, total**2 / square_sum


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _positive(target: object) -> bool:
    try:
        value = float(target)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return math.isfinite(value) and value > 0


def _fmt(x: float) -> str:
    return format_de(x, 0 if float(x).is_integer() else 2)


def _check(
    groups: dict[str, Sequence[str | None]],
    margins: dict[str, dict[str, float]],
    total_tolerance: float,
) -> int:
    if not groups:
        raise SurveyError("Gewichtung ohne Gewichtungsvariablen")
    if unmatched := sorted(groups.keys() - margins.keys()):
        raise SurveyError(f"Gewichtungsvariable {unmatched[0]!r} hat keine Randsummen")
    if unmatched := sorted(margins.keys() - groups.keys()):
        raise SurveyError(f"Randsummen für {unmatched[0]!r}, aber keine solche Gewichtungsvariable")
    lengths = {var: len(values) for var, values in groups.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{var!r} {n}" for var, n in sorted(lengths.items()))
        raise SurveyError(f"Gewichtungsvariablen ungleich lang: {listed}")
    n = next(iter(lengths.values()))
    if n == 0:
        raise SurveyError("Gewichtung ohne Befragte")
    for var in sorted(groups):
        missing = sum(_missing(v) for v in groups[var])
        if missing:
            raise SurveyError(f"Gewichtungsvariable {var!r}: {missing} Befragte ohne Wert")
        for cat, target in margins[var].items():
            if not _positive(target):
                raise SurveyError(f"Randsumme {var!r} = {cat!r} ist {target!r}, nicht positiv")
        seen = set(groups[var])
        if unknown := sorted(seen - margins[var].keys(), key=str):
            count = sum(v == unknown[0] for v in groups[var])
            raise SurveyError(
                f"Gewichtungsvariable {var!r}: Kategorie {unknown[0]!r} ({count} Befragte) "
                "hat keine Randsumme"
            )
        for cat in margins[var]:
            if cat not in seen:
                raise SurveyError(
                    f"Leere Zelle: {var!r} = {cat!r} hat eine Randsumme, aber keine Befragten"
                )
    totals = {var: math.fsum(margins[var].values()) for var in sorted(margins)}
    low, high = min(totals, key=totals.get), max(totals, key=totals.get)
    if (totals[high] - totals[low]) / totals[high] > total_tolerance:
        raise SurveyError(
            f"Randsummen passen nicht zusammen: {high!r} ergibt {_fmt(totals[high])}, "
            f"{low!r} ergibt {_fmt(totals[low])}"
        )
    return n


def rake(
    groups: dict[str, Sequence[str | None]],
    margins: dict[str, dict[str, float]],
    *,
    tolerance: float = 1e-9,
    max_iterations: int = 200,
    total_tolerance: float = 0.005,
) -> Weighting:
    """Weights that reproduce every margin; variables are fitted in sorted order.

    Totals within `total_tolerance` are first scaled to their mean, so the weights sum to one
    population total whichever margin is fitted last.
    """
    n = _check(groups, margins, total_tolerance)
    names = sorted(groups)
    total = sum(math.fsum(m.values()) for m in margins.values()) / len(margins)
    used, codes, targets = {}, {}, {}
    for var in names:
        scale = total / math.fsum(margins[var].values())
        used[var] = {cat: float(t) * scale for cat, t in margins[var].items()}
        index = {cat: i for i, cat in enumerate(used[var])}
        codes[var] = np.fromiter((index[v] for v in groups[var]), dtype=np.intp, count=n)
        targets[var] = np.array(list(used[var].values()))
    w = np.ones(n)
    for iteration in range(1, max_iterations + 1):
        for var in names:
            sums = np.bincount(codes[var], weights=w, minlength=len(targets[var]))
            w *= (targets[var] / sums)[codes[var]]
        deviation = max(
            float(np.abs(np.bincount(codes[v], weights=w) / targets[v] - 1).max()) for v in names
        )
        if deviation < tolerance:
            w.setflags(write=False)
            deff, n_eff = kish(w)
            return Weighting(w, iteration, deff, n_eff, used)
    raise SurveyError(
        f"Gewichtung konvergiert nicht nach {max_iterations} Durchläufen "
        f"(Randabweichung {format_de(deviation * 100, 2)} %); Zellen zusammenfassen oder Randsummen prüfen"
    )

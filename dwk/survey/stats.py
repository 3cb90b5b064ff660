"""Per-item statistics of a scale question: distribution, top/bottom-2-box, mean, intervals.

Missing answers are excluded from the base and reported per reason, never imputed. Intervals
use Kish's effective n, so weighting widens them honestly.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from dwk.core.errors import SurveyError
from dwk.survey.disclosure import suppress
from dwk.survey.responses import NOT_SHOWN
from dwk.survey.weighting import kish

Z95 = 1.959964
NAN2 = (math.nan, math.nan)


def wilson(p: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a share p on n (effective) cases; stays inside [0, 1]."""
    if not n > 0 or math.isnan(p):
        return NAN2
    if not 0 <= p <= 1:
        raise SurveyError(f"Anteil {p} liegt nicht zwischen 0 und 1")
    q = z * z / n
    centre = (p + q / 2) / (1 + q)
    half = z / (1 + q) * math.sqrt(p * (1 - p) / n + q / (4 * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class ItemStats:
    points: int
    counts: tuple[int, ...]
    shares: tuple[float, ...]
    valid_n: int
    effective_n: float
    top2: float
    top2_ci: tuple[float, float]
    bottom2: float
    mean: float
    mean_ci: tuple[float, float]
    missing: dict[str, int]
    nonresponse: float


@dataclass(frozen=True)
class GroupStats:
    group: str
    n: int
    top2: float
    top2_ci: tuple[float, float]
    mean: float
    suppressed: bool
    uncertain: bool


def _codes(values: Sequence[float], weights: Sequence[float], points: int):
    if points < 2:
        raise SurveyError(f"Skala mit {points} Punkten; mindestens 2 nötig")
    x = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    if len(x) != len(w):
        raise SurveyError(f"{len(x)} Antworten, aber {len(w)} Gewichte")
    if not (np.isfinite(w).all() and (w >= 0).all()):
        raise SurveyError("Gewichte müssen endlich und nicht negativ sein")
    valid = ~np.isnan(x)
    bad = valid & ~np.isin(x, np.arange(1, points + 1))
    if bad.any():
        raise SurveyError(
            f"Code {x[bad][0]:g} liegt außerhalb der Skala 1–{points} ({int(bad.sum())} Antworten)"
        )
    return x, w, valid


@dataclass(frozen=True)
class _Summary:
    shares: tuple[float, ...]
    effective_n: float
    top2: float
    top2_ci: tuple[float, float]
    bottom2: float
    mean: float
    mean_ci: tuple[float, float]


def _summary(x: np.ndarray, w: np.ndarray, points: int) -> _Summary:
    """Weighted statistics of valid codes x with weights w; NaN where the base is empty.

    The sd carries the factor n_eff/(n_eff − 1), so unweighted it is the ordinary sample sd.
    """
    total = w.sum()
    if len(x) == 0 or total == 0:
        return _Summary((math.nan,) * points, 0.0, math.nan, NAN2, math.nan, math.nan, NAN2)
    shares = np.bincount(x.astype(int) - 1, weights=w, minlength=points) / total * 100
    n_eff = kish(w)[1]
    top2 = float(shares[-2:].sum())
    low, high = wilson(min(top2 / 100, 1.0), n_eff)
    mean = float((w * x).sum() / total)
    mean_ci = NAN2
    if n_eff > 1:
        sd = math.sqrt(float((w * (x - mean) ** 2).sum() / total) * n_eff / (n_eff - 1))
        mean_ci = (mean - Z95 * sd / math.sqrt(n_eff), mean + Z95 * sd / math.sqrt(n_eff))
    shares_t = tuple(float(v) for v in shares)
    return _Summary(
        shares_t, n_eff, top2, (low * 100, high * 100), float(shares[:2].sum()), mean, mean_ci
    )


def _nonresponse(valid: np.ndarray, reasons: Sequence[str]) -> float:
    shown = np.array([r != NOT_SHOWN for r in reasons], dtype=bool)
    return float((~valid[shown]).mean() * 100) if shown.any() else math.nan


def item_stats(
    values: Sequence[float], weights: Sequence[float], points: int, reasons: Sequence[str]
) -> ItemStats:
    """Statistics on the valid answers; a missing value without a reason counts as
    "nicht beantwortet", a valid code with a reason is a contradiction and an error.

    Item nonresponse is taken among the respondents the item was shown to: a filter question
    narrows the base, it does not make answers missing.
    """
    x, w, valid = _codes(values, weights, points)
    if len(reasons) != len(x):
        raise SurveyError(f"{len(x)} Antworten, aber {len(reasons)} Fehlgründe")
    clash = [i for i in np.flatnonzero(valid) if reasons[i]]
    if clash:
        i = clash[0]
        raise SurveyError(
            f"Befragte Nr. {i + 1}: gültiger Code {x[i]:g}, aber Fehlgrund {reasons[i]!r}"
        )
    missing = Counter(reasons[i] or "nicht beantwortet" for i in np.flatnonzero(~valid))
    counts = np.bincount(x[valid].astype(int) - 1, minlength=points)
    return ItemStats(
        points=points,
        counts=tuple(int(c) for c in counts),
        valid_n=int(valid.sum()),
        missing=dict(missing),
        nonresponse=_nonresponse(valid, reasons),
        **asdict(_summary(x[valid], w[valid], points)),
    )


def breakdown(
    values: Sequence[float],
    weights: Sequence[float],
    points: int,
    groups: Sequence[str | None],
    order: Sequence[str],
    min_cell: int = 10,
    uncertain_below: int = 30,
) -> list[GroupStats]:
    """Top-2-box and mean per group; suppression is decided on the unweighted valid n."""
    x, w, valid = _codes(values, weights, points)
    if len(groups) != len(x):
        raise SurveyError(f"{len(x)} Antworten, aber {len(groups)} Gruppenzuordnungen")
    if unknown := sorted({g for g in groups if g is not None} - set(order)):
        raise SurveyError(f"Gruppe {unknown[0]!r} fehlt in der Reihenfolge der Aufgliederung")
    if len(set(order)) != len(order):
        raise SurveyError("Reihenfolge der Aufgliederung nennt eine Gruppe doppelt")
    members = {cat: valid & np.array([gr == cat for gr in groups], dtype=bool) for cat in order}
    counts = {cat: int(m.sum()) for cat, m in members.items()}
    hidden = suppress(counts, min_cell)
    result = []
    for cat in order:
        shown = members[cat] if cat not in hidden else np.zeros(len(x), dtype=bool)
        s = _summary(x[shown], w[shown], points)
        result.append(
            GroupStats(
                group=cat,
                n=counts[cat],
                top2=s.top2,
                top2_ci=s.top2_ci,
                mean=s.mean,
                suppressed=cat in hidden,
                uncertain=counts[cat] < uncertain_below,
            )
        )
    return result

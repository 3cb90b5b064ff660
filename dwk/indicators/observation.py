"""`Observation`: one indicator value as the SWOT rules see it. The statistics (indicators,
projection) produce observations; the SWOT only reads them, so the type lives down here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Observation:
    """One indicator value with what a rule needs to know about it."""

    value: float
    flag: str
    period: str
    tables: str
    label: str
    unit: str
    polarity: str
    decimals: int

"""`Result`: one indicator for several areas at one year, as the computations hand it on, and
the flags a value can carry."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FLAG_UNCERTAIN = "unsicher"
FLAG_ZENSUS = "zensus"
FLAG_TERRITORY = "gebiet"
"""A Gemeinde's change across a change of its territory (its area by more than
`inputs.TERRITORY_TOLERANCE`): the two figures are of different territories."""
FLAG_MISSING = "."
RESULT_COLUMNS = ["area_key", "id", "year", "period", "value", "flag", "n", "tables", "basis"]


@dataclass
class Result:
    """One indicator for several areas at one year: arrays aligned with `keys`."""

    value: np.ndarray
    n: np.ndarray
    period: str | np.ndarray  # one Stichtag for all keys, or one per key
    tables: str
    flag: np.ndarray | None = None
    basis: str | np.ndarray = ""  # census line of a population figure, for all keys or per key

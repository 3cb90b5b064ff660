"""The fixed choices of the domain, as types: area levels, output formats, SWOT quadrants,
census bases. A level follows from the length of a dwk key (see `dwk.sources.tables.keys`)."""

from __future__ import annotations

from bisect import bisect_left
from typing import Literal, get_args

__all__ = [
    "BASES",
    "Basis",
    "LEVELS",
    "Level",
    "OutputFormat",
    "ProfileFormat",
    "Quadrant",
    "level_of",
    "under",
]

Level = Literal["de", "land", "rb", "kreis", "verband", "gemeinde"]
LEVELS: tuple[Level, ...] = get_args(Level)
"""From the top down: Germany, Land, Regierungsbezirk, Kreis, Gemeindeverband, Gemeinde."""

Basis = Literal["vor2011", "zensus2011", "zensus2022"]
"""The census a Fortschreibung figure rests on: before the Zensus 2011 (earlier counts and
registers), the Zensus 2011 (09.05.2011) or the Zensus 2022 (15.05.2022)."""
BASES: tuple[Basis, ...] = get_args(Basis)

OutputFormat = Literal["table", "csv", "json"]
"""How `dwk indicators` and `dwk project` print their results."""

Quadrant = Literal["Stärke", "Schwäche", "Chance", "Risiko"]
"""The four SWOT quadrants; a need for action (`Handlungsbedarf`) stands beside them."""

ProfileFormat = Literal["md", "html", "json", "pdf"]
"""What `dwk profile build` writes; PDF only when asked for (WeasyPrint, seconds a profile)."""

_LEVEL_OF_LENGTH: dict[int, Level] = {2: "land", 3: "rb", 5: "kreis", 7: "verband", 8: "gemeinde"}


def level_of(key: str) -> Level | None:
    """The level of a dwk key: `DG` Germany, 2 digits a Land, 3 a Regierungsbezirk, 5 a Kreis,
    7 a Verbandsgemeinde, 8 a Gemeinde (an 8-digit Verband key is told apart only by its
    table; `Area.level` carries that). None for anything else."""
    if key == "DG":
        return "de"
    return _LEVEL_OF_LENGTH.get(len(key))


def under(keys: list[str], prefix: str) -> slice:
    """The positions in `keys` (sorted) of the keys that start with `prefix`: a Kreis's
    Gemeinden, a Land's Kreise, found by bisection instead of filtering all 14,000."""
    return slice(bisect_left(keys, prefix), bisect_left(keys, prefix + "\uffff"))

"""German number and period format (1.234,5; 31.12.2015; 2011–2015): the one formatter of the
SWOT sentences, the renderers and the charts.

Numbers round half up on their decimal text, as the statistical offices publish (0,25 → 0,3;
Python's own format would give 0,2 by rounding half to even on the binary value).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["format_basis", "format_de", "format_kreise", "format_period", "round_half_up"]


def round_half_up(value: float, decimals: int = 0) -> Decimal:
    """`value` rounded half up at `decimals`, from its shortest decimal text (`repr`)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def format_de(value: float | None, decimals: int = 1, *, sign: bool = False, unit: str = "") -> str:
    """`1234.56` → `1.234,6`; `–` for a missing value; `sign` puts `+` before a positive
    number; a minus only where the rounded number is not zero; `unit` follows after a space."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    rounded = round_half_up(abs(value), decimals)
    text = f"{rounded:,.{decimals}f}".translate(str.maketrans(",.", ".,"))
    if value < 0 and rounded != 0:
        text = "−" + text
    elif sign and value > 0 and rounded != 0:
        text = "+" + text
    return f"{text} {unit}" if unit else text


def format_period(period: str) -> str:
    """`2015-12-31` → `31.12.2015`, `2011/2015` → `2011–2015`, a year stays a year."""
    if "/" in period:
        a, b = period.split("/")
        return f"{a[:4]}–{b[:4]}"
    if len(period) == 10:
        return f"{period[8:10]}.{period[5:7]}.{period[:4]}"
    return period


_BASES = {
    "vor2011": "Basis vor dem Zensus 2011",
    "zensus2011": "Basis Zensus 2011",
    "zensus2022": "Basis Zensus 2022",
}


def format_basis(basis: str) -> str:
    """`zensus2022` → `Basis Zensus 2022`: the census a population figure rests on."""
    return _BASES.get(basis, basis)


def format_kreise(keys: list[str]) -> str:
    """`["11001"]` → `Kreis 11001`, more → `Kreise 11001, 11002`: keys in a German sentence,
    not a Python list."""
    return f"{'Kreis' if len(keys) == 1 else 'Kreise'} {', '.join(keys)}"

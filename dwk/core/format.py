"""German number and period format (1.234,5; 31.12.2015; 2011–2015), shared by the SWOT
sentences and the renderers."""

from __future__ import annotations

import math


def format_de(value: float | None, decimals: int = 1, *, sign: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{abs(value):,.{decimals}f}".replace(",", "\u2009").replace(".", ",")
    text = text.replace("\u2009", ".")
    if value < 0 and text.strip("0,.") != "":
        return "−" + text
    if sign and value > 0 and text.strip("0,.") != "":
        return "+" + text
    return text


def format_period(period: str) -> str:
    """`2015-12-31` → `31.12.2015`, `2011/2015` → `2011–2015`, a year stays a year."""
    if "/" in period:
        a, b = period.split("/")
        return f"{a[:4]}–{b[:4]}"
    if len(period) == 10:
        return f"{period[8:10]}.{period[5:7]}.{period[:4]}"
    return period

"""German number format (1.234,5), shared by the SWOT sentences and the renderers."""

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

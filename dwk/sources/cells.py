"""One cell of an official table: a number, a symbol, or a number with a flag.

GENESIS/Zeichenerklärung: `-` nothing (a true zero), `.` unknown or secret, `...` not yet
available, `x` not meaningful, `/` not reliable enough, `()` limited reliability (the number
inside is kept), letters `e p r s` final/provisional/revised/estimated. A symbol is never read
as a number and never dropped: it becomes the flag next to the value.
"""

from __future__ import annotations

import math
import re

SYMBOLS: dict[str, str] = {
    "-": "nichts vorhanden (genau null)",
    ".": "Zahlenwert unbekannt oder geheim zu halten",
    "...": "Angabe fällt später an",
    "x": "Tabellenfach gesperrt, weil Aussage nicht sinnvoll",
    "/": "keine Angabe, da Zahlenwert nicht sicher genug",
    "()": "Aussagewert eingeschränkt",
    "e": "endgültiges Ergebnis",
    "p": "vorläufiges Ergebnis",
    "r": "berichtigtes Ergebnis",
    "s": "geschätztes Ergebnis",
    "empty": "leeres Tabellenfach",
}
LETTER_FLAGS = frozenset("eprs")
HIDDEN = frozenset({".", "...", "x", "/"})
"""Symbols that hide the value: the cell has no number, whatever else is known."""
_PLAIN = re.compile(r"^-?\d+(?:,\d+)?$")
_DOTTED = re.compile(r"^-?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_SPACED = re.compile(r"^-?\d{1,3}(?: \d{3})+(?:[.,]\d+)?$")
_POINT = re.compile(r"^-?\d+\.\d+$")


class CellError(ValueError):
    """A cell that is neither a number nor a known symbol."""


def parse_number(text: str, *, decimal: str = ",") -> float:
    t = text.strip()
    if decimal == "," and (_PLAIN.match(t) or _DOTTED.match(t)):
        return float(t.replace(".", "").replace(",", "."))
    if _SPACED.match(t):
        return float(t.replace(" ", "").replace(",", "."))
    if decimal == "." and (_POINT.match(t) or re.match(r"^-?\d+$", t)):
        return float(t)
    raise CellError(f"kein Zahlenwert: {text!r}")


def parse_cell(text: str) -> tuple[float, str]:
    """(value, flag) of one cell; NaN where the symbol hides the value."""
    t = text.strip()
    if t == "":
        return math.nan, "empty"
    if t == "-":
        return 0.0, "-"
    if t in HIDDEN:
        return math.nan, t
    if t.startswith("(") and t.endswith(")"):
        return parse_number(t[1:-1]), "()"
    if t[-1] in LETTER_FLAGS and len(t) > 1:
        return parse_number(t[:-1].rstrip()), t[-1]
    return parse_number(t), ""


def is_flag(text: str) -> bool:
    """True for the content of a quality-flag column (new GENESIS format)."""
    t = text.strip()
    return t == "" or t in LETTER_FLAGS or t in HIDDEN or t == "-"

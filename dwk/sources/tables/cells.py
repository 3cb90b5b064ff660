"""One cell of an official table: a number, a symbol, or a number with a flag.

GENESIS/Zeichenerklärung: `-` nothing (a true zero), `.` unknown or secret, `...` not yet
available, `x` not meaningful, `/` not reliable enough, `()` limited reliability (the number
inside is kept), letters `e p r s` final/provisional/revised/estimated. A symbol is never read
as a number and never dropped: it becomes the flag next to the value.

The Regionalatlas writes the symbols as numbers (`2222222222` for `-`, `5555555555` for `.`, …);
read as numbers they would become populations of billions, so they are read as their symbols.
"""

from __future__ import annotations

import math
import re

from dwk.core.format import format_de

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
REGIONALATLAS = {
    "2222222222": "-",
    "5555555555": ".",
    "6666666666": "x",
    "7777777777": "/",
    "8888888888": "...",
}
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
    t = REGIONALATLAS.get(t, t)
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


def has_thousands(text: str) -> bool:
    """A number written with a thousands separator (`216.253`, `1 234`), flags aside."""
    t = text.strip()
    if t.startswith("(") and t.endswith(")"):
        t = t[1:-1]
    elif len(t) > 1 and t[-1] in LETTER_FLAGS:
        t = t[:-1].rstrip()
    return bool(_DOTTED.match(t) or _SPACED.match(t))


# (flag, singular, plural): what a reader of a table should know about its cells, in this order
_NOTES = (
    ("-", "Zelle „-“ (nichts vorhanden) als 0 gelesen", "Zellen „-“ (nichts vorhanden) als 0 gelesen"),
    (".", "Zelle geheim oder unbekannt (.)", "Zellen geheim oder unbekannt (.)"),
    ("...", "Zelle fällt später an (...)", "Zellen fallen später an (...)"),
    ("x", "Zelle gesperrt, Aussage nicht sinnvoll (x)", "Zellen gesperrt, Aussage nicht sinnvoll (x)"),
    ("/", "Zelle nicht sicher genug (/)", "Zellen nicht sicher genug (/)"),
    ("()", "Wert mit eingeschränkter Aussagekraft (Klammern)",
     "Werte mit eingeschränkter Aussagekraft (Klammern)"),
    ("p", "Wert vorläufig (p)", "Werte vorläufig (p)"),
    ("r", "Wert berichtigt (r)", "Werte berichtigt (r)"),
    ("s", "Wert geschätzt (s)", "Werte geschätzt (s)"),
    ("empty", "leere Zelle", "leere Zellen"),
)  # fmt: skip


def counted(n: int, singular: str, plural: str) -> str:
    """ "147.582 Zellen …": the count grouped like every other number a reader sees."""
    return f"{format_de(n, 0)} {singular if n == 1 else plural}"


def cell_warnings(flags: dict[str, int], thousands: int = 0, sentinels: int = 0) -> list[str]:
    """One counted German line per kind of handled cell, in a fixed order."""
    out = [counted(flags[f], one, many) for f, one, many in _NOTES if flags.get(f)]
    if thousands:
        out.append(
            counted(
                thousands,
                "Zahl mit Tausendertrennzeichen gelesen (216.253 = 216253)",
                "Zahlen mit Tausendertrennzeichen gelesen (216.253 = 216253)",
            )
        )
    if sentinels:
        out.append(
            counted(
                sentinels,
                "Regionalatlas-Platzhalter als Zeichen gelesen (5555555555 = .)",
                "Regionalatlas-Platzhalter als Zeichen gelesen (5555555555 = .)",
            )
        )
    return out

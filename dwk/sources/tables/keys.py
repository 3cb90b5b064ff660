"""Official area keys in every form the files use, normalised to one scheme.

dwk keys: `DG` Germany; 2-digit Land; 3-digit Regierungsbezirk; 5-digit Kreis; 7-digit
Verbandsgemeinde; 8-digit AGS for a Gemeinde, or the key of a Samt-/Verbandsgemeinde (kept as
it is, level `verband`). The level follows from the table's structure: an 8-digit key that
longer keys start with is a Verband; a 10-, 11- or 12-digit key is a Gemeinde whose AGS is
its first five and last three digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dwk.core.types import LEVELS

KEY = re.compile(r"^(DG|\d{2}|\d{3}|\d{5}|\d{7}|\d{8}|\d{10}|\d{11}|\d{12})$")
LAENDER = frozenset(f"{n:02d}" for n in range(1, 17))
# Lengths only one Land uses: 7 and 10 digits are Rheinland-Pfalz's Verbandsgemeinden and their
# Gemeinden, 11 digits Niedersachsen's Samtgemeinde members (data/raw/SOURCES.md). A key of
# another length that lost its leading zero in a spreadsheet (`1001000`, `10010000000`) would
# otherwise pass as one of them.
_ONLY_IN = {7: "07", 10: "07", 11: "03"}


def is_key(text: str) -> bool:
    """A well-formed key: the right length, a Land 01–16 in front, and the Land a 7-, 10- or
    11-digit key can only belong to."""
    t = text.strip()
    if not KEY.match(t):
        return False
    if t == "DG":
        return True
    return t[:2] in LAENDER and _ONLY_IN.get(len(t), t[:2]) == t[:2]


_KEY_SHAPED = re.compile(r"^(DG|[0-9][0-9A-Za-z]{0,11}|[0-9]{1,12}\.0+)$")
_AS_NUMBER = re.compile(r"^([0-9]{1,12})\.0+$")


def looks_like_key(text: str) -> bool:
    """Meant as a key, well-formed or not (`1051`, `0100100X`, `1051.0`): `DG`, or a digit
    followed by up to eleven letters or digits, or digits saved as a number with `.0`; labels of
    other columns have spaces, hyphens or start with a letter."""
    return bool(_KEY_SHAPED.match(text.strip()))


def key_problem(text: str) -> str:
    """Why a cell of the key column is no key, as the error message says it. A key saved as a
    number (`1051.0`) is refused, never repaired: which zero it lost is a guess."""
    t = text.strip()
    hint = ""
    if m := _AS_NUMBER.match(t):
        digits = m[1]
        meant = next((k for k in (digits, "0" + digits) if is_key(k)), None)
        hint = " (als Zahl gespeichert" + (f"; gemeint wohl '{meant}')" if meant else ")")
    elif t.isdigit() and is_key("0" + t):
        hint = f" (führende Null verloren? gemeint wohl '0{t}')"
    return f"ungültiger Gebietsschlüssel {t!r}{hint}"


def classify(keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Map each raw key of one table to (dwk key, level)."""
    raw = [k.strip() for k in keys]
    prefixes = {k[:8] for k in raw if len(k) in (10, 11)}
    out: dict[str, tuple[str, str]] = {}
    for k in raw:
        n = len(k)
        if k == "DG":
            out[k] = ("DG", "de")
        elif n == 2:
            out[k] = (k, "land")
        elif n == 3:
            out[k] = (k, "rb")
        elif n == 5:
            out[k] = (k, "kreis")
        elif n == 7:
            out[k] = (k, "verband")
        elif n == 8:
            out[k] = (k, "verband" if k in prefixes else "gemeinde")
        else:
            out[k] = (k[:5] + k[-3:], "gemeinde")
    return out


CITY_STATES = ("02", "11")
"""Hamburg and Berlin: each Land is one Kreis and one Gemeinde, whatever districts a table
lists below it."""


def missing_children(keys: Iterable[str], depth: str) -> dict[str, list[tuple[str, str]]]:
    """Rows that stand for deeper levels too: Berlin and Hamburg appear as Land rows (at most
    with their districts below), kreisfreie Städte only with their Kreis key in Gemeinde tables.

    Returns, for each such raw key, the extra (dwk key, level) it also stands for.
    """
    raw = sorted({k.strip() for k in keys if k.strip() != "DG"})
    extra: dict[str, list[tuple[str, str]]] = {}
    want = LEVELS.index(depth)
    for i, k in enumerate(raw):
        has_child = i + 1 < len(raw) and raw[i + 1].startswith(k)
        if has_child and k not in CITY_STATES:
            continue
        if len(k) == 2 and want >= LEVELS.index("kreis"):
            extra[k] = [(k + "000", "kreis")]
            if want >= LEVELS.index("gemeinde"):
                extra[k].append((k + "000000", "gemeinde"))
        elif len(k) == 5 and want >= LEVELS.index("gemeinde"):
            extra[k] = [(k + "000", "gemeinde")]
    present = set(raw)
    return {k: [e for e in v if e[0] not in present] for k, v in extra.items()}

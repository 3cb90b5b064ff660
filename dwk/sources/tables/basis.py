"""The census basis of each population figure: which census the Fortschreibung counts on from.

A population figure of the Fortschreibung is only comparable with one on the same basis: the
Zensus 2011 lowered Germany by 1.5 million, the Zensus 2022 again (Köln 1,073,096 →
1,021,253). Bases (`Basis`):

- `vor2011`: before the Zensus 2011, the Fortschreibung counted on from the Volkszählung of
  25.05.1987 (früheres Bundesgebiet) and the Zentrales Einwohnerregister der DDR of 03.10.1990
  (neue Länder), as the footnote of 12411-04-02-4 says;
- `zensus2011`: from 09.05.2011 on, and the Zensus 2011 count itself (12111-*);
- `zensus2022`: from 15.05.2022 on, and the Zensus 2022 count itself (1000A-*);
- `""`: not a population figure (areas, events, codes), or a table of unknown kind.

Where a file states its basis (a footnote "ab Berichtsjahr 2011: nach dem Zensus 2011") that
is used; a sidecar (`<file>.meta.toml`, `[basis]`) overrides it per period; for the rest the
rule below applies, and `TableMeta.basis_from` says which of the three it was, per period.

The rule (also in the README): GENESIS 12411-* (Fortschreibung) is `vor2011` before 09.05.2011,
`zensus2011` up to the 2022 rebase, `zensus2022` from Stichtag 31.12.2022 (years from 2022) on;
the Gemeindeverzeichnis (GV-ISys) editions up to 31.12.2023 are Zensus-2011-based (SOURCES.md
§10), later ones are taken as Zensus-2022-based (no later edition has been seen: an assumption
that the file's own statement or a sidecar overrides); the census
count tables are their own census. A statement "ab 2011: Zensus 2011" in a footer written
before the 2022 rebase covers the years up to 2021 only.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

import numpy as np
import pandas as pd

from dwk.sources.tables.labels import period_year
from dwk.sources.tables.meta import TableMeta

Basis = Literal["vor2011", "zensus2011", "zensus2022", ""]
"""The values of `dwk.core.types.Basis` (main), plus "" for a figure that has no basis."""
BASES: tuple[str, ...] = get_args(Basis)
BasisFrom = Literal["datei", "sidecar", "regel"]
LABELS = {
    "vor2011": "Fortschreibung auf Grundlage der Volkszählung 1987 (West) bzw. des Zentralen "
    "Einwohnerregisters der DDR 1990 (Ost)",
    "zensus2011": "auf Grundlage des Zensus 2011",
    "zensus2022": "auf Grundlage des Zensus 2022",
}
ZENSUS_2011 = "2011-05-09"
ZENSUS_2022 = "2022-05-15"
GV_LAST_2011_EDITION = "2023-12-31"  # SOURCES.md §10: the GV of 31.12.2023 is 2011-based
POPULATION_UNIT = "Anzahl"  # a basis belongs to counts of people, not to areas or codes

_FROM_YEAR = re.compile(
    r"(?:ab (?:dem )?Berichtsjahr|Berichtsjahr \(?ab|\bab)\s+(\d{4})\)?:?[^.;]*?"
    r"Zensus(?: vom \d{1,2}\. ?\w+)? (2011|2022)",
    re.IGNORECASE,
)
_WHOLE = re.compile(r"(?:Grundlage|Basis) (?:der Ergebnisse )?des Zensus (2011|2022)", re.I)
_VZ = re.compile(r"Volkszählung vom 25\. Mai 1987", re.IGNORECASE)


def _end(period: str) -> str:
    """The last day a period covers, as ISO text: a year ends on 31.12., a span on its end."""
    if len(period) == 10:
        return period
    return f"{period_year(period)}-12-31"


def stated(footnotes: list[str]) -> list[tuple[int, int, Basis]]:
    """(first year, last year, basis) the footer states; years inclusive, 9999 = open."""
    text = re.sub(r"\s+", " ", " ".join(footnotes))
    found: list[tuple[int, Basis]] = [
        (int(m[1]), f"zensus{m[2]}") for m in _FROM_YEAR.finditer(text)
    ]  # type: ignore[misc]
    if not found:
        whole = {f"zensus{m[1]}" for m in _WHOLE.finditer(text)}
        return [(0, 9999, whole.pop())] if len(whole) == 1 else []  # type: ignore[list-item]
    found = sorted(set(found))
    out: list[tuple[int, int, Basis]] = []
    if _VZ.search(text) and found[0][1] == "zensus2011":
        out.append((0, found[0][0] - 1, "vor2011"))
    for i, (first, basis) in enumerate(found):
        last = found[i + 1][0] - 1 if i + 1 < len(found) else 9999
        if basis == "zensus2011":
            last = min(last, 2021)  # written before the 2022 rebase
        out.append((first, last, basis))
    return out


def rule(code: str, period: str) -> Basis:
    """The basis a table's population figure has when neither file nor sidecar says."""
    end = _end(period)
    if code.startswith("12111"):
        return "zensus2011"
    if code.startswith("1000A"):
        return "zensus2022"
    if code == "GV-ISys":
        if end < ZENSUS_2011:
            return "vor2011"
        return "zensus2011" if end <= GV_LAST_2011_EDITION else "zensus2022"
    if code.startswith("12411"):
        if end < ZENSUS_2011:
            return "vor2011"
        return "zensus2011" if end < ZENSUS_2022 else "zensus2022"
    return ""


def assign(meta: TableMeta, frame: pd.DataFrame, sidecar: dict[str, str] | None = None) -> None:
    """Set `frame["basis"]` per cell and `meta.basis`/`meta.basis_from` per period."""
    statements = stated(meta.footnotes)
    meta.basis, meta.basis_from = {}, {}
    for period in meta.periods:
        if sidecar and period in sidecar:
            basis, origin = sidecar[period], "sidecar"
        elif found := [b for lo, hi, b in statements if lo <= period_year(period) <= hi]:
            basis, origin = found[-1], "datei"
        else:
            basis, origin = rule(meta.code, period), "regel"
        if basis:
            meta.basis[period], meta.basis_from[period] = basis, origin
    mapped = frame["period"].astype(str).map(meta.basis).astype(object)
    per_period = mapped.where(mapped.notna(), "").to_numpy(dtype=object)
    counts = frame["unit"].astype(str).eq(POPULATION_UNIT).to_numpy()
    frame["basis"] = np.where(counts, per_period, "")


def summary(meta: TableMeta) -> str:
    """One German line: which Stichtage are on which basis, and where that came from."""
    if not meta.basis:
        return ""
    runs: list[list] = []
    for period in meta.periods:
        if period not in meta.basis:
            continue
        key = (meta.basis[period], meta.basis_from[period])
        if runs and runs[-1][0] == key:
            runs[-1][2] = period
        else:
            runs.append([key, period, period])
    origin = {"datei": "laut Datei", "sidecar": "laut Sidecar", "regel": "nach Regel"}
    parts = []
    for (basis, source), first, last in runs:
        span = _german(first) if first == last else f"{_german(first)}–{_german(last)}"
        parts.append(f"{span} {SHORT[basis]} ({origin[source]})")
    return "Zensus-Basis: " + ", ".join(parts)


SHORT = {"vor2011": "vor Zensus 2011", "zensus2011": "Zensus 2011", "zensus2022": "Zensus 2022"}


def _german(period: str) -> str:
    return ".".join(reversed(period.split("-"))) if len(period) == 10 else period

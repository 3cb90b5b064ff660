"""Published regional projections (`data/published_projections.toml`) beside dwk's own: the
change a publisher states between two years and dwk's change over the same years, as a
plausibility check. Only years that both the record and dwk's projection cover are compared;
a record outside them is listed with the reason, never stretched to fit. A record that starts
before dwk's projection (an older base) is compared from the observed population of its first
year, on the census basis of dwk's run: both then say where the area will be in the last year,
from the same starting figure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dwk.core import paths
from dwk.core.toml_records import Field, Schema, check, load, records, sections

RECORD: Schema = {
    "area": Field(str, required=True, nonempty=True),
    "publisher": Field(str, required=True, nonempty=True),
    "title": Field(str, required=True, nonempty=True),
    "base_year": Field(int, required=True),
    "variant": Field(str, required=True, nonempty=True),
    "values": Field(dict, of=(int, float)),
    "change": Field(float),
    "change_from": Field(int),
    "change_to": Field(int),
    "source": Field(str, required=True, nonempty=True),
    "url": Field(str, required=True, nonempty=True),
    "release_url": Field(str),
    "published": Field(date),
    "accessed": Field(date, required=True),
    "licence": Field(str, required=True, nonempty=True),
    "note": Field(str),
}


@dataclass(frozen=True)
class Published:
    area: str
    publisher: str
    title: str
    base_year: int
    variant: str
    source: str
    url: str
    accessed: date
    licence: str
    values: dict[int, float] | None = None  # year -> persons on 31.12.
    change: float | None = None  # stated change in %, from change_from to change_to
    change_from: int | None = None
    change_to: int | None = None
    release_url: str = ""
    published: date | None = None
    note: str = ""

    def covers(self, key: str) -> bool:
        """A Kreis key also stands for its kreisfreie Stadt as Gemeinde (05913 → 05913000)."""
        return key in (self.area, self.area + "000")

    @property
    def years(self) -> list[int]:
        if self.values is not None:
            return sorted(self.values)
        return [self.change_from, self.change_to]  # type: ignore[list-item]


@dataclass(frozen=True)
class Comparison:
    record: Published
    span: tuple[int, int]  # the years compared, else the record's own first and last
    published: float | None  # change in % over `span`; None where not compared
    main: float | None  # dwk's main variant over `span`
    low: float | None  # smallest and largest change of dwk's variants
    high: float | None
    reason: str = ""  # why not compared, in German
    observed_from: float | None = None  # the observed population of span[0], before dwk's years

    @property
    def difference(self) -> float | None:
        """dwk's main variant minus the published change, in percentage points."""
        if self.main is None or self.published is None:
            return None
        return self.main - self.published


def load_published(path: Path | None = None) -> list[Published]:
    """The records of the file, checked by type; an inconsistent record is an error at its line."""
    path = path or paths.data_dir() / "published_projections.toml"
    raw, lines = load(path)
    sections(raw, ("projection",), lines)
    out = []
    for i, entry in enumerate(records(raw, "projection", lines)):
        where, name = ("projection", i), f"Vorausberechnung Nr. {i + 1}"
        fields = check(entry, RECORD, lines, where, name)

        def fail(message: str, key: str | None = None) -> Exception:
            return lines.error(f"{name}: {message}", where, key)  # noqa: B023

        if not re.fullmatch(r"\d{5}|\d{8}", fields["area"]):
            raise fail("area muss ein Kreis- (5 Ziffern) oder Gemeindeschlüssel (8) sein", "area")
        stated = [k for k in ("change", "change_from", "change_to") if k in fields]
        if ("values" in fields) == bool(stated):
            raise fail("entweder values oder change mit change_from und change_to angeben")
        if stated and len(stated) < 3:
            raise fail("change braucht change_from und change_to", stated[0])
        if stated and fields["change_from"] >= fields["change_to"]:
            raise fail("change_from muss vor change_to liegen", "change_from")
        if "values" in fields:
            fields["values"] = _years(fields["values"], lambda m: fail(m, "values"))
        out.append(Published(**fields))
    return out


def _years(values: dict, fail) -> dict[int, float]:
    if not all(re.fullmatch(r"\d{4}", k) for k in values):
        raise fail("values braucht Jahre als Schlüssel, z. B. { 2020 = 587696, 2040 = 584743 }")
    if len(values) < 2:
        raise fail("values braucht mindestens zwei Jahre")
    if any(v <= 0 for v in values.values()):
        raise fail("values: Einwohnerzahlen müssen größer als 0 sein")
    return {int(k): float(v) for k, v in sorted(values.items())}


def for_area(published: list[Published], key: str) -> list[Published]:
    return [r for r in published if r.covers(key)]


def change(first: float, last: float) -> float:
    """Relative change in %: (last − first) / first × 100."""
    return (last - first) / first * 100


def compare(
    record: Published,
    years: list[int],
    totals: dict[str, list[float]],
    main: str,
    observed: Mapping[int, float] | None = None,
) -> Comparison:
    """The record beside dwk's totals (variant label -> persons over `years`). A stated change is
    compared over its own years; `values` over the first and last year dwk also projects.
    `observed`: the area's observed population of years before `years` (on the run's census
    basis), from which a record that starts earlier is compared (see the module docstring)."""
    before = {y: v for y, v in (observed or {}).items() if y < years[0] and v > 0}
    if record.values is not None:
        shared = [y for y in record.years if y in years]
        first = next((y for y in record.years if y in years or y in before), None)
        span = (first, shared[-1]) if shared and first is not None and first < shared[-1] else None
    else:
        wanted = (record.change_from, record.change_to)
        ok = record.change_to in years and (
            record.change_from in years or record.change_from in before
        )
        span = wanted if ok else None  # type: ignore[assignment]
    own = (record.years[0], record.years[-1])
    if span is None:
        outside = [y for y in record.years if y not in years]
        reason = (
            f"nicht verglichen: {', '.join(map(str, outside))} "
            f"{'liegt' if len(outside) == 1 else 'liegen'} außerhalb der "
            f"Vorausberechnung von dwk ({years[0]}–{years[-1]})"
        )
        return Comparison(record, own, None, None, None, None, reason)
    start = before.get(span[0])
    b = years.index(span[1])
    ours = {
        label: change(t[years.index(span[0])] if start is None else start, t[b])
        for label, t in totals.items()
    }
    if record.values is not None:
        stated = change(record.values[span[0]], record.values[span[1]])
    else:
        stated = record.change  # type: ignore[assignment]
    return Comparison(
        record, span, stated, ours[main], min(ours.values()), max(ours.values()), "", start
    )

"""Indicators as records for `dwk indicators`: one record per area and indicator, with the
official key, value, unit, period, flag and source tables."""

from __future__ import annotations

import csv
import math
from typing import TextIO, get_args

from dwk.areas import Area, Registry
from dwk.core.errors import DwkError
from dwk.indicators.catalogue import load_catalogue
from dwk.indicators.compute import compute
from dwk.inputs.context import Context
from dwk.inputs.gebietsstand import Gebietsstand
from dwk.inputs.population import Line
from dwk.render.output import write_result
from dwk.store import Store

LEVELS = ("kreis", "gemeinde", "land")
GEBIETSSTAENDE: tuple[Gebietsstand, ...] = get_args(Gebietsstand)
FIELDS = ("area", "name", "level", "id", "value", "unit", "period", "basis", "flag", "tables")


def indicator_records(
    store: Store,
    registry: Registry,
    queries: list[str],
    level: str | None,
    year: int | None,
    gebietsstand: str = "aktuell",
) -> list[dict]:
    """`gebietsstand`: "aktuell", every figure of the area's territory of today, as a profile
    shows it; "jeweilig", of its territory on the Stichtag, as the tables publish it
    (`inputs.gebietsstand`)."""
    if level is not None and level not in LEVELS:
        raise DwkError(f"unbekannte Ebene {level!r} (möglich: {', '.join(LEVELS)})")
    if gebietsstand not in GEBIETSSTAENDE:
        raise DwkError(
            f"unbekannter Gebietsstand {gebietsstand!r} (möglich: {', '.join(GEBIETSSTAENDE)})"
        )
    ctx = Context(store, registry.changes)
    ctx = ctx.jeweilig() if gebietsstand == "jeweilig" else ctx
    if level:
        areas = _existing(ctx, registry.at_level(level), year)
    else:
        areas = [registry.resolve(q) for q in queries]
    catalogue = load_catalogue()
    keys = [a.key for a in areas]
    values = compute(ctx, catalogue, keys, year=year)
    if year is not None and values.empty:  # before, an empty table and exit code 0
        wide = [ctx.population(line).values for line in get_args(Line)]
        years = [y for w in wide for y in w.columns if w[y].notna().any()]
        raise DwkError(
            f"keine Werte für {year}: die Einwohnerzahlen im Datenbestand reichen von "
            f"{min(years)} bis {max(years)} (dwk data status)"
        )
    units = {d.id: d.unit for d in catalogue}
    order = {d.id: i for i, d in enumerate(catalogue)}
    by_key = {a.key: a for a in areas}
    position = {k: i for i, k in enumerate(keys)}
    values = values.assign(_o=values["id"].map(order), _k=values["area_key"].map(position))
    out = []
    for r in values.sort_values(["_k", "_o"]).itertuples(index=False):
        a = by_key[r.area_key]
        out.append(
            {
                "area": r.area_key,
                "name": a.name,
                "level": a.level,
                "id": r.id,
                "value": None if math.isnan(r.value) else round(float(r.value), 6),
                "unit": units[r.id],
                "period": r.period,
                "basis": r.basis,
                "flag": r.flag,
                "tables": r.tables,
            }
        )
    return out


def _existing(ctx: Context, areas: list[Area], year: int | None) -> list[Area]:
    """The areas with a population on 31.12. of `year`, or of the level's latest year: keys that
    were merged away are not listed with an old value."""
    totals = ctx.observed_totals.reindex([a.key for a in areas])
    present = totals.notna()
    target = year if year is not None else max(y for y in totals.columns if present[y].any())
    if target not in totals.columns:
        return []
    return [a for a, ok in zip(areas, present[target], strict=True) if ok]


def write_records(records: list[dict], fmt: str, stream: TextIO) -> None:
    def as_csv(out: TextIO) -> None:
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)

    write_result(
        fmt, stream, table=lambda out: _table(records, out), body=lambda: records, csv=as_csv
    )


def _table(records: list[dict], stream: TextIO) -> None:
    """For reading: the indicator's label, its value at the catalogue's decimals and German
    dates; the ids and full values are in the CSV and JSON."""
    from rich.console import Console
    from rich.table import Column, Table

    from dwk.core.format import format_de, format_period

    defs = {d.id: d for d in load_catalogue()}
    table = Table(
        "Gebiet", "Indikator", Column("Wert", justify="right"), "Einheit", "Stichtag", "Kennz."
    )
    for r in records:
        d = defs[r["id"]]
        value = format_de(r["value"], d.decimals)
        table.add_row(
            f"{r['area']} {r['name']}",
            d.label,
            value,
            r["unit"],
            format_period(r["period"]),
            r["flag"],
        )
    Console(file=stream, width=140).print(table)

"""`dwk project` output: the projected population by single year of age (0..89, 90+) and sex,
as CSV, JSON or a short table, with the assumptions it rests on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

import numpy as np
import pandas as pd

from dwk.areas import Registry
from dwk.core.errors import DwkError
from dwk.core.format import format_de
from dwk.inputs.context import Context
from dwk.projection import batches
from dwk.projection import model as fc
from dwk.projection.backtest import CHECK_GROUPS, TOTAL, Backtest
from dwk.projection.describe import area_levels, basis_name
from dwk.projection.engine import OUTPUT_TOP, SEXES, output_bands
from dwk.projection.frame import load_frame
from dwk.projection.kreis_inputs import kreis_bases, kreis_keys
from dwk.projection.migration import VARIANTS
from dwk.projection.result import Projection, subset
from dwk.projection.today import project_today
from dwk.render.output import write_result
from dwk.store import Store

CSV_COLUMNS = ["area", "variant", "year", "sex", "age_from", "age_to", "value"]
TOTAL_COLUMNS = ["area", "variant", "year", "value"]
OUT_SEXES = (*SEXES, "total")


def projection_for(
    store: Store,
    registry: Registry,
    queries: list[str],
    level: str | None,
    base_year: int | None,
    to: int,
    variants: list[str] | None,
) -> tuple[Projection, dict[str, str]]:
    """The projection `dwk project` prints, and the names of its areas."""
    _check_variants(variants)
    ctx = Context(store, registry.changes)
    if level == "kreis":
        keys = kreis_keys(ctx, base_year or kreis_bases(ctx)[-1])
    elif level is not None:
        raise DwkError(f"--level {level!r} nicht möglich (möglich: kreis, gemeinde)")
    elif not queries:
        raise DwkError("AREA… oder --level kreis|gemeinde angeben")
    else:
        keys = list(dict.fromkeys(registry.resolve(q).key for q in queries))
    # NoProjection is a DwkError: the CLI prints it as one line with exit code 2
    if level is None and base_year is None:  # each area asked for on its territory of today
        proj = project_today(ctx, keys, to, tuple(variants or VARIANTS))
    else:
        proj = fc.project_areas(ctx, keys, base_year, to, tuple(variants or VARIANTS))
    names = {k: registry.get(k).name for k in keys}
    return proj, names


def _check_variants(variants: list[str] | None) -> None:
    unknown = [v for v in variants or [] if v not in VARIANTS]
    if unknown:
        raise DwkError(f"unbekannte Variante {unknown[0]!r} (möglich: {', '.join(VARIANTS)})")


def _cube(proj: Projection, variant: str) -> np.ndarray:
    """(years, areas, 3 sexes, 91 ages): male, female, total."""
    pop = output_bands(proj.runs[variant].population)
    return np.concatenate([pop, pop.sum(axis=2, keepdims=True)], axis=2).round(1)


def frame(proj: Projection) -> pd.DataFrame:
    """One row per area, variant, year, sex and age; age_to exclusive, empty for 90+."""
    ages = np.arange(OUTPUT_TOP + 1)
    age_to = pd.array([*range(1, OUTPUT_TOP + 1), None], dtype="Int64")
    parts = []
    for variant in proj.runs:
        cube = _cube(proj, variant)
        idx = np.indices(cube.shape).reshape(4, -1)
        parts.append(
            pd.DataFrame(
                {
                    "area": np.array(proj.keys)[idx[1]],
                    "variant": variant,
                    "year": np.array(proj.years)[idx[0]],
                    "sex": np.array(OUT_SEXES)[idx[2]],
                    "age_from": ages[idx[3]],
                    "age_to": age_to[idx[3]],
                    "value": cube.reshape(-1),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)[CSV_COLUMNS]
    return _existing(out, proj).sort_values("area", kind="stable", ignore_index=True)


def run_project(
    store: Store,
    registry: Registry,
    queries: list[str],
    level: str | None,
    base_year: int | None,
    to: int,
    variants: list[str] | None,
    fmt: str,
    *,
    totals: bool = False,
    backtest: bool = False,
    out: TextIO,
    err: TextIO,
) -> None:
    """`dwk project`: the backtest, the totals or the full projection, in `fmt`."""
    if backtest:
        from dwk.projection.backtest import run_backtest

        write_backtest(run_backtest(Context(store, registry.changes)), fmt, out)
        return
    if level == "gemeinde":
        _write_gemeinden(store, registry, base_year, to, variants, fmt, totals, out, err)
        return
    proj, names = projection_for(store, registry, queries, level, base_year, to, variants)
    (write_totals if totals else write_projection)(proj, names, fmt, out, err)


def gemeinde_batches(
    ctx: Context, base_year: int | None, to: int, variants: list[str] | None
) -> Iterator[Projection]:
    """Every Gemeinde of the base year with an age structure, one projection per Kreis (the
    batch `model.project_gemeinden` computes anyway), in key order (`batches.projected_gemeinden`)."""
    _check_variants(variants)
    for kreis in kreis_keys(ctx, batches.gemeinde_base(ctx)):
        members = batches.projected_gemeinden(ctx, kreis, base_year)
        if members:
            yield fc.project_areas(
                ctx, members, base_year, to, tuple(variants or VARIANTS), dissolved=True
            )


def _write_gemeinden(
    store: Store,
    registry: Registry,
    base_year: int | None,
    to: int,
    variants: list[str] | None,
    fmt: str,
    totals: bool,
    out: TextIO,
    err: TextIO,
) -> None:
    """`--level gemeinde`: Kreis by Kreis, so memory stays flat; CSV is streamed, the totals
    can also be JSON or a table."""
    if fmt not in ("table", "json", "csv"):  # before a run of half a minute
        raise DwkError(f"unbekanntes Format {fmt!r} (möglich: table, json, csv)")
    ctx = Context(store, registry.changes)
    batches = gemeinde_batches(ctx, base_year, to, variants)
    if fmt == "csv":
        last = None
        for i, proj in enumerate(batches):
            rows = totals_frame(proj) if totals else frame(proj)
            rows.to_csv(out, index=False, header=i == 0, lineterminator="\n", float_format="%.1f")
            last = proj
        for a in last.assumptions if last is not None else []:
            err.write(f"# {a.topic}: {a.text} [{a.tables}]\n")
        return
    if not totals:
        raise DwkError("--level gemeinde ohne --totals nur mit --format csv")
    first, parts = None, []
    for proj in batches:  # keep only the totals of each batch
        first = first or subset(proj, proj.keys[:1])
        parts.append(totals_frame(proj))
    if first is None:
        raise DwkError("keine Gemeinde mit Altersstruktur")
    rows = pd.concat(parts, ignore_index=True)
    names = {k: _name(registry, k) for k in rows["area"].unique()}
    write_totals(first, names, fmt, out, err, rows=rows)


def _name(registry: Registry, key: str) -> str:
    """The area's name; empty for keys of 2015 the area list does not have."""
    try:
        return registry.get(key).name
    except DwkError:
        return ""


def totals_frame(proj: Projection) -> pd.DataFrame:
    """One row per area, variant and year: the total population, the sum of the `total` rows
    of `frame` over the ages (so a file of totals adds up with the full one)."""
    parts = []
    for variant in proj.runs:
        total = _cube(proj, variant)[:, :, 2].sum(axis=2).round(1)  # (years, areas)
        idx = np.indices(total.shape).reshape(2, -1)
        parts.append(
            pd.DataFrame(
                {
                    "area": np.array(proj.keys)[idx[1]],
                    "variant": variant,
                    "year": np.array(proj.years)[idx[0]],
                    "value": total.reshape(-1),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)[TOTAL_COLUMNS]
    return _existing(out, proj).sort_values("area", kind="stable", ignore_index=True)


def _existing(rows: pd.DataFrame, proj: Projection) -> pd.DataFrame:
    """The rows of years in which their area existed (`Projection.ends`)."""
    if not proj.ends:
        return rows
    last = rows["area"].map(proj.ends).fillna(np.inf)
    return rows.loc[(rows["year"] <= last).to_numpy(dtype=bool)]


def write_totals(
    proj: Projection,
    names: dict[str, str],
    fmt: str,
    out: TextIO,
    err: TextIO,
    rows: pd.DataFrame | None = None,
) -> None:
    """`--totals`: `area,variant,year,value`, small enough for every Gemeinde in one file.
    `rows` are the totals when `proj` holds only the assumptions (`--level gemeinde`)."""
    rows = totals_frame(proj) if rows is None else rows

    def as_csv(stream: TextIO) -> None:
        rows.to_csv(stream, index=False, lineterminator="\n", float_format="%.1f")
        for a in proj.assumptions:
            err.write(f"# {a.topic}: {a.text} [{a.tables}]\n")

    def body() -> dict:
        return {
            "base_year": proj.base_year,
            "base_table": proj.base_table,
            "census_basis": proj.line,
            "assumptions": [vars(a) for a in proj.assumptions],
            "totals": [
                {
                    "area": r.area,
                    "name": names.get(r.area, ""),
                    "variant": r.variant,
                    "year": int(r.year),
                    "value": float(r.value),
                }
                for r in rows.itertuples(index=False)
            ],
        }

    def table(stream: TextIO) -> None:
        from rich.console import Console
        from rich.table import Table

        console = Console(file=stream, width=140)
        for key, part in rows.groupby("area", sort=False):
            wide = part.pivot(index="year", columns="variant", values="value")
            wide = wide[list(dict.fromkeys(part["variant"]))]
            t = Table(title=f"{key} {names.get(key, '')}: {_title(proj)}")
            t.add_column("Jahr")
            for variant in wide.columns:
                t.add_column(variant, justify="right")
            for year, values in wide.iterrows():
                t.add_row(str(year), *(format_de(v, 0) for v in values))
            console.print(t)
        for a in proj.assumptions:
            console.print(f"[bold]{a.topic}[/bold]: {a.text} [dim]({a.tables})[/dim]")

    write_result(fmt, out, table=table, body=body, csv=as_csv)


def write_projection(
    proj: Projection, names: dict[str, str], fmt: str, out: TextIO, err: TextIO
) -> None:
    def as_csv(stream: TextIO) -> None:
        frame(proj).to_csv(stream, index=False, lineterminator="\n", float_format="%.1f")
        for a in proj.assumptions:
            err.write(f"# {a.topic}: {a.text} [{a.tables}]\n")

    write_result(
        fmt,
        out,
        table=lambda stream: _table(proj, names, stream),
        body=lambda: _json(proj, names),
        csv=as_csv,
    )


def _json(proj: Projection, names: dict[str, str]) -> dict:
    cubes = {variant: _cube(proj, variant) for variant in proj.runs}
    areas = []
    for i, key in enumerate(proj.keys):
        series = [
            {"variant": variant, "year": year, "sex": sex, "values": cube[j, i, s].tolist()}
            for variant, cube in cubes.items()
            for j, year in enumerate(proj.years)
            for s, sex in enumerate(OUT_SEXES)
        ]
        areas.append(
            {
                "area": key,
                "name": names.get(key, ""),
                "assumptions": area_levels(proj, i),
                "series": series,
            }
        )
    fert = proj.fertility
    return {
        "base_year": proj.base_year,
        "base_table": proj.base_table,
        "census_basis": proj.line,
        "ages": [f"{a}" for a in range(OUTPUT_TOP)] + [f"{OUTPUT_TOP}+"],
        "assumptions": [vars(a) for a in proj.assumptions],
        "germany": {
            "life_table": proj.life_table,
            "fertility_year": fert.year,
            "asfr": {str(a): round(float(fert.asfr[a]), 6) for a in range(15, 50)},
            "share_male_births": round(fert.share_male, 6),
        },
        "areas": areas,
    }


def _title(proj: Projection) -> str:
    return f"Bevölkerung am 31.12. ({basis_name(proj.line)})"


def _table(proj: Projection, names: dict[str, str], out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=140)
    shown = [y for y in proj.years if (y - proj.base_year) % 5 == 0 or y == proj.years[-1]]
    for i, key in enumerate(proj.keys):
        table = Table(title=f"{key} {names.get(key, '')}: {_title(proj)}")
        table.add_column("Jahr")
        for variant in proj.runs:
            table.add_column(variant, justify="right")
        for y in shown:
            j = proj.years.index(y)
            cells = [format_de(r.totals()[j, i], 0) for r in proj.runs.values()]
            table.add_row(str(y), *cells)
        console.print(table)
    for a in proj.assumptions:
        console.print(f"[bold]{a.topic}[/bold]: {a.text} [dim]({a.tables})[/dim]")


def write_backtest(bt: Backtest, fmt: str, out: TextIO) -> None:
    body = {
        "areas": bt.areas,
        "years": bt.years,
        "age_years": list(bt.groups_years),
        "gemeinden": bt.gemeinde_areas,
        "persistence": bt.persistence,
        "scores": bt.records(),
    }
    write_result(
        fmt,
        out,
        table=lambda stream: _backtest_table(bt, stream),
        body=lambda: body,
        csv=lambda stream: pd.DataFrame(bt.records()).to_csv(
            stream, index=False, lineterminator="\n"
        ),
    )


STATS = {
    "mape": "mittlerer absoluter prozentualer Fehler (MAPE, %)",
    "bias": "mittlerer Fehler mit Vorzeichen (%, negativ: zu niedrig)",
    "too_low": "Anteil der zu niedrig vorausberechneten Kreise (%)",
}


def _backtest_table(bt: Backtest, out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=160)
    methods = bt.methods()
    groups = [
        g
        for g, _, _ in CHECK_GROUPS
        if any(s.measure == g for s in bt.scores if s.level == "kreis")
    ]
    counts = {y: bt.score("kreis", methods[0], TOTAL, y).areas for y in bt.years}
    other: dict[int, list[int]] = {}
    for y, n in counts.items():
        if n != counts[bt.years[0]]:
            other.setdefault(n, []).append(y)
    kreise = f"{counts[bt.years[0]]} Kreise" + "".join(
        f" ({' und '.join(map(str, ys))}: {n})" for n, ys in other.items()
    )
    alike = {m: tuple(bt.score("kreis", m, TOTAL, y).mape for y in bt.years) for m in VARIANTS}
    until = max(load_frame().migration_observed)
    note = (  # three equal rows look like a fault without it
        f"Die Varianten gleichen sich bis {until}: bis dahin folgt die Wanderung Deutschlands "
        "der beobachteten (data/projection_frame.toml), erst danach ihren Annahmen."
    )
    for stat, label in STATS.items():
        table = Table(title=f"Rückrechnung: {kreise} ab 31.12.{bt.base}, {label}")
        if stat == "mape" and len(set(alike.values())) == 1 and max(bt.years) <= until:
            table.caption = note
        table.add_column("Verfahren", no_wrap=True)
        for y in bt.years:
            table.add_column(f"{y} ({y - bt.base} J.)", justify="right")
        ages = Table(
            title=f"Rückrechnung nach Altersgruppen: {counts[bt.years[0]]} Kreise, {label}"
        )
        ages.add_column("Verfahren", no_wrap=True)
        for y in bt.groups_years:
            for g in groups:
                ages.add_column(f"{g} {y}", justify="right")
        digits = 2 if stat != "too_low" else 0
        for method in methods:
            cells = [getattr(bt.score("kreis", method, TOTAL, y), stat) for y in bt.years]
            table.add_row(method, *(format_de(v, digits) for v in cells))
            by_age = [
                getattr(bt.score("kreis", method, g, y), stat)
                for y in bt.groups_years
                for g in groups
            ]
            ages.add_row(method, *(format_de(v, digits) for v in by_age))
        console.print(table)
        if bt.groups_years and groups:
            console.print(ages)
    measures = list(dict.fromkeys(s.measure for s in bt.scores if s.level == "gemeinde"))
    for measure in measures:
        for year in bt.gemeinde_years():
            first = bt.score("gemeinde", methods[0], measure, year)
            lines = Table(
                title=f"{measure} ab 31.12.{bt.base}, Fehler 31.12.{year} in %",
                caption=f"{first.areas} Gemeinden, beobachtet: Gemeindeverzeichnis 31.12.{year}",
            )
            lines.add_column("Verfahren")
            for head in ("MAPE", "Median", "mittl. Fehler", "zu niedrig"):
                lines.add_column(head, justify="right")
            for method in methods:
                sc = bt.score("gemeinde", method, measure, year)
                lines.add_row(
                    method,
                    format_de(sc.mape, 2),
                    format_de(sc.median, 2),
                    format_de(sc.bias, 2),
                    format_de(sc.too_low, 0),
                )
            console.print(lines)

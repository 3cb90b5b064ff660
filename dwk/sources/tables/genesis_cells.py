"""The second half of the GENESIS table reader: from the split lines (`genesis.Rows`) to tidy
cells. The header lines and row-label columns are classified by content (period, key, name,
sex, age band, unit, variable), the values parsed with their flags, and the keys classified by
level. Every value column has its own header and every area appears once per period and
breakdown; anything else is an error with line and column.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dwk.core.errors import InputError
from dwk.sources.tables import keys as keymod
from dwk.sources.tables import labels
from dwk.sources.tables.cells import (
    REGIONALATLAS,
    CellError,
    cell_warnings,
    counted,
    has_thousands,
    is_flag,
    parse_cell,
)
from dwk.sources.tables.meta import TableMeta

if TYPE_CHECKING:
    from pathlib import Path

    from dwk.sources.tables.genesis import Rows as _Rows

TITLE_VARIABLE = re.compile(r"^(.+?)\s*\(([^()]+)\)$")
DEPTH = re.compile(r"regionale Tiefe:\s*(.+)", re.IGNORECASE)


def _header_labels(rows: _Rows, new_format: bool) -> tuple[int, int, list[list[str]]]:
    lead = min(_leading_empty(h) for h in rows.headers)
    width = max(max(len(r) for _, r, _ in rows.data), max(len(h) for h in rows.headers))
    lines = []
    for h in rows.headers:
        cells = [(h[j].strip() if j < len(h) else "") for j in range(lead, width)]
        if new_format:
            for j in range(1, len(cells)):
                if not cells[j]:
                    cells[j] = cells[j - 1]
        lines.append(cells)
    return lead, width, lines


def _leading_empty(row: list[str]) -> int:
    n = 0
    for c in row:
        if c.strip():
            break
        n += 1
    return n


def _classify_line(values: list[str]) -> list[tuple[str, str]]:
    """(kind, value) for each label of one header line or row-label column."""
    kinds = []
    has_sex = any(v in labels.SEXES for v in values)
    has_age = any(labels.age_band(v) for v in values)
    for v in values:
        if not v:
            kinds.append(("none", ""))
        elif p := labels.period(v):
            kinds.append(("period", p))
        elif v in labels.SEXES:
            kinds.append(("sex", labels.SEXES[v]))
        elif a := labels.age_band(v):
            kinds.append(("age", a))
        elif v == labels.TOTAL and has_sex:
            kinds.append(("sex", "total"))
        elif v == labels.TOTAL and has_age:
            kinds.append(("age", "total"))
        elif v in labels.UNITS:
            kinds.append(("unit", v))
        elif labels.is_dimension_name(v):
            kinds.append(("none", ""))
        else:
            kinds.append(("variable", v))
    return kinds


def _describe(kinds: list[tuple[str, str]]) -> dict[str, str]:
    d: dict[str, str] = {}
    parts = []
    for kind, value in kinds:
        if kind == "variable":
            parts.append(value)
        elif kind != "none":
            d[kind] = value
    if parts:
        d["variable"] = " | ".join(parts)
    return d


def cells(path: Path, rows: _Rows, new_format: bool, meta: TableMeta) -> pd.DataFrame:
    lead, width, header_lines = _header_labels(rows, new_format)
    nrows = len(rows.data)
    grid = np.array([(r + [""] * (width - len(r)))[:width] for _, r, _ in rows.data], dtype=object)
    grid = np.vectorize(str.strip, otypes=[object])(grid)
    value_cols = list(range(lead, width))
    flag_of: dict[int, int] = {}
    if new_format:
        for j in value_cols[1:]:
            col = grid[:, j]
            if all(is_flag(v) for v in col) and any(v for v in col) and j - 1 not in flag_of:
                flag_of[j - 1] = j
        value_cols = [j for j in value_cols if j not in flag_of.values()]
    value_cols = [
        j for j in value_cols if any(grid[:, j]) or any(h[j - lead] for h in header_lines)
    ]
    if not value_cols:
        raise InputError("Tabelle ohne Wertespalten", file=path)

    col_kinds = [_classify_line(line) for line in header_lines]
    col_desc = []
    for j in value_cols:
        col_desc.append(_describe([kinds[j - lead] for kinds in col_kinds]))
    _check_unique_columns(path, rows, col_desc, value_cols)

    roles = _row_roles(path, grid, lead, rows)
    row_desc: list[dict[str, str]] = [{} for _ in range(nrows)]
    for c, role in enumerate(roles):
        if role == "dim":
            for i, (kind, value) in enumerate(_classify_line(list(grid[:, c]))):
                if kind == "variable" and "variable" in row_desc[i]:
                    row_desc[i]["variable"] += " | " + value
                elif kind != "none":
                    row_desc[i][kind] = value
        elif role == "period":
            for i in range(nrows):
                row_desc[i]["period"] = labels.period(grid[i, c]) or ""

    _check_unique_rows(path, rows, grid, roles, row_desc)
    title_var, title_unit = "", ""
    for t in rows.titles:
        if m := TITLE_VARIABLE.match(t):
            title_var, title_unit = m[1], m[2]
    key_col = roles.index("key") if "key" in roles else None
    name_col = roles.index("name") if "name" in roles else None
    raw_keys = grid[:, key_col] if key_col is not None else np.array(["DG"] * nrows, dtype=object)
    names = (
        grid[:, name_col]
        if name_col is not None
        else np.array(["Deutschland"] * nrows, dtype=object)
    )

    values = grid[:, value_cols]
    flags_grid = (
        np.stack(
            [grid[:, flag_of[j]] if j in flag_of else np.full(nrows, "") for j in value_cols],
            1,
        )
        if flag_of
        else None
    )
    parsed, thousands, sentinels = _parse_values(path, values, value_cols, rows)
    nv = len(value_cols)
    frame = pd.DataFrame(
        {
            "row": np.repeat(np.arange(nrows), nv),
            "col": np.tile(np.arange(nv), nrows),
            "value": parsed[0].ravel(),
            "flag": parsed[1].ravel(),
        }
    )
    if flags_grid is not None:
        extra = flags_grid.ravel()
        frame["flag"] = np.where(extra != "", extra, frame["flag"].to_numpy())

    def attribute(name: str) -> np.ndarray:
        per_col = np.array([d.get(name, "") for d in col_desc], dtype=object)
        per_row = np.array([d.get(name, "") for d in row_desc], dtype=object)
        return np.where(per_col[None, :] != "", per_col[None, :], per_row[:, None]).ravel()

    period = _fill_period(path, attribute("period"), rows, nv)
    frame["period"] = period
    var = attribute("variable")
    frame["variable"] = [" | ".join(p for p in (title_var, v) if p) or meta.title for v in var]
    frame["sex"] = [v or "total" for v in attribute("sex")]
    frame["age"] = [v or "total" for v in attribute("age")]
    frame["unit"] = [v or title_unit for v in attribute("unit")]
    frame["source_key"] = raw_keys[frame["row"].to_numpy()]
    frame["area_name"] = names[frame["row"].to_numpy()]
    frame["line"] = np.array([line for line, _, _ in rows.data])[frame["row"].to_numpy()]
    frame["column"] = np.asarray(value_cols)[frame["col"].to_numpy()] + 1  # for error messages
    before = len(frame)
    frame = _drop_nonexistent(frame)
    meta.warnings = _line_warnings(rows, before - len(frame)) + cell_warnings(
        frame["flag"].value_counts().to_dict(), thousands, sentinels
    )
    return _with_keys(frame, meta, rows)


def _line_warnings(rows: _Rows, dropped: int) -> list[str]:
    out = []
    if rows.blank:
        out.append(counted(rows.blank, "Leerzeile übersprungen", "Leerzeilen übersprungen"))
    if rows.stray:
        out.append(
            counted(
                rows.stray,
                "Textzeile ohne Werte zwischen den Daten übersprungen",
                "Textzeilen ohne Werte zwischen den Daten übersprungen",
            )
        )
    if rows.footer_lines:
        out.append(
            counted(
                rows.footer_lines,
                "Fußzeile übersprungen (Fußnoten, ©, Stand)",
                "Fußzeilen übersprungen (Fußnoten, ©, Stand)",
            )
        )
    else:
        out.append("keine Fußzeile mit © und Stand: Datei womöglich unvollständig")
    if dropped:
        out.append(
            counted(
                dropped,
                "Zelle weggelassen: Gebiet im Zeitraum nur mit „-“ (bestand nicht)",
                "Zellen weggelassen: Gebiet im Zeitraum nur mit „-“ (bestand nicht)",
            )
        )
    return out


def _check_unique_columns(
    path: Path, rows: _Rows, col_desc: list[dict[str, str]], value_cols: list[int]
) -> None:
    """Two value columns with the same header would give the same cells twice."""
    seen: dict[tuple, int] = {}
    for j, desc in zip(value_cols, col_desc, strict=True):
        key = tuple(sorted(desc.items()))
        if key in seen:
            raise InputError(
                f"Spalte {j + 1} hat denselben Kopf wie Spalte {seen[key] + 1}",
                file=path,
                line=rows.header_lines[0],
                column=j + 1,
            )
        seen[key] = j


def _check_unique_rows(
    path: Path, rows: _Rows, grid: np.ndarray, roles: list[str], row_desc: list[dict[str, str]]
) -> None:
    """An area twice for the same period and breakdown: which of the two is right is unknown."""
    key_col = roles.index("key") if "key" in roles else None
    seen: dict[tuple, int] = {}
    for i, (line, _, body_period) in enumerate(rows.data):
        raw = grid[i, key_col] if key_col is not None else ""
        ident = (raw, body_period, tuple(sorted(row_desc[i].items())))
        if ident in seen:
            what = f"Gebietsschlüssel {raw!r}" if key_col is not None else "Zeile"
            raise InputError(
                f"{what} doppelt (zuerst in Zeile {seen[ident]})",
                file=path,
                line=line,
                column=(key_col or 0) + 1,
            )
        seen[ident] = line


def _fill_period(path: Path, per_cell: np.ndarray, rows: _Rows, nv: int) -> list[str]:
    body = np.repeat([p for _, _, p in rows.data], nv)
    out = []
    for cell, b in zip(per_cell, body, strict=True):
        p = cell or b or rows.title_period
        if not p:
            raise InputError("keine Zeitangabe (Stichtag oder Jahr) gefunden", file=path)
        out.append(p)
    return out


def _row_roles(path: Path, grid: np.ndarray, lead: int, rows: _Rows) -> list[str]:
    """Role of each row-label column: period, key, name (right after the key) or dimension.

    A column is the key column when most of its cells are keys; a cell in it that is not one
    (a key that lost its leading zero, a typo) is an error, never a silent Germany-only table.
    """
    roles: list[str] = []
    for c in range(lead):
        col = list(grid[:, c])
        if all(labels.period(v) for v in col):
            roles.append("period")
        elif "key" not in roles and sum(map(keymod.looks_like_key, col)) * 2 > len(col):
            bad = next((i for i, v in enumerate(col) if not keymod.is_key(v)), None)
            if bad is not None:
                raise InputError(
                    keymod.key_problem(col[bad]),
                    file=path,
                    line=rows.data[bad][0],
                    column=c + 1,
                )
            roles.append("key")
        elif roles and roles[-1] == "key":
            roles.append("name")
        else:
            roles.append("dim")
    return roles


def _parse_values(
    path: Path, values: np.ndarray, value_cols: list[int], rows: _Rows
) -> tuple[tuple[np.ndarray, np.ndarray], int, int]:
    """(values, flags), and how many cells had a thousands separator or were a Regionalatlas
    placeholder."""
    flat = values.ravel()
    series = pd.Series(flat, dtype=object)
    counts = series.value_counts().to_dict()
    lookup: dict[str, tuple[float, str]] = {}
    thousands = sentinels = 0
    for u in pd.unique(series):  # in file order: the first bad cell is the one reported
        n = counts[u]
        try:
            lookup[u] = parse_cell(u)
        except CellError as exc:
            idx = int(np.flatnonzero(flat == u)[0])
            i, k = divmod(idx, values.shape[1])
            raise InputError(
                str(exc), file=path, line=rows.data[i][0], column=value_cols[k] + 1
            ) from None
        thousands += int(n) if has_thousands(u) else 0
        sentinels += int(n) if u in REGIONALATLAS else 0
    vals = np.fromiter((lookup[v][0] for v in flat), dtype=float, count=flat.size)
    flags = np.array([lookup[v][1] for v in flat], dtype=object)
    return (vals.reshape(values.shape), flags.reshape(values.shape)), thousands, sentinels


def _drop_nonexistent(frame: pd.DataFrame) -> pd.DataFrame:
    """An area whose every cell of a period is `-` did not exist then: no data, not zeros."""
    dash = frame["flag"].eq("-")
    all_dash = dash.groupby([frame["row"], frame["period"]]).transform("all")
    return frame.loc[~all_dash]


def _with_keys(frame: pd.DataFrame, meta: TableMeta, rows: _Rows) -> pd.DataFrame:
    raw = frame["source_key"].unique().tolist()
    classified = keymod.classify(raw)
    depth_text = next((m[1] for t in rows.titles if (m := DEPTH.search(t))), "")
    levels_present = {lvl for _, lvl in classified.values()}
    if "Gemeinden" in depth_text:
        depth = "gemeinde"
    elif "Kreise" in depth_text:
        depth = "kreis"
    else:
        depth = max(levels_present, key=keymod.LEVELS.index)
    meta.depth = depth
    frame = frame.assign(
        area_key=frame["source_key"].map({k: v[0] for k, v in classified.items()}),
        level=frame["source_key"].map({k: v[1] for k, v in classified.items()}),
    )
    extras = keymod.missing_children(raw, depth)
    parts = [frame]
    for raw_key, targets in extras.items():
        sub = frame.loc[frame["source_key"] == raw_key]
        for key, level in targets:
            parts.append(sub.assign(area_key=key, level=level))
    out = pd.concat(parts, ignore_index=True)
    out["table"] = meta.code
    out["source"] = meta.source_file
    out["year"] = out["period"].map(labels.period_year).astype("int16")
    return out.drop(columns=["row", "col"])

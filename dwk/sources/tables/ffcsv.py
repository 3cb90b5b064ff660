"""Reader for the GENESIS / Zensus-Datenbank flat file ("ffcsv"): one value per line, the
dimensions as `N_variable_*` column groups, the quality flag in `value_q`.

A value cell is read like a cell of the table CSV (`dwk.sources.tables.cells`): a symbol (`.`, `-`, …)
becomes its flag; an empty value takes the symbol `value_q` gives, if it is one.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd

from dwk.core.errors import InputError
from dwk.sources.tables import keys as keymod
from dwk.sources.tables import labels
from dwk.sources.tables.cells import (
    HIDDEN,
    REGIONALATLAS,
    CellError,
    cell_warnings,
    counted,
    has_thousands,
    parse_cell,
)
from dwk.sources.tables.meta import TableMeta
from dwk.sources.text import DelimitedRows

_REGION_CODES = frozenset({"DINSG", "DLAND", "REGBEZ", "KREISE", "GEMEIN"})
"""GENESIS-Online / regionalstatistik codes of the regional dimension (the Zensus database
writes `GEOGM4`, `GEOLK4`, …: every code starting with GEO)."""
_REGION_LABEL = re.compile(
    r"^(Deutschland|Bundesländer|Länder|Regierungsbezirke|Kreise|Gemeinden)\b"
)
REQUIRED = ("statistics_code", "statistics_label", "time", "value", "value_unit")
ZENSUS_COPYRIGHT = "© Statistische Ämter des Bundes und der Länder, Deutschland, 2024"


def looks_like(first_line: str) -> bool:
    return first_line.lstrip("\ufeff").startswith("statistics_code;")


def read_ffcsv(path: Path, text: str, encoding: str) -> tuple[TableMeta, pd.DataFrame]:
    rows = DelimitedRows(path, text, ";")
    fields = rows.fields
    missing = [f for f in REQUIRED if f not in fields]
    if missing:
        raise InputError(f"Flatfile ohne Spalten {', '.join(missing)}", file=path, line=1)
    records, thousands, sentinels, seen = [], 0, 0, {}
    dims = sorted({f.split("_", 1)[0] for f in fields if f[:1].isdigit() and "_variable_" in f})
    for line, row in rows:
        rec, geo = _record(path, row, fields, dims, line)
        ident = tuple(rec[k] for k in ("source_key", "period", "variable", "sex", "age", "unit"))
        if ident in seen:
            raise InputError(
                f"Wert doppelt: Gebiet {rec['source_key']!r}, {rec['period']} "
                f"(zuerst in Zeile {seen[ident]})",
                file=path,
                line=line,
                column=geo,
            )
        seen[ident] = line
        raw = row["value"].strip()
        thousands += has_thousands(raw)
        sentinels += raw in REGIONALATLAS
        records.append(rec)
    if not records:
        raise InputError("Flatfile ohne Datenzeilen", file=path)
    frame = pd.DataFrame.from_records(records)
    classified = keymod.classify(frame["source_key"].unique().tolist())
    frame["area_key"] = frame["source_key"].map({k: v[0] for k, v in classified.items()})
    frame["level"] = frame["source_key"].map({k: v[1] for k, v in classified.items()})
    code = records[0]["table"]
    meta = TableMeta(
        code=code,
        title=records[0]["title"],
        source_file=path.name,
        encoding=encoding,
        copyright=ZENSUS_COPYRIGHT if code.startswith("1000A") else "",
        depth=max(frame["level"].unique(), key=keymod.LEVELS.index),
    )
    frame["table"] = meta.code
    frame["source"] = path.name
    frame["year"] = frame["period"].map(labels.period_year).astype("int16")
    meta.periods = sorted(frame["period"].unique().tolist())
    blank = rows.blank
    meta.warnings = (
        [counted(blank, "Leerzeile übersprungen", "Leerzeilen übersprungen")] if blank else []
    ) + cell_warnings(dict(Counter(frame["flag"])), thousands, sentinels)
    return meta, frame.drop(columns=["title"])


def _record(
    path: Path, row: dict[str, str], fields: list[str], dims: list[str], line: int
) -> tuple[dict, int]:
    """One value line as a tidy cell, and the column of its area key (for errors)."""
    raw, q = row["value"].strip(), row.get("value_q", "").strip()
    try:
        value, flag = parse_cell(raw)
    except CellError as exc:
        raise InputError(str(exc), file=path, line=line, column=fields.index("value") + 1) from None
    if flag in ("", "empty") and q:
        if flag == "empty" and (q in HIDDEN or q == "-"):
            value, flag = parse_cell(q)
        elif flag == "":
            flag = q
    period = labels.period(row["time"].strip())
    if not period:
        raise InputError(
            f"keine Zeitangabe: {row['time']!r}",
            file=path,
            line=line,
            column=fields.index("time") + 1,
        )
    rec = {
        "table": row["statistics_code"].strip(),
        "title": row["statistics_label"].strip(),
        "source_key": "DG",
        "area_name": "Deutschland",
        "variable": row.get("value_variable_label", "") or row["statistics_label"],
        "sex": "total",
        "age": "total",
        "unit": row["value_unit"],
        "value": value,
        "flag": flag,
        "period": period,
        "line": line,
        "column": fields.index("value") + 1,  # for error messages
    }
    geo = 1
    for d in dims:
        code = row.get(f"{d}_variable_code", "")
        attr_code = row.get(f"{d}_variable_attribute_code", "").strip()
        attr = row.get(f"{d}_variable_attribute_label", "").strip()
        if _is_region(code, row.get(f"{d}_variable_label", "")):
            rec["source_key"], rec["area_name"] = attr_code, attr
            geo = fields.index(f"{d}_variable_attribute_code") + 1
        elif attr in labels.SEXES:
            rec["sex"] = labels.SEXES[attr]
        elif band := labels.age_band(attr):
            rec["age"] = band
        else:
            rec["variable"] += " | " + attr
    if not keymod.is_key(rec["source_key"]):
        raise InputError(
            keymod.key_problem(rec["source_key"]),
            file=path,
            line=line,
            column=geo,
        )
    return rec, geo


def _is_region(code: str, label: str) -> bool:
    """The dimension that names the area: by its code, or by its label for a code not seen."""
    return code.startswith("GEO") or code in _REGION_CODES or bool(_REGION_LABEL.match(label))

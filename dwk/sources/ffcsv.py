"""Reader for the GENESIS / Zensus-Datenbank flat file ("ffcsv"): one value per line, the
dimensions as `N_variable_*` column groups, the quality flag in `value_q`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from dwk.errors import InputError
from dwk.sources import keys as keymod
from dwk.sources import labels
from dwk.sources.cells import CellError, parse_number
from dwk.sources.meta import TableMeta

REQUIRED = ("statistics_code", "statistics_label", "time", "value", "value_unit")
ZENSUS_COPYRIGHT = "© Statistische Ämter des Bundes und der Länder, Deutschland, 2024"


def looks_like(first_line: str) -> bool:
    return first_line.lstrip("\ufeff").startswith("statistics_code;")


def read_ffcsv(path: Path, text: str, encoding: str) -> tuple[TableMeta, pd.DataFrame]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    fields = reader.fieldnames or []
    missing = [f for f in REQUIRED if f not in fields]
    if missing:
        raise InputError(f"Flatfile ohne Spalten {', '.join(missing)}", file=path, line=1)
    dims = sorted({f.split("_", 1)[0] for f in fields if f[0].isdigit() and "_variable_" in f})
    records = []
    first_row_code = first_row_label = ""
    for row in reader:
        if not records:
            first_row_code, first_row_label = (
                row["statistics_code"],
                row["statistics_label"],
            )
        line = reader.line_num
        if None in row or any(row[f] is None for f in REQUIRED):
            raise InputError("Zeile hat zu wenige Spalten", file=path, line=line)
        raw = row["value"].strip()
        try:
            value, flag = (
                (parse_number(raw), row.get("value_q", "").strip())
                if raw
                else (
                    float("nan"),
                    "empty",
                )
            )
        except CellError as exc:
            raise InputError(
                str(exc), file=path, line=line, column=fields.index("value") + 1
            ) from None
        rec = {
            "source_key": "DG",
            "area_name": "Deutschland",
            "variable": row.get("value_variable_label", "") or row["statistics_label"],
            "sex": "total",
            "age": "total",
            "unit": row["value_unit"],
            "value": value,
            "flag": flag,
            "period": labels.period(row["time"].strip()) or row["time"].strip(),
            "line": line,
        }
        for d in dims:
            code = row.get(f"{d}_variable_code", "")
            attr_code = row.get(f"{d}_variable_attribute_code", "").strip()
            attr = row.get(f"{d}_variable_attribute_label", "").strip()
            if code.startswith("GEO"):
                rec["source_key"], rec["area_name"] = attr_code, attr
            elif attr in labels.SEXES:
                rec["sex"] = labels.SEXES[attr]
            elif band := labels.age_band(attr):
                rec["age"] = band
            else:
                rec["variable"] += " | " + attr
        if not keymod.is_key(rec["source_key"]):
            raise InputError(
                f"unbekannter Gebietsschlüssel {rec['source_key']!r}",
                file=path,
                line=line,
            )
        records.append(rec)
    if not records:
        raise InputError("Flatfile ohne Datenzeilen", file=path)
    frame = pd.DataFrame.from_records(records)
    classified = keymod.classify(frame["source_key"].unique().tolist())
    frame["area_key"] = frame["source_key"].map({k: v[0] for k, v in classified.items()})
    frame["level"] = frame["source_key"].map({k: v[1] for k, v in classified.items()})
    code = first_row_code
    meta = TableMeta(
        code=code,
        title=first_row_label,
        source_file=path.name,
        encoding=encoding,
        copyright=ZENSUS_COPYRIGHT if code.startswith("1000A") else "",
        depth=max(frame["level"].unique(), key=keymod.LEVELS.index),
    )
    frame["table"] = meta.code
    frame["source"] = path.name
    frame["year"] = frame["period"].map(labels.period_year).astype("int16")
    meta.periods = sorted(frame["period"].unique().tolist())
    return meta, frame

"""Reader for the Destatis Gemeindeverzeichnis extract (GV-ISys "Gemeinden mit ausgewählten
Merkmalen", 31.12.2019): area and population of every Gemeinde, as re-saved comma-separated
UTF-8 with space thousands separators."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from dwk.errors import InputError
from dwk.sources.cells import CellError, parse_number
from dwk.sources.meta import TableMeta

CODE = "GV-ISys"
PERIOD = "2019-12-31"
COPYRIGHT = "© Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV-ISys"
COLUMNS = (
    "satzart",
    "land",
    "rb",
    "kreis",
    "gemeinde",
    "gemeindename",
    "flaeche",
    "bevoelkerung",
)
_VALUES = (
    ("flaeche", "Gebietsfläche", "total", "qkm", "."),
    ("bevoelkerung", "Bevölkerung", "total", "Anzahl", ","),
    ("maennlich", "Bevölkerung", "male", "Anzahl", ","),
    ("weiblich", "Bevölkerung", "female", "Anzahl", ","),
)


def looks_like(first_line: str) -> bool:
    return first_line.lstrip("\ufeff").startswith("satzart,")


def read_gv(path: Path, text: str, encoding: str) -> tuple[TableMeta, pd.DataFrame]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=",")
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"Gemeindeverzeichnis ohne Spalten {', '.join(missing)}", file=path, line=1
        )
    fields = list(reader.fieldnames or [])
    records = []
    for row in reader:
        if row["satzart"].strip() != "60":
            continue
        key = row["land"] + row["rb"] + row["kreis"] + row["gemeinde"]
        if len(key) != 8 or not key.isdigit():
            raise InputError(
                f"ungültiger Gemeindeschlüssel {key!r}", file=path, line=reader.line_num
            )
        for column, variable, sex, unit, decimal in _VALUES:
            raw = (row.get(column) or "").strip()
            try:
                value = parse_number(raw, decimal=decimal) if raw else float("nan")
            except CellError as exc:
                col = fields.index(column) + 1
                raise InputError(str(exc), file=path, line=reader.line_num, column=col) from None
            records.append(
                (
                    key,
                    row["gemeindename"].strip(),
                    variable,
                    sex,
                    unit,
                    value,
                    "" if raw else "empty",
                    reader.line_num,
                )
            )
    if not records:
        raise InputError("Gemeindeverzeichnis ohne Gemeindezeilen (Satzart 60)", file=path)
    frame = pd.DataFrame.from_records(
        records,
        columns=[
            "area_key",
            "area_name",
            "variable",
            "sex",
            "unit",
            "value",
            "flag",
            "line",
        ],
    )
    frame = frame.assign(
        source_key=frame["area_key"],
        level="gemeinde",
        age="total",
        period=PERIOD,
        year=2019,
        table=CODE,
        source=path.name,
    )
    frame["year"] = frame["year"].astype("int16")
    meta = TableMeta(
        code=CODE,
        title="Gemeindeverzeichnis: Gemeinden mit ausgewählten Merkmalen, 4. Quartal",
        source_file=path.name,
        encoding=encoding,
        stand="31.12.2019",
        copyright=COPYRIGHT,
        depth="gemeinde",
        periods=[PERIOD],
    )
    return meta, frame

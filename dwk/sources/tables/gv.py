"""Reader for the Destatis Gemeindeverzeichnis extract (GV-ISys "Gemeinden mit ausgewählten
Merkmalen"): area and population of every Gemeinde, as re-saved comma-separated UTF-8 with
space thousands separators. The re-saved CSV has lost its Stichtag: it comes from the file's
sidecar (`stichtag = "2019-12-31"`); without one, 31.12.2019, the Stichtag of the one such
extract known (`data/raw/grundeinkommensbuero-gv/`). The XLSX as Destatis publishes it is
read by `gv_xlsx` into the same cells."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from dwk.core.errors import InputError
from dwk.sources.tables import keys as keymod
from dwk.sources.tables.cells import CellError, cell_warnings, counted, parse_number
from dwk.sources.tables.meta import TableMeta
from dwk.sources.text import DelimitedRows

CODE = "GV-ISys"
PERIOD = "2019-12-31"  # the shipped extract, when no sidecar names the Stichtag
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
SATZARTEN = ("10", "20", "30", "40", "50", "60")  # Land, RB, Region, Kreis, Verband, Gemeinde
VALUES = (
    ("flaeche", "Gebietsfläche", "total", "qkm", "."),
    ("bevoelkerung", "Bevölkerung", "total", "Anzahl", ","),
    ("maennlich", "Bevölkerung", "male", "Anzahl", ","),
    ("weiblich", "Bevölkerung", "female", "Anzahl", ","),
)

# coded columns kept as numbers: Textkennzeichen (what kind of Gemeinde: 63 Stadt, 64
# Gemeinde …; names in data/gv_kinds.toml) and Grad der Verstädterung (1 dicht, 2 mittel,
# 3 gering besiedelt, Eurostat DEGURBA)
_CODES = (
    ("textkennzeichen", "Gemeindeart (Textkennzeichen)"),  # as the GV XLSX reader names it
    ("verstaedterungschluessel", "Grad der Verstädterung"),
)
KIND, URBANISATION = (variable for _, variable in _CODES)


def looks_like(first_line: str) -> bool:
    return first_line.lstrip("\ufeff").startswith("satzart,")


def read_gv(
    path: Path, text: str, encoding: str, stichtag: str = ""
) -> tuple[TableMeta, pd.DataFrame]:
    period = stichtag or PERIOD
    rows = DelimitedRows(path, text, ",")
    fields = rows.fields
    missing = [c for c in COLUMNS if c not in fields]
    if missing:
        raise InputError(
            f"Gemeindeverzeichnis ohne Spalten {', '.join(missing)}", file=path, line=1
        )
    records, skipped, seen = [], 0, {}
    for line, row in rows:
        satzart = row["satzart"].strip()
        if satzart not in SATZARTEN:
            raise InputError(
                f"unbekannte Satzart {satzart!r} (bekannt: {', '.join(SATZARTEN)})",
                file=path,
                line=line,
                column=fields.index("satzart") + 1,
            )
        if satzart != "60":
            skipped += 1
            continue
        key = "".join(row[c].strip() for c in ("land", "rb", "kreis", "gemeinde"))
        if len(key) != 8 or not keymod.is_key(key):
            raise InputError(
                keymod.key_problem(key).replace("Gebietsschlüssel", "Gemeindeschlüssel"),
                file=path,
                line=line,
                column=fields.index("land") + 1,
            )
        if key in seen:
            raise InputError(
                f"Gemeindeschlüssel {key!r} doppelt (zuerst in Zeile {seen[key]})",
                file=path,
                line=line,
                column=fields.index("land") + 1,
            )
        seen[key] = line
        for column, variable, sex, unit, decimal in VALUES:
            raw = (row.get(column) or "").strip()
            try:
                value = parse_number(raw, decimal=decimal) if raw else float("nan")
            except CellError as exc:
                col = fields.index(column) + 1
                raise InputError(str(exc), file=path, line=line, column=col) from None
            records.append(
                (
                    key,
                    row["gemeindename"].strip(),
                    variable,
                    sex,
                    unit,
                    value,
                    "" if raw else "empty",
                    line,
                    fields.index(column) + 1,
                )
            )
        for column, variable in _CODES:
            # the kind (Textkennzeichen 63 = Stadt …) and the degree of urbanisation; older
            # extracts without these columns simply give none
            raw = (row.get(column) or "").strip()
            if raw.isdigit():
                unit = "Textkennzeichen" if variable == KIND else "Schlüssel"
                records.append(
                    (
                        key,
                        row["gemeindename"].strip(),
                        variable,
                        "total",
                        unit,
                        float(raw),
                        "",
                        line,
                        fields.index(column) + 1,
                    )
                )
    if not records:
        raise InputError("Gemeindeverzeichnis ohne Gemeindezeilen (Satzart 60)", file=path)
    frame = gemeinde_frame(records, period, path)
    meta = TableMeta(
        code=CODE,
        title="Gemeindeverzeichnis: Gemeinden mit ausgewählten Merkmalen, 4. Quartal",
        source_file=path.name,
        encoding=encoding,
        stand=".".join(reversed(period.split("-"))),
        copyright=COPYRIGHT,
        depth="gemeinde",
        periods=[period],
    )
    notes = []
    if rows.blank:
        notes.append(counted(rows.blank, "Leerzeile übersprungen", "Leerzeilen übersprungen"))
    if skipped:
        notes.append(
            counted(
                skipped,
                "Zeile für Land, Bezirk, Region, Kreis oder Verband übersprungen (Satzart 10–50)",
                "Zeilen für Land, Bezirk, Region, Kreis oder Verband übersprungen (Satzart 10–50)",
            )
        )
    meta.warnings = notes + cell_warnings(dict(Counter(frame["flag"])))
    return meta, frame


RECORD = ["area_key", "area_name", "variable", "sex", "unit", "value", "flag", "line", "column"]


def gemeinde_frame(records: list[tuple], period: str, path: Path) -> pd.DataFrame:
    """The tidy cells of a Gemeindeverzeichnis (CSV or XLSX) from its records (`RECORD`: one
    per Gemeinde and value, with the line and column it stands in)."""
    frame = pd.DataFrame.from_records(records, columns=RECORD)
    frame = frame.assign(
        source_key=frame["area_key"],
        level="gemeinde",
        age="total",
        period=period,
        year=int(period[:4]),
        table=CODE,
        source=path.name,
    )
    frame["year"] = frame["year"].astype("int16")
    return frame

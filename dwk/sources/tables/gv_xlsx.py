"""Reader for the Gemeindeverzeichnis as Destatis publishes it (`*_Auszug_GV.xlsx`, any year).

The workbook has a title sheet (`Inhalt`: title, Gebietsstand, Erscheinungsmonat, ©) and one
data sheet whose name changes by edition (`Onlineprodukt_Gemeinden31122023`), so the data sheet
is the one whose heading rows name `Satzart` and `Gemeindename`. Its columns are found by their
headings (a group heading such as `Bevölkerung2)` above `insgesamt`/`männlich`/`weiblich`), not
by position; the rows are read by Satzart (10 Land … 60 Gemeinde) until the footnotes.

The cells are those of the CSV extract (`gv.VALUES`: area, population by sex), plus, where the
edition has them: the Gemeinde's kind (`Textkennzeichen`, e.g. 63 Stadt, 64 Gemeinde; see
`GEMEINDEART`), the Grad der Verstädterung (1 dicht, 2 mittel, 3 gering besiedelt) and the
centre coordinates (WGS84 degrees, written as text with a decimal comma).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pandas as pd

from dwk.core.errors import InputError
from dwk.sources.tables import keys as keymod
from dwk.sources.tables.cells import CellError, cell_warnings, counted, parse_number
from dwk.sources.tables.gv import CODE, SATZARTEN, VALUES, gemeinde_frame
from dwk.sources.tables.meta import TableMeta

GEMEINDEART = {
    60: "Markt",
    61: "Kreisfreie Stadt",
    62: "Stadtkreis",
    63: "Stadt",
    64: "Kreisangehörige Gemeinde",
    65: "Gemeindefreies Gebiet, bewohnt",
    66: "Gemeindefreies Gebiet, unbewohnt",
    67: "Große Kreisstadt",
}
"""Textkennzeichen of Satzart 60 (GV-ISys); checked against the names of the 31.12.2023 edition
(all 1,586 of code 63 and 95 of 67 are Städte, 386 of code 60 end in `, M`)."""
STAEDTE = frozenset({61, 62, 63, 67})
VERSTAEDTERUNG = {1: "dicht besiedelt", 2: "mittlere Besiedlungsdichte", 3: "gering besiedelt"}

# canonical column -> (group heading, column heading); "" matches any; headings normalised
_REQUIRED = {
    "satzart": ("satzart", ""),
    "land": ("", "land"),
    "rb": ("", "rb"),
    "kreis": ("", "kreis"),
    "gemeinde": ("", "gem"),
    "gemeindename": ("gemeindename", ""),
    "flaeche": ("fläche", ""),
    "bevoelkerung": ("bevölkerung", "insgesamt"),
    "maennlich": ("bevölkerung", "männlich"),
    "weiblich": ("bevölkerung", "weiblich"),
}
_OPTIONAL = {
    "textkennzeichen": ("textkennzeichen", ""),
    "laengengrad": ("", "längengrad"),
    "breitengrad": ("", "breitengrad"),
    "verstaedterung": ("gradderverstädterung", "schlüssel"),
}
_LABELS = {
    "satzart": "Satzart", "land": "ARS Land", "rb": "ARS RB", "kreis": "ARS Kreis",
    "gemeinde": "ARS Gem", "gemeindename": "Gemeindename", "flaeche": "Fläche",
    "bevoelkerung": "Bevölkerung insgesamt", "maennlich": "Bevölkerung männlich",
    "weiblich": "Bevölkerung weiblich",
}  # fmt: skip
# (column, variable, unit, reading of the cell)
_EXTRAS = (
    ("textkennzeichen", "Gemeindeart (Textkennzeichen)", "Textkennzeichen", "code"),
    ("verstaedterung", "Grad der Verstädterung", "Schlüssel", "code"),
    ("laengengrad", "Längengrad", "Grad", "decimal"),
    ("breitengrad", "Breitengrad", "Grad", "decimal"),
)
_KEY_WIDTH = {"land": 2, "rb": 1, "kreis": 2, "gemeinde": 3}
_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")
_FOOTNOTE_MARK = re.compile(r"\d\)$")


def looks_like_gv(rows: list[tuple]) -> int | None:
    """The row index (0-based) of the heading row that names Satzart, or None."""
    for i, row in enumerate(rows[:20]):
        cells = [_norm(c) for c in row]
        if "satzart" in cells and "gemeindename" in cells:
            return i
    return None


def read_gv_xlsx(path: Path, data: bytes) -> tuple[TableMeta, pd.DataFrame]:
    import openpyxl  # imported here: only XLSX files need it

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except KeyError:  # a Zip archive without a workbook's parts (xl/workbook.xml …)
        raise InputError(
            "keine XLSX-Datei (Zip-Archiv ohne Excel-Arbeitsmappe)", file=path
        ) from None
    except Exception:  # openpyxl raises many kinds for a broken workbook
        raise InputError(
            "XLSX-Datei beschädigt: Excel-Arbeitsmappe nicht lesbar", file=path
        ) from None
    sheets: dict[str, list[tuple]] = {}
    try:  # read_only: a sheet's XML is parsed only here, row by row
        for ws in wb.worksheets:
            try:
                sheets[ws.title] = list(ws.iter_rows(values_only=True))
            except Exception:  # a cut-off or damaged sheet: XML errors of several kinds
                raise InputError(
                    f"XLSX-Datei beschädigt: Blatt {ws.title} nicht lesbar", file=path
                ) from None
    finally:
        wb.close()
    found = [
        (name, rows, h) for name, rows in sheets.items() if (h := looks_like_gv(rows)) is not None
    ]
    if not found:
        raise InputError(
            "XLSX ohne Gemeindeverzeichnis-Blatt (kein Blatt mit den Spalten Satzart und "
            f"Gemeindename; Blätter: {', '.join(sheets)})",
            file=path,
        )
    sheet, rows, head = found[0]
    cols = _columns(path, sheet, rows, head)
    meta = _meta(path, sheet, rows, head, [r for n, r in sheets.items() if n != sheet])
    frame, notes = _cells(path, sheet, rows, head, cols, meta)
    meta.warnings = notes + cell_warnings(dict(Counter(frame["flag"])))
    return meta, frame


def _norm(value: object) -> str:
    """A heading as a key: footnote marks, hyphens, spaces and case do not matter."""
    text = "" if value is None else str(value)
    text = _FOOTNOTE_MARK.sub("", text.strip())
    return re.sub(r"[\s\-]+", "", text).lower()


def _where(sheet: str, row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"Blatt {sheet}, Zeile {row}, Spalte {get_column_letter(col)}: "


def _columns(path: Path, sheet: str, rows: list[tuple], head: int) -> dict[str, int]:
    """Canonical column name -> 0-based index, from the heading row and the one below it."""
    top, sub = list(rows[head]), list(rows[head + 1]) if head + 1 < len(rows) else []
    width = max(len(top), len(sub))
    group, groups = "", []
    for j in range(width):
        if j < len(top) and top[j] is not None and str(top[j]).strip():
            group = _norm(top[j])
        groups.append(group)
    subs = [_norm(sub[j]) if j < len(sub) else "" for j in range(width)]
    out: dict[str, int] = {}
    for name, (g, s) in {**_REQUIRED, **_OPTIONAL}.items():
        for j in range(width):
            if (not g or groups[j].startswith(g)) and (not s or subs[j] == s):
                out[name] = j
                break
    missing = [n for n in _REQUIRED if n not in out]
    if missing:
        first = missing[0]
        g = _REQUIRED[first][0]
        at = next((j for j in range(width) if g and groups[j].startswith(g)), width)
        raise InputError(
            _where(sheet, head + 1, at + 1)
            + f"Spalte {', '.join(_LABELS[m] for m in missing)} fehlt im Gemeindeverzeichnis",
            file=path,
        )
    return out


def _meta(path: Path, sheet: str, rows: list[tuple], head: int, others: list) -> TableMeta:
    """Title, Stichtag, Stand and © from the title row and the `Inhalt` sheet."""
    title = next((str(r[0]).strip() for r in rows[:head] if r and r[0]), "")
    lines = [str(c).strip() for r in (x for o in others for x in o) for c in r if c]
    stichtag = _DATE.search(title) or next(
        (m for t in lines if t.startswith("Gebietsstand") and (m := _DATE.search(t))), None
    )
    meta = TableMeta(code=CODE, title=title, source_file=path.name, depth="gemeinde")
    if stichtag:
        meta.periods = [f"{stichtag[3]}-{stichtag[2]}-{stichtag[1]}"]
    meta.stand = next(
        (t.split(":", 1)[1].strip() for t in lines if t.startswith("Erscheinungsmonat")), ""
    )
    for i, t in enumerate(lines):
        if t.startswith("©"):
            publisher = lines[i + 1] if i + 1 < len(lines) else ""
            meta.copyright = "© " + publisher if "Statistisches" in publisher else t
            break
    terms = next((t for t in lines if "Quellenangabe gestattet" in t), "")
    if terms:
        meta.licence, meta.licence_stated = terms, True
    meta.footnotes = [t for t in lines if "Zensus" in t]
    return meta


def _cells(
    path: Path, sheet: str, rows: list[tuple], head: int, cols: dict[str, int], meta: TableMeta
) -> tuple[pd.DataFrame, list[str]]:
    if not meta.periods:
        raise InputError(
            _where(sheet, 1, 1) + "kein Stichtag im Titel oder auf dem Blatt Inhalt", file=path
        )
    period = meta.periods[0]
    records, seen, skipped, blank = [], {}, 0, 0
    footer_at = None

    def text(row: tuple, name: str) -> str:
        j = cols.get(name)
        v = row[j] if j is not None and j < len(row) else None
        if isinstance(v, int) and name in _KEY_WIDTH:  # a key part saved as a number: 1 → "01"
            return str(v).zfill(_KEY_WIDTH[name])
        return "" if v is None else str(v).strip()

    for i in range(head + 2, len(rows)):
        row, line = rows[i], i + 1
        satzart = text(row, "satzart")
        if not any(c is not None and str(c).strip() for c in row):
            blank += 1
            continue
        if not satzart and not seen and not skipped:
            continue  # a heading row below the column names ("Gebietsstand am …")
        if satzart not in SATZARTEN:
            if len(satzart) <= 3:
                raise InputError(
                    _where(sheet, line, cols["satzart"] + 1)
                    + f"unbekannte Satzart {satzart!r} (bekannt: {', '.join(SATZARTEN)})",
                    file=path,
                )
            footer_at = i
            break
        if satzart != "60":
            skipped += 1
            continue
        key = "".join(text(row, c) for c in ("land", "rb", "kreis", "gemeinde"))
        if len(key) != 8 or not keymod.is_key(key):
            raise InputError(
                _where(sheet, line, cols["land"] + 1)
                + keymod.key_problem(key).replace("Gebietsschlüssel", "Gemeindeschlüssel"),
                file=path,
            )
        if key in seen:
            raise InputError(
                _where(sheet, line, cols["land"] + 1)
                + f"Gemeindeschlüssel {key!r} doppelt (zuerst in Zeile {seen[key]})",
                file=path,
            )
        seen[key] = line
        name = text(row, "gemeindename")
        for column, variable, sex, unit, _ in VALUES:
            value, flag = _number(path, sheet, line, cols[column], row, "decimal")
            records.append((key, name, variable, sex, unit, value, flag, line, cols[column] + 1))
        for column, variable, unit, kind in _EXTRAS:
            if column in cols:
                value, flag = _number(path, sheet, line, cols[column], row, kind)
                records.append(
                    (key, name, variable, "total", unit, value, flag, line, cols[column] + 1)
                )
    if not records:
        raise InputError(
            _where(sheet, head + 3, 1) + "Gemeindeverzeichnis ohne Gemeindezeilen (Satzart 60)",
            file=path,
        )
    if footer_at is not None:
        meta.footnotes += [str(r[0]).strip() for r in rows[footer_at:] if r and r[0]]
    frame = gemeinde_frame(records, period, path)
    notes = []
    if blank:
        notes.append(counted(blank, "Leerzeile übersprungen", "Leerzeilen übersprungen"))
    if skipped:
        notes.append(
            counted(
                skipped,
                "Zeile für Land, Bezirk, Region, Kreis oder Verband übersprungen (Satzart 10–50)",
                "Zeilen für Land, Bezirk, Region, Kreis oder Verband übersprungen (Satzart 10–50)",
            )
        )
    if footer_at is not None:
        n = len(rows) - footer_at
        notes.append(
            counted(
                n,
                "Fußzeile übersprungen (Quelle, Fußnoten, ©)",
                "Fußzeilen übersprungen (Quelle, Fußnoten, ©)",
            )
        )
    return frame, notes


def _number(path: Path, sheet: str, line: int, j: int, row: tuple, kind: str) -> tuple[float, str]:
    """A numeric cell: Excel numbers as they are, text with a decimal comma or space thousands
    separators parsed, a code (`03`) as its number; empty is NaN with flag `empty`."""
    v = row[j] if j < len(row) else None
    if v is None or (isinstance(v, str) and not v.strip()):
        return float("nan"), "empty"
    if isinstance(v, bool):
        v = str(v)
    if isinstance(v, int | float):
        return float(v), ""
    t = str(v).strip()
    try:
        if kind == "code":
            if not t.isdigit():
                raise CellError(f"kein Schlüssel: {t!r}")
            return float(int(t)), ""
        return parse_number(t, decimal="," if "," in t or " " in t else "."), ""
    except CellError as exc:
        raise InputError(_where(sheet, line, j + 1) + str(exc), file=path) from None

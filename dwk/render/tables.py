"""The indicator tables of the meeting bundle, from the profiles' JSON records: one row per
area and indicator (the profile's own area), the reference areas' values as extra columns
(Kreis, Land, Deutschland), as CSV for Excel (`;`, decimal comma, UTF-8 with BOM) and as XLSX
with one sheet per catalogue topic and a sheet of sources.

The CSV holds the numbers as the catalogue shows them (rounded to its decimals); the XLSX cells
hold them unrounded, with a number format per indicator showing its decimals. Both files are byte-identical for the same records.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from decimal import Decimal
from pathlib import Path

from dwk.core.atomic import write_bytes
from dwk.core.errors import DwkError
from dwk.core.format import format_period

# reference areas by level: the column title
REFERENCE_LEVELS = {"kreis": "Kreis", "land": "Land", "de": "Deutschland"}
BASE_COLUMNS = ("Gebiet", "Schlüssel", "Ebene", "Thema", "Indikator", "Kennung", "Einheit",
                "Wert", "Stichtag", "Kennzeichen", "Tabellen")  # fmt: skip
# a table is named by its code, never by the local file it came from: a file name can carry
# personal data (a researcher's e-mail address, a respondent's name)
SOURCE_COLUMNS = ("Tabelle", "Titel", "Stand", "Urheber", "Lizenz")
FIXED_TIME = (2000, 1, 1, 0, 0, 0)
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_LEVEL_NAMES = {"gemeinde": "Gemeinde", "kreis": "Kreis", "land": "Land", "de": "Deutschland"}


def write_indicator_csv(records: list[dict], path: Path) -> Path:
    """`;`-separated, decimal comma, UTF-8 with BOM and CRLF: what Excel in a German locale
    opens by double-click. Numbers rounded to the decimals the catalogue shows (the XLSX keeps
    them exact), missing values empty."""
    columns = _columns(records)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow([c for c, _ in columns])
    decimals = [_decimals(ind) for _, ind in _indicators(records)]
    for row, dec in zip(_rows(records, columns), decimals, strict=True):
        writer.writerow(
            [
                _rounded(v, dec) if kind == "number" else _csv_cell(v)
                for v, (_, kind) in zip(row, columns, strict=True)
            ]
        )
    path = Path(path)
    write_bytes(path, buf.getvalue().encode("utf-8-sig"))
    return path


def write_indicator_xlsx(records: list[dict], path: Path) -> Path:
    """One sheet per catalogue topic (in the catalogue's order) and "Quellen"; numbers as
    number cells with a display format per indicator, header row frozen, autofilter on."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise DwkError("Excel-Export braucht das Extra xlsx: pip install 'dwk[xlsx]'") from None

    columns = _columns(records)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for topic in _topics(records):
        ws = wb.create_sheet(_sheet_name(topic, used))
        rows = _rows(records, columns, topic)
        ws.append([c for c, _ in columns])
        for row in rows:
            ws.append(row)
        decimals = [_decimals(ind) for _, ind in _indicators(records, topic)]
        for c, (_, kind) in enumerate(columns, start=1):
            if kind != "number":
                continue
            for r, dec in enumerate(decimals, start=2):
                cell = ws.cell(row=r, column=c)
                cell.number_format = _number_format(dec)
                _exact(cell)
        _finish(ws, [[c for c, _ in columns], *rows], bold, get_column_letter, Alignment)
    ws = wb.create_sheet(_sheet_name("Quellen", used))
    sources = _sources(records)
    ws.append(list(SOURCE_COLUMNS))
    for row in sources:
        ws.append(row)
    _finish(ws, [list(SOURCE_COLUMNS), *sources], bold, get_column_letter, Alignment)
    props = wb.properties
    props.creator = "dwk"
    props.title = "Indikatoren der Kommunalprofile"
    props.language = "de-DE"
    props.created = props.modified = _fixed_datetime()
    buf = io.BytesIO()
    wb.save(buf)
    path = Path(path)
    write_bytes(path, _normalise_zip(buf.getvalue()))
    return path


# --- rows -----------------------------------------------------------------------------------


def _indicators(records: list[dict], topic: str | None = None) -> list[tuple[dict, dict]]:
    return [
        (rec, ind)
        for rec in records
        for ind in rec.get("indicators") or []
        if topic is None or ind.get("topic", "") == topic
    ]


def _topics(records: list[dict]) -> list[str]:
    return list(dict.fromkeys(ind.get("topic", "") for _, ind in _indicators(records)))


def _levels(records: list[dict]) -> list[str]:
    found = {
        str(ref.get("level", ""))
        for _, ind in _indicators(records)
        for ref in ind.get("references") or []
    }
    known = [lv for lv in REFERENCE_LEVELS if lv in found]
    return known + sorted(found - set(REFERENCE_LEVELS))


def _columns(records: list[dict]) -> list[tuple[str, str]]:
    """(header, kind): kind `number` for value columns, `text` otherwise."""
    cols = [(c, "number" if c == "Wert" else "text") for c in BASE_COLUMNS]
    for level in _levels(records):
        title = REFERENCE_LEVELS.get(level, level or "Vergleich")
        cols += [(f"Vergleich {title}", "text"), (f"Wert {title}", "number")]
    return cols


def _rows(records: list[dict], columns: list[tuple[str, str]], topic: str | None = None) -> list:
    levels = _levels(records)
    out = []
    for rec, ind in _indicators(records, topic):
        area = rec.get("area") or {}
        row = [
            area.get("name", ""),
            area.get("key", ""),
            _LEVEL_NAMES.get(area.get("level", ""), area.get("level", "")),
            ind.get("topic", ""),
            ind.get("label", ""),
            ind.get("id", ""),
            ind.get("unit", ""),
            _number(ind.get("value")),
            format_period(str(ind.get("period") or "")),
            ind.get("flag", ""),
            ", ".join(ind.get("tables") or []),
        ]
        refs = {str(r.get("level", "")): r for r in ind.get("references") or []}
        for level in levels:
            ref = refs.get(level)
            row += [ref.get("name", ""), _number(ref.get("value"))] if ref else ["", None]
        assert len(row) == len(columns)
        out.append(row)
    return out


def _sources(records: list[dict]) -> list[list[str]]:
    seen = {}
    for rec in records:
        for s in rec.get("sources") or []:
            row = [
                str(s.get(k, "") or "") for k in ("code", "title", "stand", "copyright", "licence")
            ]
            seen[tuple(row)] = row
    return [seen[k] for k in sorted(seen)]


def _number(value: object) -> float | int | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def _decimals(ind: dict) -> int:
    d = ind.get("decimals", 1)
    return d if isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 10 else 1


def _number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return _decimal_comma(value)
    return str(value)


def _rounded(value: object, decimals: int) -> str:
    """A number as the reports show it, without grouping: 49,6 and 5078, not 49,61053127528602."""
    if value is None:
        return ""
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]  # −0,0 reads as 0,0
    return text.replace(".", ",")


def _decimal_comma(value: float | int) -> str:
    """The shortest text that reads back as the same float, positional, with a comma."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = format(Decimal(repr(value)), "f")
    return text.replace(".", ",")


# --- XLSX details ---------------------------------------------------------------------------


def _sheet_name(name: str, used: set[str]) -> str:
    """≤ 31 characters, none of []:*?/\\, not starting or ending with ', unique (as Excel
    compares: case-insensitively)."""
    base = _SHEET_BAD.sub("-", name).strip().strip("'") or "Tabelle"
    candidate = base if len(base) <= 31 else base[:30].rstrip() + "…"
    n = 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate = base if len(base) + len(suffix) <= 31 else base[: 30 - len(suffix)] + "…"
        candidate += suffix
        n += 1
    used.add(candidate.casefold())
    return candidate


def _finish(ws, rows: list[list], bold, get_column_letter, alignment) -> None:
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = alignment(vertical="top", wrap_text=True)
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions
    for c in range(len(rows[0])):
        width = max(_width(r[c]) for r in rows)
        ws.column_dimensions[get_column_letter(c + 1)].width = min(max(width + 2, 8), 60)


def _width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, float | int):
        return min(len(f"{value:,.2f}"), 18)
    return max((len(line) for line in str(value).splitlines()), default=0)


def _exact(cell) -> None:
    """openpyxl writes a float as `%.16g`, which can lose the 17th digit; the shortest exact
    text goes into the cell's XML instead (it is written as it is, still a number cell)."""
    value = cell.value
    if isinstance(value, float) and f"{value:.16g}" != repr(value) and cell.data_type == "n":
        cell._value = repr(value)


def _fixed_datetime():
    from datetime import datetime

    return datetime(*FIXED_TIME)


_CORE_TIME = re.compile(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _normalise_zip(data: bytes) -> bytes:
    """The same workbook, with fixed document times and fixed zip entry dates, entries in a
    fixed order: two runs give the same bytes."""
    stamp = _fixed_datetime().strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    first = [n for n in names if n == "[Content_Types].xml"]
    order = first + sorted(n for n in names if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in order:
            body = src.read(name)
            if name == "docProps/core.xml":
                text = _CORE_TIME.sub(lambda m: f"{m[1]}{stamp}{m[3]}", body.decode("utf-8"))
                body = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, body)
    return out.getvalue()

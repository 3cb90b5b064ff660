"""Every official table passes these checks before it enters the store, so that no slip of a
spreadsheet or a download becomes a silent wrong number in a profile.

Before reading (on the bytes):
- size: larger than the limit for tables (`dwk.core.limits`) → error, nothing read;
- encoding: a file that is not UTF-8 but holds a UTF-8 character (a Latin-1 file with one
  pasted `–`) → error at that character; decoding it per line would guess, and one reading
  of the whole file would store mojibake (`â€“`);
- Excel formulas `="01051"` (Excel's way of keeping a leading zero) → normalised to `01051`
  with a warning: the text is intact, only wrapped.

After reading (on the tidy cells):
- level: a table whose title says "regionale Tiefe: Kreise" must have Kreis rows; keys written
  as numbers (`1051.0`) never make it a Germany-only table (`keys.key_problem` names them);
- one value per cell: the same area under two key forms (AGS and ARS) with two different
  numbers → error naming both lines; with the same number, or a number beside a mere symbol
  (`.`, `-`: a Gemeinde listed under the Verband it left), the number is kept once, with a
  warning;
- dates: every Stichtag and the Stand a real calendar date (`31.02.2018` refused);
- counts (`Anzahl`, areas) non-negative, except balances (Saldo, Veränderung …);
- parts against their total: männlich + weiblich and a complete set of age groups must equal
  `Insgesamt` within `tolerance()`; a part larger than its total is always an error.
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from dwk.core.errors import InputError
from dwk.sources.tables.cells import counted
from dwk.sources.tables.labels import band_bounds
from dwk.sources.tables.meta import TableMeta
from dwk.sources.tables.read import read_file
from dwk.sources.text import decode

CELL = ["area_key", "level", "period", "variable", "sex", "age"]
COUNT_UNITS = frozenset({"Anzahl", "Personen", "qkm", "ha", "1000 qm"})
_SIGNED = re.compile(r"saldo|überschuss|veränderung|differenz|bilanz|zunahme|abnahme", re.I)
PERTURBED = ("12111-", "1000A")
"""Zensus tables whose cells were changed for secrecy (2011: SAFE, 2022: cell-key method), so
that their parts need not add up to the (unperturbed) totals exactly."""
_UTF16 = (b"\xff\xfe", b"\xfe\xff")
_UTF8_LETTER = re.compile(rb"\xc3[\x80-\xbf]")  # `dwk.sources.text.decode` reports these itself
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_FORMULA = re.compile(
    rb'(^|[;,\t])(?:="([^";,\t\r\n]*)"|"=""([^";,\t\r\n]*)""")(?=[;,\t\r\n]|$)', re.M
)
_DMY = re.compile(r"^\d{2}\.\d{2}\.\d{4}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def tolerance(total, parts: int, code: str):
    """How far `parts` parts may miss their total (a number or an array): max(3, 0.5 % of the
    total) for rounding (averages, thousands); in perturbed Zensus tables (`PERTURBED`) one more
    per part."""
    tol = np.maximum(3.0, 0.005 * np.abs(total))
    return tol + parts if code.startswith(PERTURBED) else tol


def read_table(path: Path, data: bytes, table: str | None = None) -> tuple[TableMeta, pd.DataFrame]:
    """Metadata and tidy cells of one file, checked; raises `InputError` at the first problem."""
    check_encoding(path, data)
    cleaned, formulas = unwrap_formulas(data)
    meta, frame = read_file(path, cleaned, table=table)
    if formulas:
        meta.warnings.append(
            counted(
                formulas,
                'Zelle als Excel-Formel ="…" geschrieben, als Text gelesen',
                'Zellen als Excel-Formel ="…" geschrieben, als Text gelesen',
            )
        )
    where = _Where(path, cleaned)
    check_level(where, meta, frame)
    check_dates(where, meta, frame)
    frame = one_value_per_cell(where, meta, frame)
    check_counts(where, frame)
    check_parts(where, meta, frame)
    return meta, frame


class _Where:
    """Line and column of a text in the file, found only when an error needs them."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path, self._data, self._lines = path, data, None

    def error(self, message: str, line: int | None = None, column: int | None = None):
        return InputError(message, file=self.path, line=line, column=column)

    def find(self, needle: str) -> tuple[int | None, int | None]:
        if self._lines is None:
            self._lines = decode(self.path, self._data)[0].split("\n")
        for i, text in enumerate(self._lines, start=1):
            if (at := text.find(needle)) >= 0:
                sep = ";" if ";" in text else ","
                return i, text[:at].count(sep) + 1
        return None, None


def check_encoding(path: Path, data: bytes) -> None:
    if data[:2] in _UTF16:
        return
    try:
        data.decode("utf-8")
        return
    except UnicodeDecodeError:
        pass
    if _UTF8_LETTER.search(data) or not (m := _UTF8_SEQUENCE.search(data)):
        return
    start = data.rfind(b"\n", 0, m.start()) + 1
    raise InputError(
        f"Kodierung gemischt: Datei ist nicht UTF-8, aber {m[0].decode('utf-8')!r} "
        f"(Byte {m.start()}) ist UTF-8; bitte einheitlich speichern",
        file=path,
        line=data.count(b"\n", 0, m.start()) + 1,
        column=m.start() - start + 1,
    )


def unwrap_formulas(data: bytes) -> tuple[bytes, int]:
    """`="01051"` (also in its quoted form, quotes doubled) as the plain cell `01051`; line and
    column numbers stay as they were."""
    if data[:2] in _UTF16 or b'="' not in data:
        return data, 0
    return _FORMULA.subn(lambda m: m[1] + (m[2] if m[2] is not None else m[3]), data)


def check_level(where: _Where, meta: TableMeta, frame: pd.DataFrame) -> None:
    levels = {str(v) for v in frame["level"].unique()}
    if meta.depth and meta.depth not in levels:
        raise where.error(
            f"Tabelle nach Ebene {meta.depth!r} (regionale Tiefe), aber keine Zeile dieser "
            f"Ebene: Gebietsschlüssel nicht erkannt (nur {', '.join(sorted(levels))})",
            int(frame["line"].min()),
            1,
        )


def check_dates(where: _Where, meta: TableMeta, frame: pd.DataFrame) -> None:
    for period in sorted({str(v) for v in frame["period"].unique()}):
        if _ISO_DATE.match(period) and not _is_date(period):
            y, m, d = period.split("-")
            raise where.error(f"kein Kalenderdatum: {d}.{m}.{y}", *where.find(f"{d}.{m}.{y}"))
    if meta.stand and _DMY.match(meta.stand):
        d, m, y = meta.stand.split(".")
        if not _is_date(f"{y}-{m}-{d}"):
            raise where.error(
                f"Stand ist kein Kalenderdatum: {meta.stand}", *where.find(meta.stand)
            )


def _is_date(iso: str) -> bool:
    try:
        date.fromisoformat(iso)
    except ValueError:
        return False
    return True


def one_value_per_cell(where: _Where, meta: TableMeta, frame: pd.DataFrame) -> pd.DataFrame:
    dup = frame.duplicated(CELL, keep=False)
    if not dup.any():
        return frame
    drop = []
    numbered = frame["value"].notna() & frame["flag"].astype(str).ne("-")
    for _, group in frame.loc[dup].groupby(CELL, observed=True, sort=False):
        with_number = group.loc[numbered.loc[group.index]]
        if with_number["value"].nunique() > 1:
            a, b = (
                with_number.iloc[0],
                with_number.loc[with_number["value"] != with_number.iloc[0]["value"]].iloc[0],
            )  # noqa: E501
            raise where.error(
                f"Gebiet {a['area_key']} ({a['period']}) zweimal mit verschiedenen Werten: "
                f"{_n(a['value'])} in Zeile {a['line']} (Schlüssel {a['source_key']!r}), "
                f"{_n(b['value'])} in Zeile {b['line']} (Schlüssel {b['source_key']!r})",
                int(b["line"]),
                _column(b),
            )
        keep = with_number.index[0] if len(with_number) else group.index[0]
        drop.extend(i for i in group.index if i != keep)
    meta.warnings.append(
        counted(
            len(drop),
            "Zelle doppelt (Gebiet unter zwei Schlüsseln), der Wert einmal übernommen",
            "Zellen doppelt (Gebiet unter zwei Schlüsseln), der Wert je einmal übernommen",
        )
    )
    return frame.drop(index=drop)


def check_counts(where: _Where, frame: pd.DataFrame) -> None:
    negative = frame["value"].lt(0) & frame["unit"].astype(str).isin(COUNT_UNITS)
    if not negative.any():
        return
    signed = frame.loc[negative, "variable"].astype(str).str.contains(_SIGNED)
    bad = frame.loc[negative].loc[~signed.to_numpy()]
    if bad.empty:
        return
    row = bad.iloc[0]
    raise where.error(
        f"negativer Wert {_n(row['value'])} für eine Anzahl ({row['variable']}, "
        f"Gebiet {row['area_key']}, {row['period']})",
        int(row["line"]),
        _column(row),
    )


def check_parts(where: _Where, meta: TableMeta, frame: pd.DataFrame) -> None:
    counts = frame.loc[frame["unit"].astype(str).isin(COUNT_UNITS) & frame["value"].notna()]
    if counts.empty:
        return
    _check_dimension(where, meta, counts, "sex", ["male", "female"], "männlich + weiblich")
    ages = sorted({str(a) for a in counts["age"].unique()} - {"total"})
    if ages:
        _check_dimension(
            where, meta, counts, "age", ages if _partition(ages) else [], "die Altersgruppen"
        )


def _partition(ages: list[str]) -> bool:
    """Age bands that cover every age once (plus `unknown`): then they must sum to the total."""
    try:
        bounds = sorted(band_bounds(a) for a in ages if a != "unknown")
    except ValueError:
        return False
    if not bounds or bounds[0][0] != 0 or bounds[-1][1] is not None:
        return False
    return all(hi == nxt for (_, hi), (nxt, _) in zip(bounds, bounds[1:], strict=False))


def _check_dimension(
    where: _Where, meta: TableMeta, counts: pd.DataFrame, dim: str, complete: list[str], what: str
) -> None:
    """Each part at most its total; where all of `complete` are there, their sum the total."""
    group = _group_ids(counts, [c for c in CELL if c != dim])
    is_total = counts[dim].eq("total").to_numpy()
    if is_total.all() or not is_total.any():
        return
    values = counts["value"].to_numpy()
    parts = pd.DataFrame({"g": group[~is_total], "v": values[~is_total]})
    agg = parts.groupby("g")["v"].agg(["sum", "count", "max"])
    totals = pd.DataFrame(
        {"g": group[is_total], "total": values[is_total], "pos": np.flatnonzero(is_total)}
    ).drop_duplicates("g")
    joined = agg.join(totals.set_index("g"), how="inner")
    if joined.empty:
        return
    n = len(complete)
    tol = tolerance(joined["total"].to_numpy(), max(n, 1), meta.code)
    over = (joined["max"] - joined["total"]).to_numpy() > tol
    off = np.zeros(len(joined), dtype=bool)
    if n:
        whole = joined["count"].to_numpy() == n
        off = whole & (np.abs((joined["sum"] - joined["total"]).to_numpy()) > tol)
    bad = np.flatnonzero(over | off)
    if not len(bad):
        return
    i = bad[0]
    row, cell = joined.iloc[i], counts.iloc[int(joined["pos"].iloc[i])]
    if over[i]:
        message = f"ein Teil ({_n(row['max'])}) ist größer als Insgesamt ({_n(row['total'])})"
    else:
        message = f"{what} ergeben {_n(row['sum'])}, Insgesamt ist {_n(row['total'])}"
    at = f"Gebiet {cell['area_key']}, {cell['period']}"
    raise where.error(
        f"Teile passen nicht zur Summe: {message} ({at}; erlaubt ±{_n(tol[i])})",
        int(cell["line"]),
        _column(cell),
    )


def _group_ids(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One integer per distinct combination of `columns` (fast on large tables)."""
    ids = np.zeros(len(frame), dtype=np.int64)
    for c in columns:
        codes, uniques = pd.factorize(frame[c], use_na_sentinel=False)
        ids = ids * (len(uniques) + 1) + codes
    return ids


def _column(row: pd.Series) -> int | None:
    value = row.get("column")
    return None if value is None or pd.isna(value) else int(value)


def _n(value: float) -> str:
    if math.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", ",")

"""A small copy of data/raw for unit tests: every table trimmed to the rows of the members, their
Kreise and Länder and Germany, so that a store builds in seconds instead of a minute.

Only data lines are dropped; titles, headings, footnotes, © and Stand lines stay as published,
so the readers see the real layouts. A data line is found by its area key where the readers
look for it: the first field of a GENESIS or Zensus table, or the second after a Stichtag or
year (`31.12.2015;01051;…`, `2015;DG;…`), the attribute code of a Zensus flat file, and the
Land/RB/Kreis/Gemeinde columns of the Gemeindeverzeichnis extract. Files without keys (the
national Sterbetafeln, births by the mother's age) are copied whole; the XLSX Gemeindeverzeichnis
is rewritten, values only, with the same rows kept as in its CSV extract.

Every cell of a kept area is the full store's (tests/sources/test_small_store.py), but what is
summed over Gemeinden is not: a Kreis or Land summed from the Gemeindeverzeichnis (which has no
Kreis figures) counts only the kept Gemeinden here. Tests of such sums use the full store."""

from __future__ import annotations

import hashlib
import re
import shutil
import tomllib
from pathlib import Path

from dwk.sources.tables.keys import KEY

SATZARTEN = frozenset({"10", "20", "30", "40", "50", "60"})

EXTRA = frozenset({"01051008", "01051011", "01051044", "14523320"})
"""Gemeinden kept beside the members: Bergewöhrden (35 inhabitants), Brunsbüttel and Heide in
Dithmarschen, Plauen in the Vogtlandkreis."""

_STICHTAG = re.compile(r"^(\d{2}\.\d{2}\.\d{4}|\d{4})$")


def kept_keys(data_dir: Path) -> frozenset[str]:
    """DG, the members with their Kreise and Länder, `EXTRA`, and the old keys that
    data/key_changes.toml continues a kept key with (Grabow before 2011, Meißen's parts)."""
    areas = tomllib.loads((data_dir / "areas.toml").read_text(encoding="utf-8"))["area"]
    keep = {"DG", *EXTRA}
    for a in areas:
        keep |= {a["key"], a["kreis"], a["land"]}
    changes = tomllib.loads((data_dir / "key_changes.toml").read_text(encoding="utf-8"))
    for c in changes["change"]:
        if c["new"] in keep:
            keep |= set(c["old"])
    return frozenset(keep)


def _ags(key: str) -> str:
    """A 10-, 11- or 12-digit key (Verband member, ARS) as the Gemeinde's AGS."""
    return key[:5] + key[-3:] if len(key) in (10, 11, 12) else key


def _row_key(line: str, key_column: int | None) -> str | None:
    """The area key of a `;`-separated data line, None for any other line."""
    fields = line.split(";")
    if key_column is not None:
        return fields[key_column].strip() if len(fields) > key_column else None
    first = fields[0].strip().lstrip("\ufeff")
    if KEY.match(first):
        return first
    if len(fields) > 1 and _STICHTAG.match(first) and KEY.match(fields[1].strip()):
        return fields[1].strip()
    return None


def _with_children(kept: set[str], present: list[str]) -> set[str]:
    """`kept` and, for each kept key that has rows below it in the file, its first child when no
    child is kept: the readers take a key without children for a kreisfreie Stadt (or a city
    state) and add it at the deeper level too (`keys.missing_children`), which the full file
    does not do for a Kreis such as Düren."""
    ordered = sorted(set(present) - {"DG"})
    todo = sorted(kept)
    while todo:
        k = todo.pop()
        children = [c for c in ordered if c != k and c.startswith(k)]
        if children and not any(c in kept for c in children):
            kept.add(children[0])
            todo.append(children[0])
    return kept


def trim_genesis(text: str, keep: frozenset[str]) -> str:
    """`text` without the data lines of areas outside `keep`."""
    lines = _lines(text)
    header = lines[0].split(";") if lines else []
    flat = "1_variable_attribute_code" in header  # a Zensus flat file: the key has a column
    column = header.index("1_variable_attribute_code") if flat else None
    row_keys = [
        None if (flat and i == 0) else _row_key(line, column) for i, line in enumerate(lines)
    ]
    present = [k for k in row_keys if k is not None]
    kept = _with_children({k for k in present if _ags(k) in keep}, present)
    return "".join(line for line, k in zip(lines, row_keys, strict=True) if k is None or k in kept)


def _gv_rows(rows: list[list[str]], keep: frozenset[str]) -> list[bool]:
    """Which Gemeindeverzeichnis records (`satzart, textkennzeichen, land, rb, kreis, vb, gem`)
    to keep: the Länder, Kreise and Gemeinden in `keep` and the Verbände of those Gemeinden;
    rows that are no record (headings, notes) are always kept."""
    data = [len(r) > 6 and r[0] in SATZARTEN and len(r[2]) == 2 for r in rows]
    verbaende = {
        "".join(r[2:6])
        for r, d in zip(rows, data, strict=True)
        if d and "".join(r[2:5]) + r[6] in keep
    }
    out = []
    for r, d in zip(rows, data, strict=True):
        if not d:
            out.append(True)
        elif r[6]:
            out.append("".join(r[2:5]) + r[6] in keep)
        elif r[5]:
            out.append("".join(r[2:6]) in verbaende)
        else:
            out.append(("".join(r[2:5]) if r[4] else r[2]) in keep)
    return out


def trim_gv(text: str, keep: frozenset[str]) -> str:
    """The Gemeindeverzeichnis extract as CSV (`satzart,textkennzeichen,land,…`), trimmed."""
    lines = _lines(text)
    rows = [[f.strip() for f in line.split(",", 7)] for line in lines]
    return "".join(line for line, k in zip(lines, _gv_rows(rows, keep), strict=True) if k)


def trim_gv_xlsx(source: Path, target: Path, keep: frozenset[str]) -> None:
    """The Gemeindeverzeichnis as Destatis publishes it, every sheet's cell values rewritten
    with the data sheet trimmed (the reader finds sheet and columns by their headings and reads
    values only, so formatting and merged cells do not matter to it)."""
    import openpyxl

    wb = openpyxl.load_workbook(source, read_only=True, data_only=True)
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    wb.close()
    out = openpyxl.Workbook(write_only=True)
    for title, rows in sheets.items():
        ws = out.create_sheet(title)
        text = [["" if v is None else str(v).strip() for v in r] for r in rows]
        for row, k in zip(rows, _gv_rows(text, keep), strict=True):
            if k:
                ws.append(row)
    out.save(target)


def _lines(text: str) -> list[str]:
    """Lines with their ends; only `\n` ends a line (a Latin-1 `\x85` is a character here)."""
    return [line for line in re.split(r"(?<=\n)", text) if line]


def _encoding(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def raw_stamp(data_dir: Path) -> str:
    """What the trimmed copy depends on: every raw file's name, size and mtime, the kept keys
    and this module's text."""
    files = sorted(p for p in (data_dir / "raw").rglob("*") if p.is_file())
    parts = [f"{p.relative_to(data_dir)} {p.stat().st_size} {p.stat().st_mtime_ns}" for p in files]
    parts += sorted(kept_keys(data_dir)) + [Path(__file__).read_text(encoding="utf-8")]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def build_small_raw(raw: Path, out: Path, data_dir: Path) -> Path:
    """Write the trimmed copy of `raw` into `out` (sidecars and text copied as they are)."""
    keep = kept_keys(data_dir)
    for path in sorted(raw.rglob("*")):
        if not path.is_file():
            continue
        target = out / path.relative_to(raw)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.name.endswith("_Auszug_GV.xlsx"):
            trim_gv_xlsx(path, target, keep)
            continue
        if path.suffix != ".csv":
            shutil.copyfile(path, target)
            continue
        data = path.read_bytes()
        enc = _encoding(data)
        text = data.decode(enc)
        # newline="" keeps the file's own line ends (CRLF in most downloads)
        with target.open("w", encoding=enc, newline="") as f:
            trim = trim_gv if text.lstrip("\ufeff").startswith("satzart,") else trim_genesis
            f.write(trim(text, keep))
    return out

"""Each chart's numbers: as a CSV file beside the report (`<slug>-daten/<chart>.csv`, and in
the meeting bundle's `tabellen/<slug>-daten/`) and in the chart's SVG `<title>`, which browsers
show on hover and screen readers read out.

CSV format, chosen for German spreadsheets: UTF-8 with BOM (Excel then reads the umlauts),
`;` between fields, decimal comma, no thousands separator, `\\n` line ends; an empty field is a
missing value. The values are those the chart draws (shares in %, index values, persons)."""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass

from markupsafe import escape

BOM = "\ufeff"
FOLDER = "-daten"  # <slug>-daten/


@dataclass(frozen=True)
class ChartData:
    header: list[str]
    rows: list[list[object]]
    decimals: int = 1


def _cell(value: object, decimals: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int | float):
        return f"{float(value):.{decimals}f}".replace(".", ",")
    return str(value)


def to_csv(data: ChartData) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(data.header)
    w.writerows([[_cell(v, data.decimals) for v in row] for row in data.rows])
    return BOM + buf.getvalue()


def titled(svg: str, data: ChartData | None) -> str:
    """The chart with its values appended to its `<title>`, one line per row."""
    if data is None:
        return svg
    lines = [
        "; ".join(
            f"{h}: {_cell(v, data.decimals) or 'k. A.'}"
            for h, v in zip(data.header, row, strict=False)
        )
        for row in data.rows
    ]
    extra = str(escape("\n" + "\n".join(lines)))
    return re.sub(
        r"(<title id=\"[^\"]+\">)(.*?)(</title>)",
        lambda m: m.group(1) + m.group(2) + extra + m.group(3),
        svg,
        count=1,
    )


def chart_files(figures: list[dict]) -> dict[str, str]:
    """`<chart id>.csv` → CSV text for every figure that carries data."""
    return {f"{f['id']}.csv": to_csv(f["data"]) for f in figures if f.get("data") is not None}

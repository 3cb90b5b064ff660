"""Measuring a printed PDF page by page with poppler, for the layout tests: how full each page
is (from the rendered pixels, so charts count as much as text) and what text it starts with."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

# A4 with the report's margins (style.css.j2: 20 mm top and bottom); the running title and
# the page number lie in the margins and are not counted.
MARGIN_MM = 20.0
DPI = 30


def page_texts(pdf: Path | bytes) -> list[str]:
    """The text of each page, `pdftotext -layout` (a form feed ends each page)."""
    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode("utf-8").split("\f")[:-1]


def page_fill(pdf: Path | bytes) -> list[float]:
    """Per page, how far down the content area something is drawn: 0.0 empty, 1.0 down to the
    bottom margin. Taken from a greyscale rendering at 30 dpi (`pdftoppm -gray`): the last pixel
    row inside the content area with a pixel darker than near-white."""
    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    fills = []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", str(source), f"{tmp}/p"], check=True)
        for png in sorted(Path(tmp).glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[1])):
            width, height, pixels = _read_pgm(png.read_bytes())
            margin = round(MARGIN_MM / 25.4 * DPI)
            top, bottom = margin, height - margin
            last = top
            for y in range(top, bottom):
                row = pixels[y * width : (y + 1) * width]
                if min(row) < 235:
                    last = y + 1
            fills.append((last - top) / (bottom - top))
    return fills


def _read_pgm(data: bytes) -> tuple[int, int, bytes]:
    """A binary PGM (P5, 8 bit) as (width, height, pixels); poppler writes no comments."""
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P5" and parts[3] == b"255", parts[:4]
    return int(parts[1]), int(parts[2]), parts[4]

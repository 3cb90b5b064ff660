"""The PDF embeds only the fonts dwk ships (DejaVu Sans, data/fonts/, with its licence), so its
bytes do not depend on the fonts installed on the machine. Installing another font here is not
possible, so the test asserts the embedded font list: WeasyPrint names an `@font-face` font by
its CSS family ("dwk DejaVu Sans" → `dwk-DejaVu-Sans`), a system font by its own name."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # renders PDFs or whole meeting bundles

FONT = re.compile(r"^[A-Z]{6}\+dwk-DejaVu-Sans(-Bold)?(-Italic)?$")
# Every face a report can ask for: bold, italic, monospace, an SVG chart's text, the page's
# margin boxes, and characters beyond Latin-1 („ “ – … ▲ ▼ ≥).
MIXED = """<html><head><style>@page { @bottom-center { content: "Seite " counter(page) } }
code { font-family: monospace } body { font-family: Arial, serif }</style></head><body>
<h1>Adorf/Vogtl.</h1><p><b>fett</b> <em>kursiv</em> <b><em>beides</em></b> <code>1.234</code>
„Zitat“ – … ▲ ▼ ≥ 5.078 Einwohner</p>
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"
 font-family="DejaVu Sans, Verdana, sans-serif"><text x="5" y="20">Altersaufbau 2022</text>
<text x="5" y="40" font-weight="bold">Männer</text></svg></body></html>"""


def _pdffonts(pdf: bytes, tmp_path: Path) -> list[str]:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts fehlt: apt-get install poppler-utils")
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split()[0] for line in out.stdout.splitlines()[2:]]


def test_the_pdf_embeds_only_the_shipped_font(tmp_path):
    pytest.importorskip("weasyprint")
    from dwk.render.pdf import html_to_pdf

    fonts = _pdffonts(html_to_pdf(MIXED), tmp_path)
    assert len(fonts) == 4, fonts  # regular, bold, oblique, bold oblique
    assert all(FONT.match(f) for f in fonts), fonts


def test_the_shipped_font_has_its_licence():
    from dwk.core.paths import data_dir

    fonts = data_dir() / "fonts"
    assert sorted(p.name for p in fonts.glob("*.ttf")) == [
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-BoldOblique.ttf",
        "DejaVuSans-Oblique.ttf",
        "DejaVuSans.ttf",
    ]
    licence = (fonts / "LICENSE-DejaVu.txt").read_text("utf-8")
    assert "Bitstream Vera" in licence and "Permission is hereby granted" in licence

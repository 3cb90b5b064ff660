"""`dwk profile build GEBIET --format pdf`: one profile printed as the meeting bundle prints it,
without building the bundle."""

from __future__ import annotations

import pytest

from tests.cli.test_cli import dwk

pytestmark = pytest.mark.slow


def test_a_single_profile_as_pdf(cache_dir, store, tmp_path):
    from tests.render.pdf_pages import page_texts

    r = dwk(
        "profile", "build", "vrees", "--format", "pdf", "--out", str(tmp_path), env_cache=cache_dir
    )
    assert r.returncode == 0, r.stderr
    # the PDF and the charts' numbers its "Daten als CSV" links point to, nothing else
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vrees-daten", "vrees.pdf"]
    assert (tmp_path / "vrees-daten" / "entwicklung.csv").is_file()
    pdf = (tmp_path / "vrees.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    pages = page_texts(pdf)  # poppler-utils, which .ci/run installs
    # 31122023_Auszug_GV.xlsx row 2514: Vrees, 1916 inhabitants on 31.12.2023
    assert "Kommunalprofil Vrees" in pages[0] and "1.916" in pages[0]
    assert any("Bevölkerungsentwicklung, 2008 = 100" in p for p in pages)
    assert "Übersicht aller Profile" not in pages[0]  # on its own: no list to link
    assert 20 <= len(pages) <= 40


def test_no_pdf_for_a_whole_level(cache_dir, store, tmp_path):
    r = dwk(
        "profile",
        "build",
        "--level",
        "kreis",
        "--format",
        "pdf",
        "--out",
        str(tmp_path),
        env_cache=cache_dir,
    )
    assert r.returncode == 2 and "PDF nicht mit --level" in r.stderr
    assert not any(tmp_path.iterdir())

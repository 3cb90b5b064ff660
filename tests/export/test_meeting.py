"""`dwk export meeting --zip` end to end: what the bundle holds, that its PDFs render and its
Excel numbers are the JSON numbers, and that a second export gives the same bytes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile

import pytest

from tests.cli.test_cli import dwk

pytestmark = pytest.mark.slow

SLUGS = ("adorf", "dithmarschen", "emsland", "vrees", "riesa", "saarbruecken", "dortmund",
         "dueren", "grabow")  # fmt: skip


@pytest.fixture(scope="module")
def bundle(store, cache_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("meeting") / "treffen"
    reviews = tmp_path_factory.mktemp("reviews")  # none: every profile as its rules say
    r = dwk(
        "export",
        "meeting",
        "--out",
        str(out),
        "--zip",
        "--reviews",
        str(reviews),
        env_cache=cache_dir,
    )
    assert r.returncode == 0, r.stderr
    return out, out.with_suffix(".zip"), reviews


def test_zip_holds_the_whole_bundle(bundle):
    _, archive, _ = bundle
    names = zipfile.ZipFile(archive).namelist()
    expected = {
        "treffen/index.html",
        "treffen/vergleich.html",
        "treffen/vergleich.pdf",
        "treffen/tabellen/indikatoren.csv",
        "treffen/tabellen/indikatoren.xlsx",
        "treffen/swot-review/uebersicht.csv",
    }
    expected |= {f"treffen/profile/{s}.{f}" for s in SLUGS for f in ("html", "md", "pdf", "json")}
    assert expected <= set(names)
    assert names == sorted(names)
    assert all(not n.startswith("/") and ".." not in n.split("/") for n in names)
    assert {i.date_time for i in zipfile.ZipFile(archive).infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_index_links_resolve(bundle):
    folder, _, _ = bundle
    html = (folder / "index.html").read_text("utf-8")
    links = re.findall(r'href="([^"#]+)"', html)
    assert len(links) >= 9 * 4 + 4
    for link in links:
        assert (folder / link).is_file(), link


def test_every_pdf_renders_to_pages(bundle, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm fehlt: apt-get install poppler-utils")
    folder, _, _ = bundle
    for pdf in sorted(folder.rglob("*.pdf")):
        target = tmp_path / pdf.stem
        subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(target)], check=True)
        assert len(list(tmp_path.glob(f"{pdf.stem}-*.png"))) >= 2, pdf.name


def test_excel_numbers_are_the_json_numbers(bundle):
    openpyxl = pytest.importorskip("openpyxl")
    folder, _, _ = bundle
    wanted = {}
    for slug in SLUGS:
        record = json.loads((folder / "profile" / f"{slug}.json").read_text("utf-8"))
        for ind in record["indicators"]:
            wanted[(record["area"]["key"], ind["id"])] = ind["value"]
    book = openpyxl.load_workbook(folder / "tabellen" / "indikatoren.xlsx")
    seen = {}
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]]
        if "Kennung" not in header:
            continue
        key, ident, value = header.index("Schlüssel"), header.index("Kennung"), header.index("Wert")
        for row in sheet.iter_rows(min_row=2, values_only=True):
            seen[(row[key], row[ident])] = row[value]
    assert seen == wanted
    assert any(isinstance(v, float) for v in seen.values())


def test_comparison_report(bundle):
    folder, _, _ = bundle
    html = (folder / "vergleich.html").read_text("utf-8")
    # 12411-01-01-5_00.csv: Adorf/Vogtl. 31.12.2015 = 5078; 12411-01-01-4: Deutschland 82175684
    assert "5.078" in html and "82.175.684" in html
    assert html.count('class="reference"') == 7  # six Länder and Germany
    assert "▲" in html and "▼" in html
    assert 'id="abb-vergleich-altersaufbau"' in html and "dl-de/by-2-0" in html
    assert "synthetische Beispieldaten" in html
    pytest.importorskip("weasyprint")
    from dwk.render.pdf import check_layout

    assert check_layout(html) == []  # no chart split across pages or cut at the margin


def test_a_second_export_is_byte_identical(bundle, cache_dir, tmp_path):
    folder, archive, reviews = bundle
    out = tmp_path / "treffen"
    r = dwk(
        "export",
        "meeting",
        "--out",
        str(out),
        "--zip",
        "--reviews",
        str(reviews),
        env_cache=cache_dir,
    )
    assert r.returncode == 0, r.stderr
    assert out.with_suffix(".zip").read_bytes() == archive.read_bytes()


def test_a_failed_export_keeps_the_previous_bundle(bundle, store, registry, monkeypatch):
    from dwk.app import meeting

    folder, _, reviews = bundle
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    def half_done(store, registry, members, out, *args, **kwargs):
        out.mkdir(parents=True)
        (out / "adorf.html").write_text("halb")
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C half-way

    monkeypatch.setattr(meeting, "build_reports", half_done)
    with pytest.raises(KeyboardInterrupt):
        meeting.export_meeting(store, registry, folder, review_dir=reviews)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


def test_every_member_has_a_kurzprofil_of_two_to_four_pages(bundle):
    """Issue 15: key figures, pyramid, SWOT on one page and projection, 2–4 A4 pages."""
    from tests.render.pdf_pages import page_texts

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext fehlt: apt-get install poppler-utils")
    folder, _, _ = bundle
    for slug in SLUGS:
        pdf = folder / "profile" / f"{slug}-kurzprofil.pdf"
        pages = page_texts(pdf)
        assert 2 <= len(pages) <= 4, (slug, len(pages))
        text = "\f".join(pages)
        assert "Kennzahlen im Vergleich" in text and "Risiken" in text, slug
        swot = [i for i, p in enumerate(pages) if "Stärken" in p and "Risiken" in p]
        assert swot, f"{slug}: SWOT nicht auf einer Seite"


def test_pages_of_the_bundle_link_each_other(bundle):
    """The comparison links the profiles, the profiles their index, the index the bundle."""
    folder, _, _ = bundle
    for page in ["vergleich.html", "profile/index.html", *(f"profile/{s}.html" for s in SLUGS)]:
        html = (folder / page).read_text("utf-8")
        links = [h for h in re.findall(r'href="([^"#]+)"', html) if "://" not in h]
        assert links, page
        for link in links:
            assert ((folder / page).parent / link).is_file(), (page, link)
    comparison = (folder / "vergleich.html").read_text("utf-8")
    assert all(f'href="profile/{s}.html"' in comparison for s in SLUGS)
    index = (folder / "profile" / "index.html").read_text("utf-8")
    assert 'href="../index.html"' in index and 'href="../vergleich.html"' in index

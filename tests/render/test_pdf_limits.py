"""Limits of the PDF step: a reviewer's 10 MB reason is shown clipped (the review file keeps it
whole), and every document has a time budget."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # renders PDFs or whole meeting bundles

FIXTURE = Path(__file__).parent.parent / "fixtures" / "reviews" / "adorf.toml"
# tests/fixtures/reviews/adorf.toml: reason = "Der Vergleich mit Großstädten sagt für Adorf wenig."
SHORT = "Der Vergleich mit Großstädten sagt für Adorf wenig."


def test_a_ten_megabyte_reason_is_clipped_in_the_reports(store, registry, tmp_path, monkeypatch):
    from dwk.app.build import build_reports
    from dwk.swot.review import CLIP

    # TOML files over 1 MiB are refused (issue 17, size limits); the limit is raised here so
    # that the clipping behind it is tested too
    monkeypatch.setenv("DWK_LIMIT_TOML_MIB", "20")
    reason = "".join(f"Grund {i:07d}. " for i in range(700_000))  # 10.5 MB
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    text = FIXTURE.read_text("utf-8").replace(SHORT, reason)
    (reviews / "adorf.toml").write_text(text, "utf-8")
    result = build_reports(
        store,
        registry,
        [registry.resolve("adorf")],
        tmp_path / "out",
        ("md", "html"),
        review_dir=reviews,
    )
    assert result.failed == []
    shown = reason[:CLIP].rstrip() + " … (gekürzt)"
    for ext in ("md", "html"):
        report = (tmp_path / "out" / f"adorf.{ext}").read_text("utf-8")
        assert shown in report
        assert reason[: CLIP + 20] not in report
        assert len(report) < 1_000_000
    assert (reviews / "adorf.toml").read_text("utf-8") == text  # the file keeps every word


def test_a_short_reason_is_shown_whole():
    from dwk.swot.review import clip

    assert clip(SHORT) == SHORT
    assert clip("x" * 2000) == "x" * 2000
    assert clip("x" * 2001) == "x" * 2000 + " … (gekürzt)"


SMALL = "<html><body><p>Adorf</p></body></html>"
# 200,000 words in one paragraph: WeasyPrint lays this out for minutes (20,000 take seconds).
HUGE = "<html><body><p>" + " ".join(f"Wort{i}" for i in range(200_000)) + "</p></body></html>"


def test_a_document_over_its_budget_fails_alone():
    pytest.importorskip("weasyprint")
    from dwk.render.pdf_pool import render_pdfs

    small, huge, again = render_pdfs([SMALL, HUGE, SMALL], budget=8, workers=2)
    assert huge.pdf is None
    assert huge.error == "PDF-Ausgabe nach 8 s abgebrochen (Zeitlimit je Dokument)"
    assert small.error is None and small.pdf.startswith(b"%PDF-")
    assert again.pdf == small.pdf  # a fresh worker took over, same bytes


def test_the_meeting_lists_a_pdf_over_budget_as_failed(store, registry, tmp_path, monkeypatch):
    """The real export with the real pool; on a busy machine a member's profile takes 5–30 s,
    so the documents handed to the pool are SMALL for the profiles and HUGE for the comparison.
    The comparison's line names the PDF and the limit, its HTML stays, the index does not link
    the missing PDF."""
    pytest.importorskip("weasyprint")
    from dwk.app import meeting

    real = meeting.render_pdfs

    def small_but_the_comparison(pages, budget):
        return real(
            [HUGE if "<title>Die DWK-Mitglieder im Vergleich" in p else SMALL for p in pages],
            budget,
        )

    monkeypatch.setattr(meeting, "render_pdfs", small_but_the_comparison)
    result = meeting.export_meeting(store, registry, tmp_path / "treffen", pdf_budget=20)
    folder = tmp_path / "treffen"
    assert result.failed == [
        ("vergleich", "vergleich.pdf: PDF-Ausgabe nach 20 s abgebrochen (Zeitlimit je Dokument)")
    ]
    assert result.lines()[-1] == (
        "fehlgeschlagen: vergleich: vergleich.pdf: PDF-Ausgabe nach 20 s abgebrochen "
        "(Zeitlimit je Dokument)"
    )
    assert (folder / "vergleich.html").is_file() and not (folder / "vergleich.pdf").exists()
    assert len(list((folder / "profile").glob("*.pdf"))) == 18  # nine profiles, nine Kurzprofile
    index = (folder / "index.html").read_text("utf-8")
    assert 'href="vergleich.pdf"' not in index and 'href="profile/adorf.pdf"' in index


def test_a_batch_prints_with_one_worker_per_core_and_a_failed_pdf_fails_its_area_alone(
    store, registry, tmp_path, monkeypatch
):
    """`dwk profile build A B C D --format pdf`: the areas are printed a core's worth at a
    time by workers that stay loaded (one per core, not one per area). Grabow's page is HUGE
    here and over its budget: Grabow is listed as failed, and none of its files is written,
    since an area's files are swapped in together; the others are built."""
    pytest.importorskip("weasyprint")
    from dwk.app import build
    from dwk.core.cores import usable_cores
    from dwk.render import pdf_pool

    real_render, real_worker, started = pdf_pool.PdfPool.render, pdf_pool._Worker, []

    def render(self, pages, budget=pdf_pool.DEFAULT_BUDGET):
        pages = [HUGE if "Kommunalprofil Grabow" in p else SMALL for p in pages]
        return real_render(self, pages, 8)

    def worker():
        started.append(1)
        return real_worker()

    monkeypatch.setattr(pdf_pool.PdfPool, "render", render)
    monkeypatch.setattr(pdf_pool, "_Worker", worker)
    areas = [registry.resolve(q) for q in ("adorf", "vrees", "riesa", "grabow")]
    out = tmp_path / "out"
    result = build.build_reports(store, registry, areas, out, ("html", "pdf"))
    assert result.failed == [
        ("grabow", "grabow.pdf: PDF-Ausgabe nach 8 s abgebrochen (Zeitlimit je Dokument)")
    ]
    assert len(started) == min(usable_cores(), 4)  # Grabow's worker, killed, is not replaced
    small = (out / "adorf.pdf").read_bytes()
    assert small.startswith(b"%PDF-")
    assert (out / "vrees.pdf").read_bytes() == (out / "riesa.pdf").read_bytes() == small
    assert not any(p.name.startswith("grabow") for p in out.iterdir())
    index = (out / "index.html").read_text("utf-8")
    assert 'href="riesa.pdf"' in index and "grabow" not in index

"""`dwk export meeting`: the offline bundle for the members' exchange meeting.

Everything is built into a fresh folder next to the target and swapped in only when complete,
so a failed or interrupted export leaves the previous bundle as it was. The zip is written
from the finished folder with sorted names, fixed timestamps and modes, so the same inputs give
the same bytes.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from dwk.app.build import build_reports
from dwk.app.review_state import review_rows, write_review_state
from dwk.areas import Registry
from dwk.core.atomic import write_bytes, write_text
from dwk.core.errors import DwkError
from dwk.indicators.catalogue import load_catalogue
from dwk.inputs.context import Context
from dwk.render.chart_data import FOLDER as DATA_FOLDER
from dwk.render.comparison import render_comparison
from dwk.render.kurzprofil import SUFFIX as KURZ
from dwk.render.kurzprofil import render_kurzprofil
from dwk.render.navigation import add_contents
from dwk.render.pdf import html_to_pdf
from dwk.render.profile import _env, chart_csvs
from dwk.render.profile_json import profile_record
from dwk.render.tables import write_indicator_csv, write_indicator_xlsx
from dwk.report.comparison import compare
from dwk.store import Store
from dwk.swot.review_file import default_review_dir

PROFILES, TABLES, REVIEW = "profile", "tabellen", "swot-review"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# The profiles' index links up to the bundle's pages (the profiles link to their index).
INDEX_UP = (
    ("Übersicht des Treffens", "../index.html"),
    ("Vergleich der Mitglieder", "../vergleich.html"),
)


@dataclass
class MeetingExport:
    folder: Path
    zip: Path | None
    failed: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [str(self.folder)] + ([str(self.zip)] if self.zip else [])
        return out + [f"fehlgeschlagen: {slug}: {why}" for slug, why in self.failed]


def export_meeting(
    store: Store, registry: Registry, out: Path, as_zip: bool = False,
    review_dir: Path | None = None,
) -> MeetingExport:  # fmt: skip
    out = out.resolve()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
    except OSError as exc:
        raise DwkError(f"Ausgabeverzeichnis nicht anlegbar: {exc.strerror}", file=out) from None
    try:
        failed = _build(store, registry, work, review_dir)
        _swap_in(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    archive = None
    if as_zip:
        archive = out.with_suffix(".zip")
        write_bytes(archive, zip_folder(out, out.name))
    return MeetingExport(out, archive, failed)


def _build(store: Store, registry: Registry, work: Path, review_dir: Path | None) -> list:
    members = list(registry.members)
    result = build_reports(store, registry, members, work / PROFILES, ("md", "html", "json"),
                           review_dir=review_dir, keep_profiles=True, index_up=INDEX_UP)  # fmt: skip
    profiles = result.profiles
    if not profiles:
        raise DwkError("kein Profil gebaut: " + "; ".join(f"{s}: {w}" for s, w in result.failed))
    comparison = compare(Context(store, registry.changes), registry, load_catalogue(), profiles)
    sources = [m for code in comparison.tables for m in store.metas(code)[-1:]]
    reviewed = any(p.review is not None for p in profiles)
    write_text(work / "vergleich.html", render_comparison(comparison, sources, reviewed))
    pages = [work / PROFILES / f"{p.area.slug}.html" for p in profiles] + [work / "vergleich.html"]
    html = [p.read_text("utf-8") for p in pages] + [render_kurzprofil(p) for p in profiles]
    pages += [work / PROFILES / f"{p.area.slug}{KURZ}.html" for p in profiles]  # PDF only
    for page, pdf in zip(pages, _pdfs(html), strict=True):
        write_bytes(page.with_suffix(".pdf"), pdf)
    for p in profiles:  # the charts' numbers, beside the indicator tables too
        for name, text in chart_csvs(p).items():
            write_text(work / TABLES / f"{p.area.slug}{DATA_FOLDER}" / name, text)
    records = [profile_record(p) for p in profiles]
    write_indicator_csv(records, work / TABLES / "indikatoren.csv")
    write_indicator_xlsx(records, work / TABLES / "indikatoren.xlsx")
    reviews = write_review_state(profiles, work / REVIEW, review_dir or default_review_dir())
    index = add_contents(_env(True).get_template("meeting_index.html.j2").render(
        profiles=profiles, failed=result.failed, reviews=reviews,
        review_rows=review_rows(profiles), synthetic=any(p.synthetic for p in profiles),
    ))  # fmt: skip
    write_text(work / "index.html", index)
    return result.failed


def _pdfs(pages: list[str]) -> list[bytes]:
    """Laying out a report takes seconds, so the PDFs are rendered on every core."""
    workers = max(1, min(len(pages), os.cpu_count() or 1))
    try:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            return list(pool.map(html_to_pdf, pages))
    except BrokenProcessPool:
        raise DwkError("PDF-Ausgabe abgebrochen: ein Prozess ist abgestürzt") from None


def _swap_in(work: Path, out: Path) -> None:
    """Replace `out` by the finished `work` folder; the old bundle is removed only afterwards."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".old"))
        os.replace(out, old / out.name)
    os.replace(work, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def zip_folder(folder: Path, root: str) -> bytes:
    """A zip of `folder` under the top folder `root`: relative names only, sorted, fixed times.

    dwk writes no links into a bundle, so a symbolic link in it is refused, never followed: it
    could carry a file from outside the folder into the zip. A backslash is refused too: some
    unzip programs on Windows read it as a folder separator, so `..\\x` would leave the folder.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                raise DwkError(f"symbolischer Link im Export: {rel!r}")
            if not path.is_file():
                continue
            name = f"{root}/{rel}"
            absolute = name.startswith("/") or name[1:2] == ":"  # C:/… on Windows
            if absolute or "\\" in name or any(p in ("", ".", "..") for p in name.split("/")):
                raise DwkError(f"unzulässiger Pfad im Export: {name!r}")
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            zf.writestr(info, path.read_bytes(), compresslevel=9)
    return buf.getvalue()

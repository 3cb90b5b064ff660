"""`dwk export meeting`: the offline bundle for the members' exchange meeting.

Everything is built into a fresh folder next to the target and swapped in only when complete,
together with the zip (`dwk.core.swap.swap_bundle`), so a failed, killed or interrupted export
leaves the previous bundle as it was, or the next run finishes the swap. The zip is written
from the finished folder with sorted names, fixed timestamps and modes, so the same inputs give
the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from dwk.app.build import build_reports
from dwk.app.review_state import review_rows, write_review_state
from dwk.areas import Registry
from dwk.core.atomic import make_dirs, write_bytes, write_text
from dwk.core.errors import DwkError
from dwk.core.oserror import output_error
from dwk.core.swap import abandon, check_target, heal_bundle, swap_bundle, temp_path
from dwk.indicators.catalogue import load_catalogue
from dwk.inputs.context import Context
from dwk.render.chart_data import FOLDER as DATA_FOLDER
from dwk.render.comparison import render_comparison
from dwk.render.kurzprofil import SUFFIX as KURZ
from dwk.render.kurzprofil import render_kurzprofil
from dwk.render.navigation import add_contents
from dwk.render.pdf_pool import DEFAULT_BUDGET, render_pdfs
from dwk.render.profile import chart_csvs, environment
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
    store: Store,
    registry: Registry,
    out: Path,
    as_zip: bool = False,
    review_dir: Path | None = None,
    pdf_budget: float = DEFAULT_BUDGET,
) -> MeetingExport:
    out = out.resolve()
    make_dirs(out.parent)
    heal_bundle(out)  # finish or undo what a killed export left
    check_target(out, as_zip)  # before the minute of building: nothing of the user's is replaced
    work = temp_path(out.parent, out.name, "tmp")
    try:
        work.mkdir()
        failed = _build(store, registry, work, review_dir, pdf_budget)
        swap_bundle(work, out, zip_folder if as_zip else None)
    except OSError as exc:
        abandon(work, out)
        raise output_error(exc, out) from None
    except BaseException:
        abandon(work, out)
        raise
    return MeetingExport(out, out.with_suffix(".zip") if as_zip else None, failed)


def _build(
    store: Store, registry: Registry, work: Path, review_dir: Path | None, pdf_budget: float
) -> list:
    members = list(registry.members)
    result = build_reports(
        store,
        registry,
        members,
        work / PROFILES,
        ("md", "html", "json"),
        review_dir=review_dir,
        keep_profiles=True,
        index_up=INDEX_UP,
    )
    profiles = result.profiles
    if not profiles:
        raise DwkError("kein Profil gebaut: " + "; ".join(f"{s}: {w}" for s, w in result.failed))
    comparison = compare(Context(store, registry.changes), registry, load_catalogue(), profiles)
    sources = store.sources(comparison.tables)
    reviewed = any(p.review is not None for p in profiles)
    write_text(work / "vergleich.html", render_comparison(comparison, sources, reviewed))
    pages = [work / PROFILES / f"{p.area.slug}.html" for p in profiles] + [work / "vergleich.html"]
    failed, no_pdf = list(result.failed), set()
    html = [p.read_text("utf-8") for p in pages] + [render_kurzprofil(p) for p in profiles]
    pages += [work / PROFILES / f"{p.area.slug}{KURZ}.html" for p in profiles]  # PDF only
    rendered = render_pdfs(html, pdf_budget)
    for page, pdf in zip(pages, rendered, strict=True):
        if pdf.pdf is not None:
            write_bytes(page.with_suffix(".pdf"), pdf.pdf)
        else:  # the area's other files stay; its PDF is listed as failed
            no_pdf.add(page.stem)
            failed.append((page.stem, f"{page.with_suffix('.pdf').name}: {pdf.error}"))
    for p in profiles:  # the charts' numbers, beside the indicator tables too
        for name, text in chart_csvs(p).items():
            write_text(work / TABLES / f"{p.area.slug}{DATA_FOLDER}" / name, text)
    records = [profile_record(p) for p in profiles]
    write_indicator_csv(records, work / TABLES / "indikatoren.csv")
    write_indicator_xlsx(records, work / TABLES / "indikatoren.xlsx")
    reviews = write_review_state(profiles, work / REVIEW, review_dir or default_review_dir())
    index = add_contents(
        environment(True)
        .get_template("meeting_index.html.j2")
        .render(
            profiles=profiles,
            failed=failed,
            no_pdf=no_pdf,
            reviews=reviews,
            review_rows=review_rows(profiles),
            synthetic=any(p.synthetic for p in profiles),
        )
    )
    write_text(work / "index.html", index)
    return failed


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

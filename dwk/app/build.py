"""The profile build as the CLI runs it: areas in, report files out, one area's failure never
stopping the others. Everything is rendered in memory first and then written atomically."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from dwk.areas import Area, Registry
from dwk.core.atomic import write_text
from dwk.core.cores import usable_cores
from dwk.core.errors import DwkError
from dwk.core.oserror import OutputError
from dwk.core.swap import commit_files, heal
from dwk.core.types import ProfileFormat
from dwk.core.write import safe_child
from dwk.indicators.catalogue import IndicatorDef, load_catalogue
from dwk.inputs.context import Context
from dwk.projection.outlook import load_groups
from dwk.render.chart_data import FOLDER as DATA_FOLDER
from dwk.render.profile import (
    chart_csvs,
    page_context,
    render_html,
    render_index,
    render_markdown,
)
from dwk.render.profile_json import render_json
from dwk.report.build import Profile, build_profile
from dwk.store import Store
from dwk.swot import survey as survey_rules
from dwk.swot.engine import KINDS
from dwk.swot.review_file import default_review_dir
from dwk.swot.rules import SwotRule, load_rules

if TYPE_CHECKING:  # multiprocessing and the pool only where a PDF is asked for
    from dwk.render.pdf_pool import PdfPool, PdfResult

FORMATS: tuple[ProfileFormat, ...] = get_args(ProfileFormat)
DEFAULT_FORMATS: tuple[ProfileFormat, ...] = ("md", "html", "json")


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)  # only when asked to keep them
    notes: dict[str, int] = field(default_factory=dict)  # slug -> warnings in its appendix

    def summary(self) -> list[tuple[str, str, str]]:
        """(area, outcome, detail) per area, failures first: the table the CLI prints."""
        rows = [(slug, "fehlgeschlagen", why) for slug, why in self.failed]
        rows += [
            (slug, "gebaut", f"{n} Hinweise im Anhang" if n else "")
            for slug, n in self.notes.items()
        ]
        return rows


def resolve_areas(registry: Registry, queries: list[str], all_members: bool) -> list[Area]:
    areas = list(registry.members) if all_members else []
    areas += [registry.resolve(q) for q in queries]
    seen, out = set(), []
    for a in areas:
        if a.slug not in seen:
            seen.add(a.slug)
            out.append(a)
    if not out:
        raise DwkError("kein Gebiet angegeben (AREA… oder --all)")
    return out


def profile_rules(catalogue: list[IndicatorDef]) -> list[SwotRule]:
    """The SWOT rules, checked against the indicators and the projection's age groups."""
    kinds = frozenset(KINDS) | {survey_rules.KIND}
    return load_rules(kinds, {d.id for d in catalogue} | {g.id for g in load_groups()})


@dataclass(frozen=True)
class Built:
    """What one area's build produced: its files and what its profile lacks."""

    files: list[Path]
    notes: int
    gaps: list[str]
    population: float | None = None  # the headline figure, for the indexes' sortable list


def headline_population(profile: Profile) -> float | None:
    row = next((r for r in profile.key_figures if r.definition.id == "bevoelkerung"), None)
    return None if row is None or row.own.missing else row.own.value


def check_formats(formats: tuple[str, ...]) -> None:
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        what = f"unbekanntes Format {', '.join(bad)}" if bad else "kein Format angegeben"
        raise DwkError(f"{what} (möglich: {', '.join(FORMATS)})")


def profile_gaps(profile: Profile) -> list[str]:
    """What the profile could not show for want of data, as short German phrases: the list a
    national run reports for areas with too little data."""
    gaps = []
    if profile.pyramid is None:
        gaps.append("keine Altersstruktur")
    if profile.area.level in ("kreis", "gemeinde") and profile.outlook is None:
        if not profile.projected_elsewhere:  # merged since: its neighbour's has its people
            gaps.append("keine Vorausberechnung")
    missing = sum(1 for r in profile.key_figures if r.own.missing)
    if missing:
        gaps.append(f"{missing} von {len(profile.key_figures)} Kennzahlen ohne Wert")
    return gaps


class ReportBuilder:
    """Builds and writes one area's reports at a time, reading the catalogue, the rules and
    the shared `Context` once: a batch of thousands of areas pays for them once."""

    def __init__(
        self,
        store: Store,
        registry: Registry,
        formats: tuple[str, ...] = DEFAULT_FORMATS,
        review_dir: Path | None = None,
        index_link: bool = True,
    ) -> None:
        """`index_link`: each page links the `index.html` beside it; false where none is."""
        check_formats(formats)
        self.store, self.registry, self.formats = store, registry, formats
        self.index_link = index_link
        self.review_dir = review_dir or default_review_dir()
        self.catalogue = load_catalogue()
        self.rules = profile_rules(self.catalogue)
        self.ctx = Context(store, registry.changes)

    def profile(self, area: Area) -> Profile:
        review = self.review_dir / f"{area.slug}.toml"
        return build_profile(
            area,
            self.store,
            self.registry,
            self.catalogue,
            self.rules,
            self.ctx,
            review_path=review,
        )

    def write(self, area: Area, out_dir: Path) -> tuple[Built, Profile]:
        """Render everything in memory first, then swap the area's files in together."""
        draft = self.draft(area)
        if draft.print_page is not None:
            from dwk.render.pdf_pool import render_pdfs

            draft.add_pdf(render_pdfs([draft.print_page])[0])
        return self.commit(draft, out_dir), draft.profile

    def draft(self, area: Area) -> Draft:
        """The area's files in memory, and the page to print where a PDF is asked for."""
        profile = self.profile(area)
        files = {}
        if "md" in self.formats:
            files[f"{area.slug}.md"] = render_markdown(profile)
        if {"html", "pdf"} & set(self.formats):
            page = page_context(profile, True)  # the charts, once
        if "html" in self.formats:
            files[f"{area.slug}.html"] = render_html(profile, page, self.index_link)
        if "json" in self.formats:
            files[f"{area.slug}.json"] = render_json(profile)
        if {"html", "pdf"} & set(self.formats):  # the charts' numbers, which both link
            for name, text in chart_csvs(profile, page).items():
                files[f"{area.slug}{DATA_FOLDER}/{name}"] = text
        data = {n: t.encode("utf-8") for n, t in files.items()}
        # on its own: no link to a list of profiles
        printed = render_html(profile, page, False) if "pdf" in self.formats else None
        return Draft(profile, data, printed)

    def commit(self, draft: Draft, out_dir: Path) -> Built:
        """The draft's files swapped in together; none of them where its PDF failed."""
        slug = draft.profile.area.slug
        if draft.print_page is not None:
            raise DwkError(f"{slug}.pdf: {draft.pdf_error or 'nicht gedruckt'}")
        targets = [_target(out_dir, name) for name in draft.data]
        commit_files(out_dir, slug, draft.data)
        profile = draft.profile
        return Built(
            targets, len(profile.notes), profile_gaps(profile), headline_population(profile)
        )


@dataclass
class Draft:
    """One area's report files, rendered but not yet written; `print_page` is the HTML its PDF
    is printed from, until `add_pdf` has put the PDF among the files."""

    profile: Profile
    data: dict[str, bytes]
    print_page: str | None
    pdf_error: str | None = None

    def add_pdf(self, printed: PdfResult) -> None:
        if printed.pdf is None:
            self.pdf_error = printed.error
        else:
            self.data[f"{self.profile.area.slug}.pdf"] = printed.pdf
            self.print_page = None


def build_reports(
    store: Store,
    registry: Registry,
    areas: list[Area],
    out_dir: Path,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    progress: Callable[[Area], None] | None = None,
    review_dir: Path | None = None,
    keep_profiles: bool = False,
    index_up: tuple[tuple[str, str], ...] = (),
) -> BatchResult:
    """Reports for `areas` into `out_dir`; a SWOT review file `<review_dir>/<slug>.toml`
    (default `data/reviews/`) is applied where one exists. `index_up`: (label, href) links from
    the index of several reports to the pages above it (the meeting bundle's)."""
    if len(areas) > 1:
        _check_index(out_dir / "index.html")
    index = len(areas) > 1 or (out_dir / "index.html").exists()
    builder = ReportBuilder(store, registry, formats, review_dir, index_link=index)
    heal(out_dir)  # a killed batch's areas: all new or all old again
    result = BatchResult()
    done: list[Area] = []
    printer = None
    if "pdf" in formats:
        from dwk.render.pdf_pool import PdfPool

        printer = PdfPool(min(len(areas), usable_cores()))
    try:
        for i, (area, draft) in enumerate(_drafts(builder, areas, printer)):
            try:
                if isinstance(draft, DwkError):
                    raise draft
                built = builder.commit(draft, out_dir)
                result.written += built.files
                done.append(area)
                result.notes[area.slug] = built.notes
                if keep_profiles:
                    result.profiles.append(draft.profile)
            except OutputError as exc:  # the output folder, not the area: the rest would fail too
                if not done:
                    raise
                result.failed += [(a.slug, str(exc)) for a in areas[i:]]
                break
            except DwkError as exc:
                result.failed.append((area.slug, str(exc)))
            if progress:
                progress(area)
    finally:
        if printer:
            printer.close()
    if len(areas) > 1 and done:
        entries = [
            {
                "name": a.name,
                "type": a.type,
                "key": a.key,
                "links": [(f.upper(), f"{a.slug}.{f}") for f in formats],
            }
            for a in done
        ]
        target = safe_child(out_dir, "index.html")
        write_text(
            target,
            render_index(entries, "Kommunalprofile der Demografiewerkstatt Kommunen", index_up),
        )
        result.written.append(target)
    return result


def _drafts(
    builder: ReportBuilder, areas: list[Area], printer: PdfPool | None
) -> Iterator[tuple[Area, Draft | DwkError]]:
    """Each area's draft, or why it has none, in order. With a printer, as many areas as it
    has workers are drafted first and printed at once (a profile's PDF takes 5–15 s)."""
    size = printer.size if printer else 1
    for start in range(0, len(areas), size):
        batch: list[tuple[Area, Draft | DwkError]] = []
        for area in areas[start : start + size]:
            try:
                batch.append((area, builder.draft(area)))
            except DwkError as exc:
                batch.append((area, exc))
        if printer:
            drafts = [d for _, d in batch if isinstance(d, Draft)]
            printed = printer.render([d.print_page or "" for d in drafts])
            for draft, pdf in zip(drafts, printed, strict=True):
                draft.add_pdf(pdf)
        yield from batch


# how an index of dwk's begins: the generator line, or before it (up to December 2026) the title
_OURS = (
    b'<meta name="generator" content="dwk">',
    b"<title>Kommunalprofile der Demografiewerkstatt Kommunen</title>",
)


def _check_index(index: Path) -> None:
    """Refuse, before the minutes of building, an `index.html` in the output folder that dwk
    did not write (a web site's own start page): the list of profiles would replace it."""
    if not index.exists() and not index.is_symlink():
        return
    try:
        with index.open("rb") as f:  # its head only: a national list runs to megabytes
            head = f.read(2048)
    except OSError:  # a folder or a dangling link: not dwk's either
        head = b""
    if not any(mark in head for mark in _OURS):
        raise DwkError(
            "stammt nicht von dwk und würde durch die Liste der Profile ersetzt: bitte einen "
            "anderen Ordner mit --out angeben oder die Datei verschieben",
            file=index,
        )


def _target(out_dir: Path, name: str) -> Path:
    """Where `name` ("x.html" or "x-daten/chart.csv") lands in `out_dir`, never outside it."""
    folder, _, file = name.rpartition("/")
    return safe_child(safe_child(out_dir, folder), file) if folder else safe_child(out_dir, name)

"""A national run: every Kreis or every Gemeinde (optionally of one Land) profiled in parallel
worker processes, with an index page per Land, one for the level and a summary of every area
whose key changed, that has too little data or that failed.

Layout under `out/<kreise|gemeinden>/`: `index.html` (the Länder, the members, the summary),
`zusammenfassung.csv` (one row per area), the members' profiles under their slug, and one folder
per Land (`01-schleswig-holstein/`) with its `index.html` and the profiles `<key>-<name>.*`.
Each profile is built by the same code as when it is built alone, so it is byte-identical to it.
"""

from __future__ import annotations

import csv
import ctypes
import gc
import io
import os
import posixpath
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from dwk.app.build import DEFAULT_FORMATS, ReportBuilder, check_formats
from dwk.app.coverage import Coverage, KeyNote, coverage
from dwk.areas import Area, Registry
from dwk.core.atomic import write_text
from dwk.core.cores import usable_cores
from dwk.core.errors import DwkError
from dwk.core.lifeline import die_with_parent
from dwk.core.swap import heal
from dwk.core.write import safe_child
from dwk.render.profile import render_national_index
from dwk.store import Store

LEVEL_FOLDERS = {"kreis": "kreise", "gemeinde": "gemeinden"}
LEVEL_TITLES = {"kreis": "Kreise und kreisfreie Städte", "gemeinde": "Gemeinden"}
KREISE_PER_CHUNK = 8


@dataclass(frozen=True)
class Outcome:
    """One area of the run: where its files went, and what it lacks or why it failed."""

    area: Area
    folder: str  # relative to the level folder; "" for members
    notes: int = 0
    gaps: tuple[str, ...] = ()
    error: str | None = None
    population: float | None = None
    kreis: str = ""  # the Kreis's name, for a Gemeinde


@dataclass
class NationalResult:
    coverage: Coverage
    root: Path
    outcomes: list[Outcome] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)  # the index pages and the summary

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error]

    @property
    def thin(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.gaps and not o.error]

    def lines(self) -> list[str]:
        """The run at a glance, for the end of the CLI output."""
        c = self.coverage
        built = len(self.outcomes) - len(self.failed)
        without = sum(1 for n in c.key_notes if not n.profiled)
        return [
            f"{LEVEL_TITLES[c.level]}: {built} von {len(self.outcomes)} Profilen gebaut, "
            f"{len(self.failed)} fehlgeschlagen",
            f"Schlüssel geändert, neu oder gemeindefrei: {len(c.key_notes)} "
            f"({len(c.key_notes) - without} mit Profil, {without} ohne eigenes Profil)",
            f"mit zu wenigen Daten (Lücken im Profil): {len(self.thin)}",
            f"Liste aller Gebiete: {self.root / 'zusammenfassung.csv'}",
        ]


def build_national(
    store: Store,
    registry: Registry,
    level: str,
    out: Path,
    *,
    land: str | None = None,
    jobs: int | None = 1,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    review_dir: Path | None = None,
    started: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> NationalResult:
    """Profiles of every area of `level` into `out/<kreise|gemeinden>/`; `started(total)` and
    `progress(done)` drive a progress bar; `jobs=None`: one worker per usable core."""
    check_formats(formats)
    jobs = jobs or usable_cores()
    if "pdf" in formats:  # seconds a profile: some hours for every Kreis, days for the Gemeinden
        raise DwkError(
            "PDF nicht mit --level; einzelne Gebiete: dwk profile build GEBIET --format pdf"
        )
    cov = coverage(store, registry, level, land)
    root = out / LEVEL_FOLDERS[level]
    chunks = _chunks(cov, root)
    for folder in sorted({c.folder for c in chunks}):
        heal(folder)  # a killed run's areas: all new or all old again
    if jobs > 1:
        store.forget()  # the workers read their own; the parent only writes the indexes
        _give_back_memory(collect=True)
    if started:
        started(len(cov.areas))
    result = NationalResult(cov, root)
    for outcomes in _run(chunks, jobs, formats, review_dir, (store, registry)):
        result.outcomes += outcomes
        if progress:
            progress(len(outcomes))
    result.outcomes.sort(key=lambda o: o.area.key)
    result.written = _write_indexes(result, formats)
    return result


@dataclass(frozen=True)
class _Chunk:
    """Areas one worker builds in a row: a Kreis's Gemeinden together share its caches."""

    folder: Path
    relative: str
    areas: tuple[Area, ...]


def _chunks(cov: Coverage, root: Path) -> list[_Chunk]:
    groups: dict[tuple[str, str], list[Area]] = {}
    for a in cov.areas:
        relative = "" if a.is_member else cov.land_folder(a.land)
        unit = a.key[:5] if cov.level == "gemeinde" else a.key[:2]
        groups.setdefault((relative, unit), []).append(a)
    chunks = []
    for (relative, _), areas in groups.items():
        size = KREISE_PER_CHUNK if cov.level == "kreis" else len(areas)
        for i in range(0, len(areas), size):
            chunks.append(_Chunk(root / relative, relative, tuple(areas[i : i + size])))
    # the largest first, so that no worker is left with a long one at the end
    return sorted(chunks, key=lambda c: (-len(c.areas), c.areas[0].key))


_WORKER: dict[str, ReportBuilder] = {}


def _init_worker(formats: tuple[str, ...], review_dir: Path | None, parent: int) -> None:
    # Ctrl-C is the parent's to handle: it stops the workers, rather than each one printing
    # its own traceback; a killed parent takes its workers with it
    die_with_parent(parent)
    store = Store.open()
    _WORKER["builder"] = ReportBuilder(store, Registry.load(store), formats, review_dir)


def _give_back_memory(collect: bool = False) -> None:
    """Return freed memory to the system: with every worker holding its own tables, what a
    process keeps after its peaks decides whether the run stays under 1.5 GB."""
    if collect:
        gc.collect()
    try:
        import pyarrow

        pyarrow.default_memory_pool().release_unused()
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _build_chunk(chunk: _Chunk, builder: ReportBuilder | None = None) -> list[Outcome]:
    builder = builder or _WORKER["builder"]
    out = []
    for area in chunk.areas:
        try:
            built, _ = builder.write(area, chunk.folder)
            kreis = builder.registry.names.get((area.kreis, "kreis"), area.kreis or "")
            out.append(
                Outcome(
                    area,
                    chunk.relative,
                    built.notes,
                    tuple(built.gaps),
                    population=built.population,
                    kreis=kreis,
                )
            )
        except DwkError as exc:
            out.append(Outcome(area, chunk.relative, error=str(exc)))
        except Exception as exc:  # a bug for one area must not cost the other 11,000
            error = f"interner Fehler ({type(exc).__name__}: {exc}), bitte melden"
            out.append(Outcome(area, chunk.relative, error=error))
    _give_back_memory()
    return out


def _run(chunks, jobs, formats, review_dir, opened):
    """Chunks in this process (one job) or in `jobs` spawned workers, each with its own
    store and caches; yields each chunk's outcomes as it finishes.

    A worker of its own builds a small chunk first and exits: it derives what every profile
    reads from whole tables (the derived cache) where this store and code have not yet, and
    the workers after it read that. All workers deriving it at once, the first run after a
    change of dwk's code, had done the work twice and kept what deriving left behind (all
    Gemeinden: 1.8–2.0 GB, now 1.45 GB; Schleswig-Holstein's 1.6–1.7 GB, now 1.0 GB as in any
    later run). With the cache there, the first chunk costs one more worker's start."""
    if jobs <= 1 or len(chunks) <= 1:
        builder = ReportBuilder(*opened, formats, review_dir)
        for chunk in chunks:
            yield _build_chunk(chunk, builder)
        return
    first = min(chunks, key=lambda c: (len(c.areas) < 2, len(c.areas)))
    yield from _in_pool([first], 1, formats, review_dir)
    rest = [c for c in chunks if c is not first]
    yield from _in_pool(rest, min(jobs, len(rest)), formats, review_dir)


def _in_pool(chunks, workers, formats, review_dir):
    with ProcessPoolExecutor(
        workers, get_context("spawn"), _init_worker, (formats, review_dir, os.getpid())
    ) as pool:
        futures = [pool.submit(_build_chunk, c) for c in chunks]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BaseException:  # Ctrl-C: stop the workers now, not after their chunks
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
            raise


def _entry(o: Outcome, formats: tuple[str, ...], page: str) -> dict:
    """An index row; `page` is the index's folder relative to the level folder."""
    status = f"fehlgeschlagen: {o.error}" if o.error else "; ".join(o.gaps)
    links = (
        []
        if o.error
        else [
            (
                f.upper(),
                posixpath.relpath(posixpath.join(o.folder, f"{o.area.slug}.{f}"), page or "."),
            )
            for f in formats
        ]
    )
    return {
        "name": o.area.name,
        "type": o.area.type,
        "key": o.area.key,
        "links": links,
        "status": status,
        "member": o.area.is_member,
        "population": o.population,
        "kreis": o.kreis,
    }


def _note(n: KeyNote) -> dict:
    return {"key": n.key, "name": n.name, "note": n.note}


def _write_indexes(result: NationalResult, formats: tuple[str, ...]) -> list[Path]:
    cov, root, written = result.coverage, result.root, []
    title = LEVEL_TITLES[cov.level]
    for land, name in cov.lands.items():
        mine = [o for o in result.outcomes if o.area.land == land]
        html = render_national_index(
            f"{title}: {name}",
            [_entry(o, formats, cov.land_folder(land)) for o in mine],
            [_note(n) for n in cov.key_notes if n.land == land],
            [],
            "../index.html",
        )
        target = safe_child(root / cov.land_folder(land), "index.html")
        write_text(target, html)
        written.append(target)
    lands = [
        {
            "name": name,
            "key": land,
            "href": f"{cov.land_folder(land)}/index.html",
            "count": sum(1 for o in result.outcomes if o.area.land == land),
        }
        for land, name in cov.lands.items()
    ]
    html = render_national_index(
        f"Kommunalprofile: {title}",
        [_entry(o, formats, "") for o in result.outcomes if o.area.is_member or o.error or o.gaps],
        [_note(n) for n in cov.key_notes],
        lands,
        None,
        tuple(sorted({o.area.key[:5] for o in result.outcomes if o.area.is_member})),
    )
    for name, text in (("index.html", html), ("zusammenfassung.csv", _summary_csv(result))):
        target = safe_child(root, name)
        write_text(target, text)
        written.append(target)
    return written


def _summary_csv(result: NationalResult) -> str:
    """Every area of the run and every changed key, one row each, sorted by key."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(["Schlüssel", "Name", "Land", "Ergebnis", "Hinweise im Anhang", "Lücken / Grund"])
    notes = {n.key: n for n in result.coverage.key_notes}
    rows = []
    for o in result.outcomes:
        outcome = "fehlgeschlagen" if o.error else ("Profil, lückenhaft" if o.gaps else "Profil")
        detail = [o.error] if o.error else list(o.gaps)
        if o.area.key in notes:
            detail.append(notes.pop(o.area.key).note)
        rows.append([o.area.key, o.area.name, o.area.land, outcome, o.notes, "; ".join(detail)])
    rows += [[n.key, n.name, n.land, "kein Profil", "", n.note] for n in notes.values()]
    w.writerows(sorted(rows, key=lambda r: r[0]))
    return "\ufeff" + buf.getvalue()  # with a BOM, Excel reads it as UTF-8 (umlauts intact)

"""PDFs rendered in worker processes, each document within a time budget.

Laying out a report takes seconds, so the PDFs are rendered on every core. A document that
takes longer than its budget (a pathological input that WeasyPrint lays out for minutes) costs
only itself: its worker is killed, the document is reported as failed, a fresh worker takes
the next one. `concurrent.futures` cannot kill one task, hence this small pool of its own.
Workers die with the parent (`die_with_parent`), and are killed when the parent stops.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait

from dwk.core.cores import usable_cores
from dwk.core.errors import DwkError
from dwk.core.lifeline import die_with_parent

DEFAULT_BUDGET = 300.0  # seconds per document; a member's profile takes 5–15 s
_STARTUP = 120.0  # seconds for a worker to load WeasyPrint, on a busy machine


@dataclass
class PdfResult:
    """One document: its bytes, or why there are none (one German line)."""

    pdf: bytes | None = None
    error: str | None = None


def _serve(conn: Connection, parent: int) -> None:
    die_with_parent(parent)
    from dwk.render.pdf import html_to_pdf

    try:
        import weasyprint  # noqa: F401  (loaded before the budget starts)
    except ImportError:
        pass  # html_to_pdf says which extra is missing

    conn.send(("ready", None))  # the budget starts when WeasyPrint is loaded, not before
    while True:
        try:
            html = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", html_to_pdf(html)))
        except DwkError as exc:
            conn.send(("error", str(exc)))
        except Exception as exc:  # one document's bug must not cost the others
            conn.send(("error", f"interner Fehler ({type(exc).__name__}), bitte melden"))


class _Worker:
    def __init__(self) -> None:
        ctx = get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.index: int | None = None
        self.ready = False
        self.html = ""
        self.deadline = time.monotonic() + _STARTUP

    def give(self, index: int, html: str, budget: float) -> None:
        self.index, self.html = index, html
        if self.ready:
            self.start(budget)

    def start(self, budget: float) -> None:
        self.deadline = time.monotonic() + budget
        self.conn.send(self.html)
        self.html = ""

    def stop(self) -> None:
        self.conn.close()
        self.process.kill()
        self.process.join()


def render_pdfs(
    pages: list[str], budget: float = DEFAULT_BUDGET, workers: int = 0
) -> list[PdfResult]:
    """Each page's PDF, in order; a page over `budget` seconds or failing gets an error."""
    with PdfPool(min(len(pages), workers or usable_cores())) as pool:
        return pool.render(pages, budget)


class PdfPool:
    """Up to `size` workers that stay loaded between calls of `render`: a batch of profiles
    is printed `size` at a time, so that only that many rendered reports are held in memory,
    and pays WeasyPrint's start (1–2 s) once per worker, not once per profile."""

    def __init__(self, size: int = 0) -> None:
        self.size = max(1, size or usable_cores())
        self._workers: list[_Worker] = []

    def __enter__(self) -> PdfPool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        for w in self._workers:
            w.stop()
        self._workers = []

    def render(self, pages: list[str], budget: float = DEFAULT_BUDGET) -> list[PdfResult]:
        """Each page's PDF, in order; a page over `budget` seconds or failing gets an error,
        and its worker is stopped (a new one starts if pages are left, else at the next call)."""
        results = [PdfResult() for _ in pages]
        todo = list(range(len(pages)))[::-1]
        pool = self._workers
        while len(pool) < min(self.size, len(pages)):
            pool.append(_Worker())
        for w in pool:
            if todo:
                i = todo.pop()
                w.give(i, pages[i], budget)
        while any(w.index is not None for w in pool):
            busy = [w for w in pool if w.index is not None]
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = wait([w.conn for w in busy], timeout)
            for w in busy:
                i = w.index
                assert i is not None
                if w.conn in ready:
                    try:
                        status, value = w.conn.recv()
                    except (EOFError, OSError):
                        status, value = "dead", None
                    if status == "ready":
                        w.ready = True
                        w.start(budget)
                        continue
                elif time.monotonic() >= w.deadline:
                    status, value = "timeout", None
                else:
                    continue
                w.index = None
                if status == "ok":
                    results[i].pdf = value
                elif status == "error":
                    results[i].error = value
                else:
                    results[i].error = (
                        f"PDF-Ausgabe nach {budget:g} s abgebrochen (Zeitlimit je Dokument)"
                        if status == "timeout" and w.ready
                        else "PDF-Prozess startet nicht (WeasyPrint nicht ladbar)"
                        if status == "timeout"
                        else "PDF-Ausgabe abgebrochen: der Prozess ist abgestürzt"
                    )
                    w.stop()
                    pool.remove(w)
                    if not todo:
                        continue
                    w = _Worker()
                    pool.append(w)
                if todo:
                    j = todo.pop()
                    w.give(j, pages[j], budget)
        return results

"""The HTML reports as a reader sees them: every member's report and the meeting's comparison
page opened in headless Chromium (Debian's `chromium`, driven by Playwright) with the network
blocked. Each page loads without console or script errors and without a request leaving the
file, every chart is drawn with a size, the SWOT quadrants and the key-figure table are there,
and a full-page screenshot is kept: in `$DWK_SCREENSHOTS` (relative paths from the repository
root; `.ci/run` sets `out/screenshots`), else in pytest's temporary folder.

Without Chromium or Playwright the tests skip; under CI (`CI=true`) that is a failure."""

from __future__ import annotations

import os
import shutil
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dwk.core import paths

pytestmark = pytest.mark.browser

MISSING = "Chromium fehlt: apt-get install chromium (Debian) und pip install -e '.[test]'"
# Looked up in this order; a test run can empty the tuple to see the missing-browser path.
CHROMIUM = ("chromium", "/usr/bin/chromium")
# The flags a root user needs in the closed network; Playwright adds --headless, --no-sandbox
# (chromium_sandbox=False) and a fresh temporary --user-data-dir itself.
FLAGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
COMPARISON = "vergleich"


def _member_slugs() -> list[str]:
    """The members' slugs straight from data/areas.toml, so each report is its own test."""
    with (paths.data_dir() / "areas.toml").open("rb") as f:
        return [a["slug"] for a in tomllib.load(f).get("area", [])]


MEMBERS = _member_slugs()


VIEWPORT_WIDTH = 1280


@dataclass
class Page:
    """What one page showed in the browser."""

    url: str
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    blocked: list[str] = field(default_factory=list)  # requests other than the page itself
    figures: int = 0  # <figure class="chart"> elements
    charts: list[tuple[bool, dict | None]] = field(default_factory=list)  # (visible, box) per svg
    quadrants: list[tuple[str, bool]] = field(default_factory=list)  # (class, visible)
    key_figure_rows: int = -1  # -1: no visible key-figure table
    width: int = 0  # the page's scroll width: wider than the viewport means sideways scrolling
    screenshot: Path | None = None


def _missing(why: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{MISSING} ({why})")
    pytest.skip(f"{MISSING} ({why})")


def _find_chromium() -> str | None:
    for name in CHROMIUM:
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    executable = _find_chromium()
    if executable is None:
        _missing("kein Programm chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Python-Paket playwright nicht installiert")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=executable, headless=True, chromium_sandbox=False, args=FLAGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def screenshot_dir(tmp_path_factory, pytestconfig) -> Path:
    wanted = os.environ.get("DWK_SCREENSHOTS")
    if not wanted:
        return tmp_path_factory.mktemp("screenshots")
    folder = Path(wanted)
    if not folder.is_absolute():
        folder = (pytestconfig.rootpath / folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def pages(browser, screenshot_dir, store, registry, member_reports, pytestconfig):
    """slug → Page: the nine reports and the comparison page, each opened once."""
    from dwk.indicators.catalogue import load_catalogue
    from dwk.inputs.context import Context
    from dwk.render.comparison import render_comparison
    from dwk.report.comparison import compare

    started = time.perf_counter()
    out, profiles = member_reports
    comparison = compare(Context(store, registry.changes), registry, load_catalogue(), profiles)
    sources = store.sources(comparison.tables)
    reviewed = any(p.review is not None for p in profiles)
    (out / f"{COMPARISON}.html").write_text(
        render_comparison(comparison, sources, reviewed), encoding="utf-8"
    )
    built = time.perf_counter()

    context = browser.new_context(viewport={"width": VIEWPORT_WIDTH, "height": 900})
    context.set_default_timeout(30_000)
    seen = {}
    for slug in [a.slug for a in registry.members] + [COMPARISON]:
        seen[slug] = _open(context, out / f"{slug}.html", screenshot_dir / f"{slug}.png")
    context.close()

    done = time.perf_counter()
    plugins = pytestconfig.pluginmanager
    with plugins.get_plugin("capturemanager").global_and_fixture_disabled():
        plugins.get_plugin("terminalreporter").write_line(
            f"Browser-Tests: {len(seen)} Seiten, Bau {built - started:.1f} s, "
            f"Chromium {done - built:.1f} s; Screenshots in {screenshot_dir}"
        )
    return seen


def _open(context, file: Path, screenshot: Path) -> Page:
    url = file.resolve().as_uri()
    page = Page(url)

    def route(r):
        # Only the file itself may load; data: URLs never leave it (the reports use none).
        if r.request.url == url or r.request.url.startswith("data:"):
            r.continue_()
        else:
            page.blocked.append(r.request.url)
            r.abort()

    tab = context.new_page()
    tab.route("**/*", route)
    tab.on(
        "console", lambda m: page.errors.append(f"console: {m.text}") if m.type == "error" else None
    )
    tab.on("pageerror", lambda e: page.errors.append(f"pageerror: {e}"))
    tab.goto(url, wait_until="load")

    page.figures = tab.locator("figure.chart").count()
    for svg in tab.locator("figure svg").all():
        page.charts.append((svg.is_visible(), svg.bounding_box()))
    for box in tab.locator("#swot .quadrant").all():
        page.quadrants.append((box.get_attribute("class") or "", box.is_visible()))
    table = tab.locator("#kennzahlen table.key-figures")
    if table.count() == 1 and table.is_visible():
        page.key_figure_rows = table.locator("tbody tr").count()
    page.width = tab.evaluate("document.documentElement.scrollWidth")
    tab.screenshot(path=str(screenshot), full_page=True)
    page.screenshot = screenshot
    tab.close()
    return page


def test_the_members_are_the_ones_in_areas_toml(registry):
    assert [a.slug for a in registry.members] == MEMBERS
    assert len(MEMBERS) == 9


@pytest.mark.parametrize("slug", [*MEMBERS, COMPARISON])
def test_page_loads_offline_without_errors(pages, slug):
    page = pages[slug]
    assert page.errors == []
    assert page.blocked == [], "Anfragen außerhalb der Datei"


@pytest.mark.parametrize("slug", [*MEMBERS, COMPARISON])
def test_nothing_sticks_out_sideways(pages, slug):
    assert pages[slug].width <= VIEWPORT_WIDTH


@pytest.mark.parametrize("slug", [*MEMBERS, COMPARISON])
def test_every_chart_is_visible_with_a_size(pages, slug):
    page = pages[slug]
    assert page.figures > 0
    assert len(page.charts) >= page.figures, "eine Abbildung ohne SVG"
    hidden = [
        i
        for i, (visible, box) in enumerate(page.charts)
        if not visible or box is None or box["width"] <= 0 or box["height"] <= 0
    ]
    assert hidden == [], f"unsichtbare oder leere Diagramme (Nr.): {hidden} {page.charts}"


@pytest.mark.parametrize("slug", MEMBERS)
def test_swot_quadrants_and_key_figures_are_shown(pages, slug):
    page = pages[slug]
    assert len(page.quadrants) == 4, page.quadrants
    assert all(visible for _, visible in page.quadrants), page.quadrants
    assert {c.split()[-1] for c, _ in page.quadrants} == {
        "staerke",
        "schwaeche",
        "chance",
        "risiko",
    }
    assert page.key_figure_rows > 0, "keine sichtbare Kennzahlentabelle mit Zeilen"


@pytest.mark.parametrize("slug", [*MEMBERS, COMPARISON])
def test_screenshot_is_saved(pages, slug):
    shot = pages[slug].screenshot
    assert shot is not None and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

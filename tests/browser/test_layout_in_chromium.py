"""Issue 15 in the browser: on a 390-px phone no page (member reports, the comparison, the
indexes) is wider than the screen, tables scroll in their own box and chart text stays at
≥ 10 px; every page has its contents; the comparison's numbers stay on one line; the Land
index's list of areas can be searched and sorted offline, and lists every area without JS."""

from __future__ import annotations

import pytest

from tests.browser.test_reports_in_chromium import COMPARISON, FLAGS, MEMBERS, browser  # noqa: F401

pytestmark = pytest.mark.browser
PHONE = 390
MIN_CHART_PX = 10.0

# The smallest rendered font size of any chart text: its font size in user units (the text's
# own or inherited from the legend group) times the SVG's scale on screen.
CHART_FONT = """() => {
  let least = Infinity;
  for (const t of document.querySelectorAll('figure svg text')) {
    const size = parseFloat(getComputedStyle(t).fontSize);
    const m = t.getScreenCTM();
    const scale = Math.hypot(m.a, m.b);  // rotated labels too
    least = Math.min(least, size * scale);
  }
  return least;
}"""
TABLES_OUTSIDE_BOX = """() => [...document.querySelectorAll('table')]
  .filter(t => !t.parentElement.classList.contains('tabelle')).length"""
NUMBER_CELLS_ON_ONE_LINE = """() => [...document.querySelectorAll('table.matrix td')].filter(td => {
  const r = document.createRange(); r.selectNodeContents(td);
  return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1;
}).map(td => td.textContent)"""


@pytest.fixture(scope="module")
def site(member_reports, store, registry, tmp_path_factory):
    """The member reports with their index and the comparison, and a national run for Bremen
    (two Gemeinden) with its level and Land index."""
    from dwk.app.national import build_national
    from dwk.indicators.catalogue import load_catalogue
    from dwk.inputs.context import Context
    from dwk.render.comparison import render_comparison
    from dwk.report.comparison import compare

    out, profiles = member_reports
    comparison = compare(Context(store, registry.changes), registry, load_catalogue(), profiles)
    sources = store.sources(comparison.tables)
    (out / f"{COMPARISON}.html").write_text(
        render_comparison(comparison, sources, profile_dir=""), encoding="utf-8"
    )
    national = tmp_path_factory.mktemp("national")
    result = build_national(store, registry, "gemeinde", national, land="04", formats=("html",))
    assert not result.failed
    root = result.root
    land = next(p for p in result.written if p.name == "index.html" and p.parent != root)
    pages = {slug: out / f"{slug}.html" for slug in [*MEMBERS, COMPARISON, "index"]}
    pages["bundesweit"] = root / "index.html"
    pages["land"] = land
    return pages


def _open(browser, file, width, js=True):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 800}, java_script_enabled=js)
    tab = context.new_page()
    url = file.resolve().as_uri()
    tab.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
    tab.goto(url, wait_until="load")
    return context, tab


@pytest.fixture(scope="module")
def phone(browser, site):  # noqa: F811
    """slug → (scroll width, smallest chart font in px, tables outside a scroll box)."""
    seen = {}
    for slug, file in site.items():
        context, tab = _open(browser, file, PHONE)
        charts = tab.locator("figure svg text").count()
        font = tab.evaluate(CHART_FONT) if charts else None
        seen[slug] = (
            tab.evaluate("document.documentElement.scrollWidth"),
            font,
            tab.evaluate(TABLES_OUTSIDE_BOX),
        )
        context.close()
    return seen


PAGES = [*MEMBERS, COMPARISON, "index", "bundesweit", "land"]


@pytest.mark.parametrize("slug", PAGES)
def test_no_page_is_wider_than_a_phone(phone, slug):
    """Before: 1,091 px for a member report, 840 px for the comparison, 749 px for the bundle."""
    width, _, outside = phone[slug]
    assert width <= PHONE
    assert outside == 0, "Tabelle ohne eigenen Scrollbereich"


@pytest.mark.parametrize("slug", [*MEMBERS, COMPARISON])
def test_chart_text_stays_readable_on_a_phone(phone, slug):
    """Before: 6.5-pt notes of a 453-pt wide chart drawn 360 px wide, 4–5 px on screen."""
    _, font, _ = phone[slug]
    assert font is not None and font >= MIN_CHART_PX - 0.05


# Every map of the page: how far its SVG and its figure's content reach beyond the figure's
# visible width (px), the legend's right edge beyond the screen, and where the Lage map's
# highlighted area lies across the figure (its centre in px from the figure's left, the
# figure's width).
MAPS_ON_SCREEN = """() => [...document.querySelectorAll('figure svg.karte')].map(svg => {
  const f = svg.closest('figure'), box = f.getBoundingClientRect();
  const legend = f.querySelector('.karte-legende').getBoundingClientRect();
  const a = svg.querySelector('.dwk-gebiet') || svg.querySelector('.dwk-karte-punkte path');
  const r = a ? a.getBoundingClientRect() : null;
  return [svg.getBoundingClientRect().width - f.clientWidth, f.scrollWidth - f.clientWidth,
          legend.right - window.innerWidth, r ? r.left + r.width / 2 - box.left : null,
          f.clientWidth];
})"""


@pytest.mark.parametrize("slug", [*MEMBERS, "bundesweit"])
def test_maps_fit_a_phone_with_their_legend(browser, site, slug):  # noqa: F811
    """A map's SVG has no text, so it fits the figure; its legend is HTML and wraps within the
    screen (before: the map was drawn 780 px wide in a 358-px figure, and the legend's second
    column and the east of a Kreis were out of view until one scrolled); the Lage map's area
    lies within the figure. At 1280 px the same holds."""
    for width in (PHONE, 1280):
        context, tab = _open(browser, site[slug], width)
        seen = tab.evaluate(MAPS_ON_SCREEN)
        assert seen, "keine Karte"
        for svg_over, content_over, legend_over, centre, figure_w in seen:
            assert svg_over <= 0.5 and content_over == 0 and legend_over <= 0
            assert centre is None or 0 < centre < figure_w
        context.close()


@pytest.mark.parametrize("slug", PAGES)
def test_every_page_has_contents_whose_links_land(browser, site, slug):  # noqa: F811
    context, tab = _open(browser, site[slug], 1280)
    links = tab.eval_on_selector_all("nav.inhalt a", "as => as.map(a => a.getAttribute('href'))")
    assert len(links) >= 1
    for href in links:
        assert tab.locator(href).count() == 1, href
    context.close()


def test_the_comparisons_numbers_stay_on_one_line(browser, site):  # noqa: F811
    for width in (1280, PHONE):
        context, tab = _open(browser, site[COMPARISON], width)
        assert tab.evaluate(NUMBER_CELLS_ON_ONE_LINE) == []
        context.close()


def test_the_land_index_is_searched_and_sorted_offline(browser, site):  # noqa: F811
    context, tab = _open(browser, site["land"], 1280)
    rows = tab.locator("#gebietsliste tbody tr")
    assert rows.count() == 2  # Bremen 04011000 and Bremerhaven 04012000
    tab.fill("#suche", "haven")
    shown = [r.inner_text() for r in rows.all() if r.is_visible()]
    assert len(shown) == 1 and shown[0].startswith("Bremerhaven")
    assert tab.inner_text("#treffer") == "1 von 2 Gebieten"
    tab.fill("#suche", "")
    tab.click("#gebietsliste th:has-text('Einwohner')")
    first = rows.first.inner_text()
    assert first.startswith("Bremerhaven")  # the smaller city first
    tab.click("#gebietsliste th:has-text('Einwohner')")
    assert rows.first.inner_text().startswith("Bremen")
    context.close()


def test_without_javascript_the_land_index_lists_every_area(browser, site):  # noqa: F811
    context, tab = _open(browser, site["land"], 1280, js=False)
    rows = tab.locator("#gebietsliste tbody tr")
    assert rows.count() == 2 and all(r.is_visible() for r in rows.all())
    assert not tab.locator("p.suche").is_visible()  # no search box that could not work
    context.close()

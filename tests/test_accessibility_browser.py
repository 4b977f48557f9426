"""WCAG 2.1 AA in real headless Chromium: axe-core on every page type, light and dark,
and what axe cannot see: keyboard order and focus, the skip link, reflow at 320 px,
text at 200 %, reduced motion.

One corpus (`write_accessibility_corpus`) exercises every element: long tables with
notes, findings, editorial notes, bar charts, flow diagrams, filters, the search page
with results and facets, the 404 page, the statement and the data page. It is built
once and served on loopback with the production Content-Security-Policy of
netlify.toml. axe-core comes from the pinned `axe-playwright-python` package (its
bundled axe.min.js) and is evaluated through the DevTools protocol, which the page's
CSP does not govern; Playwright drives Debian's /usr/bin/chromium, never a downloaded
browser. Skipped when Chromium or Playwright is missing, unless INSYN_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import (
    AXE_TAGS,
    TIMEOUT_MS,
    chromium,
    serving,
    skip_unless_available,
)
from tests.conftest import Corpus
from tests.test_site import html_files, url_of, write_edge_corpus

pytestmark = pytest.mark.browser

MISSING = skip_unless_available(axe=True)

# One page of every type; the search page with results, so its facets are drawn.
PAGE_TYPES = [
    "/",
    "/beslut/",
    "/beslut/samtalsgrupper/",
    "/beslut/langt/",
    "/projekt/",
    "/projekt/samtal/",
    "/stadsdelar/",
    "/stadsdelar/hasselby-vallingby/",
    "/stadsdelar/hasselby-vallingby/sammantraden/",
    "/stadsdelar/hasselby-vallingby/sammantraden/2007-11-27/",
    "/finansiarer/",
    "/finansiarer/lansstyrelsen/",
    "/organisationer/",
    "/organisationer/framnas/",
    "/ar/",
    "/ar/2008/",
    "/pengafloden/",
    "/pengafloden/sokt/2008/",
    "/pengafloden/sokt/2008-2010/",
    "/data/",
    "/kvalitet/",
    "/tillganglighet/",
    "/404.html",
    "/sok/?q=samtalsgrupper",
]
ENGLISH = "Victim and Witness Assistance Programme"


def write_accessibility_corpus(corpus: Corpus) -> None:
    """The edge corpus, plus a long funding table with notes and a passage in English."""
    corpus.site.update(
        accessibility_status="partially-compliant",
        accessibility_assessed="2026-11-20",
        statement_updated="2026-11-21",
    )
    write_edge_corpus(corpus)
    payers = ["lansstyrelsen", "socialstyrelsen", "arvsfonden", "hasselby-vallingby"]
    statuses = ["applied", "granted", "rejected", "contributed"]
    corpus.decision(
        "langt",
        title="Ansökan om medel för ett långt samverkansprojekt med många finansiärer",
        meeting="2009-05-12",
        projects=["samtal"],
        body=(
            "## Bakgrund\n\nFörebilden är det så kallade "
            f'*<span lang="en">{ENGLISH}</span>* (VWAP) i Ottawa.\n'
        ),
        funding=[
            {
                "from": payers[i % 4],
                "amount": 10_000 * (i + 1),
                "year": 2008 + i % 5,
                "status": statuses[(i // 4) % 4],
                **({"note": f"Rad {i} med en anmärkning om beloppet."} if i % 6 == 0 else {}),
            }
            for i in range(24)
        ],
        notes=["Beloppen är hämtade ur bilagan."],
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = Corpus(tmp_path_factory.mktemp("a11y-site"))
    write_accessibility_corpus(corpus)
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    return corpus.out


@pytest.fixture(scope="module")
def base_url(built: Path) -> Iterator[str]:
    with serving(built) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(MISSING) as launched:
        yield launched


def new_page(browser: Any, base_url: str, **options: Any) -> Any:
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(base_url=base_url, **options)
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    return tab


def open_page(tab: Any, url: str) -> None:
    tab.goto(url)
    if url.startswith("/sok/"):
        from playwright.sync_api import expect

        expect(tab.locator("#sok-status")).not_to_be_empty()
        expect(tab.locator("#sok-filter fieldset").first).to_be_visible()


def axe_violations(tab: Any) -> list[str]:
    from axe_playwright_python.base import AXE_SCRIPT

    if not tab.evaluate("typeof window.axe !== 'undefined'"):
        tab.evaluate(AXE_SCRIPT)
    results = tab.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{rule['id']} ({rule['impact']}): {node['target']} {node['failureSummary']}"
        for rule in results["violations"]
        for node in rule["nodes"]
    ]


# --- axe ----------------------------------------------------------------------


def test_the_corpus_has_every_page_type(built: Path) -> None:
    urls = {url_of(built, p) for p in html_files(built)}
    assert {u.partition("?")[0] for u in PAGE_TYPES} <= urls


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_has_no_axe_violations(browser: Any, base_url: str, scheme: str) -> None:
    tab = new_page(browser, base_url, color_scheme=scheme)
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    found = {}
    for url in PAGE_TYPES:
        open_page(tab, url)
        violations = axe_violations(tab)
        if violations:
            found[url] = violations
    tab.context.close()
    assert found == {}
    assert problems == [], "the pages must run cleanly under the production CSP"


def test_the_dark_scheme_is_dark_and_charts_keep_a_light_panel(browser: Any, base_url: str) -> None:
    tab = new_page(browser, base_url, color_scheme="dark")
    tab.goto("/projekt/samtal/")
    colours = tab.evaluate(
        """() => [document.documentElement, document.querySelector('.diagram')]
            .map(e => getComputedStyle(e).backgroundColor)"""
    )
    tab.context.close()
    assert colours == ["rgb(21, 24, 28)", "rgb(255, 255, 255)"]


# --- keyboard -------------------------------------------------------------------

# Describes the focused element, and its focus indicator (outline, shadow, colours).
FOCUSED = """() => {
  const e = document.activeElement;
  (window.__focused ||= []).push(e);
  const s = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(), id: e.id, href: e.getAttribute('href'),
    cls: e.className && e.className.baseVal === undefined ? e.className : '',
    inMain: !!e.closest('main'), inFooter: !!e.closest('footer'),
    look: [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow,
           s.backgroundColor, s.color].join('|'),
  };
}"""
UNFOCUSED = """() => { document.activeElement.blur();
  return window.__focused.map(e => { const s = getComputedStyle(e);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow,
            s.backgroundColor, s.color].join('|'); }); }"""


def tab_through(tab: Any, limit: int = 200) -> list[dict[str, Any]]:
    """Press Tab until focus reaches the footer's last link; every stop on the way."""
    stops = []
    for _ in range(limit):
        tab.keyboard.press("Tab")
        stop = tab.evaluate(FOCUSED)
        stops.append(stop)
        if stop["inFooter"] and stop["href"] and stop["href"].startswith("mailto:"):
            return stops
    pytest.fail(f"Tab never reached the end of the page: {stops[-5:]}")


def test_the_skip_link_comes_first_shows_and_moves_focus_to_main(
    browser: Any, base_url: str
) -> None:
    tab = new_page(browser, base_url)
    tab.goto("/beslut/samtalsgrupper/")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.getAttribute('href')") == "#innehall"
    box = tab.locator("a.hoppa").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 50
    tab.keyboard.press("Enter")
    assert tab.evaluate("!!document.activeElement.closest('main')")
    # The next Tab continues inside main, not back in the header.
    tab.keyboard.press("Tab")
    assert tab.evaluate("!!document.activeElement.closest('main')")
    tab.context.close()


@pytest.mark.parametrize("url", ["/beslut/samtalsgrupper/", "/pengafloden/"])
def test_tab_order_reaches_the_main_actions_with_a_visible_focus(
    browser: Any, base_url: str, url: str
) -> None:
    tab = new_page(browser, base_url)
    tab.goto(url)
    stops = tab_through(tab)
    unfocused = tab.evaluate(UNFOCUSED)
    tab.context.close()

    def where(test: Any) -> int:
        return next(i for i, s in enumerate(stops) if test(s))

    order = [
        where(lambda s: s["href"] == "#innehall"),
        where(lambda s: s["cls"] == "webbplatsnamn"),
        where(lambda s: s["id"] == "sok-q"),
        where(lambda s: s["tag"] == "button" and not s["inMain"]),
        *(where(lambda s, h=h: s["href"] == h and not s["inMain"]) for h in NAV),
        where(lambda s: s["inMain"]),
        where(lambda s: s["href"] == "/tillganglighet/"),
    ]
    assert order == sorted(order), stops
    assert order[0] == 0
    invisible = [
        (s["tag"], s["href"] or s["id"])
        for s, before in zip(stops, unfocused, strict=True)
        if s["look"] == before
    ]
    assert invisible == [], "every focused element must look different from unfocused"


NAV = ["/beslut/", "/projekt/", "/stadsdelar/", "/finansiarer/", "/ar/", "/pengafloden/", "/data/"]


def test_a_sortable_table_sorts_by_keyboard(browser: Any, base_url: str) -> None:
    tab = new_page(browser, base_url)
    tab.goto("/pengafloden/sokt/")
    for _ in range(80):
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.className") == "sorteringsknapp":
            break
    else:
        pytest.fail("Tab never reached a sort button")
    heading = tab.locator("th", has=tab.locator(".sorteringsknapp:focus"))
    tab.keyboard.press("Enter")
    assert heading.get_attribute("aria-sort") == "ascending"
    tab.keyboard.press("Space")
    assert heading.get_attribute("aria-sort") == "descending"
    tab.context.close()


# --- reflow, zoom, motion -----------------------------------------------------------

# Anything that reaches past the right edge, outside the regions that scroll on purpose.
OVERFLOW = """() => {
  const root = document.documentElement, width = root.clientWidth, wide = [];
  const skip = '.tabellram, .diagram, .visuellt-dold, .hoppa, .sok__etikett, [hidden], .sokdata';
  if (root.scrollWidth > width) wide.push('page ' + root.scrollWidth);
  for (const e of document.body.querySelectorAll('*')) {
    if (e.closest(skip)) continue;
    const r = e.getBoundingClientRect();
    if (r.width && r.right > width + 1) wide.push(`${e.tagName}.${e.className} ${r.right}`);
  }
  return wide;
}"""


def test_no_page_needs_sideways_scrolling_at_320_px(
    browser: Any, base_url: str, built: Path
) -> None:
    tab = new_page(browser, base_url, viewport={"width": 320, "height": 640})
    too_wide = {}
    for url in [url_of(built, p) for p in html_files(built)]:
        tab.goto(url)
        wide = tab.evaluate(OVERFLOW)
        if wide:
            too_wide[url] = wide[:5]
    tab.context.close()
    assert too_wide == {}


def test_text_at_200_percent_loses_nothing(browser: Any, base_url: str) -> None:
    tab = new_page(browser, base_url, viewport={"width": 640, "height": 800})
    problems = {}
    for url in PAGE_TYPES:
        open_page(tab, url)
        # CSSOM, not a style element: the page's CSP allows no inline styles.
        tab.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
        wide = tab.evaluate(OVERFLOW)
        overlaps = tab.evaluate(
            """() => {
              const box = e => e.getBoundingClientRect();
              const hit = (a, b) => a.left < b.right && b.left < a.right
                                 && a.top < b.bottom && b.top < a.bottom;
              const form = document.querySelector('.sidhuvud .sok');
              if (!form) return [];  // the search page: its one box is in the page
              const field = box(form);
              const others = [...document.querySelectorAll('.huvudmeny a, .webbplatsnamn')];
              return others.filter(o => hit(field, box(o))).map(o => o.textContent);
            }"""
        )
        if wide or overlaps:
            problems[url] = (wide[:5], overlaps)
        big = tab.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
        assert big >= 56, url  # 200 % of at least 28 px: the zoom took effect
    tab.context.close()
    assert problems == {}


def test_reduced_motion_stops_transitions(browser: Any, base_url: str) -> None:
    probe = """() => [
      getComputedStyle(document.querySelector('.sankey__band path')).transitionDuration,
      getComputedStyle(document.documentElement).scrollBehavior]"""
    moving = new_page(browser, base_url, reduced_motion="no-preference")
    moving.goto("/pengafloden/")
    assert moving.evaluate(probe) == ["0.15s", "smooth"]
    moving.context.close()
    still = new_page(browser, base_url, reduced_motion="reduce")
    still.goto("/pengafloden/")
    assert still.evaluate(probe) == ["0s", "auto"]
    still.context.close()


#: Whether an element is a scroll region a reader can find and move with the keyboard
#: (focusable, named), and what of each amount cell is shown: in the viewport, or inside
#: such a region (its part of the page), never cut off by the page.
AMOUNTS = """() => {
  const out = [];
  for (const cell of document.querySelectorAll('main td.tal, main th.tal')) {
    if (!cell.textContent.trim()) continue;
    const region = cell.closest('.tabellram');
    const box = cell.getBoundingClientRect();
    const inViewport = box.left >= 0 && box.right <= document.documentElement.clientWidth + 1;
    const labelled = region !== null && region.getAttribute('role') === 'region'
      && region.tabIndex === 0 && (region.getAttribute('aria-label') || '').length > 0;
    if (!inViewport && !labelled) out.push(cell.textContent.trim());
  }
  return out;
}"""
CUE = """() => [...document.querySelectorAll('main .tabellram')]
  .filter(r => r.scrollWidth > r.clientWidth + 1)
  .map(r => [r.getAttribute('aria-label'), getComputedStyle(r).backgroundImage !== 'none',
             r.hasAttribute('data-rullar')])"""


@pytest.mark.parametrize("width", [375, 1280])
def test_every_amount_is_in_view_or_in_a_labelled_scroll_region(
    browser: Any, base_url: str, width: int
) -> None:
    """No amount is lost on a phone: each is in the viewport or in a table region that
    scrolls by itself, named and focusable, and a region that scrolls shows that it does."""
    tab = new_page(browser, base_url, viewport={"width": width, "height": 800})
    lost, uncued, scrolling = {}, {}, 0
    for url in PAGE_TYPES:
        open_page(tab, url)
        if hidden := tab.evaluate(AMOUNTS):
            lost[url] = hidden[:5]
        for label, shadow, marked in tab.evaluate(CUE):
            scrolling += 1
            if not (shadow and marked):
                uncued.setdefault(url, []).append(label)
        assert tab.evaluate("document.documentElement.scrollWidth") <= width, url
    tab.context.close()
    assert lost == {}
    assert uncued == {}
    if width == 375:
        assert scrolling > 0  # the phone has wide tables: the cue is tested on them

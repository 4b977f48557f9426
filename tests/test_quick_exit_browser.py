"""A safe way out: "Lämna sidan snabbt" on every page, first after the skip link, leaving
for a neutral site in a way Back does not undo; and where to call for help.

Run in headless Chromium on the built site, with the production Content-Security-Policy;
the neutral site is answered by the browser itself (`page.route`), as the tests have no
network.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import TIMEOUT_MS, chromium, serving, skip_unless_available
from tests.conftest import Corpus
from tests.test_site import html_files, write_edge_corpus

pytestmark = pytest.mark.browser
REASON = skip_unless_available()
NEUTRAL = "https://www.smhi.se/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Corpus]]:
    corpus = Corpus(tmp_path_factory.mktemp("exit"))
    corpus.write_data()
    write_edge_corpus(corpus)
    result = corpus.run("build", "--no-search")
    assert result.returncode == 0, result.stderr
    with serving(corpus.out) as base:
        yield base, corpus


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(REASON) as launched:
        yield launched


def _page(browser: Any, javascript: bool = True, width: int = 1280) -> Any:
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.route(
        f"{NEUTRAL}**",
        lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body="<title>Väder</title><p>Väder"
        ),
    )
    return page


def _history(page: Any, base: str) -> None:
    """The reader came to /beslut/ from the home page: Back would show the home page."""
    page.goto(f"{base}/")
    page.click("nav.huvudmeny >> text=Beslut")
    page.wait_for_url(f"{base}/beslut/")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_exit_is_the_first_stop_after_the_skip_link(
    site: tuple[str, Corpus], browser: Any, width: int
) -> None:
    base, _ = site
    page = _page(browser, width=width)
    page.goto(f"{base}/beslut/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Hoppa till innehållet"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Lämna sidan snabbt"
    box = page.locator("[data-lamna]").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["y"] < 120
    assert page.locator("[data-lamna-tips]").is_visible()
    page.context.close()


@pytest.mark.parametrize("how", ["click", "enter", "shift three times"])
def test_leaving_replaces_the_page_so_back_does_not_return(
    site: tuple[str, Corpus], browser: Any, how: str
) -> None:
    base, _ = site
    page = _page(browser)
    _history(page, base)
    if how == "click":
        page.click("[data-lamna]")
    elif how == "enter":
        page.focus("[data-lamna]")
        page.keyboard.press("Enter")
    else:
        for _ in range(3):
            page.keyboard.press("Shift")
    page.wait_for_url(NEUTRAL)
    assert page.title() == "Väder"
    page.go_back()
    assert page.url == f"{base}/", "Back skips the page that was left"
    page.context.close()


def test_two_shift_presses_or_shift_with_other_keys_do_not_leave(
    site: tuple[str, Corpus], browser: Any
) -> None:
    base, _ = site
    page = _page(browser)
    page.goto(f"{base}/beslut/")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("a")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url == f"{base}/beslut/"
    page.context.close()


def test_without_javascript_it_is_a_plain_link(site: tuple[str, Corpus], browser: Any) -> None:
    base, _ = site
    page = _page(browser, javascript=False)
    page.goto(f"{base}/beslut/")
    assert not page.locator("[data-lamna-tips]").is_visible(), "no promise of the Shift keys"
    page.click("[data-lamna]")
    page.wait_for_url(NEUTRAL)
    page.context.close()


def test_every_page_has_the_exit_and_the_support_lines(site: tuple[str, Corpus]) -> None:
    _, corpus = site
    pages = html_files(corpus.out)
    assert len(pages) > 20
    first_links = re.compile(
        r"<body>\s*<a [^>]*>Hoppa till innehållet</a>\s*<header [^>]*>\s*<div class=\"lamna\">"
    )
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert first_links.search(text), path
        assert f'<a class="lamna__lank" href="{NEUTRAL}" rel="noreferrer" data-lamna>' in text
        assert '<a href="tel:+46-20-50-50-50">020-50 50 50</a>' in text, path
        assert '<a href="tel:112">112</a>' in text, path

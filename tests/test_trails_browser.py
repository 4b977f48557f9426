"""The period filter of the funding trails in real headless Chromium: assets/period.js.

The period corpus of tests/test_trails.py is built in this process with a detail limit
of one trail, so that the periods come in both forms (in full and summed up), and served
on loopback with the Content-Security-Policy of netlify.toml. Playwright drives Debian's
/usr/bin/chromium, never a downloaded browser. Skipped when Chromium, Playwright or
axe-core is missing, unless INSYN_REQUIRE_BROWSER=1.
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

pytestmark = pytest.mark.browser

MISSING = skip_unless_available(axe=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    import insyn.pages.trails
    from tests.test_trails import build_in_process, write_period_corpus

    corpus = Corpus(tmp_path_factory.mktemp("trails-site"))
    corpus.write_data()
    write_period_corpus(corpus)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(insyn.pages.trails, "DETAIL_LIMIT", 1)
        yield build_in_process(corpus)


@pytest.fixture(scope="module")
def base_url(built: Path) -> Iterator[str]:
    with serving(built) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(MISSING) as launched:
        yield launched


@pytest.fixture
def tab(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == [], "the pages must run cleanly under the production CSP"


def choose(tab: Any, first: str, last: str) -> str:
    """Pick a period with the two lists and press "Visa"; the path it lands on."""
    tab.get_by_label("Från", exact=True).select_option(first)
    tab.get_by_label("Till", exact=True).select_option(last)
    with tab.expect_navigation():
        tab.get_by_role("button", name="Visa").click()
    return str(tab.evaluate("location.pathname"))


def test_the_lists_start_at_the_period_shown(tab: Any) -> None:
    tab.goto("/pengafloden/sokt/2009-2010/")
    form = tab.get_by_role("form", name="Välj period")
    assert form.is_visible()
    assert tab.get_by_label("Från", exact=True).input_value() == "2009"
    assert tab.get_by_label("Till", exact=True).input_value() == "2010"
    options = tab.get_by_label("Från", exact=True).locator("option").all_inner_texts()
    assert options == ["2008", "2009", "2010", "2011"]
    tab.goto("/pengafloden/beviljat/")
    assert tab.get_by_label("Från", exact=True).input_value() == "2008"
    assert tab.get_by_label("Till", exact=True).input_value() == "2011"


@pytest.mark.parametrize(
    ("first", "last", "landing", "heading"),
    [
        ("2009", "2010", "/pengafloden/sokt/2009-2010/", "Pengaflöden: sökt 2009–2010"),
        ("2010", "2011", "/pengafloden/sokt/2010-2011/", "Pengaflöden: sökt 2010–2011"),
        ("2011", "2009", "/pengafloden/sokt/2009-2011/", "Pengaflöden: sökt 2009–2011"),
        ("2010", "2010", "/pengafloden/sokt/2010/", "Pengaflöden: sökt 2010"),
        ("2008", "2011", "/pengafloden/sokt/", "Pengaflöden: sökt"),
    ],
)
def test_choosing_a_period_lands_on_its_page(
    tab: Any, first: str, last: str, landing: str, heading: str
) -> None:
    tab.goto("/pengafloden/sokt/2008/")
    assert choose(tab, first, last) == landing
    assert tab.locator("h1").inner_text() == heading
    # The page it lands on offers the period it shows, and its links mark it as the current page.
    low, high = sorted((first, last))
    assert tab.get_by_label("Från", exact=True).input_value() == low
    assert tab.get_by_label("Till", exact=True).input_value() == high
    # The form is the one period control: the links it stands for are hidden, and still
    # mark the page they lead to as the current one.
    assert tab.locator(".filter__period form").count() == 1
    for hidden in (".filter__ar", ".filter__flera"):
        assert tab.locator(hidden).is_hidden()
    for key, year in (("fran", low), ("till", high)):
        link = tab.locator(f'ul[aria-labelledby="filter-{key}"] a', has_text=year)
        assert link.get_attribute("aria-current") == "page"


def test_the_form_works_from_the_keyboard(tab: Any) -> None:
    tab.goto("/pengafloden/sokt/")
    tab.get_by_label("Från", exact=True).focus()
    tab.keyboard.press("ArrowDown")  # 2009
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.id") == "period-till"
    tab.keyboard.press("ArrowUp")  # 2010
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.textContent") == "Visa"
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert tab.evaluate("location.pathname") == "/pengafloden/sokt/2009-2010/"


def test_a_summed_up_period_links_its_years(tab: Any) -> None:
    tab.goto("/pengafloden/sokt/")
    assert choose(tab, "2010", "2011") == "/pengafloden/sokt/2010-2011/"
    caption = "Summor med status sökt 2010–2011 per finansiär och mottagare"
    table = tab.get_by_role("table", name=caption)
    with tab.expect_navigation():
        table.get_by_role("link", name="2011").first.click()
    assert tab.evaluate("location.pathname") == "/pengafloden/sokt/2011/"


def test_without_javascript_the_links_do_the_same(browser: Any, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto("/pengafloden/sokt/")
    assert page.locator("form.periodval").count() == 0
    assert page.get_by_role("list", name="År").is_visible()
    assert page.get_by_role("list", name="Från och med").is_hidden()
    page.get_by_text("Flera år i följd").click()
    page.get_by_role("list", name="Från och med").get_by_role("link", name="2009").click()
    page.wait_for_url("**/pengafloden/sokt/2009-2011/")
    page.get_by_role("list", name="Till och med").get_by_role("link", name="2010").click()
    page.wait_for_url("**/pengafloden/sokt/2009-2010/")
    assert page.locator("h1").inner_text() == "Pengaflöden: sökt 2009–2010"
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_period_pages_have_no_axe_violations(browser: Any, base_url: str, scheme: str) -> None:
    from axe_playwright_python.base import AXE_SCRIPT

    context = browser.new_context(base_url=base_url, color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    found = {}
    # In full, summed up, a single year, and a status page, each with the form.
    for url in [
        "/pengafloden/beviljat/2010-2011/",
        "/pengafloden/sokt/2009-2010/",
        "/pengafloden/sokt/2010/",
        "/pengafloden/sokt/",
    ]:
        page.goto(url)
        assert page.locator("form.periodval").count() == 1, url
        page.evaluate(AXE_SCRIPT)
        results = page.evaluate(
            "options => axe.run(document, options)",
            {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        violations = [
            f"{rule['id']}: {node['target']}"
            for rule in results["violations"]
            for node in rule["nodes"]
        ]
        if violations:
            found[url] = violations
    context.close()
    assert found == {}

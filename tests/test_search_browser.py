"""Search on /sok/ in real headless Chromium: Swedish words, facets, the URL, the keyboard.

A small corpus is built with the search index and served on loopback with the
Content-Security-Policy of netlify.toml, so the page is tested under the policy it ships
with. Playwright drives Debian's /usr/bin/chromium (never a downloaded browser).
Skipped when Chromium or Playwright is missing, unless INSYN_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser import (
    TIMEOUT_MS,
    chromium,
    serving,
    skip_unless_available,
)
from tests.conftest import Corpus

pytestmark = pytest.mark.browser

MISSING = skip_unless_available(axe=False)

HOSTILE = 'Stöd till <img src=x onerror="window.pwned=1"> jourer'


def write_search_corpus(corpus: Corpus) -> None:
    corpus.write_data()
    corpus.decision(
        "samtal",
        title="Ansökan om medel för samtalsgrupper",
        district="hasselby-vallingby",
        meeting="2007-11-27",
        body="## Sammanfattning\n\nSamtalsgrupper för våldsutsatta kvinnor över 18 år.\n",
        funding=[{"from": "lansstyrelsen", "amount": 500000, "year": 2008, "status": "applied"}],
    )
    corpus.decision(
        "team",
        title="Relationsvåldsteam i Skärholmen",
        district="skarholmen",
        meeting="2012-03-15",
        kind="co-financing",
        body="## Bakgrund\n\nTeamet ger stöd till våldsutsatta och till barn som upplevt våld.\n",
        funding=[{"from": "socialstyrelsen", "amount": 250000, "year": 2012, "status": "granted"}],
    )
    corpus.decision(
        "slutrapport",
        title="Slutrapport för projektet Järva Kvinnofrid",
        district="rinkeby",
        meeting="2005-01-10",
        kind="report",
        body="## Sammanfattning\n\nArbetet i Järva nådde många familjer.\n",
    )
    corpus.decision(
        "fientlig",
        title=HOSTILE,
        district="skarholmen",
        meeting="2011-05-02",
        body="## Sammanfattning\n\nEn ideell verksamhet får bidrag.\n",
    )


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    corpus = Corpus(tmp_path_factory.mktemp("search-site"))
    write_search_corpus(corpus)
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    with serving(corpus.out) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(MISSING) as launched:
        yield launched


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type in ("error", "warning")
            else None
        ),
    )
    try:
        yield tab
        assert problems == [], "the page must run cleanly under the production CSP"
    finally:
        context.close()


def search(page: Any, query: str) -> list[tuple[str, str]]:
    """Open /sok/?q=..., wait for the announced result, return (title, href) per result."""
    page.goto(f"/sok/?q={query}")
    return results(page)


def results(page: Any, status: str | None = None) -> list[tuple[str, str]]:
    """The results once the live region has announced them (`status`, or anything)."""
    from playwright.sync_api import expect

    # Locator checks, not wait_for_function: the page's CSP forbids evaluating strings.
    announced = page.locator("#sok-status")
    if status is None:
        expect(announced).not_to_be_empty()
    else:
        expect(announced).to_have_text(status)
    links = page.locator("#sok-resultat li h3 a")
    return [(link.inner_text(), link.get_attribute("href")) for link in links.all()]


def test_finds_decisions_by_inflected_swedish_words(page: Any) -> None:
    # The page says "kvinnor", never "kvinna": only Swedish stemming (kvinn-) finds it.
    assert "/beslut/samtal/" in [href for _, href in search(page, "kvinna")]
    assert search(page, "samtalsgrupp")[0][1] == "/beslut/samtal/"
    assert search(page, "Järva") == [
        ("Slutrapport för projektet Järva Kvinnofrid", "/beslut/slutrapport/")
    ]
    assert sorted(href for _, href in search(page, "våldsutsatta")) == [
        "/beslut/samtal/",
        "/beslut/team/",
    ]
    first = page.locator("#sok-resultat li").first
    assert "Hässelby-Vällingby" in first.inner_text() or "Skärholmen" in first.inner_text()
    assert page.locator("#sok-resultat mark").count() >= 1
    assert search(page, "zzzyxq") == []
    assert page.locator("#sok-status").inner_text() == "Inga träffar för ”zzzyxq”."


def test_a_hostile_title_stays_text(page: Any) -> None:
    assert search(page, "ideell") == [(HOSTILE, "/beslut/fientlig/")]
    assert page.evaluate("window.pwned") is None
    assert page.locator("#sok-resultat img").count() == 0


def test_district_filter_narrows_with_counts_and_back_button(page: Any) -> None:
    assert len(search(page, "våldsutsatta")) == 2
    status = page.locator("#sok-status")
    assert status.get_attribute("aria-live") == "polite"
    assert status.inner_text() == "2 träffar för ”våldsutsatta”."
    districts = page.get_by_role("group", name="Stadsdel")
    skarholmen = districts.get_by_role("checkbox", name="Skärholmen")
    assert districts.locator("label", has_text="Skärholmen").inner_text() == "Skärholmen (1)"
    assert districts.locator("label", has_text="Rinkeby").inner_text() == "Rinkeby (0)"
    skarholmen.check()
    assert results(page, "1 träff för ”våldsutsatta” (1 avgränsning).") == [
        ("Relationsvåldsteam i Skärholmen", "/beslut/team/")
    ]
    # Choices within a facet are alternatives, so the district counts stay as before.
    assert districts.locator("label", has_text="Hässelby-Vällingby").inner_text().endswith("(1)")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"q": ["våldsutsatta"], "distrikt": ["Skärholmen"]}
    page.go_back()
    assert len(results(page, "2 träffar för ”våldsutsatta”.")) == 2
    assert not skarholmen.is_checked()


def test_a_shared_url_reproduces_the_search(page: Any) -> None:
    page.goto("/sok/?q=st%C3%B6d&distrikt=Sk%C3%A4rholmen&finansiar=Socialstyrelsen")
    assert results(page) == [("Relationsvåldsteam i Skärholmen", "/beslut/team/")]
    assert page.locator("#sok-sida").input_value() == "stöd"
    assert page.get_by_role("checkbox", name="Skärholmen").is_checked()
    assert page.get_by_role("checkbox", name="Socialstyrelsen").is_checked()
    assert page.locator("#sok-status").inner_text() == "1 träff för ”stöd” (2 avgränsningar)."
    assert page.locator("#sok-utan-js").is_hidden()


def test_filters_alone_list_what_matches(page: Any) -> None:
    page.goto("/sok/?ar=2005")
    assert results(page) == [("Slutrapport för projektet Järva Kvinnofrid", "/beslut/slutrapport/")]
    labels = page.get_by_role("group", name="År").locator("label").all_inner_texts()
    assert labels == ["2012 (1)", "2011 (1)", "2007 (1)", "2005 (1)"]


def test_keyboard_only_search(page: Any) -> None:
    page.goto("/sok/")
    page.wait_for_selector("#sok-app:not([hidden])", state="attached")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "sok-sida":
            break
    else:
        pytest.fail("Tab never reached the search field")
    page.keyboard.type("Järva")
    page.keyboard.press("Enter")
    assert results(page) == [("Slutrapport för projektet Järva Kvinnofrid", "/beslut/slutrapport/")]
    assert parse_qs(urlsplit(page.url).query) == {"q": ["Järva"]}
    page.keyboard.press("Tab")  # the Sök button
    page.keyboard.press("Tab")  # the shortcut to the facets, useful on a phone
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#sok-filter-rubrik"
    page.keyboard.press("Tab")  # the first result
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/beslut/slutrapport/"
    page.keyboard.press("Enter")
    page.wait_for_url("**/beslut/slutrapport/")
    assert page.locator("h1").inner_text() == "Slutrapport för projektet Järva Kvinnofrid"


def test_header_search_on_any_page_leads_to_results(page: Any) -> None:
    page.goto("/beslut/")
    page.locator("#sok-q").fill("samtalsgrupper")
    page.locator("#sok-q").press("Enter")
    page.wait_for_url("**/sok/?q=samtalsgrupper")
    assert results(page)[0] == ("Ansökan om medel för samtalsgrupper", "/beslut/samtal/")


FURNITURE = ("Stadsdelsnämnd", "Sammanträde", "Ladda ner", "Diarienummer", "Typ av ärende", "År")


def test_a_result_shows_the_sentence_that_matched_and_its_money(page: Any) -> None:
    """The excerpt is the document's text around the hit, with no labels of the page's
    facts; the result names kind, district, date and its sums from the page's metadata."""
    found = search(page, "våldsutsatta")
    assert len(found) == 2
    items = page.locator("#sok-resultat li")
    for index in range(items.count()):
        item = items.nth(index)
        text = item.locator(".sokresultat__utdrag").inner_text()
        assert "våldsutsatta" in text.lower(), text
        assert not [word for word in FURNITURE if word in text], text
    # a word of the title: the excerpt goes on into the text, not into the facts list
    assert search(page, "Relationsvåldsteam") == [
        ("Relationsvåldsteam i Skärholmen", "/beslut/team/")
    ]
    text = page.locator("#sok-resultat li .sokresultat__utdrag").inner_text()
    assert not [word for word in FURNITURE if word in text], text
    search(page, "våldsutsatta")
    samtal = page.locator("#sok-resultat li", has_text="samtalsgrupper").locator(".post__meta")
    assert (
        samtal.first.inner_text()
        == "Övrigt · Hässelby-Vällingby · 27 november 2007 · Sökt 500\u00a0000\u00a0kr"
    )


def test_the_search_page_has_one_search_box(page: Any) -> None:
    page.goto("/sok/")
    assert page.locator("input[type=search]").count() == 1
    page.goto("/beslut/")
    assert page.locator("input[type=search]").count() == 1


def test_a_word_the_site_lacks_is_not_said_to_be_found(page: Any) -> None:
    """Pagefind answers a word no indexed word starts with by a shorter indexed word the query
    word starts with ("ideellt": the page with "ideell"): the status says so instead of calling
    them hits for the word asked for."""
    assert search(page, "ideellt") == [(HOSTILE, "/beslut/fientlig/")]
    assert page.locator("#sok-status").inner_text() == (
        "Sökindexet har inget ord som börjar med ”ideellt”; 1 träff för ord med samma början."
    )
    # a word the site has keeps the plain status
    search(page, "ideell")
    assert page.locator("#sok-status").inner_text() == "1 träff för ”ideell”."
    # the site says "kvinnor", never "kvinna": found by its stem, and said as much
    assert "/beslut/samtal/" in [href for _, href in search(page, "kvinna")]
    assert (
        page.locator("#sok-status")
        .inner_text()
        .startswith("Sökindexet har inget ord som börjar med ”kvinna”;")
    )

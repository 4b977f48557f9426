"""The real pages under the production headers, in headless Chromium: no CSP violation,
no console error, on one page of every type.

A loopback server applies the `[[headers]]` of netlify.toml exactly as declared
(every matching `for` rule) and the 404 page, so what is tested is what ships.
Playwright drives Debian's /usr/bin/chromium (never a downloaded browser).
Skipped when Chromium or Playwright is missing, unless INSYN_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import http.server
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.browser import (
    TIMEOUT_MS,
    chromium,
    serving,
    skip_unless_available,
)
from tests.conftest import Corpus
from tests.hostile import HOSTILE
from tests.test_security import headers_for
from tests.test_site import write_edge_corpus

pytestmark = pytest.mark.browser

MISSING = skip_unless_available(axe=False)

#: Reported to the console, where the page fixture collects it, by a listener that
#: Playwright adds outside the page's CSP.
VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
});
"""

PAGES = [
    "/",
    "/beslut/",
    "/beslut/samtalsgrupper/",
    "/beslut/fientlig/",
    "/projekt/",
    "/projekt/samtal/",
    "/stadsdelar/",
    "/stadsdelar/hasselby-vallingby/",
    "/finansiarer/",
    "/finansiarer/lansstyrelsen/",
    "/organisationer/",
    "/organisationer/kvinnojouren/",
    "/ar/",
    "/ar/2008/",
    "/pengafloden/",
    "/data/",
    "/tillganglighet/",
    "/kvalitet/",
]


class _NetlifyHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with the headers netlify.toml declares, and /404.html for what is missing."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".wasm": "application/wasm",
    }

    def guess_type(self, path: Any) -> str:
        """The Content-Type a rule of netlify.toml gives, else the extension's."""
        given = headers_for(self.path.split("?", 1)[0]).get("Content-Type")
        return given or super().guess_type(path)

    def end_headers(self) -> None:
        path = self.path.split("?", 1)[0]
        headers = headers_for(path)
        headers.setdefault("Cache-Control", "public, max-age=0, must-revalidate")
        for name, value in headers.items():
            if name != "Content-Type":  # sent once, by guess_type's answer
                self.send_header(name, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        missing = Path(self.directory) / "404.html"
        if code != 404 or not missing.is_file():
            super().send_error(code, message, explain)
            return
        body = missing.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    corpus = Corpus(tmp_path_factory.mktemp("security-browser"))
    corpus.write_data()
    write_edge_corpus(corpus)
    corpus.decision(
        "fientlig",
        title=HOSTILE,
        meeting="2008-05-02",
        aliases=["gammalt-id"],
        notes=[HOSTILE],
        # Raw HTML that would run if it survived; no broken image, which would log a 404.
        body='## Sammanfattning\n\nText.\n\n<svg onload="window.pwned=1"></svg> '
        '<a href="javascript:window.pwned=1">x</a>\n',
        funding=[{"from": "socialstyrelsen", "amount": 1000, "year": 2008, "status": "granted"}],
    )
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    with serving(corpus.out, _NetlifyHandler) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(MISSING) as launched:
        yield launched


@pytest.fixture
def tab(browser: Any, base_url: str) -> Iterator[tuple[Any, list[str]]]:
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(VIOLATIONS)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url}: console {message.type}: {message.text}")
            if message.type in ("error", "warning")
            else None
        ),
    )
    try:
        yield page, problems
    finally:
        context.close()


@pytest.mark.parametrize("url", PAGES)
def test_page_runs_cleanly_under_the_production_headers(
    tab: tuple[Any, list[str]], url: str
) -> None:
    page, problems = tab
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200
    headers = response.headers
    assert "'unsafe-inline'" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "public, max-age=0, must-revalidate"
    # The stylesheet applied (a CSP block would leave the page unstyled).
    assert page.evaluate("getComputedStyle(document.body).margin") is not None
    assert page.evaluate("document.styleSheets.length") >= 1
    assert page.evaluate("window.pwned") is None
    assert problems == []


def test_search_works_under_the_production_headers(tab: tuple[Any, list[str]]) -> None:
    from playwright.sync_api import expect

    page, problems = tab
    page.goto("/sok/?q=samtalsgrupper")
    expect(page.locator("#sok-status")).not_to_be_empty()
    assert page.locator("#sok-resultat li").count() >= 1
    assert problems == []


def test_assets_are_served_with_a_long_cache(tab: tuple[Any, list[str]]) -> None:
    page, problems = tab
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    page.goto("/pengafloden/", wait_until="load")
    served = {r.url.rsplit("/", 1)[1]: r.headers for r in responses if "/assets/" in r.url}
    assert any(name.endswith(".css") for name in served)
    assert any(name.endswith(".js") for name in served)
    for name, headers in served.items():
        assert headers["cache-control"] == "public, max-age=31536000, immutable", name
    assert problems == []


def test_the_404_page_and_an_old_id(tab: tuple[Any, list[str]]) -> None:
    page, problems = tab
    response = page.goto("/finns-inte/")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Sidan finns inte"
    # Chromium reports the 404 status itself; nothing else may be logged.
    assert [p for p in problems if "status of 404" not in p] == []
    problems.clear()
    page.goto("/beslut/gammalt-id/")
    page.wait_for_url("**/beslut/fientlig/")
    assert page.locator("h1").inner_text() == HOSTILE.strip()
    assert page.evaluate("window.pwned") is None
    assert problems == []

"""The built site in headless Chromium: no page scrolls sideways at 320 px (WCAG 1.4.10).

Skipped when Chromium is not installed, unless INSYN_REQUIRE_BROWSER=1. Each
page is opened in a 320 px wide viewport through Playwright, as the other
browser tests do, and its content's width is measured.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator

import pytest

from tests.browser import TIMEOUT_MS, chromium, skip_unless_available
from tests.conftest import Corpus
from tests.test_site import html_files, url_of, write_edge_corpus

pytestmark = pytest.mark.browser
REASON = skip_unless_available()


@pytest.fixture
def served(corpus: Corpus) -> Iterator[tuple[str, list[str]]]:
    write_edge_corpus(corpus)
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    urls = [url_of(corpus.out, p) for p in html_files(corpus.out)]
    handler = functools.partial(_QuietHandler, directory=str(corpus.out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", urls
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_no_page_scrolls_sideways_at_320_px(served: tuple[str, list[str]]) -> None:
    base, urls = served
    assert len(urls) > 20
    widths = {}
    with chromium(REASON) as browser:
        page = browser.new_page(viewport={"width": 320, "height": 600})
        page.set_default_timeout(TIMEOUT_MS)
        for url in urls:
            page.goto(f"{base}{url}", wait_until="load")
            widths[url] = page.evaluate("document.documentElement.scrollWidth")
    too_wide = {url: width for url, width in widths.items() if width > 320}
    assert too_wide == {}

"""The built site in headless Chromium: no page scrolls sideways at 320 px (WCAG 1.4.10).

Skipped when Chromium is not installed, unless INSYN_REQUIRE_BROWSER=1. The
measuring page is written into a copy of the built site only; the site
itself has no scripts.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Corpus
from tests.test_site import html_files, url_of, write_edge_corpus

pytestmark = pytest.mark.browser

CHROMIUM = next(
    (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()),
    shutil.which("chromium") or shutil.which("google-chrome"),
)
if CHROMIUM is None and os.environ.get("INSYN_REQUIRE_BROWSER") != "1":
    pytest.skip("Chromium is not installed", allow_module_level=True)

# Loads every page into a 320 px wide frame and writes down how wide its content is.
HARNESS = """<!doctype html><html><body><pre id="out"></pre><script>
const urls = URLS, out = document.getElementById("out");
let i = 0;
function next() {
  if (i >= urls.length) { out.textContent += "DONE\\n"; return; }
  const frame = document.createElement("iframe");
  frame.style.width = "320px"; frame.style.height = "600px"; frame.style.border = "0";
  frame.src = urls[i];
  frame.onload = () => {
    out.textContent += urls[i] + " " + frame.contentDocument.documentElement.scrollWidth + "\\n";
    frame.remove(); i++; next();
  };
  document.body.appendChild(frame);
}
next();
</script></body></html>
"""


@pytest.fixture
def served(corpus: Corpus) -> Iterator[tuple[str, list[str]]]:
    write_edge_corpus(corpus)
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    root = corpus.root / "served"
    shutil.copytree(corpus.out, root)
    urls = [url_of(root, p) for p in html_files(root)]
    (root / "zz-harness.html").write_text(
        HARNESS.replace("URLS", json.dumps(urls)), encoding="utf-8"
    )
    handler = functools.partial(_QuietHandler, directory=str(root))
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
    assert CHROMIUM is not None
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=60000",
            "--dump-dom",
            f"{base}/zz-harness.html",
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    dump = result.stdout
    assert "DONE" in dump, result.stderr[-2000:]
    widths = {}
    for line in dump.split('<pre id="out">', 1)[1].split("</pre>", 1)[0].splitlines():
        url, _, width = line.partition(" ")
        if width:
            widths[url] = int(width)
    assert set(widths) == set(urls)
    too_wide = {url: width for url, width in widths.items() if width > 320}
    assert too_wide == {}

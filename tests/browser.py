"""What the browser tests share: Debian's Chromium driven by Playwright, and a loopback
server for a built site with the production Content-Security-Policy.

Playwright always drives /usr/bin/chromium (never a downloaded browser). A test module
calls `skip_unless_available()` at import: without Chromium or Playwright it is skipped
with the reason, unless INSYN_REQUIRE_BROWSER=1 (CI), where the `chromium` fixture
helper fails instead.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
REQUIRED = os.environ.get("INSYN_REQUIRE_BROWSER") == "1"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TIMEOUT_MS = 10_000
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def missing(axe: bool = False) -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401

        if axe:
            import axe_playwright_python  # noqa: F401
    except ImportError as error:
        return f"{error.name} is not installed (pip install -r requirements-dev.txt)"
    return None


def skip_unless_available(axe: bool = False) -> str | None:
    """Skip the calling module when the browser is missing, unless it is required."""
    reason = missing(axe)
    if reason and not REQUIRED:
        pytest.skip(reason, allow_module_level=True)
    return reason


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site with the headers it gets in production."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".wasm": "application/wasm",
    }
    policy = ""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def production_policy() -> str:
    netlify = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    [everything] = [h for h in netlify["headers"] if h["for"] == "/*"]
    policy: str = everything["values"]["Content-Security-Policy"]
    return policy


@contextmanager
def serving(directory: Path, handler: type[Any] | None = None) -> Iterator[str]:
    """The base URL of a loopback server for `directory`, by default with the production
    policy, for as long as the block runs."""
    handler = handler or type("Handler", (SiteHandler,), {"policy": production_policy()})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    server.timeout = 10
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def chromium(reason: str | None) -> Iterator[Any]:
    """Headless Chromium for the block; `reason` is what `skip_unless_available` found
    missing, which under INSYN_REQUIRE_BROWSER=1 fails the test instead of skipping."""
    if reason:
        pytest.fail(f"INSYN_REQUIRE_BROWSER=1 but {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS, timeout=30_000
        )
        try:
            yield browser
        finally:
            browser.close()

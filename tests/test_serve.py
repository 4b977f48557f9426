"""`serve` as a staff member uses it: start, edit, break, fix — in a real process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT, Corpus


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_for(url: str, predicate, timeout: float = 30.0) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    last: tuple[int, str] = (0, "")
    while time.monotonic() < deadline:
        try:
            last = fetch(url)
            if predicate(*last):
                return last
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {url}; last response: {last[0]} {last[1][:300]}")


@pytest.fixture
def served(corpus: Corpus) -> Iterator[tuple[Corpus, str]]:
    corpus.decision("2007-samtal", title="Samtalsgrupper för kvinnor")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "site.py"), "serve", "--port", str(port)],
        cwd=corpus.root,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield corpus, f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_serve_shows_edits_errors_and_recovers(served: tuple[Corpus, str]) -> None:
    corpus, base = served
    page = f"{base}/beslut/2007-samtal/"
    status, text = wait_for(page, lambda code, body: code == 200)
    assert "Samtalsgrupper för kvinnor" in text
    assert "livereload.js" in text, "serve injects the reload script"
    assert "livereload" not in (corpus.out / "beslut/2007-samtal/index.html").read_text()

    time.sleep(1.1)  # mtime granularity on some file systems
    corpus.decision("2007-samtal", title="Samtalsgrupper för alla")
    wait_for(page, lambda code, body: code == 200 and "Samtalsgrupper för alla" in body)

    corpus.decision("2007-samtal", title="Trasig", district="hasselby-valingby")
    status, text = wait_for(page, lambda code, body: "Bygget misslyckades" in body)
    assert status == 500
    assert "2007-samtal.md:3" in text
    assert "did you mean &#x27;hasselby-vallingby&#x27;?" in text

    corpus.decision("2007-samtal", title="Lagad igen")
    wait_for(page, lambda code, body: code == 200 and "Lagad igen" in body)

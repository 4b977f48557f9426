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

from insyn.cli import ServeOptions
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


# --- serve's incremental updates, in process ------------------------------------------

from pathlib import Path  # noqa: E402

from tests.test_incremental import EDITS, clean_build, tree  # noqa: E402


def serve_options() -> ServeOptions:
    from insyn.cli import BuildOptions

    return ServeOptions(BuildOptions(Path("content"), Path("data"), Path("_site"), search=False))


@pytest.fixture
def site_server(corpus: Corpus, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from insyn.serve import SiteServer

    monkeypatch.chdir(corpus.root)
    corpus.project("stod", partners=["framnas"])
    lines = [{"from": "lansstyrelsen", "amount": 9000, "year": 2007, "status": "granted"}]
    for number in range(6):
        corpus.decision(f"2007-beslut-{number}", projects=["stod"], funding=lines)
    server = SiteServer(serve_options())
    assert server.rebuild().ok
    return corpus, server


def saved(corpus: Corpus, *relative: str) -> set[Path]:
    return {(corpus.content / r).resolve() for r in relative}


QUICK_EDITS = {
    "title": lambda c: c.decision(
        "2007-beslut-1", title="Ny rubrik", projects=["stod"], funding=FUNDED
    ),
    "body": lambda c: c.decision(
        "2007-beslut-2", body="## Ny\n\nNy *text*.\n", projects=["stod"], funding=FUNDED
    ),
    "project name": lambda c: c.project("stod", name="Nytt namn", partners=["framnas"]),
}
FUNDED = [{"from": "lansstyrelsen", "amount": 9000, "year": 2007, "status": "granted"}]


@pytest.mark.parametrize("edit", list(QUICK_EDITS))
def test_serve_quick_update_equals_a_clean_build(site_server, edit: str) -> None:  # type: ignore[no-untyped-def]
    corpus, server = site_server
    full_builds = server.last_report
    QUICK_EDITS[edit](corpus)
    server.on_change(
        {p.resolve() for p in (corpus.content / "decisions").glob("*.md")}
        | {p.resolve() for p in (corpus.content / "projects").glob("*.md")}
    )
    assert server.last_report is full_builds, "a presentational edit takes the quick path"
    server.settle()
    assert not server.pending
    assert tree(corpus.out) == clean_build()


def slow_down_other_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages other than the decisions' own take a while, so a quick update's child is still
    rendering them when the next save comes."""
    import time

    from insyn import engine

    original = engine.Renderer.render

    def slow(self: engine.Renderer, output: engine.Output) -> bytes:
        if not output.path.startswith("beslut/2007-beslut-"):
            time.sleep(0.05)
        return original(self, output)

    monkeypatch.setattr(engine.Renderer, "render", slow)


def test_the_edited_page_is_written_while_the_last_updates_child_dies(
    site_server, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A save kills the last update's child and writes its own page before waiting for that
    child's end, unless the child was to write that page too: then it waits first."""
    from insyn.serve import SiteServer

    corpus, server = site_server
    slow_down_other_pages(monkeypatch)
    seen: list[tuple[str, str]] = []
    reap = SiteServer._reap

    def spy(self: SiteServer, job: object) -> None:
        if job is not None and not job.stopped:  # type: ignore[attr-defined]
            decision = corpus.out / "beslut/2007-beslut-3/index.html"
            project = corpus.out / "projekt/stod/index.html"
            seen.append((decision.read_text(encoding="utf-8"), project.read_text(encoding="utf-8")))
        reap(self, job)

    monkeypatch.setattr(SiteServer, "_reap", spy)
    QUICK_EDITS["title"](corpus)
    server.on_change(saved(corpus, "decisions/2007-beslut-1.md"))
    assert server.background is not None, "other pages still rendering"
    corpus.decision("2007-beslut-3", title="Andra ändringen", projects=["stod"], funding=FUNDED)
    server.on_change(saved(corpus, "decisions/2007-beslut-3.md"))
    assert "Andra ändringen" in seen[-1][0]  # written before the child's end was awaited
    assert server.background is not None
    corpus.project("stod", name="Nytt projektnamn", partners=["framnas"])
    server.on_change(saved(corpus, "projects/stod.md"))
    assert "Nytt projektnamn" not in seen[-1][1]  # the child was to write it: it waited
    assert "Nytt projektnamn" in (corpus.out / "projekt/stod/index.html").read_text("utf-8")
    server.settle()
    assert tree(corpus.out) == clean_build()


def test_serve_quick_updates_one_after_another_equal_a_clean_build(site_server) -> None:  # type: ignore[no-untyped-def]
    """Each quick update renders from the graph it made: nothing made for the one before
    (a funding line's row shows its decision's title) is shown after the next."""
    corpus, server = site_server
    full_builds = server.last_report
    for title in ("Första rubriken", "Andra rubriken", "Tredje rubriken"):
        corpus.decision("2007-beslut-1", title=title, projects=["stod"], funding=FUNDED)
        server.on_change(saved(corpus, "decisions/2007-beslut-1.md"))
        server.settle()
        assert server.last_report is full_builds, "a title edit takes the quick path"
        assert tree(corpus.out) == clean_build()


@pytest.mark.parametrize("edit", list(EDITS))
def test_serve_update_after_any_edit_equals_a_clean_build(site_server, edit: str) -> None:  # type: ignore[no-untyped-def]
    from insyn.watch import EVERYTHING

    corpus, server = site_server
    EDITS[edit](corpus)
    server.on_change({EVERYTHING})
    assert server.error_page is None
    assert tree(corpus.out) == clean_build()


def test_serve_waits_for_a_page_being_rendered(site_server) -> None:  # type: ignore[no-untyped-def]
    import threading

    _, server = site_server
    server.pending.add("beslut/2007-beslut-0/index.html")
    answered: list[str] = []

    def request() -> None:
        body = server({"PATH_INFO": "/beslut/2007-beslut-0/"}, lambda status, headers: None)
        answered.append(b"".join(body).decode())

    thread = threading.Thread(target=request)
    thread.start()
    time.sleep(0.2)
    assert not answered, "a page in the middle of rendering is not served stale"
    with server.ready:
        server.pending.clear()
        server.ready.notify_all()
    thread.join(5)
    assert answered and "Beslut 2007-beslut-0" in answered[0]


def test_a_burst_of_saves_triggers_one_rebuild(site_server) -> None:  # type: ignore[no-untyped-def]
    from insyn.watch import Watcher

    corpus, server = site_server
    before = server.rebuilds
    batches: list[set[Path]] = []

    def on_change(paths: set[Path]) -> None:
        batches.append(paths)
        server.on_change(paths)

    watcher = Watcher(server.watched(), on_change)
    watcher.start()
    try:
        time.sleep(0.3)
        for number in range(4):
            corpus.decision(f"2007-beslut-{number}", title=f"Skur {number}", projects=["stod"])
        deadline = time.monotonic() + 20
        while server.rebuilds == before and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # anything still to come would have come by now
    finally:
        watcher.stop()
    assert server.rebuilds == before + 1, batches
    assert len(batches[0]) == 4
    page = (corpus.out / "beslut/2007-beslut-3/index.html").read_text(encoding="utf-8")
    assert "Skur 3" in page


def test_a_save_does_not_wait_for_the_last_saves_other_pages(
    site_server, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The pages an edit touches besides its own are rendered by a child process; the next
    save stops it, shows its own page at once, and the rest is still rendered after it."""
    import time

    corpus, server = site_server
    slow_down_other_pages(monkeypatch)
    QUICK_EDITS["title"](corpus)
    server.on_change(saved(corpus, "decisions/2007-beslut-1.md"))
    assert server.background is not None and server.pending, "other pages still rendering"
    corpus.decision("2007-beslut-3", title="Andra ändringen", projects=["stod"], funding=FUNDED)
    started = time.perf_counter()
    server.on_change(saved(corpus, "decisions/2007-beslut-3.md"))
    assert time.perf_counter() - started < 1.0
    own = (corpus.out / "beslut/2007-beslut-3/index.html").read_text(encoding="utf-8")
    assert "Andra ändringen" in own
    server.settle()
    assert not server.pending
    assert tree(corpus.out) == clean_build()

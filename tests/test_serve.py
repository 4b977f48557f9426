"""`serve` as a staff member uses it: start, edit, break, fix — in a real process."""

from __future__ import annotations

import contextlib
import html
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from insyn.cli import ServeOptions
from insyn.model.keys import Reads
from insyn.serve.server import SiteServer
from tests.conftest import ROOT, Corpus


def settle(server: SiteServer) -> None:
    """Wait until the child of the server's last quick update has finished; what it could
    not render stays in the backlog for the next update."""
    job = server.background
    if job is not None:
        job.thread.join()
        if job.left:
            server.background = None
            server.backlog |= job.left


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


@contextlib.contextmanager
def serving(corpus: Corpus, *args: str) -> Iterator[tuple[int, Path]]:
    """`site.py serve ARGS` on a free loopback port in the corpus: (port, its log file).

    The log is a file, not a pipe, so a chatty server never blocks on a full pipe and a
    test can read everything it printed after it has been stopped.
    """
    port = free_port()
    log = corpus.root / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "site.py"), "serve", "--port", str(port), *args],
            cwd=corpus.root,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield port, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture
def served(corpus: Corpus) -> Iterator[tuple[Corpus, str]]:
    corpus.decision("2007-samtal", title="Samtalsgrupper för kvinnor")
    with serving(corpus) as (port, _):
        yield corpus, f"http://127.0.0.1:{port}"


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
    status, text = wait_for(page, lambda code, body: "Build failed" in body)
    assert status == 500
    # what the terminal prints, word for word, and the line of the file it names
    assert (
        "<code>content/decisions/2007-samtal.md:3: error: district: unknown organisation"
        " &#x27;hasselby-valingby&#x27; (did you mean &#x27;hasselby-vallingby&#x27;?)"
    ) in text
    assert "<pre>    3 | district: hasselby-valingby</pre>" in text

    corpus.decision("2007-samtal", title="Lagad igen")
    wait_for(page, lambda code, body: code == 200 and "Lagad igen" in body)


@pytest.mark.parametrize("published_only", [False, True])
def test_serve_previews_drafts_with_a_banner_unless_asked_not_to(
    corpus: Corpus, published_only: bool
) -> None:
    """README step 4: a new decision is previewed while it is still `draft: true`."""
    corpus.decision("2007-klar", title="Ett publicerat beslut")
    corpus.decision("2007-utkast", title="Ett beslut under arbete", draft=True)
    args = ("--no-drafts",) if published_only else ()
    with serving(corpus, *args) as (port, _):
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/beslut/2007-klar/", lambda code, body: code == 200)
        status, text = fetch(f"{base}/beslut/2007-utkast/")
        _, listing = fetch(f"{base}/beslut/")
    if published_only:
        assert status == 404
        assert "Ett beslut under arbete" not in listing
    else:
        assert status == 200
        assert "Utkast – publiceras inte" in text
        assert "Ett beslut under arbete" in listing
        item = listing.split("Ett beslut under arbete", 1)[1].split("</li>", 1)[0]
        assert "Utkast" in item, "the list marks the draft too"


# --- serve's incremental updates, in process ------------------------------------------

from tests.test_incremental import EDITS, clean_build, tree  # noqa: E402


def serve_options() -> ServeOptions:
    from insyn.cli import BuildOptions

    return ServeOptions(
        BuildOptions(Path("content"), Path("data"), Path("_site"), quiet=True, search=False)
    )


@pytest.fixture
def site_server(corpus: Corpus, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from insyn.serve.server import SiteServer

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
    settle(server)
    assert not server.pending
    assert tree(corpus.out) == clean_build()


def slow_down_other_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages other than the decisions' own take a while, so a quick update's child is still
    rendering them when the next save comes."""
    import time

    from insyn.build import render

    original = render.Renderer.render

    def slow(self: render.Renderer, output: render.Output) -> tuple[bytes, Reads]:
        if not output.path.startswith("beslut/2007-beslut-"):
            time.sleep(0.05)
        return original(self, output)

    monkeypatch.setattr(render.Renderer, "render", slow)


def test_the_edited_page_is_written_while_the_last_updates_child_dies(
    site_server, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A save kills the last update's child and writes its own page before waiting for that
    child's end, unless the child was to write that page too: then it waits first."""
    from insyn.serve.server import SiteServer

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
    settle(server)
    assert tree(corpus.out) == clean_build()


def test_serve_quick_updates_one_after_another_equal_a_clean_build(site_server) -> None:  # type: ignore[no-untyped-def]
    """Each quick update renders from the graph it made: nothing made for the one before
    (a funding line's row shows its decision's title) is shown after the next."""
    corpus, server = site_server
    full_builds = server.last_report
    for title in ("Första rubriken", "Andra rubriken", "Tredje rubriken"):
        corpus.decision("2007-beslut-1", title=title, projects=["stod"], funding=FUNDED)
        server.on_change(saved(corpus, "decisions/2007-beslut-1.md"))
        settle(server)
        assert server.last_report is full_builds, "a title edit takes the quick path"
        assert tree(corpus.out) == clean_build()


@pytest.mark.parametrize("edit", list(EDITS))
def test_serve_update_after_any_edit_equals_a_clean_build(site_server, edit: str) -> None:  # type: ignore[no-untyped-def]
    from insyn.serve.watch import EVERYTHING

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
        environ = {"PATH_INFO": "/beslut/2007-beslut-0/", "HTTP_HOST": "127.0.0.1:8000"}
        body = server(environ, lambda status, headers: None)
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
    from insyn.serve.watch import Watcher

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
    settle(server)
    assert not server.pending
    assert tree(corpus.out) == clean_build()


# --- what a hostile page or client may send ---------------------------------------------


def raw_request(
    port: int,
    target: bytes,
    host: bytes | None = b"127.0.0.1",
    *,
    version: bytes = b"HTTP/1.1",
    headers: tuple[bytes, ...] = (),
    address: str = "127.0.0.1",
) -> tuple[int, bytes]:
    """Send one GET with exactly these bytes as its target and Host (None: no Host line)
    to `address`; (status, body) of the answer, status 0 when the server closed without one."""
    lines = [b"GET " + target + b" " + version]
    if host is not None:
        lines.append(b"Host: " + host)
    if not any(line.lower().startswith(b"connection:") for line in headers):
        headers = (*headers, b"Connection: close")
    lines += [*headers, b"", b""]
    received = head = body = b""
    with socket.create_connection((address, port), timeout=10) as sock:
        sock.sendall(b"\r\n".join(lines))
        with contextlib.suppress(ConnectionResetError):
            while b"\r\n\r\n" not in received and (chunk := sock.recv(65536)):
                received += chunk
            head, _, body = received.partition(b"\r\n\r\n")
            fields = dict(
                line.lower().split(b":", 1) for line in head.split(b"\r\n")[1:] if b":" in line
            )
            # The body ends at Content-Length, else when the server closes; 101 has none.
            length = int(fields.get(b"content-length", b"-1"))
            while not head.startswith(b"HTTP/1.1 101") and len(body) != length:
                if not (chunk := sock.recv(65536)):
                    break
                body += chunk
    status = head.split(b" ", 2)[1] if head.startswith(b"HTTP/") else b"0"
    return int(status), body


def started(port: int, address: str = "127.0.0.1") -> None:
    """Wait until the server on `address` answers (its first build done)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if raw_request(port, b"/", address.encode(), address=address)[0] == 200:
                return
        time.sleep(0.1)
    raise AssertionError("serve did not start")


def assert_no_traceback(log: Path) -> None:
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in text, text
    assert "Uncaught exception" not in text, text


WEBSOCKET = (
    b"Connection: Upgrade",
    b"Upgrade: websocket",
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    b"Sec-WebSocket-Version: 13",
)
#: Every route serve has: the WSGI app's pages and files, and livereload's own.
ROUTES: list[tuple[bytes, tuple[bytes, ...], int]] = [
    (b"/", (), 200),
    (b"/beslut/2007-samtal/", (), 200),
    (b"/nothing-here.html", (), 404),
    (b"/livereload.js", (), 200),
    (b"/forcereload", (), 200),
    (b"/livereload", WEBSOCKET, 101),
]
WRONG_HOSTS = [
    b"evil.example",
    b"attacker.test:8000",
    b"",
    b"localhost.evil.example",
    b"127.0.0.1.nip.io",
    b"evil.example:80",
    b"localhost:",
    b"localhost:abc",
    b"127.0.0.2",
    b"[::2]",
    b"::1",
]


def test_serve_answers_only_requests_for_a_loopback_host(corpus: Corpus) -> None:
    """A DNS-rebinding page reaches 127.0.0.1 under its own name, which the browser puts in
    Host: every route, livereload's websocket and reload trigger included, refuses it."""
    corpus.decision("2007-samtal", title="Samtalsgrupper för kvinnor")
    with serving(corpus) as (port, log):
        started(port)
        right = [b"localhost", b"LocalHost", b"127.0.0.1", b"[::1]", b"[0:0::1]"]
        right += [name + b":" + str(port).encode() for name in right]
        for target, headers, status in ROUTES:
            for host in right:
                answer = raw_request(port, target, host, headers=headers)
                assert answer[0] == status, (target, host, answer)
            for host in WRONG_HOSTS:
                code, body = raw_request(port, target, host, headers=headers)
                assert code == 400, (target, host, code, body)
                assert b"Samtalsgrupper" not in body and b"livereload" not in body
            # Without Host: refused on HTTP/1.1 (by tornado), and on HTTP/1.0 too.
            assert raw_request(port, target, None, headers=headers)[0] == 400, target
            answer = raw_request(port, target, None, version=b"HTTP/1.0", headers=headers)
            assert answer[0] == 400, (target, answer)
        code, body = raw_request(port, b"/beslut/2007-samtal/", b"evil.example")
        assert body.startswith(b"Bad Request:"), body
        # The reload websocket takes no page of another site either (livereload would).
        home = b"Origin: http://127.0.0.1:" + str(port).encode()
        assert raw_request(port, b"/livereload", headers=(*WEBSOCKET, home))[0] == 101
        for origin in (b"http://evil.example", b"http://evil.example:" + str(port).encode()):
            headers = (*WEBSOCKET, b"Origin: " + origin)
            assert raw_request(port, b"/livereload", headers=headers)[0] == 403, origin
        assert raw_request(port, b"/livereload", headers=(*WEBSOCKET, b"Origin: null"))[0] == 403
    assert_no_traceback(log)


def test_serve_also_answers_its_own_loopback_host(corpus: Corpus) -> None:
    """`--host 127.0.0.2` adds that name to the ones answered, and no other."""
    try:
        socket.create_server(("127.0.0.2", 0)).close()
    except OSError:
        pytest.skip("127.0.0.2 is not a loopback address here (only Linux routes all of 127/8)")
    with serving(corpus, "--host", "127.0.0.2") as (port, log):
        started(port, "127.0.0.2")
        named = str(port).encode()
        for host in (b"127.0.0.2", b"127.0.0.2:" + named, b"localhost:" + named):
            assert raw_request(port, b"/", host, address="127.0.0.2")[0] == 200, host
        for host in (b"evil.example", b"127.0.0.3", b"192.168.1.5:" + named):
            assert raw_request(port, b"/", host, address="127.0.0.2")[0] == 400, host
    assert_no_traceback(log)


#: Request targets no site file answers, and the status each gets.
HOSTILE_PATHS: list[tuple[bytes, int]] = [
    (b"/%00", 400),
    (b"/a%00b.html", 400),
    (b"/beslut/%00/", 400),
    (b"/%0a", 400),
    (b"/%ff%fe", 400),
    (b"/%c3", 400),
    (b"/" + b"a" * 5000, 404),
    (b"/" + b"a" * 5000 + b"/", 404),
    (b"/" + b"ab/" * 1700, 404),
    (b"/..%2f..%2fetc/passwd", 404),
    (b"/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 404),
    (b"/../../../etc/passwd", 404),
    (b"/beslut/..%2f..%2f..%2fsecret.txt", 404),
    (b"/..%5c..%5csecret.txt", 404),
    (b"/a%5cb.html", 404),
    (b"/tom/", 404),
    (b"/tom", 404),
    (b"/ut.txt", 404),
    (b"/utmapp/secret.txt", 404),
    (b"/lankad/", 404),
    (b"/lankad/index.html", 404),
    (b"/loop/", 404),
]


def hostile_output(corpus: Corpus) -> None:
    """Next to the built site: a folder without index, a secret outside the output folder
    and symlinks to it (a file, a folder, a folder's index), a symlink loop, and a file
    with a non-ASCII name."""
    out = corpus.out
    (corpus.root / "secret.txt").write_text("SECRET", encoding="utf-8")
    (corpus.root / "secrets").mkdir()
    (corpus.root / "secrets" / "secret.txt").write_text("SECRET", encoding="utf-8")
    (corpus.root / "secrets" / "index.html").write_text("SECRET", encoding="utf-8")
    (out / "tom").mkdir()
    (out / "ut.txt").symlink_to(corpus.root / "secret.txt")
    (out / "utmapp").symlink_to(corpus.root / "secrets", target_is_directory=True)
    (out / "lankad").mkdir()
    (out / "lankad" / "index.html").symlink_to(corpus.root / "secrets" / "index.html")
    (out / "loop").symlink_to(out / "loop")
    (out / "å.txt").write_text("Åtta", encoding="utf-8")


def test_serve_answers_bad_paths_with_404_or_400_never_a_traceback(corpus: Corpus) -> None:
    corpus.decision("2007-samtal", title="Samtalsgrupper för kvinnor")
    with serving(corpus) as (port, log):
        started(port)
        hostile_output(corpus)
        for target, status in HOSTILE_PATHS:
            code, body = raw_request(port, target)
            assert code == status, (target[:80], code, body[:200])
            assert b"SECRET" not in body
        # A raw NUL or backslash, if the HTTP layer lets one through, is refused too.
        for target in (b"/a\x00b.html", b"/\x00", b"/..\\..\\secret.txt", b"/a\\b"):
            code, body = raw_request(port, target)
            assert code in (400, 404), (target, code, body[:200])
        # The server still serves what it should, non-ASCII names as UTF-8.
        assert raw_request(port, b"/%c3%a5.txt") == (200, "Åtta".encode())
        assert raw_request(port, b"/beslut/2007-samtal/")[0] == 200
    assert_no_traceback(log)


def test_site_server_maps_only_clean_paths_into_the_output_folder(site_server) -> None:  # type: ignore[no-untyped-def]
    """The WSGI app on its own (as any WSGI server would call it): every odd PATH_INFO,
    raw NUL and backslash included, is a 404 or 400, and it checks Host itself."""
    corpus, server = site_server
    hostile_output(corpus)
    answers: list[str] = []

    def get(path: str, host: str | None = "localhost:8000") -> tuple[str, bytes]:
        environ = {"PATH_INFO": path} if host is None else {"PATH_INFO": path, "HTTP_HOST": host}
        body = b"".join(server(environ, lambda status, headers: answers.append(status)))
        return answers[-1], body

    from urllib.parse import unquote_to_bytes

    for target, status in HOSTILE_PATHS:
        # PATH_INFO as a WSGI server gives it: the unquoted bytes as Latin-1 characters.
        code, body = get(unquote_to_bytes(target).decode("latin-1"))
        assert code.startswith(str(status)), (target[:80], code)
        assert b"SECRET" not in body
    for path in ("/a\x00b", "/\x00", "/..\\..\\secret.txt", "/a\\b.html", "/\u0100", "/\udcff"):
        code, body = get(path)
        assert code.split()[0] in ("400", "404"), (path, code)
    assert get("/\xc3\xa5.txt") == ("200 OK", "Åtta".encode())
    assert get("/beslut/2007-beslut-0/")[0] == "200 OK"
    for host in (None, "", "evil.example", "attacker.test:8000", "localhost:"):
        assert get("/beslut/2007-beslut-0/", host)[0] == "400 Bad Request", host
    # While the build has failed too: other hosts and malformed paths are still refused.
    server.error_page = b"<h1>Bygget misslyckades</h1>"
    assert get("/beslut/2007-beslut-0/", "evil.example")[0] == "400 Bad Request"
    assert get("/\x00/")[0] == "400 Bad Request"
    assert get("/beslut/2007-beslut-0/") == ("500 Build failed", server.error_page)


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        ("localhost", True),
        ("localhost:8000", True),
        ("LOCALHOST:8000", True),
        ("127.0.0.1", True),
        ("127.0.0.1:1", True),
        ("[::1]", True),
        ("[::1]:8000", True),
        ("[0:0:0:0:0:0:0:1]:8000", True),
        (None, False),
        ("", False),
        ("evil.example", False),
        ("attacker.test:8000", False),
        ("localhost.", False),
        ("localhost:", False),
        ("localhost:123456", False),
        ("localhost:8000:8000", False),
        ("127.0.0.1 ", False),
        ("127.000.000.001", False),
        ("127.0.0.2", False),
        ("::1", False),
        ("[::1", False),
        ("[::ffff:127.0.0.1]", False),
        ("[fe80::1%25eth0]", False),
        ("user@localhost", False),
    ],
)
def test_host_allowed(header: str | None, allowed: bool) -> None:
    from insyn.serve.app import host_allowed, loopback_hosts

    assert host_allowed(header, loopback_hosts("127.0.0.1")) is allowed


def test_loopback_hosts_add_only_a_loopback_started_host() -> None:
    from insyn.serve.app import host_allowed, loopback_hosts

    assert host_allowed("127.0.0.2:8000", loopback_hosts("127.0.0.2"))
    assert host_allowed("[::1]:8000", loopback_hosts("::1"))
    assert loopback_hosts("0.0.0.0") == loopback_hosts("127.0.0.1")
    assert loopback_hosts("192.168.1.5") == loopback_hosts("localhost")
    assert not host_allowed("192.168.1.5:8000", loopback_hosts("192.168.1.5"))


def test_serve_shows_a_failure_to_write_as_the_terminal_does(  # type: ignore[no-untyped-def]
    site_server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A full disk while previewing: one line, an error page that says it, no traceback;
    the next good save recovers."""
    import errno

    from insyn.build import write
    from insyn.serve.watch import EVERYTHING

    corpus, server = site_server
    before = tree(corpus.out)
    real_exchange = write.exchange

    def full_disk(first: Path, second: Path) -> bool:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(write, "exchange", full_disk)
    corpus.decision("2007-beslut-1", title="Ny rubrik", projects=["stod"], funding=FUNDED)
    capsys.readouterr()
    server.on_change({EVERYTHING})
    err = capsys.readouterr().err
    assert "_site:1: error: no space left on device writing _site" in err
    assert "Traceback" not in err
    assert server.error_page is not None
    assert "no space left on device" in server.error_page.decode()
    assert tree(corpus.out) == before
    monkeypatch.setattr(write, "exchange", real_exchange)
    server.on_change({EVERYTHING})
    assert server.error_page is None
    assert tree(corpus.out) == clean_build()


def test_the_error_page_says_what_check_says_in_swedish(
    corpus: Corpus, swedish: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the run's language (Swedish by default), each problem exactly as `check` prints
    it, with its line of the file; a line of a file outside the project is not shown."""
    from insyn.commands import build_site
    from insyn.options import BuildOptions
    from insyn.serve.app import error_page

    corpus.decision("a", district="hasselby-valingby", meeting="2007-13-01")
    monkeypatch.chdir(corpus.root)
    report = build_site(
        BuildOptions(Path("content"), Path("data"), Path("_site"), quiet=True, search=False)
    )
    assert not report.built
    page = error_page(report).decode()
    checked = subprocess.run(
        [sys.executable, str(ROOT / "site.py"), "check"],
        cwd=corpus.root,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    ).stdout.splitlines()
    assert '<html lang="sv">' in page and "<h1>Bygget misslyckades</h1>" in page
    for line in checked[:-1]:
        assert f"<code>{html.escape(line)}</code>" in page
    assert checked[0].startswith("content/decisions/a.md:3: error: district: okänd organisation")
    assert "<pre>    3 | district: hasselby-valingby</pre>" in page
    assert "<pre>    4 | meeting: &#x27;2007-13-01&#x27;</pre>" in page
    assert f"<p>{checked[-1]}</p>" in page  # "2 fel, 0 varningar i 3 filer"


def test_serve_with_search_brings_the_index_up_to_date_after_a_quick_edit(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The edited page is served first; the index follows in the background, and then the
    whole folder, index included, equals a clean build with search."""
    import dataclasses
    import gzip
    import shutil

    from insyn.build import incremental
    from insyn.serve.server import SiteServer

    monkeypatch.chdir(corpus.root)
    corpus.project("stod", partners=["framnas"])
    for number in range(3):
        corpus.decision(f"2007-beslut-{number}", projects=["stod"], funding=FUNDED)
    options = serve_options()
    options = dataclasses.replace(options, build=dataclasses.replace(options.build, search=True))
    server = SiteServer(options)
    assert server.rebuild().ok
    corpus.decision("2007-beslut-1", title="Xylofonrubrik", projects=["stod"], funding=FUNDED)
    full_builds = server.last_report
    server.on_change(saved(corpus, "decisions/2007-beslut-1.md"))
    assert server.last_report is full_builds, "a presentational edit takes the quick path"
    assert "Xylofonrubrik" in (corpus.out / "beslut/2007-beslut-1/index.html").read_text("utf-8")
    settle(server)
    server.search.finish()
    assert server.search.passes == 1
    indexed = b"".join(
        gzip.decompress(p.read_bytes()) for p in (corpus.out / "pagefind").rglob("*.pf_fragment")
    )
    assert b"Xylofonrubrik" in indexed
    shutil.rmtree("clean", ignore_errors=True)
    assert incremental.build(dataclasses.replace(options.build, out=Path("clean/_site"))).ok
    assert tree(corpus.out) == tree(Path("clean/_site"))
    # what serve keeps of the written files is what is on disk
    assert server.state is not None
    on_disk = {p for p in tree(corpus.out)}
    assert set(server.state.records) == on_disk


def test_serve_indexes_again_only_the_shard_an_edit_changed(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The background update asks the shard map where the edited page was indexed from:
    with no word new to the site, only that page's shard is indexed again."""
    import dataclasses
    import shutil

    from insyn.build import incremental
    from insyn.serve.server import SiteServer

    monkeypatch.chdir(corpus.root)
    corpus.decision("2007-beslut-1", body="## Bakgrund\n\nStöd till jouren.\n")
    corpus.decision("2019-beslut-2", meeting="2019-03-14", body="## Bakgrund\n\nStöd.\n")
    options = serve_options()
    options = dataclasses.replace(options, build=dataclasses.replace(options.build, search=True))
    server = SiteServer(options)
    assert server.rebuild().ok
    assert sorted(p.name for p in (corpus.out / "pagefind").iterdir() if p.is_dir()) == [
        "2004-2007",
        "2016-2019",
    ]
    corpus.decision("2019-beslut-2", meeting="2019-03-14", body="## Bakgrund\n\nJouren.\n")
    server.on_change(saved(corpus, "decisions/2019-beslut-2.md"))
    settle(server)
    server.search.finish()
    assert server.search.last is not None
    assert not server.search.last.new_words
    assert server.search.last.indexed == ["2016-2019"]
    shutil.rmtree("clean", ignore_errors=True)
    assert incremental.build(dataclasses.replace(options.build, out=Path("clean/_site"))).ok
    assert tree(corpus.out) == tree(Path("clean/_site"))

"""`serve`: build, serve on localhost, re-render what an edit affects and reload the browser.

The server is livereload's (it injects its reload script into the HTML it
serves, so `build` output never contains it). Files are served by a small
WSGI app from the output folder; while the content has errors, every page
shows them instead, and the next good save brings the site back.

Between edits the graph, the page plan and the digest of every written file
stay in memory. A saved file is noticed at once (`insyn.watch`), and:

- an edit of a decision or project that changes only what its pages *show*
  (title, body, proposals ... — not a reference, date, funding line or
  anything else a page plan, an index or a finding depends on) is the quick
  path: only that file is read again, the entity is swapped into the graph,
  and exactly the outputs that read it when they last rendered (`reads`) are
  rendered, its own page first, written in place. The other pages are rendered by a forked child
  process, which the next save stops at once (what it had not done is done
  after that save's own pages), so a save never waits for a big page. A
  request for a file still being rendered waits for it, so a stale page is
  never served;
- anything else (data files, templates, assets, new or deleted files,
  structural edits, errors) goes through `insyn.incremental.build`, which
  still renders only stale outputs.

The search index (Pagefind) is skipped unless `--search` is given.

Only requests whose `Host` names the loopback interface (`localhost`, `127.0.0.1`,
`[::1]`, or the loopback address given to `--host`) are answered, on every route:
a page of any other site that gets its name resolved to 127.0.0.1 (DNS rebinding)
sends its own name as Host, and gets 400 instead of the preview. A request path is
mapped only to a file inside the output folder, and one that names none is a 404
(400 when it is not UTF-8 or holds control characters), never a server error.
"""

from __future__ import annotations

import dataclasses
import html
import ipaddress
import mimetypes
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from insyn import incremental
from insyn.assets import UnsafeAsset
from insyn.bodycache import CACHE_FILE, BodyCache
from insyn.buildcache import OutputRecord, cache_folder, load_source_cache
from insyn.commands import BuildReport, print_problems
from insyn.engine import Output, Sink, render_into
from insyn.link import _Resolver, build_decision, build_project
from insyn.load import DECISION, PROJECT, load_content_file
from insyn.model import Decision, Project
from insyn.opendata import twin_file
from insyn.options import ServeOptions
from insyn.pipeline import SiteResult
from insyn.problems import Problems, summary
from insyn.reads import Key, entity_key
from insyn.render import Page
from insyn.validate import validate_file
from insyn.watch import EVERYTHING, Watcher
from insyn.write import OutputError

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("templates", "assets")
#: What a decision's or project's pages show without any plan, index or finding using it.
PRESENTATIONAL = {
    DECISION: (
        *("title", "body", "proposals", "attachments", "notes", "tags", "case_officer"),
        *("signed_by", "outcome", "diary_number", "kind", "source", "immediate_adjustment"),
    ),
    PROJECT: ("name", "body", "target_groups", "notes", "tags", "status"),
}
WAIT_SECONDS = 60.0
#: The Host names the preview always answers: what a browser sends for the loopback.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
#: A Host header: a name or a bracketed IPv6 address, then perhaps a port of 1-5 digits.
HOST_HEADER = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]|[^\[\]:@]+)(?::[0-9]{1,5})?")
BAD_PATH = b"Bad Request: the path is not UTF-8 or holds control characters.\n"

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def _host_name(name: str) -> str:
    """`name` as it is compared: lower case, an IP address in its one usual spelling
    (`[0:0::1]` is `[::1]`), so each host has one form in `loopback_hosts`."""
    name = name.lower()
    try:
        if name.startswith("[") and name.endswith("]"):
            return f"[{ipaddress.IPv6Address(name[1:-1])}]"
        return str(ipaddress.IPv4Address(name))
    except ValueError:
        return name


def loopback_hosts(started: str) -> frozenset[str]:
    """The Host names answered: `LOOPBACK_NAMES`, and the `--host` the server was started
    with when that is a loopback address too (`127.0.0.2`). A non-loopback `--host` adds
    nothing: a request must still name the loopback, so no rebinding page gets an answer."""
    name = _host_name(f"[{started}]" if ":" in started else started)
    try:
        loopback = ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    return frozenset({*LOOPBACK_NAMES, name} if loopback else LOOPBACK_NAMES)


def host_allowed(header: str | None, hosts: frozenset[str]) -> bool:
    """Whether a request's `Host` header (None: it had none) names one of `hosts`, with or
    without a port. No Host, an empty or malformed one, and every other name are refused:
    a page that reaches 127.0.0.1 through a name of its own sends that name."""
    match = HOST_HEADER.fullmatch(header or "")
    return match is not None and _host_name(match["name"]) in hosts


def wrong_host_text(hosts: frozenset[str]) -> bytes:
    """The plain body of the 400 a request for another host gets."""
    names = ", ".join(sorted(hosts))
    return f"Bad Request: this preview answers only requests for {names}.\n".encode()


def site_path(path_info: str) -> str | None:
    """The output-relative path a request names (`""` for the root), or None when its bytes
    cannot name a file the build writes.

    A WSGI server gives PATH_INFO as the request's unquoted bytes, one Latin-1 character
    each (PEP 3333): decoded as UTF-8 here, `/%C3%A5.txt` is `å.txt`. Bytes that are not
    UTF-8, NUL (which the file system refuses with a ValueError) and other control
    characters are refused here, before any file is looked up.
    """
    try:
        text = path_info.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return None
    return text.lstrip("/")


class SiteServer:
    """The WSGI app: the last good build, or the error page of the last failed one."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self.out = options.build.out.resolve()
        #: the Host names answered (`loopback_hosts`)
        self.hosts = loopback_hosts(options.host)
        self.error_page: bytes | None = None
        self.lock = threading.Lock()
        self.state: incremental.SiteState | None = None
        self.sources = load_source_cache(self.out)
        self.bodies = BodyCache(cache_folder(self.out) / CACHE_FILE)
        #: output indices by the entity key they read
        self.readers: dict[Key, list[int]] = {}
        #: site paths being rendered: requests for them wait
        self.pending: set[str] = set()
        self.ready = threading.Condition()
        #: updates done (quick or full), for the terminal and tests
        self.rebuilds = 0
        self.last_report: BuildReport | None = None
        self.on_rebuilt: Callable[[], None] | None = None
        #: True when another change is waiting (the watcher's `busy`): stop after own pages
        self.interrupted: Callable[[], bool] = lambda: False
        #: outputs a quick update left unrendered for the next one (still in `pending`)
        self.backlog: set[int] = set()
        #: the child rendering the last quick update's other pages, if it still runs
        self.background: _Background | None = None

    def watched(self) -> list[Path]:
        build = self.options.build
        return [build.content, build.data, *(ROOT / name for name in WATCHED)]

    # --- updates ----------------------------------------------------------

    def on_change(self, paths: Iterable[Path] = (EVERYTHING,)) -> None:
        """Called by the watcher with the paths saved in one burst."""
        paths = set(paths)
        if not paths and not self.backlog:
            return  # only hidden files (editors' swap files) changed
        with self.lock:
            started = time.perf_counter()
            # The last update's child is killed now but reaped later: a fork of the whole
            # site takes 20-30 ms to die, time in which the edited page can be written.
            dying = self._kill_background()
            try:
                rendered = self._quick_update(paths, dying)
            except Exception as error:
                print(f"Snabb uppdatering misslyckades ({error}); bygger om", file=sys.stderr)
                rendered = None
            finally:
                self._reap(dying)
            if rendered is None:
                self._full_update()
            else:
                self.rebuilds += 1
                seconds = time.perf_counter() - started
                print(f"Uppdaterat: {rendered} filer på {seconds:.2f} s", file=sys.stderr)
        if self.on_rebuilt is not None:
            self.on_rebuilt()

    def rebuild(self) -> BuildReport:
        """Build everything that is stale (the first build, and any edit the quick path refuses)."""
        with self.lock:
            return self._full_update()

    def _full_update(self) -> BuildReport:
        started = time.perf_counter()
        self._stop_background()
        with self.ready:
            # The backlog's files are as the last full build wrote them: the build sees
            # them stale by the versions it compares, and renders them.
            self.backlog.clear()
            self.pending.clear()
            self.ready.notify_all()
        try:
            built = incremental.build(
                self.options.build, keep_state=True, sources=self.sources, bodies=self.bodies
            )
        except (OutputError, UnsafeAsset) as error:
            # A full or read-only disk, or an asset that turned unsafe since it was looked
            # at: the previous site stays as it was, and the page says why the edit is not
            # shown, as the terminal does.
            problems = Problems()
            if isinstance(error, UnsafeAsset):
                problems.error(error.path, 1, error.message)
            else:
                problems.error(str(self.options.build.out), 1, str(error))
            built = incremental.Built(SiteResult(problems, 0, None, []), False)
        seconds = time.perf_counter() - started
        report = BuildReport(
            built.result, built.files, built.pages, seconds, 0.0, built.ok, built.rendered
        )
        self.rebuilds += 1
        self.last_report = report
        print_problems(report.result, sys.stderr)
        if built.ok and built.state is not None:
            self.error_page = None
            self.state = built.state
            self.readers = _readers(built.state)
            self._renderer(built.state)  # templates compiled now, not on the first edit
            print(
                f"Byggt: {report.pages} sidor på {report.seconds:.2f} s "
                f"({built.rendered} filer renderade)",
                file=sys.stderr,
            )
        else:
            self.error_page = error_page(report)
            print(summary(report.result.problems, report.result.file_count), file=sys.stderr)
        return report

    def _quick_update(self, paths: set[Path], dying: _Background | None = None) -> int | None:
        """Re-render what a presentational edit affects; None when it needs the full path."""
        state = self.state
        if state is None or self.error_page is not None:
            return None
        content = state.result.content
        if content is None:
            return None
        folders = {
            self.options.build.content.resolve() / "decisions": DECISION,
            self.options.build.content.resolve() / "projects": PROJECT,
        }
        replaced: list[tuple[Decision | Project, Decision | Project]] = []
        for path in paths:
            kind = folders.get(path.parent)
            entities = content.decisions if kind == DECISION else content.projects
            old = entities.get(path.stem) if kind else None
            if kind is None or old is None or path.suffix != ".md" or not path.is_file():
                return None
            new = self._reload(kind, path, old, content)
            if new is None:
                return None
            replaced.append((old, new))
        return self._apply(state, replaced, dying)

    def _reload(self, kind: str, path: Path, old: Decision | Project, content: Any) -> Any:
        """The entity from its file again, if it is a presentational edit without problems."""
        shown = old.origin.path
        if any(p.path == shown for p in self.state.result.problems.items):  # type: ignore[union-attr]
            return None
        problems = Problems()
        source = load_content_file(kind, path, problems, self.sources, shown)
        if source is None or problems.items or not validate_file(source, problems):
            return None
        if problems.items:
            return None
        drafts: dict[str, set[str]] = defaultdict(set)
        for entity_kind, entities in ((DECISION, content.decisions), (PROJECT, content.projects)):
            drafts[entity_kind] = {e.id for e in entities.values() if e.draft}
        stems = {DECISION: set(content.decisions), PROJECT: set(content.projects)}
        resolver = _Resolver(
            content.organisations, set(content.organisations), stems, drafts, problems
        )
        new = (build_decision if kind == DECISION else build_project)(source, resolver)
        if new is None or problems.items or new.aliases or old.aliases:
            return None
        same_shape = dataclasses.replace(
            new, **{name: getattr(old, name) for name in PRESENTATIONAL[kind]}
        )
        if same_shape != old or new.origin.lines != old.origin.lines:
            return None
        return new

    def _apply(
        self,
        state: incremental.SiteState,
        replaced: list[tuple[Decision | Project, Decision | Project]],
        dying: _Background | None = None,
    ) -> int:
        graph = state.graph
        decisions, projects = dict(graph.decisions), dict(graph.projects)
        content = state.result.content
        assert content is not None
        versions = state.versions
        before: dict[Key, str] = {}
        for _, new in replaced:
            kind = DECISION if isinstance(new, Decision) else PROJECT
            if isinstance(new, Decision):
                decisions[new.id] = content.decisions[new.id] = new
            else:
                projects[new.id] = content.projects[new.id] = new
            key = entity_key(kind, new.id)
            before[key] = versions.of(key)
            versions.forget(key)
        graph = dataclasses.replace(graph, decisions=decisions, projects=projects)
        state.graph = versions.graph = graph
        changed = {key for key, old in before.items() if versions.of(key) != old}
        own = self._replace_entities(state, replaced)
        renderer = self._renderer(state)
        renderer.use_graph(graph)
        sink = Sink(self.out, self.out, state.records)
        made = {i for key in changed for i in self.readers.get(key, [])}
        # The edited entities' own pages first (pages before their JSON), while the last
        # update's child dies, unless that child was to write one of them too.
        first = sorted(own & made, key=lambda i: state.outputs[i].page is None)
        if dying is not None and not dying.indices.isdisjoint(first):
            first = []
        self._render_here(state, renderer, sink, first)
        self._reap(dying)
        stale = sorted((made | self.backlog) - set(first))
        self.backlog = set()
        # Then the other own pages, the other pages, then the downloads.
        stale.sort(key=lambda i: (i not in own, state.outputs[i].page is None))
        with self.ready:
            self.pending |= {state.outputs[i].path for i in stale}
        background = hasattr(os, "fork")
        for position, index in enumerate(stale):
            if index not in own and background:
                self._render_in_background(state, renderer, sink, stale[position:])
                break
            if index not in own and self.interrupted():
                self.backlog = set(stale[position:])
                return len(first) + position
            self._render_here(state, renderer, sink, [index])
        return len(first) + len(stale)

    def _render_here(
        self, state: incremental.SiteState, renderer: Any, sink: Sink, indices: list[int]
    ) -> None:
        """Render `indices` in this process, each served as soon as it is written."""
        with self.ready:
            self.pending |= {state.outputs[i].path for i in indices}
        try:
            for index in indices:
                output = state.outputs[index]
                record = render_into(renderer, output, sink)
                with self.ready:
                    self._recorded(state, index, record)
                    self.pending.discard(output.path)
                    self.ready.notify_all()
        except BaseException:
            self.backlog = set()
            with self.ready:
                self.pending.clear()
                self.ready.notify_all()
            raise

    def _recorded(self, state: incremental.SiteState, index: int, record: OutputRecord) -> None:
        """Keep what an output was rendered as, and who reads what it read now (an edit
        may make a page read something new; a key it no longer reads costs one extra
        render at most)."""
        path = state.outputs[index].path
        old = state.records.get(path)
        state.records[path] = record
        for key in record.reads - (old.reads if old is not None else frozenset()):
            self.readers.setdefault(key, []).append(index)

    def _render_in_background(
        self, state: incremental.SiteState, renderer: Any, sink: Sink, indices: list[int]
    ) -> None:
        """Render `indices` in a forked child that reports each written file; the files
        stay `pending` (requests wait) until it has."""
        receiving, sending = multiprocessing.Pipe(duplex=False)
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: render, report, and leave without running any cleanup
            status = 0
            try:
                receiving.close()
                for index in indices:
                    sending.send((index, render_into(renderer, state.outputs[index], sink)))
                sending.close()
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        sending.close()
        job = _Background(pid, receiving, set(indices), state, frozenset(indices))
        job.thread = threading.Thread(target=self._collect, args=(job,), daemon=True)
        self.background = job
        job.thread.start()

    def _collect(self, job: _Background) -> None:
        """Take the child's reports as they come: each file is then served as written."""
        try:
            while True:
                index, record = job.connection.recv()
                path = job.state.outputs[index].path
                with self.ready:
                    self._recorded(job.state, index, record)
                    job.left.discard(index)
                    self.pending.discard(path)
                    self.ready.notify_all()
        except (EOFError, OSError):
            pass
        finally:
            job.connection.close()
            with job.lock:
                os.waitpid(job.pid, 0)
                job.reaped = True

    def _stop_background(self) -> None:
        """Stop the child of the last quick update; what it had not rendered stays pending
        and is rendered by the next update (first its own pages, then the rest)."""
        self._reap(self._kill_background())

    def _kill_background(self) -> _Background | None:
        """Send the child of the last quick update SIGKILL; `_reap` waits for its end."""
        job, self.background = self.background, None
        if job is not None:
            with job.lock:
                if not job.reaped:  # else its pid may already be another process's
                    os.kill(job.pid, signal.SIGKILL)
        return job

    def _reap(self, job: _Background | None) -> None:
        """Wait until a killed child has ended; what it had not written joins the backlog."""
        if job is None or job.stopped:
            return
        job.thread.join()
        job.stopped = True
        for index in job.left:
            # A file the child was writing when stopped may have left its temporary copy.
            target = self.out / job.state.outputs[index].path
            target.with_name(f".{target.name}.insyn-new").unlink(missing_ok=True)
        self.backlog |= job.left

    def settle(self) -> None:
        """Wait until the child of the last quick update has finished (tests use this)."""
        job = self.background
        if job is not None:
            job.thread.join()
            if job.left:
                # The child failed: its files stay pending for the next update to render.
                self.background = None
                self.backlog |= job.left
                print("Några sidor kunde inte renderas; de görs vid nästa ändring", file=sys.stderr)

    def _replace_entities(
        self,
        state: incremental.SiteState,
        replaced: list[tuple[Decision | Project, Decision | Project]],
    ) -> set[int]:
        """Point the planned outputs that show an edited entity at its new version."""
        by_old = {id(old): new for old, new in replaced}
        own: set[int] = set()
        twins: dict[str, Page] = {}
        # An entity's own page and twin read its key: look there, not through every output.
        keys = {
            entity_key(DECISION if isinstance(n, Decision) else PROJECT, n.id) for _, n in replaced
        }
        candidates = sorted({i for key in keys for i in self.readers.get(key, [])})
        for index in candidates:
            output = state.outputs[index]
            page = output.page
            if page is not None and id(page.entity) in by_old:
                page = dataclasses.replace(page, entity=by_old[id(page.entity)])
                state.outputs[index] = dataclasses.replace(output, page=page)
                twins[f"{page.url.lstrip('/')}index.json"] = page
                own.add(index)
        for index in candidates:
            output = state.outputs[index]
            remade = twin_file(twins[output.path]) if output.path in twins else None
            if remade is not None:
                state.outputs[index] = Output(output.path, data=remade)
                own.add(index)
        return own

    def _renderer(self, state: incremental.SiteState) -> Any:
        if getattr(state, "renderer", None) is None:
            from insyn.engine import Renderer

            state.renderer = Renderer(  # type: ignore[attr-defined]
                state.graph, state.result.findings, state.history, self.bodies
            )
        return state.renderer  # type: ignore[attr-defined]

    # --- serving ----------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # The Host check is here too (not only in front of livereload's routes, see
        # `_loopback_server`), so the app is safe under whatever WSGI server runs it.
        if not host_allowed(environ.get("HTTP_HOST"), self.hosts):
            body = wrong_host_text(self.hosts)
            return self._respond(start_response, "400 Bad Request", "text/plain", body)
        relative = site_path(environ.get("PATH_INFO", "/"))
        if relative is None:
            return self._respond(start_response, "400 Bad Request", "text/plain", BAD_PATH)
        if self.error_page is not None and (relative == "" or relative.endswith(("/", ".html"))):
            return self._respond(start_response, "500 Build failed", "text/html", self.error_page)
        self._wait_until_rendered(relative)
        target = self._resolve(relative)
        found = _read(target) if target is not None else None
        if target is None or found is None:
            missing = self._resolve("404.html")
            page = _read(missing) if missing is not None else None
            return self._respond(
                start_response, "404 Not Found", "text/html", page or b"<h1>404</h1>"
            )
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return self._respond(start_response, "200 OK", kind, found)

    def _wait_until_rendered(self, relative: str) -> None:
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        with self.ready:
            self.ready.wait_for(lambda: relative not in self.pending, timeout=WAIT_SECONDS)

    def _resolve(self, relative: str) -> Path | None:
        """The file in the output folder that `relative` (from `site_path`) names, or None;
        never a file outside that folder.

        `..` segments and backslashes (a separator on Windows) name no site file, so they
        are refused before the file system is asked. The path is resolved after a folder's
        `index.html` is added, so no symlink (of a file, a folder or an index) leads out.
        A name the file system refuses (too long, a symlink loop, NUL) is a missing file.
        """
        parts = relative.split("/")
        if "\\" in relative or ".." in parts:
            return None
        target = self.out.joinpath(*parts)
        try:
            if target.is_dir():
                target = target / "index.html"
            target = target.resolve()
            inside = target.is_relative_to(self.out) and target.is_file()
        except (OSError, RuntimeError, ValueError):  # RuntimeError: a loop, before Python 3.13
            return None
        return target if inside else None

    @staticmethod
    def _respond(
        start_response: StartResponse, status: str, kind: str, body: bytes
    ) -> Iterable[bytes]:
        if kind.startswith("text/") or kind in ("application/xml", "application/json"):
            kind += "; charset=utf-8"
        start_response(
            status,
            [
                ("Content-Type", kind),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body]


def _read(target: Path) -> bytes | None:
    """The bytes of a file `_resolve` found, or None when it cannot be read (removed or
    replaced by a folder since, no permission): a missing file, not a server error."""
    try:
        return target.read_bytes()
    except OSError:
        return None


@dataclasses.dataclass
class _Background:
    """A forked child rendering a quick update's other pages, and what it has not yet."""

    pid: int
    connection: Any
    left: set[int]
    state: incremental.SiteState
    #: every output it was given, written or not
    indices: frozenset[int] = frozenset()
    thread: threading.Thread = dataclasses.field(default_factory=threading.Thread)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    reaped: bool = False
    #: killed, ended, and what it left added to the backlog (`SiteServer._reap`)
    stopped: bool = False


def _readers(state: incremental.SiteState) -> dict[Key, list[int]]:
    """Key -> the outputs that read it when they last rendered: what an edit makes stale,
    without a scan."""
    readers: dict[Key, list[int]] = defaultdict(list)
    records = state.records
    for index, output in enumerate(state.outputs):
        for key in records[output.path].reads:
            readers[key].append(index)
    return dict(readers)


def error_page(report: BuildReport) -> bytes:
    """A readable page listing every problem of a failed build, in Swedish."""
    problems = report.result.problems
    items = "\n".join(
        f"<li><code>{html.escape(p.path)}:{p.line}</code> "
        f"<strong>{'fel' if p.severity == 'error' else 'varning'}:</strong> "
        f"{html.escape(p.message)}</li>"
        for p in problems
    )
    text = f"""<!doctype html>
<html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bygget misslyckades</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1b1b1b}}h1{{color:#a4000f}}li{{margin:.5rem 0}}code{{background:#f3f3f3;
padding:.1rem .3rem}}</style></head>
<body><main><h1>Bygget misslyckades</h1>
<p>Innehållet har fel. Rätta dem och spara, så laddas sidan om automatiskt.</p>
<p>{html.escape(summary(problems, report.result.file_count))}</p>
<ol>{items}</ol></main></body></html>
"""
    return text.encode("utf-8")


#: livereload 2.7.1's script tag (`Server.application`, no separate live port): it loads
#: livereload.js from the host and port the page came from.
LIVE_SCRIPT = (
    '<script type="text/javascript">(function(){'
    'var s=document.createElement("script");'
    "var port=(window.location.port || (window.location.protocol == 'https:' ? 443: 80));"
    's.src="//"+window.location.hostname+":"+port'
    '+ "/livereload.js?port=" + port;'
    "document.head.appendChild(s);"
    "})();</script>"
)


def _loopback_server(site: SiteServer) -> Any:
    """livereload's `Server` for `site`, with the Host check in front of every route.

    livereload has routes of its own before the WSGI app: `/livereload` (the websocket
    that tells browsers to reload), `/forcereload` (which makes them) and `/livereload.js`.
    `SiteServer`'s own check would leave those open to a rebinding page, and livereload
    builds its tornado Application and listens on it in one method, `Server.application`.
    So that method is replaced by one making the same routes (for serve's one port) on
    an Application that answers a request for any other host with 400 before routing it.
    The websocket also refuses (403) a browser page of another origin, which livereload
    lets follow every save.
    """
    from livereload import Server
    from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
    from livereload.server import LiveScriptInjector
    from tornado import httputil, web

    live_script = LIVE_SCRIPT.encode()
    refusal = wrong_host_text(site.hosts)

    class WrongHost(web.RequestHandler):
        def prepare(self) -> None:
            self.set_status(400)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(refusal)

    class SameOriginReloads(LiveReloadHandler):  # type: ignore[misc]
        def check_origin(self, origin: str) -> bool:
            return host_allowed(urllib.parse.urlsplit(origin).netloc, site.hosts)

    class LoopbackApplication(web.Application):
        def find_handler(self, request: httputil.HTTPServerRequest, **kwargs: Any) -> Any:
            # The header, not request.host: tornado makes that 127.0.0.1 for an HTTP/1.0
            # request without Host.
            if host_allowed(request.headers.get("Host"), site.hosts):
                return super().find_handler(request, **kwargs)
            return self.get_handler_delegate(request, WrongHost)

    class Injector(LiveScriptInjector):  # type: ignore[misc]
        script = live_script

    class LoopbackServer(Server):  # type: ignore[misc]
        def application(
            self,
            port: int,
            host: str,
            liveport: int | None = None,
            debug: bool | None = None,
            live_css: bool = True,
        ) -> None:
            if liveport is not None:
                raise ValueError("serve answers on one port: liveport is not supported")
            LiveReloadHandler.watcher = self.watcher
            LiveReloadHandler.live_css = live_css
            handlers = [
                (r"/livereload", SameOriginReloads),
                (r"/forcereload", ForceReloadHandler),
                (r"/livereload.js", LiveReloadJSHandler),
                *self.get_web_handlers(live_script),
            ]
            app = LoopbackApplication(handlers=handlers, debug=bool(debug), transforms=[Injector])
            app.listen(port, address=host)

    return LoopbackServer(app=site)


def serve(options: ServeOptions) -> int:
    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    site = SiteServer(options)
    if not options.build.search:
        print(
            "Sökindexet (Pagefind) byggs inte i förhandsvisningen; använd --search.",
            file=sys.stderr,
        )
    site.rebuild()
    server = _loopback_server(site)
    # livereload needs one watched path of its own (else it polls the whole folder); the
    # rebuilds come from our watcher, which tells livereload's browsers when one is done.
    server.watch(str(options.build.data / "site.yaml"), lambda: None)
    loop = IOLoop.current()
    site.on_rebuilt = lambda: loop.add_callback(LiveReloadHandler.reload_waiters, "*")
    watcher = Watcher(site.watched(), site.on_change)
    site.interrupted = watcher.busy
    watcher.start()
    print(
        f"Förhandsvisning på http://{options.host}:{options.port}/ (Ctrl+C avslutar)",
        file=sys.stderr,
    )
    try:
        server.serve(
            port=options.port, host=options.host, debug=False, restart_delay=0, live_css=False
        )
    finally:
        watcher.stop()
        site._stop_background()
    return 0

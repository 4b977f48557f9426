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
  and exactly the outputs whose `reads` name it are rendered, its own page
  first, written in place. The other pages are rendered by a forked child
  process, which the next save stops at once (what it had not done is done
  after that save's own pages), so a save never waits for a big page. A
  request for a file still being rendered waits for it, so a stale page is
  never served;
- anything else (data files, templates, assets, new or deleted files,
  structural edits, errors) goes through `insyn.incremental.build`, which
  still renders only stale outputs.

The search index (Pagefind) is skipped unless `--search` is given.
"""

from __future__ import annotations

import dataclasses
import html
import mimetypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from insyn import incremental
from insyn.bodycache import CACHE_FILE, BodyCache
from insyn.buildcache import cache_folder, entity_version, load_source_cache
from insyn.cli import ServeOptions
from insyn.commands import BuildReport, print_problems
from insyn.engine import Output, Sink
from insyn.link import _Resolver, build_decision, build_project
from insyn.load import DECISION, PROJECT, load_content_file
from insyn.model import Decision, Project
from insyn.opendata import twin_file
from insyn.problems import Problems, summary
from insyn.render import Page
from insyn.validate import validate_file
from insyn.watch import EVERYTHING, Watcher

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

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class SiteServer:
    """The WSGI app: the last good build, or the error page of the last failed one."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self.out = options.build.out.resolve()
        self.error_page: bytes | None = None
        self.lock = threading.Lock()
        self.state: incremental.SiteState | None = None
        self.sources = load_source_cache(self.out)
        self.bodies = BodyCache(cache_folder(self.out) / CACHE_FILE)
        #: output indices by the entity key they read
        self.readers: dict[str, list[int]] = {}
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
        built = incremental.build(
            self.options.build, keep_state=True, sources=self.sources, bodies=self.bodies
        )
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
            self.readers = _readers(built.state.outputs)
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
        changed: set[str] = set()
        for _, new in replaced:
            kind = DECISION if isinstance(new, Decision) else PROJECT
            if isinstance(new, Decision):
                decisions[new.id] = content.decisions[new.id] = new
            else:
                projects[new.id] = content.projects[new.id] = new
            findings = [
                f for f in state.result.findings if (f.entity_kind, f.entity_id) == (kind, new.id)
            ]
            key = f"{kind}:{new.id}"
            version = entity_version(new, findings, state.history)
            if state.versions.get(key) != version:
                state.versions[key] = version
                changed.add(key)
        graph = dataclasses.replace(graph, decisions=decisions, projects=projects)
        state.graph = graph
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
                record = sink.put(output.path, renderer.render(output))
                state.records[output.path] = dataclasses.replace(
                    record, reads=state.records[output.path].reads
                )
                with self.ready:
                    self.pending.discard(output.path)
                    self.ready.notify_all()
        except BaseException:
            self.backlog = set()
            with self.ready:
                self.pending.clear()
                self.ready.notify_all()
            raise

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
                    output = state.outputs[index]
                    sending.send((index, sink.put(output.path, renderer.render(output))))
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
                    job.state.records[path] = dataclasses.replace(
                        record, reads=job.state.records[path].reads
                    )
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
        keys = {f"{DECISION if isinstance(n, Decision) else PROJECT}:{n.id}" for _, n in replaced}
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
                state.outputs[index] = Output(output.path, output.reads, data=remade)
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
        path = environ.get("PATH_INFO", "/")
        if self.error_page is not None and (path.endswith("/") or path.endswith(".html")):
            return self._respond(start_response, "500 Build failed", "text/html", self.error_page)
        self._wait_until_rendered(path)
        target = self._resolve(path)
        if target is None:
            missing = self.out / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"<h1>404</h1>"
            return self._respond(start_response, "404 Not Found", "text/html", body)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return self._respond(start_response, "200 OK", kind, target.read_bytes())

    def _wait_until_rendered(self, path: str) -> None:
        relative = path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        with self.ready:
            self.ready.wait_for(lambda: relative not in self.pending, timeout=WAIT_SECONDS)

    def _resolve(self, path: str) -> Path | None:
        relative = path.lstrip("/")
        target = (self.out / relative).resolve()
        if not target.is_relative_to(self.out):
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

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


def _readers(outputs: list[Output]) -> dict[str, list[int]]:
    """Entity key -> the outputs that read it: what an edit makes stale, without a scan."""
    readers: dict[str, list[int]] = defaultdict(list)
    for index, output in enumerate(outputs):
        for key in output.reads:
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


def serve(options: ServeOptions) -> int:
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    site = SiteServer(options)
    if not options.build.search:
        print(
            "Sökindexet (Pagefind) byggs inte i förhandsvisningen; använd --search.",
            file=sys.stderr,
        )
    site.rebuild()
    server = Server(app=site)
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

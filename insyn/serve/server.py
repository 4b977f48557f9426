"""The preview's site between edits: built once, then brought up to date after each save.

Between edits the graph, the page plan and the digest of every written file
stay in memory. A saved file is noticed at once (`insyn.serve.watch`), and:

- an edit of a decision or project that changes only what its pages *show*
  (title, body, proposals ... — not a reference, date, funding line or
  anything else a page plan, an index or a finding depends on) is the quick
  path: only that file is read again, the entity is swapped into the graph,
  and exactly the outputs that read it when they last rendered (`reads`)
  are rendered, its own page first, written in place. The other pages are
  rendered by a forked child process, which the next save stops at once
  (what it had not done is done after that save's own pages), so a save
  never waits for a big page. A request for a file still being rendered
  waits for it, so a stale page is never served;
- anything else (data files, templates, assets, new or deleted files,
  structural edits, errors) goes through `insyn.build.incremental.build`,
  which still renders only stale outputs.
"""

from __future__ import annotations

import dataclasses
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

from insyn.build import incremental
from insyn.build.bodycache import CACHE_FILE, BodyCache
from insyn.build.manifest import OutputRecord, cache_folder, load_source_cache
from insyn.build.render import Output, Renderer, render_into
from insyn.build.sink import Sink
from insyn.build.write import OutputError
from insyn.commands import BuildReport, print_problems
from insyn.graph.link import relink
from insyn.model import Decision, Project
from insyn.model.i18n import _
from insyn.model.keys import Key, entity_key
from insyn.model.problems import Problems, summary
from insyn.opendata.files import lines_file, twin_file
from insyn.options import ServeOptions
from insyn.pages.plan import Page
from insyn.pipeline import SiteResult
from insyn.serve.app import SiteFiles, error_page, loopback_hosts
from insyn.serve.searching import SearchRefresh
from insyn.serve.watch import EVERYTHING
from insyn.sources.assets import UnsafeAsset
from insyn.sources.files import PROJECT_ROOT
from insyn.sources.load import DECISION, PROJECT, load_content_file
from insyn.sources.validate import validate_file

ROOT = PROJECT_ROOT
WATCHED = ("templates", "assets")
#: What a decision's or project's pages show without any plan, index or finding using it.
PRESENTATIONAL = {
    DECISION: (
        *("title", "body", "proposals", "attachments", "notes", "tags", "case_officer"),
        *("signed_by", "outcome", "diary_number", "kind", "source", "immediate_adjustment"),
    ),
    PROJECT: ("name", "body", "target_groups", "notes", "tags", "status"),
}


class SiteServer(SiteFiles):
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
        #: the search index's update after a quick one (`serve --search`)
        self.search = SearchRefresh(self)

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
            # site takes a while to die (docs/performance.md), time in which the edited
            # page can be written.
            dying = self._kill_background()
            try:
                rendered = self._quick_update(paths, dying)
            except Exception as error:
                print(
                    _("Quick update failed ({error}); rebuilding", error=str(error)),
                    file=sys.stderr,
                )
                rendered = None
            finally:
                self._reap(dying)
            if rendered is None:
                self._full_update()
            else:
                if self.options.build.search:
                    self.search.request()
                self.rebuilds += 1
                seconds = time.perf_counter() - started
                print(
                    _(
                        "Updated: {rendered} files in {seconds:.2f} s",
                        rendered=rendered,
                        seconds=seconds,
                    ),
                    file=sys.stderr,
                )
        if self.on_rebuilt is not None:
            self.on_rebuilt()

    def rebuild(self) -> BuildReport:
        """Build everything that is stale (the first build, and any edit the quick path refuses)."""
        with self.lock:
            return self._full_update()

    def _full_update(self) -> BuildReport:
        started = time.perf_counter()
        self._stop_background()
        self.search.wait()
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
                problems.error(str(self.options.build.out), 1, error.message)
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
                _(
                    "Built: {pages} pages in {seconds:.2f} s ({rendered} files rendered)",
                    pages=report.pages,
                    seconds=report.seconds,
                    rendered=built.rendered,
                ),
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
        new = relink(content, source, problems)
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
        state.result = dataclasses.replace(
            state.result, content=content.replacing(new for _, new in replaced)
        )
        versions = state.versions
        before: dict[Key, str] = {}
        for _old, new in replaced:
            kind = DECISION if isinstance(new, Decision) else PROJECT
            if isinstance(new, Decision):
                decisions[new.id] = new
            else:
                projects[new.id] = new
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
                twins[f"{page.url.lstrip('/')}finansiering.csv"] = page
                own.add(index)
        for index in candidates:
            output = state.outputs[index]
            remade = None
            if output.path in twins:
                made = twin_file if output.path.endswith("index.json") else lines_file
                remade = made(twins[output.path])
            if remade is not None:
                state.outputs[index] = Output(output.path, data=remade)
                own.add(index)
        return own

    def _renderer(self, state: incremental.SiteState) -> Any:
        if getattr(state, "renderer", None) is None:
            state.renderer = Renderer(  # type: ignore[attr-defined]
                state.graph, state.result.findings, state.history, self.bodies
            )
        return state.renderer  # type: ignore[attr-defined]


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


#: livereload 2.7.1's script tag (`Server.application`, no separate live port): it loads
#: livereload.js from the host and port the page came from.

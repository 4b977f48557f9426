"""Rendering the planned outputs: in parallel, once per change, writing only changed bytes.

Every file of the site except the assets is an `Output`: a page of
`render.plan_pages` or a download of `opendata.plan_data_files`. `Renderer`
renders any of them from one graph and records what each read (`reads`). For many
outputs, `render_outputs` forks worker processes that inherit the renderer
(the immutable graph, the compiled templates, the Markdown cache) through a
module global set before the pool starts, so nothing big is pickled per
page; each worker writes its files itself and sends back only digests and reads,
which are merged by path, so the result does not depend on which worker did what.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import shutil
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Template

from insyn.bodycache import BodyCache
from insyn.buildcache import OutputRecord
from insyn.history import History
from insyn.link import SiteGraph
from insyn.markup import Body
from insyn.model import Decision, Organisation, Project
from insyn.opendata import DataFile, plan_data_files
from insyn.pages import SiteView
from insyn.quality import Finding
from insyn.reads import Reads, recording
from insyn.records import OpenData
from insyn.render import (
    Page,
    asset_files,
    asset_urls,
    environment,
    plan_pages,
    record_entity,
    render_page,
)
from insyn.versions import digest
from insyn.write import safe_relative

#: Below this many outputs, starting processes costs more than it saves.
PARALLEL_MINIMUM = 400


@dataclass(frozen=True)
class Output:
    """One file of the site from the plan: a page or a download."""

    path: str
    page: Page | None = None
    data: DataFile | None = None

    @property
    def identity(self) -> str:
        """What the plan says the output shows beyond the keys it records: its template
        and, for a value that is no entity (a year, a trail filter, the sitemap's URLs,
        a redirect), that value. A change to it makes the output stale."""
        if self.page is None:
            return ""
        entity = self.page.entity
        if isinstance(entity, (Decision, Project, Organisation)):
            entity = None
        return digest(f"{self.page.template}\0{entity!r}".encode())


def plan_outputs(graph: SiteGraph) -> list[Output]:
    """Every planned file, pages first, in the plan's fixed order."""
    pages = plan_pages(graph)
    outputs = [Output(page.path, page=page) for page in pages]
    outputs += [Output(f.path, data=f) for f in plan_data_files(graph, pages)]
    return outputs


class Renderer:
    """Everything one graph's outputs are rendered with, made once per build."""

    def __init__(
        self,
        graph: SiteGraph,
        findings: list[Finding],
        history: History,
        bodies: BodyCache,
    ) -> None:
        self.graph = graph
        self.assets = asset_files()
        self.bodies = bodies
        self.site = SiteView(graph, findings, asset_urls(self.assets), history, bodies)
        self.environment = environment(self.site)
        self._templates: dict[str, Template] = {}
        self._open_data: OpenData | None = None

    def use_graph(self, graph: SiteGraph) -> None:
        """Render from `graph` from now on: an edit that changed entities but no index,
        no funding line and no finding (see `serve`), so the templates need not compile again."""
        self.graph = graph
        self.site.graph = graph
        if self._open_data is not None:
            self._open_data.graph = self.site.graph

    def template(self, name: str) -> Template:
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = self.environment.get_template(name)
        return template

    def open_data(self) -> OpenData:
        if self._open_data is None:
            self._open_data = OpenData(self.site.graph)  # recorded, as pages see it
        return self._open_data

    def prepare(self, outputs: Iterable[Output]) -> None:
        """Compile the templates `outputs` need and index the open data now, before the
        workers fork, so that each of them need not (0.2 s a process for all templates)."""
        for output in outputs:
            if output.page is not None:
                self.template(output.page.template)
            else:
                self.open_data()

    def render(self, output: Output) -> tuple[bytes, Reads]:
        """The output's bytes, and every key it read while it rendered."""
        with recording() as read:
            if output.page is not None:
                data = render_page(output.page, self.site, self.template(output.page.template))
            else:
                assert output.data is not None
                record_entity(output.data.entity)
                data = output.data.make(self.open_data())
        return data, frozenset(read)


class Sink:
    """Where rendered bytes go: a folder, keeping a previous folder's file when bytes are equal.

    `previous` maps site paths to what the last build wrote into `previous_folder`; a file
    whose new bytes have the same digest is hard-linked from there (or left alone, when the
    two folders are the same), so its modification time says when its bytes last changed.
    """

    def __init__(
        self,
        folder: Path,
        previous_folder: Path | None = None,
        previous: dict[str, OutputRecord] | None = None,
    ) -> None:
        self.folder = folder
        self.previous_folder = previous_folder
        self.previous = previous or {}
        self.in_place = previous_folder is not None and previous_folder == folder

    def put(
        self, path: str, data: bytes, reads: Reads = frozenset(), identity: str = ""
    ) -> OutputRecord:
        """Write `data` for `path`; the record keeps what rendering it read."""
        target = self.folder / safe_relative(path)
        data_digest = digest(data)
        old = self.previous.get(path)
        if old is not None and old.digest == data_digest and self.keep(path, old):
            stat = target.stat()
            return OutputRecord(data_digest, reads, identity, stat.st_size, stat.st_mtime_ns)
        if self.in_place:
            # serve: replace atomically, so a request never reads half a file
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.insyn-new")
            temporary.write_bytes(data)
            os.replace(temporary, target)
            stat = target.stat()
        else:
            stat = _write_new(target, data)
        return OutputRecord(data_digest, reads, identity, stat.st_size, stat.st_mtime_ns)

    def keep(self, path: str, old: OutputRecord) -> bool:
        """Put the previous folder's file for `path` in place, if it is still what was written."""
        if self.previous_folder is None:
            return False
        source = self.previous_folder / safe_relative(path)
        try:
            stat = source.stat()
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != (old.size, old.mtime_ns):
            return False
        if self.in_place:
            return True
        target = self.folder / safe_relative(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            # Another file system (`--out` is a mount point: `write` copies the staged tree
            # into it) or one without hard links: a copy keeps the modification time, so the
            # file stays as the manifest has it, and costs less than rendering it again.
            try:
                shutil.copy2(source, target)
            except OSError:
                return False
        return True


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _write_new(target: Path, data: bytes) -> os.stat_result:
    """Write `data` as a new file: never through a hard link into the previous folder's file.

    A cold build writes tens of thousands of files, so this makes as few system calls as
    it can: one open (the folder is made only when it is missing), the writes, one fstat.
    """
    try:
        descriptor = os.open(target, _NEW_FILE, 0o666)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(target, _NEW_FILE, 0o666)
    except FileExistsError:
        os.unlink(target)
        descriptor = os.open(target, _NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        return os.fstat(descriptor)
    finally:
        os.close(descriptor)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the site is read, linked and planned.

    That work makes hundreds of thousands of objects that all live until the build ends,
    and no reference cycles (a collection right after it finds nothing), so each of the
    collector's full passes over them was pure cost: about 2 s at 10,000 decisions.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class _Job:
    renderer: Renderer
    outputs: Sequence[Output]
    sink: Sink


#: The job of the current pool, set before the pool forks so that workers inherit it.
_JOB: _Job | None = None

Result = tuple[list[tuple[int, OutputRecord]], dict[bytes, Body], set[bytes]]


def _work(indices: list[int], keep_bodies: bool = False) -> Result:
    """Render and write `indices`; the bodies made meanwhile go back to the main process
    (`keep_bodies`: this is the main process, whose cache has them already)."""
    assert _JOB is not None
    bodies = _JOB.renderer.bodies
    if not keep_bodies:
        bodies.made, bodies.used = {}, set()
    job = _JOB
    done = [(i, render_into(job.renderer, job.outputs[i], job.sink)) for i in indices]
    if keep_bodies:
        return done, {}, set()
    return done, bodies.made, bodies.used


def render_into(renderer: Renderer, output: Output, sink: Sink) -> OutputRecord:
    """Render one output into `sink`: its record, with what it read."""
    data, read = renderer.render(output)
    return sink.put(output.path, data, read, output.identity)


def _claim(claimed: Any, total: int) -> int | None:
    """The next chunk nobody has taken, or None when all are taken."""
    with claimed.get_lock():
        number: int = claimed.value
        if number >= total:
            return None
        claimed.value = number + 1
    return number


def _help(chunks: list[list[int]], claimed: Any, results: Any) -> None:
    """A forked helper: render chunks until none is left, then say so with None."""
    try:
        while (number := _claim(claimed, len(chunks))) is not None:
            results.put(_work(chunks[number]))
    except OSError as error:
        # Raised again as itself in the main process: a full or read-only disk is as likely
        # to be met here as there, and `incremental` reports it in one line.
        results.put(("oserror", error.errno, error.strerror, error.filename))
    except BaseException:
        results.put(("error", traceback.format_exc()))
    results.put(None)


def workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _chunks(indices: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(indices), size):
        yield indices[start : start + size]


def render_outputs(
    renderer: Renderer,
    outputs: Sequence[Output],
    indices: Iterable[int],
    sink: Sink,
    parallel: bool = True,
    progress: Callable[[int, int], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> dict[str, OutputRecord]:
    """Render `outputs[i]` for each index into `sink`; site path -> what was written.

    `meanwhile` runs in this process while the workers render (or first, when rendering
    is serial): work the rendering does not need, on a core that would otherwise wait.
    """
    global _JOB
    chosen = sorted(indices)
    records: dict[str, OutputRecord] = {}
    count = workers()
    if not parallel or count < 2 or len(chosen) < PARALLEL_MINIMUM:
        if meanwhile is not None:
            meanwhile()
        for number, index in enumerate(chosen, 1):
            output = outputs[index]
            records[output.path] = render_into(renderer, output, sink)
            if progress:
                progress(number, len(chosen))
        return records
    # Big files first, so no worker is left with one at the end; then small chunks.
    heavy = [i for i in chosen if (data := outputs[i].data) is not None and data.site_wide]
    first = set(heavy)
    light = [i for i in chosen if i not in first]
    chunks = [[i] for i in heavy] + list(_chunks(light, max(8, len(light) // (count * 16))))
    renderer.prepare(outputs[i] for i in chosen)
    _JOB = _Job(renderer, outputs, sink)
    # Everything alive now is shared with the workers; freezing it keeps the workers'
    # collector from writing to (and so copying) every page of the graph. No collection
    # first: the front half leaves no cycles (see `collector_paused`), and a full pass over
    # the graph costs half a second at 10,000 decisions.
    gc.freeze()
    context = multiprocessing.get_context("fork")
    claimed = context.Value("i", 0)
    results: Any = context.Queue()
    sys.stderr.flush()
    # This process renders too, beside count - 1 forked helpers: every core works, and
    # one process fewer holds a view of the whole graph (peak memory of the tree).
    helpers = [
        context.Process(target=_help, args=(chunks, claimed, results), daemon=True)
        for _ in range(count - 1)
    ]
    done = 0

    def take(result: Result) -> None:
        nonlocal done
        finished, made, used = result
        for index, record in finished:
            records[outputs[index].path] = record
        renderer.bodies.merge(made, used)
        done += len(finished)
        if progress:
            progress(done, len(chosen))

    try:
        for helper in helpers:
            helper.start()
        if meanwhile is not None:
            meanwhile()
        running = len(helpers)

        def receive(message: Any) -> None:
            nonlocal running
            if message is None:
                running -= 1
            elif message[0] == "error":
                raise RuntimeError(f"rendering failed in a worker process:\n{message[1]}")
            elif message[0] == "oserror":
                raise OSError(*message[1:])
            else:
                take(message)

        while (chunk := _claim(claimed, len(chunks))) is not None:
            take(_work(chunks[chunk], keep_bodies=True))
            while not results.empty():
                receive(results.get())
        while running:
            try:
                message = results.get(timeout=1.0)
            except queue.Empty:
                if any(h.exitcode not in (None, 0) for h in helpers):
                    raise RuntimeError("a worker process died while rendering") from None
                continue
            receive(message)
        for helper in helpers:
            helper.join()
    except BaseException:
        for helper in helpers:
            if helper.is_alive():
                helper.kill()
        for helper in helpers:
            helper.join(5)  # reaped, so that no helper outlives the build that failed
        raise
    finally:
        _JOB = None
        gc.unfreeze()
    return dict(sorted(records.items()))

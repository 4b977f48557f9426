"""Rendering many outputs: in parallel, each once, writing only changed bytes.

For many outputs, `render_outputs` forks worker processes that inherit the renderer
(the immutable graph, the compiled templates, the Markdown cache) through a
module global set before the pool starts, so nothing big is pickled per
page; each worker writes its files itself and sends back only digests and reads,
which are merged by path, so the result does not depend on which worker did what.
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from insyn.build.manifest import OutputRecord
from insyn.build.render import Output, Renderer, render_into
from insyn.build.sink import Sink
from insyn.present.markup import Body
from insyn.sources.preload import workers

#: Below this many outputs, starting processes costs more than it saves.
PARALLEL_MINIMUM = 400


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the site is read, linked and planned.

    That work makes hundreds of thousands of objects that all live until the build ends,
    and no reference cycles (a collection right after it finds nothing), so each of the
    collector's full passes over them was pure cost (docs/performance.md).
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
    # the graph of a big site is a noticeable part of a build.
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

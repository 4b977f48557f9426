"""`build` with a memory: re-render only what an edit made stale, write only changed bytes.

The steps, each skipped when the last build's manifest (`buildcache`) shows it
has nothing to do:

1. Nothing changed at all — the same content and data files (size and
   modification time, with git's "racy" rule for files changed during the last
   build), code, templates, assets, options and git history, and `--out` still
   holds exactly the files the last build wrote: nothing is read, rendered or
   written.
2. Otherwise the content is read (unchanged files come parsed and validated
   from `.cache/sources.pickle`), linked and planned; the outputs that are new,
   or read something while they last rendered that has changed since
   (`reads`, `versions`), are rendered (in parallel, Markdown from `.cache/markdown.pickle`)
   into a staging folder, every other file is hard-linked there from the
   previous `--out`, and the staging folder is swapped in atomically (`write`): a
   failed build still leaves `--out` untouched, and the manifest of it too. The
   staging folder is the site the last build replaced, kept in the cache
   (`spare`), so only the files that differ from it are written or linked.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

from insyn.build import render
from insyn.build.bodycache import CACHE_FILE, BodyCache
from insyn.build.manifest import (
    Manifest,
    OutputRecord,
    add_reads,
    cache_folder,
    code_fingerprint,
    folder_digest,
    forget_manifest,
    input_stats,
    load_manifest,
    load_source_cache,
    save_manifest,
    save_source_cache,
    tree_stats,
)
from insyn.build.pool import PARALLEL_MINIMUM, collector_paused, render_outputs
from insyn.build.render import Output, Renderer, plan_outputs
from insyn.build.search import ShardIndexer
from insyn.build.search_update import (
    SearchUpdate,
    forget_shard_map,
    save_shard_map,
    update_search,
)
from insyn.build.sink import Sink
from insyn.build.spare import SpareTree, keep_spare, take_spare
from insyn.build.versions import Versions, digest
from insyn.build.write import (
    OutputError,
    check_output_folder,
    describe_failure,
    output_lock,
    write_tree,
)
from insyn.graph.link import SiteGraph
from insyn.model.i18n import _
from insyn.model.keys import Key, Reads
from insyn.model.problems import Problems
from insyn.options import BuildOptions
from insyn.pipeline import SiteResult, read_site
from insyn.present.markup import page_ids
from insyn.sources.history import History, read_history
from insyn.sources.load import SourceCache
from insyn.sources.preload import preload

#: A replaced site is kept as a spare only if at most 1/SPARE_SHARE of the new files
#: were written anew (`spare`).
SPARE_SHARE = 4
#: A file modified this close to the start of the last build may have changed unseen.
RACY_NS = 2_000_000_000


@dataclass
class SiteState:
    """A built site as `serve` keeps it between edits."""

    result: SiteResult
    graph: SiteGraph
    history: History
    outputs: list[Output]
    versions: Versions
    records: dict[str, OutputRecord]
    fingerprint: str


@dataclass
class Built:
    result: SiteResult
    ok: bool
    files: int = 0
    pages: int = 0
    search_seconds: float = 0.0
    rendered: int = 0
    state: SiteState | None = None
    skipped: bool = False


def _options_key(options: BuildOptions) -> str:
    return repr((options.base_url, options.drafts, options.search))


def _progress(number: int, total: int) -> None:
    step = max(1, total // 50)
    if number % step == 0 or number == total:
        print(
            "\r" + _("Rendering pages: {number}/{total}", number=number, total=total).text(),
            end="",
            file=sys.stderr,
            flush=True,
        )


def build(
    options: BuildOptions,
    progress: bool = False,
    keep_state: bool = False,
    sources: SourceCache | None = None,
    bodies: BodyCache | None = None,
) -> Built:
    """Check, then bring `--out` up to date with as little work as the manifest allows.

    `serve` passes `keep_state` and its own in-memory caches; `build` uses the files in
    `.cache/`. The whole build holds `--out`'s lock (`write.output_lock`): a second build
    into the same folder waits, so the manifest it reads is the one of the `--out` it sees.
    A failure to write (`OutputError`) leaves `--out` and its manifest as they were.
    """
    started_ns = time.time_ns()
    out = options.out.resolve()
    check_output_folder(
        out,
        {
            "the content": options.content,
            "the data": options.data,
            "the working folder": Path.cwd(),
            "Insyn itself": render.ROOT,
        },
    )

    def waiting() -> None:
        print(
            _("Waiting for another build into {out} to finish...", out=str(options.out)),
            file=sys.stderr,
        )

    with ExitStack() as stack:
        try:
            stack.enter_context(output_lock(out, waiting if progress else None))
        except OSError as error:
            needed = _site_size(load_manifest(out))
            raise OutputError(describe_failure(error, options.out, needed)) from error
        return _build(options, out, started_ns, progress, keep_state, sources, bodies)


def _build(
    options: BuildOptions,
    out: Path,
    started_ns: int,
    progress: bool,
    keep_state: bool,
    sources: SourceCache | None,
    bodies: BodyCache | None,
) -> Built:
    manifest = load_manifest(out)
    code = code_fingerprint(render.ASSETS)
    history = read_history(options.content)
    templates = folder_digest(render.TEMPLATES)
    quick = digest(f"{code} {templates} {_options_key(options)} {history!r}".encode())
    inputs = input_stats(options.content, options.data)
    if not keep_state and manifest is not None and _unchanged(manifest, quick, inputs, out):
        problems = Problems(list(manifest.problems))
        result = SiteResult(problems, manifest.file_count, None, [])
        return Built(result, True, len(manifest.files), manifest.pages, skipped=True)

    with collector_paused():
        in_memory = sources is not None
        sources = sources if sources is not None else load_source_cache(out)
        sources.used = set()
        preload(options.content, sources)
        result = read_site(options.content, options.data, options.drafts, sources)
        if in_memory:
            # serve keeps the parsed entries; the pickled forms would only be saved
            kept = ((key, sources.get(key)) for key in sources.used)
            sources.entries = {key: entry for key, entry in kept if entry is not None}
            sources.pickled = {}
        else:
            save_source_cache(out, sources)
            sources = None  # parsed YAML is not needed to render: keep it out of the workers
        graph = result.graph
        if graph is None:
            return Built(result, False)
        if options.base_url:
            settings = replace(graph.settings, base_url=options.base_url.rstrip("/"))
            graph = replace(graph, settings=settings)
        # The ids the templates give page parts decide the ids of every body's headings
        # (`markup.page_ids`): in the fingerprint, as the code is.
        reserved = sorted(page_ids())
        fingerprint = digest(
            f"{code} {_options_key(options)} {graph.settings!r} {reserved}".encode()
        )
        outputs = plan_outputs(graph)
        bodies = bodies if bodies is not None else BodyCache(cache_folder(out) / CACHE_FILE)
        renderer = Renderer(graph, result.findings, history, bodies)
    reads_loaded = manifest is not None and manifest.fingerprint == fingerprint
    if manifest is not None and reads_loaded:
        manifest = add_reads(out, manifest)  # what each output read
    previous = manifest.files if manifest is not None else {}
    versions = Versions(graph, result.findings, history, render.TEMPLATES)
    if manifest is None or manifest.fingerprint != fingerprint:
        stale = set(range(len(outputs)))
    else:
        changed = {key for key, old in manifest.versions.items() if versions.of(key) != old}
        stale = stale_outputs(outputs, manifest, changed, tree_stats(out))

    records: dict[str, OutputRecord] = {}

    cache = cache_folder(out)
    search_update: SearchUpdate | None = None
    spare: SpareTree | None = None

    def reuse(staging: Path) -> bool:
        nonlocal spare
        spare = take_spare(cache, staging)
        return spare is not None

    def retire(old: Path) -> bool:
        """Keep the replaced site as the next build's staging folder when it shares most of
        its files with the new one: after a build that wrote most files anew (new code, a
        template), it would cost the disk a second site and save the next build nothing."""
        if _written_anew(records, previous) * SPARE_SHARE > len(records):
            return False
        return keep_spare(cache, old, previous)

    def fill(staging: Path) -> None:
        indexer = ShardIndexer(cache, keep=True) if options.search else None
        try:
            _fill(staging, indexer)
        finally:
            if indexer is not None:
                indexer.close()

    def _fill(staging: Path, indexer: ShardIndexer | None) -> None:
        nonlocal search_update
        # The render workers write the search record of each indexed page they render.
        sink = Sink(staging, out, previous, indexer.root if indexer is not None else None, spare)
        for index, output in enumerate(outputs):
            if index not in stale:
                record = previous[output.path]
                if sink.keep(output.path, record):
                    records[output.path] = record
                else:
                    stale.add(index)
        shown = _progress if progress else None
        # what search does not read: not a page (its records are made from the pages)
        downloads = {i for i in stale if not outputs[i].path.endswith(".html")}
        if indexer is None or not downloads or len(downloads) >= PARALLEL_MINIMUM:
            fresh = render_outputs(renderer, outputs, stale, sink, progress=shown)
            downloads = set()
        else:
            fresh = render_outputs(renderer, outputs, stale - downloads, sink, progress=shown)
        records.update(shared_reads(fresh, manifest))
        for path, data in renderer.assets.items():
            records[path] = sink.put(path, data)
        if indexer is not None and not downloads:
            search_update = update_search(staging, sink, records, previous, cache, indexer)
        elif indexer is not None:
            # A warm build: the pages are written, so search can be brought up to date
            # while the few downloads render, serially, in this thread (no process is
            # forked beside a running thread). Pagefind runs in a process of its own:
            # the core that rendered alone before does the indexing.
            pages = {path: record for path, record in records.items() if path.endswith(".html")}
            with ThreadPoolExecutor(max_workers=1) as pool:
                searching = pool.submit(
                    update_search, staging, sink, pages, previous, cache, indexer
                )
                # should rendering fail, leaving the block waits for the search to end
                made = render_outputs(renderer, outputs, downloads, sink, parallel=False)
                search_update = searching.result()
            records.update(shared_reads(made, manifest))
            records.update(pages)
        if progress and stale:
            print(file=sys.stderr)
        sink.finish(records)

    def keep_manifest() -> None:
        """The swap failed and left `--out` as it was: the old manifest still describes it."""
        if manifest is not None:
            save_manifest(out, manifest, with_reads=reads_loaded)

    def forget() -> None:
        forget_manifest(out)
        forget_shard_map(cache)

    try:
        # The old manifest describes `--out`, which stays as it is until the swap: it is
        # forgotten only then, so that a build that fails leaves the next one warm.
        write_tree(
            out,
            fill,
            before_swap=forget,
            swap_failed=keep_manifest,
            reuse=reuse,
            retire=retire,
        )
    except OSError as error:  # a render worker's too (`engine._help`)
        needed = _site_size(manifest)
        raise OutputError(describe_failure(error, options.out, needed)) from error
    bodies.save()
    if search_update is not None:
        save_shard_map(cache, search_update)
    search_seconds = search_update.seconds if search_update is not None else 0.0
    html = sum(1 for path in records if path.endswith(".html"))
    read = set().union(*(record.reads for record in records.values()))
    save_manifest(
        out,
        Manifest(
            out=str(out),
            fingerprint=fingerprint,
            quick=quick,
            inputs=inputs,
            started_ns=started_ns,
            problems=list(result.problems.items),
            versions=versions.of_all(read),
            files=dict(sorted(records.items())),
            file_count=result.file_count,
            pages=html,
        ),
    )
    state = None
    if keep_state:
        state = SiteState(result, graph, history, outputs, versions, records, fingerprint)
    return Built(result, True, len(records), html, search_seconds, len(stale), state)


def _written_anew(records: dict[str, OutputRecord], previous: dict[str, OutputRecord]) -> int:
    """How many files of the new site are not the previous site's file (a kept or linked
    file keeps its size and modification time), whichever process wrote them."""
    return sum(
        1
        for path, record in records.items()
        if (old := previous.get(path)) is None
        or (old.size, old.mtime_ns) != (record.size, record.mtime_ns)
    )


def _site_size(manifest: Manifest | None) -> int | None:
    """About how many bytes the site takes on disk, as the last build wrote it."""
    return sum(r.size for r in manifest.files.values()) if manifest is not None else None


def stale_outputs(
    outputs: list[Output],
    manifest: Manifest,
    changed: set[Key],
    on_disk: dict[str, tuple[int, int]],
) -> set[int]:
    """The outputs to render: new ones, those whose identity changed or that read a key
    that `changed` when they last rendered, and those whose file in `--out` is not as
    written."""
    stale = set()
    for index, output in enumerate(outputs):
        old = manifest.files.get(output.path)
        if (
            old is None
            or not old.reads.isdisjoint(changed)
            or on_disk.get(output.path) != (old.size, old.mtime_ns)
            or old.identity != output.identity
        ):
            stale.add(index)
    return stale


def shared_reads(
    fresh: dict[str, OutputRecord], manifest: Manifest | None
) -> dict[str, OutputRecord]:
    """The records of what was just rendered, each key one object shared by every output
    that read it (and the last manifest's): the manifest then pickles each key once."""
    shared: dict[Key, Key] = {}
    if manifest is not None:
        shared.update((key, key) for key in manifest.versions)
    known = shared.setdefault
    result = {}
    for path, record in fresh.items():
        reads: Reads = frozenset([known(key, key) for key in record.reads])
        result[path] = replace(record, reads=reads)
    return result


def _unchanged(
    manifest: Manifest, quick: str, inputs: dict[str, tuple[int, int, int, int]], out: Path
) -> bool:
    if manifest.quick != quick or manifest.inputs != inputs:
        return False
    if any(s[1] >= manifest.started_ns - RACY_NS for s in inputs.values()):
        return False
    written = {path: (r.size, r.mtime_ns) for path, r in manifest.files.items()}
    return tree_stats(out) == written

"""Reading, parsing and validating content files on every core before `read_site` runs.

Reading, loading (YAML with line numbers) and schema validation take most of
a cold build's first half and each file is independent of the others, so
the files are split between forked workers. A worker reads a file, and
parses and validates it unless the `SourceCache` already has it; it returns
the new cache entries and each file's digest with the size and modification
time it had, so `read_site` then reads no file that is unchanged since and
only links. The result is exactly what a serial read gives: the same
entries, made by the same functions.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
import time
from pathlib import Path

from insyn.model.problems import Problems
from insyn.sources import files
from insyn.sources.load import (
    CONTENT_KINDS,
    CachedFile,
    SourceCache,
    SourceKey,
    _parse_content,
    display,
    pickle_entry,
    project_root,
    read_text,
)
from insyn.sources.validate import validate_file

#: Below this many files, forking costs more than it saves.
PARALLEL_MINIMUM = 500

Job = tuple[str, str, str]  # kind, path, path as shown
#: path, (its `files.stamp`, digest) when settled, and the new entry's key and pickled form
Read = tuple[str, tuple[int, int, int, int, str] | None, SourceKey | None, bytes | None]
#: A file modified this recently may change again within the file system's time
#: granularity without a new modification time (git's "racy" rule): read it again later.
RACY_NS = 2_000_000_000

#: The cache the workers consult, set before the pool forks so that they inherit it.
_CACHE: SourceCache | None = None
#: The project folder whose files the workers may read (`insyn.sources.files`).
_ROOT: Path | None = None


def preload(content: Path, cache: SourceCache) -> int:
    """Fill `cache` with every content file it lacks; returns how many were parsed."""
    global _CACHE, _ROOT
    cache.digests.clear()
    jobs: list[Job] = []
    for kind, folder_name in CONTENT_KINDS.items():
        folder = content / folder_name
        if not folder.is_dir():
            return 0
        shown_folder = display(folder)
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
        for entry in entries:
            if entry.name.startswith(".") or not entry.name.endswith(".md"):
                continue
            if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
                continue
            jobs.append((kind, str(folder / entry.name), f"{shown_folder}/{entry.name}"))
    count = workers()
    if len(jobs) < PARALLEL_MINIMUM or count < 2:
        return 0
    size = max(50, len(jobs) // (count * 8))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    parsed = 0
    _CACHE, _ROOT = cache, project_root(content)
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            # This process only waits for the workers (forked by now): meanwhile it asks the
            # kernel to read every file ahead of them.
            names = [name for _, name, _ in jobs]
            ahead = threading.Thread(target=prefetch, args=(names,), daemon=True)
            ahead.start()
            for reads in pool.imap_unordered(_read, chunks):
                for path, stamp, key, made in reads:
                    if stamp is not None:
                        cache.digests[path] = stamp
                    if key is not None and made is not None:
                        cache.add_pickled(key, made)
                        parsed += 1
            ahead.join()  # no thread may be left running when the renderers fork
    finally:
        _CACHE = _ROOT = None
    if parsed:
        cache.changed = True
    return parsed


def prefetch(paths: list[str]) -> None:
    """Have the kernel read `paths` into its cache now, all at once, in the background.

    After a checkout or when the cache was dropped, reading thousands of small files one
    at a time waits on the disk for each; announced first (`posix_fadvise`, which returns
    at once), they are read together (docs/performance.md, "Read ahead").
    """
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:  # pragma: no cover - not Linux
        return
    for path in paths:
        try:
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            continue  # `read_site` reports it
        try:
            advise(descriptor, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(descriptor)


def _read(jobs: list[Job]) -> list[Read]:
    assert _CACHE is not None and _ROOT is not None
    done: list[Read] = []
    for kind, name, shown in jobs:
        path = Path(name)
        try:
            info = os.stat(path)
        except OSError:
            continue  # `read_site` reports it
        text = read_text(path, "", Problems(), _ROOT)
        if text is None:
            continue
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
        settled = time.time_ns() - info.st_mtime_ns > RACY_NS
        stamp = (*files.stamp(info), digest) if settled else None
        key = (kind, shown, digest)
        if key in _CACHE:
            done.append((name, stamp, None, None))
            continue
        found = Problems()
        source = _parse_content(kind, path, shown, text, found, digest)
        entry = CachedFile(source, tuple(found.items))
        if source is not None:
            checked = Problems()
            entry.valid = validate_file(source, checked)
            entry.valid_problems = tuple(checked.items)
        # Pickled here, on every core, in the form the cache is saved in (see `SourceCache`).
        done.append((name, stamp, key, pickle_entry(entry)))
    return done


def workers() -> int:
    """How many cores this process may use: how many processes read, and render, at once."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1

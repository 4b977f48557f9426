"""Parsing and validating many new content files on every core before `read_site` runs.

Loading (YAML with line numbers) and schema validation take most of a cold
build's first half and each file is independent of the others, so the files
a `SourceCache` does not know yet are split between forked workers; each
returns the finished cache entries, and `read_site` then finds every file
in the cache and only links. The result is exactly what a serial read gives:
the same entries, made by the same functions.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from pathlib import Path

from insyn.engine import workers
from insyn.load import CONTENT_KINDS, CachedFile, SourceCache, _parse_content, display, read_text
from insyn.problems import Problems
from insyn.validate import validate_file

#: Below this many new files, forking costs more than it saves.
PARALLEL_MINIMUM = 500

Job = tuple[str, str, str, str, str]


def preload(content: Path, cache: SourceCache) -> int:
    """Fill `cache` with every content file it lacks; returns how many were parsed."""
    jobs: list[Job] = []
    for kind, folder_name in CONTENT_KINDS.items():
        folder = content / folder_name
        if not folder.is_dir():
            return 0
        shown_folder = display(folder)
        for path in sorted(folder.glob("*.md")):
            if path.name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            text = read_text(path, "", Problems())
            if text is None:
                continue
            digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
            shown = f"{shown_folder}/{path.name}"
            if (kind, shown, digest) not in cache.entries:
                jobs.append((kind, str(path), shown, text, digest))
    count = workers()
    if len(jobs) < PARALLEL_MINIMUM or count < 2:
        return 0
    size = max(50, len(jobs) // (count * 8))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    with multiprocessing.get_context("fork").Pool(count) as pool:
        for entries in pool.imap_unordered(_parse, chunks):
            for key, entry in entries:
                cache.entries[key] = entry
    cache.changed = True
    return len(jobs)


def _parse(jobs: list[Job]) -> list[tuple[tuple[str, str, str], CachedFile]]:
    done = []
    for kind, path, shown, text, digest in jobs:
        found = Problems()
        source = _parse_content(kind, Path(path), shown, text, found, digest)
        entry = CachedFile(source, tuple(found.items))
        if source is not None:
            checked = Problems()
            entry.valid = validate_file(source, checked)
            entry.valid_problems = tuple(checked.items)
        done.append(((kind, shown, digest), entry))
    return done

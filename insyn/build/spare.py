"""The site the last build replaced, kept in the cache to be the next build's staging folder.

A build writes the new site into a staging folder and swaps it in whole (`write`).
When the staging folder started empty, a warm build after a one-line edit put
every unchanged file in place with a hard link of its own (48,000 at 10,000
decisions), and after the swap removed the old tree file by file and folder by
folder: 13 of its 30 seconds, for an edit that changed a few dozen files.

So the tree the swap retires is not removed: it moves into the output's cache
(`cache_folder(out)/spare-<token>/`, same file system as `--out`, or it is
removed as before), with a list of what the last build wrote into it. The next
build renames it beside `--out` as its staging folder, where it already holds
the site before the last: a file that is there, as the list says and with the
same digest, size and modification time as the live site's, stays (it is the
live file's hard link, most often); every other file is replaced by a new
inode, never written through, since the live site shares the spare's inodes;
and what the new site does not have is removed (`Sink.finish`). What the list
does not know, such as a file someone put into `--out` by hand, is found by
walking the spare, and removed too.

The live site and a failed build are as before: `--out` is never written into,
and a failed build removes its staging folder, the spare with it.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from insyn.build import cachefile
from insyn.build.manifest import OutputRecord, tree_stats

SPARE_LIST = "spare.pickle"
SPARE_PREFIX = "spare-"

#: site path -> (digest, size, modification time) of a file the spare holds
Listing = dict[str, tuple[str, int, int]]


@dataclass
class SpareTree:
    """What a spare, now a staging folder, holds: files as the last-but-one build wrote
    them (`held`), and other files (`others`), to be replaced or removed.

    The render workers are forked with a copy of it: what one of them `claim`s, the
    others and the main process never learn. So a claim only answers for the file once,
    in the process that writes it, and what is removed at the end (`unwanted`) is told by
    the new site's files, as the main process has them from every worker."""

    held: Listing
    others: set[str] = field(default_factory=set)
    #: folders with nothing in them
    empty: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        #: every file the spare held when it was taken
        self.present = frozenset(self.held) | frozenset(self.others)

    def claim(self, path: str) -> tuple[str, int, int] | None:
        """`path` is in the new site: what the spare holds there as listed, if anything,
        and only the first time it is asked (in this process). The caller replaces the
        file unless it is what the new site wants."""
        self.others.discard(path)
        return self.held.pop(path, None)

    def unwanted(self, site: Collection[str]) -> list[str]:
        """The files the spare held that the new site (`site`: all its files) does not
        have, deepest first."""
        return sorted(self.present.difference(site), reverse=True)


def _valid(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], dict)
    )


def take_spare(cache: Path, staging: Path) -> SpareTree | None:
    """Rename the cache's spare onto `staging` (a free name beside `--out`) and say what it
    holds; None, with nothing at `staging`, when there is no spare to take."""
    listed = cachefile.load(cache / SPARE_LIST, _valid)
    cachefile.remove(cache / SPARE_LIST)
    found = _spares(cache)
    token, listing = listed if listed is not None else ("", {})
    taken = None
    for folder in found:
        if taken is None and folder.name == f"{SPARE_PREFIX}{token}" and token:
            try:
                os.rename(folder, staging)
            except OSError:
                shutil.rmtree(folder, ignore_errors=True)
                continue
            taken = folder
        else:
            shutil.rmtree(folder, ignore_errors=True)  # a killed build's, or unlisted
    if taken is None:
        return None
    empty: list[str] = []
    stats = tree_stats(staging, empty)
    held: Listing = {}
    others: set[str] = set()
    for path, stat in stats.items():
        entry = listing.get(path)
        if entry is not None and (entry[1], entry[2]) == stat:
            held[path] = entry
        else:
            others.add(path)
    return SpareTree(held, others, empty)


def keep_spare(cache: Path, tree: Path, files: dict[str, OutputRecord]) -> bool:
    """Move `tree`, the site just replaced, whose files `files` describes, into the cache;
    False when it cannot be moved there (another file system), to be removed instead."""
    if not files:
        return False
    token = secrets.token_hex(6)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        for folder in _spares(cache):
            shutil.rmtree(folder, ignore_errors=True)
        os.rename(tree, cache / f"{SPARE_PREFIX}{token}")
    except OSError:
        return False
    listing = {path: (r.digest, r.size, r.mtime_ns) for path, r in files.items()}
    if not cachefile.save(cache / SPARE_LIST, (token, listing)):
        shutil.rmtree(cache / f"{SPARE_PREFIX}{token}", ignore_errors=True)
    return True


def forget_spare(cache: Path) -> None:
    """Remove the spare: a build that cannot use it (`--out` on another file system)."""
    cachefile.remove(cache / SPARE_LIST)
    for folder in _spares(cache):
        shutil.rmtree(folder, ignore_errors=True)


def _spares(cache: Path) -> list[Path]:
    try:
        with os.scandir(cache) as scan:
            return sorted(Path(e.path) for e in scan if e.name.startswith(SPARE_PREFIX))
    except OSError:
        return []

"""The search records of each shard, kept in the cache between builds.

A shard indexed again needs the record of every one of its pages
(`search_records`). The pages rendered anew come with theirs, made by the
render workers; the others were read back from the site and cut again: at
10,000 decisions, 2,500 pages and about three seconds for one four-year shard,
and thirteen for all of them when a new word indexes every shard.

So once a shard is indexed, the folder of records Pagefind read is not
removed: it moves into the output's cache (`search-records/<shard>/`), and
once the new site is in place, a listing beside it says for each record the
digest of the page it was made from and the record's words
(`search-records/<shard>.pickle`, sealed like every cache file, so records of
other code are never used). The next build that indexes the shard takes the
folder back (the listing is removed first: a build that fails after it leaves
no listing, and the folder is removed unused) and keeps a record only where
the page's bytes are the ones it was made from. A record is a function of the
page's bytes, so a kept record is the record the page would give.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from insyn.build import cachefile

KEPT_FOLDER = "search-records"

#: site path -> (digest of the page the record was made from, the record's words `joined`)
Listing = dict[str, tuple[str, str]]


def _valid(value: object) -> bool:
    return isinstance(value, dict)


def _places(cache: Path, shard: str) -> tuple[Path, Path]:
    folder = cache / KEPT_FOLDER
    return folder / shard, folder / f"{shard}.pickle"


def take_records(cache: Path, shard: str, into: Path) -> Listing | None:
    """Move the kept records of `shard` to `into` (a free name) and say what they are; None,
    with nothing at `into`, when none are kept that can be trusted."""
    tree, listing_file = _places(cache, shard)
    listing = cachefile.load(listing_file, _valid)
    cachefile.remove(listing_file)
    if not tree.is_dir():
        return None
    if listing is None:
        shutil.rmtree(tree, ignore_errors=True)
        return None
    try:
        os.rename(tree, into)
    except OSError:
        shutil.rmtree(tree, ignore_errors=True)
        return None
    kept: Listing = listing
    return kept


def keep_records(cache: Path, shard: str, tree: Path) -> None:
    """Move `tree`, the records `shard` was just indexed from, into the cache; unlisted until
    `list_records` says what it holds, once the new site is in place."""
    place, listing_file = _places(cache, shard)
    cachefile.remove(listing_file)
    shutil.rmtree(place, ignore_errors=True)
    try:
        place.parent.mkdir(parents=True, exist_ok=True)
        os.rename(tree, place)
    except OSError:
        shutil.rmtree(tree, ignore_errors=True)  # another file system: not kept


def list_records(cache: Path, listings: dict[str, Listing], shards: set[str]) -> None:
    """Save the listing of each shard kept this build (`listings`), and remove the records of
    every shard the site no longer has (`shards`: the site's)."""
    for shard, listing in sorted(listings.items()):
        tree, listing_file = _places(cache, shard)
        if tree.is_dir():
            cachefile.save(listing_file, listing)
    folder = cache / KEPT_FOLDER
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return
    for name in names:
        if name.removesuffix(".pickle") not in shards:
            path = folder / name
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                cachefile.remove(path)


def forget_records(cache: Path) -> None:
    """Every kept record removed."""
    shutil.rmtree(cache / KEPT_FOLDER, ignore_errors=True)

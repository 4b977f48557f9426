"""The search index brought up to date shard by shard: what `build` and `serve` run.

A shard is indexed again only when one of its pages is new, gone or has new
bytes; every other shard's bundle is kept from the last build (hard-linked,
as unchanged pages are). Which shard a page is in is read from the page
itself (`search_records`), and remembered per page with the digest of the
bytes it was read from (`SHARD_MAP` in the output's cache), so a warm build
reads back only the pages of the shards it indexes again. The map is only a
cache: an entry whose digest does not match the page's is read anew, and
without the map every page is read, as in a cold build. It describes the
index in `--out` (saved once that is in place, forgotten before `--out`
changes), so where a page was indexed is the map's say: `serve` passes the
records of its pages after the quick update that wrote the edit, and only
the map still knows the bytes the index was made from.

Every shard also indexes the site's word list (`search_words`), so a shard is
kept only while the site's words are the last build's as well: a word new to
the site, or gone from it, indexes every shard again. The words of a kept
shard are remembered with the map, so nothing of it is read back.

The result equals a cold build's byte for byte: a shard's bundle is a
function of its records and the site's words alone (tests/test_search_shards.py).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from insyn.build import cachefile
from insyn.build.manifest import OutputRecord
from insyn.build.search import (
    SHARD_LIST,
    SearchIndexError,
    ShardIndexer,
    shard_folder,
    shard_list,
)
from insyn.build.search_kept import Listing, list_records
from insyn.build.search_records import RecordError, SearchRecord, is_indexed, record_of
from insyn.build.search_words import wordlist_document
from insyn.build.sink import Sink
from insyn.build.write import safe_relative, site_file
from insyn.model.i18n import _

SHARD_MAP = "search-shards.pickle"
#: page path -> (digest of its bytes, its shard or None when the page is not indexed)
ShardMap = dict[str, tuple[str, str | None]]
#: shard -> (the words of its records, its word list's id in its bundle)
ShardWords = dict[str, tuple[frozenset[str], str]]


@dataclass
class SearchUpdate:
    seconds: float = 0.0
    #: the shards indexed again
    indexed: list[str] = field(default_factory=list)
    shards: list[str] = field(default_factory=list)
    #: what `save_shard_map` keeps once the new index is in place
    shard_map: ShardMap = field(default_factory=dict)
    shard_words: ShardWords = field(default_factory=dict)
    #: whether the site's words changed, so that every shard was indexed again
    new_words: bool = False
    #: what the records kept of each shard indexed are (`search_kept`)
    listings: dict[str, Listing] = field(default_factory=dict)


def _valid(value: object) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, dict) for v in value)


def load_shard_map(cache: Path) -> tuple[ShardMap, ShardWords]:
    value = cachefile.load(cache / SHARD_MAP, _valid)
    return value if value is not None else ({}, {})


def forget_shard_map(cache: Path) -> None:
    """Before `--out` changes: a map that may describe another index is no map."""
    cachefile.remove(cache / SHARD_MAP)


def save_shard_map(cache: Path, update: SearchUpdate) -> None:
    """After the new index is in place: the map then describes it, and the records kept
    of the shards indexed are listed."""
    cachefile.save(cache / SHARD_MAP, (update.shard_map, update.shard_words))
    list_records(cache, update.listings, set(update.shards))


def update_search(
    folder: Path,
    sink: Sink,
    records: dict[str, OutputRecord],
    previous: dict[str, OutputRecord],
    cache: Path,
    indexer: ShardIndexer | None = None,
    known_map: tuple[ShardMap, ShardWords] | None = None,
) -> SearchUpdate:
    """Put the index of the pages in `folder` (their records in `records`) into `sink`,
    keeping from `previous` every shard none of whose pages changed, as long as the
    site's words (`search_words`) are the same.

    `indexer` may already hold records written while the pages rendered (`Sink`'s
    `records`): a page with one there is not read back. A page is unchanged when its bytes
    are the last build's (`previous`) and the shard map knows them; only then is its shard
    taken from the map (`known_map`: the map as loaded before the caller forgot it).
    """
    started = time.perf_counter()
    known, known_words = known_map if known_map is not None else load_shard_map(cache)
    indexer = indexer if indexer is not None else ShardIndexer(cache, keep=True)
    try:
        made = indexer.adopt()
        shards: ShardMap = {}
        stale: set[str] = set()
        every_shard = False
        for path in sorted(p for p in records if p.endswith(".html")):
            digest = records[path].digest
            entry = known.get(path)
            if entry is not None and entry[0] == digest:
                shards[path] = entry  # indexed from these very bytes
                continue
            if entry is not None:
                if entry[1] is not None:
                    stale.add(entry[1])  # the shard it was in
            elif path in previous:
                every_shard = True  # where the index in place has it is not known
            if path in made:
                shards[path] = (digest, made[path])
                stale.add(made[path])
                continue
            data = (folder / safe_relative(path)).read_bytes()
            if not is_indexed(data):
                shards[path] = (digest, None)
                continue
            record = _record(path, data)
            shards[path] = (digest, record.shard)
            stale.add(record.shard)
            indexer.add(path, record)
        for path, (_digest, shard) in known.items():
            if shard is not None and path not in records:
                stale.add(shard)  # a page gone
        if any(p.endswith(".html") and p not in records and p not in known for p in previous):
            every_shard = True  # a page gone that the map does not know
        members: dict[str, list[str]] = {}
        for path, (_digest, shard) in shards.items():
            if shard is not None:
                members.setdefault(shard, []).append(path)

        def read_all(shard: str) -> None:
            """Every record of `shard`: made this build, kept from the last, or read back."""
            pages = {path: shards[path][0] for path in members[shard]}
            for path in indexer.resume(shard, pages):
                indexer.add(path, _record(path, (folder / safe_relative(path)).read_bytes()))

        files = _bundle_files(previous)
        unchanged = set() if every_shard else set(members) - stale
        # a shard is kept with its words as they were, and only while its files are as written
        unchanged = {
            shard
            for shard in unchanged
            if shard in known_words and _all_as_written(sink, files.get(shard, []), previous)
        }
        for shard in sorted(set(members) - unchanged):
            read_all(shard)
        words = _site_words(indexer, known_words, unchanged, members)
        new_words = words != set().union(*(w for w, _id in known_words.values()))
        if new_words:  # every shard's word list changes: none is kept
            for shard in sorted(unchanged):
                read_all(shard)
            unchanged = set()
        kept = _keep(sink, records, previous, files, unchanged)
        for shard in sorted(unchanged - kept):
            read_all(shard)  # a file could not be put in place after all
        stale = set(members) - kept
        shard_words = {shard: known_words[shard] for shard in kept}
        update = SearchUpdate(
            indexed=sorted(stale), shards=sorted(members), shard_map=shards, new_words=new_words
        )
        if members:
            wordlist = wordlist_document(_site_words(indexer, known_words, kept, members))
            for shard, bundle in indexer.bundles(wordlist, only=stale):
                for path in sorted(bundle.moved):
                    records[path] = sink.put_file(path, bundle.moved[path])
                # the entry last: in place (`serve`), it names files that must be there
                in_memory = bundle.files
                for path in sorted(in_memory, key=lambda p: p.endswith("/pagefind-entry.json")):
                    records[path] = sink.put(path, in_memory[path])
                shard_words[shard] = (frozenset(indexer.shard_words(shard)), bundle.wordlist)
                pages = {path: shards[path][0] for path in members[shard]}
                update.listings[shard] = indexer.listing(shard, pages)
            wordlists = {shard: wordlist_name for shard, (_w, wordlist_name) in shard_words.items()}
            records[SHARD_LIST] = sink.put(SHARD_LIST, shard_list(wordlists))
        update.shard_words = shard_words
    finally:
        indexer.close()
    update.seconds = time.perf_counter() - started
    return update


def _site_words(
    indexer: ShardIndexer,
    known_words: ShardWords,
    kept: set[str],
    members: dict[str, list[str]],
) -> set[str]:
    """The words of every shard: a kept shard's as the last build had them, every other's
    from the records now in `indexer`."""
    words: set[str] = set()
    for shard in members:
        words.update(known_words[shard][0] if shard in kept else indexer.shard_words(shard))
    return words


def _record(path: str, data: bytes) -> SearchRecord:
    try:
        return record_of(data)
    except (RecordError, UnicodeDecodeError) as error:
        raise SearchIndexError(
            _("{path} cannot be indexed: {error}", path=path, error=str(error))
        ) from error


def _bundle_files(previous: dict[str, OutputRecord]) -> dict[str, list[str]]:
    """Shard -> the files of its bundle in the last build."""
    files: dict[str, list[str]] = {}
    top = shard_folder("").strip("/")
    for path in previous:
        parts = path.split("/")
        if len(parts) > 2 and parts[0] == top:
            files.setdefault(parts[1], []).append(path)
    return files


def _all_as_written(sink: Sink, paths: list[str], previous: dict[str, OutputRecord]) -> bool:
    return bool(paths) and all(_as_written(sink, path, previous[path]) for path in paths)


def _keep(
    sink: Sink,
    records: dict[str, OutputRecord],
    previous: dict[str, OutputRecord],
    files: dict[str, list[str]],
    unchanged: set[str],
) -> set[str]:
    """The shards of `unchanged` whose whole bundle was put in place as the last build
    wrote it; a shard with a file that could not be is indexed again."""
    kept = set()
    for shard in sorted(unchanged):
        paths = files[shard]
        if all(sink.keep(path, previous[path]) for path in paths):
            for path in paths:
                records[path] = previous[path]
            kept.add(shard)
    return kept


def _as_written(sink: Sink, path: str, record: OutputRecord) -> bool:
    """Whether the previous folder's file is still what the last build wrote (not linked yet)."""
    if sink.previous_folder is None:
        return False
    try:
        stat = os.stat(site_file(str(sink.previous_folder), path))
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == (record.size, record.mtime_ns)

"""Stage 4b, search: a Pagefind index in shards, made before anything is written.

Search is given records, not pages (`search_records`), and the index is made
of shards (the page's `data-sokdel`), each a Pagefind bundle of its own under
`pagefind/<shard>/`; `pagefind/delar.json` lists them and /sok/ merges them in
the browser with Pagefind's `mergeIndex`. Each shard holds the site's word
list as well (`search_words`), so that merged shards find what one index
finds. A warm build re-indexes only the shards whose pages changed, while the
site's words stay the same (`search_update`), and Pagefind's memory is bounded
by the largest shard. A shard is a span of years (`pages.facets.search_shard`).

The records of each shard are written into a private folder in the output's
cache (`.cache/`, never beside `--out`), indexed there by the Pagefind binary
that `pagefind[bin]` installs, a shard per core at a time, and each bundle is
moved into the site's files (the few that `canonical_bundle` rewrites are
written anew). So `write_site` puts pages and index in place in
one atomic swap, and a failed build leaves the previous site and its index as
they were.

Pagefind's Python API can index from memory, but its service client sleeps
after every message, so the binary indexes the same records far faster.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from insyn.build.pagefind_bundle import BundleError, canonical_bundle
from insyn.build.search_kept import Listing, keep_records, take_records
from insyn.build.search_records import SearchRecord, is_indexed, record_of, write_record
from insyn.build.search_words import (
    WORDLIST_PATH,
    joined,
    read_page_words,
    record_words,
    split_words,
    wordlist_document,
    wordlist_id,
)
from insyn.model.i18n import _

BUNDLE = "pagefind"
#: The list of shards /sok/ merges: the first is the one whose pagefind.js it imports.
SHARD_LIST = f"{BUNDLE}/delar.json"
LANGUAGE = "sv"
TIMEOUT_SECONDS = 300
# Pagefind's ready-made search interfaces: /sok/ uses only the JS API (pagefind.js).
UNUSED_PREFIXES = (
    "pagefind-ui.",
    "pagefind-component-ui.",
    "pagefind-modular-ui.",
    "pagefind-highlight.",
)


class SearchIndexError(RuntimeError):
    """Pagefind is missing or failed: the build stops and `--out` is left as it was."""


def pagefind_binary() -> Path:
    """The Pagefind executable shipped by the pinned `pagefind-bin` package."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]
    except ImportError as error:
        raise SearchIndexError(
            _(
                "Pagefind is not installed (pip install -r requirements.txt), or build without "
                "the search index: --no-search"
            )
        ) from error
    try:
        return Path(get_executable())
    except FileNotFoundError as error:
        raise SearchIndexError(_("the Pagefind binary is missing: {error}", error=error)) from error


def shard_folder(shard: str) -> str:
    """Where a shard's bundle lives in the site."""
    return f"{BUNDLE}/{shard}/"


def shard_list(wordlists: Mapping[str, str]) -> bytes:
    """`pagefind/delar.json`: the shards in a fixed order, each with its bundle's path and
    the id of its word list (`search_words`), which /sok/ leaves out of the results."""
    listing = {
        "delar": [
            {"namn": name, "sokvag": f"/{shard_folder(name)}", "ordlista": wordlists[name]}
            for name in sorted(wordlists)
        ]
    }
    return (json.dumps(listing, ensure_ascii=False, indent=1) + "\n").encode()


def workers() -> int:
    """Pagefind runs on one core for the most part: one shard per core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cores or 1))


class ShardIndexer:
    """Records go in as they are made (onto disk, so they are never all in memory at once),
    by `add` or by the render workers' `Sink` straight into `root`, with their words, or
    come back from the last build (`resume`); `bundles` indexes each shard that got one,
    with the site's word list, hands out its bundle as it is done, and keeps its records
    for the next build (`search_kept`)."""

    def __init__(self, workdir: Path, keep: bool = False) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.workdir = workdir
        #: whether the records of each shard indexed are kept in `workdir` (`search_kept`)
        self.keep = keep
        self.root = Path(tempfile.mkdtemp(prefix="insyn-search-", dir=workdir))
        self.pages: dict[str, int] = {}
        #: site path -> the shard its record is in
        self.paths: dict[str, str] = {}
        #: site path -> its record's words (`search_words.joined`)
        self.page_words: dict[str, str] = {}
        self._words: dict[str, set[str]] = {}

    def add(self, path: str, record: SearchRecord) -> None:
        write_record(self.root, path, record)
        self._count(path, record.shard, joined(record_words(record.document)))

    def holds(self, path: str) -> bool:
        return path in self.paths

    def adopt(self) -> dict[str, str]:
        """The records written into `root` by others (`Sink`): site path -> shard."""
        for path, (shard, words) in sorted(read_page_words(self.root).items()):
            if path not in self.paths:
                self._count(path, shard, words)
        return dict(self.paths)

    def resume(self, shard: str, pages: Mapping[str, str]) -> list[str]:
        """Take back the records the last build kept of `shard` for `pages` (site path ->
        digest of its bytes now) where they were made from those bytes; the pages of
        `pages` still without a record, to be read back."""
        site = self.root / shard / "site"
        kept = self.root / shard / "kept"
        site.parent.mkdir(parents=True, exist_ok=True)
        listing = take_records(self.workdir, shard, kept)
        if listing is not None:
            if site.is_dir():  # records made this build go over the kept ones
                for path in sorted(p for p, s in self.paths.items() if s == shard):
                    _move_into(site / path, kept / path)
                shutil.rmtree(site)
            os.rename(kept, site)
            for path, (made_from, words) in sorted(listing.items()):
                if path in self.paths:
                    if self.paths[path] != shard:
                        _unlink(site / path)  # the page's record is in another shard now
                elif pages.get(path) == made_from:
                    self._count(path, shard, words)
                else:
                    _unlink(site / path)  # the page is gone, or its bytes changed
        return sorted(path for path in pages if path not in self.paths)

    def listing(self, shard: str, pages: Mapping[str, str]) -> Listing:
        """What the kept records of `shard` are: for each page, the digest it was made from
        (`pages`) and its words."""
        return {
            path: (pages[path], self.page_words[path])
            for path, held in sorted(self.paths.items())
            if held == shard and path in pages
        }

    def _count(self, path: str, shard: str, words: str) -> None:
        self.paths[path] = shard
        self.pages[shard] = self.pages.get(shard, 0) + 1
        self.page_words[path] = words
        self._words.pop(shard, None)

    def shard_words(self, shard: str) -> set[str]:
        """The words of the records of `shard`."""
        words = self._words.get(shard)
        if words is None:
            words = set()
            for path, held in self.paths.items():
                if held == shard:
                    words.update(split_words(self.page_words[path]))
            self._words[shard] = words
        return words

    def bundles(
        self, wordlist: bytes, only: Iterable[str] | None = None
    ) -> Iterator[tuple[str, Bundle]]:
        """(shard, its bundle by site path) for every shard with records (of `only`), each
        indexed with `wordlist` (`search_words.wordlist_document`), in shard order; the
        largest shards are started first, so the last to finish is a small one. The files
        of `Bundle.moved` are there until the next shard is asked for."""
        wanted = set(self.pages) if only is None else set(only) & set(self.pages)
        shards = sorted(wanted)
        started = sorted(shards, key=lambda shard: (-self.pages[shard], shard))
        for shard in shards:
            (self.root / shard / "site" / WORDLIST_PATH).write_bytes(wordlist)
        try:
            with ThreadPoolExecutor(max_workers=workers()) as pool:
                futures = {shard: pool.submit(self._index, shard) for shard in started}
                for shard in shards:
                    yield shard, futures[shard].result()
                    if self.keep:
                        keep_records(self.workdir, shard, self.root / shard / "site")
                    shutil.rmtree(self.root / shard, ignore_errors=True)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def all_words(self) -> set[str]:
        return set().union(*(self.shard_words(shard) for shard in self.pages))

    def _index(self, shard: str) -> Bundle:
        folder = self.root / shard
        files, moved = pagefind_shard(folder / "site", folder / "bundle", wordlist=True)
        try:
            wordlist = wordlist_id(moved)
        except BundleError as error:
            raise SearchIndexError(str(error)) from error
        prefix = shard_folder(shard)
        return Bundle(
            {f"{prefix}{path}": data for path, data in files.items()},
            {f"{prefix}{path}": source for path, source in moved.items()},
            wordlist,
        )


def _move_into(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


def _unlink(path: Path) -> None:
    """A record removed, and its folder with it when that is left empty."""
    path.unlink(missing_ok=True)
    with suppress(OSError):
        path.parent.rmdir()


@dataclass(frozen=True)
class Bundle:
    """A shard's bundle: the files made in memory (the canonical metadata and filters), the
    files Pagefind wrote that are taken as they are (fragments, index chunks: moved into the
    site, never read and written again), and the id of the word list in it."""

    files: dict[str, bytes]
    moved: dict[str, Path]
    wordlist: str


#: What Pagefind writes that the canonical form takes as it is.
AS_WRITTEN = ("fragment/", "index/")


def pagefind_bundle(site: Path, output: Path, wordlist: bool = False) -> dict[str, bytes]:
    """Pagefind's bundle of the records under `site`, canonical, by path in the bundle;
    `wordlist`: with the word list among them (`search_words`), ranked as no page."""
    files, moved = pagefind_shard(site, output, wordlist)
    files.update((path, source.read_bytes()) for path, source in moved.items())
    return dict(sorted(files.items()))


def pagefind_shard(
    site: Path, output: Path, wordlist: bool = False
) -> tuple[dict[str, bytes], dict[str, Path]]:
    """`pagefind_bundle` as (the canonical files in memory, the files as Pagefind wrote
    them in `output`)."""
    command = [
        str(pagefind_binary()),
        "--site",
        str(site),
        "--output-path",
        str(output),
        "--force-language",
        LANGUAGE,
        "--silent",
    ]
    try:
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SearchIndexError(_("Pagefind could not run: {error}", error=error)) from error
    if finished.returncode != 0:
        lines = (finished.stderr or finished.stdout).strip().splitlines()
        detail = lines[-1] if lines else f"exit status {finished.returncode}"
        raise SearchIndexError(_("Pagefind failed: {detail}", detail=detail))
    files, moved = _read_bundle(output)
    try:
        return canonical_bundle(files, wordlist_id(moved) if wordlist else None), moved
    except BundleError as error:
        raise SearchIndexError(str(error)) from error


def _read_bundle(folder: Path) -> tuple[dict[str, bytes], dict[str, Path]]:
    files: dict[str, bytes] = {}
    moved: dict[str, Path] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(folder).as_posix()
        if relative.startswith(AS_WRITTEN):
            moved[relative] = path
        elif not relative.startswith(UNUSED_PREFIXES):
            files[relative] = path.read_bytes()
    if "pagefind.js" not in files:
        raise SearchIndexError(_("Pagefind wrote no pagefind.js"))
    return files, moved


def indexed_pages(files: Mapping[str, bytes]) -> list[str]:
    """The site paths of the HTML pages that ask to be indexed, in a fixed order."""
    return sorted(p for p, data in files.items() if p.endswith(".html") and is_indexed(data))


def index_site(files: Mapping[str, bytes], workdir: Path | None = None) -> dict[str, bytes]:
    """The whole sharded index of `files` (site path -> bytes), as more site files.

    A site with no indexable page gets no bundle: Pagefind refuses to build an
    empty index, and /sok/ then falls back to its links to the list pages.
    """
    with tempfile.TemporaryDirectory(prefix="insyn-search-") as temporary:
        indexer = ShardIndexer(workdir or Path(temporary))
        for path in indexed_pages(files):
            indexer.add(path, record_of(files[path]))
        if not indexer.pages:
            indexer.close()
            return {}
        result: dict[str, bytes] = {}
        wordlists: dict[str, str] = {}
        for shard, bundle in indexer.bundles(wordlist_document(indexer.all_words())):
            result.update(bundle.files)
            result.update((path, source.read_bytes()) for path, source in bundle.moved.items())
            wordlists[shard] = bundle.wordlist
        result[SHARD_LIST] = shard_list(wordlists)
        return dict(sorted(result.items()))

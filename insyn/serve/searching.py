"""`serve --search`: the search index brought up to date in the background after an edit.

A quick update writes the edited pages first and serves them at once; the index
follows in a thread of its own, once every page of the update is written (no
page is in `SiteServer.pending`; downloads may still be), by the same
`search_update` a build runs, in place: only the shards whose pages changed are
indexed again. A shard's new files are written before the `pagefind-entry.json`
that names them, and the files of the old bundle that the new one does not have
are deleted last, so a search running meanwhile reads the old index or the new
one. Saves during the indexing mark it dirty and it runs again; a full update
waits for it (`wait`), since a build replaces `--out`.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Protocol

from insyn.build.incremental import SiteState
from insyn.build.manifest import cache_folder
from insyn.build.search import BUNDLE, SearchIndexError
from insyn.build.search_update import (
    SearchUpdate,
    forget_shard_map,
    load_shard_map,
    save_shard_map,
    update_search,
)
from insyn.build.sink import Sink
from insyn.build.write import safe_relative
from insyn.model.i18n import _

PREFIX = f"{BUNDLE}/"


class Site(Protocol):
    """What of `server.SiteServer` the indexing reads: the written files' records (`state`),
    the pages still being written (`pending`) and the condition that says when they are."""

    out: Path
    state: SiteState | None
    pending: set[str]
    ready: threading.Condition


class SearchRefresh:
    def __init__(self, server: Site) -> None:
        self.server = server
        self.lock = threading.Lock()
        self.dirty = False
        self.stopping = False
        self.thread: threading.Thread | None = None
        #: indexing passes done, and what the last one did, for tests and the terminal
        self.passes = 0
        self.last: SearchUpdate | None = None

    def request(self) -> None:
        """Index again once the pages being written are; start the thread if it is idle."""
        with self.lock:
            self.dirty = True
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, daemon=True)
                self.thread.start()

    def finish(self) -> None:
        """Until the index is up to date with the pages written (what a test waits for)."""
        thread = self.thread
        if thread is not None:
            thread.join()

    def wait(self) -> None:
        """Until no indexing runs: a full update is about to replace `--out` and make the
        index itself. An indexing pass already running is finished; one still waiting for
        pages is dropped."""
        with self.lock:
            self.dirty = False
            self.stopping = True
        with self.server.ready:
            self.server.ready.notify_all()
        thread = self.thread
        if thread is not None:
            thread.join()
        self.stopping = False

    def _run(self) -> None:
        while True:
            with self.lock:
                if not self.dirty:
                    return
                self.dirty = False
            server = self.server
            with server.ready:
                while _pages_pending(server) and not (self.dirty or self.stopping):
                    server.ready.wait(timeout=1.0)
                state = server.state
                if self.stopping:
                    return
                if state is None or _pages_pending(server):
                    continue
                previous = dict(state.records)
            records = {p: r for p, r in previous.items() if not p.startswith(PREFIX)}
            out = server.out
            cache = cache_folder(out)
            known = load_shard_map(cache)  # what the index in `--out` is made of ...
            forget_shard_map(cache)  # ... which changes in place now
            try:
                update = update_search(
                    out, Sink(out, out, previous), records, previous, cache, known_map=known
                )
            except (OSError, SearchIndexError) as error:
                print(_("Search index not updated: {error}", error=str(error)), file=sys.stderr)
                continue
            gone = [p for p in previous if p.startswith(PREFIX) and p not in records]
            for path in gone:
                (out / safe_relative(path)).unlink(missing_ok=True)
            with server.ready:
                if server.state is state:
                    for path in gone:
                        state.records.pop(path, None)
                    state.records.update((p, r) for p, r in records.items() if p.startswith(PREFIX))
            save_shard_map(cache, update)
            self.passes += 1
            self.last = update
            if update.indexed:
                print(
                    _(
                        "Search index updated: {shards} in {seconds:.2f} s",
                        shards=", ".join(update.indexed),
                        seconds=update.seconds,
                    ),
                    file=sys.stderr,
                )


def _pages_pending(server: Site) -> bool:
    """Whether a page is still being written: search reads the pages alone, so it need not
    wait for the downloads (the open-data files take seconds at 10,000 decisions)."""
    return any(path.endswith(".html") for path in server.pending)

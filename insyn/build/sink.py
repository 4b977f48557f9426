"""Where rendered bytes go: a folder, keeping the previous build's file when they are equal.

A file whose bytes did not change is hard-linked from the previous `--out`,
so its modification time says when its bytes last changed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from insyn.build.manifest import OutputRecord
from insyn.build.search_records import is_indexed, record_of, write_record
from insyn.build.search_words import append_words, record_words
from insyn.build.versions import digest
from insyn.build.write import safe_relative
from insyn.model.keys import Reads


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
        records: Path | None = None,
    ) -> None:
        self.folder = folder
        #: where the search records of the indexed pages written go (`search.ShardIndexer`):
        #: made here, in the render worker, from the bytes it has
        self.records = records
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
        if self.records is not None and path.endswith(".html") and is_indexed(data):
            record = record_of(data)
            write_record(self.records, path, record)
            append_words(self.records, record.shard, record_words(record.document))
        return OutputRecord(data_digest, reads, identity, stat.st_size, stat.st_mtime_ns)

    def put_file(self, path: str, source: Path) -> OutputRecord:
        """`put` of the bytes in `source`, a file of the build's own that is not needed after:
        moved into place rather than written again (search bundles: thousands of files)."""
        data = source.read_bytes()
        data_digest = digest(data)
        old = self.previous.get(path)
        if old is None or old.digest != data_digest or not self.keep(path, old):
            target = self.folder / safe_relative(path)
            try:
                _into_folder(os.replace, source, target)  # at once, as `serve` needs
            except OSError:
                return self.put(path, data)  # another file system: written as any file
        stat = (self.folder / safe_relative(path)).stat()
        return OutputRecord(data_digest, frozenset(), "", stat.st_size, stat.st_mtime_ns)

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
        try:
            _into_folder(os.link, source, target)
        except OSError:
            # Another file system (`--out` is a mount point: `write` copies the staged tree
            # into it) or one without hard links: a copy keeps the modification time, so the
            # file stays as the manifest has it, and costs less than rendering it again.
            try:
                shutil.copy2(source, target)
            except OSError:
                return False
        return True


def _into_folder(place: Callable[[Path, Path], None], source: Path, target: Path) -> None:
    """`place(source, target)` (a hard link, a rename), the folder made only when it is
    missing, as `_write_new` does: a warm build links tens of thousands of files, and a
    `mkdir` for each was a tenth of it."""
    try:
        place(source, target)
    except FileNotFoundError:
        if not source.exists():
            raise
        target.parent.mkdir(parents=True, exist_ok=True)
        place(source, target)


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

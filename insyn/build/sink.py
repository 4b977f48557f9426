"""Where rendered bytes go: a folder, keeping the previous build's file when they are equal.

A file whose bytes did not change is hard-linked from the previous `--out`,
so its modification time says when its bytes last changed. The folder may be
a spare (`spare`), the site before the last: there a file that already is the
live one stays, and every other is replaced by a new file, never written
through, because the live site shares the spare's inodes.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Collection
from contextlib import suppress
from pathlib import Path

from insyn.build.manifest import OutputRecord
from insyn.build.search_records import is_indexed, record_of, write_record
from insyn.build.search_words import append_words, record_words
from insyn.build.spare import SpareTree
from insyn.build.versions import digest
from insyn.build.write import site_file
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
        spare: SpareTree | None = None,
    ) -> None:
        self.folder = folder
        #: what `folder` holds already, when it is a spare (`spare.take_spare`)
        self.spare = spare
        #: where the search records of the indexed pages written go (`search.ShardIndexer`):
        #: made here, in the render worker, from the bytes it has
        self.records = records
        self.previous_folder = previous_folder
        self.previous = previous or {}
        self.in_place = previous_folder is not None and previous_folder == folder
        self._folder = str(folder)
        self._previous_folder = str(previous_folder) if previous_folder is not None else ""

    def put(
        self, path: str, data: bytes, reads: Reads = frozenset(), identity: str = ""
    ) -> OutputRecord:
        """Write `data` for `path`; the record keeps what rendering it read."""
        target = site_file(self._folder, path)
        data_digest = digest(data)
        old = self.previous.get(path)
        if old is not None and old.digest == data_digest and self.keep(path, old):
            stat = os.stat(target)
            return OutputRecord(data_digest, reads, identity, stat.st_size, stat.st_mtime_ns)
        if self.spare is not None:
            self._vacate(path, target)
        if self.in_place:
            # serve: replace atomically, so a request never reads half a file
            replaced = Path(target)
            replaced.parent.mkdir(parents=True, exist_ok=True)
            temporary = replaced.with_name(f".{replaced.name}.insyn-new")
            temporary.write_bytes(data)
            os.replace(temporary, replaced)
            stat = replaced.stat()
        else:
            stat = _write_new(target, data)
        if self.records is not None and path.endswith(".html") and is_indexed(data):
            record = record_of(data)
            write_record(self.records, path, record)
            append_words(self.records, record.shard, path, record_words(record.document))
        return OutputRecord(data_digest, reads, identity, stat.st_size, stat.st_mtime_ns)

    def put_file(self, path: str, source: Path) -> OutputRecord:
        """`put` of the bytes in `source`, a file of the build's own that is not needed after:
        moved into place rather than written again (search bundles: thousands of files)."""
        data = source.read_bytes()
        data_digest = digest(data)
        old = self.previous.get(path)
        target = site_file(self._folder, path)
        if old is None or old.digest != data_digest or not self.keep(path, old):
            if self.spare is not None:
                self._vacate(path, target)
            try:
                _into_folder(os.replace, str(source), target)  # at once, as `serve` needs
            except OSError:
                return self.put(path, data)  # another file system: written as any file
        stat = os.stat(target)
        return OutputRecord(data_digest, frozenset(), "", stat.st_size, stat.st_mtime_ns)

    def keep(self, path: str, old: OutputRecord) -> bool:
        """Put the previous folder's file for `path` in place, if it is still what was written."""
        if self.previous_folder is None:
            return False
        target = site_file(self._folder, path)
        if self.spare is not None:
            if self.spare.claim(path) == (old.digest, old.size, old.mtime_ns):
                # the spare's file is the live one's twin (checked when the spare was taken):
                # the bytes wanted, whatever became of the live file since
                return True
            _remove(target)
        source = site_file(self._previous_folder, path)
        try:
            stat = os.stat(source)
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != (old.size, old.mtime_ns):
            return False
        if self.in_place:
            return True
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

    def _vacate(self, path: str, target: str) -> None:
        """Make room in a spare for a new file at `path`: whatever is there goes."""
        assert self.spare is not None
        self.spare.claim(path)
        _remove(target)

    def finish(self, site: Collection[str]) -> None:
        """Remove from a spare what the new site (`site`: every file it has, whichever
        process wrote it) does not have: files, then the folders left with nothing in them."""
        if self.spare is None:
            return
        folders: set[str] = set(self.spare.empty)
        for path in self.spare.unwanted(site):
            # gone with a folder that had to make room, or now a folder of the new site's
            with suppress(FileNotFoundError, NotADirectoryError, IsADirectoryError):
                os.unlink(site_file(self._folder, path))
            folders.add(path.rpartition("/")[0])
        self.spare = SpareTree({})
        for folder in sorted(folders, key=lambda name: (-name.count("/"), name)):
            while folder:
                try:
                    os.rmdir(self.folder / folder)
                except OSError:
                    break  # not empty: nor is any folder above it
                folder = folder.rpartition("/")[0]


def _remove(target: str) -> None:
    """Whatever is at `target`, file or folder, removed; nothing there is fine."""
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass
    except (IsADirectoryError, PermissionError):
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
        else:
            raise
    except NotADirectoryError:
        pass  # a file where a folder of the path should be: nothing at `target`


def _into_folder(place: Callable[[str, str], None], source: str, target: str) -> None:
    """`place(source, target)` (a hard link, a rename), the folder made only when it is
    missing, as `_write_new` does: a warm build links tens of thousands of files, and a
    `mkdir` for each was a tenth of it."""
    try:
        place(source, target)
    except (FileNotFoundError, NotADirectoryError):
        if not os.path.exists(source):
            raise
        _make_folder(Path(target).parent)
        place(source, target)


def _make_folder(folder: Path) -> None:
    """`folder` and the folders above it, made where missing; a file in the way (a spare
    from a site that had a file where this one has a folder) removed first."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        for above in (folder, *folder.parents):
            if above.is_dir():
                break
            if os.path.lexists(above):
                os.unlink(above)
                break
        folder.mkdir(parents=True, exist_ok=True)


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _write_new(target: str, data: bytes) -> os.stat_result:
    """Write `data` as a new file: never through a hard link into the previous folder's file.

    A cold build writes tens of thousands of files, so this makes as few system calls as
    it can: one open (the folder is made only when it is missing), the writes, one fstat.
    """
    try:
        descriptor = os.open(target, _NEW_FILE, 0o666)
    except (FileNotFoundError, NotADirectoryError):
        _make_folder(Path(target).parent)
        descriptor = os.open(target, _NEW_FILE, 0o666)
    except FileExistsError:
        _remove(target)
        descriptor = os.open(target, _NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        return os.fstat(descriptor)
    finally:
        os.close(descriptor)

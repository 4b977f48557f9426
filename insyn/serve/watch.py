"""Watching folders for saved files: inotify on Linux, polling elsewhere.

livereload polls every 0.8 s and scans every file; `serve` wants to start
rebuilding the moment a file is saved, so it watches on its own and uses
livereload only to tell browsers to reload. A burst of saves (an editor
saving several files, `git checkout`) is collected until the folders have
been quiet for `QUIET_SECONDS`, then reported as one set of paths.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import struct
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from insyn.sources.files import Stamp, stamp

QUIET_SECONDS = 0.015
POLL_SECONDS = 0.25

_IN_MODIFY = 0x2
_IN_CLOSE_WRITE = 0x8
_IN_MOVED_FROM = 0x40
_IN_MOVED_TO = 0x80
_IN_CREATE = 0x100
_IN_DELETE = 0x200
_IN_DELETE_SELF = 0x400
_IN_ISDIR = 0x40000000
_IN_Q_OVERFLOW = 0x4000
_MASK = _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_CREATE | _IN_DELETE | _IN_DELETE_SELF
_EVENT = struct.Struct("iIII")

#: Reported instead of paths when events were lost: look at everything.
EVERYTHING = Path("*")


class Watcher:
    """Calls `on_change(paths)` from its own thread after each burst of changes."""

    def __init__(self, folders: Iterable[Path], on_change: Callable[[set[Path]], None]) -> None:
        self.folders = [f.resolve() for f in folders if f.exists()]
        self.on_change = on_change
        self._stop = threading.Event()
        self._libc = self._inotify()
        self.mode = "inotify" if self._libc is not None else "polling"
        self._thread = threading.Thread(target=self._run, name="insyn-watch", daemon=True)
        self._fd: int | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def busy(self) -> bool:
        """True when a change is waiting to be reported: a long update may stop and let it in."""
        fd = self._fd
        if fd is None:
            return False
        try:
            return bool(select.select([fd], [], [], 0)[0])
        except (OSError, ValueError):
            return False

    @staticmethod
    def _inotify() -> ctypes.CDLL | None:
        name = ctypes.util.find_library("c")
        try:
            libc = ctypes.CDLL(name, use_errno=True)
            libc.inotify_init1  # noqa: B018 - only checks that the call exists
        except (OSError, AttributeError, TypeError):
            return None
        return libc

    def _run(self) -> None:
        if self._libc is not None:
            try:
                self._run_inotify(self._libc)
                return
            except OSError:
                self.mode = "polling"
        self._run_polling()

    def _run_inotify(self, libc: ctypes.CDLL) -> None:
        fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self._fd = fd
        watches: dict[int, Path] = {}

        def add(folder: Path) -> None:
            for current, names, _ in os.walk(folder):
                names[:] = [n for n in names if not n.startswith(".")]
                wd = libc.inotify_add_watch(fd, os.fsencode(current), _MASK)
                if wd >= 0:
                    watches[wd] = Path(current)

        for folder in self.folders:
            add(folder)
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([fd], [], [], 0.5)
                if not ready:
                    continue
                changed: set[Path] = set()
                deadline = time.monotonic() + QUIET_SECONDS
                while time.monotonic() < deadline:
                    for path, created_folder in self._read(fd, watches):
                        changed.add(path)
                        if created_folder:
                            add(path)
                        deadline = time.monotonic() + QUIET_SECONDS
                    select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
                self.on_change(changed)
        finally:
            self._fd = None
            os.close(fd)

    @staticmethod
    def _read(fd: int, watches: dict[int, Path]) -> list[tuple[Path, bool]]:
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return []
        events = []
        offset = 0
        while offset + _EVENT.size <= len(data):
            wd, mask, _, length = _EVENT.unpack_from(data, offset)
            raw = data[offset + _EVENT.size : offset + _EVENT.size + length].rstrip(b"\0")
            offset += _EVENT.size + length
            if mask & _IN_Q_OVERFLOW:
                events.append((EVERYTHING, False))
                continue
            folder = watches.get(wd)
            if folder is None or not raw:
                continue
            name = os.fsdecode(raw)
            if name.startswith("."):
                continue  # editors' swap files and our own temporary files
            created_folder = bool(mask & _IN_ISDIR and mask & (_IN_CREATE | _IN_MOVED_TO))
            events.append((folder / name, created_folder))
        return events

    def _snapshot(self) -> dict[Path, Stamp]:
        """Every file's `files.stamp`: a `touch -r` edit changes its change time."""
        stats = {}
        for folder in self.folders:
            for current, names, files in os.walk(folder):
                names[:] = [n for n in names if not n.startswith(".")]
                for name in files:
                    path = Path(current) / name
                    try:
                        stats[path] = stamp(path.stat())
                    except OSError:
                        continue
        return stats

    def _run_polling(self) -> None:
        before = self._snapshot()
        while not self._stop.wait(POLL_SECONDS):
            now = self._snapshot()
            changed = {p for p in before.keys() | now.keys() if before.get(p) != now.get(p)}
            before = now
            if changed:
                self.on_change(changed)

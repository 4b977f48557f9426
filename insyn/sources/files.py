"""Reading the project's own files, and nothing else.

Content, data and assets are committed to git by staff, and git can commit
a symbolic link: `assets/dokument/x.pdf -> /proc/self/environ` would publish
the build machine's environment, deploy tokens included. So every file a
build reads comes through `read_project_file`, which takes only a regular
file inside its project folder (a symlink is followed only when it resolves
inside), refuses devices, FIFOs and sockets before opening them, opens
without blocking (a FIFO swapped in at the last moment cannot hang the
build) and reads at most its limit, whatever `stat` says: `/dev/zero` and
files under `/proc` report a size of 0.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from insyn.model.i18n import Message, _

#: The project: the folder that holds `site.py`, `insyn/`, `templates/` and `assets/`.
PROJECT_ROOT = Path(__file__).resolve().parents[2]

_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
_CHUNK = 1024 * 1024


class UnsafeFile(OSError):
    """A file the build must not read; the message says why, in a sentence. An OSError, so
    that code which reports unreadable files reports these the same way."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message.text()


def _kind(mode: int) -> Message:
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISFIFO(mode):
        return _("a named pipe (FIFO)")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("not a regular file")


def inside(path: Path, root: Path) -> bool:
    """Whether `path` (resolved) lies in `root` (resolved)."""
    return path == root or root in path.parents


def resolve_link(path: Path, root: Path) -> Path:
    """Where the symlink `path` leads, if that is inside `root`; else UnsafeFile."""
    try:
        target = Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeFile(_("is a symbolic link that loops back on itself")) from None
        raise UnsafeFile(
            _("is a symbolic link to '{link}', which does not exist", link=os.readlink(path))
        ) from None
    if not inside(target, root.resolve()):
        raise UnsafeFile(
            _(
                "is a symbolic link to {target}, outside the project: only the project's own "
                "files are read and published; copy the file into the project instead",
                target=str(target),
            )
        )
    return target


def checked(path: Path, root: Path) -> os.stat_result:
    """The status of the regular file `path` is or leads to; UnsafeFile for anything else
    (a link out of `root`, a link loop, a device, FIFO, socket or folder). Opens nothing.

    Where the file really is counts, not only where its own link leads: a file reached
    through a linked folder (`content/decisions -> /elsewhere`) is outside too."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise UnsafeFile(_("cannot read file: {reason}", reason=str(exc.strerror or exc))) from None
    if stat.S_ISLNK(info.st_mode):
        target = resolve_link(path, root)
        try:
            info = os.stat(target)
        except OSError as exc:
            raise UnsafeFile(
                _("cannot read file: {reason}", reason=str(exc.strerror or exc))
            ) from None
    else:
        real = Path(os.path.realpath(path))
        if not inside(real, root.resolve()):
            raise UnsafeFile(
                _(
                    "is in a folder that leads to {parent}, outside the project (a symbolic "
                    "link): only the project's own files are read and published",
                    parent=str(real.parent),
                )
            )
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeFile(_("is {kind}, but a file was expected here", kind=_kind(info.st_mode)))
    return info


def read_project_file(path: Path, root: Path, limit: int) -> bytes:
    """The bytes of `path`, a regular file of the project under `root`, at most `limit` of
    them; UnsafeFile when it is anything else, or larger."""
    checked(path, root)
    return read_regular_file(path, limit)


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of `path` if it is a regular file (wherever it is) of at most `limit`
    bytes; UnsafeFile otherwise. Opened without blocking and checked before reading, so
    a FIFO or a device cannot hang or flood the caller: for files given on the command
    line (`import`) and for the build's own caches."""
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket
            raise UnsafeFile(_("is a socket, but a file was expected here")) from None
        raise UnsafeFile(_("cannot read file: {reason}", reason=str(exc.strerror or exc))) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile(_("is {kind}, but a file was expected here", kind=_kind(info.st_mode)))
        if info.st_size > limit:
            raise UnsafeFile(_too_large(info.st_size, limit))
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(descriptor, min(_CHUNK, left))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except UnsafeFile:
        raise
    except OSError as exc:
        raise UnsafeFile(_("cannot read file: {reason}", reason=str(exc.strerror or exc))) from None
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    if len(data) > limit:
        raise UnsafeFile(_too_large(None, limit))
    return data


def _too_large(size: int | None, limit: int) -> Message:
    """`size` None: the file said it was smaller (a device or /proc file reports 0)."""
    if size is None:
        return _("file is too large (more than {limit} bytes; the limit is {limit})", limit=limit)
    return _("file is too large ({size} bytes; the limit is {limit})", size=size, limit=limit)


#: What tells a changed file from an unchanged one without reading it, as git does: size,
#: modification time in nanoseconds, and the inode's change time and number. `touch -r`
#: can put back a modification time, but no one can put back a change time.
Stamp = tuple[int, int, int, int]


def stamp(info: os.stat_result) -> Stamp:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def read_project_text(path: Path, limit: int) -> str:
    """A data file's text (UTF-8, a BOM dropped), read as `read_project_file` reads: for the
    commands that read `data/` on their own (`new`, `import`)."""
    root = path.parent.absolute().parent.resolve()
    return read_project_file(path, root, limit).decode("utf-8-sig")


def walk_files(folder: Path) -> Iterator[Path]:
    """Every entry under `folder` that is not a folder (files, symlinks, devices ...), in
    sorted order, hidden names and `__pycache__` left out. Symlinked folders are not
    followed (so a link loop cannot make the walk endless); they are yielded as entries."""
    for current, folders, names in os.walk(folder, followlinks=False):
        base = Path(current)
        entries = []
        for name in folders:
            if (base / name).is_symlink():
                entries.append(name)
        folders[:] = sorted(n for n in folders if not n.startswith(".") and n != "__pycache__")
        folders[:] = [n for n in folders if n not in entries]
        entries.extend(names)
        for name in sorted(entries):
            if not name.startswith("."):
                yield base / name

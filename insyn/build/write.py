"""Stage 5, write: put a rendered site in place all at once, or not at all.

The site is written into a fresh staging folder beside `--out`, `.<name>.new-*`,
and swapped in only when every file is written, so a failed build leaves the
previous site byte for byte, and readers never see half a site:

- On Linux, one `renameat2(RENAME_EXCHANGE)` exchanges the staging folder and
  `--out`: at every instant the old site or the new one is at `--out`. The old
  tree, now at the staging name, is removed afterwards.
- Where the system cannot exchange, the old site is renamed aside to
  `.<name>.old-*` and the new one renamed in. A build killed between the two
  leaves no `--out`; the next build puts the retired site back before it reads
  anything (`output_lock`).
- A mount point cannot be renamed (`EBUSY`), nor can anything be renamed onto
  another file system (`EXDEV`): there the staging tree is copied into `--out`
  file by file, each file through a temporary file renamed in place, old files
  removed last. Readers may then see a mix of old and new pages for a moment.

A lock file beside `--out`, `.<name>.lock`, makes builds into the same folder
take turns, and with it held, what killed builds left beside `--out` is
removed (or put back). New folders get the mode the umask allows (0755 under
the usual 022), as any file the user makes, so that a web server running as
another user can read the site.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import functools
import os
import platform
import secrets
import shutil
import stat
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

from insyn.model.i18n import Message, _

#: renameat2's flag that swaps two paths, and "relative to the working directory".
RENAME_EXCHANGE = 2
AT_FDCWD = -100
#: renameat2's system call, for a C library without the wrapper (glibc before 2.28).
_RENAMEAT2_SYSCALLS = {"x86_64": 316, "amd64": 316, "aarch64": 276, "arm64": 276}
#: What renameat2 says when this kernel or file system cannot exchange (EPERM: a sandbox
#: that refuses the system call; a rename that really may not happen fails again after).
_CANNOT_EXCHANGE = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM}
#: What a rename of `--out` says when `--out` is a mount point or on another file system.
_NOT_RENAMEABLE = {errno.EBUSY, errno.EXDEV}
#: What opening the lock file says where no build could write anyway.
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
NEW, OLD = "new", "old"


class UnsafePathError(ValueError):
    """An output path that would land outside the output folder."""


class OutputError(Exception):
    """An environment failure writing `--out` (no space, read-only), told in one line."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def check_output_folder(out: Path, keep: Mapping[str, Path]) -> None:
    """OutputError when `out` cannot take a site: a file, or a folder that holds what the
    build reads (`keep`: what it is called -> where it is). The swap replaces `out`
    whole, so `--out .` would replace the project, content and all."""
    out = out.resolve()
    if os.path.lexists(out) and not out.is_dir():
        raise OutputError(_("cannot build into {out}: it is a file, not a folder", out=str(out)))
    for name, path in keep.items():
        if path.resolve() == out or out in path.resolve().parents:
            raise OutputError(
                _(
                    "cannot build into {out}: it holds {name}, which the build would replace; "
                    "give --out a folder of its own, e.g. _site",
                    out=str(out),
                    name=name,
                )
            )


def safe_relative(path: str) -> PurePosixPath:
    """A site path as a relative path that cannot climb out of the output folder."""
    relative = PurePosixPath(path.lstrip("/"))
    if not relative.parts or any(part in ("..", "") for part in relative.parts) or "\\" in path:
        raise UnsafePathError(path)
    return relative


def site_file(folder: str, path: str) -> str:
    """`folder`/`path` as a string, for a site path: `safe_relative`'s checks, without its
    cost for the plain paths a build writes tens of thousands of (a tenth of a warm build)."""
    parts = path.lstrip("/").split("/")
    if "\\" in path or any(part in ("", ".", "..") for part in parts):
        return os.path.join(folder, str(safe_relative(path)))  # raises for what is unsafe
    return os.path.join(folder, *parts)


def write_site(files: Mapping[str, bytes], out: Path) -> None:
    """Write `files` (site path -> bytes) as the new content of `out`, atomically."""

    def fill(staging: Path) -> None:
        for path, data in sorted(files.items()):
            target = staging / safe_relative(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    write_tree(out, fill)


def write_tree(
    out: Path,
    fill: Callable[[Path], None],
    before_swap: Callable[[], None] | None = None,
    swap_failed: Callable[[], None] | None = None,
    reuse: Callable[[Path], bool] | None = None,
    retire: Callable[[Path], bool] | None = None,
) -> None:
    """Let `fill` write the new content of `out` into a fresh folder beside it, then swap it in.

    `fill` may hard-link unchanged files from the old `out` into the new folder: `out`
    itself is never written into, so a failure leaves it as it was. `before_swap` runs once
    the new tree is complete, right before `out` changes, and `swap_failed` when the swap
    then failed and left `out` as it was: the build forgets its manifest of the old `out`
    in the one and saves it again in the other, so that a failed build keeps it.

    `reuse(staging)` may put a folder of its own at the free name `staging` instead of a
    fresh one (True if it did), and `retire(old)` may take the old tree away after the swap
    instead of it being removed (`spare`: the next build's staging folder).
    """
    out = out.resolve()
    with output_lock(out):
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = _reused_folder(out, reuse) if reuse is not None else _new_folder(out, NEW)
        try:
            fill(staging)
            if os.path.ismount(out):
                _probe(out)  # `_sync` writes into `out` itself: fail before `before_swap`
            if before_swap is not None:
                before_swap()
            try:
                moved, old = _move(staging, out)
            except BaseException:
                if swap_failed is not None:
                    swap_failed()
                raise
            if not moved:
                _sync(staging, out)
            elif old is not None and (retire is None or not retire(old)):
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


# --- the swap ---------------------------------------------------------------------------


def _move(staging: Path, out: Path) -> tuple[bool, Path | None]:
    """Put the complete tree `staging` at `out` by renaming; whether it was, and where the
    old tree is now, to be removed.

    Not moved, and nothing changed, when `out` cannot be renamed (a mount point). On a
    failure `out` is as it was, or, only if the process dies between two renames, at a
    retired name that the next build puts back (`tidy`).
    """
    if not os.path.lexists(out):
        os.rename(staging, out)
        return True, None
    if os.path.ismount(out):
        return False, None
    try:
        if exchange(staging, out):
            return True, staging  # the old site, at the staging name now
    except OSError as error:
        if error.errno in _NOT_RENAMEABLE:
            return False, None
        raise
    retired = _unused_name(out, OLD)
    try:
        os.rename(out, retired)
    except OSError as error:
        if error.errno in _NOT_RENAMEABLE:
            return False, None
        raise
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(retired, out)
        raise
    return True, retired


@functools.cache
def _renameat2() -> Callable[[bytes, bytes, int], int] | None:
    """The C library's renameat2, or the bare system call, or None off Linux."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - a Linux without a loadable C library
        return None
    function = getattr(libc, "renameat2", None)
    if function is not None:
        function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p)
        function.argtypes += (ctypes.c_uint,)
        function.restype = ctypes.c_int
        return lambda old, new, flags: int(function(AT_FDCWD, old, AT_FDCWD, new, flags))
    number = _RENAMEAT2_SYSCALLS.get(platform.machine().lower())
    if number is None:
        return None
    syscall = libc.syscall
    syscall.restype = ctypes.c_long
    here = ctypes.c_int(AT_FDCWD)
    return lambda old, new, flags: int(
        syscall(ctypes.c_long(number), here, old, here, new, ctypes.c_uint(flags))
    )


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one step; False (and nothing changed) where it cannot be done."""
    call = _renameat2()
    if call is None:
        return False
    if call(os.fsencode(first), os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    number = ctypes.get_errno()
    if number in _CANNOT_EXCHANGE:
        return False
    raise OSError(number, os.strerror(number), str(first), None, str(second))


def _sync(staging: Path, out: Path) -> None:
    """Make `out`, which cannot be renamed, hold `staging`'s tree; then remove `staging`.

    Each new or changed file goes in through a temporary file renamed in place, so no
    reader sees half a file; files only the old site had are removed last. A file with the
    same size and modification time is taken as unchanged, as the build's manifest does,
    and copies keep the staged modification time, so the manifest describes `out` after.
    """
    wanted: set[str] = set()
    for folder, folders, files in os.walk(staging):
        relative = os.path.relpath(folder, staging)
        target = out / relative
        for name in folders:
            wanted.add(_join(relative, name))
            path = target / name
            if os.path.lexists(path) and (path.is_symlink() or not path.is_dir()):
                path.unlink()
            if not path.is_dir():
                os.mkdir(path)
        for name in files:
            wanted.add(_join(relative, name))
            _sync_file(Path(folder) / name, target / name)
    descend = set(wanted)
    if os.path.ismount(out):
        wanted.add("lost+found")  # the file system's own, at the top of a mount: left alone
    unwanted: list[Path] = []
    for folder, folders, files in os.walk(out):
        relative = os.path.relpath(folder, out)
        names = (_join(relative, name) for name in folders + files)
        unwanted += [out / name for name in names if name not in wanted]
        folders[:] = [n for n in folders if _join(relative, n) in descend]
    for path in unwanted:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    shutil.rmtree(staging, ignore_errors=True)


def _probe(out: Path) -> None:
    """Raise the OSError that writing into `out` would (read-only, not allowed), if any."""
    path = _unused_name(out / out.name, NEW)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    path.unlink()


def _join(folder: str, name: str) -> str:
    return os.path.normpath(os.path.join(folder, name))


def _sync_file(source: Path, target: Path) -> None:
    new = source.stat()
    try:
        old: os.stat_result | None = target.lstat()
    except FileNotFoundError:
        old = None
    if old is not None and stat.S_ISDIR(old.st_mode):
        shutil.rmtree(target)
        old = None
    if old is not None and stat.S_ISREG(old.st_mode) and old.st_size == new.st_size:
        if old.st_mtime_ns == new.st_mtime_ns:
            return
        if source.read_bytes() == target.read_bytes():
            os.utime(target, ns=(old.st_atime_ns, new.st_mtime_ns))
            return
    temporary = target.with_name(f".{target.name}.insyn-new")
    try:
        shutil.copy2(source, temporary)  # bytes, mode and modification time
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# --- names beside --out, the lock, and what killed builds leave -------------------------


def _sibling(out: Path, kind: str) -> str:
    return f".{out.name}.{kind}-"


def _unused_name(out: Path, kind: str) -> Path:
    while True:
        path = out.parent / f"{_sibling(out, kind)}{secrets.token_hex(4)}"
        if not os.path.lexists(path):
            return path


def _new_folder(out: Path, kind: str) -> Path:
    """A fresh folder beside `out`, with the mode the umask gives (mkdtemp's is 0700)."""
    while True:
        path = _unused_name(out, kind)
        try:
            os.mkdir(path, 0o777)
        except FileExistsError:  # pragma: no cover - a name taken since it was chosen
            continue
        return path


def _reused_folder(out: Path, reuse: Callable[[Path], bool]) -> Path:
    """A folder of `reuse`'s at a free staging name, or a fresh one when it has none."""
    path = _unused_name(out, NEW)
    return path if reuse(path) else _new_folder(out, NEW)


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


#: The outputs whose lock this thread holds (each thread has its own set).
_held = threading.local()
#: The descriptors of the lock files this process holds.
_descriptors: set[int] = set()


def _after_fork() -> None:
    """A forked process (a render worker) holds no lock: if the build is killed, workers that
    outlive it for a moment must not keep the next build waiting."""
    for descriptor in _descriptors:
        with suppress(OSError):
            os.close(descriptor)  # the parent's descriptor still holds the lock
    _descriptors.clear()
    _held.paths = set()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


@contextmanager
def output_lock(out: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold `out`'s lock file for a whole build: another build into `out` waits for it.

    Once held, a retired site that a killed build left instead of `out` is put back, and
    the other folders killed builds left beside `out` are removed: no running build owns
    them. `waiting` is called once if another build holds the lock. The lock is taken
    again freely by the thread that holds it (the build, then `write_tree`). Where the
    lock file cannot be made, because `out`'s folder is read-only to this user, no build
    can change `out`: this one goes on unlocked, and fails if it has to write.
    """
    out = out.resolve()
    if not hasattr(_held, "paths"):
        _held.paths = set()
    held: set[Path] = _held.paths
    if out in held:
        yield
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        descriptor = _lock(lock_path(out), waiting)
    except OSError as error:
        if error.errno not in _READ_ONLY:
            raise
        yield
        return
    held.add(out)
    _descriptors.add(descriptor)
    owner = os.getpid()
    try:
        tidy(out)
        yield
    finally:
        if os.getpid() == owner:  # not in a forked process that unwinds (see `_after_fork`)
            held.discard(out)
            _descriptors.discard(descriptor)
            with suppress(OSError):
                lock_path(out).unlink()  # while still held: see `_lock`
            os.close(descriptor)


def _lock(path: Path, waiting: Callable[[], None] | None) -> int:
    """Lock the file at `path`, made if missing; its descriptor.

    The holder removes the file before it lets go, so that no lock file stays behind; a
    build that was waiting on the removed file then finds it gone, and locks a new one.
    """
    while True:
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except PermissionError:
            descriptor = os.open(path, os.O_RDONLY)  # left by a killed build of another user
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if waiting is not None:
                    waiting()
                    waiting = None
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            mine = os.fstat(descriptor)
            try:
                there = path.stat()
            except FileNotFoundError:
                there = None
        except BaseException:
            os.close(descriptor)
            raise
        if there is not None and (there.st_dev, there.st_ino) == (mine.st_dev, mine.st_ino):
            return descriptor
        os.close(descriptor)


def leftovers(out: Path) -> list[Path]:
    """The staging and retired folders beside `out`: a running build's, or a killed one's."""
    prefixes = (_sibling(out, NEW), _sibling(out, OLD))
    try:
        with os.scandir(out.parent) as scan:
            return sorted(Path(e.path) for e in scan if e.name.startswith(prefixes))
    except FileNotFoundError:
        return []


def tidy(out: Path) -> None:
    """Put back the site a build killed mid-swap retired, then remove what killed builds left.

    Call only with the lock held. A killed build's retired site (`.<name>.old-*`) is put
    back only when `out` is missing: the build died between its two renames. Before the
    lock, insyn retired the site one level down, as `.<name>.old-*/site`.
    """
    found = leftovers(out)
    retired = [path for path in found if path.name.startswith(_sibling(out, OLD))]
    if retired and not os.path.lexists(out):
        latest = max(retired, key=lambda path: path.lstat().st_ctime_ns)
        inside = os.listdir(latest) if latest.is_dir() else []
        legacy = inside == ["site"] and (latest / "site").is_dir()
        os.rename(latest / "site" if legacy else latest, out)
    for path in found:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.lexists(path):
            path.unlink(missing_ok=True)


# --- saying what went wrong -------------------------------------------------------------


def describe_failure(error: OSError, shown: Path, needed: int | None = None) -> Message:
    """One line for an environment failure writing `shown` (`--out` as the user gave it).

    `needed` is about how many bytes the site takes, said when the disk is full.
    """
    name = str(shown)
    number = error.errno
    if number in (errno.ENOSPC, errno.EDQUOT):
        what = _("no space left on device") if number == errno.ENOSPC else _("disk quota exceeded")
        size = (
            _(" (about {megabytes} MB needed)", megabytes=-(-needed // 1_000_000)) if needed else ""
        )
        return _("{what} writing {name}{size}", what=what, name=name, size=size)
    if number == errno.EROFS:
        return _("cannot write to {name}: read-only file system", name=name)
    reason = (error.strerror or str(error)).lower()
    where = _where(error, shown)
    if where:
        return _(
            "cannot write to {name}: {reason} ({where})", name=name, reason=reason, where=where
        )
    return _("cannot write to {name}: {reason}", name=name, reason=reason)


def _where(error: OSError, shown: Path) -> str:
    """The file an error names, as a path in `shown` when it is in a staging folder."""
    if not error.filename:
        return ""
    path = Path(os.fsdecode(error.filename))
    out = shown.resolve()
    for parent in path.parents:
        if parent.parent == out.parent and parent.name.startswith(_sibling(out, NEW)):
            return str(shown / path.relative_to(parent))
    return str(path)

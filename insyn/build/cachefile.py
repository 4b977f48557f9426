"""Cache files that cannot poison a build.

Everything in `.cache/` only saves time; none of it is a source of truth.
So every cache file is sealed: it starts with a digest of the code that
wrote it (insyn's own modules and schemas, Python, and the versions of the
libraries whose output ends up in pages) and a digest of its bytes. Nothing
is unpickled before both match. A file written by other code is passed
over in silence (it is only old); a file that fails its digest, cannot be
unpickled or holds the wrong kind of object is passed over with one line on
stderr, `cache ignored: PATH: why`, and the build goes on as if cold. A
cache that cannot be saved (read-only, full disk, a folder in its place)
costs the next build its speed, never this build its result:
`cache not saved: PATH: why`.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import insyn
from insyn.model.i18n import Message, _
from insyn.sources.files import UnsafeFile, read_regular_file

MAGIC = b"insyn cache 2\n"
_DIGEST_SIZE = 32
#: How a pickle of protocol 2 or later starts: an earlier version's unsealed cache file.
_PICKLE = b"\x80"
#: The largest cache file read (a 100,000-decision site's Markdown cache is about 1 GB).
MAX_CACHE_BYTES = 8 * 1024**3
#: Libraries whose output ends up in pages or caches: a new version may change bytes.
RENDERING_LIBRARIES = (
    "babel",
    "cmarkgfm",
    "icalendar",
    "jinja2",
    "jsonschema",
    "jsonschema-rs",
    "markupsafe",
    "nh3",
    "orjson",
    "pagefind",
    "pyyaml",
)


def library_versions() -> str:
    """`name=version` of each rendering library, as installed now."""
    parts = []
    for name in RENDERING_LIBRARIES:
        try:
            parts.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name}=-")
    return " ".join(parts)


@cache
def code_key() -> bytes:
    """A digest of what decides a cache entry's meaning: insyn's code and schemas, Python
    and the rendering libraries' versions."""
    hasher = hashlib.sha256(f"{sys.version} {library_versions()}".encode())
    package = Path(insyn.__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            hasher.update(path.relative_to(package).as_posix().encode() + b"\0")
            hasher.update(path.read_bytes())
    return hasher.digest()


def seal(payload: bytes) -> bytes:
    return MAGIC + code_key() + hashlib.sha256(code_key() + payload).digest() + payload


def ignored(path: Path, why: Message) -> None:
    print(_("cache ignored: {path}: {why}", path=str(path), why=why), file=sys.stderr)


def load(path: Path, fits: Callable[[Any], bool]) -> Any | None:
    """The object pickled in the sealed file `path`, or None: missing, written by other code,
    or (with a line on stderr) corrupt, unreadable or not `fits`."""
    try:
        data = read_regular_file(path, MAX_CACHE_BYTES)  # a FIFO or /dev/zero cannot hang it
    except UnsafeFile as exc:
        if os.path.lexists(path):
            ignored(path, exc.message)
        return None
    header = len(MAGIC) + 2 * _DIGEST_SIZE
    if not data.startswith(MAGIC) and data.startswith(_PICKLE):
        return None  # written by an earlier version, unsealed: only out of date
    if not data.startswith(MAGIC) or len(data) < header:
        ignored(path, _("not a cache file of this version"))
        return None
    written_by = data[len(MAGIC) : len(MAGIC) + _DIGEST_SIZE]
    if written_by != code_key():
        return None  # made by other code: only out of date
    payload = data[header:]
    if data[header - _DIGEST_SIZE : header] != hashlib.sha256(code_key() + payload).digest():
        ignored(path, _("its contents do not match their digest (the file is damaged)"))
        return None
    try:
        value = pickle.loads(payload)
    except Exception as exc:  # any unpickling failure only costs the speed-up
        ignored(path, _("cannot be read ({reason})", reason=f"{type(exc).__name__}: {exc}"))
        return None
    if not fits(value):
        ignored(path, _("holds {type}, not what this cache keeps", type=type(value).__name__))
        return None
    return value


def save(path: Path, value: object) -> bool:
    """Seal and write `value` atomically; False (with a line on stderr) if it cannot be."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, seal(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
    except OSError as exc:
        print(
            _("cache not saved: {path}: {reason}", path=str(path), reason=str(exc.strerror or exc)),
            file=sys.stderr,
        )
        return False
    return True


def remove(path: Path) -> None:
    """Delete a cache file if it is there; a failure to is reported, not raised."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        print(
            _(
                "cache not removed: {path}: {reason}",
                path=str(path),
                reason=str(exc.strerror or exc),
            ),
            file=sys.stderr,
        )


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers see old or new, never half."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

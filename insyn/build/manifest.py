"""What an incremental build compares: the build's fingerprint and the manifest.

An output is re-rendered when it is new, when what the plan says it shows
changed (`render.Output.identity`), when a key it read while it rendered
(`reads`: entities, indexes, the ledger, the templates it rendered with) has a
new digest (`versions`), or when its file in `--out` is not the one the last
build wrote. Everything that every page reads — insyn's own code, assets,
`data/site.yaml`'s settings, the ids the templates reserve, the build options
and the versions of the libraries that render — makes up the fingerprint: when
it changes, every output is re-rendered (and still only changed bytes written).

The manifest of the last build into an output folder lives in the project's
`.cache/` (beside `site.py`, or `$INSYN_CACHE_DIR`), in a folder of that
output folder's own (`cache_folder`), next to its Markdown and source caches:
a build writes nothing outside `--out` and the cache.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path

from insyn.build import cachefile
from insyn.model.keys import Key, Reads
from insyn.model.problems import Problem
from insyn.sources.files import PROJECT_ROOT, Stamp, inside, stamp, walk_files
from insyn.sources.load import SourceCache

NO_READS: Reads = frozenset()

CACHE_FOLDER = ".cache"
SOURCE_CACHE = "sources.pickle"
MANIFEST_FILE = "manifest.pickle"
READS_FILE = "reads.pickle"
#: The project whose templates and assets every page reads.
PROJECT = PROJECT_ROOT
#: Bumped when the manifest's layout changes.
MANIFEST_FORMAT = 3

#: How an output file sits on disk: size and modification time (its change time moves
#: whenever a warm build hard-links it, so it cannot tell).
Stat = tuple[int, int]


#: Where the caches of every output folder live instead of the project's `.cache/`.
CACHE_DIR_VARIABLE = "INSYN_CACHE_DIR"


def cache_root() -> Path:
    """The project's `.cache/` (beside `site.py`), or `$INSYN_CACHE_DIR`."""
    chosen = os.environ.get(CACHE_DIR_VARIABLE)
    return Path(chosen).absolute() if chosen else PROJECT / CACHE_FOLDER


def cache_folder(out: Path) -> Path:
    """The caches of one output folder: `.cache/<name>-<digest of its path>/` in the
    project, never beside `--out` (a web root's parent, on a server)."""
    out = out.resolve()
    key = hashlib.sha256(str(out).encode()).hexdigest()[:12]
    return cache_root() / f"{out.name or 'root'}-{key}"


def _tree_digest(hasher: hashlib._Hash, folder: Path) -> None:
    """Names and bytes of the regular files under `folder`, a symlink's target's too when
    that is a regular file of the project. Any other link counts by where it points and a
    device or FIFO by its kind, without reading either: `read_site` reports them, and a
    link to `/dev/zero` must not hang the build before it can."""
    if not folder.is_dir():
        return
    for path in walk_files(folder):
        hasher.update(path.relative_to(folder).as_posix().encode() + b"\0")
        try:
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                hasher.update(b"link\0" + os.fsencode(os.readlink(path)))
                target = Path(os.path.realpath(path))
                if inside(target, PROJECT) and stat.S_ISREG(os.stat(target).st_mode):
                    hasher.update(target.read_bytes())
            elif stat.S_ISREG(info.st_mode):
                hasher.update(path.read_bytes())
            else:
                hasher.update(f"mode {info.st_mode:o}".encode())
        except OSError as exc:
            hasher.update(f"unreadable {exc.errno}".encode())


def code_fingerprint(assets: Path) -> str:
    """insyn's code and schemas, assets, Python and the rendering libraries: what every
    output is made with. Templates are not in it: each page records the ones it renders
    with (`build.render.template_keys`)."""
    hasher = hashlib.sha256()
    # insyn's code and schemas, Python and the libraries: digested once, for the caches too
    hasher.update(f"{MANIFEST_FORMAT} ".encode() + cachefile.code_key())
    hasher.update(b"\0assets\0")
    _tree_digest(hasher, assets)
    return hasher.hexdigest()


def folder_digest(folder: Path) -> str:
    """Every file under `folder`, by name and bytes: for a build with nothing to do."""
    hasher = hashlib.sha256()
    _tree_digest(hasher, folder)
    return hasher.hexdigest()


def input_stats(content: Path, data: Path) -> dict[str, Stamp]:
    """The `files.stamp` of every entry a build reads from `content/` and `data/` (of the
    link itself and of where it leads, for a symlink), as git tells changed files."""
    stats: dict[str, Stamp] = {}
    for folder in (content / "decisions", content / "projects", data):
        try:
            with os.scandir(folder) as scan:
                for entry in scan:
                    stats[entry.path] = stamp(entry.stat(follow_symlinks=False))
                    if entry.is_symlink():
                        try:
                            stats[f"{entry.path}\0target"] = stamp(entry.stat())
                        except OSError:
                            stats[f"{entry.path}\0target"] = (-1, -1, -1, -1)
        except OSError:
            stats[str(folder)] = (-1, -1, -1, -1)
    return stats


def tree_stats(folder: Path, empty: list[str] | None = None) -> dict[str, Stat]:
    """(size, mtime) of every file under `folder`, by its site path; the folders with
    nothing in them are added to `empty`, when given (`spare`)."""
    stats: dict[str, Stat] = {}
    stack = [(folder, "")]
    while stack:
        current, prefix = stack.pop()
        seen = False
        try:
            with os.scandir(current) as scan:
                for entry in scan:
                    seen = True
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((Path(entry.path), f"{prefix}{entry.name}/"))
                    else:
                        stat = entry.stat(follow_symlinks=False)
                        stats[f"{prefix}{entry.name}"] = (stat.st_size, stat.st_mtime_ns)
        except OSError:
            continue
        if empty is not None and not seen and prefix:
            empty.append(prefix.rstrip("/"))
    return stats


@dataclass(frozen=True)
class OutputRecord:
    """One file the last build wrote: its bytes' digest, what it read while it rendered
    (`reads`), what the plan said it shows (`engine.Output.identity`), and how it sits on
    disk."""

    digest: str
    reads: Reads
    identity: str
    size: int
    mtime_ns: int


@dataclass
class Manifest:
    """The last successful build into one output folder."""

    out: str
    #: code_fingerprint + settings + options: a change re-renders everything
    fingerprint: str
    #: code_fingerprint + options + history: with equal inputs, nothing to do at all
    quick: str
    inputs: dict[str, Stamp]
    started_ns: int
    problems: list[Problem]
    #: the digest of every key some output read (`versions.Versions`)
    versions: dict[Key, str]
    files: dict[str, OutputRecord] = field(default_factory=dict)
    file_count: int = 0
    pages: int = 0


def manifest_path(out: Path) -> Path:
    return cache_folder(out) / MANIFEST_FILE


def reads_path(out: Path) -> Path:
    return cache_folder(out) / READS_FILE


@dataclass(frozen=True)
class RecordedReads:
    """What each output read and each key's digest: the larger half of a manifest, kept
    in a file of its own, so that a build with nothing to do never unpickles it."""

    #: the manifest it belongs with (its `started_ns`)
    build: int
    reads: dict[str, Reads]
    versions: dict[Key, str]


def _is_manifest(value: object) -> bool:
    return isinstance(value, Manifest) and isinstance(value.files, dict)


def _is_reads(value: object) -> bool:
    return isinstance(value, RecordedReads) and isinstance(value.reads, dict)


def load_manifest(out: Path, with_reads: bool = False) -> Manifest | None:
    """The last build's manifest; `with_reads`: with what each output read and the keys'
    digests too (None when those are missing or from another build)."""
    manifest = cachefile.load(manifest_path(out), _is_manifest)
    if manifest is None or manifest.out != str(out.resolve()):
        return None
    assert isinstance(manifest, Manifest)
    return manifest if not with_reads else add_reads(out, manifest)


def add_reads(out: Path, manifest: Manifest) -> Manifest | None:
    """`manifest`, loaded without its reads, with them (`load_manifest`)."""
    recorded = cachefile.load(reads_path(out), _is_reads)
    if not isinstance(recorded, RecordedReads) or recorded.build != manifest.started_ns:
        return None
    reads = recorded.reads
    files = {
        path: OutputRecord(r.digest, reads.get(path, NO_READS), r.identity, r.size, r.mtime_ns)
        for path, r in manifest.files.items()
    }
    return replace(manifest, files=files, versions=recorded.versions)


def save_manifest(out: Path, manifest: Manifest, with_reads: bool = True) -> None:
    """The manifest in two files: what a build with nothing to do compares, and the reads
    (not `with_reads`: a manifest loaded without them; the next build that needs them
    then finds none and renders everything)."""
    if not with_reads:
        cachefile.save(manifest_path(out), manifest)
        return
    recorded = RecordedReads(
        manifest.started_ns,
        {path: record.reads for path, record in manifest.files.items() if record.reads},
        manifest.versions,
    )
    light = replace(
        manifest,
        files={
            path: OutputRecord(r.digest, NO_READS, r.identity, r.size, r.mtime_ns)
            for path, r in manifest.files.items()
        },
        versions={},
    )
    cachefile.save(reads_path(out), recorded)
    cachefile.save(manifest_path(out), light)


def forget_manifest(out: Path) -> None:
    """Before `--out` changes, so that a crash mid-way never leaves a manifest that lies."""
    cachefile.remove(manifest_path(out))
    cachefile.remove(reads_path(out))


def _is_source_cache(value: object) -> bool:
    return isinstance(value, SourceCache) and all(
        isinstance(entry, bytes) for entry in value.pickled.values()
    )


def load_source_cache(out: Path) -> SourceCache:
    cache = cachefile.load(cache_folder(out) / SOURCE_CACHE, _is_source_cache)
    return cache if isinstance(cache, SourceCache) else SourceCache()


def save_source_cache(out: Path, cache: SourceCache) -> None:
    """Write the entries this build used, unless the file on disk already holds exactly them."""
    kept = cache.pruned()
    if not cache.changed and kept.count() == cache.count():
        return
    cachefile.save(cache_folder(out) / SOURCE_CACHE, kept)

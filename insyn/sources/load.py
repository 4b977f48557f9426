"""Stage 1, load: read every content and data file into parsed sources.

Nothing here judges the content; it only turns bytes into YAML values with
line numbers, and reports what cannot be read at all (bad encoding, broken
YAML, missing front matter) as problems rather than exceptions.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from insyn.model.i18n import _
from insyn.model.problems import Problem, Problems
from insyn.sources.files import UnsafeFile, read_project_file, read_project_text, stamp
from insyn.sources.finished import check_finished
from insyn.sources.yamlsource import YamlDocument, YamlError, parse_yaml

MAX_FILE_BYTES = 2 * 1024 * 1024

DECISION = "decision"
PROJECT = "project"
CONTENT_KINDS = {DECISION: "decisions", PROJECT: "projects"}
#: The kinds as a message names them: "unknown project 'x'".
KIND_WORD = {DECISION: _("decision"), PROJECT: _("project")}


@dataclass(frozen=True)
class SourceFile:
    """One content file: its front matter with lines, and its Markdown body."""

    kind: str
    path: str
    stem: str
    front: YamlDocument
    body: str
    body_line: int
    #: SHA-1 of the file's text: the key of its entry in a `SourceCache`
    digest: str = ""

    @property
    def data(self) -> dict[str, Any]:
        return self.front.data if isinstance(self.front.data, dict) else {}

    def line(self, *keys: str | int) -> int:
        return self.front.line_of(keys)


@dataclass
class LoadedSources:
    """Everything read from disk, before validation."""

    organisations: YamlDocument | None = None
    organisations_path: str = "data/organisations.yaml"
    settings: YamlDocument | None = None
    settings_path: str = "data/site.yaml"
    files: list[SourceFile] = field(default_factory=list)
    #: stems of every content file found, readable or not, per kind: a reference
    #: to a broken file is that file's problem, not a second one.
    stems: dict[str, set[str]] = field(default_factory=dict)
    file_count: int = 0


#: A content file in a `SourceCache`: kind, path as shown, SHA-1 of its text.
SourceKey = tuple[str, str, str]


@dataclass
class CachedFile:
    """One content file as loaded and validated, with the problems each stage found in it."""

    source: SourceFile | None
    problems: tuple[Problem, ...]
    #: None until `validate` has judged the file
    valid: bool | None = None
    valid_problems: tuple[Problem, ...] = ()


@dataclass
class SourceCache:
    """Content files by (kind, path, text digest): an unchanged file is parsed and validated
    once. `serve` keeps one in memory; `build` keeps one in `.cache/` (see `buildcache`).
    Problems are kept per file and replayed, so `check` output is the same either way."""

    entries: dict[SourceKey, CachedFile] = field(default_factory=dict)
    used: set[SourceKey] = field(default_factory=set)
    #: True once an entry was added or completed since the cache was made or read
    changed: bool = False
    #: The text digest of files `preload` read during this build, by path, after the
    #: `files.stamp` they had: a file that still has it need not be read again. Never saved.
    digests: dict[str, tuple[int, int, int, int, str]] = field(default_factory=dict)
    #: Entries pickled one by one, as `.cache/` holds them or a preload worker sent them:
    #: unpickled only when asked for, and saved as they are rather than pickled again.
    pickled: dict[SourceKey, bytes] = field(default_factory=dict)

    def get(self, key: SourceKey) -> CachedFile | None:
        entry = self.entries.get(key)
        if entry is None and key in self.pickled:
            # Sealed with the file it came in (`cachefile`), so this only guards against
            # what no digest can: an entry the same code cannot read back.
            try:
                entry = pickle.loads(self.pickled[key])
            except Exception:
                entry = None
            if not isinstance(entry, CachedFile):
                del self.pickled[key]
                self.changed = True
                return None
            self.entries[key] = entry
        return entry

    def __contains__(self, key: object) -> bool:
        return key in self.entries or key in self.pickled

    def count(self) -> int:
        return len(self.entries.keys() | self.pickled.keys())

    def add(self, key: SourceKey, entry: CachedFile) -> None:
        self.entries[key] = entry
        self.pickled.pop(key, None)
        self.changed = True

    def add_pickled(self, key: SourceKey, pickled: bytes) -> None:
        """An entry a preload worker made and pickled (`pickle_entry`), unpickled at once:
        `preload` calls this while the other workers still parse."""
        self.entries[key] = pickle.loads(pickled)
        self.pickled[key] = pickled
        self.changed = True

    def completed(self, key: SourceKey) -> None:
        """The entry for `key` was changed in place: its pickled form is out of date."""
        self.pickled.pop(key, None)
        self.changed = True

    def pruned(self) -> SourceCache:
        """Only the entries the last read used: the cache never outgrows the site."""
        return SourceCache(
            {k: v for k, v in self.entries.items() if k in self.used},
            pickled={k: v for k, v in self.pickled.items() if k in self.used},
        )

    def __getstate__(self) -> dict[str, object]:
        pickled = dict(self.pickled)
        for key, entry in self.entries.items():
            if key not in pickled:
                pickled[key] = pickle_entry(entry)
        return {"pickled": pickled}

    def __setstate__(self, state: dict[str, object]) -> None:
        # A cache saved before entries were pickled one by one holds them whole.
        self.entries = state.get("entries", {})  # type: ignore[assignment]
        self.pickled = state.get("pickled", {})  # type: ignore[assignment]
        self.used = set()
        self.changed = False
        self.digests = {}


def pickle_entry(entry: CachedFile) -> bytes:
    return pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)


def display(path: Path) -> str:
    """A path as the user would write it: relative to the working folder if inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # outside, or a symlink loop
        return path.as_posix()


def display_entry(path: Path) -> str:
    """`display`, but of the entry itself: a symlink's own path, not where it leads (the
    place to fix is the link)."""
    return f"{display(path.parent)}/{path.name}"


def project_root(folder: Path) -> Path:
    """The project a content or data folder belongs to: the folder that holds it. Files
    are read only from inside it (`insyn.sources.files`)."""
    # The folder itself is not resolved: a `content` that is a link to another place
    # does not bring that place into the project.
    try:
        return folder.absolute().parent.resolve()
    except (OSError, RuntimeError):
        return folder.absolute().parent


def read_text(path: Path, shown: str, problems: Problems, root: Path) -> str | None:
    """UTF-8 text with a BOM dropped and CRLF made LF, or None with a problem. Only a
    regular file inside `root` is read, and at most `MAX_FILE_BYTES` of it."""
    try:
        raw = read_project_file(path, root, MAX_FILE_BYTES)
    except UnsafeFile as exc:
        problems.error(shown, 1, exc.message)
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problems.error(
            shown,
            line,
            _(
                "not valid UTF-8 (byte 0x{value:02x} at offset {start}); save the file as UTF-8",
                value=raw[exc.start],
                start=exc.start,
            ),
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_yaml_file(path: Path, problems: Problems) -> YamlDocument | None:
    shown = display_entry(path)
    if not os.path.lexists(path):
        problems.error(shown, 1, _("file not found"))
        return None
    text = read_text(path, shown, problems, project_root(path.parent))
    if text is None:
        return None
    try:
        return parse_yaml(text)
    except YamlError as exc:
        problems.error(shown, exc.line, exc.message)
        return None


ORGANISATIONS = "organisations.yaml"


def read_organisations(data: Path) -> YamlDocument:
    """`data/organisations.yaml` parsed, for the commands that need only it (`new`,
    `import`); `read_site` reads it through `load_sources`, by the same rules. Raises an
    OSError (an `UnsafeFile` too), UnicodeDecodeError or YamlError for the caller to
    report at the file's path."""
    text = read_project_text(data / ORGANISATIONS, MAX_FILE_BYTES)
    return parse_yaml(text)


def split_front_matter(
    text: str, shown: str, problems: Problems
) -> tuple[str, int, str, int] | None:
    """(front matter, its first line, body, its first line) or None with a problem."""
    lines = text.split("\n")
    if not text.strip():
        problems.error(
            shown, 1, _("file is empty: it must start with front matter between '---' lines")
        )
        return None
    if lines[0].rstrip() != "---":
        problems.error(
            shown,
            1,
            _("missing front matter: the first line must be '---', followed by the YAML keys"),
        )
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return front, 2, body, index + 2
    problems.error(
        shown, 1, _("front matter is not closed: add a line '---' after the last YAML key")
    )
    return None


def load_content_file(
    kind: str,
    path: Path,
    problems: Problems,
    cache: SourceCache | None = None,
    shown: str | None = None,
    root: Path | None = None,
) -> SourceFile | None:
    shown = shown or display(path)
    root = root or project_root(path.parent.parent)
    if cache is not None:
        known = _known_entry(kind, path, shown, cache)
        if known is not None:
            problems.items.extend(known.problems)
            return known.source
    text = read_text(path, shown, problems, root)
    if text is None:
        return None
    if cache is None:
        return _parse_content(kind, path, shown, text, problems)
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    key = (kind, shown, digest)
    cache.used.add(key)
    entry = cache.get(key)
    if entry is None:
        found = Problems()
        source = _parse_content(kind, path, shown, text, found, digest)
        entry = CachedFile(source, tuple(found.items))
        cache.add(key, entry)
    problems.items.extend(entry.problems)
    return entry.source


def _known_entry(kind: str, path: Path, shown: str, cache: SourceCache) -> CachedFile | None:
    """The cache's entry for a file `preload` read in this build and that has not changed
    since (same size and modification time), without reading it again."""
    read = cache.digests.get(str(path))
    if read is None:
        return None
    try:
        now = stamp(os.stat(path))
    except OSError:
        return None
    *then, digest = read
    if now != tuple(then):
        return None
    key = (kind, shown, digest)
    entry = cache.get(key)
    if entry is not None:
        cache.used.add(key)
    return entry


def _parse_content(
    kind: str, path: Path, shown: str, text: str, problems: Problems, digest: str = ""
) -> SourceFile | None:
    parts = split_front_matter(text, shown, problems)
    if parts is None:
        return None
    front_text, front_line, body, body_line = parts
    try:
        front = parse_yaml(front_text, first_line=front_line)
    except YamlError as exc:
        problems.error(shown, exc.line, exc.message)
        return None
    if not isinstance(front.data, dict):
        what = (
            _("empty")
            if front.data is None
            else _("a list")
            if isinstance(front.data, list)
            else _("text")
        )
        problems.error(
            shown,
            front.line_of(()),
            _("front matter must be a mapping of keys to values, not {what}", what=what),
        )
        return None
    if front.data.get("draft") is not True:
        check_finished(shown, front_text, front_line, body, body_line, problems)
    return SourceFile(kind, shown, path.stem, front, body, body_line, digest)


def load_sources(
    content: Path, data: Path, problems: Problems, cache: SourceCache | None = None
) -> LoadedSources:
    """Read data/ and content/ completely, reporting every unreadable file."""
    sources = LoadedSources(
        organisations_path=display(data / "organisations.yaml"),
        settings_path=display(data / "site.yaml"),
    )
    if not data.is_dir():
        problems.error(display(data), 1, _("data folder not found (use --data DIR)"))
    else:
        sources.organisations = load_yaml_file(data / ORGANISATIONS, problems)
        sources.settings = load_yaml_file(data / "site.yaml", problems)
        sources.file_count += 2
    if not content.is_dir():
        problems.error(display(content), 1, _("content folder not found (use --content DIR)"))
        return sources
    root = project_root(content)
    for kind, folder_name in CONTENT_KINDS.items():
        folder = content / folder_name
        sources.stems[kind] = set()
        if not folder.exists():
            continue
        if not folder.is_dir():
            problems.error(display(folder), 1, _("is a file, but a folder was expected here"))
            continue
        shown_folder = display(folder)
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
        for entry in entries:
            path = folder / entry.name
            if entry.name.startswith("."):
                continue
            if path.suffix != ".md":
                if path.is_file():
                    problems.warning(
                        display(path),
                        1,
                        _("ignored: content files must end in '.md'"),
                        "ignored-file",
                    )
                continue
            sources.file_count += 1
            sources.stems[kind].add(path.stem)
            # The entry's own path, a symlink's too: the place to fix is the link.
            shown = f"{shown_folder}/{entry.name}"
            source = load_content_file(kind, path, problems, cache, shown, root)
            if source is not None:
                sources.files.append(source)
    return sources

"""Stage 4b, search: a Pagefind index of the rendered pages, made before anything is written.

The pages that carry `data-pagefind-body` (decisions and projects) are copied
into a private temporary folder, indexed there by the Pagefind binary that
`pagefind[bin]` installs, and the bundle is read back into the site's files.
So `write_site` puts pages and index in place in one atomic swap, and a
failed build leaves the previous site and its index as they were.

Pagefind's Python API can index from memory, but its service client sleeps
after every message, so the binary indexes the same pages far faster
(docs/performance.md).

Pagefind 1.5 writes its filter indexes in the order of a Rust `HashMap`,
which is random per process (upstream issue Pagefind/pagefind#638: fragments
were made stable in 1.3, "filter/metadata indexes" were not). So
`canonical_bundle` sorts the filter values and the filter list, renames the
files by a hash of their new content and updates the references; the rest
of the bundle is already byte-identical between runs.
"""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from insyn.build.write import safe_relative
from insyn.model.i18n import _

if TYPE_CHECKING:
    pass


BUNDLE = "pagefind"
LANGUAGE = "sv"
TIMEOUT_SECONDS = 300
# Only pages with this attribute are indexed, by Pagefind's own rule; the rest need not be copied.
BODY_MARKER = b" data-pagefind-body"
# Page parts that are not what the page is about, so a result's excerpt is the sentence of
# the document that matched, never page furniture: the edit history (commit subjects and
# dates), the download links, the facts list (its labels and values are the result's
# metadata and filters instead), the kicker above the title, the draft banner, the findings
# box, the table of contents, money tables and sums, and navigation.
EXCLUDED_SELECTORS = (
    ".historik",
    ".nedladdning",
    ".fakta",
    ".overrubrik",
    ".utkast",
    ".varning",
    ".innehallsforteckning",
    ".tabellram",
    ".summor",
    "nav",
)
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


def indexed_pages(files: Mapping[str, bytes]) -> list[str]:
    """The site paths of the HTML pages that ask to be indexed, in a fixed order."""
    return sorted(p for p, data in files.items() if p.endswith(".html") and BODY_MARKER in data)


def index_site(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The Pagefind bundle for `files` (site path -> bytes), as more site files under `pagefind/`.

    A site with no indexable page gets no bundle: Pagefind refuses to build an
    empty index, and /sok/ then falls back to its links to the list pages.
    """
    pages = indexed_pages(files)
    if not pages:
        return {}
    binary = pagefind_binary()
    with tempfile.TemporaryDirectory(prefix="insyn-search-") as temporary:
        root = Path(temporary) / "site"
        for path in pages:
            target = root / safe_relative(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[path])
        command = [
            str(binary),
            "--site",
            str(root),
            "--output-subdir",
            BUNDLE,
            "--force-language",
            LANGUAGE,
            "--silent",
        ]
        for selector in EXCLUDED_SELECTORS:
            command += ["--exclude-selectors", selector]
        try:
            finished = subprocess.run(
                command,
                cwd=temporary,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise SearchIndexError(_("Pagefind could not run: {error}", error=error)) from error
        if finished.returncode != 0:
            output = (finished.stderr or finished.stdout).strip().splitlines()
            detail = output[-1] if output else f"exit status {finished.returncode}"
            raise SearchIndexError(_("Pagefind failed: {detail}", detail=detail))
        return canonical_bundle(_read_bundle(root / BUNDLE))


def _read_bundle(folder: Path) -> dict[str, bytes]:
    bundle: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(folder).as_posix()
        if relative.startswith(UNUSED_PREFIXES):
            continue
        bundle[f"{BUNDLE}/{relative}"] = path.read_bytes()
    if f"{BUNDLE}/pagefind.js" not in bundle:
        raise SearchIndexError(_("Pagefind wrote no pagefind.js"))
    return bundle


# --- a deterministic bundle ------------------------------------------------------

SIGNATURE = b"pagefind_dcd"
CborValue = int | str | list["CborValue"]


def canonical_bundle(bundle: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle with filter indexes in a fixed order and named by their content."""
    metas = [path for path in bundle if path.endswith(".pf_meta")]
    if not metas:
        return bundle
    result = dict(bundle)
    renames: dict[str, str] = {}
    for meta_path in metas:
        meta = _decode(result.pop(meta_path), meta_path)
        if not (isinstance(meta, list) and len(meta) > 3 and isinstance(meta[3], list)):
            raise SearchIndexError(
                _("unexpected Pagefind metadata in {meta_path}", meta_path=meta_path)
            )
        filters: list[tuple[str, str]] = []
        for entry in meta[3]:
            name, old_hash = entry if isinstance(entry, list) and len(entry) == 2 else (0, 0)
            if not (isinstance(name, str) and isinstance(old_hash, str)):
                raise SearchIndexError(
                    _("unexpected Pagefind filter entry in {meta_path}", meta_path=meta_path)
                )
            old_path = f"{BUNDLE}/filter/{old_hash}.pf_filter"
            data = _canonical_filter(_decode(result.pop(old_path), old_path), old_path)
            new_hash = _content_hash(old_hash, data)
            result[f"{BUNDLE}/filter/{new_hash}.pf_filter"] = data
            filters.append((name, new_hash))
        meta[3] = [[name, new_hash] for name, new_hash in sorted(filters)]
        data = _encode_file(meta)
        old_hash = meta_path.removeprefix(f"{BUNDLE}/pagefind.").removesuffix(".pf_meta")
        new_hash = _content_hash(old_hash, data)
        result[f"{BUNDLE}/pagefind.{new_hash}.pf_meta"] = data
        renames[old_hash] = new_hash
    entry_path = f"{BUNDLE}/pagefind-entry.json"
    entry_json = result[entry_path]
    for old_hash, new_hash in renames.items():
        entry_json = entry_json.replace(f'"{old_hash}"'.encode(), f'"{new_hash}"'.encode())
    result[entry_path] = entry_json
    return dict(sorted(result.items()))


def _canonical_filter(value: CborValue, path: str) -> bytes:
    """`[name, [[value, [page, ...]], ...]]` with values and pages sorted."""
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], list)):
        raise SearchIndexError(_("unexpected Pagefind filter index in {path}", path=path))
    entries = []
    for entry in value[1]:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], list)):
            raise SearchIndexError(_("unexpected Pagefind filter value in {path}", path=path))
        entries.append([entry[0], sorted(entry[1], key=int)])  # type: ignore[arg-type]
    entries.sort(key=lambda entry: str(entry[0]))
    return _encode_file([value[0], entries])  # type: ignore[list-item]


def _content_hash(old: str, data: bytes) -> str:
    """A name like Pagefind's (`sv_` + hex of the same length), but from the sorted content."""
    language, _sep, digest = old.rpartition("_")
    return f"{language}_{hashlib.sha256(data).hexdigest()[: len(digest)]}"


def _decode(data: bytes, path: str) -> CborValue:
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise SearchIndexError(_("unexpected Pagefind file {path}", path=path))
    value, end = _cbor_decode(raw, len(SIGNATURE))
    if end != len(raw) or _cbor_encode(value) != raw[len(SIGNATURE) :]:
        raise SearchIndexError(_("unexpected Pagefind encoding in {path}", path=path))
    return value


def _encode_file(value: CborValue) -> bytes:
    return gzip.compress(SIGNATURE + _cbor_encode(value), compresslevel=9, mtime=0)


def _cbor_decode(data: bytes, at: int) -> tuple[CborValue, int]:
    """The part of CBOR (RFC 8949) that Pagefind's indexes use: unsigned ints, text, arrays."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        length = info
    elif info <= 27:
        size = 1 << (info - 24)
        length = int.from_bytes(data[at : at + size], "big")
        at += size
    else:
        raise SearchIndexError(_("unexpected CBOR in the Pagefind index"))
    if major == 0:
        return length, at
    if major == 3:
        return data[at : at + length].decode("utf-8"), at + length
    if major == 4:
        items: list[CborValue] = []
        for _item in range(length):
            item, at = _cbor_decode(data, at)
            items.append(item)
        return items, at
    raise SearchIndexError(_("unexpected CBOR in the Pagefind index"))


def _cbor_encode(value: CborValue) -> bytes:
    if isinstance(value, int):
        return _cbor_head(0, value)
    if isinstance(value, str):
        text = value.encode("utf-8")
        return _cbor_head(3, len(text)) + text
    return _cbor_head(4, len(value)) + b"".join(_cbor_encode(item) for item in value)


def _cbor_head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | info]) + length.to_bytes(size, "big")
    raise SearchIndexError(_("a number too large for the Pagefind index"))

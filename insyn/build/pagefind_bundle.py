"""A Pagefind bundle that is the same bytes in every run.

Pagefind 1.5 writes its filter indexes in the order of a Rust `HashMap`,
which is random per process (upstream issue Pagefind/pagefind#638: fragments
were made stable in 1.3, "filter/metadata indexes" were not). So
`canonical_bundle` sorts the filter values and the filter list, renames the
files by a hash of their new content and updates the references; the rest
of the bundle is already byte-identical between runs.

The bundle's paths here are relative to the bundle's own folder.
"""

from __future__ import annotations

import gzip
import hashlib

from insyn.model.i18n import _


class BundleError(RuntimeError):
    """Pagefind wrote something this module does not know: the build stops."""


SIGNATURE = b"pagefind_dcd"
CborValue = int | str | list["CborValue"]


def canonical_bundle(bundle: dict[str, bytes], average_page: str | None = None) -> dict[str, bytes]:
    """The bundle with filter indexes in a fixed order and named by their content.

    `average_page` (a page's id) is given the average length of the other pages: the
    shard's word list (`search_words`), which is as long as the site has words and would
    otherwise lengthen the average page that Pagefind's ranking measures every page by."""
    metas = [path for path in bundle if path.endswith(".pf_meta")]
    if not metas:
        return bundle
    result = dict(bundle)
    renames: dict[str, str] = {}
    for meta_path in metas:
        meta = _decode(result.pop(meta_path), meta_path)
        if not (isinstance(meta, list) and len(meta) > 3 and isinstance(meta[3], list)):
            raise BundleError(_("unexpected Pagefind metadata in {meta_path}", meta_path=meta_path))
        filters: list[tuple[str, str]] = []
        for entry in meta[3]:
            name, old_hash = entry if isinstance(entry, list) and len(entry) == 2 else (0, 0)
            if not (isinstance(name, str) and isinstance(old_hash, str)):
                raise BundleError(
                    _("unexpected Pagefind filter entry in {meta_path}", meta_path=meta_path)
                )
            old_path = f"filter/{old_hash}.pf_filter"
            data = _canonical_filter(_decode(result.pop(old_path), old_path), old_path)
            new_hash = _content_hash(old_hash, data)
            result[f"filter/{new_hash}.pf_filter"] = data
            filters.append((name, new_hash))
        meta[3] = [[name, new_hash] for name, new_hash in sorted(filters)]
        if average_page is not None:
            _give_average_length(meta, average_page, meta_path)
        data = _encode_file(meta)
        old_hash = meta_path.removeprefix("pagefind.").removesuffix(".pf_meta")
        new_hash = _content_hash(old_hash, data)
        result[f"pagefind.{new_hash}.pf_meta"] = data
        renames[old_hash] = new_hash
    entry_path = "pagefind-entry.json"
    entry_json = result[entry_path]
    for old_hash, new_hash in renames.items():
        entry_json = entry_json.replace(f'"{old_hash}"'.encode(), f'"{new_hash}"'.encode())
    result[entry_path] = entry_json
    return dict(sorted(result.items()))


def _give_average_length(meta: list[CborValue], page: str, path: str) -> None:
    """`meta[1]` is the pages, `[[id, word count], ...]`: `page` gets the others' average."""
    pages = meta[1]
    if not (isinstance(pages, list) and all(isinstance(p, list) and len(p) == 2 for p in pages)):
        raise BundleError(_("unexpected Pagefind metadata in {meta_path}", meta_path=path))
    others = [p[1] for p in pages if isinstance(p, list) and p[0] != page]
    if len(others) == len(pages) or not all(isinstance(count, int) for count in others):
        raise BundleError(_("unexpected Pagefind metadata in {meta_path}", meta_path=path))
    average = round(sum(others) / len(others)) if others else 0  # type: ignore[arg-type]
    meta[1] = [[p[0], average] if p[0] == page else p for p in pages]  # type: ignore[index]


def index_words(bundle: dict[str, bytes]) -> set[str]:
    """The words a bundle's index holds (`index/*.pf_index`: `[[[word, pages, variants], ...]]`),
    as Pagefind looks them up: normalised and stemmed."""
    words: set[str] = set()
    for path, data in bundle.items():
        if not path.endswith(".pf_index"):
            continue
        chunk = _decode(data, path)
        if not (isinstance(chunk, list) and chunk and isinstance(chunk[0], list)):
            raise BundleError(_("unexpected Pagefind index in {path}", path=path))
        for entry in chunk[0]:
            if not (isinstance(entry, list) and entry and isinstance(entry[0], str)):
                raise BundleError(_("unexpected Pagefind index in {path}", path=path))
            words.add(entry[0])
    return words


def _canonical_filter(value: CborValue, path: str) -> bytes:
    """`[name, [[value, [page, ...]], ...]]` with values and pages sorted."""
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], list)):
        raise BundleError(_("unexpected Pagefind filter index in {path}", path=path))
    entries = []
    for entry in value[1]:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], list)):
            raise BundleError(_("unexpected Pagefind filter value in {path}", path=path))
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
        raise BundleError(_("unexpected Pagefind file {path}", path=path))
    value, end = _cbor_decode(raw, len(SIGNATURE))
    if end != len(raw) or _cbor_encode(value) != raw[len(SIGNATURE) :]:
        raise BundleError(_("unexpected Pagefind encoding in {path}", path=path))
    return value


def _encode_file(value: CborValue) -> bytes:
    return gzip.compress(SIGNATURE + _cbor_encode(value), compresslevel=9, mtime=0)


def _cbor_decode(data: bytes, at: int) -> tuple[CborValue, int]:
    """The part of CBOR (RFC 8949) that Pagefind's indexes use: integers, text, arrays."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        length = info
    elif info <= 27:
        size = 1 << (info - 24)
        length = int.from_bytes(data[at : at + size], "big")
        at += size
    else:
        raise BundleError(_("unexpected CBOR in the Pagefind index"))
    if major == 0:
        return length, at
    if major == 1:
        return -1 - length, at
    if major == 3:
        return data[at : at + length].decode("utf-8"), at + length
    if major == 4:
        items: list[CborValue] = []
        for _item in range(length):
            item, at = _cbor_decode(data, at)
            items.append(item)
        return items, at
    raise BundleError(_("unexpected CBOR in the Pagefind index"))


def _cbor_encode(value: CborValue) -> bytes:
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
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
    raise BundleError(_("a number too large for the Pagefind index"))

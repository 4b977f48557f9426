"""Markdown bodies converted once: an on-disk cache of rendered bodies in `.cache/`.

A body's HTML depends only on its text and on the converter: cmark-gfm's
and nh3's versions, `insyn/present/markup.py` itself (extensions, allow-lists) and the
ids the templates reserve (`markup.page_ids`). The key is a SHA-256 of all of
them and the body, so an edited body or a changed converter can never be
served from the cache: it simply misses.

The cache is one sealed pickle file per site (`.cache/markdown.pickle`, see
`cachefile`), read once per build and rewritten only when it gained or lost
entries; it keeps only the bodies of the last build, so it never grows past
the site's size.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import version
from pathlib import Path

import nh3

from insyn.build import cachefile
from insyn.present import markup, nesting
from insyn.present.markup import Body, MarkdownRenderer

CACHE_FILE = "markdown.pickle"


@cache
def converter_key() -> bytes:
    """Everything besides the body that decides a body's HTML."""
    digest = hashlib.sha256()
    digest.update(Path(markup.__file__).read_bytes())
    digest.update(Path(nesting.__file__).read_bytes())
    digest.update(version("cmarkgfm").encode())
    digest.update(getattr(nh3, "__version__", "").encode())
    digest.update("\n".join(sorted(markup.page_ids())).encode())
    return digest.digest()


def body_key(text: str) -> bytes:
    return hashlib.sha256(converter_key() + text.encode("utf-8")).digest()


class BodyCache:
    """Rendered bodies by key: those read from disk, and those made in this process."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.known: dict[bytes, Body] = {}
        self.used: set[bytes] = set()
        self.made: dict[bytes, Body] = {}
        self._renderer: MarkdownRenderer | None = None
        if path is not None:
            loaded = cachefile.load(path, _is_bodies)
            self.known = loaded if loaded is not None else {}

    def render(self, text: str) -> Body:
        key = body_key(text)
        self.used.add(key)
        found = self.known.get(key) or self.made.get(key)
        if found is None:
            if self._renderer is None:
                self._renderer = MarkdownRenderer()
            found = self.made[key] = self._renderer.render(text)
        return found

    def merge(self, made: dict[bytes, Body], used: set[bytes]) -> None:
        """Take in what another process (a render worker) converted and looked up."""
        self.made.update(made)
        self.used |= used

    def save(self) -> None:
        """Keep the bodies this build used; rewrite the file only if that set changed."""
        if self.path is None:
            return
        kept = {k: b for k, b in {**self.known, **self.made}.items() if k in self.used}
        if kept.keys() == self.known.keys():
            return
        if cachefile.save(self.path, kept):
            self.known, self.made = kept, {}


def _is_bodies(value: object) -> bool:
    """A dict of body keys to `Body`s: what `save` writes."""
    return isinstance(value, dict) and all(
        isinstance(key, bytes) and isinstance(body, Body) for key, body in value.items()
    )

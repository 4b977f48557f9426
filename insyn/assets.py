"""Fingerprinted assets: CSS, JavaScript and SVG under names that change with their content.

`insyn.css` is written as `assets/insyn.3f2a9c1b7e.css` and every page links
that name, so the host can tell browsers to keep it for a year
(`Cache-Control: immutable`, see netlify.toml) and a new stylesheet still
reaches readers on the next page view. Other files under `assets/` (the
original documents that `source` points to) keep their names: journalists
link to them.

A stylesheet that refers to another asset (`url("favicon.svg")`) is
rewritten to the fingerprinted name before its own hash is taken, so a
changed icon changes the stylesheet's name too.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

#: File types written under a fingerprinted name; the host caches them for a year.
FINGERPRINTED = (".css", ".js", ".svg")
DIGEST_LENGTH = 10
_DIGEST = re.compile(rf"\.([0-9a-f]{{{DIGEST_LENGTH}}})(\.[a-z]+)$")
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')\s]+)\1\s*\)""")


def is_fingerprinted(name: str) -> bool:
    return name.endswith(FINGERPRINTED)


def fingerprinted_name(path: str, data: bytes) -> str:
    """`assets/insyn.css` -> `assets/insyn.<first 10 hex digits of its SHA-256>.css`."""
    pure = PurePosixPath(path)
    digest = hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH]
    return str(pure.with_name(f"{pure.stem}.{digest}{pure.suffix}"))


def logical_name(path: str) -> str:
    """`assets/insyn.3f2a9c1b7e.css` -> `insyn.css`: the name templates ask for."""
    name = path.removeprefix("assets/")
    if is_fingerprinted(name):
        return _DIGEST.sub(r"\2", name)
    return name


def read_assets(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its site path (`assets/...`), hidden files left out."""
    files: dict[str, bytes] = {}
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and not any(part.startswith(".") for part in relative.parts):
                files[f"assets/{relative.as_posix()}"] = path.read_bytes()
    return files


def fingerprint(files: Mapping[str, bytes]) -> tuple[dict[str, bytes], dict[str, str]]:
    """The files as they are published, and the URL of each asset by its name under `assets/`.

    Stylesheets go last, so that the names they refer to are already known.
    """
    published: dict[str, bytes] = {}
    urls: dict[str, str] = {}
    order = sorted(files, key=lambda p: (p.endswith(".css"), p))
    for path in order:
        data = files[path]
        if path.endswith(".css"):
            data = _rewrite_css(path, data, urls)
        target = fingerprinted_name(path, data) if is_fingerprinted(path) else path
        published[target] = data
        urls[path.removeprefix("assets/")] = f"/{target}"
    return dict(sorted(published.items())), dict(sorted(urls.items()))


def _rewrite_css(path: str, data: bytes, urls: Mapping[str, str]) -> bytes:
    """`url("favicon.svg")` -> `url("/assets/favicon.<hash>.svg")`; other URLs as they are."""
    folder = PurePosixPath(path.removeprefix("assets/")).parent

    def replace(match: re.Match[str]) -> str:
        quote, target = match.group(1), match.group(2)
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^/|^#", target):
            return match.group(0)
        name = posixpath.normpath((folder / target).as_posix())
        if name not in urls:
            return match.group(0)
        return f"url({quote}{urls[name]}{quote})"

    return _CSS_URL.sub(replace, data.decode("utf-8")).encode("utf-8")

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

from insyn.model.i18n import _
from insyn.model.problems import Problems
from insyn.sources.files import PROJECT_ROOT, UnsafeFile, checked, read_project_file, walk_files
from insyn.sources.load import display_entry as _shown

#: The project folder (the one that holds `insyn/`) and its assets: only its own regular
#: files are published (`insyn.sources.files`).
ROOT = PROJECT_ROOT
FOLDER = ROOT / "assets"
#: The largest file published from `assets/`: original documents, a few MB as a rule.
MAX_ASSET_BYTES = 100 * 1024 * 1024

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


def inspect_assets(folder: Path, problems: Problems, root: Path = ROOT) -> None:
    """Report every entry under `folder` that is not a regular file of the project (a link
    out of `root`, a device, a FIFO, a socket, a linked folder) or is too large to
    publish, without reading any."""
    if not folder.is_dir():
        return
    for path in walk_files(folder):
        try:
            size = checked(path, root).st_size
        except UnsafeFile as exc:
            problems.error(_shown(path), 1, exc.message)
            continue
        if size > MAX_ASSET_BYTES:
            problems.error(
                _shown(path),
                1,
                _(
                    "file is too large ({size} bytes; the limit is {limit}): link to the document "
                    "where it is published instead (source: https://...)",
                    size=size,
                    limit=MAX_ASSET_BYTES,
                ),
            )


def read_assets(folder: Path, root: Path = ROOT) -> dict[str, bytes]:
    """Every file under `folder`, by its site path (`assets/...`), hidden files left out.

    UnsafeAsset for anything that is not a regular file of the project: `read_site` has
    reported those already (`inspect_assets`), so this only guards against a file swapped
    since."""
    files: dict[str, bytes] = {}
    if folder.is_dir():
        for path in walk_files(folder):
            relative = path.relative_to(folder)
            try:
                data = read_project_file(path, root, MAX_ASSET_BYTES)
            except UnsafeFile as exc:
                raise UnsafeAsset(_shown(path), str(exc)) from None
            files[f"assets/{relative.as_posix()}"] = data
    return files


class UnsafeAsset(Exception):
    """An asset that changed into something that must not be published during the build."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}:1: error: {message}")
        self.path = path
        self.message = message


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

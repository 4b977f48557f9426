"""Stage 5, write: put a rendered site in place all at once, or not at all.

The site is written into a fresh folder beside `--out` and swapped in only
when every file is written, so a failed build leaves the previous site
byte for byte, and readers never see half a site.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath


class UnsafePathError(ValueError):
    """An output path that would land outside the output folder."""


def safe_relative(path: str) -> PurePosixPath:
    """A site path as a relative path that cannot climb out of the output folder."""
    relative = PurePosixPath(path.lstrip("/"))
    if not relative.parts or any(part in ("..", "") for part in relative.parts) or "\\" in path:
        raise UnsafePathError(path)
    return relative


def write_site(files: Mapping[str, bytes], out: Path) -> None:
    """Write `files` (site path -> bytes) as the new content of `out`, atomically."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for path, data in sorted(files.items()):
            target = staging / safe_relative(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.replace(staging, out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.replace(out, retired / "site")
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(retired / "site", out)
        raise
    finally:
        shutil.rmtree(retired, ignore_errors=True)


def write_tree(out: Path, fill: Callable[[Path], None]) -> None:
    """Let `fill` write the new content of `out` into a fresh folder beside it, then swap it in.

    As `write_site`, but `fill` may hard-link unchanged files from the old `out` into the
    new folder: `out` itself is never written into, so a failure leaves it as it was.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        fill(staging)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

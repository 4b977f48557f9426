"""Golden HTML: one page of each type of a tiny fixture site, compared byte for byte.

An intended change to a template shows up in review as a diff of
`tests/golden/expected/`; regenerate with
`INSYN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_site_golden.py`.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_site

GOLDEN = Path(__file__).resolve().parent / "golden"
PAGES = [
    "index.html",
    "beslut/index.html",
    "beslut/2012-skarholmen-samtal/index.html",
    "projekt/index.html",
    "projekt/samtalsstod/index.html",
    "stadsdelar/index.html",
    "stadsdelar/skarholmen/index.html",
    "finansiarer/index.html",
    "finansiarer/lansstyrelsen/index.html",
    "organisationer/index.html",
    "organisationer/kvinnojouren/index.html",
    "ar/index.html",
    "ar/2012/index.html",
    "pengafloden/index.html",
    "data/index.html",
    "sok/index.html",
    "tillganglighet/index.html",
    "404.html",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
]
# Asset file names carry a hash of the file; a CSS change is not a change of any page.
_ASSET_VERSION = re.compile(r"(/assets/[^\"'\s]+)\.[0-9a-f]{10}(\.(?:css|js|svg))")


def normalise(text: str) -> str:
    return _ASSET_VERSION.sub(r"\1.HASH\2", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A copy outside the repository: the pages must not depend on its git history.
    source = tmp_path_factory.mktemp("golden-source") / "site"
    shutil.copytree(GOLDEN / "site", source)
    out = tmp_path_factory.mktemp("golden") / "site"
    result = run_site(
        "build",
        "--content",
        str(source / "content"),
        "--data",
        str(source / "data"),
        "--out",
        str(out),
        cwd=out.parent,
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_golden_file(built: Path, page: str) -> None:
    actual = normalise((built / page).read_text(encoding="utf-8"))
    expected_path = GOLDEN / "expected" / page
    if os.environ.get("INSYN_UPDATE_GOLDEN") == "1":
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(actual, encoding="utf-8")
    assert expected_path.is_file(), f"no golden file {page}; run with INSYN_UPDATE_GOLDEN=1"
    assert actual == expected_path.read_text(encoding="utf-8"), (
        f"{page} differs from tests/golden/expected/{page}; if the change is intended, "
        "regenerate with INSYN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_site_golden.py"
    )


def test_every_golden_file_is_still_rendered() -> None:
    stored = {
        p.relative_to(GOLDEN / "expected").as_posix()
        for p in (GOLDEN / "expected").rglob("*")
        if p.is_file()
    }
    assert stored == set(PAGES)

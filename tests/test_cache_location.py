"""Where a build keeps its caches, and what makes them out of date.

The caches live in the project (`.cache/` beside `site.py`, or
`$INSYN_CACHE_DIR`), one folder per output folder: a build with `--out
/srv/www/site` writes nothing in `/srv/www` but the site. The build's
fingerprint names the libraries that really render, read at run time.
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path

import pytest

from insyn.build import cachefile
from insyn.build.manifest import cache_folder
from tests.conftest import run_project as run_in
from tests.test_incremental import build, clean_build, tree


def listing(folder: Path, skip: Path | None = None) -> dict[str, tuple[int, int]]:
    found = {}
    for path in sorted(folder.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        info = path.lstat()
        found[path.relative_to(folder).as_posix()] = (info.st_size, info.st_mtime_ns)
    return found


def test_a_build_writes_nothing_outside_out_and_the_projects_cache(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INSYN_CACHE_DIR")
    web = tmp_path_factory.mktemp("srv") / "www"
    web.mkdir()
    (web / "annat.txt").write_text("en annan webbplats")
    out = web / "site"
    before_web = listing(web)
    before_project = listing(project)
    result = run_in(project, "build", "--no-search", "--quiet", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert listing(web, skip=out) == before_web  # no .cache, lock or staging left beside it
    assert sorted(p.name for p in web.iterdir()) == ["annat.txt", "site"]
    assert listing(project, skip=project / ".cache") == before_project
    caches = list((project / ".cache").iterdir())
    assert [c.name for c in caches] == [f"site-{cache_folder(out).name.rsplit('-', 1)[1]}"]
    assert {p.name for p in caches[0].iterdir()} >= {"manifest.pickle", "markdown.pickle"}


def test_insyn_cache_dir_is_where_the_caches_go(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path_factory.mktemp("chosen")
    monkeypatch.setenv("INSYN_CACHE_DIR", str(chosen))
    assert run_in(project, "build", "--no-search", "--quiet").returncode == 0
    assert not (project / ".cache").exists()
    (folder,) = chosen.iterdir()
    assert folder.name.startswith("_site-") and (folder / "manifest.pickle").is_file()


def test_two_output_folders_keep_caches_of_their_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cache_folder(Path("a/_site")) != cache_folder(Path("b/_site"))
    assert cache_folder(Path("a/_site")) == cache_folder(tmp_path / "a" / "_site")


def test_every_rendering_library_named_in_the_fingerprint_is_installed() -> None:
    """The fingerprint named `markdown`, which is not installed, instead of `cmarkgfm`: an
    upgrade of the converter would have kept the old HTML."""
    for name in cachefile.RENDERING_LIBRARIES:
        assert metadata.version(name), name
    assert "cmarkgfm=" in cachefile.library_versions()


@pytest.fixture
def small_site(corpus, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(corpus.root)
    for number in range(3):
        corpus.decision(f"2007-beslut-{number}", body=f"## Text\n\nDel {number}.\n")
    return corpus


@pytest.mark.parametrize("library", ["cmarkgfm", "nh3", "jinja2", "babel", "orjson"])
def test_a_new_version_of_a_rendering_library_renders_everything_again(
    small_site, monkeypatch: pytest.MonkeyPatch, library: str
) -> None:  # type: ignore[no-untyped-def]
    first = build()
    assert build().rendered == 0
    real = metadata.version

    def upgraded(name: str) -> str:
        return "99.0" if name == library else real(name)

    monkeypatch.setattr(metadata, "version", upgraded)
    cachefile.code_key.cache_clear()
    try:
        again = build()
    finally:
        monkeypatch.setattr(metadata, "version", real)
        cachefile.code_key.cache_clear()
    assert again.rendered == first.rendered
    assert tree(small_site.out) == clean_build()


def test_the_fingerprint_is_read_at_run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cachefile.library_versions()
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda n: "0.0" if n == "nh3" else real(n))
    assert cachefile.library_versions() != before
    assert "nh3=0.0" in cachefile.library_versions()
    assert os.environ.get("INSYN_CACHE_DIR")  # tests keep their caches to themselves

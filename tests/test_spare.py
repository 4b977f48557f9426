"""The site the last build replaced, kept in the cache as the next build's staging folder.

A warm build starts from the site before the last (`insyn.build.spare`): these
tests hold it to what a fresh staging folder gave, byte for byte and file for
file, and to never writing through a file the live site shares.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import pytest

from insyn.build import incremental, pool
from insyn.build.manifest import OutputRecord, cache_folder
from insyn.build.sink import Sink
from insyn.build.spare import SPARE_LIST, SPARE_PREFIX, SpareTree, keep_spare, take_spare
from insyn.build.versions import digest
from insyn.options import BuildOptions
from tests.conftest import Corpus
from tests.test_incremental import FUNDING, build, clean_build, stats, tree


@pytest.fixture
def site(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    monkeypatch.chdir(corpus.root)
    corpus.project("stod", funding=FUNDING, partners=["framnas"])
    for number in range(4):
        corpus.decision(f"2007-beslut-{number}", body=f"## Bakgrund\n\nText {number}.\n")
    return corpus


def spares(out: Path) -> list[Path]:
    cache = cache_folder(out)
    return sorted(p for p in cache.iterdir() if p.name.startswith(SPARE_PREFIX))


def opened(*folders: Path) -> list[tuple[BinaryIO, bytes]]:
    """Every file under `folders`, held open (so its inode is not reused), with its bytes."""
    files = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                handle = path.open("rb")
                files.append((handle, handle.read()))
    return files


def written_through(files: list[tuple[BinaryIO, bytes]]) -> list[str]:
    """The files of `opened` whose bytes changed since: written through, not replaced."""
    changed = []
    for handle, data in files:
        handle.seek(0)
        if handle.read() != data:
            changed.append(handle.name)
        handle.close()
    return changed


def mtime(path: Path) -> int:
    return path.stat().st_mtime_ns


def edit(site: Corpus, number: int, text: str) -> None:
    site.decision(f"2007-beslut-{number}", body=f"## Bakgrund\n\n{text}\n")


def test_warm_builds_from_the_spare_equal_clean_builds_and_write_through_nothing(
    site: Corpus,
) -> None:
    build()
    assert spares(site.out) == []  # a cold build replaces no site
    edit(site, 1, "Första ändringen.")
    build()
    assert len(spares(site.out)) == 1
    assert (cache_folder(site.out) / SPARE_LIST).is_file()
    # The edit of the build before is undone and another made: the spare has the first
    # site's page 1, the live site the edited one, and the new site wants the first again.
    for step, (number, text) in enumerate([(1, "Text 1."), (2, "Andra ändringen."), (0, "Ny.")]):
        edit(site, number, text)
        before = opened(site.out, *spares(site.out))
        live, live_bytes = stats(site.out), tree(site.out)
        warm = build()
        assert warm.rendered > 0, step
        assert tree(site.out) == clean_build(f"clean{step}"), step
        # No file the live site or the spare had was written through: each still has
        # the bytes it had, whether the new site has it or not.
        assert written_through(before) == []
        # A file whose bytes did not change is the live file it was (inode and time),
        # and one whose bytes did is a new file.
        now, now_bytes = stats(site.out), tree(site.out)
        same = {path for path in now if live_bytes.get(path) == now_bytes[path]}
        assert 0 < len(same) < len(now)
        assert {path: now[path] for path in same} == {path: live[path] for path in same}
        assert all(now[p][0] != live[p][0] for p in now.keys() - same if p in live)
        assert len(spares(site.out)) == 1


def test_a_file_put_into_out_by_hand_does_not_come_back_from_the_spare(site: Corpus) -> None:
    build()
    stray = site.out / "beslut" / "handgjord.html"
    stray.write_text("för hand", encoding="utf-8")
    (site.out / "tom" / "mapp").mkdir(parents=True)
    edit(site, 1, "En ändring.")
    build()
    assert not stray.exists()  # a fresh staging folder: the stray is in the spare now
    edit(site, 2, "En till.")
    build()  # the spare is this build's staging folder
    assert not stray.exists() and not (site.out / "tom").exists()
    assert tree(site.out) == clean_build()


def test_a_damaged_spare_is_not_trusted(site: Corpus) -> None:
    build()
    edit(site, 1, "En ändring.")
    build()
    (spare,) = spares(site.out)
    page = spare / "beslut" / "2007-beslut-3" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"Text 3", b"Falsk"))  # a new size
    edit(site, 2, "En till.")
    build()
    assert b"Falsk" not in (site.out / "beslut/2007-beslut-3/index.html").read_bytes()
    assert tree(site.out) == clean_build()
    # A spare with no list is removed, not used.
    (cache_folder(site.out) / SPARE_LIST).unlink()
    edit(site, 2, "Och en till.")
    build()
    assert tree(site.out) == clean_build()


def test_a_spare_makes_room_where_a_file_and_a_folder_changed_places(tmp_path: Path) -> None:
    """The sink in a spare: a file where a folder is wanted and a folder where a file is."""
    cache, live, staging = tmp_path / "cache", tmp_path / "live", tmp_path / "staging"
    old = tmp_path / "old"
    (old / "b").mkdir(parents=True)
    (old / "a").write_bytes(b"a file")
    (old / "b" / "index.html").write_bytes(b"in a folder")
    (old / "c.txt").write_bytes(b"gone")
    written = {"a": b"a file", "b/index.html": b"in a folder", "c.txt": b"gone"}
    files = {
        path: OutputRecord(digest(data), frozenset(), "", len(data), mtime(old / path))
        for path, data in written.items()
    }
    assert keep_spare(cache, old, files)
    spare = take_spare(cache, staging)
    assert isinstance(spare, SpareTree) and set(spare.held) == set(files)
    live.mkdir()
    sink = Sink(staging, live, {}, None, spare)
    sink.put("a/index.html", b"now a folder")
    sink.put("b", b"now a file")
    sink.finish({"a/index.html", "b"})
    assert tree(staging) == {"a/index.html": b"now a folder", "b": b"now a file"}
    assert take_spare(cache, tmp_path / "again") is None  # taken once
    assert not os.path.exists(tmp_path / "again")


def test_a_site_written_anew_is_not_kept_as_a_spare(site: Corpus) -> None:
    """After a build that changed nearly every file (the site's title is on every page), the
    replaced site shares almost nothing with the new one: it is removed, not kept."""
    build()
    edit(site, 1, "En ändring.")
    build()
    assert len(spares(site.out)) == 1
    site.site["title"] = "Ett nytt namn"
    site.write_data()
    build()
    assert spares(site.out) == []
    assert not (cache_folder(site.out) / SPARE_LIST).exists()
    edit(site, 2, "En till.")
    build()  # a fresh staging folder again; the site it replaced is kept
    assert len(spares(site.out)) == 1
    assert tree(site.out) == clean_build()


def test_files_written_by_render_workers_stay(
    site: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The render workers are forked with a copy of the spare: what they write must not
    look unwritten to the main process, which removes what the new site lacks. A build
    that renders every page in two processes (the options changed: every output is
    stale) keeps every page, and so does the next one, alternating back."""
    monkeypatch.setattr(pool, "workers", lambda: 2)
    monkeypatch.setattr(pool, "PARALLEL_MINIMUM", 0)
    build()
    edit(site, 1, "En ändring.")
    build()
    assert len(spares(site.out)) == 1
    for step, base_url in enumerate(["https://annan.example.se", None, "https://annan.example.se"]):
        options = BuildOptions(Path("content"), Path("data"), Path("_site"), base_url, search=False)
        built = incremental.build(options)
        assert built.ok and built.rendered > 0, step
        clean = BuildOptions(
            Path("content"), Path("data"), Path(f"clean{step}/_site"), base_url, search=False
        )
        assert incremental.build(clean).ok
        assert tree(site.out) == tree(Path(f"clean{step}/_site")), step

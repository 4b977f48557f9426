"""Fast paths that must not change a byte: parallel rendering, warm builds, the caches.

Every test compares whole output trees: a build that re-rendered only what an
edit made stale must equal a clean build of the same content, made in a
folder of its own (so with no manifest and no cache).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from insyn.build import incremental, pool, render
from insyn.cli import BuildOptions
from insyn.model.keys import Reads
from tests.conftest import Corpus, render_in_memory

FUNDING = [{"from": "lansstyrelsen", "amount": 100000, "year": 2007, "status": "applied"}]


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def stats(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def options(out: str = "_site", search: bool = False) -> BuildOptions:
    return BuildOptions(Path("content"), Path("data"), Path(out), search=search)


def build(out: str = "_site", search: bool = False) -> incremental.Built:
    built = incremental.build(options(out, search))
    assert built.ok, [str(p) for p in built.result.problems]
    return built


def clean_build(tmp: str = "clean") -> dict[str, bytes]:
    """A build with no manifest and no cache: a folder of its own, so caches of its own."""
    shutil.rmtree(tmp, ignore_errors=True)
    build(f"{tmp}/_site")
    return tree(Path(tmp) / "_site")


@pytest.fixture
def site(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    monkeypatch.chdir(corpus.root)
    corpus.project("stod", funding=FUNDING, partners=["framnas"])
    for number in range(6):
        corpus.decision(
            f"2007-beslut-{number}",
            body=f"## Bakgrund\n\nText {number} med *betoning* och en [länk](https://a.se).\n",
            projects=["stod"],
            funding=[
                {
                    "from": "socialstyrelsen",
                    "amount": 1000 * (number + 1),
                    "year": 2007,
                    "status": "granted",
                }
            ],
        )
    corpus.decision("2008-annat", meeting="2008-03-04", district="skarholmen")
    return corpus


def test_parallel_build_equals_serial_build(site: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "workers", lambda: 1)
    build("serial/_site")
    monkeypatch.setattr(pool, "workers", lambda: 2)
    monkeypatch.setattr(pool, "PARALLEL_MINIMUM", 0)
    build("parallel/_site")
    assert tree(Path("parallel/_site")) == tree(Path("serial/_site"))


def test_engine_equals_the_reference_renderer(site: Corpus) -> None:
    """A serial renderer in memory (`render_in_memory`) and the engine write the same files."""
    from insyn.pipeline import read_site

    result = read_site(Path("content"), Path("data"))
    assert result.graph is not None
    expected = render_in_memory(result.graph, result.findings)
    build()
    assert tree(Path("_site")) == expected


def age(folder: Path, seconds: float = 60.0) -> None:
    """Date every file back, as files saved a while ago are (fresh ones are "racy")."""
    for path in folder.rglob("*"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - int(seconds * 1e9)))


def test_warm_build_with_nothing_changed_rewrites_nothing(site: Corpus) -> None:
    build()
    before = stats(site.out)
    racy = build()  # files saved just before the last build: checked, not trusted
    assert not racy.skipped and racy.rendered == 0
    assert stats(site.out) == before
    age(site.content)
    age(site.data)
    build()
    again = build()
    assert again.skipped
    assert stats(site.out) == before
    # Also when the quick check cannot vouch for the inputs (a file touched, bytes equal):
    path = site.content / "decisions/2007-beslut-1.md"
    path.write_bytes(path.read_bytes())
    third = build()
    assert not third.skipped and third.rendered == 0
    assert stats(site.out) == before


def edit_body(site: Corpus) -> None:
    site.decision("2007-beslut-2", body="## Bakgrund\n\nHelt ny text.\n", projects=["stod"])


def edit_district(site: Corpus) -> None:
    site.decision("2007-beslut-3", district="skarholmen", projects=["stod"])


def edit_funding(site: Corpus) -> None:
    lines = [{"from": "lansstyrelsen", "amount": 5000, "year": 2008, "status": "granted"}]
    site.decision("2007-beslut-4", projects=["stod"], funding=lines)


def edit_organisation_name(site: Corpus) -> None:
    site.organisations[3]["name"] = "Länsstyrelsen i Stockholm (nytt namn)"
    site.write_data()


def edit_settings(site: Corpus) -> None:
    site.site["title"] = "Insyn, ny titel"
    site.write_data()


def delete_decision(site: Corpus) -> None:
    (site.content / "decisions/2007-beslut-5.md").unlink()


def add_project(site: Corpus) -> None:
    site.project("nytt", owner="skarholmen", funding=FUNDING)


EDITS: dict[str, Callable[[Corpus], None]] = {
    "decision body": edit_body,
    "decision district": edit_district,
    "funding line": edit_funding,
    "organisation name": edit_organisation_name,
    "data/site.yaml": edit_settings,
    "deleted decision": delete_decision,
    "added project": add_project,
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_warm_build_after_an_edit_equals_a_clean_build(site: Corpus, edit: str) -> None:
    build()
    untouched = stats(site.out)
    EDITS[edit](site)
    warm = build()
    assert not warm.skipped
    assert tree(site.out) == clean_build()
    after = stats(site.out)
    kept = [path for path in after if untouched.get(path) == after[path]]
    assert kept, "unchanged files are kept (hard-linked), not rewritten"
    assert (
        warm.rendered < len(warm.state.outputs if warm.state else [])
        or edit in ("data/site.yaml",)
        or warm.rendered > 0
    )


def test_warm_build_after_a_template_edit_equals_a_clean_build(
    site: Corpus, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    monkeypatch.setattr(render, "TEMPLATES", templates)
    build()
    page = templates / "decision.html"
    page.write_text(page.read_text(encoding="utf-8").replace("<h1>", '<h1 class="ny">', 1))
    build()
    assert 'class="ny"' in (site.out / "beslut/2007-beslut-0/index.html").read_text()
    assert tree(site.out) == clean_build()


def test_the_markdown_cache_never_serves_a_stale_body(site: Corpus) -> None:
    build()
    from insyn.build.manifest import cache_folder

    assert (cache_folder(site.out) / "markdown.pickle").is_file()
    site.decision(
        "2007-beslut-0", body="## Bakgrund\n\nEn **helt** annan text.\n", projects=["stod"]
    )
    build()
    page = (site.out / "beslut/2007-beslut-0/index.html").read_text(encoding="utf-8")
    assert "En <strong>helt</strong> annan text." in page
    assert "Text 0 med" not in page


def test_a_failed_build_leaves_out_and_its_manifest_alone(site: Corpus) -> None:
    build()
    before = tree(site.out)
    site.decision("2007-beslut-1", district="finns-inte")
    failed = incremental.build(options())
    assert not failed.ok
    assert tree(site.out) == before
    site.decision("2007-beslut-1", projects=["stod"])
    build()
    assert tree(site.out) == clean_build()


def test_a_tampered_output_file_is_rendered_again(site: Corpus) -> None:
    build()
    page = site.out / "beslut/2007-beslut-1/index.html"
    page.write_text("trasig", encoding="utf-8")
    (site.out / "projekt/stod/index.html").unlink()
    build()
    assert tree(site.out) == clean_build()


def test_warm_build_with_search_keeps_or_remakes_the_index(
    site: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pagefind_bin")
    build(search=True)
    bundle = {p: s for p, s in stats(site.out).items() if p.startswith("pagefind/")}
    assert bundle
    build(search=True)
    assert {p: s for p, s in stats(site.out).items() if p.startswith("pagefind/")} == bundle
    # A warm build indexes while the downloads render: the same site as a clean build.
    beside: list[object] = []
    executor = incremental.ThreadPoolExecutor

    def spied(*args: Any, **kwargs: Any) -> Any:
        beside.append(args)
        return executor(*args, **kwargs)

    monkeypatch.setattr(incremental, "ThreadPoolExecutor", spied)
    edit_body(site)
    build(search=True)
    assert len(beside) == 1
    shutil.rmtree("clean", ignore_errors=True)
    build("clean/_site", search=True)
    assert tree(site.out) == tree(Path("clean/_site"))


def test_sources_cache_replays_problems(site: Corpus) -> None:
    site.decision("2007-varning", unknown_key="x")
    first = incremental.build(options())
    second = incremental.build(options())
    assert [str(p) for p in first.result.problems] == [str(p) for p in second.result.problems]
    assert any("unknown key" in str(p) for p in second.result.problems)
    data = yaml.safe_load((site.data / "site.yaml").read_text(encoding="utf-8"))
    assert data["title"]


@pytest.mark.parametrize("saved", ["whole entries", "truncated", "no entries"])
def test_a_source_cache_of_another_shape_does_not_stop_the_build(site: Corpus, saved: str) -> None:
    """A cache written by an older version (entries pickled whole), cut short, or holding
    something else is read as far as it is usable and never costs a traceback."""
    import pickle

    from insyn.build import cachefile
    from insyn.build.manifest import SOURCE_CACHE, cache_folder
    from insyn.sources.load import SourceCache

    build()
    path = cache_folder(Path("_site")) / SOURCE_CACHE
    cache: SourceCache = cachefile.load(path, lambda value: True)
    entries = {key: cache.get(key) for key in list(cache.pickled)}
    state = {"whole entries": {"entries": entries}, "no entries": {"other": 1}}.get(saved)
    if state is None:
        path.write_bytes(path.read_bytes()[:1000])
    else:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(SourceCache, "__getstate__", lambda self: state)
            path.write_bytes(cachefile.seal(pickle.dumps(SourceCache())))
    if saved == "whole entries":
        assert cachefile.load(path, lambda value: True).entries == entries
    edit_body(site)
    build()
    assert tree(site.out) == clean_build()


@pytest.mark.parametrize("failing_in", ["main", "helper"])
def test_a_failure_in_parallel_rendering_fails_the_build_and_leaves_the_site(
    site: Corpus, monkeypatch: pytest.MonkeyPatch, failing_in: str
) -> None:
    """Whether the main process or a forked helper renders the broken page, the build stops
    with the error (no hang, no helper left behind) and `--out` is left as it was."""
    import multiprocessing
    import os
    import time

    build()
    before = tree(Path("_site"))
    monkeypatch.setattr(pool, "workers", lambda: 2)
    monkeypatch.setattr(pool, "PARALLEL_MINIMUM", 0)
    path = Path("content/decisions/2008-annat.md")
    path.write_text(path.read_text().replace("2008-03-04", "2008-03-05"))
    main_pid = os.getpid()
    original = render.Renderer.render

    def failing(self: render.Renderer, output: render.Output) -> tuple[bytes, Reads]:
        in_main = os.getpid() == main_pid
        if in_main == (failing_in == "main") and output.page is not None:
            raise ValueError("trasig mall")
        if in_main:
            time.sleep(0.02)  # leave the helper time to take pages of its own
        return original(self, output)

    monkeypatch.setattr(render.Renderer, "render", failing)
    with pytest.raises((ValueError, RuntimeError), match="trasig mall"):
        build()
    assert tree(Path("_site")) == before
    assert multiprocessing.active_children() == []


def test_versions_follow_the_file_text_and_the_ledger_follows_only_the_lines(
    site: Corpus,
) -> None:
    """A decision's version changes with its file; a question to the ledger only when one
    of the lines it answers with does."""
    from insyn.build.versions import Versions
    from insyn.pipeline import read_site
    from insyn.sources.history import NO_HISTORY
    from insyn.sources.load import SourceCache

    keys = [
        ("decision", "2007-beslut-1"),
        ("decision", "2007-beslut-2"),
        ("ledger", "lines"),
        ("ledger", "paid_by", "socialstyrelsen"),
        ("ledger", "declared_by", "decision", "2007-beslut-1"),
        ("decision", "no-such-decision"),
    ]

    def versions() -> dict[tuple[str, ...], str]:
        result = read_site(Path("content"), Path("data"), False, SourceCache())
        assert result.graph is not None
        return Versions(result.graph, result.findings, NO_HISTORY).of_all(keys)

    funded = [{"from": "socialstyrelsen", "amount": 2000, "year": 2007, "status": "granted"}]
    before = versions()
    site.decision("2007-beslut-1", title="Ny rubrik", projects=["stod"], funding=funded)
    retitled = versions()
    assert retitled[keys[0]] != before[keys[0]]
    assert retitled[keys[1]] == before[keys[1]]
    assert retitled[keys[5]] == before[keys[5]] == "absent"
    site.decision("2007-beslut-1", title="Annan rubrik", projects=["stod"], funding=funded)
    again = versions()
    assert [again[k] for k in keys[2:5]] == [retitled[k] for k in keys[2:5]]
    site.decision(
        "2007-beslut-1",
        title="Annan rubrik",
        projects=["stod"],
        funding=[{**funded[0], "amount": 7}],
    )
    changed = versions()
    assert all(changed[k] != again[k] for k in keys[2:5])


def test_parallel_preload_reads_what_a_serial_read_does(
    site: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The forked preload (over 500 files) parses each file once, as a serial read would,
    and asks the kernel for every file ahead of the workers."""
    from insyn.pipeline import read_site
    from insyn.sources import preload as preloading
    from insyn.sources.load import SourceCache

    serial = SourceCache()
    expected = read_site(Path("content"), Path("data"), False, serial)
    monkeypatch.setattr(preloading, "PARALLEL_MINIMUM", 0)
    fetched: list[str] = []
    monkeypatch.setattr(preloading, "prefetch", fetched.extend)
    parallel = SourceCache()
    files = sorted(str(p) for p in Path("content").rglob("*.md"))
    for name in files:  # settled files, whose digests a later read may trust
        os.utime(name, ns=(1_000_000_000, 1_000_000_000))
    assert preloading.preload(Path("content"), parallel) == len(files) == 8
    assert sorted(fetched) == files
    assert set(parallel.digests) == set(files)
    result = read_site(Path("content"), Path("data"), False, parallel)
    assert parallel.entries.keys() == serial.entries.keys()
    assert result.graph == expected.graph and result.problems.items == expected.problems.items


def test_the_source_cache_saves_the_workers_bytes_and_what_validation_completed(
    site: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries come from the preload workers pickled and are saved as those bytes; an entry
    validated later (here: made by a serial read) is saved with its verdict; a reloaded cache
    gives back equal entries, unpickled when asked for, and needs no parsing."""
    import dataclasses
    import pickle

    from insyn.pipeline import read_site
    from insyn.sources import preload as preloading
    from insyn.sources.load import SourceCache, pickle_entry

    monkeypatch.setattr(preloading, "PARALLEL_MINIMUM", 0)
    monkeypatch.setattr(preloading, "prefetch", lambda paths: None)
    cache = SourceCache()
    assert preloading.preload(Path("content"), cache) == 8
    sent = dict(cache.pickled)
    assert len(sent) == 8 and cache.entries.keys() == sent.keys()
    site.decision("2007-beslut-9", title="Skriven efter förladdningen")  # read serially
    expected = read_site(Path("content"), Path("data"), False, cache)
    assert cache.count() == 9 and cache.changed
    saved: SourceCache = pickle.loads(pickle.dumps(cache.pruned()))
    assert not saved.entries
    assert {k: saved.pickled[k] for k in sent} == sent  # as the workers sent them
    late = next(k for k in saved.pickled if k not in sent)
    assert saved.get(late) == cache.entries[late] and saved.entries[late].valid is True
    assert all(saved.get(key) == cache.get(key) for key in cache.entries)
    # An entry saved before validation judged it is saved again with the verdict.
    unjudged = dataclasses.replace(saved.entries[late], valid=None, valid_problems=())
    saved.add_pickled(late, pickle_entry(unjudged))
    saved.changed = False
    read_site(Path("content"), Path("data"), False, saved)
    assert saved.changed
    judged: SourceCache = pickle.loads(pickle.dumps(saved.pruned()))
    assert judged.get(late) == cache.entries[late]
    saved = judged

    def refuse(*args: object) -> None:
        raise AssertionError("a cached file was parsed again")

    monkeypatch.setattr("insyn.sources.load._parse_content", refuse)
    again = read_site(Path("content"), Path("data"), False, saved)
    assert again.graph == expected.graph and again.problems.items == expected.problems.items


def test_prefetch_passes_over_what_it_cannot_open(tmp_path: Path) -> None:
    from insyn.sources.preload import prefetch

    readable = tmp_path / "a.md"
    readable.write_text("x", encoding="utf-8")
    prefetch([str(tmp_path / "missing.md"), str(readable), str(tmp_path)])

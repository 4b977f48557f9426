"""Search records and shards: what Pagefind is given instead of pages, and how a warm build
re-indexes only the shards whose pages changed, to the byte of a cold build."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from insyn.build import search_update
from insyn.build.manifest import OutputRecord
from insyn.build.pagefind_bundle import canonical_bundle, index_words
from insyn.build.search import LANGUAGE, SHARD_LIST, _read_bundle, pagefind_binary
from insyn.build.search_records import (
    EXCLUDED_SELECTORS,
    NO_SHARD,
    RecordError,
    cut_excluded,
    is_indexed,
    record_of,
)
from insyn.build.sink import Sink
from tests.conftest import Corpus
from tests.test_search import HOSTILE_TITLE
from tests.test_site import tree_bytes, write_edge_corpus


def test_cutting_keeps_what_search_reads_and_drops_the_rest() -> None:
    markup = (
        '<main data-pagefind-body><p class="overrubrik">Ansökan</p><h1>Titel</h1>'
        '<div class="a tabellram b"><div><table><tr><td>5 kr</td></tr></table></div></div>'
        '<p class="faktaruta">Stannar: bara ett liknande namn</p>'
        '<nav aria-label="x"><nav>inre</nav><a href="/">länk</a></nav>'
        '<section id="s" class="historik" data-x="class=&quot;fakta&quot;"><h2>H</h2></section>'
        '<img class="summor" src="x.png"><p>Texten.</p></main>'
    )
    assert cut_excluded(markup) == (
        "<main data-pagefind-body><h1>Titel</h1>"
        '<p class="faktaruta">Stannar: bara ett liknande namn</p><p>Texten.</p></main>'
    )
    with pytest.raises(RecordError):
        cut_excluded('<main><div class="fakta"><div></div></main>')


def test_a_record_is_the_main_part_of_the_page_with_its_title_and_shard() -> None:
    page = (
        '<!doctype html><html lang="sv"><head><title>Ett beslut – Insyn</title></head><body>'
        '<nav>meny</nav><main id="innehall" data-pagefind-body>'
        '<div class="sokdata" data-sokdel="2012" hidden></div><p>Text</p></main>'
        "<footer>sidfot</footer></body></html>"
    ).encode()
    record = record_of(page)
    assert is_indexed(page) and record.shard == "2012"
    text = record.document.decode()
    assert "<title>Ett beslut – Insyn</title>" in text and "<p>Text</p>" in text
    assert "meny" not in text and "sidfot" not in text
    odd = page.replace(b'data-sokdel="2012"', b'data-sokdel="../x"')
    assert record_of(odd).shard == NO_SHARD  # never a path out of the bundle


def pagefind(site: Path, output: Path, *options: str) -> dict[str, bytes]:
    command = [str(pagefind_binary()), "--site", str(site), "--output-path", str(output)]
    subprocess.run(
        [*command, "--force-language", LANGUAGE, "--silent", *options], check=True, timeout=300
    )
    files, moved = _read_bundle(output)
    return canonical_bundle(files | {p: path.read_bytes() for p, path in moved.items()})


def test_records_make_the_same_index_as_the_whole_pages(corpus: Corpus, tmp_path: Path) -> None:
    """Pagefind given the records makes, byte for byte, the index it makes of the whole
    pages told to leave out the same parts: the records lose nothing search reads."""
    write_edge_corpus(corpus)
    corpus.decision("fientlig", title=HOSTILE_TITLE, district="skarholmen", meeting="2012-05-02")
    assert corpus.run("build", "--no-search").returncode == 0
    pages, records = tmp_path / "pages", tmp_path / "records"
    count = 0
    for path in sorted(corpus.out.rglob("*.html")):
        data = path.read_bytes()
        if not is_indexed(data):
            continue
        relative = path.relative_to(corpus.out)
        for folder, written in ((pages, data), (records, record_of(data).document)):
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_bytes(written)
        assert len(record_of(data).document) < len(data) / 2
        count += 1
    assert count == 7  # 5 published decisions and 2 projects
    excluding = [part for sel in EXCLUDED_SELECTORS for part in ("--exclude-selectors", sel)]
    whole = pagefind(pages, tmp_path / "whole", *excluding)
    assert pagefind(records, tmp_path / "of-records") == whole
    # and the comparison can fail: without the exclusions the pages index differently
    assert pagefind(pages, tmp_path / "all-of-it") != whole


def page_html(shard: str, text: str) -> bytes:
    return (
        '<!doctype html><html lang="sv"><head><title>T</title></head><body>'
        f'<main data-pagefind-body><div class="sokdata" data-sokdel="{shard}" hidden></div>'
        f"<h1>{text}</h1><p>{text} och mer text om {shard}.</p></main></body></html>"
    ).encode()


def staged(
    folder: Path, files: dict[str, bytes], previous: Path | None, old: dict[str, OutputRecord]
) -> tuple[Sink, dict[str, OutputRecord]]:
    """A build's pages put in `folder`, kept from `previous` where unchanged."""
    folder.mkdir(parents=True)
    sink = Sink(folder, previous, old)
    records = {path: sink.put(path, data) for path, data in files.items()}
    return sink, records


def site_files() -> dict[str, bytes]:
    files = {f"beslut/a{i}/index.html": page_html("2011", f"Beslut a{i}") for i in range(3)}
    files |= {f"beslut/b{i}/index.html": page_html("2012", f"Beslut b{i}") for i in range(3)}
    files["index.html"] = b'<!doctype html><html lang="sv"><main>Start</main></html>'
    return files


def test_an_edit_reindexes_only_its_shard_and_equals_a_cold_build(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    files = site_files()
    sink, records = staged(tmp_path / "one", files, None, {})
    first = search_update.update_search(tmp_path / "one", sink, records, {}, cache)
    search_update.save_shard_map(cache, first)
    assert first.indexed == first.shards == ["2011", "2012"]
    assert sorted(p for p in records if p.startswith("pagefind/") and p.count("/") == 1) == [
        SHARD_LIST
    ]
    # The edit: one page of 2012 changes, with no word the site does not have already.
    edited = dict(files)
    edited["beslut/b1/index.html"] = page_html("2012", "Beslut b1 a0")
    sink, new_records = staged(tmp_path / "two", edited, tmp_path / "one", records)
    second = search_update.update_search(tmp_path / "two", sink, new_records, records, cache)
    search_update.save_shard_map(cache, second)
    assert second.indexed == ["2012"] and second.shards == ["2011", "2012"]
    assert not second.new_words
    kept = [p for p in new_records if p.startswith("pagefind/2011/")]
    assert kept and all(
        os.stat(tmp_path / "one" / p).st_ino == os.stat(tmp_path / "two" / p).st_ino for p in kept
    ), "the unchanged shard is hard-linked, not made again"
    # The same pages from nothing, without the shard map: the same bytes.
    sink, cold_records = staged(tmp_path / "cold", edited, None, {})
    search_update.update_search(tmp_path / "cold", sink, cold_records, {}, tmp_path / "c2")
    assert tree_bytes(tmp_path / "two") == tree_bytes(tmp_path / "cold")
    assert set(new_records) == set(cold_records)
    # A page moving to another shard re-indexes both; a page gone, its own.
    moved = dict(edited)
    moved["beslut/a0/index.html"] = page_html("2012", "Beslut a0")
    del moved["beslut/b2/index.html"]
    sink, third_records = staged(tmp_path / "three", moved, tmp_path / "two", new_records)
    third = search_update.update_search(tmp_path / "three", sink, third_records, new_records, cache)
    search_update.save_shard_map(cache, third)
    assert third.indexed == ["2011", "2012"]
    sink, cold_records = staged(tmp_path / "cold3", moved, None, {})
    search_update.update_search(tmp_path / "cold3", sink, cold_records, {}, tmp_path / "c3")
    assert tree_bytes(tmp_path / "three") == tree_bytes(tmp_path / "cold3")


def test_a_new_word_reindexes_every_shard_and_equals_a_cold_build(tmp_path: Path) -> None:
    """Every shard holds the site's word list (`search_words`): a word new to the site is
    added to every shard's, so every shard is indexed again."""
    cache = tmp_path / "cache"
    files = site_files()
    sink, records = staged(tmp_path / "one", files, None, {})
    search_update.save_shard_map(
        cache, search_update.update_search(tmp_path / "one", sink, records, {}, cache)
    )
    edited = dict(files)
    edited["beslut/b1/index.html"] = page_html("2012", "Beslut b1 ideell")
    sink, new_records = staged(tmp_path / "two", edited, tmp_path / "one", records)
    second = search_update.update_search(tmp_path / "two", sink, new_records, records, cache)
    assert second.new_words and second.indexed == ["2011", "2012"]
    sink, cold_records = staged(tmp_path / "cold", edited, None, {})
    search_update.update_search(tmp_path / "cold", sink, cold_records, {}, tmp_path / "c2")
    assert tree_bytes(tmp_path / "two") == tree_bytes(tmp_path / "cold")
    for shard in ("2011", "2012"):
        bundle = {
            p.removeprefix(f"pagefind/{shard}/"): b
            for p, b in tree_bytes(tmp_path / "two").items()
            if p.startswith(f"pagefind/{shard}/")
        }
        assert "ideell" in index_words(bundle), shard


def test_the_records_of_a_shard_are_kept_and_only_changed_pages_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shard indexed again takes back the records the last build kept (`search_kept`)
    for the pages whose bytes they were made from: only the edited page is read back,
    and the index is a cold build's. Without the listing, every page of it is read back."""
    read_back: list[str] = []
    record = search_update._record
    monkeypatch.setattr(
        search_update, "_record", lambda path, data: read_back.append(path) or record(path, data)
    )
    cache = tmp_path / "cache"
    files = site_files()
    sink, records = staged(tmp_path / "one", files, None, {})
    search_update.save_shard_map(
        cache, search_update.update_search(tmp_path / "one", sink, records, {}, cache)
    )
    assert len(read_back) == 6
    assert sorted(p.name for p in (cache / "search-records").iterdir()) == [
        "2011",
        "2011.pickle",
        "2012",
        "2012.pickle",
    ]
    previous, before = records, tmp_path / "one"
    for step, text in enumerate(["Beslut b1 a0", "Beslut b1 ideell", "Beslut b1 mer"]):
        edited = dict(files)
        edited["beslut/b1/index.html"] = page_html("2012", text)
        if step == 2:
            (cache / "search-records" / "2012.pickle").unlink()
        read_back.clear()
        folder = tmp_path / f"warm{step}"
        sink, new_records = staged(folder, edited, before, previous)
        update = search_update.update_search(folder, sink, new_records, previous, cache)
        search_update.save_shard_map(cache, update)
        if step == 2:  # the listing gone: the shard's kept records are not trusted
            assert sorted(read_back) == [f"beslut/b{i}/index.html" for i in range(3)]
        else:  # one new word (step 1) indexes both shards, from kept records still
            assert read_back == ["beslut/b1/index.html"], step
            assert update.indexed == (["2012"] if step == 0 else ["2011", "2012"])
        sink, cold_records = staged(tmp_path / f"cold{step}", edited, None, {})
        search_update.update_search(
            tmp_path / f"cold{step}", sink, cold_records, {}, tmp_path / f"c{step}"
        )
        assert tree_bytes(folder) == tree_bytes(tmp_path / f"cold{step}"), step
        previous, before = new_records, folder


def test_resume_keeps_a_record_only_for_the_bytes_it_was_made_from(tmp_path: Path) -> None:
    from insyn.build.search import ShardIndexer
    from insyn.build.search_kept import keep_records, list_records

    cache, tree = tmp_path / "cache", tmp_path / "tree"
    names = ["a", "b", "c", "e", "f"]
    for name in names:
        (tree / name).mkdir(parents=True)
        (tree / name / "index.html").write_text(f"kept {name}", encoding="utf-8")
    keep_records(cache, "2012", tree)
    listing = {f"{n}/index.html": (f"digest-{n}", f"ord{n}") for n in names}
    list_records(cache, {"2012": listing}, {"2012"})
    indexer = ShardIndexer(cache, keep=True)
    indexer.add("d/index.html", record_of(page_html("2012", "Ny d")))  # made this build
    indexer.add("f/index.html", record_of(page_html("2013", "Flyttad f")))  # another shard
    pages = {
        "a/index.html": "digest-a",
        "b/index.html": "changed",  # bytes the record was not made from
        "c/index.html": "digest-c",
        "d/index.html": "digest-d",
    }  # and e is gone from the site
    assert indexer.resume("2012", pages) == ["b/index.html"]
    site = indexer.root / "2012" / "site"
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")) == [
        "a/index.html",
        "c/index.html",
        "d/index.html",
    ]
    assert (site / "a/index.html").read_text(encoding="utf-8") == "kept a"
    assert {"orda", "ordc", "ny"} <= indexer.shard_words("2012")
    assert not {"ordb", "orde", "ordf"} & indexer.shard_words("2012")
    assert indexer.resume("2012", pages) == ["b/index.html"]  # taken once: nothing kept now
    indexer.close()


def test_an_altered_bundle_file_is_made_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    files = site_files()
    sink, records = staged(tmp_path / "one", files, None, {})
    first = search_update.update_search(tmp_path / "one", sink, records, {}, cache)
    search_update.save_shard_map(cache, first)
    entry = tmp_path / "one" / "pagefind" / "2011" / "pagefind-entry.json"
    entry.write_bytes(entry.read_bytes() + b" ")
    sink, new_records = staged(tmp_path / "two", files, tmp_path / "one", records)
    again = search_update.update_search(tmp_path / "two", sink, new_records, records, cache)
    assert again.indexed == ["2011"]
    assert (tmp_path / "two" / "pagefind" / "2011" / "pagefind-entry.json").read_bytes() == (
        entry.read_bytes()[:-1]
    )


def test_without_the_shard_map_every_shard_is_made_again(tmp_path: Path) -> None:
    """A map that is gone (a failed or interrupted build forgets it) makes the next build
    re-index everything rather than trust where the last build put a page."""
    cache = tmp_path / "cache"
    files = site_files()
    sink, records = staged(tmp_path / "one", files, None, {})
    search_update.update_search(tmp_path / "one", sink, records, {}, cache)  # map not saved
    edited = dict(files)
    edited["beslut/b1/index.html"] = page_html("2012", "Ändrat beslut b1")
    sink, new_records = staged(tmp_path / "two", edited, tmp_path / "one", records)
    again = search_update.update_search(tmp_path / "two", sink, new_records, records, cache)
    assert again.indexed == ["2011", "2012"]


def test_records_written_by_the_renderer_are_not_read_back(tmp_path: Path) -> None:
    """The sink writes each indexed page's record as it writes the page: the update takes
    it from there, and the index is the same as from pages read back."""
    from insyn.build.search import ShardIndexer

    files = site_files()
    indexer = ShardIndexer(tmp_path / "cache")
    folder = tmp_path / "one"
    folder.mkdir()
    sink = Sink(folder, None, {}, indexer.root)
    records = {path: sink.put(path, data) for path, data in files.items()}
    assert len(indexer.adopt()) == 6  # the six indexed pages, not the start page
    for path in records:
        if path.startswith("beslut/"):
            (folder / path).write_bytes(b"<html>unreadable as a record</html>")
    update = search_update.update_search(folder, sink, records, {}, tmp_path / "cache", indexer)
    assert update.indexed == ["2011", "2012"]
    sink, cold = staged(tmp_path / "cold", files, None, {})
    search_update.update_search(tmp_path / "cold", sink, cold, {}, tmp_path / "c2")
    bundle = {p: b for p, b in tree_bytes(folder).items() if p.startswith("pagefind/")}
    assert bundle == {
        p: b for p, b in tree_bytes(tmp_path / "cold").items() if p.startswith("pagefind/")
    }


def test_bundle_files_are_moved_into_place_or_kept_when_unchanged(tmp_path: Path) -> None:
    """Pagefind's fragments and index chunks are renamed into the site, not copied; a file
    with the last build's bytes is the last build's file (hard-linked), as any page."""
    (tmp_path / "old").mkdir()
    sink = Sink(tmp_path / "old")
    first = tmp_path / "made-1"
    first.write_bytes(b"fragment")
    old = {
        "pagefind/2008-2011/fragment/a.pf_fragment": sink.put_file(
            "pagefind/2008-2011/fragment/a.pf_fragment", first
        )
    }
    assert not first.exists(), "moved, not copied"
    (tmp_path / "new").mkdir()
    sink = Sink(tmp_path / "new", tmp_path / "old", old)
    same, other = tmp_path / "made-2", tmp_path / "made-3"
    same.write_bytes(b"fragment")
    other.write_bytes(b"another")
    kept = sink.put_file("pagefind/2008-2011/fragment/a.pf_fragment", same)
    made = sink.put_file("pagefind/2008-2011/fragment/b.pf_fragment", other)
    path = "pagefind/2008-2011/fragment/a.pf_fragment"
    assert kept == old[path]
    assert os.stat(tmp_path / "old" / path).st_ino == os.stat(tmp_path / "new" / path).st_ino
    assert (tmp_path / "new" / "pagefind/2008-2011/fragment/b.pf_fragment").read_bytes() == (
        b"another"
    )
    assert made.size == len(b"another") and not other.exists()

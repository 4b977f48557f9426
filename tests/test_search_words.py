"""The word list every shard holds (`build.search_words`): Pagefind makes of it exactly the
index words it makes of the pages, so each shard looks a word up as one index would.

The comparison is Pagefind's own: the words of the index of the records against the words of
the index of the word list alone, read from the bundles' `pf_index` files."""

from __future__ import annotations

from pathlib import Path

import pytest

from insyn.build import search_words
from insyn.build.pagefind_bundle import index_words
from insyn.build.search import pagefind_bundle
from insyn.build.search_records import is_indexed, record_of
from insyn.build.search_words import (
    WORDLIST_PATH,
    append_words,
    plain_word,
    read_page_words,
    record_words,
    split_words,
    wordlist_document,
)
from tests.conftest import Corpus
from tests.test_site import write_edge_corpus

pytest.importorskip("pagefind_bin")

#: Markup Pagefind reads in its own way: blocks spaced, inline and table cells joined,
#: entities, no-break spaces, removed and ignored elements, meta from an attribute.
TRICKY = [
    "<h1>Stöd&nbsp;till <em>kvinno</em>jourer</h1><p>5\u00a0630\u00a0000 kr &amp; 2-årig "
    "e-tjänst</p><dl><dt>Belopp</dt><dd>100</dd></dl>",
    "<h1>Tabell</h1><table><tr><th>År</th><th>Summa</th></tr><tr><td>2011</td><td>5,5"
    "</td></tr></table><ul><li>ett</li><li>två</li></ul>",
    "<h1>Dolt</h1><div data-pagefind-ignore>osynligt</div><svg><text>ritat</text></svg>"
    '<label>etikett</label><span data-pagefind-meta="title[data-value]" '
    'data-value="Meta&#39;s titel"></span><p>syns<br>radbrytning</p>',
    "<p>Ingen rubrik alls</p><section>del</section><article>artikel</article>",
    # sentence ends and capitals, which the list writes plain (`plain_word`), and words it
    # must keep as they are
    "<h1>Ändrad rad 0.</h1><p>(2011) Kr. A. Ä, x) ÅrSumma. rad1. ÖVER. İstanbul. Σ "
    "e-tjänst. 2-årig, 5,5. 10.000 kl.12 ’citat’ «ord» – ...</p>",
]


def record_page(body: str, title: str = "Sidans titel") -> bytes:
    return (
        f'<!doctype html><html lang="sv"><head><title>{title}</title></head><body>'
        f"<main data-pagefind-body>{body}</main></body></html>"
    ).encode()


def words_of_both(records: dict[str, bytes], tmp_path: Path) -> tuple[set[str], set[str]]:
    """(the index words of `records`, the index words of their word list alone)."""
    words: set[str] = set()
    for path, document in records.items():
        target = tmp_path / "records" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(document)
        words |= record_words(document)
    alone = tmp_path / "wordlist"
    alone.mkdir()
    (alone / WORDLIST_PATH).write_bytes(wordlist_document(words))
    of_pages = index_words(pagefind_bundle(tmp_path / "records", tmp_path / "one"))
    of_list = index_words(pagefind_bundle(alone, tmp_path / "two"))
    return of_pages, of_list


def test_the_word_list_indexes_as_the_tricky_markup_does(tmp_path: Path) -> None:
    records = {f"s{i}/index.html": record_page(body) for i, body in enumerate(TRICKY)}
    of_pages, of_list = words_of_both(records, tmp_path)
    assert of_pages == of_list
    # what the comparison covers: words joined across inline tags and table cells, split at
    # no-break spaces, the <title> of a page without <h1> (Pagefind's title, indexed as meta)
    assert {"kvinnojour", "belopp100", "arsumm", "630", "sidan", "radbrytning"} <= of_pages
    assert {"andr", "0", "2011", "rad1", "kl12", "istanbul"} <= of_pages
    assert "osynligt" not in of_pages and "ritat" not in of_pages and "etikett" not in of_pages


def test_a_word_list_that_misses_words_is_caught(tmp_path: Path) -> None:
    """The comparison can fail: words split where Pagefind joins them give other index words."""
    records = {"s/index.html": record_page("<p>sam<em>man</em>fattning</p>")}
    assert "sammanfattning" in record_words(records["s/index.html"])
    (tmp_path / "records" / "s").mkdir(parents=True)
    (tmp_path / "records" / "s" / "index.html").write_bytes(records["s/index.html"])
    (tmp_path / "wordlist").mkdir()
    (tmp_path / "wordlist" / WORDLIST_PATH).write_bytes(wordlist_document(["sam", "man"]))
    of_pages = index_words(pagefind_bundle(tmp_path / "records", tmp_path / "one"))
    assert of_pages != index_words(pagefind_bundle(tmp_path / "wordlist", tmp_path / "two"))


def test_the_word_list_indexes_as_a_built_site_does(corpus: Corpus, tmp_path: Path) -> None:
    write_edge_corpus(corpus)
    assert corpus.run("build", "--no-search").returncode == 0
    records = {
        page.relative_to(corpus.out).as_posix(): record_of(data).document
        for page in sorted(corpus.out.rglob("*.html"))
        if is_indexed(data := page.read_bytes())
    }
    assert len(records) >= 5
    of_pages, of_list = words_of_both(records, tmp_path)
    assert of_pages == of_list and len(of_pages) > 100


def test_words_noted_by_workers_are_read_back_by_page(tmp_path: Path) -> None:
    append_words(tmp_path, "2008-2011", "beslut/a/index.html", {"våld", "stöd"})
    append_words(tmp_path, "2012-2015", "beslut/b/index.html", set())
    append_words(tmp_path, "2008-2011", "beslut/c/index.html", {"jour"})
    assert read_page_words(tmp_path) == {
        "beslut/a/index.html": ("2008-2011", "stöd våld"),
        "beslut/b/index.html": ("2012-2015", ""),
        "beslut/c/index.html": ("2008-2011", "jour"),
    }
    assert split_words("stöd våld") == ["stöd", "våld"] and split_words("") == []


@pytest.mark.parametrize(
    ("word", "plain"),
    [
        ("Ändrad.", "ändrad"),
        ("(2011)", "2011"),
        ("0.", "0"),
        ("kr,", "kr"),
        ("stöd", "stöd"),
        # kept: compound parts or case Pagefind reads differently, or not sure
        ("ÅrSumma.", "ÅrSumma."),
        ("ÖVER.", "ÖVER."),
        ("rad1.", "rad1."),
        ("e-tjänst.", "e-tjänst."),
        ("İstanbul.", "İstanbul."),
        (".", "."),
    ],
)
def test_plain_words_only_where_pagefind_reads_them_the_same(word: str, plain: str) -> None:
    assert plain_word(word) == plain


def test_the_quick_reading_gives_the_words_the_element_reading_gives(corpus: Corpus) -> None:
    """`record_words` takes most records' words by two substitutions; on every record of a
    built site that has nothing Pagefind removes or ignores, the element-by-element reading
    gives the same words."""
    write_edge_corpus(corpus)
    assert corpus.run("build", "--no-search").returncode == 0
    compared = 0
    for page in sorted(corpus.out.rglob("*.html")):
        if not is_indexed(data := page.read_bytes()):
            continue
        text = record_of(data).document.decode("utf-8")
        start = text.rfind("<", 0, text.find(" data-pagefind-body"))
        if any(marker in text[start:] for marker in search_words._NOT_PLAIN):
            continue
        assert search_words._plain_words(text[start:]) == search_words._parsed_words(text, start)
        compared += 1
    assert compared >= 4

"""Hostile content through a real build: nothing executable reaches any built file.

Every field a contributor can write carries script tags, event handlers,
`javascript:` links, template syntax, comment and CDATA terminators and
spreadsheet formulas (tests/hostile.py); the checks read every file of the
output, parsed, and the folder around `--out` is compared before and after.
"""

from __future__ import annotations

import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insyn.cli import BuildOptions
from insyn.commands import build_site
from tests.conftest import Corpus
from tests.hostile import (
    EVALUATED,
    executable_markup,
    html_problems,
    tree_listing,
    write_hostile_corpus,
)

CACHE = ".cache"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Corpus, dict[str, tuple[int, int]]]:
    corpus = Corpus(tmp_path_factory.mktemp("hostile"))
    corpus.write_data()
    write_hostile_corpus(corpus)
    before = tree_listing(corpus.root)
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return corpus, before


def test_the_checker_finds_what_it_looks_for() -> None:
    page = (
        '<script>alert(1)</script><img src=x onerror="a()"><a href="  JaVa&#x09;ScRiPt:x">'
        '<a href="data:text/html,x"><iframe></iframe><p style="x"><img srcset="a 1x">'
        '<script type="application/ld+json">{"a":"<x>"}</script>'
        '<button formaction="x"><script src="https://evil.example/x.js"></script>'
        '<meta http-equiv="refresh" content="0;url=javascript:x">'
    )
    found = "\n".join(html_problems("p.html", page))
    for expected in (
        "inline script text",
        "onerror",
        "a javascript: URL",
        "a data: URL",
        "<iframe>",
        "style=",
        "srcset",
        "formaction",
        "raw '<'",
        "only files from /assets/",
        "http-equiv=refresh",
    ):
        assert expected in found, expected


def test_no_executable_markup_in_any_built_file(
    hostile: tuple[Corpus, dict[str, tuple[int, int]]],
) -> None:
    corpus, _ = hostile
    assert executable_markup(corpus.out) == []


def test_nothing_is_written_outside_out(hostile: tuple[Corpus, dict[str, tuple[int, int]]]) -> None:
    corpus, before = hostile
    # The one other folder a build may write is its own cache (.cache, issue 7).
    after = {
        k: v
        for k, v in tree_listing(corpus.root, skip=corpus.out).items()
        if k.split("/")[0] != CACHE
    }
    assert after == {k: v for k, v in before.items() if k != "_site"}
    assert sorted(p.name for p in corpus.root.iterdir() if p.name != CACHE) == [
        "_site",
        "content",
        "data",
    ]


def test_template_syntax_is_shown_as_text(
    hostile: tuple[Corpus, dict[str, tuple[int, int]]],
) -> None:
    corpus, _ = hostile
    decision = (corpus.out / "beslut/fientlig/index.html").read_text(encoding="utf-8")
    project = (corpus.out / "projekt/fientligt-projekt/index.html").read_text(encoding="utf-8")
    home = (corpus.out / "index.html").read_text(encoding="utf-8")
    for text in (decision, project, home):
        assert "{{ 7*7777 }}" in text and "{# kommentar #}" in text
        assert "{% raw %}rå{% endraw %}" in text
    assert EVALUATED not in decision + project + home


def test_hostile_text_is_escaped_in_every_place(
    hostile: tuple[Corpus, dict[str, tuple[int, int]]],
) -> None:
    corpus, _ = hostile
    decision = (corpus.out / "beslut/fientlig/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in decision
    assert "<script>alert(1)" not in decision
    # In attributes (meta description, og:title, data-pagefind-*), quotes are escaped.
    assert 'content="Insyn <' not in decision
    assert "&#34;&gt;&lt;svg onload=alert(1)&gt;" in decision
    # The website and the source stay inside their href.
    org = (corpus.out / "organisationer/framnas/index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/&#34;&gt;&lt;script&gt;' in org
    feed = (corpus.out / "feed.xml").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in feed and "<script>" not in feed


def test_json_ld_cannot_end_its_element(hostile: tuple[Corpus, dict[str, tuple[int, int]]]) -> None:
    corpus, _ = hostile
    decision = (corpus.out / "beslut/fientlig/index.html").read_text(encoding="utf-8")
    blocks = decision.split('<script type="application/ld+json">')[1:]
    assert blocks
    for block in blocks:
        data = block.split("</script>", 1)[0]
        assert "<" not in data and ">" not in data
        text = json.dumps(json.loads(data), ensure_ascii=False)
        assert "</script><script>alert(1)</script>" in text  # the title, intact, as data


def test_csv_cells_are_never_formulas(hostile: tuple[Corpus, dict[str, tuple[int, int]]]) -> None:
    corpus, _ = hostile
    text = (corpus.out / "data/finansiering.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in text and "'@SUM(1+1)" in text


def test_calendar_values_cannot_add_properties(
    hostile: tuple[Corpus, dict[str, tuple[int, int]]],
) -> None:
    corpus, _ = hostile
    calendar = (corpus.out / "stadsdelar/hasselby-vallingby/sammantraden.ics").read_text(
        encoding="utf-8"
    )
    assert "\nX-INJECTED" not in calendar.replace("\r\n", "\n").replace("\n ", "")
    assert "\nATTACH" not in calendar.replace("\r\n", "\n").replace("\n ", "")


def test_raw_html_cannot_take_the_page_ids(
    hostile: tuple[Corpus, dict[str, tuple[int, int]]],
) -> None:
    corpus, _ = hostile
    for page in ("beslut/fientlig/index.html", "projekt/fientligt-projekt/index.html"):
        text = (corpus.out / page).read_text(encoding="utf-8")
        assert text.count('id="innehall"') == 1, page
        assert text.count('id="sok-q"') == 1, page


def test_alias_pages_redirect_and_stay_out_of_the_sitemap(
    hostile: tuple[Corpus, dict[str, tuple[int, int]]],
) -> None:
    corpus, _ = hostile
    alias = (corpus.out / "beslut/gammal-fientlig/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/beslut/fientlig/">' in alias
    assert '<link rel="canonical" href="https://insyn.example.se/beslut/fientlig/">' in alias
    assert '<meta name="robots" content="noindex">' in alias
    assert '<a href="/beslut/fientlig/">' in alias
    sitemap = (corpus.out / "sitemap.xml").read_text(encoding="utf-8")
    assert "gammal" not in sitemap and "/beslut/fientlig/" in sitemap
    rules = (corpus.out / "_redirects").read_text(encoding="utf-8").splitlines()
    assert "/beslut/gammal-fientlig/ /beslut/fientlig/ 301!" in rules
    assert "/projekt/gammalt-fientligt-projekt/ /projekt/fientligt-projekt/ 301!" in rules
    assert "/beslut/gammal-fientlig/* /beslut/fientlig/:splat 301!" in rules


# --- fuzzing ------------------------------------------------------------------

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PIECES = st.sampled_from(
    [
        "<script>",
        "</script>",
        "<img src=x onerror=alert(1)>",
        "javascript:",
        "JaVaScRiPt:",
        "&#106;avascript:",
        "data:text/html,",
        "vbscript:",
        "<svg onload=x>",
        "<math>",
        "<style>",
        '"',
        "'",
        "<",
        ">",
        "&",
        "<!--",
        "-->",
        "]]>",
        "{{ 7*7777 }}",
        "{%",
        "%}",
        "{#",
        "[x](",
        ")",
        "![y](",
        "<a href=",
        "onclick=",
        " srcset=",
        "formaction=",
        "\n",
        "\n\n",
        "## ",
        "=",
        "@",
        "|",
        "`",
        "\u2028",
        "é",
    ]
)
HOSTILE_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=14).map("".join)


@pytest.fixture(scope="module")
def fuzz_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    corpus = Corpus(tmp_path_factory.mktemp("fuzz-hostile"))
    corpus.write_data()
    return corpus


@FUZZ
@given(title=HOSTILE_TEXT, note=HOSTILE_TEXT, name=HOSTILE_TEXT, body=HOSTILE_TEXT)
def test_fuzzed_front_matter_and_bodies_build_safely(
    fuzz_corpus: Corpus, title: str, note: str, name: str, body: str
) -> None:
    corpus = fuzz_corpus
    shutil.rmtree(corpus.content, ignore_errors=True)
    corpus.organisations[-1]["name"] = name or "x"
    corpus.write_data()
    corpus.decision(
        "fuzz",
        body=body,
        title=title or "x",
        notes=[note],
        proposals=[note],
        funding=[
            {"from": "lansstyrelsen", "amount": 1, "year": 2008, "status": "granted", "note": note}
        ],
        projects=["fuzz-projekt"],
    )
    corpus.project("fuzz-projekt", body=body, name=name or "x", owner="framnas", notes=[title])
    options = BuildOptions(corpus.content, corpus.data, corpus.out, quiet=True, search=False)
    report = build_site(options)  # any exception fails the test: no traceback for content
    if not report.ok:
        problems = [str(p) for p in report.result.problems.errors]
        assert all(":" in p for p in problems)
        return
    assert executable_markup(corpus.out) == []

"""The search index, without a browser: what Pagefind is given, what it writes, and how the
build keeps its guarantees (deterministic, atomic, no traceback) with the index in it."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from insyn.build import search
from insyn.cli import BuildOptions
from insyn.commands import build
from tests.conftest import Corpus
from tests.test_site import Node, html_files, main, page, tree_bytes, url_of, write_edge_corpus

HOSTILE_TITLE = 'Ansökan "x", y: z <script>alert(1)</script> & [data-value]'
LIST_PAGES = ["/", "/beslut/", "/projekt/", "/stadsdelar/", "/finansiarer/", "/ar/", "/sok/"]


@pytest.fixture
def site(corpus: Corpus) -> Path:
    write_edge_corpus(corpus)
    corpus.decision(
        "fientlig",
        title=HOSTILE_TITLE,
        district="skarholmen",
        meeting="2012-05-02",
        kind="report",
        funding=[{"from": "arvsfonden", "amount": 1000, "year": 2012, "status": "granted"}],
    )
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    return corpus.out


def fields(node: Node, kind: str) -> dict[str, list[str]]:
    """`data-pagefind-filter` or `-meta` values in `node`, by key, as Pagefind reads them."""
    found: dict[str, list[str]] = {}
    for element in node.iter():
        spec = element.attrs.get(f"data-pagefind-{kind}")
        if spec is None:
            continue
        key, _, attribute = spec.partition("[")
        assert attribute == "data-value]" and element.children == [], spec
        found.setdefault(key, []).append(element.attrs["data-value"])
    return found


def test_build_writes_the_pagefind_bundle_and_its_list(site: Path) -> None:
    listing = json.loads((site / "pagefind" / "delar.json").read_text(encoding="utf-8"))
    shards = [entry["namn"] for entry in listing["delar"]]
    # a shard per span of years the pages are in, in order (`pages.facets.search_shard`)
    assert shards == sorted(shards) and len(shards) > 1
    assert all(re.fullmatch(r"\d{4}-\d{4}", name) for name in shards), shards
    pages = 0
    for entry in listing["delar"]:
        assert entry["sokvag"] == f"/pagefind/{entry['namn']}/"
        bundle = site / "pagefind" / entry["namn"]
        assert (bundle / "pagefind.js").is_file()
        assert (bundle / "pagefind-worker.js").is_file()
        meta = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert list(meta["languages"]) == ["sv"]
        pages += meta["languages"]["sv"]["page_count"] - 1  # less the shard's word list
        assert (bundle / f"fragment/{entry['ordlista']}.pf_fragment").is_file()
        assert (bundle / "wasm.sv.pagefind").is_file()
        assert list(bundle.glob("index/*.pf_index")) and list(bundle.glob("fragment/*.pf_fragment"))
        assert list(bundle.glob("filter/*.pf_filter"))
        assert not list(bundle.glob("pagefind-*ui*")), "the ready-made UIs are not shipped"
    assert pages == 7  # 5 published decisions + 2 projects
    assert sorted(p.name for p in (site / "pagefind").iterdir()) == sorted([*shards, "delar.json"])


def test_only_decision_and_project_pages_are_indexed(site: Path) -> None:
    indexed = sorted(url_of(site, path) for path in html_files(site) if page_has_body_marker(path))
    assert indexed == [
        "/beslut/fientlig/",
        "/beslut/medfinansiering/",
        "/beslut/rinkeby-rapport/",
        "/beslut/samtalsgrupper/",
        "/beslut/utan-pengar/",
        "/projekt/samtal/",
        "/projekt/stodlinje/",
    ]
    for url in [*LIST_PAGES, "/404.html", "/stadsdelar/skarholmen/"]:
        assert not page(site, url).find_all(None, data_pagefind_body=""), url
    assert main(site, "/beslut/samtalsgrupper/").attrs.get("data-pagefind-body") == ""


def page_has_body_marker(path: Path) -> bool:
    return "data-pagefind-body" in path.read_text(encoding="utf-8")


def test_decision_filters_and_metadata(site: Path) -> None:
    decision = main(site, "/beslut/samtalsgrupper/")
    assert fields(decision, "filter") == {
        "district": ["Hässelby-Vällingby"],
        "year": ["2007"],
        "kind": ["Ansökan"],
        "status": ["Bifall"],
        # Not Hässelby-Vällingby: its own contribution is no funding from a funder.
        "funder": ["Länsstyrelsen", "Socialstyrelsen"],
    }
    assert fields(decision, "meta") == {
        "title": ["Ansökan om medel för samtalsgrupper"],
        "district": ["Hässelby-Vällingby"],
        "year": ["2007"],
        "date": ["2007-11-27"],
        "kind": ["Ansökan"],
        # each status's sum, never one across them
        "amount": [
            "Sökt 5\u00a0630\u00a0000\u00a0kr · Beviljat 200\u00a0000\u00a0kr · "
            "Egen finansiering/medfinansiering 100\u00a0000\u00a0kr"
        ],
    }
    without_money = main(site, "/beslut/utan-pengar/")
    assert fields(without_money, "filter") == {
        "district": ["Skärholmen"],
        "year": ["2011"],
        "kind": ["Övrigt"],
    }
    assert fields(without_money, "meta")["date"] == ["2011"]
    assert "amount" not in fields(without_money, "meta")  # no sum to show


def test_project_filters_and_metadata(site: Path) -> None:
    project = main(site, "/projekt/samtal/")
    filters = fields(project, "filter")
    assert filters["kind"] == ["Projekt"] and filters["status"] == ["Pågående"]
    # Owner and the districts of its decisions; years of its money and its decisions.
    assert filters["district"] == ["Hässelby-Vällingby", "Rinkeby"]
    assert filters["year"] == ["2005", "2007", "2008"]
    assert sorted(filters["funder"]) == [
        "Kvinnojouren i Västerort",
        "Länsstyrelsen",
        "Socialstyrelsen",
    ]
    meta = fields(project, "meta")
    assert meta["title"] == ["Samtalsgrupper för våldsutsatta kvinnor"]
    assert meta["district"] == ["Hässelby-Vällingby"] and meta["year"] == ["2005–2008"]
    other_owner = fields(main(site, "/projekt/stodlinje/"), "meta")
    assert other_owner["organisation"] == ["Framnäs AB"] and "district" not in other_owner


def test_hostile_title_is_escaped_in_filters_and_metadata(site: Path) -> None:
    raw = (site / "beslut" / "fientlig" / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in raw
    decision = main(site, "/beslut/fientlig/")
    assert fields(decision, "meta")["title"] == [HOSTILE_TITLE]
    assert fields(decision, "filter")["funder"] == ["Allmänna arvsfonden"]
    assert not decision.find_all("script")


def test_search_page_works_without_javascript_and_loads_one_module(site: Path) -> None:
    doc = page(site, "/sok/")
    form = doc.find("form", id="sokformular")
    assert form.attrs["action"] == "/sok/" and form.attrs["method"] == "get"
    field = form.find("input", name="q")
    assert form.find("label", for_=field.attrs["id"]).text
    status = doc.find(None, id="sok-status")
    assert status.attrs["aria-live"] == "polite" and status.attrs["role"] == "status"
    fallback = doc.find(None, id="sok-utan-js")
    assert "hidden" not in fallback.attrs
    assert fallback.links() == ["/beslut/", "/projekt/", "/stadsdelar/", "/finansiarer/", "/ar/"]
    assert "hidden" in doc.find(None, id="sok-app").attrs
    scripts = doc.find_all("script")
    [script] = [s for s in scripts if s.attrs.get("type") == "module"]
    # besides it, only what every page has: the quick exit and the cue of wide tables
    assert [
        re.sub(r"\.[0-9a-f]{10}\.", ".", s.attrs["src"]) for s in scripts if s is not script
    ] == ["/assets/lamna.js", "/assets/tabeller.js"]
    assert script.attrs["type"] == "module" and re.fullmatch(
        r"/assets/sok\.[0-9a-f]{10}\.js", script.attrs["src"]
    )
    assert script.children == []
    assert not doc.find_all("style") and not [n for n in doc.iter() if "style" in n.attrs]
    assert (site / script.attrs["src"].lstrip("/")).is_file()
    assert len(list(site.glob("assets/sok.[0-9a-f]*.css"))) == 1


def test_two_builds_are_byte_identical_with_the_index(corpus: Corpus) -> None:
    write_edge_corpus(corpus)
    first, second = corpus.root / "ut1", corpus.root / "ut2"
    assert corpus.run("build", "--out", str(first)).returncode == 0
    assert corpus.run("build", "--out", str(second)).returncode == 0
    one, two = tree_bytes(first), tree_bytes(second)
    assert any(re.match(r"pagefind/[0-9-]+/fragment/", path) for path in one)
    assert one == two


def test_failed_build_leaves_previous_site_and_index_untouched(corpus: Corpus) -> None:
    write_edge_corpus(corpus)
    assert corpus.run("build").returncode == 0
    before = tree_bytes(corpus.out)
    assert "pagefind/delar.json" in before and "pagefind/2012-2015/pagefind.js" in before
    corpus.decision("trasig", district="finns-inte")
    result = corpus.run("build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert tree_bytes(corpus.out) == before


def test_failing_pagefind_fails_the_build_and_changes_nothing(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_edge_corpus(corpus)
    options = BuildOptions(corpus.content, corpus.data, corpus.out, quiet=True)
    assert build(options) == 0
    before = tree_bytes(corpus.out)
    corpus.decision("ny", title="Ett nytt beslut")
    monkeypatch.setattr(search, "pagefind_binary", lambda: Path("/bin/false"))
    assert build(options) == 1
    error = capsys.readouterr().err
    assert "Build failed: search index: Pagefind failed" in error
    assert "left unchanged" in error and "Traceback" not in error
    assert tree_bytes(corpus.out) == before


def test_no_search_skips_the_index(corpus: Corpus) -> None:
    write_edge_corpus(corpus)
    result = corpus.run("build", "--no-search")
    assert result.returncode == 0, result.stderr
    assert not (corpus.out / "pagefind").exists()
    assert (corpus.out / "sok" / "index.html").is_file()


def test_a_site_with_nothing_to_index_gets_no_bundle() -> None:
    assert search.index_site({"index.html": b"<html lang='sv'><main>Start</main></html>"}) == {}


def test_drafts_never_reach_the_index(site: Path) -> None:
    every = b"".join(
        gzip.decompress(path.read_bytes()).lower()
        for path in sorted((site / "pagefind").rglob("*.pf_*"))
    )
    assert b"samtalsgrupper" in every  # the check can see published text
    assert b"hemligt" not in every and b"utkast" not in every

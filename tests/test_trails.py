"""Funding trails, charts and /kvalitet/: figures against hand-computed sums, SVG, links, filters.

`write_money_corpus` has every status, a line without a project, a line
declared on a project, a district co-financing another organisation's
project, a data-quality finding and a draft with a finding of its own.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import Corpus
from tests.test_site import NBSP, Node, broken_links, html_files, main, page, url_of
from tests.test_site import site as site  # the edge corpus, built

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "Stöd </script><script>alert(1)</script> & <b>mer</b>"


def kr(value: int) -> str:
    return f"{value:,}".replace(",", NBSP) + f"{NBSP}kr"


def write_money_corpus(corpus: Corpus) -> Corpus:
    corpus.decision(
        "d1",
        title="Ansökan om medel för stödsamtal",
        meeting="2008-03-01",
        projects=["p1"],
        funding=[
            {"from": "lansstyrelsen", "amount": 400000, "year": 2008, "status": "applied"},
            {"from": "lansstyrelsen", "amount": 100000, "year": 2009, "status": "applied"},
            {"from": "lansstyrelsen", "amount": 300000, "year": 2008, "status": "granted"},
            {"from": "hasselby-vallingby", "amount": 50000, "year": 2008, "status": "contributed"},
        ],
    )
    corpus.decision(
        "d2",
        title="Ansökan utan projekt",
        district="skarholmen",
        meeting="2009-05-01",
        funding=[
            {"from": "lansstyrelsen", "amount": 70000, "year": 2009, "status": "applied"},
            {"from": "socialstyrelsen", "amount": 120000, "year": 2009, "status": "rejected"},
            {
                "from": "skarholmen",
                "to": "framnas",
                "amount": 30000,
                "year": 2009,
                "status": "contributed",
                "project": "p2",
            },
        ],
    )
    corpus.decision(
        "d3", title="Information", district="skarholmen", meeting=None, year=2010, kind="other"
    )
    corpus.decision(
        "utkast",
        title="Hemligt utkast",
        meeting="2011-01-01",
        document_date="2011-06-01",
        draft=True,
    )
    corpus.project(
        "p1",
        name=HOSTILE,
        funding=[{"from": "socialstyrelsen", "amount": 25000, "year": 2009, "status": "granted"}],
    )
    corpus.project("p2", name="Framnäs jourtelefon", owner="framnas")
    return corpus


@pytest.fixture
def money_site(corpus: Corpus) -> Path:
    write_money_corpus(corpus)
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    return corpus.out


def table(node: Node, caption: str) -> Node:
    for candidate in node.find_all("table"):
        if candidate.find_all("caption") and candidate.find("caption").text == caption:
            return candidate
    raise AssertionError(f"no table {caption!r}")


def rows(tab: Node, part: str = "tbody") -> list[list[str]]:
    return [
        [cell.text for cell in tr.iter() if cell.tag in ("td", "th")]
        for section in tab.find_all(part)
        for tr in section.find_all("tr")
    ]


def svgs(path: Path) -> list[ET.Element]:
    text = path.read_text(encoding="utf-8")
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", text, flags=re.S)]


# --- trails ---------------------------------------------------------------------


def test_trails_tables_match_hand_computed_sums(money_site: Path) -> None:
    m = main(money_site, "/pengafloden/")
    applied = table(m, "Flöden med status sökt")
    assert rows(applied) == [
        ["Länsstyrelsen", "Hässelby-Vällingby", HOSTILE, "2008, 2009", kr(500000),
         "Beslut: Ansökan om medel för stödsamtal"],
        ["Länsstyrelsen", "Skärholmen", "Inget projekt", "2009", kr(70000),
         "Beslut: Ansökan utan projekt"],
    ]  # fmt: skip
    assert rows(applied, "tfoot") == [["Sökt totalt", kr(570000), ""]]
    granted = table(m, "Flöden med status beviljat")
    assert [r[:5] for r in rows(granted)] == [
        ["Länsstyrelsen", "Hässelby-Vällingby", HOSTILE, "2008", kr(300000)],
        ["Socialstyrelsen", "Hässelby-Vällingby", HOSTILE, "2009", kr(25000)],
    ]
    assert rows(granted)[1][5] == f"Projekt: {HOSTILE}"
    assert rows(granted, "tfoot")[0][:2] == ["Beviljat totalt", kr(325000)]
    rejected = table(m, "Flöden med status avslag")
    assert rows(rejected, "tfoot")[0][:2] == ["Avslag totalt", kr(120000)]
    contributed = table(m, "Flöden med status egen finansiering/medfinansiering")
    assert [r[:5] for r in rows(contributed)] == [
        ["Hässelby-Vällingby", "Hässelby-Vällingby", HOSTILE, "2008", kr(50000)],
        ["Skärholmen", "Framnäs AB", "Framnäs jourtelefon", "2009", kr(30000)],
    ]
    assert rows(contributed, "tfoot")[0][:2] == [
        "Egen finansiering/medfinansiering totalt",
        kr(80000),
    ]
    # Statuses are never added together: no sum of two or more of them appears.
    text = m.text
    for total in (570000 + 325000, 570000 + 80000, 325000 + 80000, 570000 + 325000 + 120000):
        assert kr(total).replace(NBSP, " ") not in text


def test_every_row_links_its_entities_and_sources(money_site: Path) -> None:
    applied = table(main(money_site, "/pengafloden/"), "Flöden med status sökt")
    first = applied.find("tbody").find("tr")
    assert first.links() == [
        "/finansiarer/lansstyrelsen/",
        "/stadsdelar/hasselby-vallingby/",
        "/projekt/p1/",
        "/ar/2008/",
        "/ar/2009/",
        "/beslut/d1/",
    ]


def test_one_diagram_per_status_well_formed_and_linked(money_site: Path) -> None:
    diagrams = svgs(money_site / "pengafloden/index.html")
    assert len(diagrams) == 4
    for svg, status in zip(diagrams, ("sökt", "beviljat", "avslag", "egen"), strict=True):
        # Linked, so a named group rather than an image (whose links would be hidden).
        assert svg.attrib["role"] == "group"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None and desc is not None
        assert status in (title.text or "")
        assert svg.attrib["aria-labelledby"] == title.attrib["id"]
        assert svg.attrib["aria-describedby"] == desc.attrib["id"]
        links = svg.findall(f".//{SVG}a")
        assert links and all(a.find(f"{SVG}title") is not None for a in links)
        assert all(a.attrib["href"].startswith("/") for a in links)
    applied = diagrams[0]
    hrefs = {a.attrib["href"] for a in applied.iter(f"{SVG}a")}
    assert hrefs == {"/finansiarer/lansstyrelsen/", "/stadsdelar/hasselby-vallingby/",
                     "/stadsdelar/skarholmen/", "/projekt/p1/"}  # fmt: skip
    titles = [a.findtext(f"{SVG}title") for a in applied.iter(f"{SVG}a")]
    assert f"Skärholmens stadsdelsnämnd: {kr(70000)} sökt, inget projekt" in titles
    assert f"Länsstyrelsen i Stockholms län: {kr(570000)} sökt" in titles
    # Only one colour per diagram: statuses are never mixed.
    fills = {e.attrib["fill"] for e in applied.iter() if e.attrib.get("fill", "").startswith("#0")}
    assert fills == {"#0b4a8b"}


def test_no_inline_style_or_script_in_diagrams(money_site: Path) -> None:
    raw = (money_site / "pengafloden/index.html").read_text(encoding="utf-8")
    assert 'style="' not in raw and "<style" not in raw
    assert re.findall(r"<script\b[^>]*>", raw) == [
        re.search(r'<script src="/assets/sortera\.[0-9a-f]{10}\.js" defer>', raw)[0]  # type: ignore[index]
    ]


def test_filter_pages_show_only_their_status_and_year(money_site: Path) -> None:
    status_page = main(money_site, "/pengafloden/sokt/")
    assert [s.attrs["aria-labelledby"] for s in status_page.find_all("section")] == ["sokt"]
    assert len(svgs(money_site / "pengafloden/sokt/index.html")) == 1
    years = status_page.find("nav", class_="filter")
    assert "/pengafloden/sokt/2008/" in years.links()
    assert "/pengafloden/sokt/2009/" in years.links()

    year_page = main(money_site, "/pengafloden/sokt/2009/")
    tab = table(year_page, "Flöden med status sökt 2009")
    assert [r[3:5] for r in rows(tab)] == [["2009", kr(100000)], ["2009", kr(70000)]]
    assert rows(tab, "tfoot")[0][:2] == ["Sökt totalt", kr(170000)]
    assert "2008" not in "".join(r[3] for r in rows(tab))
    current = [a for a in year_page.find("nav").find_all("a") if "aria-current" in a.attrs]
    assert [a.attrs["href"] for a in current] == ["/pengafloden/sokt/", "/pengafloden/sokt/2009/"]

    assert (money_site / "pengafloden/avslag/2009/index.html").is_file()
    assert not (money_site / "pengafloden/avslag/2008").exists()
    # Every trails page is linked from the main page, so no filter is out of reach.
    linked = set(main(money_site, "/pengafloden/").links())
    for path in (money_site / "pengafloden").rglob("index.html"):
        url = url_of(money_site, path)
        assert url == "/pengafloden/" or url in linked, url


def test_every_link_in_the_built_site_resolves(money_site: Path) -> None:
    assert broken_links(money_site) == []


def test_trails_pages_read_exactly_their_lines(corpus: Corpus) -> None:
    from insyn.pipeline import read_site
    from insyn.render import plan_pages

    write_money_corpus(corpus)
    result = read_site(corpus.content, corpus.data)
    assert result.graph is not None
    pages = {p.url: p for p in plan_pages(result.graph)}
    main_reads = pages["/pengafloden/"].reads
    assert {"decision:*", "project:*", "org:*", "decision:d1", "decision:d2"} <= main_reads
    granted = pages["/pengafloden/beviljat/"].reads
    assert {"decision:d1", "project:p1", "org:socialstyrelsen", "decision:*"} <= granted
    assert "decision:d2" not in granted and "org:skarholmen" not in granted
    assert pages["/pengafloden/avslag/2009/"].reads >= {"decision:d2", "org:socialstyrelsen"}
    assert "decision:d3" in pages["/kvalitet/"].reads
    for url in ("/pengafloden/", "/pengafloden/sokt/2008/", "/kvalitet/"):
        assert pages[url].path.endswith("index.html")


# --- charts ---------------------------------------------------------------------


def test_district_chart_and_its_table(money_site: Path) -> None:
    path = money_site / "stadsdelar/hasselby-vallingby/index.html"
    tab = table(main(money_site, "/stadsdelar/hasselby-vallingby/"),
                "Pengar till Hässelby-Vällingby per år och status")  # fmt: skip
    assert rows(tab, "thead") == [["År", "Sökt", "Beviljat", "Egen finansiering/medfinansiering"]]
    assert rows(tab) == [
        ["2008", kr(400000), kr(300000), kr(50000)],
        ["2009", kr(100000), kr(25000), "–Inget belopp"],
    ]
    assert rows(tab, "tfoot") == [["Totalt per status", kr(500000), kr(325000), kr(50000)]]
    (chart,) = svgs(path)
    assert chart.attrib["role"] == "img"
    assert chart.findtext(f"{SVG}title") == "Pengar till Hässelby-Vällingby per år och status"
    assert "läggs aldrig ihop" in (chart.findtext(f"{SVG}desc") or "")
    bars = [r for r in chart.iter(f"{SVG}rect") if "stapel" in r.attrib.get("class", "")]
    assert sorted(b.findtext(f"{SVG}title") or "" for b in bars) == sorted(
        [
            f"2008, sökt: {kr(400000)}",
            f"2008, beviljat: {kr(300000)}",
            f"2008, egen finansiering/medfinansiering: {kr(50000)}",
            f"2009, sökt: {kr(100000)}",
            f"2009, beviljat: {kr(25000)}",
        ]
    )
    # Grouped, never stacked: every bar starts at the same baseline.
    bottoms = {round(float(b.attrib["y"]) + float(b.attrib["height"]), 1) for b in bars}
    assert len(bottoms) == 1
    # Heights are proportional to the amounts.
    heights = {b.findtext(f"{SVG}title"): float(b.attrib["height"]) for b in bars}
    ratio = heights[f"2008, sökt: {kr(400000)}"] / heights[f"2008, beviljat: {kr(300000)}"]
    assert ratio == pytest.approx(4 / 3, rel=0.01)
    # Each status has a pattern of its own besides its colour.
    patterns = {p.attrib["id"] for p in chart.iter(f"{SVG}pattern")}
    assert patterns == {"diagram-ar-applied", "diagram-ar-granted", "diagram-ar-contributed"}


def test_funder_and_project_charts(money_site: Path) -> None:
    funder = main(money_site, "/finansiarer/lansstyrelsen/")
    assert rows(table(funder, "Per år och status")) == [
        ["2008", kr(400000), kr(300000)],
        ["2009", kr(170000), "–Inget belopp"],
    ]
    (chart,) = svgs(money_site / "finansiarer/lansstyrelsen/index.html")
    assert chart.findtext(f"{SVG}title") == "Pengar från Länsstyrelsen per år och status"
    project = main(money_site, "/projekt/p1/")
    assert rows(table(project, "Finansiering per år och status")) == [
        ["2008", kr(400000), kr(300000), kr(50000)],
        ["2009", kr(100000), kr(25000), "–Inget belopp"],
    ]
    (chart,) = svgs(money_site / "projekt/p1/index.html")
    assert HOSTILE in (chart.findtext(f"{SVG}title") or "")


def test_chart_colours_have_contrast_against_white() -> None:
    from insyn.svg import STATUS_COLOURS

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in STATUS_COLOURS.values():
        assert 1.05 / (luminance(colour) + 0.05) >= 3, colour


def test_nice_ticks() -> None:
    from insyn.charts import nice_ticks

    assert nice_ticks(400000) == [0, 100000, 200000, 300000, 400000]
    assert nice_ticks(5630000) == [0, 2000000, 4000000, 6000000]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(0) == [0]


def test_edge_corpus_diagrams_and_charts_are_well_formed(site: Path) -> None:
    for path in html_files(site):
        for svg in svgs(path):
            assert svg.find(f"{SVG}title") is not None, path
            assert svg.find(f"{SVG}desc") is not None, path


# --- /kvalitet/ -------------------------------------------------------------------


def test_quality_page_lists_every_published_finding(corpus: Corpus) -> None:
    from insyn.pipeline import read_site

    write_money_corpus(corpus)
    findings = read_site(corpus.content, corpus.data).findings
    assert {f.entity_id for f in findings} == {"d2", "utkast"}
    assert corpus.run("build").returncode == 0
    out = corpus.out
    m = main(out, "/kvalitet/")
    published = [f for f in findings if f.entity_id != "utkast"]
    items = m.find_all("ul", class_="kvalitet__lista")
    assert [li.text for ul in items for li in ul.find_all("li")] == [f.public for f in published]
    group = m.find("li", id="beslut-d2")
    assert group.find("a").attrs["href"] == "/beslut/d2/"
    assert "Finansieringsrad 3 gäller projektet p2" in group.text
    assert "utkast" not in (out / "kvalitet/index.html").read_text(encoding="utf-8").lower()
    # The affected page links back to its group; the footer links to the page everywhere.
    box = main(out, "/beslut/d2/").find("aside", class_="varning")
    assert "/kvalitet/#beslut-d2" in box.links()
    assert "/kvalitet/" in page(out, "/beslut/d1/").find("footer").links()
    assert broken_links(out) == []


def test_quality_page_without_findings(corpus: Corpus) -> None:
    corpus.decision("ok", title="Allt stämmer")
    assert corpus.run("build").returncode == 0
    assert "inte hittat några motsägelser" in main(corpus.out, "/kvalitet/").text

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

from tests.conftest import Corpus, recorded_reads
from tests.test_site import NBSP, Node, broken_links, html_files, main, page, url_of
from tests.test_site import site as site  # the edge corpus, built

SVG = "{http://www.w3.org/2000/svg}"
PERIOD = re.compile(r"/(\d{4})-(\d{4})/$")
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
    """The diagrams and charts of a page, not the bars of a ranked list of flows."""
    text = path.read_text(encoding="utf-8")
    found = re.findall(r"<svg\b.*?</svg>", text, flags=re.S)
    return [ET.fromstring(m) for m in found if 'class="flodeslista__stapel"' not in m]


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
    # Hässelby-Vällingby's 50 000 kr of its own is no flow: only money to another is.
    contributed = table(m, "Flöden med status egen finansiering/medfinansiering")
    assert [r[:5] for r in rows(contributed)] == [
        ["Skärholmen", "Framnäs AB", "Framnäs jourtelefon", "2009", kr(30000)],
    ]
    assert rows(contributed, "tfoot")[0][:2] == [
        "Egen finansiering/medfinansiering totalt",
        kr(30000),
    ]
    # Statuses are never added together: no sum of two or more of them appears.
    text = m.text
    for total in (570000 + 325000, 570000 + 30000, 325000 + 30000, 570000 + 325000 + 120000):
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
    # only external files: the quick exit every page has, and the sortable tables
    assert [re.sub(r"\.[0-9a-f]{10}\.", ".", s) for s in re.findall(r"<script\b[^>]*>", raw)] == [
        '<script src="/assets/lamna.js" defer>',
        '<script src="/assets/tabeller.js" defer>',
        '<script src="/assets/sortera.js" defer>',
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
    # The status, the year, and the year as the first and the last of the period.
    assert [a.attrs["href"] for a in current] == [
        "/pengafloden/sokt/",
        "/pengafloden/sokt/2009/",
        "/pengafloden/sokt/2009/",
        "/pengafloden/sokt/2009/",
    ]

    assert (money_site / "pengafloden/avslag/2009/index.html").is_file()
    assert not (money_site / "pengafloden/avslag/2008").exists()
    # Every status and year page is linked from the main page, so no filter is out of reach;
    # the periods are reached from those pages (test_every_period_page_is_reachable).
    linked = set(main(money_site, "/pengafloden/").links())
    for path in (money_site / "pengafloden").rglob("index.html"):
        url = url_of(money_site, path)
        assert url == "/pengafloden/" or url in linked or PERIOD.search(url), url


def test_every_link_in_the_built_site_resolves(money_site: Path) -> None:
    assert broken_links(money_site) == []


def test_trails_pages_read_exactly_their_lines(corpus: Corpus) -> None:
    """A trails page reads the sources, parties and projects of the lines it lists (and
    every line, which its year links and sums come from), not those of other statuses."""
    write_money_corpus(corpus)
    reads = recorded_reads(corpus.content, corpus.data)
    main_reads = reads["pengafloden/index.html"]
    assert {("decision", "d1"), ("decision", "d2"), ("ledger", "lines")} <= main_reads
    granted = reads["pengafloden/beviljat/index.html"]
    assert {("decision", "d1"), ("project", "p1"), ("org", "socialstyrelsen")} <= granted
    assert ("decision", "d2") not in granted and ("org", "skarholmen") not in granted
    assert reads["pengafloden/avslag/2009/index.html"] >= {
        ("decision", "d2"),
        ("org", "socialstyrelsen"),
    }
    assert ("decision", "d3") in reads["kvalitet/index.html"]


# --- periods --------------------------------------------------------------------


def write_period_corpus(corpus: Corpus) -> Corpus:
    """The money corpus and two more decisions: applied and granted money in 2008-2011.

    Applied per year and trail (funder, recipient, project):
    2008 Länsstyrelsen -> Hässelby-Vällingby, p1: 400 000 (d1)
    2009 the same: 100 000 (d1); Länsstyrelsen -> Skärholmen, no project: 70 000 (d2)
    2010 Länsstyrelsen -> Skärholmen: 200 000 (d4); Länsstyrelsen -> Hässelby-Vällingby, p1:
         5 000 (d5)
    2011 Socialstyrelsen -> Skärholmen: 60 000 (d4); Länsstyrelsen -> Skärholmen: 15 000 (d4)
    Granted: 2008 300 000 (d1), 2009 25 000 (p1), 2010 150 000 and 2011 80 000 (d4).
    Rejected only in 2009, contributed in 2008 and 2009.
    """
    write_money_corpus(corpus)
    corpus.decision(
        "d4",
        title="Ansökan om fortsatta medel",
        district="skarholmen",
        meeting="2010-02-01",
        funding=[
            {"from": "lansstyrelsen", "amount": 200000, "year": 2010, "status": "applied"},
            {"from": "socialstyrelsen", "amount": 60000, "year": 2011, "status": "applied"},
            {"from": "lansstyrelsen", "amount": 15000, "year": 2011, "status": "applied"},
            {"from": "lansstyrelsen", "amount": 150000, "year": 2010, "status": "granted"},
            {"from": "lansstyrelsen", "amount": 80000, "year": 2011, "status": "granted"},
        ],
    )
    corpus.decision(
        "d5",
        title="Tilläggsansökan",
        meeting="2010-04-01",
        projects=["p1"],
        funding=[{"from": "lansstyrelsen", "amount": 5000, "year": 2010, "status": "applied"}],
    )
    return corpus


YEARS = {
    "sokt": [2008, 2009, 2010, 2011],
    "beviljat": [2008, 2009, 2010, 2011],
    "avslag": [2009],
    "egen-finansiering": [2009],  # 2008's is Hässelby-Vällingby's own: no flow
}


def build_in_process(corpus: Corpus) -> Path:
    """Build in this process, so that a monkeypatched `insyn.pages.trails` is what renders."""
    from insyn.cli import BuildOptions
    from insyn.commands import build_site

    report = build_site(
        BuildOptions(corpus.content, corpus.data, corpus.out, quiet=True, search=False)
    )
    assert report.ok, [str(p) for p in report.result.problems.errors]
    return corpus.out


@pytest.fixture
def period_site(corpus: Corpus) -> Path:
    write_period_corpus(corpus)
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    return corpus.out


def period_nav(out: Path, url: str) -> dict[str, list[tuple[str, str, str | None]]]:
    """The period links of a page's filter: label -> [(year, href, aria-current)]."""
    nav = main(out, url).find("nav", class_="filter")
    rows = {}
    for row in nav.find_all("div", class_="filter__rad"):
        label = row.find("span", class_="filter__etikett")
        lst = row.find("ul")
        assert lst.attrs["aria-labelledby"] == label.attrs["id"]
        rows[label.text] = [
            (a.text, a.attrs["href"], a.attrs.get("aria-current")) for a in lst.find_all("a")
        ]
    return rows


def test_a_period_page_sums_only_its_years(period_site: Path) -> None:
    page_ = page(period_site, "/pengafloden/sokt/2009-2010/")
    assert page_.find("title").text.startswith("Pengaflöden: sökt 2009–2010 –")
    m = page_.find("main")
    assert m.find("h1").text == "Pengaflöden: sökt 2009–2010"
    crumbs = page_.find("nav", class_="brodsmulor")
    assert [a.text for a in crumbs.find_all("a")] == ["Start", "Pengaflöden", "Sökt", "2009–2010"]
    assert crumbs.links()[-1] == "/pengafloden/sokt/2009-2010/"
    assert [s.attrs["aria-labelledby"] for s in m.find_all("section")] == ["sokt"]
    assert m.find("h2", id="sokt").text == "Sökt 2009–2010"
    tab = table(m, "Flöden med status sökt 2009–2010")
    assert rows(tab) == [
        ["Länsstyrelsen", "Hässelby-Vällingby", HOSTILE, "2009, 2010", kr(105000),
         "Beslut: Ansökan om medel för stödsamtal Beslut: Tilläggsansökan"],
        ["Länsstyrelsen", "Skärholmen", "Inget projekt", "2009, 2010", kr(270000),
         "Beslut: Ansökan utan projekt Beslut: Ansökan om fortsatta medel"],
    ]  # fmt: skip
    assert rows(tab, "tfoot") == [["Sökt totalt", kr(375000), ""]]
    assert m.find("dl", class_="summor").find("dd").text == kr(375000)
    (diagram,) = svgs(period_site / "pengafloden/sokt/2009-2010/index.html")
    assert diagram.findtext(f"{SVG}title") == "Pengaflöden: sökt 2009–2010"
    assert f"{kr(375000)} med status sökt" in (diagram.findtext(f"{SVG}desc") or "")
    # Other periods, hand-computed; statuses are never added together.
    for url, caption, total in [
        ("/pengafloden/sokt/2010-2011/", "Flöden med status sökt 2010–2011", 280000),
        ("/pengafloden/sokt/2008-2011/", "Flöden med status sökt 2008–2011", 850000),
        ("/pengafloden/sokt/2008-2009/", "Flöden med status sökt 2008–2009", 570000),
        ("/pengafloden/beviljat/2009-2011/", "Flöden med status beviljat 2009–2011", 255000),
    ]:  # fmt: skip
        tab = table(main(period_site, url), caption)
        assert rows(tab, "tfoot")[0][1] == kr(total), url
    granted = table(main(period_site, "/pengafloden/beviljat/2009-2011/"),
                    "Flöden med status beviljat 2009–2011")  # fmt: skip
    assert [r[:5] for r in rows(granted)] == [
        ["Länsstyrelsen", "Skärholmen", "Inget projekt", "2010, 2011", kr(230000)],
        ["Socialstyrelsen", "Hässelby-Vällingby", HOSTILE, "2009", kr(25000)],
    ]


def test_every_pair_of_years_has_a_period_page(period_site: Path) -> None:
    found = {
        url_of(period_site, p)
        for p in (period_site / "pengafloden").rglob("index.html")
        if PERIOD.search(url_of(period_site, p))
    }
    wanted = {
        f"/pengafloden/{slug}/{first}-{last}/"
        for slug, years in YEARS.items()
        for first in years
        for last in years
        if first < last
    }
    assert found == wanted
    assert len(wanted) == 6 + 6 + 0 + 0
    for slug, years in YEARS.items():
        for year in years:
            assert (period_site / f"pengafloden/{slug}/{year}/index.html").is_file()
    sitemap = (period_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/pengafloden/beviljat/2009-2011/</loc>" in sitemap


def test_period_links_choose_the_first_and_the_last_year(period_site: Path) -> None:
    base = "/pengafloden/sokt/"
    assert period_nav(period_site, "/pengafloden/sokt/2009-2010/") == {
        "Från och med": [
            ("2008", f"{base}2008-2010/", None),
            ("2009", f"{base}2009-2010/", "page"),
            ("2010", f"{base}2010/", None),
            ("2011", f"{base}2011/", None),
        ],
        "Till och med": [
            ("2008", f"{base}2008/", None),
            ("2009", f"{base}2009/", None),
            ("2010", f"{base}2009-2010/", "page"),
            ("2011", f"{base}2009-2011/", None),
        ],
    }
    # On the status page the period is every year, which is the status page itself.
    assert period_nav(period_site, base) == {
        "Från och med": [
            ("2008", base, "page"),
            ("2009", f"{base}2009-2011/", None),
            ("2010", f"{base}2010-2011/", None),
            ("2011", f"{base}2011/", None),
        ],
        "Till och med": [
            ("2008", f"{base}2008/", None),
            ("2009", f"{base}2008-2009/", None),
            ("2010", f"{base}2008-2010/", None),
            ("2011", base, "page"),
        ],
    }
    year = period_nav(period_site, f"{base}2010/")
    assert [c for c in year["Från och med"] if c[2]] == [("2010", f"{base}2010/", "page")]
    # A last year before the first is a year of its own.
    assert [c[1] for c in year["Till och med"]] == [
        f"{base}2008/", f"{base}2009/", f"{base}2010/", f"{base}2010-2011/"
    ]  # fmt: skip
    # The page that shows every year by its period: the links say which years it has.
    full = period_nav(period_site, f"{base}2008-2011/")
    assert [c for c in full["Från och med"] if c[2]] == [("2008", base, "true")]
    # A status of one year has nothing to choose; the main page has no period at all.
    assert period_nav(period_site, "/pengafloden/avslag/") == {}
    assert period_nav(period_site, "/pengafloden/") == {}
    nav = main(period_site, "/pengafloden/sokt/2009-2010/").find("nav", class_="filter")
    assert nav.find("h2").text == "Visa en status och en period"
    # One period control: the years, and the first and the last year under a disclosure,
    # open where the page shows a period.
    period = nav.find("div", class_="filter__period")
    assert period.find("ul").attrs["aria-label"] == "År"
    details = period.find("details", class_="filter__flera")
    assert details.find("summary").text == "Flera år i följd"
    assert "open" in details.attrs
    assert len(details.find_all("div", class_="filter__rad")) == 2
    year_page = main(period_site, f"{base}2010/").find("div", class_="filter__period")
    assert "open" not in year_page.find("details").attrs
    years = nav.find("ul", aria_label="År")
    assert not [a for a in years.find_all("a") if "aria-current" in a.attrs]


def test_every_period_page_is_reachable_and_every_link_resolves(period_site: Path) -> None:
    pages = {url_of(period_site, p) for p in (period_site / "pengafloden").rglob("index.html")}
    seen, todo = {"/pengafloden/"}, ["/pengafloden/"]
    while todo:
        for link in main(period_site, todo.pop()).links():
            if link in pages and link not in seen:
                seen.add(link)
                todo.append(link)
    # Only the periods of every year are not linked: their links lead to the status page.
    assert pages - seen == {
        "/pengafloden/sokt/2008-2011/",
        "/pengafloden/beviljat/2008-2011/",
    }
    assert broken_links(period_site) == []


def test_period_script_is_loaded_on_status_pages_only(period_site: Path) -> None:
    def scripts(url: str) -> list[str]:
        raw = (period_site / url.strip("/") / "index.html").read_text(encoding="utf-8")
        return re.findall(r'<script src="/assets/([a-z]+)\.[0-9a-f]{10}\.js" defer></script>', raw)

    assert scripts("/pengafloden/") == ["lamna", "tabeller", "sortera"]
    assert scripts("/pengafloden/avslag/") == ["lamna", "tabeller", "sortera"]
    for url in ("/pengafloden/sokt/", "/pengafloden/sokt/2009/", "/pengafloden/sokt/2009-2010/"):
        assert scripts(url) == ["lamna", "tabeller", "sortera", "period"], url
    assert list((period_site / "assets").glob("period.*.js"))
    box = main(period_site, "/pengafloden/sokt/2009-2010/").find("div", class_="filter__period")
    assert box.attrs["data-adress"] == "/pengafloden/sokt/"
    assert box.attrs["data-ar"] == "2008 2009 2010 2011"
    assert (box.attrs["data-fran"], box.attrs["data-till"]) == ("2009", "2010")
    raw = (period_site / "pengafloden/sokt/2009-2010/index.html").read_text(encoding="utf-8")
    assert 'style="' not in raw and "<style" not in raw


def test_trails_pages_read_the_lines_they_show(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    import insyn.pages.trails
    from insyn.pages.plan import plan_pages
    from insyn.pages.trail_filter import TrailFilter
    from insyn.pipeline import read_site

    write_period_corpus(corpus)
    result = read_site(corpus.content, corpus.data)
    assert result.graph is not None
    pages = {p.url: p for p in plan_pages(result.graph)}
    reads = recorded_reads(corpus.content, corpus.data)
    # In full, a page reads the sources of the lines it lists, and all lines together
    # (its year links depend on every line of the status).
    period = pages["/pengafloden/sokt/2010-2011/"]
    assert period.entity == TrailFilter("applied", 2010, 2010 + 1)
    assert period.path == "pengafloden/sokt/2010-2011/index.html"
    shown = reads[period.path]
    assert {("decision", "d4"), ("decision", "d5"), ("project", "p1"), ("ledger", "lines")} <= shown
    assert ("decision", "d1") not in shown and ("decision", "d2") not in shown
    status = reads["pengafloden/sokt/index.html"]
    assert {("decision", d) for d in ("d1", "d2", "d4", "d5")} <= status
    # A summary shows only sums and organisations: editing a title leaves it alone.
    monkeypatch.setattr(insyn.pages.trails, "DETAIL_LIMIT", 1)
    summary = recorded_reads(corpus.content, corpus.data)[period.path]
    organisations = {("org", o) for o in ("lansstyrelsen", "socialstyrelsen", "skarholmen")}
    assert {("ledger", "lines"), *organisations} <= summary
    assert not [k for k in summary if k[0] in ("decision", "project")]
    # A single year is always shown in full.
    assert {("decision", "d4"), ("ledger", "lines")} <= reads["pengafloden/sokt/2011/index.html"]
    # A single year is one filter, however it is written.
    assert TrailFilter("applied", 2009) == TrailFilter("applied", 2009, 2009)
    assert TrailFilter("applied", 2009).url == "/pengafloden/sokt/2009/"
    assert TrailFilter("applied", 2009, 2010).period == "2009–2010"
    with pytest.raises(ValueError):
        TrailFilter("applied", 2010, 2009)


def test_a_period_with_too_many_trails_shows_sums_and_year_links(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    import insyn.pages.trails

    monkeypatch.setattr(insyn.pages.trails, "DETAIL_LIMIT", 1)
    write_period_corpus(corpus)
    out = build_in_process(corpus)
    m = main(out, "/pengafloden/sokt/2010-2011/")
    assert "Perioden 2010–2011 har 3\u00a0flöden med status sökt, fler än de 1 som" in m.text
    tab = table(m, "Summor med status sökt 2010–2011 per finansiär och mottagare")
    assert rows(tab, "thead") == [["Finansiär", "Mottagare", "Flöden per år", "Belopp"]]
    assert rows(tab) == [
        ["Länsstyrelsen", "Hässelby-Vällingby", "2010", kr(5000)],
        ["Länsstyrelsen", "Skärholmen", "2010, 2011", kr(215000)],
        ["Socialstyrelsen", "Skärholmen", "2011", kr(60000)],
    ]
    assert rows(tab, "tfoot") == [["Sökt totalt", kr(280000)]]
    assert m.find("dl", class_="summor").find("dd").text == kr(280000)
    second = tab.find("tbody").find_all("tr")[1]
    assert second.links() == [
        "/finansiarer/lansstyrelsen/",
        "/stadsdelar/skarholmen/",
        "/pengafloden/sokt/2010/",
        "/pengafloden/sokt/2011/",
    ]
    # The year pages the rows lead to list each trail with its sources, whatever the limit.
    year = table(main(out, "/pengafloden/sokt/2011/"), "Flöden med status sökt 2011")
    assert [r[4:] for r in rows(year)] == [
        [kr(15000), "Beslut: Ansökan om fortsatta medel"],
        [kr(60000), "Beslut: Ansökan om fortsatta medel"],
    ]
    # The diagram has two columns: funders and recipients, no projects.
    (diagram,) = svgs(out / "pengafloden/sokt/2010-2011/index.html")
    headings = [t.text for t in diagram.find(f"{SVG}g").iter(f"{SVG}text")]
    assert headings == ["Finansiär", "Mottagare"]
    hrefs = {a.attrib["href"] for a in diagram.iter(f"{SVG}a")}
    assert hrefs == {"/finansiarer/lansstyrelsen/", "/finansiarer/socialstyrelsen/",
                     "/stadsdelar/hasselby-vallingby/", "/stadsdelar/skarholmen/"}  # fmt: skip
    titles = [a.findtext(f"{SVG}title") for a in diagram.iter(f"{SVG}a")]
    assert (
        f"Länsstyrelsen i Stockholms län till Skärholmens stadsdelsnämnd: {kr(215000)} sökt"
        in titles
    )
    assert f"Skärholmens stadsdelsnämnd: {kr(275000)} sökt" in titles
    assert "2\u00a0finansiärer till vänster och 2\u00a0mottagare till höger" in (
        diagram.findtext(f"{SVG}desc") or ""
    )
    # At the limit a period is still shown in full.
    full = table(main(out, "/pengafloden/beviljat/2010-2011/"),
                 "Flöden med status beviljat 2010–2011")  # fmt: skip
    assert rows(full, "tfoot")[0][:2] == ["Beviljat totalt", kr(230000)]
    assert "Summor med" not in main(out, "/pengafloden/beviljat/2010-2011/").text
    # Every year of a status is summed up alike, on its own page and on the overview;
    # a single year never is.
    for url in ("/pengafloden/sokt/", "/pengafloden/"):
        text = main(out, url).text
        assert "Åren 2008–2011 har" in text and "Summor med status sökt 2008–2011" in text
    assert "Summor med" not in main(out, "/pengafloden/sokt/2011/").text
    assert broken_links(out) == []


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
    from insyn.present.svg import STATUS_COLOURS

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in STATUS_COLOURS.values():
        assert 1.05 / (luminance(colour) + 0.05) >= 3, colour


def test_nice_ticks() -> None:
    from insyn.present.charts import nice_ticks

    assert nice_ticks(400000) == [0, 100000, 200000, 300000, 400000]
    assert nice_ticks(5630000) == [0, 2000000, 4000000, 6000000]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(0) == [0]


def test_short_amounts_agree_with_babel() -> None:
    """`formatting.amount_short` writes millions itself (a diagram labels every node): it
    must say what Babel's `#,##0.#` says of the millions rounded to tenths, edges too."""
    import random

    from babel.numbers import format_decimal

    from insyn.model import formatting

    def babel(value: int) -> str:
        if value < 1_000_000:
            return formatting.amount_short(value)
        short = format_decimal(round(value / 1_000_000, 1), format="#,##0.#", locale="sv_SE")
        return re.sub("[ \u202f\u2009]", "\u00a0", short) + "\u00a0mnkr"

    chance = random.Random(7)
    values = [0, 1, 999, 1000, 999_499, 999_500, 999_999, 1_000_000, 1_049_999, 1_050_000]
    values += [1_250_000, 1_350_000, 2_450_000, 2_449_999, 2_450_001, 999_950_000, 10**12]
    values += [chance.randrange(10 ** chance.randrange(1, 12)) for _ in range(5000)]
    for value in values:
        assert formatting.amount_short(value) == babel(value), value


def test_trails_pages_follow_a_swapped_graph(corpus: Corpus) -> None:
    """`serve` swaps in a graph with a renamed project and the same ledger: the trails'
    per-graph names and links must not outlive it."""
    import dataclasses

    from insyn.pages.site import SiteView
    from insyn.pages.trail_filter import TrailFilter
    from insyn.pages.trails import trails_page
    from insyn.pipeline import read_site

    write_money_corpus(corpus)
    graph = read_site(corpus.content, corpus.data).graph
    assert graph is not None
    site = SiteView(graph, [], {})
    (before,) = trails_page(TrailFilter("applied", 2008), site).sections
    renamed = dataclasses.replace(graph.projects["p1"], name="Nytt & bättre namn")
    site.graph = dataclasses.replace(graph, projects={**graph.projects, "p1": renamed})
    (after,) = trails_page(TrailFilter("applied", 2008), site).sections
    for shown in (after.diagram, after.rows):
        assert "Nytt &amp; bättre namn" in shown
        assert graph.projects["p1"].name not in shown
    assert before.diagram != after.diagram


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

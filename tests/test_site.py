"""The built site, tested by structure: every page type, cross-links, links, formatting.

One test corpus (`write_edge_corpus`) holds every edge the contract allows;
pages are parsed with the standard library's `html.parser` into a small
tree and asserted on by element, attribute and text.
"""

from __future__ import annotations

import filecmp
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import ROOT, Corpus, recorded_reads, run_site

NBSP = "\u00a0"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


# --- a small HTML tree ------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and all(
                (v in n.attrs.get(k, "").split()) if k == "class" else n.attrs.get(k) == v
                for k, v in wanted.items()
            )
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}> in <{self.tag}>"
        return found[0]

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return re.sub(r"[ \t\n\r]+", " ", "".join(parts)).strip()

    def links(self) -> list[str]:
        return [n.attrs["href"] for n in self.find_all("a") if "href" in n.attrs]

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None and node.parent is not None, f"stray </{tag}>"
        self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(path: Path) -> Node:
    builder = _TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    assert builder.current is builder.root, f"unclosed <{builder.current.tag}> in {path}"
    return builder.root


def page(out: Path, url: str) -> Node:
    return parse(
        out / url.strip("/") / "index.html" if url.endswith("/") else out / url.lstrip("/")
    )


def main(out: Path, url: str) -> Node:
    return page(out, url).find("main")


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def url_of(out: Path, path: Path) -> str:
    relative = path.relative_to(out).as_posix()
    return (
        "/" + relative.removesuffix("index.html")
        if relative.endswith("index.html")
        else "/" + relative
    )


def broken_links(out: Path) -> list[str]:
    """Every internal href/src in every HTML file that does not resolve, as `page -> link`."""
    ids: dict[Path, set[str]] = {}
    trees = {path: parse(path) for path in html_files(out)}
    for path, tree in trees.items():
        ids[path] = {n.attrs["id"] for n in tree.iter() if "id" in n.attrs}
    broken = []
    for path, tree in trees.items():
        for node in tree.iter():
            for attr in ("href", "src"):
                link = node.attrs.get(attr)
                if link is None or re.match(r"^[a-z][a-z0-9+.-]*:", link) or link.startswith("//"):
                    continue
                target_url, _, fragment = link.partition("#")
                target_url = target_url.partition("?")[0]
                if not target_url:
                    target = path
                elif not target_url.startswith("/"):
                    broken.append(f"{url_of(out, path)} -> {link} (not root-relative)")
                    continue
                else:
                    target = out / target_url.lstrip("/")
                    if target_url.endswith("/"):
                        target = target / "index.html"
                    elif target.is_dir():
                        broken.append(f"{url_of(out, path)} -> {link} (no trailing slash)")
                        continue
                if not target.is_file():
                    broken.append(f"{url_of(out, path)} -> {link}")
                elif fragment and target.suffix == ".html" and fragment not in ids[target]:
                    broken.append(f"{url_of(out, path)} -> {link} (no id '{fragment}')")
    return broken


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --- the test corpus ----------------------------------------------------------

BODY_WITH_HEADINGS = """\
## Sammanfattning

Stadsdelsnämnden ansöker om **utvecklingsmedel**. Läs [Länsstyrelsens villkor](https://www.lansstyrelsen.se/)
och [vårt projekt](/projekt/samtal/).

## Bakgrund

| Post | Belopp |
|------|-------:|
| Lön  | 100 000 kr |

<script>alert("x")</script>
<a href="javascript:alert(1)" onclick="alert(2)" style="color:red">klicka</a>

## Förvaltningens förslag

Förvaltningen föreslår bifall. {: #kapad .klass }
"""


def write_edge_corpus(corpus: Corpus) -> Corpus:
    """Every edge the contract allows: several funders on one decision, a decision without
    money, `year` without `meeting`, a district co-financing a project owned by a
    non-district organisation, drafts, partial dates, a project-declared funding line."""
    corpus.organisations += [
        {
            "id": "arvsfonden",
            "name": "Allmänna arvsfonden",
            "type": "funder",
            "category": "statlig fond",
        },
        {
            "id": "kvinnojouren",
            "name": "Kvinnojouren i Västerort",
            "type": "organisation",
            "category": "ideell förening",
        },
    ]
    corpus.write_data()
    corpus.decision(
        "samtalsgrupper",
        body=BODY_WITH_HEADINGS,
        title="Ansökan om medel för samtalsgrupper",
        meeting="2007-11-27",
        document_date="2007-11-05",
        diary_number="1.5-123/2007",
        kind="application",
        case_officer={"name": "Hans Peters", "phone": "08-508 04 016"},
        signed_by=[
            {"name": "Leif Spjuth", "title": "stadsdelsdirektör"},
            {"name": "Birgitta Härröd", "title": "avdelningschef"},
        ],
        proposals=["Nämnden godkänner ansökan.", "Nämnden justerar beslutet omedelbart."],
        immediate_adjustment=True,
        projects=["samtal"],
        funding=[
            {"from": "lansstyrelsen", "amount": 5630000, "year": 2008, "status": "applied"},
            {
                "from": "socialstyrelsen",
                "amount": 200000,
                "year": 2008,
                "status": "granted",
                "note": "Beviljat i mars 2008.",
            },
            {"from": "hasselby-vallingby", "amount": 100000, "year": 2008, "status": "contributed"},
        ],
        attachments=["Ansökan till Länsstyrelsen"],
        outcome={"status": "approved", "note": "Nämnden biföll förslaget."},
        notes=["Beloppet i sammanfattningen skiljer sig från ansökan."],
        source="https://example.org/tjansteutlatande.pdf",
        tags=["samtalsgrupper"],
    )
    corpus.decision(
        "utan-pengar",
        title="Information om arbetet mot våld",
        district="skarholmen",
        meeting=None,
        year=2011,
        kind="other",
    )
    corpus.decision(
        "medfinansiering",
        title="Medfinansiering av Framnäs stödlinje",
        district="skarholmen",
        meeting="2012-03-15",
        kind="co-financing",
        projects=["stodlinje"],
        funding=[
            {
                "from": "skarholmen",
                "to": "framnas",
                "amount": 250000,
                "year": 2012,
                "status": "contributed",
            }
        ],
    )
    corpus.decision(
        "rinkeby-rapport",
        title="Slutrapport för samtalsgrupperna",
        district="rinkeby",
        meeting="2005-01-10",
        document_date="2005-03-01",
        kind="report",
        projects=["samtal"],
        outcome={"status": "rejected"},
        funding=[{"from": "lansstyrelsen", "amount": 300000, "year": 2005, "status": "rejected"}],
    )
    corpus.decision(
        "hemligt-utkast",
        title="Utkast till ansökan",
        meeting="2013-01-10",
        draft=True,
        projects=["utkastprojekt"],
        funding=[{"from": "socialstyrelsen", "amount": 999000, "year": 2013, "status": "applied"}],
    )
    corpus.project(
        "samtal",
        name="Samtalsgrupper för våldsutsatta kvinnor",
        owner="hasselby-vallingby",
        partners=["framnas", "kvinnojouren"],
        start="2008-02",
        end=2008,
        status="ongoing",
        target_groups=["kvinnor över 18 år"],
        parts=[
            {
                "name": "Gruppledning",
                "organisation": "kvinnojouren",
                "description": "Jouren leder grupperna.",
            }
        ],
        budget=[
            {"item": "Gruppledare", "year": 2008, "amount": 5000000},
            {"item": "Lokaler", "year": 2008, "amount": 630000},
        ],
        funding=[{"from": "kvinnojouren", "amount": 50000, "year": 2008, "status": "contributed"}],
    )
    corpus.project(
        "stodlinje", name="Framnäs stödlinje", owner="framnas", start=2012, status="planned"
    )
    corpus.project("utkastprojekt", name="Hemligt utkastprojekt", owner="skarholmen", draft=True)
    return corpus


@pytest.fixture
def site(corpus: Corpus) -> Path:
    write_edge_corpus(corpus)
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return corpus.out


ENTITY_PAGES = re.compile(r"^/(beslut|projekt|stadsdelar|finansiarer|organisationer|ar)/[^/]+/$")


# --- every page ---------------------------------------------------------------


def test_every_page_of_the_url_scheme_exists(site: Path) -> None:
    expected = [
        "/",
        "/beslut/",
        "/beslut/samtalsgrupper/",
        "/beslut/utan-pengar/",
        "/beslut/medfinansiering/",
        "/beslut/rinkeby-rapport/",
        "/projekt/",
        "/projekt/samtal/",
        "/projekt/stodlinje/",
        "/stadsdelar/",
        "/stadsdelar/hasselby-vallingby/",
        "/stadsdelar/skarholmen/",
        "/stadsdelar/rinkeby/",
        "/finansiarer/",
        "/finansiarer/lansstyrelsen/",
        "/finansiarer/socialstyrelsen/",
        "/finansiarer/arvsfonden/",
        "/organisationer/",
        "/organisationer/framnas/",
        "/organisationer/kvinnojouren/",
        "/ar/",
        "/ar/2005/",
        "/ar/2007/",
        "/ar/2008/",
        "/ar/2011/",
        "/ar/2012/",
        "/pengafloden/",
        "/data/",
        "/sok/",
        "/tillganglighet/",
    ]
    for url in expected:
        assert (site / url.lstrip("/") / "index.html").is_file(), url
    for name in ("404.html", "robots.txt", "sitemap.xml", "feed.xml"):
        assert (site / name).is_file(), name
    assert len(list(site.glob("assets/insyn.[0-9a-f]*.css"))) == 1  # fingerprinted
    # Organisations have one page each, by type.
    assert not (site / "organisationer/lansstyrelsen").exists()
    assert not (site / "finansiarer/hasselby-vallingby").exists()
    assert not (site / "ar/2013").exists()  # only the draft has 2013


def test_decision_page_shows_every_field(site: Path) -> None:
    m = main(site, "/beslut/samtalsgrupper/")
    assert [h.text for h in m.find_all("h1")] == ["Ansökan om medel för samtalsgrupper"]
    facts = {
        div.find("dt").text: div.find("dd")
        for div in m.find("dl", class_="fakta").children
        if isinstance(div, Node)
    }
    assert facts["Stadsdelsnämnd"].links() == ["/stadsdelar/hasselby-vallingby/"]
    assert facts["Sammanträde"].text == "27 november 2007"
    assert facts["Sammanträde"].find("time").attrs["datetime"] == "2007-11-27"
    assert facts["Tjänsteutlåtandets datum"].text == "5 november 2007"
    assert facts["År"].links() == ["/ar/2007/"]
    assert facts["Diarienummer"].text == "1.5-123/2007"
    assert facts["Typ av ärende"].text == "Ansökan"
    assert facts["Handläggare"].text == "Hans Peters, telefon 08-508 04 016"
    assert [li.text for li in facts["Undertecknat av"].find_all("li")] == [
        "Leif Spjuth, stadsdelsdirektör",
        "Birgitta Härröd, avdelningschef",
    ]
    assert facts["Omedelbar justering"].text == "Ja"
    assert facts["Utfall"].text == "Bifall"
    assert facts["Originaldokument"].links() == ["https://example.org/tjansteutlatande.pdf"]

    proposals = m.find("ol", class_="forslag")
    assert [li.text for li in proposals.find_all("li")] == [
        "Nämnden godkänner ansökan.",
        "Nämnden justerar beslutet omedelbart.",
    ]
    assert "Nämnden biföll förslaget." in m.text

    table = m.find("table")
    assert table.find("caption").text == "Finansieringsrader i beslutet"
    rows = [[td.text for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
    project = "Samtalsgrupper för våldsutsatta kvinnor"
    amount = f"5{NBSP}630{NBSP}000{NBSP}kr"
    assert rows == [
        ["Länsstyrelsen", "Hässelby-Vällingby", "2008", amount, "sökt", project],
        [
            "Socialstyrelsen",
            "Hässelby-Vällingby",
            "2008",
            f"200{NBSP}000{NBSP}kr",
            "beviljat",
            project,
        ],
        ["Anmärkning: Beviljat i mars 2008."],
        [
            "Hässelby-Vällingby",
            "Hässelby-Vällingby",
            "2008",
            f"100{NBSP}000{NBSP}kr",
            "Egen insats",  # the district's own money, not funding from a funder
            project,
        ],
    ]
    assert table.find("tr", class_="noteringsrad").find("td").attrs["colspan"] == "6"
    links = table.find("tbody").links()
    for href in (
        "/finansiarer/lansstyrelsen/",
        "/finansiarer/socialstyrelsen/",
        "/stadsdelar/hasselby-vallingby/",
        "/projekt/samtal/",
        "/ar/2008/",
    ):
        assert href in links
    totals = {dt.text: dd.text for dt, dd in _totals(m)}
    assert totals == {
        "Sökt totalt": f"5{NBSP}630{NBSP}000{NBSP}kr",
        "Beviljat totalt": f"200{NBSP}000{NBSP}kr",
        "Egen finansiering/medfinansiering totalt": f"100{NBSP}000{NBSP}kr",
    }

    projects = m.find("section", aria_labelledby="projekt")
    assert "/projekt/samtal/" in projects.links()
    assert "Ansökan till Länsstyrelsen" in m.find("section", aria_labelledby="bilagor").text
    note = m.find("aside", class_="anmarkning")
    assert note.find("h2").text == "Redaktionell anmärkning"
    assert "Beloppet i sammanfattningen skiljer sig från ansökan." in note.text


def _totals(node: Node) -> list[tuple[Node, Node]]:
    dl = node.find("dl", class_="summor")
    return [(div.find("dt"), div.find("dd")) for div in dl.find_all("div")]


def test_decision_body_is_sanitised_with_anchors_and_contents(site: Path) -> None:
    m = main(site, "/beslut/samtalsgrupper/")
    body = m.find("div", class_="brodtext")
    headings = [h for h in body.iter() if h.tag in ("h2", "h3", "h4")]
    assert [(h.tag, h.attrs["id"], h.text) for h in headings] == [
        ("h3", "sammanfattning", "Sammanfattning"),
        ("h3", "bakgrund", "Bakgrund"),
        ("h3", "forvaltningens-forslag", "Förvaltningens förslag"),
    ]
    toc = m.find("nav", class_="innehallsforteckning")
    assert toc.links() == ["#sammanfattning", "#bakgrund", "#forvaltningens-forslag"]
    # The body's table is kept, with header scopes, inside a labelled scroll region.
    region = body.find("div", class_="tabellram")
    assert region.attrs["tabindex"] == "0" and region.attrs["role"] == "region"
    assert [th.attrs.get("scope") for th in region.find_all("th")] == ["col", "col"]
    # Nothing content could use to run code or add attributes survives.
    assert not body.find_all("script")
    raw = (site / "beslut/samtalsgrupper/index.html").read_text(encoding="utf-8")
    assert "alert" not in raw.replace("klicka", "")
    assert "javascript:" not in raw and "onclick" not in raw and 'style="' not in raw
    assert 'id="kapad"' not in raw and "klass" not in body.attrs.get("class", "")
    klicka = [a for a in body.find_all("a") if a.text == "klicka"]
    assert klicka and "href" not in klicka[0].attrs
    assert body.find("a", href="https://www.lansstyrelsen.se/").text == "Länsstyrelsens villkor"


def test_decision_without_money_or_meeting(site: Path) -> None:
    m = main(site, "/beslut/utan-pengar/")
    assert "Beslutet anger inga belopp." in m.text
    assert "Sammanträde" not in [dt.text for dt in m.find_all("dt")]
    year = [
        div for div in m.find("dl", class_="fakta").find_all("div") if div.find("dt").text == "År"
    ]
    assert year[0].find("dd").text == "2011 (sammanträdesdatum saknas)"
    assert not m.find_all("table")
    assert not m.find_all("aside")  # no notes: no empty note box
    assert "Övrigt" in m.text


def test_decision_page_shows_data_quality_findings(site: Path) -> None:
    m = main(site, "/beslut/rinkeby-rapport/")
    warning = m.find("aside", class_="varning")
    item = warning.find("li")
    assert "lang" not in item.attrs  # worded in Swedish, the page's own language
    assert (
        "Sammanträdet (10 januari 2005) ligger 50 dagar före tjänsteutlåtandets datum" in item.text
    )
    assert not main(site, "/beslut/utan-pengar/").find_all("aside", class_="varning")


def test_project_page(site: Path) -> None:
    m = main(site, "/projekt/samtal/")
    assert m.find("h1").text == "Samtalsgrupper för våldsutsatta kvinnor"
    facts = {d.find("dt").text: d.find("dd") for d in m.find("dl", class_="fakta").find_all("div")}
    assert facts["Projektägare"].links() == ["/stadsdelar/hasselby-vallingby/"]
    assert facts["Period"].text == "februari 2008–2008"
    # Its period (to 2008) has passed: the status is what the source said, not a fact now.
    assert facts["Status"].text == "Enligt källan: pågående (februari 2008–2008)"
    assert facts["Partner"].links() == ["/organisationer/framnas/", "/organisationer/kvinnojouren/"]
    assert facts["Målgrupper"].text == "kvinnor över 18 år"
    parts = m.find("section", aria_labelledby="delar")
    assert "Gruppledning" in parts.text and "/organisationer/kvinnojouren/" in parts.links()

    budget = m.find("section", aria_labelledby="budget").find("table")
    assert budget.find("caption").text == "Budget per post och år"
    total_row = budget.find("tr", class_="summarad")
    assert total_row.find("th").text == "Budget 2008 totalt"
    assert total_row.find("td").text == f"5{NBSP}630{NBSP}000{NBSP}kr"

    money = m.find("section", aria_labelledby="finansiering")
    sources = [
        a.attrs["href"] for a in money.find_all("a") if a.text.startswith(("Beslut:", "Projekt:"))
    ]
    # Lines from its decisions and its own line, each linked to where it is declared.
    assert sorted(set(sources)) == [
        "/beslut/rinkeby-rapport/",
        "/beslut/samtalsgrupper/",
        "/projekt/samtal/",
    ]
    totals = {dt.text: dd.text for dt, dd in _totals(money)}
    assert totals == {
        "Sökt totalt": f"5{NBSP}630{NBSP}000{NBSP}kr",
        "Beviljat totalt": f"200{NBSP}000{NBSP}kr",
        "Avslag totalt": f"300{NBSP}000{NBSP}kr",
        "Egen finansiering/medfinansiering totalt": f"150{NBSP}000{NBSP}kr",
    }
    timeline = m.find("ol", class_="tidslinje")
    assert [a for a in timeline.links() if a.startswith("/beslut/")] == [
        "/beslut/rinkeby-rapport/",
        "/beslut/samtalsgrupper/",
    ]


def test_project_owned_by_organisation_cofinanced_by_district(site: Path) -> None:
    project = main(site, "/projekt/stodlinje/")
    facts = project.find("dl", class_="fakta")
    assert facts.find("dd").links() == ["/organisationer/framnas/"]
    assert "Period" in facts.text and "från 2012" in facts.text
    assert (
        "/stadsdelar/skarholmen/" in project.find("section", aria_labelledby="finansiering").links()
    )

    district = main(site, "/stadsdelar/skarholmen/")
    out = district.find("section", aria_labelledby="pengar-ut")
    assert out.find("caption").text == "Pengar från Skärholmen till andra"
    assert {"/organisationer/framnas/", "/projekt/stodlinje/", "/beslut/medfinansiering/"} <= set(
        out.links()
    )
    assert dict((dt.text, dd.text) for dt, dd in _totals(out)) == {
        "Egen finansiering/medfinansiering totalt": f"250{NBSP}000{NBSP}kr"
    }
    framnas = main(site, "/organisationer/framnas/")
    received = framnas.find("section", aria_labelledby="pengar-in")
    assert "/stadsdelar/skarholmen/" in received.links()
    roles = {
        post.find("a").text: post.find("p", class_="post__meta").text
        for post in framnas.find("section", aria_labelledby="projekt").find_all("li", class_="post")
    }
    assert roles["Framnäs stödlinje"].startswith("Projektägare, Tar emot pengar")
    assert roles["Samtalsgrupper för våldsutsatta kvinnor"].startswith("Partner")


def test_district_page(site: Path) -> None:
    m = main(site, "/stadsdelar/hasselby-vallingby/")
    assert m.find("h1").text == "Hässelby-Vällingby stadsdelsnämnd"
    assert "Västerort" in m.find("dl", class_="fakta").text
    decisions = m.find("section", aria_labelledby="beslut")
    assert [h.text for h in decisions.find_all("h3")] == ["2007"]
    assert "/beslut/samtalsgrupper/" in decisions.links()
    assert "/beslut/hemligt-utkast/" not in decisions.links()
    received = m.find("section", aria_labelledby="pengar-in").find("table")
    assert [th.text for th in received.find("thead").find_all("th")] == [
        "Finansiär",
        "Sökt",
        "Beviljat",
        "Egen finansiering/medfinansiering",
    ]
    rows = {
        tr.find("th").text: [td.text for td in tr.find_all("td")]
        for tr in received.find("tbody").find_all("tr")
    }
    assert rows["Länsstyrelsen"] == [
        f"5{NBSP}630{NBSP}000{NBSP}kr",
        "–Inget belopp",
        "–Inget belopp",
    ]
    assert "/projekt/samtal/" in m.find("section", aria_labelledby="projekt").links()

    rinkeby = main(site, "/stadsdelar/rinkeby/")
    assert "1997–2006" in rinkeby.find("dl", class_="fakta").text


def test_funder_pages_and_the_funder_list(site: Path) -> None:
    m = main(site, "/finansiarer/")
    links = m.find("table").find("tbody").links()
    # Every payer, each linked to its one page: funders, districts, organisations; not
    # Hässelby-Vällingby, whose only money is its own (contract section 6).
    assert links == [
        "/organisationer/kvinnojouren/",
        "/finansiarer/lansstyrelsen/",
        "/stadsdelar/skarholmen/",
        "/finansiarer/socialstyrelsen/",
    ]
    assert m.find("section", aria_labelledby="utan-belopp").links() == ["/finansiarer/arvsfonden/"]

    funder = main(site, "/finansiarer/lansstyrelsen/")
    money = funder.find("section", aria_labelledby="pengar-ut")
    captions = [c.text for c in money.find_all("caption")]
    assert captions[:3] == [
        "Per år och status",
        "Per mottagare och status",
        "Per projekt och status",
    ]
    assert {
        "/ar/2005/",
        "/ar/2008/",
        "/stadsdelar/hasselby-vallingby/",
        "/stadsdelar/rinkeby/",
        "/projekt/samtal/",
    } <= set(money.links())
    assert dict((dt.text, dd.text) for dt, dd in _totals(money)) == {
        "Sökt totalt": f"5{NBSP}630{NBSP}000{NBSP}kr",
        "Avslag totalt": f"300{NBSP}000{NBSP}kr",
    }
    refs = funder.find("section", aria_labelledby="beslut")
    assert refs.links()[:1] and "/beslut/samtalsgrupper/" in refs.links()
    idle = main(site, "/finansiarer/arvsfonden/")
    assert (
        "Inga finansieringsrader där Allmänna arvsfonden ensam betalar finns på webbplatsen."
        in idle.text
    )


def test_year_pages(site: Path) -> None:
    years = main(site, "/ar/")
    rows = years.find("table").find("tbody").find_all("tr")
    assert [r.find("th").text for r in rows] == ["2012", "2011", "2008", "2007", "2005"]
    year = main(site, "/ar/2008/")
    assert year.find("h1").text == "År 2008"
    money = year.find("section", aria_labelledby="pengar")
    assert [c.text for c in money.find_all("caption")] == [
        "Pengar för 2008 per finansiär och status",
        "Pengar för 2008 per mottagare och status",
        "Alla finansieringsrader för 2008",
    ]
    assert "Inga beslut från 2008 finns på webbplatsen." in year.text
    assert "/beslut/samtalsgrupper/" in main(site, "/ar/2007/").links()
    assert "/beslut/utan-pengar/" in main(site, "/ar/2011/").links()


def test_list_pages_home_and_placeholders(site: Path) -> None:
    decisions = main(site, "/beslut/")
    assert [h.text for h in decisions.find_all("h2")] == [
        f"2012 (1{NBSP}beslut)",
        f"2011 (1{NBSP}beslut)",
        f"2007 (1{NBSP}beslut)",
        f"2005 (1{NBSP}beslut)",
    ]
    assert "/beslut/hemligt-utkast/" not in decisions.links()
    assert main(site, "/projekt/").links() == [
        "/projekt/stodlinje/",
        "/organisationer/framnas/",
        "/projekt/samtal/",
        "/stadsdelar/hasselby-vallingby/",
    ]
    districts = main(site, "/stadsdelar/")
    assert [h.text for h in districts.find_all("h2")] == ["Söderort", "Västerort"]
    assert all(t.find_all("caption") for t in districts.find_all("table"))
    home = main(site, "/")
    assert home.find("h1").text == "Insyn test"
    assert [a for a in home.find("section", aria_labelledby="senaste").links()][:1] == [
        "/beslut/medfinansiering/"
    ]
    assert "/finansiarer/lansstyrelsen/" in home.links() and "/ar/2008/" in home.links()
    for url, words in [
        ("/pengafloden/", "Följ pengarna"),
        ("/data/", "öppna data"),
        ("/sok/", "Sökningen behöver JavaScript"),
        ("/tillganglighet/", "test@example.se"),
    ]:
        assert words in main(site, url).text, url
    statement = main(site, "/tillganglighet/")
    assert "Testkommunen" in statement.text and "WCAG 2.1" in statement.text


def test_cross_links_go_both_ways(site: Path) -> None:
    """Every link from an entity page to another entity page is answered by a link back
    (links in list items' meta lines, such as a project's owner, are context, not relations)."""
    pages = {url_of(site, p): parse(p).find("main") for p in html_files(site)}
    entity_pages = {url: m for url, m in pages.items() if ENTITY_PAGES.match(url)}
    missing = []
    for url, m in sorted(entity_pages.items()):
        for a in m.find_all("a"):
            target = a.attrs.get("href", "").partition("#")[0]
            if target == url or target not in entity_pages:
                continue
            if any(n.has_class("post__meta") for n in a.ancestors()):
                continue
            if url not in entity_pages[target].links():
                missing.append(f"{url} -> {target}, but not back")
    assert not missing, "\n".join(missing)


def test_no_broken_internal_links(site: Path) -> None:
    assert broken_links(site) == []


def test_money_of_different_statuses_is_never_added_up(site: Path) -> None:
    # Decision "samtalsgrupper": 5 630 000 applied, 200 000 granted, 100 000 contributed.
    # Any sum across its statuses would be one of these; none may appear anywhere.
    forbidden = [5_830_000, 5_730_000, 5_930_000]
    texts = [p.read_text(encoding="utf-8") for p in html_files(site)]
    for value in forbidden:
        shown = f"{value:,}".replace(",", NBSP) + f"{NBSP}kr"
        assert not any(shown in text for text in texts), shown


def test_drafts_are_published_only_with_drafts(corpus: Corpus) -> None:
    write_edge_corpus(corpus)
    assert corpus.run("build").returncode == 0
    assert not (corpus.out / "beslut/hemligt-utkast").exists()
    assert not (corpus.out / "projekt/utkastprojekt").exists()
    everything = "".join(
        p.read_text(encoding="utf-8")
        for p in corpus.out.rglob("*")
        if p.is_file() and "pagefind" not in p.parts  # gzipped; see test_search.py
    )
    assert "hemligt" not in everything.lower()
    assert f"999{NBSP}000" not in everything and "/ar/2013/" not in everything

    result = corpus.run("build", "--drafts")
    assert result.returncode == 0, result.stderr
    draft = main(corpus.out, "/beslut/hemligt-utkast/")
    assert "Utkast – publiceras inte" in draft.text
    assert (corpus.out / "projekt/utkastprojekt/index.html").is_file()
    assert (corpus.out / "ar/2013/index.html").is_file()
    assert broken_links(corpus.out) == []


def test_swedish_formatting() -> None:
    import datetime as dt

    from insyn.model import PartialDate, formatting

    assert formatting.amount(5630000) == f"5{NBSP}630{NBSP}000{NBSP}kr"
    assert formatting.amount(999) == f"999{NBSP}kr"
    assert formatting.date(dt.date(2007, 11, 27)) == "27 november 2007"
    assert formatting.partial_date(PartialDate(2007, 2)) == "februari 2007"
    assert formatting.partial_date(PartialDate(2012)) == "2012"
    assert formatting.partial_date(PartialDate(2007, 2, 1)) == "1 februari 2007"
    assert (
        formatting.period(PartialDate(2007, 2), PartialDate(2008, 8))
        == "februari 2007–augusti 2008"
    )
    assert formatting.period(None, None) == "okänd"
    words = [formatting.status_word(s) for s in ("applied", "granted", "rejected", "contributed")]
    assert words == ["sökt", "beviljat", "avslag", "egen finansiering/medfinansiering"]
    kinds = [formatting.kind_word(k) for k in ("application", "co-financing", "report", "other")]
    assert kinds == ["Ansökan", "Medfinansiering", "Redovisning", "Övrigt"]
    assert formatting.outcome_word("approved") == "Bifall"
    assert formatting.count(1, "projekt", "projekt") == f"1{NBSP}projekt"


def test_swedish_formatting_on_pages(site: Path) -> None:
    text = (site / "beslut/samtalsgrupper/index.html").read_text(encoding="utf-8")
    assert f"5{NBSP}630{NBSP}000{NBSP}kr" in text
    # JSON-LD carries amounts as numbers for machines; what people read is formatted.
    shown = re.sub(r'<script type="application/ld\+json">.*?</script>', "", text, flags=re.S)
    assert "5 630 000 kr" not in shown and "5630000" not in shown
    assert "27 november 2007" in text
    assert "februari 2008–2008" in main(site, "/projekt/samtal/").text


def test_every_page_is_accessible_by_structure(site: Path) -> None:
    for path in html_files(site):
        url = url_of(site, path)
        doc = parse(path)
        html = doc.find("html")
        assert html.attrs["lang"] == "sv", url
        assert len(doc.find_all("h1")) == 1, url
        for landmark in ("header", "main", "footer"):
            assert len(doc.find_all(landmark)) == 1, (url, landmark)
        body = doc.find("body")
        first = next(n for n in body.iter() if n.tag == "a")
        assert first.attrs["href"] == "#innehall" and doc.find("main").attrs["id"] == "innehall", (
            url
        )
        assert doc.find("nav", aria_label="Huvudmeny")
        crumbs = doc.find("nav", aria_label="Brödsmulor")
        assert crumbs.find_all("a")[-1].attrs.get("aria-current") == "page", url
        search = doc.find("form", role="search")
        assert search.attrs["action"] == "/sok/" and search.attrs["method"] == "get"
        field_ = search.find("input", name="q")
        assert search.find("label", for_=field_.attrs["id"]).text, url
        assert "/tillganglighet/" in doc.find("footer").links(), url
        for table in doc.find_all("table"):
            assert table.find_all("caption") or (
                table.parent and table.parent.attrs.get("aria-label")
            ), url
            assert all(th.attrs.get("scope") in ("col", "row") for th in table.find_all("th")), url
            region = table.parent
            assert region is not None and region.has_class("tabellram"), url
            assert region.attrs.get("tabindex") == "0" and region.attrs.get("aria-label"), url
        # Only data (JSON-LD) and files from /assets/: nothing inline runs under a strict CSP.
        for script in doc.find_all("script"):
            if script.attrs.get("type") == "application/ld+json":
                continue
            assert script.attrs.get("src", "").startswith("/assets/") and not script.text, url
        assert not doc.find_all("style"), url
        assert not [n for n in doc.iter() if "style" in n.attrs], url
        assert not [n for n in doc.iter() if any(k.startswith("on") for k in n.attrs)], url
        if url != "/404.html":
            canonical = doc.find("link", rel="canonical").attrs["href"]
            assert canonical == f"https://insyn.example.se{url}", url
            assert doc.find("meta", property="og:url").attrs["content"] == canonical
            assert doc.find("meta", property="og:title").attrs["content"]


def test_css_has_focus_print_and_reduced_motion() -> None:
    css = (ROOT / "assets/insyn.css").read_text(encoding="utf-8")
    assert ":focus-visible" in css
    assert "@media print" in css
    assert "prefers-reduced-motion" in css


def test_feed_sitemap_and_robots(site: Path) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(site / "feed.xml").getroot()
    entries = feed.findall(f"{atom}entry")
    assert [e.findtext(f"{atom}id") for e in entries] == [
        "https://insyn.example.se/beslut/medfinansiering/",
        "https://insyn.example.se/beslut/utan-pengar/",
        "https://insyn.example.se/beslut/samtalsgrupper/",
        "https://insyn.example.se/beslut/rinkeby-rapport/",
    ]
    # outside git every file is as new as the build (the tests' day), so the graph's order
    # (newest meeting first) decides; tests/test_feeds.py orders by commits
    assert {e.findtext(f"{atom}updated") for e in entries} == {"2025-01-01T00:00:00Z"}
    assert {e.findtext(f"{atom}published") for e in entries} == {"2025-01-01T00:00:00Z"}
    assert feed.findtext(f"{atom}updated") == "2025-01-01T00:00:00Z"

    sitemap = ET.parse(site / "sitemap.xml").getroot()
    locs = {e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    pages = {f"https://insyn.example.se{url_of(site, p)}" for p in html_files(site)}
    assert locs == pages - {"https://insyn.example.se/404.html"}
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://insyn.example.se/sitemap.xml" in robots.splitlines()


def test_base_url_option_changes_every_absolute_url(corpus: Corpus) -> None:
    write_edge_corpus(corpus)
    result = corpus.run("build", "--base-url", "https://annan.example.org/")
    assert result.returncode == 0, result.stderr
    doc = page(corpus.out, "/beslut/samtalsgrupper/")
    assert doc.find("link", rel="canonical").attrs["href"] == (
        "https://annan.example.org/beslut/samtalsgrupper/"
    )
    assert "insyn.example.se" not in (corpus.out / "sitemap.xml").read_text(encoding="utf-8")


def test_failed_build_leaves_previous_site_untouched(corpus: Corpus) -> None:
    write_edge_corpus(corpus)
    assert corpus.run("build").returncode == 0
    before = tree_bytes(corpus.out)
    corpus.decision("trasig", district="finns-inte")
    result = corpus.run("build")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "unknown organisation 'finns-inte'" in result.stderr
    assert tree_bytes(corpus.out) == before


def test_two_builds_are_byte_identical(corpus: Corpus) -> None:
    write_edge_corpus(corpus)
    first, second = corpus.root / "ut1", corpus.root / "ut2"
    assert corpus.run("build", "--out", str(first)).returncode == 0
    assert corpus.run("build", "--out", str(second)).returncode == 0
    comparison = filecmp.dircmp(first, second)
    assert tree_bytes(first) == tree_bytes(second)
    assert not comparison.left_only and not comparison.right_only


def test_shipped_content_builds_with_no_broken_links(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_site(
        "build",
        "--content",
        str(ROOT / "content"),
        "--data",
        str(ROOT / "data"),
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert broken_links(out) == []
    for source in sorted((ROOT / "content/decisions").glob("*.md")):
        assert (out / "beslut" / source.stem / "index.html").is_file(), source.stem
    for source in sorted((ROOT / "content/projects").glob("*.md")):
        assert (out / "projekt" / source.stem / "index.html").is_file(), source.stem


def test_link_checker_finds_broken_links(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text(
        '<a href="/a/">ok</a><a href="/b/">missing</a><a href="/a">no slash</a>'
        '<a href="#nope">frag</a><a href="relative/">rel</a><a id="x" href="https://e.org/">ext</a>',
        encoding="utf-8",
    )
    assert broken_links(tmp_path) == [
        "/a/ -> /b/",
        "/a/ -> /a (no trailing slash)",
        "/a/ -> #nope (no id 'nope')",
        "/a/ -> relative/ (not root-relative)",
    ]


def test_each_page_records_what_it_shows(corpus: Corpus) -> None:
    """The keys a page records while it renders are what it shows: its lines' parties and
    sources, its projects, the decisions it lists; an edit of one decision then touches the
    pages that show it, not all pages."""
    from insyn.pages.plan import plan_pages
    from insyn.pipeline import read_site

    write_edge_corpus(corpus)
    result = read_site(corpus.content, corpus.data)
    assert result.graph is not None
    pages = {p.url: p for p in plan_pages(result.graph)}
    assert len(pages) == len(plan_pages(result.graph))  # one page per URL
    assert len({p.path for p in pages.values()}) == len(pages)
    reads = recorded_reads(corpus.content, corpus.data)

    def of(url: str) -> frozenset[tuple[str, ...]]:
        return reads[pages[url].path]

    decision = pages["/beslut/samtalsgrupper/"]
    assert (
        decision.template == "decision.html" and decision.path == "beslut/samtalsgrupper/index.html"
    )
    assert getattr(decision.entity, "id", None) == "samtalsgrupper"
    assert {
        ("decision", "samtalsgrupper"),
        ("org", "hasselby-vallingby"),
        ("org", "lansstyrelsen"),
        ("org", "socialstyrelsen"),
        ("project", "samtal"),
        ("ledger", "declared_by", "decision", "samtalsgrupper"),
    } <= of("/beslut/samtalsgrupper/")
    assert ("decision", "medfinansiering") not in of("/beslut/samtalsgrupper/")

    # Its own lines and the decisions that declare lines for it or list it.
    assert {
        ("project", "samtal"),
        ("org", "kvinnojouren"),
        ("org", "framnas"),
        ("decision", "samtalsgrupper"),
        ("decision", "rinkeby-rapport"),
        ("ledger", "for_project", "samtal"),
        ("index", "decisions_by_project", "samtal"),
    } <= of("/projekt/samtal/")
    funder = of("/finansiarer/lansstyrelsen/")
    assert {
        ("org", "lansstyrelsen"),
        ("decision", "samtalsgrupper"),
        ("decision", "rinkeby-rapport"),
        ("project", "samtal"),
        ("org", "rinkeby"),
        ("ledger", "paid_by", "lansstyrelsen"),
    } <= funder
    assert ("decision", "utan-pengar") not in funder
    assert ("decision", "samtalsgrupper") in of("/ar/2008/")
    assert ("decision", "samtalsgrupper") in of("/ar/2007/")
    assert ("decisions",) in of("/beslut/") and ("decisions",) in of("/feed.xml")
    assert pages["/sitemap.xml"].entity == tuple(
        p.url for p in pages.values() if p.path.endswith("index.html")
    )
    # The pages that only count decisions (/ar/, /stadsdelar/) read the indexes they count.
    assert ("decision", "utan-pengar") not in of("/ar/") | of("/stadsdelar/")
    assert ("index", "decisions_by_year", 2011) in of("/ar/")
    touched = [url for url, p in pages.items() if ("decision", "utan-pengar") in reads[p.path]]
    assert sorted(touched) == [
        "/",
        "/ar/2011/",
        "/beslut/",
        "/beslut/utan-pengar/",
        "/feed.xml",
        "/kvalitet/",
        "/stadsdelar/skarholmen/",
        "/stadsdelar/skarholmen/feed.xml",
        "/stadsdelar/skarholmen/sammantraden.ics",
    ]


def test_number_fast_path_agrees_with_babel() -> None:
    from babel.numbers import format_decimal

    from insyn.model import formatting

    for value in (0, 7, 999, 1000, 12345, 5630000, 1234567890):
        assert formatting.number(value) == format_decimal(value, locale="sv_SE").replace(
            "\u202f", NBSP
        )


def test_dates_agree_with_babel() -> None:
    import datetime as dt

    from babel.dates import format_date

    from insyn.model import formatting

    days = [dt.date(1, 1, 1), dt.date(999, 12, 31), dt.date(9999, 12, 31)]
    for year in (2000, 2007, 2023, 2024):
        first = dt.date(year, 1, 1)
        days += [first + dt.timedelta(days=n) for n in range(366)]
    for day in days:
        assert formatting.date(day) == format_date(day, "d MMMM y", locale="sv_SE"), day


def test_a_row_is_made_once_per_graph_and_again_for_a_new_graph(corpus: Corpus) -> None:
    """`SiteView.each`: rows shared by many tables are made once, never from an old graph."""
    from dataclasses import replace

    from markupsafe import Markup, escape

    from insyn.model import Decision
    from insyn.pages.site import SiteView
    from insyn.pipeline import read_site

    write_edge_corpus(corpus)
    result = read_site(corpus.content, corpus.data)
    assert result.graph is not None
    view = SiteView(result.graph, [], {})
    made: list[tuple[str, object]] = []

    def row(decision: Decision, option: object) -> Markup:
        made.append((decision.id, option))
        return Markup("<li>{}{}</li>").format(decision.title, option)

    decisions = view.decisions(sorted(result.graph.decisions))
    first = view.each(row, decisions, "a")
    assert (
        first
        == view.each(row, decisions, "a")
        == view.each(row, list(reversed(decisions))[::-1], "a")
    )
    assert len(made) == len(decisions)
    assert first.count("<li>") == len(decisions) and str(escape(decisions[0].title)) in first
    view.each(row, decisions[:1], "b")
    assert made[-1] == (decisions[0].id, "b") and len(made) == len(decisions) + 1

    renamed = replace(decisions[0], title="Ny <rubrik>")
    new_graph = replace(result.graph, decisions={**result.graph.decisions, renamed.id: renamed})
    view.graph = new_graph
    again = view.each(row, view.decisions(sorted(new_graph.decisions)), "a")
    assert "Ny &lt;rubrik&gt;a" in again and len(made) == 2 * len(decisions) + 1

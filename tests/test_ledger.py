"""The ledger tells the whole truth: money without a stated sum, joint money, own money,
lines without a year, and answers to applications.

One corpus holds every case, built once with the real command line; each total is
worked out by hand below (the figures are in the corpus' comments) and read off the
pages as a reader sees them. The shipped content is built too: the relations the
seeds state must be on the pages of their funders.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Corpus, run_site
from tests.test_opendata import giving_validator, read_csv, read_json
from tests.test_site import main, page

NBSP = "\u00a0"
#: 1 January 2020: what "today" is for the planned periods of this corpus.
TODAY = "1577836800"


def kr(value: int) -> str:
    return f"{value:,}".replace(",", NBSP) + f"{NBSP}kr"


def text(node: Any) -> str:
    return str(node.text)


def section(out: Path, url: str, heading_id: str) -> Any:
    """The `<section>` of a page's `<main>` that holds the element with `heading_id`."""
    heading = main(out, url).find(id=heading_id)
    return next(node for node in heading.ancestors() if node.tag == "section")


def write_ledger_corpus(corpus: Corpus) -> Corpus:
    corpus.write_data()
    corpus.project("p1", name="Samtal", owner="hasselby-vallingby", start=2008, end=2009)
    corpus.project("gammalt", name="Gammalt projekt", status="planned", start=1999, end=2001)
    corpus.project("framtid", name="Framtida projekt", status="planned", start=2019, end=2030)
    # Hässelby-Vällingby applies to two funders; Länsstyrelsen answers, Socialstyrelsen not.
    corpus.decision(
        "ansokan",
        meeting="2008-02-01",
        projects=["p1"],
        funding=[
            {"from": "lansstyrelsen", "amount": 500000, "year": 2008, "status": "applied"},
            {"from": "socialstyrelsen", "amount": 200000, "year": 2008, "status": "applied"},
        ],
    )
    corpus.decision(
        "besked",
        meeting="2008-06-01",
        kind="other",
        projects=["p1"],
        funding=[
            {
                "from": "lansstyrelsen",
                "amount": 400000,
                "year": 2008,
                "status": "granted",
                "answers": "ansokan",
            },
            {
                "from": "lansstyrelsen",
                "amount": 100000,
                "year": 2008,
                "status": "rejected",
                "answers": "ansokan",
            },
        ],
    )
    # Skärholmen applies to Socialstyrelsen and is refused.
    corpus.decision(
        "skar-ansokan",
        district="skarholmen",
        meeting="2009-01-10",
        funding=[{"from": "socialstyrelsen", "amount": 300000, "year": 2009, "status": "applied"}],
    )
    corpus.decision(
        "skar-avslag",
        district="skarholmen",
        meeting="2009-05-05",
        kind="other",
        funding=[
            {
                "from": "socialstyrelsen",
                "amount": 300000,
                "year": 2009,
                "status": "rejected",
                "answers": "skar-ansokan",
            }
        ],
    )
    # Joint money, own money, an unknown sum and a line without a year.
    both = ["skarholmen", "hasselby-vallingby"]
    corpus.decision(
        "gemensam",
        district="skarholmen",
        meeting="2010-03-03",
        funding=[
            {
                "from": "socialstyrelsen",
                "to": both,
                "amount": 900000,
                "year": 2010,
                "status": "applied",
            },
            {"from": both, "to": both, "amount": 250000, "year": 2010, "status": "contributed"},
            {"from": "skarholmen", "amount": 50000, "year": 2010, "status": "contributed"},
            {
                "from": "socialstyrelsen",
                "year": 2010,
                "status": "granted",
                "note": "Beviljat, belopp anges inte.",
            },
            {
                "from": "lansstyrelsen",
                "status": "granted",
                "project": None,
                "note": "Tidigare beviljat.",
            },
            {
                "from": ["lansstyrelsen", "socialstyrelsen"],
                "to": "hasselby-vallingby",
                "amount": 600000,
                "year": 2010,
                "status": "granted",
            },
        ],
    )
    return corpus


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = write_ledger_corpus(Corpus(tmp_path_factory.mktemp("ledger")))
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = TODAY
    try:
        result = corpus.run("build")
        checked = corpus.run("check")
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before
    assert result.returncode == 0, result.stderr
    (corpus.root / "check.txt").write_text(checked.stdout, encoding="utf-8")
    return corpus.out


def totals(out: Path, url: str, heading_id: str) -> dict[str, str]:
    """Status heading -> what its sum says, in one section of a page."""
    block = section(out, url, heading_id).find("dl", class_="summor")
    return {
        text(dt): text(dd)
        for dt, dd in zip(block.find_all("dt"), block.find_all("dd"), strict=True)
    }


# --- sums that leave nothing unsaid ----------------------------------------------------


def test_a_funder_page_sums_known_amounts_and_says_what_they_leave_out(site: Path) -> None:
    assert totals(site, "/finansiarer/lansstyrelsen/", "pengar-ut") == {
        "Sökt totalt": kr(500000),
        "Beviljat totalt": f"{kr(400000)} (därtill 1{NBSP}beviljande med okänt belopp)",
        "Avslag totalt": kr(100000),
    }
    # Socialstyrelsen alone: 200 000 + 300 000 + 900 000 applied (the last to two districts
    # together), 300 000 refused, one grant of unknown sum; the grant it pays jointly with
    # Länsstyrelsen is in neither funder's sums.
    assert totals(site, "/finansiarer/socialstyrelsen/", "pengar-ut") == {
        "Sökt totalt": kr(1400000),
        "Beviljat totalt": f"Belopp okänt (1{NBSP}beviljande med okänt belopp)",
        "Avslag totalt": kr(300000),
    }


def test_joint_money_counts_once_in_no_members_own_sums(site: Path) -> None:
    for url in ("/finansiarer/lansstyrelsen/", "/finansiarer/socialstyrelsen/"):
        joint = section(site, url, "gemensamt")
        assert "600" in text(joint) and "(gemensamt)" in text(joint)
        assert totals(site, url, "gemensamt") == {"Beviljat totalt": kr(600000)}
    skarholmen = totals(site, "/stadsdelar/skarholmen/", "gemensamt")
    assert skarholmen == {
        "Sökt totalt": kr(900000),
        "Egen finansiering/medfinansiering totalt": kr(250000),
    }
    # In the downloads, every member is named and the first stays in from_id / to_id.
    _, rows = read_csv(site / "data/finansiering.csv")
    joint_rows = [r for r in rows if " " in r["from_ids"] or " " in r["to_ids"]]
    assert sorted((r["from_ids"], r["to_ids"], r["amount"]) for r in joint_rows) == [
        ("lansstyrelsen socialstyrelsen", "hasselby-vallingby", "600000"),
        ("skarholmen hasselby-vallingby", "skarholmen hasselby-vallingby", "250000"),
        ("socialstyrelsen", "skarholmen hasselby-vallingby", "900000"),
    ]
    lines = read_json(site, "/data/finansiering.json")["lines"]
    paid_jointly = next(
        ln for ln in lines if len(ln["from_ids"]) == 2 and ln["status"] == "granted"
    )
    assert (paid_jointly["from_id"], paid_jointly["from_ids"]) == (
        "lansstyrelsen",
        ["lansstyrelsen", "socialstyrelsen"],
    )


def test_own_money_is_no_funding_from_a_funder(site: Path) -> None:
    listed = [text(a) for a in main(site, "/finansiarer/").find_all("a")]
    assert "Länsstyrelsen" in listed and "Socialstyrelsen" in listed
    assert not any("Skärholmen" in name or "Hässelby" in name for name in listed)
    district = main(site, "/stadsdelar/skarholmen/")
    (caption,) = [c for c in district.find_all("caption") if "per finansiär" in c.text]
    by_funder = next(node for node in caption.ancestors() if node.tag == "table")
    assert "Skärholmen" not in text(by_funder.find("tbody"))
    assert totals(site, "/stadsdelar/skarholmen/", "egen-insats") == {
        "Egen finansiering/medfinansiering totalt": kr(50000)
    }
    assert "Egen insats" in text(district)
    # The trails draw no band from a council to itself.
    flows = text(main(site, "/pengafloden/egen-finansiering/"))
    assert "Skärholmens stadsdelsnämnd till Skärholmens stadsdelsnämnd" not in flows


def test_a_line_of_unknown_sum_is_shown_everywhere_and_added_to_no_total(site: Path) -> None:
    decision = text(main(site, "/beslut/gemensam/"))
    assert decision.count("belopp okänt") == 2  # its two lines of unknown sum
    assert "år okänt" in decision  # and the one without a year
    # On the year page of its year it is a row, and no sum counts it.
    year = totals(site, "/ar/2010/", "pengar")
    assert year["Beviljat totalt"] == f"{kr(600000)} (därtill 1{NBSP}beviljande med okänt belopp)"
    # The line without a year is on no year page.
    for path in sorted(site.glob("ar/*/index.html")):
        assert "Tidigare beviljat" not in path.read_text(encoding="utf-8"), path
    _, rows = read_csv(site / "data/finansiering.csv")
    unknown = [r for r in rows if r["amount"] == ""]
    assert len(unknown) == 2 and {r["year"] for r in unknown} == {"2010", ""}
    lines = read_json(site, "/data/finansiering.json")["lines"]
    years = sorted(str(ln["year"]) for ln in lines if ln["amount"] is None)
    assert years == ["2010", "None"]
    # The trails list it and add nothing for it.
    granted = main(site, "/pengafloden/beviljat/2010/")
    assert "belopp okänt" in text(granted)


# --- answers to applications -----------------------------------------------------------


def test_an_answered_application_says_how_much_of_it_was_granted(site: Path) -> None:
    answers = text(section(site, "/beslut/ansokan/", "besked"))
    assert f"beviljat {kr(400000)} av sökta {kr(500000)} (80 %)" in answers
    assert f"sökt {kr(200000)}; inget besked på webbplatsen" in answers
    assert "Beslut: Beslut besked" in answers  # a link to the answer
    answering = text(section(site, "/beslut/besked/", "besked"))
    assert "besked på ansökan i beslutet Beslut ansokan" in answering
    refused = text(section(site, "/beslut/skar-ansokan/", "besked"))
    assert f"avslag (sökt {kr(300000)})" in refused


def test_funder_pages_give_the_share_granted_over_answered_applications_only(site: Path) -> None:
    answered = text(section(site, "/finansiarer/lansstyrelsen/", "sokt-beviljat"))
    assert (
        f"1{NBSP}besvarad ansökan: beviljat {kr(400000)} av sökta {kr(500000)} (80 %)" in answered
    )
    social = text(section(site, "/finansiarer/socialstyrelsen/", "sokt-beviljat"))
    assert f"beviljat {kr(0)} av sökta {kr(300000)} (0 %)" in social
    assert f"2{NBSP}ansökningar utan besked på webbplatsen: sökt {kr(1100000)}" in social


def test_answers_are_checked(corpus: Corpus) -> None:
    """Every wrong `answers` is reported, each at its line, in one run."""
    corpus.write_data()
    applied = {"amount": 5, "year": 2007, "status": "applied"}
    corpus.decision("a", funding=[{"from": "lansstyrelsen", **applied}])
    corpus.decision(
        "b",
        funding=[
            {"from": "lansstyrelsen", **applied, "answers": "a"},
            {"from": "lansstyrelsen", **applied, "status": "granted", "answers": "x"},
        ],
    )
    corpus.decision(
        "c", funding=[{"from": "socialstyrelsen", **applied, "status": "granted", "answers": "a"}]
    )
    result = corpus.run("check")
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert len(errors) == 3, errors
    assert any(
        "b.md:" in e and "funding[0].answers: only a granted or rejected" in e for e in errors
    )
    assert any("b.md:" in e and "funding[1].answers: unknown decision 'x'" in e for e in errors)
    assert any(
        "c.md:" in e and "decision 'a' has no applied line from 'socialstyrelsen'" in e
        for e in errors
    )


# --- what pages claim ------------------------------------------------------------------


def test_a_planned_project_whose_period_has_passed_is_not_shown_as_current(site: Path) -> None:
    checked = (site.parent / "check.txt").read_text(encoding="utf-8")
    assert re.search(
        r"content/projects/gammalt\.md:\d+: warning: .*\[status-out-of-date\]", checked
    )
    assert "framtid.md" not in checked
    old = text(main(site, "/projekt/gammalt/"))
    assert "Enligt källan: planerat (1999–2001)" in old
    assert "Framtida projekt" in text(main(site, "/projekt/"))
    assert "Enligt källan" not in text(main(site, "/projekt/framtid/"))


def test_a_calendar_without_meetings_is_neither_written_nor_linked(site: Path) -> None:
    assert (site / "stadsdelar/hasselby-vallingby/sammantraden.ics").is_file()
    assert not (site / "stadsdelar/rinkeby/sammantraden.ics").exists()
    assert "sammantraden.ics" not in (site / "stadsdelar/rinkeby/index.html").read_text("utf-8")
    assert "sammantraden.ics" in (site / "stadsdelar/skarholmen/index.html").read_text("utf-8")


def test_360giving_has_only_what_the_standard_calls_a_grant_and_still_validates(site: Path) -> None:
    package = read_json(site, "/data/360giving.json")
    assert [
        (g["amountAwarded"], g["recipientOrganization"][0]["id"]) for g in package["grants"]
    ] == [(400000, "360G-insyn-org:hasselby-vallingby")]
    errors = [e.message for e in giving_validator().iter_errors(package)]
    assert errors == []
    guide = text(main(site, "/data/"))
    assert "okänt belopp, utan år eller med flera betalare eller mottagare är inga bidrag" in guide


def test_a_decision_filed_under_another_year_than_its_written_meeting(corpus: Corpus) -> None:
    corpus.write_data()
    corpus.decision("fel", meeting="2006-01-30", year=2007)
    refused = corpus.run("check")
    assert refused.returncode == 1
    assert "year 2007 does not match the meeting date 2006-01-30" in refused.stdout
    corpus.decision(
        "fel", meeting="2006-01-30", year=2007, notes=["Datumet är troligen fel för 2007-01-30."]
    )
    built = corpus.run("build")
    assert built.returncode == 0, built.stderr
    facts = text(main(corpus.out, "/beslut/fel/").find("dl", class_="fakta"))
    assert "30 januari 2006 (så som det står i dokumentet)" in facts
    assert "2007 (beslutet förs till 2007" in facts
    assert "/beslut/fel/" in (corpus.out / "ar/2007/index.html").read_text(encoding="utf-8")
    assert not (corpus.out / "ar/2006/index.html").exists()


# --- the shipped content ---------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shipped") / "_site"
    result = run_site("build", "--out", str(out), "--no-search", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return out


def test_the_shipped_funders_list_every_relation_the_seeds_state(shipped: Path) -> None:
    decisions = text(section(shipped, "/finansiarer/kompetensfonden/", "beslut"))
    assert "Redovisning av slutrapporter – projektet Järva Kvinnofrid" in decisions
    assert "Järva Kvinnofrid" in text(section(shipped, "/finansiarer/kompetensfonden/", "projekt"))
    lansstyrelsen = main(shipped, "/finansiarer/lansstyrelsen-stockholm/")
    listed = text(section(shipped, "/finansiarer/lansstyrelsen-stockholm/", "beslut"))
    assert "Ansökan om utvecklingsmedel" in listed  # seed 001's earlier grants
    assert "Västerorts samverkansprojekt mot relationsvåld" in listed  # seed 002's application
    rows = text(lansstyrelsen)
    for project in (
        "Våld i nära relationer",
        "Mansmottagning i söderort",
        "Centrum för våldsutsatta",
    ):
        assert project in rows, project


def test_the_shipped_joint_own_financing_is_no_district_paying_itself(shipped: Path) -> None:
    funders = text(main(shipped, "/finansiarer/"))
    assert "Enskede-Årsta-Vantör" not in funders
    for district in (
        "farsta",
        "skarpnack",
        "hagersten-liljeholmen",
        "alvsjo",
        "enskede-arsta-vantor",
    ):
        joint = totals(shipped, f"/stadsdelar/{district}/", "gemensamt")
        assert joint["Egen finansiering/medfinansiering totalt"] == kr(3481000), district
    head = page(
        shipped, "/beslut/2007-hasselby-vallingby-vasterorts-samverkansprojekt-mot-relationsvald/"
    )
    assert "/ar/2007/" in str(head.find("dl", class_="fakta"))


def test_check_strict_passes_on_the_shipped_content() -> None:
    result = run_site("check", "--strict", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "[status-out-of-date]" in result.stdout  # listed, and explained in the notes

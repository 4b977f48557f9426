"""A district's council meetings: the list, each meeting with exactly its decisions and
their money, and the links that lead there (a decision, the district, the year, the
calendar)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.conftest import Corpus
from tests.test_site import html_files, url_of

BASE = "https://insyn.example.se"


def _line(amount: int, status: str = "granted", payer: str = "lansstyrelsen") -> dict[str, object]:
    return {"from": payer, "amount": amount, "year": 2008, "status": status}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = Corpus(tmp_path_factory.mktemp("meetings"))
    corpus.write_data()
    corpus.decision(
        "b",
        title="Beslut B",
        meeting="2008-02-19",
        diary_number="1.5-2/2008",
        funding=[_line(100000), _line(50000, "applied", "socialstyrelsen")],
    )
    corpus.decision(
        "a",
        title="Beslut A",
        meeting="2008-02-19",
        diary_number="1.5-1/2008",
        funding=[_line(30000)],
    )
    corpus.decision("c", title="Beslut C", meeting="2007-11-27")
    corpus.decision("d", title="Beslut utan sammanträdesdag", meeting=None, year=2008)
    corpus.decision(
        "g", title="Rinkebys beslut utan dag", district="rinkeby", meeting=None, year=2008
    )
    corpus.decision(
        "e",
        title="Skärholmens beslut",
        district="skarholmen",
        meeting="2008-02-19",
        funding=[_line(7000)],
    )
    corpus.decision("f", title="Utkast", meeting="2009-01-01", draft=True)
    result = corpus.run("build", "--no-search")
    assert result.returncode == 0, result.stderr
    return corpus.out


def _links(html: str, section: str) -> list[str]:
    part = html.split(f'aria-labelledby="{section}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<a class="post__rubrik" href="([^"]+)"', part)


def test_the_list_has_every_meeting_with_decisions_latest_first(site: Path) -> None:
    page = (site / "stadsdelar/hasselby-vallingby/sammantraden/index.html").read_text("utf-8")
    assert re.findall(r'class="post__rubrik" href="([^"]+)"', page) == [
        "/stadsdelar/hasselby-vallingby/sammantraden/2008-02-19/",
        "/stadsdelar/hasselby-vallingby/sammantraden/2007-11-27/",
    ]  # no page for the draft's day, nor for the decision without a meeting day
    assert "2\u00a0beslut" in page and "1\u00a0beslut" in page
    assert "Beviljat totalt: 130\u00a0000\u00a0kr" in page
    assert "<h1>Sammanträden</h1>" in page


def test_a_meeting_lists_exactly_its_decisions_in_diary_order(site: Path) -> None:
    page = (site / "stadsdelar/hasselby-vallingby/sammantraden/2008-02-19/index.html").read_text(
        "utf-8"
    )
    assert _links(page, "beslut") == ["/beslut/a/", "/beslut/b/"]  # 1.5-1 before 1.5-2
    assert "/beslut/e/" not in page  # Skärholmen met that day too, on its own page
    assert (
        "Beviljat totalt: 100\u00a0000\u00a0kr" in page
        and "Sökt totalt: 50\u00a0000\u00a0kr" in page
    )
    # the meeting's money: what its decisions declare, per status, never added across them
    money = page.split('aria-labelledby="pengar"', 1)[1]
    assert "130\u00a0000\u00a0kr" in money and "50\u00a0000\u00a0kr" in money
    assert 'href="/stadsdelar/hasselby-vallingby/sammantraden/2007-11-27/" rel="prev"' in page
    other = (site / "stadsdelar/skarholmen/sammantraden/2008-02-19/index.html").read_text("utf-8")
    assert _links(other, "beslut") == ["/beslut/e/"]


def test_decisions_the_district_the_year_and_the_calendar_lead_to_the_meetings(
    site: Path,
) -> None:
    decision = (site / "beslut/a/index.html").read_text("utf-8")
    assert '<a href="/stadsdelar/hasselby-vallingby/sammantraden/2008-02-19/"><time' in decision
    district = (site / "stadsdelar/hasselby-vallingby/index.html").read_text("utf-8")
    assert 'href="/stadsdelar/hasselby-vallingby/sammantraden/">Sammanträden</a>' in district
    year = (site / "ar/2008/index.html").read_text("utf-8")
    assert re.findall(r'href="(/stadsdelar/[^"]+/sammantraden/[^"]+)"', year) == [
        "/stadsdelar/hasselby-vallingby/sammantraden/2008-02-19/",
        "/stadsdelar/skarholmen/sammantraden/2008-02-19/",
    ]
    calendar = Calendar.from_ical(
        (site / "stadsdelar/hasselby-vallingby/sammantraden.ics").read_bytes()
    )
    for event in calendar.walk("VEVENT"):
        day = event.decoded("dtstart").isoformat()
        assert str(event["description"]).endswith(
            f"Sammanträdet: {BASE}/stadsdelar/hasselby-vallingby/sammantraden/{day}/"
        )


def test_a_district_without_meetings_has_no_meeting_pages(site: Path) -> None:
    assert (site / "stadsdelar/rinkeby/index.html").is_file()
    assert not (site / "stadsdelar/rinkeby/sammantraden").exists()
    assert "sammantraden" not in (site / "stadsdelar/rinkeby/index.html").read_text("utf-8")


def test_every_link_to_a_meeting_page_leads_to_one(site: Path) -> None:
    pages = {url_of(site, p) for p in html_files(site)}
    linked = set()
    for path in html_files(site):
        linked |= set(
            re.findall(r'href="(/stadsdelar/[^"]+/sammantraden/[^"]*)"', path.read_text("utf-8"))
        )
    assert linked and linked <= pages
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert f"{BASE}/stadsdelar/hasselby-vallingby/sammantraden/2007-11-27/" in sitemap


def test_a_meeting_day_a_decision_says_is_wrong_is_marked(corpus: Corpus) -> None:
    """A decision filed under another year than its meeting day (its notes say the day in
    the document is wrong): the meeting page does not present the day as a fact."""
    corpus.decision(
        "fel",
        title="Beslut med fel datum",
        meeting="2006-01-30",
        year=2007,
        document_date="2007-01-04",
        notes=["Dokumentet anger sammanträde 30 januari 2006; troligen menas 2007."],
    )
    corpus.decision("ratt", title="Beslut samma dag", meeting="2006-01-30")
    result = corpus.run("build", "--no-search")
    assert result.returncode == 0, result.stderr
    page = corpus.out / "stadsdelar/hasselby-vallingby/sammantraden/2006-01-30/index.html"
    text = page.read_text("utf-8")
    assert text.count("Sammanträdesdagen är den som står i dokumentet") == 1  # only on "fel"
    assert "troligen fel" not in text.split("<h2")[0]  # one decision of the day is dated right
    (corpus.content / "decisions/ratt.md").unlink()
    assert corpus.run("build", "--no-search").returncode == 0
    text = page.read_text("utf-8")
    assert "Dagen är den som står i beslutets dokument, och den är troligen fel" in text
    listing = (corpus.out / "stadsdelar/hasselby-vallingby/sammantraden/index.html").read_text(
        "utf-8"
    )
    assert "(så som det står i dokumentet; troligen fel)" in listing

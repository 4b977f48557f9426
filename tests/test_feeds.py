"""Feeds per district and funder, meeting calendars and JSON-LD: well-formed, complete, safe."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event, vText

from insyn.build.render import environment, render_page
from insyn.model import Organisation
from insyn.pages import feeds
from insyn.pages.lists import by_publication
from insyn.pages.plan import plan_pages
from insyn.pages.site import SiteView
from insyn.pipeline import read_site
from tests.conftest import Corpus, recorded_reads
from tests.test_site import page
from tests.test_trails import HOSTILE, write_money_corpus

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://insyn.example.se"
#: the day the tests build on (`tests/conftest.TEST_TODAY`), as a feed writes it
TODAY = "2025-01-01T00:00:00Z"


@pytest.fixture
def money_site(corpus: Corpus) -> Path:
    write_money_corpus(corpus)
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    return corpus.out


def entries(path: Path) -> tuple[ET.Element, list[tuple[str | None, str | None, str | None]]]:
    feed = ET.parse(path).getroot()
    found = [
        (
            e.findtext(f"{ATOM}id"),
            e.findtext(f"{ATOM}updated"),
            e.find(f"{ATOM}link").attrib["href"],  # type: ignore[union-attr]
        )
        for e in feed.findall(f"{ATOM}entry")
    ]
    return feed, found


def test_district_feed_has_every_decision_newest_first(money_site: Path) -> None:
    feed, found = entries(money_site / "stadsdelar/skarholmen/feed.xml")
    # outside git, every file is as new as the build (the tests' day): newest meeting first
    assert found == [
        (f"{BASE}/beslut/d3/", TODAY, f"{BASE}/beslut/d3/"),
        (f"{BASE}/beslut/d2/", TODAY, f"{BASE}/beslut/d2/"),
    ]
    assert feed.findtext(f"{ATOM}updated") == TODAY
    assert feed.findtext(f"{ATOM}id") == f"{BASE}/stadsdelar/skarholmen/"
    assert "Skärholmens stadsdelsnämnd" in (feed.findtext(f"{ATOM}title") or "")
    self_link = [k for k in feed.findall(f"{ATOM}link") if k.attrib["rel"] == "self"]
    assert self_link[0].attrib["href"] == f"{BASE}/stadsdelar/skarholmen/feed.xml"
    _, found = entries(money_site / "stadsdelar/hasselby-vallingby/feed.xml")
    assert [e[0] for e in found] == [f"{BASE}/beslut/d1/"]


def test_funder_feed_has_every_decision_involving_it(money_site: Path) -> None:
    feed, found = entries(money_site / "finansiarer/lansstyrelsen/feed.xml")
    assert [(e[0], e[1]) for e in found] == [
        (f"{BASE}/beslut/d2/", TODAY),
        (f"{BASE}/beslut/d1/", TODAY),
    ]
    assert feed.findtext(f"{ATOM}updated") == TODAY
    _, found = entries(money_site / "finansiarer/socialstyrelsen/feed.xml")
    assert [e[0] for e in found] == [f"{BASE}/beslut/d2/"]
    # A draft is never in a feed.
    text = (money_site / "stadsdelar/hasselby-vallingby/feed.xml").read_text(encoding="utf-8")
    assert "utkast" not in text.lower()


def test_feeds_are_discoverable(money_site: Path) -> None:
    for url in ("/stadsdelar/skarholmen/", "/finansiarer/lansstyrelsen/"):
        head = page(money_site, url).find("head")
        feeds = [
            link.attrs["href"]
            for link in head.find_all("link", rel="alternate")
            if link.attrs.get("type") == "application/atom+xml"
        ]
        assert feeds == ["/feed.xml", f"{url}feed.xml"]
    calendar_links = page(money_site, "/stadsdelar/skarholmen/").find("main").links()
    assert "/stadsdelar/skarholmen/sammantraden.ics" in calendar_links


def test_meeting_calendar_has_one_event_per_meeting(money_site: Path) -> None:
    data = (money_site / "stadsdelar/skarholmen/sammantraden.ics").read_bytes()
    assert b"\r\n" in data
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1  # d3 has no meeting date
    (event,) = events
    assert str(event["uid"]) == "beslut-d2@insyn.example.se"
    assert event.decoded("dtstart") == dt.date(2009, 5, 1)
    assert event.decoded("dtend") == dt.date(2009, 5, 2)
    assert event.decoded("dtstamp") == dt.datetime(2009, 5, 1, tzinfo=dt.UTC)
    assert str(event["summary"]) == "Skärholmen: Ansökan utan projekt"
    assert str(event["url"]) == f"{BASE}/beslut/d2/"
    assert "Sammanträden – Skärholmens stadsdelsnämnd" in str(calendar["x-wr-calname"])
    other = Calendar.from_ical(
        (money_site / "stadsdelar/hasselby-vallingby/sammantraden.ics").read_bytes()
    )
    assert [str(e["uid"]) for e in other.walk("VEVENT")] == ["beslut-d1@insyn.example.se"]
    assert not (money_site / "finansiarer/lansstyrelsen/sammantraden.ics").exists()


def test_calendar_has_every_meeting_of_a_busy_district(corpus: Corpus) -> None:
    for day in range(1, 6):
        corpus.decision(f"m{day}", meeting=f"2010-0{day}-1{day}")
    corpus.decision("utan-datum", meeting=None, year=2010)
    assert corpus.run("build").returncode == 0
    calendar = Calendar.from_ical(
        (corpus.out / "stadsdelar/hasselby-vallingby/sammantraden.ics").read_bytes()
    )
    starts = [e.decoded("dtstart") for e in calendar.walk("VEVENT")]
    assert starts == [dt.date(2010, d, 10 + d) for d in range(1, 6)]


def test_a_district_name_with_a_line_break_and_a_comma_is_escaped_in_its_calendar(
    corpus: Corpus,
) -> None:
    """X-WR-CALNAME is TEXT: a name's line break, comma or semicolon is escaped, not refused."""
    corpus.organisations[0]["name"] = "Hässelby-Vällingby\nstadsdelsnämnd, väst; 1"
    corpus.write_data()
    corpus.decision("m1", meeting="2010-01-11")
    built = corpus.run("build")
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    data = (corpus.out / "stadsdelar/hasselby-vallingby/sammantraden.ics").read_bytes()
    calendar = Calendar.from_ical(data)
    # icalendar reads an X- property back as it stands: the TEXT escapes are still there
    name = str(calendar["x-wr-calname"])
    assert name == "Sammanträden – Hässelby-Vällingby\\nstadsdelsnämnd\\, väst\\; 1"
    assert [e.decoded("dtstart") for e in calendar.walk("VEVENT")] == [dt.date(2010, 1, 11)]


def json_ld(path: Path) -> list[Any]:
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, flags=re.S)
    return [json.loads(block) for block in blocks]


def test_monetary_grants_on_decision_and_project_pages(money_site: Path) -> None:
    (data,) = json_ld(money_site / "beslut/d1/index.html")
    assert data["@context"] == "https://schema.org"
    grants = data["@graph"]
    # The district's own 50 000 kr is no grant from a funder: no MonetaryGrant.
    assert [g["@type"] for g in grants] == ["MonetaryGrant"] * 3
    assert [g["amount"] for g in grants] == [
        {"@type": "MonetaryAmount", "currency": "SEK", "value": v}
        for v in (400000, 300000, 100000)  # the ledger's order: by year
    ]
    first = grants[0]
    assert first["funder"]["name"] == "Länsstyrelsen i Stockholms län"
    assert first["funder"]["url"] == f"{BASE}/finansiarer/lansstyrelsen/"
    recipient, project = first["fundedItem"]
    assert recipient["@type"] == "GovernmentOrganization"
    assert recipient["name"] == "Hässelby-Vällingby stadsdelsnämnd"
    assert project == {
        "@type": "Project",
        "@id": f"{BASE}/projekt/p1/",
        "name": HOSTILE,
        "url": f"{BASE}/projekt/p1/",
    }
    assert first["description"].startswith("Status: sökt (applied). Budgetår 2008.")
    assert [g["description"].split(".")[0] for g in grants] == [
        "Status: sökt (applied)",
        "Status: beviljat (granted)",
        "Status: sökt (applied)",
    ]
    (data,) = json_ld(money_site / "projekt/p1/index.html")
    assert len(data["@graph"]) == 4  # three from d1, one declared on the project
    assert data["@graph"][-1]["url"] == f"{BASE}/projekt/p1/"
    assert not json_ld(money_site / "beslut/d3/index.html")  # no money, no grants


def test_json_ld_survives_a_hostile_name(money_site: Path) -> None:
    raw = (money_site / "projekt/p1/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in raw
    opened = re.findall(r"<script\b", raw)
    closed = re.findall(r"</script>", raw)
    # the JSON-LD, and the two scripts every page loads: no element ended early
    assert len(opened) == len(closed) == 3
    assert (
        len(re.findall(r'<script src="/assets/lamna\.[0-9a-f]{10}\.js" defer></script>', raw)) == 1
    )
    (data,) = json_ld(money_site / "projekt/p1/index.html")
    assert data["@graph"][0]["fundedItem"][1]["name"] == HOSTILE


def test_script_escapes_what_could_end_the_element() -> None:
    from insyn.pages.jsonld import script

    value = "</script><script>alert(1)</script> & <!-- \u2028"
    markup = str(script({"name": value}))
    inner = markup.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert json.loads(inner) == {"name": value}


def test_government_organisation_on_district_pages(money_site: Path) -> None:
    (data,) = json_ld(money_site / "stadsdelar/hasselby-vallingby/index.html")
    assert data == {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "@id": f"{BASE}/stadsdelar/hasselby-vallingby/",
        "name": "Hässelby-Vällingby stadsdelsnämnd",
        "alternateName": "Hässelby-Vällingby",
        "url": f"{BASE}/stadsdelar/hasselby-vallingby/",
        "areaServed": {"@type": "Place", "name": "Västerort, Stockholm"},
    }
    (rinkeby,) = json_ld(money_site / "stadsdelar/rinkeby/index.html")
    assert (rinkeby["foundingDate"], rinkeby["dissolutionDate"]) == ("1997", "2006")


def test_feeds_and_calendars_record_what_they_list(corpus: Corpus) -> None:
    from insyn.pages.plan import plan_pages
    from insyn.pipeline import read_site

    write_money_corpus(corpus)
    result = read_site(corpus.content, corpus.data)
    assert result.graph is not None
    pages = {p.url: p for p in plan_pages(result.graph)}
    feed = pages["/finansiarer/lansstyrelsen/feed.xml"]
    assert feed.path == "finansiarer/lansstyrelsen/feed.xml" and not feed.in_sitemap
    reads = recorded_reads(corpus.content, corpus.data)
    entities = {key for key in reads[feed.path] if key[0] in ("org", "decision")}
    assert entities == {
        ("org", "lansstyrelsen"),
        ("decision", "d1"),
        ("decision", "d2"),
        ("org", "hasselby-vallingby"),
        ("org", "skarholmen"),
    }
    calendar = reads["stadsdelar/skarholmen/sammantraden.ics"]
    assert {key for key in calendar if key[0] in ("org", "decision")} == {
        ("org", "skarholmen"),
        ("decision", "d2"),
        ("decision", "d3"),
    }
    assert ("index", "decisions_by_district", "skarholmen") in calendar


# The feeds and calendars are written by insyn/pages/feeds.py rather than by feed.xml and by
# icalendar (for speed); these tests hold them to what those two write, byte for byte.

# Text that exercises escaping and folding: TEXT escapes, the escape-like characters a fold
# must not end a line with, characters of 2, 3 and 4 octets and line breaks of every kind.
TRICKY = st.sampled_from(
    ["\\", "\\N", "\\n", ";", ",", ":", "^", "\n", "\r", "\r\n", "é", "€", "𝄞", '"', " "]
)
TEXT = st.lists(
    st.one_of(TRICKY, st.text(st.characters(exclude_categories=("Cs",)), max_size=40)),
    max_size=25,
).map("".join)
# icalendar writes a URL (vUri) verbatim and refuses one with a line break; so do feeds.
URL = TEXT.map(lambda text: "https://x.se/" + text.replace("\r", "").replace("\n", ""))
DAYS = st.dates(max_value=dt.date(9999, 12, 30))
EVENT = st.tuples(TEXT, DAYS, TEXT, TEXT, URL)
PROPERTIES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def icalendar_event(uid: str, day: dt.date, summary: str, description: str, url: str) -> Event:
    """A meeting as icalendar makes it: what `feeds._event` must write."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC))
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    return event


def icalendar_calendar(name: str, events: list[tuple[str, dt.date, str, str, str]]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Insyn//Sammanträden//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", vText(name))
    for event in events:
        calendar.add_component(icalendar_event(*event))
    return bytes(calendar.to_ical())


@PROPERTIES
@given(EVENT)
def test_an_event_is_what_icalendar_writes(event: tuple[str, dt.date, str, str, str]) -> None:
    assert feeds._event(*event) == icalendar_event(*event).to_ical()


@pytest.mark.parametrize("tricky", ["\\", "\\\\", "^", ";", ",", "\n", "é", "€", "𝄞"])
def test_an_event_folds_as_icalendar_at_every_length(tricky: str) -> None:
    # Each line folds after 74 octets: put the tricky character at and around every fold.
    for length in range(40, 240):
        text = "a" * length + tricky * 3 + "b" * 90
        url = "https://x/" + "c" * length + tricky.strip()
        event = (text, dt.date(2010, 1, 1), text, text, url)
        assert feeds._event(*event) == icalendar_event(*event).to_ical()


@PROPERTIES
@given(TEXT, st.lists(EVENT, max_size=3))
def test_a_calendar_is_what_icalendar_writes_and_reads_back(
    name: str, events: list[tuple[str, dt.date, str, str, str]]
) -> None:
    written = feeds._calendar(name, [feeds._event(*event) for event in events])
    assert written == icalendar_calendar(name, events)
    parsed = Calendar.from_ical(written).walk("VEVENT")
    assert [e.decoded("dtstart") for e in parsed] == [event[1] for event in events]
    for event, (uid, _, summary, description, url) in zip(parsed, events, strict=True):
        # What icalendar reads back is what it wrote, less the line breaks it makes
        # uniform; a backslash is not always read back as it was meant (icalendar's own
        # escaping is not a bijection), so values with one are left to the check above.
        for key, value in (("uid", uid), ("summary", summary), ("description", description)):
            if "\\" not in value:
                assert str(event[key]) == value.replace("\r\n", "\n").replace("\r", "\n")
        if "\\" not in url:
            assert str(event["url"]) == url


def test_what_icalendar_refuses_is_refused() -> None:
    # A name is TEXT, so a line break in it is escaped; a URL cannot hold one at all.
    assert b"X-WR-CALNAME:Sammantr\xc3\xa4den \xe2\x80\x93 rad ett\\nrad tv\xc3\xa5\r\n" in (
        feeds._calendar("Sammanträden – rad ett\nrad två", [])
    )
    for url in ("https://x.se/\r", "https://x.se/\n"):
        with pytest.raises(ValueError):
            icalendar_event("u", dt.date(2010, 1, 1), "s", "d", url)
        with pytest.raises(ValueError):
            feeds._event("u", dt.date(2010, 1, 1), "s", "d", url)


def hostile_site(corpus: Corpus) -> SiteView:
    """The money corpus, with names and titles that need escaping, folding and care."""
    skarholmen = corpus.organisations[1]
    skarholmen["name"] = 'Skär<holmens> "stadsdels"nämnd & co, sä\\ger; ^mer^ ' + "å" * 40
    skarholmen["short_name"] = "Skär;holmen, \\N <b>"
    corpus.write_data()
    write_money_corpus(corpus)
    long = "Ett beslut med en mycket lång titel som måste vikas på flera rader; med, tecken\\"
    corpus.decision("h1", title=HOSTILE, district="skarholmen", meeting="2011-02-03")
    corpus.decision("h2", title=long * 3, district="skarholmen", meeting="2011-02-03")
    corpus.decision(
        "h3", title="Rad ett\nrad två\r\n'x' \"y\"", district="skarholmen", kind="report"
    )
    corpus.decision("h4", title="€𝄞" * 60, district="skarholmen", meeting=None, year=2012)
    result = read_site(corpus.content, corpus.data)
    assert result.graph is not None
    return SiteView(result.graph, result.findings, {})


def test_org_feeds_are_what_the_site_feed_template_writes(corpus: Corpus) -> None:
    site = hostile_site(corpus)
    env = environment(site)
    layout = env.get_template("feed.xml")
    feeds_seen = 0
    for planned in plan_pages(site.graph):
        if planned.template != "org_feed.xml":
            continue
        assert isinstance(planned.entity, Organisation)
        context = feeds.org_feed(planned.entity, site).variables()
        decisions = site.decisions(feeds._involving(site.graph, planned.entity))
        context["entries"] = by_publication(site, decisions)
        expected = layout.render(page=planned, **context).encode("utf-8")
        for _ in range(2):  # the second time, every entry is one made before
            assert render_page(planned, site, env.get_template("org_feed.xml")) == expected
        ET.fromstring(expected)
        feeds_seen += 1
    assert feeds_seen == 5


def test_calendars_are_what_icalendar_writes(corpus: Corpus) -> None:
    site = hostile_site(corpus)
    district = site.org("skarholmen")
    written = feeds.meetings(district, site)
    host = "insyn.example.se"
    events = []
    for decision in sorted(
        (d for d in site.graph.decisions.values() if d.district == district.id and d.meeting),
        key=lambda d: (d.meeting, d.id),
    ):
        assert decision.meeting is not None
        url = f"{BASE}/beslut/{decision.id}/"
        kind = {"application": "Ansökan", "report": "Redovisning", "other": "Övrigt"}[decision.kind]
        summary = f"{district.label}: {decision.title}"
        meeting = f"{BASE}/stadsdelar/{district.id}/sammantraden/{decision.meeting}/"
        description = f"{kind} i {district.name}. {url} Sammanträdet: {meeting}"
        events.append((f"beslut-{decision.id}@{host}", decision.meeting, summary, description, url))
    assert len(events) == 4
    assert written == icalendar_calendar(f"Sammanträden – {district.name}", events)
    assert len(Calendar.from_ical(written).walk("VEVENT")) == 4


def test_an_edited_decision_or_district_gets_a_new_entry(corpus: Corpus) -> None:
    site = hostile_site(corpus)
    district = site.org("skarholmen")
    before = feeds.org_feed(district, site).entries
    assert "Ansökan utan projekt" in before
    graph = read_site(corpus.content, corpus.data).graph
    assert graph is not None
    decisions = dict(graph.decisions)
    decisions["d2"] = dataclasses.replace(decisions["d2"], title="Ny titel")
    organisations = dict(graph.organisations)
    organisations["skarholmen"] = dataclasses.replace(district, name="Nytt namn")
    site.graph = dataclasses.replace(graph, decisions=decisions, organisations=organisations)
    after = feeds.org_feed(site.org("skarholmen"), site).entries
    assert "Ny titel" in after and "Ansökan utan projekt" not in after
    assert "i Nytt namn," in after and "Skär&lt;holmens&gt;" not in after


def _commit(root: Path, message: str, when: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "Redaktör",
        "GIT_AUTHOR_EMAIL": "redaktor@example.se",
        "GIT_COMMITTER_NAME": "Redaktör",
        "GIT_COMMITTER_EMAIL": "redaktor@example.se",
    }
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", message], cwd=root, check=True, env=env)


def test_feeds_follow_publication_not_meeting_dates(corpus: Corpus) -> None:
    """An old decision added today is the newest entry; an edit moves an entry up; the
    meeting date stays in the entry's text."""
    subprocess.run(["git", "init", "-q"], cwd=corpus.root, check=True)
    corpus.decision("ny", title="Nytt beslut", meeting="2024-05-02")
    _commit(corpus.root, "Nytt beslut", "2024-06-01T10:00:00+02:00")
    corpus.decision("rattad", title="Beslut som rättas", meeting="2023-03-01")
    _commit(corpus.root, "Beslut som rättas", "2024-06-02T10:00:00+02:00")
    corpus.decision("gammalt", title="Gammalt beslut", meeting="2007-11-27")
    _commit(corpus.root, "Ett beslut från 2007 läggs in", "2024-07-01T09:30:00+02:00")
    corpus.decision("rattad", title="Beslut som rättats", meeting="2023-03-01")
    _commit(corpus.root, "Rättelse", "2024-08-15T16:00:00+02:00")
    result = corpus.run("build", "--no-search")
    assert result.returncode == 0, result.stderr
    for path in ("feed.xml", "stadsdelar/hasselby-vallingby/feed.xml"):
        feed = ET.parse(corpus.out / path).getroot()
        found = [
            (
                (e.findtext(f"{ATOM}id") or "").rsplit("/", 2)[-2],
                e.findtext(f"{ATOM}published"),
                e.findtext(f"{ATOM}updated"),
                e.findtext(f"{ATOM}summary"),
            )
            for e in feed.findall(f"{ATOM}entry")
        ]
        assert found == [
            (
                "rattad",
                "2024-06-02T08:00:00Z",
                "2024-08-15T14:00:00Z",
                "Övrigt i Hässelby-Vällingby stadsdelsnämnd, 1 mars 2023.",
            ),
            (
                "gammalt",
                "2024-07-01T07:30:00Z",
                "2024-07-01T07:30:00Z",
                "Övrigt i Hässelby-Vällingby stadsdelsnämnd, 27 november 2007.",
            ),
            (
                "ny",
                "2024-06-01T08:00:00Z",
                "2024-06-01T08:00:00Z",
                "Övrigt i Hässelby-Vällingby stadsdelsnämnd, 2 maj 2024.",
            ),
        ], path
        assert feed.findtext(f"{ATOM}updated") == "2024-08-15T14:00:00Z"

"""Feeds per district and funder: Atom of the decisions that involve them, iCalendar of meetings.

Both are deterministic: an Atom feed is as new as its newest entry, and an
event's DTSTAMP is its meeting date, so two builds of the same content are
byte for byte the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from insyn import formatting
from insyn.link import SiteGraph
from insyn.model import DISTRICT, FUNDER, Organisation
from insyn.pages import Context, SiteView, entry_date, org_url


def feed_url(org: Organisation) -> str:
    return f"{org_url(org)}feed.xml"


def calendar_url(org: Organisation) -> str:
    return f"{org_url(org)}sammantraden.ics"


def _involving(graph: SiteGraph, org: Organisation) -> list[str]:
    """A district's own decisions and those that name it; a funder's that name it: newest first."""
    ids = set(graph.decisions_by_org.get(org.id, []))
    ids |= set(graph.decisions_by_district.get(org.id, []))
    return [d for d in graph.decisions if d in ids]


def org_feed(entity: Organisation, site: SiteView) -> Context:
    """Every decision involving one district or funder; the template is the site feed's."""
    entries = site.decisions(_involving(site.graph, entity))
    dates = [entry_date(d) for d in entries]
    return {
        "entries": list(zip(entries, dates, strict=True)),
        "updated": max(dates, default=None),
        "feed_title": f"{site.settings.title} – beslut som gäller {entity.name}",
        "feed_id": site.absolute(org_url(entity)),
        "feed_self": site.absolute(feed_url(entity)),
        "feed_alternate": site.absolute(org_url(entity)),
    }


def meetings(entity: Organisation, site: SiteView) -> bytes:
    """One all-day event per decision of the district that has a meeting date, oldest first."""
    calendar = Calendar()
    calendar.add("prodid", "-//Insyn//Sammanträden//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Sammanträden – {entity.name}")
    host = urlsplit(site.settings.base_url).hostname or "insyn"
    decisions = site.decisions(site.graph.decisions_by_district.get(entity.id, []))
    for decision in sorted((d for d in decisions if d.meeting), key=lambda d: (d.meeting, d.id)):
        assert decision.meeting is not None
        url = site.absolute(site.decision_url(decision.id))
        event = Event()
        event.add("uid", f"beslut-{decision.id}@{host}")
        event.add(
            "dtstamp",
            dt.datetime.combine(decision.meeting, dt.time(0, 0), tzinfo=dt.UTC),
        )
        event.add("dtstart", decision.meeting)
        event.add("dtend", decision.meeting + dt.timedelta(days=1))
        event.add("summary", f"{entity.label}: {decision.title}")
        event.add(
            "description",
            f"{formatting.kind_word(decision.kind)} i {entity.name}. {url}",
        )
        event.add("url", url)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def calendar(entity: Organisation, site: SiteView) -> Context:
    return {"calendar": meetings(entity, site).decode("utf-8")}


def plan(graph: SiteGraph) -> Iterator[tuple[str, str, Any, set[str]]]:
    """Feeds and calendars, each with the entity keys it reads: (url, template, entity, reads)."""
    for org in sorted(graph.organisations.values(), key=lambda o: o.id):
        if org.type not in (DISTRICT, FUNDER):
            continue
        ids = _involving(graph, org)
        reads = {f"org:{org.id}"} | {f"decision:{d}" for d in ids}
        reads |= {f"org:{graph.decisions[d].district}" for d in ids}
        yield feed_url(org), "org_feed.xml", org, reads
        if org.type == DISTRICT:
            own = graph.decisions_by_district.get(org.id, [])
            yield (
                calendar_url(org),
                "calendar.ics",
                org,
                {f"org:{org.id}"} | {f"decision:{d}" for d in own},
            )


BUILDERS: dict[str, Callable[[Any, SiteView], Context]] = {
    "org_feed.xml": org_feed,
    "calendar.ics": calendar,
}

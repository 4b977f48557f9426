"""Feeds per district and funder: Atom of the decisions that involve them, iCalendar of meetings.

Both are deterministic: an Atom feed is as new as its newest entry, and an
event's DTSTAMP is its meeting date, so two builds of the same content are
byte for byte the same.

Both are also written mostly in Python rather than by their general tools,
because a big site has thousands of entries and events (docs/performance.md).
An Atom entry is written once per graph (`_entry`) and shared by the feeds of
the district and of every funder it names; an event is written by `_event`
rather than by icalendar, which builds and folds every line character by
character, and icalendar still writes the calendar around the events. `tests/test_feeds.py` holds
both, byte for byte, to what `feed.xml` and icalendar write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from icalendar import Calendar, vText
from markupsafe import Markup, escape

from insyn.graph.link import SiteGraph, decision_order
from insyn.model import DISTRICT, FUNDER, Decision, Organisation, formatting
from insyn.pages.common import Context, org_url
from insyn.pages.kinds import PageKind
from insyn.pages.lists import by_publication
from insyn.pages.site import SiteView


def feed_url(org: Organisation) -> str:
    return f"{org_url(org)}feed.xml"


def calendar_url(org: Organisation) -> str:
    return f"{org_url(org)}sammantraden.ics"


def _has_meeting(graph: SiteGraph, org: Organisation) -> bool:
    own = graph.decisions_by_district.get(org.id, [])
    return any(graph.decisions[d].meeting for d in own)


def _involving(graph: SiteGraph, org: Organisation) -> list[str]:
    """A district's own decisions and those that name it; a funder's that name it: newest first."""
    ids = set(graph.decisions_by_org.get(org.id, []))
    ids |= set(graph.decisions_by_district.get(org.id, []))
    # In the graph's order, made from these decisions alone: a feed reads only its own.
    return sorted(ids, key=lambda d: decision_order(graph.decisions[d]))


@dataclass(frozen=True, kw_only=True)
class OrgFeed(Context):
    """A district's or funder's Atom feed: its entries written out, and the feed's head."""

    entries: Markup
    updated: dt.datetime | None
    feed_title: str
    feed_id: str
    feed_self: str
    feed_alternate: str


@dataclass(frozen=True, kw_only=True)
class MeetingCalendar(Context):
    calendar: str


def org_feed(entity: Organisation, site: SiteView) -> OrgFeed:
    """Every decision involving one district or funder, laid out as the site feed (`feed.xml`)."""
    dated = by_publication(site, site.decisions(_involving(site.graph, entity)))
    return OrgFeed(
        entries=site.each(_entry, [d for d, _, _ in dated], site),
        updated=max((e[2] for e in dated), default=None),
        feed_title=f"{site.settings.title} – beslut som gäller {entity.name}",
        feed_id=site.absolute(org_url(entity)),
        feed_self=site.absolute(feed_url(entity)),
        feed_alternate=site.absolute(org_url(entity)),
    )


def _entry(decision: Decision, site: SiteView) -> str:
    """One Atom entry, exactly as the loop of `feed.xml` writes it (escaped as Jinja would).
    Made once per graph through `SiteView.each`: a decision is in several feeds."""
    district = site.org(decision.district)
    link = escape(site.absolute(site.decision_url(decision.id)))
    word = escape(formatting.kind_word(decision.kind))
    when = escape(formatting.date(decision.date) if decision.date else decision.year)
    published, updated = site.publication(decision)
    return (
        f"<entry>\n<title>{escape(decision.title)}</title>\n<id>{link}</id>\n"
        f'<link rel="alternate" type="text/html" href="{link}"/>\n'
        f"<published>{formatting.atom_time(published)}</published>\n"
        f"<updated>{formatting.atom_time(updated)}</updated>\n"
        f"<summary>{word} i {escape(district.name)}, {when}.</summary>\n"
        f'<category term="{escape(decision.kind)}" label="{word}"/>\n</entry>\n'
    )


def meetings(entity: Organisation, site: SiteView) -> bytes:
    """One all-day event per decision of the district that has a meeting date, oldest first."""
    host = urlsplit(site.settings.base_url).hostname or "insyn"
    decisions = site.decisions(site.graph.decisions_by_district.get(entity.id, []))
    events = []
    for decision in sorted((d for d in decisions if d.meeting), key=lambda d: (d.meeting, d.id)):
        assert decision.meeting is not None
        url = site.absolute(site.decision_url(decision.id))
        meeting = site.absolute(site.meeting_url(entity.id, decision.meeting))
        events.append(
            _event(
                f"beslut-{decision.id}@{host}",
                decision.meeting,
                f"{entity.label}: {decision.title}",
                f"{formatting.kind_word(decision.kind)} i {entity.name}. {url} "
                f"Sammanträdet: {meeting}",
                url,
            )
        )
    return _calendar(f"Sammanträden – {entity.name}", events)


def _calendar(name: str, events: list[bytes]) -> bytes:
    """A calendar written by icalendar, with `events` (from `_event`) where it puts events."""
    calendar = Calendar()
    calendar.add("prodid", "-//Insyn//Sammanträden//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # TEXT, escaped as such: icalendar writes an X- property it does not know verbatim, and
    # refuses a line break in it (an organisation's name may hold one, or a comma).
    calendar.add("x-wr-calname", vText(name))
    written = bytes(calendar.to_ical())
    end = b"END:VCALENDAR\r\n"
    assert written.endswith(end)  # icalendar writes a component's subcomponents last, before it
    return b"".join([written.removesuffix(end), *events, end])


def _event(uid: str, day: dt.date, summary: str, description: str, url: str) -> bytes:
    """An all-day VEVENT on `day`, byte for byte what icalendar's `Event.to_ical()` writes.

    That is: icalendar's order of properties, TEXT values escaped, the URL verbatim
    (`vUri`, which refuses a line break), and every line folded by `_fold`.
    """
    if "\r" in url or "\n" in url:
        raise ValueError(f"A URL may not contain CR or LF characters: {url!r}")
    stamp = _ical_date(day)
    lines = (
        "BEGIN:VEVENT",
        f"SUMMARY:{_text(summary)}",
        f"DTSTART;VALUE=DATE:{stamp}",
        f"DTEND;VALUE=DATE:{_ical_date(day + dt.timedelta(days=1))}",
        f"DTSTAMP:{stamp}T000000Z",
        f"UID:{_text(uid)}",
        f"DESCRIPTION:{_text(description)}",
        f"URL:{url}",
        "END:VEVENT",
    )
    return b"".join([_fold(line) + b"\r\n" for line in lines])


def _ical_date(day: dt.date) -> str:
    return f"{day.year:04}{day.month:02}{day.day:02}"


def _text(value: str) -> str:
    """An iCalendar TEXT value, escaped as icalendar does it (the order of replacements matters)."""
    return (
        value.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> bytes:
    """A content line in UTF-8, folded as icalendar folds it.

    Each physical line holds at most 74 octets (not counting the space a continuation
    starts with), never ends inside a character, and never ends with a backslash or a
    caret: that character starts the next line instead, so no escape is split.
    """
    data = line.encode("utf-8")
    if len(data) < 75:
        return data
    parts = []
    start = 0
    while len(data) - start >= 75:
        end = start + 74
        while (data[end] & 0xC0) == 0x80:  # a UTF-8 continuation byte: inside a character
            end -= 1
        if data[end - 1] in b"\\^":
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def calendar(entity: Organisation, site: SiteView) -> MeetingCalendar:
    return MeetingCalendar(calendar=meetings(entity, site).decode("utf-8"))


def plan(graph: SiteGraph) -> Iterator[tuple[str, PageKind[Organisation], Organisation]]:
    """A feed for every district and funder, a calendar for every district: (url, kind,
    entity)."""
    for org in sorted(graph.organisations.values(), key=lambda o: o.id):
        if org.type in (DISTRICT, FUNDER):
            yield feed_url(org), ORG_FEED, org
        if org.type == DISTRICT and _has_meeting(graph, org):
            # RFC 5545 wants at least one event: a district without one has no calendar
            yield calendar_url(org), CALENDAR, org


ORG_FEED = PageKind("org_feed.xml", org_feed)
CALENDAR = PageKind("calendar.ics", calendar)

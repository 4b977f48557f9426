"""A district's council meetings: every meeting with decisions on the site, and each
meeting with its decisions and their money (`/stadsdelar/<id>/sammantraden/...`).

A journalist following a council reads it meeting by meeting, as the council works: what
was decided on 27 November 2007, and for how much. A meeting is known only through the
decisions of it on the site, so the list says so; its decisions are in the order of their
diary numbers, then titles (the agenda's order is not in the documents).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from insyn.graph.ledger import Totals
from insyn.graph.link import SiteGraph
from insyn.model import DISTRICT, Decision, FundingLine, Organisation, formatting
from insyn.pages.common import HOME, PageContext, meeting_url, meetings_url, org_url
from insyn.pages.kinds import PageKind
from insyn.pages.site import SiteView


@dataclass(frozen=True)
class Meeting:
    """One council meeting: the district's id and the day (what the page's URL names)."""

    district: str
    day: dt.date


def meeting_days(graph: SiteGraph, district_id: str) -> list[dt.date]:
    """The days the district met with a decision on the site, the latest first."""
    return list(graph.meetings_by_district.get(district_id, {}))


def _agenda(decisions: list[Decision]) -> list[Decision]:
    return sorted(decisions, key=lambda d: (d.diary_number or "\uffff", d.title, d.id))


@dataclass(frozen=True, kw_only=True)
class MeetingListPage(PageContext):
    org: Organisation
    #: each meeting, the latest first: its day, its number of decisions, their money, and
    #: whether every one of them is filed under another year (the day is probably wrong)
    meetings: list[tuple[dt.date, int, Totals, bool]]


@dataclass(frozen=True, kw_only=True)
class MeetingPage(PageContext):
    org: Organisation
    day: dt.date
    #: its decisions in the agenda's order, each with its funding lines' sums and whether
    #: it is filed under another year (its notes say the day is wrong)
    decisions: list[tuple[Decision, Totals, bool]]
    all_refiled: bool
    lines: list[FundingLine]
    totals: Totals
    previous: dt.date | None
    next: dt.date | None


def _crumbs(org: Organisation) -> list[tuple[str, str]]:
    return [
        HOME,
        ("Stadsdelar", "/stadsdelar/"),
        (org.label, org_url(org)),
        ("Sammanträden", meetings_url(org.id)),
    ]


def _lines(site: SiteView, ids: list[str]) -> list[FundingLine]:
    return [ln for d in ids for ln in site.ledger.declared_by("decision", d)]


def _refiled(site: SiteView, day: dt.date, ids: list[str]) -> list[str]:
    """Those of a day's decisions filed under another year than the day's: their notes say
    the day in the document is wrong (read from the year index, not from the decisions, so
    that a page showing only counts does not depend on their titles)."""
    same_year = set(site.graph.decisions_by_year.get(day.year, []))
    return [d for d in ids if d not in same_year]


def meeting_list(entity: Organisation, site: SiteView) -> MeetingListPage:
    days = site.graph.meetings_by_district.get(entity.id, {})
    return MeetingListPage(
        title=f"Sammanträden – {entity.name}",
        breadcrumbs=_crumbs(entity),
        section="stadsdelar",
        description=f"{entity.name}s sammanträden med beslut på webbplatsen, och pengarna i dem.",
        org=entity,
        meetings=[
            (day, len(ids), Totals.of(_lines(site, ids)), len(_refiled(site, day, ids)) == len(ids))
            for day, ids in days.items()
        ],
    )


def meeting(entity: Meeting, site: SiteView) -> MeetingPage:
    org = site.org(entity.district)
    days = site.graph.meetings_by_district.get(org.id, {})
    order = list(days)
    index = order.index(entity.day)
    ids = days[entity.day]
    refiled = set(_refiled(site, entity.day, ids))
    decisions = _agenda(site.decisions(ids))
    lines = _lines(site, [d.id for d in decisions])
    label = formatting.date(entity.day)
    return MeetingPage(
        title=f"Sammanträde {label} – {org.name}",
        breadcrumbs=[*_crumbs(org), (label, meeting_url(org.id, entity.day))],
        section="stadsdelar",
        description=f"Besluten på webbplatsen från {org.name}s sammanträde {label}.",
        org=org,
        day=entity.day,
        decisions=[
            (d, Totals.of(site.ledger.declared_by("decision", d.id)), d.id in refiled)
            for d in decisions
        ],
        all_refiled=len(refiled) == len(ids),
        lines=lines,
        totals=Totals.of(lines),
        # the list is the latest first: the one before in time is the next in it
        previous=order[index + 1] if index + 1 < len(order) else None,
        next=order[index - 1] if index > 0 else None,
    )


def plan(
    graph: SiteGraph, org: Organisation
) -> Iterator[tuple[str, PageKind[Any], Organisation | Meeting]]:
    """A district's meeting list and one page per meeting, when it has any."""
    if org.type != DISTRICT:
        return
    days = meeting_days(graph, org.id)
    if not days:
        return
    yield meetings_url(org.id), MEETINGS_PAGE, org
    for day in days:
        yield meeting_url(org.id, day), MEETING_PAGE, Meeting(org.id, day)


MEETINGS_PAGE = PageKind("meetings.html", meeting_list)
MEETING_PAGE = PageKind("meeting.html", meeting)

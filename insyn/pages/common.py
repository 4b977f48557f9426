"""What every page family shares: the URL of each kind of page, and a page's context.

A builder returns its template's context: a frozen dataclass of its own, one
per kind of page, named in the family's module, whose fields are the
template's variables (`Context.variables`). An HTML page's context is a
`PageContext`: the title, the breadcrumbs (`Crumbs`, starting at `HOME`),
the section of the menu and the description, and what the page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from insyn.model import DISTRICT, FUNDER, Organisation

FEED_SIZE = 50


LATEST_ON_HOME = 5


NO_AREA = "Utan område"


Crumbs = list[tuple[str, str]]


@dataclass(frozen=True, kw_only=True)
class Context:
    """The variables of a template: the fields of a subclass, one per kind of page."""

    def variables(self) -> dict[str, Any]:
        """Each field by its name, as the template uses it (not copied, unlike `asdict`)."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


@dataclass(frozen=True, kw_only=True)
class PageContext(Context):
    """What every HTML page has: its title, breadcrumbs, menu section and description."""

    title: str
    breadcrumbs: Crumbs
    section: str
    description: str = ""
    #: Open Graph's type: "article" for a decision or a project
    og_type: str = "website"


def org_url(org: Organisation) -> str:
    """The one page of an organisation, by its type (contract section 7)."""
    if org.type == DISTRICT:
        return f"/stadsdelar/{org.id}/"
    if org.type == FUNDER:
        return f"/finansiarer/{org.id}/"
    return f"/organisationer/{org.id}/"


def meetings_url(district_id: str) -> str:
    """A district's council meetings (`pages.meetings`)."""
    return f"/stadsdelar/{district_id}/sammantraden/"


def meeting_url(district_id: str, day: dt.date) -> str:
    """One council meeting of a district, with its decisions."""
    return f"{meetings_url(district_id)}{day.isoformat()}/"


def decision_url(decision_id: str) -> str:
    return f"/beslut/{decision_id}/"


def project_url(project_id: str) -> str:
    return f"/projekt/{project_id}/"


def year_url(year: int) -> str:
    return f"/ar/{year}/"


HOME: tuple[str, str] = ("Start", "/")

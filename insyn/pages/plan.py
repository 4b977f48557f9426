"""Stage 4a, the plan: every page of the URL scheme (contract section 7).

Each `Page` names its URL, its kind (`kinds.PageKind`: the template that
renders it and the function that makes its context) and the entity it
shows. What a page reads is not planned: it is recorded while the page
renders (`graph.reads`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from insyn.graph.link import SiteGraph
from insyn.model import DISTRICT, FUNDER, Decision, Organisation, Project
from insyn.pages import entities, feeds, lists, meetings, redirects, trails
from insyn.pages import organisations as orgs
from insyn.pages import quality as quality_report
from insyn.pages.common import Context, decision_url, org_url, project_url, year_url
from insyn.pages.kinds import PageKind
from insyn.pages.site import SiteView
from insyn.pages.trail_filter import TrailFilter

Entity = (
    Decision
    | Project
    | Organisation
    | TrailFilter
    | meetings.Meeting
    | int
    | tuple[str, ...]
    | None
)


@dataclass(frozen=True)
class Page:
    """One file of the site: where it goes, what kind of page it is, and what it shows."""

    url: str
    kind: PageKind[Any]
    entity: Entity

    @property
    def template(self) -> str:
        return self.kind.template

    def context(self, site: SiteView) -> Context:
        return self.kind.context(self.entity, site)

    @property
    def path(self) -> str:
        """The file inside the output folder: `/beslut/x/` -> `beslut/x/index.html`."""
        relative = self.url.lstrip("/")
        if relative == "" or relative.endswith("/"):
            return f"{relative}index.html"
        return relative

    @property
    def in_sitemap(self) -> bool:
        return self.path.endswith("index.html") and self.kind is not redirects.REDIRECT_PAGE


def plan_pages(graph: SiteGraph) -> list[Page]:
    """Every page of the site, in a fixed order."""
    pages: list[Page] = []

    def add(url: str, kind: PageKind[Any], entity: Entity = None) -> None:
        pages.append(Page(url, kind, entity))

    add("/", lists.HOME_PAGE)
    add("/beslut/", lists.DECISIONS_PAGE)
    for decision in graph.decisions.values():
        add(decision_url(decision.id), entities.DECISION_PAGE, decision)
    add("/projekt/", lists.PROJECTS_PAGE)
    for project in graph.projects.values():
        add(project_url(project.id), entities.PROJECT_PAGE, project)
    add("/stadsdelar/", orgs.DISTRICTS_PAGE)
    for org in graph.districts:
        add(org_url(org), orgs.DISTRICT_PAGE, org)
        for url, kind, entity in meetings.plan(graph, org):
            add(url, kind, entity)
    organisations = sorted(graph.organisations.values(), key=lambda o: o.id)
    add("/finansiarer/", orgs.FUNDERS_PAGE)
    for org in organisations:
        if org.type == FUNDER:
            add(org_url(org), orgs.FUNDER_PAGE, org)
    add("/organisationer/", orgs.ORGANISATIONS_PAGE)
    for org in organisations:
        if org.type not in (DISTRICT, FUNDER):
            add(org_url(org), orgs.ORGANISATION_PAGE, org)
    add("/ar/", lists.YEARS_PAGE)
    for year in graph.years:
        add(year_url(year), lists.YEAR_PAGE, year)
    for url, trail, view in trails.plan(graph):
        add(url, trail, view)
    add("/data/", lists.DATA_PAGE)
    add("/sok/", lists.SEARCH_PAGE)
    add("/tillganglighet/", lists.ACCESSIBILITY_PAGE)
    for url, findings, nothing in quality_report.plan(graph):
        add(url, findings, nothing)
    add("/404.html", lists.NOT_FOUND_PAGE)
    for url, redirect, move in redirects.plan(graph):
        add(url, redirect, move)
    html_urls = tuple(page.url for page in pages if page.in_sitemap)
    add("/sitemap.xml", lists.SITEMAP, html_urls)
    add("/feed.xml", lists.FEED)
    for url, feed, org in feeds.plan(graph):
        add(url, feed, org)
    add("/robots.txt", lists.ROBOTS)
    return pages

"""The pages of the whole site: the home page, the lists of decisions, projects and
years, each year's page, the fixed pages, the site feed, the sitemap and robots.txt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from insyn.graph.ledger import Totals
from insyn.graph.money import Pivot, pivot
from insyn.model import Decision, FundingLine, Organisation, Project
from insyn.pages.choices import decisions_by_year, home_districts, latest_decisions
from insyn.pages.common import FEED_SIZE, HOME, Context, PageContext, year_url
from insyn.pages.kinds import PageKind
from insyn.pages.site import SiteView


@dataclass(frozen=True, kw_only=True)
class HomePage(PageContext):
    latest: list[Decision]
    totals: Totals
    decision_count: int
    project_count: int
    districts: list[Organisation]
    funders: list[str]
    years: list[int]


@dataclass(frozen=True, kw_only=True)
class DecisionListPage(PageContext):
    #: the decisions of each year, newest year first
    groups: list[tuple[int, list[Decision]]]
    count: int


@dataclass(frozen=True, kw_only=True)
class ProjectListPage(PageContext):
    projects: list[Project]


@dataclass(frozen=True, kw_only=True)
class YearListPage(PageContext):
    #: (year, its number of decisions, the sums of its lines), newest first
    rows: list[tuple[int, int, Totals]]
    statuses: list[str]


@dataclass(frozen=True, kw_only=True)
class YearPage(PageContext):
    year: int
    decisions: list[Decision]
    #: the council meetings of its decisions: day, district, number of decisions
    meetings: list[tuple[dt.date, Organisation, int]]
    lines: list[FundingLine]
    totals: Totals
    by_payer: Pivot
    by_receiver: Pivot
    previous: int | None
    next: int | None


@dataclass(frozen=True, kw_only=True)
class FeedContext(Context):
    """An Atom feed: each decision with when it was published and last updated on the site,
    the latest first, and the feed's newest moment."""

    entries: list[tuple[Decision, dt.datetime, dt.datetime]]
    updated: dt.datetime | None


@dataclass(frozen=True, kw_only=True)
class Sitemap(Context):
    urls: list[str]


def home(entity: None, site: SiteView) -> HomePage:
    graph = site.graph
    funders = site.ledger.funders()
    return HomePage(
        title=site.settings.title,
        breadcrumbs=[HOME],
        section="start",
        description=site.settings.description,
        latest=latest_decisions(graph),
        totals=Totals.of(site.ledger.lines),
        decision_count=len(graph.decisions),
        project_count=len(graph.projects),
        districts=home_districts(graph),
        funders=sorted(funders, key=site.by_org_label),
        years=list(reversed(graph.years)),
    )


def decision_list(entity: None, site: SiteView) -> DecisionListPage:
    graph = site.graph
    return DecisionListPage(
        title="Beslut",
        breadcrumbs=[HOME, ("Beslut", "/beslut/")],
        section="beslut",
        description="Alla beslut om pengar mot våld i nära relationer, nyast först.",
        groups=decisions_by_year(graph.decisions.values()),
        count=len(graph.decisions),
    )


def project_list(entity: None, site: SiteView) -> ProjectListPage:
    projects = sorted(site.graph.projects.values(), key=lambda p: (p.name.casefold(), p.id))
    return ProjectListPage(
        title="Projekt",
        breadcrumbs=[HOME, ("Projekt", "/projekt/")],
        section="projekt",
        description="Alla projekt som stadsdelsnämnderna driver, deltar i eller finansierar.",
        projects=projects,
    )


def year_list(entity: None, site: SiteView) -> YearListPage:
    graph = site.graph
    rows = [
        (year, len(graph.decisions_by_year.get(year, [])), Totals.of(site.ledger.for_year(year)))
        for year in reversed(graph.years)
    ]
    return YearListPage(
        title="År",
        breadcrumbs=[HOME, ("År", "/ar/")],
        section="ar",
        description="Beslut och pengar år för år.",
        rows=rows,
        statuses=site.statuses(*(t for _, _, t in rows)),
    )


def _meetings(site: SiteView, decisions: list[Decision]) -> list[tuple[dt.date, Organisation, int]]:
    """The council meetings of a year's decisions: each day and district, and how many of
    its decisions are on the site, in the order of the days."""
    count: dict[tuple[dt.date, str], int] = {}
    for decision in decisions:
        if decision.meeting is not None:
            key = (decision.meeting, decision.district)
            count[key] = count.get(key, 0) + 1
    return [
        (day, site.org(district), n)
        for (day, district), n in sorted(count.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    ]


def year(entity: int, site: SiteView) -> YearPage:
    graph = site.graph
    decisions = site.decisions(graph.decisions_by_year.get(entity, []))
    lines = site.ledger.for_year(entity)
    years = graph.years
    index = years.index(entity)
    return YearPage(
        title=f"År {entity}",
        breadcrumbs=[HOME, ("År", "/ar/"), (str(entity), year_url(entity))],
        section="ar",
        description=f"Beslut från {entity} och pengar för budgetåret {entity}.",
        year=entity,
        decisions=decisions,
        meetings=_meetings(site, decisions),
        lines=lines,
        totals=Totals.of(lines),
        by_payer=pivot(lines, lambda ln: ln.from_ids, site.by_party_label),
        by_receiver=pivot(lines, lambda ln: ln.to_ids, site.by_party_label),
        previous=years[index - 1] if index > 0 else None,
        next=years[index + 1] if index + 1 < len(years) else None,
    )


def _fixed(template: str, title: str, url: str, section: str, description: str) -> PageKind[None]:
    """A page whose template holds all it shows: only its head is made here."""

    def build(entity: None, site: SiteView) -> PageContext:
        return PageContext(
            title=title, breadcrumbs=[HOME, (title, url)], section=section, description=description
        )

    return PageKind(template, build)


def feed(entity: None, site: SiteView) -> FeedContext:
    """The decisions last published or changed on the site, whatever their meeting date."""
    entries = by_publication(site, site.graph.decisions.values())[:FEED_SIZE]
    return FeedContext(entries=entries, updated=max((e[2] for e in entries), default=None))


def by_publication(
    site: SiteView, decisions: Iterable[Decision]
) -> list[tuple[Decision, dt.datetime, dt.datetime]]:
    """Each decision with its publication and last change, the latest change first (in the
    graph's order where two are equal)."""
    dated = [(d, *site.publication(d)) for d in decisions]
    return sorted(dated, key=lambda e: e[2], reverse=True)  # stable: graph order kept


def sitemap(entity: tuple[str, ...], site: SiteView) -> Sitemap:
    return Sitemap(urls=[site.absolute(url) for url in entity])


def robots(entity: None, site: SiteView) -> Context:
    return Context()


HOME_PAGE = PageKind("home.html", home)
DECISIONS_PAGE = PageKind("decisions.html", decision_list)
PROJECTS_PAGE = PageKind("projects.html", project_list)
YEARS_PAGE = PageKind("years.html", year_list)
YEAR_PAGE = PageKind("year.html", year)
DATA_PAGE = _fixed(
    "data.html",
    "Öppna data",
    "/data/",
    "data",
    "Ladda ner uppgifterna på webbplatsen som öppna data.",
)
SEARCH_PAGE = _fixed(
    "search.html", "Sök", "/sok/", "sok", "Sök bland beslut, projekt och organisationer."
)
ACCESSIBILITY_PAGE = _fixed(
    "accessibility.html",
    "Tillgänglighet",
    "/tillganglighet/",
    "",
    "Tillgänglighetsredogörelse för webbplatsen.",
)
NOT_FOUND_PAGE = _fixed("404.html", "Sidan finns inte", "/404.html", "", "")
FEED = PageKind("feed.xml", feed)
SITEMAP = PageKind("sitemap.xml", sitemap)
ROBOTS = PageKind("robots.txt", robots)

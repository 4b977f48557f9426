"""Stage 4, render: a plan of pages, then each page rendered from it.

`plan_pages` lists every file of the URL scheme (contract section 7) with
the template that renders it, the entity it shows and the keys of every
entity it reads ("decision:x", "org:y", "project:z"). The keys are what a
later incremental build compares: an edited decision re-renders exactly the
pages whose `reads` name it. A key ending in `:*` ("decision:*") means the
page depends on which entities of that kind exist, as list pages do;
`decision:*` also changes with a decision's district or year (what pages
count decisions by), `year:*` with the years that have a page, `lines:*`
with any funding line and `lines:p` with one of project p's
(`buildcache.entity_versions`). A page is stale when a key it reads changed,
or when its `reads` differ between the old plan and the new one (a decision
that gains a funder joins that funder's page). Settings, templates and
assets are read by every page and are not listed.

A page's reads are made from what its builder in `pages` shows, through the
functions those builders choose with (`role_projects`, `decision_projects`,
`latest_decisions`, `home_districts`, `idle_funders`): a hand-made guess of
what a page shows is how an organisation page came to show each project's
owner without reading it, and kept the old name after a rename.
`tests/test_probe.py` edits every kind of entity and compares a warm build
with a clean one.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from insyn import (
    assets,
    charts,
    feeds,
    formatting,
    jsonld,
    opendata,
    quality_report,
    redirects,
    search,
    trails,
)
from insyn.buildcache import LINES_KEY
from insyn.files import PROJECT_ROOT
from insyn.history import NO_HISTORY, History
from insyn.link import SiteGraph
from insyn.model import DISTRICT, FUNDER, Decision, Organisation, Project
from insyn.money import line_keys
from insyn.opendata_docs import GUIDE
from insyn.pages import (
    BUILDERS,
    FEED_SIZE,
    SiteView,
    decision_projects,
    decision_url,
    home_districts,
    idle_funders,
    latest_decisions,
    org_url,
    project_url,
    role_projects,
    year_url,
)
from insyn.quality import Finding
from insyn.trails import TrailFilter

ROOT = PROJECT_ROOT
TEMPLATES = ROOT / "templates"
ASSETS = assets.FOLDER

ALL_DECISIONS = "decision:*"
ALL_PROJECTS = "project:*"
ALL_ORGANISATIONS = "org:*"
ALL_YEARS = "year:*"

Entity = Decision | Project | Organisation | TrailFilter | int | tuple[str, ...] | None
ALL_BUILDERS = {
    **BUILDERS,
    **trails.BUILDERS,
    **feeds.BUILDERS,
    **quality_report.BUILDERS,
    **redirects.BUILDERS,
}


@dataclass(frozen=True)
class Page:
    """One file of the site: where it goes, how it is rendered, and what it reads."""

    url: str
    template: str
    entity: Entity
    reads: frozenset[str]

    @property
    def path(self) -> str:
        """The file inside the output folder: `/beslut/x/` -> `beslut/x/index.html`."""
        relative = self.url.lstrip("/")
        if relative == "" or relative.endswith("/"):
            return f"{relative}index.html"
        return relative

    @property
    def in_sitemap(self) -> bool:
        return self.path.endswith("index.html") and self.template != redirects.REDIRECT_TEMPLATE


def plan_pages(graph: SiteGraph) -> list[Page]:
    """Every page of the site, in a fixed order, each with the entity keys it reads.

    A page reads the keys of what it shows, chosen as its builder in `pages` chooses (the
    same functions: `role_projects`, `decision_projects`, `latest_decisions` ...), and each
    thing it shows reads what that shows in turn: a decision in a list its district, a
    project its owner, a funding line its parties, project and source (`_decision_item`,
    `_project_item`, `money.line_keys`). Pages of counts and sums read `decision:*`,
    `year:*` and `lines:*` instead of every entity behind them, so that a retitled decision
    does not re-render them.
    """
    ledger = graph.ledger
    pages: list[Page] = []

    def add(url: str, template: str, entity: Entity = None, reads: set[str] | None = None) -> None:
        pages.append(Page(url, template, entity, frozenset(reads or ())))

    decisions = graph.decisions
    projects = graph.projects
    decision_items = {d: _decision_item(decision) for d, decision in decisions.items()}
    project_items = {p: _project_item(project) for p, project in projects.items()}

    def listing(ids: Iterable[str]) -> set[str]:
        """What a list of decisions (`_macros.html`'s `decision_items`) reads."""
        return set().union(*[decision_items[d] for d in ids])

    add(
        "/",
        "home.html",
        None,
        {ALL_DECISIONS, ALL_PROJECTS, ALL_ORGANISATIONS, ALL_YEARS, LINES_KEY}
        | listing(d.id for d in latest_decisions(graph))
        | {f"org:{d.id}" for d in home_districts(graph)}
        | {f"org:{f}" for f in ledger.funders()},
    )
    add("/beslut/", "decisions.html", None, {ALL_DECISIONS} | listing(decisions))
    for decision in decisions.values():
        lines = ledger.declared_by("decision", decision.id)
        reads = set(decision_items[decision.id]) | line_keys(lines)
        for project_id in decision_projects(decision, lines):
            reads.update(project_items[project_id])
        add(decision_url(decision.id), "decision.html", decision, reads)

    add(
        "/projekt/",
        "projects.html",
        None,
        {ALL_PROJECTS}.union(*project_items.values()),
    )
    for project in projects.values():
        reads = set(project_items[project.id])
        reads |= {f"org:{o}" for o in project.partners}
        reads |= {f"org:{part.organisation}" for part in project.parts if part.organisation}
        reads |= line_keys(ledger.for_project(project.id))
        reads |= listing(graph.decisions_by_project.get(project.id, []))
        add(project_url(project.id), "project.html", project, reads)

    districts = graph.districts
    add(
        "/stadsdelar/",
        "districts.html",
        None,
        # Counts of decisions per district (`decision:*`), sums of the lines to each.
        {ALL_DECISIONS, ALL_ORGANISATIONS, LINES_KEY, *(f"org:{d.id}" for d in districts)},
    )
    organisations = sorted(graph.organisations.values(), key=lambda o: o.id)
    for org in districts:
        add(org_url(org), "district.html", org, _organisation_reads(graph, org, listing))

    funders = ledger.funders()
    add(
        "/finansiarer/",
        "funders.html",
        None,
        # Sums per funder: the lines, not the decisions and projects that declare them.
        {ALL_ORGANISATIONS, LINES_KEY, *(f"org:{f}" for f in funders)}
        | {f"org:{o.id}" for o in idle_funders(graph, funders)},
    )
    for org in organisations:
        if org.type == FUNDER:
            add(org_url(org), "funder.html", org, _organisation_reads(graph, org, listing))

    others = [o for o in organisations if o.type not in (DISTRICT, FUNDER)]
    add(
        "/organisationer/",
        "organisations.html",
        None,
        {ALL_ORGANISATIONS, *(f"org:{o.id}" for o in others)},
    )
    for org in others:
        add(org_url(org), "organisation.html", org, _organisation_reads(graph, org, listing))

    # Counts of decisions per year (`decision:*`) and sums of each year's lines.
    add("/ar/", "years.html", None, {ALL_YEARS, ALL_DECISIONS, LINES_KEY})
    for year in graph.years:
        reads = {ALL_YEARS} | listing(graph.decisions_by_year.get(year, []))
        reads |= line_keys(ledger.for_year(year))
        add(year_url(year), "year.html", year, reads)

    for planned in trails.plan(graph):
        add(*planned)
    add("/data/", "data.html")
    add("/sok/", "search.html")
    add("/tillganglighet/", "accessibility.html")
    for planned in quality_report.plan(graph):
        add(*planned)
    add("/404.html", "404.html")
    for planned in redirects.plan(graph):
        add(*planned)

    html_urls = tuple(page.url for page in pages if page.in_sitemap)
    add("/sitemap.xml", "sitemap.xml", html_urls, {ALL_DECISIONS, ALL_PROJECTS, ALL_ORGANISATIONS})
    entries = latest_decisions(graph, FEED_SIZE)
    add("/feed.xml", "feed.xml", None, {ALL_DECISIONS} | listing(d.id for d in entries))
    for planned in feeds.plan(graph):
        add(*planned)
    add("/robots.txt", "robots.txt")
    return pages


def _decision_item(decision: Decision) -> tuple[str, str]:
    """What a decision shows wherever it is listed: itself (title, date, kind, outcome) and
    its district's name."""
    return (f"decision:{decision.id}", f"org:{decision.district}")


def _project_item(project: Project) -> tuple[str, str]:
    """What a project shows wherever it is listed: itself (name, period, status) and its
    owner's name (`Ägare:` on decision, project list and organisation pages)."""
    return (f"project:{project.id}", f"org:{project.owner}")


def _organisation_reads(
    graph: SiteGraph, org: Organisation, listing: Callable[[Iterable[str]], set[str]]
) -> set[str]:
    """What a district's, funder's or organisation's page reads (`pages._payer_context` and
    `pages.district`): the lines it pays and receives, the decisions that name it and the
    projects of `pages.role_projects`, each listed with its owner. The roles come from the
    project (its owner, partners and parts), from its lines' parties (`lines:p`, not each
    line's source: a retitled decision changes no role) and from the district's decisions."""
    ledger = graph.ledger
    lines = [*ledger.paid_by(org.id), *ledger.received_by(org.id)]
    reads = {f"org:{org.id}"} | line_keys(lines)
    reads |= listing(graph.decisions_by_district.get(org.id, []))
    reads |= listing(graph.decisions_by_org.get(org.id, []))
    for project_id in role_projects(graph, org.id, lines)[0]:
        reads |= {*_project_item(graph.projects[project_id]), f"lines:{project_id}"}
    return reads


def environment(site: SiteView | None = None) -> Environment:
    """A Jinja environment for one build: templates compile once and serve every page.

    The site is a global, so that macros imported without context (and so
    compiled and cached once) can look entities up.
    """
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    formatting.register(environment)
    environment.globals.update(jsonld.GLOBALS, year_chart=charts.year_chart)
    environment.globals.update(search.GLOBALS)
    environment.globals["open_data"] = GUIDE
    if site is not None:
        environment.globals["site"] = site
    return environment


def asset_files() -> dict[str, bytes]:
    """Every file under `assets/`, by its site path; CSS, JS and SVG under fingerprinted names."""
    published, _ = assets.fingerprint(assets.read_assets(ASSETS))
    return published


def asset_urls(files: dict[str, bytes]) -> dict[str, str]:
    """`insyn.css` -> `/assets/insyn.<hash>.css`: a new URL whenever the file changes."""
    return {assets.logical_name(path): f"/{path}" for path in files if path.startswith("assets/")}


def render_site(
    graph: SiteGraph,
    findings: list[Finding],
    progress: bool = False,
    history: History = NO_HISTORY,
) -> dict[str, bytes]:
    """Every file of the site, site path -> bytes: pages from the plan, plus the assets."""
    files = asset_files()
    site = SiteView(graph, findings, asset_urls(files), history)
    pages = plan_pages(graph)
    env = environment(site)
    templates = {name: env.get_template(name) for name in sorted({p.template for p in pages})}
    total = len(pages)
    step = max(1, total // 50)
    for number, page in enumerate(pages, 1):
        files[page.path] = render_page(page, site, templates[page.template])
        if progress and (number % step == 0 or number == total):
            print(f"\rRendering pages: {number}/{total}", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    files.update(opendata.render_data_files(graph, pages))
    return files


def render_page(page: Page, site: SiteView, template: Template) -> bytes:
    context = ALL_BUILDERS[page.template](page.entity, site)
    context.setdefault("og_type", "website")
    text: str = template.render(page=page, **context)
    return text.encode("utf-8")

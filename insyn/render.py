"""Stage 4, render: a plan of pages, then each page rendered from it.

`plan_pages` lists every file of the URL scheme (contract section 7) with
the template that renders it, the entity it shows and the keys of every
entity it reads ("decision:x", "org:y", "project:z"). The keys are what a
later incremental build compares: an edited decision re-renders exactly the
pages whose `reads` name it. A key ending in `:*` ("decision:*") means the
page depends on which entities of that kind exist, as list pages do. A
page is stale when a key it reads changed, or when its `reads` differ
between the old plan and the new one (a decision that gains a funder joins
that funder's page). Settings, templates and assets are read by every page
and are not listed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

import insyn
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
from insyn.history import NO_HISTORY, History
from insyn.link import SiteGraph
from insyn.model import DISTRICT, FUNDER, Decision, Organisation, Project
from insyn.money import line_keys
from insyn.opendata_docs import GUIDE
from insyn.pages import (
    BUILDERS,
    FEED_SIZE,
    LATEST_ON_HOME,
    SiteView,
    decision_url,
    org_url,
    project_url,
    year_url,
)
from insyn.quality import Finding
from insyn.trails import TrailFilter

ROOT = Path(insyn.__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
ASSETS = assets.FOLDER

ALL_DECISIONS = "decision:*"
ALL_PROJECTS = "project:*"
ALL_ORGANISATIONS = "org:*"

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
    """Every page of the site, in a fixed order, each with the entity keys it reads."""
    ledger = graph.ledger
    pages: list[Page] = []

    def add(url: str, template: str, entity: Entity = None, reads: set[str] | None = None) -> None:
        pages.append(Page(url, template, entity, frozenset(reads or ())))

    every_decision = {ALL_DECISIONS, *(f"decision:{d}" for d in graph.decisions)}
    every_org = {ALL_ORGANISATIONS, *(f"org:{o}" for o in graph.organisations)}
    every_line = line_keys(ledger.lines)
    project_line_keys: dict[str, set[str]] = {}

    def project_lines_read(project_id: str) -> set[str]:
        """What a project's lines make a page read: its page and every organisation page
        that lists it, so made once per project."""
        keys = project_line_keys.get(project_id)
        if keys is None:
            keys = project_line_keys[project_id] = line_keys(ledger.for_project(project_id))
        return keys

    latest = list(graph.decisions.values())[:LATEST_ON_HOME]
    home_reads = {ALL_DECISIONS, ALL_PROJECTS, *every_line, *every_org}
    add("/", "home.html", None, home_reads | {f"decision:{d.id}" for d in latest})
    add(
        "/beslut/",
        "decisions.html",
        None,
        every_decision | _district_keys(graph.decisions.values()),
    )
    for decision in graph.decisions.values():
        reads = {f"decision:{decision.id}", f"org:{decision.district}"}
        reads |= line_keys(ledger.declared_by("decision", decision.id))
        shown = set(decision.projects) | {k[8:] for k in reads if k.startswith("project:")}
        for project_id in shown:
            reads |= {f"project:{project_id}", f"org:{graph.projects[project_id].owner}"}
        add(decision_url(decision.id), "decision.html", decision, reads)

    add(
        "/projekt/",
        "projects.html",
        None,
        {ALL_PROJECTS, *(f"project:{p}" for p in graph.projects)}
        | {f"org:{p.owner}" for p in graph.projects.values()},
    )
    for project in graph.projects.values():
        reads = {f"project:{project.id}", f"org:{project.owner}"}
        reads |= {f"org:{o}" for o in project.partners}
        reads |= {f"org:{part.organisation}" for part in project.parts if part.organisation}
        reads |= project_lines_read(project.id)
        timeline = graph.decisions_by_project.get(project.id, [])
        reads |= {f"decision:{d}" for d in timeline}
        reads |= _district_keys(graph.decisions[d] for d in timeline)
        add(project_url(project.id), "project.html", project, reads)

    districts = graph.districts
    add(
        "/stadsdelar/",
        "districts.html",
        None,
        every_decision
        | {ALL_ORGANISATIONS, *(f"org:{d.id}" for d in districts)}
        | _received_keys(graph, districts),
    )
    organisations = sorted(graph.organisations.values(), key=lambda o: o.id)
    for org in districts:
        add(org_url(org), "district.html", org, _organisation_reads(graph, org, project_lines_read))

    funders = ledger.funders()
    add(
        "/finansiarer/",
        "funders.html",
        None,
        {ALL_ORGANISATIONS, *(f"org:{o.id}" for o in organisations if o.type == FUNDER)}
        # The sums come from the lines, so from the decisions and projects declaring them.
        | {key for f in funders for key in line_keys(ledger.paid_by(f))},
    )
    for org in organisations:
        if org.type == FUNDER:
            add(
                org_url(org),
                "funder.html",
                org,
                _organisation_reads(graph, org, project_lines_read),
            )

    others = [o for o in organisations if o.type not in (DISTRICT, FUNDER)]
    add(
        "/organisationer/",
        "organisations.html",
        None,
        {ALL_ORGANISATIONS, *(f"org:{o.id}" for o in others)},
    )
    for org in others:
        add(
            org_url(org),
            "organisation.html",
            org,
            _organisation_reads(graph, org, project_lines_read),
        )

    add("/ar/", "years.html", None, every_decision | every_line)
    for year in graph.years:
        ids = graph.decisions_by_year.get(year, [])
        reads = {f"decision:{d}" for d in ids} | _district_keys(graph.decisions[d] for d in ids)
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
    entries = list(graph.decisions.values())[:FEED_SIZE]
    add("/feed.xml", "feed.xml", None, every_decision | _district_keys(entries))
    for planned in feeds.plan(graph):
        add(*planned)
    add("/robots.txt", "robots.txt")
    return pages


def _district_keys(decisions: Any) -> set[str]:
    return {f"org:{d.district}" for d in decisions}


def _received_keys(graph: SiteGraph, districts: list[Organisation]) -> set[str]:
    keys: set[str] = set()
    for org in districts:
        keys |= line_keys(graph.ledger.received_by(org.id))
    return keys


def _organisation_reads(
    graph: SiteGraph, org: Organisation, project_lines_read: Callable[[str], set[str]]
) -> set[str]:
    ledger = graph.ledger
    reads = {f"org:{org.id}"}
    lines = [*ledger.paid_by(org.id), *ledger.received_by(org.id)]
    reads |= line_keys(lines)
    decision_ids = set(graph.decisions_by_district.get(org.id, []))
    decision_ids |= set(graph.decisions_by_org.get(org.id, []))
    reads |= {f"decision:{d}" for d in decision_ids}
    reads |= _district_keys(graph.decisions[d] for d in decision_ids)
    project_ids = set(graph.projects_by_org.get(org.id, []))
    project_ids |= {ln.project_id for ln in lines if ln.project_id}
    for decision_id in graph.decisions_by_district.get(org.id, []):
        project_ids |= set(graph.decisions[decision_id].projects)
    for project_id in project_ids:
        reads.add(f"project:{project_id}")
        # Roles on the page come from the project's own lines.
        reads |= project_lines_read(project_id)
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

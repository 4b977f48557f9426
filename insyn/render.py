"""Stage 4, render: a plan of pages, then each page rendered from it.

`plan_pages` lists every file of the URL scheme (contract section 7) with
the template that renders it and the entity it shows. What each page reads
is not planned: it is recorded while the page renders (`reads`), and a later
incremental build compares those reads (`incremental`).
"""

from __future__ import annotations

import sys
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
from insyn.files import PROJECT_ROOT
from insyn.history import NO_HISTORY, History
from insyn.link import SiteGraph
from insyn.model import DISTRICT, FUNDER, Decision, Organisation, Project
from insyn.opendata_docs import GUIDE
from insyn.pages import BUILDERS, SiteView, decision_url, org_url, project_url, year_url
from insyn.quality import Finding
from insyn.reads import DECISION as DECISION_KEY
from insyn.reads import ORG as ORG_KEY
from insyn.reads import PROJECT as PROJECT_KEY
from insyn.reads import entity_key, record
from insyn.trails import TrailFilter

ROOT = PROJECT_ROOT
TEMPLATES = ROOT / "templates"
ASSETS = assets.FOLDER

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
    """One file of the site: where it goes, how it is rendered, and what it shows."""

    url: str
    template: str
    entity: Entity

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
    """Every page of the site, in a fixed order."""
    pages: list[Page] = []

    def add(url: str, template: str, entity: Entity = None) -> None:
        pages.append(Page(url, template, entity))

    add("/", "home.html")
    add("/beslut/", "decisions.html")
    for decision in graph.decisions.values():
        add(decision_url(decision.id), "decision.html", decision)
    add("/projekt/", "projects.html")
    for project in graph.projects.values():
        add(project_url(project.id), "project.html", project)
    add("/stadsdelar/", "districts.html")
    for org in graph.districts:
        add(org_url(org), "district.html", org)
    organisations = sorted(graph.organisations.values(), key=lambda o: o.id)
    add("/finansiarer/", "funders.html")
    for org in organisations:
        if org.type == FUNDER:
            add(org_url(org), "funder.html", org)
    add("/organisationer/", "organisations.html")
    for org in organisations:
        if org.type not in (DISTRICT, FUNDER):
            add(org_url(org), "organisation.html", org)
    add("/ar/", "years.html")
    for year in graph.years:
        add(year_url(year), "year.html", year)
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
    add("/sitemap.xml", "sitemap.xml", html_urls)
    add("/feed.xml", "feed.xml")
    for planned in feeds.plan(graph):
        add(*planned)
    add("/robots.txt", "robots.txt")
    return pages


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
    """The page's bytes; what it reads is recorded into the current set (`reads`)."""
    record_entity(page.entity)
    context = ALL_BUILDERS[page.template](page.entity, site)
    context.setdefault("og_type", "website")
    text: str = template.render(page=page, **context)
    return text.encode("utf-8")


def record_entity(entity: object) -> None:
    """A page or twin handed its entity by the plan reads it, as a look-up would."""
    if isinstance(entity, Decision):
        record(entity_key(DECISION_KEY, entity.id))
    elif isinstance(entity, Project):
        record(entity_key(PROJECT_KEY, entity.id))
    elif isinstance(entity, Organisation):
        record(entity_key(ORG_KEY, entity.id))

"""Stage 4b, render: one output of the plan into bytes, recording what it read.

Every file of the site except the assets is an `Output`: a page of
`pages.plan.plan_pages` or a download of `opendata.files.plan_data_files`.
`Renderer` holds what every output of one graph is rendered with (the
compiled templates, the assets' URLs, the open-data records, the Markdown
cache) and renders any of them; what the output read is recorded while it
renders (`graph.reads`), and a later incremental build compares it
(`incremental`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, meta, select_autoescape

from insyn.build.bodycache import BodyCache
from insyn.build.manifest import OutputRecord
from insyn.build.sink import Sink
from insyn.build.versions import TEMPLATE, digest
from insyn.graph.link import SiteGraph
from insyn.graph.quality import Finding
from insyn.graph.reads import record, recording
from insyn.model import Decision, Organisation, Project, formatting
from insyn.model.keys import DECISION as DECISION_KEY
from insyn.model.keys import ORG as ORG_KEY
from insyn.model.keys import PROJECT as PROJECT_KEY
from insyn.model.keys import Key, Reads, entity_key
from insyn.opendata import grants360
from insyn.opendata.files import DataFile, plan_data_files
from insyn.opendata.guide import GUIDE
from insyn.opendata.records import OpenData
from insyn.pages import facets, jsonld
from insyn.pages.plan import Page, plan_pages
from insyn.pages.site import SiteView
from insyn.present import charts
from insyn.sources import assets
from insyn.sources.files import PROJECT_ROOT
from insyn.sources.history import History

ROOT = PROJECT_ROOT
TEMPLATES = ROOT / "templates"
ASSETS = assets.FOLDER


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
    environment.globals.update(facets.GLOBALS)
    environment.globals["open_data"] = GUIDE
    if site is not None:
        environment.globals["site"] = site
        # /data/ links 360giving.json only when it is written (a grant to put in it)
        environment.globals["has_grants"] = lambda: grants360.has_grants(site.ledger.lines)
    return environment


def asset_files() -> dict[str, bytes]:
    """Every file under `assets/`, by its site path; CSS, JS and SVG under fingerprinted names."""
    published, _ = assets.fingerprint(assets.read_assets(ASSETS))
    return published


def asset_urls(files: dict[str, bytes]) -> dict[str, str]:
    """`insyn.css` -> `/assets/insyn.<hash>.css`: a new URL whenever the file changes."""
    return {assets.logical_name(path): f"/{path}" for path in files if path.startswith("assets/")}


def render_page(
    page: Page, site: SiteView, template: Template, templates: Iterable[Key] = ()
) -> bytes:
    """The page's bytes; what it reads is recorded into the current set (`reads`), the
    templates it renders with (`templates`: `template_keys`) too."""
    record_entity(page.entity)
    for key in templates:
        record(key)
    text: str = template.render(page=page, **page.context(site).variables())
    return text.encode("utf-8")


def template_keys(environment: Environment, name: str) -> frozenset[Key]:
    """`("template", name)` for `name` and each template it extends, includes or imports,
    found in their source. A reference Jinja cannot name before rendering (a variable)
    stands for every template."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        assert environment.loader is not None
        source, _, _ = environment.loader.get_source(environment, current)
        for referenced in meta.find_referenced_templates(environment.parse(source)):
            if referenced is None:
                return frozenset((TEMPLATE, t) for t in environment.list_templates())
            todo.append(referenced)
    return frozenset((TEMPLATE, t) for t in seen)


def record_entity(entity: object) -> None:
    """A page or twin handed its entity by the plan reads it, as a look-up would."""
    if isinstance(entity, Decision):
        record(entity_key(DECISION_KEY, entity.id))
    elif isinstance(entity, Project):
        record(entity_key(PROJECT_KEY, entity.id))
    elif isinstance(entity, Organisation):
        record(entity_key(ORG_KEY, entity.id))


@dataclass(frozen=True)
class Output:
    """One file of the site from the plan: a page or a download."""

    path: str
    page: Page | None = None
    data: DataFile | None = None

    @property
    def identity(self) -> str:
        """What the plan says the output shows beyond the keys it records: its template
        and, for a value that is no entity (a year, a trail filter, the sitemap's URLs,
        a redirect), that value. A change to it makes the output stale."""
        if self.page is None:
            return ""
        entity = self.page.entity
        if isinstance(entity, (Decision, Project, Organisation)):
            entity = None
        return digest(f"{self.page.template}\0{entity!r}".encode())


def plan_outputs(graph: SiteGraph) -> list[Output]:
    """Every planned file, pages first, in the plan's fixed order."""
    pages = plan_pages(graph)
    outputs = [Output(page.path, page=page) for page in pages]
    outputs += [Output(f.path, data=f) for f in plan_data_files(graph, pages)]
    return outputs


class Renderer:
    """Everything one graph's outputs are rendered with, made once per build."""

    def __init__(
        self,
        graph: SiteGraph,
        findings: list[Finding],
        history: History,
        bodies: BodyCache,
    ) -> None:
        self.graph = graph
        self.assets = asset_files()
        self.bodies = bodies
        self.site = SiteView(graph, findings, asset_urls(self.assets), history, bodies)
        self.environment = environment(self.site)
        self._templates: dict[str, Template] = {}
        self._template_keys: dict[str, frozenset[Key]] = {}
        self._open_data: OpenData | None = None

    def use_graph(self, graph: SiteGraph) -> None:
        """Render from `graph` from now on: an edit that changed entities but no index,
        no funding line and no finding (see `serve`), so the templates need not compile again."""
        self.graph = graph
        self.site.graph = graph
        if self._open_data is not None:
            self._open_data.graph = self.site.graph

    def template(self, name: str) -> Template:
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = self.environment.get_template(name)
        return template

    def template_keys(self, name: str) -> frozenset[Key]:
        """The keys of `name` and of every template it extends, includes or imports."""
        keys = self._template_keys.get(name)
        if keys is None:
            keys = self._template_keys[name] = template_keys(self.environment, name)
        return keys

    def open_data(self) -> OpenData:
        if self._open_data is None:
            # recorded, as pages see it, with the files' publication times
            self._open_data = OpenData(self.site.graph, self.site.published)
        return self._open_data

    def prepare(self, outputs: Iterable[Output]) -> None:
        """Compile the templates `outputs` need and index the open data now, before the
        workers fork, so that each of them need not."""
        for output in outputs:
            if output.page is not None:
                self.template(output.page.template)
            else:
                self.open_data()

    def render(self, output: Output) -> tuple[bytes, Reads]:
        """The output's bytes, and every key it read while it rendered."""
        with recording() as read:
            if output.page is not None:
                name = output.page.template
                data = render_page(
                    output.page, self.site, self.template(name), self.template_keys(name)
                )
            else:
                assert output.data is not None
                record_entity(output.data.entity)
                data = output.data.make(self.open_data())
        return data, frozenset(read)


def render_into(renderer: Renderer, output: Output, sink: Sink) -> OutputRecord:
    """Render one output into `sink`: its record, with what it read."""
    data, read = renderer.render(output)
    return sink.put(output.path, data, read, output.identity)

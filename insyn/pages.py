"""What each page shows: the context its template renders, built from the graph's indexes.

One builder per page type, each taking the entity the page shows. Builders
only look things up in `SiteGraph` and `Ledger` indexes, never scan the
whole corpus per page, so the site renders in time linear in its size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol, cast

from markupsafe import Markup, escape

from insyn.formatting import amount, status_word
from insyn.history import NO_HISTORY, Change, History, content_relative
from insyn.ledger import Ledger, Totals
from insyn.link import SiteGraph
from insyn.markup import Body, MarkdownRenderer
from insyn.model import (
    DISTRICT,
    FUNDER,
    STATUSES,
    Decision,
    FundingLine,
    Organisation,
    Origin,
    Project,
)
from insyn.money import pivot
from insyn.quality import Finding
from insyn.reads import DECISION, ORG, PROJECT, Reads, RecordedGraph, record, recording, replay

_COMMA = Markup(", ")


def _link(url: str, text: object) -> Markup:
    """`<a href="url">text</a>`, both escaped: an f-string of escaped parts, as
    `Markup.format` costs several times as much and a big site makes 100,000 links."""
    return Markup(f'<a href="{escape(url)}">{escape(text)}</a>')


FEED_SIZE = 50
LATEST_ON_HOME = 5
NO_AREA = "Utan område"

Crumbs = list[tuple[str, str]]
Context = dict[str, Any]


def org_url(org: Organisation) -> str:
    """The one page of an organisation, by its type (contract section 7)."""
    if org.type == DISTRICT:
        return f"/stadsdelar/{org.id}/"
    if org.type == FUNDER:
        return f"/finansiarer/{org.id}/"
    return f"/organisationer/{org.id}/"


def decision_url(decision_id: str) -> str:
    return f"/beslut/{decision_id}/"


def project_url(project_id: str) -> str:
    return f"/projekt/{project_id}/"


def year_url(year: int) -> str:
    return f"/ar/{year}/"


class BodyRenderer(Protocol):
    """Markdown to a safe `Body`: `MarkdownRenderer`, or `bodycache.BodyCache` in front of it."""

    def render(self, text: str) -> Body: ...


@dataclass(frozen=True)
class EditHistory:
    """What a page shows of its file's git history: every change, newest first."""

    changes: tuple[Change, ...]
    commit_url: str | None
    view_url: str | None
    edit_url: str | None


@dataclass(frozen=True)
class ProjectRole:
    project: Project
    roles: tuple[str, ...]


class SiteView:
    """The graph as templates see it: look-ups, URLs and rendered bodies."""

    def __init__(
        self,
        graph: SiteGraph,
        findings: Iterable[Finding],
        assets: dict[str, str],
        history: History = NO_HISTORY,
        bodies: BodyRenderer | None = None,
    ) -> None:
        self._links: dict[tuple[str, str | int], Markup] = {}
        self._fragments: dict[
            tuple[object, int, tuple[object, ...]], tuple[object, Markup, Reads]
        ] = {}
        self.graph = graph
        self._history = history
        self.settings = graph.settings
        self.assets = assets
        self._findings: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        for finding in sorted(findings, key=lambda f: (f.path, f.line, f.message)):
            self._findings[(finding.entity_kind, finding.entity_id)].append(finding)
        self._markdown: BodyRenderer = bodies or MarkdownRenderer()

    @property
    def graph(self) -> SiteGraph:
        """The graph, every look-up in it recorded (`reads.RecordedGraph`, which answers
        what `SiteGraph` does)."""
        return cast(SiteGraph, self._graph)

    @graph.setter
    def graph(self, graph: SiteGraph) -> None:
        previous: RecordedGraph | None = getattr(self, "_graph", None)
        self._graph = RecordedGraph(graph, previous.ledger if previous is not None else None)
        self._links.clear()
        self._fragments.clear()

    @property
    def raw_graph(self) -> SiteGraph:
        """The graph the view was made from, without recording."""
        return self._graph.raw

    @property
    def ledger(self) -> Ledger:
        return self.graph.ledger

    def org(self, org_id: str) -> Organisation:
        return self.graph.organisations[org_id]

    # Links to entities, made once each: a big table repeats the same few thousand links,
    # and a macro call per link was the largest cost of rendering those pages. A link
    # handed out from the cache still reads its entity.

    def org_link(self, org_id: str) -> Markup:
        link = self._links.get(("org", org_id))
        if link is None:
            org = self.graph.organisations[org_id]
            link = self._links[("org", org_id)] = _link(org_url(org), org.label)
        else:
            record((ORG, org_id))
        return link

    def project_link(self, project_id: str) -> Markup:
        link = self._links.get(("project", project_id))
        if link is None:
            name = self.graph.projects[project_id].name
            link = self._links[("project", project_id)] = _link(project_url(project_id), name)
        else:
            record((PROJECT, project_id))
        return link

    def decision_link(self, decision_id: str) -> Markup:
        link = self._links.get(("decision", decision_id))
        if link is None:
            title = self.graph.decisions[decision_id].title
            link = self._links[("decision", decision_id)] = _link(decision_url(decision_id), title)
        else:
            record((DECISION, decision_id))
        return link

    def each(self, make: Callable[..., str], items: Iterable[object], *options: object) -> Markup:
        """`make(item, *options)` for every item, joined; each made once per graph.

        A funding line or a decision is a row in many tables (its own page, its district's,
        its funders', its year's, the lists of all decisions) and an entry in several feeds,
        and making each again was most of the cost of those pages. Only for a macro or a
        function whose output depends on nothing but its arguments and the site. The cache
        keeps each item, so its id is never reused for another object while the entry lives.
        """
        fragments = self._fragments
        parts = []
        for item in items:
            key = (make, id(item), options)
            entry = fragments.get(key)
            if entry is None or entry[0] is not item:
                with recording() as made:
                    fragment = Markup(make(item, *options))
                entry = fragments[key] = (item, fragment, frozenset(made))
            else:
                replay(entry[2])
            parts.append(entry[1])
        return Markup("".join(parts))

    def funding_row(
        self, line: FundingLine, show_project: bool, show_source: bool, columns: int
    ) -> Markup:
        """A funding line's table row, and its note's, for `_macros.html`'s `funding_table`.

        Written here rather than as a macro: a big site has 20,000 lines in up to three
        column sets, and the macro's calls were a tenth of the cold build's rendering.
        """
        status, word = escape(line.status), escape(status_word(line.status))
        cells = [
            f"<tr>\n<td>{self.org_link(line.from_id)}</td>\n<td>{self.org_link(line.to_id)}</td>\n"
            f"<td>{self.year_link(line.year)}</td>\n"
            f'<td class="tal">{escape(amount(line.amount))}</td>\n'
            f'<td><span class="status status--{status}">{word}</span></td>\n'
        ]
        if show_project:
            project = (
                self.project_link(line.project_id)
                if line.project_id
                else '<span class="tomt">Inget projekt</span>'
            )
            cells.append(f"<td>{project}</td>")
        if show_source:
            cells.append(f'<td class="kalla">{self.source_link(line)}</td>')
        cells.append("</tr>\n")
        if line.note:
            cells.append(
                f'<tr class="noteringsrad"><td colspan="{escape(columns)}"><span '
                f'class="notering__etikett">Anmärkning:</span> {escape(line.note)}</td></tr>\n'
            )
        return Markup("".join(cells))

    def year_links(self, years: Iterable[int]) -> Markup:
        return _COMMA.join(self.year_link(year) for year in years)

    def source_link(self, line: FundingLine) -> Markup:
        """The decision or project that declares `line`, as "Beslut: title" or "Projekt: name"."""
        key = (f"source {line.source_kind}", line.source_id)
        link = self._links.get(key)
        if link is None:
            word = "Beslut" if line.source_kind == "decision" else "Projekt"
            link = self._links[key] = _link(
                self.source_url(line), f"{word}: {self.source_label(line)}"
            )
        else:
            record((line.source_kind, line.source_id))
        return link

    def year_link(self, year: int) -> Markup:
        link = self._links.get(("year", year))
        if link is None:
            link = self._links[("year", year)] = _link(year_url(year), year)
        return link

    def edits(self, origin: Origin) -> EditHistory | None:
        """The git history of an entity's file, with links, or None outside a checkout."""
        relative = content_relative(origin.path)
        changes = self._history.of(relative)
        if not changes:
            return None
        repo = (self.settings.repo_url or "").rstrip("/")
        in_repo = self._history.repo_path(relative)
        return EditHistory(
            changes=changes,
            commit_url=f"{repo}/commit/" if repo else None,
            view_url=f"{repo}/blob/main/{in_repo}" if repo else None,
            edit_url=f"{repo}/edit/main/{in_repo}" if repo else None,
        )

    def org_url(self, org_id: str) -> str:
        return org_url(self.graph.organisations[org_id])

    def decision(self, decision_id: str) -> Decision:
        return self.graph.decisions[decision_id]

    def project(self, project_id: str) -> Project:
        return self.graph.projects[project_id]

    def decision_url(self, decision_id: str) -> str:
        return decision_url(decision_id)

    def project_url(self, project_id: str) -> str:
        return project_url(project_id)

    def year_url(self, year: int) -> str:
        return year_url(year)

    def source_url(self, line: FundingLine) -> str:
        if line.source_kind == "decision":
            return decision_url(line.source_id)
        return project_url(line.source_id)

    def source_label(self, line: FundingLine) -> str:
        if line.source_kind == "decision":
            return self.graph.decisions[line.source_id].title
        return self.graph.projects[line.source_id].name

    def findings(self, kind: str, entity_id: str) -> list[Finding]:
        """What is found about an entity: part of that entity's version, so it is read."""
        record((kind, entity_id))
        return self._findings.get((kind, entity_id), [])

    def body(self, text: str) -> Body:
        return self._markdown.render(text)

    def absolute(self, url: str) -> str:
        return f"{self.settings.base_url}{url}"

    def asset(self, name: str) -> str:
        return self.assets[name]

    def decisions(self, ids: Iterable[str]) -> list[Decision]:
        return [self.graph.decisions[i] for i in ids]

    def statuses(self, *totals: Totals) -> list[str]:
        """The statuses that have money in any of `totals`: the columns a table needs."""
        return [s for s in STATUSES if any(t.get(s) for t in totals)]

    def by_org_label(self, org_id: str) -> tuple[str, str]:
        org = self.graph.organisations[org_id]
        return (org.label.casefold(), org.id)

    def by_project_name(self, project_id: str | None) -> tuple[bool, str, str]:
        if project_id is None:
            return (True, "", "")
        return (False, self.graph.projects[project_id].name.casefold(), project_id)

    def project_roles(self, org_id: str, lines: Iterable[FundingLine]) -> list[ProjectRole]:
        """Every project an organisation leads, joins, pays for or is paid for, with its roles."""
        graph = self.graph
        ids, decided = role_projects(graph, org_id, lines)
        result = []
        for project_id in ids:
            project = graph.projects[project_id]
            roles = []
            if project.owner == org_id:
                roles.append("Projektägare")
            if org_id in project.partners:
                roles.append("Partner")
            if any(part.organisation == org_id for part in project.parts):
                roles.append("Ansvarar för en del")
            project_lines = self.ledger.for_project(project_id)
            if any(ln.from_id == org_id for ln in project_lines):
                roles.append("Finansierar")
            if any(ln.to_id == org_id and ln.from_id != org_id for ln in project_lines):
                roles.append("Tar emot pengar")
            if project_id in decided:
                roles.append("Beslut i nämnden")
            result.append(ProjectRole(project, tuple(roles)))
        return sorted(result, key=lambda r: (r.project.name.casefold(), r.project.id))


# What the builders below choose to show, as functions of the graph: `render.plan_pages`
# declares each page's reads from the very same choice, so the two cannot drift apart.


def role_projects(
    graph: SiteGraph, org_id: str, lines: Iterable[FundingLine]
) -> tuple[set[str], set[str]]:
    """The projects an organisation's page lists (`SiteView.project_roles`) and, of those,
    the ones its district decided on. `lines` are the lines the page shows (paid, received)."""
    ids = set(graph.projects_by_org.get(org_id, []))
    ids |= {ln.project_id for ln in lines if ln.project_id}
    decided = {
        project_id
        for decision_id in graph.decisions_by_district.get(org_id, [])
        for project_id in graph.decisions[decision_id].projects
    }
    return ids | decided, decided


def decision_projects(decision: Decision, lines: Iterable[FundingLine]) -> list[str]:
    """The projects a decision's page lists: its own, then those of its lines, each once."""
    return list(
        dict.fromkeys([*decision.projects, *(ln.project_id for ln in lines if ln.project_id)])
    )


def latest_decisions(graph: SiteGraph, count: int = LATEST_ON_HOME) -> list[Decision]:
    """The newest decisions: the home page's (`LATEST_ON_HOME`) or a feed's (`FEED_SIZE`)."""
    return list(islice(graph.decisions.values(), count))


def home_districts(graph: SiteGraph) -> list[Organisation]:
    """The districts the home page links to: those with a decision on the site."""
    return [d for d in graph.districts if graph.decisions_by_district.get(d.id)]


def idle_funders(graph: SiteGraph, paying: Iterable[str]) -> list[Organisation]:
    """Funders that pay nothing on the site, as `/finansiarer/` lists them last."""
    paid = set(paying)
    funders = graph.organisations_by_type.get(FUNDER, [])
    return sorted(
        (graph.organisations[o] for o in funders if o not in paid),
        key=lambda o: (o.label.casefold(), o.id),
    )


def decisions_by_year(decisions: Iterable[Decision]) -> list[tuple[int, list[Decision]]]:
    """Newest year first, keeping the given (newest-first) order within a year."""
    groups: dict[int, list[Decision]] = defaultdict(list)
    for decision in decisions:
        groups[decision.year].append(decision)
    return sorted(groups.items(), reverse=True)


def _chronological(decision: Decision) -> tuple[dt.date, str]:
    return (decision.date or dt.date(decision.year, 1, 1), decision.id)


def _context(
    title: str, crumbs: Crumbs, section: str, description: str = "", **rest: Any
) -> Context:
    return {
        "title": title,
        "breadcrumbs": crumbs,
        "section": section,
        "description": description,
        **rest,
    }


HOME: tuple[str, str] = ("Start", "/")


def home(entity: None, site: SiteView) -> Context:
    graph = site.graph
    latest = latest_decisions(graph)
    funders = site.ledger.funders()
    return _context(
        site.settings.title,
        [HOME],
        "start",
        site.settings.description,
        latest=latest,
        totals=Totals.of(site.ledger.lines),
        decision_count=len(graph.decisions),
        project_count=len(graph.projects),
        districts=home_districts(graph),
        funders=sorted(funders, key=site.by_org_label),
        years=list(reversed(graph.years)),
    )


def decision_list(entity: None, site: SiteView) -> Context:
    graph = site.graph
    return _context(
        "Beslut",
        [HOME, ("Beslut", "/beslut/")],
        "beslut",
        "Alla beslut om pengar mot våld i nära relationer, nyast först.",
        groups=decisions_by_year(graph.decisions.values()),
        count=len(graph.decisions),
    )


def decision(entity: Decision, site: SiteView) -> Context:
    lines = site.ledger.declared_by("decision", entity.id)
    projects = decision_projects(entity, lines)
    district = site.org(entity.district)
    source = None
    if entity.source:
        external = entity.source.startswith(("http://", "https://"))
        path = entity.source.lstrip("/")
        if not external and not path.startswith("assets/"):
            path = f"assets/{path}"
        source = {"url": entity.source if external else f"/{path}", "external": external}
    return _context(
        entity.title,
        [HOME, ("Beslut", "/beslut/"), (entity.title, decision_url(entity.id))],
        "beslut",
        f"Beslut i {district.name} ({entity.year}).",
        decision=entity,
        district=district,
        lines=lines,
        totals=Totals.of(lines),
        projects=[site.project(p) for p in projects],
        body=site.body(entity.body),
        findings=site.findings("decision", entity.id),
        edits=site.edits(entity.origin),
        source=source,
        og_type="article",
    )


def project_list(entity: None, site: SiteView) -> Context:
    projects = sorted(site.graph.projects.values(), key=lambda p: (p.name.casefold(), p.id))
    return _context(
        "Projekt",
        [HOME, ("Projekt", "/projekt/")],
        "projekt",
        "Alla projekt som stadsdelsnämnderna driver, deltar i eller finansierar.",
        projects=projects,
    )


def project(entity: Project, site: SiteView) -> Context:
    lines = site.ledger.for_project(entity.id)
    budget: dict[int, list[Any]] = defaultdict(list)
    for item in entity.budget:
        budget[item.year].append(item)
    timeline = sorted(
        site.decisions(site.graph.decisions_by_project.get(entity.id, [])), key=_chronological
    )
    return _context(
        entity.name,
        [HOME, ("Projekt", "/projekt/"), (entity.name, project_url(entity.id))],
        "projekt",
        f"Projektet {entity.name}: ägare, partner, budget, finansiering och beslut.",
        project=entity,
        lines=lines,
        totals=Totals.of(lines),
        by_year=pivot(lines, lambda ln: ln.year),
        budget=[
            (year, items, sum(i.amount for i in items)) for year, items in sorted(budget.items())
        ],
        timeline=timeline,
        body=site.body(entity.body),
        findings=site.findings("project", entity.id),
        edits=site.edits(entity.origin),
        og_type="article",
    )


def district_list(entity: None, site: SiteView) -> Context:
    graph = site.graph
    areas: dict[str, list[tuple[Organisation, int, Totals]]] = defaultdict(list)
    every: list[Totals] = []
    for district in graph.districts:
        received = Totals.of(site.ledger.received_by(district.id))
        every.append(received)
        count = len(graph.decisions_by_district.get(district.id, []))
        areas[district.area or NO_AREA].append((district, count, received))
    return _context(
        "Stadsdelar",
        [HOME, ("Stadsdelar", "/stadsdelar/")],
        "stadsdelar",
        "Stockholms stadsdelsnämnder, deras beslut och pengarna de söker och får.",
        areas=sorted(areas.items(), key=lambda kv: (kv[0] == NO_AREA, kv[0])),
        statuses=site.statuses(*every),
        count=len(graph.districts),
    )


def district(entity: Organisation, site: SiteView) -> Context:
    graph = site.graph
    own = site.decisions(graph.decisions_by_district.get(entity.id, []))
    mentions = [
        d
        for d in site.decisions(graph.decisions_by_org.get(entity.id, []))
        if d.district != entity.id
    ]
    received = site.ledger.received_by(entity.id)
    paid = site.ledger.paid_by(entity.id)
    contributed = [ln for ln in paid if ln.to_id != entity.id]
    return _context(
        entity.name,
        [HOME, ("Stadsdelar", "/stadsdelar/"), (entity.label, org_url(entity))],
        "stadsdelar",
        f"{entity.name}: beslut, projekt och pengar.",
        org=entity,
        decision_groups=decisions_by_year(own),
        decision_count=len(own),
        mentions=mentions,
        projects=site.project_roles(entity.id, [*received, *paid]),
        received=received,
        received_by_funder=pivot(received, lambda ln: ln.from_id, site.by_org_label),
        contributed=contributed,
        contributed_totals=Totals.of(contributed),
    )


def funder_list(entity: None, site: SiteView) -> Context:
    graph = site.graph
    rows = [(org_id, Totals.of(site.ledger.paid_by(org_id))) for org_id in site.ledger.funders()]
    rows.sort(key=lambda row: site.by_org_label(row[0]))
    idle = idle_funders(graph, site.ledger.funders())
    return _context(
        "Finansiärer",
        [HOME, ("Finansiärer", "/finansiarer/")],
        "finansiarer",
        "Alla som betalar, eller ombeds betala, pengar mot våld i nära relationer.",
        rows=rows,
        statuses=site.statuses(*(t for _, t in rows)),
        idle=idle,
    )


def _payer_context(entity: Organisation, site: SiteView) -> Context:
    """What every organisation page shows: money it paid and received, and what mentions it."""
    graph = site.graph
    paid = site.ledger.paid_by(entity.id)
    received = site.ledger.received_by(entity.id)
    return {
        "org": entity,
        "paid": paid,
        "paid_totals": Totals.of(paid),
        "paid_by_year": pivot(paid, lambda ln: ln.year),
        "paid_by_receiver": pivot(paid, lambda ln: ln.to_id, site.by_org_label),
        "paid_by_project": pivot(paid, lambda ln: ln.project_id, site.by_project_name),
        "received": received,
        "received_totals": Totals.of(received),
        "received_by_payer": pivot(received, lambda ln: ln.from_id, site.by_org_label),
        "decisions": site.decisions(graph.decisions_by_org.get(entity.id, [])),
        "projects": site.project_roles(entity.id, [*paid, *received]),
    }


def funder(entity: Organisation, site: SiteView) -> Context:
    return _context(
        entity.name,
        [HOME, ("Finansiärer", "/finansiarer/"), (entity.label, org_url(entity))],
        "finansiarer",
        f"{entity.name}: allt som finansierats eller sökts, per år, mottagare och projekt.",
        **_payer_context(entity, site),
    )


def organisation_list(entity: None, site: SiteView) -> Context:
    graph = site.graph
    others = [
        ids for kind, ids in graph.organisations_by_type.items() if kind not in (DISTRICT, FUNDER)
    ]
    orgs = sorted(
        (graph.organisations[o] for ids in others for o in ids),
        key=lambda o: (o.label.casefold(), o.id),
    )
    return _context(
        "Organisationer",
        [HOME, ("Organisationer", "/organisationer/")],
        "organisationer",
        "Kommuner, myndigheter, förvaltningar, föreningar och företag som deltar i arbetet.",
        organisations=orgs,
    )


def organisation(entity: Organisation, site: SiteView) -> Context:
    return _context(
        entity.name,
        [HOME, ("Organisationer", "/organisationer/"), (entity.label, org_url(entity))],
        "organisationer",
        f"{entity.name}: projekt, beslut och pengar.",
        **_payer_context(entity, site),
    )


def year_list(entity: None, site: SiteView) -> Context:
    graph = site.graph
    rows = [
        (year, len(graph.decisions_by_year.get(year, [])), Totals.of(site.ledger.for_year(year)))
        for year in reversed(graph.years)
    ]
    return _context(
        "År",
        [HOME, ("År", "/ar/")],
        "ar",
        "Beslut och pengar år för år.",
        rows=rows,
        statuses=site.statuses(*(t for _, _, t in rows)),
    )


def year(entity: int, site: SiteView) -> Context:
    graph = site.graph
    lines = site.ledger.for_year(entity)
    years = graph.years
    index = years.index(entity)
    return _context(
        f"År {entity}",
        [HOME, ("År", "/ar/"), (str(entity), year_url(entity))],
        "ar",
        f"Beslut från {entity} och pengar för budgetåret {entity}.",
        year=entity,
        decisions=site.decisions(graph.decisions_by_year.get(entity, [])),
        lines=lines,
        totals=Totals.of(lines),
        by_payer=pivot(lines, lambda ln: ln.from_id, site.by_org_label),
        by_receiver=pivot(lines, lambda ln: ln.to_id, site.by_org_label),
        previous=years[index - 1] if index > 0 else None,
        next=years[index + 1] if index + 1 < len(years) else None,
    )


def _placeholder(
    title: str, url: str, section: str, description: str
) -> Callable[[None, SiteView], Context]:
    def build(entity: None, site: SiteView) -> Context:
        return _context(title, [HOME, (title, url)], section, description)

    return build


def not_found(entity: None, site: SiteView) -> Context:
    return _context("Sidan finns inte", [HOME, ("Sidan finns inte", "/404.html")], "", "")


def feed(entity: None, site: SiteView) -> Context:
    entries = latest_decisions(site.graph, FEED_SIZE)
    dates = [entry_date(d) for d in entries]
    return {"entries": list(zip(entries, dates, strict=True)), "updated": max(dates, default=None)}


def entry_date(decision: Decision) -> dt.date:
    """An Atom entry's date: the decision's own date, else 1 January of its year."""
    return decision.date or dt.date(decision.year, 1, 1)


def sitemap(entity: tuple[str, ...], site: SiteView) -> Context:
    return {"urls": [site.absolute(url) for url in entity]}


def robots(entity: None, site: SiteView) -> Context:
    return {}


BUILDERS: dict[str, Callable[[Any, SiteView], Context]] = {
    "home.html": home,
    "decisions.html": decision_list,
    "decision.html": decision,
    "projects.html": project_list,
    "project.html": project,
    "districts.html": district_list,
    "district.html": district,
    "funders.html": funder_list,
    "funder.html": funder,
    "organisations.html": organisation_list,
    "organisation.html": organisation,
    "years.html": year_list,
    "year.html": year,
    "data.html": _placeholder(
        "Öppna data", "/data/", "data", "Ladda ner uppgifterna på webbplatsen som öppna data."
    ),
    "search.html": _placeholder(
        "Sök", "/sok/", "sok", "Sök bland beslut, projekt och organisationer."
    ),
    "accessibility.html": _placeholder(
        "Tillgänglighet", "/tillganglighet/", "", "Tillgänglighetsredogörelse för webbplatsen."
    ),
    "404.html": not_found,
    "feed.xml": feed,
    "sitemap.xml": sitemap,
    "robots.txt": robots,
}

"""The page of a decision and the page of a project: what each shows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from insyn.graph.ledger import Totals
from insyn.graph.money import Pivot, by_year
from insyn.graph.quality import Finding
from insyn.model import STATUSES, BudgetLine, Decision, FundingLine, Organisation, Project
from insyn.pages.answers import Application, applications
from insyn.pages.choices import chronological, decision_projects
from insyn.pages.common import HOME, PageContext, decision_url, project_url
from insyn.pages.kinds import PageKind
from insyn.pages.site import EditHistory, SiteView
from insyn.present.markup import Body


@dataclass(frozen=True)
class Source:
    """Where a decision's source document is: a file in `assets/` or a page elsewhere."""

    url: str
    external: bool


@dataclass(frozen=True, kw_only=True)
class DecisionPage(PageContext):
    decision: Decision
    district: Organisation
    lines: list[FundingLine]
    totals: Totals
    projects: list[Project]
    body: Body
    findings: list[Finding]
    edits: EditHistory | None
    source: Source | None
    #: what the decision applied for, per payer, with the lines that answer it
    applications: list[Application]
    #: the decision's granted and rejected lines that answer another's application
    answers: list[tuple[FundingLine, Decision]]
    #: its money in short, first on the page: per status, per payer, the known sum and the
    #: number of lines of unknown sum
    money_summary: list[tuple[str, list[tuple[tuple[str, ...], int, int]]]]


@dataclass(frozen=True, kw_only=True)
class ProjectPage(PageContext):
    project: Project
    lines: list[FundingLine]
    totals: Totals
    by_year: Pivot
    #: (year, its budget lines, their sum), oldest first
    budget: list[tuple[int, list[BudgetLine], int]]
    timeline: list[Decision]
    body: Body
    findings: list[Finding]
    edits: EditHistory | None


def money_summary(
    lines: list[FundingLine],
) -> list[tuple[str, list[tuple[tuple[str, ...], int, int]]]]:
    """Per status (in the site's order of statuses), per payer in the order of the lines:
    the sum of the known amounts and how many lines have none. Never one sum across
    statuses or payers."""
    summary = []
    for status in STATUSES:
        payers: dict[tuple[str, ...], list[int]] = {}
        for line in lines:
            if line.status == status:
                payers.setdefault(line.from_ids, [0, 0])
                if line.amount is None:
                    payers[line.from_ids][1] += 1
                else:
                    payers[line.from_ids][0] += line.amount
        if payers:
            summary.append((status, [(ids, v[0], v[1]) for ids, v in payers.items()]))
    return summary


def decision(entity: Decision, site: SiteView) -> DecisionPage:
    lines = site.ledger.declared_by("decision", entity.id)
    projects = decision_projects(entity, lines)
    district = site.org(entity.district)
    source = None
    if entity.source:
        external = entity.source.startswith(("http://", "https://"))
        path = entity.source.lstrip("/")
        if not external and not path.startswith("assets/"):
            path = f"assets/{path}"
        source = Source(entity.source if external else f"/{path}", external)
    return DecisionPage(
        title=entity.title,
        breadcrumbs=[HOME, ("Beslut", "/beslut/"), (entity.title, decision_url(entity.id))],
        section="beslut",
        description=f"Beslut i {district.name} ({entity.year}).",
        decision=entity,
        district=district,
        lines=lines,
        totals=Totals.of(lines),
        projects=[site.project(p) for p in projects],
        body=site.body(entity.body),
        findings=site.findings("decision", entity.id),
        edits=site.edits(entity.origin),
        source=source,
        applications=applications(site, entity.id),
        answers=[(ln, site.decision(ln.answers)) for ln in lines if ln.answers],
        money_summary=money_summary(lines),
        og_type="article",
    )


def project(entity: Project, site: SiteView) -> ProjectPage:
    lines = site.ledger.for_project(entity.id)
    budget: dict[int, list[BudgetLine]] = defaultdict(list)
    for item in entity.budget:
        budget[item.year].append(item)
    timeline = sorted(
        site.decisions(site.graph.decisions_by_project.get(entity.id, [])), key=chronological
    )
    return ProjectPage(
        title=entity.name,
        breadcrumbs=[HOME, ("Projekt", "/projekt/"), (entity.name, project_url(entity.id))],
        section="projekt",
        description=f"Projektet {entity.name}: ägare, partner, budget, finansiering och beslut.",
        project=entity,
        lines=lines,
        totals=Totals.of(lines),
        by_year=by_year(lines),
        budget=[
            (year, items, sum(i.amount for i in items)) for year, items in sorted(budget.items())
        ],
        timeline=timeline,
        body=site.body(entity.body),
        findings=site.findings("project", entity.id),
        edits=site.edits(entity.origin),
        og_type="article",
    )


DECISION_PAGE = PageKind("decision.html", decision)
PROJECT_PAGE = PageKind("project.html", project)

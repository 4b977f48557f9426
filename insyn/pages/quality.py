"""/kvalitet/: every data-quality finding in public, grouped by the page it concerns.

Readers should see where the sources contradict themselves. Only findings
about published entities are shown: a draft's findings would link to a
page that does not exist and name what is not yet public.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from insyn.graph.link import SiteGraph
from insyn.graph.quality import Finding
from insyn.pages.common import HOME, PageContext, decision_url, project_url
from insyn.pages.kinds import PageKind
from insyn.pages.site import SiteView

QUALITY_URL = "/kvalitet/"
KIND_HEADINGS = {"decision": "Beslut", "project": "Projekt"}


def anchor(kind: str, entity_id: str) -> str:
    """The id of an entity's group on /kvalitet/: `beslut-<id>`, `projekt-<id>`."""
    return f"{KIND_HEADINGS[kind].lower()}-{entity_id}"


@dataclass(frozen=True)
class EntityFindings:
    kind: str
    entity_id: str
    label: str
    url: str
    anchor: str
    findings: tuple[Finding, ...]


def published(site: SiteView) -> list[EntityFindings]:
    """Findings per published decision and project: decisions newest first, projects by name."""
    graph = site.graph
    groups = []
    for decision in graph.decisions.values():
        found = site.findings("decision", decision.id)
        if found:
            groups.append(
                EntityFindings(
                    "decision",
                    decision.id,
                    decision.title,
                    decision_url(decision.id),
                    anchor("decision", decision.id),
                    tuple(found),
                )
            )
    for project in sorted(graph.projects.values(), key=lambda p: (p.name.casefold(), p.id)):
        found = site.findings("project", project.id)
        if found:
            groups.append(
                EntityFindings(
                    "project",
                    project.id,
                    project.name,
                    project_url(project.id),
                    anchor("project", project.id),
                    tuple(found),
                )
            )
    return groups


@dataclass(frozen=True, kw_only=True)
class QualityPage(PageContext):
    #: (kind, its entities with findings), decisions first
    groups: list[tuple[str, list[EntityFindings]]]
    count: int
    kind_headings: dict[str, str]


def quality_page(entity: None, site: SiteView) -> QualityPage:
    groups = published(site)
    return QualityPage(
        title="Möjliga fel i underlaget",
        breadcrumbs=[HOME, ("Möjliga fel i underlaget", QUALITY_URL)],
        section="",
        description="Uppgifter i källorna som saknas eller inte stämmer med varandra, "
        "hittade av Insyns automatiska kontroll.",
        groups=[(kind, [g for g in groups if g.kind == kind]) for kind in KIND_HEADINGS],
        count=sum(len(g.findings) for g in groups),
        kind_headings=KIND_HEADINGS,
    )


QUALITY_PAGE = PageKind("quality.html", quality_page)


def plan(graph: SiteGraph) -> Iterator[tuple[str, PageKind[None], None]]:
    """The one page of findings: (url, kind, entity)."""
    yield QUALITY_URL, QUALITY_PAGE, None

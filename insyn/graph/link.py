"""Stage 3, link: typed entities, resolved references and the site graph.

Every reference is checked against the organisations and content that exist;
defaults of funding lines (`to`, `project`) are resolved here, once, so that
no later stage needs to know the rules of contract section 6.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from insyn.graph.duplicates import check_duplicates
from insyn.graph.funding import check_answers, funding_lines
from insyn.graph.ledger import Ledger
from insyn.graph.resolve import Resolver, check_references_of_broken
from insyn.model import (
    DISTRICT,
    BudgetLine,
    Decision,
    Organisation,
    Origin,
    Outcome,
    PartialDate,
    Period,
    Person,
    Project,
    ProjectPart,
    Publisher,
    SiteSettings,
)
from insyn.model.i18n import _
from insyn.model.problems import Problems
from insyn.sources.load import DECISION, PROJECT, LoadedSources, SourceFile
from insyn.sources.validate import ValidSources


@dataclass(frozen=True)
class SiteGraph:
    """Everything a page can show, with the links between entities in both directions."""

    settings: SiteSettings
    organisations: dict[str, Organisation]
    decisions: dict[str, Decision]
    projects: dict[str, Project]
    ledger: Ledger
    decisions_by_district: dict[str, list[str]] = field(default_factory=dict)
    decisions_by_project: dict[str, list[str]] = field(default_factory=dict)
    decisions_by_year: dict[int, list[str]] = field(default_factory=dict)
    decisions_by_org: dict[str, list[str]] = field(default_factory=dict)
    projects_by_org: dict[str, list[str]] = field(default_factory=dict)
    #: district -> its meeting days with decisions, the latest first -> their ids (graph order)
    meetings_by_district: dict[str, dict[dt.date, list[str]]] = field(default_factory=dict)
    #: organisation type -> the ids of that type, in the file's order
    organisations_by_type: dict[str, list[str]] = field(default_factory=dict)

    def org(self, org_id: str) -> Organisation:
        return self.organisations[org_id]

    @property
    def districts(self) -> list[Organisation]:
        return sorted(
            (o for o in self.organisations.values() if o.type == DISTRICT),
            key=lambda o: o.label,
        )

    @property
    def years(self) -> list[int]:
        """Every year with a decision or money."""
        return sorted(
            set(self.decisions_by_year)
            | {ln.year for ln in self.ledger.lines if ln.year is not None}
        )


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, list) else ()


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def build_settings(valid: ValidSources, path: str) -> SiteSettings | None:
    if valid.settings is None:
        return None
    data = valid.settings.data
    return SiteSettings(
        title=data["title"],
        base_url=str(data["base_url"]).rstrip("/"),
        origin=Origin(path, valid.settings.lines),
        description=data.get("description", ""),
        repo_url=data.get("repo_url"),
        language=data.get("language", "sv"),
        organisation=data.get("organisation"),
        contact_email=data.get("contact_email"),
        licence=data.get("licence"),
        licence_url=data.get("licence_url"),
        accessibility_status=data.get("accessibility_status", "partially-compliant"),
        accessibility_assessed=_date(data.get("accessibility_assessed")),
        statement_updated=_date(data.get("statement_updated")),
        accessibility_issues=_tuple(data.get("accessibility_issues")),
        quick_exit_url=data.get("quick_exit_url", SiteSettings.quick_exit_url),
        publisher=_publisher(data.get("publisher")),
    )


def _publisher(data: Any) -> Publisher | None:
    if not isinstance(data, dict):
        return None
    return Publisher(
        name=str(data["name"]),
        type=str(data.get("type", Publisher.type)),
        org_number=data.get("org_number"),
        email=data.get("email"),
        uri=data.get("uri"),
    )


def build_organisations(valid: ValidSources, sources: LoadedSources) -> dict[str, Organisation]:
    result: dict[str, Organisation] = {}
    document = sources.organisations
    by_entry: dict[object, dict[tuple[str | int, ...], int]] = defaultdict(dict)
    for path, line in document.lines.items() if document else []:
        if path:
            by_entry[path[0]][path[1:]] = line
    for index, entry in valid.organisations:
        lines = by_entry.get(index, {})
        active = entry.get("active")
        result[str(entry["id"])] = Organisation(
            id=str(entry["id"]),
            name=str(entry["name"]),
            type=str(entry["type"]),
            origin=Origin(sources.organisations_path, lines),
            short_name=entry.get("short_name"),  # type: ignore[arg-type]
            category=entry.get("category"),  # type: ignore[arg-type]
            area=entry.get("area"),  # type: ignore[arg-type]
            aliases=_tuple(entry.get("aliases")),
            active=Period(active.get("from"), active.get("to"))
            if isinstance(active, dict)
            else None,
            website=entry.get("website"),  # type: ignore[arg-type]
            org_number=entry.get("org_number"),  # type: ignore[arg-type]
            part_of=entry.get("part_of"),  # type: ignore[arg-type]
        )
    return dict(sorted(result.items()))


def _people(raw: Any, phone: bool = False) -> tuple[Person, ...]:
    return tuple(Person(p["name"], title=p.get("title")) for p in raw or [])


def build_decision(source: SourceFile, resolver: Resolver) -> Decision | None:
    """The decision of a file whose every reference resolves, else None (the errors said)."""
    decision, resolved = decision_of(source, resolver)
    return decision if resolved else None


def decision_of(source: SourceFile, resolver: Resolver) -> tuple[Decision, bool]:
    """The decision a (validated) file describes, and whether its references all resolve.
    One that does not resolve is not published, but what can be checked in the file alone
    (its dates, signatories, sums) still is, in the same run as its reference errors."""
    data = source.data
    ok = resolver.organisation(source, ("district",), data["district"], DISTRICT)
    projects = _tuple(data.get("projects"))
    for index, project_id in enumerate(projects):
        ok &= resolver.content(source, ("projects", index), PROJECT, project_id)
    default_project = projects[0] if len(projects) == 1 else None
    funding, funding_ok = funding_lines(source, resolver, data["district"], default_project, None)
    meeting = _date(data.get("meeting"))
    officer = data.get("case_officer")
    outcome = data.get("outcome")
    decision = Decision(
        id=source.stem,
        title=data["title"],
        district=data["district"],
        kind=data["kind"],
        # `year` beside `meeting`: the year it is filed under, for a meeting date that its
        # notes explain is wrong (`validate` requires the notes).
        year=int(data["year"]) if data.get("year") is not None else meeting.year,  # type: ignore[union-attr]
        origin=Origin(source.path, source.front.lines, source.digest),
        body=source.body,
        body_line=source.body_line,
        meeting=meeting,
        document_date=_date(data.get("document_date")),
        diary_number=data.get("diary_number"),
        case_officer=Person(officer["name"], phone=officer.get("phone")) if officer else None,
        signed_by=_people(data.get("signed_by")),
        proposals=_tuple(data.get("proposals")),
        immediate_adjustment=bool(data.get("immediate_adjustment", False)),
        projects=projects,
        funding=funding,
        attachments=_tuple(data.get("attachments")),
        outcome=Outcome(outcome["status"], outcome.get("note")) if outcome else None,
        notes=_tuple(data.get("notes")),
        acknowledged=_tuple(data.get("acknowledged")),
        source=data.get("source"),
        tags=_tuple(data.get("tags")),
        draft=bool(data.get("draft", False)),
        aliases=_tuple(data.get("aliases")),
    )
    return decision, ok and funding_ok


def build_project(source: SourceFile, resolver: Resolver) -> Project | None:
    data = source.data
    ok = resolver.organisation(source, ("owner",), data["owner"])
    partners = _tuple(data.get("partners"))
    for index, partner in enumerate(partners):
        ok &= resolver.organisation(source, ("partners", index), partner)
    parts = []
    for index, part in enumerate(data.get("parts") or []):
        if "organisation" in part:
            ok &= resolver.organisation(
                source, ("parts", index, "organisation"), part["organisation"]
            )
        parts.append(ProjectPart(part["name"], part.get("organisation"), part.get("description")))
    funding, funding_ok = funding_lines(source, resolver, data["owner"], source.stem, source.stem)
    if not (ok and funding_ok):
        return None
    return Project(
        id=source.stem,
        name=data["name"],
        owner=data["owner"],
        origin=Origin(source.path, source.front.lines, source.digest),
        body=source.body,
        body_line=source.body_line,
        partners=partners,
        start=PartialDate.parse(data["start"]) if "start" in data else None,
        end=PartialDate.parse(data["end"]) if "end" in data else None,
        status=data.get("status", "unknown"),
        target_groups=_tuple(data.get("target_groups")),
        parts=tuple(parts),
        funding=funding,
        budget=tuple(
            BudgetLine(b["item"], b["year"], b["amount"]) for b in data.get("budget") or []
        ),
        notes=_tuple(data.get("notes")),
        acknowledged=_tuple(data.get("acknowledged")),
        tags=_tuple(data.get("tags")),
        draft=bool(data.get("draft", False)),
        aliases=_tuple(data.get("aliases")),
    )


@dataclass
class LinkedContent:
    """All entities, drafts included, for checks; `graph` is what gets published."""

    organisations: dict[str, Organisation]
    decisions: dict[str, Decision]
    projects: dict[str, Project]
    graph: SiteGraph | None
    #: decisions whose references do not all resolve: checked, never published
    unlinked: dict[str, Decision] = field(default_factory=dict)

    def replacing(self, entities: Iterable[Decision | Project]) -> LinkedContent:
        """The same content with these decisions and projects in place of the ones of the
        same id (the graph is left as it is: `serve` swaps them into it itself)."""
        decisions, projects = dict(self.decisions), dict(self.projects)
        for entity in entities:
            if isinstance(entity, Decision):
                decisions[entity.id] = entity
            else:
                projects[entity.id] = entity
        return LinkedContent(self.organisations, decisions, projects, self.graph)


def relink(
    content: LinkedContent, source: SourceFile, problems: Problems
) -> Decision | Project | None:
    """One decision or project made again from its (validated) file, its references resolved
    against `content` as it was linked: what `serve` does for an edit of what pages show."""
    drafts: dict[str, set[str]] = {
        DECISION: {d.id for d in content.decisions.values() if d.draft},
        PROJECT: {p.id for p in content.projects.values() if p.draft},
    }
    stems = {DECISION: set(content.decisions), PROJECT: set(content.projects)}
    resolver = Resolver(content.organisations, set(content.organisations), stems, drafts, problems)
    if source.kind == DECISION:
        return build_decision(source, resolver)
    return build_project(source, resolver)


def link(
    sources: LoadedSources, valid: ValidSources, problems: Problems, include_drafts: bool
) -> LinkedContent:
    organisations = build_organisations(valid, sources)
    drafts: dict[str, set[str]] = defaultdict(set)
    for source in sources.files:
        if source.data.get("draft") is True:
            drafts[source.kind].add(source.stem)
    resolver = Resolver(
        organisations, valid.declared_organisations, sources.stems, drafts, problems
    )
    document = sources.organisations
    resolver.organisations_readable = document is not None and isinstance(document.data, list)
    decisions: dict[str, Decision] = {}
    unlinked: dict[str, Decision] = {}
    projects: dict[str, Project] = {}
    usable = {id(source) for source in valid.files}
    for source in sources.files:
        if id(source) not in usable:
            check_references_of_broken(source, resolver)
    for source in valid.files:
        if source.kind == DECISION:
            decision, resolved = decision_of(source, resolver)
            (decisions if resolved else unlinked)[decision.id] = decision
        else:
            project = build_project(source, resolver)
            if project:
                projects[project.id] = project
    _check_aliases(decisions, projects, problems)
    check_answers(decisions, projects, problems)
    check_duplicates(decisions.values(), problems)
    settings = build_settings(valid, sources.settings_path)
    graph = None
    if settings is not None and not problems.errors:
        graph = make_graph(settings, organisations, decisions, projects, include_drafts)
    return LinkedContent(organisations, decisions, projects, graph, unlinked)


def _check_aliases(
    decisions: dict[str, Decision], projects: dict[str, Project], problems: Problems
) -> None:
    for entities in (decisions, projects):
        owners: dict[str, str] = {}
        for entity in entities.values():
            for index, alias in enumerate(entity.aliases):
                line = entity.origin.line("aliases", index)
                if alias in entities:
                    problems.error(
                        entity.origin.path,
                        line,
                        _("aliases: '{alias}' is the id of another file", alias=alias),
                    )
                elif alias in owners:
                    problems.error(
                        entity.origin.path,
                        line,
                        _(
                            "aliases: '{alias}' is also an alias of '{owner}'",
                            alias=alias,
                            owner=owners[alias],
                        ),
                    )
                owners[alias] = entity.id


def make_graph(
    settings: SiteSettings,
    organisations: dict[str, Organisation],
    all_decisions: dict[str, Decision],
    all_projects: dict[str, Project],
    include_drafts: bool,
) -> SiteGraph:
    """The published graph: drafts left out unless asked for, every backlink indexed once."""
    decisions = {
        k: d
        for k, d in sorted(all_decisions.items(), key=lambda kv: decision_order(kv[1]))
        if include_drafts or not d.draft
    }
    projects = {k: p for k, p in sorted(all_projects.items()) if include_drafts or not p.draft}
    lines = [ln for d in decisions.values() for ln in d.funding]
    lines += [ln for p in projects.values() for ln in p.funding]
    by_district: dict[str, list[str]] = defaultdict(list)
    by_project: dict[str, list[str]] = defaultdict(list)
    by_year: dict[int, list[str]] = defaultdict(list)
    by_org: dict[str, list[str]] = defaultdict(list)
    for decision in decisions.values():
        by_district[decision.district].append(decision.id)
        by_year[decision.year].append(decision.id)
        mentioned = {decision.district}
        for line in decision.funding:
            mentioned |= {*line.from_ids, *line.to_ids}
            if line.project_id and decision.id not in by_project[line.project_id]:
                by_project[line.project_id].append(decision.id)
        for project_id in decision.projects:
            if decision.id not in by_project[project_id]:
                by_project[project_id].append(decision.id)
        for org_id in sorted(mentioned):
            by_org[org_id].append(decision.id)
    projects_by_org: dict[str, list[str]] = defaultdict(list)
    for project in projects.values():
        involved = {project.owner, *project.partners}
        involved |= {part.organisation for part in project.parts if part.organisation}
        involved |= {org for ln in project.funding for org in (*ln.from_ids, *ln.to_ids)}
        for org_id in sorted(involved):
            projects_by_org[org_id].append(project.id)
    return SiteGraph(
        settings=settings,
        organisations=organisations,
        decisions=decisions,
        projects=projects,
        ledger=Ledger.of(lines),
        decisions_by_district=dict(by_district),
        decisions_by_project=dict(by_project),
        decisions_by_year=dict(sorted(by_year.items())),
        decisions_by_org=dict(by_org),
        projects_by_org=dict(projects_by_org),
        meetings_by_district=_meetings(decisions),
        organisations_by_type=_by_type(organisations),
    )


def _meetings(decisions: dict[str, Decision]) -> dict[str, dict[dt.date, list[str]]]:
    by_district: dict[str, dict[dt.date, list[str]]] = defaultdict(dict)
    for decision in decisions.values():
        if decision.meeting is not None:
            by_district[decision.district].setdefault(decision.meeting, []).append(decision.id)
    return {
        district: dict(sorted(days.items(), reverse=True))
        for district, days in sorted(by_district.items())
    }


def _by_type(organisations: dict[str, Organisation]) -> dict[str, list[str]]:
    by_type: dict[str, list[str]] = defaultdict(list)
    for org in organisations.values():
        by_type[org.type].append(org.id)
    return dict(sorted(by_type.items()))


def decision_order(decision: Decision) -> tuple[Any, ...]:
    """Newest first: by date when known, else by year; then by id for a stable order."""
    date = decision.date or dt.date(decision.year, 12, 31)
    return (-date.toordinal(), decision.id)

"""The site as templates see it (`SiteView`): look-ups, links, URLs and rendered bodies.

Every page's builder and template reach the graph through this view, whose
graph records each look-up (`graph.reads`); its caches of links and rows
record what they hand out, so a page that gets a cached link still reads
the entity behind it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, cast

from markupsafe import Markup, escape

from insyn.graph.ledger import Ledger, Totals
from insyn.graph.link import SiteGraph
from insyn.graph.quality import Finding, today
from insyn.graph.reads import RECORDER, RecordedGraph, record, recording, replay
from insyn.model import (
    STATUSES,
    Decision,
    FundingLine,
    Organisation,
    Origin,
    Project,
    orgnumber,
)
from insyn.model.formatting import amount, period, project_status_word, status_word
from insyn.model.keys import DECISION, ORG, PROJECT, Reads
from insyn.pages.choices import role_projects
from insyn.pages.common import (
    decision_url,
    meeting_url,
    meetings_url,
    org_url,
    project_url,
    year_url,
)
from insyn.present.markup import Body, MarkdownRenderer
from insyn.sources.history import NO_HISTORY, Change, History, content_relative

_COMMA = Markup(", ")
#: A line whose sum the source does not state: shown, never added to a total.
_UNKNOWN_SUM = Markup('<span class="okant">belopp okänt</span>')
_NO_YEAR = Markup('<span class="tomt">år okänt</span>')


def _link(url: str, text: object) -> Markup:
    """`<a href="url">text</a>`, both escaped: an f-string of escaped parts, as
    `Markup.format` costs several times as much and a big site makes 100,000 links."""
    return Markup(f'<a href="{escape(url)}">{escape(text)}</a>')


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
        #: each file's (published, updated): a decision is in several feeds
        self._published: dict[str, tuple[dt.datetime, dt.datetime]] = {}
        self.settings = graph.settings
        self.assets = assets
        self._findings: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        for finding in sorted(findings, key=lambda f: (f.path, f.line, f.message.msgid, f.public)):
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
    def ledger(self) -> Ledger:
        return self.graph.ledger

    def org(self, org_id: str) -> Organisation:
        return self.graph.organisations[org_id]

    def legal_entity(self, org: Organisation) -> orgnumber.LegalEntity | None:
        """Whose organisationsnummer `org` goes by, for its page (`model.orgnumber`)."""
        return orgnumber.legal_entity(org, self.graph.organisations)

    # Links to entities, made once each: a big table repeats the same few thousand links,
    # and a macro call per link was the largest cost of rendering those pages. A link
    # handed out from the cache still reads its entity.

    def org_link(self, org_id: str) -> Markup:
        link = self._links.get(("org", org_id))
        if link is None:
            org = self.graph.organisations[org_id]
            link = self._links[("org", org_id)] = _link(org_url(org), org.label)
        elif (current := RECORDER.current) is not None:
            current.add((ORG, org_id))
        return link

    def project_link(self, project_id: str) -> Markup:
        link = self._links.get(("project", project_id))
        if link is None:
            name = self.graph.projects[project_id].name
            link = self._links[("project", project_id)] = _link(project_url(project_id), name)
        elif (current := RECORDER.current) is not None:
            current.add((PROJECT, project_id))
        return link

    def decision_link(self, decision_id: str) -> Markup:
        link = self._links.get(("decision", decision_id))
        if link is None:
            title = self.graph.decisions[decision_id].title
            link = self._links[("decision", decision_id)] = _link(decision_url(decision_id), title)
        elif (current := RECORDER.current) is not None:
            current.add((DECISION, decision_id))
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

        Written here rather than as a macro: a big site has tens of thousands of lines in
        up to three column sets, and the macro's calls were a large part of rendering
        (docs/performance.md).
        """
        status, word = escape(line.status), escape(status_word(line.status))
        if line.own and line.status == "contributed":
            word = Markup("Egen insats")
        year = self.year_link(line.year) if line.year is not None else _NO_YEAR
        sum_cell = escape(amount(line.amount)) if line.amount is not None else _UNKNOWN_SUM
        cells = [
            f"<tr>\n<td>{self.parties(line.from_ids)}</td>\n<td>{self.parties(line.to_ids)}</td>\n"
            f"<td>{year}</td>\n"
            f'<td class="tal">{sum_cell}</td>\n'
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

    def parties(self, org_ids: tuple[str, ...]) -> Markup:
        """One organisation's link, or every member's of money paid or received jointly."""
        if len(org_ids) == 1:
            return self.org_link(org_ids[0])
        links = [self.org_link(org_id) for org_id in org_ids]
        return Markup(
            f'{_COMMA.join(links[:-1])} och {links[-1]} <span class="gemensamt">(gemensamt)</span>'
        )

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

    def publication(self, decision: Decision) -> tuple[dt.datetime, dt.datetime]:
        """When a decision's file entered the site and when it last changed there: its first
        and last commit (git), or the build's day for a file git has not seen. A feed orders
        its entries by these, so a decision of 2007 added today reaches subscribers today;
        its meeting date is in the entry's text."""
        record((DECISION, decision.id))  # its version holds its file's history
        return self.published(decision.origin)

    def published(self, origin: Origin) -> tuple[dt.datetime, dt.datetime]:
        """When a content file entered the site and when it last changed (`publication`)."""
        found = self._published.get(origin.path)
        if found is None:
            relative = content_relative(origin.path)
            times = [c.committed for c in self._history.of(relative) if c.committed]
            if times:
                found = (min(times), max(times))
            else:
                day = dt.datetime.combine(today(), dt.time(), dt.UTC)
                found = (day, day)
            self._published[origin.path] = found
        return found

    def org_url(self, org_id: str) -> str:
        return org_url(self.graph.organisations[org_id])

    def decision(self, decision_id: str) -> Decision:
        return self.graph.decisions[decision_id]

    def project(self, project_id: str) -> Project:
        return self.graph.projects[project_id]

    def meetings_url(self, district_id: str) -> str:
        return meetings_url(district_id)

    def meeting_url(self, district_id: str, day: dt.date) -> str:
        return meeting_url(district_id, day)

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

    def project_status(self, project: Project) -> str:
        """The project's status as its page and lists write it: as what the source said,
        with the planned period, once that period has passed (`status-out-of-date`)."""
        word = project_status_word(project.status)
        passed = any(f.code == "status-out-of-date" for f in self.findings(PROJECT, project.id))
        if passed:
            return f"Enligt källan: {word.lower()} ({period(project.start, project.end)})"
        return word

    def body(self, text: str) -> Body:
        return self._markdown.render(text)

    def absolute(self, url: str) -> str:
        return f"{self.settings.base_url}{url}"

    def asset(self, name: str) -> str:
        return self.assets[name]

    def decisions(self, ids: Iterable[str]) -> list[Decision]:
        return [self.graph.decisions[i] for i in ids]

    def statuses(self, *totals: Totals) -> list[str]:
        """The statuses with money, or lines of unknown sum, in any of `totals`: the columns a
        table needs."""
        return [s for s in STATUSES if any(t.get(s) or t.unknown(s) for t in totals)]

    def by_party_label(self, org_ids: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """An organisation, or the members of a joint party, as tables sort them: by label."""
        return tuple(self.by_org_label(org_id) for org_id in org_ids)

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
            if any(org_id in ln.from_ids and not ln.own for ln in project_lines):
                roles.append("Finansierar")
            if any(org_id in ln.to_ids and not ln.own for ln in project_lines):
                roles.append("Tar emot pengar")
            if any(org_id in ln.from_ids and ln.own for ln in project_lines):
                roles.append("Egen insats")
            if project_id in decided:
                roles.append("Beslut i nämnden")
            result.append(ProjectRole(project, tuple(roles)))
        return sorted(result, key=lambda r: (r.project.name.casefold(), r.project.id))


# What the builders below choose to show, as functions of the graph: `render.plan_pages`
# declares each page's reads from the very same choice, so the two cannot drift apart.

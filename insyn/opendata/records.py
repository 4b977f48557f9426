"""The records every download is made of: one dict per decision, project, organisation
and funding line, with absolute URLs and references resolved, built once from a graph.

`opendata` writes them as JSON and CSV files and `grants360` as a 360Giving package;
both read them from here, so neither depends on the other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from insyn.graph.ledger import Totals, ledger_order
from insyn.graph.link import SiteGraph
from insyn.model import (
    STATUSES,
    Decision,
    FundingLine,
    Organisation,
    Origin,
    Project,
    orgnumber,
)
from insyn.pages.common import decision_url, org_url, project_url

Record = dict[str, Any]

#: When a content file entered the site and last changed.
Published = Callable[[Origin], tuple[dt.datetime, dt.datetime]]
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def line_id(line: FundingLine) -> str:
    """A funding line's stable id: where it is declared and its place there."""
    return f"{line.source_kind}:{line.source_id}:{line.index}"


class OpenData:
    """Records for the downloads, built from one graph: absolute URLs, resolved references."""

    def __init__(self, graph: SiteGraph, published: Published | None = None) -> None:
        self.graph = graph
        self.settings = graph.settings
        self.ledger = graph.ledger
        self._published = published

    def published(self, origin: Origin) -> tuple[dt.datetime, dt.datetime]:
        """When a content file entered the site and last changed (git; `SiteView.published`),
        or the start of 1 January 1970 for both when no history is at hand."""
        if self._published is None:
            return (EPOCH, EPOCH)
        return self._published(origin)

    def absolute(self, path: str) -> str:
        return f"{self.settings.base_url}{path}"

    # --- references -------------------------------------------------------

    def org_ref(self, org_id: str) -> Record:
        org = self.graph.organisations[org_id]
        return {"id": org.id, "name": org.name, "url": self.absolute(org_url(org))}

    def project_ref(self, project_id: str) -> Record:
        project = self.graph.projects[project_id]
        return {
            "id": project.id,
            "name": project.name,
            "url": self.absolute(project_url(project.id)),
        }

    def decision_ref(self, decision_id: str) -> Record:
        decision = self.graph.decisions[decision_id]
        return {
            "id": decision.id,
            "name": decision.title,
            "url": self.absolute(decision_url(decision.id)),
        }

    # --- funding lines ----------------------------------------------------

    def source_title(self, line: FundingLine) -> str:
        if line.source_kind == "decision":
            return self.graph.decisions[line.source_id].title
        return self.graph.projects[line.source_id].name

    def source_url(self, line: FundingLine) -> str:
        if line.source_kind == "decision":
            return self.absolute(decision_url(line.source_id))
        return self.absolute(project_url(line.source_id))

    def meeting(self, line: FundingLine) -> str | None:
        if line.source_kind != "decision":
            return None
        meeting = self.graph.decisions[line.source_id].meeting
        return meeting.isoformat() if meeting else None

    def line(self, line: FundingLine) -> Record:
        """One funding line as a flat row: the same keys in JSON and in CSV."""
        payer = self.graph.organisations[line.from_id]
        receiver = self.graph.organisations[line.to_id]
        project = self.graph.projects[line.project_id] if line.project_id else None
        return {
            "id": line_id(line),
            "from_id": payer.id,
            "from_name": payer.name,
            "from_url": self.absolute(org_url(payer)),
            "to_id": receiver.id,
            "to_name": receiver.name,
            "to_url": self.absolute(org_url(receiver)),
            "from_ids": list(line.from_ids),
            "to_ids": list(line.to_ids),
            "amount": line.amount,
            "year": line.year,
            "status": line.status,
            "answers": line.answers,
            "project_id": project.id if project else None,
            "project_name": project.name if project else None,
            "project_url": self.absolute(project_url(project.id)) if project else None,
            "note": line.note,
            "source_kind": line.source_kind,
            "source_id": line.source_id,
            "source_title": self.source_title(line),
            "source_url": self.source_url(line),
            "meeting": self.meeting(line),
            "programme": line.programme,
        }

    def lines(self, lines: Iterable[FundingLine]) -> list[Record]:
        """Rows in ledger order (year, source, index), each line once."""
        unique = {line_id(ln): ln for ln in lines}
        return [self.line(line) for line in sorted(unique.values(), key=ledger_order)]

    # --- entities ---------------------------------------------------------

    def decision(self, decision: Decision) -> Record:
        return {
            "id": decision.id,
            "url": self.absolute(decision_url(decision.id)),
            "title": decision.title,
            "district": self.org_ref(decision.district),
            "kind": decision.kind,
            "year": decision.year,
            "meeting": _iso(decision.meeting),
            "document_date": _iso(decision.document_date),
            "diary_number": decision.diary_number,
            "case_officer": (
                {"name": decision.case_officer.name, "phone": decision.case_officer.phone}
                if decision.case_officer
                else None
            ),
            "signed_by": [{"name": p.name, "title": p.title} for p in decision.signed_by],
            "proposals": list(decision.proposals),
            "immediate_adjustment": decision.immediate_adjustment,
            "projects": [self.project_ref(p) for p in decision.projects],
            "funding": self.lines(decision.funding),
            "attachments": list(decision.attachments),
            "outcome": (
                {"status": decision.outcome.status, "note": decision.outcome.note}
                if decision.outcome
                else None
            ),
            "notes": list(decision.notes),
            "source": self.document_url(decision.source),
            "tags": list(decision.tags),
            "aliases": list(decision.aliases),
            "draft": decision.draft,
            "body": decision.body,
        }

    def document_url(self, source: str | None) -> str | None:
        """The original document: an external URL as it is, a file under `assets/` made absolute."""
        if not source:
            return None
        if source.startswith(("http://", "https://")):
            return source
        path = source.lstrip("/")
        if not path.startswith("assets/"):
            path = f"assets/{path}"
        return self.absolute(f"/{path}")

    def project(self, project: Project) -> Record:
        return {
            "id": project.id,
            "url": self.absolute(project_url(project.id)),
            "name": project.name,
            "owner": self.org_ref(project.owner),
            "partners": [self.org_ref(o) for o in project.partners],
            "start": project.start.iso() if project.start else None,
            "end": project.end.iso() if project.end else None,
            "status": project.status,
            "target_groups": list(project.target_groups),
            "parts": [
                {
                    "name": part.name,
                    "organisation": self.org_ref(part.organisation) if part.organisation else None,
                    "description": part.description,
                }
                for part in project.parts
            ],
            "budget": [
                {"item": b.item, "year": b.year, "amount": b.amount} for b in project.budget
            ],
            "funding": self.lines(project.funding),
            "decisions": [
                self.decision_ref(d) for d in self.graph.decisions_by_project.get(project.id, [])
            ],
            "notes": list(project.notes),
            "tags": list(project.tags),
            "aliases": list(project.aliases),
            "draft": project.draft,
            "body": project.body,
        }

    def organisation(self, org: Organisation) -> Record:
        return {
            "id": org.id,
            "url": self.absolute(org_url(org)),
            "name": org.name,
            "short_name": org.short_name,
            "type": org.type,
            "category": org.category,
            "area": org.area,
            "aliases": list(org.aliases),
            "active": {"from": org.active.first, "to": org.active.last} if org.active else None,
            "website": org.website,
            **self.legal_entity(org),
        }

    def legal_entity(self, org: Organisation) -> Record:
        """Its organisationsnummer (its own, or its legal entity's) and that entity's
        SE-ON identifier, both null when no number is known."""
        entity = orgnumber.legal_entity(org, self.graph.organisations)
        if entity is None:
            return {"org_number": None, "legal_entity": None}
        owner = entity.owner
        return {
            "org_number": entity.number,
            "legal_entity": {
                "identifier": entity.identifier,
                "id": owner.id if owner else None,
                "name": owner.name if owner else None,
                "own": entity.own,
            },
        }

    # --- files ------------------------------------------------------------

    def header(self, title: str) -> Record:
        return {
            "title": f"{title} – {self.settings.title}",
            "licence": self.settings.licence,
            "licence_url": self.settings.licence_url,
            "documentation": self.absolute("/data/"),
        }

    def decisions_file(self) -> Record:
        decisions = sorted(self.graph.decisions.values(), key=lambda d: d.id)
        return {
            **self.header("Beslut"),
            "count": len(decisions),
            "decisions": [self.decision(d) for d in decisions],
        }

    def projects_file(self) -> Record:
        projects = sorted(self.graph.projects.values(), key=lambda p: p.id)
        return {
            **self.header("Projekt"),
            "count": len(projects),
            "projects": [self.project(p) for p in projects],
        }

    def organisations_file(self) -> Record:
        orgs = sorted(self.graph.organisations.values(), key=lambda o: o.id)
        return {
            **self.header("Organisationer"),
            "count": len(orgs),
            "organisations": [self.organisation(o) for o in orgs],
        }

    def funding_file(self) -> Record:
        return {
            **self.header("Finansieringsrader"),
            "count": len(self.ledger.lines),
            "lines": self.lines(self.ledger.lines),
        }

    def organisation_rows(self) -> list[Record]:
        """One row per organisation, the fields of organisationer.json a cell can hold."""
        rows = []
        for org in self.graph.organisations.values():
            record = self.organisation(org)
            entity = record["legal_entity"]
            rows.append(
                {
                    **{k: v for k, v in record.items() if k not in ("aliases", "active")},
                    "legal_entity": entity["identifier"] if entity else None,
                }
            )
        return rows

    def funder_rows(self) -> list[Record]:
        """One row per organisation that pays (or is asked to pay): sums per status, never added."""
        rows = []
        for org_id in self.ledger.funders():
            org = self.graph.organisations[org_id]
            lines = [ln for ln in self.ledger.paid_by(org_id) if not ln.own]
            years = [ln.year for ln in lines if ln.year is not None]
            rows.append(
                {
                    "id": org.id,
                    "name": org.name,
                    "type": org.type,
                    "url": self.absolute(org_url(org)),
                    **_per_status(Totals.of(lines)),
                    "lines": len(lines),
                    "first_year": min(years, default=None),
                    "last_year": max(years, default=None),
                }
            )
        return rows

    def district_rows(self) -> list[Record]:
        """One row per district: what it received and what it paid others, per status."""
        rows = []
        for org in sorted(self.graph.districts, key=lambda o: o.id):
            received = self.ledger.received_by(org.id)
            to_others = [ln for ln in self.ledger.paid_by(org.id) if not ln.own]
            rows.append(
                {
                    "id": org.id,
                    "name": org.name,
                    "area": org.area,
                    "url": self.absolute(org_url(org)),
                    **_per_status(Totals.of(received), "received_"),
                    **_per_status(Totals.of(to_others), "to_others_"),
                    "decisions": len(self.graph.decisions_by_district.get(org.id, [])),
                }
            )
        return rows

    # --- JSON twins -------------------------------------------------------

    def shown_lines(self, entity: Decision | Project | Organisation | int) -> list[FundingLine]:
        """The funding lines an entity's page shows (a year's: those of its budget year), as
        its JSON twin and its `finansiering.csv` hold them."""
        if isinstance(entity, int):
            return self.ledger.for_year(entity)
        if isinstance(entity, Decision):
            return self.ledger.declared_by("decision", entity.id)
        if isinstance(entity, Project):
            return self.ledger.for_project(entity.id)
        paid, received, own, joint = self._org_lines(entity)
        return [*paid, *received, *own, *joint]

    def _org_lines(
        self, entity: Organisation
    ) -> tuple[list[FundingLine], list[FundingLine], list[FundingLine], list[FundingLine]]:
        """As an organisation's page: money it alone pays to others and receives from
        others, its own contributions, and (apart, in neither sum) what it shares."""
        every = [*self.ledger.paid_by(entity.id), *self.ledger.received_by(entity.id)]
        own = list({id(ln): ln for ln in every if ln.own}.values())
        paid = [ln for ln in self.ledger.paid_by(entity.id) if not ln.own]
        received = [ln for ln in self.ledger.received_by(entity.id) if not ln.own]
        return paid, received, own, self.ledger.joint_with(entity.id)

    def twin(self, kind: str, entity: Decision | Project | Organisation) -> Record:
        """An entity page as JSON: the entity and every funding line its page shows."""
        record: Record
        shown: list[FundingLine]
        sums: Record
        if isinstance(entity, Decision):
            record, url = self.decision(entity), decision_url(entity.id)
            shown = self.ledger.declared_by("decision", entity.id)
            sums = {"totals": _per_status(Totals.of(shown))}
        elif isinstance(entity, Project):
            record, url = self.project(entity), project_url(entity.id)
            shown = self.ledger.for_project(entity.id)
            sums = {"totals": _per_status(Totals.of(shown))}
        else:
            record, url = self.organisation(entity), org_url(entity)
            paid, received, own, joint = self._org_lines(entity)
            shown = [*paid, *received, *own, *joint]
            sums = {
                "paid_totals": _per_status(Totals.of(paid)),
                "received_totals": _per_status(Totals.of(received)),
                "own_totals": _per_status(Totals.of(own)),
                "joint_totals": _per_status(Totals.of(joint)),
            }
        return {
            "type": kind,
            "page": self.absolute(url),
            "licence": self.settings.licence,
            "licence_url": self.settings.licence_url,
            "documentation": self.absolute("/data/"),
            "entity": record,
            **sums,
            "funding_lines": self.lines(shown),
        }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _per_status(totals: Totals, prefix: str = "") -> Record:
    return {f"{prefix}{status}": totals.get(status) for status in STATUSES}


# --- serialisation ------------------------------------------------------------

"""The pages of districts, funders and other organisations, and the lists of each.

Every organisation's page shows the money it paid and received and what
mentions it; a district's also its own decisions, by year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from insyn.graph.ledger import Totals
from insyn.graph.money import Pivot, by_year, pivot
from insyn.model import DISTRICT, FUNDER, Decision, FundingLine, Organisation
from insyn.pages.answers import AnswerSummary, summary
from insyn.pages.choices import decisions_by_year, idle_funders
from insyn.pages.common import HOME, NO_AREA, PageContext, org_url
from insyn.pages.kinds import PageKind
from insyn.pages.site import ProjectRole, SiteView
from insyn.pages.statistics import MoneyStatistics, money_statistics


@dataclass(frozen=True, kw_only=True)
class DistrictListPage(PageContext):
    #: (area, its districts with their number of decisions and what they received)
    areas: list[tuple[str, list[tuple[Organisation, int, Totals]]]]
    statuses: list[str]
    count: int


@dataclass(frozen=True, kw_only=True)
class DistrictPage(PageContext):
    org: Organisation
    decision_groups: list[tuple[int, list[Decision]]]
    decision_count: int
    mentions: list[Decision]
    projects: list[ProjectRole]
    received: list[FundingLine]
    received_by_funder: Pivot
    own: list[FundingLine]
    own_totals: Totals
    contributed: list[FundingLine]
    contributed_totals: Totals
    joint: list[FundingLine]
    joint_totals: Totals
    answers: AnswerSummary
    #: whether any of its decisions has a meeting date: else no calendar is written
    has_calendar: bool
    #: the figures of the money it alone received from others
    figures: MoneyStatistics


@dataclass(frozen=True, kw_only=True)
class FunderListPage(PageContext):
    rows: list[tuple[str, Totals]]
    statuses: list[str]
    idle: list[Organisation]


@dataclass(frozen=True, kw_only=True)
class OrganisationPage(PageContext):
    """A funder's or another organisation's page: money it paid and received, and what
    mentions it."""

    org: Organisation
    paid: list[FundingLine]
    paid_totals: Totals
    paid_by_year: Pivot
    paid_by_receiver: Pivot
    paid_by_project: Pivot
    received: list[FundingLine]
    received_totals: Totals
    received_by_payer: Pivot
    decisions: list[Decision]
    projects: list[ProjectRole]
    own: list[FundingLine]
    own_totals: Totals
    joint: list[FundingLine]
    joint_totals: Totals
    answers: AnswerSummary
    #: the figures of the money it alone paid to others
    figures: MoneyStatistics


@dataclass(frozen=True, kw_only=True)
class OrganisationListPage(PageContext):
    organisations: list[Organisation]


def district_list(entity: None, site: SiteView) -> DistrictListPage:
    graph = site.graph
    areas: dict[str, list[tuple[Organisation, int, Totals]]] = defaultdict(list)
    every: list[Totals] = []
    for district in graph.districts:
        received = Totals.of(site.ledger.received_by(district.id))
        every.append(received)
        count = len(graph.decisions_by_district.get(district.id, []))
        areas[district.area or NO_AREA].append((district, count, received))
    return DistrictListPage(
        title="Stadsdelar",
        breadcrumbs=[HOME, ("Stadsdelar", "/stadsdelar/")],
        section="stadsdelar",
        description="Stockholms stadsdelsnämnder, deras beslut och pengarna de söker och får.",
        areas=sorted(areas.items(), key=lambda kv: (kv[0] == NO_AREA, kv[0])),
        statuses=site.statuses(*every),
        count=len(graph.districts),
    )


def district(entity: Organisation, site: SiteView) -> DistrictPage:
    graph = site.graph
    own_decisions = site.decisions(graph.decisions_by_district.get(entity.id, []))
    mentions = [
        d
        for d in site.decisions(graph.decisions_by_org.get(entity.id, []))
        if d.district != entity.id
    ]
    received = site.ledger.received_by(entity.id)
    paid = site.ledger.paid_by(entity.id)
    contributed = [ln for ln in paid if not ln.own]
    own = [ln for ln in received if ln.own]
    joint = site.ledger.joint_with(entity.id)
    return DistrictPage(
        title=entity.name,
        breadcrumbs=[HOME, ("Stadsdelar", "/stadsdelar/"), (entity.label, org_url(entity))],
        section="stadsdelar",
        description=f"{entity.name}: beslut, projekt och pengar.",
        org=entity,
        decision_groups=decisions_by_year(own_decisions),
        decision_count=len(own_decisions),
        mentions=mentions,
        projects=site.project_roles(entity.id, [*received, *paid, *joint]),
        received=received,
        received_by_funder=pivot(
            [ln for ln in received if not ln.own], lambda ln: ln.from_ids, site.by_party_label
        ),
        own=own,
        own_totals=Totals.of(own),
        contributed=contributed,
        contributed_totals=Totals.of(contributed),
        joint=joint,
        joint_totals=Totals.of(joint),
        has_calendar=any(d.meeting for d in own_decisions),
        figures=money_statistics([ln for ln in received if not ln.own], "from"),
        answers=summary(site, [ln for ln in received if not ln.own]),
    )


def funder_list(entity: None, site: SiteView) -> FunderListPage:
    graph = site.graph
    rows = [
        (org_id, Totals.of(ln for ln in site.ledger.paid_by(org_id) if not ln.own))
        for org_id in site.ledger.funders()
    ]
    rows.sort(key=lambda row: site.by_org_label(row[0]))
    idle = idle_funders(graph, site.ledger.funders())
    return FunderListPage(
        title="Finansiärer",
        breadcrumbs=[HOME, ("Finansiärer", "/finansiarer/")],
        section="finansiarer",
        description="Alla som betalar, eller ombeds betala, pengar mot våld i nära relationer.",
        rows=rows,
        statuses=site.statuses(*(t for _, t in rows)),
        idle=idle,
    )


def _payer_page(entity: Organisation, site: SiteView) -> dict[str, Any]:
    """What every organisation page shows: money it paid and received, and what mentions it."""
    graph = site.graph
    paid = [ln for ln in site.ledger.paid_by(entity.id) if not ln.own]
    received = [ln for ln in site.ledger.received_by(entity.id) if not ln.own]
    own = [ln for ln in site.ledger.paid_by(entity.id) if ln.own]
    joint = site.ledger.joint_with(entity.id)
    return {
        "own": own,
        "own_totals": Totals.of(own),
        "org": entity,
        "paid": paid,
        "paid_totals": Totals.of(paid),
        "paid_by_year": by_year(paid),
        "paid_by_receiver": pivot(paid, lambda ln: ln.to_ids, site.by_party_label),
        "paid_by_project": pivot(paid, lambda ln: ln.project_id, site.by_project_name),
        "received": received,
        "received_totals": Totals.of(received),
        "received_by_payer": pivot(received, lambda ln: ln.from_ids, site.by_party_label),
        "decisions": site.decisions(graph.decisions_by_org.get(entity.id, [])),
        "projects": site.project_roles(entity.id, [*paid, *received, *own, *joint]),
        "joint": joint,
        "joint_totals": Totals.of(joint),
        "answers": summary(site, [ln for ln in paid if not ln.own]),
        "figures": money_statistics(paid, "to"),
    }


def funder(entity: Organisation, site: SiteView) -> OrganisationPage:
    return OrganisationPage(
        title=entity.name,
        breadcrumbs=[HOME, ("Finansiärer", "/finansiarer/"), (entity.label, org_url(entity))],
        section="finansiarer",
        description=(
            f"{entity.name}: allt som finansierats eller sökts, per år, mottagare och projekt."
        ),
        **_payer_page(entity, site),
    )


def organisation_list(entity: None, site: SiteView) -> OrganisationListPage:
    graph = site.graph
    others = [
        ids for kind, ids in graph.organisations_by_type.items() if kind not in (DISTRICT, FUNDER)
    ]
    orgs = sorted(
        (graph.organisations[o] for ids in others for o in ids),
        key=lambda o: (o.label.casefold(), o.id),
    )
    return OrganisationListPage(
        title="Organisationer",
        breadcrumbs=[HOME, ("Organisationer", "/organisationer/")],
        section="organisationer",
        description=(
            "Kommuner, myndigheter, förvaltningar, föreningar och företag som deltar i arbetet."
        ),
        organisations=orgs,
    )


def organisation(entity: Organisation, site: SiteView) -> OrganisationPage:
    return OrganisationPage(
        title=entity.name,
        breadcrumbs=[HOME, ("Organisationer", "/organisationer/"), (entity.label, org_url(entity))],
        section="organisationer",
        description=f"{entity.name}: projekt, beslut och pengar.",
        **_payer_page(entity, site),
    )


DISTRICTS_PAGE = PageKind("districts.html", district_list)
DISTRICT_PAGE = PageKind("district.html", district)
FUNDERS_PAGE = PageKind("funders.html", funder_list)
FUNDER_PAGE = PageKind("funder.html", funder)
ORGANISATIONS_PAGE = PageKind("organisations.html", organisation_list)
ORGANISATION_PAGE = PageKind("organisation.html", organisation)

"""What the builders choose to show, as functions of the graph.

An organisation's page lists the projects of `role_projects`, a decision's
page those of `decision_projects`, the home page and the feeds the newest
decisions (`latest_decisions`): one function per choice, used wherever that
choice is shown, so two pages never disagree on it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from itertools import islice

from insyn.graph.link import SiteGraph
from insyn.model import (
    FUNDER,
    Decision,
    FundingLine,
    Organisation,
)
from insyn.pages.common import LATEST_ON_HOME


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


def chronological(decision: Decision) -> tuple[dt.date, str]:
    return (decision.date or dt.date(decision.year, 1, 1), decision.id)

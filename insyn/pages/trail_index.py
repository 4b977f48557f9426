"""What the trails pages share, made once: the lines indexed by status and year, and the
escaped names, cells and orders of one graph (`TrailParts`).

Each is kept with what its making read (`graph.reads.remembered`), which every page
it is handed to reads too.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from markupsafe import Markup

from insyn.graph.ledger import Ledger
from insyn.graph.reads import record, recording, remembered, replay, unrecorded
from insyn.model import STATUSES, FundingLine
from insyn.model.keys import ORG, PROJECT, Reads
from insyn.pages.site import SiteView
from insyn.pages.trail_filter import (
    CURRENT_PAGE,
    TrailFilter,
    TrailKey,
    status_url,
    status_year_link,
)
from insyn.present.sankey_layout import Named, named


@dataclass(frozen=True)
class StatusYear:
    """The lines of one status in one year, by trail, their sums by funder and recipient,
    and their sum."""

    trails: dict[TrailKey, list[FundingLine]]
    pairs: dict[tuple[str, str], int]
    total: int
    #: lines whose sum the source does not state: in the trails, in no sum
    unknown: int = 0


@dataclass(frozen=True)
class PairSeries:
    """The money of one status from one funder to one recipient, as running sums over the years.

    Over the status's years `years[lo:hi]` the pair has lines in `pair_years[present[lo]:
    present[hi]]`, and they add up to `cumulative[hi] - cumulative[lo]`.
    """

    from_id: str
    to_id: str
    pair_years: tuple[int, ...]
    present: tuple[int, ...]
    cumulative: tuple[int, ...]


class StatusLines:
    """Every line of one status by year (oldest first), and what any period of them needs."""

    def __init__(self, status: str, of_year: dict[int, StatusYear]) -> None:
        self.status = status
        self.years = sorted(of_year)
        self.of_year = [of_year[year] for year in self.years]
        self.totals = [0]
        self.unknowns = [0]
        for one in self.of_year:
            self.totals.append(self.totals[-1] + one.total)
            self.unknowns.append(self.unknowns[-1] + one.unknown)
        self.pairs = self._pair_series()
        self._trail_counts: list[list[int]] | None = None

    def _pair_series(self) -> list[PairSeries]:
        by_pair: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
        for index, one in enumerate(self.of_year):
            for pair, amount in one.pairs.items():
                by_pair[pair][index] = amount
        span = range(len(self.years))
        return [
            PairSeries(
                payer,
                receiver,
                tuple(self.years[index] for index in per_year),
                tuple(accumulate((index in per_year for index in span), initial=0)),
                tuple(accumulate((per_year.get(index, 0) for index in span), initial=0)),
            )
            for (payer, receiver), per_year in by_pair.items()
        ]

    def span(self, first: int, last: int) -> tuple[int, int]:
        """The years from `first` to `last` as the slice `years[lo:hi]`."""
        return bisect_left(self.years, first), bisect_right(self.years, last)

    def trail_count(self, lo: int, hi: int) -> int:
        """How many trails the years `years[lo:hi]` have: a trail of several years counts once.

        Made for every period at the first call (a running union from each first year),
        since `plan` asks for all of them.
        """
        if lo >= hi:
            return 0
        if self._trail_counts is None:
            table = []
            for start in range(len(self.years)):
                seen: set[TrailKey] = set()
                row = []
                for one in self.of_year[start:]:
                    seen.update(one.trails)
                    row.append(len(seen))
                table.append(row)
            self._trail_counts = table
        return self._trail_counts[lo][hi - lo - 1]

    def trails(self, lo: int, hi: int) -> dict[TrailKey, list[FundingLine]]:
        """The lines of `years[lo:hi]` by trail (the one year's own dict when there is one)."""
        if hi - lo == 1:
            return self.of_year[lo].trails
        groups: dict[TrailKey, list[FundingLine]] = defaultdict(list)
        for one in self.of_year[lo:hi]:
            for key, lines in one.trails.items():
                groups[key].extend(lines)
        return groups


# The index of the ledger last asked for, with what making it read; each rendering
# process makes it once.
_LAST_INDEX: tuple[Ledger, dict[str, StatusLines], Reads] | None = None


def trail_index(ledger: Ledger) -> dict[str, StatusLines]:
    """Status -> its lines by year (every status, even one without lines), once per ledger."""
    global _LAST_INDEX
    if _LAST_INDEX is not None and _LAST_INDEX[0] is ledger:
        replay(_LAST_INDEX[2])
        return _LAST_INDEX[1]
    with recording() as read:
        index = make_trail_index(ledger)
    _LAST_INDEX = (ledger, index, frozenset(read))
    return index


#: Between the ids of a party of several members: `farsta+skarpnack`.
JOINT = "+"


def party(org_ids: tuple[str, ...]) -> str:
    """The key of a payer or recipient in the trails: an organisation's id, or the ids of
    the members of money paid or received jointly."""
    return JOINT.join(org_ids)


def members(key: str) -> tuple[str, ...]:
    return tuple(key.split(JOINT))


def make_trail_index(ledger: Ledger) -> dict[str, StatusLines]:
    by_status: dict[str, dict[int, StatusYear]] = {status: {} for status in STATUSES}
    for year in sorted(y for y in ledger.by_year if isinstance(y, int)):
        trails: dict[str, dict[TrailKey, list[FundingLine]]] = defaultdict(dict)
        pairs: dict[str, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
        totals: dict[str, int] = defaultdict(int)
        unknown: dict[str, int] = defaultdict(int)
        for line in ledger.for_year(year):
            if line.own:
                continue  # a contribution of one's own is no flow between two parties
            of_status = trails[line.status]
            key = (party(line.from_ids), party(line.to_ids), line.project_id)
            group = of_status.get(key)
            if group is None:
                of_status[key] = [line]
            else:
                group.append(line)
            pairs[line.status][(key[0], key[1])] += line.amount or 0
            totals[line.status] += line.amount or 0
            unknown[line.status] += line.amount is None
        for status, of_status in trails.items():
            if status in by_status:
                by_status[status][year] = StatusYear(
                    of_status, dict(pairs[status]), totals[status], unknown[status]
                )
    return {status: StatusLines(status, years) for status, years in by_status.items()}


def years_of(ledger: Ledger, status: str) -> list[int]:
    """The years that have lines of `status`, oldest first."""
    return list(trail_index(ledger)[status].years)


@dataclass(frozen=True)
class SummaryRow:
    """A funder -> recipient pair of one status and the start of its table row."""

    series: PairSeries
    #: `<tr>` up to the value of the years cell's `data-varde`
    head: str
    #: a link to the status page of each year of `series.pair_years`
    year_links: tuple[str, ...]


class TrailParts:
    """Escaped labels, table cells and orders for one graph, each made when first asked for
    and kept with what its making read (`reads.remembered`).

    Keyed by the graph, not the ledger: an edit in `serve` can rename a project and
    keep the ledger.
    """

    def __init__(self, site: SiteView) -> None:
        self.site = site
        self.graph = site.graph
        self._orgs: dict[Any, tuple[Any, Reads]] = {}
        self._projects: dict[Any, tuple[Any, Reads]] = {}
        self._org_rank: dict[str, int] = {}
        self._project_rank: dict[str | None, int] = {}
        self._pair_cells: dict[Any, tuple[Any, Reads]] = {}
        self._year_cells: dict[Any, tuple[Any, Reads]] = {}
        self._summary_rows: dict[Any, tuple[Any, Reads]] = {}
        self._year_items: dict[Any, tuple[Any, Reads]] = {}

    def org(self, key: str) -> Named:
        """An organisation, or the members of a joint party (`party`) named together; a
        joint party's node and bands lead to its first member's page."""

        def make() -> Named:
            orgs = [self.graph.organisations[org_id] for org_id in members(key)]
            if len(orgs) == 1:
                return named(key, orgs[0].label, self.site.org_url(key), orgs[0].name)
            label = f"{together([o.label for o in orgs])} (gemensamt)"
            name = f"{together([o.name for o in orgs])} (gemensamt)"
            return named(key, label, self.site.org_url(orgs[0].id), name)

        return remembered(self._orgs, key, make)

    def project(self, project_id: str) -> Named:
        def make() -> Named:
            name = self.graph.projects[project_id].name
            return named(project_id, name, self.site.project_url(project_id), name)

        return remembered(self._projects, project_id, make)

    def trail_order(self, key: TrailKey) -> tuple[tuple[int, ...], tuple[int, ...], int]:
        """Funder, recipient and project as tables list them: by label, then id (`SiteView.
        by_org_label`, `by_project_name`), as ranks over the graph, sorted once.

        The ranks are made from every organisation and project, but how two trails compare
        depends on nothing but their own funders', recipients' and projects' labels: so
        making them is not recorded, and each trail's order reads its own three."""
        if not self._org_rank:
            site = self.site
            with unrecorded():
                orgs = sorted(self.graph.organisations, key=site.by_org_label)
                self._org_rank = {org_id: rank for rank, org_id in enumerate(orgs)}
                projects = sorted(self.graph.projects, key=site.by_project_name)
                self._project_rank = {project_id: rank for rank, project_id in enumerate(projects)}
            self._project_rank[None] = len(projects)  # no project comes last
        payer, receiver, project = key
        if project is not None:
            record((PROJECT, project))
        return (self._party_rank(payer), self._party_rank(receiver), self._project_rank[project])

    def _party_rank(self, key: str) -> tuple[int, ...]:
        """An organisation's rank; a joint party's, its members' ranks in turn (after the
        first member alone). Reads each member."""
        ids = members(key)
        for org_id in ids:
            record((ORG, org_id))
        return tuple(self._org_rank[org_id] for org_id in ids)

    def pair_cells(self, payer: str, receiver: str) -> str:
        """A row's `<tr>` and its funder and recipient cells."""

        def make() -> str:
            parties = self.site.parties
            return (
                f"<tr>\n<td>{parties(members(payer))}</td>\n<td>{parties(members(receiver))}</td>\n"
            )

        return remembered(self._pair_cells, (payer, receiver), make)

    def year_cell(self, years: tuple[int, ...]) -> str:
        """A trail's years, linked to the year pages; sorted by the first."""

        def make() -> str:
            return f'<td data-varde="{years[0]}">{self.site.year_links(years)}</td>\n'

        return remembered(self._year_cells, years, make)

    def summary_rows(self, lines: StatusLines) -> list[SummaryRow]:
        """Every funder -> recipient pair of a status, in the order of the summary table."""

        def make() -> list[SummaryRow]:
            ordered = sorted(
                lines.pairs, key=lambda p: self.trail_order((p.from_id, p.to_id, None))
            )
            return [
                SummaryRow(
                    series,
                    f'{self.pair_cells(series.from_id, series.to_id)}<td data-varde="',
                    tuple(status_year_link(lines.status, year) for year in series.pair_years),
                )
                for series in ordered
            ]

        return remembered(self._summary_rows, lines.status, make)

    def year_items(self, status: str, years: Sequence[int], view: TrailFilter) -> Markup:
        """The `<li>`s of the filter's years: every page of a status shares them but for
        which one is current."""
        key = (status, tuple(years), view.year, view.year_from is None)

        def make() -> Markup:
            every = CURRENT_PAGE if view.year_from is None else ""
            return Markup(
                f'<li><a href="{status_url(status)}"{every}>Alla år</a></li>\n'
                + "".join(
                    f'<li><a href="{status_url(status, year)}"'
                    f"{CURRENT_PAGE if view.year == year else ''}>{year}</a></li>\n"
                    for year in years
                )
            )

        return remembered(self._year_items, key, make)


# The parts of the graph last asked for, like `_LAST_INDEX`.
_LAST_PARTS: TrailParts | None = None


def trail_parts(site: SiteView) -> TrailParts:
    global _LAST_PARTS
    if _LAST_PARTS is None or _LAST_PARTS.site is not site or _LAST_PARTS.graph is not site.graph:
        _LAST_PARTS = TrailParts(site)
    return _LAST_PARTS


def together(names: list[str]) -> str:
    """`A, B och C`."""
    return f"{', '.join(names[:-1])} och {names[-1]}"

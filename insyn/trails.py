"""The funding trails at /pengafloden/: funder -> recipient -> project, one status at a time.

Lines are grouped into trails (one per funder, recipient and project), laid
out as a Sankey diagram drawn at build time, and listed in a table with the
same figures and the source of every line. Filters are pages of their own,
so they work without JavaScript:

- `/pengafloden/<status>/`: one status, every year;
- `/pengafloden/<status>/<year>/`: one status, one year;
- `/pengafloden/<status>/<from>-<to>/`: one status, the years from `from` to
  `to` (both included), for every pair of years with lines of that status
  (`/pengafloden/beviljat/2007-2010/`).

A period page with at most `DETAIL_LIMIT` trails shows them in full, like a
year page. Above that it shows a summary instead, so that no page grows to
megabytes: a two-column diagram and a table of the sums from each funder to
each recipient, each row linking the single-year pages where the lines and
their sources are listed. Each page's filter has links to choose the first and the last
year ("Från och med", "Till och med"); `assets/period.js` adds a form with
two lists on top of them. One diagram never mixes statuses.

There are O(years²) period pages (840 for 21 years), so the work is staged to
be done once, not once a page (docs/performance.md):

1. the lines, indexed once per ledger (`_index`): by status and year, with
   running sums per funder and recipient over the years, so that a period's
   sums are two subtractions instead of a walk over its lines;
2. what repeats across pages, made once per graph (`_parts`): escaped names
   and labels of organisations and projects, and the beginning of each
   funder -> recipient row;

   each kept with what its making read (`reads.remembered`), which every page
   it is handed to reads too;
3. each page: the diagram, the table rows and the filter's year lists, written
   as f-strings of parts escaped once. A Jinja loop, macro call or
   `Markup.format` costs microseconds per row, which a page of a few hundred
   rows and links multiplies into milliseconds.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from markupsafe import Markup, escape

from insyn import formatting, svg
from insyn.ledger import Ledger
from insyn.link import SiteGraph
from insyn.model import STATUSES, FundingLine
from insyn.pages import HOME, Context, SiteView
from insyn.reads import ORG, PROJECT, Reads, record, recording, remembered, replay, unrecorded

TRAILS_URL = "/pengafloden/"
# URL segments of the status filter pages, in Swedish like every other URL.
STATUS_SLUGS = {
    "applied": "sokt",
    "granted": "beviljat",
    "rejected": "avslag",
    "contributed": "egen-finansiering",
}
NO_PROJECT = "Inget projekt"
#: A period page with more trails than this shows sums per funder and recipient instead.
DETAIL_LIMIT = 150
EN_DASH = "\u2013"


def status_url(status: str, year: int | None = None, year_to: int | None = None) -> str:
    """`/pengafloden/<status>/`, `.../<year>/`, or `.../<year>-<year_to>/` for a period."""
    url = f"{TRAILS_URL}{STATUS_SLUGS[status]}/"
    if year is None:
        return url
    if year_to is None or year_to == year:
        return f"{url}{year}/"
    return f"{url}{year}-{year_to}/"


def period_url(status: str, years: Sequence[int], first: int, last: int) -> str:
    """The page of `status` from `first` to `last`: the status page when that is every year.

    The period of every year also has a page of its own (`plan`), which no link needs.
    """
    if first != last and first == years[0] and last == years[-1]:
        return status_url(status)
    return status_url(status, first, last)


@dataclass(frozen=True)
class TrailFilter:
    """What one trails page shows: every status, or one status in all years, one year or a period.

    One year is `year_from == year_to` (`TrailFilter(status, year)` says the same).
    """

    status: str | None = None
    year_from: int | None = None
    year_to: int | None = None

    def __post_init__(self) -> None:
        if self.year_from is not None and self.year_to is None:
            object.__setattr__(self, "year_to", self.year_from)
        if (self.year_from is None) != (self.year_to is None):
            raise ValueError("a period needs both its first and its last year")
        if self.year_from is not None and self.year_to is not None:
            if self.status is None:
                raise ValueError("a year filter needs a status")
            if self.year_to < self.year_from:
                raise ValueError(f"period {self.year_from}-{self.year_to} ends before it starts")

    @property
    def year(self) -> int | None:
        """The one year shown, or None for every year or a period of several."""
        return self.year_from if self.year_from == self.year_to else None

    @property
    def is_period(self) -> bool:
        """More than one year, but not necessarily every year."""
        return self.year_from is not None and self.year_from != self.year_to

    @property
    def period(self) -> str:
        """`2009`, `2007–2010`, or empty for every year."""
        if self.year_from is None:
            return ""
        if self.year_from == self.year_to:
            return str(self.year_from)
        return f"{self.year_from}{EN_DASH}{self.year_to}"

    @property
    def url(self) -> str:
        if self.status is None:
            return TRAILS_URL
        return status_url(self.status, self.year_from, self.year_to)

    def admits(self, line: FundingLine) -> bool:
        if self.status is not None and line.status != self.status:
            return False
        if self.year_from is None or self.year_to is None:
            return True
        return self.year_from <= line.year <= self.year_to


TrailKey = tuple[str, str, str | None]


# --- 1. the lines, indexed once per ledger --------------------------------------


@dataclass(frozen=True)
class _StatusYear:
    """The lines of one status in one year, by trail, their sums by funder and recipient,
    and their sum."""

    trails: dict[TrailKey, list[FundingLine]]
    pairs: dict[tuple[str, str], int]
    total: int


@dataclass(frozen=True)
class _PairSeries:
    """The money of one status from one funder to one recipient, as running sums over the years.

    Over the status's years `years[lo:hi]` the pair has lines in `pair_years[present[lo]:
    present[hi]]`, and they add up to `cumulative[hi] - cumulative[lo]`.
    """

    from_id: str
    to_id: str
    pair_years: tuple[int, ...]
    present: tuple[int, ...]
    cumulative: tuple[int, ...]


class _StatusLines:
    """Every line of one status by year (oldest first), and what any period of them needs."""

    def __init__(self, status: str, of_year: dict[int, _StatusYear]) -> None:
        self.status = status
        self.years = sorted(of_year)
        self.of_year = [of_year[year] for year in self.years]
        self.totals = [0]
        for one in self.of_year:
            self.totals.append(self.totals[-1] + one.total)
        self.pairs = self._pair_series()
        self._trail_counts: list[list[int]] | None = None

    def _pair_series(self) -> list[_PairSeries]:
        by_pair: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
        for index, one in enumerate(self.of_year):
            for pair, amount in one.pairs.items():
                by_pair[pair][index] = amount
        span = range(len(self.years))
        return [
            _PairSeries(
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
_INDEX: tuple[Ledger, dict[str, _StatusLines], Reads] | None = None


def _index(ledger: Ledger) -> dict[str, _StatusLines]:
    """Status -> its lines by year (every status, even one without lines), once per ledger."""
    global _INDEX
    if _INDEX is not None and _INDEX[0] is ledger:
        replay(_INDEX[2])
        return _INDEX[1]
    with recording() as read:
        index = _make_index(ledger)
    _INDEX = (ledger, index, frozenset(read))
    return index


def _make_index(ledger: Ledger) -> dict[str, _StatusLines]:
    by_status: dict[str, dict[int, _StatusYear]] = {status: {} for status in STATUSES}
    for year in sorted(y for y in ledger.by_year if isinstance(y, int)):
        trails: dict[str, dict[TrailKey, list[FundingLine]]] = defaultdict(dict)
        pairs: dict[str, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
        totals: dict[str, int] = defaultdict(int)
        for line in ledger.for_year(year):
            of_status = trails[line.status]
            key = (line.from_id, line.to_id, line.project_id)
            group = of_status.get(key)
            if group is None:
                of_status[key] = [line]
            else:
                group.append(line)
            pairs[line.status][(line.from_id, line.to_id)] += line.amount
            totals[line.status] += line.amount
        for status, of_status in trails.items():
            if status in by_status:
                by_status[status][year] = _StatusYear(
                    of_status, dict(pairs[status]), totals[status]
                )
    return {status: _StatusLines(status, years) for status, years in by_status.items()}


def years_of(ledger: Ledger, status: str) -> list[int]:
    """The years that have lines of `status`, oldest first."""
    return list(_index(ledger)[status].years)


# --- 2. what repeats across pages, made once per graph --------------------------


@dataclass(frozen=True)
class _Named:
    """An organisation or a project as the diagram shows it, escaped once."""

    key: str
    #: what nodes are sorted by after their value: the label, casefolded
    sort_label: str
    href: str
    #: the full name, for the titles of bands and nodes
    name: str
    #: the label cut to fit its column (`svg.truncate`)
    short: str


def _named(key: str, label: str, url: str, name: str) -> _Named:
    return _Named(
        key,
        label.casefold(),
        str(escape(url)),
        str(escape(name)),
        svg.text(svg.truncate(label, 24)),
    )


@dataclass(frozen=True)
class _SummaryRow:
    """A funder -> recipient pair of one status and the start of its table row."""

    series: _PairSeries
    #: `<tr>` up to the value of the years cell's `data-varde`
    head: str
    #: a link to the status page of each year of `series.pair_years`
    year_links: tuple[str, ...]


class _Parts:
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

    def org(self, org_id: str) -> _Named:
        def make() -> _Named:
            org = self.graph.organisations[org_id]
            return _named(org_id, org.label, self.site.org_url(org_id), org.name)

        return remembered(self._orgs, org_id, make)

    def project(self, project_id: str) -> _Named:
        def make() -> _Named:
            name = self.graph.projects[project_id].name
            return _named(project_id, name, self.site.project_url(project_id), name)

        return remembered(self._projects, project_id, make)

    def trail_order(self, key: TrailKey) -> tuple[int, int, int]:
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
        record((ORG, payer))
        record((ORG, receiver))
        if project is not None:
            record((PROJECT, project))
        return (self._org_rank[payer], self._org_rank[receiver], self._project_rank[project])

    def pair_cells(self, payer: str, receiver: str) -> str:
        """A row's `<tr>` and its funder and recipient cells."""

        def make() -> str:
            org_link = self.site.org_link
            return f"<tr>\n<td>{org_link(payer)}</td>\n<td>{org_link(receiver)}</td>\n"

        return remembered(self._pair_cells, (payer, receiver), make)

    def year_cell(self, years: tuple[int, ...]) -> str:
        """A trail's years, linked to the year pages; sorted by the first."""

        def make() -> str:
            return f'<td data-varde="{years[0]}">{self.site.year_links(years)}</td>\n'

        return remembered(self._year_cells, years, make)

    def summary_rows(self, lines: _StatusLines) -> list[_SummaryRow]:
        """Every funder -> recipient pair of a status, in the order of the summary table."""

        def make() -> list[_SummaryRow]:
            ordered = sorted(
                lines.pairs, key=lambda p: self.trail_order((p.from_id, p.to_id, None))
            )
            return [
                _SummaryRow(
                    series,
                    f'{self.pair_cells(series.from_id, series.to_id)}<td data-varde="',
                    tuple(_status_year_link(lines.status, year) for year in series.pair_years),
                )
                for series in ordered
            ]

        return remembered(self._summary_rows, lines.status, make)

    def year_items(self, status: str, years: Sequence[int], view: TrailFilter) -> Markup:
        """The `<li>`s of the filter's years: every page of a status shares them but for
        which one is current."""
        key = (status, tuple(years), view.year, view.year_from is None)

        def make() -> Markup:
            every = _PAGE if view.year_from is None else ""
            return Markup(
                f'<li><a href="{status_url(status)}"{every}>Alla år</a></li>\n'
                + "".join(
                    f'<li><a href="{status_url(status, year)}"'
                    f"{_PAGE if view.year == year else ''}>{year}</a></li>\n"
                    for year in years
                )
            )

        return remembered(self._year_items, key, make)


# The parts of the graph last asked for, like `_INDEX`.
_PARTS: _Parts | None = None


def _parts(site: SiteView) -> _Parts:
    global _PARTS
    if _PARTS is None or _PARTS.site is not site or _PARTS.graph is not site.graph:
        _PARTS = _Parts(site)
    return _PARTS


@functools.cache
def _status_year_link(status: str, year: int) -> str:
    """A link to the page of `status` in `year` (a URL and a number: nothing to escape)."""
    return f'<a href="{status_url(status, year)}">{year}</a>'


_PAGE = ' aria-current="page"'
_CHOSEN = ' aria-current="true"'


# --- 3. the Sankey diagram ------------------------------------------------------

WIDTH = 1000
NODE = 14
LABEL_SPACE = 250
TOP = 34
GAP = 10
SLOT = 20
MIN_BAND = 1.5
PLOT_PER_NODE = 48
PLOT_MIN, PLOT_MAX = 96, 480
COLUMNS = (LABEL_SPACE, (WIDTH - NODE) / 2, WIDTH - LABEL_SPACE - NODE)
HEADINGS = ("Finansiär", "Mottagare", "Projekt")

#: What a diagram draws: (funder, recipient, project or None, amount) of one status.
FlowAmount = tuple[str, str, str | None, int]
#: A band as its end nodes see it: (the node at the other end, amount, thickness).
_Band = tuple[str, int, float]
_BandToProject = tuple[str | None, int, float]


@dataclass
class _Node:
    named: _Named
    value: int = 0
    y: float = 0.0
    height: float = 0.0
    order: float = 0.0


def _place(nodes: list[_Node], side_heights: Callable[[_Node], float]) -> float:
    y = float(TOP)
    for node in nodes:
        node.height = side_heights(node)
        node.y = y + max(0.0, (SLOT - node.height) / 2)
        y += max(node.height, SLOT) + GAP
    return y


def _thicknesses(bands: list[_Band] | list[_BandToProject]) -> float:
    # A list, not a generator: the same sum in the same order, faster.
    return sum([thickness for _, _, thickness in bands])


class _Layout:
    """Where the nodes and bands of a diagram go: funders by value, each other column in the
    order of the nodes that feed it, band widths proportional to amounts.

    Each node lists its bands in the order the flows were first met: sums of floats depend
    on their order, and the drawing must not change with the code.
    """

    def __init__(self, flows: Sequence[FlowAmount], parts: _Parts, projects: bool) -> None:
        self.total = sum(flow[3] for flow in flows)
        self._tally(flows, parts, projects)
        self._measure_bands()
        self._arrange()

    def _tally(self, flows: Sequence[FlowAmount], parts: _Parts, projects: bool) -> None:
        """The nodes of each column with the money through them, and the sums from funder
        to recipient (`first`) and from recipient to project or none (`second`)."""
        self.left: dict[str, _Node] = {}
        self.middle: dict[str, _Node] = {}
        self.right: dict[str, _Node] = {}
        self.first: dict[tuple[str, str], int] = defaultdict(int)
        self.second: dict[tuple[str, str | None], int] = defaultdict(int)
        for payer, receiver, project, amount in flows:
            _node_of(self.left, payer, parts.org).value += amount
            _node_of(self.middle, receiver, parts.org).value += amount
            self.first[(payer, receiver)] += amount
            if not projects:
                continue
            self.second[(receiver, project)] += amount
            if project:
                _node_of(self.right, project, parts.project).value += amount
        self.no_project = sum(v for (_, p), v in self.second.items() if p is None)

    def _measure_bands(self) -> None:
        """Each node's bands out and in, with their widths."""
        crowded = max(len(self.left), len(self.middle), len(self.right))
        plot = min(max(crowded * PLOT_PER_NODE, PLOT_MIN), PLOT_MAX)
        scale = (plot - GAP * (crowded - 1)) / self.total if self.total else 0.0
        self.out_left: dict[str, list[_Band]] = defaultdict(list)
        self.in_middle: dict[str, list[_Band]] = defaultdict(list)
        self.out_middle: dict[str, list[_BandToProject]] = defaultdict(list)
        self.in_right: dict[str, list[_Band]] = defaultdict(list)
        for (payer, receiver), value in self.first.items():
            thickness = max(value * scale, MIN_BAND)
            self.out_left[payer].append((receiver, value, thickness))
            self.in_middle[receiver].append((payer, value, thickness))
        for (receiver, project), value in self.second.items():
            thickness = max(value * scale, MIN_BAND)
            self.out_middle[receiver].append((project, value, thickness))
            if project:
                self.in_right[project].append((receiver, value, thickness))

    def _arrange(self) -> None:
        """Order and place the columns, left to right; a node is ordered by the mean place
        of the nodes that feed it, weighted by amount."""

        def by_order(node: _Node) -> tuple[float, str, str]:
            return (node.order, node.named.sort_label, node.named.key)

        def ordered_by(
            feeders: dict[str, _Node], nodes: dict[str, _Node], bands_in: dict[str, list[_Band]]
        ) -> None:
            for node in nodes.values():
                weights = bands_in[node.named.key]
                mean = sum(feeders[other].order * value for other, value, _ in weights) / node.value
                node.order = mean

        self.funders = sorted(
            self.left.values(), key=lambda n: (-n.value, n.named.sort_label, n.named.key)
        )
        bottom = _place(self.funders, lambda n: _thicknesses(self.out_left[n.named.key]))
        _number(self.funders)
        ordered_by(self.left, self.middle, self.in_middle)
        self.recipients = sorted(self.middle.values(), key=by_order)
        bottom = max(
            bottom,
            _place(
                self.recipients,
                lambda n: max(
                    _thicknesses(self.in_middle[n.named.key]),
                    _thicknesses(self.out_middle[n.named.key]),
                ),
            ),
        )
        _number(self.recipients)
        ordered_by(self.middle, self.right, self.in_right)
        self.projects = sorted(self.right.values(), key=by_order)
        bottom = max(
            bottom, _place(self.projects, lambda n: _thicknesses(self.in_right[n.named.key]))
        )
        self.height = bottom + 4


def _node_of(nodes: dict[str, _Node], key: str, named: Callable[[str], _Named]) -> _Node:
    """The node of `key`, made the first time it is met."""
    node = nodes.get(key)
    if node is None:
        node = nodes[key] = _Node(named(key))
    return node


def _number(nodes: list[_Node]) -> None:
    """Each node's place in its column, for ordering the next one."""
    for index, node in enumerate(nodes):
        node.order = index


_NO_PROJECT_LOWER = svg.text(NO_PROJECT.lower())


def sankey(
    status: str,
    flows: Sequence[FlowAmount],
    parts: _Parts,
    prefix: str,
    heading: str,
    projects: bool = True,
) -> Markup:
    """Funders left, recipients in the middle, projects right; band widths are amounts.

    Without `projects`, funders left and recipients right: the flows are summed by funder
    and recipient. Bands and nodes are f-strings of the markup `svg.element` would write,
    of names escaped once (`_Named`): a diagram has hundreds of them.
    """
    layout = _Layout(flows, parts, projects)
    recipient_x = COLUMNS[1] if projects else COLUMNS[2]
    colour = svg.STATUS_COLOURS[status]
    word = svg.text(formatting.status_word(status))  # in titles of bands and nodes
    bands = _bands_to_recipients(layout, recipient_x, colour, word)
    stubs = _bands_to_projects(layout, bands, colour, word)
    nodes = [
        _node(node, column, colour, word)
        for nodes, column in (
            (layout.funders, _Column(COLUMNS[0], "end")),
            (layout.recipients, _Column(recipient_x, "start")),
            (layout.projects, _Column(COLUMNS[2], "start")),
        )
        for node in nodes
    ]
    columns = (
        zip(COLUMNS, HEADINGS, ("end", "start", "start"), strict=True)
        if projects
        else zip((COLUMNS[0], recipient_x), HEADINGS[:2], ("end", "start"), strict=True)
    )
    headings = [
        svg.element(
            "text",
            {
                "x": x + (NODE if anchor == "end" else 0),
                "y": 16,
                "text-anchor": anchor,
                "font-weight": 700,
                "fill": svg.TEXT,
            },
            svg.text(label),
        )
        for x, label, anchor in columns
    ]
    body = "".join(
        [
            svg.element("g", {"class": "sankey__rubriker", "font-size": 13}, *headings),
            svg.element("g", {"class": "sankey__band"}, *bands, *stubs),
            svg.element("g", {"class": "sankey__noder", "font-size": 13}, *nodes),
        ]
    )
    total = formatting.amount(layout.total)
    word = formatting.status_word(status)  # unescaped: `svg.document` escapes the description
    funders = formatting.count(len(layout.funders), "finansiär", "finansiärer")
    recipients = formatting.count(len(layout.recipients), "mottagare", "mottagare")
    if not projects:
        description = (
            f"Flödesdiagram över {total} med status {word}: {funders} till vänster och "
            f"{recipients} till höger, summerat över alla projekt. Bandens bredd motsvarar "
            "beloppen. Samma summor finns i tabellen under, med länkar till varje år där "
            "beloppen och deras källor listas."
        )
    else:
        description = (
            f"Flödesdiagram över {total} med status {word}: {funders} till vänster, "
            f"{recipients} i mitten och "
            f"{formatting.count(len(layout.projects), 'projekt', 'projekt')} till höger. "
            "Bandens bredd motsvarar beloppen."
            + (
                f" {formatting.amount(layout.no_project)} gäller inget projekt och slutar "
                "hos mottagaren."
                if layout.no_project
                else ""
            )
            + " Samma uppgifter, med länkar till varje beslut och projekt, finns i tabellen "
            "under."
        )
    return svg.document(
        WIDTH, layout.height, prefix, heading, description, body, "sankey", linked=True
    )


def _band(
    href: str,
    title: str,
    columns: tuple[str, str, str],
    top0: str,
    top1: str,
    bottom0: str,
    bottom1: str,
    colour: str,
) -> str:
    """One linked band from (left, top0-bottom0) to (right, top1-bottom1): all parts are
    already escaped or formatted numbers."""
    left, middle, right = columns
    return (
        f'<a href="{href}" tabindex="-1"><title>{title}</title><path '
        f'd="M{left} {top0} C{middle} {top0} {middle} {top1} {right} {top1} '
        f"L{right} {bottom1} C{middle} {bottom1} {middle} {bottom0} {left} {bottom0} Z"
        f'" fill="{colour}" fill-opacity="0.38"/></a>'
    )


def _bands_to_recipients(layout: _Layout, recipient_x: float, colour: str, word: str) -> list[str]:
    """Funder -> recipient, stacked in each node in the order of the other end.

    Where a band ends, the next one at that node starts: each y is formatted once.
    """
    f = svg.coordinate
    amount = formatting.amount
    x0, x1 = COLUMNS[0] + NODE, recipient_x
    left, right, middle = f(x0), f(x1), f((x0 + x1) / 2)
    free = {n.named.key: (n.y, f(n.y)) for n in layout.recipients}
    order = {key: node.order for key, node in layout.middle.items()}
    bands = []
    for funder in layout.funders:
        y0, top0 = funder.y, f(funder.y)
        for target, value, thickness in sorted(
            layout.out_left[funder.named.key], key=lambda band: order[band[0]]
        ):
            named = layout.middle[target].named
            y1, top1 = free[target]
            y0 += thickness
            bottom0, bottom1 = f(y0), f(y1 + thickness)
            title = f"{funder.named.name} till {named.name}: {amount(value)} {word}"
            columns = (left, middle, right)
            bands.append(_band(named.href, title, columns, top0, top1, bottom0, bottom1, colour))
            top0 = bottom0
            free[target] = (y1 + thickness, bottom1)
    return bands


def _bands_to_projects(layout: _Layout, bands: list[str], colour: str, word: str) -> list[str]:
    """Recipient -> project, appended to `bands`; money for no project ends at the recipient,
    in a stub of its own (returned)."""
    f = svg.coordinate
    amount = formatting.amount
    x0, x1 = COLUMNS[1] + NODE, COLUMNS[2]
    left, right, middle = f(x0), f(x1), f((x0 + x1) / 2)
    free = {n.named.key: (n.y, f(n.y)) for n in layout.projects}
    stubs = []
    for recipient in layout.recipients:
        y0, top0 = recipient.y, f(recipient.y)
        name = recipient.named.name
        ordered = sorted(
            layout.out_middle[recipient.named.key],
            key=lambda band: (band[0] is None, layout.right[band[0]].order if band[0] else 0),
        )
        for project, value, thickness in ordered:
            if project is None:
                stubs.append(
                    f'<a href="{recipient.named.href}" tabindex="-1"><title>{name}: '
                    f"{amount(value)} {word}, {_NO_PROJECT_LOWER}</title>"
                    f'<rect class="sankey__inget" x="{left}" y="{top0}" width="36" '
                    f'height="{f(thickness)}" fill="{colour}" fill-opacity="0.18"/></a>'
                )
                y0 += thickness
                top0 = f(y0)
                continue
            named = layout.right[project].named
            y1, top1 = free[project]
            y0 += thickness
            bottom0, bottom1 = f(y0), f(y1 + thickness)
            title = f"{name} för projektet {named.name}: {amount(value)} {word}"
            columns = (left, middle, right)
            bands.append(_band(named.href, title, columns, top0, top1, bottom0, bottom1, colour))
            top0 = bottom0
            free[project] = (y1 + thickness, bottom1)
    return stubs


class _Column:
    """A column's x, its labels' x and their anchor, formatted once."""

    def __init__(self, x: float, anchor: str) -> None:
        self.x = svg.coordinate(x)
        self.label_x = svg.coordinate(x - 8 if anchor == "end" else x + NODE + 6)
        self.anchor = anchor


def _node(node: _Node, column: _Column, colour: str, word: str) -> str:
    f = svg.coordinate
    named = node.named
    return (
        f'<a href="{named.href}" tabindex="-1">'
        f"<title>{named.name}: {formatting.amount(node.value)} {word}</title>"
        f'<rect x="{column.x}" y="{f(node.y)}" width="{NODE}" height="{f(node.height)}" '
        f'fill="{colour}"/><text class="sankey__etikett" x="{column.label_x}" '
        f'y="{f(node.y + node.height / 2 + 4.5)}" text-anchor="{column.anchor}" '
        f'fill="{svg.TEXT}" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" '
        f'paint-order="stroke">{named.short} ({formatting.amount_short(node.value)})</text></a>'
    )


# --- 4. pages -------------------------------------------------------------------


@dataclass(frozen=True)
class TrailSection:
    """One status on a trails page: its diagram, its table rows and the total of the one status.

    On a period page with more than `DETAIL_LIMIT` trails (a `summary`), the rows are the
    sums by funder and recipient instead of the trails, and `trail_count` says how many
    trails there are.
    """

    status: str
    anchor: str
    diagram: Markup
    #: the `<tr>`s of the table body
    rows: Markup
    total: int
    years: list[int]
    summary: bool = False
    trail_count: int = 0
    #: the years a summary covers, as "2005–2025"
    span: str = ""

    def __bool__(self) -> bool:
        return bool(self.rows)


@dataclass(frozen=True)
class PeriodChoices:
    """The links that choose the first year ("Från och med") and the last ("Till och med").

    `starts` and `ends` are their `<li>`s.
    """

    status: str
    years: list[int]
    start: int
    end: int
    starts: Markup
    ends: Markup


def period_choices(view: TrailFilter, years: list[int]) -> PeriodChoices | None:
    """A chosen first year keeps the last one (or becomes the only one when it is later),
    and the other way round; None when there is no period to choose."""
    if view.status is None or len(years) < 2:
        return None
    start = years[0] if view.year_from is None else view.year_from
    end = years[-1] if view.year_to is None else view.year_to
    status = view.status
    here = view.url

    def item(year: int, url: str, chosen: bool) -> str:
        current = _PAGE if url == here else _CHOSEN if chosen else ""
        return f'<li><a href="{url}"{current}>{year}</a></li>\n'

    starts = [item(y, period_url(status, years, y, max(y, end)), y == start) for y in years]
    ends = [item(y, period_url(status, years, min(y, start), y), y == end) for y in years]
    return PeriodChoices(status, years, start, end, Markup("".join(starts)), Markup("".join(ends)))


@functools.cache
def _status_items(status: str | None, whole: bool) -> Markup:
    """The `<li>`s of the filter's statuses, when `status` (all of it, if `whole`) is shown."""
    items = [
        f'<li><a href="{TRAILS_URL}"{_PAGE if status is None else ""}>Alla statusar</a></li>\n'
    ]
    for one in STATUSES:
        current = "" if one != status else _PAGE if whole else _CHOSEN
        heading = svg.text(formatting.status_heading(one))
        items.append(f'<li><a href="{status_url(one)}"{current}>{heading}</a></li>\n')
    return Markup("".join(items))


def _heading(status: str, view: TrailFilter) -> str:
    where = f" {view.period}" if view.period else ""
    return f"Pengaflöden: {formatting.status_word(status)}{where}"


_NO_PROJECT_CELL = f'<td><span class="tomt">{NO_PROJECT}</span></td>\n'


def _trail_row(key: TrailKey, lines: list[FundingLine], parts: _Parts) -> tuple[str, int]:
    """A trail in full (its organisations, project, years, sum and the sources of its lines,
    each once, in the order they were declared), and its sum."""
    site = parts.site
    payer, receiver, project = key
    years: tuple[int, ...]
    if len(lines) == 1:  # most trails of a year: nothing to add up, sort or leave out
        sources = lines
        amount, years = lines[0].amount, (lines[0].year,)
    else:
        amount = sum(line.amount for line in lines)
        years = tuple(sorted({line.year for line in lines}))
        first_of: dict[tuple[str, str], FundingLine] = {}
        for line in lines:
            first_of.setdefault((line.source_kind, line.source_id), line)
        sources = list(first_of.values())
    items = "".join([f"<li>{site.source_link(line)}</li>\n" for line in sources])
    project_cell = f"<td>{site.project_link(project)}</td>\n" if project else _NO_PROJECT_CELL
    row = (
        f"{parts.pair_cells(payer, receiver)}{project_cell}{parts.year_cell(years)}"
        f'<td class="tal" data-varde="{amount}">{formatting.amount(amount)}</td>\n'
        f'<td class="kalla"><ul class="ren-lista">\n{items}</ul></td>\n</tr>\n'
    )
    return row, amount


def _period_section(
    site: SiteView, status: str, first: int, last: int, heading: str, in_full: bool = False
) -> TrailSection:
    """One status from `first` to `last`: its trails in full, or a summary above
    `DETAIL_LIMIT` trails unless `in_full` (a single year: where a summary's links lead)."""
    lines = _index(site.ledger)[status]
    lo, hi = lines.span(first, last)
    if in_full or lines.trail_count(lo, hi) <= DETAIL_LIMIT:
        return _full_section(_parts(site), lines, lo, hi, heading)
    return _summary_section(_parts(site), lines, lo, hi, heading, f"{first}{EN_DASH}{last}")


def _full_section(
    parts: _Parts, lines: _StatusLines, lo: int, hi: int, heading: str
) -> TrailSection:
    """Every trail of the years `years[lo:hi]`, with its sources, in a three-column diagram."""
    status, anchor = lines.status, STATUS_SLUGS[lines.status]
    groups = lines.trails(lo, hi) if lo < hi else {}
    rows: list[str] = []
    flows: list[FlowAmount] = []
    for key in sorted(groups, key=parts.trail_order):
        row, amount = _trail_row(key, groups[key], parts)
        rows.append(row)
        flows.append((*key, amount))
    diagram = sankey(status, flows, parts, f"flode-{anchor}", heading) if flows else Markup("")
    total = lines.totals[hi] - lines.totals[lo] if lo < hi else 0
    return TrailSection(status, anchor, diagram, Markup("".join(rows)), total, lines.years)


def _summary_section(
    parts: _Parts, lines: _StatusLines, lo: int, hi: int, heading: str, span: str
) -> TrailSection:
    """The sum from each funder to each recipient over the years `years[lo:hi]` (`span`),
    from the running sums, each row linking the years it has lines in; a two-column
    diagram."""
    status, anchor = lines.status, STATUS_SLUGS[lines.status]
    amount = formatting.amount
    rows: list[str] = []
    flows: list[FlowAmount] = []
    for pair in parts.summary_rows(lines):
        series = pair.series
        start, stop = series.present[lo], series.present[hi]
        if start == stop:
            continue  # no lines in these years
        value = series.cumulative[hi] - series.cumulative[lo]
        flows.append((series.from_id, series.to_id, None, value))
        rows.append(
            f'{pair.head}{series.pair_years[start]}">{", ".join(pair.year_links[start:stop])}'
            f'</td>\n<td class="tal" data-varde="{value}">{amount(value)}</td>\n</tr>\n'
        )
    diagram = sankey(status, flows, parts, f"flode-{anchor}", heading, projects=False)
    return TrailSection(
        status,
        anchor,
        diagram,
        Markup("".join(rows)),
        lines.totals[hi] - lines.totals[lo],
        lines.years,
        summary=True,
        trail_count=lines.trail_count(lo, hi),
        span=span,
    )


def trails_page(entity: TrailFilter | None, site: SiteView) -> Context:
    view = entity or TrailFilter()
    statuses = [view.status] if view.status else list(STATUSES)
    sections = []
    for status in statuses:
        years = years_of(site.ledger, status)
        first = view.year_from if view.year_from is not None else (years or [0])[0]
        last = view.year_to if view.year_to is not None else (years or [0])[-1]
        heading = _heading(status, view)
        in_full = view.year is not None
        sections.append(_period_section(site, status, first, last, heading, in_full))
    title = "Pengaflöden"
    crumbs = [HOME, ("Pengaflöden", TRAILS_URL)]
    year_items = Markup("")
    if view.status:
        title = f"Pengaflöden: {formatting.status_word(view.status)}"
        crumbs.append((formatting.status_heading(view.status), status_url(view.status)))
        year_items = _parts(site).year_items(view.status, sections[0].years, view)
    if view.status and view.period:
        title += f" {view.period}"
        crumbs.append((view.period, view.url))
    return {
        "title": title,
        "breadcrumbs": crumbs,
        "section": "pengafloden",
        "description": "Hur pengarna går från finansiär till mottagare och projekt, "
        "en status i taget.",
        "view": view,
        "sections": sections,
        "status_items": _status_items(view.status, view.year_from is None),
        "year_items": year_items,
        "status_url": status_url,
        "choices": period_choices(view, sections[0].years) if view.status else None,
        "detail_limit": DETAIL_LIMIT,
    }


def plan(graph: SiteGraph) -> Iterator[tuple[str, str, Any]]:
    """The trails pages: (url, template, entity). Every status has a page of all its
    years, one per year and one per period of two or more years."""
    index = _index(graph.ledger)
    yield TRAILS_URL, "flows.html", TrailFilter()
    for status in STATUSES:
        years = index[status].years
        yield status_url(status), "flows.html", TrailFilter(status)
        for year in years:
            yield status_url(status, year), "flows.html", TrailFilter(status, year)
        for index_, start in enumerate(years):
            for end in years[index_ + 1 :]:
                period = TrailFilter(status, start, end)
                yield status_url(status, start, end), "flows.html", period


BUILDERS: dict[str, Callable[[Any, SiteView], Context]] = {"flows.html": trails_page}

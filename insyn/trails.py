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
their sources are listed. A period page reads the same entity keys as its
status page. Each page's filter has links to choose the first and the last
year ("Från och med", "Till och med"); `assets/period.js` adds a form with
two lists on top of them. One diagram never mixes statuses.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from markupsafe import Markup

from insyn import formatting, svg
from insyn.buildcache import LINES_KEY
from insyn.ledger import Ledger, Totals
from insyn.link import SiteGraph
from insyn.model import STATUSES, FundingLine
from insyn.money import line_keys
from insyn.pages import HOME, Context, SiteView

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


class Flow(Protocol):
    """What a diagram draws: an amount of one status from a funder to a recipient (and project)."""

    @property
    def status(self) -> str: ...
    @property
    def from_id(self) -> str: ...
    @property
    def to_id(self) -> str: ...
    @property
    def project_id(self) -> str | None: ...
    @property
    def amount(self) -> int: ...


@dataclass(frozen=True)
class Trail:
    """All lines of one status from one funder to one recipient for one project (or none)."""

    status: str
    from_id: str
    to_id: str
    project_id: str | None
    lines: tuple[FundingLine, ...]

    @property
    def amount(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def years(self) -> list[int]:
        return sorted({line.year for line in self.lines})

    @property
    def sources(self) -> list[FundingLine]:
        """One line per source decision or project, in the order they were declared."""
        seen: dict[tuple[str, str], FundingLine] = {}
        for line in self.lines:
            seen.setdefault((line.source_kind, line.source_id), line)
        return list(seen.values())


@dataclass(frozen=True)
class PairTotal:
    """The money of one status from one funder to one recipient over a period, every project."""

    status: str
    from_id: str
    to_id: str
    amount: int
    years: tuple[int, ...]

    @property
    def project_id(self) -> str | None:
        return None


def _sorted_trails(
    groups: dict[TrailKey, list[FundingLine]], status: str, site: SiteView
) -> list[Trail]:
    trails = [Trail(status, f, t, p, tuple(ls)) for (f, t, p), ls in groups.items()]
    return sorted(
        trails,
        key=lambda tr: (
            site.by_org_label(tr.from_id),
            site.by_org_label(tr.to_id),
            site.by_project_name(tr.project_id),
        ),
    )


# --- one status in one year, for the period pages -------------------------------


@dataclass(frozen=True)
class _StatusYear:
    """The lines of one status in one year: by trail, summed by funder and recipient."""

    trails: dict[TrailKey, list[FundingLine]]
    pairs: dict[tuple[str, str], int]
    total: int


# The index of the ledger last asked for; each rendering process makes it once.
_INDEX: tuple[Ledger, dict[tuple[str, int], _StatusYear]] | None = None


def _status_years(ledger: Ledger) -> dict[tuple[str, int], _StatusYear]:
    """(status, year) -> its lines, from the ledger's lines per year, made once per ledger."""
    global _INDEX
    if _INDEX is not None and _INDEX[0] is ledger:
        return _INDEX[1]
    index: dict[tuple[str, int], _StatusYear] = {}
    for year in sorted(y for y in ledger.by_year if isinstance(y, int)):
        lines = ledger.for_year(year)
        totals = Totals.of(lines)
        for status in STATUSES:
            trails: dict[TrailKey, list[FundingLine]] = defaultdict(list)
            pairs: dict[tuple[str, str], int] = defaultdict(int)
            for line in lines:
                if line.status == status:
                    trails[(line.from_id, line.to_id, line.project_id)].append(line)
                    pairs[(line.from_id, line.to_id)] += line.amount
            if trails:
                index[(status, year)] = _StatusYear(dict(trails), dict(pairs), totals.get(status))
    _INDEX = (ledger, index)
    return index


def years_of(ledger: Ledger, status: str) -> list[int]:
    """The years that have lines of `status`, oldest first."""
    return sorted(year for (s, year) in _status_years(ledger) if s == status)


# --- the Sankey layout --------------------------------------------------------

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


@dataclass
class _Node:
    key: str
    label: str
    url: str
    name: str
    value: int = 0
    y: float = 0.0
    height: float = 0.0
    order: float = 0.0


@dataclass(frozen=True)
class _Flow:
    source: str
    target: str | None
    value: int


def _place(nodes: list[_Node], side_heights: Callable[[_Node], float]) -> float:
    y = float(TOP)
    for node in nodes:
        node.height = side_heights(node)
        node.y = y + max(0.0, (SLOT - node.height) / 2)
        y += max(node.height, SLOT) + GAP
    return y


def sankey(
    trails: Sequence[Flow], site: SiteView, prefix: str, heading: str, projects: bool = True
) -> Markup:
    """Funders left, recipients in the middle, projects right; band widths are amounts.

    Without `projects`, funders left and recipients right: the flows are summed by funder
    and recipient (`PairTotal`s, or trails whose projects are left out).
    """
    status = trails[0].status
    recipient_x = COLUMNS[1] if projects else COLUMNS[2]
    colour = svg.STATUS_COLOURS[status]
    total = sum(tr.amount for tr in trails)
    left: dict[str, _Node] = {}
    middle: dict[str, _Node] = {}
    right: dict[str, _Node] = {}
    first: dict[tuple[str, str], int] = defaultdict(int)
    second: dict[tuple[str, str | None], int] = defaultdict(int)
    for trail in trails:
        payer = site.org(trail.from_id)
        receiver = site.org(trail.to_id)
        left.setdefault(payer.id, _Node(payer.id, payer.label, site.org_url(payer.id), payer.name))
        middle.setdefault(
            receiver.id,
            _Node(receiver.id, receiver.label, site.org_url(receiver.id), receiver.name),
        )
        left[payer.id].value += trail.amount
        middle[receiver.id].value += trail.amount
        first[(payer.id, receiver.id)] += trail.amount
        if not projects:
            continue
        second[(receiver.id, trail.project_id)] += trail.amount
        if trail.project_id:
            funded = site.project(trail.project_id)
            right.setdefault(
                funded.id, _Node(funded.id, funded.name, site.project_url(funded.id), funded.name)
            )
            right[funded.id].value += trail.amount

    crowded = max(len(left), len(middle), len(right))
    plot = min(max(crowded * PLOT_PER_NODE, PLOT_MIN), PLOT_MAX)
    scale = (plot - GAP * (crowded - 1)) / total if total else 0.0

    def band(value: int) -> float:
        return max(value * scale, MIN_BAND)

    flows_in: dict[str, list[_Flow]] = defaultdict(list)
    flows_out: dict[str, list[_Flow]] = defaultdict(list)
    for (source, target_id), value in first.items():
        flows_out[f"L{source}"].append(_Flow(source, target_id, value))
        flows_in[f"M{target_id}"].append(_Flow(source, target_id, value))
    for (source, target2), value in second.items():
        flows_out[f"M{source}"].append(_Flow(source, target2, value))
        if target2:
            flows_in[f"R{target2}"].append(_Flow(source, target2, value))

    funders = sorted(left.values(), key=lambda n: (-n.value, n.label.casefold(), n.key))
    bottom = _place(funders, lambda n: sum(band(f.value) for f in flows_out[f"L{n.key}"]))
    for index, node in enumerate(funders):
        node.order = index
    for node in middle.values():
        weights = flows_in[f"M{node.key}"]
        node.order = sum(left[f.source].order * f.value for f in weights) / node.value
    recipients = sorted(middle.values(), key=lambda n: (n.order, n.label.casefold(), n.key))
    bottom = max(
        bottom,
        _place(
            recipients,
            lambda n: max(
                sum(band(f.value) for f in flows_in[f"M{n.key}"]),
                sum(band(f.value) for f in flows_out[f"M{n.key}"]),
            ),
        ),
    )
    for index, node in enumerate(recipients):
        node.order = index
    for node in right.values():
        weights = flows_in[f"R{node.key}"]
        node.order = sum(middle[f.source].order * f.value for f in weights) / node.value
    project_nodes = sorted(right.values(), key=lambda n: (n.order, n.label.casefold(), n.key))
    bottom = max(
        bottom, _place(project_nodes, lambda n: sum(band(f.value) for f in flows_in[f"R{n.key}"]))
    )
    height = bottom + 4

    word = formatting.status_word(status)
    bands: list[str] = []
    # Funder -> recipient, stacked in each node in the order of the other end.
    out_y = {n.key: n.y for n in funders}
    in_y = {n.key: n.y for n in recipients}
    for funder in funders:
        for flow in sorted(flows_out[f"L{funder.key}"], key=lambda f: middle[str(f.target)].order):
            target = middle[str(flow.target)]
            thickness = band(flow.value)
            bands.append(
                _band(
                    COLUMNS[0] + NODE,
                    out_y[funder.key],
                    recipient_x,
                    in_y[target.key],
                    thickness,
                    colour,
                    target.url,
                    f"{site.org(funder.key).name} till {site.org(target.key).name}: "
                    f"{formatting.amount(flow.value)} {word}",
                )
            )
            out_y[funder.key] += thickness
            in_y[target.key] += thickness
    # Recipient -> project; money for no project ends at the recipient.
    out_y = {n.key: n.y for n in recipients}
    in_y = {n.key: n.y for n in project_nodes}
    stubs: list[str] = []
    for recipient in recipients:
        ordered = sorted(
            flows_out[f"M{recipient.key}"],
            key=lambda f: (f.target is None, right[f.target].order if f.target else 0),
        )
        for flow in ordered:
            thickness = band(flow.value)
            name = site.org(recipient.key).name
            if flow.target is None:
                stubs.append(
                    _stub(
                        COLUMNS[1] + NODE,
                        out_y[recipient.key],
                        thickness,
                        colour,
                        recipient.url,
                        f"{name}: {formatting.amount(flow.value)} {word}, {NO_PROJECT.lower()}",
                    )
                )
            else:
                target = right[flow.target]
                bands.append(
                    _band(
                        COLUMNS[1] + NODE,
                        out_y[recipient.key],
                        COLUMNS[2],
                        in_y[target.key],
                        thickness,
                        colour,
                        target.url,
                        f"{name} för projektet {target.label}: "
                        f"{formatting.amount(flow.value)} {word}",
                    )
                )
                in_y[target.key] += thickness
            out_y[recipient.key] += thickness

    nodes = [_node(node, COLUMNS[0], colour, "end", word) for node in funders]
    nodes += [_node(node, recipient_x, colour, "start", word) for node in recipients]
    nodes += [_node(node, COLUMNS[2], colour, "start", word) for node in project_nodes]
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
    if not projects:
        description = (
            f"Flödesdiagram över {formatting.amount(total)} med status {word}: "
            f"{formatting.count(len(funders), 'finansiär', 'finansiärer')} till vänster och "
            f"{formatting.count(len(recipients), 'mottagare', 'mottagare')} till höger, "
            "summerat över alla projekt. Bandens bredd motsvarar beloppen. Samma summor finns "
            "i tabellen under, med länkar till varje år där beloppen och deras källor listas."
        )
        return svg.document(
            WIDTH, height, prefix, heading, description, body, "sankey", linked=True
        )
    no_project = sum(v for (_, p), v in second.items() if p is None)
    description = (
        f"Flödesdiagram över {formatting.amount(total)} med status {word}: "
        f"{formatting.count(len(funders), 'finansiär', 'finansiärer')} till vänster, "
        f"{formatting.count(len(recipients), 'mottagare', 'mottagare')} i mitten och "
        f"{formatting.count(len(project_nodes), 'projekt', 'projekt')} till höger. "
        "Bandens bredd motsvarar beloppen."
        + (
            f" {formatting.amount(no_project)} gäller inget projekt och slutar hos mottagaren."
            if no_project
            else ""
        )
        + " Samma uppgifter, med länkar till varje beslut och projekt, finns i tabellen under."
    )
    return svg.document(WIDTH, height, prefix, heading, description, body, "sankey", linked=True)


def _band(
    x0: float, y0: float, x1: float, y1: float, thickness: float, colour: str, url: str, label: str
) -> str:
    middle = (x0 + x1) / 2
    f = svg.coordinate
    path = (
        f"M{f(x0)} {f(y0)} C{f(middle)} {f(y0)} {f(middle)} {f(y1)} {f(x1)} {f(y1)} "
        f"L{f(x1)} {f(y1 + thickness)} C{f(middle)} {f(y1 + thickness)} {f(middle)} "
        f"{f(y0 + thickness)} {f(x0)} {f(y0 + thickness)} Z"
    )
    return svg.element(
        "a",
        {"href": url, "tabindex": -1},
        svg.title(label),
        svg.element("path", {"d": path, "fill": colour, "fill-opacity": 0.38}),
    )


def _stub(x: float, y: float, thickness: float, colour: str, url: str, label: str) -> str:
    return svg.element(
        "a",
        {"href": url, "tabindex": -1},
        svg.title(label),
        svg.element(
            "rect",
            {
                "class": "sankey__inget",
                "x": x,
                "y": y,
                "width": 36,
                "height": thickness,
                "fill": colour,
                "fill-opacity": 0.18,
            },
        ),
    )


def _node(node: _Node, x: float, colour: str, anchor: str, word: str) -> str:
    label_x = x - 8 if anchor == "end" else x + NODE + 6
    label = f"{svg.truncate(node.label, 24)} ({formatting.amount_short(node.value)})"
    return svg.element(
        "a",
        {"href": node.url, "tabindex": -1},
        svg.title(f"{node.name}: {formatting.amount(node.value)} {word}"),
        svg.element(
            "rect",
            {"x": x, "y": node.y, "width": NODE, "height": node.height, "fill": colour},
        ),
        svg.element(
            "text",
            {
                "class": "sankey__etikett",
                "x": label_x,
                "y": node.y + node.height / 2 + 4.5,
                "text-anchor": anchor,
                "fill": svg.TEXT,
                "stroke": "#ffffff",
                "stroke-width": 3,
                "stroke-linejoin": "round",
                "paint-order": "stroke",
            },
            svg.text(label),
        ),
    )


# --- pages ----------------------------------------------------------------------


@dataclass(frozen=True)
class TrailSection:
    """One status on a trails page: its diagram, its table rows and the total of the one status.

    On a period page with more than `DETAIL_LIMIT` trails, `pairs` holds the sums by funder
    and recipient instead of the trails, and `trail_count` says how many trails there are.
    """

    status: str
    anchor: str
    diagram: Markup
    trails: list[Trail]
    total: int
    years: list[int]
    pairs: list[PairTotal] | None = None
    trail_count: int = 0
    #: the years a summary covers, as "2005–2025"
    span: str = ""

    @property
    def summary(self) -> bool:
        return self.pairs is not None

    def __bool__(self) -> bool:
        return bool(self.trails or self.pairs)


@dataclass(frozen=True)
class YearChoice:
    """One link of the period filter: a year, the page it leads to, and if it is chosen now."""

    year: int
    url: str
    current: bool


@dataclass(frozen=True)
class PeriodChoices:
    """The links that choose the first year ("Från och med") and the last ("Till och med")."""

    status: str
    years: list[int]
    start: int
    end: int
    starts: list[YearChoice]
    ends: list[YearChoice]


def period_url(status: str, years: Sequence[int], first: int, last: int) -> str:
    """The page of `status` from `first` to `last`: the status page when that is every year.

    The period of every year also has a page of its own (`plan`), which no link needs.
    """
    if first != last and first == years[0] and last == years[-1]:
        return status_url(status)
    return status_url(status, first, last)


def period_choices(view: TrailFilter, years: list[int]) -> PeriodChoices | None:
    """A chosen first year keeps the last one (or becomes the only one when it is later),
    and the other way round; None when there is no period to choose."""
    if view.status is None or len(years) < 2:
        return None
    start = years[0] if view.year_from is None else view.year_from
    end = years[-1] if view.year_to is None else view.year_to
    status = view.status
    return PeriodChoices(
        status=status,
        years=years,
        start=start,
        end=end,
        starts=[
            YearChoice(y, period_url(status, years, y, max(y, end)), y == start) for y in years
        ],
        ends=[YearChoice(y, period_url(status, years, min(y, start), y), y == end) for y in years],
    )


@functools.cache
def _status_year_link(status: str, year: int) -> Markup:
    return Markup('<a href="{}">{}</a>').format(status_url(status, year), year)


def status_year_links(status: str, years: Iterable[int]) -> Markup:
    """Links to the pages of `status` in each of `years`, comma separated."""
    return Markup(", ").join(_status_year_link(status, year) for year in years)


def _heading(status: str, view: TrailFilter) -> str:
    where = f" {view.period}" if view.period else ""
    return f"Pengaflöden: {formatting.status_word(status)}{where}"


def _period_section(
    site: SiteView,
    status: str,
    first: int,
    last: int,
    heading: str,
    years: list[int],
    in_full: bool = False,
) -> TrailSection:
    """One status from `first` to `last` (`years` are those with lines of the status), made
    from its lines of each year (`_status_years`); a summary above `DETAIL_LIMIT` trails,
    unless `in_full` (a single year: where a summary's links lead)."""
    index = _status_years(site.ledger)
    shown = [(year, index[(status, year)]) for year in years if first <= year <= last]
    anchor = STATUS_SLUGS[status]
    keys: set[TrailKey] = set()
    for _, of_year in shown:
        keys.update(of_year.trails)
    if in_full or len(keys) <= DETAIL_LIMIT:
        groups: dict[TrailKey, list[FundingLine]] = defaultdict(list)
        for _, of_year in shown:
            for key, lines in of_year.trails.items():
                groups[key].extend(lines)
        trails = _sorted_trails(groups, status, site)
        diagram = sankey(trails, site, f"flode-{anchor}", heading) if trails else Markup("")
        total = Totals.of(ln for tr in trails for ln in tr.lines).get(status)
        return TrailSection(status, anchor, diagram, trails, total, years)
    sums: dict[tuple[str, str], int] = defaultdict(int)
    seen: dict[tuple[str, str], list[int]] = defaultdict(list)
    for year, of_year in shown:
        for pair, amount in of_year.pairs.items():
            sums[pair] += amount
            seen[pair].append(year)
    pairs = sorted(
        (PairTotal(status, f, t, amount, tuple(seen[(f, t)])) for (f, t), amount in sums.items()),
        key=lambda p: (site.by_org_label(p.from_id), site.by_org_label(p.to_id)),
    )
    # The sum of one status in each year of the period (each a `Totals` of that year's lines).
    total = sum(of_year.total for _, of_year in shown)
    diagram = sankey(pairs, site, f"flode-{anchor}", heading, projects=False)
    span = f"{first}{EN_DASH}{last}"
    return TrailSection(status, anchor, diagram, [], total, years, pairs, len(keys), span)


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
        sections.append(_period_section(site, status, first, last, heading, years, in_full))
    title = "Pengaflöden"
    crumbs = [HOME, ("Pengaflöden", TRAILS_URL)]
    if view.status:
        title = f"Pengaflöden: {formatting.status_word(view.status)}"
        crumbs.append((formatting.status_heading(view.status), status_url(view.status)))
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
        "status_links": [(s, status_url(s)) for s in STATUSES],
        "status_url": status_url,
        "status_year_links": status_year_links,
        "choices": period_choices(view, sections[0].years) if view.status else None,
        "detail_limit": DETAIL_LIMIT,
    }


def plan(graph: SiteGraph) -> Iterator[tuple[str, str, Any, set[str]]]:
    """The trails pages, each with the entity keys it reads: (url, template, entity, reads).

    A page in full reads the keys of the lines it lists (their sources' titles show); a
    summary shows only sums and organisations, so it reads those and every line together
    (`LINES_KEY`): an edited title then leaves the hundreds of period pages alone. Every
    page reads `LINES_KEY`, since its year links depend on all lines of its status. Pages
    with the same reads share one frozen set.
    """
    existence = frozenset({"decision:*", "project:*", "org:*", LINES_KEY})
    by_year = _status_years(graph.ledger)
    shared: dict[frozenset[str], frozenset[str]] = {}

    def reads_of(status: str | None, first: int, last: int, whole: bool) -> set[str]:
        statuses = [status] if status else list(STATUSES)
        keys: set[str] = set(existence)
        for one in statuses:
            years = [y for (s, y) in by_year if s == one and first <= y <= last]
            trails: set[TrailKey] = set()
            for year in years:
                trails.update(by_year[(one, year)].trails)
            lines = [ln for y in years for t in by_year[(one, y)].trails.values() for ln in t]
            if whole or len(trails) <= DETAIL_LIMIT:
                keys |= line_keys(lines)
            else:
                keys |= {f"org:{ln.from_id}" for ln in lines} | {f"org:{ln.to_id}" for ln in lines}
        frozen = frozenset(keys)
        # Passed on as it is (render.plan_pages freezes what it gets): one set per kind of page.
        return cast(set[str], shared.setdefault(frozen, frozen))

    all_years = sorted({y for (_, y) in by_year}) or [0]
    yield (
        TRAILS_URL,
        "flows.html",
        TrailFilter(),
        reads_of(None, all_years[0], all_years[-1], False),
    )
    for status in STATUSES:
        years = sorted(y for (s, y) in by_year if s == status)
        first, last = (years[0], years[-1]) if years else (0, 0)
        yield (
            status_url(status),
            "flows.html",
            TrailFilter(status),
            reads_of(status, first, last, False),
        )
        for year in years:
            reads = reads_of(status, year, year, True)
            yield status_url(status, year), "flows.html", TrailFilter(status, year), reads
        for index, start in enumerate(years):
            for end in years[index + 1 :]:
                period = TrailFilter(status, start, end)
                reads = reads_of(status, start, end, False)
                yield status_url(status, start, end), "flows.html", period, reads


BUILDERS: dict[str, Callable[[Any, SiteView], Context]] = {"flows.html": trails_page}

"""The funding trails at /pengafloden/: funder -> recipient -> project, one status at a time.

Lines are grouped into trails (one per funder, recipient and project), laid
out as a Sankey diagram drawn at build time, and listed in a table with the
same figures and the source of every line. Filters are pages of their own
(`/pengafloden/<status>/`, `/pengafloden/<status>/<year>/`), so they work
without JavaScript. One diagram never mixes statuses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from insyn import formatting, svg
from insyn.ledger import Totals
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


def status_url(status: str, year: int | None = None) -> str:
    url = f"{TRAILS_URL}{STATUS_SLUGS[status]}/"
    return f"{url}{year}/" if year is not None else url


@dataclass(frozen=True)
class TrailFilter:
    """What one trails page shows: every status, or one status in all years or one year."""

    status: str | None = None
    year: int | None = None

    @property
    def url(self) -> str:
        return status_url(self.status, self.year) if self.status else TRAILS_URL

    def admits(self, line: FundingLine) -> bool:
        return (self.status is None or line.status == self.status) and (
            self.year is None or line.year == self.year
        )


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


def trails_of(lines: Iterable[FundingLine], status: str, site: SiteView) -> list[Trail]:
    """The trails of one status, by funder, recipient and project name (no project last)."""
    groups: dict[tuple[str, str, str | None], list[FundingLine]] = defaultdict(list)
    for line in lines:
        if line.status == status:
            groups[(line.from_id, line.to_id, line.project_id)].append(line)
    trails = [Trail(status, f, t, p, tuple(ls)) for (f, t, p), ls in groups.items()]
    return sorted(
        trails,
        key=lambda tr: (
            site.by_org_label(tr.from_id),
            site.by_org_label(tr.to_id),
            site.by_project_name(tr.project_id),
        ),
    )


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


def sankey(trails: list[Trail], site: SiteView, prefix: str, heading: str) -> Markup:
    """Funders left, recipients in the middle, projects right; band widths are amounts."""
    status = trails[0].status
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
    projects = sorted(right.values(), key=lambda n: (n.order, n.label.casefold(), n.key))
    bottom = max(
        bottom, _place(projects, lambda n: sum(band(f.value) for f in flows_in[f"R{n.key}"]))
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
                    COLUMNS[1],
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
    in_y = {n.key: n.y for n in projects}
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
    nodes += [_node(node, COLUMNS[1], colour, "start", word) for node in recipients]
    nodes += [_node(node, COLUMNS[2], colour, "start", word) for node in projects]
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
        for x, label, anchor in zip(COLUMNS, HEADINGS, ("end", "start", "start"), strict=True)
    ]
    body = "".join(
        [
            svg.element("g", {"class": "sankey__rubriker", "font-size": 13}, *headings),
            svg.element("g", {"class": "sankey__band"}, *bands, *stubs),
            svg.element("g", {"class": "sankey__noder", "font-size": 13}, *nodes),
        ]
    )
    no_project = sum(v for (_, p), v in second.items() if p is None)
    description = (
        f"Flödesdiagram över {formatting.amount(total)} med status {word}: "
        f"{formatting.count(len(funders), 'finansiär', 'finansiärer')} till vänster, "
        f"{formatting.count(len(recipients), 'mottagare', 'mottagare')} i mitten och "
        f"{formatting.count(len(projects), 'projekt', 'projekt')} till höger. "
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
    """One status on a trails page: its diagram, its table rows and the total of the one status."""

    status: str
    anchor: str
    diagram: Markup
    trails: list[Trail]
    total: int
    years: list[int]


def _lines(site: SiteView, view: TrailFilter) -> list[FundingLine]:
    if view.year is not None:
        return site.ledger.for_year(view.year)
    return list(site.ledger.lines)


def _years_of(site: SiteView, status: str) -> list[int]:
    return sorted({ln.year for ln in site.ledger.lines if ln.status == status})


def trails_page(entity: TrailFilter | None, site: SiteView) -> Context:
    view = entity or TrailFilter()
    statuses = [view.status] if view.status else list(STATUSES)
    lines = [ln for ln in _lines(site, view) if view.admits(ln)]
    sections = []
    for status in statuses:
        trails = trails_of(lines, status, site)
        anchor = STATUS_SLUGS[status]
        where = f" {view.year}" if view.year is not None else ""
        heading = f"Pengaflöden: {formatting.status_word(status)}{where}"
        diagram = sankey(trails, site, f"flode-{anchor}", heading) if trails else Markup("")
        sections.append(
            TrailSection(
                status=status,
                anchor=anchor,
                diagram=diagram,
                trails=trails,
                total=Totals.of(ln for tr in trails for ln in tr.lines).get(status),
                years=_years_of(site, status),
            )
        )
    title = "Pengaflöden"
    crumbs = [HOME, ("Pengaflöden", TRAILS_URL)]
    if view.status:
        title = f"Pengaflöden: {formatting.status_word(view.status)}"
        crumbs.append((formatting.status_heading(view.status), status_url(view.status)))
    if view.status and view.year is not None:
        title += f" {view.year}"
        crumbs.append((str(view.year), status_url(view.status, view.year)))
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
    }


def plan(graph: SiteGraph) -> Iterator[tuple[str, str, Any, set[str]]]:
    """The trails pages, each with the entity keys it reads: (url, template, entity, reads)."""
    existence = {"decision:*", "project:*", "org:*"}
    every = line_keys(graph.ledger.lines)
    yield TRAILS_URL, "flows.html", TrailFilter(), existence | every
    for status in STATUSES:
        of_status = [ln for ln in graph.ledger.lines if ln.status == status]
        # The list of years on a status page depends on every line of that status.
        reads = existence | line_keys(of_status)
        yield status_url(status), "flows.html", TrailFilter(status), reads
        for year in sorted({ln.year for ln in of_status}):
            yield status_url(status, year), "flows.html", TrailFilter(status, year), reads


BUILDERS: dict[str, Callable[[Any, SiteView], Context]] = {"flows.html": trails_page}

"""The Sankey diagram of the trails: funders, recipients and projects, bands as wide as amounts.

Drawn at build time as SVG (readable without JavaScript, with a title on
every band and node), from flows of one status and the names of what they
connect (`Labels`), each escaped once: a diagram has hundreds of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from markupsafe import Markup, escape

from insyn.model import formatting
from insyn.present import svg


@dataclass(frozen=True)
class Named:
    """An organisation or a project as the diagram shows it, escaped once."""

    key: str
    #: what nodes are sorted by after their value: the label, casefolded
    sort_label: str
    href: str
    #: the full name, for the titles of bands and nodes
    name: str
    #: the label cut to fit its column (`svg.truncate`)
    short: str


def named(key: str, label: str, url: str, name: str) -> Named:
    return Named(
        key,
        label.casefold(),
        str(escape(url)),
        str(escape(name)),
        svg.text(svg.truncate(label, 24)),
    )


class Labels(Protocol):
    """Where a diagram gets the names of organisations and projects (`TrailParts`)."""

    def org(self, org_id: str) -> Named: ...

    def project(self, project_id: str) -> Named: ...


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
    named: Named
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

    def __init__(self, flows: Sequence[FlowAmount], parts: Labels, projects: bool) -> None:
        self.total = sum(flow[3] for flow in flows)
        self._tally(flows, parts, projects)
        self._measure_bands()
        self._arrange()

    def _tally(self, flows: Sequence[FlowAmount], parts: Labels, projects: bool) -> None:
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


def _node_of(nodes: dict[str, _Node], key: str, named: Callable[[str], Named]) -> _Node:
    """The node of `key`, made the first time it is met."""
    node = nodes.get(key)
    if node is None:
        node = nodes[key] = _Node(named(key))
    return node


def _number(nodes: list[_Node]) -> None:
    """Each node's place in its column, for ordering the next one."""
    for index, node in enumerate(nodes):
        node.order = index


NO_PROJECT = "Inget projekt"
_NO_PROJECT_LOWER = svg.text(NO_PROJECT.lower())


def sankey(
    status: str,
    flows: Sequence[FlowAmount],
    parts: Labels,
    prefix: str,
    heading: str,
    projects: bool = True,
) -> Markup:
    """Funders left, recipients in the middle, projects right; band widths are amounts.

    Without `projects`, funders left and recipients right: the flows are summed by funder
    and recipient. Bands and nodes are f-strings of the markup `svg.element` would write,
    of names escaped once (`Named`): a diagram has hundreds of them.
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

"""Where the nodes, bands and labels of a trails diagram go (`sankey` draws them).

Every label has a lane of its own, beside its node and apart from the bands,
is wrapped to the lane's width (`textwidth.wrap`) and gives its node the
height of its lines: so no label is cut by the edge, drawn over a band or
drawn over another label. Where the projects would only repeat the recipients
(each recipient's money goes to one project, or none, and each project has
one recipient), the diagram has two columns and names the project with its
recipient.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from markupsafe import escape

from insyn.model import formatting
from insyn.present import svg
from insyn.present.textwidth import width, wrap


@dataclass(frozen=True)
class Named:
    """An organisation or a project as the diagram shows it, escaped once."""

    key: str
    #: what nodes are sorted by after their value: the label, casefolded
    sort_label: str
    href: str
    #: the full name, for the titles of bands and nodes
    name: str
    #: the label, escaped
    label: str
    #: the label as it is, for measuring
    plain: str


def named(key: str, label: str, url: str, name: str) -> Named:
    return Named(
        key, label.casefold(), str(escape(url)), str(escape(name)), str(escape(label)), label
    )


class Labels(Protocol):
    """Where a diagram gets the names of organisations and projects (`TrailParts`)."""

    def org(self, org_id: str) -> Named: ...

    def project(self, project_id: str) -> Named: ...


WIDTH = 1000
NODE = 12
FONT = 14
LINE = 17
#: a label's lines: more are cut with an ellipsis (the full name is in the title and the table)
MAX_LINES = 4
#: between a node and its label
PAD = 8
TOP = 34
GAP = 10
MIN_BAND = 1.5
PLOT_PER_NODE = 48
PLOT_MIN, PLOT_MAX = 96, 480


@dataclass(frozen=True)
class Columns:
    """Where the nodes of each column stand and how wide their labels' lanes are.

    `middle` is the recipients' node where the bands from the funders end; with projects,
    their label lane follows it and `middle_out` is where the bands to the projects start.
    """

    funder: float
    middle: float
    middle_out: float
    project: float
    funder_room: float
    middle_room: float
    right_room: float


#: funders | bands | recipients, label, recipients | bands | projects
THREE = Columns(220, 388, 600, 768, 220 - PAD - 2, 200 - 2 * PAD, WIDTH - 768 - NODE - PAD - 2)
#: funders | bands | recipients (and their projects)
TWO = Columns(260, 668, 668, 668, 260 - PAD - 2, 0, WIDTH - 668 - NODE - PAD - 2)


#: What a diagram draws: (funder, recipient, project or None, amount) of one status.
FlowAmount = tuple[str, str, str | None, int]


#: A band as its end nodes see it: (the node at the other end, amount, thickness).
Band = tuple[str, int, float]


BandToProject = tuple[str | None, int, float]


@dataclass
class Node:
    named: Named
    value: int = 0
    y: float = 0.0
    height: float = 0.0
    order: float = 0.0
    #: the label's lines, escaped
    lines: tuple[str, ...] = ()
    #: of a recipient named with its project: the project's lines, after the recipient's
    project_lines: tuple[str, ...] = ()


@functools.lru_cache(maxsize=16384)
def label_lines(text: str, value: int, room: float) -> tuple[str, ...]:
    """A node's label in lines, escaped, with its sum on the last line or a line of its own.

    Cached: the same organisation with the same sum recurs on many trail pages."""
    amount = f"({formatting.amount(value)})"
    lines = wrap(text, room, FONT, MAX_LINES)
    if width(f"{lines[-1]} {amount}", FONT) <= room:
        return tuple(svg.text(line) for line in (*lines[:-1], f"{lines[-1]} {amount}"))
    return tuple(svg.text(line) for line in (*lines, amount))


def _place(nodes: list[Node], side_heights: Callable[[Node], float]) -> float:
    """Stack a column's nodes from the top: each as tall as its bands or its label."""
    y = float(TOP)
    for node in nodes:
        node.height = side_heights(node)
        slot = max(node.height, LINE * (len(node.lines) + len(node.project_lines)))
        node.y = y + (slot - node.height) / 2
        y += slot + GAP
    return y


def _thicknesses(bands: list[Band] | list[BandToProject]) -> float:
    # A list, not a generator: the same sum in the same order, faster.
    return sum([thickness for _, _, thickness in bands])


class Layout:
    """Where the nodes and bands of a diagram go: funders by value, each other column in the
    order of the nodes that feed it, band widths proportional to amounts.

    Each node lists its bands in the order the flows were first met: sums of floats depend
    on their order, and the drawing must not change with the code.
    """

    def __init__(self, flows: Sequence[FlowAmount], parts: Labels, projects: bool) -> None:
        self.total = sum(flow[3] for flow in flows)
        self._tally(flows, parts, projects)
        #: each recipient's one project (or None), when the projects would repeat them
        self.merged = self._repeats() if projects else None
        self.three = projects and self.merged is None
        self.columns = THREE if self.three else TWO
        self._measure_bands()
        self._arrange(parts)

    def _tally(self, flows: Sequence[FlowAmount], parts: Labels, projects: bool) -> None:
        """The nodes of each column with the money through them, and the sums from funder
        to recipient (`first`) and from recipient to project or none (`second`)."""
        self.left: dict[str, Node] = {}
        self.middle: dict[str, Node] = {}
        self.right: dict[str, Node] = {}
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

    def _repeats(self) -> dict[str, str | None] | None:
        """Each recipient's only project, if every recipient has one (or none) and every
        project one recipient: then a third column would repeat the second."""
        only: dict[str, str | None] = {}
        fed: set[str] = set()
        for receiver, project in self.second:
            if receiver in only or (project is not None and project in fed):
                return None
            only[receiver] = project
            if project is not None:
                fed.add(project)
        return only

    def _measure_bands(self) -> None:
        """Each node's bands out and in, with their widths."""
        right = self.right if self.three else {}
        crowded = max(len(self.left), len(self.middle), len(right))
        plot = min(max(crowded * PLOT_PER_NODE, PLOT_MIN), PLOT_MAX)
        scale = (plot - GAP * (crowded - 1)) / self.total if self.total else 0.0
        self.out_left: dict[str, list[Band]] = defaultdict(list)
        self.in_middle: dict[str, list[Band]] = defaultdict(list)
        self.out_middle: dict[str, list[BandToProject]] = defaultdict(list)
        self.in_right: dict[str, list[Band]] = defaultdict(list)
        for (payer, receiver), value in self.first.items():
            thickness = max(value * scale, MIN_BAND)
            self.out_left[payer].append((receiver, value, thickness))
            self.in_middle[receiver].append((payer, value, thickness))
        if not self.three:
            return
        for (receiver, project), value in self.second.items():
            thickness = max(value * scale, MIN_BAND)
            self.out_middle[receiver].append((project, value, thickness))
            if project:
                self.in_right[project].append((receiver, value, thickness))

    def _label_nodes(self, parts: Labels) -> None:
        """Each node's label, wrapped to its lane."""
        columns = self.columns
        for node in self.left.values():
            node.lines = label_lines(node.named.plain, node.value, columns.funder_room)
        room = columns.middle_room if self.three else columns.right_room
        for key, node in self.middle.items():
            if self.merged is None:
                node.lines = label_lines(node.named.plain, node.value, room)
                continue
            project = self.merged[key]
            node.lines = tuple(svg.text(line) for line in wrap(node.named.plain, room, FONT, 3))
            what = f"Projekt: {parts.project(project).plain}" if project else NO_PROJECT
            node.project_lines = label_lines(what, node.value, room)
        for node in self.right.values():
            node.lines = label_lines(node.named.plain, node.value, columns.right_room)

    def _arrange(self, parts: Labels) -> None:
        """Order and place the columns, left to right; a node is ordered by the mean place
        of the nodes that feed it, weighted by amount."""

        def by_order(node: Node) -> tuple[float, str, str]:
            return (node.order, node.named.sort_label, node.named.key)

        def ordered_by(
            feeders: dict[str, Node], nodes: dict[str, Node], bands_in: dict[str, list[Band]]
        ) -> None:
            for node in nodes.values():
                weights = bands_in[node.named.key]
                mean = sum(feeders[other].order * value for other, value, _ in weights) / node.value
                node.order = mean

        self._label_nodes(parts)
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
        self.projects: list[Node] = []
        if self.three:
            ordered_by(self.middle, self.right, self.in_right)
            self.projects = sorted(self.right.values(), key=by_order)
            bottom = max(
                bottom, _place(self.projects, lambda n: _thicknesses(self.in_right[n.named.key]))
            )
        self.height = bottom + 4


def _node_of(nodes: dict[str, Node], key: str, named: Callable[[str], Named]) -> Node:
    """The node of `key`, made the first time it is met."""
    node = nodes.get(key)
    if node is None:
        node = nodes[key] = Node(named(key))
    return node


def _number(nodes: list[Node]) -> None:
    """Each node's place in its column, for ordering the next one."""
    for index, node in enumerate(nodes):
        node.order = index


NO_PROJECT = "Inget projekt"
NO_PROJECT_LOWER = svg.text(NO_PROJECT.lower())

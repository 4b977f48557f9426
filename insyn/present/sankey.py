"""The Sankey diagram of the trails: funders, recipients and projects, bands as wide as amounts.

Drawn at build time as SVG (readable without JavaScript, with a title on
every band and node), from flows of one status and the names of what they
connect (`Labels`), each escaped once: a diagram has hundreds of them. Where
everything goes is `sankey_layout`'s; here it is written out.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from insyn.model import formatting
from insyn.present import svg
from insyn.present.sankey_layout import (
    FONT,
    LINE,
    NO_PROJECT_LOWER,
    NODE,
    PAD,
    WIDTH,
    FlowAmount,
    Labels,
    Layout,
    Node,
)


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
    layout = Layout(flows, parts, projects)
    columns = layout.columns
    colour = svg.STATUS_COLOURS[status]
    word = svg.text(formatting.status_word(status))  # in titles of bands and nodes
    bands = _bands_to_recipients(layout, colour, word)
    stubs = _bands_to_projects(layout, bands, colour, word) if layout.three else []
    funder_x = columns.funder - PAD
    right_x = columns.project + NODE + PAD
    middle_x = columns.middle + NODE + PAD if layout.three else right_x
    nodes = [_node(n, columns.funder, funder_x, "end", colour, word) for n in layout.funders]
    nodes += [_recipient(layout, n, middle_x, colour, word, parts) for n in layout.recipients]
    nodes += [_node(n, columns.project, right_x, "start", colour, word) for n in layout.projects]
    titles: list[tuple[str, float, str]] = [("Finansiär", funder_x, "end")]
    if layout.three:
        titles += [("Mottagare", middle_x, "start"), ("Projekt", right_x, "start")]
    else:
        second = "Mottagare" if layout.merged is None else "Mottagare och projekt"
        titles.append((second, right_x, "start"))
    headings = [
        svg.element(
            "text",
            {"x": x, "y": 18, "text-anchor": anchor, "font-weight": 700, "fill": svg.TEXT},
            svg.text(label),
        )
        for label, x, anchor in titles
    ]
    body = "".join(
        [
            svg.element("g", {"class": "sankey__rubriker", "font-size": FONT}, *headings),
            svg.element("g", {"class": "sankey__band"}, *bands, *stubs),
            svg.element("g", {"class": "sankey__noder", "font-size": FONT}, *nodes),
        ]
    )
    return svg.document(
        WIDTH, layout.height, prefix, heading, _description(layout, status), body, "sankey", True
    )


def _description(layout: Layout, status: str) -> str:
    """What the diagram shows, in words: its `<desc>` (unescaped: `svg.document` escapes it)."""
    total = formatting.amount(layout.total)
    word = formatting.status_word(status)
    funders = formatting.count(len(layout.funders), "finansiär", "finansiärer")
    recipients = formatting.count(len(layout.recipients), "mottagare", "mottagare")
    if layout.merged is None and not layout.three:
        return (
            f"Flödesdiagram över {total} med status {word}: {funders} till vänster och "
            f"{recipients} till höger, summerat över alla projekt. Bandens bredd motsvarar "
            "beloppen. Samma summor finns i tabellen under, med länkar till varje år där "
            "beloppen och deras källor listas."
        )
    if layout.merged is not None:
        where = f"{funders} till vänster och {recipients} till höger, var och en med sitt projekt"
    else:
        where = (
            f"{funders} till vänster, {recipients} i mitten och "
            f"{formatting.count(len(layout.projects), 'projekt', 'projekt')} till höger"
        )
    no_project = (
        f" {formatting.amount(layout.no_project)} gäller inget projekt och slutar hos mottagaren."
        if layout.no_project
        else ""
    )
    return (
        f"Flödesdiagram över {total} med status {word}: {where}. Bandens bredd motsvarar "
        f"beloppen.{no_project} Samma uppgifter, med länkar till varje beslut och projekt, "
        "finns i tabellen under."
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


def _bands_to_recipients(layout: Layout, colour: str, word: str) -> list[str]:
    """Funder -> recipient, stacked in each node in the order of the other end.

    Where a band ends, the next one at that node starts: each y is formatted once.
    """
    f = svg.coordinate
    amount = formatting.amount
    x0, x1 = layout.columns.funder + NODE, layout.columns.middle
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


def _bands_to_projects(layout: Layout, bands: list[str], colour: str, word: str) -> list[str]:
    """Recipient -> project, appended to `bands`; money for no project ends at the recipient,
    in a stub of its own (returned)."""
    f = svg.coordinate
    amount = formatting.amount
    x0, x1 = layout.columns.middle_out + NODE, layout.columns.project
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
                    f"{amount(value)} {word}, {NO_PROJECT_LOWER}</title>"
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


def _text(x: str, top: float, anchor: str, lines: tuple[str, ...]) -> str:
    """A label of `lines` from `top` down, one `<tspan>` a line."""
    f = svg.coordinate
    spans = "".join(
        f'<tspan x="{x}" y="{f(top + index * LINE + 13)}">{line}</tspan>'
        for index, line in enumerate(lines)
    )
    return f'<text class="sankey__etikett" text-anchor="{anchor}" fill="{svg.TEXT}">{spans}</text>'


def _label_top(node: Node) -> float:
    """Where a node's label starts: its lines centred on the node."""
    return node.y + node.height / 2 - LINE * (len(node.lines) + len(node.project_lines)) / 2


def _node(node: Node, x: float, label_x: float, anchor: str, colour: str, word: str) -> str:
    f = svg.coordinate
    named = node.named
    return (
        f'<a href="{named.href}" tabindex="-1">'
        f"<title>{named.name}: {formatting.amount(node.value)} {word}</title>"
        f'<rect x="{f(x)}" y="{f(node.y)}" width="{NODE}" height="{f(node.height)}" '
        f'fill="{colour}"/>{_text(f(label_x), _label_top(node), anchor, node.lines)}</a>'
    )


def _recipient(
    layout: Layout, node: Node, label_x: float, colour: str, word: str, parts: Labels
) -> str:
    """A recipient's node: with projects, a bar from where the bands in end to where the bands
    out start, its label between; named with its project, a link to that project too."""
    f = svg.coordinate
    named = node.named
    amount = formatting.amount(node.value)
    x, y, height = f(layout.columns.middle), f(node.y), f(node.height)
    top = _label_top(node)
    if layout.merged is None:
        bar = ""
        if layout.three:
            out, lane = layout.columns.middle_out, layout.columns.middle_out - layout.columns.middle
            bar = (
                f'<rect x="{x}" y="{y}" width="{f(lane)}" height="{height}" fill="{colour}" '
                f'fill-opacity="0.12"/><rect x="{f(out)}" y="{y}" width="{NODE}" '
                f'height="{height}" fill="{colour}"/>'
            )
        return (
            f'<a href="{named.href}" tabindex="-1"><title>{named.name}: {amount} {word}</title>'
            f'<rect x="{x}" y="{y}" width="{NODE}" height="{height}" fill="{colour}"/>{bar}'
            f"{_text(f(label_x), top, 'start', node.lines)}</a>"
        )
    project = layout.merged[named.key]
    if project is None:
        what, href = NO_PROJECT_LOWER, named.href
    else:
        target = parts.project(project)
        what, href = f"för projektet {target.name}", target.href
    project_top = top + LINE * len(node.lines)
    return (
        f'<a href="{named.href}" tabindex="-1"><title>{named.name}: {amount} {word}, {what}'
        f'</title><rect x="{x}" y="{y}" width="{NODE}" height="{height}" fill="{colour}"/>'
        f"{_text(f(label_x), top, 'start', node.lines)}</a>"
        f'<a href="{href}" tabindex="-1"><title>{named.name}: {amount} {word}, {what}</title>'
        f"{_text(f(label_x), project_top, 'start', node.project_lines)}</a>"
    )

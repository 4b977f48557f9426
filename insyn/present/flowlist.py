"""The trails of one status as a ranked list: what a narrow screen shows instead of the diagram.

A Sankey diagram scaled to a phone's width has labels a few pixels high, so
below the width where its labels stay readable (`assets/insyn.css`) the page
shows this list instead: the largest flows first, each with its amount in full,
the way there in words, and a bar as long as its share of the largest. The
table under it has every flow with its sources; the list says how many it leaves
to the table.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from insyn.model import formatting
from insyn.present import svg
from insyn.present.sankey_layout import NO_PROJECT, FlowAmount, Labels, Named

#: the flows a list shows; the table under it has the rest
LIMIT = 20


def _link(named: Named) -> str:
    return f'<a href="{named.href}">{named.label}</a>'


_TO = '<span aria-hidden="true"> → </span><span class="visuellt-dold"> till </span>'
_FOR = '<span aria-hidden="true"> → </span><span class="visuellt-dold"> för projektet </span>'
_NONE = f'<span aria-hidden="true"> → </span><span class="tomt">{NO_PROJECT.lower()}</span>'


def ranked_flows(
    status: str, flows: Sequence[FlowAmount], parts: Labels, projects: bool = True
) -> Markup:
    """The largest `LIMIT` of `flows` by amount (then by funder, recipient and project name),
    as an ordered list; empty when there is nothing to draw.

    Without `projects` the flows are sums by funder and recipient, and name no project.
    """
    if not flows:
        return Markup("")

    def order(flow: FlowAmount) -> tuple[int, str, str, str]:
        payer, receiver, project, amount = flow
        name = parts.project(project).sort_label if project else ""
        return (-amount, parts.org(payer).sort_label, parts.org(receiver).sort_label, name)

    ranked = sorted(flows, key=order)
    largest = ranked[0][3]
    colour = svg.STATUS_COLOURS[status]
    items = []
    for payer, receiver, project, amount in ranked[:LIMIT]:
        way = _link(parts.org(payer)) + _TO + _link(parts.org(receiver))
        if projects:
            way += _FOR + _link(parts.project(project)) if project else _NONE
        share = svg.coordinate(max(100 * amount / largest, 0.5))
        items.append(
            f'<li><span class="flodeslista__belopp">{formatting.amount(amount)}</span> '
            f'<span class="flodeslista__vag">{way}</span>'
            f'<svg class="flodeslista__stapel" viewBox="0 0 100 6" preserveAspectRatio="none" '
            f'aria-hidden="true" focusable="false"><rect width="{share}" height="6" '
            f'fill="{colour}"/></svg></li>\n'
        )
    word = formatting.status_word(status)
    if len(ranked) > LIMIT:
        lead = (
            f"De {formatting.number(LIMIT)} största av {formatting.number(len(ranked))} flöden "
            f"med status {word}, störst först. Alla finns i tabellen under."
        )
    else:
        count = formatting.count(len(ranked), "flöde", "flöden")
        lead = f"{count.capitalize()} med status {word}, störst först."
    return Markup(
        f'<div class="flodeslista">\n<p class="flodeslista__rubrik">{svg.text(lead)}</p>\n'
        f'<ol class="flodeslista__lista">\n{"".join(items)}</ol>\n</div>'
    )

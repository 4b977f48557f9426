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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from markupsafe import Markup

from insyn.graph.link import SiteGraph
from insyn.model import STATUSES, FundingLine, formatting
from insyn.pages.common import HOME, PageContext
from insyn.pages.kinds import PageKind
from insyn.pages.site import SiteView
from insyn.pages.trail_filter import (
    CHOSEN,
    CURRENT_PAGE,
    EN_DASH,
    STATUS_SLUGS,
    TRAILS_URL,
    TrailFilter,
    TrailKey,
    period_url,
    status_url,
)
from insyn.pages.trail_index import StatusLines, TrailParts, trail_index, trail_parts, years_of
from insyn.present import svg
from insyn.present.flowlist import ranked_flows
from insyn.present.sankey import sankey
from insyn.present.sankey_layout import NO_PROJECT, FlowAmount

#: A period page with more trails than this shows sums per funder and recipient instead.
DETAIL_LIMIT = 150


# --- 1. the lines, indexed once per ledger --------------------------------------


# --- 2. what repeats across pages, made once per graph --------------------------


# --- 3. the Sankey diagram ------------------------------------------------------


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
    #: lines of unknown sum in these years: listed, in no total
    unknown: int = 0
    trail_count: int = 0
    #: the years a summary covers, as "2005–2025"
    span: str = ""
    #: the largest flows as a list, which narrow screens show instead of the diagram
    ranking: Markup = field(default_factory=Markup)

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
        current = CURRENT_PAGE if url == here else CHOSEN if chosen else ""
        return f'<li><a href="{url}"{current}>{year}</a></li>\n'

    starts = [item(y, period_url(status, years, y, max(y, end)), y == start) for y in years]
    ends = [item(y, period_url(status, years, min(y, start), y), y == end) for y in years]
    return PeriodChoices(status, years, start, end, Markup("".join(starts)), Markup("".join(ends)))


@functools.cache
def _status_items(status: str | None, whole: bool) -> Markup:
    """The `<li>`s of the filter's statuses, when `status` (all of it, if `whole`) is shown."""
    current = CURRENT_PAGE if status is None else ""
    items = [f'<li><a href="{TRAILS_URL}"{current}>Alla statusar</a></li>\n']
    for one in STATUSES:
        current = "" if one != status else CURRENT_PAGE if whole else CHOSEN
        heading = svg.text(formatting.status_heading(one))
        items.append(f'<li><a href="{status_url(one)}"{current}>{heading}</a></li>\n')
    return Markup("".join(items))


def _heading(status: str, view: TrailFilter) -> str:
    where = f" {view.period}" if view.period else ""
    return f"Pengaflöden: {formatting.status_word(status)}{where}"


_NO_PROJECT_CELL = f'<td><span class="tomt">{NO_PROJECT}</span></td>\n'


def _trail_row(key: TrailKey, lines: list[FundingLine], parts: TrailParts) -> tuple[str, int]:
    """A trail in full (its organisations, project, years, sum and the sources of its lines,
    each once, in the order they were declared), and its sum."""
    site = parts.site
    payer, receiver, project = key
    years: tuple[int, ...]
    unknown = sum(1 for line in lines if line.amount is None)
    if len(lines) == 1:  # most trails of a year: nothing to add up, sort or leave out
        sources = lines
        amount, years = lines[0].amount or 0, (lines[0].year or 0,)
    else:
        amount = sum(line.amount or 0 for line in lines)
        years = tuple(sorted({line.year or 0 for line in lines}))
        first_of: dict[tuple[str, str], FundingLine] = {}
        for line in lines:
            first_of.setdefault((line.source_kind, line.source_id), line)
        sources = list(first_of.values())
    items = "".join([f"<li>{site.source_link(line)}</li>\n" for line in sources])
    project_cell = f"<td>{site.project_link(project)}</td>\n" if project else _NO_PROJECT_CELL
    row = (
        f"{parts.pair_cells(payer, receiver)}{project_cell}{parts.year_cell(years)}"
        f'<td class="tal" data-varde="{amount}">{_sum_text(amount, unknown, lines)}</td>\n'
        f'<td class="kalla"><ul class="ren-lista">\n{items}</ul></td>\n</tr>\n'
    )
    return row, amount


def _sum_text(amount: int, unknown: int, lines: list[FundingLine]) -> str:
    """A trail's sum, and what it leaves out: lines whose sum the source does not state."""
    if not unknown:
        return formatting.amount(amount)
    if not amount:
        return UNKNOWN_SUM
    left_out = formatting.unknown_lines(unknown, lines[0].status)
    return f'{formatting.amount(amount)}<br><span class="okant">därtill {left_out}</span>'


UNKNOWN_SUM = '<span class="okant">belopp okänt</span>'


def _period_section(
    site: SiteView, status: str, first: int, last: int, heading: str, in_full: bool = False
) -> TrailSection:
    """One status from `first` to `last`: its trails in full, or a summary above
    `DETAIL_LIMIT` trails unless `in_full` (a single year: where a summary's links lead)."""
    lines = trail_index(site.ledger)[status]
    lo, hi = lines.span(first, last)
    if in_full or lines.trail_count(lo, hi) <= DETAIL_LIMIT:
        return _full_section(trail_parts(site), lines, lo, hi, heading)
    return _summary_section(trail_parts(site), lines, lo, hi, heading, f"{first}{EN_DASH}{last}")


def _full_section(
    parts: TrailParts, lines: StatusLines, lo: int, hi: int, heading: str
) -> TrailSection:
    """Every trail of the years `years[lo:hi]`, with its sources, in a three-column diagram."""
    status, anchor = lines.status, STATUS_SLUGS[lines.status]
    groups = lines.trails(lo, hi) if lo < hi else {}
    rows: list[str] = []
    flows: list[FlowAmount] = []
    for key in sorted(groups, key=parts.trail_order):
        row, amount = _trail_row(key, groups[key], parts)
        rows.append(row)
        if amount:  # a trail of unknown sums is in the table, not in the diagram
            flows.append((*key, amount))
    diagram = sankey(status, flows, parts, f"flode-{anchor}", heading) if flows else Markup("")
    total = lines.totals[hi] - lines.totals[lo] if lo < hi else 0
    unknown = lines.unknowns[hi] - lines.unknowns[lo] if lo < hi else 0
    return TrailSection(
        status,
        anchor,
        diagram,
        Markup("".join(rows)),
        total,
        lines.years,
        unknown=unknown,
        ranking=ranked_flows(status, flows, parts),
    )


def _summary_section(
    parts: TrailParts, lines: StatusLines, lo: int, hi: int, heading: str, span: str
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
        if value:  # a pair of unknown sums alone is in the table, not in the diagram
            flows.append((series.from_id, series.to_id, None, value))
        shown = amount(value) if value else UNKNOWN_SUM
        rows.append(
            f'{pair.head}{series.pair_years[start]}">{", ".join(pair.year_links[start:stop])}'
            f'</td>\n<td class="tal" data-varde="{value}">{shown}</td>\n</tr>\n'
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
        unknown=lines.unknowns[hi] - lines.unknowns[lo],
        ranking=ranked_flows(status, flows, parts, projects=False),
    )


@dataclass(frozen=True, kw_only=True)
class TrailsPage(PageContext):
    view: TrailFilter
    sections: list[TrailSection]
    status_items: Markup
    year_items: Markup
    status_url: Callable[..., str]
    choices: PeriodChoices | None
    detail_limit: int


def trails_page(view: TrailFilter, site: SiteView) -> TrailsPage:
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
        year_items = trail_parts(site).year_items(view.status, sections[0].years, view)
    if view.status and view.period:
        title += f" {view.period}"
        crumbs.append((view.period, view.url))
    return TrailsPage(
        title=title,
        breadcrumbs=crumbs,
        section="pengafloden",
        description="Hur pengarna går från finansiär till mottagare och projekt, "
        "en status i taget.",
        view=view,
        sections=sections,
        status_items=_status_items(view.status, view.year_from is None),
        year_items=year_items,
        status_url=status_url,
        choices=period_choices(view, sections[0].years) if view.status else None,
        detail_limit=DETAIL_LIMIT,
    )


def plan(graph: SiteGraph) -> Iterator[tuple[str, PageKind[TrailFilter], TrailFilter]]:
    """The trails pages: (url, kind, entity). Every status has a page of all its
    years, one per year and one per period of two or more years."""
    index = trail_index(graph.ledger)
    yield TRAILS_URL, TRAILS_PAGE, TrailFilter()
    for status in STATUSES:
        years = index[status].years
        yield status_url(status), TRAILS_PAGE, TrailFilter(status)
        for year in years:
            yield status_url(status, year), TRAILS_PAGE, TrailFilter(status, year)
        for index_, start in enumerate(years):
            for end in years[index_ + 1 :]:
                period = TrailFilter(status, start, end)
                yield status_url(status, start, end), TRAILS_PAGE, period


TRAILS_PAGE = PageKind("flows.html", trails_page)

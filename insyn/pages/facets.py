"""Search facets: the hidden filters and metadata Pagefind reads from decision and project pages.

Written as plain functions of f-strings, not as macros: a Jinja call per facet
was a large share of a decision page's rendering.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from insyn.graph.ledger import Totals
from insyn.model import DISTRICT, Decision, FundingLine, Project, formatting

#: How many years of pages one shard of the search index holds (`build.search_records`): a
#: page's shard is fixed by its year alone, so an edit re-indexes the pages of its years only,
#: and shards stay as they are while new years are added. Few enough that /sok/ fetches a
#: handful of bundles (each brings its own copy of Pagefind's 70 kB WebAssembly), small enough
#: that re-indexing one takes a second or two at 10,000 decisions (docs/performance.md).
SHARD_YEARS = 4
#: The shard of a page without a year.
YEARLESS_SHARD = "utan-ar"


def search_shard(year: int | None) -> str:
    """The shard of the pages of `year`: the year, or "2008-2011" for the span of
    `SHARD_YEARS` it is in."""
    if year is None:
        return YEARLESS_SHARD
    if SHARD_YEARS == 1:
        return f"{year:04d}"
    first = year - year % SHARD_YEARS
    return f"{first:04d}-{first + SHARD_YEARS - 1:04d}"


if TYPE_CHECKING:
    from insyn.pages.site import SiteView


def pagefind_filter(key: str, value: Any) -> Markup:
    """A facet of the page (`decision_fields`, `project_fields`): the value sits escaped in an
    attribute, captured with Pagefind's `key[attribute]` form, so no comma, colon or quote in a
    title can be misread."""
    # An f-string of escaped parts: `Markup.format` costs ten times as much.
    return Markup(
        f'<span data-pagefind-filter="{escape(key)}[data-value]" data-value="{escape(value)}">'
        "</span>"
    )


def pagefind_meta(key: str, value: Any) -> Markup:
    """A value a search result shows (title, date ...), the same way as `pagefind_filter`."""
    return Markup(
        f'<span data-pagefind-meta="{escape(key)}[data-value]" data-value="{escape(value)}"></span>'
    )


def _funders(site: SiteView, lines: Iterable[FundingLine]) -> list[Markup]:
    """One facet per organisation that pays (or is asked to pay), in the order of the lines."""
    return [
        pagefind_filter("funder", site.org(i).label)
        for i in dict.fromkeys(org for ln in lines if not ln.own for org in ln.from_ids)
    ]


def _money(lines: list[FundingLine]) -> list[Markup]:
    """What a result shows of the page's money: each status's sum, never one across them
    ("Sökt 500 000 kr · Beviljat 400 000 kr"); nothing when no line has a known sum."""
    totals = Totals.of(lines)
    said = [
        f"{formatting.status_word(status).capitalize()} {formatting.amount(value)}"
        for status, value in totals.items()
        if value
    ]
    return [pagefind_meta("amount", " · ".join(said))] if said else []


def decision_fields(site: SiteView, decision: Decision, lines: list[FundingLine]) -> Markup:
    """A decision page's facets and result metadata: district, year, date, kind, outcome,
    funders. Written here rather than as a macro: every decision page has a dozen, and a
    macro call per value was a sixth of the page's cost."""
    district = site.org(decision.district).label
    kind = formatting.kind_word(decision.kind)
    date = decision.meeting.isoformat() if decision.meeting else decision.year
    parts = [
        pagefind_meta("title", decision.title),
        *_money(lines),
        pagefind_meta("district", district),
        pagefind_meta("year", decision.year),
        pagefind_meta("date", date),
        pagefind_meta("kind", kind),
        pagefind_filter("district", district),
        pagefind_filter("year", decision.year),
        pagefind_filter("kind", kind),
    ]
    if decision.outcome:
        parts.append(pagefind_filter("status", formatting.outcome_word(decision.outcome.status)))
    parts += _funders(site, lines)
    return _hidden(parts, search_shard(decision.year))


def project_fields(
    site: SiteView, project: Project, lines: list[FundingLine], timeline: list[Decision]
) -> Markup:
    """A project page's facets and result metadata, as `decision_fields`: its districts (the
    owner, when a district, and those of the decisions about it) and every year it has
    money or decisions in."""
    owner = site.org(project.owner)
    years = sorted({*(ln.year for ln in lines if ln.year is not None), *(d.year for d in timeline)})
    districts = ([owner.id] if owner.type == DISTRICT else []) + [d.district for d in timeline]
    parts = [
        pagefind_meta("title", project.name),
        *_money(lines),
        pagefind_meta("kind", "Projekt"),
        pagefind_meta("date", formatting.period(project.start, project.end)),
        pagefind_meta("district" if owner.type == DISTRICT else "organisation", owner.label),
    ]
    if years:
        shown = years[0] if len(years) == 1 else f"{years[0]}–{years[-1]}"
        parts.append(pagefind_meta("year", shown))
    parts += [pagefind_filter("district", site.org(i).label) for i in dict.fromkeys(districts)]
    parts += [pagefind_filter("year", year) for year in years]
    parts.append(pagefind_filter("kind", "Projekt"))
    parts.append(pagefind_filter("status", formatting.project_status_word(project.status)))
    parts += _funders(site, lines)
    return _hidden(parts, search_shard(years[0] if years else None))


def _hidden(parts: list[Markup], shard: str) -> Markup:
    """The hidden block Pagefind reads the facets from, one element a line. `data-sokdel`
    names the shard of the search index the page is in (`search_shard`)."""
    return Markup(
        f'<div class="sokdata" data-sokdel="{shard}" hidden>\n'
        + "".join(f"{p}\n" for p in parts)
        + "\n</div>\n"
    )


#: Functions the templates call (as functions, not macros: a page has a dozen of them).
GLOBALS = {
    "pagefind_filter": pagefind_filter,
    "pagefind_meta": pagefind_meta,
    "decision_fields": decision_fields,
    "project_fields": project_fields,
}

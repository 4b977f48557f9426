"""Old ids keep working: a decision or project that lists `aliases` is still found at each old URL.

Two ways, so that links shared by journalists never break, whatever hosts the
site: a Netlify `_redirects` file answers the old URL with a permanent
redirect (301, forced with `!` because the old URL also has a file), and a
small page at the old URL sends any other static host's visitors on with
`<meta http-equiv="refresh">` (no script, so the CSP holds), names the new
URL as canonical and shows a link. The pages are not in the sitemap.

Only published entities get redirects: an alias of a draft would lead to a
page that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from insyn.graph.link import SiteGraph
from insyn.pages.common import HOME, Context, PageContext, decision_url, project_url
from insyn.pages.kinds import PageKind
from insyn.pages.site import SiteView

REDIRECT_TEMPLATE = "redirect.html"
REDIRECTS_FILE = "/_redirects"

#: (old URL, new URL, what the page was called), in a fixed order.
Move = tuple[str, str, str]


def moves(graph: SiteGraph) -> list[Move]:
    """Every old URL of a published decision or project, with its new URL."""
    result: list[Move] = []
    for decision in sorted(graph.decisions.values(), key=lambda d: d.id):
        for alias in decision.aliases:
            result.append((decision_url(alias), decision_url(decision.id), decision.title))
    for project in sorted(graph.projects.values(), key=lambda p: p.id):
        for alias in project.aliases:
            result.append((project_url(alias), project_url(project.id), project.name))
    return sorted(result)


@dataclass(frozen=True, kw_only=True)
class RedirectPage(PageContext):
    target: str
    target_label: str


@dataclass(frozen=True, kw_only=True)
class RedirectRules(Context):
    rules: tuple[str, ...]


def redirect_page(entity: Move, site: SiteView) -> RedirectPage:
    old, new, label = entity
    return RedirectPage(
        title="Sidan har flyttats",
        breadcrumbs=[HOME, ("Sidan har flyttats", old)],
        section="",
        target=new,
        target_label=label,
    )


def redirects_file(entity: tuple[str, ...], site: SiteView) -> RedirectRules:
    return RedirectRules(rules=entity)


REDIRECT_PAGE = PageKind(REDIRECT_TEMPLATE, redirect_page)
REDIRECTS = PageKind("_redirects", redirects_file)


def plan(graph: SiteGraph) -> Iterator[tuple[str, PageKind[Any], Any]]:
    """One page per old URL, and the `_redirects` file: (url, kind, entity)."""
    found = moves(graph)
    for old, new, label in found:
        yield old, REDIRECT_PAGE, (old, new, label)
    yield REDIRECTS_FILE, REDIRECTS, tuple(f"{old} {new}" for old, new, _ in found)

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

from collections.abc import Callable, Iterator
from typing import Any

from insyn.link import SiteGraph
from insyn.pages import HOME, Context, SiteView, decision_url, project_url

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


def plan(graph: SiteGraph) -> Iterator[tuple[str, str, Any]]:
    """One page per old URL, and the `_redirects` file: (url, template, entity)."""
    found = moves(graph)
    for old, new, label in found:
        yield old, REDIRECT_TEMPLATE, (old, new, label)
    yield REDIRECTS_FILE, "_redirects", tuple(f"{old} {new}" for old, new, _ in found)


def redirect_page(entity: Move, site: SiteView) -> Context:
    old, new, label = entity
    return {
        "title": "Sidan har flyttats",
        "breadcrumbs": [HOME, ("Sidan har flyttats", old)],
        "section": "",
        "description": "",
        "target": new,
        "target_label": label,
    }


def redirects_file(entity: tuple[str, ...], site: SiteView) -> Context:
    return {"rules": entity}


BUILDERS: dict[str, Callable[[Any, SiteView], Context]] = {
    REDIRECT_TEMPLATE: redirect_page,
    "_redirects": redirects_file,
}

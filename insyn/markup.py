"""Markdown bodies to safe HTML: the only HTML from content that a page trusts.

Python-Markdown turns the body into HTML (tables, heading ids); `nh3` then
keeps only an explicit allow-list of tags and attributes, so a content file
can never add scripts, styles, event handlers or unexpected attributes.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Any

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from insyn.ids import slugify

TOC_MIN_HEADINGS = 3
_HEADINGS = {f"h{level}" for level in range(1, 7)}

ALLOWED_TAGS = {
    *(f"h{level}" for level in range(2, 7)),
    "p",
    "br",
    "hr",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "em",
    "strong",
    "abbr",
    "blockquote",
    "code",
    "pre",
    "img",
}
ALLOWED_ATTRIBUTES = {
    **{f"h{level}": {"id"} for level in range(2, 7)},
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
TAG_ATTRIBUTE_VALUES = {"th": {"scope": {"col", "row"}}}
URL_SCHEMES = {"http", "https", "mailto"}
TABLE_REGION = '<div class="tabellram" role="region" tabindex="0" aria-label="Tabell i texten">'


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Body:
    """A rendered body: safe HTML and the headings a table of contents lists."""

    html: str
    headings: tuple[Heading, ...]

    @property
    def toc(self) -> tuple[Heading, ...]:
        """The headings worth a table of contents: only for a long body."""
        return self.headings if len(self.headings) >= TOC_MIN_HEADINGS else ()


class _Demote(Treeprocessor):
    """Body headings go one level down, to h3 at least: the page has the only h1, and
    the body sits under the page's own h2; header cells of a table get `scope="col"`."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in _HEADINGS:
                element.tag = f"h{min(6, max(3, int(element.tag[1]) + 1))}"
            elif element.tag == "thead":
                for cell in element.iter("th"):
                    cell.set("scope", "col")


class _PageExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Runs before the toc treeprocessor (priority 5), so toc sees the final levels.
        md.treeprocessors.register(_Demote(md), "insyn-demote", 30)


def _slug(value: str, separator: str) -> str:
    return slugify(value) or "avsnitt"


class MarkdownRenderer:
    """One reusable Markdown converter: building one per body would cost more than converting."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=["tables", "sane_lists", _PageExtension(), "toc"],
            extension_configs={"toc": {"slugify": _slug, "toc_depth": "3-4"}},
            output_format="html",
        )

    def render(self, text: str) -> Body:
        self._md.reset()
        raw = self._md.convert(text)
        tokens: list[dict[str, Any]] = getattr(self._md, "toc_tokens", [])
        return Body(sanitise(raw), tuple(_flatten(tokens)))


def _flatten(tokens: list[dict[str, Any]]) -> list[Heading]:
    result: list[Heading] = []
    for token in tokens:
        result.append(Heading(int(token["level"]), str(token["id"]), html.unescape(token["name"])))
        result += _flatten(token.get("children", []))
    return result


def sanitise(fragment: str) -> str:
    """Keep only the allow-listed tags and attributes; wrap tables so they scroll, not the page."""
    clean = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=TAG_ATTRIBUTE_VALUES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    # nh3 writes every allowed <table> bare (it allows no attributes on it),
    # so these replacements only ever see tags nh3 itself produced.
    return clean.replace("<table>", TABLE_REGION + "<table>").replace("</table>", "</table></div>")

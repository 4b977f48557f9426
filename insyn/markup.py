"""Markdown bodies to safe HTML: the only HTML from content that a page trusts.

Python-Markdown turns the body into HTML (tables, heading ids); `nh3` then
keeps only an explicit allow-list of tags and attributes, so a content file
can never add scripts, styles, event handlers or unexpected attributes.
"""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor, Treeprocessor

from insyn.ids import slugify

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TOC_MIN_HEADINGS = 3
_HEADINGS = {f"h{level}" for level in range(1, 7)}

ALLOWED_TAGS = {
    *(f"h{level}" for level in range(3, 7)),
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
    "span",
}
ALLOWED_ATTRIBUTES = {
    "*": set(),  # no attribute on every tag (nh3 would otherwise allow any `lang` and `title`)
    **{f"h{level}": {"id"} for level in range(3, 7)},
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
# A passage in another language is marked `<span lang="en">...</span>` (WCAG 3.1.2), so a
# screen reader pronounces it right; only these codes: English, the national minority
# languages (Finnish, Meänkieli, Sami, Romani, Yiddish) and other common ones.
LANGUAGES = {
    *("en", "fi", "fit", "se", "sma", "smj", "rom", "yi"),
    *("da", "nb", "nn", "no", "de", "fr", "es", "it", "pl", "ar", "fa", "so", "ti", "tr"),
    *("ru", "uk", "la"),
}
TAG_ATTRIBUTE_VALUES: dict[str, dict[str, set[str]]] = {
    tag: {"lang": LANGUAGES}
    for tag in ALLOWED_TAGS - {"br", "hr", "img", "table", "thead", "tbody", "tr", "ul", "ol", "dl"}
}
TAG_ATTRIBUTE_VALUES["th"]["scope"] = {"col", "row"}
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


#: The inline patterns Python-Markdown has with our extensions; each needs one of these
#: characters (or a hard line break) to match, so text without them has nothing to do.
_KNOWN_INLINE = {
    *("backtick", "escape", "reference", "link", "image_link", "image_reference"),
    *("short_reference", "short_image_ref", "autolink", "automail", "linebreak", "html"),
    *("entity", "not_strong", "em_strong", "em_strong2"),
}
_INLINE_MARKUP = re.compile(r"[`\\\[\]!<>&*_]|  \n")


class _PlainTextInline(InlineProcessor):
    """Python-Markdown's inline stage, skipping text that no inline pattern can match.

    Profiling showed a third of each page's time in trying ~15 regexes on every
    run of plain words; the output is the same, as the test suite's goldens check.
    """

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if not isinstance(data, markdown.util.AtomicString) and not _INLINE_MARKUP.search(data):
            return data
        handled: str = super()._InlineProcessor__handleInline(data, patternIndex)  # type: ignore[misc]
        return handled


class _PageExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Runs before the toc treeprocessor (priority 5), so toc sees the final levels.
        md.treeprocessors.register(_Demote(md), "insyn-demote", 30)
        names = {item.name for item in md.inlinePatterns._priority}  # type: ignore[attr-defined]
        if names <= _KNOWN_INLINE:
            md.treeprocessors.register(_PlainTextInline(md), "inline", 20)


@functools.cache
def page_ids() -> frozenset[str]:
    """The ids the templates give page parts (`innehall`, `arendet` ...): a heading in a body
    must not take one, or the skip link and the page's own sections would lead into the text."""
    ids: set[str] = set()
    for template in sorted(TEMPLATES.glob("*.html")):
        ids.update(re.findall(r'\bid="([a-z0-9-]+)"', template.read_text(encoding="utf-8")))
    return frozenset(ids)


def _slug(value: str, separator: str) -> str:
    slug = slugify(value) or "avsnitt"
    return f"{slug}-i-texten" if slug in page_ids() else slug


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
        headings = tuple(_flatten(tokens))
        return Body(sanitise(raw, {h.id for h in headings}), headings)


def _flatten(tokens: list[dict[str, Any]]) -> list[Heading]:
    result: list[Heading] = []
    for token in tokens:
        result.append(Heading(int(token["level"]), str(token["id"]), html.unescape(token["name"])))
        result += _flatten(token.get("children", []))
    return result


def sanitise(fragment: str, heading_ids: Collection[str] = ()) -> str:
    """Keep only the allow-listed tags and attributes; wrap tables so they scroll, not the page.

    A heading keeps its `id` only if Markdown made it (`heading_ids`), once: an id
    written in raw HTML could take over one of the page's own (`innehall`, the
    skip link's target) or give two elements the same id.
    """
    seen: set[str] = set()

    def keep_id(tag: str, attribute: str, value: str) -> str | None:
        if attribute != "id":
            return value
        if value not in heading_ids or value in seen:
            return None
        seen.add(value)
        return value

    clean = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=TAG_ATTRIBUTE_VALUES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        attribute_filter=keep_id,
    )
    # nh3 writes every allowed <table> bare (it allows no attributes on it),
    # so these replacements only ever see tags nh3 itself produced.
    return clean.replace("<table>", TABLE_REGION + "<table>").replace("</table>", "</table></div>")

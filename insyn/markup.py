"""Markdown bodies to safe HTML: the only HTML from content that a page trusts.

cmark-gfm turns the body into HTML (GitHub-flavoured Markdown: tables,
autolinks, strikethrough); `nh3` then keeps only an explicit allow-list of
tags and attributes, so a content file can never add scripts, styles, event
handlers, ids or unexpected attributes; last, headings get their anchors.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from pathlib import Path

import nh3
from cmarkgfm import cmark

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
    "del",
}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": set(),  # no attribute on every tag (nh3 would otherwise allow any `lang` and `title`)
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
# One cleaner for every body: building nh3's rules costs more than cleaning a body.
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    tag_attribute_values=TAG_ATTRIBUTE_VALUES,
    url_schemes=URL_SCHEMES,
    link_rel=None,
    strip_comments=True,
)


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


#: A heading exactly as cmark writes it: no attributes, on one line. Raw HTML headings
#: with attributes are left to `nh3`, which drops h1 and h2 and every `id`.
_CMARK_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>")
_CMARK_THEAD = re.compile(r"<thead>.*?</thead>", re.DOTALL)
_CMARK_TH = re.compile(r'<th(?: align="[a-z]+")?>')
_SAFE_HEADING = re.compile(r"<h([3-6])((?: lang=\"[^\"]*\")?)>(.*?)</h\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_ID_COUNT = re.compile(r"^(.*)_([0-9]+)$")
#: The heading levels (after demotion) that a table of contents lists.
TOC_LEVELS = (3, 4)
#: cmark's GitHub extensions, less `tasklist` (its check boxes are not content) and
#: `tagfilter` (nh3 removes those tags and their content, instead of showing them).
EXTENSIONS = ("table", "autolink", "strikethrough")


def _demote(match: re.Match[str]) -> str:
    """Body headings go one level down, to h3 at least: the page has the only h1, and
    the body sits under the page's own h2."""
    level = min(6, max(3, int(match.group(1)) + 1))
    return f"<h{level}>{match.group(2)}</h{level}>"


def _scope_header_cells(match: re.Match[str]) -> str:
    return _CMARK_TH.sub('<th scope="col">', match.group(0))


@functools.cache
def page_ids() -> frozenset[str]:
    """The ids the templates give page parts (`innehall`, `arendet` ...): a heading in a body
    must not take one, or the skip link and the page's own sections would lead into the text."""
    ids: set[str] = set()
    for template in sorted(TEMPLATES.glob("*.html")):
        ids.update(re.findall(r'\bid="([a-z0-9-]+)"', template.read_text(encoding="utf-8")))
    return frozenset(ids)


def _slug(value: str) -> str:
    slug = slugify(value) or "avsnitt"
    return f"{slug}-i-texten" if slug in page_ids() else slug


def _unique(slug: str, used: set[str]) -> str:
    """`slug`, or `slug_1`, `slug_2` ... when a heading before took it."""
    while slug in used:
        count = _ID_COUNT.match(slug)
        slug = f"{count.group(1)}_{int(count.group(2)) + 1}" if count else f"{slug}_1"
    used.add(slug)
    return slug


class MarkdownRenderer:
    """GitHub-flavoured Markdown (cmark-gfm, in C) to a safe `Body`.

    The dialect is the one staff see when they preview a file in their git host;
    cmark converts a body in a few hundredths of a millisecond, which keeps a
    cold build of tens of thousands of pages fast.
    """

    def render(self, text: str) -> Body:
        raw = cmark.markdown_to_html_with_extensions(
            text, options=cmark.Options.CMARK_OPT_UNSAFE, extensions=EXTENSIONS
        )
        raw = _CMARK_THEAD.sub(_scope_header_cells, _CMARK_HEADING.sub(_demote, raw.rstrip("\n")))
        return anchor_headings(sanitise(raw))


def anchor_headings(safe_html: str) -> Body:
    """Give every heading of sanitised HTML a unique id, and list those a table of
    contents shows. Ids are added only after `sanitise`, so content never sets one."""
    used: set[str] = set()
    headings: list[Heading] = []

    def anchor(match: re.Match[str]) -> str:
        level, lang, inner = int(match.group(1)), match.group(2), match.group(3)
        text = html.unescape(_TAG.sub("", inner))
        heading_id = _unique(_slug(text), used)
        if level in TOC_LEVELS:
            headings.append(Heading(level, heading_id, text))
        return f'<h{level} id="{heading_id}"{lang}>{inner}</h{level}>'

    return Body(_SAFE_HEADING.sub(anchor, safe_html), tuple(headings))


def sanitise(fragment: str) -> str:
    """Keep only the allow-listed tags and attributes; wrap tables so they scroll, not the page."""
    clean = _CLEANER.clean(fragment)
    # nh3 writes every allowed <table> bare (it allows no attributes on it),
    # so these replacements only ever see tags nh3 itself produced.
    return clean.replace("<table>", TABLE_REGION + "<table>").replace("</table>", "</table></div>")

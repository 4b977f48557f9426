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

import nh3
from cmarkgfm import cmark

from insyn.model.ids import slugify
from insyn.present.nesting import bound_nesting
from insyn.sources.files import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates"
TOC_MIN_HEADINGS = 3
_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))

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


#: A heading's opening tag exactly as cmark writes it: no attributes. Raw HTML headings
#: with attributes are left to `nh3`, which drops h1 and h2 and every `id`.
_CMARK_HEADING_OPEN = re.compile(r"<h([1-6])>")
_CMARK_TH = re.compile(r'<th(?: align="[a-z]+")?>')
_SAFE_HEADING = re.compile(r"<h([3-6])((?: lang=\"[^\"]*\")?)>(.*?)</h\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_ID_COUNT = re.compile(r"^(.*)_([0-9]+)$")
#: The heading levels (after demotion) that a table of contents lists.
TOC_LEVELS = (3, 4)
#: cmark's GitHub extensions, less `tasklist` (its check boxes are not content) and
#: `tagfilter` (nh3 removes those tags and their content, instead of showing them).
EXTENSIONS = ("table", "autolink", "strikethrough")


#: Per cmark level: the demoted opening and closing tags, and cmark's closing tag.
_DEMOTED = {
    str(level): (
        f"<h{min(6, max(3, level + 1))}>",
        f"</h{min(6, max(3, level + 1))}>",
        f"</h{level}>",
    )
    for level in range(1, 7)
}


def _demote_headings(raw: str) -> str:
    """Body headings go one level down, to h3 at least: the page has the only h1, and
    the body sits under the page's own h2.

    A heading is `<hN>` and the first `</hN>` after it on the same line. This is the
    regular expression `<h([1-6])>(.*?)</h\\1>`, written out: that one searched to the end
    of the line again for every `<hN>` without a closing tag, so a raw HTML line of
    8,000 `<h1>` took 0.9 s, and four times as many 16 times as long. Here a line known
    to have no `</hN>` after some point is not searched again past it.
    """
    pieces: list[str] = []
    copied = pos = 0
    no_close_until = dict.fromkeys(_DEMOTED, -1)  # per level: no `</hN>` up to there
    while match := _CMARK_HEADING_OPEN.search(raw, pos):
        digit, start = match.group(1), match.end()
        close = -1
        if start >= no_close_until[digit]:
            line_end = raw.find("\n", start)
            line_end = len(raw) if line_end < 0 else line_end
            close = raw.find(_DEMOTED[digit][2], start, line_end)
            if close < 0:
                no_close_until[digit] = line_end
        if close < 0:
            pos = match.start() + 1
            continue
        opening, closing, _ = _DEMOTED[digit]
        pieces += (raw[copied : match.start()], opening, raw[start:close], closing)
        copied = pos = close + 5
    return "".join(pieces) + raw[copied:] if pieces else raw


def _scope_header_cells(raw: str) -> str:
    """`scope="col"` on the header cells of cmark's tables: each `<thead>` up to the first
    `</thead>` after it (the regular expression `<thead>.*?</thead>` without its quadratic
    search to the end of the text for every `<thead>` that is never closed)."""
    pieces: list[str] = []
    pos = 0
    while (start := raw.find("<thead>", pos)) >= 0 and (
        end := raw.find("</thead>", start + 7)
    ) >= 0:
        end += len("</thead>")
        pieces += (raw[pos:start], _CMARK_TH.sub('<th scope="col">', raw[start:end]))
        pos = end
    return "".join(pieces) + raw[pos:] if pieces else raw


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


def _next_id(slug: str) -> str:
    """The id tried after `slug` is taken: `a` -> `a_1`, `a_1` -> `a_2`."""
    count = _ID_COUNT.match(slug)
    return f"{count.group(1)}_{int(count.group(2)) + 1}" if count else f"{slug}_1"


class _HeadingIds:
    """The ids of one body's headings: `slug`, or `slug_1`, `slug_2` ... when a heading
    before took it.

    The id is the first free one on the chain `slug`, `_next_id(slug)`, ... Walking that
    chain from its start for every heading made a body of 32,000 `## a` quadratic (over
    five minutes), so each taken id remembers where its chain was last found free: every
    id between is taken, and ids are never given back, so the walk can skip to there.
    The ids are exactly those of the plain walk, for every body (tests/test_bounds.py).
    """

    def __init__(self) -> None:
        self.used: set[str] = set()
        self._skip: dict[str, str] = {}

    def take(self, slug: str) -> str:
        passed: list[str] = []
        while slug in self.used:
            passed.append(slug)
            slug = self._skip.get(slug) or _next_id(slug)
        self.used.add(slug)
        for taken in passed:
            self._skip[taken] = slug
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
        raw = _scope_header_cells(_demote_headings(raw.rstrip("\n")))
        return anchor_headings(sanitise(raw))


def anchor_headings(safe_html: str) -> Body:
    """Give every heading of sanitised HTML a unique id, and list those a table of
    contents shows. Ids are added only after `sanitise`, so content never sets one."""
    ids = _HeadingIds()
    headings: list[Heading] = []

    def anchor(match: re.Match[str]) -> str:
        level, lang, inner = int(match.group(1)), match.group(2), match.group(3)
        text = html.unescape(_TAG.sub("", inner))
        heading_id = ids.take(_slug(text))
        if level in TOC_LEVELS:
            headings.append(Heading(level, heading_id, text))
        return f'<h{level} id="{heading_id}"{lang}>{inner}</h{level}>'

    return Body(_SAFE_HEADING.sub(anchor, safe_html), tuple(headings))


def sanitise(fragment: str) -> str:
    """Keep only the allow-listed tags and attributes; wrap tables so they scroll, not the page."""
    clean = _CLEANER.clean(bound_nesting(fragment))
    # nh3 writes every allowed <table> bare (it allows no attributes on it),
    # so these replacements only ever see tags nh3 itself produced.
    return clean.replace("<table>", TABLE_REGION + "<table>").replace("</table>", "</table></div>")

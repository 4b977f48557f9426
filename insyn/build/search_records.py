"""What search is given of a page: a small record, not the whole page.

Pagefind parses every byte of every file it is handed, and a decision page is
mostly what search never reads: the head, the header, the menus, the footer,
and inside `<main>` the parts `EXCLUDED_CLASSES` names (money tables, the facts
list, the edit history ...), which Pagefind would parse only to drop. So each
indexed page becomes a record: the page's `<main data-pagefind-body>` with those
parts cut out, in a document of its own at the page's path. Pagefind makes the
same index of the records as of the whole pages with `--exclude-selectors`, byte
for byte (tests/test_search_shards.py builds both and compares them), in about
three quarters of the time (docs/performance.md).

The record is made from the page's bytes alone, so a warm build can make the
record of a page it did not render by reading the page back: there is no second
copy of the content to fall out of step with the page.

Every record also says which shard of the index it belongs to (`data-sokdel`
on the page's hidden search block, `pages.facets.search_shard`: a span of years).

The cutting works on the markup Insyn writes, which is well formed by
construction (templates with autoescaping, content through nh3): an element
is cut from its start tag to the end tag that balances it. It is not a general
HTML parser and is never given anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from insyn.build.write import safe_relative

#: Only pages with this attribute are indexed, by Pagefind's own rule.
BODY_MARKER = b" data-pagefind-body"
#: Page parts inside `<main>` that are not what the page is about, so a result's excerpt
#: is the sentence of the document that matched, never page furniture: the edit history
#: (commit subjects and dates), the download links, the facts list (its labels and values
#: are the result's metadata and filters instead), the kicker above the title, the draft
#: banner, the findings box, the table of contents, money tables and sums.
EXCLUDED_CLASSES = frozenset(
    {
        "historik",
        "nedladdning",
        "fakta",
        "overrubrik",
        "utkast",
        "varning",
        "innehallsforteckning",
        "tabellram",
        "summor",
    }
)
#: Elements cut whatever their class: navigation.
EXCLUDED_TAGS = frozenset({"nav"})
#: The same parts as CSS selectors, for Pagefind when it is given whole pages.
EXCLUDED_SELECTORS = tuple(sorted(f".{name}" for name in EXCLUDED_CLASSES) + sorted(EXCLUDED_TAGS))
VOID_TAGS = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"})
#: The shard of a page that names none (it cannot happen for pages Insyn renders).
NO_SHARD = "ovrigt"

#: A start tag of an element to cut: one of `EXCLUDED_TAGS`, or one with a class of
#: `EXCLUDED_CLASSES` among its classes. One pass of the regex engine over the page, its
#: quantifiers possessive so that no tag is looked at twice.
_TAGS = "|".join(sorted(EXCLUDED_TAGS))
_CLASSES = "|".join(sorted(EXCLUDED_CLASSES))
_CUT = re.compile(
    rf"<(?:(?P<tag>{_TAGS})\b[^>]*+"
    r'|(?P<name>[a-z][a-z0-9]*+)(?:\s[^\s=>]++(?:="[^"]*+")?)*?'
    rf'\sclass="(?:[^"]*\s)?(?:{_CLASSES})(?:\s[^"]*)?"[^>]*+)>'
)
_SHARD = re.compile(r' data-sokdel="([^"]*)"')
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_SHARD_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


class RecordError(ValueError):
    """A page that asks to be indexed cannot be: a template fault, never a content one."""


@dataclass(frozen=True)
class SearchRecord:
    shard: str
    document: bytes


def is_indexed(page: bytes) -> bool:
    return BODY_MARKER in page


def shard_name(value: str) -> str:
    """A shard's name as it appears in the bundle's paths: lower-case letters, digits, '-'."""
    name = value.lower()
    return name if _SHARD_NAME.fullmatch(name) else NO_SHARD


def record_of(page: bytes) -> SearchRecord:
    """The record of an indexed page (`is_indexed`): its shard and the document to index."""
    text = page.decode("utf-8")
    start = text.find("<main")
    end = text.rfind("</main>")
    if start < 0 or end < start:
        raise RecordError("an indexed page without <main>")
    main = text[start : end + len("</main>")]
    shard = _SHARD.search(main)
    title = _TITLE.search(text, 0, start)
    document = (
        '<!doctype html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title.group(1) if title else ''}</title>\n</head>\n<body>\n"
        f"{cut_excluded(main)}\n</body>\n</html>\n"
    )
    return SearchRecord(shard_name(shard.group(1)) if shard else NO_SHARD, document.encode())


def cut_excluded(markup: str) -> str:
    """`markup` without the elements search leaves out (`EXCLUDED_CLASSES`, `EXCLUDED_TAGS`)."""
    kept: list[str] = []
    at = 0
    for tag in _CUT.finditer(markup):
        if tag.start() < at:
            continue  # inside an element already cut
        name = tag.group("tag") or tag.group("name")
        kept.append(markup[at : tag.start()])
        void = name in VOID_TAGS or tag.group(0).endswith("/>")
        at = tag.end() if void else _end_of(markup, name, tag.end())
    kept.append(markup[at:])
    return "".join(kept)


@lru_cache(maxsize=64)
def _tags_named(name: str) -> re.Pattern[str]:
    return re.compile(rf"<{name}\b|</{name}\s*>")


def _end_of(markup: str, name: str, after: int) -> int:
    """Where the element opened just before `after` ends: past the end tag that balances it."""
    depth = 1
    for match in _tags_named(name).finditer(markup, after):
        depth += -1 if match.group(0).startswith("</") else 1
        if depth == 0:
            return match.end()
    raise RecordError(f"<{name}> is not closed")


def write_record(root: Path, path: str, record: SearchRecord) -> None:
    """A record where `ShardIndexer` finds it: `root/<shard>/site/<path>`."""
    target = root / record.shard / "site" / safe_relative(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(record.document)

"""A document's pages as running text: what repeats on every page removed, columns in order.

A PDF (and a text file with form feeds) repeats its header and footer on every
page ("Tjänsteutlåtande Dnr 1.5-123/2012", "Sida 2 (5)"): in the body they would
cut sentences and turn up as junk attachments. A line counts as such furniture
when, digits aside, it stands among the first or last lines of most pages; its
first occurrence on the first page is kept, since the letterhead is information
there. pypdf's layout mode draws two text columns side by side on one line; a
page whose lines share a gutter is read left column first, then right.
"""

from __future__ import annotations

import re
from collections import Counter

#: How many non-blank lines at the top and bottom of a page can be its header or footer.
EDGE_LINES = 4
#: A page number alone: "2", "2 (5)", "Sida 2 av 5", "- 2 -", "SID 2 (14)".
PAGE_NUMBER = re.compile(
    r"^(?:(?:sid(?:a|an)?|page)\s*)?-?\s*\d{1,3}\s*(?:\(\s*\d{1,3}\s*\)|(?:av|/)\s*\d{1,3})?\s*-?$",
    re.IGNORECASE,
)
#: What a running header or footer holds: a number, the office, the genre. On two pages
#: alone, a line without any of these (a heading, a sentence) is not taken for one.
_FURNITURE = re.compile(
    r"#|förvaltning|kommun|stad\b|nämnd|tjänsteutlåtande|tjänsteskrivelse|sida|dnr", re.I
)
#: Fewest lines of a page that must share the gutter for it to be read as two columns.
MIN_COLUMN_LINES = 6


def _key(line: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", line.strip().casefold()))


def _edges(lines: list[str]) -> set[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return set(filled[:EDGE_LINES] + filled[-EDGE_LINES:])


def clean_pages(pages: list[str]) -> list[str]:
    """The pages without the lines every page repeats and without page numbers."""
    split = [page.split("\n") for page in pages]
    counts: Counter[str] = Counter()
    for lines in split:
        counts.update({_key(lines[i]) for i in _edges(lines)})
    needed = max(2, (len(pages) + 1) // 2)
    repeated = {
        key
        for key, count in counts.items()
        if key and count >= needed and (count >= 3 or _FURNITURE.search(key))
    }
    result = []
    for number, lines in enumerate(split):
        edges = _edges(lines)
        kept = []
        for index, line in enumerate(lines):
            stripped = line.strip()
            # the first page keeps its letterhead; later pages lose what repeats it
            furniture = number > 0 and index in edges and _key(line) in repeated
            if furniture or (number > 0 and stripped and PAGE_NUMBER.match(stripped)):
                continue
            kept.append(line)
        result.append("\n".join(kept))
    return result


def read_columns(text: str) -> str:
    """A page drawn in two columns, as its left column followed by its right one; lines
    above and below the columns (a heading across the page, a footer) stay where they are."""
    lines = text.split("\n")
    found = _gutter(lines)
    if found is None:
        return text
    column, first, last = found
    block = lines[first : last + 1]
    left = [line[:column].rstrip() for line in block]
    right = [line[column:].strip() for line in block]
    return "\n".join([*lines[:first], *left, "", *right, *lines[last + 1 :]])


def _crosses(line: str, column: int) -> bool:
    return bool(line[column - 1 : column + 2].strip())


def _gutter(lines: list[str]) -> tuple[int, int, int] | None:
    """(column, first line, last line) of the block of lines that share a column of
    spaces in their middle, with text on both sides in most of them; None without one."""
    width = max((len(line) for line in lines), default=0)
    best: tuple[int, int, int, int] | None = None
    for column in range(width // 4, 3 * width // 4):
        sides = [
            i for i, line in enumerate(lines) if line[:column].strip() and line[column:].strip()
        ]
        sides = [i for i in sides if not _crosses(lines[i], column)]
        if len(sides) < MIN_COLUMN_LINES:
            continue
        first, last = sides[0], sides[-1]
        inside = [line for line in lines[first : last + 1] if line.strip()]
        if any(_crosses(line, column) for line in inside):
            continue
        if len(sides) < 0.6 * len(inside):
            continue
        if best is None or len(sides) > best[0]:
            best = (len(sides), column, first, last)
    return None if best is None else best[1:]

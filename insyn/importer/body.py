"""The document's prose as Markdown: `##` sections, paragraphs, lists and tables.

Text exported from Word arrives hard-wrapped, with words hyphenated across
lines and runs of blank lines where a page broke mid-sentence. Paragraphs
are rebuilt first (a blank run followed by a lowercase continuation is a page
break, not a paragraph break), then each is classified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from insyn.importer.text import (
    KNOWN_HEADINGS,
    NUMBERED_HEADING,
    TERMINAL,
    dangles,
    ends_open,
    is_bullet,
    is_heading_text,
    join_lines,
    split_sentences,
    strip_bullet,
)

_NUMERIC_CELL = re.compile(r"^[\d\s.,%-]*(?:kr|tkr|mkr)?$|^-$")


@dataclass
class Block:
    """One Markdown block: 'heading', 'para', 'list', 'ordered' or 'table'."""

    kind: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    single_line: bool = False
    source: str | None = None  # an ordered item's line as written ("2.1 Syfte")


def _paragraphs(lines: list[str]) -> list[list[str]]:
    """Lines grouped by blank lines, with page breaks inside a sentence mended."""
    groups: list[list[str]] = []
    current: list[str] = []
    padded = [*lines, ""]
    for position, line in enumerate(padded):
        stripped = line.strip()
        after = padded[position + 1].strip() if position + 1 < len(padded) else ""
        # an item of a list ("Beslutsunderlag / Tjänsteskrivelse / Ansökan") stays an item
        starts_text = not current or len(after) > 60 or after.endswith(TERMINAL)
        if (
            stripped
            and stripped[0].isupper()
            and stripped.casefold().rstrip(":") in KNOWN_HEADINGS
            and starts_text
        ):
            # a heading run onto its text, as exports without spacing write it
            if current:
                groups.append(current)
            groups.append([line.rstrip()])
            current = []
        elif stripped:
            current.append(line.rstrip())
        elif current:
            groups.append(current)
            current = []
    groups = [part for group in groups for part in _heading_split(group)]
    mended: list[list[str]] = []
    for group in groups:
        if mended and _continues(mended[-1], group):
            mended[-1].extend(group)
        else:
            mended.append(group)
    return mended


def _heading_split(group: list[str]) -> list[list[str]]:
    """'Bedömning ur ekonomisk dimension' run onto its text without a blank line: a short
    heading-like first line over a line that begins a sentence is a heading of its own."""
    if len(group) < 2:
        return [group]
    first, second = group[0].strip(), group[1].strip()
    numbered = NUMBERED_HEADING.match(first)
    if (
        len(first) <= 60
        and (is_heading_text(first) or bool(numbered and is_heading_text(numbered.group("text"))))
        and second[:1].isupper()
        and (len(group) > 2 or second.endswith(TERMINAL) or len(second) > 60)
    ):
        return [[group[0]], group[1:]]
    return [group]


def _continues(previous: list[str], group: list[str]) -> bool:
    last, first = previous[-1].strip(), group[0].strip()
    if "\t" in last or "\t" in first or is_bullet(first) or not first[:1].islower():
        return False
    if last.endswith("-") and re.search(r"[a-zåäöé]-$", last):
        return True
    long_enough = len(previous) > 1 or len(last) > 60 or dangles(last)
    return long_enough and ends_open(last)


def _short_lines(group: list[str]) -> bool:
    """Lines that are items, not wrapped prose: all short, none ending a sentence or a
    word broken across lines ('Tjänsteskrivelse 2019-08-15', 'Ansökan', 'Akten')."""
    return len(group) >= 2 and all(
        len(line.strip()) < 50 and not line.rstrip().endswith(("-", ".", ",")) for line in group
    )


def _blocks(group: list[str]) -> list[Block]:
    """A paragraph's lines split into table, list and prose blocks."""
    if _short_lines(group) and not any("\t" in line or is_bullet(line) for line in group):
        return [Block("list", items=[line.strip() for line in group])]
    blocks: list[Block] = []
    prose: list[str] = []

    def flush() -> None:
        if prose:
            blocks.append(Block("para", join_lines(prose), single_line=len(prose) == 1))
            prose.clear()

    for line in group:
        cells = line.split("\t")
        if "\t" in line and len([c for c in cells if c.strip()]) >= 2:
            flush()
            row = [c.strip() for c in cells]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(row)
            else:
                blocks.append(Block("table", rows=[row]))
        elif is_bullet(line):
            flush()
            kind = "ordered" if re.match(r"^\s*\d", line) else "list"
            if blocks and blocks[-1].kind == kind:
                blocks[-1].items.append(strip_bullet(line))
            else:
                blocks.append(Block(kind, items=[strip_bullet(line)], source=line.strip()))
        elif blocks and blocks[-1].kind in ("list", "ordered") and not prose:
            blocks[-1].items[-1] = join_lines([blocks[-1].items[-1], line])
        else:
            prose.append(line)
    flush()
    return blocks


#: Headings over a list of recipients: the short lines under them are not headings.
_DISTRIBUTION = {
    "expedieras", "beslutet skickas till", "beslut sänds till", "beslutet sänds till",
    "sändlista", "kopia till", "för kännedom",
}  # fmt: skip


def _classify(blocks: list[Block]) -> list[Block]:
    result: list[Block] = []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        under = result[-1] if result else None
        if (
            under is not None
            and block.kind == "para"
            and block.single_line
            and (under.kind == "heading" and under.text.casefold().rstrip(":") in _DISTRIBUTION)
        ):
            result.append(Block("list", items=[block.text]))
            continue
        if (
            block.kind == "ordered"
            and len(block.items) == 1
            and following is not None
            and following.kind == "para"
            and NUMBERED_HEADING.match(block.source or "")
            and is_heading_text(block.items[0])
        ):
            result.append(Block("heading", block.source or block.items[0]))
            continue
        if block.kind == "para" and block.single_line:
            numbered = NUMBERED_HEADING.match(block.text)
            known = block.text.casefold().rstrip(":") in KNOWN_HEADINGS or bool(
                numbered and is_heading_text(numbered.group("text"))
            )
            heads = following is not None and following.kind != "heading"
            if known or (heads and is_heading_text(block.text)):
                result.append(Block("heading", block.text))
                continue
        result.append(block)
    return _implicit_lists(result)


def _implicit_lists(blocks: list[Block]) -> list[Block]:
    """'I projektet deltog;' followed by paragraphs ending in ';' or ',' is a list."""
    result: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        result.append(block)
        index += 1
        if block.kind != "para" or not block.text.endswith((":", ";")):
            continue
        items: list[str] = []
        scan = index
        while scan < len(blocks) and blocks[scan].kind == "para" and len(blocks[scan].text) < 400:
            items.append(blocks[scan].text)
            scan += 1
            if not items[-1].endswith((";", ",")):
                break
        if len(items) >= 2 and all(item.endswith((";", ",")) for item in items[:-1]):
            result.append(Block("list", items=items))
            index = scan
    merged: list[Block] = []
    for block in result:
        if merged and block.kind in ("list", "ordered") and merged[-1].kind == block.kind:
            merged[-1].items.extend(block.items)
        else:
            merged.append(block)
    return merged


def _table(rows: list[list[str]]) -> str:
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]

    def line(cells: list[str]) -> str:
        escaped = [cell.replace("|", "\\|") for cell in cells]
        return "|" + "|".join(f" {cell} " if cell else " " for cell in escaped) + "|"

    align = ["---"] + [
        "--:" if all(_NUMERIC_CELL.match(row[col]) for row in rows[1:]) else "---"
        for col in range(1, width)
    ]
    return "\n".join([line(rows[0]), "|" + "|".join(align) + "|", *(line(r) for r in rows[1:])])


@dataclass
class Body:
    """The body as Markdown, and its prose sentences and tables for the funding reader."""

    markdown: str
    sentences: list[str]
    tables: list[list[list[str]]]


def build_body(lines: list[str]) -> Body:
    blocks: list[Block] = []
    for group in _paragraphs(lines):
        blocks.extend(_blocks(group))
    blocks = _classify(blocks)
    parts: list[str] = []
    sentences: list[str] = []
    tables: list[list[list[str]]] = []
    for block in blocks:
        if block.kind == "heading":
            parts.append(f"## {block.text}")
        elif block.kind == "para":
            parts.append(block.text)
            sentences.extend(split_sentences(block.text))
        elif block.kind == "list":
            parts.append("\n".join(f"- {item}" for item in block.items))
            sentences.extend(s for item in block.items for s in split_sentences(item))
        elif block.kind == "ordered":
            parts.append("\n".join(f"{n}. {item}" for n, item in enumerate(block.items, 1)))
            sentences.extend(s for item in block.items for s in split_sentences(item))
        else:
            parts.append(_table(block.rows))
            tables.append(block.rows)
    if parts and not any(block.kind == "heading" for block in blocks):
        parts.insert(0, "## Text")  # no structure found: the text still has a section
    markdown = "\n\n".join(parts)
    return Body(markdown + "\n" if markdown else "", sentences, tables)

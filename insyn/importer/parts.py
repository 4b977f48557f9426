"""The proposals, the signatures and the attachments, found by what they are.

A Stockholm tjänsteutlåtande puts the proposals and signatures right under the
title; a tjänsteskrivelse of another municipality puts the proposals under
"Beslutsförslag" and signs at the very end. So each part is looked for in the
whole text, and each takes only the lines that are of its kind: a list of
attachments ends at the first line that is not one (a signature, "Expedieras",
a page marker, a line of a table of contents, prose), which stays in the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from insyn.importer.draft import Person
from insyn.importer.text import (
    KNOWN_HEADINGS,
    TERMINAL,
    is_bullet,
    is_heading_text,
    is_name_line,
    is_title_line,
    join_lines,
    strip_bullet,
)

#: "Förslag till beslut", "Förvaltningens förslag till beslut", "Beslutsförslag",
#: "Socialnämndens beslut", "Stadsledningskontorets förslag till beslut", with the
#: first proposal perhaps run onto the same line.
PROPOSALS_HEADING = re.compile(
    r"^(?:(?:[\wåäö-]*(?:förvaltningens|kontorets)|nämndens|kommunstyrelsens)\s+)?"
    r"(?:förslag\s+till\s+beslut|beslutsförslag)\b\s*:?\s*(?P<rest>.*)$"
    r"|^(?:[\wåäö-]*nämndens|kommunstyrelsens|utskottets|styrelsens)\s+beslut\s*:?\s*(?P<rest2>)$",
    re.IGNORECASE,
)
#: "Kommunstyrelsen föreslår kommunfullmäktige att besluta följande": a lead, not a point
PROPOSING = re.compile(
    r"^[A-ZÅÄÖ][\wåäö-]*(?:\s+[\wåäö-]+){0,3}\s+(?:föreslår|föreslås)\s+(?:att\s+)?"
    r"(?:kommunfullmäktige|nämnden|kommunstyrelsen|[\wåäö-]*nämnden|fullmäktige)?",
)
_LEAD_ONLY = re.compile(
    r"(?:besluta|beslutar|fatta följande beslut|följande(?: beslut)?)(?:\s+att)?\s*:?$"
)
#: What a decision point says: approve, grant, allot, assign, refer ...
_DECIDING = re.compile(
    r"\b(?:godkänn|beslut|anslå|anslår|uppdra|överlämna|avslå|bevilja|anta[rs]?\b|"
    r"tillstyrk|föreslå|lägga?\s|läggs\s|ge[rs]?\s|att\s)",
    re.IGNORECASE,
)
IMMEDIATE = re.compile(
    r"omedelbar(?:t)?\s+justering|justera[rs]?\s+(?:\w+\s+){0,2}omedelbart", re.IGNORECASE
)
#: The note alone, not a decision point that says it.
_IMMEDIATE_NOTE = re.compile(
    r"^\(?\s*(?:omedelbar(?:t)?\s+justering|(?:paragrafen|beslutet|protokollet)\s+justeras"
    r"\s+omedelbart)\s*\.?\s*\)?\.?$",
    re.IGNORECASE,
)
ATTACHMENT = re.compile(r"^bilag(?:a|or)(?:\s+\d+)?\s*[:.–-]\s*(?P<value>.+)$", re.IGNORECASE)
ATTACHMENT_HEADING = re.compile(r"^bilag(?:a|or)\s*:?$", re.IGNORECASE)
#: Lines that end a list of attachments: who the decision is sent to, and the like.
_LIST_END = re.compile(
    r"^(?:expedieras|expediering|beslut(?:et)?\s+(?:skickas|sänds)\s+till|kopia\s+till|sändlista|"
    r"för\s+kännedom|protokollsutdrag|underskrift|beslutsunderlag|innehåll|"
    r"innehållsförteckning)\b",
    re.IGNORECASE,
)
_TOC_LINE = re.compile(r"\.{3,}|…{2,}|\s\.\s\.\s|\s\d{1,3}$")
PAGE_ARTEFACT = re.compile(
    r"^(?:\d+\s*\(\d+\)|[-–\s]+|sid(?:a|an)?\s+\d+(?:\s*(?:\(\d+\)|av\s+\d+))?|-\s*\d+\s*-)$",
    re.IGNORECASE,
)
_SIDE_BY_SIDE = re.compile(r"\s{3,}|\t")


@dataclass
class Proposals:
    items: list[str] = field(default_factory=list)
    lead: str | None = None
    immediate: bool = False
    heading: int | None = None
    used: set[int] = field(default_factory=set)
    end: int = 0


def _next_nonblank(lines: list[str], start: int, limit: int | None = None) -> int | None:
    end = len(lines) if limit is None else min(len(lines), start + limit)
    for index in range(start, end):
        if lines[index].strip():
            return index
    return None


def find_proposals_heading(lines: list[str], start: int = 0) -> int | None:
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if PROPOSALS_HEADING.match(stripped) and len(stripped) < 400:
            return index
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if PROPOSING.match(stripped) and len(stripped) < 400:
            return index
    return None


def read_proposals(lines: list[str], heading: int, used: set[int]) -> Proposals:
    """The points under the proposals heading, up to the signatures or the next section."""
    result = Proposals(heading=heading)
    result.used.add(heading)
    stripped = lines[heading].strip()
    match = PROPOSALS_HEADING.match(stripped)
    first = (match.group("rest") or "") if match else stripped
    items: list[list[str]] = []
    numbered = False
    if first:
        items.append([strip_bullet(first)])
    index = heading + 1
    while index < len(lines):
        text = lines[index].strip()
        if index in used:
            break
        if not text:
            index += 1
            continue
        following = _next_nonblank(lines, index + 1, 3)
        if is_signature_start(lines, index):
            break
        if text.casefold().rstrip(":") in KNOWN_HEADINGS:
            break
        if PAGE_ARTEFACT.match(text):
            result.used.add(index)
            index += 1
            continue
        if IMMEDIATE.search(text):
            result.immediate = True
        if _IMMEDIATE_NOTE.match(strip_bullet(text)):
            pass  # "(Omedelbar justering)": a note on the protocol, not a point
        elif (
            is_heading_text(text) and items and following is not None and len(lines[following]) > 80
        ):
            break
        elif (
            items
            and _blank_before(lines, index)
            and not is_bullet(text)
            and items[-1][-1].rstrip().endswith(TERMINAL)
            and (numbered or not _DECIDING.search(text[:160]))
            and not (_LEAD_ONLY.search(text.rstrip(".")) and len(text) < 120)
        ):
            break  # prose after the points: the proposals have ended
        elif not items or is_bullet(text) or items[-1][-1].rstrip().endswith(TERMINAL):
            numbered = numbered or is_bullet(text)
            items.append([strip_bullet(text)])
        else:
            items[-1].append(text)
        result.used.add(index)
        index += 1
    result.end = index
    points = [_point(join_lines(item)) for item in items if join_lines(item)]
    lead = points[0] if len(points) > 1 else ""
    if lead and _LEAD_ONLY.search(lead) and len(lead) < 120 and not lead.endswith("."):
        result.lead = points.pop(0)  # "Socialnämnden beslutar att", over numbered points
    result.items = points
    return result


def _point(text: str) -> str:
    """A point without the list's joints: 'att godkänna X,' / '... samt' -> 'att godkänna X'."""
    return re.sub(r"(?:\s*[,;]|\s+(?:och|samt))+$", "", text).strip()


def _blank_before(lines: list[str], index: int) -> bool:
    return index > 0 and not lines[index - 1].strip()


def is_signature_start(lines: list[str], index: int) -> bool:
    """A name line with a title under it, or names side by side over titles."""
    return _pair_at(lines, index) is not None


def _pair_at(lines: list[str], index: int) -> tuple[list[Person], int] | None:
    """The people signing at `index` and the index of their title line, or None."""
    text = lines[index].strip()
    if not text:
        return None
    following = _next_nonblank(lines, index + 1, 3)
    names = [part.strip() for part in _SIDE_BY_SIDE.split(text) if part.strip()]
    alone = len(names) == 1 and is_name_line(text)
    if alone and following is not None and is_title_line(lines[following]):
        run_on = _title_then_name(lines, following)
        if run_on is not None:  # two signatures side by side, flattened onto single spaces
            title, name, last = run_on
            return [Person(text, title), Person(name, lines[last].strip())], last
        return [Person(text, lines[following].strip())], following
    if len(names) >= 2 and all(is_name_line(name) for name in names) and following is not None:
        titles = [part.strip() for part in _SIDE_BY_SIDE.split(lines[following].strip())]
        titles = [title for title in titles if title]
        if len(titles) == len(names) and all(is_title_line(title) for title in titles):
            return [Person(n, t) for n, t in zip(names, titles, strict=True)], following
    one = re.match(r"^(?P<name>[^,]{3,60}),\s*(?P<title>[^,]{3,60})$", text)
    if one and is_name_line(one.group("name")) and is_title_line(one.group("title")):
        return [Person(one.group("name").strip(), one.group("title").strip())], index
    words = text.split()
    for cut in range(2, min(4, len(words) - 1) + 1):  # "Eva Lund Socialdirektör"
        name, title = " ".join(words[:cut]), " ".join(words[cut:])
        if is_name_line(name) and is_title_line(title) and title[:1].isupper():
            return [Person(name, title)], index
    return None


def _title_then_name(lines: list[str], index: int) -> tuple[str, str, int] | None:
    """'Socialchef Elisabeth Rågård' over 'Avdelningschef': the first signatory's title,
    the second's name (whose title is the next line), and that line's index."""
    words = lines[index].split()
    following = _next_nonblank(lines, index + 1, 3)
    if following is None or not is_title_line(lines[following]):
        return None
    for cut in range(1, min(3, len(words) - 2) + 1):
        title, name = " ".join(words[:cut]), " ".join(words[cut:])
        if is_title_line(title) and is_name_line(name):
            return title, name, following
    return None


def read_signatures(lines: list[str], start: int, used: set[int]) -> tuple[list[Person], set[int]]:
    """Name and title pairs from `start`, over blank lines, until a line that is neither."""
    people: list[Person] = []
    taken: set[int] = set()
    index = start
    while True:
        first = _next_nonblank(lines, index)
        if first is None or first in used:
            break
        pair = _pair_at(lines, first)
        if pair is None:
            break
        people.extend(pair[0])
        taken.update(range(first, pair[1] + 1))
        index = pair[1] + 1
    return people, taken


def signatures_after(lines: list[str], start: int, used: set[int]) -> tuple[list[Person], set[int]]:
    """The first signatures within a few lines after the proposals (a note or a lead
    for the council's own part may stand between)."""
    seen = 0
    for index in range(start, len(lines)):
        if index in used:
            continue
        if lines[index].strip():
            if is_signature_start(lines, index):
                return read_signatures(lines, index, used)
            seen += 1
            if seen > 4 or len(lines[index].strip()) > 160:
                break
    return [], set()


def closing_signatures(lines: list[str], used: set[int]) -> tuple[list[Person], set[int]]:
    """Signatures that close the document: the last name and title pairs, after which
    only short lines follow (who it is sent to, attachments, page markers)."""
    # closing[i]: every line from i on that no part took is short (one pass, from the end)
    closing = [True] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        text = lines[index].strip()
        short = index in used or len(text) <= 100 or bool(_LIST_END.match(text))
        closing[index] = closing[index + 1] and short
    index = 0
    while index < len(lines):
        if index in used or not closing[index] or not is_signature_start(lines, index):
            index += 1
            continue
        people, taken = read_signatures(lines, index, used)
        if people:
            return people, taken
        index += 1
    return [], set()


def read_attachments(lines: list[str], used: set[int]) -> tuple[list[str], set[int]]:
    """'Bilaga: X' lines and 'Bilagor' lists, each list ending at its first line that
    is not an attachment."""
    found: list[str] = []
    taken: set[int] = set()
    for index, line in enumerate(lines):
        if index in used or index in taken:
            continue
        stripped = line.strip()
        single = ATTACHMENT.match(stripped)
        if single and not stripped.endswith(")") and len(stripped) <= 160:
            found.append(single.group("value").strip())
            taken.add(index)
        elif ATTACHMENT_HEADING.match(stripped):
            items, lines_taken = _attachment_list(lines, index + 1, used)
            if items:
                taken.add(index)
                taken.update(lines_taken)
                found.extend(items)
    return found, taken


def _attachment_list(lines: list[str], start: int, used: set[int]) -> tuple[list[str], set[int]]:
    items: list[str] = []
    taken: set[int] = set()
    index = start
    gap = False
    listed = False  # the items are bullets or numbered
    while index < len(lines) and index not in used:
        stripped = lines[index].strip()
        if not stripped:
            gap = bool(items)
            index += 1
            continue
        if gap and not (listed and is_bullet(stripped)):
            break
        if not _is_attachment(lines, index):
            break
        listed = listed or is_bullet(stripped) if items else is_bullet(stripped)
        items.append(strip_bullet(stripped))
        taken.add(index)
        index += 1
    return items, taken


def _is_attachment(lines: list[str], index: int) -> bool:
    stripped = lines[index].strip()
    text = strip_bullet(stripped)
    if stripped.casefold().rstrip(":") in KNOWN_HEADINGS or _LIST_END.match(text):
        return False
    if PAGE_ARTEFACT.match(stripped) or _TOC_LINE.search(stripped):
        return False
    if is_signature_start(lines, index) or is_title_line(stripped):
        return False
    if len(stripped) > 120 or (stripped.endswith(".") and len(stripped.split()) > 8):
        return False
    following = _next_nonblank(lines, index + 1)
    heads_prose = following is not None and len(lines[following]) > 80 and is_heading_text(text)
    return not heads_prose or is_bullet(stripped)

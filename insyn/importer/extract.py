"""The front matter of a tjänsteutlåtande: who, when, what was proposed, who signed.

A tjänsteutlåtande has a fixed order: letterhead (handläggare, telefon,
diarienummer, sammanträde), the 'Till' block naming the council, the
ärendemening, 'Förslag till beslut' with its numbered points, the
signatures (name line, title line), then the prose sections. The extractor
walks that order and records a TODO wherever the document does not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from insyn.importer.dates import YEAR, parse_swedish_date
from insyn.importer.draft import Draft, Person
from insyn.importer.orgs import Directory
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

_PROPOSALS_HEADING = re.compile(
    r"^(?:förvaltningens\s+)?förslag\s+till\s+beslut\s*:?$", re.IGNORECASE
)
_IMMEDIATE = re.compile(r"omedelbar(?:t)?\s+justering|justeras\s+omedelbart", re.IGNORECASE)
_OFFICER = re.compile(r"^handläggare\s*:?\s*(?P<name>.+?)\s*$", re.IGNORECASE)
_PHONE_LABEL = r"(?:telefon|tfn|tel)\.?\s*:?\s*"
_PHONE = re.compile(rf"^{_PHONE_LABEL}(?P<phone>\+?\d[\d \-/]*\d)\s*$", re.IGNORECASE)
_DIARY = re.compile(r"^(?:dnr|diarienr|diarienummer)\.?\s*:?\s*(?P<value>.*)$", re.IGNORECASE)
_MEETING = re.compile(
    r"^(?:nämndens\s+)?sammanträde(?:sdatum|sdag|t)?\b\s*:?\s*(?:den\s+)?(?P<rest>.*)$",
    re.IGNORECASE,
)
_REPORT_DATE = re.compile(r"^(?:tjänsteutlåtande|datum)\b\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
_ATTACHMENT = re.compile(r"^bilag(?:a|or)(?:\s+\d+)?\s*[:.–-]\s*(?P<value>.+)$", re.IGNORECASE)
_ATTACHMENT_HEADING = re.compile(r"^bilag(?:a|or)\s*:?$", re.IGNORECASE)
_PAGE_ARTEFACT = re.compile(r"^(?:\d+\s*\(\d+\)|[-–\s]+|sid(?:a|an)?\s+\d+(?:\s*\(\d+\))?)$")


@dataclass
class Extracted:
    """The draft's front-matter values and the lines left for the body."""

    draft: Draft
    body_lines: list[str] = field(default_factory=list)
    letterhead_district: str | None = None


def _next_nonblank(lines: list[str], start: int, limit: int | None = None) -> int | None:
    end = len(lines) if limit is None else min(len(lines), start + limit)
    for index in range(start, end):
        if lines[index].strip():
            return index
    return None


def extract(text: str, directory: Directory) -> Extracted:
    lines = [line.rstrip() for line in text.split("\n")]
    draft = Draft()
    result = Extracted(draft)
    till = _find_till(lines, draft, directory)
    header_end = till if till is not None else min(len(lines), 60)
    _case_officer(lines, header_end, draft)
    _diary_and_dates(lines, header_end, draft)
    result.letterhead_district = _letterhead_district(lines, header_end, directory)
    if draft.district is None and result.letterhead_district:
        draft.district = result.letterhead_district
        draft.todo(
            "district",
            "stadsdelsnämnden är hämtad från brevhuvudet (förvaltningens namn), "
            "inte från ”Till”-raden; kontrollera district",
        )
    elif draft.district is None:
        draft.todo(
            "district",
            "stadsdelsnämnden kunde inte läsas ut ur dokumentet; ange district: "
            "id för nämnden i data/organisations.yaml",
        )
    elif result.letterhead_district and result.letterhead_district != draft.district:
        draft.todo(
            "district",
            f"brevhuvudet nämner {result.letterhead_district}, men ärendet ställs till "
            f"{draft.district}; kontrollera district",
        )
    position = _title(lines, till, draft) if till is not None else header_end
    if draft.title is None:
        draft.todo("title", "ärendemeningen (rubriken) hittades inte; skriv in title")
    position = _proposals_and_signatures(lines, position, draft)
    body = _take_attachments(lines[position:], draft)
    result.body_lines = ["" if _PAGE_ARTEFACT.match(line.strip()) else line for line in body]
    return result


def _find_till(lines: list[str], draft: Draft, directory: Directory) -> int | None:
    """Index of the last line of the 'Till' block; sets the district."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        inline = re.match(r"^till:?\s+(?P<name>.+(?:nämnd|nämnden))$", stripped, re.IGNORECASE)
        if inline:
            block, end = [inline.group("name")], index
        elif stripped.casefold() in ("till", "till:"):
            first = _next_nonblank(lines, index + 1, 8)
            if first is None or lines[first].strip().casefold() in ("till", "till:"):
                continue
            end = first
            block = [lines[first]]
            while end + 1 < len(lines) and lines[end + 1].strip() and len(block) < 3:
                if not re.search(r"nämnd|förvaltning|styrelse", " ".join(block), re.IGNORECASE):
                    block.append(lines[end + 1])
                    end += 1
                else:
                    break
        else:
            continue
        recipient = " ".join(part.strip() for part in block)
        org = directory.match_name(recipient, "district")
        if org is None:
            mentioned = directory.mentioned(recipient, "district")
            org = mentioned[0] if len(mentioned) == 1 else None
        draft.district_name = recipient
        if org is not None:
            draft.district = org.id
        else:
            draft.todo(
                "district",
                f"mottagaren ”{recipient}” finns inte bland stadsdelsnämnderna i "
                "data/organisations.yaml; ange district eller lägg till namnet som alias",
            )
        return end
    return None


def _case_officer(lines: list[str], end: int, draft: Draft) -> None:
    candidates: list[Person] = []
    for index in range(end):
        match = _OFFICER.match(lines[index].strip())
        if not match:
            continue
        parts = re.split(rf",?\s*\b{_PHONE_LABEL}", match.group("name"), maxsplit=1, flags=re.I)
        name = parts[0]
        phone = (parts[1].strip() or None) if len(parts) > 1 else None
        following = _next_nonblank(lines, index + 1, 3)
        if phone is None and following is not None:
            phone_match = _PHONE.match(lines[following].strip())
            phone = phone_match.group("phone") if phone_match else None
        candidates.append(Person(name.strip(), phone))
    if not candidates:
        # Letterhead form: a name line, then "tfn 508 04 016".
        for index in range(end):
            phone_match = _PHONE.match(lines[index].strip())
            if not phone_match:
                continue
            before = [i for i in range(max(0, index - 3), index) if lines[i].strip()]
            if before and is_name_line(lines[before[-1]].strip()):
                candidates.append(Person(lines[before[-1]].strip(), phone_match.group("phone")))
                break
    if candidates:
        draft.case_officer = max(candidates, key=lambda p: p.title_or_phone is not None)
        if draft.case_officer.title_or_phone is None:
            draft.todo("case_officer", "handläggarens telefonnummer saknas i dokumentet")
    else:
        draft.todo("case_officer", "handläggare anges inte i dokumentet; fyll i om den är känd")


def _diary_and_dates(lines: list[str], end: int, draft: Draft) -> None:
    meeting_seen = False
    for index in range(end):
        stripped = lines[index].strip()
        diary = _DIARY.match(stripped)
        if diary and draft.diary_number is None:
            value = diary.group("value").strip()
            if re.search(r"\d", YEAR.sub("", value)) and not re.search(r"-\s+-", value):
                draft.diary_number = value
            else:
                draft.todo(
                    "diary_number",
                    f"diarienumret är inte ifyllt i dokumentet (”{stripped}”); "
                    "fyll i diary_number om det finns",
                )
                years = YEAR.findall(value)
                if years and draft.year is None:
                    draft.year = int(years[0])  # a hint for the year, used only without dates
            continue
        meeting = _MEETING.match(stripped)
        if meeting and not meeting_seen:
            meeting_seen = True
            date = parse_swedish_date(meeting.group("rest"))
            if date is None:
                draft.todo(
                    "meeting",
                    f"sammanträdesdatumet kunde inte läsas (”{stripped}”); ange meeting",
                )
            draft.meeting = date
            continue
        report = _REPORT_DATE.match(stripped)
        if report and draft.document_date is None:
            date = parse_swedish_date(report.group("rest"))
            following = _next_nonblank(lines, index + 1, 2)
            if date is None and following is not None and len(lines[following]) < 40:
                date = parse_swedish_date(lines[following])
            draft.document_date = date
    if draft.diary_number is None and "diary_number" not in draft.todos:
        draft.todo("diary_number", "diarienummer saknas i dokumentet; fyll i om det finns")


def _letterhead_district(lines: list[str], end: int, directory: Directory) -> str | None:
    for index in range(min(end, 40)):
        stripped = lines[index].strip()
        if re.search(r"stadsdels(?:förvaltning|nämnd)$", stripped, re.IGNORECASE):
            org = directory.match_name(stripped, "district")
            if org is not None:
                return org.id
    return None


def _title(lines: list[str], till_end: int, draft: Draft) -> int:
    start = _next_nonblank(lines, till_end + 1)
    if start is None or _PROPOSALS_HEADING.match(lines[start].strip()):
        return till_end + 1
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    title = join_lines(lines[start:end])
    draft.title = re.sub(r"(?<!\.)\.$", "", title).strip() or None
    return end


def _proposals_and_signatures(lines: list[str], start: int, draft: Draft) -> int:
    """Read 'Förslag till beslut' and the signatures; return where the body begins."""
    heading = next(
        (i for i in range(start, len(lines)) if _PROPOSALS_HEADING.match(lines[i].strip())), None
    )
    if heading is None:
        draft.todo("proposals", "”Förslag till beslut” hittades inte; skriv in beslutspunkterna")
        return _signatures(lines, start, draft, required=False)
    items: list[list[str]] = []
    index = heading + 1
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped:
            index += 1
            continue
        following = _next_nonblank(lines, index + 1, 3)
        if is_name_line(stripped) and following is not None and is_title_line(lines[following]):
            break
        if stripped.casefold() in KNOWN_HEADINGS and items:
            break
        if _IMMEDIATE.search(stripped) and len(stripped) < 60:
            draft.immediate_adjustment = True
        elif (
            is_heading_text(stripped)
            and items
            and following is not None
            and len(lines[following]) > 80
        ):
            break
        elif not items or is_bullet(stripped) or items[-1][-1].rstrip().endswith(TERMINAL):
            items.append([strip_bullet(stripped)])
        else:
            items[-1].append(stripped)
        index += 1
    draft.proposals = [join_lines(item) for item in items if join_lines(item)]
    if not draft.proposals:
        draft.todo("proposals", "inga beslutspunkter hittades under ”Förslag till beslut”")
    return _signatures(lines, index, draft, required=True)


def _signatures(lines: list[str], start: int, draft: Draft, required: bool) -> int:
    index = start
    while True:
        first = _next_nonblank(lines, index)
        if first is None:
            break
        title = _next_nonblank(lines, first + 1, 3)
        name = lines[first].strip()
        if not (is_name_line(name) and title is not None and is_title_line(lines[title])):
            break
        draft.signed_by.append(Person(name, lines[title].strip()))
        index = title + 1
    if not draft.signed_by and required:
        draft.todo("signed_by", "underskrifter (namn och titel) hittades inte; fyll i signed_by")
    return index


def _take_attachments(lines: list[str], draft: Draft) -> list[str]:
    """Record 'Bilaga: X' and 'Bilagor' lists, and blank them out of the body."""
    body = list(lines)
    index = 0
    while index < len(body):
        stripped = body[index].strip()
        single = _ATTACHMENT.match(stripped)
        if single and not stripped.endswith(")"):
            draft.attachments.append(single.group("value").strip())
            body[index] = ""
        elif _ATTACHMENT_HEADING.match(stripped):
            body[index] = ""
            index = _attachment_list(body, index + 1, draft)
            continue
        index += 1
    return body


def _attachment_list(body: list[str], start: int, draft: Draft) -> int:
    index = start
    while index < len(body):
        stripped = body[index].strip()
        if not stripped:
            index += 1
            continue
        if stripped.casefold() in KNOWN_HEADINGS:
            break
        if not is_bullet(stripped):
            following = _next_nonblank(body, index + 1)
            is_prose = len(stripped) > 100 or (stripped.endswith(".") and len(stripped.split()) > 8)
            heads_prose = (
                following is not None and len(body[following]) > 80 and is_heading_text(stripped)
            )
            if is_prose or heads_prose:
                break
        draft.attachments.append(strip_bullet(stripped))
        body[index] = ""
        index += 1
    return index

"""The front matter of a tjänsteutlåtande or tjänsteskrivelse, found by what each part is.

No order is assumed. The header fields are read wherever they stand in the
first page (`labels`), the addressee wherever it is (`addressee`), the
proposals, signatures and attachments by their own shapes (`parts`). The title
is the last paragraph of the first page that is none of those, before the
first section. Every line no part took goes to the body, or, before the title,
to a comment with the letterhead: no text is dropped.

A value that is not found gets a TODO that says so and where to look. It says
that the document has no such value only when the whole text was searched for
the words that would name it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from insyn.importer.addressee import Addressee, find_addressee, municipality, settle
from insyn.importer.draft import Draft, Person
from insyn.importer.labels import PHONE, HeaderFields, read_header
from insyn.importer.orgs import Directory
from insyn.importer.parts import (
    PAGE_ARTEFACT,
    closing_signatures,
    find_proposals_heading,
    read_attachments,
    read_proposals,
    signatures_after,
)
from insyn.importer.text import KNOWN_HEADINGS, is_name_line, join_lines

#: How far the first page reaches at most, in lines, when no section begins sooner.
FIRST_PAGE_LINES = 80
_GENRE = re.compile(
    r"^(?:tjänsteutlåtande|tjänsteskrivelse|promemoria|pm|utlåtande|skrivelse|"
    r"beslutsunderlag|ärende|protokollsutdrag)\s*$",
    re.IGNORECASE,
)
#: Letterhead lines: the office, its department, its address.
_LETTERHEAD = re.compile(
    r"(?:förvaltning(?:en)?|kontoret|avdelning(?:en)?|enhet(?:en)?|kommun|[Ss]tad|"
    r"stadsdelsnämnd|staben)$|^(?:box|besöksadress|postadress|växel|www\.|e-post)|@|\d{3}\s?\d{2}\b",
    re.IGNORECASE,
)
#: "Ärende: Stöd till kvinnojourer", "Angående ...": a title with its label
TITLE_LABEL = re.compile(r"^(?:ärende(?:mening)?|rubrik|angående|ämne)\s*:\s*", re.IGNORECASE)
#: Where each value is named, to tell "not found" from "not in the document".
TRACES = {
    "case_officer": re.compile(
        r"handläggare|vår referens|kontaktperson|utfärdare|upprättad av|\btfn\b|telefon", re.I
    ),
    "diary_number": re.compile(r"\bdnr\b|diarie|ärendenummer|beteckning", re.I),
    "meeting": re.compile(r"(?i:sammanträd)|(?<![\w-])[A-ZÅÄÖ]{2,6} (?:19|20)\d\d-\d\d-\d\d"),
    "proposals": re.compile(r"förslag till beslut|beslutsförslag|föreslår|föreslås", re.I),
    "signed_by": re.compile(r"direktör\b|chef\b|ordförande\b|föreståndare\b", re.I),
    "document_date": re.compile(
        r"\b(?:19|20)\d\d-\d\d-\d\d\b|\b\d{1,2}\s+(?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)",
        re.I,
    ),
}


@dataclass
class Extracted:
    """The draft's front-matter values and the lines left for the body."""

    draft: Draft
    body_lines: list[str] = field(default_factory=list)


def _short(text: str, limit: int = 90) -> str:
    text = re.sub(r"\s+", " ", text.strip())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def not_found(
    draft: Draft,
    key: str,
    what: str,
    lines: list[str],
    where: str,
    also: re.Pattern[str] | None = None,
) -> None:
    """A TODO for a value the importer did not read: where the text names it, if it
    does; that the text does not, only when no line has the words for it (or, with
    `also`, anything else that could be it, such as a date)."""
    trace = TRACES.get(key)
    hits = [i for i, line in enumerate(lines) if trace is not None and trace.search(line)]
    if also is not None and not hits:
        hits = [i for i, line in enumerate(lines) if also.search(line)]
    if trace is not None and not hits:
        draft.todo(key, f"{what} hittades inte: ingen rad i dokumentet nämner det; {where}")
        return
    if hits:
        draft.todo(
            key,
            f"{what} hittades inte automatiskt; se rad {hits[0] + 1} i originalet "
            f"(”{_short(lines[hits[0]])}”); {where}",
        )
        return
    draft.todo(key, f"{what} hittades inte automatiskt; {where}")


def _header_end(lines: list[str], proposals: int | None) -> int:
    """Where the first page's header ends: the proposals, the first section, a page
    break, or `FIRST_PAGE_LINES` lines."""
    end = min(len(lines), FIRST_PAGE_LINES)
    if proposals is not None:
        end = min(end, proposals)
    blank = 0
    started = False
    for index in range(end):
        stripped = lines[index].strip()
        if not stripped:
            blank += 1
            continue
        if started and blank >= 2:
            return index
        blank = 0
        started = True
        if stripped.casefold().rstrip(":") in KNOWN_HEADINGS:
            return index
    return end


def extract(text: str, directory: Directory) -> Extracted:
    lines = [line.rstrip() for line in text.split("\n")]
    draft = Draft()
    proposals_at = find_proposals_heading(lines)
    end = _header_end(lines, proposals_at)
    header = read_header(lines, end)
    _header_values(draft, header, lines)
    used = set(header.used)
    addressee = find_addressee(lines, header.addressee, header.addressee_line, end)
    used |= addressee.used
    settle(addressee, directory, lines)
    draft.municipality = municipality(lines)
    if draft.meeting is None and addressee.meeting is not None:
        draft.meeting = addressee.meeting
        draft.todo(
            "meeting",
            f"datumet under mottagaren ({addressee.meeting.isoformat()}) är läst som "
            "sammanträdesdatum, som Stockholms mallar skriver det; kontrollera",
        )
    _district(draft, addressee, lines, end, directory)
    title = _title(lines, end, used)
    if title is None:
        not_found(
            draft,
            "title",
            "ärendemeningen (rubriken)",
            lines,
            "den står oftast överst, före ”Förslag till beslut”; skriv in title",
        )
        title_start = title_end = end
    else:
        title_start, title_end = title
        used.update(range(title_start, title_end))
        title_text = TITLE_LABEL.sub("", join_lines(lines[title_start:title_end]), count=1)
        draft.title = re.sub(r"(?<!\.)\.$", "", title_text) or None
    signatures: tuple[list[Person], set[int]] = ([], set())
    if proposals_at is not None:
        proposals = read_proposals(lines, proposals_at, used)
        used |= proposals.used
        draft.proposals = proposals.items
        draft.proposal_lead = proposals.lead
        draft.immediate_adjustment = proposals.immediate
        if not proposals.items:
            draft.todo(
                "proposals",
                f"inga beslutspunkter hittades under ”{_short(lines[proposals_at], 50)}” "
                f"(rad {proposals_at + 1}); skriv in dem",
            )
        signatures = signatures_after(lines, proposals.end, used)
    else:
        not_found(
            draft,
            "proposals",
            "förslaget till beslut",
            lines,
            "skriv in beslutspunkterna i proposals",
        )
    if not signatures[0]:
        signatures = closing_signatures(lines, used)
    draft.signed_by, taken = signatures
    used |= taken
    if not draft.signed_by:
        not_found(
            draft,
            "signed_by",
            "underskrifter (namn och titel)",
            lines,
            "de står oftast under förslaget till beslut eller sist i dokumentet",
        )
    draft.attachments, taken = read_attachments(lines, used)
    used |= taken
    draft.letterhead = [
        lines[i].strip()
        for i in range(title_start)
        if i not in used and lines[i].strip() and not PAGE_ARTEFACT.match(lines[i].strip())
    ]
    body = ["" if i in used else lines[i] for i in range(title_end, len(lines))]
    if draft.proposal_lead:
        lead = draft.proposal_lead
        lead = lead if lead.endswith((".", ":")) else f"{lead}:"  # a lead, not a heading
        body = [lead, "", *body]
    result = Extracted(draft)
    result.body_lines = ["" if PAGE_ARTEFACT.match(line.strip()) else line for line in body]
    return result


def _header_values(draft: Draft, header: HeaderFields, lines: list[str]) -> None:
    if header.officer:
        draft.case_officer = Person(header.officer, header.phone)
        if header.phone is None:
            not_found(
                draft,
                "case_officer",
                "handläggarens telefonnummer",
                [line for line in lines if PHONE.search(line) and re.search("tel|tfn", line, re.I)],
                "fyll i phone om det finns",
            )
    else:
        phone_officer = _letterhead_officer(lines)
        if phone_officer is not None:
            draft.case_officer, name_line = phone_officer
            header.used.add(name_line)
        else:
            not_found(draft, "case_officer", "handläggaren", lines, "fyll i case_officer")
    draft.diary_number = header.diary
    if header.diary_row is not None:
        draft.todo(
            "diary_number",
            f"diarienumret är läst ur raden ”{_short(header.diary_row)}”, under etiketten "
            "”Vår beteckning”/”Dnr”; kontrollera",
        )
    if header.diary is None:
        if header.diary_blank is not None:
            draft.todo(
                "diary_number",
                f"diarienumret är inte ifyllt i dokumentet (”Dnr {header.diary_blank}”); "
                "fyll i diary_number om det finns",
            )
            draft.year = header.diary_year  # a hint for the year, used only without dates
        else:
            not_found(draft, "diary_number", "diarienumret", lines, "fyll i diary_number")
    draft.meeting = header.meeting
    if header.meeting_under and header.meeting is not None:
        draft.todo(
            "meeting",
            f"datumet under mottagaren ({header.meeting.isoformat()}) är läst som "
            "sammanträdesdatum, som Stockholms mallar skriver det; kontrollera",
        )
    if header.meeting is None and header.meeting_text:
        draft.todo(
            "meeting",
            f"sammanträdesdatumet kunde inte läsas (”{_short(header.meeting_text)}”); ange meeting",
        )
    draft.document_date = header.document_date
    if header.document_date is None:
        not_found(
            draft,
            "document_date",
            "tjänsteutlåtandets datum",
            lines[:FIRST_PAGE_LINES],
            "det står oftast i sidhuvudet; fyll i document_date om det finns",
        )


def _letterhead_officer(lines: list[str]) -> tuple[Person, int] | None:
    """Letterhead form: a name line, then 'tfn 508 04 016'."""
    phone_line = re.compile(r"^(?:telefon|tfn|tel)\.?\s*:?\s*(?P<phone>\+?\d[\d \-/]*\d)\s*$", re.I)
    for index in range(min(len(lines), FIRST_PAGE_LINES)):
        match = phone_line.match(lines[index].strip())
        if not match:
            continue
        before = [i for i in range(max(0, index - 3), index) if lines[i].strip()]
        if before and is_name_line(lines[before[-1]].strip()):
            return Person(lines[before[-1]].strip(), match.group("phone")), before[-1]
    return None


def _district(
    draft: Draft, addressee: Addressee, lines: list[str], end: int, directory: Directory
) -> None:
    draft.district_name = addressee.name
    if addressee.district is not None:
        draft.district = addressee.district
        letterhead = _letterhead_district(lines, end, directory)
        if letterhead and letterhead != addressee.district:
            draft.todo(
                "district",
                f"brevhuvudet nämner {letterhead}, men ärendet ställs till "
                f"{addressee.district}; kontrollera district",
            )
        return
    if addressee.other is not None:
        draft.addressee_id = addressee.other
        draft.todo(
            "district",
            f"ärendet ställs till ”{addressee.name}” ({addressee.other} i "
            "data/organisations.yaml), som inte är en stadsdelsnämnd; ange district om "
            "ärendet hör till en stadsdelsnämnd",
        )
        return
    if addressee.newcomer is not None:
        draft.addressee_id = addressee.newcomer.id
        draft.newcomers.append(addressee.newcomer)
        draft.todo(
            "district",
            f"ärendet ställs till ”{addressee.name}”, som inte är en stadsdelsnämnd i "
            f"data/organisations.yaml; nämnden föreslås som organisation "
            f"({addressee.newcomer.id}, se nedan); ange district om ärendet hör till en "
            "stadsdelsnämnd",
        )
        return
    letterhead = _letterhead_district(lines, end, directory)
    if letterhead is not None:
        draft.district = letterhead
        given = (
            f"mottagaren är bara ”{addressee.name}”"
            if addressee.name
            else "dokumentet anger ingen mottagare (”Till …”)"
        )
        draft.todo(
            "district",
            f"stadsdelsnämnden är hämtad från brevhuvudet (förvaltningens namn); {given}; "
            "kontrollera district",
        )
        return
    draft.todo(
        "district",
        "mottagaren (”Till …”) hittades inte automatiskt; ange district: id för "
        "stadsdelsnämnden i data/organisations.yaml",
    )


def _letterhead_district(lines: list[str], end: int, directory: Directory) -> str | None:
    for index in range(min(max(end, 1), 40)):
        stripped = lines[index].strip()
        if re.search(r"stadsdels(?:förvaltning|nämnd)(?:en)?$", stripped, re.IGNORECASE):
            org = directory.match_name(stripped, "district")
            if org is not None:
                return org.id
    return None


def _title(lines: list[str], end: int, used: set[int]) -> tuple[int, int] | None:
    """The last paragraph before `end` that is not a field, a letterhead line or a
    genre word: (first line, line after the last)."""
    best: tuple[int, int] | None = None
    index = 0
    while index < end:
        if index in used or not lines[index].strip():
            index += 1
            continue
        start = index
        while index < end and index not in used and lines[index].strip():
            index += 1
        paragraph = [lines[i].strip() for i in range(start, index)]
        text = join_lines(paragraph)
        if TITLE_LABEL.match(text) and len(text) > 12:
            return start, index  # "Ärende: Stöd till kvinnojourer": the title, labelled
        if _is_title(paragraph, text):
            best = (start, index)
    return best


def _is_title(paragraph: list[str], text: str) -> bool:
    if len(text) > 300 or len(paragraph) > 5 or len(text) < 8:
        return False
    first = paragraph[0]
    if _GENRE.match(first) or PAGE_ARTEFACT.match(first):
        return False
    if len(paragraph) == 1 and (_LETTERHEAD.search(first) or is_name_line(first)):
        return False
    return not re.fullmatch(r"[\d\s\-./()]+", text)

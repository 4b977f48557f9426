"""Header fields wherever they stand: handläggare, telefon, datum, diarienummer, sammanträde.

A letterhead is laid out in boxes. Text taken out of a PDF often flattens the
boxes onto one line ("SID 1 (14) 2012-11-29 Handläggare: Anna Berg Telefon:
08-508 11 223 Till Farsta stadsdelsnämnd"); a Word export puts each label on a
line of its own with the value on the next. So a line is cut at every label it
holds, and a label's value is the text up to the next label, or, when that is
empty, the next line. A label counts in the middle of a line only when it is
written as a label is (capitalised, or after a comma), so that prose that says
"datum" or "till" is never cut.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from insyn.importer.dates import YEAR, parse_swedish_date

#: label kind -> the words that introduce it
_LABEL_WORDS = {
    "officer": r"handläggare|vår\s+referens|kontaktperson|ansvarig\s+handläggare|utfärdare|"
    r"upprättad\s+av",
    "phone": r"telefon(?:\s+direkt)?|direkttelefon|direktnummer|tfn|tel",
    "email": r"e-?post|e-?mail",
    "diary": r"dnr|diarienr|diarie-?nummer|diarienumm?er|ärendenummer|vår\s+beteckning",
    "theirs": r"er\s+beteckning|er\s+referens",
    "meeting": r"(?:nämndens\s+)?sammanträde(?:sdatum|sdag|t)?|nämndsammanträde",
    "date": r"datum|tjänsteutlåtande|tjänsteskrivelse",
    "page": r"sid(?:a|an)?",
    "till": r"till",
}
_LABEL = re.compile(
    "|".join(
        rf"(?P<{kind}>(?<![\w-])(?:{words})(?![\w-]))" for kind, words in _LABEL_WORDS.items()
    ),
    re.IGNORECASE,
)
PHONE = re.compile(r"\+?\(?\d[\d\s\-–/()]{4,}\d")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*(?:\(\s*\d{1,3}\s*\)|av\s+\d{1,3})?")
_PERSON = re.compile(
    r"^(?P<name>[A-ZÅÄÖÉÁÜØ][\wåäöéáüø'’.-]+(?:\s+(?:[A-ZÅÄÖÉÁÜØ][\wåäöéáüø'’.-]+|von|van|af|de))+)"
)
#: "1.5-123/2012", "SN 2019/0123", "7-742-2011", "KS 2012/456", "1.6.4-301/2014", "SDN 2012:45"
DIARY_FORM = re.compile(
    r"(?<![\w/.-])(?:[A-ZÅÄÖ]{1,6}[ -]?)?\d[\d.]*(?:\s?[-/:]\s?\d[\w.]*)+(?![\w/-])"
)
#: "SDN 2012-12-13", "SN 2013-02-20 nr 7": the committee's abbreviation and its meeting
MEETING_REF = re.compile(
    r"(?<![\w-])(?P<abbr>[A-ZÅÄÖ]{2,6})\s+(?P<date>(?:19|20)\d\d-\d\d-\d\d)"
    r"(?:\s+(?:nr|p|§)\.?\s*\d+)?(?![\w-])"
)
_ISO_DATE = re.compile(r"(?:19|20)\d\d-\d\d-\d\d")
ADDRESSEE_WORD = re.compile(
    r"nämnd(?:en|s)?\b|styrelse(?:n|s)?\b|utskott(?:et|s)?\b|fullmäktige\b|"
    r"förvaltning(?:en|s)?\b|beredning(?:en)?\b",
    re.IGNORECASE,
)


@dataclass
class Segment:
    """One label and its value on a line (the value may be on the next line)."""

    kind: str
    value: str
    line: int
    column: int = 0  # where the label stands on its line


@dataclass
class HeaderFields:
    """What the header says, where it said it, and the lines it used up."""

    officer: str | None = None
    phone: str | None = None
    diary: str | None = None
    diary_blank: str | None = None  # "Dnr - - 2007": the field is there but not filled in
    diary_year: int | None = None
    meeting: dt.date | None = None
    meeting_text: str | None = None  # a meeting label whose date could not be read
    meeting_under: bool = False  # the meeting is the date under the addressee
    diary_row: str | None = None  # the row a diary number was read from, away from its label
    document_date: dt.date | None = None
    addressee: str | None = None
    addressee_line: int | None = None
    used: set[int] = field(default_factory=set)


def _label_allowed(line: str, match: re.Match[str]) -> bool:
    """A label at the start of a line, capitalised, or after a comma or bar."""
    if not line[: match.start()].strip():
        return True
    word = match.group(0)
    before = line[: match.start()].rstrip()
    return word[0].isupper() or before.endswith((",", ";", "|", "–"))


def segments(line: str, number: int) -> tuple[list[Segment], str]:
    """The labels on one line with their values, and the text before the first label."""
    found = [m for m in _LABEL.finditer(line) if _label_allowed(line, m)]
    found = [m for m in found if m.lastgroup != "till" or _till_value_ok(line[m.end() :])]
    result = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(line)
        value = line[match.end() : end].strip(" \t:.,;|")
        result.append(Segment(match.lastgroup or "", value, number, match.start()))
    lead = line[: found[0].start()] if found else line
    return result, lead.strip()


def _till_value_ok(rest: str) -> bool:
    """'Till' is the addressee label only when a council follows it, or nothing does."""
    rest = rest.strip(" \t:")
    return not rest or (bool(ADDRESSEE_WORD.search(rest[:80])) and rest[:1].isupper())


#: The space between two columns of a letterhead laid out side by side.
_GAP = re.compile(r" {3,}|\t")


def fragments(line: str) -> list[tuple[int, str]]:
    """(column, text) of each part of a line laid out in columns ('Handläggare      Datum')."""
    result = []
    position = 0
    for gap in _GAP.finditer(line):
        if line[position : gap.start()].strip():
            result.append((position, line[position : gap.start()]))
        position = gap.end()
    if line[position:].strip():
        result.append((position, line[position:]))
    return result


def _in_column(lines: list[str], index: int, column: int) -> tuple[str, bool] | None:
    """The part of `lines[index]` that stands in `column`, and whether it is all of it."""
    parts = fragments(lines[index].rstrip())
    for start, text in parts:
        if abs(start - column) <= 6 or (column == 0 and start < 8 and start == parts[0][0]):
            return text.strip(), len(parts) == 1
    return None


def _next_value(lines: list[str], index: int, column: int = 0) -> tuple[str, int] | None:
    """The value under a label: the next non-blank line within two, in the label's column,
    when it is short enough to be a value."""
    for following in range(index + 1, min(len(lines), index + 3)):
        if not lines[following].strip():
            continue
        found = _in_column(lines, following, column)
        if found is None:
            return None
        text, whole = found
        if len(text) > 80 or _LABEL.match(text):
            return None
        return text, following if whole else -1
    return None


def read_header(lines: list[str], end: int) -> HeaderFields:
    """Every header field in `lines[:end]`, on lines of their own or run together."""
    fields = HeaderFields()
    bare_dates: list[tuple[int, dt.date]] = []
    for index in range(end):
        line = lines[index].rstrip()
        if not line.strip() or len(line) > 600:
            continue  # no header: a flattened header is a few hundred characters
        if len(line.strip()) > 160 and not _LABEL.match(line.strip()):
            continue  # prose
        parts = fragments(line)
        taken = 0
        found: list[Segment] = []
        for column, part in parts:
            here, _lead = segments(part, index)
            for segment in here:
                segment.column += column
                _take(fields, segment, lines, bare_dates)
            found += here
            # a part with an e-mail or a bare genre word stays in the letterhead
            taken += bool(here) and all(_stored(segment) for segment in here)
            if not here and len(part.strip()) <= 40:
                _bare_date(part, index, bare_dates, len(parts) == 1)
        if taken == len(parts):
            fields.used.add(index)
        ref = MEETING_REF.search(line)
        if ref and ref.group("abbr").upper() not in ("SID", "DNR") and fields.meeting is None:
            fields.meeting = dt.date.fromisoformat(ref.group("date"))
            if len(MEETING_REF.sub("", line).strip()) == 0:
                fields.used.add(index)
    if fields.diary is None and fields.diary_blank is None:
        _diary_in_a_row(lines, end, fields)
    bare = [(index, date) for index, date in bare_dates if date != fields.meeting]
    if fields.document_date is None and bare:
        index, date = bare[0]
        fields.document_date = date
        if index >= 0:
            fields.used.add(index)
    return fields


def _bare_date(part: str, index: int, dates: list[tuple[int, dt.date]], whole: bool) -> None:
    """A date standing alone: the report's, when no label names one (index -1 when the
    line holds more than the date)."""
    date = parse_swedish_date(part)
    leftover = re.sub(r"[\d\s\-./]|\b[a-zåä]+\b", "", part, flags=re.IGNORECASE)
    if date is not None and not leftover:
        dates.append((index if whole else -1, date))


#: A diary number by its shape alone: with a slash ("SN 18/0098", "1.5-123/2012") or
#: as "7-742-2011"; a phone number ("08-581 690 00") or a date has neither.
_DIARY_SHAPE = re.compile(
    r"(?<![\w/.-])(?:[A-ZÅÄÖ]{1,6} ?)?(?:\d[\d.]*-)?\d+/\d{2,4}(?![\w/-])"
    r"|(?<![\w/.-])\d{1,2}-\d{2,5}-(?:19|20)\d\d(?![\w/-])"
)


def _diary_in_a_row(lines: list[str], end: int, fields: HeaderFields) -> None:
    """A letterhead laid out as a form: the labels on one row ("Datum Vår beteckning"),
    the values on a row below ("2018-08-28 SN 18/0098"). A diary label without a value
    takes the one number of that shape on the first page, and says so."""
    labelled = [
        i
        for i in range(end)
        if any(s.kind == "diary" and not s.value for s in segments(lines[i], i)[0])
    ]
    if not labelled:
        return
    found = [
        (i, m.group(0))
        for i in range(labelled[0] + 1, end)
        for m in _DIARY_SHAPE.finditer(lines[i])
    ]
    if len({value for _, value in found}) == 1:
        fields.diary = found[0][1]
        fields.diary_row = lines[found[0][0]].strip()


def _stored(segment: Segment) -> bool:
    """Whether a field keeps what the segment says (an e-mail address is kept nowhere)."""
    if segment.kind in ("email", "theirs"):
        return False
    if segment.kind == "date":
        return parse_swedish_date(segment.value) is not None
    return True


def _take(
    fields: HeaderFields, segment: Segment, lines: list[str], bare: list[tuple[int, dt.date]]
) -> None:
    value = segment.value
    if not value and segment.kind not in ("page", "till"):
        following = _next_value(lines, segment.line, segment.column)
        if following is not None:
            value = segment.value = following[0]
            if (segment.kind != "date" or parse_swedish_date(value)) and following[1] >= 0:
                fields.used.add(following[1])
    kind = segment.kind
    if kind == "officer" and fields.officer is None:
        person = _PERSON.match(value)
        if person:
            fields.officer = person.group("name").strip()
            rest = value[person.end() :]
            phone = PHONE.search(_ISO_DATE.sub(" ", rest))
            if phone and fields.phone is None:
                fields.phone = _clean_phone(phone.group(0))
    elif kind == "phone" and fields.phone is None:
        phone = PHONE.search(_ISO_DATE.sub(" ", value))
        if phone:
            fields.phone = _clean_phone(phone.group(0))
    elif kind == "diary" and fields.diary is None:
        form = DIARY_FORM.search(value)
        if form and not re.fullmatch(r"\d{4}-\d\d-\d\d", form.group(0)):
            fields.diary = form.group(0).strip()
        elif value and fields.diary_blank is None and not re.search(r"[a-zåäö]", value, re.I):
            fields.diary_blank = value  # "Dnr - - 2007": the field is there, not filled in
            years = YEAR.findall(value)
            if years:
                fields.diary_year = int(years[0])
    elif kind == "meeting":
        if fields.meeting is None:
            date = parse_swedish_date(value)
            if date is None:
                fields.meeting_text = lines[segment.line].strip()
            fields.meeting = date
    elif kind == "date" and fields.document_date is None:
        fields.document_date = parse_swedish_date(value)
    elif kind == "page":
        rest = _PAGE_NUMBER.sub("", value, count=1).strip()
        date = parse_swedish_date(rest) if rest else None
        if date is not None:
            bare.append((segment.line, date))
    elif kind == "till" and fields.addressee is None and not value:
        name = _addressee_below(lines, segment, fields)
        if name:
            fields.addressee = name
            fields.addressee_line = segment.line
    elif kind == "till" and fields.addressee is None and value:
        name = addressee_name(value)
        if name:
            fields.addressee = name
            fields.addressee_line = segment.line
            rest = value[len(name) :]
            ref = MEETING_REF.search(rest)
            if ref and fields.meeting is None:
                fields.meeting = dt.date.fromisoformat(ref.group("date"))


def _addressee_below(lines: list[str], segment: Segment, fields: HeaderFields) -> str | None:
    """'Till' at the right of a letterhead line, the name under it in the same column."""
    column = segment.column
    if column <= 0:
        return None
    parts = []
    index = segment.line + 1
    while index < min(len(lines), segment.line + 4):
        found = _in_column(lines, index, column)
        if found is None:
            break
        parts.append(found[0])
        if found[1]:
            fields.used.add(index)
        index += 1
        if ADDRESSEE_WORD.search(found[0]):
            break
    under = _in_column(lines, index, column) if index < len(lines) else None
    date = parse_swedish_date(under[0]) if under else None
    if under and date and len(under[0]) <= 30 and fields.meeting is None:
        fields.meeting = date  # Stockholm's place for the meeting: under the addressee
        fields.meeting_under = True
        if under[1]:
            fields.used.add(index)
    return addressee_name(" ".join(parts)) if parts else None


def addressee_name(text: str) -> str | None:
    """'Farsta stadsdelsnämnd SDN 2012-12-13' -> 'Farsta stadsdelsnämnd';
    'Socialnämnden Centrum' stays whole; None when no council is named."""
    text = MEETING_REF.split(text, maxsplit=1)[0] if MEETING_REF.search(text) else text
    text = text.strip(" \t:.,;")
    match = ADDRESSEE_WORD.search(text)
    if match is None or not text[:1].isupper():
        return None
    end = match.end()
    tail = re.match(
        r"(?:\s+(?:i|för)\s+[A-ZÅÄÖ][\w-]*(?:\s+(?:kommun|stad|län))?|"
        r"(?:\s+[A-ZÅÄÖ][a-zåäöé]+){1,2}(?=\s*$))",
        text[end:],
    )
    if tail:
        end += tail.end()
    return text[:end].strip()


def _clean_phone(phone: str) -> str:
    return re.sub(r"\s+", " ", phone.strip(" -–/"))

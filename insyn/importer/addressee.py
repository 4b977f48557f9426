"""Whom the document is addressed to, wherever that stands, and which district it is.

Stockholm's tjänsteutlåtanden put "Till / Hässelby-Vällingby stadsdelsnämnd" under
the letterhead; other documents put the addressee after the summary, run it into
a flattened header ("... Till Farsta stadsdelsnämnd"), follow it with the
committee's meeting reference ("Till Socialnämnden SN 2013-02-20 nr 7"), or name
no addressee at all. An addressee that is not one of Stockholm's district
councils is never taken for one: it is proposed as an organisation instead.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from insyn.importer.dates import parse_swedish_date
from insyn.importer.labels import ADDRESSEE_WORD, addressee_name
from insyn.importer.newcomers import Newcomer, propose, resolve
from insyn.importer.orgs import Directory

_MUNICIPALITY = re.compile(
    r"(?<![\wåäö-])(?P<name>[A-ZÅÄÖ][\wåäöé-]+(?:s)? (?:kommun|[Ss]tad)|Region [A-ZÅÄÖ][\wåäö]+"
    r"|[A-ZÅÄÖ]+S? (?:KOMMUN|STAD))(?![\wåäö-])"
)


#: An addressee that names no council in particular.
_GENERIC_COUNCIL = re.compile(r"^(?:stadsdels)?nämnden$|^nämnd$|^styrelsen$", re.IGNORECASE)


@dataclass
class Addressee:
    """The addressee as written, the district it is, and the lines it used."""

    name: str | None = None
    district: str | None = None
    other: str | None = None  # an organisation of the site that is not a district
    newcomer: Newcomer | None = None
    #: a date alone on the line under the addressee: Stockholm's place for the meeting
    meeting: dt.date | None = None
    line: int | None = None
    used: set[int] = field(default_factory=set)


def find_addressee(
    lines: list[str], header_name: str | None, header_line: int | None, header_end: int
) -> Addressee:
    """The addressee: from the header, else a 'Till' line anywhere, else a council's
    name standing alone in the header."""
    if header_name is not None and header_line is not None:
        return Addressee(name=header_name, line=header_line, used={header_line})
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.casefold() in ("till", "till:"):
            block = _till_block(lines, index)
            if block is not None:
                written, last = block
                found = Addressee(name=written, line=index, used=set(range(index, last + 1)))
                _date_under(lines, last, found)
                return found
        inline = re.match(r"^Till:?\s+(?P<rest>.+)$", stripped)
        if inline and len(stripped) <= 160:
            name = addressee_name(inline.group("rest"))
            rest = inline.group("rest")
            if name is not None and (index < header_end or len(rest) - len(name) < 40):
                return Addressee(name=name, line=index, used={index})
    for index in range(header_end):
        stripped = lines[index].strip()
        if re.search(r"nämnd(?:en)?$", stripped) and len(stripped) <= 80:
            alone = addressee_name(stripped)
            if alone is not None and alone == stripped:
                return Addressee(name=alone, line=index, used={index})
    return Addressee()


def _date_under(lines: list[str], last: int, addressee: Addressee) -> None:
    """'Till / Socialnämnden / 2016-03-15': the date alone under the name."""
    for index in range(last + 1, min(len(lines), last + 3)):
        text = lines[index].strip()
        if not text:
            continue
        date = parse_swedish_date(text)
        leftover = re.sub(r"[\d\s\-./]|\b[a-zåä]+\b", "", text, flags=re.IGNORECASE)
        if date is not None and not leftover and len(text) <= 30:
            addressee.meeting = date
            addressee.used.add(index)
        return


def _till_block(lines: list[str], index: int) -> tuple[str, int] | None:
    """'Till' alone on a line: the name is on the next line (or two)."""
    window = range(index + 1, min(len(lines), index + 8))
    first = next((i for i in window if lines[i].strip()), None)
    if first is None or lines[first].strip().casefold() in ("till", "till:"):
        return None
    end = first
    block = [lines[first].strip()]
    while end + 1 < len(lines) and lines[end + 1].strip() and len(block) < 3:
        if ADDRESSEE_WORD.search(" ".join(block)):
            break
        block.append(lines[end + 1].strip())
        end += 1
    name = " ".join(block)
    named = addressee_name(name)
    return (named or name), end


def municipality(lines: list[str]) -> str | None:
    """The municipality whose letterhead this is ('Uppsala kommun', 'Göteborgs Stad')."""
    for line in lines[:40]:
        match = _MUNICIPALITY.search(line)
        if match:
            name = match.group("name")
            if name.isupper():  # "GÖTEBORGS STAD" in a logotype
                return " ".join(word.capitalize() for word in name.split())
            return name[0].upper() + name[1:]
    return None


def settle(addressee: Addressee, directory: Directory, lines: list[str]) -> None:
    """Which district the addressee is; or which organisation, or a proposed one."""
    if addressee.name is None:
        return
    if _GENERIC_COUNCIL.match(addressee.name.strip()):
        return  # "Till Stadsdelsnämnden": which one, the letterhead tells
    org = directory.match_name(addressee.name, "district")
    if org is None and re.search(r"stadsdels", addressee.name, re.IGNORECASE):
        mentioned = directory.mentioned(addressee.name, "district")
        org = mentioned[0] if len(mentioned) == 1 else None
    if org is None and not ADDRESSEE_WORD.search(addressee.name):
        # "Till / Bromma": a district written without "stadsdelsnämnd"
        mentioned = directory.mentioned(addressee.name, "district")
        org = mentioned[0] if len(mentioned) == 1 else None
    if org is not None:
        addressee.district = org.id
        return
    known = resolve(addressee.name, directory)
    if known is not None:
        addressee.other = known.id
        return
    place = municipality(lines)
    if place is not None and place.casefold().startswith("stockholm"):
        place = None if re.search(r"stadsdels", addressee.name, re.I) else "Stockholms stad"
    addressee.newcomer = propose(addressee.name, "organisation", addressee.name, place)

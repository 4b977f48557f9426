"""What the importer read out of one document, before it is written as a file."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from insyn.importer.newcomers import Newcomer


@dataclass(frozen=True)
class Person:
    name: str
    title_or_phone: str | None = None


@dataclass
class FundingDraft:
    """A funding line, perhaps without a year or payer yet (then it is only a TODO)."""

    status: str
    amount: int
    payer: str | None
    years: set[int] = field(default_factory=set)
    sources: list[str] = field(default_factory=list)
    note: str | None = None

    @property
    def year(self) -> int | None:
        return next(iter(self.years)) if len(self.years) == 1 else None


@dataclass
class Draft:
    """Every front-matter value found, and a TODO for every value not found or unsure."""

    title: str | None = None
    district: str | None = None
    district_name: str | None = None
    #: the addressee's organisation when it is not a district (a known or a proposed id)
    addressee_id: str | None = None
    #: the municipality of the letterhead ("Uppsala kommun"), when it names one
    municipality: str | None = None
    meeting: dt.date | None = None
    year: int | None = None
    document_date: dt.date | None = None
    diary_number: str | None = None
    kind: str = "other"
    case_officer: Person | None = None
    signed_by: list[Person] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)
    #: "Kommunstyrelsen föreslår kommunfullmäktige att besluta följande": kept in the body
    proposal_lead: str | None = None
    immediate_adjustment: bool = False
    attachments: list[str] = field(default_factory=list)
    funding: list[FundingDraft] = field(default_factory=list)
    #: lines left out because their year or payer is unknown, written as commented YAML
    unsure_funding: list[tuple[str, FundingDraft]] = field(default_factory=list)
    body: str = ""
    #: letterhead lines no field took (the office, its department, its address)
    letterhead: list[str] = field(default_factory=list)
    #: organisations the document names that data/organisations.yaml does not know
    newcomers: list[Newcomer] = field(default_factory=list)
    todos: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def todo(self, key: str, text: str) -> None:
        self.todos[key].append(text)

    @property
    def decision_year(self) -> int | None:
        """The year for the file name: the meeting's, unless it precedes the report's date."""
        if self.meeting and self.document_date and self.meeting < self.document_date:
            return self.document_date.year
        if self.meeting:
            return self.meeting.year
        return self.year

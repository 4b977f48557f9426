"""The content model: typed, immutable entities built from validated sources.

Objects here are only ever made from data that passed the schema, so their
constructors trust types; what they keep besides values is where each value
came from (`Origin`), so that later checks can still report `path:line`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

#: A key path into a YAML document: mapping keys (str) and list indices (int).
KeyPath = tuple[str | int, ...]

DISTRICT = "district"
FUNDER = "funder"
ORGANISATION = "organisation"

STATUSES = ("applied", "granted", "rejected", "contributed")


@dataclass(frozen=True)
class Origin:
    """Where an entity was declared: its file and the line of each key path."""

    path: str
    lines: dict[KeyPath, int] = field(default_factory=dict, compare=False, hash=False)
    #: SHA-1 of the file's text, when known: a decision or project is made from its own
    #: file alone, so this stands for all of it (`versions.entity_version`)
    digest: str = field(default="", compare=False, hash=False, repr=False)

    def line(self, *keys: str | int) -> int:
        path: KeyPath = tuple(keys)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


@dataclass(frozen=True, order=True)
class PartialDate:
    """A year, a month or a day: project periods are often known only roughly."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        parts = [int(p) for p in str(value).split("-")]
        return cls(*parts)  # validated before: 1-3 parts

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        if self.day:
            return dt.date(self.year, self.month or 1, self.day)
        if self.month:
            following = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    def iso(self) -> str:
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text


@dataclass(frozen=True)
class Period:
    first: int | None
    last: int | None


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    type: str
    origin: Origin
    short_name: str | None = None
    category: str | None = None
    area: str | None = None
    aliases: tuple[str, ...] = ()
    active: Period | None = None
    website: str | None = None
    #: organisationsnummer, `NNNNNN-NNNN` (`model.orgnumber`)
    org_number: str | None = None
    #: the id of the organisation this one is a part of, and whose legal entity it is
    part_of: str | None = None

    @property
    def label(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True)
class Person:
    name: str
    phone: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Outcome:
    status: str
    note: str | None = None


@dataclass(frozen=True)
class FundingLine:
    """One amount, one year, from one organisation to another: the unit of every total.

    `to` and `project` are already resolved to their defaults; `source_kind`
    and `source_id` name the decision or project that declares the line.
    Money paid or received jointly names every member (`from_ids`, `to_ids`);
    `from_id` and `to_id` are the first of them. `amount` is None when the
    source names the money but not the sum, `year` when it gives no year: such
    a line is shown wherever it belongs and added to no total.
    """

    source_kind: str
    source_id: str
    index: int
    from_id: str
    to_id: str
    amount: int | None
    year: int | None
    status: str
    project_id: str | None
    note: str | None
    origin: Origin
    from_ids: tuple[str, ...] = ()
    to_ids: tuple[str, ...] = ()
    #: the decision whose application this granted or rejected line answers
    answers: str | None = None
    #: the funder's programme the money is applied for or granted from, as the source says
    programme: str | None = None

    def __post_init__(self) -> None:
        if not self.from_ids:
            object.__setattr__(self, "from_ids", (self.from_id,))
        if not self.to_ids:
            object.__setattr__(self, "to_ids", (self.to_id,))

    @property
    def line(self) -> int:
        return self.origin.line("funding", self.index)

    @property
    def joint_payer(self) -> bool:
        return len(self.from_ids) > 1

    @property
    def joint_recipient(self) -> bool:
        return len(self.to_ids) > 1

    @property
    def own(self) -> bool:
        """Paid by its own recipient(s): a contribution of one's own, not funding from a funder."""
        return set(self.from_ids) == set(self.to_ids)


@dataclass(frozen=True)
class BudgetLine:
    item: str
    year: int
    amount: int


@dataclass(frozen=True)
class ProjectPart:
    name: str
    organisation: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Decision:
    id: str
    title: str
    district: str
    kind: str
    year: int
    origin: Origin
    body: str = ""
    body_line: int = 1
    meeting: dt.date | None = None
    document_date: dt.date | None = None
    diary_number: str | None = None
    case_officer: Person | None = None
    signed_by: tuple[Person, ...] = ()
    proposals: tuple[str, ...] = ()
    immediate_adjustment: bool = False
    projects: tuple[str, ...] = ()
    funding: tuple[FundingLine, ...] = ()
    attachments: tuple[str, ...] = ()
    outcome: Outcome | None = None
    notes: tuple[str, ...] = ()
    source: str | None = None
    tags: tuple[str, ...] = ()
    draft: bool = False
    aliases: tuple[str, ...] = ()
    #: warning codes that `notes` explain (`quality.CODES`)
    acknowledged: tuple[str, ...] = ()

    @property
    def date(self) -> dt.date | None:
        """The date a reader would file the decision under."""
        return self.meeting or self.document_date


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    owner: str
    origin: Origin
    body: str = ""
    body_line: int = 1
    partners: tuple[str, ...] = ()
    start: PartialDate | None = None
    end: PartialDate | None = None
    status: str = "unknown"
    target_groups: tuple[str, ...] = ()
    parts: tuple[ProjectPart, ...] = ()
    funding: tuple[FundingLine, ...] = ()
    budget: tuple[BudgetLine, ...] = ()
    notes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    draft: bool = False
    aliases: tuple[str, ...] = ()
    #: warning codes that `notes` explain (`quality.CODES`)
    acknowledged: tuple[str, ...] = ()


@dataclass(frozen=True)
class Publisher:
    """Who publishes the open data, as the data catalogue names it (`opendata.dcat`).

    `type` is a term of the ADMS publisher types (http://purl.org/adms/publishertype/),
    which DCAT-AP-SE asks of every publisher; `uri` is the publisher's identity, by default
    the one Sweden's data portal gives an organisation number (`dataportal_uri`).
    """

    name: str
    type: str = "LocalAuthority"
    org_number: str | None = None
    email: str | None = None
    uri: str | None = None


@dataclass(frozen=True)
class SiteSettings:
    title: str
    base_url: str
    origin: Origin
    description: str = ""
    repo_url: str | None = None
    language: str = "sv"
    organisation: str | None = None
    contact_email: str | None = None
    licence: str | None = None
    licence_url: str | None = None
    accessibility_status: str = "partially-compliant"
    accessibility_assessed: dt.date | None = None
    statement_updated: dt.date | None = None
    accessibility_issues: tuple[str, ...] = ()
    #: where "Lämna sidan snabbt" leads: a neutral site (GOV.UK's "Exit this page" leads to
    #: a weather forecast too)
    quick_exit_url: str = "https://www.smhi.se/"
    #: who publishes the open data; None: `organisation` (or the title), a local authority
    publisher: Publisher | None = None

"""The granted funding lines as a 360Giving Data Standard package (`/data/360giving.json`).

360Giving describes grants; our granted lines are the grants. The standard
has no place for the other statuses, so: the applied amount for the same
payer, recipient, project and year goes in `amountAppliedFor`; own financing
and partners' committed shares (status `contributed`) for the same
recipient, project and year go in the extension field `insyn:contributedAmount`;
rejected lines are not grants and are left out. `awardDate` is the meeting
date of the decision that declares the line, else 1 January of the decision's
year (decisions known only by year), or of the line's year (lines declared on
a project, which have no decision). The rules are documented on `/data/`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from insyn.model import DISTRICT, FundingLine, PartialDate, orgnumber
from insyn.opendata.records import OpenData, Record

#: Our 360Giving identifier prefix: ids are made from our own ids, as the standard allows
#: for identifiers "held in the grant-maker's internal systems".
PREFIX = "360G-insyn-"
EXTENSION_FIELD = "insyn:contributedAmount"
CURRENCY = "SEK"
COUNTRY = "SE"
TITLE_LENGTH = 140

Key = tuple[str, str, str | None, int]


def grant_id(line: FundingLine) -> str:
    return f"{PREFIX}{line.source_kind}:{line.source_id}:{line.index}"


def org_identifier(org_id: str) -> str:
    return f"{PREFIX}org:{org_id}"


def _sums(lines: list[FundingLine], status: str, with_payer: bool) -> dict[Any, int]:
    sums: dict[Any, int] = defaultdict(int)
    for line in lines:
        if (
            line.status == status
            and line.amount is not None
            and not line.joint_payer
            and not line.joint_recipient
            and not (status != "contributed" and line.own)
        ):
            payer = line.from_id if with_payer else ""
            sums[(payer, line.to_id, line.project_id, line.year)] += line.amount
    return dict(sums)


def award_date(data: OpenData, line: FundingLine) -> str:
    if line.source_kind == "decision":
        decision = data.graph.decisions[line.source_id]
        if decision.meeting:
            return decision.meeting.isoformat()
        return f"{decision.year:04d}-01-01"
    return f"{line.year:04d}-01-01"


def beneficiary_district(data: OpenData, line: FundingLine) -> str | None:
    """The district the money is for: the deciding council, or a district that receives or owns."""
    graph = data.graph
    if line.source_kind == "decision":
        return graph.decisions[line.source_id].district
    if graph.organisations[line.to_id].type == DISTRICT:
        return line.to_id
    owner = graph.projects[line.source_id].owner
    return owner if graph.organisations[owner].type == DISTRICT else None


#: Extension field: the legal entity of an organisation that is not one (a district
#: council, a part of another organisation), by its SE-ON identifier and name.
LEGAL_ENTITY_FIELD = "insyn:legalEntity"


def _organisation(data: OpenData, org_id: str) -> Record:
    """An organisation as 360Giving has it: `SE-ON-<number>` for a legal entity with its
    organisationsnummer (org-id.guide), else our `360G-` id, with the legal entity it
    belongs to stated (a district council is its municipality's committee)."""
    ref = data.org_ref(org_id)
    entity = orgnumber.legal_entity(data.graph.organisations[org_id], data.graph.organisations)
    if entity is not None and entity.own:
        return {"id": entity.identifier, "name": ref["name"], "url": ref["url"]}
    record: Record = {"id": org_identifier(org_id), "name": ref["name"], "url": ref["url"]}
    if entity is not None:
        owner: Record = {"id": entity.identifier}
        if entity.owner is not None:
            owner["name"] = entity.owner.name
        record[LEGAL_ENTITY_FIELD] = owner
    return record


def grant(
    data: OpenData, line: FundingLine, applied: dict[Any, int], contributed: dict[Any, int]
) -> Record:
    graph = data.graph
    payer = graph.organisations[line.from_id]
    receiver = graph.organisations[line.to_id]
    project = graph.projects[line.project_id] if line.project_id else None
    subject = project.name if project else data.source_title(line)
    title = f"{subject} ({line.year})"
    if len(title) > TITLE_LENGTH:
        title = f"{title[: TITLE_LENGTH - 1].rstrip()}…"
    kind = "beslutet" if line.source_kind == "decision" else "projektet"
    description = (
        f"{payer.name} beviljade {line.amount} kronor till {receiver.name} för {line.year}"
        f"{f' till projektet {project.name}' if project else ''}. "
        f"Källa: {kind} {data.source_title(line)}."
    )
    if line.note:
        description += f" Anmärkning: {line.note}"
    record: Record = {
        "id": grant_id(line),
        "title": title,
        "description": description,
        "currency": CURRENCY,
        "amountAwarded": line.amount,
    }
    key = (line.from_id, line.to_id, line.project_id, line.year)
    if key in applied:
        record["amountAppliedFor"] = applied[key]
    record["awardDate"] = award_date(data, line)
    record["url"] = data.source_url(line)
    record["dataSource"] = data.source_url(line)
    record["dateModified"] = data.published(line.origin)[1].isoformat()
    planned = planned_dates(project.start, project.end) if project else None
    if planned:
        record["plannedDates"] = [planned]
    if line.programme:
        record["grantProgramme"] = [{"title": line.programme}]
    record["fundingOrganization"] = [_organisation(data, line.from_id)]
    record["recipientOrganization"] = [_organisation(data, line.to_id)]
    district = beneficiary_district(data, line)
    if district:
        record["beneficiaryLocation"] = [
            {
                "id": f"{PREFIX}location:{district}",
                "name": graph.organisations[district].name,
                "countryCode": COUNTRY,
            }
        ]
    own = contributed.get(("", line.to_id, line.project_id, line.year))
    if own:
        record[EXTENSION_FIELD] = own
    return record


def planned_dates(start: PartialDate | None, end: PartialDate | None) -> Record | None:
    """A project's planned period as 360Giving has it: start and end dates when both are
    known to the day, else the length in whole months when both are known to the month
    (January to June is 6), else nothing: a year alone is no date, and a guessed day
    would say what the source does not."""
    if start is None or end is None:
        return None
    if start.day and end.day:
        return {"startDate": start.iso(), "endDate": end.iso()}
    if start.month and end.month:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        return {"duration": months} if months > 0 else None
    return None


def is_grant(line: FundingLine) -> bool:
    """A 360Giving grant: granted money with a stated sum and year, from one funder to
    one recipient. Lines of unknown sum, without a year or jointly paid or received are
    not (the standard's `amountAwarded` and `awardDate` are required, and a grant has one
    recipient); `/data/` says so, and `finansiering.json` has them all."""
    return (
        line.status == "granted"
        and line.amount is not None
        and line.year is not None
        and not line.joint_payer
        and not line.joint_recipient
    )


def has_grants(lines: Iterable[FundingLine]) -> bool:
    """Whether there is a grant to put in a package: the standard asks for at least one."""
    return any(is_grant(line) for line in lines)


def package(data: OpenData) -> Record:
    """The 360Giving package: metadata the package schema allows, then every granted line.

    With no granted line the list is empty, which the standard's package
    schema does not accept (`minItems: 1`): the file is still written, so its
    URL never breaks, and `/data/` says so.
    """
    settings = data.settings
    lines = list(data.ledger.lines)
    applied = _sums(lines, "applied", with_payer=True)
    contributed = _sums(lines, "contributed", with_payer=False)
    result: Record = {
        "title": f"Beviljade medel – {settings.title}",
        "description": (
            "Beviljade finansieringsrader (status granted) från Insyn som 360Giving-bidrag. "
            "Sökta belopp står i amountAppliedFor, egen finansiering och medfinansiering i "
            f"tilläggsfältet {EXTENSION_FIELD}. Dokumentation: {data.absolute('/data/')}"
        ),
        "identifier": f"{PREFIX}package",
        "publisher": {
            "name": settings.organisation or settings.title,
            "website": data.absolute("/"),
        },
        "accessURL": data.absolute("/data/"),
        "downloadURL": data.absolute("/data/360giving.json"),
    }
    if settings.licence_url:
        result["license"] = settings.licence_url
    result["grants"] = [grant(data, line, applied, contributed) for line in lines if is_grant(line)]
    return result

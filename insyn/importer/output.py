"""The draft as a decision file, in the same shape and Swedish as `new decision`.

Every key carries the schema's description as a comment, like the scaffold;
every value the importer could not settle is a `# TODO:` line above its key.
"""

from __future__ import annotations

import json
from typing import Any

from insyn.importer.draft import Draft, FundingDraft
from insyn.sources.schema import load_schema


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _descriptions() -> dict[str, str]:
    schema = load_schema("decision.schema.json")
    common = load_schema("common.schema.json")
    result: dict[str, str] = {}
    for key, prop in schema["properties"].items():
        text = prop.get("description")
        if not text and "$ref" in prop:
            text = common["$defs"][prop["$ref"].rsplit("/", 1)[-1]].get("description", "")
        result[key] = str(text or "")
    return result


def _funding_item(line: FundingDraft, prefix: str = "  ") -> list[str]:
    dated = [s for s in line.sources if line.year and str(line.year) in s]
    source = (dated or line.sources or [""])[0]
    quoted = source if len(source) <= 140 else source[:139].rstrip() + "…"
    out = [f"  # Ur dokumentet: ”{quoted}”"] if source and prefix == "  " else []
    out += [
        f"{prefix}- from: {line.payer or 'ID'}",
        f"{prefix}  amount: {line.amount}",
        f"{prefix}  year: {line.year or 'ÅÅÅÅ'}",
        f"{prefix}  status: {line.status}",
    ]
    if line.note:
        out.append(f"{prefix}  note: {_q(line.note)}")
    return out


def _other_county(draft: Draft, line: FundingDraft) -> bool:
    """A bare "Länsstyrelsen" in another municipality's document is that county's."""
    elsewhere = draft.municipality and not draft.municipality.casefold().startswith("stockholm")
    named = any("stockholm" in source.casefold() for source in line.sources)
    return bool(elsewhere) and line.payer == "lansstyrelsen-stockholm" and not named


def render_draft(draft: Draft, source_name: str, project_hint: str | None) -> str:
    d = _descriptions()
    out: list[str] = [
        "---",
        "# yaml-language-server: $schema=../../insyn/schemas/decision.schema.json",
    ]
    out.append(f"# Importerad från {source_name}. Granska varje värde mot originalet.")
    if draft.letterhead:
        out.append("# Brevhuvudets övriga rader (inte inlästa som fält, inte publicerade):")
        out.extend(f"#   {line}" for line in draft.letterhead)

    def todos(key: str) -> None:
        out.extend(f"# TODO: {text}" for text in draft.todos.get(key, []))

    def scalar(key: str, value: Any, present: bool = True, example: str = '""') -> None:
        todos(key)
        if present and value is not None:
            out.append(f"{key}: {value}  # {d[key]}")
        else:
            out.append(f"# {key}: {example}  # {d[key]}")

    def strings(key: str, values: list[str]) -> None:
        todos(key)
        if values:
            out.append(f"{key}:  # {d[key]}")
            out.extend(f"  - {_q(v)}" for v in values)
        else:
            out.append(f"{key}: []  # {d[key]}")

    scalar("title", _q(draft.title) if draft.title else None, example='"Ärendemening"')
    if draft.district_name:
        out.append(f"# Mottagare i dokumentet: ”{draft.district_name}”")
    scalar("district", draft.district, example="stadsdelsnamndens-id")
    if draft.meeting:
        scalar("meeting", draft.meeting.isoformat())
        out.append(f"# year:  # {d['year']}")
    else:
        scalar("meeting", None, example="ÅÅÅÅ-MM-DD")
        scalar("year", draft.year, example="ÅÅÅÅ")
    scalar(
        "document_date",
        draft.document_date.isoformat() if draft.document_date else None,
        example="ÅÅÅÅ-MM-DD",
    )
    scalar("diary_number", _q(draft.diary_number) if draft.diary_number else None)
    scalar("kind", draft.kind)
    todos("case_officer")
    if draft.case_officer:
        out.append(f"case_officer:  # {d['case_officer']}")
        out.append(f"  name: {_q(draft.case_officer.name)}")
        if draft.case_officer.title_or_phone:
            out.append(f"  phone: {_q(draft.case_officer.title_or_phone)}")
    else:
        out += [f"# case_officer:  # {d['case_officer']}", '#   name: ""', '#   phone: ""']
    todos("signed_by")
    if draft.signed_by:
        out.append(f"signed_by:  # {d['signed_by']}")
        for person in draft.signed_by:
            out.append(f"  - name: {_q(person.name)}")
            if person.title_or_phone:
                out.append(f"    title: {_q(person.title_or_phone)}")
    else:
        out.append(f"signed_by: []  # {d['signed_by']}")
    strings("proposals", draft.proposals)
    scalar("immediate_adjustment", "true" if draft.immediate_adjustment else "false")
    if project_hint:
        out.append(f"# TODO: {project_hint}")
    out.append(f"projects: []  # {d['projects']}")
    todos("funding")
    newcomers = {newcomer.id: newcomer for newcomer in draft.newcomers}
    if draft.funding:
        out.append(f"funding:  # {d['funding']}")
        for line in draft.funding:
            if line.payer in newcomers:
                out.append(
                    f"  # TODO: {newcomers[line.payer].name} finns inte i "
                    "data/organisations.yaml; lägg till posten som föreslås sist i front "
                    "matter (eller importera med --add-organisations) och granska den"
                )
            if _other_county(draft, line):
                out.append(
                    f"  # TODO: dokumentet är från {draft.municipality}; ”Länsstyrelsen” är "
                    "där troligen en annan länsstyrelse än Stockholms: kontrollera from"
                )
            out.extend(_funding_item(line))
    else:
        out.append(f"funding: []  # {d['funding']}")
    for reason, line in draft.unsure_funding:
        out.append(f"# TODO: {reason}")
        out.extend(_funding_item(line, prefix="#   "))
    strings("attachments", draft.attachments)
    out.append(
        "# TODO: ange nämndens beslut (approved/rejected) när protokollet finns; "
        "tjänsteutlåtandet innehåller bara förvaltningens förslag"
    )
    out.append(f"outcome:  # {d['outcome']}")
    out.append("  status: unknown")
    out.append(f"notes: []  # {d['notes']}")
    out.append(f'# source: ""  # {d["source"]}')
    out.append(f"tags: []  # {d['tags']}")
    out.append(f"draft: true  # {d['draft']}")
    if draft.newcomers:
        out.append(
            "# Organisationer som dokumentet nämner men som saknas i data/organisations.yaml."
        )
        out.append("# Klistra in dem där (eller importera med --add-organisations):")
        for newcomer in draft.newcomers:
            out.extend(f"#   {line}" for line in newcomer.yaml(source_name))
    out.append("---")
    return "\n".join(out) + "\n" + draft.body

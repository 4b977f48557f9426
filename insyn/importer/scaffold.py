"""`new decision|project`: a content file with every key present or commented.

The comments are the schemas' own Swedish descriptions, so the scaffold and
the field reference can never disagree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from insyn.model.i18n import _
from insyn.model.ids import slugify
from insyn.model.problems import ERROR, did_you_mean, problem_line
from insyn.sources.finished import PLACEHOLDERS
from insyn.sources.load import ORGANISATIONS, display, read_organisations
from insyn.sources.schema import load_schema
from insyn.sources.yamlsource import YamlError


def _organisations(data: Path) -> dict[str, str] | None:
    """id -> type of every organisation, or None (with a message) if unreadable."""
    path = data / ORGANISATIONS
    try:
        document = read_organisations(data)
    except (OSError, UnicodeDecodeError) as exc:
        print(
            problem_line(display(path), 1, ERROR, _("cannot read: {reason}", reason=str(exc))),
            file=sys.stderr,
        )
        return None
    except YamlError as exc:
        print(problem_line(display(path), exc.line, ERROR, exc.message), file=sys.stderr)
        return None
    entries = document.data if isinstance(document.data, list) else []
    return {str(e["id"]): str(e.get("type")) for e in entries if isinstance(e, dict) and "id" in e}


def _description(schema: dict[str, Any], key: str) -> str:
    prop = schema["properties"].get(key, {})
    text = prop.get("description")
    if not text and "$ref" in prop:
        common = load_schema("common.schema.json")
        text = common["$defs"][prop["$ref"].rsplit("/", 1)[-1]].get("description", "")
    return str(text or "")


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_decision(district: str, title: str, meeting: str | None) -> str:
    schema = load_schema("decision.schema.json")

    def d(key: str) -> str:
        return _description(schema, key)

    when = (
        f"meeting: {meeting}  # {d('meeting')}\n# year:  # {d('year')}"
        if meeting
        else f"# meeting: ÅÅÅÅ-MM-DD  # {d('meeting')}\nyear: {dt.date.today().year}  # {d('year')}"
    )
    return f"""---
# yaml-language-server: $schema=../../insyn/schemas/decision.schema.json
title: {_quote(title)}  # {d("title")}
district: {district}  # {d("district")}
{when}
# document_date: ÅÅÅÅ-MM-DD  # {d("document_date")}
# diary_number: ""  # {d("diary_number")}
kind: application  # {d("kind")}
# case_officer:  # {d("case_officer")}
#   name: ""
#   phone: ""
# signed_by:  # {d("signed_by")}
#   - name: ""
#     title: stadsdelsdirektör
proposals: []  # {d("proposals")}
immediate_adjustment: false  # {d("immediate_adjustment")}
projects: []  # {d("projects")}
funding: []  # {d("funding")}
#   - from: lansstyrelsen-stockholm  # Id för organisationen som betalar.
#     amount: 100000  # Hela kronor.
#     year: {dt.date.today().year}
#     status: applied  # applied, granted, rejected eller contributed.
attachments: []  # {d("attachments")}
outcome:  # {d("outcome")}
  status: pending
notes: []  # {d("notes")}
# source: ""  # {d("source")}
tags: []  # {d("tags")}
draft: true  # {d("draft")}
---
## Sammanfattning

## Bakgrund

## Ärendets beredning

## Förvaltningens förslag
"""


def render_project(owner: str, name: str) -> str:
    schema = load_schema("project.schema.json")

    def d(key: str) -> str:
        return _description(schema, key)

    return f"""---
# yaml-language-server: $schema=../../insyn/schemas/project.schema.json
name: {_quote(name)}  # {d("name")}
owner: {owner}  # {d("owner")}
partners: []  # {d("partners")}
# start: {dt.date.today().year}  # {d("start")}
# end: {dt.date.today().year + 1}  # {d("end")}
status: planned  # {d("status")}
target_groups: []  # {d("target_groups")}
parts: []  # {d("parts")}
#   - name: ""
#     organisation: ""
#     description: ""
funding: []  # {d("funding")}
budget: []  # {d("budget")}
#   - item: Samordnare
#     year: {dt.date.today().year}
#     amount: 100000
notes: []  # {d("notes")}
tags: []  # {d("tags")}
draft: true  # {d("draft")}
---
{PLACEHOLDERS[0]}
"""


def new_content(args: argparse.Namespace) -> int:
    organisations = _organisations(args.data)
    if organisations is None:
        return 1
    if args.kind == "decision":
        org_id, wanted, label = args.district, "district", _("district")
        if args.meeting:
            try:
                dt.date.fromisoformat(args.meeting)
            except ValueError:
                print(
                    "error: "
                    + _(
                        "--meeting '{meeting}' is not a date: write YYYY-MM-DD",
                        meeting=args.meeting,
                    ).text(),
                    file=sys.stderr,
                )
                return 1
        stem = slugify(
            f"{(args.meeting or str(dt.date.today().year))[:4]} {args.district} {args.title}"
        )
        folder = args.content / "decisions"
    else:
        org_id, wanted, label = args.owner, None, _("owner")
        stem = slugify(args.name)
        folder = args.content / "projects"
    if org_id not in organisations:
        candidates = [k for k, t in organisations.items() if wanted in (None, t)]
        print(
            "error: "
            + _(
                "unknown {label} '{id}'{hint}",
                label=label,
                id=org_id,
                hint=did_you_mean(org_id, candidates),
            ).text(),
            file=sys.stderr,
        )
        return 1
    if wanted and organisations[org_id] != wanted:
        print(
            "error: "
            + _(
                "'{id}' is of type '{type}', not '{wanted}'",
                id=org_id,
                type=organisations[org_id],
                wanted=wanted,
            ).text(),
            file=sys.stderr,
        )
        return 1
    stem = stem[:80].rstrip("-") or "nytt"
    path = folder / f"{stem}.md"
    if path.exists():
        print(
            "error: " + _("{file} already exists; not overwriting it", file=display(path)).text(),
            file=sys.stderr,
        )
        return 1
    text = (
        render_decision(args.district, args.title, args.meeting)
        if args.kind == "decision"
        else render_project(args.owner, args.name)
    )
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(display(path))
    return 0

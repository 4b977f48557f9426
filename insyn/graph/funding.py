"""Funding lines made from a decision's or project's `funding` (contract section 6).

Each line's payer and recipient are one organisation or several together (`from_ids`,
`to_ids`); its `project` defaults to the file's only project; `answers` names the
decision whose application the line answers, checked once every decision is made
(`check_answers`).
"""

from __future__ import annotations

from insyn.graph.resolve import Resolver
from insyn.model import (
    Decision,
    FundingLine,
    Origin,
    Project,
)
from insyn.model.i18n import _
from insyn.model.problems import Problems
from insyn.sources.load import DECISION, PROJECT, SourceFile


def funding_lines(
    source: SourceFile,
    resolver: Resolver,
    default_to: str,
    default_project: str | None,
    own_project: str | None,
) -> tuple[tuple[FundingLine, ...], bool]:
    lines: list[FundingLine] = []
    ok = True
    origin = Origin(source.path, source.front.lines, source.digest)
    for index, raw in enumerate(source.data.get("funding") or []):
        from_ids = _ids(raw["from"])
        for at, org_id in enumerate(from_ids):
            where = (
                ("funding", index, "from")
                if isinstance(raw["from"], str)
                else ("funding", index, "from", at)
            )
            ok &= resolver.organisation(source, where, org_id)
        to_ids = _ids(raw.get("to", default_to))
        if "to" in raw:
            for at, org_id in enumerate(to_ids):
                where = (
                    ("funding", index, "to")
                    if isinstance(raw["to"], str)
                    else ("funding", index, "to", at)
                )
                ok &= resolver.organisation(source, where, org_id)
        project_id = raw.get("project", default_project)
        if own_project is not None and "project" in raw and raw["project"] != own_project:
            resolver.problems.error(
                source.path,
                source.line("funding", index, "project"),
                _(
                    "funding[{index}].project: a project's own funding lines belong to it; remove "
                    "'project: {project}' or declare the line on '{project}'",
                    index=index,
                    project=raw["project"],
                ),
            )
            ok = False
        elif project_id is not None and "project" in raw and own_project is None:
            ok &= resolver.content(source, ("funding", index, "project"), PROJECT, project_id)
        answers = raw.get("answers")
        if answers is not None:
            ok &= _check_answers(source, resolver, index, raw["status"], answers)
        lines.append(
            FundingLine(
                source_kind=source.kind,
                source_id=source.stem,
                index=index,
                from_id=from_ids[0],
                to_id=to_ids[0],
                amount=raw.get("amount"),
                year=raw.get("year"),
                status=raw["status"],
                project_id=project_id,
                note=raw.get("note"),
                programme=raw.get("programme"),
                origin=origin,
                from_ids=from_ids,
                to_ids=to_ids,
                answers=answers,
            )
        )
    return tuple(lines), ok


def _ids(value: str | list[str]) -> tuple[str, ...]:
    """One organisation id, or the ids of money paid or received jointly."""
    return (value,) if isinstance(value, str) else tuple(value)


def _check_answers(
    source: SourceFile, resolver: Resolver, index: int, status: str, answers: str
) -> bool:
    """`answers` is on a granted or rejected line and names a decision on the site; that
    it holds an application from the same payer is checked once all are made
    (`check_answers`)."""
    line = source.line("funding", index, "answers")
    if status not in ("granted", "rejected"):
        resolver.problems.error(
            source.path,
            line,
            _(
                "funding[{index}].answers: only a granted or rejected line answers an "
                "application; this line is '{status}'",
                index=index,
                status=status,
            ),
        )
        return False
    return resolver.content(source, ("funding", index, "answers"), DECISION, answers)


def check_answers(
    decisions: dict[str, Decision], projects: dict[str, Project], problems: Problems
) -> None:
    """A line that answers a decision answers an application there from the same payer."""
    entities: list[Decision | Project] = [*decisions.values(), *projects.values()]
    for entity in entities:
        for line in entity.funding:
            target = decisions.get(line.answers) if line.answers else None
            if target is None:
                continue
            asked = [ln for ln in target.funding if ln.status == "applied"]
            if not any(set(ln.from_ids) == set(line.from_ids) for ln in asked):
                payer = ", ".join(line.from_ids)
                problems.error(
                    entity.origin.path,
                    entity.origin.line("funding", line.index, "answers"),
                    _(
                        "funding[{index}].answers: decision '{id}' has no applied line from "
                        "'{payer}' for this line to answer",
                        index=line.index,
                        id=target.id,
                        payer=payer,
                    ),
                )

"""References checked while entities are made: each broken one reported at its own line.

An organisation, decision or project named in a file must exist (and be published, unless
the file is a draft too); a `Resolver` holds what exists and reports what does not, with
a suggestion when a known id is close.
"""

from __future__ import annotations

from typing import Any

from insyn.model import (
    DISTRICT,
    Organisation,
)
from insyn.model.i18n import _
from insyn.model.ids import is_valid_id
from insyn.model.problems import Problems, did_you_mean
from insyn.sources.load import DECISION, KIND_WORD, PROJECT, SourceFile


class Resolver:
    """Checks references and reports each broken one at its own line."""

    def __init__(
        self,
        organisations: dict[str, Organisation],
        declared_organisations: set[str],
        stems: dict[str, set[str]],
        drafts: dict[str, set[str]],
        problems: Problems,
    ) -> None:
        self.organisations = organisations
        self.declared = declared_organisations
        self.stems = stems
        self.drafts = drafts
        self.problems = problems
        #: False when data/organisations.yaml could not be read: that one error is enough.
        self.organisations_readable = True

    def organisation(
        self,
        source: SourceFile,
        path: tuple[str | int, ...],
        org_id: str,
        want_type: str | None = None,
    ) -> bool:
        where = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(
            ".[", "["
        )
        line = source.line(*path)
        org = self.organisations.get(org_id)
        if org is None:
            if org_id in self.declared or not self.organisations_readable:
                return False  # the entry or the whole file is broken and reported there
            self.problems.error(
                source.path,
                line,
                _(
                    "{where}: unknown organisation '{org_id}'{hint} (organisations are listed in "
                    "data/organisations.yaml)",
                    where=where,
                    org_id=org_id,
                    hint=did_you_mean(org_id, self.organisations),
                ),
            )
            return False
        if want_type and org.type != want_type:
            same_type = [o.id for o in self.organisations.values() if o.type == want_type]
            self.problems.error(
                source.path,
                line,
                _(
                    "{where}: '{org_id}' is of type '{type}', but a {want_type} is needed{hint}",
                    where=where,
                    org_id=org_id,
                    type=org.type,
                    want_type=want_type,
                    hint=did_you_mean(org_id, same_type),
                ),
            )
            return False
        return True

    def content(
        self, source: SourceFile, path: tuple[str | int, ...], kind: str, target: str
    ) -> bool:
        where = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(
            ".[", "["
        )
        line = source.line(*path)
        if target not in self.stems.get(kind, set()):
            folder = "content/decisions" if kind == DECISION else "content/projects"
            self.problems.error(
                source.path,
                line,
                _(
                    "{where}: unknown {kind} '{target}'{hint} (no {folder}/{target}.md)",
                    where=where,
                    kind=KIND_WORD[kind],
                    target=target,
                    hint=did_you_mean(target, self.stems.get(kind, set())),
                    folder=folder,
                ),
            )
            return False
        if target in self.drafts.get(kind, set()) and not source.data.get("draft"):
            self.problems.error(
                source.path,
                line,
                _(
                    "{where}: {kind} '{target}' is a draft and will not be published; publish it "
                    "first or mark this file as a draft too",
                    where=where,
                    kind=KIND_WORD[kind],
                    target=target,
                ),
            )
            return False
        return True


def check_references_of_broken(source: SourceFile, resolver: Resolver) -> None:
    """The references in a file whose structure is wrong, each checked where it has the
    shape of an id: a misspelt district is reported in the same run as a malformed amount,
    not only once the amount is fixed."""
    data = source.data

    def org(path: tuple[str | int, ...], value: Any, want: str | None = None) -> None:
        if isinstance(value, str) and is_valid_id(value):
            resolver.organisation(source, path, value, want)

    def orgs(path: tuple[str | int, ...], value: Any) -> None:
        if isinstance(value, list):
            for at, item in enumerate(value):
                org((*path, at), item)
        else:
            org(path, value)

    def content(path: tuple[str | int, ...], kind: str, value: Any) -> None:
        if isinstance(value, str) and is_valid_id(value):
            resolver.content(source, path, kind, value)

    if source.kind == DECISION:
        org(("district",), data.get("district"), DISTRICT)
        for index, project_id in enumerate(_list(data.get("projects"))):
            content(("projects", index), PROJECT, project_id)
    else:
        org(("owner",), data.get("owner"))
        for index, partner in enumerate(_list(data.get("partners"))):
            org(("partners", index), partner)
        for index, part in enumerate(_list(data.get("parts"))):
            if isinstance(part, dict):
                org(("parts", index, "organisation"), part.get("organisation"))
    for index, line in enumerate(_list(data.get("funding"))):
        if not isinstance(line, dict):
            continue
        orgs(("funding", index, "from"), line.get("from"))
        orgs(("funding", index, "to"), line.get("to"))
        if source.kind == DECISION:
            content(("funding", index, "project"), PROJECT, line.get("project"))
        content(("funding", index, "answers"), DECISION, line.get("answers"))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []

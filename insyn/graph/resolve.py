"""References checked while entities are made: each broken one reported at its own line.

An organisation, decision or project named in a file must exist (and be published, unless
the file is a draft too); a `Resolver` holds what exists and reports what does not, with
a suggestion when a known id is close.
"""

from __future__ import annotations

from insyn.model import (
    Organisation,
)
from insyn.model.problems import Problems, did_you_mean
from insyn.sources.load import DECISION, PROJECT, SourceFile

KIND_WORD = {DECISION: "decision", PROJECT: "project"}


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
                f"{where}: unknown organisation '{org_id}'"
                f"{did_you_mean(org_id, self.organisations)}"
                " (organisations are listed in data/organisations.yaml)",
            )
            return False
        if want_type and org.type != want_type:
            same_type = [o.id for o in self.organisations.values() if o.type == want_type]
            self.problems.error(
                source.path,
                line,
                f"{where}: '{org_id}' is of type '{org.type}', but a {want_type} is needed"
                f"{did_you_mean(org_id, same_type)}",
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
                f"{where}: unknown {KIND_WORD[kind]} '{target}'"
                f"{did_you_mean(target, self.stems.get(kind, set()))} (no {folder}/{target}.md)",
            )
            return False
        if target in self.drafts.get(kind, set()) and not source.data.get("draft"):
            self.problems.error(
                source.path,
                line,
                f"{where}: {KIND_WORD[kind]} '{target}' is a draft and will not be published; "
                "publish it first or mark this file as a draft too",
            )
            return False
        return True

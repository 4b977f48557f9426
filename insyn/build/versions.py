"""A digest of each thing a page can read (`reads.Key`), on one graph.

Two builds compare these: an output is stale when a key it recorded has a
new digest. An entity's digest covers every field of it (its body and file
lines too, through its file's text), the data-quality findings shown about it
and its file's git history; a key of the graph's order or an index covers
the ids it lists; a question to the ledger covers every field of each line
it answers with, where in its file too. Digests are made when first asked
for: a warm build asks only for the keys the last build's outputs recorded.
"""

from __future__ import annotations

import hashlib
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path

from insyn.graph.link import SiteGraph
from insyn.graph.quality import Finding
from insyn.model import Decision, FundingLine, Project, keys
from insyn.model.keys import Key
from insyn.sources.history import History, content_relative

ABSENT = "absent"
#: The kind of a template's key, `("template", "decision.html")` (`build.render`).
TEMPLATE = "template"

#: A funding line's fields but its origin, which is written as its file and line instead.
_LINE_FIELDS = operator.attrgetter(*(f.name for f in fields(FundingLine) if f.name != "origin"))


def digest(data: bytes) -> str:
    """128 bits of SHA-256, which most CPUs compute in hardware: faster than blake2b on
    the hundreds of megabytes a big site writes (docs/performance.md)."""
    return hashlib.sha256(data).hexdigest()[:32]


def entity_version(entity: Decision | Project, findings: list[Finding], history: History) -> str:
    """A decision's or project's digest: every field (body and file lines too, through its
    file's text), what is found about it, and its file's git history."""
    origin = entity.origin
    relative = content_relative(origin.path)
    edits = (history.of(relative), history.repo_path(relative))
    if origin.digest:
        # `link` makes the entity from its file's text alone (other files only decide
        # whether it is made at all), and the code is in the build's fingerprint: the
        # text's digest stands for every field, at a fraction of the cost of their repr.
        return digest(repr((origin.path, origin.digest, findings, edits)).encode("utf-8"))
    return digest(repr((entity, origin.lines, findings, edits)).encode("utf-8"))


class Versions:
    """The digest of every key asked for, on one graph, each made once."""

    def __init__(
        self,
        graph: SiteGraph,
        findings: Iterable[Finding],
        history: History,
        templates: Path | None = None,
    ) -> None:
        self.graph = graph
        self.history = history
        #: the folder of the templates a page records (`("template", name)`)
        self.templates = templates
        self._about: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        for finding in findings:
            self._about[(finding.entity_kind, finding.entity_id)].append(finding)
        self._known: dict[Key, str] = {}
        self._rows: dict[int, str] = {}

    def of(self, key: Key) -> str:
        version = self._known.get(key)
        if version is None:
            version = self._known[key] = self._make(key)
        return version

    def of_all(self, keys: Iterable[Key]) -> dict[Key, str]:
        of = self.of
        return {key: of(key) for key in keys}

    def forget(self, key: Key) -> None:
        """`serve` swapped an entity into the graph: its digest is made again when asked."""
        self._known.pop(key, None)

    def _make(self, key: Key) -> str:
        graph = self.graph
        kind = key[0]
        if kind in (keys.DECISION, keys.PROJECT):
            entities = graph.decisions if kind == keys.DECISION else graph.projects
            entity = entities.get(key[1])
            if entity is None:
                return ABSENT
            found = self._about.get((kind, key[1]), [])
            return entity_version(entity, found, self.history)
        if kind == keys.ORG:
            org = graph.organisations.get(key[1])
            if org is None:
                return ABSENT
            return _digest((org, self._about.get((kind, key[1]), [])))
        if key == keys.DECISIONS:
            return _digest(tuple(graph.decisions))
        if key == keys.PROJECTS:
            return _digest(tuple(graph.projects))
        if key == keys.ORGANISATIONS:
            return _digest(tuple(graph.organisations))
        if key == keys.DISTRICTS:
            return _digest([o.id for o in graph.districts])
        if key == keys.YEARS:
            return _digest(graph.years)
        if kind == keys.INDEX:
            index = getattr(graph, key[1])
            if len(key) == 2:
                return _digest(list(index.items()))
            return _digest(index.get(key[2]))
        if key == keys.ALL_LINES:
            return self._lines(graph.ledger.lines)
        if kind == TEMPLATE:
            return self._template(key[1])
        if kind == keys.LEDGER:
            if key[1] == "funders":
                return _digest(graph.ledger.funders())
            answer = getattr(graph.ledger, key[1])(*key[2:])
            return self._lines(answer)
        raise ValueError(f"no version for key {key!r}")

    def _template(self, name: str) -> str:
        """A template's bytes: what its pages read of it."""
        if self.templates is None:
            raise ValueError(f"no folder of templates for {name!r}")
        try:
            return digest((self.templates / name).read_bytes())
        except OSError:
            return ABSENT

    def _lines(self, lines: Iterable[FundingLine]) -> str:
        """Every field of each line, where it is declared too; each line written out once."""
        rows = self._rows
        parts = []
        for line in lines:
            row = rows.get(id(line))
            if row is None:
                row = rows[id(line)] = repr((_LINE_FIELDS(line), line.origin.path, line.line))
            parts.append(row)
        return digest("\n".join(parts).encode("utf-8"))


def _digest(value: object) -> str:
    return digest(repr(value).encode("utf-8"))

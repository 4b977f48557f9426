"""The funding ledger: every funding line once, indexed every way a page asks.

Computed once per build in a single pass, so no page ever sums by scanning
the whole corpus. Statuses are never added together: a `Totals` keeps one
sum per status and offers no grand total on purpose. A line without a stated
sum is in every list it belongs to and in no sum; `Totals` counts such lines
per status, so that a page can say what its sums leave out. Money paid or
received jointly is in no single member's lists (`paid_by`, `received_by`):
each member finds it apart (`paid_jointly_by`, `received_jointly_by`), so it
counts once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from insyn.model import STATUSES, FundingLine


@dataclass(frozen=True)
class Totals:
    """One sum per status; there is deliberately no sum across statuses.

    `unknown_*` count the lines of that status whose sum the source does not state:
    they are in no sum, and every sum shown beside them says so.
    """

    applied: int = 0
    granted: int = 0
    rejected: int = 0
    contributed: int = 0
    unknown_applied: int = 0
    unknown_granted: int = 0
    unknown_rejected: int = 0
    unknown_contributed: int = 0

    @classmethod
    def of(cls, lines: Iterable[FundingLine]) -> Totals:
        sums = dict.fromkeys(STATUSES, 0)
        unknown = dict.fromkeys(STATUSES, 0)
        for line in lines:
            if line.amount is None:
                unknown[line.status] += 1
            else:
                sums[line.status] += line.amount
        return cls(**sums, **{f"unknown_{status}": n for status, n in unknown.items()})

    def get(self, status: str) -> int:
        value: int = getattr(self, status)
        return value

    def unknown(self, status: str) -> int:
        """How many lines of `status` have no stated sum."""
        value: int = getattr(self, f"unknown_{status}")
        return value

    def items(self) -> list[tuple[str, int]]:
        """(status, sum) for the statuses that have money or lines of unknown sum, in order."""
        return [
            (status, self.get(status))
            for status in STATUSES
            if self.get(status) or self.unknown(status)
        ]

    def __bool__(self) -> bool:
        return any(self.get(status) or self.unknown(status) for status in STATUSES)


def _index(lines: Iterable[FundingLine], key: str) -> dict[object, list[FundingLine]]:
    result: dict[object, list[FundingLine]] = defaultdict(list)
    for line in lines:
        result[getattr(line, key)].append(line)
    return dict(result)


def ledger_order(line: FundingLine) -> tuple[int, str, str, int]:
    """Where a line comes in the ledger: by year (lines without one first), then where it
    is declared. No two lines share a place, so lines sorted by it are in ledger order."""
    return (line.year or 0, line.source_kind, line.source_id, line.index)


def _members(lines: Iterable[FundingLine], joint: bool, side: str) -> dict[str, list[FundingLine]]:
    """Organisation -> the lines it alone pays (receives), or those it pays (receives)
    jointly with others (`joint`)."""
    result: dict[str, list[FundingLine]] = defaultdict(list)
    for line in lines:
        ids: tuple[str, ...] = getattr(line, side)
        if (len(ids) > 1) == joint:
            for org_id in ids:
                result[org_id].append(line)
    return dict(result)


@dataclass(frozen=True)
class Ledger:
    lines: tuple[FundingLine, ...]
    by_from: dict[str, list[FundingLine]] = field(default_factory=dict)
    by_to: dict[str, list[FundingLine]] = field(default_factory=dict)
    jointly_from: dict[str, list[FundingLine]] = field(default_factory=dict)
    jointly_to: dict[str, list[FundingLine]] = field(default_factory=dict)
    by_project: dict[object, list[FundingLine]] = field(default_factory=dict)
    by_year: dict[object, list[FundingLine]] = field(default_factory=dict)
    by_source: dict[object, list[FundingLine]] = field(default_factory=dict)
    by_answered: dict[str, list[FundingLine]] = field(default_factory=dict)

    @classmethod
    def of(cls, lines: Iterable[FundingLine]) -> Ledger:
        ordered = tuple(sorted(lines, key=ledger_order))
        by_source: dict[object, list[FundingLine]] = defaultdict(list)
        by_answered: dict[str, list[FundingLine]] = defaultdict(list)
        for line in ordered:
            by_source[(line.source_kind, line.source_id)].append(line)
            if line.answers:
                by_answered[line.answers].append(line)
        return cls(
            lines=ordered,
            by_from=_members(ordered, False, "from_ids"),
            by_to=_members(ordered, False, "to_ids"),
            jointly_from=_members(ordered, True, "from_ids"),
            jointly_to=_members(ordered, True, "to_ids"),
            by_project=_index(ordered, "project_id"),
            by_year=_index((ln for ln in ordered if ln.year is not None), "year"),
            by_source=dict(by_source),
            by_answered=dict(by_answered),
        )

    def paid_by(self, org_id: str) -> list[FundingLine]:
        """The lines `org_id` alone pays (or is asked to pay), its own contributions too."""
        return self.by_from.get(org_id, [])

    def received_by(self, org_id: str) -> list[FundingLine]:
        """The lines `org_id` alone receives (or asks for)."""
        return self.by_to.get(org_id, [])

    def paid_jointly_by(self, org_id: str) -> list[FundingLine]:
        """The lines `org_id` pays together with others, in shares the source does not give."""
        return self.jointly_from.get(org_id, [])

    def received_jointly_by(self, org_id: str) -> list[FundingLine]:
        return self.jointly_to.get(org_id, [])

    def joint_with(self, org_id: str) -> list[FundingLine]:
        """The lines `org_id` pays or receives together with others, each once: shown
        apart, in none of its own sums."""
        lines = [*self.paid_jointly_by(org_id), *self.received_jointly_by(org_id)]
        return list({id(line): line for line in lines}.values())

    def for_project(self, project_id: str) -> list[FundingLine]:
        return self.by_project.get(project_id, [])

    def for_year(self, year: int) -> list[FundingLine]:
        return self.by_year.get(year, [])

    def declared_by(self, kind: str, entity_id: str) -> list[FundingLine]:
        return self.by_source.get((kind, entity_id), [])

    def answering(self, decision_id: str) -> list[FundingLine]:
        """The granted and rejected lines that answer the applications of `decision_id`."""
        return self.by_answered.get(decision_id, [])

    def funders(self) -> list[str]:
        """Every organisation that pays, alone or jointly, some line that is not its own
        contribution (contract section 7): the funders of `/finansiarer/`."""
        paying = {org_id for line in self.lines if not line.own for org_id in line.from_ids}
        return sorted(paying)

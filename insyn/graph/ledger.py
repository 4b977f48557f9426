"""The funding ledger: every funding line once, indexed every way a page asks.

Computed once per build in a single pass, so no page ever sums by scanning
the whole corpus. Statuses are never added together: a `Totals` keeps one
sum per status and offers no grand total on purpose.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from insyn.model import STATUSES, FundingLine


@dataclass(frozen=True)
class Totals:
    """One sum per status; there is deliberately no sum across statuses."""

    applied: int = 0
    granted: int = 0
    rejected: int = 0
    contributed: int = 0

    @classmethod
    def of(cls, lines: Iterable[FundingLine]) -> Totals:
        sums = dict.fromkeys(STATUSES, 0)
        for line in lines:
            sums[line.status] += line.amount
        return cls(**sums)

    def get(self, status: str) -> int:
        value: int = getattr(self, status)
        return value

    def items(self) -> list[tuple[str, int]]:
        """(status, sum) for the statuses that have money, in the fixed order."""
        return [(status, self.get(status)) for status in STATUSES if self.get(status)]

    def __bool__(self) -> bool:
        return any(self.get(status) for status in STATUSES)


def _index(lines: Iterable[FundingLine], key: str) -> dict[object, list[FundingLine]]:
    result: dict[object, list[FundingLine]] = defaultdict(list)
    for line in lines:
        result[getattr(line, key)].append(line)
    return dict(result)


def ledger_order(line: FundingLine) -> tuple[int, str, str, int]:
    """Where a line comes in the ledger: by year, then where it is declared. No two lines
    share a place, so any lines sorted by it are in the ledger's order."""
    return (line.year, line.source_kind, line.source_id, line.index)


@dataclass(frozen=True)
class Ledger:
    lines: tuple[FundingLine, ...]
    by_from: dict[object, list[FundingLine]] = field(default_factory=dict)
    by_to: dict[object, list[FundingLine]] = field(default_factory=dict)
    by_project: dict[object, list[FundingLine]] = field(default_factory=dict)
    by_year: dict[object, list[FundingLine]] = field(default_factory=dict)
    by_source: dict[object, list[FundingLine]] = field(default_factory=dict)

    @classmethod
    def of(cls, lines: Iterable[FundingLine]) -> Ledger:
        ordered = tuple(sorted(lines, key=ledger_order))
        by_source: dict[object, list[FundingLine]] = defaultdict(list)
        for line in ordered:
            by_source[(line.source_kind, line.source_id)].append(line)
        return cls(
            lines=ordered,
            by_from=_index(ordered, "from_id"),
            by_to=_index(ordered, "to_id"),
            by_project=_index(ordered, "project_id"),
            by_year=_index(ordered, "year"),
            by_source=dict(by_source),
        )

    def paid_by(self, org_id: str) -> list[FundingLine]:
        return self.by_from.get(org_id, [])

    def received_by(self, org_id: str) -> list[FundingLine]:
        return self.by_to.get(org_id, [])

    def for_project(self, project_id: str) -> list[FundingLine]:
        return self.by_project.get(project_id, [])

    def for_year(self, year: int) -> list[FundingLine]:
        return self.by_year.get(year, [])

    def declared_by(self, kind: str, entity_id: str) -> list[FundingLine]:
        return self.by_source.get((kind, entity_id), [])

    def funders(self) -> list[str]:
        """Every organisation that is the `from` of some line (contract section 7)."""
        return sorted(k for k in self.by_from if isinstance(k, str))

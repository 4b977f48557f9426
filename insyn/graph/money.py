"""Views of funding lines for pages: sums per status, grouped by year, payer, receiver, project.

Built on `Ledger` and `Totals`, so the rule holds here too: each figure is
the sum of one status, and no figure adds statuses together.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from insyn.graph.ledger import Totals
from insyn.model import STATUSES, FundingLine


@dataclass(frozen=True)
class PivotRow:
    key: Hashable
    totals: Totals


@dataclass(frozen=True)
class Pivot:
    """Sums per status for each group: a table with one column per status that occurs."""

    rows: tuple[PivotRow, ...]
    totals: Totals
    #: lines left out of every row: those without a year, in a table by year
    left_out: int = 0

    @property
    def statuses(self) -> list[str]:
        return [
            status for status in STATUSES if self.totals.get(status) or self.totals.unknown(status)
        ]

    def __bool__(self) -> bool:
        return bool(self.rows)


def pivot(
    lines: Iterable[FundingLine],
    key: Callable[[FundingLine], Hashable],
    order: Callable[[Any], Any] | None = None,
) -> Pivot:
    """Group lines by `key` and sum each group per status; rows sorted by `order` (default: key)."""
    groups: dict[Hashable, list[FundingLine]] = {}
    every: list[FundingLine] = []
    for line in lines:
        groups.setdefault(key(line), []).append(line)
        every.append(line)
    sort_key = order or _none_last
    ordered = sorted(groups, key=sort_key)
    rows = tuple(PivotRow(k, Totals.of(groups[k])) for k in ordered)
    return Pivot(rows, Totals.of(every))


def by_year(lines: Iterable[FundingLine]) -> Pivot:
    """Sums per year and status; a line without a year is in no yearly sum (`left_out`
    counts them, and the table says so)."""
    every = list(lines)
    dated = [ln for ln in every if ln.year is not None]
    return replace(pivot(dated, lambda ln: ln.year), left_out=len(every) - len(dated))


def _none_last(key: Any) -> tuple[bool, Any]:
    return (key is None, key if key is not None else "")

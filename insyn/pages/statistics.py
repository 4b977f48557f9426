"""The figures journalists ask of a funder or a district: how many decisions and lines,
the largest and the median granted sum, the first and last year, how many parties.

Each figure says what it is counted over, so that it can be quoted as it stands: the
granted sums are those of lines with a known amount, a line of joint money counts once,
and a party is an organisation or a group paying or receiving together.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from insyn.model import FundingLine


@dataclass(frozen=True)
class MoneyStatistics:
    decisions: int
    lines: int
    #: granted lines with a known amount: how many, the largest, the median
    granted_known: int
    granted_largest: int | None
    granted_median: float | None
    first_year: int | None
    last_year: int | None
    #: lines the source gives no year for (in no year's figures)
    without_year: int
    #: the other parties of the lines (recipients of a funder, payers of a district)
    parties: int
    #: whether one of them is a group paying or receiving together (counted once)
    joint_parties: bool


def money_statistics(lines: Iterable[FundingLine], counterpart: str) -> MoneyStatistics:
    """Figures over `lines`; `counterpart` is "to" (a funder's recipients) or "from"."""
    shown = list({(ln.source_kind, ln.source_id, ln.index): ln for ln in lines}.values())
    granted = sorted(ln.amount for ln in shown if ln.status == "granted" and ln.amount is not None)
    years = [ln.year for ln in shown if ln.year is not None]
    parties = {ln.to_ids if counterpart == "to" else ln.from_ids for ln in shown}
    return MoneyStatistics(
        decisions=len({ln.source_id for ln in shown if ln.source_kind == "decision"}),
        lines=len(shown),
        granted_known=len(granted),
        granted_largest=granted[-1] if granted else None,
        granted_median=statistics.median(granted) if granted else None,
        first_year=min(years, default=None),
        last_year=max(years, default=None),
        without_year=len(shown) - len(years),
        parties=len(parties),
        joint_parties=any(len(party) > 1 for party in parties),
    )

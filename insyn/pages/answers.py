"""Applications and their answers: how much of what was applied for was granted.

An `applied` line is answered by the `granted` and `rejected` lines from the
same payer that name its decision (`answers`). A decision's page shows each
application with its answer ("Beviljat 400 000 kr av sökta 500 000 kr,
80 %"), or says that the site has none; a funder's or district's page shows
the share granted over answered applications only, and what was applied for
without an answer apart, so that a grant whose application is not on the
site never reads as more granted than applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from insyn.graph.ledger import Totals
from insyn.model import FundingLine
from insyn.pages.site import SiteView


@dataclass(frozen=True)
class Application:
    """What one decision applied for from one payer, and the lines that answer it."""

    decision_id: str
    payer: tuple[str, ...]
    applied: list[FundingLine]
    answers: list[FundingLine]

    @property
    def answered(self) -> bool:
        return bool(self.answers)

    @property
    def applied_totals(self) -> Totals:
        return Totals.of(self.applied)

    @property
    def answer_totals(self) -> Totals:
        return Totals.of(self.answers)

    @property
    def share(self) -> int | None:
        """Per cent of the sum applied for that was granted, when both sums are known."""
        asked, got = self.applied_totals, self.answer_totals
        if asked.unknown("applied") or got.unknown("granted") or not asked.applied:
            return None
        return round(100 * got.granted / asked.applied)


def applications(site: SiteView, decision_id: str) -> list[Application]:
    """The decision's applications, one per payer, in the order of their first line."""
    answering = site.ledger.answering(decision_id)
    by_payer: dict[frozenset[str], list[FundingLine]] = {}
    for line in site.ledger.declared_by("decision", decision_id):
        if line.status == "applied":
            by_payer.setdefault(frozenset(line.from_ids), []).append(line)
    return [
        Application(
            decision_id,
            lines[0].from_ids,
            lines,
            [ln for ln in answering if frozenset(ln.from_ids) == payer],
        )
        for payer, lines in by_payer.items()
    ]


@dataclass(frozen=True)
class AnswerSummary:
    """Applications of one funder (or of one district), answered and not."""

    answered_applied: Totals
    answered_granted: Totals
    unanswered: Totals
    answered_count: int
    unanswered_count: int

    @property
    def share(self) -> int | None:
        asked, got = self.answered_applied, self.answered_granted
        if asked.unknown("applied") or got.unknown("granted") or not asked.applied:
            return None
        return round(100 * got.granted / asked.applied)

    def __bool__(self) -> bool:
        return bool(self.answered_count or self.unanswered_count)


def summary(site: SiteView, applied: Iterable[FundingLine]) -> AnswerSummary:
    """Answered and unanswered applications among the `applied` lines a page shows (those
    to a funder, or those of a district), grouped by decision and payer."""
    asked: list[Application] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    for line in applied:
        key = (line.source_id, frozenset(line.from_ids))
        if line.status != "applied" or line.source_kind != "decision" or key in seen:
            continue
        seen.add(key)
        asked += [a for a in applications(site, line.source_id) if frozenset(a.payer) == key[1]]
    answered = [a for a in asked if a.answered]
    unanswered = [a for a in asked if not a.answered]
    on_projects = [ln for ln in applied if ln.status == "applied" and ln.source_kind != "decision"]
    return AnswerSummary(
        answered_applied=Totals.of(ln for a in answered for ln in a.applied),
        answered_granted=Totals.of(ln for a in answered for ln in a.answers),
        unanswered=Totals.of([*(ln for a in unanswered for ln in a.applied), *on_projects]),
        answered_count=len(answered),
        unanswered_count=len(unanswered) + len(on_projects),
    )

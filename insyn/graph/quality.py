"""Data-quality warnings: places where the sources contradict themselves.

These are not errors — the site can be built — but each is a finding a
reader should know about, so `check` reports them and `--strict` fails on
them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from dataclasses import dataclass

from insyn.graph.link import LinkedContent
from insyn.model import DISTRICT, Decision, Project
from insyn.model.formatting import amount, date
from insyn.model.i18n import Message, _
from insyn.model.problems import Problems


@dataclass(frozen=True)
class Finding:
    """A data-quality warning, kept for the pages that show them publicly.

    `message` is what `check` prints (in the run's language, like every problem);
    `public` says the same to the site's readers, in Swedish. Both are written here, side by side,
    so they cannot drift apart.
    """

    path: str
    line: int
    message: Message
    entity_kind: str
    entity_id: str
    public: str
    #: what `check` prints at the end of the line (`[meeting-before-report]`), and what a
    #: file's `acknowledged` names to say its `notes` explain the finding
    code: str = ""


def find_quality_issues(content: LinkedContent) -> list[Finding]:
    findings: list[Finding] = []
    for decision in content.decisions.values():
        findings += _decision_on_its_own(decision)
        findings += _decision_district_active(decision, content)
        findings += _funding_project_listed(decision)
    for decision in content.unlinked.values():
        # beside its reference errors (it is not published), what the file alone shows;
        # which projects its lines name waits until the names resolve
        findings += _decision_on_its_own(decision)
    now = today()
    for project in content.projects.values():
        findings += _project_period(project)
        findings += _project_status(project, now)
        findings += _repeated_lines("project", project)
    findings += _budget_against_applied(content)
    findings += _declared_twice(content)
    return sorted(findings, key=lambda f: (f.path, f.line, f.message.msgid, f.public))


#: Every code a finding can have: what `acknowledged` may name (the schemas list them too).
CODES = (
    "meeting-before-report",
    "meeting-long-after-report",
    "district-inactive",
    "project-not-listed",
    "end-before-start",
    "budget-not-applied",
    "line-declared-twice",
    "status-out-of-date",
    "line-repeated",
    "no-signatories",
    "application-without-amount",
    "amount-unknown",
)

STATUS_WORDS = {"planned": "planerat", "ongoing": "pågående"}


def today() -> dt.date:
    """The date a build compares planned periods with: `SOURCE_DATE_EPOCH` (the convention
    of reproducible builds) when set, else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def report(findings: list[Finding], problems: Problems, content: LinkedContent) -> None:
    """Each finding as a warning with its code; one the file's `acknowledged` names (its
    `notes` explain it) is still printed, but does not fail `check --strict`."""
    decisions = {**content.unlinked, **content.decisions}
    for finding in findings:
        entities = decisions if finding.entity_kind == "decision" else content.projects
        entity = entities.get(finding.entity_id) if finding.entity_kind != "org" else None
        known = finding.code in getattr(entity, "acknowledged", ())
        problems.warning(
            finding.path, finding.line, finding.message, finding.code, acknowledged=known
        )


def _decision_dates(decision: Decision) -> list[Finding]:
    meeting, report_date = decision.meeting, decision.document_date
    if meeting is None or report_date is None:
        return []
    line = decision.origin.line("meeting")
    days = (meeting - report_date).days
    if days < 0:
        message = _(
            "the meeting ({meeting}) is {days} days before the report's date ({report}): one "
            "of the dates is probably wrong; explain it in 'notes' and name this code in "
            "'acknowledged'",
            meeting=meeting.isoformat(),
            days=-days,
            report=report_date.isoformat(),
        )
        code = "meeting-before-report"
        public = (
            f"Sammanträdet ({date(meeting)}) ligger {-days} dagar före tjänsteutlåtandets datum "
            f"({date(report_date)}). Ett av datumen är troligen fel."
        )
    elif days > 366:
        message = _(
            "the meeting ({meeting}) is more than a year after the report's date ({report}): "
            "one of the dates is probably wrong",
            meeting=meeting.isoformat(),
            report=report_date.isoformat(),
        )
        code = "meeting-long-after-report"
        public = (
            f"Sammanträdet ({date(meeting)}) ligger mer än ett år efter tjänsteutlåtandets datum "
            f"({date(report_date)}). Ett av datumen är troligen fel."
        )
    else:
        return []
    return [Finding(decision.origin.path, line, message, "decision", decision.id, public, code)]


def _decision_district_active(decision: Decision, content: LinkedContent) -> list[Finding]:
    district = content.organisations.get(decision.district)
    if district is None or district.type != DISTRICT or district.active is None:
        return []
    first, last = district.active.first, district.active.last
    if (first and decision.year < first) or (last and decision.year > last):
        span = f"{first or '…'}–{last or '…'}"
        return [
            Finding(
                decision.origin.path,
                decision.origin.line("district"),
                _(
                    "district '{id}' was active {span}, but the decision is from {year}",
                    id=district.id,
                    span=span,
                    year=decision.year,
                ),
                "decision",
                decision.id,
                f"Stadsdelsnämnden fanns {span}, men beslutet är från {decision.year}.",
                "district-inactive",
            )
        ]
    return []


def _funding_project_listed(decision: Decision) -> list[Finding]:
    findings = []
    for line in decision.funding:
        if line.project_id and line.project_id not in decision.projects:
            findings.append(
                Finding(
                    decision.origin.path,
                    decision.origin.line("funding", line.index, "project"),
                    _(
                        "funding[{index}] is for project '{project_id}', which is not in this "
                        "decision's 'projects'",
                        index=line.index,
                        project_id=line.project_id,
                    ),
                    "decision",
                    decision.id,
                    f"Finansieringsrad {line.index + 1} gäller projektet {line.project_id}, "
                    "som inte står bland beslutets projekt.",
                    "project-not-listed",
                )
            )
    return findings


def _project_period(project: Project) -> list[Finding]:
    if project.start and project.end and project.end.last_day() < project.start.first_day():
        return [
            Finding(
                project.origin.path,
                project.origin.line("end"),
                _(
                    "the project ends ({end}) before it starts ({start})",
                    end=project.end.iso(),
                    start=project.start.iso(),
                ),
                "project",
                project.id,
                f"Projektet slutar ({project.end.iso()}) innan det börjar ({project.start.iso()}).",
                "end-before-start",
            )
        ]
    return []


def _project_status(project: Project, now: dt.date) -> list[Finding]:
    """A project still `planned` or `ongoing` when its planned end has passed: the status
    is what a source said once, not what is so now."""
    if project.status not in STATUS_WORDS or project.end is None:
        return []
    if project.end.last_day() >= now:
        return []
    word = STATUS_WORDS[project.status]
    return [
        Finding(
            project.origin.path,
            project.origin.line("status"),
            _(
                "status is '{status}', but the planned end ({end}) has passed: give the status "
                "the sources show now, or explain it in 'notes'",
                status=project.status,
                end=project.end.iso(),
            ),
            "project",
            project.id,
            f"Projektet anges som {word} i källan, men den planerade perioden slutade "
            f"{project.end.iso()}. Hur det gick efter det framgår inte av underlaget.",
            "status-out-of-date",
        )
    ]


def _repeated_lines(kind: str, entity: Decision | Project) -> list[Finding]:
    """Two lines of one file alike in every field: every line is counted, so the same
    money would be counted twice (a copy-paste, or a line imported twice)."""
    first: dict[tuple[object, ...], int] = {}
    findings = []
    for line in entity.funding:
        key = (
            line.from_ids,
            line.to_ids,
            line.amount,
            line.year,
            line.status,
            line.project_id,
            line.note,
            line.answers,
        )
        earlier = first.setdefault(key, line.index)
        if earlier != line.index:
            findings.append(
                Finding(
                    entity.origin.path,
                    line.line,
                    _(
                        "funding[{index}] is the same as funding[{earlier}] in every field: each "
                        "line is shown and counted, so this money is there twice; remove one",
                        index=line.index,
                        earlier=earlier,
                    ),
                    kind,
                    entity.id,
                    f"Finansieringsrad {line.index + 1} är likadan som rad {earlier + 1}; står "
                    "båda kvar finns pengarna två gånger.",
                    "line-repeated",
                )
            )
    return findings


def _budget_against_applied(content: LinkedContent) -> list[Finding]:
    applied: dict[tuple[str, int], int] = defaultdict(int)
    unknown: set[tuple[str, int]] = set()
    all_lines = [ln for d in content.decisions.values() for ln in d.funding]
    all_lines += [ln for p in content.projects.values() for ln in p.funding]
    for line in all_lines:
        if line.status == "applied" and line.project_id and line.year is not None:
            if line.amount is None:
                unknown.add((line.project_id, line.year))  # a sum that cannot be compared
            else:
                applied[(line.project_id, line.year)] += line.amount
    for key in unknown:
        applied.pop(key, None)
    findings = []
    for project in content.projects.values():
        budget: dict[int, int] = defaultdict(int)
        first_index: dict[int, int] = {}
        for index, item in enumerate(project.budget):
            budget[item.year] += item.amount
            first_index.setdefault(item.year, index)
        for year, total in sorted(budget.items()):
            asked = applied.get((project.id, year))
            if asked is not None and asked != total:
                findings.append(
                    Finding(
                        project.origin.path,
                        project.origin.line("budget", first_index[year]),
                        _(
                            "the budget for {year} adds up to {total} kr, but {asked} kr is "
                            "applied for in {year}",
                            year=year,
                            total=total,
                            asked=asked,
                        ),
                        "project",
                        project.id,
                        f"Budgeten för {year} summerar till {amount(total)}, "
                        f"men det sökta beloppet för {year} är {amount(asked)}.",
                        "budget-not-applied",
                    )
                )
    return findings


def _declared_twice(content: LinkedContent) -> list[Finding]:
    on_decisions: dict[tuple[object, ...], list[tuple[Decision, int]]] = defaultdict(list)
    for decision in content.decisions.values():
        for other in decision.funding:
            key = (
                other.project_id,
                other.from_ids,
                other.to_ids,
                other.amount,
                other.year,
                other.status,
            )
            on_decisions[key].append((decision, other.line))
    findings = []
    for project in content.projects.values():
        for line in project.funding:
            key = (project.id, line.from_ids, line.to_ids, line.amount, line.year, line.status)
            for decision, other_line in on_decisions.get(key, []):
                findings.append(
                    Finding(
                        project.origin.path,
                        line.line,
                        _(
                            "funding[{index}] is also declared on decision '{id}' "
                            "({path}:{other_line}); a line is counted once, where it is declared: "
                            "remove one of them",
                            index=line.index,
                            id=decision.id,
                            path=decision.origin.path,
                            other_line=other_line,
                        ),
                        "project",
                        project.id,
                        f"Finansieringsrad {line.index + 1} finns också i beslutet {decision.id}. "
                        "En rad ska bara finnas på ett ställe.",
                        "line-declared-twice",
                    )
                )
    return findings


def _decision_on_its_own(decision: Decision) -> list[Finding]:
    """What a decision's file shows with no other file: its dates, repeated lines, who
    signed, and the sum an application asks for."""
    return [
        *_decision_dates(decision),
        *_repeated_lines("decision", decision),
        *_decision_unsigned(decision),
        *_application_amounts(decision),
    ]


def _decision_unsigned(decision: Decision) -> list[Finding]:
    """A decision whose report names no one who signed it: the reader cannot tell who
    stands behind the proposal (the source almost always says; the file left it out)."""
    if decision.signed_by:
        return []
    return [
        Finding(
            decision.origin.path,
            decision.origin.line("signed_by"),
            _(
                "no one is named in 'signed_by': add who signed the report, as the "
                "document gives them"
            ),
            "decision",
            decision.id,
            "Beslutet anger inte vem som undertecknade tjänsteutlåtandet.",
            "no-signatories",
        )
    ]


def _application_amounts(decision: Decision) -> list[Finding]:
    """An application whose sum applied for is not on the site: totals of applied money,
    and the comparison of applied with granted, would leave it out without saying so."""
    if decision.kind != "application":
        return []
    applied = [ln for ln in decision.funding if ln.status == "applied"]
    findings = []
    if not any(ln.amount is not None for ln in applied):
        findings.append(
            Finding(
                decision.origin.path,
                decision.origin.line("funding"),
                _(
                    "the application has no funding line with the sum applied for: add one "
                    "(status: applied, amount in kronor) as the document gives it"
                ),
                "decision",
                decision.id,
                "Ansökan har ingen finansieringsrad med det sökta beloppet.",
                "application-without-amount",
            )
        )
    for line in decision.funding:
        if line.amount is None:
            findings.append(
                Finding(
                    decision.origin.path,
                    line.line,
                    _(
                        "funding[{index}] has no amount: the sum is not counted in any total; "
                        "add it from the document, or explain in 'notes' why it is unknown",
                        index=line.index,
                    ),
                    "decision",
                    decision.id,
                    f"Finansieringsrad {line.index + 1} saknar belopp och räknas inte in i "
                    "några summor.",
                    "amount-unknown",
                )
            )
    return findings

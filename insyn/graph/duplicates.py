"""One document, one decision: what would count the same money twice.

A decision imported twice, or copied into a second file, makes every total
it adds to twice what the documents say. Two decisions are the same
document when they give the same diary number, or the same district, meeting
date and title. `check` refuses such a pair, naming both files, and `import`
refuses to write a draft of a document that is already on the site.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from insyn.model import Decision
from insyn.model.i18n import Message, _
from insyn.model.problems import Problems

_SPACE = re.compile(r"\s+")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


@dataclass(frozen=True)
class Identity:
    """What names one decision's document: its file, diary number, district, meeting, title."""

    path: str
    diary_number: str | None
    district: str | None
    meeting: dt.date | None
    title: str | None

    @property
    def diary_key(self) -> str | None:
        """The diary number without spaces and case; None when it has no digit but a
        year's (a placeholder such as "Dnr - - 2007" names no document)."""
        if not self.diary_number or not any(c.isdigit() for c in _YEAR.sub("", self.diary_number)):
            return None
        return _SPACE.sub("", self.diary_number).casefold()

    @property
    def meeting_key(self) -> tuple[str, dt.date, str] | None:
        if not (self.district and self.meeting and self.title):
            return None
        return (self.district, self.meeting, _SPACE.sub(" ", self.title).strip().casefold())


def identity(decision: Decision) -> Identity:
    return Identity(
        decision.origin.path,
        decision.diary_number,
        decision.district,
        decision.meeting,
        decision.title,
    )


@dataclass(frozen=True)
class Duplicate:
    """`later` is the same document as `earlier`, by `reason`."""

    earlier: Identity
    later: Identity
    reason: Message
    #: the key that makes them one: `diary_number`, or `title` (with district and meeting)
    key: str = "title"


def duplicates(identities: Iterable[Identity]) -> Iterator[Duplicate]:
    """Each identity that names the same document as one before it, in path order."""
    by_diary: dict[str, Identity] = {}
    by_meeting: dict[tuple[str, dt.date, str], Identity] = {}
    for one in sorted(identities, key=lambda i: i.path):
        diary, meeting = one.diary_key, one.meeting_key
        if diary is not None and diary in by_diary:
            yield Duplicate(
                by_diary[diary],
                one,
                _("the same diary number, {number}", number=one.diary_number),
                "diary_number",
            )
        elif meeting is not None and meeting in by_meeting:
            yield Duplicate(by_meeting[meeting], one, _("the same district, meeting and title"))
        if diary is not None:
            by_diary.setdefault(diary, one)
        if meeting is not None:
            by_meeting.setdefault(meeting, one)


def check_duplicates(decisions: Iterable[Decision], problems: Problems) -> None:
    """An error at the later file of each pair that is one document, naming the other."""
    found = {d.origin.path: d for d in decisions}
    for pair in duplicates(identity(d) for d in found.values()):
        decision = found[pair.later.path]
        key = pair.key
        problems.error(
            pair.later.path,
            decision.origin.line(key),
            _(
                "this decision is the one in {path} ({reason}): a document is published once, or "
                "its money is counted twice; remove one of the files",
                path=pair.earlier.path,
                reason=pair.reason,
            ),
        )


def same_document(existing: Iterable[Identity], candidate: Identity) -> Duplicate | None:
    """The first of `existing` that names the same document as `candidate`, if any."""
    diary, meeting = candidate.diary_key, candidate.meeting_key
    for one in sorted(existing, key=lambda i: i.path):
        if diary is not None and one.diary_key == diary:
            return Duplicate(
                one,
                candidate,
                _("the same diary number, {number}", number=candidate.diary_number),
                "diary_number",
            )
        if meeting is not None and one.meeting_key == meeting:
            return Duplicate(one, candidate, _("the same district, meeting and title"))
    return None

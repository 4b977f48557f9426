"""Stage 2, validate: structure from the schemas, ids, and rules within one file.

Rules that need the whole corpus (references, defaults, contradictions
between files) belong to `link` and `quality`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from insyn.model import DISTRICT, orgnumber
from insyn.model.i18n import Message, _
from insyn.model.ids import is_valid_id, slugify
from insyn.model.problems import Problems
from insyn.sources.load import DECISION, KIND_WORD, PROJECT, LoadedSources, SourceCache, SourceFile
from insyn.sources.schema import check_structure
from insyn.sources.yamlsource import YamlDocument


@dataclass
class ValidSources:
    """The parts of the loaded sources that are fit to become model objects."""

    organisations: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    settings: YamlDocument | None = None
    files: list[SourceFile] = field(default_factory=list)
    #: every organisation id written in the file, valid entry or not
    declared_organisations: set[str] = field(default_factory=set)


def validate(
    sources: LoadedSources, problems: Problems, cache: SourceCache | None = None
) -> ValidSources:
    valid = ValidSources()
    _validate_organisations(sources, valid, problems)
    if sources.settings is not None and check_structure(
        "site",
        sources.settings.data,
        sources.settings_path,
        sources.settings.line_of,
        problems,
    ):
        valid.settings = sources.settings
        _check_publisher_number(sources, problems)
    seen: dict[tuple[str, str], str] = {}
    for source in sources.files:
        if not _stem_ok(source, problems):
            continue
        key = (source.kind, source.stem)
        if key in seen:  # only possible on case-insensitive file systems
            problems.error(
                source.path,
                1,
                _("duplicate {kind} id '{stem}'", kind=KIND_WORD[source.kind], stem=source.stem),
            )
            continue
        seen[key] = source.path
        cache_key = (source.kind, source.path, source.digest)
        entry = cache.get(cache_key) if cache is not None else None
        if entry is None or cache is None:
            ok = validate_file(source, problems)
        else:
            if entry.valid is None:
                found = Problems()
                entry.valid = validate_file(source, found)
                entry.valid_problems = tuple(found.items)
                cache.completed(cache_key)
            problems.items.extend(entry.valid_problems)
            ok = entry.valid
        if ok:
            valid.files.append(source)
    return valid


def validate_file(source: SourceFile, problems: Problems) -> bool:
    """The rules within one file (its structure, dates, source); True when it is usable.

    Every rule runs even when an earlier one failed, so that one run reports all that is
    wrong with the file; each rule looks only at values of the shape it needs.
    """
    ok = check_structure(source.kind, source.data, source.path, source.front.line_of, problems)
    if source.kind == DECISION:
        ok &= _decision_dates_ok(source, problems)
        ok &= _source_ok(source, problems)
    elif source.kind == PROJECT:
        ok &= _project_dates_ok(source, problems)
    return ok


def _stem_ok(source: SourceFile, problems: Problems) -> bool:
    if is_valid_id(source.stem):
        return True
    suggestion = slugify(source.stem)
    hint = _(": rename it to '{suggestion}.md'", suggestion=suggestion) if suggestion else ""
    problems.error(
        source.path,
        1,
        _(
            "file name '{stem}.md' is not a valid id (lowercase a-z, 0-9 and single hyphens, at "
            "most 80 characters){hint}",
            stem=source.stem,
            hint=hint,
        ),
    )
    return False


def _decision_dates_ok(source: SourceFile, problems: Problems) -> bool:
    data = source.data
    meeting, year = data.get("meeting"), data.get("year")
    if meeting is None and year is None:
        problems.error(
            source.path,
            source.line(),
            _("missing 'meeting' (YYYY-MM-DD) or 'year': a decision needs one of them"),
        )
        return False
    if (
        isinstance(meeting, str)
        and isinstance(year, int)
        and re.match(r"[0-9]{4}-", meeting)
        and int(meeting[:4]) != year
        and not data.get("notes")
    ):
        problems.error(
            source.path,
            source.line("year"),
            _(
                "year {year} does not match the meeting date {meeting}: remove 'year' (the "
                "meeting date gives it), or explain in 'notes' why the date as written is wrong "
                "and the decision is filed under {year}",
                year=year,
                meeting=meeting,
            ),
        )
        return False
    return True


def _source_ok(source: SourceFile, problems: Problems) -> bool:
    """`source` is a web address or a file under assets/ — never a path out of the site,
    and never a `javascript:` or `data:` link."""
    value = source.data.get("source")
    if not isinstance(value, str) or not value or value.startswith(("https://", "http://")):
        return True
    path = PurePosixPath(value.lstrip("/"))
    scheme = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value)
    # A browser decodes %2e%2e to '..' in a path, so encoded dots and slashes climb too.
    encoded = re.search(r"%(2e|2f|5c)", value, re.IGNORECASE)
    if scheme or encoded or "\\" in value or ".." in path.parts or not path.parts:
        problems.error(
            source.path,
            source.line("source"),
            _(
                "source: '{value}' must be a web address (https://...) or a file under assets/, "
                "e.g. assets/dokument/beslut.pdf",
                value=value,
            ),
        )
        return False
    return True


def _project_dates_ok(source: SourceFile, problems: Problems) -> bool:
    ok = True
    for key in ("start", "end"):
        value = source.data.get(key)
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}(-[0-9]{2}){0,2}", value):
            continue  # absent, or not of the form YYYY[-MM[-DD]]: the schema says so
        parts = [int(p) for p in value.split("-")]
        try:
            if len(parts) >= 2 and not 1 <= parts[1] <= 12:
                raise ValueError("month")
            if len(parts) == 3:
                dt.date(*parts)
        except ValueError:
            problems.error(
                source.path,
                source.line(key),
                _("{key}: '{value}' is not a real date", key=key, value=value),
            )
            ok = False
    return ok


def _validate_organisations(
    sources: LoadedSources, valid: ValidSources, problems: Problems
) -> None:
    document = sources.organisations
    if document is None:
        return
    shown = sources.organisations_path
    if document.data is None:
        problems.error(shown, 1, _("no organisations: the file must be a list of organisations"))
        return
    if not isinstance(document.data, list):
        check_structure("organisations", document.data, shown, document.line_of, problems)
        return
    check_structure("organisations", document.data, shown, document.line_of, problems)
    # Entries with errors of their own are left out; the rest are still usable,
    # so one typo does not turn every reference to every organisation red.
    bad = {p.line for p in problems.errors if p.path == shown}
    first_line: dict[str, int] = {}
    lines_of_entry: dict[object, set[int]] = defaultdict(set)
    for path, ln in document.lines.items():
        if path:
            lines_of_entry[path[0]].add(ln)
    for index, entry in enumerate(document.data):
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            valid.declared_organisations.add(entry["id"])
        entry_lines = lines_of_entry.get(index, set())
        if not isinstance(entry, dict) or entry_lines & bad:
            continue
        org_id = str(entry.get("id"))
        if org_id in first_line:
            problems.error(
                shown,
                document.line_of((index, "id")),
                _(
                    "duplicate organisation id '{org_id}' (first at line {first})",
                    org_id=org_id,
                    first=first_line[org_id],
                ),
            )
            continue
        first_line[org_id] = document.line_of((index, "id"))
        valid.organisations.append((index, entry))
    _check_legal_entities(shown, document, valid, problems)


def _wrong_check_digit(number: str) -> Message:
    return _(
        "org_number: {number} has the wrong check digit (the last digit would be "
        "{digit}): copy the number again from the organisation's own documents",
        number=number,
        digit=orgnumber.check_digit(orgnumber.digits(number)[:9]),
    )


def _check_publisher_number(sources: LoadedSources, problems: Problems) -> None:
    """The publisher's organisationsnummer in data/site.yaml has its check digit: it is the
    publisher's identity in the data catalogue (`opendata.dcat`)."""
    document = sources.settings
    publisher = document.data.get("publisher") if document else None
    number = publisher.get("org_number") if isinstance(publisher, dict) else None
    if document is None or not isinstance(number, str) or orgnumber.luhn_valid(number):
        return
    problems.error(
        sources.settings_path,
        document.line_of(("publisher", "org_number")),
        _wrong_check_digit(number),
    )


def _check_legal_entities(
    shown: str, document: YamlDocument, valid: ValidSources, problems: Problems
) -> None:
    """Each organisationsnummer has its check digit, each `part_of` names another organisation,
    and no number is the identity of two organisations: a district council and a part of
    another organisation use a number that is not theirs alone (`model.orgnumber`)."""
    own: dict[str, tuple[str, int]] = {}
    for index, entry in valid.organisations:
        org_id, number, parent = str(entry["id"]), entry.get("org_number"), entry.get("part_of")
        if isinstance(parent, str) and (
            parent == org_id or parent not in valid.declared_organisations
        ):
            problems.error(
                shown,
                document.line_of((index, "part_of")),
                _("part_of: '{parent}' is not another organisation in this file", parent=parent),
            )
        if not isinstance(number, str):
            continue
        line = document.line_of((index, "org_number"))
        if not orgnumber.luhn_valid(number):
            problems.error(
                shown,
                line,
                _wrong_check_digit(number),
            )
            continue
        if entry.get("type") == DISTRICT or parent:
            continue
        if number in own:
            other, first = own[number]
            problems.error(
                shown,
                line,
                _(
                    "org_number: {number} is already given to '{other}' (line {first}); two "
                    "organisations cannot be one legal entity: give the one that is part of the "
                    "other 'part_of: {other}'",
                    number=number,
                    other=other,
                    first=first,
                ),
            )
            continue
        own[number] = (org_id, line)

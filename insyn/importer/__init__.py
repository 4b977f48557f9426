"""`import FILE...`: tjänsteutlåtanden (text, Word, PDF) into draft decision files.

Reading (`reading`), the front matter (`extract`), money (`funding`), the
body (`body`) and the written file (`output`) are separate stages; this
module runs them per file and decides the file name.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from insyn.graph.duplicates import Identity, same_document
from insyn.importer.body import build_body
from insyn.importer.dates import DATE, infer_year, parse_swedish_date
from insyn.importer.draft import Draft
from insyn.importer.extract import extract, not_found
from insyn.importer.funding import read_funding
from insyn.importer.newcomers import Newcomer
from insyn.importer.orgs import Directory
from insyn.importer.output import render_draft
from insyn.importer.reading import UnreadableDocument, read_document
from insyn.model.i18n import Message, _, ngettext
from insyn.model.ids import MAX_ID_LENGTH, slugify
from insyn.model.problems import ERROR, WARNING, Problems, problem_line
from insyn.sources.load import display, split_front_matter
from insyn.sources.yamlsource import YamlError, parse_yaml

__all__ = ["ImportedDocument", "import_document", "import_files"]

_CO_FINANCING = re.compile(
    r"\banslår\b.*\bandel\b|\bandel\b.*\b(?:anslås|avsätts)\b|medfinansier", re.IGNORECASE
)
_REPORT = re.compile(r"\bredovisning|slutrapport|\bdelrapport|\bårsrapport", re.IGNORECASE)
_APPLICATION = re.compile(r"\bansökan\b|\bansöka\b|\bansöker\b", re.IGNORECASE)


@dataclass(frozen=True)
class ImportedDocument:
    """One document turned into a draft: its values, the file's text and its stem."""

    draft: Draft
    text: str
    slug: str


def import_document(
    text: str, directory: Directory, source_name: str, projects: dict[str, str] | None = None
) -> ImportedDocument:
    """The draft decision file for one document's text."""
    extracted = extract(text, directory)
    draft = extracted.draft
    body = build_body(extracted.body_lines)
    draft.body = body.markdown
    lead = [draft.title or "", *draft.proposals]
    funders = directory.mentioned(" ".join(lead), "funder")
    _kind(draft)
    _year(draft, body.sentences + draft.proposals, directory, text.split("\n"))
    read_funding(draft, draft.proposals + body.sentences, body.tables, directory, funders)
    hint = _project_hint(" ".join(lead), body.markdown, projects or {})
    return ImportedDocument(draft, render_draft(draft, source_name, hint), _slug(draft))


def _kind(draft: Draft) -> None:
    title = draft.title or ""
    proposals = " ".join(draft.proposals)
    if _CO_FINANCING.search(proposals) or _CO_FINANCING.search(title):
        draft.kind = "co-financing"
        draft.todo(
            "kind",
            "medfinansiering: kontrollera om andelen betalas till en annan organisation än "
            "nämnden (ange då to: på finansieringsraden)",
        )
    elif _REPORT.search(title):
        draft.kind = "report"
    elif _APPLICATION.search(title):
        draft.kind = "application"
    elif _REPORT.search(proposals):
        draft.kind = "report"
    elif _APPLICATION.search(proposals):
        draft.kind = "application"
    else:
        draft.kind = "other"
        draft.todo(
            "kind",
            "ärendetypen kunde inte avgöras av rubriken; ange application, co-financing, "
            "report eller other",
        )


def _year(draft: Draft, sentences: list[str], directory: Directory, lines: list[str]) -> None:
    """Without a meeting date, `year` is inferred, and the TODO says from what."""
    if draft.meeting is not None:
        if draft.document_date and draft.meeting < draft.document_date:
            draft.todo(
                "meeting",
                f"sammanträdet ({draft.meeting.isoformat()}) ligger före tjänsteutlåtandets "
                f"datum ({draft.document_date.isoformat()}); kontrollera datumet och förklara "
                "i notes om det står så i dokumentet",
            )
        draft.year = None
        return
    if "meeting" not in draft.todos:
        document_date = draft.document_date
        others = [
            line
            for line in lines
            if DATE.search(line) and parse_swedish_date(line) not in (None, document_date)
        ]  # a date other than the report's could be the meeting's
        not_found(
            draft,
            "meeting",
            "sammanträdesdatumet",
            [line if line in others or not DATE.search(line) else "" for line in lines],
            "ange meeting: ÅÅÅÅ-MM-DD, eller year: om datumet inte är känt",
            also=DATE,
        )
    if draft.document_date is not None:
        draft.year = draft.document_date.year
        draft.todo("year", "året är härlett från tjänsteutlåtandets datum; kontrollera")
        return
    if draft.year is not None:
        draft.todo("year", f"året är härlett från diarienummerfältet (”{draft.year}”); kontrollera")
        return
    district = directory.get(draft.district) if draft.district else None
    guess = infer_year(sentences, district.active_from if district else None)
    if guess is None:
        draft.year = None
        draft.todo("year", "året kunde inte härledas ur texten; ange year: ÅÅÅÅ")
        return
    draft.year = guess.year
    draft.todo("year", f"året {guess.year} är en slutsats: {guess.reason}; kontrollera")


_TITLE_LEAD = re.compile(
    r"^(?:ansökan|redovisning(?:\s+av)?|medfinansiering(?:\s+av)?)\s*"
    r"(?:(?:till|hos)\s+.+?\s+(?=om\b))?"
    r"(?:om\s+)?(?:(?:utvecklings|projekt|stimulans)?medel\s+)?"
    r"(?:(?:från|hos|ur)\s+\S+(?:\s+\S+){0,5}?\s+(?=(?:för|till)\b))?"
    r"(?:(?:för|till|i syfte att)\s+)?(?:att\s+)?(?:genomförande\s+av\s+)?",
    re.IGNORECASE,
)


def _short_title(title: str) -> str:
    quoted = re.search(r"[”“\"]([^”“\"]{4,})[”“\"]", title)
    if quoted:
        return quoted.group(1)
    parts = re.split(r"\s+[–—-]\s+", title, maxsplit=1)
    if len(parts) == 2 and len(parts[1].split()) >= 2:
        return re.sub(r"^projektet\s+", "", parts[1], flags=re.IGNORECASE)
    return _TITLE_LEAD.sub("", title) or title


def _slug(draft: Draft) -> str:
    words = slugify(_short_title(draft.title or "beslut")).split("-")
    short = ""
    for word in words:
        if len(short) + len(word) + 1 > 50:
            break
        short = f"{short}-{word}" if short else word
    year = draft.decision_year
    parts = [str(year) if year else "", draft.district or "", short or "beslut"]
    return slugify(" ".join(p for p in parts if p))


def _project_hint(lead: str, body: str, projects: dict[str, str]) -> str:
    """A TODO suggesting the projects whose names' words all occur in the title and
    proposals, or failing that in the body."""

    def named_in(text: str) -> list[str]:
        folded = text.casefold()
        found = []
        for project_id, name in sorted(projects.items()):
            words = [w for w in re.findall(r"[\wåäöé-]+", name.casefold()) if len(w) > 3]
            if words and all(w in folded for w in words):
                found.append(f"{project_id} (”{name}”)")
        return found

    matches = named_in(lead) or named_in(body)
    if not matches:
        return "ange projects: [id] om ärendet gäller ett projekt på webbplatsen"
    return (
        f"ärendet gäller troligen projektet {' eller '.join(matches)}; "
        "lägg till det i projects om det stämmer"
    )


def _projects(folder: Path) -> dict[str, str]:
    """id -> name of the projects next to the output folder, for the TODO hint."""
    result: dict[str, str] = {}
    if not folder.is_dir():
        return result
    for path in sorted(folder.glob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        match = re.search(r"^name:\s*[\"']?(.+?)[\"']?\s*(?:#.*)?$", text, re.MULTILINE)
        if match:
            result[path.stem] = match.group(1)
    return result


def _free_path(folder: Path, slug: str) -> Path:
    """`slug.md`, or `slug-2.md` ... when taken: an existing file is never overwritten."""
    path = folder / f"{slug}.md"
    number = 2
    while path.exists():
        suffix = f"-{number}"
        path = folder / f"{slug[: MAX_ID_LENGTH - len(suffix)].rstrip('-')}{suffix}.md"
        number += 1
    return path


def published(folder: Path) -> list[Identity]:
    """What names each decision file in `folder` (its diary number, district, meeting and
    title), read from its front matter; a file that cannot be read names nothing (`check`
    reports it)."""
    found = []
    for path in sorted(folder.glob("*.md")):
        try:
            split = split_front_matter(path.read_text(encoding="utf-8"), str(path), Problems())
            data = parse_yaml(split[0], split[1]).data if split else None
        except (OSError, UnicodeDecodeError, YamlError):
            continue
        if not isinstance(data, dict):
            continue
        meeting = data.get("meeting")
        try:
            date = dt.date.fromisoformat(str(meeting)) if meeting else None
        except ValueError:
            date = None
        text = {k: data[k] if isinstance(data.get(k), str) else None for k in KEYS}
        found.append(
            Identity(display(path), text["diary_number"], text["district"], date, text["title"])
        )
    return found


KEYS = ("diary_number", "district", "title")


def import_files(
    files: list[Path], out: Path, data: Path, force: bool = False, add_organisations: bool = False
) -> int:
    """Write one draft per readable file; 1 if any file could not be read, or is a
    document already in `out` (the same diary number, or district, meeting and title: its
    money would count twice), unless `force`. Organisations the documents name that
    `data/organisations.yaml` lacks are printed as entries to paste, or appended to it
    (marked for review) with `add_organisations`."""
    try:
        directory = Directory.load(data)
    except (OSError, UnicodeDecodeError) as exc:
        print(
            problem_line(
                display(data / "organisations.yaml"),
                1,
                ERROR,
                _("cannot read: {reason}", reason=str(exc)),
            ),
            file=sys.stderr,
        )
        return 1
    except YamlError as exc:
        print(
            problem_line(display(data / "organisations.yaml"), exc.line, ERROR, exc.message),
            file=sys.stderr,
        )
        return 1
    projects = _projects(out.parent / "projects")
    existing = published(out) if out.is_dir() else []
    proposed: dict[str, tuple[Newcomer, str]] = {}
    status = 0
    for path in files:
        shown = display(path)
        try:
            text = read_document(path)
        except UnreadableDocument as exc:
            print(problem_line(shown, 1, ERROR, exc.message), file=sys.stderr)
            status = 1
            continue
        try:
            imported = import_document(text, directory, path.name, projects)
            draft = imported.draft
            candidate = Identity(
                shown, draft.diary_number, draft.district, draft.meeting, draft.title
            )
            same = None if force else same_document(existing, candidate)
            if same is not None:
                print(
                    problem_line(
                        shown,
                        1,
                        ERROR,
                        _(
                            "this document is already imported as {path} ({reason}); a second "
                            "file would count its money twice. Edit that file, or use --force "
                            "to import it anyway",
                            path=same.earlier.path,
                            reason=same.reason,
                        ),
                    ),
                    file=sys.stderr,
                )
                status = 1
                continue
            out.mkdir(parents=True, exist_ok=True)
            target = _free_path(out, imported.slug)
            with target.open("x", encoding="utf-8") as handle:
                handle.write(imported.text)
        except OSError as exc:
            print(
                problem_line(
                    shown,
                    1,
                    ERROR,
                    _("cannot write the draft: {reason}", reason=str(exc.strerror or exc)),
                ),
                file=sys.stderr,
            )
            status = 1
            continue
        except Exception as exc:  # a bug here must not cost the other files, nor show a traceback
            print(
                problem_line(
                    shown,
                    1,
                    ERROR,
                    _(
                        "could not import ({reason}); please report this with the document",
                        reason=f"{type(exc).__name__}: {exc}",
                    ),
                ),
                file=sys.stderr,
            )
            status = 1
            continue
        existing.append(candidate)  # a second copy in the same run is refused too
        todo_count = imported.text.count("# TODO:")
        print(
            _(
                "{draft}: from {document}, {count} TODO",
                draft=display(target),
                document=shown,
                count=todo_count,
            )
        )
        for warning in _warnings(imported.draft):
            print(problem_line(display(target), 1, WARNING, warning), file=sys.stderr)
        for newcomer in draft.newcomers:
            if newcomer.id not in proposed and directory.get(newcomer.id) is None:
                proposed[newcomer.id] = (newcomer, path.name)
    if proposed:
        status = max(status, _offer(list(proposed.values()), data, add_organisations))
    return status


def _offer(newcomers: list[tuple[Newcomer, str]], data: Path, append: bool) -> int:
    """Print the entries to paste into data/organisations.yaml, or append them."""
    target = data / "organisations.yaml"
    lines = [line for newcomer, source in newcomers for line in newcomer.yaml(source)]
    if not append:
        print(
            ngettext(
                "{count} organisation missing from {file}; paste this entry there, or run "
                "import again with --add-organisations:",
                "{count} organisations missing from {file}; paste these entries there, or run "
                "import again with --add-organisations:",
                len(newcomers),
                file=display(target),
            )
        )
        print("\n".join(lines))
        return 0
    try:
        existing = target.read_text(encoding="utf-8")
        with target.open("a", encoding="utf-8") as handle:
            handle.write(("" if existing.endswith("\n") else "\n") + "\n".join(lines) + "\n")
    except OSError as exc:
        print(
            problem_line(
                display(target),
                1,
                ERROR,
                _("cannot add organisations: {reason}", reason=str(exc.strerror or exc)),
            ),
            file=sys.stderr,
        )
        return 1
    for newcomer, _source in newcomers:
        print(
            _(
                "{file}: added {id} ({name}), marked for review",
                file=display(target),
                id=newcomer.id,
                name=newcomer.name,
            )
        )
    return 0


def _warnings(draft: Draft) -> list[Message]:
    """Values a draft cannot pass `check` without: the staff member must fill them in."""
    missing = [key for key in ("title", "district") if getattr(draft, key) is None]
    if draft.meeting is None and draft.year is None:
        missing.append("year")
    return [
        _("'{key}' could not be read from the document; fill it in (see its TODO)", key=key)
        for key in missing
    ]

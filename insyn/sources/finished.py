"""Nothing half-done is published: the marks of unfinished work in a file that is not a draft.

`import` leaves `# TODO:` comments where it could not settle a value, and `new` writes
empty headings and a placeholder text to be filled in. In a draft they are the work
still to do; in a file that is published they would either be lost silently (a comment)
or printed as if they were content (an empty heading, "Beskriv projektet här."). So
each is an error once `draft: true` is gone, at its own line.

The checks read the file's text, which only the loader has (YAML comments do not
survive parsing), so `load` runs them once per version of a file.
"""

from __future__ import annotations

import re

from insyn.model.i18n import _
from insyn.model.problems import Problems

#: What `new` writes for staff to replace: body lines that are never content.
PLACEHOLDERS = ("Beskriv projektet här.",)

_TODO = re.compile(r"\bTODO\b")
_HEADING = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BODY_TODO = re.compile(r"^\s*(?:<!--\s*)?TODO\b|<!--\s*TODO\b")


def check_finished(
    shown: str, front: str, front_line: int, body: str, body_line: int, problems: Problems
) -> None:
    """An error for each `# TODO` comment, empty section and placeholder of `new`."""
    for offset, line in enumerate(front.split("\n")):
        comment = _comment(line)
        if comment is not None and _TODO.search(comment):
            problems.error(
                shown,
                front_line + offset,
                _(
                    "a TODO is left in a file that is published: settle it (and remove the "
                    "comment), or keep the file a draft with 'draft: true'"
                ),
            )
    _check_body(shown, body, body_line, problems)


def _check_body(shown: str, body: str, body_line: int, problems: Problems) -> None:
    lines = body.split("\n")
    fence = ""
    #: (line number, level, text) of the last heading whose section has no text yet
    open_heading: tuple[int, int, str] | None = None
    for offset, line in enumerate(lines):
        number = body_line + offset
        marker = _FENCE.match(line)
        if fence:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = ""
            continue
        if marker:
            fence = marker.group(1)
            open_heading = None
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            if open_heading is not None and level <= open_heading[1]:
                _empty(shown, open_heading, problems)
            open_heading = (number, level, heading.group(2) or "")
            if (heading.group(2) or "").strip().upper().startswith("TODO"):
                _todo_in_body(shown, number, problems)
            continue
        if not line.strip():
            continue
        open_heading = None
        if line.strip() in PLACEHOLDERS:
            problems.error(
                shown,
                number,
                _(
                    "'{text}' is the template's placeholder: write the text that belongs here, "
                    "or keep the file a draft with 'draft: true'",
                    text=line.strip(),
                ),
            )
        elif _BODY_TODO.search(line):
            _todo_in_body(shown, number, problems)
    if open_heading is not None:
        _empty(shown, open_heading, problems)


def _empty(shown: str, heading: tuple[int, int, str], problems: Problems) -> None:
    number, level, text = heading
    problems.error(
        shown,
        number,
        _(
            "the heading '{heading}' has no text under it: write the section, or remove the "
            "heading",
            heading=f"{'#' * level} {text}".rstrip(),
        ),
    )


def _todo_in_body(shown: str, number: int, problems: Problems) -> None:
    problems.error(
        shown,
        number,
        _(
            "a TODO is left in a file that is published: settle it, or keep the file a draft "
            "with 'draft: true'"
        ),
    )


def _comment(line: str) -> str | None:
    """The YAML comment on a line (after a `#` that is outside quotes and starts the line
    or follows a space), or None."""
    quote = ""
    for at, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
            continue
        if char in "\"'" and (at == 0 or line[at - 1] in " \t:-[{,"):
            quote = char
        elif char == "#" and (at == 0 or line[at - 1] in " \t"):
            return line[at + 1 :]
    return None

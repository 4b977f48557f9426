"""Problems found in content, reported as `path:line: severity: message`.

Every stage adds to one `Problems` collection instead of raising, so a single
run reports everything that is wrong, sorted, before anything is rendered.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from insyn.model.i18n import Message, _, ngettext, text

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    #: `error` or `warning`: the same words in every language (contract section 8)
    severity: str
    #: what is wrong, worded in the run's language when shown (`message`)
    said: Message | str
    #: a warning's code, printed at the end of its line: `... [meeting-before-report]`
    code: str = ""
    #: a warning the file's `acknowledged` names: printed, but `check --strict` passes
    acknowledged: bool = False

    @property
    def message(self) -> str:
        return text(self.said)

    def as_json(self) -> dict[str, object]:
        """The problem for editors (`check --format json`): where, how bad, what, and the
        value to write instead when the message suggests one."""
        return {
            "path": self.path,
            "line": self.line,
            "column": None,
            "severity": self.severity,
            "code": self.code or None,
            "message": self.message,
            "suggestion": suggestion_in(self.said),
            "acknowledged": self.acknowledged,
        }

    def __str__(self) -> str:
        line = f"{_one_line(self.path)}:{self.line}: {self.severity}: {_one_line(self.message)}"
        return f"{line} [{self.code}]" if self.code else line


def _one_line(text: str) -> str:
    """Control characters escaped, so that a value quoted in a message never breaks the line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int, message: Message | str) -> None:
        self.items.append(Problem(path, max(line, 1), ERROR, message))

    def warning(
        self,
        path: str,
        line: int,
        message: Message | str,
        code: str,
        acknowledged: bool = False,
    ) -> None:
        self.items.append(Problem(path, max(line, 1), WARNING, message, code, acknowledged))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == WARNING]

    @property
    def unexplained_warnings(self) -> list[Problem]:
        """The warnings no file's `acknowledged` names: what fails `check --strict`."""
        return [p for p in self.warnings if not p.acknowledged]

    def sorted(self) -> list[Problem]:
        """Sorted by path and line; duplicates (same place, same words) once."""
        return sorted(set(self.items), key=lambda p: (p.path, p.line, p.severity, p.message))

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.items)


def problem_line(path: str, line: int, severity: str, message: Message | str) -> str:
    """One `path:line: severity: message` line, for the commands that print as they go."""
    return str(Problem(path, max(line, 1), severity, message))


def summary(problems: Problems, files: int) -> str:
    """The closing line of `check` and of a failed build: "2 fel, 1 varning i 13 filer"."""
    errors, warnings = len(problems.errors), len(problems.warnings)
    explained = warnings - len(problems.unexplained_warnings)
    return _(
        "{errors}, {warnings}{explained} in {files}",
        errors=ngettext("{count} error", "{count} errors", errors),
        warnings=ngettext("{count} warning", "{count} warnings", warnings),
        explained=_(" ({count} explained in 'notes')", count=explained) if explained else "",
        files=ngettext("{count} file", "{count} files", files),
    ).text()


def did_you_mean(word: str, candidates: Iterable[str]) -> Message | str:
    """A ` (did you mean 'x'?)` suffix when a close candidate exists, else ''."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return _(" (did you mean '{match}'?)", match=matches[0]) if matches else ""


#: The message ids whose `{name}` is a value to write instead (`did_you_mean`, and the
#: suggestions for ids and file names).
_SUGGESTIONS = {
    " (did you mean '{match}'?)": "match",
    " (e.g. '{suggestion}')": "suggestion",
    ": rename it to '{suggestion}.md'": "suggestion",
}


def suggestion_in(message: Message | str) -> str | None:
    """The value a message suggests writing instead, found in it or the messages it holds."""
    if not isinstance(message, Message):
        return None
    name = _SUGGESTIONS.get(message.msgid)
    if name is not None:
        return str(dict(message.args)[name])
    for _name, value in message.args:
        found = suggestion_in(value)
        if found is not None:
            return found
    return None

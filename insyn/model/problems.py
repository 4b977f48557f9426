"""Problems found in content, reported as `path:line: severity: message`.

Every stage adds to one `Problems` collection instead of raising, so a single
run reports everything that is wrong, sorted, before anything is rendered.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    severity: str
    message: str
    #: a warning's code, printed at the end of its line: `... [meeting-before-report]`
    code: str = ""
    #: a warning the file's `acknowledged` names: printed, but `check --strict` passes
    acknowledged: bool = False

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

    def error(self, path: str, line: int, message: str) -> None:
        self.items.append(Problem(path, max(line, 1), ERROR, message))

    def warning(
        self, path: str, line: int, message: str, code: str, acknowledged: bool = False
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


def summary(problems: Problems, files: int) -> str:
    """The closing line of `check` and of a failed build."""
    errors, warnings = len(problems.errors), len(problems.warnings)
    explained = warnings - len(problems.unexplained_warnings)
    return (
        f"{errors} {'error' if errors == 1 else 'errors'}, "
        f"{warnings} {'warning' if warnings == 1 else 'warnings'}"
        + (f" ({explained} explained in 'notes')" if explained else "")
        + f" in {files} {'file' if files == 1 else 'files'}"
    )


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix when a close candidate exists, else ''."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""

"""Edit history from git: who changed which content file, and when.

Read once for the whole site with a single `git log`, never per page.
Outside a git checkout (or without git) there is simply no history.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

RECORD = "\x1e"
FIELD = "\x1f"


@dataclass(frozen=True)
class Change:
    commit: str
    date: dt.date
    subject: str
    #: when the change was committed, in UTC: when it reached the site's content (the
    #: author's `date` may be older, for a change written earlier and merged later)
    committed: dt.datetime | None = None


@dataclass(frozen=True)
class History:
    """Changes per content file (relative to the content folder, e.g. `decisions/x.md`)."""

    changes: dict[str, tuple[Change, ...]]
    #: the content folder's path inside the repository, e.g. `content/`
    prefix: str = ""

    def of(self, relative: str) -> tuple[Change, ...]:
        return self.changes.get(relative, ())

    def repo_path(self, relative: str) -> str:
        return f"{self.prefix}{relative}"


NO_HISTORY = History({})


def content_relative(path: str) -> str:
    """A content file's path as `History` knows it, `decisions/x.md`, from any path to it.
    (`os.path`, not `pathlib`: this runs once per page, and pathlib's parsing cost more
    than the rest of the look-up.)"""
    return f"{os.path.basename(os.path.dirname(path))}/{os.path.basename(path)}"


def read_history(content: Path) -> History:
    git = shutil.which("git")
    if git is None or not content.is_dir():
        return NO_HISTORY
    try:
        prefix = subprocess.run(
            [git, "rev-parse", "--show-prefix"],
            cwd=content,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
        log = subprocess.run(
            [
                git,
                "log",
                "--no-merges",
                "--relative",
                f"--format={RECORD}%H{FIELD}%aI{FIELD}%s{FIELD}%cI",
                "--name-only",
                "--",
                ".",
            ],
            cwd=content,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return NO_HISTORY
    return History(parse_log(log), prefix)


def parse_log(log: str) -> dict[str, tuple[Change, ...]]:
    changes: dict[str, list[Change]] = {}
    for record in log.split(RECORD):
        if not record.strip():
            continue
        header, _, names = record.partition("\n")
        commit, date, subject, committed = [*header.split(FIELD), "", "", "", ""][:4]
        try:
            change = Change(
                commit,
                dt.datetime.fromisoformat(date).date(),
                subject,
                dt.datetime.fromisoformat(committed).astimezone(dt.UTC) if committed else None,
            )
        except ValueError:
            continue
        for name in names.splitlines():
            if name.strip():
                changes.setdefault(name.strip(), []).append(change)
    return {name: tuple(items) for name, items in sorted(changes.items())}

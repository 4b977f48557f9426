"""Edit history: one git call for the whole site, absent outside a checkout."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from insyn.history import EMPTY, read_history
from tests.conftest import Corpus


def git(cwd: Path, *args: str, date: str = "2026-03-04T10:00:00+01:00") -> None:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="Redaktör",
        GIT_AUTHOR_EMAIL="r@example.se",
        GIT_COMMITTER_NAME="Redaktör",
        GIT_COMMITTER_EMAIL="r@example.se",
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_DATE=date,
    )
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def test_history_lists_changes_per_file_newest_first(corpus: Corpus) -> None:
    git(corpus.root, "init", "-q", "-b", "main")
    corpus.decision("2007-a")
    git(corpus.root, "add", ".")
    git(corpus.root, "commit", "-qm", "Lägg till beslut A", date="2026-01-02T09:00:00+01:00")
    corpus.decision("2007-a", title="Rättad rubrik")
    corpus.decision("2007-b")
    git(corpus.root, "add", ".")
    git(corpus.root, "commit", "-qm", "Rätta rubrik, lägg till B", date="2026-02-03T09:00:00+01:00")

    history = read_history(corpus.content)

    assert history.prefix == "content/"
    a = history.of("decisions/2007-a.md")
    assert [c.subject for c in a] == ["Rätta rubrik, lägg till B", "Lägg till beslut A"]
    assert [c.date for c in a] == [dt.date(2026, 2, 3), dt.date(2026, 1, 2)]
    assert len(a[0].commit) == 40
    assert [c.subject for c in history.of("decisions/2007-b.md")] == ["Rätta rubrik, lägg till B"]
    assert history.repo_path("decisions/2007-b.md") == "content/decisions/2007-b.md"


def test_no_history_outside_a_git_checkout(corpus: Corpus) -> None:
    corpus.decision("2007-a")
    assert read_history(corpus.content) == EMPTY

"""Edit history: one git call for the whole site, absent outside a checkout."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from insyn.sources.history import NO_HISTORY, read_history
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
    assert read_history(corpus.content) == NO_HISTORY


def test_pages_show_history_with_links_and_git_is_called_once_per_site(
    corpus: Corpus, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import insyn.sources.history
    from insyn.cli import BuildOptions
    from insyn.commands import build_site

    git(corpus.root, "init", "-q", "-b", "main")
    for index in range(5):
        corpus.decision(f"2007-d{index}")
    corpus.project("projekt-a")
    git(corpus.root, "add", ".")
    git(corpus.root, "commit", "-qm", "Första <versionen>", date="2026-01-02T09:00:00+01:00")
    corpus.decision("2007-d0", title="Ny rubrik")
    git(corpus.root, "commit", "-qam", "Rätta rubriken", date="2026-02-03T09:00:00+01:00")

    calls: list[list[str]] = []
    real_run = insyn.sources.history.subprocess.run

    def counting_run(args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(list(args))
        return real_run(args, **kwargs)

    monkeypatch.setattr(insyn.sources.history.subprocess, "run", counting_run)
    monkeypatch.chdir(corpus.root)
    report = build_site(BuildOptions(corpus.content, corpus.data, corpus.out))
    assert report.ok
    git_calls = [c[1] for c in calls if Path(c[0]).name == "git"]  # not Pagefind's run
    assert git_calls == ["rev-parse", "log"], "one git log for the whole site"

    page = (corpus.out / "beslut/2007-d0/index.html").read_text(encoding="utf-8")
    assert "Ändringshistorik" in page
    assert 'Senast ändrad <time datetime="2026-02-03">3 februari 2026</time>' in page
    assert "Första &lt;versionen&gt;</a>" in page  # commit messages are escaped
    repo = "https://example.org/insyn/insyn"
    assert f'href="{repo}/blob/main/content/decisions/2007-d0.md">Visa källfilen' in page
    assert f'href="{repo}/edit/main/content/decisions/2007-d0.md">Föreslå en ändring' in page
    assert page.count(f'href="{repo}/commit/') == 2
    project = (corpus.out / "projekt/projekt-a/index.html").read_text(encoding="utf-8")
    assert "Ändringshistorik" in project and "projects/projekt-a.md" in project


def test_pages_have_no_history_section_outside_git(corpus: Corpus) -> None:
    corpus.decision("2007-a")
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    page = (corpus.out / "beslut/2007-a/index.html").read_text(encoding="utf-8")
    assert "Ändringshistorik" not in page and "Föreslå en ändring" not in page

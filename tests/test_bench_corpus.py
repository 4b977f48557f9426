"""The synthetic benchmark corpus is valid content and deterministic from its seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from insyn.pipeline import read_site
from tests.bench.corpus import generate
from tests.conftest import ROOT


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_corpus_is_deterministic_and_checks_clean(tmp_path: Path) -> None:
    first = generate(50, tmp_path / "a")
    second = generate(50, tmp_path / "b")
    assert tree(first) == tree(second)
    assert len(list((first / "content/decisions").glob("*.md"))) == 50
    assert len(list((first / "content/projects").glob("*.md"))) == 10
    result = read_site(first / "content", first / "data")
    assert [str(p) for p in result.problems] == []
    assert result.graph is not None
    assert len(result.graph.decisions) == 50
    assert len({ln.from_id for ln in result.graph.ledger.lines}) > 3


def test_a_different_seed_gives_a_different_corpus(tmp_path: Path) -> None:
    assert tree(generate(10, tmp_path / "a", seed=1)) != tree(generate(10, tmp_path / "b", seed=2))


def test_the_write_floor_writes_the_same_files_and_cleans_up(tmp_path: Path) -> None:
    from tests.bench import run

    site = tmp_path / "site"
    (site / "beslut/a").mkdir(parents=True)
    (site / "beslut/a/index.html").write_bytes(b"<p>a</p>")
    (site / "data.json").write_bytes(b"{}" * 70_000)
    copy = tmp_path / "copy"
    run._write_files(copy, [("beslut/a/index.html", b"<p>a</p>"), ("data.json", b"{}" * 70_000)])
    assert tree(copy) == tree(site)
    trash = run.Trash(tmp_path / "trash")
    assert run.write_floor(site, tmp_path / "work", runs=2, trash=trash) > 0
    assert not (tmp_path / "work" / "write-floor").exists()
    assert [tree(trash.folder / name) for name in ("1", "2")] == [tree(site)] * 2
    trash.empty()
    assert not trash.folder.exists()


def corpus_command(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`python -m tests.bench.corpus ARGS` in a real process, as the docs run it."""
    return subprocess.run(
        [sys.executable, "-m", "tests.bench.corpus", *args],
        cwd=cwd,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_corpus_command_prints_its_usage() -> None:
    for flag in ("--help", "-h"):
        done = corpus_command(flag)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("usage: python -m tests.bench.corpus"), done.stdout
        assert "N" in done.stdout and "ROOT" in done.stdout and "--seed" in done.stdout
        assert done.stderr == ""


def test_the_corpus_command_writes_a_corpus(tmp_path: Path) -> None:
    done = corpus_command("5", str(tmp_path / "c"), "--seed", "2")
    assert done.returncode == 0, done.stderr
    assert tree(tmp_path / "c") == tree(generate(5, tmp_path / "direct", seed=2))


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        ((), 2, "the following arguments are required: N, ROOT"),
        (("5",), 2, "the following arguments are required: ROOT"),
        (("abc", "x"), 2, "argument N: must be a whole number of at least 1, not 'abc'"),
        (("0", "x"), 2, "argument N: must be a whole number of at least 1, not '0'"),
        (("-5", "x"), 2, "argument N: must be a whole number of at least 1, not '-5'"),
        (("5", "x", "--seed", "z"), 2, "argument --seed: invalid int value: 'z'"),
        (("5", "x", "extra"), 2, "unrecognized arguments: extra"),
        (("5", "{file}/below"), 1, "cannot write {file}/below: "),
    ],
)
def test_the_corpus_command_refuses_bad_arguments_in_one_line(
    tmp_path: Path, args: tuple[str, ...], status: int, message: str
) -> None:
    """Bad arguments are argparse's usage line and one error line (status 2); a folder that
    cannot be written is one error line (status 1); never a traceback, nothing written."""
    file = tmp_path / "a-file"
    file.write_text("not a folder", encoding="utf-8")
    done = corpus_command(*(arg.format(file=file) for arg in args), cwd=tmp_path)
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    *usage, error = done.stderr.splitlines()
    assert usage == (
        ["usage: python -m tests.bench.corpus [-h] [--seed SEED] N ROOT"] * (status == 2)
    )
    assert error.startswith("python -m tests.bench.corpus: error: " + message.format(file=file))
    assert not (tmp_path / "x").exists()

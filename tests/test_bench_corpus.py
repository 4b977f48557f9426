"""The synthetic benchmark corpus is valid content and deterministic from its seed."""

from __future__ import annotations

from pathlib import Path

from insyn.pipeline import read_site
from tests.bench.corpus import generate


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

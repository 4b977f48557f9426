"""The Hugo site `make bench` compares against has the same content, pages and URLs.

Emitting is checked everywhere; building it needs Hugo, which is optional (the
benchmark is not part of CI), so that test is skipped where `hugo` is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from insyn.pipeline import read_site
from tests.bench import hugo
from tests.bench.corpus import generate

N = 30


def front_matter(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    head, body = text[4:].split("\n---\n", 1)
    data = yaml.safe_load(head)
    assert isinstance(data, dict), path
    return data, body


@pytest.fixture(scope="module")
def emitted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = generate(N, tmp_path_factory.mktemp("corpus"))
    site = tmp_path_factory.mktemp("hugo")
    counts = hugo.emit(root / "content", root / "data", site)
    assert (counts.decisions, counts.projects) == (N, N // 5)
    return root, site


def test_every_decision_and_project_is_one_page_with_its_body_and_terms(
    emitted: tuple[Path, Path],
) -> None:
    root, site = emitted
    graph = read_site(root / "content", root / "data").graph
    assert graph is not None
    decisions = sorted(p for p in (site / "content/beslut").glob("*.md") if p.name != "_index.md")
    projects = sorted(p for p in (site / "content/projekt").glob("*.md") if p.name != "_index.md")
    assert [p.stem for p in decisions] == sorted(graph.decisions)
    assert [p.stem for p in projects] == sorted(graph.projects)
    for path in decisions:
        decision = graph.decisions[path.stem]
        data, body = front_matter(path)
        assert data["title"] == decision.title
        assert body == decision.body
        assert data["stadsdel"] == decision.district
        assert decision.district in data["stadsdelar"]
        assert str(decision.year) in data["ar"]
        assert len(data["rader"]) == len(decision.funding)
        funders = {ln.from_id for ln in decision.funding if ln.from_id.startswith("finansiar-")}
        assert set(data.get("finansiarer", [])) == funders
        for line, declared in zip(data["rader"], decision.funding, strict=True):
            assert (line["fran"], line["till"], line["belopp"], line["status"]) == (
                declared.from_id,
                declared.to_id,
                declared.amount,
                declared.status,
            )
    for path in projects:
        project = graph.projects[path.stem]
        data, body = front_matter(path)
        assert data["title"] == project.name
        assert body == project.body
        assert data["beslut"] == graph.decisions_by_project.get(project.id, [])
    # A term page (with the organisation's name) for every organisation and year.
    for org in graph.organisations.values():
        plural = hugo.TAXONOMIES[org.type]
        data, _ = front_matter(site / "content" / plural / org.id / "_index.md")
        assert data["title"] == org.name
    for year in graph.years:
        assert (site / "content/ar" / str(year) / "_index.md").exists()


def test_the_config_declares_the_taxonomies_under_insyns_urls(emitted: tuple[Path, Path]) -> None:
    _, site = emitted
    config = tomllib.loads((site / "hugo.toml").read_text(encoding="utf-8"))
    assert set(config["taxonomies"].values()) == {
        "stadsdelar",
        "finansiarer",
        "organisationer",
        "ar",
    }
    assert config["title"] == "Syntetisk Insyn"
    assert (site / "layouts/beslut/single.html").exists()
    assert (site / "layouts/_default/term.html").exists()
    assert yaml.safe_load((site / "data/organisationer.yaml").read_text(encoding="utf-8"))[
        "stadsdel-00"
    ]["url"] == ("/stadsdelar/stadsdel-00/")


def test_emitting_again_replaces_the_site(emitted: tuple[Path, Path], tmp_path: Path) -> None:
    root, _ = emitted
    site = tmp_path / "site"
    hugo.main([str(root), str(site)])
    (site / "content/beslut/stale.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    (site / "public").mkdir()
    hugo.main([str(root / "content"), str(site)])
    assert not (site / "content/beslut/stale.md").exists()
    assert (site / "public").is_dir()  # only what emit writes is replaced


@pytest.mark.skipif(
    shutil.which("hugo") is None,
    reason="hugo is not installed (optional: apt-get install hugo); only emitting is checked",
)
def test_hugo_builds_the_same_pages(emitted: tuple[Path, Path], tmp_path: Path) -> None:
    root, site = emitted
    graph = read_site(root / "content", root / "data").graph
    assert graph is not None
    public = tmp_path / "public"
    hugo.clean(site, public)
    result = subprocess.run(
        hugo.hugo_command(site, public), capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    hugo.clean(site)
    decision = next(iter(graph.decisions.values()))
    page = (public / "beslut" / decision.id / "index.html").read_text(encoding="utf-8")
    assert decision.title in page
    assert f'href="/stadsdelar/{decision.district}/"' in page
    assert "Finansieringsrader i beslutet" in page
    district = (public / "stadsdelar" / decision.district / "index.html").read_text(
        encoding="utf-8"
    )
    assert f'href="/beslut/{decision.id}/"' in district
    assert graph.organisations[decision.district].name in district
    assert (public / "ar" / str(decision.year) / "index.html").exists()
    assert (public / "beslut" / decision.id / "index.json").exists()
    for project_id in graph.projects:
        assert (public / "projekt" / project_id / "index.html").exists()
    for path in ("index.html", "beslut/index.html", "stadsdelar/index.html", "sitemap.xml"):
        assert (public / path).exists(), path
    pages = list(public.rglob("*.html"))
    assert len(pages) > N + N // 5 + 15

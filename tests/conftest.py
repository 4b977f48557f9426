"""Shared fixtures: small content trees written into a temp folder per test.

`Corpus` writes organisations, site settings, decisions and projects exactly
as staff would (YAML front matter + Markdown), so every test goes through
the real loader.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

# The tests pin messages word for word in English, the catalogue's message ids, on any
# machine's locale; the Swedish that staff see by default is tested by name
# (`tests/test_messages.py`, and the `swedish` fixture).
os.environ["INSYN_LANG"] = "en"


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    from insyn.model.i18n import current_language, use_language

    before = current_language()
    use_language("en")
    yield
    use_language(before)


@pytest.fixture
def swedish(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Messages in Swedish, the default: in this process and in the commands it starts."""
    from insyn.model.i18n import use_language

    monkeypatch.delenv("INSYN_LANG")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)
    use_language("sv")
    yield
    use_language("en")


DEFAULT_ORGANISATIONS: list[dict[str, Any]] = [
    {
        "id": "hasselby-vallingby",
        "name": "Hässelby-Vällingby stadsdelsnämnd",
        "short_name": "Hässelby-Vällingby",
        "type": "district",
        "area": "Västerort",
    },
    {
        "id": "skarholmen",
        "name": "Skärholmens stadsdelsnämnd",
        "short_name": "Skärholmen",
        "type": "district",
        "area": "Söderort",
    },
    {
        "id": "rinkeby",
        "name": "Rinkeby stadsdelsnämnd",
        "short_name": "Rinkeby",
        "type": "district",
        "area": "Västerort",
        "active": {"from": 1997, "to": 2006},
    },
    {
        "id": "lansstyrelsen",
        "name": "Länsstyrelsen i Stockholms län",
        "short_name": "Länsstyrelsen",
        "type": "funder",
        "category": "statlig myndighet",
    },
    {
        "id": "socialstyrelsen",
        "name": "Socialstyrelsen",
        "type": "funder",
        "category": "statlig myndighet",
    },
    {"id": "framnas", "name": "Framnäs AB", "type": "organisation", "category": "företag"},
]

DEFAULT_SITE: dict[str, Any] = {
    "title": "Insyn test",
    "description": "Testwebbplats.",
    "base_url": "https://insyn.example.se",
    "repo_url": "https://example.org/insyn/insyn",
    "language": "sv",
    "organisation": "Testkommunen",
    "contact_email": "test@example.se",
    "licence": "CC0 1.0",
    "licence_url": "https://creativecommons.org/publicdomain/zero/1.0/",
}


def front_matter(data: dict[str, Any], body: str = "") -> str:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return f"---\n{text}---\n{body}"


@dataclass
class Corpus:
    """A content tree in a temp folder: `root/content`, `root/data`, `root/_site`."""

    root: Path
    organisations: list[dict[str, Any]] = field(
        default_factory=lambda: [dict(o) for o in DEFAULT_ORGANISATIONS]
    )
    site: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_SITE))

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def out(self) -> Path:
        return self.root / "_site"

    def write_data(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)
        (self.data / "organisations.yaml").write_text(
            yaml.safe_dump(self.organisations, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        (self.data / "site.yaml").write_text(
            yaml.safe_dump(self.site, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        (self.content / "decisions").mkdir(parents=True, exist_ok=True)
        (self.content / "projects").mkdir(parents=True, exist_ok=True)

    def decision(self, id: str, body: str = "## Sammanfattning\n\nText.\n", **front: Any) -> Path:
        data = {
            "title": f"Beslut {id}",
            "district": "hasselby-vallingby",
            "meeting": "2007-11-27",
            "kind": "other",
        }
        data.update(front)
        # Who signed is asked of every published decision (a warning otherwise); it goes
        # last, so the keys a test gives keep their lines.
        data.setdefault("signed_by", [{"name": "Anna Andersson", "title": "Enhetschef"}])
        data = {k: v for k, v in data.items() if v is not None}
        return self.raw(f"decisions/{id}.md", front_matter(data, body))

    def project(self, id: str, body: str = "Projektbeskrivning.\n", **front: Any) -> Path:
        data = {"name": f"Projekt {id}", "owner": "hasselby-vallingby"}
        data.update(front)
        data = {k: v for k, v in data.items() if v is not None}
        return self.raw(f"projects/{id}.md", front_matter(data, body))

    def raw(self, relative: str, text: str | bytes) -> Path:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run `python site.py ARGS` in the corpus root, as a user would."""
        return run_site(*args, cwd=self.root)


def run_site(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, str(ROOT / "site.py"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session", autouse=True)
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Caches of builds made by fixtures wider than one test (module-scoped corpora) go to a
    folder of the session's, not into the project's `.cache/`."""
    folder = tmp_path_factory.mktemp("session-cache")
    before = os.environ.get("INSYN_CACHE_DIR")
    os.environ["INSYN_CACHE_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("INSYN_CACHE_DIR", None)
    else:
        os.environ["INSYN_CACHE_DIR"] = before


#: The day the tests' builds take as today (`graph.quality.today`): 1 January 2025, so
#: that a planned period counts as passed or not the same way on any day the tests run.
TEST_TODAY = "1735689600"


@pytest.fixture(scope="session", autouse=True)
def fixed_today() -> Iterator[str]:
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = TEST_TODAY
    yield TEST_TODAY
    if before is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = before


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's builds (and the commands it runs) keep their caches in a folder of the
    test's own, not in the project's `.cache/` (`buildcache.cache_root`)."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("INSYN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[Corpus]:
    tree = Corpus(tmp_path)
    tree.write_data()
    yield tree


#: What a clone holds that a build reads.
PROJECT_PARTS = ("site.py", "insyn", "templates", "assets", "content", "data")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the whole project (code, templates, assets, the shipped content), as a
    clone is: assets and the default cache are the project's own, so a test of them needs
    a project of its own."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", *PROJECT_PARTS],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    copy = tmp_path / "project"
    for name in filter(None, listed.split("\0")):
        if not (ROOT / name).exists():
            continue  # deleted in the work tree, not yet in git
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return copy


def run_project(
    project: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the copy's own `site.py` in the copy, as a user of that clone would."""
    return subprocess.run(
        [sys.executable, str(project / "site.py"), *args],
        cwd=project,
        env=dict(os.environ, PYTHONPATH=str(project), **(env or {})),
        capture_output=True,
        text=True,
        timeout=120,
    )


def recorded_reads(content: Path, data: Path) -> dict[str, frozenset[tuple[Any, ...]]]:
    """Every planned output of a site, rendered in this process: site path -> the keys it
    recorded while it rendered (`insyn.graph.reads`)."""
    from insyn.build.bodycache import BodyCache
    from insyn.build.render import Renderer, plan_outputs
    from insyn.pipeline import read_site
    from insyn.sources.history import NO_HISTORY

    result = read_site(content, data)
    assert result.graph is not None, [str(p) for p in result.problems]
    renderer = Renderer(result.graph, result.findings, NO_HISTORY, BodyCache())
    return {output.path: renderer.render(output)[1] for output in plan_outputs(result.graph)}


def render_in_memory(graph: Any, findings: list[Any]) -> dict[str, bytes]:
    """Every file of the site, site path -> bytes, rendered one by one in this process
    from the plan: the reference the engine's parallel, incremental build must equal."""
    from insyn.build.render import asset_files, asset_urls, environment, render_page
    from insyn.opendata.files import plan_data_files
    from insyn.opendata.records import OpenData
    from insyn.pages.plan import plan_pages
    from insyn.pages.site import SiteView

    files = asset_files()
    site = SiteView(graph, findings, asset_urls(files))
    pages = plan_pages(graph)
    env = environment(site)
    for page in pages:
        files[page.path] = render_page(page, site, env.get_template(page.template))
    data = OpenData(graph, site.published)
    files.update({f.path: f.make(data) for f in plan_data_files(graph, pages)})
    return files

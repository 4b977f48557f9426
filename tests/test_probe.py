"""The probe as a test: change each entity in turn, and a warm build must equal a clean one.

An incremental build re-renders a page only when a key its plan declares
(`plan_pages`) has a new version (`buildcache.entity_versions`). A
page that shows something its plan does not name keeps the old text after
an edit, and only a clean build shows the new one: the bug of the issue,
where renaming a project's owner left 13 pages with the old name. So after
every single edit here — an organisation's name or short name, a project's
name or owner, a decision's title, district, date or funding lines, the
settings, a template — the warm build into the same `--out` is compared byte
for byte with a clean build into a folder of its own (with caches of its
own), and every differing path of every edit is reported in one message.
The probe also tells which edits re-rendered every output: a warm build
that renders everything would equal a clean one and prove nothing.

The small corpus has every page type and runs in `make test`; the sweep
over every entity of the bench corpus (`tests.bench.corpus`, 40 decisions)
takes minutes and runs with `INSYN_FULL_PROBE=1`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from insyn.build import incremental, pool, render
from insyn.build.manifest import cache_folder
from insyn.model.keys import Reads
from insyn.options import BuildOptions
from insyn.pages.plan import plan_pages
from tests.conftest import DEFAULT_ORGANISATIONS, Corpus, front_matter

Edit = Callable[[Path], None]


# -- Builds and trees ---------------------------------------------------------------------


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def build(root: Path, out: str = "_site") -> incremental.Built:
    options = BuildOptions(root / "content", root / "data", root / out, search=False)
    built = incremental.build(options)
    assert built.ok, [str(p) for p in built.result.problems]
    return built


def forget(out: Path) -> None:
    """An output folder and its caches (manifest, sources, Markdown) gone: the next build
    into it is a clean one."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache_folder(out), ignore_errors=True)


def clean_build(root: Path) -> tuple[dict[str, bytes], int]:
    """A build with no manifest and no cache (a folder of its own, with caches of its own):
    its files, and how many outputs it rendered (all of them)."""
    forget(root / "clean/_site")
    built = build(root, "clean/_site")
    return tree(root / "clean/_site"), built.rendered


def differences(warm: dict[str, bytes], clean: dict[str, bytes]) -> list[str]:
    """Every path that is missing from one tree or holds other bytes."""
    return sorted(p for p in warm.keys() | clean.keys() if warm.get(p) != clean.get(p))


def probe(root: Path, edits: Iterator[tuple[str, Edit]]) -> tuple[dict[str, list[str]], list[str]]:
    """Edit after edit (each on top of the last), a warm build and a clean one: the
    differing paths of each edit that left the warm build unlike the clean one, and the
    edits after which the warm build rendered every output (as a clean build does).

    After an edit that left pages stale the warm site starts again from nothing, so that
    those pages are not blamed on the next edit too."""
    build(root)
    stale: dict[str, list[str]] = {}
    everything: list[str] = []
    for name, edit in edits:
        edit(root)
        warm = build(root)
        clean, total = clean_build(root)
        if warm.rendered >= total:
            everything.append(name)
        differing = differences(tree(root / "_site"), clean)
        if differing:
            stale[name] = differing
            forget(root / "_site")
            build(root)
    return stale, everything


def report(stale: dict[str, list[str]]) -> str:
    return "warm build differs from a clean build after:\n" + "\n".join(
        f"  {name}: {len(paths)} files: {', '.join(paths)}" for name, paths in stale.items()
    )


# -- Edits, as a person would make them in the files --------------------------------------


def _read_front(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def front(kind: str, entity_id: str, change: Callable[[dict[str, Any]], None]) -> Edit:
    """An edit of a decision's or project's front matter (`kind`: decisions or projects)."""

    def edit(root: Path) -> None:
        path = root / "content" / kind / f"{entity_id}.md"
        data, body = _read_front(path)
        change(data)
        path.write_text(front_matter(data, body), encoding="utf-8")

    return edit


def setter(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data[key] = value

    return change


def line(index: int, **values: Any) -> Callable[[dict[str, Any]], None]:
    """Change funding line `index` (-1: add one made of `values`)."""

    def change(data: dict[str, Any]) -> None:
        lines = data.setdefault("funding", [])
        if index == -1:
            lines.append(values)
        else:
            lines[index].update(values)

    return change


def organisation(org_id: str, **values: Any) -> Edit:
    def edit(root: Path) -> None:
        path = root / "data/organisations.yaml"
        orgs = yaml.safe_load(path.read_text(encoding="utf-8"))
        entry = next(o for o in orgs if o["id"] == org_id)
        entry.update(values)
        path.write_text(yaml.safe_dump(orgs, allow_unicode=True, sort_keys=False), "utf-8")

    return edit


def settings(**values: Any) -> Edit:
    def edit(root: Path) -> None:
        path = root / "data/site.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.update(values)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")

    return edit


def delete(kind: str, entity_id: str) -> Edit:
    def edit(root: Path) -> None:
        (root / "content" / kind / f"{entity_id}.md").unlink()

    return edit


def write(kind: str, entity_id: str, data: dict[str, Any]) -> Edit:
    def edit(root: Path) -> None:
        path = root / "content" / kind / f"{entity_id}.md"
        path.write_text(front_matter(data, "Text.\n"), encoding="utf-8")

    return edit


# -- The small corpus: every page type ----------------------------------------------------


def _without(org: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in org.items() if k not in keys}


#: conftest's organisations, two without a short name (a name alone must be shown right
#: too), and four more: a fund, a project owner, a part's organisation, a partner.
ORGANISATIONS: list[dict[str, Any]] = [
    *(
        _without(o, "short_name")
        if o["id"] == "rinkeby"
        else _without(o, "category")
        if o["id"] == "socialstyrelsen"
        else dict(o)
        for o in DEFAULT_ORGANISATIONS
        if o["id"] != "framnas"
    ),
    {"id": "arvsfonden", "name": "Allmänna arvsfonden", "type": "funder", "category": "fond"},
    {"id": "stiftelsen", "name": "Stiftelsen Trygghet", "type": "organisation"},
    *(dict(o) for o in DEFAULT_ORGANISATIONS if o["id"] == "framnas"),
    {"id": "kommunen", "name": "Stockholms stad", "type": "organisation", "category": "kommun"},
    {"id": "polisen", "name": "Polismyndigheten", "type": "organisation"},
]

PROJECTS: dict[str, dict[str, Any]] = {
    # Owned by an organisation, with a partner and a part, and no line of its own: its
    # owner is shown on its partners' pages without any line naming it.
    "stod": {
        "name": "Stödprojektet",
        "owner": "stiftelsen",
        "partners": ["framnas"],
        "parts": [{"name": "Samtal", "organisation": "kommunen"}],
        "start": 2007,
        "end": 2009,
        "status": "ongoing",
        "aliases": ["gammalt-stod"],
    },
    "trygg": {
        "name": "Trygg hemma",
        "owner": "skarholmen",
        "partners": ["kommunen"],
        "funding": [
            {"from": "arvsfonden", "amount": 90000, "year": 2009, "status": "applied"},
            {
                "from": "skarholmen",
                "to": "polisen",
                "amount": 20000,
                "year": 2008,
                "status": "contributed",
            },
        ],
    },
    "ensam": {"name": "Ett projekt utan beslut", "owner": "framnas", "partners": ["polisen"]},
}

DECISIONS: dict[str, dict[str, Any]] = {
    "2007-a": {
        "district": "hasselby-vallingby",
        "meeting": "2007-11-27",
        "projects": ["stod"],
        "funding": [
            {"from": "socialstyrelsen", "amount": 1000, "year": 2007, "status": "granted"},
            {"from": "lansstyrelsen", "amount": 5000, "year": 2008, "status": "applied"},
        ],
        "aliases": ["2007-gammalt"],
    },
    "2007-b": {
        "district": "hasselby-vallingby",
        "meeting": "2007-05-02",
        "projects": ["stod", "trygg"],
        "funding": [
            {
                "from": "lansstyrelsen",
                "amount": 3000,
                "year": 2007,
                "status": "rejected",
                "project": "trygg",
            },
            {
                "from": "hasselby-vallingby",
                "to": "framnas",
                "amount": 2000,
                "year": 2007,
                "status": "contributed",
                "project": "stod",
            },
        ],
    },
    "2008-c": {
        "district": "skarholmen",
        "meeting": "2008-03-04",
        "kind": "co-financing",
        "projects": ["trygg"],
        "funding": [
            {"from": "socialstyrelsen", "amount": 7000, "year": 2008, "status": "granted"},
            {"from": "skarholmen", "amount": 1500, "year": 2009, "status": "contributed"},
        ],
    },
    "2006-d": {
        "district": "rinkeby",
        "meeting": None,
        "year": 2006,
        "document_date": "2006-02-01",
        "funding": [
            {
                "from": "lansstyrelsen",
                "to": "polisen",
                "amount": 400,
                "year": 2006,
                "status": "applied",
            }
        ],
    },
    "2009-e": {
        "district": "skarholmen",
        "meeting": "2009-09-09",
        "kind": "report",
        "outcome": {"status": "approved"},
    },
}


def small_corpus(corpus: Corpus) -> Path:
    corpus.organisations = [dict(o) for o in ORGANISATIONS]
    corpus.write_data()
    for project_id, data in PROJECTS.items():
        corpus.project(project_id, **data)
    for decision_id, data in DECISIONS.items():
        corpus.decision(decision_id, **data)
    return corpus.root


def decision(entity_id: str, change: Callable[[dict[str, Any]], None]) -> Edit:
    return front("decisions", entity_id, change)


def project(entity_id: str, change: Callable[[dict[str, Any]], None]) -> Edit:
    return front("projects", entity_id, change)


SMALL_EDITS: list[tuple[str, Edit]] = [
    # Organisations: one that owns a project, funders, districts, a partner, a part's.
    ("owner's name", organisation("stiftelsen", name="Stiftelsen Trygghet i Stockholm")),
    ("owner's short name", organisation("stiftelsen", short_name="Trygghetsstiftelsen")),
    ("funder's name", organisation("lansstyrelsen", name="Länsstyrelsen Stockholm")),
    ("funder's short name", organisation("lansstyrelsen", short_name="Lst")),
    ("funder's name, no short name", organisation("socialstyrelsen", name="Socialstyrelsen (ny)")),
    ("funder's category", organisation("lansstyrelsen", category="myndighet")),
    ("idle funder's name", organisation("arvsfonden", name="Arvsfonden")),
    ("district's name", organisation("skarholmen", name="Skärholmens nämnd")),
    ("district's short name", organisation("skarholmen", short_name="Skärholmen (ny)")),
    ("district's short name, 2", organisation("hasselby-vallingby", short_name="H-V")),
    ("district's area", organisation("hasselby-vallingby", area="Norrort")),
    ("district's active years", organisation("rinkeby", active={"from": 1997, "to": 2007})),
    ("partner's name", organisation("framnas", name="Framnäs Aktiebolag")),
    ("partner's short name", organisation("kommunen", short_name="Staden")),
    ("receiver's name", organisation("polisen", name="Polisen")),
    # Projects.
    ("project's name", project("stod", setter("name", "Stödprojektet 2.0"))),
    ("project's name, 2", project("trygg", setter("name", "Tryggare hemma"))),
    ("project's owner", project("stod", setter("owner", "kommunen"))),
    ("project's owner to a district", project("trygg", setter("owner", "hasselby-vallingby"))),
    ("project's status", project("stod", setter("status", "completed"))),
    ("project's period", project("stod", setter("end", 2010))),
    ("project's partners", project("trygg", setter("partners", ["kommunen", "framnas"]))),
    ("project's own line", project("trygg", line(0, amount=95000))),
    ("lonely project's name", project("ensam", setter("name", "Ensamt projekt"))),
    ("project's aliases", project("stod", setter("aliases", ["gammalt-stod", "stod-2007"]))),
    # Decisions.
    ("decision's title", decision("2007-a", setter("title", "Ansökan om stöd, ny rubrik"))),
    ("decision's title, 2", decision("2008-c", setter("title", "Medfinansiering, ny rubrik"))),
    ("decision's district", decision("2007-b", setter("district", "skarholmen"))),
    ("decision's meeting date", decision("2008-c", setter("meeting", "2008-12-01"))),
    ("decision's meeting year", decision("2007-a", setter("meeting", "2010-01-15"))),
    ("decision's kind", decision("2009-e", setter("kind", "other"))),
    ("decision's outcome", decision("2009-e", setter("outcome", {"status": "rejected"}))),
    ("decision's projects", decision("2009-e", setter("projects", ["ensam"]))),
    ("decision's aliases", decision("2007-a", setter("aliases", ["2007-gammalt", "2007-x"]))),
    (
        "added line",
        decision(
            "2008-c",
            line(-1, **{"from": "lansstyrelsen", "amount": 800, "year": 2011, "status": "applied"}),
        ),
    ),
    ("line's amount", decision("2007-a", line(0, amount=1200))),
    ("line's status", decision("2007-b", line(0, status="granted"))),
    ("line's year", decision("2008-c", line(0, year=2012))),
    ("line's payer", decision("2007-a", line(1, **{"from": "arvsfonden"}))),
    ("line's receiver", decision("2006-d", line(0, to="framnas"))),
    ("line's project", decision("2007-b", line(1, project="trygg"))),
    (
        "added decision",
        write(
            "decisions",
            "2011-f",
            {
                "title": "Nytt beslut",
                "district": "rinkeby",
                "meeting": "2011-04-04",
                "kind": "application",
                "projects": ["stod"],
                "funding": [
                    {"from": "arvsfonden", "amount": 10, "year": 2011, "status": "granted"}
                ],
            },
        ),
    ),
    ("deleted decision", delete("decisions", "2009-e")),
    ("data/site.yaml's title", settings(title="Insyn, ny titel")),
]


def test_a_warm_build_after_each_edit_equals_a_clean_build(corpus: Corpus) -> None:
    root = small_corpus(corpus)
    stale, everything = probe(root, iter(SMALL_EDITS))
    assert not stale, report(stale)
    # Only the settings are read by every page (the build's fingerprint).
    assert everything == ["data/site.yaml's title"]


def test_a_warm_build_after_a_template_edit_equals_a_clean_build(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each page records the templates it renders with (`render.template_keys`), read from
    `render.TEMPLATES` at build time: a copy patched in stands for the project's own."""
    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    monkeypatch.setattr(render, "TEMPLATES", templates)
    root = small_corpus(corpus)

    def edit(root: Path) -> None:
        macros = templates / "_macros.html"
        text = macros.read_text(encoding="utf-8")
        macros.write_text(text.replace('<li class="post">', '<li class="post ny">'), "utf-8")

    stale, _ = probe(root, iter([("template", edit)]))
    assert not stale, report(stale)
    page = (root / "_site/organisationer/stiftelsen/index.html").read_text(encoding="utf-8")
    assert 'class="post ny"' in page


# -- Exactly the pages that show an edit are rendered again ------------------------------

#: Pages that read every entity on purpose: `/kvalitet/` lists the findings about any of
#: them, and the plan does not know the findings (`quality_report.plan`).
READS_EVERYTHING = {"kvalitet/index.html"}

SPIED_EDITS: list[tuple[str, Edit]] = [
    ("project owner's name", organisation("stiftelsen", name="Stiftelsen Trygghet i Stockholm")),
    # A funder without a short name: pages that show only its label show its name too.
    ("funder's name", organisation("socialstyrelsen", name="Socialstyrelsen (nytt namn)")),
    # A decision with lines for a project that organisation pages list by its roles.
    ("decision's title", decision("2008-c", setter("title", "Medfinansiering, ny rubrik"))),
]


@pytest.mark.parametrize("name", [name for name, _ in SPIED_EDITS])
def test_an_edit_re_renders_exactly_the_pages_that_show_it(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """The pages rendered again are those whose bytes a clean build changes: none is left
    stale, and none that does not show the edited entity is rendered for nothing."""
    from insyn.pipeline import read_site

    root = small_corpus(corpus)
    build(root)
    before = tree(root / "_site")
    dict(SPIED_EDITS)[name](root)
    result = read_site(root / "content", root / "data")
    assert result.graph is not None
    pages = {page.path for page in plan_pages(result.graph)}
    rendered: list[str] = []
    original = render.Renderer.render

    def spy(self: render.Renderer, output: render.Output) -> tuple[bytes, Reads]:
        if output.page is not None:
            rendered.append(output.path)
        return original(self, output)

    monkeypatch.setattr(pool, "workers", lambda: 1)  # every page in this process
    monkeypatch.setattr(render.Renderer, "render", spy)
    build(root)
    monkeypatch.undo()
    clean, _ = clean_build(root)
    shown = {p for p in pages if before.get(p) != clean[p]}
    assert len(shown) > 3, shown  # the edit shows somewhere besides the entity's own page
    again = set(rendered) - READS_EVERYTHING
    assert again == shown - READS_EVERYTHING, (
        f"{name}: left stale: {sorted(shown - again - READS_EVERYTHING)}; "
        f"rendered for nothing: {sorted(again - shown)}"
    )


def test_a_template_edit_re_renders_exactly_the_pages_made_with_it(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An edit of `project.html` renders the project pages again, and no other page; an
    edit of `_macros.html`, which most pages import, renders those again."""
    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    monkeypatch.setattr(render, "TEMPLATES", templates)
    root = small_corpus(corpus)
    build(root)
    rendered: list[str] = []
    original = render.Renderer.render

    def spy(self: render.Renderer, output: render.Output) -> tuple[bytes, Reads]:
        rendered.append(output.path)
        return original(self, output)

    def edit(name: str, old: str, new: str) -> None:
        path = templates / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    monkeypatch.setattr(pool, "workers", lambda: 1)
    monkeypatch.setattr(render.Renderer, "render", spy)
    edit("project.html", "<h1>", '<h1 class="projektrubrik">')
    build(root)
    assert sorted(rendered) == sorted(f"projekt/{p}/index.html" for p in PROJECTS)
    assert 'class="projektrubrik"' in (root / "_site/projekt/stod/index.html").read_text("utf-8")
    rendered.clear()
    edit("_macros.html", '<li class="post">', '<li class="post ny">')
    build(root)
    assert "organisationer/stiftelsen/index.html" in rendered
    assert "robots.txt" not in rendered and "data/beslut.json" not in rendered
    assert tree(root / "_site") == clean_build(root)[0]  # with the edited templates too


# -- The full sweep: every entity of the bench corpus -------------------------------------


def bench_edits(root: Path) -> Iterator[tuple[str, Edit]]:
    """Every organisation's name (and short name, where it has one: else the name is what
    pages show for both), every project's name and owner, every decision's title, meeting
    date and first amount: one edit each, in the files' order."""
    orgs = yaml.safe_load((root / "data/organisations.yaml").read_text(encoding="utf-8"))
    owners = [o["id"] for o in orgs if o["type"] != "funder"]
    for org in orgs:
        yield f"{org['id']}: name", organisation(org["id"], name=f"{org['name']} (nytt)")
        if "short_name" in org:
            short = f"{org['short_name']} (kort)"
            yield f"{org['id']}: short name", organisation(org["id"], short_name=short)
    for path in sorted((root / "content/projects").glob("*.md")):
        data, _ = _read_front(path)
        new_owner = owners[(owners.index(data["owner"]) + 1) % len(owners)]
        yield f"{path.stem}: name", project(path.stem, setter("name", f"{data['name']} (nytt)"))
        yield f"{path.stem}: owner", project(path.stem, setter("owner", new_owner))
    for path in sorted((root / "content/decisions").glob("*.md")):
        data, _ = _read_front(path)
        year, month, day = data["meeting"].split("-")
        title = f"{data['title']} (ny rubrik)"
        amount = data["funding"][0]["amount"] + 1000
        yield f"{path.stem}: title", decision(path.stem, setter("title", title))
        meeting = f"{year}-{month}-{int(day) + 1:02d}"
        yield f"{path.stem}: meeting", decision(path.stem, setter("meeting", meeting))
        yield f"{path.stem}: amount", decision(path.stem, line(0, amount=amount))


@pytest.mark.skipif(
    os.environ.get("INSYN_FULL_PROBE") != "1",
    reason="the sweep over every entity of the bench corpus takes minutes: INSYN_FULL_PROBE=1",
)
def test_the_full_probe_over_every_entity_of_the_bench_corpus(tmp_path: Path) -> None:
    from tests.bench.corpus import generate

    root = generate(40, tmp_path / "bench")
    stale, everything = probe(root, bench_edits(root))
    assert not stale, report(stale)
    assert not everything

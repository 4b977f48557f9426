"""The front half of every command: load -> validate -> link -> quality.

`check` stops here; `build` and `serve` go on to render and write when the
result has no errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from insyn.graph.link import LinkedContent, SiteGraph, link
from insyn.graph.quality import Finding, find_quality_issues, report
from insyn.model.problems import Problems
from insyn.sources import assets
from insyn.sources.load import SourceCache, load_sources
from insyn.sources.validate import validate


@dataclass
class SiteResult:
    problems: Problems
    file_count: int
    content: LinkedContent | None
    findings: list[Finding]

    @property
    def graph(self) -> SiteGraph | None:
        return self.content.graph if self.content and not self.problems.errors else None


def read_site(
    content: Path,
    data: Path,
    include_drafts: bool = False,
    cache: SourceCache | None = None,
    assets_folder: Path = assets.FOLDER,
) -> SiteResult:
    """`cache` skips parsing and validating files whose text it has seen (`serve`, warm builds).

    The assets are only inspected here, not read: a symlink out of the project or a device
    under `assets/` is an error like any other, before anything is rendered."""
    problems = Problems()
    sources = load_sources(content, data, problems, cache)
    assets.inspect_assets(assets_folder, problems)
    valid = validate(sources, problems, cache)
    linked = link(sources, valid, problems, include_drafts)
    findings = find_quality_issues(linked)
    report(findings, problems, linked)
    return SiteResult(problems, sources.file_count, linked, findings)

"""One library function per command: `check` and `build`.

They print problems as `path:line: severity: message`, finish with a
one-line summary, and return the process exit status.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from typing import TextIO

from insyn.model.i18n import Message, _
from insyn.model.problems import summary
from insyn.options import BuildOptions, CheckOptions
from insyn.pipeline import SiteResult, read_site


def print_problems(result: SiteResult, stream: TextIO) -> None:
    for problem in result.problems:
        print(problem, file=stream)


def check(options: CheckOptions) -> int:
    """`site.py check`: every problem, then the summary; or, with `--format json`, one JSON
    object per problem on its own line (JSON Lines) for editors, and nothing else."""
    result = read_site(options.content, options.data, include_drafts=True)
    if options.format == "json":
        for problem in result.problems:
            print(json.dumps(problem.as_json(), ensure_ascii=False), file=sys.stdout)
    else:
        print_problems(result, sys.stdout)
        print(summary(result.problems, result.file_count), file=sys.stdout)
    unexplained = result.problems.unexplained_warnings
    failed = bool(result.problems.errors) or (options.strict and bool(unexplained))
    return 1 if failed else 0


@dataclass(frozen=True)
class BuildReport:
    result: SiteResult
    files: int = 0
    pages: int = 0
    seconds: float = 0.0
    search_seconds: float = 0.0
    #: True when the site was written, or was already up to date
    built: bool = False
    #: outputs rendered (the rest were up to date, see `insyn.build.incremental`)
    rendered: int = 0

    @property
    def ok(self) -> bool:
        return self.built or self.result.graph is not None


def build_site(options: BuildOptions, progress: bool = False) -> BuildReport:
    """Check, render and write the site; on any error leave `--out` untouched."""
    from insyn.build.incremental import build as build_incrementally

    started = time.perf_counter()
    built = build_incrementally(options, progress=progress)
    seconds = time.perf_counter() - started
    return BuildReport(
        built.result,
        built.files,
        built.pages,
        seconds,
        built.search_seconds,
        built.ok,
        built.rendered,
    )


def build(options: BuildOptions) -> int:
    """`site.py build`: 0 when the site is in place; 1, with one line on stderr, when not.

    A failure of the machine rather than of the content (a read-only or full disk) is
    one `error:` line too, not a traceback: `--out` and the manifest were left as they were.
    """
    from insyn.build.search import SearchIndexError
    from insyn.build.write import OutputError
    from insyn.sources.assets import UnsafeAsset

    on_terminal = sys.stderr.isatty() and not options.quiet
    try:
        report = build_site(options, progress=on_terminal)
    except SearchIndexError as error:
        print(
            _(
                "Build failed: search index: {error}; {out} was left unchanged",
                error=str(error),
                out=str(options.out),
            ),
            file=sys.stderr,
        )
        return 1
    except OutputError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    except UnsafeAsset as error:  # changed into something unsafe since `read_site` looked
        print(error, file=sys.stderr)
        print(_("Build failed: {out} was left unchanged", out=str(options.out)), file=sys.stderr)
        return 1
    print_problems(report.result, sys.stderr)
    if not report.ok:
        print(
            _(
                "Build failed: {summary}; {out} was left unchanged",
                summary=summary(report.result.problems, report.result.file_count),
                out=str(options.out),
            ),
            file=sys.stderr,
        )
        return 1
    if on_terminal:
        print(
            _(
                "Built {pages} pages ({files} files) in {seconds:.1f} s{search}",
                pages=_thousands(report.pages),
                files=_thousands(report.files),
                seconds=report.seconds,
                search=_search_time(report, options),
            ),
            file=sys.stderr,
        )
    return 0


def _search_time(report: BuildReport, options: BuildOptions) -> Message:
    if not options.search:
        return _(" (no search index)")
    return _(", search index {seconds:.1f} s of it", seconds=report.search_seconds)


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")

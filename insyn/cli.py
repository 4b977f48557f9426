"""Command-line parsing. Each command is one library function taking one options object."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from insyn import __version__
from insyn.options import BuildOptions, CheckOptions, ServeOptions

#: The option classes live in `insyn.options`; these names stay importable from here.
__all__ = ["BuildOptions", "CheckOptions", "ServeOptions", "main", "make_parser"]


class _Parser(argparse.ArgumentParser):
    """argparse that exits with status 1, not 2, and never with a traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="site.py",
        description="Insyn: bygger webbplatsen om pengar mot våld i nära relationer.",
    )
    parser.add_argument("--version", action="version", version=f"insyn {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    def paths(p: argparse.ArgumentParser, out: bool = True) -> None:
        p.add_argument("--content", type=Path, default=Path("content"), help="content folder")
        p.add_argument("--data", type=Path, default=Path("data"), help="data folder")
        if out:
            p.add_argument("--out", type=Path, default=Path("_site"), help="output folder")

    build = commands.add_parser("build", help="check, then write the whole site")
    paths(build)
    build.add_argument("--base-url", help="override base_url from data/site.yaml")
    build.add_argument("--drafts", action="store_true", help="publish drafts too")
    build.add_argument("--quiet", action="store_true", help="no progress output")
    build.add_argument(
        "--no-search", dest="search", action="store_false", help="skip the search index (faster)"
    )

    check = commands.add_parser("check", help="validate content and data")
    paths(check, out=False)
    check.add_argument("--strict", action="store_true", help="fail on warnings too")

    serve = commands.add_parser("serve", help="build, serve and rebuild on change")
    paths(serve)
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--base-url", help=argparse.SUPPRESS)
    serve.add_argument(
        "--no-drafts",
        dest="drafts",
        action="store_false",
        help="preview the published site, without drafts (drafts are shown by default)",
    )
    serve.add_argument("--drafts", action="store_true", help=argparse.SUPPRESS)
    serve.add_argument(
        "--search", action="store_true", help="also build the search index (slower per edit)"
    )

    new = commands.add_parser("new", help="write a new content file from a template")
    new_kinds = new.add_subparsers(dest="kind", metavar="KIND", parser_class=_Parser)
    new_kinds.required = True
    new_decision = new_kinds.add_parser("decision", help="a new decision")
    new_decision.add_argument("--district", required=True)
    new_decision.add_argument("--title", required=True)
    new_decision.add_argument("--meeting")
    new_decision.add_argument("--content", type=Path, default=Path("content"))
    new_decision.add_argument("--data", type=Path, default=Path("data"))
    new_project = new_kinds.add_parser("project", help="a new project")
    new_project.add_argument("--owner", required=True)
    new_project.add_argument("--name", required=True)
    new_project.add_argument("--content", type=Path, default=Path("content"))
    new_project.add_argument("--data", type=Path, default=Path("data"))

    imp = commands.add_parser("import", help="turn tjänsteutlåtanden into draft decisions")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--out", type=Path, default=Path("content/decisions"))
    imp.add_argument("--data", type=Path, default=Path("data"))
    imp.add_argument(
        "--force",
        action="store_true",
        help="import a document even when a decision with its diary number, or its district, "
        "meeting and title, is already in --out",
    )
    imp.add_argument(
        "--add-organisations",
        action="store_true",
        help="append the organisations a document names that data/organisations.yaml lacks, "
        "as entries marked for review",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "check":
        from insyn.commands import check

        return check(CheckOptions(args.content, args.data, args.strict))
    build_options = BuildOptions(
        content=args.content if "content" in args else Path("content"),
        data=args.data,
        out=getattr(args, "out", Path("_site")),
        base_url=getattr(args, "base_url", None),
        drafts=getattr(args, "drafts", args.command == "serve"),
        quiet=getattr(args, "quiet", False),
        search=getattr(args, "search", True),
    )
    if args.command == "build":
        from insyn.commands import build

        return build(build_options)
    if args.command == "serve":
        from insyn.serve import serve

        return serve(ServeOptions(build_options, args.port, args.host))
    if args.command == "new":
        from insyn.importer.scaffold import new_content

        return new_content(args)
    if args.command == "import":
        from insyn.importer import import_files

        return import_files(
            args.files, args.out, args.data, args.force, add_organisations=args.add_organisations
        )
    raise AssertionError(args.command)

"""Command-line parsing. Each command is one library function taking one options object."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from insyn import __version__
from insyn.model import argwords
from insyn.model.i18n import LANGUAGES, _, language_from, use_language
from insyn.options import BuildOptions, CheckOptions, ServeOptions

#: The option classes live in `insyn.options`; these names stay importable from here.
__all__ = ["BuildOptions", "CheckOptions", "ServeOptions", "main", "make_parser"]


class _Parser(argparse.ArgumentParser):
    """argparse that exits with status 1, not 2, and never with a traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def make_parser() -> argparse.ArgumentParser:
    # --lang and --format are accepted before or after the command; after it, they are
    # left unset unless given, so that they do not undo what was given before it.
    common = _Parser(add_help=False)
    common.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help=_("language of messages (default: Swedish, or English when LANG=en...)").text(),
    )
    parser = _Parser(
        prog="site.py",
        description=_("Insyn: builds the site on public money against domestic violence.").text(),
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"insyn {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    def paths(p: argparse.ArgumentParser, out: bool = True) -> None:
        p.add_argument(
            "--content", type=Path, default=Path("content"), help=_("content folder").text()
        )
        p.add_argument("--data", type=Path, default=Path("data"), help=_("data folder").text())
        if out:
            p.add_argument(
                "--out", type=Path, default=Path("_site"), help=_("output folder").text()
            )

    build = commands.add_parser(
        "build", help=_("check, then write the whole site").text(), parents=[common]
    )
    paths(build)
    build.add_argument("--base-url", help=_("override base_url from data/site.yaml").text())
    build.add_argument("--drafts", action="store_true", help=_("publish drafts too").text())
    build.add_argument("--quiet", action="store_true", help=_("no progress output").text())
    build.add_argument(
        "--no-search",
        dest="search",
        action="store_false",
        help=_("skip the search index (faster)").text(),
    )

    check = commands.add_parser(
        "check", help=_("validate content and data").text(), parents=[common]
    )
    paths(check, out=False)
    check.add_argument("--strict", action="store_true", help=_("fail on warnings too").text())
    check.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help=_(
            "json: one JSON object per problem, for editors (path, line, column, severity, "
            "code, message, suggestion)"
        ).text(),
    )

    serve = commands.add_parser(
        "serve", help=_("build, serve and rebuild on change").text(), parents=[common]
    )
    paths(serve)
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--base-url", help=argparse.SUPPRESS)
    serve.add_argument(
        "--no-drafts",
        dest="drafts",
        action="store_false",
        help=_("preview the published site, without drafts (drafts are shown by default)").text(),
    )
    serve.add_argument("--drafts", action="store_true", help=argparse.SUPPRESS)
    serve.add_argument(
        "--search",
        action="store_true",
        help=_("also build the search index (slower per edit)").text(),
    )

    new = commands.add_parser(
        "new", help=_("write a new content file from a template").text(), parents=[common]
    )
    new_kinds = new.add_subparsers(dest="kind", metavar="KIND", parser_class=_Parser)
    new_kinds.required = True
    new_decision = new_kinds.add_parser(
        "decision", help=_("a new decision").text(), parents=[common]
    )
    new_decision.add_argument("--district", required=True)
    new_decision.add_argument("--title", required=True)
    new_decision.add_argument("--meeting")
    new_decision.add_argument("--content", type=Path, default=Path("content"))
    new_decision.add_argument("--data", type=Path, default=Path("data"))
    new_project = new_kinds.add_parser("project", help=_("a new project").text(), parents=[common])
    new_project.add_argument("--owner", required=True)
    new_project.add_argument("--name", required=True)
    new_project.add_argument("--content", type=Path, default=Path("content"))
    new_project.add_argument("--data", type=Path, default=Path("data"))

    imp = commands.add_parser(
        "import", help=_("turn tjänsteutlåtanden into draft decisions").text(), parents=[common]
    )
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--out", type=Path, default=Path("content/decisions"))
    imp.add_argument("--data", type=Path, default=Path("data"))
    imp.add_argument(
        "--force",
        action="store_true",
        help=_(
            "import a document even when a decision with its diary number, or its district, "
            "meeting and title, is already in --out"
        ).text(),
    )
    imp.add_argument(
        "--add-organisations",
        action="store_true",
        help=_(
            "append the organisations a document names that data/organisations.yaml lacks, "
            "as entries marked for review"
        ).text(),
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    # The language is known before the parser is made, so that its help is in it too.
    use_language(language_from(_requested_language(arguments)))
    argwords.install()
    args = make_parser().parse_args(arguments)
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "check":
        from insyn.commands import check

        return check(CheckOptions(args.content, args.data, args.strict, args.format))
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


def _requested_language(arguments: list[str]) -> str | None:
    """The value of `--lang` (`--lang en` or `--lang=en`), if one of ours is given."""
    for at, argument in enumerate(arguments):
        if argument == "--":
            break
        value = None
        if argument == "--lang" and at + 1 < len(arguments):
            value = arguments[at + 1]
        elif argument.startswith("--lang="):
            value = argument.split("=", 1)[1]
        if value in LANGUAGES:
            return value
    return None

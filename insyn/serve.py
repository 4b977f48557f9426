"""`serve`: build, serve on localhost, rebuild and reload the browser on change.

The server is livereload's (it injects its reload script into the HTML it
serves, so `build` output never contains it). Files are served by a small
WSGI app from the output folder; while the content has errors, every page
shows them instead, and the next good save brings the site back.
"""

from __future__ import annotations

import html
import mimetypes
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from insyn.cli import ServeOptions
from insyn.commands import BuildReport, build_site, print_problems
from insyn.problems import summary

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("templates", "assets")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class SiteServer:
    """The WSGI app: the last good build, or the error page of the last failed one."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self.out = options.build.out.resolve()
        self.error_page: bytes | None = None
        self.lock = threading.Lock()
        self.last_fingerprint: tuple[tuple[str, int, int], ...] = ()

    def watched(self) -> list[Path]:
        build = self.options.build
        return [build.content, build.data, *(ROOT / name for name in WATCHED)]

    def fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        """Every watched file's path, size and mtime: equal means nothing to rebuild."""
        entries = []
        for folder in self.watched():
            if folder.is_dir():
                for path in folder.rglob("*"):
                    if path.is_file():
                        stat = path.stat()
                        entries.append((str(path), stat.st_size, stat.st_mtime_ns))
        return tuple(sorted(entries))

    def on_change(self) -> None:
        """Called per changed folder; a burst across folders still builds once."""
        if self.fingerprint() != self.last_fingerprint:
            self.rebuild()

    def rebuild(self) -> BuildReport:
        with self.lock:
            self.last_fingerprint = self.fingerprint()
            report = build_site(self.options.build)
            print_problems(report.result, sys.stderr)
            if report.ok:
                self.error_page = None
                print(f"Byggt: {report.pages} sidor på {report.seconds:.2f} s", file=sys.stderr)
            else:
                self.error_page = error_page(report)
                print(summary(report.result.problems, report.result.file_count), file=sys.stderr)
            return report

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if self.error_page is not None and (path.endswith("/") or path.endswith(".html")):
            return self._respond(start_response, "500 Build failed", "text/html", self.error_page)
        target = self._resolve(path)
        if target is None:
            missing = self.out / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"<h1>404</h1>"
            return self._respond(start_response, "404 Not Found", "text/html", body)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return self._respond(start_response, "200 OK", kind, target.read_bytes())

    def _resolve(self, path: str) -> Path | None:
        relative = path.lstrip("/")
        target = (self.out / relative).resolve()
        if not target.is_relative_to(self.out):
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    @staticmethod
    def _respond(
        start_response: StartResponse, status: str, kind: str, body: bytes
    ) -> Iterable[bytes]:
        if kind.startswith("text/") or kind in ("application/xml", "application/json"):
            kind += "; charset=utf-8"
        start_response(
            status,
            [
                ("Content-Type", kind),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body]


def error_page(report: BuildReport) -> bytes:
    """A readable page listing every problem of a failed build, in Swedish."""
    problems = report.result.problems
    items = "\n".join(
        f"<li><code>{html.escape(p.path)}:{p.line}</code> "
        f"<strong>{'fel' if p.severity == 'error' else 'varning'}:</strong> "
        f"{html.escape(p.message)}</li>"
        for p in problems
    )
    text = f"""<!doctype html>
<html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bygget misslyckades</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1b1b1b}}h1{{color:#a4000f}}li{{margin:.5rem 0}}code{{background:#f3f3f3;
padding:.1rem .3rem}}</style></head>
<body><main><h1>Bygget misslyckades</h1>
<p>Innehållet har fel. Rätta dem och spara, så laddas sidan om automatiskt.</p>
<p>{html.escape(summary(problems, report.result.file_count))}</p>
<ol>{items}</ol></main></body></html>
"""
    return text.encode("utf-8")


def serve(options: ServeOptions) -> int:
    from livereload import Server

    site = SiteServer(options)
    site.rebuild()
    server = Server(app=site)
    for folder in site.watched():
        if folder.exists():
            server.watch(str(folder), site.on_change)
    print(
        f"Förhandsvisning på http://{options.host}:{options.port}/ (Ctrl+C avslutar)",
        file=sys.stderr,
    )
    server.serve(port=options.port, host=options.host, debug=False, restart_delay=0, live_css=False)
    return 0

"""The preview's HTTP side: which requests are answered, and with which file.

Only requests whose `Host` names the loopback interface (`localhost`, `127.0.0.1`,
`[::1]`, or the loopback address given to `--host`) are answered, on every route:
a page of any other site that gets its name resolved to 127.0.0.1 (DNS rebinding)
sends its own name as Host, and gets 400 instead of the preview. A request path is
mapped only to a file inside the output folder, and one that names none is a 404
(400 when it is not UTF-8 or holds control characters), never a server error.
"""

from __future__ import annotations

import html
import ipaddress
import mimetypes
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from insyn.commands import BuildReport
from insyn.model.i18n import _, current_language
from insyn.model.problems import summary
from insyn.sources.files import UnsafeFile, read_project_file
from insyn.sources.load import MAX_FILE_BYTES

WAIT_SECONDS = 60.0
#: The Host names the preview always answers: what a browser sends for the loopback.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
#: A Host header: a name or a bracketed IPv6 address, then perhaps a port of 1-5 digits.
HOST_HEADER = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]|[^\[\]:@]+)(?::[0-9]{1,5})?")
BAD_PATH = b"Bad Request: the path is not UTF-8 or holds control characters.\n"
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def _host_name(name: str) -> str:
    """`name` as it is compared: lower case, an IP address in its one usual spelling
    (`[0:0::1]` is `[::1]`), so each host has one form in `loopback_hosts`."""
    name = name.lower()
    try:
        if name.startswith("[") and name.endswith("]"):
            return f"[{ipaddress.IPv6Address(name[1:-1])}]"
        return str(ipaddress.IPv4Address(name))
    except ValueError:
        return name


def loopback_hosts(started: str) -> frozenset[str]:
    """The Host names answered: `LOOPBACK_NAMES`, and the `--host` the server was started
    with when that is a loopback address too (`127.0.0.2`). A non-loopback `--host` adds
    nothing: a request must still name the loopback, so no rebinding page gets an answer."""
    name = _host_name(f"[{started}]" if ":" in started else started)
    try:
        loopback = ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    return frozenset({*LOOPBACK_NAMES, name} if loopback else LOOPBACK_NAMES)


def host_allowed(header: str | None, hosts: frozenset[str]) -> bool:
    """Whether a request's `Host` header (None: it had none) names one of `hosts`, with or
    without a port. No Host, an empty or malformed one, and every other name are refused:
    a page that reaches 127.0.0.1 through a name of its own sends that name."""
    match = HOST_HEADER.fullmatch(header or "")
    return match is not None and _host_name(match["name"]) in hosts


def wrong_host_text(hosts: frozenset[str]) -> bytes:
    """The plain body of the 400 a request for another host gets."""
    names = ", ".join(sorted(hosts))
    return f"Bad Request: this preview answers only requests for {names}.\n".encode()


def site_path(path_info: str) -> str | None:
    """The output-relative path a request names (`""` for the root), or None when its bytes
    cannot name a file the build writes.

    A WSGI server gives PATH_INFO as the request's unquoted bytes, one Latin-1 character
    each (PEP 3333): decoded as UTF-8 here, `/%C3%A5.txt` is `å.txt`. Bytes that are not
    UTF-8, NUL (which the file system refuses with a ValueError) and other control
    characters are refused here, before any file is looked up.
    """
    try:
        text = path_info.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return None
    return text.lstrip("/")


class SiteFiles:
    """The WSGI app over the output folder: a file once it is rendered, the error page
    while the content has errors, 404 and 400 for what names no file.

    `SiteServer` keeps what these read up to date: the folder (`out`), the Host names
    answered (`hosts`), the files still being rendered (`pending`, under `ready`) and the
    page of the last failed build (`error_page`).
    """

    out: Path
    hosts: frozenset[str]
    error_page: bytes | None
    pending: set[str]
    ready: threading.Condition

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # The Host check is here too (not only in front of livereload's routes, see
        # `_loopback_server`), so the app is safe under whatever WSGI server runs it.
        if not host_allowed(environ.get("HTTP_HOST"), self.hosts):
            body = wrong_host_text(self.hosts)
            return self._respond(start_response, "400 Bad Request", "text/plain", body)
        relative = site_path(environ.get("PATH_INFO", "/"))
        if relative is None:
            return self._respond(start_response, "400 Bad Request", "text/plain", BAD_PATH)
        if self.error_page is not None and (relative == "" or relative.endswith(("/", ".html"))):
            return self._respond(start_response, "500 Build failed", "text/html", self.error_page)
        self._wait_until_rendered(relative)
        target = self._resolve(relative)
        found = _read(target) if target is not None else None
        if target is None or found is None:
            missing = self._resolve("404.html")
            page = _read(missing) if missing is not None else None
            return self._respond(
                start_response, "404 Not Found", "text/html", page or b"<h1>404</h1>"
            )
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return self._respond(start_response, "200 OK", kind, found)

    def _wait_until_rendered(self, relative: str) -> None:
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        with self.ready:
            self.ready.wait_for(lambda: relative not in self.pending, timeout=WAIT_SECONDS)

    def _resolve(self, relative: str) -> Path | None:
        """The file in the output folder that `relative` (from `site_path`) names, or None;
        never a file outside that folder.

        `..` segments and backslashes (a separator on Windows) name no site file, so they
        are refused before the file system is asked. The path is resolved after a folder's
        `index.html` is added, so no symlink (of a file, a folder or an index) leads out.
        A name the file system refuses (too long, a symlink loop, NUL) is a missing file.
        """
        parts = relative.split("/")
        if "\\" in relative or ".." in parts:
            return None
        target = self.out.joinpath(*parts)
        try:
            if target.is_dir():
                target = target / "index.html"
            target = target.resolve()
            inside = target.is_relative_to(self.out) and target.is_file()
        except (OSError, RuntimeError, ValueError):  # RuntimeError: a loop, before Python 3.13
            return None
        return target if inside else None

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


def _read(target: Path) -> bytes | None:
    """The bytes of a file `_resolve` found, or None when it cannot be read (removed or
    replaced by a folder since, no permission): a missing file, not a server error."""
    try:
        return target.read_bytes()
    except OSError:
        return None


def error_page(report: BuildReport) -> bytes:
    """A readable page listing every problem of a failed build: each as the terminal prints
    it (`path:line: error: message`, in the run's language), with the text of that line of
    the file under it, so the page and `check` never say different things."""
    problems = report.result.problems
    items = []
    for problem in problems:
        shown = f"<code>{html.escape(str(problem))}</code>"
        quoted = _line_of(problem.path, problem.line)
        if quoted is not None:
            shown += f"\n<pre>{problem.line:>5} | {html.escape(quoted)}</pre>"
        items.append(f"<li>{shown}</li>")
    title = html.escape(_("Build failed").text())
    intro = _("The content has errors. Fix them and save: this page reloads by itself.").text()
    text = f"""<!doctype html>
<html lang="{current_language()}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1b1b1b}}h1{{color:#a4000f}}li{{margin:.75rem 0}}code{{display:block;
background:#f3f3f3;padding:.25rem .5rem;white-space:pre-wrap;overflow-wrap:anywhere}}
pre{{margin:.25rem 0 0;padding:.25rem .5rem;border-left:3px solid #a4000f;white-space:pre-wrap;
overflow-wrap:anywhere}}</style>
</head>
<body><main><h1>{title}</h1>
<p>{html.escape(intro)}</p>
<p>{html.escape(summary(problems, report.result.file_count))}</p>
<ol>{"".join(items)}</ol></main></body></html>
"""
    return text.encode("utf-8")


#: A line longer than this is quoted cut short: the page shows where, the editor the rest.
QUOTE_CHARS = 300


def _line_of(path: str, number: int) -> str | None:
    """Line `number` of the file `path` (as the problem names it, from the folder serve
    runs in), or None when there is no such file or line (the problem is not in a file)."""
    try:
        data = read_project_file(Path(path), Path.cwd(), MAX_FILE_BYTES)
    except (UnsafeFile, OSError, ValueError):
        return None  # not a file of the project: nothing of it is shown
    lines = data.decode("utf-8", errors="replace").splitlines()
    if not 1 <= number <= len(lines):
        return None
    line = lines[number - 1]
    return line if len(line) <= QUOTE_CHARS else line[:QUOTE_CHARS] + "…"

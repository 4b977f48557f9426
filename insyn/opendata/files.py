"""Open data: the site's entities and funding lines as JSON and CSV downloads.

Every file is made from the same `SiteGraph` and `Ledger` as the pages, so
a figure in a download is the figure on the page. Files are deterministic
(no timestamps, fixed key and row order) so two builds are byte identical.
Statuses are never added together: every sum here is the sum of one status.

The files are planned apart from the HTML pages (`plan_data_files`), each
with the entity keys it reads, as `render.Page` has: a JSON twin reads what
its HTML page reads, and the site-wide files under `/data/` read everything.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from insyn.graph.link import SiteGraph
from insyn.model import STATUSES
from insyn.opendata import datapackage, dcat, grants360
from insyn.opendata.catalogue import Files
from insyn.opendata.records import OpenData, Record

#: Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


ENTITY_TEMPLATES = {
    "decision.html": "decision",
    "project.html": "project",
    "district.html": "district",
    "funder.html": "funder",
    "organisation.html": "organisation",
}


def to_json(data: Any) -> bytes:
    """Stable JSON: keys in the order built, UTF-8 as is, two-space indent, final newline.

    orjson (in Rust, ten times the standard encoder's speed on the big downloads) writes
    the very same bytes; only a number past 64 bits, which it refuses, takes the slow way.
    """
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def neutralise(value: Any) -> str:
    """A CSV cell as text that no spreadsheet runs as a formula.

    A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
    gets a leading apostrophe, which Excel and LibreOffice show as text.
    Numbers are written as they are (amounts are never negative).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        value = " ".join(str(item) for item in value)  # ids: never a space inside one
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def to_csv(columns: Iterable[str], rows: Iterable[Record]) -> bytes:
    """CSV for Excel with Swedish settings: UTF-8 with BOM, `;` between cells, CRLF lines."""
    names = list(columns)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(names)
    for row in rows:
        writer.writerow([neutralise(row[name]) for name in names])
    return buffer.getvalue().encode("utf-8-sig")


# --- the plan -----------------------------------------------------------------

LINE_COLUMNS = (
    "id",
    "from_id",
    "from_name",
    "from_url",
    "to_id",
    "to_name",
    "to_url",
    "from_ids",
    "to_ids",
    "amount",
    "year",
    "status",
    "answers",
    "project_id",
    "project_name",
    "project_url",
    "note",
    "source_kind",
    "source_id",
    "source_title",
    "source_url",
    "meeting",
    "programme",
)
ORGANISATION_COLUMNS = (
    "id",
    "url",
    "name",
    "short_name",
    "type",
    "category",
    "area",
    "website",
    "org_number",
    "legal_entity",
)
FUNDER_COLUMNS = (
    "id",
    "name",
    "type",
    "url",
    *STATUSES,
    "lines",
    "first_year",
    "last_year",
)
DISTRICT_COLUMNS = (
    "id",
    "name",
    "area",
    "url",
    *(f"received_{s}" for s in STATUSES),
    *(f"to_others_{s}" for s in STATUSES),
    "decisions",
)


@dataclass(frozen=True)
class DataFile:
    """One download: where it goes and how it is made; a twin also names its entity."""

    path: str
    make: Callable[[OpenData], bytes]
    #: a file of the whole site (`/data/`): big, so rendered first (`engine`)
    site_wide: bool = False
    entity: Any = None


def plan_data_files(graph: SiteGraph, pages: Iterable[Any]) -> list[DataFile]:
    """Every download, in a fixed order: the `/data/` files, then a JSON twin per entity page.

    `pages` is the HTML plan (`render.plan_pages`).
    """
    files = [
        DataFile("data/beslut.json", lambda d: to_json(d.decisions_file()), True),
        DataFile(
            "data/organisationer.csv",
            lambda d: to_csv(ORGANISATION_COLUMNS, d.organisation_rows()),
            True,
        ),
        DataFile("data/projekt.json", lambda d: to_json(d.projects_file()), True),
        DataFile("data/organisationer.json", lambda d: to_json(d.organisations_file()), True),
        DataFile("data/finansiering.json", lambda d: to_json(d.funding_file()), True),
        DataFile(
            "data/finansiering.csv", lambda d: to_csv(LINE_COLUMNS, d.lines(d.ledger.lines)), True
        ),
        DataFile("data/finansiarer.csv", lambda d: to_csv(FUNDER_COLUMNS, d.funder_rows()), True),
        DataFile(
            "data/stadsdelar.csv", lambda d: to_csv(DISTRICT_COLUMNS, d.district_rows()), True
        ),
    ]
    if grants360.has_grants(graph.ledger.lines):
        files.append(DataFile("data/360giving.json", lambda d: to_json(grants360.package(d)), True))
    # The catalogues describe the files above, with their sizes and digests.
    described = Files({f.path: f.make for f in files})
    written = {f.path for f in files}
    files = [dataclasses.replace(f, make=_noting(described, f.path)) for f in files]
    for path in ("data/dcat.rdf", dcat.PORTAL_PATH.lstrip("/")):
        files.append(DataFile(path, lambda d: dcat.catalogue(d, described, written), True))
    files.append(
        DataFile(
            "data/datapackage.json",
            lambda d: to_json(datapackage.package(d, described, written)),
            True,
        )
    )
    for page in pages:
        twin = twin_file(page)
        if twin is not None:
            files.append(twin)
        lines = lines_file(page)
        if lines is not None:
            files.append(lines)
    return files


def _noting(described: Files, path: str) -> Callable[[OpenData], bytes]:
    """The maker of a described file, noting its size and digest for the catalogues."""
    return lambda data: described.write(data, path)


#: The pages with a `finansiering.csv` of their own: the lines each shows (contract §7)
LINES_TEMPLATES = ("project.html", "district.html", "funder.html", "organisation.html", "year.html")


def lines_file(page: Any) -> DataFile | None:
    """`<page folder>/finansiering.csv`: the funding lines the page shows, with the columns
    and encoding of `/data/finansiering.csv`, so a journalist downloads exactly what they
    are looking at."""
    if page.template not in LINES_TEMPLATES:
        return None
    entity = page.entity

    def make(data: OpenData, entity: Any = entity) -> bytes:
        return to_csv(LINE_COLUMNS, data.lines(data.shown_lines(entity)))

    return DataFile(f"{page.url.lstrip('/')}finansiering.csv", make, entity=entity)


def twin_file(page: Any) -> DataFile | None:
    """The JSON twin of an entity page (`/beslut/x/` -> `beslut/x/index.json`), or None."""
    kind = ENTITY_TEMPLATES.get(page.template)
    if kind is None:
        return None
    entity = page.entity

    def make(data: OpenData, kind: str = kind, entity: Any = entity) -> bytes:
        return to_json(data.twin(kind, entity))

    return DataFile(f"{page.url.lstrip('/')}index.json", make, entity=entity)

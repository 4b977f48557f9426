"""`/data/datapackage.json`: every download described for data tools (Frictionless Data).

A Data Package lists each file with its format, size and SHA-256; each CSV file has
a Table Schema (field types and formats, the status codes with their Swedish meaning
as `enum`, primary and foreign keys between the files) and a dialect for what Excel
with Swedish settings needs: `;` between cells and a byte order mark (UTF-8 read as
`utf-8-sig`). The meaning of every field is the field reference's (`guide`), so the
page and the package say the same. `frictionless validate` checks it in the tests.
"""

from __future__ import annotations

from typing import Any

from insyn.model import STATUSES
from insyn.opendata import guide
from insyn.opendata.catalogue import CSV, DATASETS, Files, published
from insyn.opendata.dcat import canonical_licence
from insyn.opendata.guide_types import Table
from insyn.opendata.records import OpenData, Record

PATH = "/data/datapackage.json"

#: Table Schema types of the CSV columns that are not plain text.
INTEGERS = {
    "amount",
    "year",
    *STATUSES,
    "lines",
    "first_year",
    "last_year",
    *(f"received_{s}" for s in STATUSES),
    *(f"to_others_{s}" for s in STATUSES),
    "decisions",
}
URIS = {"url", "from_url", "to_url", "project_url", "source_url", "website"}
DATES = {"meeting"}
#: Columns whose values are codes, with what each means.
CODES = {
    "status": STATUSES,
    "source_kind": ("decision", "project"),
    "type": ("district", "funder", "organisation"),
}
#: Columns every row has a value in.
REQUIRED = {"id", "name", "status", "source_kind", "source_id", "from_id", "to_id"}
#: The organisation columns that name an organisation in organisationer.csv.
ORG_KEYS = {
    "finansiering-csv": ("from_id", "to_id"),
    "finansiarer": ("id",),
    "stadsdelar": ("id",),
}
TABLES = {
    "finansiering-csv": guide.LINE,
    "finansiarer": guide.FUNDERS,
    "stadsdelar": guide.DISTRICTS,
    "organisationer-csv": guide.ORGANISATION_CSV,
}


def _field(name: str, description: str) -> Record:
    field: Record = {"name": name, "description": description}
    if name in INTEGERS:
        field["type"] = "integer"
        field["constraints"] = {"minimum": 0}
    elif name in URIS:
        field["type"], field["format"] = "string", "uri"
    elif name in DATES:
        field["type"] = "date"
    else:
        field["type"] = "string"
    if name in CODES:
        field.setdefault("constraints", {})["enum"] = list(CODES[name])
    if name in REQUIRED:
        field.setdefault("constraints", {})["required"] = True
    return field


def table_schema(name: str, table: Table) -> Record:
    schema: Record = {
        "fields": [_field(f.name, f"{f.meaning} ({f.type})") for f in table.fields],
        "missingValues": [""],
        "primaryKey": ["id"],
    }
    keys = [
        {"fields": column, "reference": {"resource": "organisationer-csv", "fields": "id"}}
        for column in ORG_KEYS.get(name, ())
    ]
    if keys:
        schema["foreignKeys"] = keys
    return schema


def package(data: OpenData, files: Files, written: set[str]) -> Record:
    """The package of the files in `written` (paths under the output)."""
    settings = data.settings
    resources: list[Record] = []
    for dataset in published(DATASETS, written):
        for distribution in dataset.distributions:
            made = files.made(data, distribution.path)
            resource: Record = {
                "name": distribution.name,
                "path": distribution.path.removeprefix("data/"),
                "title": distribution.title_sv,
                "description": dataset.description_sv,
                "format": distribution.kind.extension,
                "mediatype": distribution.kind.media_type,
                "bytes": made.size,
                "hash": f"sha256:{made.sha256}",
            }
            if distribution.kind is CSV:
                resource["type"] = "table"
                resource["encoding"] = "utf-8-sig"
                resource["dialect"] = {"delimiter": ";", "lineTerminator": "\r\n", "header": True}
                resource["schema"] = table_schema(distribution.name, TABLES[distribution.name])
            else:
                resource["type"] = "json"
            resources.append(resource)
    result: Record = {
        "name": "insyn",
        "title": settings.title,
        "description": settings.description or settings.title,
        "homepage": data.absolute("/data/"),
    }
    if settings.licence_url:
        licence: dict[str, Any] = {"path": canonical_licence(settings.licence_url)}
        if settings.licence:
            licence["title"] = settings.licence
        result["licenses"] = [licence]
    result["resources"] = resources
    return result

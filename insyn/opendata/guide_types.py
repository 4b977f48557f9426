"""The shapes of the open data's field reference: a field, a table of fields, a download."""

from __future__ import annotations

from dataclasses import dataclass

TEXT = "text"
TEXT_OR_NULL = "text eller null"
INTEGER = "heltal"
URL = "webbadress"
URL_OR_NULL = "webbadress eller null"
DATE_OR_NULL = "datum ÅÅÅÅ-MM-DD eller null"
BOOLEAN = "true/false"
TEXT_LIST = "lista med text"
REF = "hänvisning (id, name, url)"
REF_OR_NULL = "hänvisning (id, name, url) eller null"
REF_LIST = "lista med hänvisningar"
LINE_LIST = "lista med finansieringsrader"
STATUS_SUMS = "objekt: applied, granted, rejected, contributed (heltal, kronor)"


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    meaning: str


@dataclass(frozen=True)
class Table:
    """The fields of one kind of record, shown as one table on `/data/`."""

    id: str
    title: str
    about: str
    fields: tuple[Field, ...]

    @property
    def names(self) -> set[str]:
        return {f.name for f in self.fields}


@dataclass(frozen=True)
class Download:
    path: str
    format: str
    about: str
    table: str

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

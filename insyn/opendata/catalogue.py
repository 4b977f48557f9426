"""What the open data is, as a data catalogue describes it: datasets, their files, and when.

One description feeds both machine-readable catalogues: the DCAT-AP-SE catalogue that
Sweden's data portal harvests (`dcat`) and the Frictionless Data Package that data
tools read (`datapackage`). A dataset is a family of published files; a file appears
in the catalogue only when the site writes it (360giving.json needs a grant).
Sizes and digests are those of the very bytes the build writes (`Made`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from insyn.graph.reads import recording, remembered
from insyn.model.keys import Reads
from insyn.opendata.records import OpenData


@dataclass(frozen=True)
class FileKind:
    """A file format as the catalogues name it."""

    #: the EU file-type authority's code (http://publications.europa.eu/resource/authority/file-type/)
    code: str
    media_type: str
    #: Frictionless' `format`
    extension: str


CSV = FileKind("CSV", "text/csv", "csv")
JSON = FileKind("JSON", "application/json", "json")


@dataclass(frozen=True)
class Distribution:
    path: str
    kind: FileKind
    title_sv: str
    title_en: str
    #: the Frictionless resource name (lower case, a-z0-9._-)
    name: str


@dataclass(frozen=True)
class Dataset:
    id: str
    title_sv: str
    title_en: str
    description_sv: str
    description_en: str
    keywords: tuple[str, ...]
    distributions: tuple[Distribution, ...]
    #: where the dataset's content comes from: its publication times
    content: str = "all"
    #: a standard the files conform to
    conforms_to: str | None = None


KEYWORDS = ("våld i nära relationer", "stadsdelsnämnder", "Stockholm", "bidrag")

DATASETS = (
    Dataset(
        "beslut",
        "Beslut om pengar mot våld i nära relationer",
        "Decisions on funding against domestic violence",
        "Stockholms stadsdelsnämnders beslut om att söka, ta emot och använda pengar för "
        "arbetet mot våld i nära relationer, med tjänsteutlåtandets uppgifter och text.",
        "Decisions of Stockholm's district councils on applying for, receiving and using "
        "money against domestic violence, with the officers' reports.",
        (*KEYWORDS, "beslut", "tjänsteutlåtanden"),
        (Distribution("data/beslut.json", JSON, "Beslut (JSON)", "Decisions (JSON)", "beslut"),),
        content="decisions",
    ),
    Dataset(
        "projekt",
        "Projekt mot våld i nära relationer",
        "Projects against domestic violence",
        "Projekten som stadsdelsnämndernas beslut gäller, med ägare, period och pengar.",
        "The projects the district councils' decisions concern, with owners, periods and money.",
        (*KEYWORDS, "projekt"),
        (Distribution("data/projekt.json", JSON, "Projekt (JSON)", "Projects (JSON)", "projekt"),),
        content="projects",
    ),
    Dataset(
        "organisationer",
        "Organisationer: stadsdelsnämnder, finansiärer och andra",
        "Organisations: district councils, funders and others",
        "Alla organisationer som besluten och projekten nämner, med organisationsnummer där "
        "det är känt.",
        "Every organisation the decisions and projects name, with its Swedish organisation "
        "number where known.",
        (*KEYWORDS, "organisationer", "organisationsnummer"),
        (
            Distribution(
                "data/organisationer.csv",
                CSV,
                "Organisationer (CSV)",
                "Organisations (CSV)",
                "organisationer-csv",
            ),
            Distribution(
                "data/organisationer.json",
                JSON,
                "Organisationer (JSON)",
                "Organisations (JSON)",
                "organisationer",
            ),
        ),
    ),
    Dataset(
        "finansiering",
        "Finansieringsrader: sökta, beviljade, avslagna och egna pengar",
        "Funding lines: money applied for, granted, refused and contributed",
        "Varje belopp i besluten och projekten, en rad per belopp, med betalare, mottagare, "
        "projekt, år, status och källa; och summorna per finansiär och per stadsdelsnämnd. "
        "Belopp med olika status läggs aldrig ihop.",
        "Every sum in the decisions and projects, one row each, with payer, recipient, "
        "project, year, status and source; and the totals per funder and per district "
        "council. Sums of different statuses are never added together.",
        (*KEYWORDS, "finansiering", "budget"),
        (
            Distribution(
                "data/finansiering.csv",
                CSV,
                "Finansieringsrader (CSV)",
                "Funding lines (CSV)",
                "finansiering-csv",
            ),
            Distribution(
                "data/finansiering.json",
                JSON,
                "Finansieringsrader (JSON)",
                "Funding lines (JSON)",
                "finansiering",
            ),
            Distribution(
                "data/finansiarer.csv",
                CSV,
                "Summor per finansiär (CSV)",
                "Totals per funder (CSV)",
                "finansiarer",
            ),
            Distribution(
                "data/stadsdelar.csv",
                CSV,
                "Summor per stadsdelsnämnd (CSV)",
                "Totals per district council (CSV)",
                "stadsdelar",
            ),
        ),
    ),
    Dataset(
        "360giving",
        "Beviljade bidrag enligt 360Giving Data Standard",
        "Grants in the 360Giving Data Standard",
        "De beviljade finansieringsraderna med belopp och år som bidrag (grants) enligt "
        "360Giving Data Standard, med organisationsnummer som SE-ON-identiteter.",
        "The granted funding lines with a sum and a year as grants in the 360Giving Data "
        "Standard, with Swedish organisation numbers as SE-ON identifiers.",
        (*KEYWORDS, "360Giving"),
        (
            Distribution(
                "data/360giving.json",
                JSON,
                "Bidrag (360Giving JSON)",
                "Grants (360Giving JSON)",
                "360giving",
            ),
        ),
        conforms_to="https://standard.threesixtygiving.org/en/latest/",
    ),
)


def published(datasets: tuple[Dataset, ...], written: set[str]) -> list[Dataset]:
    """The datasets with the files the site writes, and only those files."""
    result = []
    for dataset in datasets:
        kept = tuple(d for d in dataset.distributions if d.path in written)
        if kept:
            result.append(dataclasses.replace(dataset, distributions=kept))
    return result


@dataclass(frozen=True)
class Made:
    """A written file's size in bytes and its SHA-256, for the catalogues."""

    size: int
    sha256: str


class Files:
    """The bytes of the files a catalogue describes, each made once per process.

    The catalogues are made after the files (`files.plan_data_files`), but maybe in
    another worker: what this process has not made, it makes again, from the same graph,
    so the size and digest are those of the file written.
    """

    def __init__(self, makers: dict[str, Callable[[OpenData], bytes]]) -> None:
        self.makers = makers
        self._made: dict[Any, tuple[Any, Reads]] = {}
        self._graph: object = None

    def _for(self, data: OpenData) -> dict[Any, tuple[Any, Reads]]:
        """What was made from `data`'s graph: `serve` renders each edit's new graph with
        the same Files, and an id of a freed graph may come back."""
        if data.graph is not self._graph:
            self._graph, self._made = data.graph, {}
        return self._made

    def made(self, data: OpenData, path: str) -> Made:
        """The file's size and digest; what making it read is read by the catalogue too,
        made here or not, so that an edit remakes the catalogue (`reads.remembered`)."""

        def make() -> Made:
            content = self.makers[path](data)
            return Made(len(content), hashlib.sha256(content).hexdigest())

        made: Made = remembered(self._for(data), path, make)
        return made

    def write(self, data: OpenData, path: str) -> bytes:
        """The file's bytes, to be written; its size and digest are noted on the way, so
        that a catalogue made after it in this process does not make the file again (the
        site-wide files take seconds each at 10,000 decisions)."""
        with recording() as reads:
            content = self.makers[path](data)
        made = Made(len(content), hashlib.sha256(content).hexdigest())
        self._for(data).setdefault(path, (made, frozenset(reads)))
        return content


def span(data: OpenData, content: str) -> tuple[dt.datetime, dt.datetime] | None:
    """When a dataset's content entered the site and last changed: the first and the last
    publication (git) of its files; None with no content."""
    times = [
        data.published(origin)
        for origin in (
            *(d.origin for d in data.graph.decisions.values() if content in ("all", "decisions")),
            *(p.origin for p in data.graph.projects.values() if content in ("all", "projects")),
        )
    ]
    if not times:
        return None
    return min(t[0] for t in times), max(t[1] for t in times)


def years(data: OpenData) -> tuple[int, int] | None:
    """The first and the last year the data covers: decisions' years and funding lines' years."""
    found = [d.year for d in data.graph.decisions.values()]
    found += [line.year for line in data.ledger.lines if line.year is not None]
    return (min(found), max(found)) if found else None

"""What a page read while it rendered: recorded at the graph, never predicted.

A warm build re-renders an output when something it read changed. Which
things a page reads is whatever its builder, its template and the helpers
they call happen to touch, and a hand-written guess of that drifts as pages
grow (an organisation page once showed each project's owner without saying
so, and kept the old name after a rename). So, as Lektor's
`record_dependency` and Hugo's `identity` package do, the reads are
recorded while the page renders: pages see the graph only through
`RecordedGraph`, whose every look-up adds a key (`model.keys`) to the
current output's set, and `SiteView` (the templates' view) records what its
per-process caches hand out, so a cache hit reads what the miss did.

The manifest keeps each output's keys and each key's digest
(`build.versions`); the next build renders the outputs with a key whose
digest changed. Anything made once and handed to many pages (`remembered`,
`replay`) keeps the keys its making read and adds them to every output it is
handed to.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from insyn.model.keys import (
    ALL_LINES,
    DECISION,
    DECISIONS,
    DISTRICTS,
    INDEX,
    LEDGER,
    ORG,
    ORGANISATIONS,
    PROJECT,
    PROJECTS,
    YEARS,
    Key,
    Reads,
)

if TYPE_CHECKING:
    from insyn.graph.ledger import Ledger
    from insyn.graph.link import SiteGraph
    from insyn.model import Decision, FundingLine, Organisation, Project, SiteSettings


class Recorder:
    """The key set of the output being rendered in this process; None between outputs."""

    __slots__ = ("current",)

    def __init__(self) -> None:
        self.current: set[Key] | None = None


#: One per process: rendering is one output at a time in each (`engine`).
RECORDER = Recorder()


def record(key: Key) -> None:
    current = RECORDER.current
    if current is not None:
        current.add(key)


def replay(keys: Reads) -> None:
    """Add keys read earlier (by the making of something cached) to the current output."""
    current = RECORDER.current
    if current is not None:
        current |= keys


@contextmanager
def recording() -> Iterator[set[Key]]:
    """Record into a new set for the duration; what it gathered joins the enclosing set too."""
    outer = RECORDER.current
    reads: set[Key] = set()
    RECORDER.current = reads
    try:
        yield reads
    finally:
        RECORDER.current = outer
        if outer is not None:
            outer |= reads


@contextmanager
def unrecorded() -> Iterator[None]:
    """Nothing is recorded for the duration: for a whole-graph order whose caller records
    exactly the keys its result depends on (see `trail_index.TrailParts.trail_order`)."""
    outer = RECORDER.current
    RECORDER.current = None
    try:
        yield
    finally:
        RECORDER.current = outer


T = TypeVar("T")


def remembered(
    cache: MutableMapping[Any, tuple[Any, Reads]], key: Hashable, make: Callable[[], T]
) -> T:
    """`make()` once per `key`, its reads kept beside it and added to every output it serves."""
    entry = cache.get(key)
    if entry is None:
        with recording() as reads:
            value = make()
        cache[key] = (value, frozenset(reads))
        return value
    replay(entry[1])
    result: T = entry[0]
    return result


V = TypeVar("V")


class RecordedEntities(Mapping[str, V], Generic[V]):
    """Decisions, projects or organisations by id: a look-up reads that entity, and going
    through all of them reads which exist (and each one handed out)."""

    __slots__ = ("_all", "_data", "_kind")

    def __init__(self, data: Mapping[str, V], kind: str, every: Key) -> None:
        self._data = data
        self._kind = kind
        self._all = every

    # The look-ups are the hottest code of a build (hundreds of thousands a site): the
    # recording is written out in each, without a call.

    def __getitem__(self, entity_id: str) -> V:
        current = RECORDER.current
        if current is not None:
            current.add((self._kind, entity_id))
        return self._data[entity_id]

    def get(self, entity_id: str, default: Any = None) -> Any:
        current = RECORDER.current
        if current is not None:
            current.add((self._kind, entity_id))
        return self._data.get(entity_id, default)

    def __contains__(self, entity_id: object) -> bool:
        record((self._kind, entity_id))
        return entity_id in self._data

    def __iter__(self) -> Iterator[str]:
        record(self._all)
        return iter(self._data)

    def __len__(self) -> int:
        record(self._all)
        return len(self._data)

    def values(self) -> Iterator[V]:  # type: ignore[override]
        record(self._all)
        return (entity for _, entity in self._handed_out(RECORDER.current))

    def items(self) -> Iterator[tuple[str, V]]:  # type: ignore[override]
        record(self._all)
        return self._handed_out(RECORDER.current)

    def _handed_out(self, current: set[Key] | None) -> Iterator[tuple[str, V]]:
        """Each entity as it is handed out, into the set of the output that asked (taken
        when it asked, not when it first iterates): a page that takes five reads five."""
        kind = self._kind
        for entity_id, entity in self._data.items():
            if current is not None:
                current.add((kind, entity_id))
            yield entity_id, entity


class RecordedIndex(Mapping[Any, Any]):
    """One of the graph's indexes (`decisions_by_district` ...): an entry reads that entry,
    going through the index reads all of it."""

    __slots__ = ("_data", "_name")

    def __init__(self, data: Mapping[Any, Any], name: str) -> None:
        self._data = data
        self._name = name

    def __getitem__(self, key: Any) -> Any:
        current = RECORDER.current
        if current is not None:
            current.add((INDEX, self._name, key))
        return self._data[key]

    def get(self, key: Any, default: Any = None) -> Any:
        current = RECORDER.current
        if current is not None:
            current.add((INDEX, self._name, key))
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        record((INDEX, self._name, key))
        return key in self._data

    def __iter__(self) -> Iterator[Any]:
        record((INDEX, self._name))
        return iter(self._data)

    def __len__(self) -> int:
        record((INDEX, self._name))
        return len(self._data)


class RecordedLedger:
    """The ledger's questions, each reading the lines it answers with."""

    __slots__ = ("_ledger",)

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger

    @property
    def raw(self) -> Ledger:
        return self._ledger

    @property
    def lines(self) -> tuple[FundingLine, ...]:
        record(ALL_LINES)
        return self._ledger.lines

    @property
    def by_year(self) -> dict[object, list[FundingLine]]:
        record(ALL_LINES)
        return self._ledger.by_year

    def paid_by(self, org_id: str) -> list[FundingLine]:
        record((LEDGER, "paid_by", org_id))
        return self._ledger.paid_by(org_id)

    def received_by(self, org_id: str) -> list[FundingLine]:
        record((LEDGER, "received_by", org_id))
        return self._ledger.received_by(org_id)

    def paid_jointly_by(self, org_id: str) -> list[FundingLine]:
        record((LEDGER, "paid_jointly_by", org_id))
        return self._ledger.paid_jointly_by(org_id)

    def received_jointly_by(self, org_id: str) -> list[FundingLine]:
        record((LEDGER, "received_jointly_by", org_id))
        return self._ledger.received_jointly_by(org_id)

    def joint_with(self, org_id: str) -> list[FundingLine]:
        record((LEDGER, "joint_with", org_id))
        return self._ledger.joint_with(org_id)

    def answering(self, decision_id: str) -> list[FundingLine]:
        record((LEDGER, "answering", decision_id))
        return self._ledger.answering(decision_id)

    def for_project(self, project_id: str) -> list[FundingLine]:
        record((LEDGER, "for_project", project_id))
        return self._ledger.for_project(project_id)

    def for_year(self, year: int) -> list[FundingLine]:
        record((LEDGER, "for_year", year))
        return self._ledger.for_year(year)

    def declared_by(self, kind: str, entity_id: str) -> list[FundingLine]:
        record((LEDGER, "declared_by", kind, entity_id))
        return self._ledger.declared_by(kind, entity_id)

    def funders(self) -> list[str]:
        record((LEDGER, "funders"))
        return self._ledger.funders()


class RecordedGraph:
    """A `SiteGraph` as pages see it: the same fields and questions, each one recorded.

    Settings are not recorded: they are in the build's fingerprint, as the assets are
    (every page shows the site's title and links its style sheet), and a change to either
    renders every output. The templates a page renders with are recorded by `render`.
    """

    __slots__ = (
        "decisions",
        "decisions_by_district",
        "decisions_by_org",
        "decisions_by_project",
        "decisions_by_year",
        "ledger",
        "meetings_by_district",
        "organisations",
        "organisations_by_type",
        "projects",
        "projects_by_org",
        "raw",
        "settings",
    )

    def __init__(self, graph: SiteGraph, ledger: RecordedLedger | None = None) -> None:
        """`ledger`: the recorded ledger of an earlier view of a graph with the same ledger,
        so that what is made once per ledger (`trails._index`) is not made again."""
        self.raw = graph
        self.settings: SiteSettings = graph.settings
        self.organisations: RecordedEntities[Organisation] = RecordedEntities(
            graph.organisations, ORG, ORGANISATIONS
        )
        self.decisions: RecordedEntities[Decision] = RecordedEntities(
            graph.decisions, DECISION, DECISIONS
        )
        self.projects: RecordedEntities[Project] = RecordedEntities(
            graph.projects, PROJECT, PROJECTS
        )
        same = ledger is not None and ledger.raw is graph.ledger
        self.ledger = ledger if ledger is not None and same else RecordedLedger(graph.ledger)
        self.decisions_by_district = RecordedIndex(
            graph.decisions_by_district, "decisions_by_district"
        )
        self.decisions_by_project = RecordedIndex(
            graph.decisions_by_project, "decisions_by_project"
        )
        self.decisions_by_year = RecordedIndex(graph.decisions_by_year, "decisions_by_year")
        self.decisions_by_org = RecordedIndex(graph.decisions_by_org, "decisions_by_org")
        self.projects_by_org = RecordedIndex(graph.projects_by_org, "projects_by_org")
        self.meetings_by_district = RecordedIndex(
            graph.meetings_by_district, "meetings_by_district"
        )
        self.organisations_by_type = RecordedIndex(
            graph.organisations_by_type, "organisations_by_type"
        )

    def org(self, org_id: str) -> Organisation:
        return self.organisations[org_id]

    @property
    def districts(self) -> list[Organisation]:
        """Which organisations are districts, in their order, and each of them."""
        record(DISTRICTS)
        districts = self.raw.districts
        for district in districts:
            record((ORG, district.id))
        return districts

    @property
    def years(self) -> list[int]:
        record(YEARS)
        return self.raw.years

"""The keys of what a page can read, as an incremental build compares them.

A key is a small tuple: a kind, then what names it. `graph.reads` records
them while a page renders; `build.versions` gives each a digest.

- an entity: `("decision", id)`, `("project", id)`, `("org", id)`;
- which entities exist, in the graph's order: `DECISIONS`, `PROJECTS`,
  `ORGANISATIONS`; the districts in the order pages list them
  (`DISTRICTS`); the years with a page (`YEARS`);
- an entry of one of the graph's indexes: `("index", name, key)`, or the
  whole index: `("index", name)`;
- a question to the ledger and its arguments: `("ledger", "paid_by", id)`,
  `("ledger", "declared_by", kind, id)`; every line: `ALL_LINES`.
"""

from __future__ import annotations

from typing import Any

#: One thing a page can read: a kind, then what names it.
Key = tuple[Any, ...]
#: What one output read.
Reads = frozenset[Key]

DECISION = "decision"
PROJECT = "project"
ORG = "org"
DECISIONS: Key = ("decisions",)
PROJECTS: Key = ("projects",)
ORGANISATIONS: Key = ("organisations",)
DISTRICTS: Key = ("districts",)
YEARS: Key = ("years",)
INDEX = "index"
LEDGER = "ledger"
ALL_LINES: Key = (LEDGER, "lines")


def entity_key(kind: str, entity_id: str) -> Key:
    """`("decision", id)`, `("project", id)` or `("org", id)`."""
    return (kind, entity_id)

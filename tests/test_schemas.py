"""The JSON Schemas are the one source of truth: valid, complete, described in Swedish.

Editors show each property's `description` while staff type, so every
property (at any depth, including `$defs`) must have one, in Swedish; and
every key the contract lists must be in the schemas, or `check` would call
it unknown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from insyn.sources.schema import SCHEMA_FILES, load_schema

SCHEMA_NAMES = sorted(
    entry.name
    for entry in resources.files("insyn").joinpath("schemas").iterdir()
    if entry.name.endswith(".json")
)

# Contract sections 3-6, key for key.
CONTRACT_KEYS: dict[str, set[str]] = {
    "organisation": {
        "id", "name", "short_name", "type", "category", "area", "aliases", "active", "website",
    },
    "organisation.active": {"from", "to"},
    "decision": {
        "title", "district", "meeting", "year", "document_date", "diary_number", "kind",
        "case_officer", "signed_by", "proposals", "immediate_adjustment", "projects", "funding",
        "attachments", "outcome", "notes", "source", "tags", "draft",
    },
    "decision.case_officer": {"name", "phone"},
    "decision.signed_by": {"name", "title"},
    "decision.outcome": {"status", "note"},
    "project": {
        "name", "owner", "partners", "start", "end", "status", "target_groups", "parts",
        "funding", "budget", "notes", "tags", "draft",
    },
    "project.parts": {"name", "organisation", "description"},
    "project.budget": {"item", "year", "amount"},
    "funding_line": {"from", "to", "amount", "year", "status", "project", "note"},
}  # fmt: skip

REQUIRED: dict[str, set[str]] = {
    "organisation": {"id", "name", "type"},
    "decision": {"title", "district", "kind"},
    "project": {"name", "owner"},
    # `amount` and `year` are left out when the source does not state them (section 6)
    "funding_line": {"from", "status"},
}

ENUMS: dict[str, list[str]] = {
    "organisation.type": ["district", "funder", "organisation"],
    "decision.kind": ["application", "co-financing", "report", "other"],
    "decision.outcome.status": ["approved", "rejected", "pending", "unknown"],
    "project.status": ["planned", "ongoing", "completed", "unknown"],
    "funding_line.status": ["applied", "granted", "rejected", "contributed"],
}

ENGLISH = re.compile(r"\b(the|and|of|is|for|with|which|when|must|should|this|that)\b", re.I)


def resolve(schema_name: str, node: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Follow `$ref`s (within and between the shipped schema files)."""
    while "$ref" in node:
        target, _, pointer = node["$ref"].partition("#")
        schema_name = target or schema_name
        node = load_schema(schema_name)
        for part in filter(None, pointer.split("/")):
            node = node[part]
    return schema_name, node


def properties(schema_name: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(location, schema file, property node) for every property at any depth."""

    def walk(node: Any, where: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        if isinstance(node, dict):
            for key, child in node.get("properties", {}).items():
                yield f"{where}.properties.{key}", schema_name, child
            for key, child in node.items():
                yield from walk(child, f"{where}.{key}")
        elif isinstance(node, list):
            for index, child in enumerate(node):
                yield from walk(child, f"{where}[{index}]")

    yield from walk(load_schema(schema_name), schema_name)


ALL_PROPERTIES = [p for name in SCHEMA_NAMES for p in properties(name)]


def description(schema_name: str, node: dict[str, Any]) -> str:
    """The description an editor shows: the property's own, else the one it refers to."""
    if node.get("description"):
        return str(node["description"])
    if "$ref" in node:
        return description(*resolve(schema_name, node))
    return ""


def test_every_schema_file_is_used() -> None:
    assert set(SCHEMA_NAMES) == {*SCHEMA_FILES.values(), "common.schema.json"}


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_plain_json(name: str) -> None:
    text = resources.files("insyn").joinpath("schemas", name).read_text(encoding="utf-8")
    assert json.loads(text) == load_schema(name)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_has_title_and_description(name: str) -> None:
    schema = load_schema(name)
    assert schema.get("title", "").startswith("Insyn")
    assert description(name, schema)


def test_properties_are_found() -> None:
    # Nested objects and $defs are walked too, not only the top level.
    found = {where for where, _, _ in ALL_PROPERTIES}
    assert "common.schema.json.$defs.fundingLine.properties.amount" in found
    assert "decision.schema.json.properties.case_officer.properties.phone" in found
    assert "project.schema.json.properties.budget.items.properties.item" in found
    assert "organisations.schema.json.items.properties.active.properties.to" in found


@pytest.mark.parametrize(
    ("where", "name", "node"), ALL_PROPERTIES, ids=[p[0] for p in ALL_PROPERTIES]
)
def test_every_property_has_a_swedish_description(
    where: str, name: str, node: dict[str, Any]
) -> None:
    text = description(name, node)
    assert text.strip(), f"{where} has no description"
    assert not ENGLISH.search(text), f"{where}: description looks English: {text!r}"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_def_has_a_description(name: str) -> None:
    for key, node in load_schema(name).get("$defs", {}).items():
        assert description(name, node), f"{name} $defs.{key} has no description"


def _object(kind: str) -> tuple[str, dict[str, Any]]:
    """The schema node for a kind of object named as in CONTRACT_KEYS."""
    first, *rest = kind.split(".")
    organisations = load_schema("organisations.schema.json")["items"]
    funding_line = load_schema("common.schema.json")["$defs"]["fundingLine"]
    name, node = {
        "organisation": ("organisations.schema.json", organisations),
        "decision": ("decision.schema.json", load_schema("decision.schema.json")),
        "project": ("project.schema.json", load_schema("project.schema.json")),
        "funding_line": ("common.schema.json", funding_line),
    }[first]
    for key in rest:
        name, node = resolve(name, node["properties"][key])
        if node.get("type") == "array":
            name, node = resolve(name, node["items"])
    return name, node


@pytest.mark.parametrize("kind", sorted(CONTRACT_KEYS))
def test_contract_keys_are_in_the_schemas(kind: str) -> None:
    _, node = _object(kind)
    missing = CONTRACT_KEYS[kind] - set(node["properties"])
    assert not missing, f"{kind}: the contract's keys {sorted(missing)} are not in the schema"
    assert node.get("additionalProperties") is False


@pytest.mark.parametrize("kind", sorted(REQUIRED))
def test_required_keys_as_in_the_contract(kind: str) -> None:
    _, node = _object(kind)
    assert set(node["required"]) == REQUIRED[kind]


@pytest.mark.parametrize("where", sorted(ENUMS))
def test_enum_values_as_in_the_contract(where: str) -> None:
    kind, key = where.rsplit(".", 1)
    name, node = _object(kind)
    _, prop = resolve(name, node["properties"][key])
    assert prop["enum"] == ENUMS[where]


@pytest.mark.parametrize("kind", ["decision", "project"])
def test_funding_lines_use_the_shared_definition(kind: str) -> None:
    name, node = _object(kind)
    _, items = resolve(name, node["properties"]["funding"])
    assert items["items"] == {"$ref": "common.schema.json#/$defs/fundingLine"}


# --- the fast validator agrees with jsonschema ------------------------------------

_WORDS = ["", "x", "2007-11-27", "2007-02-30", "2007-13-01", "2007", "2007-11", "abc\n",
          "skarholmen", "Skärholmen", "applied", "granted", "district", "https://x.se",
          "-a"]  # fmt: skip
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(_WORDS)
    | st.text(max_size=12)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _examples() -> dict[str, list[Any]]:
    """Valid documents of every kind: the shipped content's front matter and data files."""
    from pathlib import Path

    from insyn.sources.yamlsource import parse_yaml

    root = Path(__file__).resolve().parent.parent
    found: dict[str, list[Any]] = {"decision": [], "project": []}
    for kind, folder in (("decision", "decisions"), ("project", "projects")):
        for path in sorted((root / "content" / folder).glob("*.md")):
            front = path.read_text(encoding="utf-8").split("---\n")[1]
            found[kind].append(parse_yaml(front).data)
    for kind, name in (("organisations", "organisations.yaml"), ("site", "site.yaml")):
        found[kind] = [parse_yaml((root / "data" / name).read_text(encoding="utf-8")).data]
    return found


_EXAMPLES = _examples()


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


@given(st.data())
@settings(max_examples=400, deadline=None)
def test_fast_validator_says_valid_exactly_when_jsonschema_does(data: st.DataObject) -> None:
    """`check_structure` trusts the fast validator's yes, so it must never differ."""
    import copy

    from insyn.sources.schema import fast_validator, validator

    kind = data.draw(st.sampled_from(sorted(_EXAMPLES)))
    document = copy.deepcopy(data.draw(st.sampled_from(_EXAMPLES[kind])))
    for _ in range(data.draw(st.integers(0, 3))):
        path = data.draw(st.sampled_from(list(_paths(document))[1:]))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(_VALUES)
    expected = not any(True for _ in validator(kind).iter_errors(document))
    assert fast_validator(kind).is_valid(document) == expected, document


_TRICKY = ["", "2007-11-27", "2007-02-30", "2007-13-01", "2007", "2007-11", "abc\n", "Abc",
           "a--b", "https://x.se", "ftp://x", "-1", 0, -5, 2.5, True, None, [], {}]  # fmt: skip


@pytest.mark.parametrize("kind", sorted(_EXAMPLES))
def test_fast_validator_agrees_on_every_field_of_every_example(kind: str) -> None:
    """Each leaf of each valid example replaced by each tricky value (dates that do not exist,
    a newline before the end, wrong types ...): both validators give the same verdict."""
    import copy

    from insyn.sources.schema import fast_validator, validator

    checked = 0
    for example in _EXAMPLES[kind]:
        for path in list(_paths(example))[1:]:
            for value in _TRICKY:
                document = copy.deepcopy(example)
                parent = document
                for part in path[:-1]:
                    parent = parent[part]
                parent[path[-1]] = value
                expected = not any(True for _ in validator(kind).iter_errors(document))
                assert fast_validator(kind).is_valid(document) == expected, (path, value)
                checked += 1
    assert checked > 100


def _property_validator(schema_name: str, node: dict[str, Any]) -> Draft202012Validator:
    """A validator of one property's schema, its `$ref`s resolved against the shipped files
    (a reference within its own file, `#/$defs/...`, named with that file)."""
    from insyn.sources.schema import _registry

    def absolute(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: (schema_name + v if k == "$ref" and v.startswith("#") else absolute(v))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [absolute(v) for v in value]
        return value

    return Draft202012Validator(absolute(node), registry=_registry())


WITH_EXAMPLES = [p for p in ALL_PROPERTIES if "examples" in p[2]]


def test_the_schemas_offer_examples_to_editors() -> None:
    assert len(WITH_EXAMPLES) >= 12


@pytest.mark.parametrize(
    ("where", "schema_name", "node"), WITH_EXAMPLES, ids=[p[0] for p in WITH_EXAMPLES]
)
def test_every_example_is_a_valid_value(where: str, schema_name: str, node: dict[str, Any]) -> None:
    """What an editor offers to complete with passes `check`."""
    validator = _property_validator(schema_name, node)
    for example in node["examples"]:
        assert list(validator.iter_errors(example)) == [], (where, example)


ENUMS_DESCRIBED = [
    (where, node)
    for where, _name, node in (
        (f"{w}{suffix}", n, resolve(n, child)[1])
        for w, n, prop in ALL_PROPERTIES
        for suffix, child in (("", prop), (".items", prop.get("items", {})))
    )
    if "enum" in node
]


@pytest.mark.parametrize(("where", "node"), ENUMS_DESCRIBED, ids=[e[0] for e in ENUMS_DESCRIBED])
def test_every_enum_has_a_swedish_description_per_value(where: str, node: dict[str, Any]) -> None:
    """VS Code shows `enumDescriptions` beside each value as staff type it."""
    descriptions = node.get("enumDescriptions")
    assert descriptions is not None and len(descriptions) == len(node["enum"]), where
    assert all(d and not ENGLISH.search(d) for d in descriptions), descriptions

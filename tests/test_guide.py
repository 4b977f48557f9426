"""The staff guide's field reference is generated from the schemas and must not drift."""

from __future__ import annotations

from insyn.sources.fieldref import END, GUIDE, START, field_reference, updated_guide
from insyn.sources.schema import load_schema


def test_guide_field_reference_matches_the_schemas() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    assert START in text and END in text
    assert updated_guide(text) == text, "run: .venv/bin/python -m insyn.sources.fieldref"


def test_every_decision_field_is_in_the_reference_with_its_description() -> None:
    reference = field_reference()
    schema = load_schema("decision.schema.json")
    for key, prop in schema["properties"].items():
        assert f"| `{key}` |" in reference
        if "description" in prop:
            assert prop["description"] in reference


def test_reference_lists_nested_funding_fields() -> None:
    reference = field_reference()
    for key in ("from", "to", "amount", "year", "status", "project", "note"):
        assert f"| `funding[].{key}` |" in reference

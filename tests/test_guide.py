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


def test_the_guide_quotes_what_the_commands_print() -> None:
    """The walk-through's examples are the output of a real run, in Swedish."""
    from insyn.sources import walkthrough

    made = walkthrough.examples()
    text = GUIDE.read_text(encoding="utf-8")
    assert walkthrough.updated_guide(text, made) == text, (
        "run: .venv/bin/python -m insyn.sources.walkthrough"
    )
    # the steps show what the issue of a new staff member needs: all problems at once ...
    assert made["mistakes"].splitlines()[-1] == "3 fel, 1 varning i 3 filer"
    assert ": error: district: okänd organisation 'hasselby-valingby'" in made["mistakes"]
    # ... what is half-done when the draft line goes, and a clean run at the end
    assert made["unfinished"].count("har ingen text under sig") == 4
    assert made["finished"] == "0 fel, 0 varningar i 3 filer"


def test_the_common_messages_are_messages_of_the_code() -> None:
    """Each row of the table names a message the code has: one that is reworded or
    removed fails here instead of leaving the guide quoting it."""
    from insyn.sources.walkthrough import COMMON
    from tests.test_messages import code_messages

    ids = {m[0] if isinstance(m, tuple) else m for m in code_messages()}
    assert [msgid for msgid, _advice in COMMON if msgid not in ids] == []

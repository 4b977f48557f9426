"""The field reference for staff, generated from the JSON Schemas.

`docs/guide.md` holds a generated section between two markers; a test fails
when it differs from what this module produces, so the guide cannot drift
from the schemas. Update it with `python -m insyn.sources.fieldref`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from insyn.sources.files import PROJECT_ROOT
from insyn.sources.schema import load_schema

START = "<!-- fältreferens: start (genereras av python -m insyn.sources.fieldref) -->"
END = "<!-- fältreferens: slut -->"
GUIDE = PROJECT_ROOT / "docs" / "guide.md"

SECTIONS = [
    ("decision.schema.json", "Beslut (`content/decisions/<id>.md`)"),
    ("project.schema.json", "Projekt (`content/projects/<id>.md`)"),
    ("organisations.schema.json", "Organisationer (`data/organisations.yaml`)"),
    ("site.schema.json", "Webbplatsens inställningar (`data/site.yaml`)"),
]


def _resolve(prop: dict[str, Any], common: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in prop:
        target = common["$defs"][prop["$ref"].rsplit("/", 1)[-1]]
        return {**target, **{k: v for k, v in prop.items() if k != "$ref"}}
    return prop


def _kind(prop: dict[str, Any], common: dict[str, Any] | None = None) -> str:
    if "anyOf" in prop and common is not None:
        kinds = [_kind(_resolve(choice, common)) for choice in prop["anyOf"]]
        if "lista" in kinds and "id" in kinds:
            return "id eller lista med id"
        if "id" in kinds and "null" in kinds:
            return "id eller null"
    if "enum" in prop:
        return " / ".join(f"`{v}`" for v in prop["enum"])
    kind = prop.get("type")
    if kind == "array":
        return "lista"
    words = {
        "string": "text",
        "integer": "heltal",
        "boolean": "true/false",
        "object": "mappning",
        "null": "null",
    }
    if "a-z0-9" in str(prop.get("pattern", "")):
        return "id"
    if prop.get("format") == "date":
        return "datum ÅÅÅÅ-MM-DD"
    if "anyOf" in prop:
        return "ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD"
    return words.get(str(kind), str(kind or ""))


def _rows(schema: dict[str, Any], common: dict[str, Any], prefix: str = "") -> list[str]:
    rows = []
    required = set(schema.get("required", []))
    for key, raw in schema.get("properties", {}).items():
        prop = _resolve(raw, common)
        name = f"{prefix}{key}"
        must = "ja" if key in required else "nej"
        description = str(prop.get("description", ""))
        if examples := prop.get("examples"):
            description += " Exempel: " + ", ".join(f"`{e}`" for e in examples) + "."
        description = description.replace("|", "\\|")
        rows.append(f"| `{name}` | {must} | {_kind(prop, common)} | {description} |")
        items = _resolve(prop.get("items", {}), common) if prop.get("type") == "array" else None
        if items and items.get("type") == "object":
            rows += _rows(items, common, f"{name}[].")
        elif prop.get("type") == "object":
            rows += _rows(prop, common, f"{name}.")
    return rows


def field_reference() -> str:
    common = load_schema("common.schema.json")
    parts = [START, ""]
    for filename, heading in SECTIONS:
        schema = load_schema(filename)
        if schema.get("type") == "array":
            schema = _resolve(schema["items"], common)
        parts += [
            f"### {heading}",
            "",
            "| fält | krävs | värde | betydelse |",
            "|---|---|---|---|",
            *_rows(schema, common),
            "",
        ]
    parts.append(END)
    return "\n".join(parts)


def updated_guide(text: str) -> str:
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    return before + field_reference() + after


def rewrite_guide(update: Callable[[str], str]) -> int:
    """The staff guide rewritten by `update` (one of its generated sections), and saved
    only when that changed it."""
    text = GUIDE.read_text(encoding="utf-8")
    new = update(text)
    if new != text:
        GUIDE.write_text(new, encoding="utf-8")
        print(f"updated {GUIDE}")
    return 0


def main() -> int:
    return rewrite_guide(updated_guide)


if __name__ == "__main__":
    sys.exit(main())

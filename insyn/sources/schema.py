"""Structure checks from the JSON Schemas shipped in `insyn/schemas/`.

The schemas are the one source of truth for what a file may contain: the
same files drive `check`, editors' autocomplete (via the
`# yaml-language-server: $schema=` line) and the field reference for staff.
This module turns jsonschema's errors into `path:line` problems worded for
the person who wrote the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from insyn.model import KeyPath
from insyn.model.amounts import number_hint, parse_amount
from insyn.model.problems import Problems, did_you_mean

SCHEMA_FILES = {
    "decision": "decision.schema.json",
    "project": "project.schema.json",
    "organisations": "organisations.schema.json",
    "site": "site.schema.json",
}


def load_schema(name: str) -> dict[str, Any]:
    text = resources.files("insyn").joinpath("schemas", name).read_text(encoding="utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


def _retrieve(uri: str) -> Resource[Any]:
    return Resource.from_contents(load_schema(uri.rsplit("/", 1)[-1]))


_END = re.compile(r"(?<!\\)\$")


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterable[ValidationError]:
    """JSON Schema's `pattern` (ECMA-262): `$` is the very end, never before a last newline."""
    if isinstance(instance, str) and not re.search(_END.sub(r"\\Z", pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = jsonschema.validators.extend(Draft202012Validator, {"pattern": _pattern})


@cache
def _registry() -> Registry[Any]:
    """Every shipped schema, loaded and crawled once.

    A registry that only knows how to *retrieve* a `$ref`'d schema fetches
    and parses it again on every validation (the validator never keeps the
    grown registry), which was most of `check`'s time (docs/performance.md).
    """
    names = ["common.schema.json", *SCHEMA_FILES.values()]
    registry: Registry[Any] = Registry(retrieve=_retrieve)  # type: ignore[call-arg]
    registry = registry.with_resources(
        (name, Resource.from_contents(load_schema(name))) for name in names
    )
    return registry.crawl()


@cache
def validator(kind: str) -> Draft202012Validator:
    schema = load_schema(SCHEMA_FILES[kind])
    registry = _registry()
    result: Draft202012Validator = _Validator(
        schema, registry=registry, format_checker=FormatChecker()
    )
    return result


#: Where the shipped schemas are, for the fast validator's references between them.
_BASE = "https://insyn.invalid/schemas/"


@cache
def fast_validator(kind: str) -> Any:
    """The same schema compiled by jsonschema-rs (in Rust, a hundred times faster), with the
    same formats and ECMA-262 patterns; only its yes or no is used (`check_structure`)."""
    return jsonschema_rs.validator_for(
        load_schema(SCHEMA_FILES[kind]),
        validate_formats=True,
        retriever=lambda uri: load_schema(uri.rsplit("/", 1)[-1]),
        base_uri=f"{_BASE}{SCHEMA_FILES[kind]}",
    )


def _surely_valid(kind: str, data: Any) -> bool:
    try:
        return bool(fast_validator(kind).is_valid(data))
    except (ValueError, TypeError, jsonschema_rs.ValidationError):  # not JSON-like data
        return False


def describe_path(path: Iterable[str | int]) -> str:
    """`('funding', 0, 'amount')` -> `funding[0].amount`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the file"


def check_structure(
    kind: str,
    data: Any,
    shown: str,
    line_of: Any,
    problems: Problems,
) -> bool:
    """Report schema violations; True when the data has no structural error.

    Nearly every file is valid, and for those the fast validator's yes is all it takes;
    any other file goes through jsonschema, whose errors are worded for staff.
    """
    if _surely_valid(kind, data):
        return True
    ok = True
    errors = sorted(validator(kind).iter_errors(data), key=lambda e: list(map(str, e.path)))
    # A value that is not even of the form YYYY-MM-DD is not also "not a real date".
    malformed = {tuple(e.absolute_path) for e in errors if e.validator == "pattern"}
    for error in errors:
        if error.validator == "format" and tuple(error.absolute_path) in malformed:
            continue
        for severity, path, message in _explain(error):
            line = line_of(path)
            if severity == "warning":
                problems.warning(shown, line, message, "unknown-key")
            else:
                ok = False
                problems.error(shown, line, message)
    return ok


def _explain(error: ValidationError) -> list[tuple[str, KeyPath, str]]:
    path: KeyPath = tuple(error.absolute_path)
    where = describe_path(path)
    value = error.instance
    kind = error.validator
    if kind in ("anyOf", "oneOf") and error.context:
        # The branch of the value's own type says what is wrong with it (a year of
        # 1800, a date of "maj 2008"); "must be a whole number" would mislead.
        fitting = [e for e in error.context if e.validator != "type"]
        if fitting:
            return _explain(jsonschema.exceptions.best_match(fitting))
        wanted = [_TYPE_NAMES.get(e.validator_value, str(e.validator_value)) for e in error.context]
        return [("error", path, f"{where} must be {' or '.join(wanted)}, not {_type_name(value)}")]
    if kind == "additionalProperties" and isinstance(value, dict):
        known = list(error.schema.get("properties", {}))
        return [
            (
                "warning",
                (*path, key),
                f"unknown key '{describe_path((*path, key))}'{did_you_mean(str(key), known)}",
            )
            for key in value
            if key not in known
        ]
    if kind == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        key = missing[0] if missing else "?"
        inside = f" in {where}" if path else ""
        return [("error", path, f"missing required key '{key}'{inside}")]
    if kind == "type":
        return [("error", path, _type_message(where, path, value, error.validator_value))]
    if kind == "enum":
        options = [str(o) for o in error.validator_value]
        hint = did_you_mean(str(value), options) if isinstance(value, str) else ""
        return [
            (
                "error",
                path,
                f"{where}: {_show(value)} is not allowed{hint}; use one of: {', '.join(options)}",
            )
        ]
    if kind == "format" and error.validator_value == "date":
        return [("error", path, f"{where}: {_show(value)} is not a real calendar date")]
    if kind == "pattern":
        return [("error", path, _pattern_message(where, path, value, error.validator_value))]
    if kind in ("minimum", "maximum"):
        bound = "at least" if kind == "minimum" else "at most"
        return [("error", path, f"{where}: {_show(value)} must be {bound} {error.validator_value}")]
    if kind == "exclusiveMinimum":
        return [
            ("error", path, f"{where}: {_show(value)} must be greater than {error.validator_value}")
        ]
    if kind == "minLength":
        return [("error", path, f"{where} must not be empty")]
    if kind == "maxLength":
        return [
            ("error", path, f"{where} is too long (at most {error.validator_value} characters)")
        ]
    return [("error", path, f"{where}: {error.message}")]


_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys to values",
}


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _type_message(where: str, path: KeyPath, value: Any, expected: Any) -> str:
    wanted = expected if isinstance(expected, str) else expected[0]
    hint = number_hint(value) if wanted == "integer" and isinstance(value, str) else None
    if hint is not None:
        what = "kronor" if path and path[-1] == "amount" else "digits"
        return f"{where} must be a whole number in plain {what}, not {_show(value)}: {hint}"
    message = f"{where} must be {_TYPE_NAMES.get(wanted, wanted)}, not {_type_name(value)}"
    if wanted == "integer" and path and path[-1] == "amount":
        meant = parse_amount(value) if isinstance(value, str) else None
        example = meant or 100000
        message = (
            f"{where} must be a whole number of kronor, not {_type_name(value)}: "
            f"write {example}, without spaces, dots or 'kr'"
        )
    elif wanted == "integer" and path and (path[-1] == "year" or path[-2:-1] == ("active",)):
        message += ": write the year as four digits, e.g. 2008"
    elif wanted == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
        message += f': put it in quotes, e.g. "{value}"'
    return message


#: How the schemas' date patterns begin: the years a date may have (feeds, calendars and
#: Python's dates have no room for year 0 or 9999).
_YEARS = "^(19[0-9]{2}|20[0-9]{2}|2100)"


def _pattern_message(where: str, path: KeyPath, value: Any, pattern: str) -> str:
    key = path[-1] if path else ""
    if pattern.startswith(_YEARS):
        whole_date = pattern.endswith(")-[0-9]{2}-[0-9]{2}$")
        shape = r"[0-9]{4}-[0-9]{2}-[0-9]{2}" if whole_date else r"[0-9]{4}(-[0-9]{2}){0,2}"
        if isinstance(value, str) and re.fullmatch(shape, value):
            return f"{where}: {_show(value)}: the year must be between 1900 and 2100"
    if pattern.startswith(_YEARS) and pattern.endswith(")-[0-9]{2}-[0-9]{2}$"):
        return f"{where}: {_show(value)} is not a date: write YYYY-MM-DD, e.g. 2007-11-27"
    if pattern.startswith(_YEARS):
        return (
            f"{where}: {_show(value)} is not a year, month or date: "
            "write YYYY, YYYY-MM or YYYY-MM-DD"
        )
    if "a-z0-9" in pattern:
        from insyn.model.ids import slugify

        suggestion = slugify(str(value))
        hint = f" (e.g. '{suggestion}')" if suggestion else ""
        return (
            f"{where}: {_show(value)} is not a valid id: use lowercase a-z, 0-9 and single "
            f"hyphens{hint}"
        )
    if "https?" in pattern:
        return f"{where}: {_show(value)} must be a web address starting with https:// or http://"
    return f"{where}: {_show(value)} does not match the expected form {pattern!r} ({key})"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "...'"

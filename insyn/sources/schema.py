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
from insyn.model.i18n import Message, _
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


def describe_path(path: Iterable[str | int]) -> Message | str:
    """`('funding', 0, 'amount')` -> `funding[0].amount`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or _("the file")


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


def _explain(error: ValidationError) -> list[tuple[str, KeyPath, Message]]:
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
        either = wanted[0]
        for other in wanted[1:]:
            either = _("{one} or {other}", one=either, other=other)
        return [
            (
                "error",
                path,
                _(
                    "{where} must be {wanted}, not {found}",
                    where=where,
                    wanted=either,
                    found=_type_name(value),
                ),
            )
        ]
    if kind == "additionalProperties" and isinstance(value, dict):
        known = list(error.schema.get("properties", {}))
        return [
            (
                "warning",
                (*path, key),
                _(
                    "unknown key '{key}'{hint}",
                    key=describe_path((*path, key)),
                    hint=did_you_mean(str(key), known),
                ),
            )
            for key in value
            if key not in known
        ]
    if kind == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        key = missing[0] if missing else "?"
        if path:
            return [
                ("error", path, _("missing required key '{key}' in {where}", key=key, where=where))
            ]
        return [("error", path, _("missing required key '{key}'", key=key))]
    if kind == "type":
        return [("error", path, _type_message(where, path, value, error.validator_value))]
    if kind == "enum":
        options = [str(o) for o in error.validator_value]
        hint = did_you_mean(str(value), options) if isinstance(value, str) else ""
        return [
            (
                "error",
                path,
                _(
                    "{where}: {value} is not allowed{hint}; use one of: {options}",
                    where=where,
                    value=_show(value),
                    hint=hint,
                    options=", ".join(options),
                ),
            )
        ]
    if kind == "format" and error.validator_value == "date":
        return [
            (
                "error",
                path,
                _("{where}: {value} is not a real calendar date", where=where, value=_show(value)),
            )
        ]
    if kind == "pattern":
        return [("error", path, _pattern_message(where, path, value, error.validator_value))]
    if kind in ("minimum", "maximum"):
        bound = (
            _("{where}: {value} must be at least {limit}")
            if kind == "minimum"
            else _("{where}: {value} must be at most {limit}")
        )
        return [("error", path, _filled(bound, where, value, error.validator_value))]
    if kind == "exclusiveMinimum":
        greater = _("{where}: {value} must be greater than {limit}")
        return [("error", path, _filled(greater, where, value, error.validator_value))]
    if kind == "minLength":
        return [("error", path, _("{where} must not be empty", where=where))]
    if kind == "maxLength":
        return [
            (
                "error",
                path,
                _(
                    "{where} is too long (at most {limit} characters)",
                    where=where,
                    limit=error.validator_value,
                ),
            )
        ]
    return [("error", path, _("{where}: {problem}", where=where, problem=error.message))]


def _filled(message: Message, where: Message | str, value: Any, limit: Any) -> Message:
    return Message(message.msgid, (("where", where), ("value", _show(value)), ("limit", limit)))


_TYPE_NAMES: dict[str, Message] = {
    "string": _("text"),
    "integer": _("a whole number"),
    "boolean": _("true or false"),
    "array": _("a list"),
    "object": _("a mapping of keys to values"),
}


def _type_name(value: Any) -> Message | str:
    if value is None:
        return _("empty")
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int):
        return _("a whole number")
    if isinstance(value, float):
        return _("a decimal number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    return type(value).__name__


def _type_message(where: Message | str, path: KeyPath, value: Any, expected: Any) -> Message:
    wanted = expected if isinstance(expected, str) else expected[0]
    hint = number_hint(value) if wanted == "integer" and isinstance(value, str) else None
    shown, found = _show(value), _type_name(value)
    if hint is not None:
        if path and path[-1] == "amount":
            return _(
                "{where} must be a whole number in plain kronor, not {value}: {hint}",
                where=where,
                value=shown,
                hint=hint,
            )
        return _(
            "{where} must be a whole number in plain digits, not {value}: {hint}",
            where=where,
            value=shown,
            hint=hint,
        )
    if wanted == "integer" and path and path[-1] == "amount":
        meant = parse_amount(value) if isinstance(value, str) else None
        return _(
            "{where} must be a whole number of kronor, not {found}: write {example}, without "
            "spaces, dots or 'kr'",
            where=where,
            found=found,
            example=meant or 100000,
        )
    kind = _TYPE_NAMES.get(wanted, wanted)
    if wanted == "integer" and path and (path[-1] == "year" or path[-2:-1] == ("active",)):
        return _(
            "{where} must be {wanted}, not {found}: write the year as four digits, e.g. 2008",
            where=where,
            wanted=kind,
            found=found,
        )
    if wanted == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return _(
            '{where} must be {wanted}, not {found}: put it in quotes, e.g. "{value}"',
            where=where,
            wanted=kind,
            found=found,
            value=value,
        )
    return _("{where} must be {wanted}, not {found}", where=where, wanted=kind, found=found)


#: How the schemas' date patterns begin: the years a date may have (feeds, calendars and
#: Python's dates have no room for year 0 or 9999).
_YEARS = "^(19[0-9]{2}|20[0-9]{2}|2100)"


def _pattern_message(where: Message | str, path: KeyPath, value: Any, pattern: str) -> Message:
    key = path[-1] if path else ""
    shown = _show(value)
    if pattern.startswith(_YEARS):
        whole_date = pattern.endswith(")-[0-9]{2}-[0-9]{2}$")
        shape = r"[0-9]{4}-[0-9]{2}-[0-9]{2}" if whole_date else r"[0-9]{4}(-[0-9]{2}){0,2}"
        if isinstance(value, str) and re.fullmatch(shape, value):
            return _(
                "{where}: {value}: the year must be between 1900 and 2100", where=where, value=shown
            )
    if pattern.startswith(_YEARS) and pattern.endswith(")-[0-9]{2}-[0-9]{2}$"):
        return _(
            "{where}: {value} is not a date: write YYYY-MM-DD, e.g. 2007-11-27",
            where=where,
            value=shown,
        )
    if pattern.startswith(_YEARS):
        return _(
            "{where}: {value} is not a year, month or date: write YYYY, YYYY-MM or YYYY-MM-DD",
            where=where,
            value=shown,
        )
    if "a-z0-9" in pattern:
        from insyn.model.ids import slugify

        suggestion = slugify(str(value))
        return _(
            "{where}: {value} is not a valid id: use lowercase a-z, 0-9 and single hyphens{hint}",
            where=where,
            value=shown,
            hint=_(" (e.g. '{suggestion}')", suggestion=suggestion) if suggestion else "",
        )
    if "https?" in pattern:
        return _(
            "{where}: {value} must be a web address starting with https:// or http://",
            where=where,
            value=shown,
        )
    return _(
        "{where}: {value} does not match the expected form {pattern} ({key})",
        where=where,
        value=shown,
        pattern=repr(pattern),
        key=key,
    )


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "...'"

"""Safe YAML parsing that remembers the line of every key and list item.

PyYAML builds plain values and forgets where they came from; we compose the
node tree first (with the C parser when available), record each node's line
under its key path, and only then construct the values. Timestamps stay
strings so that dates are validated by us, with a line number, instead of
crashing the constructor (`2007-13-45`). Whole numbers are read as YAML 1.2
writes them, in plain decimal digits; any other notation stays as written
(`_number_as_written`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from insyn.model import KeyPath
from insyn.model.i18n import Message, _

_Base: type[yaml.SafeLoader]
try:
    _Base = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Base = yaml.SafeLoader


MAX_NODES = 50_000
MAX_DEPTH = 40
#: Characters a YAML escape ("\x01", "\ud800") can write but no page, feed or file
#: can carry: XML forbids them, and a lone surrogate cannot even be written as UTF-8.
#: Characters YAML does not allow in a file at all (tab, line ends and NEL it does).
_RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader without the timestamp resolver: dates stay strings."""


def _number_as_written(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
    """A whole number in plain decimal digits (YAML 1.2's core schema); any other notation
    stays the text it was written as. YAML 1.1 reads `0100000` as octal 32768, `1:30:00`
    as 5400, `0x10` as 16 and `100000.0` as a float: all of them sums a staff member
    did not mean. As text they meet the schema's "whole number" rule, which says what to
    write instead (`schema.number_hint`)."""
    value = str(loader.construct_scalar(node))
    if node.tag == _INT and _PLAIN_INT.fullmatch(value):
        return int(value)
    if node.tag == _INT and not value.replace("_", "").lstrip("+-"):
        raise yaml.constructor.ConstructorError(
            None, None, f"'{value}' is not a number", node.start_mark
        )
    return value


_Loader.add_constructor("tag:yaml.org,2002:int", _number_as_written)
_Loader.add_constructor("tag:yaml.org,2002:float", _number_as_written)

_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_STR, _INT, _BOOL, _NULL, _MAP, _SEQ = (
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "bool", "null", "map", "seq")
)
#: Keys are names; `1:`, `true:` or `null:` would become numbers, booleans or None.
_TEXT_KEY_TAGS = (_STR, "tag:yaml.org,2002:merge")
#: The values content can hold: JSON's. `!!binary`, `!!timestamp`, `!!set` and the like
#: would make bytes, dates or sets that no schema or page expects.
_ALLOWED_TAGS = {_STR, _INT, _BOOL, _NULL, _MAP, _SEQ, "tag:yaml.org,2002:float"}
_BOOLEANS = yaml.constructor.SafeConstructor.bool_values
#: A whole number in plain decimal digits, perhaps in groups of three (`100_000`), which
#: `int()` reads as meant: no leading zero (octal in YAML 1.1), hex, binary or `1:30`.
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*|[1-9][0-9]{0,2}(?:_[0-9]{3})+)")
#: What `_walk` gives for a value it leaves to PyYAML's constructor: a merge key, an alias
#: of a list or mapping (the same object twice).
_UNUSUAL: Any = object()


class YamlError(Exception):
    """A YAML problem at a 1-based line of the file it came from."""

    def __init__(self, line: int, message: Message) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class YamlDocument:
    data: Any
    lines: dict[KeyPath, int]

    def line_of(self, path: KeyPath) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def parse_yaml(text: str, first_line: int = 1) -> YamlDocument:
    """Parse one YAML document whose first line is line `first_line` of its file."""
    offset = first_line  # marks are 0-based
    raw = _RAW_CONTROL.search(text)
    if raw:
        # PyYAML's reader reports these at the start of the text, not where they are.
        line = text.count("\n", 0, raw.start()) + first_line
        raise YamlError(
            line,
            _("text contains the control character U+{code:04X}: remove it", code=ord(raw.group())),
        )
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + offset if mark else offset
            raise YamlError(
                line, _("invalid YAML: {describe}", describe=_describe(exc, offset))
            ) from None
        except yaml.YAMLError as exc:
            raise YamlError(offset, _("invalid YAML: {exc}", exc=str(exc))) from None
        if node is None:
            return YamlDocument(None, {(): offset})
        lines: dict[KeyPath, int] = {(): node.start_mark.line + offset}
        data = _walk(node, (), lines, offset, [0], 0, set())
        if data is not _UNUSUAL:
            return YamlDocument(data, lines)
        try:
            data = loader.construct_document(node)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + offset if mark else offset
            raise YamlError(
                line, _("invalid YAML: {describe}", describe=_describe(exc, offset))
            ) from None
        except (yaml.YAMLError, ValueError, TypeError, IndexError) as exc:
            raise YamlError(offset, _("invalid YAML: {exc}", exc=str(exc))) from None
        return YamlDocument(data, lines)
    finally:
        loader.dispose()


def _describe(exc: yaml.MarkedYAMLError, offset: int) -> Message | str:
    """What the YAML parser says, in the run's language, with the line where an unclosed
    bracket or quote was opened."""
    context: Message | str = _parser_words(exc.context or "")
    problem = exc.problem_mark
    if context and exc.context_mark and (problem is None or exc.context_mark.line != problem.line):
        context = _(
            "{context} (from line {line})", context=context, line=exc.context_mark.line + offset
        )
    parts = [p for p in (context, _parser_words(exc.problem or "")) if p]
    if not parts:
        return _("cannot parse")
    if len(parts) == 1:
        return parts[0]
    return _("{context}, {problem}", context=parts[0], problem=parts[1])


#: The parser's (libyaml's, or PyYAML's own) words for what went wrong, and ours for staff;
#: words not listed here are shown as the parser wrote them.
_PARSER_WORDS: list[tuple[re.Pattern[str], Message | None]] = [
    (
        re.compile(r"mapping values are not allowed (in this context|here)"),
        _(
            "a ':' is not allowed here: put a value that holds ': ' in quotes, or indent the "
            "line like the keys around it"
        ),
    ),
    (re.compile(r"while parsing a flow sequence"), _("in the list opened with '['")),
    (re.compile(r"while parsing a flow mapping"), _("in the mapping opened with '{'")),
    (
        re.compile(r"(did not find )?expected ',' or '\]'.*"),
        _("a ',' or the closing ']' is missing"),
    ),
    (
        re.compile(r"(did not find )?expected ',' or '\}'.*"),
        _("a ',' or the closing '}' is missing"),
    ),
    (re.compile(r"while scanning a quoted scalar"), _("in the value in quotes")),
    (re.compile(r"found unexpected end of stream"), _("the closing quote is missing")),
    (re.compile(r"while parsing a block mapping"), _("in the keys")),
    (re.compile(r"while parsing a block collection"), _("in the list")),
    (
        re.compile(r"did not find expected key|expected <block end>, but found .*"),
        _("this line is indented unlike the lines around it"),
    ),
    (
        re.compile(r"did not find expected '-' indicator"),
        _("a list item ('- ') was expected here: indent it like the items around it"),
    ),
    (re.compile(r"while scanning a simple key"), _("in a key")),
    (re.compile(r"could not find expected ':'"), _("the ':' after the key is missing")),
    (re.compile(r"while scanning for the next token"), _("in this line")),
    (
        re.compile(r"found character (.* )?that cannot start any token"),
        _(
            "a value cannot start with this character (such as @, ` or a tab): put the value "
            "in quotes, and indent with spaces"
        ),
    ),
    (
        re.compile(r"found undefined alias.*"),
        _("'*' starts a reference to an anchor that does not exist: put the value in quotes"),
    ),
    (re.compile(r"expected a single document in the stream"), None),
    (
        re.compile(r"but found another document"),
        _("a second '---' line: the front matter ends at the first"),
    ),
]


def _parser_words(words: str) -> Message | str:
    for pattern, ours in _PARSER_WORDS:
        if pattern.fullmatch(words):
            return ours if ours is not None else ""
    return words


def _walk(
    node: yaml.Node,
    path: KeyPath,
    lines: dict[KeyPath, int],
    offset: int,
    count: list[int],
    depth: int,
    seen: set[int],
) -> Any:
    """Record lines, refuse alias bombs, deep nesting, duplicate keys and tags content has no
    use for; and make the value on the way, as PyYAML's SafeConstructor would (it is most of
    the cost of a file), or `_UNUSUAL` where only that constructor should."""
    count[0] += 1
    line = node.start_mark.line + offset
    if count[0] > MAX_NODES:
        raise YamlError(
            line, _("YAML too large: more than {limit} values (an alias bomb?)", limit=MAX_NODES)
        )
    if depth > MAX_DEPTH:
        raise YamlError(line, _("YAML nested deeper than {limit} levels", limit=MAX_DEPTH))
    tag = node.tag
    if tag not in _ALLOWED_TAGS:
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlError(
            line, _("the tag {shown} is not allowed: write text, numbers, lists", shown=shown)
        )
    if isinstance(node, yaml.ScalarNode):
        value = node.value
        bad = _UNWRITABLE.search(value)
        if bad:
            raise YamlError(
                line,
                _(
                    "text contains the control character U+{code:04X}: remove it",
                    code=ord(bad.group()),
                ),
            )
        if tag == _STR:
            return value
        if tag == _BOOL:
            if value.lower() not in _BOOLEANS:
                raise YamlError(
                    line, _("'{value}' is not a yes or no: write true or false", value=value)
                )
            return _BOOLEANS[value.lower()]
        if tag == _NULL:
            return None
        if tag == _INT:
            if _PLAIN_INT.fullmatch(value):
                return int(value)
            if not value.replace("_", "").lstrip("+-"):
                raise YamlError(line, _("'{value}' is not a number", value=value))
        return value  # a number in another notation stays as written (`_number_as_written`)
    mapping_node = isinstance(node, yaml.MappingNode)
    # An alias (PyYAML gives the same object for both), or `!!seq {}`: PyYAML's to make.
    unusual = id(node) in seen or tag != (_MAP if mapping_node else _SEQ)
    seen.add(id(node))
    if mapping_node:
        mapping: dict[str, Any] = {}
        keys: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node.value)
            key_line = key_node.start_mark.line + offset
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag not in _TEXT_KEY_TAGS:
                raise YamlError(
                    key_line,
                    _("key '{key}' must be text: write a name, or put it in quotes", key=key),
                )
            if key in keys and key != "<<":
                raise YamlError(
                    key_line,
                    _("duplicate key '{key}' (first at line {first})", key=key, first=keys[key]),
                )
            keys[key] = key_line
            lines[(*path, key)] = key_line
            value = _walk(value_node, (*path, key), lines, offset, count, depth + 1, seen)
            if value is _UNUSUAL or key_node.tag != _STR:
                unusual = True  # a merge key, or a key that is no scalar
            mapping[key] = value
        return _UNUSUAL if unusual else mapping
    items = []
    for index, item in enumerate(node.value):
        lines[(*path, index)] = item.start_mark.line + offset
        value = _walk(item, (*path, index), lines, offset, count, depth + 1, seen)
        unusual = unusual or value is _UNUSUAL
        items.append(value)
    return _UNUSUAL if unusual else items

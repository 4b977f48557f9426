"""Property tests: no input a staff member can save makes `check` crash.

Random front matter (made of the real keys with random values), random text
and random bytes, as a content file and as `data/organisations.yaml`: `check`
must return 0 or 1 and print only `path:line: severity: message` lines and
the summary. The properties call the library for speed; a few subprocess
runs of `site.py check` make sure the command line holds too.
"""

from __future__ import annotations

import contextlib
import io
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insyn.cli import CheckOptions
from insyn.commands import check
from insyn.sources.schema import load_schema
from insyn.sources.yamlsource import YamlError, parse_yaml
from tests.conftest import Corpus, front_matter, run_site

PROBLEM = re.compile(r"^[^:]+:\d+: (error|warning): .+$")
SUMMARY = re.compile(r"^\d+ errors?, \d+ warnings? in \d+ files?$")

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _keys(schema: dict[str, Any]) -> list[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return sorted(found)


ALL_KEYS = sorted(
    {
        key
        for name in ("decision", "project", "organisations", "common")
        for key in _keys(load_schema(f"{name}.schema.json"))
    }
)
ORG_IDS = [
    "hasselby-vallingby",
    "skarholmen",
    "rinkeby",
    "lansstyrelsen",
    "socialstyrelsen",
    "framnas",
]
PROJECT_IDS = ["p", "q", "nope", "fuzz-project"]

tricky_text = st.sampled_from(
    [
        "",
        " ",
        "2007-13-45",
        "2007-02-29",
        "2008-02-29",
        "2007-11-27",
        "0000-01-01",
        "9999-12-31",
        "2007-02",
        "2007-00",
        "2007",
        "100 000 kr",
        "1,5 mkr",
        "5 630 000",
        "Bad Name",
        "a--b",
        "x\n",
        "\u2028",
        "\x00",
        "\ufeff",
        "---",
        "...",
        "*",
        "&a",
        "{",
        "#",
        "å" * 90,
        *ORG_IDS,
        *PROJECT_IDS,
        "application",
        "applied",
        "granted",
        "draft",
    ]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=1890, max_value=2110),
    st.floats(),
    st.text(max_size=20),
    tricky_text,
    st.dates().map(str),
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(ALL_KEYS) | st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
keys = st.sampled_from(ALL_KEYS) | st.text(min_size=1, max_size=12)

plausible_years = st.integers(min_value=1890, max_value=2110) | st.sampled_from(["2008", 2008.0])
plausible_amounts = st.integers(min_value=-10, max_value=10**12) | st.sampled_from(
    ["100 000 kr", "100000", 1.5, 0]
)
funding_line = st.dictionaries(
    st.sampled_from(["from", "to", "amount", "year", "status", "project", "note", "amont"]),
    st.one_of(
        st.sampled_from([*ORG_IDS, *PROJECT_IDS]),
        st.sampled_from(["applied", "granted", "rejected", "contributed", "sökt"]),
        plausible_years,
        plausible_amounts,
        scalars,
    ),
    max_size=8,
)
full_funding_line = st.fixed_dictionaries(
    {
        "from": st.sampled_from(ORG_IDS),
        "amount": plausible_amounts,
        "year": plausible_years,
        "status": st.sampled_from(["applied", "granted", "rejected", "contributed"]),
    },
    optional={"to": st.sampled_from(ORG_IDS), "project": st.sampled_from(PROJECT_IDS)},
)
funding = st.lists(full_funding_line | funding_line, max_size=4)
dates = st.dates().map(str) | tricky_text | st.integers(min_value=1890, max_value=2110)

decision_changes = st.fixed_dictionaries(
    {},
    optional={
        "district": st.sampled_from(ORG_IDS) | scalars,
        "meeting": dates | scalars,
        "year": plausible_years | st.none(),
        "document_date": dates,
        "kind": st.sampled_from(["application", "co-financing", "report", "other", "x"]),
        "projects": st.lists(st.sampled_from(PROJECT_IDS), max_size=3) | values,
        "funding": funding | values,
        "outcome": st.fixed_dictionaries({"status": st.sampled_from(["approved", "x"])}) | values,
        "draft": st.booleans() | scalars,
        "aliases": st.lists(st.sampled_from(["a", "p", "fuzz", "old"]), max_size=3),
        "distrct": values,
        "title": scalars,
    },
)
project_changes = st.fixed_dictionaries(
    {},
    optional={
        "owner": st.sampled_from(ORG_IDS) | scalars,
        "partners": st.lists(st.sampled_from([*ORG_IDS, "nobody"]), max_size=3) | values,
        "start": dates,
        "end": dates,
        "status": st.sampled_from(["planned", "ongoing", "completed", "unknown", "x"]),
        "parts": st.lists(
            st.fixed_dictionaries(
                {"name": st.text(min_size=1, max_size=5)},
                optional={"organisation": st.sampled_from([*ORG_IDS, "x"])},
            ),
            max_size=2,
        )
        | values,
        "funding": funding | values,
        "budget": st.lists(
            st.fixed_dictionaries(
                {"item": st.just("Lön"), "year": plausible_years, "amount": plausible_amounts}
            ),
            max_size=4,
        )
        | values,
        "draft": st.booleans(),
    },
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    """One corpus for all examples: a valid project `p`, a draft project `q`, a decision `a`."""
    corpus = Corpus(tmp_path_factory.mktemp("fuzz"))
    corpus.write_data()
    corpus.project("p", budget=[{"item": "Lön", "year": 2008, "amount": 100000}])
    corpus.project("q", draft=True)
    corpus.decision(
        "a",
        projects=["p"],
        funding=[{"from": "lansstyrelsen", "amount": 100000, "year": 2008, "status": "applied"}],
    )
    yield corpus


def run_check(corpus: Corpus, strict: bool = False) -> list[str]:
    """`check` through the library; asserts the exit status and the shape of every line."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = check(CheckOptions(corpus.content, corpus.data, strict))
    lines = out.getvalue().split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert status in (0, 1)
    assert SUMMARY.match(lines[-1]), lines[-1]
    for line in lines[:-1]:
        assert PROBLEM.match(line), line
    failing = ": error: " if not strict else ": "
    assert status == (1 if any(failing in line for line in lines[:-1]) else 0)
    return lines


@contextlib.contextmanager
def content_file(corpus: Corpus, relative: str, data: str | bytes) -> Iterator[None]:
    path = corpus.raw(relative, data)
    try:
        yield
    finally:
        path.unlink()


@contextlib.contextmanager
def organisations_file(corpus: Corpus, data: str | bytes) -> Iterator[None]:
    path = corpus.data / "organisations.yaml"
    original = path.read_bytes()
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    try:
        yield
    finally:
        path.write_bytes(original)


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


# -- content files ------------------------------------------------------------------


@FUZZ
@given(
    front=st.dictionaries(keys, values, max_size=10),
    kind=st.sampled_from(["decisions", "projects"]),
)
def test_random_front_matter(site: Corpus, front: dict[str, Any], kind: str) -> None:
    with content_file(site, f"{kind}/fuzz.md", front_matter(front, "Text.\n")):
        run_check(site)


@FUZZ
@given(changes=decision_changes)
def test_mutated_decision(site: Corpus, changes: dict[str, Any]) -> None:
    front = {
        "title": "Beslut",
        "district": "hasselby-vallingby",
        "meeting": "2007-11-27",
        "kind": "application",
        **changes,
    }
    front = {key: value for key, value in front.items() if value is not None}
    with content_file(site, "decisions/fuzz.md", front_matter(front)):
        run_check(site, strict=True)


@FUZZ
@given(changes=project_changes, decision=decision_changes)
def test_mutated_project_and_decision(
    site: Corpus, changes: dict[str, Any], decision: dict[str, Any]
) -> None:
    project = {"name": "Projekt", "owner": "framnas", **changes}
    decision = {
        "title": "Beslut",
        "district": "skarholmen",
        "year": 2008,
        "kind": "report",
        "projects": ["fuzz-project"],
        **decision,
    }
    with (
        content_file(site, "projects/fuzz-project.md", front_matter(project)),
        content_file(site, "decisions/fuzz-decision.md", front_matter(decision)),
    ):
        run_check(site)


@FUZZ
@given(text=st.text(max_size=300), prefix=st.sampled_from(["", "---\n", "\ufeff---\r\n"]))
def test_random_text_as_content_file(site: Corpus, text: str, prefix: str) -> None:
    with content_file(site, "decisions/fuzz.md", prefix + text):
        run_check(site)


@FUZZ
@given(data=st.binary(max_size=300), prefix=st.sampled_from([b"", b"---\n", b"---\ntitle: "]))
def test_random_bytes_as_content_file(site: Corpus, data: bytes, prefix: bytes) -> None:
    with content_file(site, "projects/fuzz.md", prefix + data):
        run_check(site)


@FUZZ
@given(
    lines=st.lists(
        st.sampled_from(
            [
                "---",
                "title: x",
                "  - a",
                "- b",
                "key: [",
                "kind: other",
                "district: skarholmen",
                "year: 2008",
                "funding:",
                "  - from: framnas",
                "    amount: 1",
                "...",
                "\t",
                "",
            ]
        ),
        max_size=12,
    )
)
def test_random_front_matter_lines(site: Corpus, lines: list[str]) -> None:
    with content_file(site, "decisions/fuzz.md", "---\n" + "\n".join(lines) + "\n"):
        run_check(site)


# -- organisations.yaml ---------------------------------------------------------------


@FUZZ
@given(text=st.text(max_size=300))
def test_random_text_as_organisations(site: Corpus, text: str) -> None:
    with organisations_file(site, text):
        run_check(site)


@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes_as_organisations(site: Corpus, data: bytes) -> None:
    with organisations_file(site, data):
        run_check(site)


organisation = st.dictionaries(
    st.sampled_from(
        [
            "id",
            "name",
            "short_name",
            "type",
            "category",
            "area",
            "aliases",
            "active",
            "website",
            "typ",
        ]
    ),
    st.one_of(
        st.sampled_from([*ORG_IDS, "district", "funder", "organisation", "https://x.se"]),
        st.fixed_dictionaries({}, optional={"from": plausible_years, "to": plausible_years}),
        values,
    ),
    max_size=8,
)


@FUZZ
@given(entries=st.lists(organisation, max_size=6), keep=st.booleans())
def test_random_organisations(site: Corpus, entries: list[dict[str, Any]], keep: bool) -> None:
    base = yaml.safe_load((site.data / "organisations.yaml").read_text(encoding="utf-8"))
    with organisations_file(site, dump((base if keep else []) + entries)):
        run_check(site)


@FUZZ
@given(text=st.text(alphabet=string.printable + "åäö\u2028\x85\ufeff", max_size=200))
def test_parse_yaml_raises_only_yaml_errors(text: str) -> None:
    try:
        parse_yaml(text, first_line=2)
    except YamlError as error:
        assert error.line >= 2
        assert error.message


# -- the command line -------------------------------------------------------------------

NASTY: list[bytes] = [
    b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\n",
    b"---\ntitle: \xff\xfe\n---\n",
    b"---\n" + b"[" * 5000 + b"\n---\n",
    b"---\na: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    b"e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n---\n",
    b'---\ntitle: "a\\nb"\nkind: "\\r"\n1: x\n---\n',
    b"---\ntitle: !!python/object/apply:os.system [echo hacked]\n---\n",
    b"\x00\x01\x02",
]


@pytest.mark.parametrize("data", NASTY, ids=range(len(NASTY)))
def test_site_py_check_never_prints_a_traceback(corpus: Corpus, data: bytes) -> None:
    corpus.raw("decisions/nasty.md", data)
    (corpus.data / "site.yaml").write_bytes(data)
    result = corpus.run("check")
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert SUMMARY.match(lines[-1])
    assert all(PROBLEM.match(line) for line in lines[:-1]), lines


def test_site_py_check_with_broken_organisations(corpus: Corpus) -> None:
    (corpus.data / "organisations.yaml").write_bytes(b"- id: [\n\xff")
    corpus.decision("a")
    result = run_site("check", "--strict", cwd=corpus.root)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert all(PROBLEM.match(line) for line in result.stdout.splitlines()[:-1])


def test_site_py_check_on_an_empty_folder(tmp_path: Path) -> None:
    result = run_site("check", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "content:1: error: content folder not found (use --content DIR)",
        "data:1: error: data folder not found (use --data DIR)",
        "2 errors, 0 warnings in 0 files",
    ]


# -- YAML values made while the lines are recorded -------------------------------------

SCALARS = st.sampled_from(
    [
        "1",
        "-1",
        "+7",
        "0",
        "-0",
        "00",
        "012",
        "0x1F",
        "0o17",
        "0b101",
        "1_000",
        "1:30",
        "1.5",
        "1e3",
        ".inf",
        "-.inf",
        ".nan",
        "yes",
        "No",
        "ON",
        "off",
        "true",
        "False",
        "y",
        "~",
        "null",
        "NULL",
        "",
        "2007-11-27",
        "2007-11-27 10:00",
        "x y",
        "å",
        "=",
        "<<",
        "'1'",
        '"a\\tb"',
        '"\\x01"',
        "maybe",
    ]
) | st.text(alphabet="abx019-+._:~ ", max_size=6)
TAGS = st.sampled_from(
    [
        "",
        "",
        "",
        "!!str ",
        "!!int ",
        "!!float ",
        "!!bool ",
        "!!null ",
        "!!binary ",
        "!!timestamp ",
        "!local ",
    ]
)
KEYS = st.sampled_from(["a", "b", "c", "'1'", "1", "true", "<<", "[k]", "x y"])


def _flow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    listing = st.lists(children, max_size=4).map(lambda items: "[" + ", ".join(items) + "]")
    mapping = st.lists(st.tuples(KEYS, children), max_size=4).map(
        lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
    )
    collection = listing | mapping
    return st.one_of(
        collection,
        st.builds(
            str.__add__, st.sampled_from(["!!set ", "!!omap ", "!!seq ", "!!map "]), collection
        ),
        st.builds(str.__add__, st.just("&a "), collection),
    )


#: YAML text in flow style: scalars plain, quoted or tagged; lists; mappings; anchors,
#: aliases and merge keys. Much of it is invalid, which is part of the point.
YAML_VALUES = st.recursive(
    st.builds(str.__add__, TAGS, SCALARS)
    | st.just("*a")
    | st.builds(str.__add__, st.just("&a "), SCALARS),
    _flow,
    max_leaves=12,
)


def typed(value: Any) -> Any:
    """A value with the type of every part, so that True and 1, or 1 and 1.0, differ."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, value)


@FUZZ
@given(first=YAML_VALUES, second=YAML_VALUES)
def test_parse_yaml_makes_the_values_pyyaml_makes(first: str, second: str) -> None:
    """Values made while walking for lines equal (type for type) what PyYAML's SafeLoader
    constructs, for everything parse_yaml accepts; and nothing else escapes but YamlError."""
    from insyn.sources.yamlsource import _Loader

    text = f"x: {first}\ny: {second}\n"
    try:
        expected: Any = typed(yaml.load(text, Loader=_Loader))
    except Exception:
        expected = "refused"
    try:
        got: Any = typed(parse_yaml(text).data)
    except YamlError:
        return  # parse_yaml refuses more than PyYAML: duplicate keys, tags, non-text keys
    assert got == expected


def test_parse_yaml_leaves_usual_content_to_no_constructor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The front matter staff write (text, whole numbers, booleans, lists, mappings) is made
    during the walk: PyYAML's Python constructor, most of the cost of a file, never runs."""
    from insyn.model.problems import Problems
    from insyn.sources import yamlsource
    from insyn.sources.load import split_front_matter
    from tests.conftest import ROOT

    expected = {}
    files = sorted((ROOT / "content").rglob("*.md"))
    for path in files:
        parts = split_front_matter(path.read_text(encoding="utf-8"), str(path), Problems())
        assert parts is not None
        expected[path] = (parts, yaml.load(parts[0], Loader=yamlsource._Loader))

    def refuse(self: object, node: object) -> None:
        raise AssertionError("constructed by PyYAML")

    monkeypatch.setattr(yamlsource._Loader, "construct_document", refuse)
    assert len(files) == 10
    for (text, line, *_), data in expected.values():
        assert parse_yaml(text, first_line=line).data == data
    with pytest.raises(AssertionError, match="constructed by PyYAML"):
        parse_yaml("base: &b {x: 1}\na:\n  <<: *b\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!bool maybe\n", "'maybe' is not a yes or no: write true or false"),
        ("a: !!timestamp nope\n", "the tag !!timestamp is not allowed: write text, numbers, lists"),
        ("a:\n  - !!binary aGk=\n", "the tag !!binary is not allowed: write text, numbers, lists"),
        ("a: !!set {x}\n", "the tag !!set is not allowed: write text, numbers, lists"),
        ("a: !gammal x\n", "the tag !gammal is not allowed: write text, numbers, lists"),
        ("a: [1, !!int -]\n", "'-' is not a number"),
    ],
)
def test_tags_content_has_no_use_for_are_refused_with_their_line(text: str, message: str) -> None:
    """Each of these made a traceback, bytes or a set that no schema expects."""
    with pytest.raises(YamlError) as raised:
        parse_yaml(text, first_line=2)
    assert (raised.value.line, str(raised.value.message)) == (text.count("\n") + 1, message)

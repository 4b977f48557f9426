"""Loading: files become typed model objects with their lines; unreadable files become problems.

Nothing a staff member can save in `content/` or `data/` may end in a
traceback: every case here must come back as `path:line: error: message`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from insyn.model import Decision, FundingLine, KeyPath, Organisation, PartialDate, Period, Project
from insyn.pipeline import SiteResult, read_site
from insyn.sources import load
from insyn.sources.yamlsource import MAX_DEPTH, MAX_NODES, YamlError, parse_yaml
from tests.conftest import Corpus

A = "content/decisions/a.md"
ORGS = "data/organisations.yaml"


@pytest.fixture
def site(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    """The corpus, with the working folder at its root so paths print as `content/...`."""
    monkeypatch.chdir(corpus.root)
    return corpus


def read(corpus: Corpus) -> SiteResult:
    return read_site(Path("content"), Path("data"), include_drafts=True)


def problems(corpus: Corpus) -> list[str]:
    return [str(p) for p in read(corpus).problems]


DECISION = """\
---
title: Ansökan om medel
district: hasselby-vallingby
meeting: 2007-11-27
document_date: 2007-11-02
kind: application
case_officer:
  name: Anna Andersson
  phone: 08-508 000 00
signed_by:
  - name: Bo Berg
    title: stadsdelsdirektör
projects:
  - samtalsgrupper
funding:
  - from: lansstyrelsen
    amount: 100000
    year: 2008
    status: applied
  - from: socialstyrelsen
    to: framnas
    project: samtalsgrupper
    amount: 50000
    year: 2009
    status: granted
    note: Villkorat.
---
## Sammanfattning

Text.
"""

PROJECT = """\
---
name: Samtalsgrupper
owner: framnas
partners: [hasselby-vallingby]
start: 2008-02
end: 2009
funding:
  - {from: lansstyrelsen, amount: 1000, year: 2008, status: contributed}
budget:
  - {item: Gruppledare, year: 2008, amount: 100000}
---
Projektbeskrivning.
"""


def test_loads_typed_model_objects(site: Corpus) -> None:
    site.raw("decisions/a.md", DECISION)
    site.raw("projects/samtalsgrupper.md", PROJECT)
    result = read(site)
    assert [str(p) for p in result.problems] == []
    assert result.content is not None
    decision = result.content.decisions["a"]
    assert isinstance(decision, Decision)
    assert decision.title == "Ansökan om medel"
    assert decision.meeting == dt.date(2007, 11, 27)
    assert decision.document_date == dt.date(2007, 11, 2)
    assert decision.year == 2007
    assert decision.case_officer is not None
    assert decision.case_officer.phone == "08-508 000 00"
    assert [(p.name, p.title) for p in decision.signed_by] == [("Bo Berg", "stadsdelsdirektör")]
    assert decision.projects == ("samtalsgrupper",)
    assert decision.body == "## Sammanfattning\n\nText.\n"
    assert decision.body_line == 28
    first, second = decision.funding
    assert isinstance(first, FundingLine)
    assert (first.from_id, first.to_id, first.project_id) == (
        "lansstyrelsen",
        "hasselby-vallingby",  # default: the decision's district
        "samtalsgrupper",  # default: the decision's only project
    )
    assert (first.amount, first.year, first.status, first.note) == (100000, 2008, "applied", None)
    assert (second.to_id, second.project_id, second.note) == (
        "framnas",
        "samtalsgrupper",
        "Villkorat.",
    )
    assert (first.source_kind, first.source_id, first.index, second.index) == (
        "decision",
        "a",
        0,
        1,
    )

    project = result.content.projects["samtalsgrupper"]
    assert isinstance(project, Project)
    assert project.start == PartialDate(2008, 2)
    assert project.end == PartialDate(2009)
    assert project.partners == ("hasselby-vallingby",)
    (own,) = project.funding
    assert (own.to_id, own.project_id, own.source_kind) == ("framnas", "samtalsgrupper", "project")
    assert [(b.item, b.year, b.amount) for b in project.budget] == [("Gruppledare", 2008, 100000)]

    organisation = result.content.organisations["rinkeby"]
    assert isinstance(organisation, Organisation)
    assert organisation.type == "district"
    assert organisation.label == "Rinkeby"
    assert organisation.active == Period(1997, 2006)


def test_line_numbers_are_kept(site: Corpus) -> None:
    site.raw("decisions/a.md", DECISION)
    site.raw("projects/samtalsgrupper.md", PROJECT)
    content = read(site).content
    assert content is not None
    decision = content.decisions["a"]
    assert decision.origin.path == A
    assert decision.origin.line("title") == 2
    assert decision.origin.line("meeting") == 4
    assert decision.origin.line("signed_by", 0, "title") == 12
    assert [line.line for line in decision.funding] == [16, 20]
    assert decision.origin.line("funding", 1, "note") == 26
    assert decision.origin.line("funding", 1, "nonexistent") == 20  # nearest ancestor
    project = content.projects["samtalsgrupper"]
    assert project.origin.line("budget", 0) == 10
    assert project.funding[0].line == 8
    # Organisations keep lines relative to their own entry.
    rinkeby = content.organisations["rinkeby"]
    assert rinkeby.origin.path == ORGS
    assert rinkeby.origin.line("id") == 11
    assert rinkeby.origin.line("active", "to") == 18


@pytest.mark.parametrize(
    ("value", "expected", "first", "last"),
    [
        (2007, PartialDate(2007), dt.date(2007, 1, 1), dt.date(2007, 12, 31)),
        ("2007-02", PartialDate(2007, 2), dt.date(2007, 2, 1), dt.date(2007, 2, 28)),
        ("2008-02", PartialDate(2008, 2), dt.date(2008, 2, 1), dt.date(2008, 2, 29)),
        ("2007-12", PartialDate(2007, 12), dt.date(2007, 12, 1), dt.date(2007, 12, 31)),
        ("2007-02-01", PartialDate(2007, 2, 1), dt.date(2007, 2, 1), dt.date(2007, 2, 1)),
    ],
)
def test_partial_date(value: object, expected: PartialDate, first: dt.date, last: dt.date) -> None:
    parsed = PartialDate.parse(value)
    assert parsed == expected
    assert (parsed.first_day(), parsed.last_day()) == (first, last)
    assert parsed.iso() == str(value)


def test_timestamps_stay_strings() -> None:
    document = parse_yaml("meeting: 2007-11-27\nwhen: 2007-11-27 10:00\n")
    assert document.data == {"meeting": "2007-11-27", "when": "2007-11-27 10:00"}


# -- encodings and line endings ----------------------------------------------------


def _loaded(corpus: Corpus, raw: bytes) -> tuple[Decision, dict[KeyPath, int]]:
    corpus.raw("decisions/a.md", raw)
    result = read(corpus)
    assert [str(p) for p in result.problems] == []
    assert result.content is not None
    decision = result.content.decisions["a"]
    return decision, dict(decision.origin.lines)


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda b: b"\xef\xbb\xbf" + b, id="bom"),
        pytest.param(lambda b: b.replace(b"\n", b"\r\n"), id="crlf"),
        pytest.param(lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"), id="bom-crlf"),
        pytest.param(lambda b: b.replace(b"\n", b"\r"), id="cr"),
    ],
)
def test_bom_and_crlf_load_like_plain_lf(site: Corpus, transform: object) -> None:
    plain = DECISION.encode("utf-8")
    site.raw("projects/samtalsgrupper.md", PROJECT)
    expected, expected_lines = _loaded(site, plain)
    actual, actual_lines = _loaded(site, transform(plain))  # type: ignore[operator]
    assert actual == expected
    assert actual.body == expected.body
    assert actual_lines == expected_lines


def test_bom_in_organisations_yaml(site: Corpus) -> None:
    path = site.data / "organisations.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert problems(site) == []


def test_invalid_utf8_names_file_and_line(site: Corpus) -> None:
    site.raw("decisions/a.md", b"---\ntitle: x\ndistrict: hasselby-vallingby\n\xff\n---\n")
    assert problems(site) == [
        f"{A}:4: error: not valid UTF-8 (byte 0xff at offset 42); save the file as UTF-8"
    ]


def test_latin1_file(site: Corpus) -> None:
    site.raw("decisions/a.md", "---\ntitle: Ansökan\n---\n".encode("latin-1"))
    assert problems(site) == [
        f"{A}:2: error: not valid UTF-8 (byte 0xf6 at offset 14); save the file as UTF-8"
    ]


def test_invalid_utf8_in_organisations(site: Corpus) -> None:
    (site.data / "organisations.yaml").write_bytes(b"- id: a\n  name: H\xe4sselby\n")
    assert problems(site) == [
        f"{ORGS}:2: error: not valid UTF-8 (byte 0xe4 at offset 17); save the file as UTF-8"
    ]


# -- what is not front matter ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "1: error: file is empty: it must start with front matter between '---' lines"),
        ("\n \n", "1: error: file is empty: it must start with front matter between '---' lines"),
        (
            "title: x\n",
            "1: error: missing front matter: the first line must be '---', "
            "followed by the YAML keys",
        ),
        (
            "---\ntitle: x\n\nBody without a closing line.\n",
            "1: error: front matter is not closed: add a line '---' after the last YAML key",
        ),
        (
            "---\n- a\n- b\n---\n",
            "2: error: front matter must be a mapping of keys to values, not a list",
        ),
        (
            "---\nhello\n---\n",
            "2: error: front matter must be a mapping of keys to values, not text",
        ),
        ("---\n42\n---\n", "2: error: front matter must be a mapping of keys to values, not text"),
        (
            "---\n---\nBody.\n",
            "2: error: front matter must be a mapping of keys to values, not empty",
        ),
    ],
)
def test_unusable_front_matter(site: Corpus, text: str, message: str) -> None:
    site.raw("decisions/a.md", text)
    assert problems(site) == [f"{A}:{message}"]


def test_front_matter_may_close_with_dots(site: Corpus) -> None:
    site.raw("decisions/a.md", DECISION.replace("---\n## Samm", "...\n## Samm"))
    site.raw("projects/samtalsgrupper.md", PROJECT)
    assert problems(site) == []


def test_folder_where_a_file_should_be(site: Corpus) -> None:
    (site.content / "decisions" / "x.md").mkdir()
    assert problems(site) == [
        "content/decisions/x.md:1: error: is a folder, but a file was expected here"
    ]


def test_file_where_a_folder_should_be(site: Corpus) -> None:
    (site.content / "projects").rmdir()
    (site.content / "projects").write_text("oops\n", encoding="utf-8")
    assert problems(site) == [
        "content/projects:1: error: is a file, but a folder was expected here"
    ]


def test_other_files_are_ignored_with_a_warning(site: Corpus) -> None:
    site.raw("decisions/readme.txt", "notes\n")
    site.raw("decisions/.hidden.md", "not content\n")
    assert problems(site) == [
        "content/decisions/readme.txt:1: warning: ignored: content files must end in '.md'"
        " [ignored-file]"
    ]


def test_missing_content_folder(site: Corpus) -> None:
    for folder in ("decisions", "projects"):
        (site.content / folder).rmdir()
    site.content.rmdir()
    result = read(site)
    assert [str(p) for p in result.problems] == [
        "content:1: error: content folder not found (use --content DIR)"
    ]
    assert result.file_count == 2


def test_missing_subfolders_are_fine(site: Corpus) -> None:
    (site.content / "projects").rmdir()
    site.decision("a")
    assert problems(site) == []


def test_missing_organisations_yaml(site: Corpus) -> None:
    (site.data / "organisations.yaml").unlink()
    site.decision("a")
    site.project("p", partners=["framnas"])
    # One cause, one error: not also every reference to an organisation.
    assert problems(site) == [f"{ORGS}:1: error: file not found"]


def test_missing_data_folder(site: Corpus) -> None:
    for name in ("organisations.yaml", "site.yaml"):
        (site.data / name).unlink()
    site.data.rmdir()
    assert problems(site) == ["data:1: error: data folder not found (use --data DIR)"]


def test_empty_organisations_yaml(site: Corpus) -> None:
    (site.data / "organisations.yaml").write_text("", encoding="utf-8")
    assert problems(site) == [
        f"{ORGS}:1: error: no organisations: the file must be a list of organisations"
    ]


def test_organisations_yaml_as_mapping(site: Corpus) -> None:
    (site.data / "organisations.yaml").write_text("id: x\nname: X\n", encoding="utf-8")
    assert problems(site) == [f"{ORGS}:1: error: the file must be a list, not a mapping"]


# -- YAML syntax ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "message"),
    [
        (
            "title: x\ndistrict: a: b\nkind: report\n",
            "3: error: invalid YAML: a ':' is not allowed here: put a value that holds ': ' in "
            "quotes, or indent the line like the keys around it",
        ),
        (
            "title: x\ndistrict: [a\nkind: report\n",
            "4: error: invalid YAML: in the list opened with '[' (from line 3), a ',' or the "
            "closing ']' is missing",
        ),
        (
            "title: 'unclosed\ndistrict: a\nkind: x\n",
            "4: error: invalid YAML: in the value in quotes (from line 2), the closing quote is "
            "missing",
        ),
        (
            "title: x\n  district: y\n",
            "3: error: invalid YAML: a ':' is not allowed here: put a value that holds ': ' in "
            "quotes, or indent the line like the keys around it",
        ),
        (
            "title: x\n- a\n",
            "3: error: invalid YAML: in the keys (from line 2), this line is indented unlike the "
            "lines around it",
        ),
        (
            "title: *nope\n",
            "2: error: invalid YAML: '*' starts a reference to an anchor that does not exist: "
            "put the value in quotes",
        ),
        (
            "title: !!python/object/apply:os.system [echo]\n",
            "2: error: the tag !!python/object/apply:os.system is not allowed: "
            "write text, numbers, lists",
        ),
    ],
)
def test_yaml_syntax_error_at_its_line(site: Corpus, front: str, message: str) -> None:
    site.raw("decisions/a.md", f"---\n{front}---\n")
    assert problems(site) == [f"{A}:{message}"]


def test_yaml_syntax_error_in_organisations(site: Corpus) -> None:
    (site.data / "organisations.yaml").write_text(
        "- id: a\n  name: A\n  type: funder\n- id: b\n  name: [B\n", encoding="utf-8"
    )
    site.decision("a", funding=[{"from": "a", "amount": 1, "year": 2008, "status": "applied"}])
    assert problems(site) == [
        f"{ORGS}:6: error: invalid YAML: in the list opened with '[' (from line 5), a ',' or "
        "the closing ']' is missing"
    ]


def test_duplicate_keys(site: Corpus) -> None:
    site.raw("decisions/a.md", "---\ntitle: x\ndistrict: hasselby-vallingby\ntitle: y\n---\n")
    assert problems(site) == [f"{A}:4: error: duplicate key 'title' (first at line 2)"]


def test_duplicate_nested_keys(site: Corpus) -> None:
    site.decision("a", funding=[{"from": "lansstyrelsen"}])
    site.raw(
        "decisions/b.md",
        "---\ntitle: x\nfunding:\n  - from: a\n    amount: 1\n    from: b\n---\n",
    )
    assert "content/decisions/b.md:6: error: duplicate key 'from' (first at line 4)" in problems(
        site
    )


def test_duplicate_keys_in_organisations(site: Corpus) -> None:
    (site.data / "organisations.yaml").write_text(
        "- id: a\n  name: A\n  id: b\n  type: funder\n", encoding="utf-8"
    )
    assert problems(site) == [f"{ORGS}:3: error: duplicate key 'id' (first at line 1)"]


def test_merge_keys_are_not_duplicates() -> None:
    document = parse_yaml("base: &b {x: 1}\na:\n  <<: *b\n  <<: {y: 2}\n")
    assert document.data["a"] == {"x": 1, "y": 2}


@pytest.mark.parametrize("key", ["1", "true", "null", "1.5"])
def test_keys_must_be_text(site: Corpus, key: str) -> None:
    site.raw("decisions/a.md", f"---\ntitle: x\n{key}: y\n---\n")
    assert problems(site) == [
        f"{A}:3: error: key '{key}' must be text: write a name, or put it in quotes"
    ]


def test_quoted_number_key_is_text() -> None:
    assert parse_yaml("'1': x\n").data == {"1": "x"}


BILLION_LAUGHS = """\
---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
"""


def test_alias_bomb_is_rejected(site: Corpus) -> None:
    site.raw("decisions/a.md", BILLION_LAUGHS)
    assert problems(site) == [
        f"{A}:2: error: YAML too large: more than {MAX_NODES} values (an alias bomb?)"
    ]


def test_alias_bomb_in_organisations(site: Corpus) -> None:
    text = BILLION_LAUGHS.replace("---\n", "").replace("a: &a", "x: 1\na: &a")
    (site.data / "organisations.yaml").write_text(text, encoding="utf-8")
    assert problems(site) == [
        f"{ORGS}:2: error: YAML too large: more than {MAX_NODES} values (an alias bomb?)"
    ]


def test_small_aliases_are_fine() -> None:
    document = parse_yaml("a: &x [1, 2]\nb: *x\n")
    assert document.data == {"a": [1, 2], "b": [1, 2]}


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 10_000])
def test_deep_nesting_is_rejected(site: Corpus, depth: int) -> None:
    site.raw("decisions/a.md", "---\ntitle: x\nnotes: " + "[" * depth + "]" * depth + "\n---\n")
    assert problems(site) == [f"{A}:3: error: YAML nested deeper than {MAX_DEPTH} levels"]


def test_deep_block_nesting_is_rejected() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5))
    with pytest.raises(YamlError) as raised:
        parse_yaml(text, first_line=2)
    assert str(raised.value.message) == f"YAML nested deeper than {MAX_DEPTH} levels"
    assert raised.value.line == MAX_DEPTH + 3


def test_nesting_within_the_limit_is_fine() -> None:
    depth = MAX_DEPTH - 1
    document = parse_yaml("x: " + "[" * depth + "]" * depth + "\n")
    assert isinstance(document.data["x"], list)


def test_file_over_the_size_limit(site: Corpus) -> None:
    text = DECISION + "x" * (load.MAX_FILE_BYTES + 1)
    site.raw("decisions/a.md", text)
    size = len(text.encode("utf-8"))
    assert problems(site) == [
        f"{A}:1: error: file is too large ({size} bytes; the limit is {load.MAX_FILE_BYTES})"
    ]


def test_size_limit_applies_to_organisations(site: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 100)
    size = (site.data / "organisations.yaml").stat().st_size
    assert f"{ORGS}:1: error: file is too large ({size} bytes; the limit is 100)" in problems(site)


def test_a_broken_file_does_not_hide_others(site: Corpus) -> None:
    site.raw("decisions/a.md", b"\xff")
    site.raw("decisions/b.md", "---\ntitle: [\n---\n")
    site.decision("c", kind="x")
    found = problems(site)
    assert [line.split(": error:")[0] for line in found] == [
        f"{A}:1",
        "content/decisions/b.md:3",
        "content/decisions/c.md:5",
    ]


def test_file_count(site: Corpus) -> None:
    site.decision("a")
    site.decision("b", kind="bad")
    site.raw("decisions/c.md", b"\xff")
    site.project("p")
    assert read(site).file_count == 6

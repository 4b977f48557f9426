"""Every rule of `check`: a failing and a passing case, with the exact output line.

Front matter is written out literally, so the line a message must point at
can be counted in the test: the first key is on line 2, after the opening
`---`. Messages are pinned word for word, as MkDocs' build tests do: a change
of wording is a change of the interface staff read, and should show up here.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from insyn.cli import CheckOptions
from insyn.commands import check
from insyn.model import Decision, Project
from insyn.model.problems import Problems, summary
from insyn.pipeline import read_site
from tests.conftest import Corpus

A = "content/decisions/a.md"
P = "content/projects/p.md"
ORGS = "data/organisations.yaml"


@dataclass
class Report:
    status: int
    lines: list[str]
    summary: str


Check = Callable[..., Report]


@pytest.fixture
def run_check(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Check:
    """`check` in-process, from the corpus root, as `python site.py check` would print it."""
    monkeypatch.chdir(corpus.root)

    def run(strict: bool = False) -> Report:
        capsys.readouterr()
        status = check(CheckOptions(Path("content"), Path("data"), strict))
        out = capsys.readouterr().out.splitlines()
        return Report(status, out[:-1], out[-1])

    return run


SIGNED = "signed_by:\n  - name: Anna Andersson\n"


def decision(corpus: Corpus, front: str, name: str = "a", body: str = "Text.\n") -> None:
    """A decision file; one made from `VALID` but `a` gets a title of its own, on the same
    line, as two files of one district, meeting and title are one document (an error)."""
    front = textwrap.dedent(front)
    if "signed_by" not in front and "\nkind:" in "\n" + front:
        # Who signed is asked of every published decision (a warning otherwise); it goes
        # last, so the lines of the keys a test writes stay where the test says.
        front += SIGNED
    if name != "a":
        front = front.replace("title: Ansökan om medel\n", f"title: Ansökan om medel ({name})\n", 1)
    corpus.raw(f"decisions/{name}.md", "---\n" + front + "---\n" + body)


def project(corpus: Corpus, front: str, name: str = "p") -> None:
    corpus.raw(f"projects/{name}.md", "---\n" + textwrap.dedent(front) + "---\nBeskrivning.\n")


def organisations(corpus: Corpus, text: str) -> None:
    (corpus.data / "organisations.yaml").write_text(textwrap.dedent(text), encoding="utf-8")


VALID = """\
title: Ansökan om medel
district: hasselby-vallingby
meeting: 2007-11-27
kind: other
"""


def valid_with(extra: str) -> str:
    """The valid decision with more keys from line 6 on."""
    return VALID + textwrap.dedent(extra)


# -- a clean corpus -------------------------------------------------------------


def test_complete_valid_corpus_has_no_problems(corpus: Corpus, run_check: Check) -> None:
    decision(
        corpus,
        """\
        title: Ansökan om medel för samtalsgrupper
        district: hasselby-vallingby
        meeting: 2007-11-27
        document_date: 2007-11-02
        diary_number: 1.5-123/2007
        kind: application
        case_officer: {name: Anna Andersson, phone: 08-508 000 00}
        signed_by:
          - {name: Bo Berg, title: stadsdelsdirektör}
        proposals: [Nämnden ansöker om medel.]
        immediate_adjustment: true
        projects: [p]
        funding:
          - {from: lansstyrelsen, amount: 100000, year: 2008, status: applied}
          - {from: hasselby-vallingby, amount: 50000, year: 2008, status: contributed}
        attachments: [Projektplan]
        outcome: {status: approved, note: Enligt förslaget.}
        notes: [En anmärkning.]
        source: assets/dokument/a.pdf
        tags: [samtalsgrupper]
        draft: false
        """,
    )
    project(
        corpus,
        """\
        name: Samtalsgrupper
        owner: hasselby-vallingby
        partners: [framnas]
        start: 2008
        end: 2008-12
        status: completed
        target_groups: [våldsutsatta kvinnor]
        parts:
          - {name: Team A, organisation: framnas, description: Gruppledare.}
        funding:
          - {from: socialstyrelsen, amount: 20000, year: 2009, status: granted}
        budget:
          - {item: Gruppledare, year: 2008, amount: 100000}
        """,
    )
    report = run_check()
    assert report.lines == []
    assert report.summary == "0 errors, 0 warnings in 4 files"
    assert report.status == 0


# -- required keys ----------------------------------------------------------------


@pytest.mark.parametrize("key", ["title", "district", "kind"])
def test_decision_required_key_missing(corpus: Corpus, run_check: Check, key: str) -> None:
    front = "".join(line + "\n" for line in VALID.splitlines() if not line.startswith(key))
    decision(corpus, front)
    assert run_check().lines == [f"{A}:2: error: missing required key '{key}'"]


@pytest.mark.parametrize("key", ["name", "owner"])
def test_project_required_key_missing(corpus: Corpus, run_check: Check, key: str) -> None:
    front = "name: Projekt\nowner: hasselby-vallingby\n"
    front = "".join(line + "\n" for line in front.splitlines() if not line.startswith(key))
    project(corpus, front)
    assert run_check().lines == [f"{P}:2: error: missing required key '{key}'"]


@pytest.mark.parametrize("key", ["from", "status"])
def test_funding_line_required_key_missing(corpus: Corpus, run_check: Check, key: str) -> None:
    line = {"from": "lansstyrelsen", "amount": "100000", "year": "2008", "status": "applied"}
    del line[key]
    items = ", ".join(f"{k}: {v}" for k, v in line.items())
    decision(corpus, valid_with(f"funding:\n  - {{{items}}}\n"))
    assert run_check().lines == [
        f"{A}:7: error: missing required key '{key}' in funding[0]",
    ]


def test_nested_required_keys(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, valid_with("case_officer: {phone: 08-1}\noutcome: {note: x}\n"))
    project(corpus, "name: P\nowner: framnas\nbudget:\n  - {item: Lön, year: 2008}\n")
    assert run_check().lines == [
        f"{A}:6: error: missing required key 'name' in case_officer",
        f"{A}:7: error: missing required key 'status' in outcome",
        f"{P}:5: error: missing required key 'amount' in budget[0]",
    ]


@pytest.mark.parametrize("key", ["id", "name", "type"])
def test_organisation_required_key_missing(corpus: Corpus, run_check: Check, key: str) -> None:
    entry = {"id": "x", "name": "X", "type": "funder"}
    del entry[key]
    text = "".join(
        f"{'- ' if i == 0 else '  '}{k}: {v}\n" for i, (k, v) in enumerate(entry.items())
    )
    organisations(corpus, "- {id: hasselby-vallingby, name: H, type: district}\n" + text)
    assert run_check().lines == [f"{ORGS}:2: error: missing required key '{key}' in [1]"]


def test_site_settings_required_key(corpus: Corpus, run_check: Check) -> None:
    (corpus.data / "site.yaml").write_text("base_url: https://x.se\n", encoding="utf-8")
    assert run_check().lines == ["data/site.yaml:1: error: missing required key 'title'"]


# -- types --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "diary_number: 123\n",
            'diary_number must be text, not a whole number: put it in quotes, e.g. "123"',
        ),
        ("immediate_adjustment: ja\n", "immediate_adjustment must be true or false, not text"),
        ("projects: p\n", "projects must be a list, not text"),
        ("proposals: Nämnden beslutar.\n", "proposals must be a list, not text"),
        ("case_officer: Anna\n", "case_officer must be a mapping of keys to values, not text"),
        ("draft: 1\n", "draft must be true or false, not a whole number"),
        ("notes: [[a]]\n", "notes[0] must be text, not a list"),
        ("source: ''\n", "source must not be empty"),
    ],
)
def test_decision_types(corpus: Corpus, run_check: Check, extra: str, message: str) -> None:
    decision(corpus, valid_with(extra))
    assert run_check().lines == [f"{A}:6: error: {message}"]


def test_title_must_be_text(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, VALID.replace("Ansökan om medel", "2007"))
    assert run_check().lines == [
        f'{A}:2: error: title must be text, not a whole number: put it in quotes, e.g. "2007"'
    ]


def test_funding_year_must_be_a_number(corpus: Corpus, run_check: Check) -> None:
    decision(
        corpus,
        valid_with(
            "funding:\n  - {from: lansstyrelsen, amount: 1, year: '2008', status: applied}\n"
        ),
    )
    assert run_check().lines == [
        f"{A}:7: error: funding[0].year must be a whole number, not text: "
        "write the year as four digits, e.g. 2008"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "maj 2008",
            "start: 'maj 2008' is not a year, month or date: write YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        ("1800", "start: 1800 must be at least 1900"),
        ("true", "start must be a whole number or text, not true or false"),
    ],
)
def test_project_partial_date_types(
    corpus: Corpus, run_check: Check, value: str, message: str
) -> None:
    project(corpus, f"name: P\nowner: framnas\nstart: {value}\n")
    assert run_check().lines == [f"{P}:4: error: {message}"]


@pytest.mark.parametrize("value", ["2007", "'2007'", "2007-02", "'2007-02'", "2007-02-01"])
def test_project_partial_dates_accepted(corpus: Corpus, run_check: Check, value: str) -> None:
    project(corpus, f"name: P\nowner: framnas\nstart: {value}\nend: 2009\n")
    assert run_check().lines == []


# -- enums with did-you-mean ------------------------------------------------------


def test_decision_kind_enum(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, VALID.replace("kind: other", "kind: aplication"))
    assert run_check().lines == [
        f"{A}:5: error: kind: 'aplication' is not allowed (did you mean 'application'?); "
        "use one of: application, co-financing, report, other"
    ]


def test_enum_without_close_match_has_no_suggestion(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, VALID.replace("kind: other", "kind: ansökan"))
    assert run_check().lines == [
        f"{A}:5: error: kind: 'ansökan' is not allowed; "
        "use one of: application, co-financing, report, other"
    ]


@pytest.mark.parametrize("kind", ["application", "co-financing", "report", "other"])
def test_decision_kinds_accepted(corpus: Corpus, run_check: Check, kind: str) -> None:
    # An application is also asked for the sum applied for: the line says so.
    funding = "funding:\n  - {from: socialstyrelsen, amount: 1000, year: 2008, status: applied}\n"
    decision(corpus, VALID.replace("other", kind) + funding)
    assert run_check().lines == []


def test_funding_status_enum(corpus: Corpus, run_check: Check) -> None:
    decision(
        corpus,
        valid_with(
            "funding:\n  - from: lansstyrelsen\n    amount: 1\n    year: 2008\n    status: grated\n"
        ),
    )
    assert run_check().lines == [
        f"{A}:10: error: funding[0].status: 'grated' is not allowed (did you mean 'granted'?); "
        "use one of: applied, granted, rejected, contributed"
    ]


def test_outcome_status_enum(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, valid_with("outcome:\n  status: aproved\n"))
    assert run_check().lines == [
        f"{A}:7: error: outcome.status: 'aproved' is not allowed (did you mean 'approved'?); "
        "use one of: approved, rejected, pending, unknown"
    ]


def test_project_status_enum(corpus: Corpus, run_check: Check) -> None:
    project(corpus, "name: P\nowner: framnas\nstatus: ongoin\n")
    assert run_check().lines == [
        f"{P}:4: error: status: 'ongoin' is not allowed (did you mean 'ongoing'?); "
        "use one of: planned, ongoing, completed, unknown"
    ]


def test_organisation_type_enum(corpus: Corpus, run_check: Check) -> None:
    organisations(corpus, "- id: x\n  name: X\n  type: fundr\n")
    assert run_check().lines == [
        f"{ORGS}:3: error: [0].type: 'fundr' is not allowed (did you mean 'funder'?); "
        "use one of: district, funder, organisation"
    ]


# -- dates ------------------------------------------------------------------------


def test_meeting_must_be_a_real_calendar_date(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, VALID.replace("2007-11-27", "2007-13-45"))
    assert run_check().lines == [f"{A}:4: error: meeting: '2007-13-45' is not a real calendar date"]


def test_document_date_february_30(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, valid_with("document_date: 2007-02-30\n"))
    assert run_check().lines == [
        f"{A}:6: error: document_date: '2007-02-30' is not a real calendar date"
    ]


@pytest.mark.parametrize("value", ["27 november 2007", "2007-1-5", "'2007-11-27\\n'"])
def test_meeting_in_another_form(corpus: Corpus, run_check: Check, value: str) -> None:
    decision(corpus, VALID.replace("2007-11-27", f'"{value}"' if " " in value else value))
    shown = value.strip("'")
    assert run_check().lines == [
        f"{A}:4: error: meeting: '{shown}' is not a date: write YYYY-MM-DD, e.g. 2007-11-27"
    ]


def test_leap_day_is_a_real_date(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, VALID.replace("2007-11-27", "2008-02-29"))
    assert run_check().lines == []


def test_project_start_and_end_must_be_real(corpus: Corpus, run_check: Check) -> None:
    project(corpus, "name: P\nowner: framnas\nstart: 2008-13\nend: 2009-02-30\n")
    assert run_check().lines == [
        f"{P}:4: error: start: '2008-13' is not a real date",
        f"{P}:5: error: end: '2009-02-30' is not a real date",
    ]


# -- year and meeting -----------------------------------------------------------------


def test_year_and_meeting_both_missing(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, VALID.replace("meeting: 2007-11-27\n", ""))
    assert run_check().lines == [
        f"{A}:2: error: missing 'meeting' (YYYY-MM-DD) or 'year': a decision needs one of them"
    ]


@pytest.mark.parametrize("key", ["amount", "year"])
def test_a_funding_line_may_leave_out_what_its_source_does_not_state(
    corpus: Corpus, run_check: Check, key: str
) -> None:
    """Contract section 6: a sum the source does not state, a year it does not give."""
    line = {"from": "lansstyrelsen", "amount": "100000", "year": "2008", "status": "applied"}
    del line[key]
    items = ", ".join(f"{k}: {v}" for k, v in line.items())
    decision(corpus, valid_with(f"funding:\n  - {{{items}}}\n"))
    assert run_check().lines == []


def test_year_does_not_match_meeting(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, valid_with("year: 2008\n"))
    assert run_check().lines == [
        f"{A}:6: error: year 2008 does not match the meeting date 2007-11-27: remove 'year' "
        "(the meeting date gives it), or explain in 'notes' why the date as written is wrong "
        "and the decision is filed under 2008"
    ]


@pytest.mark.parametrize("dates", ["year: 2007\n", "meeting: 2007-11-27\nyear: 2007\n"])
def test_year_alone_or_matching(corpus: Corpus, run_check: Check, dates: str) -> None:
    decision(corpus, f"title: T\ndistrict: hasselby-vallingby\nkind: other\n{dates}")
    assert run_check().lines == []


# -- ids --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("Bad Name", ": rename it to 'bad-name.md'"),
        ("årsrapport-2007", ": rename it to 'arsrapport-2007.md'"),
        ("a--b", ": rename it to 'a-b.md'"),
        ("-a", ": rename it to 'a.md'"),
        ("a" * 81, ": rename it to '" + "a" * 80 + ".md'"),
        ("___", ""),
    ],
)
def test_file_stem_must_be_an_id(corpus: Corpus, run_check: Check, name: str, hint: str) -> None:
    decision(corpus, VALID, name=name)
    assert run_check().lines == [
        f"content/decisions/{name}.md:1: error: file name '{name}.md' is not a valid id "
        f"(lowercase a-z, 0-9 and single hyphens, at most 80 characters){hint}"
    ]


@pytest.mark.parametrize("name", ["a", "2007-hasselby-vallingby-x", "a" * 80, "0"])
def test_valid_file_stems(corpus: Corpus, run_check: Check, name: str) -> None:
    decision(corpus, VALID, name=name)
    assert run_check().lines == []


def test_reference_with_a_bad_id(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, VALID.replace("district: hasselby-vallingby", "district: Hässelby-Vällingby"))
    assert run_check().lines == [
        f"{A}:3: error: district: 'Hässelby-Vällingby' is not a valid id: use lowercase a-z, "
        "0-9 and single hyphens (e.g. 'hasselby-vallingby')"
    ]


def test_duplicate_organisation_ids(corpus: Corpus, run_check: Check) -> None:
    organisations(
        corpus,
        """\
        - id: hasselby-vallingby
          name: Hässelby-Vällingby stadsdelsnämnd
          type: district
        - id: lansstyrelsen
          name: Länsstyrelsen
          type: funder
        - id: lansstyrelsen
          name: Länsstyrelsen i Stockholms län
          type: funder
        """,
    )
    assert run_check().lines == [
        f"{ORGS}:7: error: duplicate organisation id 'lansstyrelsen' (first at line 4)"
    ]


def test_organisation_id_must_be_an_id(corpus: Corpus, run_check: Check) -> None:
    organisations(corpus, "- id: Länsstyrelsen\n  name: L\n  type: funder\n")
    assert run_check().lines == [
        f"{ORGS}:1: error: [0].id: 'Länsstyrelsen' is not a valid id: use lowercase a-z, "
        "0-9 and single hyphens (e.g. 'lansstyrelsen')"
    ]


def test_organisation_id_with_a_trailing_newline_is_not_an_id(
    corpus: Corpus, run_check: Check
) -> None:
    organisations(corpus, '- id: "x\\n"\n  name: X\n  type: funder\n')
    assert run_check().lines == [
        f"{ORGS}:1: error: [0].id: 'x\\n' is not a valid id: use lowercase a-z, "
        "0-9 and single hyphens (e.g. 'x')"
    ]


def test_organisation_website_and_active(corpus: Corpus, run_check: Check) -> None:
    organisations(
        corpus,
        """\
        - id: x
          name: X
          type: district
          website: www.x.se
          active: {from: '1997'}
        """,
    )
    assert run_check().lines == [
        f"{ORGS}:4: error: [0].website: 'www.x.se' must be a web address starting with "
        "https:// or http://",
        f"{ORGS}:5: error: [0].active.from must be a whole number, not text: "
        "write the year as four digits, e.g. 2008",
    ]


# -- references -------------------------------------------------------------------

UNKNOWN = "(organisations are listed in data/organisations.yaml)"


def test_district_unknown(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, VALID.replace("district: hasselby-vallingby", "district: hasselby"))
    assert run_check().lines == [
        f"{A}:3: error: district: unknown organisation 'hasselby' "
        f"(did you mean 'hasselby-vallingby'?) {UNKNOWN}"
    ]


def test_district_that_is_a_funder(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, VALID.replace("district: hasselby-vallingby", "district: lansstyrelsen"))
    assert run_check().lines == [
        f"{A}:3: error: district: 'lansstyrelsen' is of type 'funder', but a district is needed"
    ]


def test_district_that_is_an_organisation_suggests_a_district(
    corpus: Corpus, run_check: Check
) -> None:
    corpus.organisations.append(
        {"id": "skarholmens-polis", "name": "Polis", "type": "organisation"}
    )
    corpus.write_data()
    decision(corpus, VALID.replace("district: hasselby-vallingby", "district: skarholmens-polis"))
    assert run_check().lines == [
        f"{A}:3: error: district: 'skarholmens-polis' is of type 'organisation', "
        "but a district is needed (did you mean 'skarholmen'?)"
    ]


def test_owner_partners_and_parts(corpus: Corpus, run_check: Check) -> None:
    project(
        corpus,
        """\
        name: P
        owner: framnäs
        partners:
          - lansstyrelsen
          - socialstyrelse
        parts:
          - name: Team
            organisation: nobody
        """,
    )
    # The malformed owner does not hide the broken references beside it: one run, all of it.
    assert run_check().lines == [
        f"{P}:3: error: owner: 'framnäs' is not a valid id: use lowercase a-z, 0-9 and single "
        "hyphens (e.g. 'framnas')",
        f"{P}:6: error: partners[1]: unknown organisation 'socialstyrelse' "
        f"(did you mean 'socialstyrelsen'?) {UNKNOWN}",
        f"{P}:9: error: parts[0].organisation: unknown organisation 'nobody' {UNKNOWN}",
    ]
    project(
        corpus,
        """\
        name: P
        owner: framnas-ab
        partners:
          - lansstyrelsen
          - socialstyrelse
        parts:
          - name: Team
            organisation: nobody
        """,
    )
    assert run_check().lines == [
        f"{P}:3: error: owner: unknown organisation 'framnas-ab' (did you mean 'framnas'?) "
        f"{UNKNOWN}",
        f"{P}:6: error: partners[1]: unknown organisation 'socialstyrelse' "
        f"(did you mean 'socialstyrelsen'?) {UNKNOWN}",
        f"{P}:9: error: parts[0].organisation: unknown organisation 'nobody' {UNKNOWN}",
    ]


def test_owner_may_be_any_kind_of_organisation(corpus: Corpus, run_check: Check) -> None:
    project(corpus, "name: P\nowner: lansstyrelsen\npartners: [framnas, rinkeby]\n")
    assert run_check().lines == []


def test_funding_references(corpus: Corpus, run_check: Check) -> None:
    decision(
        corpus,
        valid_with(
            """\
            funding:
              - {from: lanstyrelsen, amount: 1, year: 2008, status: applied}
              - {from: lansstyrelsen, to: rinkeby-kista, amount: 1, year: 2008, status: applied}
              - {from: lansstyrelsen, project: samtalsgruper, amount: 1, year: 2008,
                 status: applied}
            """
        ),
    )
    project(corpus, "name: S\nowner: framnas\n", name="samtalsgrupper")
    assert run_check().lines == [
        f"{A}:7: error: funding[0].from: unknown organisation 'lanstyrelsen' "
        f"(did you mean 'lansstyrelsen'?) {UNKNOWN}",
        f"{A}:8: error: funding[1].to: unknown organisation 'rinkeby-kista' "
        f"(did you mean 'rinkeby'?) {UNKNOWN}",
        f"{A}:9: error: funding[2].project: unknown project 'samtalsgruper' "
        "(did you mean 'samtalsgrupper'?) (no content/projects/samtalsgruper.md)",
    ]


def test_decision_projects_must_exist(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, valid_with("projects:\n  - p\n  - q\n"))
    project(corpus, "name: P\nowner: framnas\n")
    assert run_check().lines == [
        f"{A}:8: error: projects[1]: unknown project 'q' (no content/projects/q.md)"
    ]


def test_reference_to_a_broken_file_is_not_a_second_error(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, valid_with("projects: [p]\n"))
    project(corpus, "name: P\n")
    assert run_check().lines == [f"{P}:2: error: missing required key 'owner'"]


def test_reference_to_a_broken_organisation_is_not_a_second_error(
    corpus: Corpus, run_check: Check
) -> None:
    organisations(corpus, "- id: hasselby-vallingby\n  name: H\n  type: distrikt\n")
    decision(corpus, VALID)
    assert run_check().lines == [
        f"{ORGS}:3: error: [0].type: 'distrikt' is not allowed (did you mean 'district'?); "
        "use one of: district, funder, organisation"
    ]


def test_project_funding_line_may_not_name_another_project(
    corpus: Corpus, run_check: Check
) -> None:
    project(
        corpus,
        "name: P\nowner: framnas\nfunding:\n"
        "  - {from: lansstyrelsen, amount: 1, year: 2008, status: granted, project: q}\n",
    )
    project(corpus, "name: Q\nowner: framnas\n", name="q")
    assert run_check().lines == [
        f"{P}:5: error: funding[0].project: a project's own funding lines belong to it; "
        "remove 'project: q' or declare the line on 'q'"
    ]


def test_funding_line_project_not_in_decision_projects(corpus: Corpus, run_check: Check) -> None:
    decision(
        corpus,
        valid_with(
            "funding:\n  - {from: lansstyrelsen, amount: 1, year: 2008, status: applied,"
            " project: p}\n"
        ),
    )
    project(corpus, "name: P\nowner: framnas\n")
    assert run_check().lines == [
        f"{A}:7: warning: funding[0] is for project 'p', which is not in this decision's 'projects'"
        " [project-not-listed]"
    ]


def test_aliases_must_not_clash(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, valid_with("aliases: [b]\n"))
    decision(corpus, valid_with("aliases: [old]\n"), name="b")
    decision(corpus, valid_with("aliases: [old]\n"), name="c")
    assert run_check().lines == [
        f"{A}:6: error: aliases: 'b' is the id of another file",
        "content/decisions/c.md:6: error: aliases: 'old' is also an alias of 'b'",
    ]


# -- drafts -------------------------------------------------------------------------


def test_published_decision_refers_to_draft_project(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, valid_with("projects: [p]\n"))
    project(corpus, "name: P\nowner: framnas\ndraft: true\n")
    assert run_check().lines == [
        f"{A}:6: error: projects[0]: project 'p' is a draft and will not be published; "
        "publish it first or mark this file as a draft too"
    ]


def test_published_funding_line_refers_to_draft_project(corpus: Corpus, run_check: Check) -> None:
    decision(
        corpus,
        valid_with(
            "funding:\n  - {from: lansstyrelsen, amount: 1, year: 2008, status: applied,"
            " project: p}\n"
        ),
    )
    project(corpus, "name: P\nowner: framnas\ndraft: true\n")
    assert run_check().lines == [
        f"{A}:7: error: funding[0].project: project 'p' is a draft and will not be published; "
        "publish it first or mark this file as a draft too"
    ]


def test_draft_decision_may_refer_to_draft_project(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, valid_with("projects: [p]\ndraft: true\n"))
    project(corpus, "name: P\nowner: framnas\ndraft: true\n")
    assert run_check().lines == []


# -- funding-line defaults ------------------------------------------------------------


def _lines(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, str | None]]:
    monkeypatch.chdir(corpus.root)
    result = read_site(Path("content"), Path("data"))
    assert [str(p) for p in result.problems] == []
    assert result.content is not None
    content = result.content
    entities: list[Decision | Project] = [*content.decisions.values(), *content.projects.values()]
    return {
        f"{line.source_id}[{line.index}]": (line.to_id, line.project_id)
        for entity in entities
        for line in entity.funding
    }


FUNDING = "funding:\n  - {from: lansstyrelsen, amount: 1, year: 2008, status: applied}\n"


def test_funding_defaults_on_decisions(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    project(corpus, "name: P\nowner: framnas\n")
    project(corpus, "name: Q\nowner: framnas\n", name="q")
    decision(corpus, valid_with(FUNDING), name="none")
    decision(corpus, valid_with("projects: [p]\n" + FUNDING), name="one")
    decision(corpus, valid_with("projects: [p, q]\n" + FUNDING), name="two")
    decision(
        corpus,
        valid_with(
            "projects: [p, q]\nfunding:\n  - {from: lansstyrelsen, to: framnas, project: q, "
            "amount: 1, year: 2008, status: granted}\n"
        ),
        name="explicit",
    )
    assert _lines(corpus, monkeypatch) == {
        "none[0]": ("hasselby-vallingby", None),
        "one[0]": ("hasselby-vallingby", "p"),
        "two[0]": ("hasselby-vallingby", None),
        "explicit[0]": ("framnas", "q"),
    }


def test_funding_defaults_on_projects(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    project(corpus, "name: P\nowner: framnas\n" + FUNDING)
    project(
        corpus,
        "name: Q\nowner: framnas\nfunding:\n"
        "  - {from: lansstyrelsen, to: skarholmen, amount: 1, year: 2008, status: granted}\n",
        name="q",
    )
    assert _lines(corpus, monkeypatch) == {
        "p[0]": ("framnas", "p"),
        "q[0]": ("skarholmen", "q"),
    }


# -- amounts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (
            '"100 000 kr"',
            "funding[0].amount must be a whole number of kronor, not text: "
            "write 100000, without spaces, dots or 'kr'",
        ),
        (
            "5 630 000",
            "funding[0].amount must be a whole number of kronor, not text: "
            "write 5630000, without spaces, dots or 'kr'",
        ),
        (
            '"1,5 mkr"',
            "funding[0].amount must be a whole number of kronor, not text: "
            "write 1500000, without spaces, dots or 'kr'",
        ),
        (
            "1.5",
            "funding[0].amount must be a whole number in plain kronor, not '1.5': "
            "write a whole number in plain digits, without decimals, e.g. 100000",
        ),
        (
            "100.000",
            "funding[0].amount must be a whole number in plain kronor, not '100.000': "
            "write 100000, without dots",
        ),
        (
            "100000.0",
            "funding[0].amount must be a whole number in plain kronor, not '100000.0': "
            "write 100000, without decimals",
        ),
        (
            "0100000",
            "funding[0].amount must be a whole number in plain kronor, not '0100000': "
            "write 100000, without a leading zero",
        ),
        (
            "050000",
            "funding[0].amount must be a whole number in plain kronor, not '050000': "
            "write 50000, without a leading zero",
        ),
        (
            "1:30:00",
            "funding[0].amount must be a whole number in plain kronor, not '1:30:00': "
            "write the number in plain digits, without ':' (it would be read as a time)",
        ),
        (
            "0x10",
            "funding[0].amount must be a whole number in plain kronor, not '0x10': "
            "write the number in plain decimal digits (0x, 0o and 0b are not read)",
        ),
        (
            "0o17",
            "funding[0].amount must be a whole number in plain kronor, not '0o17': "
            "write the number in plain decimal digits (0x, 0o and 0b are not read)",
        ),
        (
            "1e9",
            "funding[0].amount must be a whole number in plain kronor, not '1e9': "
            "write 1000000000, every digit, without an exponent",
        ),
        (
            "1.5e+6",
            "funding[0].amount must be a whole number in plain kronor, not '1.5e+6': "
            "write 1500000, every digit, without an exponent",
        ),
        (
            "1_00_000",
            "funding[0].amount must be a whole number in plain kronor, not '1_00_000': "
            "write 100000, without underscores",
        ),
        (
            "yes",
            "funding[0].amount must be a whole number of kronor, not true or false: "
            "write 100000, without spaces, dots or 'kr'",
        ),
        ("1000000000001", "funding[0].amount: 1000000000001 must be at most 1000000000000"),
        ("0", "funding[0].amount: 0 must be greater than 0"),
        ("-5000", "funding[0].amount: -5000 must be greater than 0"),
    ],
)
def test_funding_amounts(corpus: Corpus, run_check: Check, amount: str, message: str) -> None:
    decision(
        corpus,
        valid_with(
            f"funding:\n  - from: lansstyrelsen\n    amount: {amount}\n"
            "    year: 2008\n    status: applied\n"
        ),
    )
    assert run_check().lines == [f"{A}:8: error: {message}"]


def test_budget_amount_must_be_positive(corpus: Corpus, run_check: Check) -> None:
    project(corpus, "name: P\nowner: framnas\nbudget:\n  - {item: Lön, year: 2008, amount: -1}\n")
    assert run_check().lines == [f"{P}:5: error: budget[0].amount: -1 must be greater than 0"]


@pytest.mark.parametrize("amount", ["1", "100000", "5630000", "100_000"])
def test_funding_amounts_accepted(corpus: Corpus, run_check: Check, amount: str) -> None:
    decision(
        corpus,
        valid_with(
            f"funding:\n  - {{from: lansstyrelsen, amount: {amount}, year: 2008,"
            " status: applied}\n"
        ),
    )
    assert run_check().lines == []


# -- unknown keys -------------------------------------------------------------------------


def test_unknown_key_suggests_closest(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, valid_with("distrct: skarholmen\nfoo: bar\n"))
    report = run_check()
    assert report.lines == [
        f"{A}:6: warning: unknown key 'distrct' (did you mean 'district'?) [unknown-key]",
        f"{A}:7: warning: unknown key 'foo' [unknown-key]",
    ]
    assert report.status == 0


def test_unknown_nested_keys(corpus: Corpus, run_check: Check) -> None:
    decision(
        corpus,
        valid_with(
            "funding:\n  - from: lansstyrelsen\n    amount: 1\n    year: 2008\n"
            "    status: applied\n    notes: x\n"
        ),
    )
    project(corpus, "name: P\nowner: framnas\nparts:\n  - {name: A, organization: framnas}\n")
    organisations(corpus, VALID_ORGS + "  webside: https://x.se\n")
    assert run_check().lines == [
        f"{A}:11: warning: unknown key 'funding[0].notes' (did you mean 'note'?) [unknown-key]",
        f"{P}:5: warning: unknown key 'parts[0].organization' (did you mean 'organisation'?)"
        " [unknown-key]",
        f"{ORGS}:10: warning: unknown key '[2].webside' (did you mean 'website'?) [unknown-key]",
    ]


def test_non_text_key(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, valid_with("2008: x\n"))
    assert run_check().lines == [
        f"{A}:6: error: key '2008' must be text: write a name, or put it in quotes"
    ]


VALID_ORGS = """\
- id: hasselby-vallingby
  name: Hässelby-Vällingby stadsdelsnämnd
  type: district
- id: lansstyrelsen
  name: Länsstyrelsen
  type: funder
- id: framnas
  name: Framnäs AB
  type: organisation
"""


# -- data-quality warnings -------------------------------------------------------------


def test_budget_does_not_add_up_to_applied(corpus: Corpus, run_check: Check) -> None:
    project(
        corpus,
        """\
        name: P
        owner: hasselby-vallingby
        budget:
          - {item: Samordnare, year: 2008, amount: 60000}
          - {item: Lokaler, year: 2008, amount: 30000}
          - {item: Samordnare, year: 2009, amount: 50000}
          - {item: Lokaler, year: 2009, amount: 50000}
        """,
    )
    decision(
        corpus,
        valid_with(
            """\
            projects: [p]
            funding:
              - {from: lansstyrelsen, amount: 100000, year: 2008, status: applied}
              - {from: lansstyrelsen, amount: 100000, year: 2009, status: applied}
              - {from: hasselby-vallingby, amount: 5000, year: 2009, status: contributed}
            """
        ),
    )
    report = run_check()
    assert report.lines == [
        f"{P}:5: warning: the budget for 2008 adds up to 90000 kr, but 100000 kr is applied "
        "for in 2008 [budget-not-applied]",
    ]
    assert report.summary == "0 errors, 1 warning in 4 files"


def test_meeting_before_report_date(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, VALID.replace("2007-11-27", "2006-01-30") + "document_date: 2007-01-04\n")
    assert run_check().lines == [
        f"{A}:4: warning: the meeting (2006-01-30) is 339 days before the report's date "
        "(2007-01-04): one of the dates is probably wrong; explain it in 'notes' and name this "
        "code in 'acknowledged' [meeting-before-report]"
    ]


def test_meeting_more_than_a_year_after_report(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, valid_with("document_date: 2006-11-01\n"))
    assert run_check().lines == [
        f"{A}:4: warning: the meeting (2007-11-27) is more than a year after the report's date "
        "(2006-11-01): one of the dates is probably wrong [meeting-long-after-report]"
    ]


@pytest.mark.parametrize("report_date", ["2007-11-27", "2007-11-02", "2006-11-27"])
def test_meeting_shortly_after_report(corpus: Corpus, run_check: Check, report_date: str) -> None:
    decision(corpus, valid_with(f"document_date: {report_date}\n"))
    assert run_check().lines == []


def test_project_ends_before_it_starts(corpus: Corpus, run_check: Check) -> None:
    project(corpus, "name: P\nowner: framnas\nstart: 2008-05\nend: 2007\n")
    assert run_check().lines == [
        f"{P}:5: warning: the project ends (2007) before it starts (2008-05) [end-before-start]"
    ]


@pytest.mark.parametrize(
    ("start", "end"), [("2008", "2008"), ("2008", "2008-01"), ("2008-05", "2008-05-01")]
)
def test_project_period_within_same_span(
    corpus: Corpus, run_check: Check, start: str, end: str
) -> None:
    project(corpus, f"name: P\nowner: framnas\nstart: {start}\nend: {end}\n")
    assert run_check().lines == []


def test_same_funding_line_on_decision_and_project(corpus: Corpus, run_check: Check) -> None:
    project(
        corpus,
        "name: P\nowner: hasselby-vallingby\nfunding:\n"
        "  - {from: lansstyrelsen, amount: 100000, year: 2008, status: granted}\n",
    )
    decision(
        corpus,
        valid_with(
            "projects: [p]\nfunding:\n"
            "  - {from: lansstyrelsen, amount: 100000, year: 2008, status: granted}\n"
        ),
    )
    assert run_check().lines == [
        f"{P}:5: warning: funding[0] is also declared on decision 'a' ({A}:8); a line is "
        "counted once, where it is declared: remove one of them [line-declared-twice]"
    ]


def test_different_funding_lines_on_decision_and_project(corpus: Corpus, run_check: Check) -> None:
    project(
        corpus,
        "name: P\nowner: hasselby-vallingby\nfunding:\n"
        "  - {from: lansstyrelsen, amount: 100000, year: 2009, status: granted}\n",
    )
    decision(
        corpus,
        valid_with(
            "projects: [p]\nfunding:\n"
            "  - {from: lansstyrelsen, amount: 100000, year: 2008, status: granted}\n"
        ),
    )
    assert run_check().lines == []


def test_decision_outside_district_active_years(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, VALID.replace("hasselby-vallingby", "rinkeby"))
    assert run_check().lines == [
        f"{A}:3: warning: district 'rinkeby' was active 1997–2006, but the decision is from 2007"
        " [district-inactive]"
    ]


def test_decision_inside_district_active_years(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, VALID.replace("hasselby-vallingby", "rinkeby").replace("2007-", "2006-"))
    assert run_check().lines == []


# -- one run, sorted; summary; exit codes ---------------------------------------------


def test_all_problems_in_one_run_sorted_by_path_then_line(corpus: Corpus, run_check: Check) -> None:
    project(corpus, "name: P\nowner: framnas\nstart: 2009\nend: 2008\nstatus: done\n")
    decision(
        corpus,
        "title: B\ndistrict: rinkeby\nkind: report\nyear: 2010\nfoo: 1\n",
        name="b",
    )
    decision(corpus, VALID.replace("2007-11-27", "2007-02-30") + "distrct: x\n")
    corpus.raw("decisions/Z.md", "no front matter\n")
    organisations(corpus, VALID_ORGS.replace("type: organisation", "type: company"))
    report = run_check()
    assert report.lines == [
        "content/decisions/Z.md:1: error: missing front matter: the first line must be '---', "
        "followed by the YAML keys",
        f"{A}:4: error: meeting: '2007-02-30' is not a real calendar date",
        f"{A}:6: warning: unknown key 'distrct' (did you mean 'district'?) [unknown-key]",
        f"content/decisions/b.md:3: error: district: unknown organisation 'rinkeby' {UNKNOWN}",
        "content/decisions/b.md:6: warning: unknown key 'foo' [unknown-key]",
        f"{P}:6: error: status: 'done' is not allowed; use one of: planned, ongoing, completed, "
        "unknown",
        f"{ORGS}:9: error: [2].type: 'company' is not allowed; use one of: district, funder, "
        "organisation",
    ]
    assert report.summary == "5 errors, 2 warnings in 6 files"
    assert report.status == 1


def test_problem_lines_are_never_split(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, VALID.replace("kind: other", 'kind: "a\\nb\\rc"'))
    assert run_check().lines == [
        f"{A}:5: error: kind: 'a\\nb\\rc' is not allowed; "
        "use one of: application, co-financing, report, other"
    ]


@pytest.mark.parametrize(
    ("errors", "warnings", "files", "text"),
    [
        (0, 0, 0, "0 errors, 0 warnings in 0 files"),
        (1, 1, 1, "1 error, 1 warning in 1 file"),
        (3, 2, 41, "3 errors, 2 warnings in 41 files"),
        (2, 0, 1, "2 errors, 0 warnings in 1 file"),
    ],
)
def test_summary_forms(errors: int, warnings: int, files: int, text: str) -> None:
    problems = Problems()
    for n in range(errors):
        problems.error("a.md", n, "e")
    for n in range(warnings):
        problems.warning("a.md", n, "w", "test")
    assert summary(problems, files) == text


def test_summary_counts_real_run(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, VALID.replace("other", "x") + "foo: 1\n")
    decision(corpus, VALID + "bar: 1\n", name="b")
    decision(corpus, VALID.replace("2007-11-27", "2007-13-01"), name="c")
    report = run_check()
    assert report.summary == "2 errors, 2 warnings in 5 files"


def test_exit_codes(corpus: Corpus, run_check: Check) -> None:
    decision(corpus, VALID)
    assert (run_check().status, run_check(strict=True).status) == (0, 0)
    decision(corpus, VALID + "distrct: x\n")
    assert (run_check().status, run_check(strict=True).status) == (0, 1)
    decision(corpus, VALID.replace("2007-11-27", "2007-13-45"))
    assert (run_check().status, run_check(strict=True).status) == (1, 1)


# -- source: a web address or a file under assets/, never out of the site ------------


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "data:text/html,x",
        "../../etc/passwd",
        "assets/a/../../../b",
        "x\\\\y",
    ],
)
def test_source_may_not_leave_the_site(corpus: Corpus, run_check: Check, value: str) -> None:
    decision(corpus, valid_with(f'source: "{value}"\n'))
    report = run_check()
    shown = value.replace("\\\\", "\\")
    assert report.lines == [
        f"{A}:6: error: source: '{shown}' must be a web address (https://...) or a file under "
        "assets/, e.g. assets/dokument/beslut.pdf"
    ]
    assert report.status == 1


@pytest.mark.parametrize(
    "value", ["https://example.se/beslut.pdf", "assets/beslut/a.pdf", "beslut/a.pdf"]
)
def test_source_urls_and_asset_paths_are_accepted(
    corpus: Corpus, run_check: Check, value: str
) -> None:
    decision(corpus, valid_with(f"source: {value}\n"))
    assert run_check().lines == []


def test_the_schema_lists_every_warning_code_acknowledged_may_name() -> None:
    from insyn.graph.quality import CODES
    from insyn.sources.schema import load_schema

    items = load_schema("common.schema.json")["$defs"]["acknowledged"]["items"]["enum"]
    assert sorted(items) == sorted(CODES)


def test_an_acknowledged_warning_is_printed_with_its_code_and_passes_strict(
    corpus: Corpus,
) -> None:
    def write(acknowledged: list[str] | None) -> None:
        corpus.decision(
            "a", meeting="2006-01-30", document_date="2007-01-04", acknowledged=acknowledged
        )

    write(None)
    result = corpus.run("check", "--strict")
    assert result.returncode == 1
    line = "content/decisions/a.md:"
    assert any(
        row.startswith(line) and row.endswith(" [meeting-before-report]")
        for row in result.stdout.splitlines()
    ), result.stdout
    write(["meeting-before-report"])
    result = corpus.run("check", "--strict")
    assert result.returncode == 0, result.stdout
    assert "[meeting-before-report]" in result.stdout
    assert "1 warning (1 explained in 'notes')" in result.stdout
    write(["meeting-befor-report"])
    result = corpus.run("check")
    assert result.returncode == 1
    assert "did you mean 'meeting-before-report'" in result.stdout


def test_five_mistakes_in_one_file_are_all_reported_in_one_run(
    corpus: Corpus, run_check: Check
) -> None:
    """Structure, references and dates in one go, however many errors the file has."""
    decision(
        corpus,
        """\
        title: Ansökan om medel
        district: hasselby-valingby
        meeting: 2026-02-30
        kind: grant
        projects: [okant-projekt]
        funding:
          - from: lansstyrelsen
            amount: 100.000 kr
            status: granted
        """,
    )
    report = run_check()
    assert report.status == 1
    assert [line.split(": error: ")[0] for line in report.lines] == [
        f"{A}:3",
        f"{A}:4",
        f"{A}:5",
        f"{A}:6",
        f"{A}:9",
    ]
    assert "unknown organisation 'hasselby-valingby'" in report.lines[0]
    assert "not a real calendar date" in report.lines[1]
    assert "'grant' is not allowed" in report.lines[2]
    assert "unknown project 'okant-projekt'" in report.lines[3]
    assert "100000" in report.lines[4]
    assert report.summary.startswith("5 errors")


def test_a_file_with_reference_errors_is_still_checked_for_quality(
    corpus: Corpus, run_check: Check
) -> None:
    """A misspelt project and a meeting before the report's date, in one run: the file is
    not published, but what it alone shows is checked with its references."""
    decision(
        corpus,
        valid_with(
            """\
            document_date: 2007-12-01
            projects: [okant-projekt]
            acknowledged: [meeting-before-report]
            """
        ).replace("kind: other", "kind: application"),
    )
    report = run_check(strict=True)
    assert report.status == 1
    assert report.lines == [
        f"{A}:2: warning: the application has no funding line with the sum applied for: add"
        " one (status: applied, amount in kronor) as the document gives it"
        " [application-without-amount]",
        f"{A}:4: warning: the meeting (2007-11-27) is 4 days before the report's date"
        " (2007-12-01): one of the dates is probably wrong; explain it in 'notes' and name"
        " this code in 'acknowledged' [meeting-before-report]",
        f"{A}:7: error: projects[0]: unknown project 'okant-projekt' (no"
        " content/projects/okant-projekt.md)",
    ]
    # the acknowledged code is read from the unpublished file too
    assert report.summary == "1 error, 2 warnings (1 explained in 'notes') in 3 files"

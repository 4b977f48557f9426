"""`python site.py check` as users run it: output format, exit codes, bad arguments.

Also: the shipped content checks with no errors, and every warning it prints
is a known, real finding in the source documents.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT, Corpus, run_site

PROBLEM = re.compile(r"^[^:]+:\d+: (error|warning): .+$")
SUMMARY = re.compile(
    r"^\d+ errors?, \d+ warnings?(?: \(\d+ explained in 'notes'\))? in \d+ files?$"
)

#: Real contradictions in the seeds, each recorded as a public note in the content and
#: named in the file's `acknowledged`.
KNOWN_FINDINGS = {
    "content/decisions/2007-hasselby-vallingby-vasterorts-samverkansprojekt-mot-relationsvald.md:5:"
    " warning: the meeting (2006-01-30) is 339 days before the report's date (2007-01-04): one of"
    " the dates is probably wrong; explain it in 'notes' and name this code in 'acknowledged'"
    " [meeting-before-report]",
    *(
        f"content/projects/{name}.md:{line}: warning: status is 'planned', but the planned end"
        f" ({end}) has passed: give the status the sources show now, or explain it in 'notes'"
        " [status-out-of-date]"
        for name, line, end in (
            ("relationsvaldsteamet-skarholmen", 11, "2013"),
            ("samtalsgrupper-hasselby-vallingby", 7, "2008"),
            ("vasterorts-samverkansprojekt-mot-relationsvald", 19, "2008-08"),
        )
    ),
    # granted lines the source names without a sum (its notes say so)
    *(
        f"content/decisions/2012-enskede-arsta-vantor-familjefrid-i-soderort.md:{line}: warning:"
        f" funding[{index}] has no amount: the sum is not counted in any total; add it from the"
        " document, or explain in 'notes' why it is unknown [amount-unknown]"
        for index, line in ((2, 32), (3, 37), (4, 42), (5, 47))
    ),
}


def assert_well_formed(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    assert lines, "check printed nothing"
    assert SUMMARY.match(lines[-1]), lines[-1]
    for line in lines[:-1]:
        assert PROBLEM.match(line), line
    return lines[:-1]


# -- the shipped content ------------------------------------------------------------


def test_shipped_content_checks_with_known_findings_only() -> None:
    result = run_site("check", cwd=ROOT)
    assert result.stderr == ""
    problems = assert_well_formed(result.stdout)
    assert [p for p in problems if ": error: " in p] == []
    assert set(problems) == KNOWN_FINDINGS
    assert result.stdout.splitlines()[-1].startswith(f"0 errors, {len(KNOWN_FINDINGS)} warnings")
    assert result.returncode == 0


def test_shipped_content_passes_strict_its_findings_explained_in_notes() -> None:
    result = run_site("check", "--strict", cwd=ROOT)
    assert set(assert_well_formed(result.stdout)) == KNOWN_FINDINGS
    assert result.stdout.splitlines()[-1] == (
        f"0 errors, {len(KNOWN_FINDINGS)} warnings ({len(KNOWN_FINDINGS)} explained in 'notes')"
        " in 12 files"
    )
    assert result.returncode == 0


def test_shipped_content_with_explicit_folders() -> None:
    result = run_site(
        "check", "--content", str(ROOT / "content"), "--data", str(ROOT / "data"), cwd=ROOT
    )
    assert result.returncode == 0
    assert set(assert_well_formed(result.stdout)) == KNOWN_FINDINGS


# -- exit codes ---------------------------------------------------------------------------


def test_clean_corpus_exits_0(corpus: Corpus) -> None:
    corpus.decision("a")
    for args in (("check",), ("check", "--strict")):
        result = corpus.run(*args)
        assert (result.returncode, result.stdout, result.stderr) == (
            0,
            "0 errors, 0 warnings in 3 files\n",
            "",
        )


def test_warnings_exit_0_but_1_under_strict(corpus: Corpus) -> None:
    corpus.decision("a", distrct="x")
    expected = (
        "content/decisions/a.md:6: warning: unknown key 'distrct' (did you mean 'district'?)"
        " [unknown-key]\n"
        "0 errors, 1 warning in 3 files\n"
    )
    result = corpus.run("check")
    assert (result.returncode, result.stdout) == (0, expected)
    result = corpus.run("check", "--strict")
    assert (result.returncode, result.stdout) == (1, expected)


def test_errors_exit_1(corpus: Corpus) -> None:
    corpus.decision("a", meeting="2007-13-45")
    corpus.decision("b", kind="ansokan", distrct="x")
    result = corpus.run("check")
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "content/decisions/a.md:4: error: meeting: '2007-13-45' is not a real calendar date",
        "content/decisions/b.md:5: error: kind: 'ansokan' is not allowed; "
        "use one of: application, co-financing, report, other",
        "content/decisions/b.md:6: warning: unknown key 'distrct' (did you mean 'district'?)"
        " [unknown-key]",
        "2 errors, 1 warning in 4 files",
    ]


def test_content_and_data_options(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> None:
    corpus.decision("a", kind="x")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    result = run_site(
        "check", "--content", str(corpus.content), "--data", str(corpus.data), cwd=elsewhere
    )
    assert result.returncode == 1
    (line,) = assert_well_formed(result.stdout)
    assert line.startswith(f"{corpus.content.as_posix()}/decisions/a.md:5: error: kind: 'x'")


# -- bad arguments ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "site.py: error: the following arguments are required: COMMAND"),
        (("frobnicate",), "site.py: error: argument COMMAND: invalid choice: 'frobnicate'"),
        (("check", "--bogus"), "site.py: error: unrecognized arguments: --bogus"),
        (("check", "--content"), "site.py check: error: argument --content: expected one argument"),
        (("check", "extra"), "site.py: error: unrecognized arguments: extra"),
        (("--strict",), "site.py: error: the following arguments are required: COMMAND"),
    ],
)
def test_bad_arguments_exit_1_with_usage(
    corpus: Corpus, args: tuple[str, ...], message: str
) -> None:
    result = corpus.run(*args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("usage: site.py")
    assert message in result.stderr


def test_help_exits_0(corpus: Corpus) -> None:
    result = corpus.run("check", "--help")
    assert result.returncode == 0
    assert "--strict" in result.stdout


def test_content_pointing_nowhere(corpus: Corpus) -> None:
    result = corpus.run("check", "--content", "nowhere")
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.splitlines() == [
        "nowhere:1: error: content folder not found (use --content DIR)",
        "1 error, 0 warnings in 2 files",
    ]


def test_data_pointing_nowhere(corpus: Corpus) -> None:
    result = corpus.run("check", "--data", "nodata")
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.splitlines() == [
        "nodata:1: error: data folder not found (use --data DIR)",
        "1 error, 0 warnings in 0 files",
    ]


def test_content_pointing_at_a_file(corpus: Corpus) -> None:
    result = corpus.run("check", "--content", "data/site.yaml")
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.splitlines() == [
        "data/site.yaml:1: error: content folder not found (use --content DIR)",
        "1 error, 0 warnings in 2 files",
    ]

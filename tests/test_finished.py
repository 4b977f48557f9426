"""Nothing half-done is published: what `import` and `new` leave for staff to finish is an
error once a file is no longer a draft, and fine while it is one; a decision that names no
signatory, or an application whose sum is not there, is a warning."""

from __future__ import annotations

import textwrap

import pytest

from tests.conftest import Corpus

DECISION = """\
---
title: Ansökan om medel
district: hasselby-vallingby
meeting: 2007-11-27
kind: other
signed_by:
  - name: Anna Andersson
{extra}---
{body}"""

#: (name, extra front matter, body, the line of the error, words of its message)
HALF_DONE = [
    (
        "a TODO comment left by import",
        "diary_number: 1.5-123/2007  # TODO: läs av diarienumret i dokumentet\n",
        "Text.\n",
        8,
        "a TODO is left in a file that is published",
    ),
    (
        "a TODO comment on a line of its own",
        "# TODO: case_officer kunde inte läsas ur dokumentet\n",
        "Text.\n",
        8,
        "a TODO is left in a file that is published",
    ),
    (
        "a TODO line in the body",
        "",
        "Text.\n\nTODO: fyll i bakgrunden\n",
        11,
        "a TODO is left in a file that is published",
    ),
    (
        "an empty section followed by another",
        "",
        "## Sammanfattning\n\n## Bakgrund\n\nText.\n",
        9,
        "the heading '## Sammanfattning' has no text under it",
    ),
    (
        "an empty section at the end",
        "",
        "## Sammanfattning\n\nText.\n\n## Förvaltningens förslag\n",
        13,
        "the heading '## Förvaltningens förslag' has no text under it",
    ),
]


@pytest.mark.parametrize(
    ("extra", "body", "line", "words"),
    [case[1:] for case in HALF_DONE],
    ids=[case[0] for case in HALF_DONE],
)
def test_half_done_is_an_error_when_published_and_fine_in_a_draft(
    corpus: Corpus, extra: str, body: str, line: int, words: str
) -> None:
    corpus.raw("decisions/a.md", DECISION.format(extra=extra, body=body))
    published = corpus.run("check")
    assert published.returncode == 1
    errors = [p for p in published.stdout.splitlines() if ": error: " in p]
    assert len(errors) == 1, published.stdout
    assert errors[0].startswith(f"content/decisions/a.md:{line}: error: {words}")
    assert published.stdout.splitlines()[-1].startswith("1 error, 0 warnings")

    corpus.raw("decisions/a.md", DECISION.format(extra=extra + "draft: true\n", body=body))
    draft = corpus.run("check", "--strict")
    assert (draft.returncode, draft.stdout) == (0, "0 errors, 0 warnings in 3 files\n")


def test_the_project_placeholder_of_new_is_an_error_when_published(corpus: Corpus) -> None:
    made = corpus.run("new", "project", "--owner", "hasselby-vallingby", "--name", "Samtal")
    assert made.returncode == 0, made.stderr
    path = corpus.content / "projects" / "samtal.md"
    assert corpus.run("check").returncode == 0  # a draft: the placeholder is work to do
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("draft: true", "draft: false"), encoding="utf-8")
    result = corpus.run("check")
    assert result.returncode == 1
    line = text.split("\n").index("Beskriv projektet här.") + 1
    assert result.stdout.splitlines()[0] == (
        f"content/projects/samtal.md:{line}: error: 'Beskriv projektet här.' is the template's"
        " placeholder: write the text that belongs here, or keep the file a draft with"
        " 'draft: true'"
    )


def test_a_new_decision_published_unfinished_lists_all_that_is_left(corpus: Corpus) -> None:
    """`new`, then `draft: true` removed at once: every empty section is an error, and the
    missing signatory and sum applied for are warnings, all in one run."""
    made = corpus.run(
        "new", "decision", "--district", "hasselby-vallingby", "--title", "Samtalsgrupper"
    )
    assert made.returncode == 0, made.stderr
    (path,) = (corpus.content / "decisions").glob("*.md")
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    path.write_text(
        "\n".join(line for line in lines if not line.startswith("draft:")), encoding="utf-8"
    )
    result = corpus.run("check")
    shown = f"content/decisions/{path.name}"
    headings = [n + 1 for n, line in enumerate(lines) if line.startswith("## ")]
    assert len(headings) == 4
    problems = result.stdout.splitlines()[:-1]
    assert [p.split(": ")[0] for p in problems if ": error: " in p] == [
        f"{shown}:{n - 1}"
        for n in headings  # the draft line above is gone
    ]
    warnings = sorted(p.rsplit(" ", 1)[-1] for p in problems if ": warning: " in p)
    assert warnings == ["[application-without-amount]", "[no-signatories]"]
    assert result.stdout.splitlines()[-1] == "4 errors, 2 warnings in 3 files"


def test_what_is_not_half_done_passes(corpus: Corpus) -> None:
    """A TODO inside a quoted value or a code block, a section with only subsections, and
    a heading followed by a list are content, not leftovers."""
    body = textwrap.dedent(
        """\
        ## Bakgrund

        ### Tidigare år

        Text om TODO-listor i projektet.

        ## Förslag

        - Ett förslag.

        ```
        TODO: ett exempel i ett kodblock
        ## inte en rubrik
        ```
        """
    )
    extra = 'notes:\n  - "Anteckning # TODO är citerad text"\n'
    corpus.raw("decisions/a.md", DECISION.format(extra=extra, body=body))
    result = corpus.run("check", "--strict")
    assert (result.returncode, result.stdout) == (0, "0 errors, 0 warnings in 3 files\n")


# -- warnings: who signed, what was applied for ----------------------------------------------


def _front(corpus: Corpus, front: str) -> list[str]:
    corpus.raw("decisions/a.md", "---\n" + front + "---\nText.\n")
    result = corpus.run("check")
    assert result.returncode == 0, result.stdout
    return result.stdout.splitlines()[:-1]


def test_a_decision_without_signatories_is_a_warning(corpus: Corpus) -> None:
    front = "title: Ansökan om medel\ndistrict: hasselby-vallingby\nmeeting: 2007-11-27\n"
    front += "kind: report\n"
    assert _front(corpus, front) == [
        "content/decisions/a.md:2: warning: no one is named in 'signed_by': add who signed the"
        " report, as the document gives them [no-signatories]"
    ]
    assert _front(corpus, front + "signed_by: []\n") == [
        "content/decisions/a.md:6: warning: no one is named in 'signed_by': add who signed the"
        " report, as the document gives them [no-signatories]"
    ]
    assert _front(corpus, front + "signed_by:\n  - name: Anna Andersson\n") == []


APPLICATION = """\
title: Ansökan om medel
district: hasselby-vallingby
meeting: 2007-11-27
kind: application
signed_by:
  - name: Anna Andersson
"""


def test_an_application_without_the_sum_applied_for_is_a_warning(corpus: Corpus) -> None:
    without = "content/decisions/a.md:{line}: warning: the application has no funding line with"
    without += " the sum applied for: add one (status: applied, amount in kronor) as the document"
    without += " gives it [application-without-amount]"
    assert _front(corpus, APPLICATION) == [without.format(line=2)]
    granted = "funding:\n  - {from: socialstyrelsen, amount: 5000, year: 2008, status: granted}\n"
    assert _front(corpus, APPLICATION + granted) == [without.format(line=8)]
    applied = granted.replace("granted", "applied")
    assert _front(corpus, APPLICATION + applied) == []
    # a report is not asked for a sum applied for
    assert _front(corpus, APPLICATION.replace("application", "report")) == []


def test_a_line_with_unknown_sum_is_a_warning_that_notes_can_explain(corpus: Corpus) -> None:
    lines = (
        "funding:\n"
        "  - {from: socialstyrelsen, amount: 5000, year: 2008, status: applied}\n"
        "  - {from: socialstyrelsen, status: granted}\n"
    )
    unknown = (
        "content/decisions/a.md:10: warning: funding[1] has no amount: the sum is not counted in"
        " any total; add it from the document, or explain in 'notes' why it is unknown"
        " [amount-unknown]"
    )
    assert _front(corpus, APPLICATION + lines) == [unknown]
    explained = APPLICATION + lines + "notes: [Beviljat belopp anges inte.]\n"
    explained += "acknowledged: [amount-unknown]\n"
    corpus.raw("decisions/a.md", "---\n" + explained + "---\nText.\n")
    strict = corpus.run("check", "--strict")
    assert strict.returncode == 0, strict.stdout
    assert (
        strict.stdout.splitlines()[-1] == "0 errors, 1 warning (1 explained in 'notes') in 3 files"
    )

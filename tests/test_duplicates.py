"""What would count money twice is caught: a document in two files, a line in one file twice.

`check` refuses two decisions that are one document (the same diary number, or the same
district, meeting and title), naming both files, and warns of two identical funding
lines in one file; `import` refuses a document that is already on the site.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import ROOT, Corpus, run_site
from tests.test_import import make_tree, seed

LINE = {"from": "lansstyrelsen", "amount": 5000, "year": 2008, "status": "granted"}


def errors(result_stdout: str) -> list[str]:
    return [line for line in result_stdout.splitlines() if ": error: " in line]


def test_two_files_with_one_diary_number_are_one_document(corpus: Corpus) -> None:
    corpus.decision("a", diary_number="1.5-123/2012", funding=[LINE])
    corpus.decision("b", title="Annan rubrik", diary_number="1.5-123/ 2012", funding=[LINE])
    corpus.decision("c", title="Tredje", diary_number="Dnr - - 2007")  # no number at all
    corpus.decision("d", title="Fjärde", diary_number="Dnr - - 2007")
    result = corpus.run("check")
    assert result.returncode == 1
    (error,) = errors(result.stdout)
    assert error.startswith("content/decisions/b.md:")
    assert "the one in content/decisions/a.md (the same diary number, 1.5-123/ 2012)" in error
    assert "counted twice" in error


def test_two_files_with_one_district_meeting_and_title_are_one_document(corpus: Corpus) -> None:
    corpus.decision("a", title="Ansökan om medel", meeting="2008-03-04")
    corpus.decision("b", title="Ansökan  om MEDEL", meeting="2008-03-04")
    corpus.decision("c", title="Ansökan om medel", meeting="2008-03-05")  # another meeting
    corpus.decision("d", title="Ansökan om medel", meeting="2008-03-04", district="skarholmen")
    result = corpus.run("check")
    assert result.returncode == 1
    (error,) = errors(result.stdout)
    assert error.startswith("content/decisions/b.md:")
    assert "(the same district, meeting and title)" in error


def test_a_line_twice_in_one_file_is_a_warning_that_fails_strict(corpus: Corpus) -> None:
    corpus.decision("a", funding=[LINE, {**LINE, "amount": 6000}, dict(LINE)])
    result = corpus.run("check")
    assert result.returncode == 0
    warnings = [line for line in result.stdout.splitlines() if ": warning: " in line]
    assert len(warnings) == 1
    assert "funding[2] is the same as funding[0] in every field" in warnings[0]
    assert warnings[0].endswith("[line-repeated]")
    assert corpus.run("check", "--strict").returncode == 1


def test_import_refuses_a_document_already_on_the_site(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    document = seed("002")
    first = run_site("import", str(document), cwd=root)
    assert first.returncode == 0, first.stderr
    (written,) = sorted((root / "content/decisions").glob("*.md"))
    again = run_site("import", str(document), cwd=root)
    assert again.returncode == 1
    assert f"already imported as content/decisions/{written.name}" in again.stderr
    assert "--force" in again.stderr
    assert sorted((root / "content/decisions").glob("*.md")) == [written]
    # A copy under another name is refused too, in one run with the first.
    copy = tmp_path / "kopia.txt"
    shutil.copy(document, copy)
    both = run_site("import", str(copy), cwd=root)
    assert both.returncode == 1
    forced = run_site("import", "--force", str(document), cwd=root)
    assert forced.returncode == 0, forced.stderr
    assert len(list((root / "content/decisions").glob("*.md"))) == 2


def test_the_shipped_content_has_no_document_twice() -> None:
    result = run_site("check", cwd=ROOT)
    assert "is the one in" not in result.stdout and "[line-repeated]" not in result.stdout

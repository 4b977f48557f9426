"""Messages in Swedish by default, through the gettext catalogue that Babel keeps.

Every message the commands print is a message id in the code (`insyn.model.i18n._`),
extracted with `pybabel extract` (`make messages`) into `insyn/locale/insyn.pot` and
translated in `insyn/locale/sv/LC_MESSAGES/insyn.po`. These tests read the code's ids the
way `pybabel extract` does, so a message added without its Swedish fails here; and they run
the commands as staff do, with no language set, and with `--lang en` or `LANG=en_...`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import ROOT, Corpus

POT = ROOT / "insyn" / "locale" / "insyn.pot"
PO = ROOT / "insyn" / "locale" / "sv" / "LC_MESSAGES" / "insyn.po"
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)[a-z]|%[a-z]")


def code_messages() -> set[str | tuple[str, ...]]:
    """The message ids in the code, as `pybabel extract -F babel.cfg` finds them."""
    found = extract_from_dir(str(ROOT / "insyn"), method_map=[("**.py", "python")])
    return {message for _file, _line, message, _comments, _context in found}


def test_every_message_of_the_code_has_its_swedish() -> None:
    with PO.open("rb") as file:
        catalogue = read_po(file)
    untranslated = []
    for message in code_messages():
        entry = catalogue.get(message[0] if isinstance(message, tuple) else message)
        if (
            entry is None
            or entry.fuzzy
            or not all(entry.string if entry.pluralizable else [entry.string])
        ):
            untranslated.append(message)
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for string in strings:
            # every value the message names is named in Swedish too, and no other
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(ids[-1])), (
                entry.id,
                string,
            )
    assert untranslated == [], "run `make messages` and translate these in insyn.po"


def test_the_template_and_catalogue_hold_exactly_the_messages_of_the_code() -> None:
    """No id is missing from insyn.pot (run `make messages`), and the catalogue keeps no
    translation of a message the code no longer has."""
    wanted = {m[0] if isinstance(m, tuple) else m for m in code_messages()}
    for path in (POT, PO):
        with path.open("rb") as file:
            held = {entry.id for entry in read_po(file) if entry.id}
        ids = {i[0] if isinstance(i, tuple) else i for i in held}
        assert ids == wanted, path.name


def test_plural_forms_follow_the_count() -> None:
    from insyn.model.i18n import ngettext, use_language

    use_language("sv")
    try:
        assert ngettext("{count} warning", "{count} warnings", 1).text() == "1 varning"
        assert ngettext("{count} warning", "{count} warnings", 2).text() == "2 varningar"
        assert ngettext("{count} file", "{count} files", 13).text() == "13 filer"
    finally:
        use_language("en")


# -- the commands, as staff run them -----------------------------------------------------


def run(corpus: Corpus, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python site.py ARGS` with the environment of a machine where no one chose a
    language (`LANG=C.UTF-8`, as in a container or CI), changed by `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "INSYN_LANG"))}
    base.update({"PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}, **env)
    return subprocess.run(
        [sys.executable, str(ROOT / "site.py"), *args],
        cwd=corpus.root,
        env=base,
        capture_output=True,
        text=True,
        timeout=300,
    )


def two_mistakes(corpus: Corpus) -> None:
    """A misspelt district (an error, with a suggestion) in one file, and a report dated
    after its meeting (a warning) in another."""
    corpus.decision("a", district="hasselby-valingby")
    corpus.decision("b", meeting="2008-01-10", document_date="2008-02-01")


SWEDISH = [
    "content/decisions/a.md:3: error: district: okänd organisation 'hasselby-valingby'"
    " (menade du 'hasselby-vallingby'?) (organisationerna finns i data/organisations.yaml)",
    "content/decisions/b.md:4: warning: sammanträdet (2008-01-10) är 22 dagar före"
    " tjänsteutlåtandets datum (2008-02-01): ett av datumen är troligen fel; förklara det i"
    " 'notes' och ange den här koden i 'acknowledged' [meeting-before-report]",
    "1 fel, 1 varning i 4 filer",
]
ENGLISH_ERROR = (
    "content/decisions/a.md:3: error: district: unknown organisation 'hasselby-valingby'"
    " (did you mean 'hasselby-vallingby'?) (organisations are listed in data/organisations.yaml)"
)


def test_check_speaks_swedish_by_default(corpus: Corpus) -> None:
    two_mistakes(corpus)
    result = run(corpus, "check")
    assert result.returncode == 1
    # the severity words are fixed (editors' problem matchers read them), the rest Swedish
    assert result.stdout.splitlines() == SWEDISH
    assert run(corpus, "check", LANG="sv_SE.UTF-8").stdout.splitlines()[-1] == SWEDISH[-1]


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--lang", "en", "check"), {}),
        (("check", "--lang", "en"), {}),
        (("check",), {"LANG": "en_US.UTF-8"}),
        (("check",), {"LANG": "sv_SE.UTF-8", "LC_ALL": "en_GB.UTF-8"}),
        (("check",), {"INSYN_LANG": "en"}),
    ],
    ids=["--lang before", "--lang after", "LANG", "LC_ALL", "INSYN_LANG"],
)
def test_english_when_asked(corpus: Corpus, args: tuple[str, ...], env: dict[str, str]) -> None:
    two_mistakes(corpus)
    lines = run(corpus, *args, **env).stdout.splitlines()
    assert lines[0] == ENGLISH_ERROR
    assert lines[-1] == "1 error, 1 warning in 4 files"


def test_help_and_argument_errors_are_swedish(corpus: Corpus) -> None:
    shown = run(corpus, "check", "--help")
    assert "misslyckas även vid varningar" in shown.stdout
    assert "fail on warnings too" in run(corpus, "check", "--help", "--lang", "en").stdout


def test_a_mistyped_command_is_answered_in_swedish(corpus: Corpus) -> None:
    """argparse's own words (usage, unknown or missing arguments) come from the catalogue."""
    typo = run(corpus, "check", "--strikt")
    assert typo.returncode == 1
    assert typo.stderr.splitlines()[0].startswith("användning: site.py ")
    assert typo.stderr.splitlines()[-1] == "site.py: error: okända argument: --strikt"
    missing = run(corpus, "new", "decision", "--title", "T")
    assert missing.stderr.splitlines()[-1] == (
        "site.py new decision: error: de här argumenten krävs: --district"
    )
    choice = run(corpus, "check", "--format", "xml", "--lang", "en")
    assert choice.stderr.splitlines()[-1] == (
        "site.py check: error: argument --format: invalid choice: 'xml' (choose from 'text',"
        " 'json')"
    )


def test_build_and_new_speak_swedish(corpus: Corpus) -> None:
    corpus.decision("a", district="hasselby-valingby")
    built = run(corpus, "build", "--no-search")
    assert built.returncode == 1
    assert built.stderr.splitlines()[-1] == (
        "Bygget misslyckades: 1 fel, 0 varningar i 3 filer; _site lämnades orörd"
    )
    made = run(corpus, "new", "decision", "--district", "hasselby-valingby", "--title", "T")
    assert made.returncode == 1
    assert "stadsdelsnämnd: okänt id 'hasselby-valingby' (menade du 'hasselby-vallingby'?)" in (
        made.stderr
    )


def test_format_json_gives_one_object_per_problem(corpus: Corpus) -> None:
    two_mistakes(corpus)
    text = run(corpus, "check", "--lang", "en")
    result = run(corpus, "check", "--format", "json", "--lang", "en")
    assert result.returncode == 1
    problems = [json.loads(line) for line in result.stdout.splitlines()]
    assert [set(p) for p in problems] == [
        {"path", "line", "column", "severity", "code", "message", "suggestion", "acknowledged"}
    ] * 2
    # the same problems as the lines of text, field by field
    shown = [
        f"{p['path']}:{p['line']}: {p['severity']}: {p['message']}"
        + (f" [{p['code']}]" if p["severity"] == "warning" and p["code"] else "")
        for p in problems
    ]
    assert shown == text.stdout.splitlines()[:-1]
    unknown = next(p for p in problems if p["severity"] == "error")
    assert (unknown["suggestion"], unknown["code"]) == ("hasselby-vallingby", None)
    dated = next(p for p in problems if p["severity"] == "warning")
    assert (dated["code"], dated["suggestion"]) == ("meeting-before-report", None)
    assert isinstance(unknown["line"], int)
    swedish = [
        json.loads(x) for x in run(corpus, "check", "--format", "json").stdout.split("\n") if x
    ]
    assert [p["message"] for p in swedish] == [
        line.split(": ", 2)[2].removesuffix(" [meeting-before-report]") for line in SWEDISH[:-1]
    ]


def test_a_clean_run_in_json_prints_nothing(corpus: Corpus) -> None:
    corpus.decision("a")
    result = run(corpus, "check", "--format", "json")
    assert (result.returncode, result.stdout) == (0, "")


def test_the_catalogue_read_without_make_equals_what_pybabel_compiles(tmp_path: Path) -> None:
    """`make` compiles insyn.po into the insyn.mo gettext reads; a clone that never ran make
    (or a host that only pip-installs) reads the .po itself: the same messages either way."""
    import gettext

    from insyn.model import i18n

    folder = tmp_path / "sv" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "insyn.po").write_bytes(PO.read_bytes())
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "compile",
            "-d",
            str(tmp_path),
            "-D",
            "insyn",
        ],
        check=True,
        capture_output=True,
    )
    with (folder / "insyn.mo").open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    read = gettext.GNUTranslations(
        __import__("io").BytesIO(i18n.compile_catalogue(PO.read_bytes()))
    )
    with PO.open("rb") as file:
        ids = [e.id for e in read_po(file) if e.id]
    assert len(ids) > 100
    for msgid in ids:
        if isinstance(msgid, tuple):
            for n in (1, 2, 5):
                assert compiled.ngettext(*msgid, n) == read.ngettext(*msgid, n)
        else:
            assert compiled.gettext(msgid) == read.gettext(msgid)
    assert read.gettext("a list") == compiled.gettext("a list") == "en lista"

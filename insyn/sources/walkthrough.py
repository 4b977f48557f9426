"""The staff guide's examples, made by running the commands they show.

`docs/guide.md` walks a new decision from `new` to publication, quoting what `check`
prints at each step. Those quotes are not written by hand: this module makes the
decision in a temporary folder with the project's own data, runs `site.py` as staff do
(Swedish, the default), and writes its output between markers in the guide; the table
of common messages is read from the Swedish catalogue. A test fails when the guide
differs from what this produces, so the guide says what the tool says. Update it with
`python -m insyn.sources.walkthrough`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from insyn.model.i18n import _, use_language
from insyn.sources.fieldref import rewrite_guide
from insyn.sources.files import PROJECT_ROOT

TITLE = "Ansökan om medel för samtalsgrupper"
NEW = (
    "new",
    "decision",
    "--district",
    "hasselby-vallingby",
    "--title",
    TITLE,
    "--meeting",
    "2026-02-03",
)

#: (a message id of the catalogue, what to do about it); the guide shows its Swedish
COMMON = [
    (
        "{where}: unknown organisation '{org_id}'{hint} (organisations are listed in "
        "data/organisations.yaml)",
        "stava id:t som i `data/organisations.yaml`, eller lägg till organisationen där",
    ),
    ("{where}: {value} is not a real calendar date", "skriv ett datum som finns, ÅÅÅÅ-MM-DD"),
    (
        "{where}: {value} is not a date: write YYYY-MM-DD, e.g. 2007-11-27",
        "skriv datum som ÅÅÅÅ-MM-DD",
    ),
    (
        "{where} must be a whole number of kronor, not {found}: write {example}, without "
        "spaces, dots or 'kr'",
        "skriv beloppet som heltal: `5630000`",
    ),
    (
        "{where} must be a whole number in plain kronor, not {value}: {hint}",
        "skriv bara siffror, utan inledande nolla, decimaler eller kolon: `0100000` och "
        "`100000.0` blir `100000`",
    ),
    ("{where}: {value}: the year must be between 1900 and 2100", "rätta årtalet i datumet"),
    ("missing required key '{key}'", "lägg till fältet; se tabellerna nedan"),
    ("unknown key '{key}'{hint}", "rätta stavningen; ett okänt fält publiceras inte"),
    (
        "missing front matter: the first line must be '---', followed by the YAML keys",
        "filen ska börja med en rad `---`, och fälten avslutas med en rad `---`",
    ),
    (
        "{where}: {kind} '{target}' is a draft and will not be published; publish it first "
        "or mark this file as a draft too",
        "ta bort `draft: true` i den andra filen, eller gör även denna till utkast",
    ),
    (
        "a TODO is left in a file that is published: settle it (and remove the comment), or "
        "keep the file a draft with 'draft: true'",
        "gör det som kommentaren säger och ta bort den",
    ),
    (
        "the heading '{heading}' has no text under it: write the section, or remove the heading",
        "skriv avsnittet, eller ta bort rubriken",
    ),
    (
        "no one is named in 'signed_by': add who signed the report, as the document gives them",
        "skriv in underskrifterna under `signed_by` (en varning)",
    ),
    (
        "the application has no funding line with the sum applied for: add one (status: "
        "applied, amount in kronor) as the document gives it",
        "lägg till det sökta beloppet som en finansieringsrad (en varning)",
    ),
]


def _run(root: Path, *args: str) -> str:
    """`python site.py ARGS` in `root`, on a machine where no language was chosen."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "INSYN_"))}
    env.update(LANG="C.UTF-8", PYTHONPATH=str(PROJECT_ROOT), SOURCE_DATE_EPOCH="1767225600")
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "site.py"), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return (result.stdout + result.stderr).rstrip("\n")


def _edit(path: Path, *changes: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in changes:
        if old not in text:
            raise AssertionError(f"the template no longer has {old!r}")
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def examples() -> dict[str, str]:
    """Each example's name -> what the commands printed, in Swedish."""
    found: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(PROJECT_ROOT / "data", root / "data")
        (root / "content" / "decisions").mkdir(parents=True)
        (root / "content" / "projects").mkdir()
        found["new"] = (
            "$ .venv/bin/python site.py "
            + " ".join(f'"{a}"' if " " in a else a for a in NEW)
            + "\n"
            + _run(root, *NEW)
        )
        (path,) = (root / "content" / "decisions").glob("*.md")
        _edit(
            path,
            ("district: hasselby-vallingby", "district: hasselby-valingby"),
            ("meeting: 2026-02-03", "meeting: 2026-02-30"),
            (
                "funding: []",
                "funding:\n  - from: socialstyrelsen\n    amount: 100.000 kr\n    year: 2026\n"
                "    status: applied",
            ),
            ("tags: []", "tags: []\ndiarienummer: 1.5-123/2026"),
        )
        found["mistakes"] = _run(root, "check")
        _edit(
            path,
            ("district: hasselby-valingby", "district: hasselby-vallingby"),
            ("meeting: 2026-02-30", "meeting: 2026-02-03"),
            ("amount: 100.000 kr", "amount: 100000"),
            ("\ndiarienummer: 1.5-123/2026", ""),
            ("draft: true", "draft: false"),
        )
        found["unfinished"] = _run(root, "check")
        _edit(
            path,
            (
                "# signed_by:",
                "signed_by:\n  - name: Anna Andersson\n    title: Stadsdelsdirektör\n# signed_by:",
            ),
            ("## Sammanfattning\n", "## Sammanfattning\n\nFörvaltningen föreslår …\n"),
            ("## Bakgrund\n", "## Bakgrund\n\nSedan 2024 …\n"),
            ("## Ärendets beredning\n", "## Ärendets beredning\n\nÄrendet har beretts …\n"),
            ("## Förvaltningens förslag", "## Förvaltningens förslag\n\nFörvaltningen …"),
        )
        found["finished"] = _run(root, "check")
    found["messages"] = _messages_table()
    return found


def _shown(msgid: str) -> str:
    """The Swedish of a message as staff meet it: what the run fills in is `…`."""
    words = _(msgid).text("sv")
    words = re.sub(r"^\{where\}: ", "", words)  # the key, as the line names it
    words = re.sub(r"(: )?\{hint\}", "", words)  # "did you mean", when there is one
    return re.sub(r"\{[^{}]*\}", "…", words).replace("|", "\\|")


def _messages_table() -> str:
    rows = ["| meddelandet säger | gör så här |", "|---|---|"]
    rows += [f"| {_shown(msgid)} | {advice} |" for msgid, advice in COMMON]
    return "\n".join(rows)


def _markers(name: str) -> tuple[str, str]:
    return (
        f"<!-- exempel {name}: start (genereras av python -m insyn.sources.walkthrough) -->",
        f"<!-- exempel {name}: slut -->",
    )


def updated_guide(text: str, made: dict[str, str] | None = None) -> str:
    """The guide with every example block replaced by what the commands print now."""
    made = examples() if made is None else made
    for name, output in made.items():
        start, end = _markers(name)
        before, found, rest = text.partition(start)
        if not found:
            raise AssertionError(f"docs/guide.md has no block {start}")
        _, _, after = rest.partition(end)
        body = output if name == "messages" else f"```\n{output}\n```"
        text = f"{before}{start}\n{body}\n{end}{after}"
    return text


def main() -> int:
    use_language("sv")
    return rewrite_guide(updated_guide)


if __name__ == "__main__":
    sys.exit(main())

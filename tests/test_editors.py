"""The editor set-up a clone brings (`.vscode/`): the YAML extension recommended, the data
files mapped to their schemas, and a task whose problem matcher puts every line `check`
prints into the editor's Problems panel, at its file and line.

What is tested is what the editor would do with these files: the mapped files exist and
are valid against the schemas they are mapped to, and the matcher's pattern, read as VS
Code reads it, parses `check`'s real output in both languages.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from jsonschema import Draft202012Validator

from tests.conftest import ROOT, Corpus, run_site

VSCODE = ROOT / ".vscode"


def _json(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((VSCODE / name).read_text(encoding="utf-8"))
    return data


def test_the_yaml_extension_is_recommended() -> None:
    assert "redhat.vscode-yaml" in _json("extensions.json")["recommendations"]  # type: ignore[operator]


def test_each_data_file_is_mapped_to_its_schema_and_valid_against_it() -> None:
    from insyn.sources.schema import _registry
    from insyn.sources.yamlsource import parse_yaml

    mapping = _json("settings.json")["yaml.schemas"]
    assert isinstance(mapping, dict)
    mapped = {}
    for schema_path, pattern in mapping.items():
        schema_file = (ROOT / schema_path).resolve()
        assert schema_file.is_file(), schema_path
        assert schema_file.parent == ROOT / "insyn" / "schemas"
        files = sorted(ROOT.glob(pattern))
        assert files, f"{pattern} matches no file"
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        validator = Draft202012Validator(schema, registry=_registry())
        for file in files:
            # as the editor's YAML 1.2 reads it: a date is text, as in Insyn's own loader
            data = parse_yaml(file.read_text(encoding="utf-8")).data
            assert list(validator.iter_errors(data)) == [], file
            mapped[file.relative_to(ROOT).as_posix()] = schema_file.name
    assert mapped == {
        "data/organisations.yaml": "organisations.schema.json",
        "data/site.yaml": "site.schema.json",
    }


def _matcher() -> tuple[re.Pattern[str], dict[str, int]]:
    (task,) = [t for t in _json("tasks.json")["tasks"] if t.get("problemMatcher")]  # type: ignore[attr-defined]
    assert task["command"] == "make check"
    matcher = task["problemMatcher"]
    assert matcher["fileLocation"] == ["relative", "${workspaceFolder}"]
    pattern = matcher["pattern"]
    groups = {k: pattern[k] for k in ("file", "line", "severity", "message")}
    return re.compile(pattern["regexp"]), groups


def _problems_panel(output: str, root: Path) -> list[tuple[str, int, str, str]]:
    regexp, groups = _matcher()
    found = []
    for line in output.splitlines():
        match = regexp.match(line)
        if match:
            file = match.group(groups["file"])
            assert (root / file).is_file(), file  # the editor opens it, relative to the root
            found.append(
                (
                    file,
                    int(match.group(groups["line"])),
                    match.group(groups["severity"]),
                    match.group(groups["message"]),
                )
            )
    return found


def test_the_check_task_puts_every_problem_at_its_file_and_line(corpus: Corpus) -> None:
    corpus.decision("a", district="hasselby-valingby")
    corpus.decision("b", meeting="2008-01-10", document_date="2008-02-01")
    for language in ("sv", "en"):
        result = run_site("check", "--lang", language, cwd=corpus.root)
        lines = result.stdout.splitlines()
        panel = _problems_panel(result.stdout, corpus.root)
        # every line but the summary is a problem the editor shows; the summary is not one
        assert len(panel) == len(lines) - 1 == 2
        assert [(f, n, s) for f, n, s, _ in panel] == [
            ("content/decisions/a.md", 3, "error"),
            ("content/decisions/b.md", 4, "warning"),
        ]
        assert panel[1][3].endswith("[meeting-before-report]")

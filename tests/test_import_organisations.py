"""`import` and organisations: names as documents write them, and those the site lacks.

A funder written as an abbreviation (Brå, SoS, Lst) or inflected ("Socialstyrelsens")
is the organisation of data/organisations.yaml. A funder or an addressee the file
lacks still gets its funding line, under a proposed id with a TODO and a ready entry,
printed, in the draft, and appended (marked for review) by `--add-organisations`.
A nämnd that is not a Stockholm district council is never taken for one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import run_site
from tests.test_import import make_tree

DOCUMENT = """\
Till
Farsta stadsdelsnämnd

Ansökan om medel för stödsamtal

Förslag till beslut

Stadsdelsnämnden godkänner ansökan.

Bakgrund

{sentence}
"""


def _import(root: Path, text: str, *options: str) -> tuple[dict[str, object], str, str]:
    source = root / "dokument.txt"
    source.write_text(text, encoding="utf-8")
    result = run_site(
        "import", str(source), "--out", "content/decisions", "--data", "data", *options, cwd=root
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    (path,) = (root / "content" / "decisions").iterdir()
    written = path.read_text(encoding="utf-8")
    front = yaml.safe_load(written.split("\n---\n", 1)[0].removeprefix("---\n"))
    return front, written, result.stdout


@pytest.mark.parametrize(
    ("sentence", "payer"),
    [
        ("Förvaltningen ansöker hos SoS om 300 000 kr för 2014.", "socialstyrelsen"),
        ("Förvaltningen ansöker hos Lst om 300 000 kr för 2014.", "lansstyrelsen-stockholm"),
        (
            "Förvaltningen ansöker om 300 000 kr för 2014 ur Brå:s utlysning.",
            "brottsforebyggande-radet",
        ),
        (
            "Enligt Socialstyrelsens utlysning ansöker förvaltningen om 300 000 kr för 2014.",
            "socialstyrelsen",
        ),
        (
            "Länsstyrelsens utlysning gör att förvaltningen ansöker om 300 000 kr för 2014.",
            "lansstyrelsen-stockholm",
        ),
    ],
)
def test_abbreviations_and_inflections_name_known_funders(
    tmp_path: Path, sentence: str, payer: str
) -> None:
    root = make_tree(tmp_path)
    front, text, stdout = _import(root, DOCUMENT.format(sentence=sentence))
    assert front["funding"] == [
        {"from": payer, "amount": 300000, "year": 2014, "status": "applied"}
    ], text
    assert "saknas i data/organisations.yaml" not in text and "missing" not in stdout


def test_unknown_funder_gets_its_line_a_proposed_id_and_an_entry(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    sentence = "Förvaltningen ansöker hos Jämställdhetsmyndigheten om 300 000 kr för 2014."
    front, text, stdout = _import(root, DOCUMENT.format(sentence=sentence))
    line = {"from": "jamstalldhetsmyndigheten", "amount": 300000, "year": 2014}
    assert front["funding"] == [{**line, "status": "applied"}]
    assert "# TODO: Jämställdhetsmyndigheten finns inte i data/organisations.yaml" in text
    assert "#   - id: jamstalldhetsmyndigheten" in text  # the entry, in the draft
    assert "- id: jamstalldhetsmyndigheten" in stdout  # and printed
    assert '  name: "Jämställdhetsmyndigheten"\n  type: funder' in stdout
    # printed only: data/organisations.yaml is untouched
    assert "jamstalldhetsmyndigheten" not in (root / "data" / "organisations.yaml").read_text(
        encoding="utf-8"
    )
    result = run_site("check", "--content", "content", "--data", "data", cwd=root)
    assert "jamstalldhetsmyndigheten" in result.stdout + result.stderr  # unknown until added


def test_add_organisations_appends_entries_marked_for_review(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    sentence = "Förvaltningen ansöker hos Brottsoffermyndigheten om 300 000 kr för 2014."
    _import(root, DOCUMENT.format(sentence=sentence), "--add-organisations")
    organisations = (root / "data" / "organisations.yaml").read_text(encoding="utf-8")
    assert "# TODO: granska – föreslagen av import från dokument.txt" in organisations
    entries = yaml.safe_load(organisations)
    added = [e for e in entries if e["id"] == "brottsoffermyndigheten"]
    assert added == [
        {
            "id": "brottsoffermyndigheten",
            "name": "Brottsoffermyndigheten",
            "type": "funder",
            "category": "statlig myndighet",
        }
    ]
    result = run_site("check", "--content", "content", "--data", "data", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_other_municipality_is_never_a_district(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    text = (
        "Göteborgs Stad\nSocialförvaltningen Centrum\n\nTjänsteskrivelse\n"
        "Datum 2018-04-10\nDiarienummer SOC 2018/0456\n\n"
        "Till Socialnämnden Centrum\n\nStöd till våldsutsatta kvinnor\n\n"
        "Förslag till beslut\n\nSocialnämnden Centrum godkänner ansökan.\n\n"
        "Ärendet\n\nFörvaltningen ansöker hos Länsstyrelsen om 200 000 kr för 2018.\n"
    )
    front, written, stdout = _import(root, text)
    assert "district" not in front
    assert "# TODO: ärendet ställs till ”Socialnämnden Centrum”, som inte är en" in written
    assert "- id: goteborgs-stad-socialnamnden-centrum" in stdout
    assert 'name: "Socialnämnden Centrum, Göteborgs Stad"' in stdout
    assert front["funding"] == [
        {"from": "lansstyrelsen-stockholm", "amount": 200000, "year": 2018, "status": "applied"}
    ]  # "Länsstyrelsen" is the file's alias, but in Göteborg it is another county's:
    assert "# TODO: dokumentet är från Göteborgs Stad; ”Länsstyrelsen” är där troligen" in written


def test_another_countys_lansstyrelse_is_not_stockholms(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    sentence = (
        "Förvaltningen ansöker om 300 000 kr för 2014 från Länsstyrelsen i Västra Götalands län."
    )
    front, _text, stdout = _import(root, DOCUMENT.format(sentence=sentence))
    assert front["funding"] == [
        {
            "from": "lansstyrelsen-i-vastra-gotalands-lan",
            "amount": 300000,
            "year": 2014,
            "status": "applied",
        }
    ]
    assert 'name: "Länsstyrelsen i Västra Götalands län"' in stdout

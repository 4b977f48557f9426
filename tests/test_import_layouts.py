"""`import` on layouts the seeds do not have, each field checked against the hand-written
value: a Word tjänsteskrivelse with its letterhead in a table and signatures at the end,
"Socialnämndens beslut" as the proposals' heading, a "Bilagor" list followed by junk,
and a title run into the next heading."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from insyn.importer import import_files
from tests.test_import import make_tree


def _draft(root: Path, source: Path) -> tuple[dict[str, object], str]:
    out = root / "content" / "decisions"
    assert import_files([source], out, root / "data") == 0
    (path,) = out.iterdir()
    text = path.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))
    return front, text.split("\n---\n", 1)[1]


def test_word_tjansteskrivelse_with_letterhead_table(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    root = make_tree(tmp_path)
    document = docx.Document()
    head = document.add_table(rows=2, cols=2)
    for row, cells in zip(
        head.rows,
        [["Tjänsteskrivelse", "Datum 2017-05-02"],
         ["Vår referens Mona Dahl", "Diarienummer SN 2017/0088"]],
        strict=True,
    ):  # fmt: skip
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    document.add_paragraph("Socialnämnden")
    document.add_heading("Stödboende för våldsutsatta kvinnor med barn", level=1)
    document.add_heading("Beslutsförslag", level=2)
    document.add_paragraph("Socialnämnden godkänner avtalet om stödboende.")
    document.add_paragraph("Socialnämnden anslår 800 000 kronor för 2017 till stödboendet.")
    document.add_heading("Sammanfattning", level=2)
    document.add_paragraph(
        "Förvaltningen har upphandlat ett stödboende med tolv platser för kvinnor och barn "
        "som lämnat en våldsam relation. Avtalet gäller från den 1 juli 2017."
    )
    document.add_heading("Barnperspektiv", level=2)
    document.add_paragraph("Barnen får egen samtalskontakt under hela vistelsen.")
    for text in ["Ulla Berg", "Socialdirektör", "", "Beslutet skickas till", "Akten"]:
        document.add_paragraph(text)
    source = root / "stodboende.docx"
    document.save(str(source))
    front, body = _draft(root, source)
    assert front["title"] == "Stödboende för våldsutsatta kvinnor med barn"
    assert front["document_date"] == "2017-05-02" or str(front["document_date"]) == "2017-05-02"
    assert front["diary_number"] == "SN 2017/0088"
    assert front["case_officer"] == {"name": "Mona Dahl"}
    assert front["proposals"] == [
        "Socialnämnden godkänner avtalet om stödboende.",
        "Socialnämnden anslår 800 000 kronor för 2017 till stödboendet.",
    ]
    assert front["signed_by"] == [{"name": "Ulla Berg", "title": "Socialdirektör"}]
    assert "district" not in front  # Socialnämnden is no district council
    assert "## Barnperspektiv\n\nBarnen får egen samtalskontakt" in body
    assert "## Beslutet skickas till" in body and "Akten" in body


def test_council_decision_heading_junk_after_attachments_and_run_on_title(
    tmp_path: Path,
) -> None:
    root = make_tree(tmp_path)
    source = root / "protokoll.txt"
    source.write_text(
        "Handläggare: Ola Nyström\nTelefon: 08-508 14 500\nDnr 1.2.3-88/2015\n\n"
        "Till\nSkarpnäcks stadsdelsnämnd\n\n"
        "Redovisning av projektet Trygga relationer 2014\nSocialnämndens beslut\n"
        "1. Stadsdelsnämnden godkänner redovisningen.\n2. Redovisningen överlämnas till "
        "Socialstyrelsen.\n\nPia Ström\nStadsdelsdirektör\n\n"
        "Bakgrund\n\nProjektet pågick under hela 2014 och nådde 60 familjer. "
        "Socialstyrelsen har beviljat 400 000 kr för 2014.\n\n"
        "Bilagor\n1. Slutrapport\n2. Ekonomisk redovisning\nPia Ström\nStadsdelsdirektör\n"
        "Expedieras\nSocialstyrelsen\nSida 3 (3)\nInnehåll ........ 1\n",
        encoding="utf-8",
    )
    front, body = _draft(root, source)
    assert front["title"] == "Redovisning av projektet Trygga relationer 2014"
    assert front["kind"] == "report"
    assert front["district"] == "skarpnack"
    assert front["proposals"] == [
        "Stadsdelsnämnden godkänner redovisningen.",
        "Redovisningen överlämnas till Socialstyrelsen.",
    ]
    assert front["signed_by"] == [{"name": "Pia Ström", "title": "Stadsdelsdirektör"}]
    assert front["attachments"] == ["Slutrapport", "Ekonomisk redovisning"]
    assert "Expedieras" in body and "Projektet pågick under hela 2014" in body
    assert "Sida 3" not in body

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


def test_pdf_pages_lose_their_furniture_and_columns_read_in_order(tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    root = make_tree(tmp_path)
    pdf = fpdf.FPDF()
    pdf.set_font("Helvetica", size=10)
    header = "Tjänsteutlåtande Dnr 1.5-77/2014"

    def page(number: int) -> None:
        pdf.add_page()
        pdf.set_xy(10, 8)
        pdf.cell(0, 5, header)
        pdf.set_xy(10, 285)
        pdf.cell(0, 5, f"Sida {number} (3)")
        pdf.set_xy(10, 20)

    page(1)
    for line in [
        "Handläggare: Anna Berg", "Telefon: 08-508 11 222", "", "Till", "Farsta stadsdelsnämnd",
        "", "Ansökan till Socialstyrelsen om medel för stödgrupper", "", "Förslag till beslut",
        "", "Stadsdelsnämnden godkänner ansökan till Socialstyrelsen.", "", "Karin Ek",
        "stadsdelsdirektör", "", "Sammanfattning", "",
        "Förvaltningen ansöker om 300 000 kr för 2014 hos Socialstyrelsen.",
    ]:  # fmt: skip
        if line:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(6)
    page(2)
    left = [f"Vänster mening nummer {n} om stödet." for n in range(1, 9)]
    right = [f"Höger mening nummer {n} om gruppen." for n in range(1, 9)]
    for row, (one, two) in enumerate(zip(left, right, strict=True)):
        pdf.set_xy(10, 20 + row * 6)
        pdf.cell(85, 6, one)
        pdf.set_xy(110, 20 + row * 6)
        pdf.cell(85, 6, two)
    page(3)
    pdf.cell(0, 6, "Bakgrund", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.cell(0, 6, "Gruppen har funnits sedan 2012.", new_x="LMARGIN", new_y="NEXT")
    source = root / "farsta.pdf"
    pdf.output(str(source))
    front, body = _draft(root, source)
    assert front["district"] == "farsta"
    assert front["diary_number"] == "1.5-77/2014"  # from the letterhead of page 1
    assert front["funding"] == [
        {"from": "socialstyrelsen", "amount": 300000, "year": 2014, "status": "applied"}
    ]
    assert header not in body and "Sida 2" not in body and "Sida 3" not in body
    flat = " ".join(body.split())
    order = [flat.index(f"Vänster mening nummer {n} ") for n in range(1, 9)]
    order += [flat.index(f"Höger mening nummer {n} ") for n in range(1, 9)]
    assert order == sorted(order), flat  # the left column, then the right one
    assert "## Bakgrund\n\nGruppen har funnits sedan 2012." in body


def test_clean_pages_removes_what_every_page_repeats() -> None:
    from insyn.importer.layout import clean_pages

    pages = [
        "Farsta stadsdelsförvaltning\nTjänsteutlåtande Dnr 1.5-1/2014\n\nText ett.\n\nSida 1 (3)",
        "Tjänsteutlåtande Dnr 1.5-1/2014\n\nText två nämner Farsta.\n\nSida 2 (3)",
        "Tjänsteutlåtande Dnr 1.5-1/2014\nText tre.\nText tre.\n- 3 -",
    ]
    first, second, third = clean_pages(pages)
    assert first.startswith("Farsta stadsdelsförvaltning\nTjänsteutlåtande Dnr")  # letterhead
    assert "Dnr" not in second and "Sida" not in second and "Text två nämner Farsta." in second
    assert third == "Text tre.\nText tre."  # body text that repeats is kept; "- 3 -" is not
    # on two pages, a repeated line is furniture only when it looks like it
    assert clean_pages(["Bakgrund\n\nEtt.", "Bakgrund\n\nTvå."]) == [
        "Bakgrund\n\nEtt.",
        "Bakgrund\n\nTvå.",
    ]
    assert clean_pages(["Dnr 7/2014\n\nEtt.", "Dnr 7/2014\n\nTvå."]) == [
        "Dnr 7/2014\n\nEtt.",
        "\nTvå.",
    ]


def test_text_with_form_feeds_loses_page_furniture(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    source = root / "sidor.txt"
    pages = [
        "Tjänsteutlåtande Dnr 1.5-9/2014\nHandläggare: Ola Berg\nTelefon: 08-508 10 000\n\n"
        "Till\nFarsta stadsdelsnämnd\n\n"
        "Ansökan om medel för kvinnojouren\n\nFörslag till beslut\n\n"
        "Stadsdelsnämnden godkänner ansökan.\n\nBakgrund\n\nJouren har funnits länge och",
        "Tjänsteutlåtande Dnr 1.5-9/2014\nSida 2 (2)\n\nbehöver nu mer stöd.\n",
    ]
    source.write_text("\f".join(pages), encoding="utf-8")
    front, body = _draft(root, source)
    assert front["diary_number"] == "1.5-9/2014"
    assert "Jouren har funnits länge och behöver nu mer stöd." in body
    assert "Sida 2" not in body


def test_applied_total_spread_over_years_by_a_table_in_tkr(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    source = root / "tkr.txt"
    source.write_text(
        "Till\nFarsta stadsdelsnämnd\n\nAnsökan om medel för familjestöd\n\n"
        "Förslag till beslut\n\nStadsdelsnämnden godkänner ansökan.\n\n"
        "Ekonomi\n\nFörvaltningen ansöker hos Socialstyrelsen om 900 000 kronor.\n\n"
        "Kostnad (tkr)\t2015\t2016\nSamordnare\t400\t300\nUtbildning\t50\t150\n"
        "Summa\t450\t450\n",
        encoding="utf-8",
    )
    front, body = _draft(root, source)
    lines = [(line["amount"], line["year"], line["status"]) for line in front["funding"]]
    assert lines == [(450000, 2015, "applied"), (450000, 2016, "applied")]
    assert "| Summa | 450 | 450 |" in body

"""The field reference of the open data, in Swedish: the one source the `/data/` page renders.

`tests/test_opendata.py` checks that every key the exports write is
described here, so a new field cannot ship undocumented.
"""

from __future__ import annotations

from dataclasses import dataclass

from insyn.opendata.grants360 import EXTENSION_FIELD, LEGAL_ENTITY_FIELD, PREFIX
from insyn.opendata.guide360 import GRANT, PACKAGE
from insyn.opendata.guide_types import (  # noqa: F401  (the names the template uses)
    BOOLEAN,
    DATE_OR_NULL,
    INTEGER,
    LINE_LIST,
    REF,
    REF_LIST,
    REF_OR_NULL,
    STATUS_SUMS,
    TEXT,
    TEXT_LIST,
    TEXT_OR_NULL,
    URL,
    URL_OR_NULL,
    Download,
    Field,
    Table,
)

STATUS_MEANING = (
    "applied = sökt, granted = beviljat, rejected = avslag, contributed = egen "
    "finansiering eller en partners utlovade medfinansiering"
)

HEADER = Table(
    "falt-huvud",
    "Gemensamma fält i JSON-filerna under /data/",
    "Varje JSON-fil under /data/ (utom 360giving.json) är ett objekt med de här fälten och "
    "en lista med posterna.",
    (
        Field("title", TEXT, "Filens namn och webbplatsens namn."),
        Field("licence", TEXT_OR_NULL, "Licensen för uppgifterna."),
        Field("licence_url", URL_OR_NULL, "Licenstexten."),
        Field("documentation", URL, "Den här sidan."),
        Field("count", INTEGER, "Antal poster i listan."),
        Field("decisions", "lista med beslut", "I beslut.json: alla publicerade beslut."),
        Field("projects", "lista med projekt", "I projekt.json: alla publicerade projekt."),
        Field(
            "organisations",
            "lista med organisationer",
            "I organisationer.json: alla organisationer.",
        ),
        Field("lines", LINE_LIST, "I finansiering.json: alla finansieringsrader."),
    ),
)

REFERENCE = Table(
    "falt-hanvisning",
    "Hänvisning",
    "En hänvisning till en annan post: organisation, projekt eller beslut.",
    (
        Field("id", TEXT, "Postens id, samma som i webbadressen."),
        Field("name", TEXT, "Organisationens eller projektets namn, eller beslutets rubrik."),
        Field("url", URL, "Postens sida på webbplatsen."),
    ),
)

DECISION = Table(
    "falt-beslut",
    "Beslut (beslut.json)",
    "Ett beslut i en stadsdelsnämnd, med tjänsteutlåtandets uppgifter.",
    (
        Field("id", TEXT, "Beslutets id."),
        Field("url", URL, "Beslutets sida."),
        Field("title", TEXT, "Ärendemeningen."),
        Field("district", REF, "Stadsdelsnämnden som beslutar."),
        Field(
            "kind",
            TEXT,
            "Typ av ärende: application = ansökan, co-financing = medfinansiering, "
            "report = redovisning, other = övrigt.",
        ),
        Field("year", INTEGER, "Beslutets år (sammanträdets år när datum finns)."),
        Field("meeting", DATE_OR_NULL, "Nämndens sammanträde."),
        Field("document_date", DATE_OR_NULL, "Tjänsteutlåtandets datum."),
        Field("diary_number", TEXT_OR_NULL, "Diarienummer."),
        Field("case_officer", "objekt (name, phone) eller null", "Handläggare."),
        Field("signed_by", "lista med objekt (name, title)", "Undertecknare."),
        Field("proposals", TEXT_LIST, "Förslag till beslut, punkt för punkt."),
        Field("immediate_adjustment", BOOLEAN, "Omedelbar justering."),
        Field("projects", REF_LIST, "Projekt som beslutet gäller."),
        Field("funding", LINE_LIST, "Finansieringsrader som beslutet anger."),
        Field("attachments", TEXT_LIST, "Bilagor."),
        Field(
            "outcome",
            "objekt (status, note) eller null",
            "Nämndens beslut: approved = bifall, rejected = avslag, pending = inte avgjort, "
            "unknown = okänt; note = kommentar.",
        ),
        Field("notes", TEXT_LIST, "Redaktionella anmärkningar."),
        Field("source", URL_OR_NULL, "Originaldokumentet."),
        Field("tags", TEXT_LIST, "Ämnesord."),
        Field("aliases", TEXT_LIST, "Tidigare id:n för beslutet."),
        Field("draft", BOOLEAN, "Utkast (alltid false i den publicerade webbplatsen)."),
        Field("body", TEXT, "Tjänsteutlåtandets text i Markdown."),
    ),
)

PROJECT = Table(
    "falt-projekt",
    "Projekt (projekt.json)",
    "Ett projekt som en nämnd eller organisation driver, deltar i eller finansierar.",
    (
        Field("id", TEXT, "Projektets id."),
        Field("url", URL, "Projektets sida."),
        Field("name", TEXT, "Projektets namn."),
        Field("owner", REF, "Projektägare (huvudman)."),
        Field("partners", REF_LIST, "Samarbetspartner."),
        Field("start", "text ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD, eller null", "Projektets start."),
        Field("end", "text ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD, eller null", "Projektets slut."),
        Field(
            "status",
            TEXT,
            "planned = planerat, ongoing = pågående, completed = avslutat, unknown = okänd.",
        ),
        Field("target_groups", TEXT_LIST, "Målgrupper."),
        Field(
            "parts",
            "lista med objekt (name, organisation, description)",
            "Delprojekt eller team; organisation är en hänvisning eller null.",
        ),
        Field(
            "budget",
            "lista med objekt (item, year, amount)",
            "Budget per post och år; amount i hela kronor.",
        ),
        Field(
            "funding",
            LINE_LIST,
            "Finansieringsrader som anges i projektet självt (inte i ett beslut).",
        ),
        Field("decisions", REF_LIST, "Beslut som gäller projektet."),
        Field("notes", TEXT_LIST, "Redaktionella anmärkningar."),
        Field("tags", TEXT_LIST, "Ämnesord."),
        Field("aliases", TEXT_LIST, "Tidigare id:n för projektet."),
        Field("draft", BOOLEAN, "Utkast (alltid false i den publicerade webbplatsen)."),
        Field("body", TEXT, "Projektbeskrivningen i Markdown."),
    ),
)

ORGANISATION = Table(
    "falt-organisationer",
    "Organisation (organisationer.json)",
    "Stadsdelsnämnder, finansiärer och andra organisationer.",
    (
        Field("id", TEXT, "Organisationens id."),
        Field("url", URL, "Organisationens sida."),
        Field("name", TEXT, "Fullständigt namn."),
        Field("short_name", TEXT_OR_NULL, "Kort namn."),
        Field(
            "type",
            TEXT,
            "district = stadsdelsnämnd, funder = finansiär, organisation = annan organisation.",
        ),
        Field("category", TEXT_OR_NULL, "Kategori, till exempel statlig myndighet."),
        Field("area", TEXT_OR_NULL, "Område för stadsdelsnämnder, till exempel Västerort."),
        Field("aliases", TEXT_LIST, "Andra namn i dokumenten."),
        Field("active", "objekt (from, to) eller null", "År då nämnden fanns."),
        Field("website", URL_OR_NULL, "Organisationens webbplats."),
        Field(
            "org_number",
            TEXT_OR_NULL,
            "Organisationsnummer, NNNNNN-NNNN: organisationens eget, eller för en "
            "stadsdelsnämnd eller en del av en annan organisation den juridiska personens "
            "(en stadsdelsnämnd har kommunens nummer).",
        ),
        Field(
            "legal_entity",
            "objekt (identifier, id, name, own) eller null",
            "Den juridiska personen som numret hör till: identifier är SE-ON- följt av numrets "
            "tio siffror (org-id.guide), id och name organisationen på webbplatsen (null om den "
            "inte finns här), own true när det är organisationens eget nummer.",
        ),
    ),
)

ORGANISATION_CSV = Table(
    "falt-organisationer-csv",
    "Organisation (organisationer.csv)",
    "Samma organisationer som i organisationer.json, en rad var, med de fält som ryms i en "
    "cell. legal_entity är här den juridiska personens identitet (SE-ON- och numret).",
    tuple(
        Field(f.name, TEXT_OR_NULL, "SE-ON- följt av organisationsnumrets tio siffror, för "
              "den juridiska person som numret hör till (tomt när inget nummer är känt).")
        if f.name == "legal_entity"
        else f
        for f in ORGANISATION.fields
        if f.name not in ("aliases", "active")
    ),
)  # fmt: skip

LINE = Table(
    "falt-finansiering",
    "Finansieringsrad (finansiering.csv, finansiering.json och fältet funding)",
    "Ett belopp, ett år, från en organisation till en annan. Varje rad finns en gång, där den "
    "anges. I CSV-filen är ett tomt värde en tom cell, i JSON null. Pengar som flera betalar "
    "eller tar emot tillsammans, i andelar som källan inte anger, har alla i from_ids och "
    "to_ids och den första i from_id och to_id; de räknas en gång och ingår inte i någon enskild "
    "medlems summor.",
    (
        Field(
            "id",
            TEXT,
            "Radens stabila id: källans typ, källans id och radens nummer i källan (från 0), "
            "till exempel decision:samtalsgrupper:1.",
        ),
        Field("from_id", TEXT, "Den som betalar eller ombeds betala: id."),
        Field("from_name", TEXT, "Den som betalar (den första, när flera betalar): namn."),
        Field("from_url", URL, "Den som betalar (den första, när flera betalar): sida."),
        Field("to_id", TEXT, "Mottagaren (den första, när flera tar emot): id."),
        Field("to_name", TEXT, "Mottagaren (den första, när flera tar emot): namn."),
        Field("to_url", URL, "Mottagaren (den första, när flera tar emot): sida."),
        Field(
            "from_ids",
            "lista med id (i CSV åtskilda av mellanslag)",
            "Alla som betalar: ett id, eller flera när pengarna betalas gemensamt.",
        ),
        Field(
            "to_ids",
            "lista med id (i CSV åtskilda av mellanslag)",
            "Alla mottagare: ett id, eller flera när pengarna tas emot gemensamt.",
        ),
        Field(
            "amount",
            "heltal eller null",
            "Beloppet i hela kronor; null (tom cell) när källan nämner pengarna men inte "
            "beloppet. En sådan rad ingår inte i någon summa.",
        ),
        Field(
            "year",
            "heltal eller null",
            "Budgetåret pengarna gäller; null när källan inte anger något år.",
        ),
        Field("status", TEXT, f"{STATUS_MEANING}. Belopp med olika status läggs aldrig ihop."),
        Field(
            "answers",
            TEXT_OR_NULL,
            "På en beviljad eller avslagen rad: id för beslutet med ansökan som raden besvarar.",
        ),
        Field("project_id", TEXT_OR_NULL, "Projektet pengarna gäller: id."),
        Field("project_name", TEXT_OR_NULL, "Projektet: namn."),
        Field("project_url", URL_OR_NULL, "Projektet: sida."),
        Field("note", TEXT_OR_NULL, "Anmärkning till raden."),
        Field("source_kind", TEXT, "Var raden anges: decision = beslut, project = projekt."),
        Field("source_id", TEXT, "Källans id."),
        Field("source_title", TEXT, "Beslutets rubrik eller projektets namn."),
        Field("source_url", URL, "Källans sida, där originaldokumentet finns."),
        Field("meeting", DATE_OR_NULL, "Sammanträdesdatum, när raden anges i ett beslut."),
        Field(
            "programme",
            TEXT_OR_NULL,
            "Finansiärens program eller bidragsform, när källan nämner det (till exempel "
            "utvecklingsmedel).",
        ),
    ),
)

FUNDERS = Table(
    "falt-finansiarer",
    "Finansiärer (finansiarer.csv)",
    "En rad per organisation som betalar eller ombeds betala något till någon annan. Summorna är "
    "per status och läggs aldrig ihop. De omfattar rader där organisationen ensam betalar; rader "
    "med okänt belopp ingår inte i någon summa (men räknas i lines), och pengar som flera "
    "betalar tillsammans finns bara i finansiering.csv.",
    (
        Field("id", TEXT, "Organisationens id."),
        Field("name", TEXT, "Namn."),
        Field("type", TEXT, "district, funder eller organisation."),
        Field("url", URL, "Organisationens sida."),
        Field("applied", INTEGER, "Summa sökt från organisationen, kronor."),
        Field("granted", INTEGER, "Summa beviljad av organisationen, kronor."),
        Field("rejected", INTEGER, "Summa som organisationen avslagit, kronor."),
        Field(
            "contributed",
            INTEGER,
            "Summa egen finansiering eller medfinansiering från organisationen, kronor.",
        ),
        Field("lines", INTEGER, "Antal finansieringsrader."),
        Field("first_year", "heltal eller null", "Första budgetår (null när ingen rad har år)."),
        Field("last_year", "heltal eller null", "Sista budgetår (null när ingen rad har år)."),
    ),
)

DISTRICTS = Table(
    "falt-stadsdelar",
    "Stadsdelar (stadsdelar.csv)",
    "En rad per stadsdelsnämnd. Pengar till nämnden omfattar nämndens egen finansiering av sig "
    "själv; pengar till andra är det nämnden betalar till andra organisationer. Summorna "
    "omfattar rader där nämnden ensam är mottagare eller betalare; rader med okänt belopp ingår "
    "inte i någon summa, och pengar som flera betalar eller tar emot tillsammans finns bara i "
    "finansiering.csv.",
    (
        Field("id", TEXT, "Nämndens id."),
        Field("name", TEXT, "Namn."),
        Field("area", TEXT, "Område (tomt om det saknas)."),
        Field("url", URL, "Nämndens sida."),
        Field("received_applied", INTEGER, "Sökt till nämnden, kronor."),
        Field("received_granted", INTEGER, "Beviljat till nämnden, kronor."),
        Field("received_rejected", INTEGER, "Avslag för nämnden, kronor."),
        Field(
            "received_contributed",
            INTEGER,
            "Egen finansiering och medfinansiering till nämnden, kronor.",
        ),
        Field("to_others_applied", INTEGER, "Sökt från nämnden av andra, kronor."),
        Field("to_others_granted", INTEGER, "Beviljat av nämnden till andra, kronor."),
        Field("to_others_rejected", INTEGER, "Avslag från nämnden till andra, kronor."),
        Field(
            "to_others_contributed",
            INTEGER,
            "Medfinansiering från nämnden till andra organisationer, kronor.",
        ),
        Field("decisions", INTEGER, "Antal beslut i nämnden på webbplatsen."),
    ),
)

TWIN = Table(
    "falt-tvilling",
    "Sidan som JSON (index.json på varje besluts-, projekt- och organisationssida)",
    "Varje sida om ett beslut, projekt, en stadsdelsnämnd, finansiär eller organisation finns "
    "också som JSON: lägg till index.json efter sidans adress, till exempel "
    "/beslut/<id>/index.json. Filen har posten och de finansieringsrader som sidan visar.",
    (
        Field(
            "type",
            TEXT,
            "decision, project, district, funder eller organisation.",
        ),
        Field("page", URL, "Sidan som filen motsvarar."),
        Field("licence", TEXT_OR_NULL, "Licensen för uppgifterna."),
        Field("licence_url", URL_OR_NULL, "Licenstexten."),
        Field("documentation", URL, "Den här sidan."),
        Field(
            "entity",
            "objekt",
            "Posten, med samma fält som i beslut.json, projekt.json eller organisationer.json.",
        ),
        Field(
            "totals",
            STATUS_SUMS,
            "För beslut och projekt: summan per status av raderna i funding_lines.",
        ),
        Field(
            "paid_totals",
            STATUS_SUMS,
            "För organisationer: summan per status av det organisationen ensam betalar till andra.",
        ),
        Field(
            "received_totals",
            STATUS_SUMS,
            "För organisationer: summan per status av det organisationen ensam tar emot från "
            "andra.",
        ),
        Field(
            "own_totals",
            STATUS_SUMS,
            "För organisationer: summan per status av organisationens egen insats, där den "
            "betalar till sig själv.",
        ),
        Field(
            "joint_totals",
            STATUS_SUMS,
            "För organisationer: summan per status av pengar som den betalar eller tar emot "
            "tillsammans med andra (ingår inte i de andra summorna).",
        ),
        Field(
            "funding_lines",
            LINE_LIST,
            "Raderna som sidan visar: beslutets rader, alla rader för projektet, eller allt "
            "organisationen betalar och tar emot.",
        ),
    ),
)

TABLES = (
    HEADER,
    DECISION,
    PROJECT,
    ORGANISATION,
    ORGANISATION_CSV,
    REFERENCE,
    LINE,
    FUNDERS,
    DISTRICTS,
    TWIN,
)
GIVING_TABLES = (PACKAGE, GRANT)

DOWNLOADS = (
    Download("/data/beslut.json", "JSON", "Alla publicerade beslut med alla fält.", DECISION.id),
    Download("/data/projekt.json", "JSON", "Alla publicerade projekt med alla fält.", PROJECT.id),
    Download("/data/organisationer.json", "JSON", "Alla organisationer.", ORGANISATION.id),
    Download(
        "/data/organisationer.csv",
        "CSV",
        "Alla organisationer, en rad var, med organisationsnummer.",
        ORGANISATION_CSV.id,
    ),
    Download(
        "/data/finansiering.csv",
        "CSV",
        "Varje finansieringsrad, en rad per belopp, med källa och länkar.",
        LINE.id,
    ),
    Download("/data/finansiering.json", "JSON", "Samma rader som finansiering.csv.", LINE.id),
    Download(
        "/data/finansiarer.csv",
        "CSV",
        "Summor per finansiär och status.",
        FUNDERS.id,
    ),
    Download(
        "/data/stadsdelar.csv",
        "CSV",
        "Summor per stadsdelsnämnd och status.",
        DISTRICTS.id,
    ),
    Download(
        "/data/360giving.json",
        "JSON (360Giving)",
        "De beviljade raderna enligt 360Giving Data Standard.",
        GRANT.id,
    ),
)


@dataclass(frozen=True)
class Guide:
    """What `templates/data.html` renders: the downloads and the field tables."""

    downloads: tuple[Download, ...] = DOWNLOADS
    tables: tuple[Table, ...] = TABLES
    giving_tables: tuple[Table, ...] = GIVING_TABLES
    grant_prefix: str = PREFIX
    extension_field: str = EXTENSION_FIELD
    legal_entity_field: str = LEGAL_ENTITY_FIELD


GUIDE = Guide()

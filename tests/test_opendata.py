"""Open data: the downloads under `/data/`, the JSON twins, and the 360Giving export.

One corpus with every status, hostile text and a draft is built once with the
real command line; totals are checked against figures worked out by hand
below, and the 360Giving package against the official schema shipped in
`tests/schemas/360giving/`.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from insyn.model import STATUSES
from insyn.opendata import files as opendata
from insyn.opendata import guide as opendata_docs
from insyn.opendata.grants360 import EXTENSION_FIELD
from tests.conftest import Corpus, recorded_reads, run_site
from tests.test_site import broken_links, html_files, page, url_of

BASE = "https://insyn.example.se"
SCHEMAS = Path(__file__).resolve().parent / "schemas" / "360giving"
HYPERLINK = '=HYPERLINK("https://evil.example/","Klicka här")'
ENTITY_PAGE = re.compile(r"^/(beslut|projekt|stadsdelar|finansiarer|organisationer)/[^/]+/$")


def write_money_corpus(corpus: Corpus) -> Corpus:
    """Every status, a decision with only a year, a project-declared line, hostile text, drafts.

    Published lines (hand-counted: 9):
      ansokan-2008 (hasselby-vallingby, meeting 2008-03-11, project samtal):
        0 lansstyrelsen -> hasselby-vallingby 500 000 2008 applied
        1 lansstyrelsen -> hasselby-vallingby 400 000 2008 granted   note =HYPERLINK(...)
        2 hasselby-vallingby -> itself        100 000 2008 contributed
        3 socialstyrelsen -> hasselby-vallingby 80 000 2008 rejected
      medfinansiering (skarholmen, year 2009 only, project stodlinje):
        0 skarholmen -> framnas               250 000 2009 contributed
        1 socialstyrelsen -> framnas          150 000 2009 granted     note +46 ...
      rinkeby-avslag (rinkeby, meeting 2005-05-10, title starts with =, no project):
        0 lansstyrelsen -> rinkeby            300 000 2005 rejected    note -minus
      project samtal (owner hasselby-vallingby):
        0 kvinnojouren -> hasselby-vallingby   50 000 2008 contributed note @kvinnojouren
        1 socialstyrelsen -> hasselby-vallingby 70 000 2009 granted
    """
    corpus.organisations += [
        {
            "id": "kvinnojouren",
            "name": "Kvinnojouren i Västerort",
            "type": "organisation",
            "category": "ideell förening",
        }
    ]
    corpus.write_data()
    corpus.decision(
        "ansokan-2008",
        title="Ansökan om medel för samtalsgrupper",
        meeting="2008-03-11",
        document_date="2008-02-20",
        projects=["samtal"],
        funding=[
            {"from": "lansstyrelsen", "amount": 500000, "year": 2008, "status": "applied"},
            {
                "from": "lansstyrelsen",
                "amount": 400000,
                "year": 2008,
                "status": "granted",
                "note": HYPERLINK,
            },
            {"from": "hasselby-vallingby", "amount": 100000, "year": 2008, "status": "contributed"},
            {"from": "socialstyrelsen", "amount": 80000, "year": 2008, "status": "rejected"},
        ],
        outcome={"status": "approved"},
    )
    corpus.decision(
        "medfinansiering",
        title="Medfinansiering av Framnäs stödlinje",
        district="skarholmen",
        meeting=None,
        year=2009,
        kind="co-financing",
        projects=["stodlinje"],
        funding=[
            {
                "from": "skarholmen",
                "to": "framnas",
                "amount": 250000,
                "year": 2009,
                "status": "contributed",
            },
            {
                "from": "socialstyrelsen",
                "to": "framnas",
                "amount": 150000,
                "year": 2009,
                "status": "granted",
                "note": "+46 8 123 45 67",
            },
        ],
    )
    corpus.decision(
        "rinkeby-avslag",
        title="=SUM(A1:A9) Ansökan som fick avslag",
        district="rinkeby",
        meeting="2005-05-10",
        funding=[
            {
                "from": "lansstyrelsen",
                "amount": 300000,
                "year": 2005,
                "status": "rejected",
                "note": "-minus",
            }
        ],
    )
    corpus.decision(
        "hemligt-utkast",
        title="Hemligt utkast",
        meeting="2013-01-10",
        draft=True,
        projects=["utkastprojekt"],
        funding=[{"from": "socialstyrelsen", "amount": 999000, "year": 2013, "status": "applied"}],
    )
    corpus.project(
        "samtal",
        name="Samtalsgrupper för våldsutsatta kvinnor",
        owner="hasselby-vallingby",
        partners=["kvinnojouren"],
        start="2008-02",
        end=2009,
        funding=[
            {
                "from": "kvinnojouren",
                "amount": 50000,
                "year": 2008,
                "status": "contributed",
                "note": "@kvinnojouren",
            },
            {"from": "socialstyrelsen", "amount": 70000, "year": 2009, "status": "granted"},
        ],
    )
    corpus.project("stodlinje", name="Framnäs stödlinje", owner="framnas", start=2009)
    corpus.project("utkastprojekt", name="Hemligt utkastprojekt", owner="skarholmen", draft=True)
    return corpus


PUBLISHED_LINES = {
    "decision:ansokan-2008:0": ("lansstyrelsen", "hasselby-vallingby", 500000, 2008, "applied"),
    "decision:ansokan-2008:1": ("lansstyrelsen", "hasselby-vallingby", 400000, 2008, "granted"),
    "decision:ansokan-2008:2": (
        "hasselby-vallingby",
        "hasselby-vallingby",
        100000,
        2008,
        "contributed",
    ),
    "decision:ansokan-2008:3": ("socialstyrelsen", "hasselby-vallingby", 80000, 2008, "rejected"),
    "decision:medfinansiering:0": ("skarholmen", "framnas", 250000, 2009, "contributed"),
    "decision:medfinansiering:1": ("socialstyrelsen", "framnas", 150000, 2009, "granted"),
    "decision:rinkeby-avslag:0": ("lansstyrelsen", "rinkeby", 300000, 2005, "rejected"),
    "project:samtal:0": ("kvinnojouren", "hasselby-vallingby", 50000, 2008, "contributed"),
    "project:samtal:1": ("socialstyrelsen", "hasselby-vallingby", 70000, 2009, "granted"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = Corpus(tmp_path_factory.mktemp("opendata"))
    corpus.write_data()
    write_money_corpus(corpus)
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    return corpus.out


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Read a download as Excel would: the BOM first, `;` between cells, CRLF lines."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} has no BOM"
    text = raw.decode("utf-8-sig")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""), path.name
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header, *rows = list(reader)
    assert all(len(row) == len(header) for row in rows), path.name
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def read_json(site: Path, path: str) -> Any:
    return json.loads((site / path.lstrip("/")).read_text(encoding="utf-8"))


def site_path(site: Path, url: str) -> Path:
    assert url.startswith(BASE + "/"), url
    path = url.removeprefix(BASE)
    return site / path.lstrip("/") / "index.html" if path.endswith("/") else site / path.lstrip("/")


# --- totals -------------------------------------------------------------------


def test_funder_totals_match_hand_computed_values(site: Path) -> None:
    header, rows = read_csv(site / "data/finansiarer.csv")
    assert header == list(opendata.FUNDER_COLUMNS)
    table = {
        row["id"]: (
            row["applied"],
            row["granted"],
            row["rejected"],
            row["contributed"],
            row["lines"],
            row["first_year"],
            row["last_year"],
        )
        for row in rows
    }
    # Hässelby-Vällingby's 100 000 kr of its own make it no funder (contract section 6).
    assert table == {
        "kvinnojouren": ("0", "0", "0", "50000", "1", "2008", "2008"),
        "lansstyrelsen": ("500000", "400000", "300000", "0", "3", "2005", "2008"),
        "skarholmen": ("0", "0", "0", "250000", "1", "2009", "2009"),
        "socialstyrelsen": ("0", "220000", "80000", "0", "3", "2008", "2009"),
    }
    assert [row["id"] for row in rows] == sorted(table)
    lansstyrelsen = next(row for row in rows if row["id"] == "lansstyrelsen")
    assert lansstyrelsen["url"] == f"{BASE}/finansiarer/lansstyrelsen/"
    assert site_path(site, lansstyrelsen["url"]).is_file()


def test_district_totals_match_hand_computed_values(site: Path) -> None:
    header, rows = read_csv(site / "data/stadsdelar.csv")
    assert header == list(opendata.DISTRICT_COLUMNS)
    by_id = {row["id"]: row for row in rows}
    assert sorted(by_id) == ["hasselby-vallingby", "rinkeby", "skarholmen"]
    money = [c for c in header if c.startswith(("received_", "to_others_"))]
    assert {k: by_id["hasselby-vallingby"][k] for k in money} == {
        "received_applied": "500000",
        "received_granted": "470000",
        "received_rejected": "80000",
        "received_contributed": "150000",
        "to_others_applied": "0",
        "to_others_granted": "0",
        "to_others_rejected": "0",
        "to_others_contributed": "0",
    }
    assert by_id["rinkeby"]["received_rejected"] == "300000"
    assert by_id["skarholmen"]["to_others_contributed"] == "250000"
    assert by_id["skarholmen"]["received_contributed"] == "0"
    assert {k: r["decisions"] for k, r in by_id.items()} == {
        "hasselby-vallingby": "1",
        "rinkeby": "1",
        "skarholmen": "1",
    }
    assert by_id["hasselby-vallingby"]["area"] == "Västerort"


def test_statuses_are_never_added_together(site: Path) -> None:
    """No cell of an aggregate row is a sum of two or more of that row's status sums."""
    for name, groups in (
        ("finansiarer.csv", [""]),
        ("stadsdelar.csv", ["received_", "to_others_"]),
    ):
        _, rows = read_csv(site / "data" / name)
        for row in rows:
            cells = set(row.values())
            for prefix in groups:
                sums = [int(row[f"{prefix}{s}"]) for s in STATUSES if int(row[f"{prefix}{s}"])]
                mixed = {
                    sum(combo)
                    for size in range(2, len(sums) + 1)
                    for combo in itertools.combinations(sums, size)
                }
                assert not {str(value) for value in mixed} & cells, (name, row["id"])
    # Länsstyrelsen has money in three statuses: the test would see a sum of them.
    _, funders = read_csv(site / "data/finansiarer.csv")
    assert (
        sum(1 for s in STATUSES if next(r for r in funders if r["id"] == "lansstyrelsen")[s] != "0")
        == 3
    )
    for twin in site.rglob("index.json"):
        data = json.loads(twin.read_text(encoding="utf-8"))
        for key in ("totals", "paid_totals", "received_totals", "own_totals", "joint_totals"):
            if key in data:
                assert list(data[key]) == list(STATUSES), twin


# --- the funding lines --------------------------------------------------------


def test_funding_csv_round_trip(site: Path) -> None:
    header, rows = read_csv(site / "data/finansiering.csv")
    assert header == list(opendata.LINE_COLUMNS)
    assert len(rows) == len(PUBLISHED_LINES)  # every line once
    got = {
        row["id"]: (
            row["from_id"],
            row["to_id"],
            int(row["amount"]),
            int(row["year"]),
            row["status"],
        )
        for row in rows
    }
    assert got == PUBLISHED_LINES
    by_id = {row["id"]: row for row in rows}
    granted = by_id["decision:ansokan-2008:1"]
    assert granted["note"] == "'" + HYPERLINK
    assert granted["from_name"] == "Länsstyrelsen i Stockholms län"
    assert granted["project_id"] == "samtal"
    assert granted["project_name"] == "Samtalsgrupper för våldsutsatta kvinnor"
    assert granted["source_kind"] == "decision" and granted["meeting"] == "2008-03-11"
    assert granted["source_title"] == "Ansökan om medel för samtalsgrupper"
    assert granted["source_url"] == f"{BASE}/beslut/ansokan-2008/"
    assert by_id["decision:medfinansiering:1"]["note"] == "'+46 8 123 45 67"
    assert by_id["decision:medfinansiering:1"]["meeting"] == ""  # a decision with only a year
    avslag = by_id["decision:rinkeby-avslag:0"]
    assert avslag["note"] == "'-minus"
    assert avslag["source_title"] == "'=SUM(A1:A9) Ansökan som fick avslag"
    assert avslag["project_id"] == avslag["project_name"] == avslag["project_url"] == ""
    own = by_id["project:samtal:0"]
    assert own["note"] == "'@kvinnojouren"
    assert own["source_kind"] == "project" and own["meeting"] == ""
    assert own["source_url"] == f"{BASE}/projekt/samtal/"
    for name in ("finansiering.csv", "finansiarer.csv", "stadsdelar.csv"):
        _, table = read_csv(site / "data" / name)
        for row in table:
            for cell in row.values():
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)


def test_funding_json_has_the_same_rows_as_the_csv(site: Path) -> None:
    _, rows = read_csv(site / "data/finansiering.csv")
    data = read_json(site, "/data/finansiering.json")
    assert data["count"] == len(data["lines"]) == len(rows)
    assert data["licence"] == "CC0 1.0"
    for row, line in zip(rows, data["lines"], strict=True):
        assert list(line) == list(row)
        assert isinstance(line["amount"], int) and isinstance(line["year"], int)
        for key, cell in row.items():
            value = line[key]
            if value is None:
                assert cell == "", key
            else:
                assert opendata.neutralise(value) == cell, key
    # In JSON the text is kept as written: only the CSV neutralises formulas.
    assert (
        data["lines"][[ln["id"] for ln in data["lines"]].index("decision:ansokan-2008:1")]["note"]
        == HYPERLINK
    )


def test_neutralise() -> None:
    assert opendata.neutralise("=1+1") == "'=1+1"
    assert opendata.neutralise("+1") == "'+1"
    assert opendata.neutralise("-1") == "'-1"
    assert opendata.neutralise("@SUM(1)") == "'@SUM(1)"
    assert opendata.neutralise("\tx") == "'\tx"
    assert opendata.neutralise("\rx") == "'\rx"
    assert opendata.neutralise("Hässelby-Vällingby") == "Hässelby-Vällingby"
    assert opendata.neutralise(None) == ""
    assert opendata.neutralise(500000) == "500000"
    assert opendata.neutralise(True) == "true"


# --- the entity files ---------------------------------------------------------


def test_json_files_have_every_published_entity_with_a_working_url(site: Path) -> None:
    decisions = read_json(site, "/data/beslut.json")
    projects = read_json(site, "/data/projekt.json")
    organisations = read_json(site, "/data/organisationer.json")
    assert [d["id"] for d in decisions["decisions"]] == [
        "ansokan-2008",
        "medfinansiering",
        "rinkeby-avslag",
    ]
    assert [p["id"] for p in projects["projects"]] == ["samtal", "stodlinje"]
    assert [o["id"] for o in organisations["organisations"]] == sorted(
        [
            "framnas",
            "hasselby-vallingby",
            "kvinnojouren",
            "lansstyrelsen",
            "rinkeby",
            "skarholmen",
            "socialstyrelsen",
        ]
    )
    for data, key in (
        (decisions, "decisions"),
        (projects, "projects"),
        (organisations, "organisations"),
    ):
        assert data["count"] == len(data[key])
        assert data["documentation"] == f"{BASE}/data/"
        for record in data[key]:
            assert site_path(site, record["url"]).is_file(), record["url"]
    for line in read_json(site, "/data/finansiering.json")["lines"]:
        for key in ("from_url", "to_url", "project_url", "source_url"):
            if line[key] is not None:
                assert site_path(site, line[key]).is_file(), line[key]

    decision = decisions["decisions"][0]
    assert decision["meeting"] == "2008-03-11" and decision["document_date"] == "2008-02-20"
    assert decision["district"] == {
        "id": "hasselby-vallingby",
        "name": "Hässelby-Vällingby stadsdelsnämnd",
        "url": f"{BASE}/stadsdelar/hasselby-vallingby/",
    }
    assert [ln["id"] for ln in decision["funding"]] == [
        f"decision:ansokan-2008:{i}" for i in range(4)
    ]
    assert decision["funding"][2]["to_id"] == "hasselby-vallingby"  # default resolved
    assert decision["funding"][0]["project_id"] == "samtal"  # the only project
    assert decision["outcome"] == {"status": "approved", "note": None}
    only_year = decisions["decisions"][1]
    assert only_year["meeting"] is None and only_year["year"] == 2009
    samtal = projects["projects"][0]
    assert samtal["start"] == "2008-02" and samtal["end"] == "2009"
    assert [d["id"] for d in samtal["decisions"]] == ["ansokan-2008"]
    assert [ln["id"] for ln in samtal["funding"]] == ["project:samtal:0", "project:samtal:1"]
    rinkeby = next(o for o in organisations["organisations"] if o["id"] == "rinkeby")
    assert rinkeby["active"] == {"from": 1997, "to": 2006} and rinkeby["type"] == "district"


def test_drafts_are_absent_from_every_download(site: Path) -> None:
    for path in sorted(site.rglob("*")):
        if path.suffix in (".json", ".csv"):
            text = path.read_text(encoding="utf-8-sig")
            assert "hemligt" not in text.lower(), path
            assert "999000" not in text and "utkast" not in text.lower(), path


def test_every_exported_field_is_documented(site: Path) -> None:
    docs = opendata_docs
    header_keys = {"title", "licence", "licence_url", "documentation", "count"}
    for path, list_key, table in (
        ("/data/beslut.json", "decisions", docs.DECISION),
        ("/data/projekt.json", "projects", docs.PROJECT),
        ("/data/organisationer.json", "organisations", docs.ORGANISATION),
        ("/data/finansiering.json", "lines", docs.LINE),
    ):
        data = read_json(site, path)
        assert set(data) == header_keys | {list_key}
        assert set(data) <= docs.HEADER.names
        for record in data[list_key]:
            assert list(record) == [f.name for f in table.fields], path
    assert list(opendata.LINE_COLUMNS) == [f.name for f in docs.LINE.fields]
    assert list(opendata.FUNDER_COLUMNS) == [f.name for f in docs.FUNDERS.fields]
    assert list(opendata.DISTRICT_COLUMNS) == [f.name for f in docs.DISTRICTS.fields]
    for twin in site.rglob("index.json"):
        assert set(json.loads(twin.read_text(encoding="utf-8"))) <= docs.TWIN.names, twin
    package = read_json(site, "/data/360giving.json")
    assert set(package) <= docs.PACKAGE.names
    for grant in package["grants"]:
        assert set(grant) <= docs.GRANT.names
    for table in (*docs.TABLES, *docs.GIVING_TABLES):
        for field in table.fields:
            assert field.type and field.meaning, (table.id, field.name)


# --- 360Giving ----------------------------------------------------------------


def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(
        re.fullmatch(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", value)
    )


def giving_validator() -> Draft4Validator:
    """The official package schema, its `$ref` to the grant schema resolved locally.

    The schema tells a date from a date-time with `oneOf` and `format`, so
    `date-time` must really be checked, or every date would match both.
    """
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text(encoding="utf-8"))
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text(encoding="utf-8"))
    reference = package["properties"]["grants"]["items"]["$ref"]
    registry: Registry[Any] = Registry().with_resource(
        reference, Resource.from_contents(grant, default_specification=DRAFT4)
    )
    checker = FormatChecker()
    checker.checks("date-time")(_date_time)
    Draft4Validator.check_schema(package)
    Draft4Validator.check_schema(grant)
    return Draft4Validator(package, registry=registry, format_checker=checker)


def test_360giving_export_validates_against_the_official_schema(site: Path) -> None:
    package = read_json(site, "/data/360giving.json")
    validator = giving_validator()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]
    assert errors == []
    assert len(package["grants"]) == 3

    # The validator is not a rubber stamp: broken copies fail.
    for breakage in (
        lambda p: p["grants"][0].pop("amountAwarded"),
        lambda p: p["grants"][0].update(currency="kronor"),
        lambda p: p["grants"][0].update(awardDate="11 mars 2008"),
        lambda p: p["grants"][1]["recipientOrganization"][0].pop("name"),
        lambda p: p["grants"].append(copy.deepcopy(p["grants"][0])),
    ):
        broken = copy.deepcopy(package)
        breakage(broken)
        assert not validator.is_valid(broken)


def test_360giving_maps_statuses_dates_and_places(site: Path) -> None:
    package = read_json(site, "/data/360giving.json")
    assert package["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert package["downloadURL"] == f"{BASE}/data/360giving.json"
    grants = {g["id"]: g for g in package["grants"]}
    assert sorted(grants) == [
        "360G-insyn-decision:ansokan-2008:1",
        "360G-insyn-decision:medfinansiering:1",
        "360G-insyn-project:samtal:1",
    ]
    main = grants["360G-insyn-decision:ansokan-2008:1"]
    assert main["currency"] == "SEK" and main["amountAwarded"] == 400000
    assert main["amountAppliedFor"] == 500000  # same payer, recipient, project, year
    assert main[EXTENSION_FIELD] == 150000  # 100 000 own + 50 000 from the partner, same project
    assert main["awardDate"] == "2008-03-11"
    # February 2008 to 2009: no day and no second month, so no planned dates or duration
    assert "plannedDates" not in main
    assert main["dataSource"] == main["url"]
    assert main["fundingOrganization"] == [
        {
            "id": "360G-insyn-org:lansstyrelsen",
            "name": "Länsstyrelsen i Stockholms län",
            "url": f"{BASE}/finansiarer/lansstyrelsen/",
        }
    ]
    assert main["recipientOrganization"][0]["id"] == "360G-insyn-org:hasselby-vallingby"
    assert main["beneficiaryLocation"][0]["name"] == "Hässelby-Vällingby stadsdelsnämnd"
    assert main["beneficiaryLocation"][0]["countryCode"] == "SE"
    assert main["url"] == f"{BASE}/beslut/ansokan-2008/"
    assert HYPERLINK in main["description"]

    only_year = grants["360G-insyn-decision:medfinansiering:1"]
    assert only_year["awardDate"] == "2009-01-01"  # the decision has only a year
    assert "amountAppliedFor" not in only_year
    assert only_year[EXTENSION_FIELD] == 250000  # Skärholmen's co-financing of Framnäs
    assert only_year["beneficiaryLocation"][0]["name"] == "Skärholmens stadsdelsnämnd"
    assert "plannedDates" not in only_year  # a start year alone is no date

    on_project = grants["360G-insyn-project:samtal:1"]
    assert on_project["awardDate"] == "2009-01-01"  # declared on a project: 1 January of its year
    assert "amountAppliedFor" not in on_project and EXTENSION_FIELD not in on_project
    assert on_project["url"] == f"{BASE}/projekt/samtal/"
    assert on_project["beneficiaryLocation"][0]["id"] == "360G-insyn-location:hasselby-vallingby"
    for grant in grants.values():
        assert len(grant["title"]) <= 140


def test_360giving_is_written_only_with_a_grant_and_the_data_page_says_so(
    corpus: Corpus,
) -> None:
    """The standard's package needs one grant: with none the file is not written, not listed
    in the catalogues, and /data/ says why instead of linking it."""
    corpus.decision(
        "bara-sokt",
        funding=[{"from": "lansstyrelsen", "amount": 1000, "year": 2008, "status": "applied"}],
    )
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    assert not (corpus.out / "data/360giving.json").exists()
    main = page(corpus.out, "/data/").find("main")
    assert "/data/360giving.json" not in main.links()
    assert "skrivs när det finns minst ett bidrag" in main.text
    catalogue = (corpus.out / "data/dcat.rdf").read_text(encoding="utf-8")
    assert "360giving" not in catalogue
    names = [r["name"] for r in read_json(corpus.out, "/data/datapackage.json")["resources"]]
    assert "360giving" not in names and "finansiering-csv" in names
    assert broken_links(corpus.out) == []


# --- the JSON twins and the /data/ page ---------------------------------------


def test_every_entity_page_has_a_linked_json_twin(site: Path) -> None:
    urls = [url_of(site, p) for p in html_files(site) if ENTITY_PAGE.match(url_of(site, p))]
    assert len(urls) == 3 + 2 + 3 + 2 + 2  # decisions, projects, districts, funders, others
    for url in urls:
        twin = site / url.lstrip("/") / "index.json"
        assert twin.is_file(), url
        data = json.loads(twin.read_text(encoding="utf-8"))
        assert data["page"] == f"{BASE}{url}"
        assert data["entity"]["url"] == f"{BASE}{url}"
        doc = page(site, url)
        alternate = doc.find("link", rel="alternate", type="application/json")
        assert alternate.attrs["href"] == f"{url}index.json", url
        visible = [a for a in doc.find("main").find_all("a") if a.text == "Ladda ner som JSON"]
        assert [a.attrs["href"] for a in visible] == [f"{url}index.json"], url

    decision = read_json(site, "/beslut/ansokan-2008/index.json")
    assert decision["type"] == "decision"
    assert [ln["id"] for ln in decision["funding_lines"]] == [
        f"decision:ansokan-2008:{i}" for i in range(4)
    ]
    assert decision["totals"] == {
        "applied": 500000,
        "granted": 400000,
        "rejected": 80000,
        "contributed": 100000,
    }
    project = read_json(site, "/projekt/samtal/index.json")
    assert {ln["id"] for ln in project["funding_lines"]} == {
        "decision:ansokan-2008:0",
        "decision:ansokan-2008:1",
        "decision:ansokan-2008:2",
        "decision:ansokan-2008:3",
        "project:samtal:0",
        "project:samtal:1",
    }
    district = read_json(site, "/stadsdelar/hasselby-vallingby/index.json")
    assert district["type"] == "district"
    # Money from others; the district's own 100 000 kr are its own contribution, apart.
    assert district["received_totals"] == {
        "applied": 500000,
        "granted": 470000,
        "rejected": 80000,
        "contributed": 50000,
    }
    assert district["own_totals"]["contributed"] == 100000
    assert district["paid_totals"] == dict.fromkeys(district["paid_totals"], 0)
    ids = [ln["id"] for ln in district["funding_lines"]]
    assert len(ids) == len(set(ids)) == 6  # its own contribution shown once
    skarholmen = read_json(site, "/stadsdelar/skarholmen/index.json")
    assert skarholmen["paid_totals"]["contributed"] == 250000
    funder = read_json(site, "/finansiarer/socialstyrelsen/index.json")
    assert funder["type"] == "funder"
    assert funder["paid_totals"] == {
        "applied": 0,
        "granted": 220000,
        "rejected": 80000,
        "contributed": 0,
    }
    assert read_json(site, "/organisationer/framnas/index.json")["received_totals"] == {
        "applied": 0,
        "granted": 150000,
        "rejected": 0,
        "contributed": 250000,
    }


def test_data_page_documents_and_links_every_file(site: Path) -> None:
    main = page(site, "/data/").find("main")
    links = main.links()
    for download in opendata_docs.DOWNLOADS:
        assert download.path in links, download.path
        assert (site / download.path.lstrip("/")).is_file(), download.path
        assert f"#{download.table}" in links
    captions = [c.text for c in main.find_all("caption")]
    for table in (*opendata_docs.TABLES, *opendata_docs.GIVING_TABLES):
        assert f"Fält: {table.title}" in captions
    text = main.text
    for words in (
        "semikolon",
        "UTF-8 med byte order mark",
        "apostrof",
        EXTENSION_FIELD,
        "awardDate",
        "1 januari",
        "360G-insyn-",
    ):
        assert words in text, words
    assert "https://creativecommons.org/publicdomain/zero/1.0/" in links
    assert broken_links(site) == []


def test_every_field_appears_on_the_data_page(site: Path) -> None:
    main = page(site, "/data/").find("main")
    for table in (*opendata_docs.TABLES, *opendata_docs.GIVING_TABLES):
        section = main.find("section", aria_labelledby=table.id)
        rows = [th.text for th in section.find("tbody").find_all("th")]
        assert rows == [f.name for f in table.fields], table.id


# --- the plan -----------------------------------------------------------------


def test_each_download_records_what_it_reads(corpus: Corpus) -> None:
    from insyn.pages.plan import plan_pages
    from insyn.pipeline import read_site

    write_money_corpus(corpus)
    result = read_site(corpus.content, corpus.data)
    assert result.graph is not None
    pages = plan_pages(result.graph)
    files = {f.path: f for f in opendata.plan_data_files(result.graph, pages)}
    assert len(files) == len(opendata.plan_data_files(result.graph, pages))
    reads = recorded_reads(corpus.content, corpus.data)
    # A twin shows what its page shows: the same entity, the same lines.
    twin = reads["beslut/ansokan-2008/index.json"]
    assert ("decision", "ansokan-2008") in twin
    assert ("ledger", "declared_by", "decision", "ansokan-2008") in twin
    assert ("decision", "rinkeby-avslag") not in twin
    assert twin <= reads["beslut/ansokan-2008/index.html"]
    district = reads["stadsdelar/skarholmen/index.json"]
    assert {("org", "skarholmen"), ("ledger", "received_by", "skarholmen")} <= district
    for path in ("data/beslut.json", "data/finansiering.csv"):
        assert ("decision", "rinkeby-avslag") in reads[path], path
    # 360Giving has the grants alone: a rejection's decision is not in it.
    assert ("ledger", "lines") in reads["data/360giving.json"]
    assert ("decision", "rinkeby-avslag") not in reads["data/360giving.json"]
    assert ("decisions",) in reads["data/beslut.json"]
    assert ("ledger", "lines") in reads["data/finansiering.csv"]
    assert {k for k in reads["data/organisationer.json"] if k[0] == "org"} == {
        ("org", o) for o in result.graph.organisations
    }
    # Downloads are planned apart from the pages, so the page plan is unchanged.
    assert not any(p.path.endswith((".json", ".csv")) for p in pages)


def test_downloads_are_deterministic(tmp_path: Path) -> None:
    write_money_corpus(Corpus(tmp_path))
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert run_site("build", "--out", str(out), cwd=tmp_path).returncode == 0
        outs.append(
            {
                p.relative_to(out).as_posix(): p.read_bytes()
                for p in sorted(out.rglob("*"))
                if p.name == "index.json" or p.parent == out / "data"
            }
        )
    assert outs[0] == outs[1] and len(outs[0]) > 8


# --- the JSON writer ------------------------------------------------------------

_JSON_LEAVES = st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text()
_JSON_VALUES = st.recursive(
    _JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_JSON_VALUES)
@settings(max_examples=300, deadline=None)
def test_fast_json_writer_writes_what_the_standard_encoder_writes(value: Any) -> None:
    """The downloads' bytes do not depend on which encoder wrote them (no floats in our data)."""
    assert opendata.to_json(value) == (
        json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    ).encode("utf-8")


def test_json_writer_keeps_amounts_past_64_bits() -> None:
    huge = 10**30
    assert json.loads(opendata.to_json({"amount": huge, "name": "Å"})) == {
        "amount": huge,
        "name": "Å",
    }

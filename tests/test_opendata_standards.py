"""The open data against the standards data users' tools apply: DCAT-AP(-SE), Frictionless,
360Giving's identifiers and quality checks, and the organisationsnummer behind them.

- `/data/dcat.rdf` is validated with pyshacl against the DCAT-AP 3.0.1 SHACL shapes
  (tests/standards/dcat-ap-3.0.1, copied with their source), and against the Swedish
  rules of DCAT-AP-SE listed in its SOURCE.md, checked here on the parsed graph;
- `/data/datapackage.json` with `frictionless validate`, which reads every file it
  lists (types, keys, sizes, digests);
- the 360Giving package with the checks of 360Giving's data-quality tool
  (ThreeSixtyGiving/dataquality, lib360dataquality/cove/threesixtygiving.py) that apply
  to it, reimplemented below since the tool is not installable here.

Each validator is shown to fail on a planted fault, so a pass means something.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from insyn.model import orgnumber
from tests.conftest import ROOT, Corpus
from tests.test_site import page

# pyshacl reads its graphs through an rdflib API that rdflib 7 deprecates, per triple
pytestmark = pytest.mark.filterwarnings("ignore:Dataset.default_context:DeprecationWarning")

STANDARDS = Path(__file__).resolve().parent / "standards" / "dcat-ap-3.0.1"
BASE = "https://insyn.example.se"
STOCKHOLM = "212000-0142"


def write_corpus(corpus: Corpus) -> None:
    numbers = {"lansstyrelsen": "202100-2247", "socialstyrelsen": "202100-0555"}
    for org in corpus.organisations:
        if org["id"] in numbers:
            org["org_number"] = numbers[org["id"]]
        if org["type"] == "district" and org["id"] != "rinkeby":
            org["org_number"] = STOCKHOLM  # a district council has its city's number
    corpus.organisations += [
        {"id": "stockholms-stad", "name": "Stockholms stad", "type": "organisation",
         "category": "kommun", "org_number": STOCKHOLM},
        {"id": "fonden", "name": "Stadens fond", "type": "funder", "part_of": "stockholms-stad"},
    ]  # fmt: skip
    corpus.site["publisher"] = {
        "name": "Stockholms stad",
        "type": "LocalAuthority",
        "org_number": STOCKHOLM,
        "email": "open@example.se",
    }
    corpus.write_data()
    corpus.decision(
        "beviljat",
        title="Beviljade utvecklingsmedel för samtalsgrupper",
        meeting="2010-03-11",
        projects=["dag", "manad"],
        funding=[
            {"from": "lansstyrelsen", "amount": 400000, "year": 2010, "status": "granted",
             "project": "dag", "programme": "Utvecklingsmedel"},
            {"from": "lansstyrelsen", "amount": 500000, "year": 2010, "status": "applied",
             "project": "dag"},
            {"from": "socialstyrelsen", "amount": 90000, "year": 2010, "status": "granted",
             "project": "manad"},
            {"from": "fonden", "to": "skarholmen", "amount": 25000, "year": 2011,
             "status": "granted", "project": "dag"},
        ],
    )  # fmt: skip
    corpus.project("dag", name="Samtalsgrupper", start="2010-03-01", end="2011-02-28")
    corpus.project("manad", name="Stödlinjen", start="2010-01", end="2010-06")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = Corpus(tmp_path_factory.mktemp("standards"))
    write_corpus(corpus)
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    return corpus.out


# --- DCAT-AP-SE -----------------------------------------------------------------


def shacl(data: Any) -> list[str]:
    """The violations of `data` (an rdflib graph) against every DCAT-AP 3.0.1 shapes file."""
    from pyshacl import validate

    found = []
    for shapes in ("shapes.ttl", "shapes_recommended.ttl", "range.ttl"):
        conforms, _, text = validate(
            data, shacl_graph=str(STANDARDS / shapes), shacl_graph_format="turtle"
        )
        if not conforms:
            found += [f"{shapes}: {ln.strip()}" for ln in text.splitlines() if "Message" in ln]
    return found


def catalogue(site: Path) -> Any:
    from rdflib import Graph

    return Graph().parse(site / "data/dcat.rdf", format="xml")


def test_the_catalogue_conforms_to_the_dcat_ap_shapes(site: Path) -> None:
    assert shacl(catalogue(site)) == []


@pytest.mark.parametrize(
    "fault",
    ["a dataset without a title", "a distribution without an access URL", "a nameless publisher"],
)
def test_a_broken_catalogue_fails_the_shapes(site: Path, fault: str) -> None:
    from rdflib import URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF

    graph = catalogue(site)
    dataset = URIRef(f"{BASE}/data/dcat.rdf#dataset-beslut")
    if fault == "a dataset without a title":
        graph.remove((dataset, DCTERMS.title, None))
    elif fault == "a distribution without an access URL":
        graph.remove((URIRef(f"{BASE}/data/dcat.rdf#fil-beslut"), DCAT.accessURL, None))
    else:
        graph.remove((URIRef("http://dataportal.se/organisation/SE2120000142"), FOAF.name, None))
    assert shacl(graph) != []


def swedish_rule_breaches(graph: Any) -> list[str]:
    """DCAT-AP-SE's rules for the portal (SOURCE.md): no blank nodes, every free text
    language-tagged, absolute IRIs, a publisher with foaf:name and dcterms:type, canonical
    licence URIs."""
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import DCTERMS, FOAF, RDF, XSD

    breaches = []
    for triple in graph:
        for node in triple:
            if isinstance(node, BNode):
                breaches.append(f"blank node in {triple}")
            if isinstance(node, URIRef) and not re.match(r"^(https?|mailto):", str(node)):
                breaches.append(f"not an absolute IRI: {node}")
        value = triple[2]
        if triple[1] == DCTERMS.identifier:
            continue  # a number, not text in a language
        text = isinstance(value, Literal) and value.datatype in (None, XSD.string)
        if text and not value.language:
            breaches.append(f"text without a language: {value!r}")
    for agent in set(graph.objects(None, DCTERMS.publisher)):
        if not list(graph.objects(agent, FOAF.name)):
            breaches.append(f"publisher {agent} has no foaf:name")
        if not list(graph.objects(agent, DCTERMS.type)):
            breaches.append(f"publisher {agent} has no dcterms:type")
    for licence in set(graph.objects(None, DCTERMS.license)):
        if "creativecommons.org" in str(licence) and not re.fullmatch(
            r"http://creativecommons\.org/(licenses|publicdomain)/[a-z-]+/\d\.\d/", str(licence)
        ):
            breaches.append(f"licence not canonical: {licence}")
    if not list(graph.subjects(RDF.type, URIRef("http://www.w3.org/ns/dcat#Catalog"))):
        breaches.append("no catalogue")
    return breaches


def test_the_catalogue_keeps_the_swedish_rules(site: Path) -> None:
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import DCTERMS, FOAF

    graph = catalogue(site)
    assert swedish_rule_breaches(graph) == []
    # The rules can be broken: a blank publisher, an untagged title, a licence as a page.
    for fault in (
        lambda g: g.add((URIRef(f"{BASE}/data/dcat.rdf#katalog"), DCTERMS.publisher, BNode())),
        lambda g: g.add((URIRef(f"{BASE}/data/dcat.rdf#katalog"), DCTERMS.title, Literal("x"))),
        lambda g: g.add((URIRef(f"{BASE}/data/dcat.rdf#katalog"), DCTERMS.license,
                         URIRef("https://creativecommons.org/licenses/by/4.0/deed.sv"))),
    ):  # fmt: skip
        broken = copy.deepcopy(graph)
        fault(broken)
        assert swedish_rule_breaches(broken) != []
    # The publisher is the one data/site.yaml names, by the portal's URI for its number.
    agent = URIRef("http://dataportal.se/organisation/SE2120000142")
    assert str(graph.value(agent, FOAF.name)) == "Stockholms stad"
    assert str(graph.value(agent, DCTERMS.type)).endswith("/publishertype/LocalAuthority")


def test_the_catalogue_says_what_is_so(site: Path) -> None:
    from rdflib import URIRef
    from rdflib.namespace import DCAT, DCTERMS

    graph = catalogue(site)
    here = f"{BASE}/data/dcat.rdf#"
    datasets = {str(d).removeprefix(here) for d in graph.objects(URIRef(f"{here}katalog"),
                                                                 DCAT.dataset)}  # fmt: skip
    assert datasets == {"dataset-beslut", "dataset-projekt", "dataset-organisationer",
                        "dataset-finansiering", "dataset-360giving"}  # fmt: skip
    # Every distribution's size is the size of the file written, at the URL given.
    sizes = 0
    for distribution in graph.subjects(DCAT.downloadURL, None):
        url = str(graph.value(distribution, DCAT.downloadURL))
        path = site / url.removeprefix(f"{BASE}/")
        assert int(graph.value(distribution, DCAT.byteSize)) == path.stat().st_size, url
        sizes += 1
    assert sizes == 9
    period = graph.value(URIRef(f"{here}dataset-finansiering"), DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2010-01-01"  # the decision's year ...
    assert str(graph.value(period, DCAT.endDate)) == "2011-12-31"  # ... to the last line's year
    # The portal's default path has the same bytes.
    assert (site / "datasets/dcat").read_bytes() == (site / "data/dcat.rdf").read_bytes()


def test_netlify_serves_the_catalogue_as_rdf_xml() -> None:
    netlify = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    types = {h["for"]: h["values"].get("Content-Type") for h in netlify["headers"]}
    for path in ("/data/dcat.rdf", "/datasets/dcat"):
        assert types[path] == "application/rdf+xml; charset=utf-8"


# --- Frictionless -----------------------------------------------------------------


def frictionless_errors(descriptor: Path) -> list[str]:
    from frictionless import validate

    report = validate(str(descriptor))
    return [f"{e.type}: {e.message}" for task in report.tasks for e in task.errors] + [
        f"{e.type}: {e.message}" for e in report.errors
    ]


def test_frictionless_validates_every_download(site: Path) -> None:
    descriptor = site / "data/datapackage.json"
    assert frictionless_errors(descriptor) == []
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    listed = {r["path"] for r in package["resources"]}
    written = {p.name for p in (site / "data").iterdir() if p.suffix in (".csv", ".json")} - {
        "datapackage.json"
    }
    assert listed == written
    statuses = next(
        f for r in package["resources"] if r["name"] == "finansiering-csv"
        for f in r["schema"]["fields"] if f["name"] == "status"
    )  # fmt: skip
    assert statuses["constraints"]["enum"] == ["applied", "granted", "rejected", "contributed"]
    assert "beviljat" in statuses["description"]


def test_the_catalogues_describe_the_files_a_warm_build_writes(tmp_path: Path) -> None:
    """A warm build makes each download once and the catalogues take its size and digest
    from that making: after an edit that changes the files, they still describe them."""
    import hashlib

    corpus = Corpus(tmp_path)
    write_corpus(corpus)
    assert corpus.run("build").returncode == 0
    before = (corpus.out / "data/finansiering.csv").read_bytes()
    decision = corpus.root / "content/decisions/beviljat.md"
    text = decision.read_text(encoding="utf-8")
    decision.write_text(text.replace("amount: 400000", "amount: 4123456"), encoding="utf-8")
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    assert (corpus.out / "data/finansiering.csv").read_bytes() != before
    package = json.loads((corpus.out / "data/datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        data = (corpus.out / "data" / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data), resource["path"]
        assert resource["hash"].removeprefix("sha256:") == hashlib.sha256(data).hexdigest()
    graph = catalogue(corpus.out)
    from rdflib.namespace import DCAT

    for distribution in graph.subjects(DCAT.downloadURL, None):
        url = str(graph.value(distribution, DCAT.downloadURL))
        size = (corpus.out / url.removeprefix(f"{BASE}/")).stat().st_size
        assert int(graph.value(distribution, DCAT.byteSize)) == size, url


@pytest.mark.parametrize("fault", ["an amount that is not a number", "a file changed after"])
def test_a_broken_download_fails_frictionless(site: Path, tmp_path: Path, fault: str) -> None:
    copy_ = tmp_path / "data"
    copy_.mkdir()
    for path in (site / "data").iterdir():
        if path.is_file():
            (copy_ / path.name).write_bytes(path.read_bytes())
    lines = copy_ / "finansiering.csv"
    text = lines.read_bytes().decode("utf-8-sig")
    if fault == "an amount that is not a number":
        text = text.replace(";400000;", ";fyrahundratusen;", 1)
        descriptor = json.loads((copy_ / "datapackage.json").read_text(encoding="utf-8"))
        for resource in descriptor["resources"]:
            resource.pop("bytes", None), resource.pop("hash", None)
        (copy_ / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    else:
        text = text.replace("Samtalsgrupper", "Samtalsgruppen", 1)
    lines.write_bytes(text.encode("utf-8-sig"))
    assert frictionless_errors(copy_ / "datapackage.json") != []


# --- organisationsnummer ------------------------------------------------------------


@pytest.mark.parametrize(
    "number", [STOCKHOLM, "202100-2247", "202100-0555", "232100-0016", "212000-0050"]
)
def test_public_numbers_pass_the_luhn_check(number: str) -> None:
    assert orgnumber.luhn_valid(number)
    assert orgnumber.check_digit(orgnumber.digits(number)[:9]) == int(number[-1])
    assert orgnumber.identifier(number) == f"SE-ON-{number.replace('-', '')}"


@given(st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_any_single_wrong_digit_fails_the_luhn_check(place: int, change: int) -> None:
    digits = list(orgnumber.digits(STOCKHOLM))
    digits[place] = str((int(digits[place]) + change) % 10)
    assert not orgnumber.luhn_valid("".join(digits))


def test_check_catches_a_wrong_number_a_shared_identity_and_an_unknown_parent(
    corpus: Corpus,
) -> None:
    corpus.organisations += [
        {"id": "fel", "name": "Felskriven", "type": "organisation", "org_number": "212000-0143"},
        {"id": "stad", "name": "Stad", "type": "organisation", "org_number": STOCKHOLM},
        {"id": "kopia", "name": "Kopia", "type": "organisation", "org_number": STOCKHOLM},
        {"id": "enhet", "name": "Enhet", "type": "organisation", "part_of": "saknas"},
        {"id": "namnd", "name": "Nämnd", "type": "district", "org_number": STOCKHOLM},
    ]
    corpus.write_data()
    result = corpus.run("check")
    assert result.returncode == 1
    output = result.stdout + result.stderr
    errors = [line for line in output.splitlines() if ": error: " in line]
    text = (corpus.data / "organisations.yaml").read_text(encoding="utf-8").splitlines()

    wrong = next(n for n, line in enumerate(text, 1) if "org_number: 212000-0143" in line)
    assert any(f":{wrong}: error:" in e and "would be 2" in e for e in errors), errors
    assert any("already given to 'stad'" in e and "part_of: stad" in e for e in errors)
    assert any("part_of: 'saknas'" in e for e in errors)
    assert len(errors) == 3, errors  # the district shares the city's number: no error


def test_pages_and_files_show_whose_number_it_is(site: Path) -> None:
    district = page(site, "/stadsdelar/skarholmen/").find("main").text
    assert f"{STOCKHOLM} – numret hör till Stockholms stad" in district
    assert "nämnden är en del av kommunen" in district
    funder = page(site, "/finansiarer/lansstyrelsen/").find("main").text
    assert "202100-2247" in funder and "numret hör till" not in funder
    fund = page(site, "/finansiarer/fonden/").find("main").text
    assert f"{STOCKHOLM} – numret hör till Stockholms stad, som Stadens fond är en del av" in fund
    orgs = {
        o["id"]: o
        for o in json.loads((site / "data/organisationer.json").read_text(encoding="utf-8"))[
            "organisations"
        ]
    }
    assert orgs["skarholmen"]["legal_entity"] == {
        "identifier": "SE-ON-2120000142", "id": "stockholms-stad", "name": "Stockholms stad",
        "own": False,
    }  # fmt: skip
    assert orgs["lansstyrelsen"]["legal_entity"]["own"] is True
    assert orgs["framnas"]["org_number"] is None and orgs["framnas"]["legal_entity"] is None


# --- 360Giving ----------------------------------------------------------------------

#: org-id.guide's list codes this package can use (any code is accepted by the tool;
#: these are the ones that apply here), and 360Giving's own prefix.
RECOGNISED = ("SE-ON-", "360G-")
EMAIL = re.compile(r"[\w.-]+@[\w.-]+\.[\w.-]+")


def _dates(grant: dict[str, Any]) -> dict[str, dt.date]:
    """The tool's `create_grant_dates_dict`: award and planned dates, cut at T, parsed."""
    found = {"award": grant["awardDate"]}
    for key, value in (grant.get("plannedDates") or [{}])[0].items():
        if key in ("startDate", "endDate"):
            found[key] = value
    return {k: dt.datetime.strptime(v.split("T")[0], "%Y-%m-%d").date() for k, v in found.items()}


def _strings(value: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, f"{path}/{k}")]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in _strings(v, f"{path}/{i}")]
    return [(path, value)] if isinstance(value, str) else []


def _orgs(grant: dict[str, Any]) -> list[dict[str, Any]]:
    return [*grant["fundingOrganization"], *grant.get("recipientOrganization", [])]


TODAY = dt.date.today()
CHECKS: dict[str, Callable[[dict[str, Any]], bool]] = {
    # quality and accuracy
    "ZeroAmountTest": lambda g: g.get("amountAwarded") == 0,
    "UnrecognisedPrefix": lambda g: any(not o["id"].startswith(RECOGNISED) for o in _orgs(g)),
    "OrganizationIdUnexpectedChars": lambda g: any("\n" in o["id"] for o in _orgs(g)),
    "GrantIdUnexpectedChars": lambda g: "\n" in g["id"],
    "LooksLikeEmail": lambda g: any(
        EMAIL.search(v) for p, v in _strings(g) if "email" not in p.lower()
    ),
    "PlannedStartDateBeforeEndDate": lambda g: (
        "startDate" in _dates(g) and _dates(g)["startDate"] > _dates(g)["endDate"]
    ),
    "FarFuturePlannedDates": lambda g: any(
        d > TODAY.replace(year=TODAY.year + 12) for k, d in _dates(g).items() if k != "award"
    ),
    "FarPastDates": lambda g: any(
        d < TODAY.replace(year=TODAY.year - 25) for d in _dates(g).values()
    ),
    "PostDatedAwardDates": lambda g: _dates(g)["award"] > TODAY,
    # usefulness
    "NoBeneficiaryLocation": lambda g: not g.get("beneficiaryLocation"),
    "TitleDescriptionSame": lambda g: g["title"] == g["description"],
    "TitleLength": lambda g: len(g.get("title", "")) > 140,
    "NoLastModified": lambda g: not g.get("dateModified"),
    "NoDataSource": lambda g: not g.get("dataSource"),
    "PlannedDurationNotPresent": lambda g: (
        not g.get("plannedDates")
        or not (
            g["plannedDates"][0].get("duration") is not None
            or (g["plannedDates"][0].get("startDate") and g["plannedDates"][0].get("endDate"))
        )
    ),
    "NoGrantProgramme": lambda g: not g.get("grantProgramme"),
}
#: Findings the package has by design, and why (docs on /data/ and the closing note):
#: a district council is no legal entity and keeps its 360G- id (RecipientOrg360GPrefix);
#: a grant whose source names no programme or planned period has none (NoGrantProgramme,
#: PlannedDurationNotPresent); UK-only checks (charity and company numbers, postcodes)
#: and MoreThanOneFundingOrg (this is a register of many funders' money) do not apply.
BY_DESIGN = {"NoGrantProgramme", "PlannedDurationNotPresent"}


def findings(package: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for grant in package["grants"]:
        for name, check in CHECKS.items():
            if check(grant):
                found.setdefault(name, []).append(grant["id"])
        for org in grant["fundingOrganization"]:  # MultiFundingNamesForOrgId
            if names.setdefault(org["id"], org["name"]) != org["name"]:
                found.setdefault("MultiFundingNamesForOrgId", []).append(grant["id"])
    return found


def test_the_360giving_package_is_free_of_the_quality_tools_findings(site: Path) -> None:
    package = json.loads((site / "data/360giving.json").read_text(encoding="utf-8"))
    assert len(package["grants"]) == 3
    found = findings(package)
    assert set(found) <= BY_DESIGN, found
    # Only where the source has no programme or no period to the day or month.
    assert found.get("NoGrantProgramme") == [
        "360G-insyn-decision:beviljat:2", "360G-insyn-decision:beviljat:3"
    ]  # fmt: skip
    assert "PlannedDurationNotPresent" not in found
    # The checks can fail.
    for fault, name in (
        (lambda g: g.update(title=g["description"]), "TitleDescriptionSame"),
        (lambda g: g.pop("dateModified"), "NoLastModified"),
        (lambda g: g.update(description=g["description"] + " info@example.se"), "LooksLikeEmail"),
        (lambda g: g["fundingOrganization"][0].update(id="GB-XYZ-1"), "UnrecognisedPrefix"),
        (lambda g: g.update(awardDate="2999-01-01"), "PostDatedAwardDates"),
    ):
        broken = copy.deepcopy(package)
        fault(broken["grants"][0])
        assert name in findings(broken), name


def test_360giving_identifies_organisations_by_their_numbers(site: Path) -> None:
    package = json.loads((site / "data/360giving.json").read_text(encoding="utf-8"))
    grants = {g["id"]: g for g in package["grants"]}
    first = grants["360G-insyn-decision:beviljat:0"]
    assert first["fundingOrganization"][0]["id"] == "SE-ON-2021002247"
    recipient = first["recipientOrganization"][0]
    assert recipient["id"] == "360G-insyn-org:hasselby-vallingby"
    assert recipient["insyn:legalEntity"] == {"id": "SE-ON-2120000142", "name": "Stockholms stad"}
    fund = grants["360G-insyn-decision:beviljat:3"]["fundingOrganization"][0]
    assert fund["id"] == "360G-insyn-org:fonden"
    assert fund["insyn:legalEntity"] == {"id": "SE-ON-2120000142", "name": "Stockholms stad"}
    assert first["grantProgramme"] == [{"title": "Utvecklingsmedel"}]
    assert first["plannedDates"] == [{"startDate": "2010-03-01", "endDate": "2011-02-28"}]
    assert grants["360G-insyn-decision:beviljat:2"]["plannedDates"] == [{"duration": 6}]
    assert first["dataSource"] == f"{BASE}/beslut/beviljat/"
    assert dt.datetime.fromisoformat(first["dateModified"]).tzinfo is not None


def test_check_catches_a_wrong_publisher_number(corpus: Corpus) -> None:
    corpus.site["publisher"] = {"name": "Stockholms stad", "org_number": "212000-0141"}
    corpus.write_data()
    result = corpus.run("check")
    assert result.returncode == 1
    lines = (corpus.data / "site.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "212000-0141" in text)
    assert f"site.yaml:{line}: error: org_number: 212000-0141" in result.stdout + result.stderr

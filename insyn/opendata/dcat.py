"""`/data/dcat.rdf`: the open data as a DCAT-AP-SE catalogue, for Sweden's data portal.

The portal (dataportal.se) harvests catalogues in DCAT-AP-SE, Sweden's profile of
DCAT-AP 3: RDF/XML at one URL, every catalogue, dataset, distribution, publisher and
contact point an IRI (no blank nodes), every free text tagged with its language, the
publisher with `foaf:name` and `dcterms:type`, licences as canonical URIs. The graph
is built with rdflib and serialised by it; the tests validate it against the DCAT-AP
3.0.1 SHACL shapes and the Swedish rules. Datasets and files come from `catalogue`.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD
from rdflib.term import Node

from insyn.model import Publisher, orgnumber
from insyn.opendata.catalogue import DATASETS, Dataset, Distribution, Files, published, span, years
from insyn.opendata.records import OpenData

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS_TYPE = Namespace("http://purl.org/adms/publishertype/")
THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
LANGUAGE = URIRef("http://publications.europa.eu/resource/authority/language/SWE")
MEDIA_TYPE = "http://www.iana.org/assignments/media-types/"
THEME_TAXONOMY = URIRef("http://publications.europa.eu/resource/authority/data-theme")
#: the files stay where they are (the EU's planned-availability vocabulary)
STABLE = URIRef("http://publications.europa.eu/resource/authority/planned-availability/STABLE")
DCATAP = Namespace("http://data.europa.eu/r5r/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
#: Stockholm in GeoNames, the gazetteer DCAT-AP names for places without an EU code
STOCKHOLM = URIRef("http://sws.geonames.org/2673730/")
#: the EU data themes of the datasets, with the vocabulary's own labels
THEMES = {
    THEME.SOCI: ("Befolkning och samhälle", "Population and society"),
    THEME.GOVE: ("Regeringen och den offentliga sektorn", "Government and public sector"),
}
#: Stockholm's centre and a box around the municipality (WGS 84, longitude first)
CENTROID = "POINT(18.06871 59.32938)"
BOX = "POLYGON((17.75 59.22,18.2 59.22,18.2 59.44,17.75 59.44,17.75 59.22))"
GEOSPARQL = Namespace("http://www.opengis.net/ont/geosparql#")
#: ADMS licence types of the licences a site is likely to use
LICENCE_TYPES = {
    "publicdomain/": "http://purl.org/adms/licencetype/PublicDomain",
    "licenses/by/": "http://purl.org/adms/licencetype/Attribution",
}
#: Sweden's data portal names an organisation by its number
DATAPORTAL_ORGANISATION = "http://dataportal.se/organisation/SE"

PATH = "/data/dcat.rdf"
#: where the portal looks by default (netlify.toml serves the same bytes there)
PORTAL_PATH = "/datasets/dcat"


class _SortedGraph(Graph):
    """A graph that hands out its subjects and each subject's statements sorted: rdflib's
    RDF/XML writer follows the store's order, which varies from run to run, and the
    catalogue must be the same bytes for the same data."""

    def subjects(self, *args: Any, **kwargs: Any) -> Generator[Node, None, None]:
        yield from sorted(set(super().subjects(*args, **kwargs)), key=str)

    def predicate_objects(
        self, *args: Any, **kwargs: Any
    ) -> Generator[tuple[Node, Node], None, None]:
        yield from sorted(
            set(super().predicate_objects(*args, **kwargs)),
            key=lambda po: (str(po[0]), str(po[1]), repr(po[1])),
        )


def canonical_licence(url: str) -> str:
    """A Creative Commons licence by its canonical URI, as DCAT-AP-SE asks:
    `https://creativecommons.org/publicdomain/zero/1.0/deed.sv` ->
    `http://creativecommons.org/publicdomain/zero/1.0/`; any other URL as it is."""
    match = re.fullmatch(r"https?://creativecommons\.org/((?:licenses|publicdomain)/[^?#]*?)"
                         r"(?:deed(?:\.[A-Za-z-]+)?)?/?", url)  # fmt: skip
    if not match:
        return url
    return f"http://creativecommons.org/{match.group(1).rstrip('/')}/"


def publisher_of(data: OpenData) -> Publisher:
    """The publisher `data/site.yaml` names, else the site's organisation, a local authority."""
    settings = data.settings
    if settings.publisher is not None:
        return settings.publisher
    return Publisher(settings.organisation or settings.title, email=settings.contact_email)


def publisher_uri(data: OpenData, publisher: Publisher) -> URIRef:
    """Its own URI, else the one the portal gives its organisation number, else the site's."""
    if publisher.uri:
        return URIRef(publisher.uri)
    if publisher.org_number:
        return URIRef(f"{DATAPORTAL_ORGANISATION}{orgnumber.digits(publisher.org_number)}")
    return URIRef(data.absolute("/#utgivare"))


def _typed(graph: Graph, node: URIRef, *classes: URIRef) -> URIRef:
    """`node`, said to be of `classes`: DCAT-AP's ranges ask each value's class of the
    catalogue itself (a validator does not look the vocabularies up)."""
    for kind in classes:
        graph.add((node, RDF.type, kind))
    return node


def _texts(graph: Graph, subject: URIRef, predicate: URIRef, sv: str, en: str) -> None:
    graph.add((subject, predicate, Literal(sv, lang="sv")))
    graph.add((subject, predicate, Literal(en, lang="en")))


def catalogue(data: OpenData, files: Files, written: set[str]) -> bytes:
    """The catalogue of the files in `written` (paths under the output), as RDF/XML."""
    settings = data.settings
    graph = _SortedGraph()
    graph.bind("dcatap", DCATAP)
    graph.bind("skos", SKOS)
    for prefix, namespace in (("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF),
                              ("vcard", VCARD)):  # fmt: skip
        graph.bind(prefix, namespace)
    here = data.absolute(PATH)
    root = URIRef(f"{here}#katalog")
    graph.add((root, RDF.type, DCAT.Catalog))
    _texts(graph, root, DCTERMS.title, settings.title, f"{settings.title}: open data")
    _texts(
        graph,
        root,
        DCTERMS.description,
        "Öppna data om hur Stockholms stadsdelsnämnder söker, får och använder pengar för "
        "arbetet mot våld i nära relationer: beslut, projekt, organisationer och varje belopp.",
        "Open data on how Stockholm's district councils apply for, receive and use money "
        "against domestic violence: decisions, projects, organisations and every sum.",
    )
    graph.add((root, FOAF.homepage, _typed(graph, URIRef(data.absolute("/")), FOAF.Document)))
    graph.add((root, DCTERMS.language, _typed(graph, LANGUAGE, DCTERMS.LinguisticSystem)))
    graph.add((root, DCAT.themeTaxonomy, _typed(graph, THEME_TAXONOMY, SKOS.ConceptScheme)))
    _texts(graph, THEME_TAXONOMY, DCTERMS.title, "Datatema", "Data theme")
    for theme, (sv, en) in THEMES.items():
        _typed(graph, theme, SKOS.Concept)
        _texts(graph, theme, SKOS.prefLabel, sv, en)
    _typed(graph, STABLE, SKOS.Concept)
    _texts(graph, STABLE, SKOS.prefLabel, "stabil", "stable")
    graph.add((root, DCTERMS.spatial, _place(graph)))
    licence = _licence(graph, settings.licence_url)
    if licence is not None:
        graph.add((root, DCTERMS.license, licence))
    agent = _publisher(graph, data)
    graph.add((root, DCTERMS.publisher, agent))
    whole = span(data, "all")
    if whole is not None:
        graph.add((root, DCTERMS.issued, Literal(whole[0].date(), datatype=XSD.date)))
        graph.add((root, DCTERMS.modified, Literal(whole[1].date(), datatype=XSD.date)))
    contact = _contact(graph, data, here)
    for dataset in published(DATASETS, written):
        node = _dataset(graph, data, files, dataset, here, agent, contact, licence)
        graph.add((root, DCAT.dataset, node))
    text = graph.serialize(format="xml", encoding="utf-8")
    return text if text.endswith(b"\n") else text + b"\n"


def _place(graph: Graph) -> URIRef:
    _typed(graph, STOCKHOLM, DCTERMS.Location)
    graph.add((STOCKHOLM, DCAT.centroid, Literal(CENTROID, datatype=GEOSPARQL.wktLiteral)))
    graph.add((STOCKHOLM, DCAT.bbox, Literal(BOX, datatype=GEOSPARQL.wktLiteral)))
    return STOCKHOLM


def _licence(graph: Graph, url: str | None) -> URIRef | None:
    if not url:
        return None
    licence = _typed(graph, URIRef(canonical_licence(url)), DCTERMS.LicenseDocument)
    for part, kind in LICENCE_TYPES.items():
        if part in str(licence):
            graph.add((licence, DCTERMS.type, _typed(graph, URIRef(kind), SKOS.Concept)))
            _texts(
                graph, URIRef(kind), SKOS.prefLabel, kind.rsplit("/", 1)[1], kind.rsplit("/", 1)[1]
            )
    return licence


def _publisher(graph: Graph, data: OpenData) -> URIRef:
    publisher = publisher_of(data)
    agent = publisher_uri(data, publisher)
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, FOAF.name, Literal(publisher.name, lang="sv")))
    kind = _typed(graph, ADMS_TYPE[publisher.type], SKOS.Concept)
    graph.add((agent, DCTERMS.type, kind))
    _texts(graph, kind, SKOS.prefLabel, publisher.type, publisher.type)
    if publisher.org_number:
        graph.add((agent, DCTERMS.identifier, Literal(orgnumber.digits(publisher.org_number))))
    return agent


def _contact(graph: Graph, data: OpenData, here: str) -> URIRef | None:
    publisher = publisher_of(data)
    email = publisher.email or data.settings.contact_email
    if not email:
        return None
    contact = URIRef(f"{here}#kontakt")
    _typed(graph, contact, VCARD.Organization, VCARD.Kind)
    graph.add((contact, VCARD.fn, Literal(publisher.name, lang="sv")))
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    return contact


def _dataset(
    graph: Graph,
    data: OpenData,
    files: Files,
    dataset: Dataset,
    here: str,
    agent: URIRef,
    contact: URIRef | None,
    licence: URIRef | None,
) -> URIRef:
    node = URIRef(f"{here}#dataset-{dataset.id}")
    graph.add((node, RDF.type, DCAT.Dataset))
    _texts(graph, node, DCTERMS.title, dataset.title_sv, dataset.title_en)
    _texts(graph, node, DCTERMS.description, dataset.description_sv, dataset.description_en)
    for keyword in dataset.keywords:
        graph.add((node, DCAT.keyword, Literal(keyword, lang="sv")))
    for theme in THEMES:
        graph.add((node, DCAT.theme, theme))
    graph.add((node, DCTERMS.spatial, STOCKHOLM))
    graph.add((node, DCTERMS.publisher, agent))
    graph.add((node, DCTERMS.language, LANGUAGE))
    graph.add(
        (node, DCAT.landingPage, _typed(graph, URIRef(data.absolute("/data/")), FOAF.Document))
    )
    if contact is not None:
        graph.add((node, DCAT.contactPoint, contact))
    if dataset.conforms_to:
        standard = _typed(graph, URIRef(dataset.conforms_to), DCTERMS.Standard)
        graph.add((node, DCTERMS.conformsTo, standard))
    covered = years(data)
    if covered is not None:
        period = URIRef(f"{here}#period-{dataset.id}")
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        start, end = f"{covered[0]:04d}-01-01", f"{covered[1]:04d}-12-31"
        graph.add((period, DCAT.startDate, Literal(start, datatype=XSD.date)))
        graph.add((period, DCAT.endDate, Literal(end, datatype=XSD.date)))
        graph.add((node, DCTERMS.temporal, period))
    when = span(data, dataset.content)
    if when is not None:
        graph.add((node, DCTERMS.issued, Literal(when[0].date(), datatype=XSD.date)))
        graph.add((node, DCTERMS.modified, Literal(when[1].date(), datatype=XSD.date)))
    for distribution in dataset.distributions:
        graph.add((node, DCAT.distribution, _distribution(graph, data, files, distribution,
                                                          here, licence)))  # fmt: skip
    return node


def _distribution(
    graph: Graph,
    data: OpenData,
    files: Files,
    distribution: Distribution,
    here: str,
    licence: URIRef | None,
) -> URIRef:
    node = URIRef(f"{here}#fil-{distribution.name}")
    url = URIRef(data.absolute(f"/{distribution.path}"))
    graph.add((node, RDF.type, DCAT.Distribution))
    _texts(graph, node, DCTERMS.title, distribution.title_sv, distribution.title_en)
    _texts(
        graph,
        node,
        DCTERMS.description,
        f"{distribution.title_sv}, fältbeskrivning på {data.absolute('/data/')}.",
        f"{distribution.title_en}, fields described at {data.absolute('/data/')}.",
    )
    graph.add((node, DCATAP.availability, STABLE))
    graph.add((node, DCAT.accessURL, URIRef(data.absolute("/data/"))))
    graph.add((node, DCAT.downloadURL, url))
    file_type = FILE_TYPE[distribution.kind.code]
    graph.add((node, DCTERMS.format, _typed(graph, file_type, DCTERMS.MediaTypeOrExtent)))
    media = URIRef(f"{MEDIA_TYPE}{distribution.kind.media_type}")
    graph.add((node, DCAT.mediaType, _typed(graph, media, DCTERMS.MediaType)))
    if licence is not None:
        graph.add((node, DCTERMS.license, licence))
    made = files.made(data, distribution.path)
    graph.add((node, DCAT.byteSize, Literal(made.size, datatype=XSD.nonNegativeInteger)))
    return node

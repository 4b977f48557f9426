"""schema.org JSON-LD: a `MonetaryGrant` per funding line, `GovernmentOrganization` for districts.

The data sits in `<script type="application/ld+json">`, which browsers do
not run, so a strict CSP allows it. It must still never end its element
early: `<`, `>` and `&` are written as JSON escapes, so a title containing
`</script>` stays a string.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import orjson
from markupsafe import Markup

from insyn.model import DISTRICT, FUNDER, FundingLine, Organisation, formatting
from insyn.pages.site import SiteView

CONTEXT = "https://schema.org"


def script(data: Any) -> Markup:
    """`data` as a JSON-LD element that no value can break out of."""
    try:
        text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    except orjson.JSONEncodeError:  # a number past 64 bits
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def _organisation(org: Organisation, site: SiteView) -> dict[str, Any]:
    kind = "GovernmentOrganization" if org.type == DISTRICT else "Organization"
    data: dict[str, Any] = {
        "@type": kind,
        "@id": site.absolute(site.org_url(org.id)),
        "name": org.name,
        "url": site.absolute(site.org_url(org.id)),
    }
    if org.type == FUNDER and org.category:
        data["description"] = org.category
    return data


def grants(site: SiteView, lines: Iterable[FundingLine]) -> Markup:
    """One `MonetaryGrant` per line, for decision and project pages.

    schema.org has no recipient property on a grant; the receiving
    organisation and the project are its `fundedItem`s, the status is
    spelled out in `description`.
    """
    graph = []
    for line in lines:
        funder, recipient = site.org(line.from_id), site.org(line.to_id)
        source = site.absolute(site.source_url(line))
        funded: list[dict[str, Any]] = [_organisation(recipient, site)]
        if line.project_id:
            project = site.project(line.project_id)
            funded.append(
                {
                    "@type": "Project",
                    "@id": site.absolute(site.project_url(project.id)),
                    "name": project.name,
                    "url": site.absolute(site.project_url(project.id)),
                }
            )
        status = formatting.status_word(line.status)
        if line.amount is None or line.year is None or line.joint_payer or line.joint_recipient:
            continue  # a MonetaryGrant has one funder, a year and an amount
        if line.own:
            continue  # a MonetaryGrant has one funder, a year and an amount
        graph.append(
            {
                "@type": "MonetaryGrant",
                "@id": f"{source}#finansiering-{line.index + 1}",
                "name": f"{funder.label} till {recipient.label} {line.year}: {status}",
                "description": (
                    f"Status: {status} ({line.status}). Budgetår {line.year}. "
                    f"{formatting.amount(line.amount)} från {funder.name} till {recipient.name}."
                ),
                "funder": _organisation(funder, site),
                "fundedItem": funded,
                "amount": {"@type": "MonetaryAmount", "currency": "SEK", "value": line.amount},
                "url": source,
            }
        )
    if not graph:
        return Markup("")
    return script({"@context": CONTEXT, "@graph": graph})


def government_organisation(site: SiteView, org: Organisation) -> Markup:
    """A district as a `GovernmentOrganization`, for its own page."""
    data: dict[str, Any] = {"@context": CONTEXT, **_organisation(org, site)}
    if org.short_name:
        data["alternateName"] = org.short_name
    if org.area:
        data["areaServed"] = {"@type": "Place", "name": f"{org.area}, Stockholm"}
    if org.active and org.active.first:
        data["foundingDate"] = str(org.active.first)
    if org.active and org.active.last:
        data["dissolutionDate"] = str(org.active.last)
    if org.website:
        data["sameAs"] = org.website
    return script(data)


GLOBALS = {"grants_json_ld": grants, "organisation_json_ld": government_organisation}

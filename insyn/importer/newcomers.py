"""Organisations a document names that `data/organisations.yaml` does not know yet.

A funder that is new to the site (a state agency, a city fund) must still get its
funding line, so the importer proposes an entry: the name in its base form
("Brottsoffermyndighetens" -> "Brottsoffermyndigheten"), an id by the contract's
slug rule, a type and a category. The staff member pastes it into the file, or
`import --add-organisations` appends it, marked for review.

Names are recognised by what Swedish public bodies are called (-myndigheten,
-styrelsen, -verket, -fonden, -rådet, -nämnden ...), and a few abbreviations
that documents use for well-known funders are written out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from insyn.importer.orgs import Directory, Organisation
from insyn.model.ids import slugify

#: Abbreviations documents use, and the name each stands for.
ABBREVIATIONS = {
    "brå": "Brottsförebyggande rådet",
    "sos": "Socialstyrelsen",
    "lst": "Länsstyrelsen",
    "brom": "Brottsoffermyndigheten",
    "mucf": "Myndigheten för ungdoms- och civilsamhällesfrågor",
    "jämy": "Jämställdhetsmyndigheten",
    "arvsfonden": "Allmänna arvsfonden",
    "nck": "Nationellt centrum för kvinnofrid",
    "skr": "Sveriges Kommuner och Regioner",
    "skl": "Sveriges Kommuner och Landsting",
    "esf": "Svenska ESF-rådet",
    "esf-rådet": "Svenska ESF-rådet",
}
_ABBREVIATION = re.compile(
    r"(?<![\wåäö-])(?P<word>" + "|".join(re.escape(a) for a in ABBREVIATIONS) + r")(?![\wåäö-])",
    re.IGNORECASE,
)

#: The endings of the names of public bodies, funds and foundations.
_BODY_END = (
    r"myndighet(?:en)?|styrelse(?:n)?|verket|fond(?:en)?|stiftelse(?:n)?|rådet|institutet|"
    r"inspektionen|nämnd(?:en)?|förvaltning(?:en)?|kontoret|departementet|"
    r"arvsfonden|akademi(?:n)?|landsting(?:et)?|region(?:en)?|förbund(?:et)?"
)
_BODY_NAME = re.compile(
    r"(?<![\wåäö-])(?P<name>"
    r"Myndigheten för [\wåäö]+(?:-? och [\wåäö]+)?frågor"
    r"|Länsstyrelsen(?: i (?:[A-ZÅÄÖ][\wåäö]+ ){1,2}län)?"
    # "Stockholms stads brottsförebyggande fond", "Allmänna arvsfonden", "Brottsoffermyndigheten"
    r"|(?:[A-ZÅÄÖ][\wåäöé-]*(?:s stads |s kommuns | kommuns | stads |s )|[A-ZÅÄÖ][\wåäö]*[ae] )?"
    r"(?:[a-zåäö][\wåäö-]*[ae] ){0,2}"
    rf"[A-ZÅÄÖ]?[\wåäöé-]*(?:{_BODY_END}))(?P<genitive>s)?(?![\wåäö-])"
)
#: Words that end like a body but name none ("Förvaltningen", "nämnden" on their own).
_GENERIC = {
    "förvaltningen", "förvaltning", "nämnden", "nämnd", "styrelsen", "styrelse", "fonden",
    "fond", "rådet", "kontoret", "verket", "myndigheten", "myndighet", "stiftelsen",
    "stadsdelsförvaltningen", "stadsdelsnämnden", "stadsdelsförvaltning", "stadsdelsnämnd",
    "socialförvaltningen", "regionen", "region", "landstinget", "förbundet", "institutet",
    "departementet", "inspektionen", "akademin",
}  # fmt: skip


@dataclass(frozen=True)
class Newcomer:
    """An organisation proposed for data/organisations.yaml."""

    id: str
    name: str
    type: str
    category: str | None
    seen: str  # as the document writes it

    def yaml(self, source: str) -> list[str]:
        """The entry as YAML lines, to paste into data/organisations.yaml."""
        lines = [
            f"# TODO: granska – föreslagen av import från {source} (”{self.seen}”)",
            f"- id: {self.id}",
            f'  name: "{self.name}"',
            f"  type: {self.type}",
        ]
        if self.category:
            lines.append(f'  category: "{self.category}"')
        if self.seen != self.name:
            lines.append(f'  aliases: ["{self.seen}"]')
        return lines


def _category(name: str) -> str | None:
    folded = name.casefold()
    if not folded.startswith("länsstyrelsen") and re.search(
        r"kommunstyrelse|nämnd(?:en)?\b|utskott|förvaltning(?:en)?\b|kontoret\b", folded
    ):
        return "kommunal nämnd eller förvaltning"
    if folded.startswith("länsstyrelsen") or re.search(
        r"myndighet(?:en)?$|verket$|styrelsen$|inspektionen$|rådet$|institutet$", folded
    ):
        return "statlig myndighet"
    if re.search(r"fond(?:en)?$|arvsfonden$|stiftelse(?:n)?$", folded):
        return "fond"
    if re.search(r"nämnd(?:en)?$|förvaltning(?:en)?$|kontoret$", folded):
        return "kommunal nämnd eller förvaltning"
    return None


def base_form(name: str) -> str:
    """'Brottsoffermyndighetens' -> 'Brottsoffermyndigheten'; 'Länsstyrelsens' too."""
    name = re.sub(r"\s+", " ", name.strip())
    if re.search(rf"(?:{_BODY_END})s$", name) and not name.endswith("ss"):
        return name[:-1]
    return name


def find_known(text: str, directory: Directory) -> Organisation | None:
    """The first organisation of any type that `text` names by abbreviation or by name."""
    for match in _ABBREVIATION.finditer(text):
        word = match.group("word")
        if word.casefold() == "lst" and word != "Lst" and word != "LST":
            continue
        written = ABBREVIATIONS[word.casefold()]
        for kind in ("funder", "organisation", "district"):
            found = directory.match_name(written, kind) or next(
                iter(directory.mentioned(written, kind)), None
            )
            if found is not None:
                return found
    return None


def find_bodies(text: str) -> list[tuple[int, str]]:
    """(position, name in base form) of every public body, fund or agency `text` names."""
    found = []
    for match in _BODY_NAME.finditer(text):
        name = match.group("name").strip()
        if name.casefold() in _GENERIC or len(name) < 6:
            continue
        if not name[:1].isupper():
            continue
        found.append((match.start(), base_form(name + (match.group("genitive") or ""))))
    for match in _ABBREVIATION.finditer(text):
        word = match.group("word")
        if word.casefold() == "lst" and word not in ("Lst", "LST"):
            continue
        if word.islower() and word.casefold() not in ("arvsfonden",):
            continue
        found.append((match.start(), ABBREVIATIONS[word.casefold()]))
    seen: set[str] = set()
    unique = []
    for position, name in sorted(found):
        if name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append((position, name))
    return unique


def resolve(name: str, directory: Directory) -> Organisation | None:
    """The organisation of any type that has `name` as its name or one of its aliases."""
    for kind in ("funder", "organisation", "district"):
        found = directory.match_name(name, kind)
        if found is not None:
            return found
    return None


def propose(name: str, kind: str, seen: str, municipality: str | None = None) -> Newcomer:
    """A new entry for `name`; a nämnd of another municipality is named with it."""
    full = name
    placed = re.search(r"\b(?:kommun|stad|region|län)\b", name, re.IGNORECASE)
    council = re.search(r"nämnd(?:en)?|styrelse(?:n)?|utskott", name, re.IGNORECASE)
    if municipality and council and not placed:
        full = f"{name}, {municipality}"
    slug_source = f"{municipality} {name}" if full != name else name
    return Newcomer(slugify(slug_source), full, kind, _category(name), seen)

"""Finding organisations of data/organisations.yaml in a document's words.

Documents write the same council many ways: "Enskede-Årsta- Vantörs
stadsdelsnämnd", "Rinkeby - Kista", "Hässelby-Vällingbys". Names are compared
after folding case, whitespace, the spacing around hyphens and a genitive -s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from insyn.sources.load import read_organisations

_SUFFIXES = ("stadsdelsnämnd", "stadsdelsförvaltning", "stadsdelsnämnden", "stadsdelsförvaltningen")


#: " i Västra Götalands län", " i Uppsala kommun": a body of another place
_PLACE = re.compile(r"\s+i\s+[\wåäöé-]+(?:\s+[\wåäöé-]+)?\s+(?:län|kommun|stad|region)\b")


def name_key(text: str) -> str:
    """A name folded for comparison: 'Rinkeby - Kista stadsdelsnämnd' -> 'rinkeby-kista'."""
    key = re.sub(r"\s*[-–‐]\s*", "-", text.strip().casefold())
    key = re.sub(r"\s+", " ", key).strip(" .,:;")
    for suffix in _SUFFIXES:
        if key.endswith(" " + suffix):
            key = key[: -len(suffix) - 1]
            break
    return key


def _genitive_free(key: str) -> str:
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


@dataclass(frozen=True)
class Organisation:
    id: str
    type: str
    name: str
    names: tuple[str, ...]
    active_from: int | None = None


@dataclass
class Directory:
    """The organisations, with every way of writing each name."""

    organisations: list[Organisation] = field(default_factory=list)

    @classmethod
    def from_data(cls, entries: Any) -> Directory:
        directory = cls()
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or "id" not in entry:
                continue
            raw_aliases = entry.get("aliases")
            aliases: list[Any] = raw_aliases if isinstance(raw_aliases, list) else []
            names = [entry.get("name"), entry.get("short_name"), *aliases]
            active = entry.get("active")
            start = active.get("from") if isinstance(active, dict) else None
            directory.organisations.append(
                Organisation(
                    id=str(entry["id"]),
                    type=str(entry.get("type", "")),
                    name=str(entry.get("name") or entry["id"]),
                    names=tuple(str(n) for n in names if isinstance(n, str) and n.strip()),
                    active_from=start if isinstance(start, int) else None,
                )
            )
        return directory

    @classmethod
    def load(cls, data: Path) -> Directory:
        return cls.from_data(read_organisations(data).data)

    def of_type(self, kind: str) -> list[Organisation]:
        return [o for o in self.organisations if o.type == kind]

    def get(self, org_id: str) -> Organisation | None:
        return next((o for o in self.organisations if o.id == org_id), None)

    def match_name(self, text: str, kind: str) -> Organisation | None:
        """The organisation of `kind` that `text` names as a whole (a 'Till' line, a letterhead)."""
        key = name_key(text)
        for org in self.of_type(kind):
            for name in org.names:
                other = name_key(name)
                if key in (other, _genitive_free(other)) or _genitive_free(key) in (
                    other,
                    _genitive_free(other),
                ):
                    return org
        return None

    def mentioned(self, text: str, kind: str) -> list[Organisation]:
        """Organisations of `kind` whose name or alias occurs in running text, in order."""
        folded = re.sub(r"\s*[-–‐]\s*", "-", re.sub(r"\s+", " ", text.casefold()))
        found: list[tuple[int, Organisation]] = []
        for org in self.of_type(kind):
            positions = []
            for name in org.names:
                words = re.sub(r"\s*[-–‐]\s*", "-", name.casefold().strip())
                pattern = rf"(?<![\wåäö-]){re.escape(words)}s?(?![\wåäö-])"
                for match in re.finditer(pattern, folded):
                    place = _PLACE.match(folded, match.end())
                    if place and not any(place.group(0).strip() in n.casefold() for n in org.names):
                        continue  # "Länsstyrelsen i Västra Götalands län" is another county's
                    positions.append(match.start())
                    break
            if positions:
                found.append((min(positions), org))
        return [org for _, org in sorted(found, key=lambda pair: pair[0])]

"""Organisationsnummer: Sweden's number for a legal entity, and the identifiers made from it.

A number is ten digits written `NNNNNN-NNNN`; the last digit is a check digit by
the Luhn algorithm over the other nine, as for personnummer (Skatteverket, SKV 709).
org-id.guide lists Swedish organisation numbers as `SE-ON` (`SE-ON-2120000142`);
`SE-BLV` is deprecated. A district council is a committee of its municipality, not
a legal entity: it uses the municipality's number, which is stated, never made its
identifier.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from insyn.model import DISTRICT, Organisation

#: As written in data/organisations.yaml.
PATTERN = re.compile(r"^\d{6}-\d{4}$")

#: org-id.guide's list of Swedish organisation numbers.
SE_ON = "SE-ON-"


def digits(number: str) -> str:
    """`212000-0142` -> `2120000142`."""
    return number.replace("-", "")


def luhn_valid(number: str) -> bool:
    """Whether the ten digits of `number` end in their Luhn check digit."""
    values = digits(number)
    if len(values) != 10 or not values.isdigit():
        return False
    total = 0
    for index, char in enumerate(values):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


def check_digit(first_nine: str) -> int:
    """The digit that makes `first_nine` a valid number (for messages and tests)."""
    return next(d for d in range(10) if luhn_valid(f"{first_nine}{d}"))


def identifier(number: str) -> str:
    """The org-id.guide identifier of a legal entity: `SE-ON-2120000142`."""
    return f"{SE_ON}{digits(number)}"


@dataclass(frozen=True)
class LegalEntity:
    """Whose organisationsnummer an organisation goes by: its own, or (for a district council
    or a part of another organisation) the one of the legal entity it belongs to."""

    number: str
    #: the organisation whose number it is, when that is on the site (None: not known here)
    owner: Organisation | None
    #: the number is the organisation's own: its 360Giving identifier is `SE-ON-...`
    own: bool

    @property
    def identifier(self) -> str:
        return identifier(self.number)


def legal_entity(
    org: Organisation, organisations: Mapping[str, Organisation]
) -> LegalEntity | None:
    """The legal entity of `org`: through `part_of` (at most a few steps, never round), else
    its own number (a district's is its municipality's), else None."""
    seen = {org.id}
    current = org
    while current.part_of and current.part_of in organisations and current.part_of not in seen:
        seen.add(current.part_of)
        current = organisations[current.part_of]
        if current.org_number and current.type != DISTRICT:
            return LegalEntity(current.org_number, current, own=False)
    number = org.org_number or current.org_number
    if not number:
        return None
    if org.type != DISTRICT and not org.part_of:
        return LegalEntity(number, org, own=True)
    owner = next(
        (
            other
            for other in organisations.values()
            if other.org_number == number and other.type != DISTRICT and not other.part_of
        ),
        None,
    )
    return LegalEntity(number, owner, own=False)

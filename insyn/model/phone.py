"""Telephone links in the global form of RFC 3966 (`tel:+46-8-508-04-016`).

A phone number is shown as the document wrote it, but its link must dial from anywhere:
a `tel:` URI with the country code, the trunk `0` dropped and the document's own groups
kept as visual separators. Stockholm's documents often leave out the area code of the
city's own numbers ("508 04 016", the 508 exchange of Stockholms stad): those are 08
numbers, and the link says so. A number that cannot be read as Swedish gets no link.
"""

from __future__ import annotations

import re

COUNTRY = "46"
#: The city of Stockholm's exchange, written without its area code (08) in many documents.
STOCKHOLM_EXCHANGE = "508"
_GROUPS = re.compile(r"\d+")


def tel_uri(phone: str) -> str | None:
    """`tel:+46-8-508-04-016` for "508 04 016" or "08-508 04 016", or None."""
    written = phone.strip()
    groups = _GROUPS.findall(written)
    if not groups or not re.fullmatch(r"[+\d\s\-/().]+", written):
        return None
    if written.startswith("+"):
        if not groups[0].startswith(COUNTRY):
            return None
        groups[0] = groups[0][len(COUNTRY) :]
        if len(groups) > 1 and groups[1] == "0" and "(0)" in written:
            del groups[1]  # "+46 (0)8 ...": the trunk prefix in brackets
    elif groups[0].startswith("00" + COUNTRY):
        groups[0] = groups[0][2 + len(COUNTRY) :]
    elif groups[0].startswith("0"):
        groups[0] = groups[0][1:]  # the trunk prefix, dialled only within Sweden
    elif groups[0].startswith(STOCKHOLM_EXCHANGE):
        groups.insert(0, "8")
    else:
        return None
    groups = [g for g in groups if g]
    national = "".join(groups)
    # a Swedish number is 7 to 9 digits after the country code (area code included)
    if not 7 <= len(national) <= 9 or national.startswith("0"):
        return None
    return "tel:+" + "-".join([COUNTRY, *groups])

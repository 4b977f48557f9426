"""Reading amounts of money as Swedish documents write them.

Shared by `check` (to suggest the integer a staff member meant) and by the
importer (to read amounts out of tjänsteutlåtanden).
"""

from __future__ import annotations

import re

_MILLION = re.compile(r"\b(mkr|miljon|miljoner|milj\.?|mnkr)\b", re.IGNORECASE)
_THOUSAND = re.compile(r"\b(tkr|tusen)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|\d+(?:,\d+)?")


def parse_amount(text: str) -> int | None:
    """`'5 630 000 kr'`, `'100.000 kronor'`, `'1,5 mkr'`, `'2,4 miljoner kronor'` -> kronor."""
    match = _NUMBER.search(text)
    if not match:
        return None
    number = match.group(0)
    whole, _, fraction = number.partition(",")
    whole = re.sub(r"[ \u00a0\u202f.]", "", whole)
    value = float(f"{whole}.{fraction or 0}")
    rest = text[match.end() :]
    if _MILLION.match(rest.strip()) or _MILLION.search(rest[:12]):
        value *= 1_000_000
    elif _THOUSAND.search(rest[:8]):
        value *= 1_000
    elif fraction:
        return None  # "1,5 kr" is not a whole amount
    return round(value) if value > 0 else None

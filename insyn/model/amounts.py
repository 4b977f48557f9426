"""Reading amounts of money as Swedish documents write them.

Shared by `check` (to suggest the integer a staff member meant) and by the
importer (to read amounts out of tjänsteutlåtanden).
"""

from __future__ import annotations

import re

from insyn.model.i18n import Message, _

_MILLION = re.compile(r"\b(mkr|miljon|miljoner|milj\.?|mnkr)\b", re.IGNORECASE)
_THOUSAND = re.compile(r"\b(tkr|tusen)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|\d+(?:,\d+)?")


def parse_amount(text: str) -> int | None:
    """`'5 630 000 kr'`, `'100.000 kronor'`, `'1,5 mkr'`, `'2,4 miljoner kronor'` -> kronor."""
    match = _NUMBER.search(text)
    if not match:
        return None
    number = match.group(0)
    whole, _comma, fraction = number.partition(",")
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


_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")
_UNDERSCORES = re.compile(r"[-+]?[0-9][0-9_]*_[0-9_]*")
_DOTTED_THOUSANDS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")
_DECIMALS = re.compile(r"[-+]?[0-9][0-9_]*\.[0-9_]*|[-+]?\.[0-9_]+")
_EXPONENT = re.compile(r"[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+")
_BASE = re.compile(r"[-+]?0[xXoObB][0-9a-fA-F_]+")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")


def number_hint(text: str) -> Message | None:
    """What to write instead of a number in a notation other than plain decimal digits,
    or None when `text` is not such a number. YAML 1.1 (and so PyYAML) would read
    `0100000` as 32768 and `1:30:00` as 5400; `yamlsource` keeps them as text instead,
    and this says how to write the number that was meant."""
    text = text.strip()
    if _LEADING_ZERO.fullmatch(text):
        digits = text.replace("_", "").lstrip("+")
        sign = "-" if digits.startswith("-") else ""
        number = f"{sign}{digits.lstrip('-').lstrip('0') or '0'}"
        return _("write {number}, without a leading zero", number=number)
    if _UNDERSCORES.fullmatch(text):
        return _("write {number}, without underscores", number=text.replace("_", "").lstrip("+"))
    if _EXPONENT.fullmatch(text):
        try:
            value = float(text.replace("_", ""))
        except ValueError:
            return None
        if value.is_integer() and abs(value) < 1e15:
            return _("write {number}, every digit, without an exponent", number=int(value))
        return _("write the whole number in plain digits, without an exponent")
    if _DOTTED_THOUSANDS.fullmatch(text):
        # Swedish: 100.000 is 100 000
        return _("write {number}, without dots", number=text.replace(".", ""))
    if _DECIMALS.fullmatch(text):
        whole, _point, fraction = text.replace("_", "").partition(".")
        if whole.lstrip("+-") and not fraction.strip("0"):
            return _("write {number}, without decimals", number=whole.lstrip("+"))
        return _("write a whole number in plain digits, without decimals, e.g. 100000")
    if _BASE.fullmatch(text):
        return _("write the number in plain decimal digits (0x, 0o and 0b are not read)")
    if _SEXAGESIMAL.fullmatch(text):
        return _("write the number in plain digits, without ':' (it would be read as a time)")
    return None

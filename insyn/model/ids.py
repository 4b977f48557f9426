"""Identifiers and slugs (contract section 2)."""

from __future__ import annotations

import re
import unicodedata

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_ID_LENGTH = 80
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "æ": "ae", "ø": "o"})


def is_valid_id(value: str) -> bool:
    return len(value) <= MAX_ID_LENGTH and bool(ID_PATTERN.match(value))


def slugify(text: str) -> str:
    """`Hässelby-Vällingby` -> `hasselby-vallingby`; never longer than an id may be."""
    folded = text.lower().translate(_FOLD)
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:MAX_ID_LENGTH].rstrip("-")

"""Swedish dates as tjänsteutlåtanden write them, and the year a document is from."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4,
    "apr": 4, "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augusti": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_PATTERNS = (
    # "27 november 2007", "den 4 jan. 2007", "27:e november 2007"
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(?::?[ae])?\s+(?P<m>{_MONTH_NAMES})\.?\s+(?P<y>(?:19|20)\d\d)\b",
        re.IGNORECASE,
    ),
    # "2007-11-27", "2007.11.27", "2007/11/27"
    re.compile(r"\b(?P<y>(?:19|20)\d\d)[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})\b"),
    # "27/11 2007", "27.11.2007", "27/11/2007"
    re.compile(r"\b(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./ ]\s*(?P<y>(?:19|20)\d\d)\b"),
)
#: Any date as the patterns above write it, to tell whether a line holds one.
_UNNAMED = (re.sub(r"\?P<\w+>", "", pattern.pattern) for pattern in _DATE_PATTERNS)
DATE = re.compile("|".join(f"(?:{pattern})" for pattern in _UNNAMED), re.IGNORECASE)
YEAR = re.compile(r"(?<![\d-])(?:19[89]\d|20\d\d)(?![\d-])")


def parse_swedish_date(text: str) -> dt.date | None:
    """The first date written in `text`, or None (also for impossible dates like 31 april)."""
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        month_text = match.group("m").lower()
        month = MONTHS.get(month_text) if not month_text.isdigit() else int(month_text)
        try:
            return dt.date(int(match.group("y")), month or 0, int(match.group("d")))
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class YearGuess:
    """A year inferred from the text, with the reason in Swedish for the TODO comment."""

    year: int
    reason: str


_FUTURE = re.compile(
    r"\b(?:ska|skall|kommer att|beräknas|beräknar|planeras|planerar|avses|avser att)\b",
    re.IGNORECASE,
)
_PAST = re.compile(
    r"\b(?:genomfördes|startade|startades|fortsatte|gjordes|gjorde|avslutades|pågick|"
    r"var|hade|har (?:\w+ )?(?:varit|fått|erhållit|beviljats|genomförts|startat))\b",
    re.IGNORECASE,
)
_PRESENT = re.compile(r"\b(?:i år|innevarande år)\b", re.IGNORECASE)


def infer_year(sentences: list[str], earliest: int | None = None) -> YearGuess | None:
    """The most plausible year of a document that states no date.

    Years told in the past tense happened before the document; years told in
    the future tense (plans, a project's start) come after it. So the latest
    past year wins; failing that, the year before the earliest planned one;
    failing that, the latest year mentioned at all. `earliest` is a lower
    bound (the year the district council was formed).
    """
    past: set[int] = set()
    future: set[int] = set()
    plain: set[int] = set()
    for sentence in sentences:
        years = {int(y) for y in YEAR.findall(sentence)}
        if not years:
            continue
        if _PRESENT.search(sentence):
            year = max(years)
            return YearGuess(year, f"texten säger ”i år” om {year}")
        if _FUTURE.search(sentence):
            future |= years
        elif _PAST.search(sentence):
            past |= years
        else:
            plain |= years
    guess: YearGuess | None = None
    if past:
        year = max(past)
        if future and min(future) < year:
            year = min(future)
        guess = YearGuess(year, f"det senaste år som texten beskriver i dåtid är {max(past)}")
    elif future:
        year = min(future) - 1
        guess = YearGuess(
            year,
            f"texten beskriver {min(future)} som kommande, så dokumentet är troligen "
            f"skrivet året före",
        )
    elif plain:
        year = max(plain)
        guess = YearGuess(year, f"det senaste år som nämns i texten är {year}")
    if earliest is not None and (guess is None or guess.year < earliest):
        reason = f"stadsdelsnämnden fanns från {earliest}"
        return YearGuess(earliest, reason if guess is None else f"{guess.reason}, men {reason}")
    return guess

"""Swedish formatting of amounts, dates and domain words: the one place for it.

Every number, date and status word a page shows goes through a function here,
registered as a Jinja filter by `register`, so the site says `5 630 000 kr`
and `27 november 2007` the same way everywhere. Babel (locale `sv_SE`) does
the locale work; no-break spaces keep an amount on one line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Literal

from babel.dates import get_month_names
from babel.numbers import format_decimal, get_group_symbol
from jinja2 import Environment

from insyn.model import PartialDate
from insyn.model.phone import tel_uri

LOCALE = "sv_SE"
NBSP = "\u00a0"
_GROUP_SPACES = re.compile("[ \u202f\u2009]")
# Swedish groups digits with a space; a no-break one keeps an amount on one line.
_GROUP = _GROUP_SPACES.sub(NBSP, get_group_symbol(LOCALE))

STATUS_WORDS = {
    "applied": "sökt",
    "granted": "beviljat",
    "rejected": "avslag",
    "contributed": "egen finansiering/medfinansiering",
}
# Column headings and the names of totals: each says what it adds up, and
# no heading ever stands for more than one status.
STATUS_HEADINGS = {
    "applied": "Sökt",
    "granted": "Beviljat",
    "rejected": "Avslag",
    "contributed": "Egen finansiering/medfinansiering",
}
STATUS_TOTALS = {
    "applied": "Sökt totalt",
    "granted": "Beviljat totalt",
    "rejected": "Avslag totalt",
    "contributed": "Egen finansiering/medfinansiering totalt",
}
KIND_WORDS = {
    "application": "Ansökan",
    "co-financing": "Medfinansiering",
    "report": "Redovisning",
    "other": "Övrigt",
}
OUTCOME_WORDS = {
    "approved": "Bifall",
    "rejected": "Avslag",
    "pending": "Inte avgjort",
    "unknown": "Okänt",
}
PROJECT_STATUS_WORDS = {
    "planned": "Planerat",
    "ongoing": "Pågående",
    "completed": "Avslutat",
    "unknown": "Okänd status",
}
ORGANISATION_TYPE_WORDS = {
    "district": "Stadsdelsnämnd",
    "funder": "Finansiär",
    "organisation": "Organisation",
}


def amount(value: int) -> str:
    """`5630000` -> `5 630 000 kr`, with no-break spaces between groups and before kr."""
    return f"{number(value)}{NBSP}kr"


def amount_short(value: int) -> str:
    """An axis label: `5630000` -> `5,6 mnkr`, `250000` -> `250 tkr`, `900` -> `900 kr`."""
    if value >= 1_000_000:
        # Babel's `#,##0.#` of the millions rounded to tenths, written as Babel writes it
        # without its pattern engine (a trails diagram labels every node; figures in
        # docs/performance.md); `test_site.py` compares.
        whole, _, tenth = f"{round(value / 1_000_000, 1):.1f}".partition(".")
        short = number(int(whole)) + ("" if tenth == "0" else f",{tenth}")
        return f"{short}{NBSP}mnkr"
    if value >= 1_000:
        return f"{number(round(value / 1_000))}{NBSP}tkr"
    return amount(value)


def number(value: int) -> str:
    """A whole number with Swedish digit grouping and no-break spaces."""
    if type(value) is int:
        # The fast path for the hundreds of thousands of amounts a big site shows;
        # `test_site.py` checks that it agrees with Babel's.
        return f"{value:,}".replace(",", _GROUP)
    return _GROUP_SPACES.sub(NBSP, format_decimal(value, locale=LOCALE))


def date(value: dt.date) -> str:
    """`2007-11-27` -> `27 november 2007`: Babel's `d MMMM y` from Babel's month names.
    (Babel's pattern engine is slow for the thousands of distinct dates of a big site:
    docs/performance.md; `test_site.py` checks every day of several years against it.)"""
    return f"{value.day} {_month_names('format')[value.month]} {value.year}"


def partial_date(value: PartialDate) -> str:
    """As precisely as it is known: `2012`, `februari 2007`, `1 februari 2007`."""
    if value.month is None:
        return str(value.year)
    month = _month_names()[value.month]
    if value.day is None:
        return f"{month} {value.year}"
    return f"{value.day} {month} {value.year}"


def period(start: PartialDate | None, end: PartialDate | None) -> str:
    """A project's period, open at either end when only one end is known."""
    if start and end:
        if start == end:
            return partial_date(start)
        return f"{partial_date(start)}–{partial_date(end)}"
    if start:
        return f"från {partial_date(start)}"
    if end:
        return f"till {partial_date(end)}"
    return "okänd"


def year_span(first: int | None, last: int | None) -> str:
    """A district's active years: `2007–`, `–2006`, `1997–2006`."""
    if first and last:
        return f"{first}–{last}"
    if first:
        return f"från {first}"
    if last:
        return f"till {last}"
    return ""


@lru_cache(maxsize=2)
def _month_names(context: Literal["format", "stand-alone"] = "stand-alone") -> dict[int, str]:
    """Month names: `format` inside a date (`27 november`), `stand-alone` on their own."""
    names: dict[int, str] = dict(get_month_names("wide", context=context, locale=LOCALE))
    return names


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status)


def status_heading(status: str) -> str:
    return STATUS_HEADINGS.get(status, status)


def status_total(status: str) -> str:
    return STATUS_TOTALS.get(status, status)


def kind_word(kind: str) -> str:
    return KIND_WORDS.get(kind, kind)


def outcome_word(status: str) -> str:
    return OUTCOME_WORDS.get(status, status)


def project_status_word(status: str) -> str:
    return PROJECT_STATUS_WORDS.get(status, status)


def organisation_type_word(kind: str) -> str:
    return ORGANISATION_TYPE_WORDS.get(kind, kind)


#: A line of each status, one and many: "2 beviljanden med okänt belopp".
UNKNOWN_LINE_WORDS = {
    "applied": ("ansökan", "ansökningar"),
    "granted": ("beviljande", "beviljanden"),
    "rejected": ("avslag", "avslag"),
    "contributed": ("insats", "insatser"),
}


def unknown_lines(value: int, status: str) -> str:
    """`2 beviljanden med okänt belopp`: what a sum of `status` leaves out."""
    one, many = UNKNOWN_LINE_WORDS.get(status, ("rad", "rader"))
    return f"{count(value, one, many)} med okänt belopp"


def atom_time(moment: dt.datetime) -> str:
    """A date-time as feeds write it (RFC 3339, in UTC): `2026-12-07T14:03:00Z`."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def count(value: int, one: str, many: str) -> str:
    """`1 beslut`, `3 projekt`: Swedish needs both forms spelled out."""
    return f"{number(value)}{NBSP}{one if value == 1 else many}"


FILTERS: dict[str, Callable[..., Any]] = {
    "amount": amount,
    "amount_short": amount_short,
    "number": number,
    "date": date,
    "partial_date": partial_date,
    "period": period,
    "year_span": year_span,
    "status_word": status_word,
    "status_heading": status_heading,
    "status_total": status_total,
    "unknown_lines": unknown_lines,
    "kind_word": kind_word,
    "outcome_word": outcome_word,
    "project_status_word": project_status_word,
    "organisation_type_word": organisation_type_word,
    "count": count,
    "tel_uri": tel_uri,
    "atom_time": atom_time,
}


def register(environment: Environment) -> None:
    """Make every formatting function available to templates as a filter."""
    environment.filters.update(FILTERS)

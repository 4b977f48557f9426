"""The trails' URL scheme: one page per status, per status and year, per status and period.

`TrailFilter` is what a page of `/pengafloden/` shows; `status_url` and
`period_url` make the URLs of the filter's links.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

TRAILS_URL = "/pengafloden/"


# URL segments of the status filter pages, in Swedish like every other URL.
STATUS_SLUGS = {
    "applied": "sokt",
    "granted": "beviljat",
    "rejected": "avslag",
    "contributed": "egen-finansiering",
}


EN_DASH = "\u2013"


def status_url(status: str, year: int | None = None, year_to: int | None = None) -> str:
    """`/pengafloden/<status>/`, `.../<year>/`, or `.../<year>-<year_to>/` for a period."""
    url = f"{TRAILS_URL}{STATUS_SLUGS[status]}/"
    if year is None:
        return url
    if year_to is None or year_to == year:
        return f"{url}{year}/"
    return f"{url}{year}-{year_to}/"


def period_url(status: str, years: Sequence[int], first: int, last: int) -> str:
    """The page of `status` from `first` to `last`: the status page when that is every year.

    The period of every year also has a page of its own (`plan`), which no link needs.
    """
    if first != last and first == years[0] and last == years[-1]:
        return status_url(status)
    return status_url(status, first, last)


@dataclass(frozen=True)
class TrailFilter:
    """What one trails page shows: every status, or one status in all years, one year or a period.

    One year is `year_from == year_to` (`TrailFilter(status, year)` says the same).
    """

    status: str | None = None
    year_from: int | None = None
    year_to: int | None = None

    def __post_init__(self) -> None:
        if self.year_from is not None and self.year_to is None:
            object.__setattr__(self, "year_to", self.year_from)
        if (self.year_from is None) != (self.year_to is None):
            raise ValueError("a period needs both its first and its last year")
        if self.year_from is not None and self.year_to is not None:
            if self.status is None:
                raise ValueError("a year filter needs a status")
            if self.year_to < self.year_from:
                raise ValueError(f"period {self.year_from}-{self.year_to} ends before it starts")

    @property
    def year(self) -> int | None:
        """The one year shown, or None for every year or a period of several."""
        return self.year_from if self.year_from == self.year_to else None

    @property
    def is_period(self) -> bool:
        """More than one year, but not necessarily every year."""
        return self.year_from is not None and self.year_from != self.year_to

    @property
    def period(self) -> str:
        """`2009`, `2007–2010`, or empty for every year."""
        if self.year_from is None:
            return ""
        if self.year_from == self.year_to:
            return str(self.year_from)
        return f"{self.year_from}{EN_DASH}{self.year_to}"

    @property
    def url(self) -> str:
        if self.status is None:
            return TRAILS_URL
        return status_url(self.status, self.year_from, self.year_to)


TrailKey = tuple[str, str, str | None]


@functools.cache
def status_year_link(status: str, year: int) -> str:
    """A link to the page of `status` in `year` (a URL and a number: nothing to escape)."""
    return f'<a href="{status_url(status, year)}">{year}</a>'


CURRENT_PAGE = ' aria-current="page"'


CHOSEN = ' aria-current="true"'

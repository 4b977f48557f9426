"""Money per year by status as grouped SVG bars, with the same figures as a table.

Bars of different statuses stand side by side on one axis from zero and
are never stacked: a stack would invite reading its top as one total of
applied, granted, rejected and contributed money, which the site never adds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

from insyn.graph import money
from insyn.graph.money import Pivot
from insyn.model import FundingLine, formatting
from insyn.present import svg

WIDTH = 720
HEIGHT = 300
LEFT = 84
RIGHT = 12
TOP = 16
BOTTOM = 66
MAX_BAR = 30


@dataclass(frozen=True)
class YearChart:
    """A bar chart and its text alternative: the pivot its table is rendered from."""

    svg: Markup
    pivot: Pivot

    def __bool__(self) -> bool:
        return bool(self.pivot)


def nice_ticks(top: int, count: int = 5) -> list[int]:
    """Round axis values from 0 to at least `top`: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if top <= 0:
        return [0]
    magnitude = 10 ** max(0, math.floor(math.log10(top / count)))
    for factor in (1, 2, 2.5, 5, 10):
        step = int(factor * magnitude)
        if step and math.ceil(top / step) <= count:
            break
    steps = math.ceil(top / step)
    return [i * step for i in range(steps + 1)]


# The parts of a chart that depend only on its statuses or its axis are the same for most
# of a site's thousands of charts: each is drawn once per process (`lru_cache`).


@lru_cache(maxsize=1024)
def patterns(prefix: str, statuses: tuple[str, ...]) -> str:
    """One fill per status: solid, diagonal, crossed or horizontal lines over the colour."""
    marks = {
        "applied": "",
        "granted": svg.element("path", {"d": "M-1 1 l2 -2 M0 6 l6 -6 M5 7 l2 -2"}),
        "rejected": svg.element("path", {"d": "M0 0 L6 6 M6 0 L0 6"}),
        "contributed": svg.element("path", {"d": "M0 1.5 H6 M0 4.5 H6"}),
    }
    defs = []
    for status in statuses:
        colour = svg.STATUS_COLOURS[status]
        lines = marks[status]
        body = svg.element("rect", {"width": 6, "height": 6, "fill": colour})
        if lines:
            body += svg.element(
                "g", {"stroke": "#ffffff", "stroke-width": 1.2, "stroke-opacity": 0.75}, lines
            )
        defs.append(
            svg.element(
                "pattern",
                {
                    "id": f"{prefix}-{status}",
                    "width": 6,
                    "height": 6,
                    "patternUnits": "userSpaceOnUse",
                },
                body,
            )
        )
    return svg.element("defs", None, *defs)


def year_chart(lines: Iterable[FundingLine], heading: str, prefix: str = "diagram") -> YearChart:
    """Bars per year, one per status with money that year, drawn from zero on one axis."""
    by_year = money.by_year(lines)
    # Bars for known sums only: a status with lines of unknown sum alone has none to draw
    # (the table beside the chart says what the sums leave out).
    statuses = [s for s in by_year.statuses if by_year.totals.get(s)]
    if not by_year or not statuses:
        return YearChart(Markup(""), by_year)
    years = [int(str(row.key)) for row in by_year.rows]
    top = max(row.totals.get(s) for row in by_year.rows for s in statuses)
    ticks = nice_ticks(top)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    scale = plot_h / ticks[-1]
    parts = [patterns(prefix, tuple(statuses)), _axis(tuple(ticks))]

    group_w = plot_w / len(years)
    bar_w = min(MAX_BAR, (group_w - 10) / len(statuses))
    bars = []
    for row, year in zip(by_year.rows, years, strict=True):
        x0 = LEFT + group_w * years.index(year) + (group_w - bar_w * len(statuses)) / 2
        for index, status in enumerate(statuses):
            value = row.totals.get(status)
            if not value:
                continue
            height = max(value * scale, 1.0)
            label = f"{year}, {formatting.status_word(status)}: {formatting.amount(value)}"
            bars.append(
                svg.element(
                    "rect",
                    {
                        "class": f"stapel stapel--{status}",
                        "x": x0 + index * bar_w,
                        "y": TOP + plot_h - height,
                        "width": bar_w - 2,
                        "height": height,
                        "fill": f"url(#{prefix}-{status})",
                        "stroke": svg.STATUS_COLOURS[status],
                    },
                    svg.title(label),
                )
            )
        bars.append(
            svg.element(
                "text",
                {
                    "x": LEFT + group_w * (years.index(year) + 0.5),
                    "y": TOP + plot_h + 18,
                    "text-anchor": "middle",
                    "fill": svg.TEXT,
                    "font-size": 13,
                },
                svg.text(str(year)),
            )
        )
    parts.append(svg.element("g", None, *bars))
    parts.append(
        svg.element(
            "line",
            {
                "x1": LEFT,
                "x2": WIDTH - RIGHT,
                "y1": TOP + plot_h,
                "y2": TOP + plot_h,
                "stroke": svg.TEXT,
            },
        )
    )
    parts.append(_legend(prefix, tuple(statuses), TOP + plot_h + 36))

    first, last = years[0], years[-1]
    span = str(first) if first == last else f"{first}–{last}"
    description = (
        f"Stapeldiagram med en stapel per år och status, {span}, "
        f"för {', '.join(formatting.status_word(s) for s in statuses)}. "
        "Statusarna står bredvid varandra och läggs aldrig ihop. "
        f"Högsta stapeln är {formatting.amount(top)}. "
        "Alla belopp finns i tabellen under diagrammet."
    )
    document = svg.document(WIDTH, HEIGHT, prefix, heading, description, "".join(parts), "staplar")
    return YearChart(document, by_year)


@lru_cache(maxsize=1024)
def _axis(ticks: tuple[int, ...]) -> str:
    """Grid lines and amounts from zero to the top tick."""
    plot_h = HEIGHT - TOP - BOTTOM
    scale = plot_h / ticks[-1]
    axis = []
    for tick in ticks:
        y = TOP + plot_h - tick * scale
        axis.append(
            svg.element(
                "line",
                {"x1": LEFT, "x2": WIDTH - RIGHT, "y1": y, "y2": y, "stroke": svg.GRID},
            )
        )
        axis.append(
            svg.element(
                "text",
                {"x": LEFT - 8, "y": y + 4, "text-anchor": "end", "fill": svg.MUTED},
                svg.text(formatting.amount_short(tick)),
            )
        )
    return svg.element("g", {"class": "diagram__axel", "font-size": 12}, *axis)


@lru_cache(maxsize=1024)
def _legend(prefix: str, statuses: tuple[str, ...], y: float) -> str:
    items = []
    x = float(LEFT)
    for status in statuses:
        word = formatting.status_heading(status)
        items.append(
            svg.element(
                "rect",
                {
                    "x": x,
                    "y": y,
                    "width": 16,
                    "height": 16,
                    "fill": f"url(#{prefix}-{status})",
                    "stroke": svg.STATUS_COLOURS[status],
                },
            )
        )
        items.append(
            svg.element("text", {"x": x + 22, "y": y + 13, "fill": svg.TEXT}, svg.text(word))
        )
        x += 22 + 7.2 * len(word) + 26
    return svg.element("g", {"class": "diagram__teckenforklaring", "font-size": 13}, *items)

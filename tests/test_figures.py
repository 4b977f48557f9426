"""A funder's and a district's money in figures: each figure what it says it counts."""

from __future__ import annotations

import re

from insyn.model import FundingLine, Origin
from insyn.pages.statistics import money_statistics
from tests.conftest import Corpus


def _line(index: int, amount: int | None, status: str = "granted", **extra: object) -> FundingLine:
    to_ids = extra.pop("to_ids", ("hasselby-vallingby",))
    assert isinstance(to_ids, tuple)
    return FundingLine(
        source_kind="decision",
        source_id=f"d{index % 2}",
        index=index,
        from_id="lansstyrelsen",
        to_id=to_ids[0],
        amount=amount,
        year=extra.pop("year", 2008),  # type: ignore[arg-type]
        status=status,
        project_id=None,
        note=None,
        origin=Origin("content/decisions/d.md", {}),
        to_ids=to_ids,
    )


def test_the_median_and_largest_are_over_granted_lines_with_a_sum() -> None:
    lines = [
        _line(0, 100),
        _line(1, 300),
        _line(2, None),  # granted, sum unknown: counted as a line, not in the sums
        _line(3, 10_000, "applied"),
        _line(4, 200, year=None),
        _line(5, 400, to_ids=("skarholmen", "rinkeby")),
    ]
    figures = money_statistics(lines + lines[:1], "to")  # a line listed twice counts once
    assert (figures.lines, figures.decisions) == (6, 2)
    assert (figures.granted_known, figures.granted_largest) == (4, 400)
    assert figures.granted_median == 250  # of 100, 200, 300, 400
    assert (figures.first_year, figures.last_year, figures.without_year) == (2008, 2008, 1)
    assert (figures.parties, figures.joint_parties) == (2, True)


def test_funder_and_district_pages_show_their_figures(corpus: Corpus) -> None:
    funding = [
        {"from": "lansstyrelsen", "amount": 100000, "year": 2007, "status": "granted"},
        {"from": "lansstyrelsen", "amount": 300000, "year": 2009, "status": "granted"},
        {"from": "lansstyrelsen", "amount": 900000, "year": 2009, "status": "applied"},
    ]
    corpus.decision("a", funding=funding[:2])
    corpus.decision("b", funding=funding[2:], title="B", meeting="2009-01-20")
    result = corpus.run("build", "--no-search")
    assert result.returncode == 0, result.stderr
    page = (corpus.out / "finansiarer/lansstyrelsen/index.html").read_text("utf-8")
    figures = page.split('id="i-siffror"', 1)[1].split("</section>", 1)[0]
    found = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", figures))
    assert found == {
        "Beslut med finansieringsrader från Länsstyrelsen": "2\u00a0beslut",
        "Finansieringsrader från Länsstyrelsen": "3",
        "Största beviljade belopp": "300\u00a0000\u00a0kr",
        "Medianen av de beviljade beloppen": '200\u00a0000\u00a0kr <span class="tomt">(över'
        " 2\u00a0beviljade rader med känt belopp)</span>",
        "Budgetår i raderna": "2007–2009",
        "Mottagare": "1",
    }
    district = (corpus.out / "stadsdelar/hasselby-vallingby/index.html").read_text("utf-8")
    assert "<dt>Finansiärer</dt><dd>1</dd>" in district

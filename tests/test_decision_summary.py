"""A decision page opens with its money in short, before its facts: per status, per payer,
never one sum across them, with the lines of unknown sum said, not hidden."""

from __future__ import annotations

import re

from tests.conftest import Corpus


def _text(html: str) -> str:
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def test_the_money_in_short_comes_before_the_facts(corpus: Corpus) -> None:
    corpus.decision(
        "a",
        funding=[
            {"from": "lansstyrelsen", "amount": 500000, "year": 2008, "status": "applied"},
            {"from": "socialstyrelsen", "amount": 100000, "year": 2008, "status": "applied"},
            {"from": "lansstyrelsen", "amount": 50000, "year": 2009, "status": "applied"},
            {"from": "lansstyrelsen", "status": "granted"},
            {"from": "hasselby-vallingby", "amount": 20000, "year": 2008, "status": "contributed"},
        ],
    )
    corpus.decision("b", title="Utan pengar")
    result = corpus.run("build", "--no-search")
    assert result.returncode == 0, result.stderr
    page = (corpus.out / "beslut/a/index.html").read_text("utf-8")
    assert page.index('class="i-korthet"') < page.index('<dl class="fakta">')
    box = page.split('<section class="i-korthet"', 1)[1].split("</section>", 1)[0]
    items = [_text(li) for li in re.findall(r"<li>(.*?)</li>", box, re.S)]
    nbsp = "\u00a0"
    assert items == [
        f"Sökt: 550{nbsp}000{nbsp}kr från Länsstyrelsen; 100{nbsp}000{nbsp}kr från Socialstyrelsen",
        f"Beviljat: 1{nbsp}beviljande med okänt belopp från Länsstyrelsen",
        f"Egen finansiering/medfinansiering: 20{nbsp}000{nbsp}kr från Hässelby-Vällingby",
    ]
    assert 'href="#pengar"' in box
    other = (corpus.out / "beslut/b/index.html").read_text("utf-8")
    assert "i-korthet" not in other  # nothing to sum up, no box

"""The trails diagram in real headless Chromium: every label inside the picture, clear of the
bands and of every other label, readable in size; on a phone a ranked list instead.

The corpus is made to crowd the diagram: funders with long names and a word longer than a
lane, a joint recipient of five districts, a recipient with three projects (three columns),
recipients with one project each (two columns: the projects would repeat them), tiny sums
beside large ones, and more trails than `DETAIL_LIMIT` (patched) so that a summary appears.
Measured in the browser with `getBoundingClientRect`, at widths where the diagram is shown.
A build whose labels are not wrapped (`wrap` patched) must fail the same measurement.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import TIMEOUT_MS, chromium, serving, skip_unless_available
from tests.conftest import Corpus

pytestmark = pytest.mark.browser

MISSING = skip_unless_available()

LONG_FUNDER = (
    "Stiftelsen för forskning och utveckling om våld i nära relationer och hedersrelaterat "
    "våld i Stockholms län"
)
LONG_WORD = "Kvinnofridsutvecklingskompetenscentrumsmedelsfonden"
PAGES = {
    "three columns": "/pengafloden/sokt/2010/",
    "two columns, projects named": "/pengafloden/beviljat/2011/",
    "summary": "/pengafloden/sokt/",
    "every status": "/pengafloden/",
}


def write_crowded_corpus(corpus: Corpus) -> None:
    corpus.organisations += [
        {"id": "stiftelsen", "name": LONG_FUNDER, "type": "funder", "category": "stiftelse"},
        {"id": "fonden", "name": LONG_WORD, "type": "funder", "category": "fond"},
        *(
            {"id": f"d{n}", "name": f"Stadsdel nummer {n} stadsdelsnämnd",
             "short_name": f"Stadsdel nummer {n} med ett långt namn", "type": "district"}
            for n in range(1, 6)
        ),
    ]  # fmt: skip
    corpus.write_data()
    joint = ["d1", "d2", "d3", "d4", "d5"]
    corpus.decision(
        "tre",
        title="Ansökan med tre projekt",
        meeting="2010-02-01",
        projects=["p1", "p2", "p3"],
        funding=[
            {"from": "stiftelsen", "amount": 9_500_000, "year": 2010, "status": "applied",
             "project": "p1"},
            {"from": "fonden", "amount": 1_000, "year": 2010, "status": "applied",
             "project": "p2"},
            {"from": "lansstyrelsen", "amount": 2_000, "year": 2010, "status": "applied",
             "project": "p3"},
            {"from": "socialstyrelsen", "to": joint, "amount": 3_000, "year": 2010,
             "status": "applied", "project": "p4"},
            {"from": "lansstyrelsen", "to": "skarholmen", "amount": 1_500, "year": 2010,
             "status": "applied"},
        ],
    )  # fmt: skip
    corpus.decision(
        "en",
        title="Beviljade medel, ett projekt var",
        meeting="2011-02-01",
        projects=["p1", "p4"],  # two: a line without one is for no project
        funding=[
            {"from": "stiftelsen", "amount": 4_000_000, "year": 2011, "status": "granted",
             "project": "p1"},
            {"from": "fonden", "to": joint, "amount": 5_000, "year": 2011, "status": "granted",
             "project": "p4"},
            {"from": "lansstyrelsen", "to": "skarholmen", "amount": 800, "year": 2011,
             "status": "granted"},
            {"from": "lansstyrelsen", "amount": 1_200_000, "year": 2011, "status": "applied",
             "project": "p2"},
        ],
    )  # fmt: skip
    long_project = "Samtalsgrupper för barn som upplevt våld i nära relationer, med föräldrastöd"
    corpus.project("p1", name=long_project)
    corpus.project("p2", name=f"{LONG_WORD}s jourtelefon")
    corpus.project("p3", name="Ett")
    corpus.project("p4", name="Gemensamt kompetensteam för fem stadsdelar i söderort", owner="d1")


def build(root: Path) -> Path:
    import insyn.pages.trails
    from tests.test_trails import build_in_process

    corpus = Corpus(root)
    write_crowded_corpus(corpus)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(insyn.pages.trails, "DETAIL_LIMIT", 3)
        return build_in_process(corpus)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(MISSING) as launched:
        yield launched


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(build(tmp_path_factory.mktemp("crowded"))) as url:
        yield url


# Every diagram's picture, its labels (headings included) and its bands, as boxes on screen.
MEASURE = """() => [...document.querySelectorAll("svg.sankey")].map(svg => {
  const box = e => { const r = e.getBoundingClientRect();
                     return [r.left, r.top, r.right, r.bottom]; };
  return {
    picture: box(svg),
    scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
    fontSize: parseFloat(getComputedStyle(svg.querySelector(".sankey__noder text")).fontSize),
    labels: [...svg.querySelectorAll("text")].map(t => [
      t.querySelector("tspan")
        ? [...t.querySelectorAll("tspan")].map(s => s.textContent).join(" ") : t.textContent,
      box(t),
    ]),
    bands: [...svg.querySelectorAll(".sankey__band path, .sankey__band rect")].map(box),
    headings: [...svg.querySelectorAll(".sankey__rubriker text")].map(t => t.textContent),
  };
})"""

SLACK = 0.5  # px: rounding of boxes


def overlaps(a: list[float], b: list[float]) -> bool:
    return (
        a[0] < b[2] - SLACK and b[0] < a[2] - SLACK and a[1] < b[3] - SLACK and b[1] < a[3] - SLACK
    )


def label_problems(diagrams: list[dict[str, Any]]) -> list[str]:
    """Every label outside its picture, over a band, or over another label."""
    problems = []
    for index, diagram in enumerate(diagrams):
        left, top, right, bottom = diagram["picture"]
        labels = diagram["labels"]
        for text, (x0, y0, x1, y1) in labels:
            if x0 < left - SLACK or y0 < top - SLACK or x1 > right + SLACK or y1 > bottom + SLACK:
                problems.append(f"diagram {index}: {text!r} is cut by the edge")
            for band in diagram["bands"]:
                if overlaps([x0, y0, x1, y1], band):
                    problems.append(f"diagram {index}: {text!r} is drawn over a band")
                    break
        for n, (text, box) in enumerate(labels):
            for other, other_box in labels[n + 1 :]:
                if overlaps(box, other_box):
                    problems.append(f"diagram {index}: {text!r} overlaps {other!r}")
    return problems


def measure(browser: Any, base_url: str, url: str, width: int) -> list[dict[str, Any]]:
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    assert page.locator(".diagram--flode").first.is_visible()
    diagrams: list[dict[str, Any]] = page.evaluate(MEASURE)
    context.close()
    return diagrams


@pytest.mark.parametrize("width", [1280, 900])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_label_is_whole_clear_and_readable(
    browser: Any, base_url: str, name: str, width: int
) -> None:
    diagrams = measure(browser, base_url, PAGES[name], width)
    assert diagrams
    assert label_problems(diagrams) == []
    for diagram in diagrams:
        assert diagram["fontSize"] * diagram["scale"] >= 11, "labels of at least 11 px"
        assert len(diagram["labels"]) > len(diagram["headings"])


def test_columns_follow_what_the_money_does(browser: Any, base_url: str) -> None:
    """Three columns where a recipient has several projects; two where the projects would
    repeat the recipients, naming each project with its recipient; two in a summary."""
    headings = {
        name: [d["headings"] for d in measure(browser, base_url, url, 1280)]
        for name, url in PAGES.items()
        if name != "every status"
    }
    assert headings == {
        "three columns": [["Finansiär", "Mottagare", "Projekt"]],
        "two columns, projects named": [["Finansiär", "Mottagare och projekt"]],
        "summary": [["Finansiär", "Mottagare"]],
    }
    (merged,) = measure(browser, base_url, PAGES["two columns, projects named"], 1280)
    words = " ".join(text for text, _ in merged["labels"])
    assert "Projekt: Gemensamt kompetensteam för fem stadsdelar i söderort" in words
    assert "Inget projekt (800\u00a0kr)" in words  # the sum whole, with no-break spaces


def test_unwrapped_labels_fail_the_measurement(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The measurement can fail: labels drawn on one line, as they come, are caught."""
    import insyn.present.sankey_layout

    def one_line(text: str, room: float, size: float, lines: int) -> tuple[str, ...]:
        return (text,)

    monkeypatch.setattr(insyn.present.sankey_layout, "wrap", one_line)
    labels = insyn.present.sankey_layout.label_lines
    labels.cache_clear()  # labels made with the real `wrap` must not be reused, nor these kept
    try:
        with serving(build(tmp_path)) as url:
            problems = label_problems(measure(browser, url, PAGES["three columns"], 1280))
    finally:
        labels.cache_clear()
    assert any("cut by the edge" in p or "over a band" in p for p in problems), problems


@pytest.mark.parametrize("url", list(PAGES.values()))
def test_a_phone_gets_the_ranked_list_with_every_amount(
    browser: Any, base_url: str, url: str
) -> None:
    context = browser.new_context(base_url=base_url, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    assert page.locator(".diagram--flode").count() > 0
    assert all(not d.is_visible() for d in page.locator(".diagram--flode").all())
    lists = page.locator(".flodeslista").all()
    assert lists and all(one.is_visible() for one in lists)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    for one in lists:
        amounts = one.locator(".flodeslista__belopp").all()
        values = [int("".join(ch for ch in a.inner_text() if ch.isdigit())) for a in amounts]
        assert values == sorted(values, reverse=True), "largest first"
        for amount in amounts:
            box = amount.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    context.close()

"""Accessibility without a browser: the statement DIGG requires, the structure of every
page (captions, header scopes, one h1, labels, text alternatives of charts, language of
parts) and the contrast of every colour pair in insyn.css, light and dark.

The browser half (axe-core, keyboard, reflow, zoom, motion) is in
test_accessibility_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from insyn.present import svg
from tests.conftest import ROOT, Corpus
from tests.test_site import Node, html_files, main, page, parse, url_of, write_edge_corpus

DIGG_FORM = "https://www.digg.se/tdosanmalan"
LAW = "lagen om tillgänglighet till digital offentlig service"
ENGLISH = "Victim and Witness Assistance Programme"


def build(corpus: Corpus, **settings: object) -> Path:
    corpus.site.update(settings)
    corpus.site = {k: v for k, v in corpus.site.items() if v is not None}
    write_edge_corpus(corpus)
    corpus.project(
        "forebild",
        name="Förebilden i Ottawa",
        owner="hasselby-vallingby",
        body=f'Förebilden är *<span lang="en">{ENGLISH}</span>* i Ottawa.\n',
    )
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    return corpus.out


@pytest.fixture
def site(corpus: Corpus) -> Path:
    return build(
        corpus,
        accessibility_status="partially-compliant",
        accessibility_assessed="2026-11-20",
        statement_updated="2026-11-21",
        accessibility_issues=["Kartan över stadsdelarna saknar textalternativ."],
    )


# --- the statement ------------------------------------------------------------------


def section(statement: Node, heading_id: str) -> Node:
    return statement.find("section", aria_labelledby=heading_id)


def test_the_statement_has_every_part_digg_requires(site: Path) -> None:
    statement = main(site, "/tillganglighet/")
    text = statement.text
    # The body responsible and the name of the service, from data/site.yaml.
    assert statement.find("h1").text == "Tillgänglighet för Insyn test"
    assert "Testkommunen står bakom webbplatsen Insyn test" in text
    # The compliance status, in the law's words.
    status = statement.find("p", id="forenlighet").text
    assert status.startswith(f"Webbplatsen är delvis förenlig med {LAW}")
    assert "på grund av de brister" in status
    # Content that is not accessible, with the reasons, and the site's own issues.
    shortcomings = section(statement, "brister")
    items = [li.text for li in shortcomings.find("ul", class_="brister").find_all("li")]
    assert any("Originaldokumenten" in i and "Skälet" in i for i in items)
    assert any("andra språk" in i and "WCAG 3.1.2" in i for i in items)
    assert items[-1] == "Kartan över stadsdelarna saknar textalternativ."
    headings = [h.text for h in shortcomings.find_all("h3")]
    assert headings == [
        "Bristande förenlighet med lagkraven",
        "Oskäligt betungande anpassning",
        "Innehåll som inte omfattas av lagkraven",
    ]
    # How and when the site was assessed, and when the statement was updated.
    tested = section(statement, "hur-testat")
    assert "självskattning" in tested.text and "axe-core" in tested.text
    assert "WCAG 2.1" in tested.text and "tangentbord" in tested.text
    assessed = tested.find("p", id="bedomd").find("time")
    assert (assessed.attrs["datetime"], assessed.text) == ("2026-11-20", "20 november 2026")
    updated = tested.find("p", id="uppdaterad").find("time")
    assert (updated.attrs["datetime"], updated.text) == ("2026-11-21", "21 november 2026")
    # A way to give feedback, and DIGG's reporting form.
    assert "mailto:test@example.se" in section(statement, "rapportera").links()
    assert "mailto:test@example.se" in section(statement, "om-du-inte-kan").links()
    assert section(statement, "tillsyn").links() == [DIGG_FORM]


@pytest.mark.parametrize(
    ("status", "words", "because"),
    [
        ("fully-compliant", "helt förenlig", False),
        ("not-compliant", "inte förenlig", True),
        (None, "delvis förenlig", True),
    ],
)
def test_the_statement_states_the_chosen_status(
    corpus: Corpus, status: str | None, words: str, because: bool
) -> None:
    out = build(corpus, accessibility_status=status, contact_email=None)
    statement = main(out, "/tillganglighet/")
    sentence = statement.find("p", id="forenlighet").text
    assert sentence.startswith(f"Webbplatsen är {words} med {LAW}")
    assert ("på grund av" in sentence) is because
    # Without dates or an address the statement says so, and points to the body itself.
    assert (
        statement.find("p", id="bedomd").text
        == "Datum för den senaste bedömningen är inte angivet."
    )
    assert "kontakta Testkommunen" in section(statement, "rapportera").text
    assert DIGG_FORM in statement.links()


def test_a_status_outside_the_three_is_an_error(corpus: Corpus) -> None:
    corpus.site["accessibility_status"] = "helt"
    corpus.site["accessibility_assessed"] = "20 november"
    corpus.write_data()
    result = corpus.run("check")
    assert result.returncode == 1
    assert "accessibility_status" in result.stdout + result.stderr
    assert "accessibility_assessed" in result.stdout + result.stderr


def test_the_shipped_statement_is_dated_and_states_its_status() -> None:
    site_yaml = (ROOT / "data/site.yaml").read_text(encoding="utf-8")
    for key in ("accessibility_status", "accessibility_assessed", "statement_updated"):
        assert re.search(rf"^{key}: \S", site_yaml, re.M), key


# --- every page ------------------------------------------------------------------------


def test_every_page_is_structured_for_assistive_technology(site: Path) -> None:
    for path in html_files(site):
        url = url_of(site, path)
        doc = parse(path)
        assert len(doc.find_all("h1")) == 1, url
        assert "/tillganglighet/" in doc.find("footer").links(), url
        main_ = doc.find("main")
        assert main_.attrs.get("id") == "innehall" and main_.attrs.get("tabindex") == "-1", url
        for table in doc.find_all("table"):
            in_body = any(a.has_class("brodtext") for a in table.ancestors())
            # A table written in Markdown can have no caption; its region names it.
            assert table.find_all("caption") or in_body, url
            assert table.parent is not None and table.parent.attrs.get("aria-label"), url
            assert all(th.attrs.get("scope") in ("col", "row") for th in table.find_all("th")), url
        for chart in doc.find_all("svg"):
            if chart.attrs.get("aria-hidden") == "true":
                # decoration beside words that say the same (a ranked flow's bar): no links
                assert not chart.find_all("a") and chart.attrs.get("focusable") == "false", url
                continue
            title, desc = chart.find("title"), chart.find("desc")
            assert title.parent is chart and desc.parent is chart, url
            assert title.text and desc.text, url
            if chart.attrs["role"] == "img":
                names = f"{title.attrs['id']} {desc.attrs['id']}"
                assert chart.attrs["aria-labelledby"] == names, url
                assert not chart.find_all("a"), url  # an image's links would be hidden
            else:
                assert chart.attrs["role"] == "group", url
                assert chart.attrs["aria-labelledby"] == title.attrs["id"], url
                assert chart.attrs["aria-describedby"] == desc.attrs["id"], url
                for link in chart.find_all("a"):
                    assert link.attrs["tabindex"] == "-1" and link.find("title").text, url
        for field in doc.find_all("input") + doc.find_all("select") + doc.find_all("textarea"):
            if field.attrs.get("type") in ("hidden", "submit", "button"):
                continue
            labels = doc.find_all("label", for_=field.attrs.get("id", "-"))
            assert (labels and labels[0].text) or field.attrs.get("aria-label"), url
        for button in doc.find_all("button"):
            assert button.text or button.attrs.get("aria-label"), url


def test_the_pages_with_charts_have_them(site: Path) -> None:
    roles = {
        url: [
            s.attrs["role"]
            for s in page(site, url).find_all("svg")
            if s.attrs.get("aria-hidden") != "true"
        ]
        for url in ("/projekt/samtal/", "/pengafloden/", "/stadsdelar/hasselby-vallingby/")
    }
    assert roles["/projekt/samtal/"] == ["img"]
    assert set(roles["/pengafloden/"]) == {"group"}
    assert roles["/stadsdelar/hasselby-vallingby/"] == ["img"]


def test_a_passage_in_english_is_marked_and_other_languages_are_not_invented(
    corpus: Corpus,
) -> None:
    write_edge_corpus(corpus)
    corpus.project(
        "forebild",
        name="Förebilden",
        owner="hasselby-vallingby",
        body=(
            f'Det så kallade *<span lang="en">{ENGLISH}</span>*, '
            '<em lang="fi">turvakoti</em> och <span lang="klingon" title="x">qapla</span>.\n'
        ),
    )
    assert corpus.run("build").returncode == 0
    body = main(corpus.out, "/projekt/forebild/").find("div", class_="brodtext")
    marked = {n.text: n.attrs for n in body.iter() if n.tag in ("span", "em")}
    assert marked[ENGLISH] == {"lang": "en"}
    assert marked["turvakoti"] == {"lang": "fi"}
    assert marked["qapla"] == {}  # an unknown code, and any other attribute, is dropped


# --- contrast ----------------------------------------------------------------------------

CSS = (ROOT / "assets/insyn.css").read_text(encoding="utf-8")


def luminance(colour: str) -> float:
    hex_ = colour.lstrip("#")
    if len(hex_) == 3:
        hex_ = "".join(c * 2 for c in hex_)
    channels = [int(hex_[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def palettes() -> dict[str, dict[str, str]]:
    """The colour variables of the light scheme, and of the dark one laid over it."""
    light_block = re.search(r"^:root \{(.*?)^\}", CSS, re.S | re.M)
    dark_block = re.search(r"@media \(prefers-color-scheme: dark\) \{\s*:root \{(.*?)\}", CSS, re.S)
    assert light_block and dark_block

    def variables(block: str) -> dict[str, str]:
        return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})\b", block))

    light = variables(light_block.group(1))
    return {"light": light, "dark": {**light, **variables(dark_block.group(1))}}


# (text, background) pairs as the stylesheet uses them; 4.5:1 each.
TEXT_PAIRS = [
    *(("text", bg) for bg in ("bg", "soft", "note", "warn", "surface", "button", "button-hover")),
    *(("muted", bg) for bg in ("bg", "soft", "note", "warn")),
    *(("accent", bg) for bg in ("bg", "soft", "note", "warn")),
    *(("visited", bg) for bg in ("bg", "soft", "note", "warn")),
    ("accent-dark", "bg"),
    ("accent-dark", "soft"),
    ("header-text", "header-bg"),
    ("focus-text", "focus"),
    ("applied-text", "applied-bg"),
    ("granted-text", "granted-bg"),
    ("rejected-text", "rejected-bg"),
    ("contributed-text", "contributed-bg"),
    ("draft-text", "warn"),
    ("muted", "applied-bg"),
]
# Borders of controls and coloured marks that carry meaning: 3:1 each.
UI_PAIRS = [
    ("text", "surface"),  # the search field's border
    ("accent", "bg"),  # the current page in the main menu
    ("granted-line", "soft"),
    ("rejected-line", "soft"),
    ("warn-line", "warn"),
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_colour_pair_has_enough_contrast(scheme: str) -> None:
    colours = palettes()[scheme]
    used = set(re.findall(r"var\(--([a-z-]+)\)", CSS))
    assert used - {"space", "measure", "font"} <= set(colours), "an undefined colour variable"
    weak = [
        f"{fg} on {bg}: {contrast(colours[fg], colours[bg]):.2f}"
        for pairs, least in ((TEXT_PAIRS, 4.5), (UI_PAIRS, 3.0))
        for fg, bg in pairs
        if contrast(colours[fg], colours[bg]) < least
    ]
    assert weak == []
    # The header's search field stands out by its border or by its fill.
    field = max(contrast(colours[c], colours["header-bg"]) for c in ("text", "surface"))
    assert field >= 3
    # The focus indicator: the yellow or its dark edge stands out from the page.
    assert (
        max(
            contrast(colours["focus"], colours["bg"]),
            contrast(colours["focus-text"], colours["bg"]),
        )
        >= 3
    )


def test_chart_colours_have_enough_contrast_on_their_white_panel() -> None:
    # The dark scheme gives charts a white panel, so their colours are checked on white.
    assert re.search(r"prefers-color-scheme: dark\) \{\s*\.diagram \{ background: #fff;", CSS)
    for colour in svg.STATUS_COLOURS.values():
        assert contrast(colour, "#ffffff") >= 3, colour
    assert contrast(svg.TEXT, "#ffffff") >= 4.5 and contrast(svg.MUTED, "#ffffff") >= 4.5

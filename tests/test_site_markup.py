"""Markdown bodies to safe HTML: what content can and cannot put on a page."""

from __future__ import annotations

import pytest

from insyn.present.markup import MarkdownRenderer, sanitise


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


def test_headings_get_anchors_and_go_below_the_page_title(renderer: MarkdownRenderer) -> None:
    body = renderer.render("# Överst\n\n## Bakgrund & syfte\n\n### Detaljer\n\nText.\n")
    assert body.html.startswith('<h3 id="overst">Överst</h3>')
    assert '<h3 id="bakgrund-syfte">Bakgrund &amp; syfte</h3>' in body.html
    assert '<h4 id="detaljer">Detaljer</h4>' in body.html
    assert "<h1" not in body.html and "<h2" not in body.html
    assert [(h.level, h.id, h.text) for h in body.headings] == [
        (3, "overst", "Överst"),
        (3, "bakgrund-syfte", "Bakgrund & syfte"),
        (4, "detaljer", "Detaljer"),
    ]


def test_table_of_contents_only_for_three_headings_or_more(renderer: MarkdownRenderer) -> None:
    assert renderer.render("## A\n\n## B\n").toc == ()
    assert [h.id for h in renderer.render("## A\n\n## B\n\n## C\n").toc] == ["a", "b", "c"]


def test_repeated_headings_get_distinct_ids(renderer: MarkdownRenderer) -> None:
    ids = [h.id for h in renderer.render("## Bilaga\n\n## Bilaga\n").headings]
    assert len(set(ids)) == 2


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ('<script>alert("x")</script>', "alert"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ("[klick](javascript:alert(1))", "javascript"),
        ('<a href="data:text/html,hej">d</a>', "data:"),
        ('<p style="position:fixed">x</p>', "style"),
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
        ("<form><input name=q></form>", "input"),
        ("Stycke {: onclick=alert(1) }", 'onclick="'),
        ("## Rubrik {: #innehall }", 'id="innehall"'),
        ('<div class="hoppa">x</div>', "hoppa"),
        ("<!-- kommentar -->", "kommentar"),
        ('<table onmouseover="x"><tr><td>1</td></tr></table>', "onmouseover"),
    ],
)
def test_content_cannot_inject_code_or_attributes(
    renderer: MarkdownRenderer, markdown: str, forbidden: str
) -> None:
    assert forbidden not in renderer.render(markdown).html


def test_allowed_markup_is_kept(renderer: MarkdownRenderer) -> None:
    html = renderer.render(
        "*kursiv* **fet** `kod` [länk](https://example.org/) [intern](/beslut/x/) "
        "[mejl](mailto:a@example.se) ![bild](/assets/bild.png)\n\n> citat\n\n1. ett\n2. två\n"
    ).html
    for piece in (
        "<em>kursiv</em>",
        "<strong>fet</strong>",
        "<code>kod</code>",
        '<a href="https://example.org/">länk</a>',
        '<a href="/beslut/x/">intern</a>',
        '<a href="mailto:a@example.se">mejl</a>',
        '<img src="/assets/bild.png" alt="bild">',
        "<blockquote>",
        "<ol>",
    ):
        assert piece in html


def test_tables_get_header_scopes_and_a_scroll_region(renderer: MarkdownRenderer) -> None:
    html = renderer.render("| År | Belopp |\n|----|-------:|\n| 2012 | 100 |\n").html
    assert '<th scope="col">År</th>' in html
    assert html.count('<div class="tabellram" role="region" tabindex="0"') == 1
    assert "text-align" not in html


def test_sanitise_keeps_only_allowed_values_of_scope() -> None:
    assert sanitise('<table><tr><th scope="evil">x</th></tr></table>').count("scope") == 0

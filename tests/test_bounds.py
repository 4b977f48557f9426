"""Odd input costs time and memory in proportion to its size, and is refused, not crashed on.

Markdown bodies: heading ids, the nesting given to nh3 and the regular expressions over
cmark's HTML must stay linear on adversarial bodies, while ordinary bodies render exactly
as before. Imported documents: a Word or PDF file that unpacks to far more than a real
one is refused with a sentence before it is unpacked.

No test here has an absolute time limit: each compares the time of a body with the time
of the same body four times as long (linear: about 4 times, up to 7 on a busy machine;
quadratic: 16 and more), or with other bodies of the same size, measured in the same test.
"""

from __future__ import annotations

import gc
import html
import random
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import nh3
import pytest
from cmarkgfm import cmark
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insyn.importer import reading
from insyn.importer.reading import UnreadableDocument, read_document
from insyn.present import markup, nesting
from insyn.present.markup import MarkdownRenderer, anchor_headings, sanitise
from insyn.present.nesting import bound_nesting
from tests.bench.corpus import body as bench_body
from tests.conftest import ROOT

# --- the reference (old, quadratic) algorithms, kept as oracles for small inputs ---------

_ID_COUNT = re.compile(r"^(.*)_([0-9]+)$")
_OLD_CMARK_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>")
_OLD_CMARK_THEAD = re.compile(r"<thead>.*?</thead>", re.DOTALL)


def old_unique(slug: str, used: set[str]) -> str:
    """`slug`, or `slug_1`, `slug_2` ... when a heading before took it."""
    while slug in used:
        count = _ID_COUNT.match(slug)
        slug = f"{count.group(1)}_{int(count.group(2)) + 1}" if count else f"{slug}_1"
    used.add(slug)
    return slug


def old_ids(slugs: list[str]) -> list[str]:
    used: set[str] = set()
    return [old_unique(slug, used) for slug in slugs]


def old_demote(raw: str) -> str:
    def demote(match: re.Match[str]) -> str:
        level = min(6, max(3, int(match.group(1)) + 1))
        return f"<h{level}>{match.group(2)}</h{level}>"

    return _OLD_CMARK_HEADING.sub(demote, raw)


def old_scope(raw: str) -> str:
    return _OLD_CMARK_THEAD.sub(
        lambda match: markup._CMARK_TH.sub('<th scope="col">', match.group(0)), raw
    )


def render_html(body: str) -> str:
    return MarkdownRenderer().render(body).html


def heading_ids(page: str) -> list[str]:
    return re.findall(r'<h[3-6] id="([^"]+)"', page)


def expected_ids(body: str) -> list[str]:
    """The ids the old algorithm gives the headings of a body, as rendered today."""
    raw = cmark.markdown_to_html_with_extensions(
        body, options=cmark.Options.CMARK_OPT_UNSAFE, extensions=markup.EXTENSIONS
    )
    safe = sanitise(markup._scope_header_cells(markup._demote_headings(raw.rstrip("\n"))))
    texts = [
        html.unescape(markup._TAG.sub("", match.group(3)))
        for match in markup._SAFE_HEADING.finditer(safe)
    ]
    return old_ids([markup._slug(text) for text in texts])


def best_time(function: Callable[[], object], repeat: int = 3) -> float:
    """The least of a few timings: the one least disturbed by the rest of the machine
    (and by Python's garbage collector, which the bodies before leave work for)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(times)


def growth(make: Callable[[int], str], n: int, render: Callable[[str], object]) -> float:
    """How much longer a body of size 4n takes than one of size n (linear: about 4)."""
    small, large = make(n), make(4 * n)
    render(small)  # warm caches (page ids, nh3's rules)
    return best_time(lambda: render(large)) / max(best_time(lambda: render(small)), 1e-6)


# --- heading ids --------------------------------------------------------------------------


def test_heading_ids_are_those_of_the_plain_walk() -> None:
    texts = ["a", "a", "a 1", "a", "A", "a_1", "a-1", "a", "innehall", "innehall", "", ""]
    page = anchor_headings("".join(f"<h3>{html.escape(text)}</h3>" for text in texts)).html
    assert heading_ids(page) == old_ids([markup._slug(text) for text in texts])
    assert heading_ids(page) == [
        *("a", "a_1", "a-1", "a_2", "a_3", "a-1_1", "a-1_2", "a_4"),
        *("innehall-i-texten", "innehall-i-texten_1", "avsnitt", "avsnitt_1"),
    ]


@given(st.lists(st.text(alphabet="ab_0129", max_size=6), max_size=60))
def test_heading_ids_match_the_old_algorithm_on_any_slugs(slugs: list[str]) -> None:
    """Slugs from `slugify` have no `_`; `_HeadingIds` matches the old walk on any
    strings, including those that look like its own `a_1` (chains that meet)."""
    ids = markup._HeadingIds()
    assert [ids.take(slug) for slug in slugs] == old_ids(slugs)


_HEADING_TEXT = st.sampled_from(["a", "a", "A", "a 1", "a_1", "a-1", "b", "Innehåll", "x_2", "?"])
_BLOCK = st.one_of(
    _HEADING_TEXT.map(lambda text: f"## {text}"),
    st.tuples(st.integers(1, 6), _HEADING_TEXT).map(lambda pair: "#" * pair[0] + " " + pair[1]),
    st.tuples(st.integers(1, 12), _HEADING_TEXT).map(lambda p: "> " * p[0] + "### " + p[1]),
    st.tuples(st.integers(0, 8), _HEADING_TEXT).map(lambda p: "  " * p[0] + "- #### " + p[1]),
    _HEADING_TEXT.map(lambda text: f"<h3>{text}</h3>"),
    _HEADING_TEXT.map(lambda text: f'<h4 lang="en">{text}</h4>'),
    st.sampled_from(["<blockquote>", "</blockquote>", "<div>", "</div>", "<ul><li>", "<b>"]),
    st.just("Text with *emphasis* and a [link](https://example.org)."),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_BLOCK, max_size=40))
def test_rendered_heading_ids_are_unique_and_as_before(blocks: list[str]) -> None:
    body = "\n\n".join(blocks)
    ids = heading_ids(render_html(body))
    assert len(ids) == len(set(ids))
    assert ids == expected_ids(body)


def test_thousands_of_equal_headings_cost_what_distinct_ones_cost() -> None:
    """32,000 `## a` (190 KB) took over five minutes: the counter was walked up from
    `a` for every heading. Now they cost what 32,000 distinct headings cost."""
    equal = "## a\n\n" * 32_000
    distinct = "".join(f"## {i}\n\n" for i in range(32_000))[: len(equal)]
    render_html(distinct[:1000])
    ratio = best_time(lambda: render_html(equal), 2) / best_time(lambda: render_html(distinct), 2)
    assert ratio < 5, ratio


# --- nesting given to nh3 -------------------------------------------------------------------

BOMBS: dict[str, Callable[[int], str]] = {
    "unclosed <blockquote>": lambda n: "<blockquote>" * n,
    "> > > markers": lambda n: "> " * n + "x",
    "unclosed <ul><li>": lambda n: "<ul><li>" * n,
    "<div></span>": lambda n: "<div></span>" * n,
    "<b><div></b>": lambda n: "<b><div></b>" * n,
    "<b> with distinct attributes": lambda n: "".join(f'<b class="{i}">' for i in range(n)),
    "<div><b> closed by </div>": lambda n: "".join(
        f'<div><b class="{i}"></div>x' for i in range(n)
    ),
    "nested tables": lambda n: "<table><tr><td>" * (n // 3),
    "<h1> without end on one line": lambda n: "<div>" + "<h1>" * n,
    "<thead> without end": lambda n: "<div>\n" + "<thead>\n" * n,
    "- - - list markers": lambda n: "- " * n + "x",
    "table columns": lambda n: (
        "|"
        + "a|" * (n // 10)
        + "\n|"
        + "-|" * (n // 10)
        + "\n"
        + ("|" + "b|" * (n // 10) + "\n") * 10
    ),
    "link definitions": lambda n: (
        "".join(f"[x{i}]: /y{i}\n" for i in range(n // 4))
        + "".join(f"[x{i}] " for i in range(n // 4))
    ),
    "one long line": lambda n: "word *em* " * n,
}


@pytest.mark.parametrize("name", BOMBS)
def test_adversarial_bodies_cost_linear_time(name: str) -> None:
    # n = 2,000: enough tags for the nesting model to run, and small enough that both
    # sizes stay in the processor's caches (past them cmark's time per byte steps up).
    ratio = growth(BOMBS[name], 2_000, render_html)
    assert ratio < 10, f"{name}: 4 times the size took {ratio:.1f} times as long"


#: Deep nesting against the same tags side by side: the same work for nh3 but the depth.
FLAT: dict[str, Callable[[int], str]] = {
    "unclosed <blockquote>": lambda n: "<blockquote></blockquote>" * n,
    "> > > markers": lambda n: "> x\n\n" * n,
    "unclosed <ul><li>": lambda n: "<ul><li></li></ul>" * n,
}


@pytest.mark.parametrize("name", FLAT)
def test_deep_nesting_costs_no_more_than_the_same_tags_side_by_side(name: str) -> None:
    """100,000 unclosed `<blockquote>` took nh3 23-46 s, 32,000 `> ` 1.5 s."""
    deep, flat = BOMBS[name](50_000), FLAT[name](50_000)
    render_html(flat[:5000])
    ratio = best_time(lambda: render_html(deep), 2) / best_time(lambda: render_html(flat), 2)
    assert ratio < 5, ratio


def ordinary_body(size: int) -> str:
    rng = random.Random(7)
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        parts.append(bench_body(rng))
    return "\n\n".join(parts)[:size]


def test_the_reported_blockquote_bomb_costs_about_an_ordinary_body_of_its_size() -> None:
    bomb = BOMBS["unclosed <blockquote>"](100_000)
    ordinary = ordinary_body(len(bomb))
    render_html(ordinary[:5000])
    ratio = best_time(lambda: render_html(bomb), 2) / best_time(lambda: render_html(ordinary), 2)
    assert ratio < 20, ratio


def nesting_depth(fragment: str) -> int:
    class Depth(HTMLParser):
        CDATA_CONTENT_ELEMENTS = ("script", "style", "noscript", "xmp", "iframe", "noembed")

        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.depth = self.deepest = 0

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag not in nesting._VOID:
                self.depth += 1
                self.deepest = max(self.deepest, self.depth)

        def handle_endtag(self, tag: str) -> None:
            if tag not in nesting._VOID:
                self.depth -= 1

    parser = Depth()
    parser.feed(fragment)
    parser.close()
    return parser.deepest


def test_too_deep_nesting_is_shown_as_text_and_no_text_is_lost() -> None:
    fragment = "<blockquote>" * 1500 + "the text" + "</blockquote>" * 1500 + "<p>after</p>"
    safe = sanitise(fragment)
    assert nesting_depth(safe) == nesting.MAX_NESTING
    assert "the text" in safe and safe.endswith("<p>after</p>")
    assert safe.count("&lt;blockquote&gt;") == 1500 - nesting.MAX_NESTING
    # `> ` markers nest in cmark: the same cut, the quote's text kept (its `<p>` is cut
    # too: its `</p>` then makes an empty `<p></p>`, one level deeper).
    page = render_html("> " * 5000 + "deep words")
    assert nesting_depth(page) == nesting.MAX_NESTING + 1
    assert "&lt;p&gt;deep words" in page


def test_an_escaped_tag_escapes_the_tags_in_its_attributes() -> None:
    """A cut tag becomes text as a whole: a `<` inside its attribute values must not
    turn into a tag that the model never counted."""
    fragment = '<blockquote title="<blockquote>">' * 2000
    bounded = bound_nesting(fragment)
    assert bounded.count('<blockquote title="<blockquote>">') == nesting.MAX_NESTING
    assert bounded.count('&lt;blockquote title="&lt;blockquote>">') == 2000 - nesting.MAX_NESTING
    assert nesting_depth(sanitise(fragment)) <= nesting.MAX_NESTING


def ordinary_fragments() -> list[str]:
    """cmark's HTML of real-looking bodies: the golden site's, the bench corpus's, and
    bodies with nested lists, quotes, tables, raw HTML with omitted end tags."""
    sources = [
        path.read_text(encoding="utf-8") for path in (ROOT / "tests" / "golden").rglob("*.md")
    ]
    rng = random.Random(3)
    sources += [bench_body(rng) for _ in range(200)]
    sources += [
        "> quote\n> > inner\n> > > innermost\n\n- a\n  - b\n    - c\n      1. d\n",
        "| a | b |\n|---|--:|\n| 1 | 2 |\n\n<dl><dt>term<dd>definition<dt>other<dd>more</dl>",
        "<ul><li>one<li>two<li>three</ul>\n\n<p>para<p>para<p>para",
        '<table><tr><td>a<td>b<tr><td>c<td>d</table>\n\n<span lang="en">English</span>',
        "<p><b>unclosed bold</p><p>next</p>\n\nText <abbr title='x'>X</abbr>.",
        "<!-- a comment </div> --> <div>x</div>\n\n```\n<div><div><div>\n```\n",
    ]
    return [
        cmark.markdown_to_html_with_extensions(
            source, options=cmark.Options.CMARK_OPT_UNSAFE, extensions=markup.EXTENSIONS
        )
        for source in sources
    ]


def test_ordinary_bodies_pass_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """The model also runs on bodies too small to need it here, and changes none."""
    monkeypatch.setattr(nesting, "UNBOUNDED_TAGS", 0)
    fragments = ordinary_fragments()
    for fragment in fragments:
        assert bound_nesting(fragment) == fragment
    joined = "\n".join(fragments * 3)  # long enough for the model without the monkeypatch
    monkeypatch.undo()
    assert joined.count("<") > nesting.UNBOUNDED_TAGS
    assert bound_nesting(joined) == joined


def _tree(depth: int) -> st.SearchStrategy[str]:
    names = st.sampled_from(["div", "blockquote", "ul", "li", "p", "em", "strong", "span", "a"])
    leaf = st.sampled_from(["text", "<br>", "&amp;", ""])
    if depth == 0:
        return leaf
    return st.one_of(
        leaf,
        st.tuples(names, st.lists(st.deferred(lambda: _tree(depth - 1)), max_size=3)).map(
            lambda pair: f"<{pair[0]}>{''.join(pair[1])}</{pair[0]}>"
        ),
    )


@settings(max_examples=100, deadline=None)
@given(st.lists(_tree(6), min_size=1, max_size=8), st.integers(7, 40))
def test_well_formed_html_within_the_depth_passes_unchanged(trees: list[str], wrap: int) -> None:
    fragment = "<div>" * wrap + "".join(trees) + "</div>" * wrap
    unbounded_before = nesting.UNBOUNDED_TAGS
    nesting.UNBOUNDED_TAGS = 0  # (hypothesis runs many examples in one test: no monkeypatch)
    try:
        assert bound_nesting(fragment) == fragment
    finally:
        nesting.UNBOUNDED_TAGS = unbounded_before


_SOUP_NAMES = tuple(
    str.split(
        "div span b i p li ul ol dd dt dl table tr td th tbody caption blockquote a em strong"
        " code select option svg math textarea style script title h1 h3 button form template"
        " x-y noscript object marquee nobr font u pre xmp desc foreignObject mi plaintext"
    )
)
_SOUP_PIECE = st.one_of(
    st.tuples(
        st.sampled_from(_SOUP_NAMES),
        st.sampled_from(["", " class=x", ' title="a>b"', ' title="</div>"', " k=1", "/"]),
    ).map(lambda pair: f"<{pair[0]}{pair[1]}>"),
    st.sampled_from(_SOUP_NAMES).map(lambda name: f"</{name}>"),
    st.sampled_from(
        ["x", "<!-- </div> -->", "<!-->", "<![CDATA[</div>]]>", "</>", "<?x>", "<br>", "<a b='c>"]
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_SOUP_PIECE, min_size=20, max_size=300))
def test_the_model_never_lets_tag_soup_nest_much_deeper_than_the_limit(
    pieces: list[str],
) -> None:
    """The model closes an element only where the parser surely does: whatever the soup
    (misnested formatting, tables, selects, comments, CDATA, raw text), the parser's
    tree stays within a small multiple of the limit."""
    limit_before, unbounded_before = nesting.MAX_NESTING, nesting.UNBOUNDED_TAGS
    nesting.MAX_NESTING, nesting.UNBOUNDED_TAGS = 8, 0
    try:
        bounded = bound_nesting("".join(pieces))
    finally:
        nesting.MAX_NESTING, nesting.UNBOUNDED_TAGS = limit_before, unbounded_before
    names = {name.lower() for name in _SOUP_NAMES}
    tree = nh3.clean(bounded, tags=names, attributes={}, clean_content_tags=set(), link_rel=None)
    assert nesting_depth(tree) <= 3 * 8 + 6
    allowed = markup.ALLOWED_TAGS | {"div"}  # the table's scrolling region
    assert set(re.findall(r"</?([a-z0-9]+)", sanitise(bounded))) <= allowed


def _joined(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=40).map("".join)


@given(_joined(["<h1>", "</h1>", "<h2>", "</h2>", "<h6>", "</h6>", "<h7>", "\n", "x", "</h3>"]))
def test_demoting_headings_is_the_old_regular_expression(raw: str) -> None:
    assert markup._demote_headings(raw) == old_demote(raw)


@given(_joined(["<thead>", "</thead>", "<th>", '<th align="left">', "<tr>", "\n", "x"]))
def test_scoping_header_cells_is_the_old_regular_expression(raw: str) -> None:
    assert markup._scope_header_cells(raw) == old_scope(raw)


# --- imported documents -----------------------------------------------------------------------

_PEAK = (
    "import resource, subprocess, sys\n"
    "result = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stderr.write(result.stderr)\n"
    "sys.stdout.write(result.stdout)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(result.returncode)\n"
)


def import_with_peak(root: Path, source: Path) -> tuple[int, list[str], int]:
    """`site.py import SOURCE` in a fresh process: exit status, its error lines, and its
    peak memory in KB (measured by a parent of its own, which has no other children)."""
    result = subprocess.run(
        [sys.executable, "-c", _PEAK, sys.executable, str(ROOT / "site.py"), "import", str(source)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "INSYN_LANG": "en"},
    )
    *errors, peak = result.stderr.splitlines()
    return result.returncode, errors, int(peak)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "content" / "decisions").mkdir(parents=True)
    return tmp_path


def small_docx(path: Path) -> Path:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("Till Spånga-Tensta stadsdelsnämnd")
    document.add_paragraph("Ansökan om medel för Tensta familjestöd")
    document.save(str(path))
    return path


def docx_bomb(path: Path, megabytes: int) -> Path:
    """A real Word document whose document.xml holds `megabytes` MB of spaces: valid
    XML, packed about a thousand times. Written in chunks: the test holds 1 MB."""
    small = zipfile.ZipFile(small_docx(path.with_name("template.docx")))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in small.infolist():
            data = small.read(info.filename)
            if info.filename != "word/document.xml":
                archive.writestr(info.filename, data)
                continue
            head, tail = data.rsplit(b"</w:body>", 1)
            with archive.open(info.filename, "w", force_zip64=True) as member:
                member.write(head)
                chunk = b" " * (1 << 20)
                for _ in range(megabytes):
                    member.write(chunk)
                member.write(b"</w:body>" + tail)
    return path


def test_a_docx_bomb_is_refused_before_it_is_unpacked(tree: Path) -> None:
    _, _, baseline = import_with_peak(tree, small_docx(tree / "small.docx"))
    drafts = list((tree / "content" / "decisions").iterdir())
    bomb = docx_bomb(tree / "bomb.docx", 200)
    assert bomb.stat().st_size < 1024 * 1024
    status, errors, peak = import_with_peak(tree, bomb)
    unpacked = sum(member.file_size for member in zipfile.ZipFile(bomb).infolist())
    assert status == 1
    assert len(errors) == 1 and errors[0].endswith(
        f"bomb.docx:1: error: the Word document unpacks to {unpacked} bytes; "
        f"the limit is {reading.MAX_DOCX_UNPACKED_BYTES}"
    )
    # Unpacked, python-docx held the 200 MB (and lxml more): before this, 426 MB at peak.
    assert peak < baseline + 64 * 1024, (baseline, peak)
    assert list((tree / "content" / "decisions").iterdir()) == drafts


def test_a_docx_with_an_absurd_compression_ratio_is_refused(tmp_path: Path) -> None:
    bomb = docx_bomb(tmp_path / "ratio.docx", 20)  # under the size limit, 20 MB of spaces
    with pytest.raises(
        UnreadableDocument, match=r"unpacks to \d+ times its packed size; the limit is 200$"
    ):
        read_document(bomb)


def test_a_docx_with_too_many_parts_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "parts.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(reading.MAX_DOCX_MEMBERS + 1):
            archive.writestr(f"word/media/{number}.xml", "")
    with pytest.raises(UnreadableDocument, match="parts"):
        read_document(path)


def test_an_ordinary_docx_is_still_read(tmp_path: Path) -> None:
    assert "Tensta familjestöd" in read_document(small_docx(tmp_path / "ok.docx"))


def pdf(path: Path, pages: int) -> Path:
    fpdf = pytest.importorskip("fpdf")
    document = fpdf.FPDF()
    document.set_font("Helvetica", size=11)
    for number in range(pages):
        document.add_page()
        # each page its own text: a line every page repeats is a running header, and goes
        document.cell(0, 10, f"Sida {number + 1}: punkt {'abcdefghij'[number % 10]} godkänns.")
    document.output(str(path))
    return path


def test_a_pdf_with_more_pages_than_the_limit_is_refused(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from insyn.importer import import_files

    monkeypatch.setattr(reading, "MAX_PDF_PAGES", 3)
    assert "Sida 3" in read_document(pdf(tree / "three.pdf", 3))
    source = pdf(tree / "four.pdf", 4)
    with pytest.raises(UnreadableDocument, match=r"too many pages \(4; the limit is 3\)"):
        read_document(source)
    assert import_files([source], tree / "content" / "decisions", tree / "data") == 1
    (error,) = capsys.readouterr().err.splitlines()
    assert error.endswith("four.pdf:1: error: the PDF has too many pages (4; the limit is 3)")


def pdf_bomb(path: Path, megabytes: int) -> Path:
    """One page whose content stream is some text and `megabytes` MB of spaces, deflated."""
    import zlib

    packer = zlib.compressobj(9)
    parts = [packer.compress(b"BT /F1 12 Tf 72 720 Td (Hej) Tj ET\n")]
    chunk = b" " * (1 << 20)
    parts += [packer.compress(chunk) for _ in range(megabytes)]
    stream = b"".join(parts) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def test_a_pdf_content_stream_bomb_is_refused(tree: Path) -> None:
    assert read_document(pdf_bomb(tree / "small.pdf", 0)) == "Hej"
    _, _, baseline = import_with_peak(tree, tree / "small.pdf")
    # 60 MB is under pypdf's own limit (75 MB): before, read in 3.5 s and 150 MB.
    bomb = pdf_bomb(tree / "bomb.pdf", 60)
    status, errors, peak = import_with_peak(tree, bomb)
    assert status == 1
    assert len(errors) == 1
    assert (
        "bomb.pdf:1: error: the PDF is too large to read: a part of it unpacks to too much ("
        in errors[0]
    )
    assert peak < baseline + 64 * 1024, (baseline, peak)

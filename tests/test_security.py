"""Safe by default (issue 8): sanitising, paths, YAML, atomic and reproducible builds,
fingerprinted assets, redirects for renamed ids and the deployed headers."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from insyn.build.write import UnsafePathError, safe_relative, site_file, write_site
from insyn.present.markup import MarkdownRenderer
from insyn.sources import assets
from tests.conftest import ROOT, Corpus
from tests.hostile import html_problems, tree_listing
from tests.test_site import broken_links, tree_bytes, write_edge_corpus

# --- Markdown bodies ----------------------------------------------------------


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "<ScRiPt>alert(1)</sCrIpT>",
        "<img src=x onerror=alert(1)>",
        '<IMG SRC="jav&#x09;ascript:alert(1)">',
        '<img src="x" srcset="evil.png 1x">',
        "[a](javascript:alert(1))",
        "[a](JaVaScRiPt:alert(1))",
        "[a](&#106;avascript:alert(1))",
        "[a](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
        "[a](vbscript:msgbox(1))",
        "[a](data:text/html;base64,PHNjcmlwdD4=)",
        "![b](javascript:alert(1))",
        "![b](data:image/svg+xml,<svg onload=alert(1)>)",
        "[ref]\n\n[ref]: javascript:alert(1)",
        '[ref]\n\n[ref]: data:text/html,x "titel"',
        "<javascript:alert(1)>",
        '<a href="  JAVASCRIPT:alert(1)">b</a>',
        '<a href="jav&#x0A;ascript:alert(1)">c</a>',
        '<a href="/ok" onclick="alert(1)">d</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<object data="x"></object><embed src="x">',
        "<style>body{display:none}</style>",
        '<p style="position:fixed">s</p>',
        '<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)">x</a></svg>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button>',
        '<base href="https://evil.example/">',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<details open ontoggle="alert(1)">x</details>',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    ],
)
def test_markdown_cannot_produce_executable_markup(
    renderer: MarkdownRenderer, markdown: str
) -> None:
    html = renderer.render(markdown).html
    assert html_problems("body", html) == [], html
    assert "alert(1)" not in re.sub(r">[^<]*<", "><", f">{html}<"), html  # only ever as text


def test_raw_html_headings_cannot_take_ids(renderer: MarkdownRenderer) -> None:
    body = renderer.render('<h2 id="innehall">x</h2>\n\n## Innehåll\n\n## Ärendet\n')
    assert 'id="innehall"' not in body.html and "<h2" not in body.html
    # Headings named like a part of the page get an id of their own.
    assert [h.id for h in body.headings] == ["innehall-i-texten", "arendet-i-texten"]


# --- paths --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["../x", "a/../../x", "/../x", "a\\..\\b", "", "/", "a/./../../b", "..", "x/.."]
)
def test_safe_relative_refuses_climbing_paths(path: str) -> None:
    with pytest.raises(UnsafePathError):
        safe_relative(path)


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/beslut/x/index.html", "beslut/x/index.html"), ("/%2e%2e/x", "%2e%2e/x"), ("a.b", "a.b")],
)
def test_safe_relative_keeps_ordinary_paths(path: str, expected: str) -> None:
    assert str(safe_relative(path)) == expected


@given(st.lists(st.sampled_from(["a", "b.html", ".", "..", "", "\\", "..a", "%2e"]), max_size=5))
def test_site_file_is_safe_relative_inside_the_folder(parts: list[str]) -> None:
    """The sink's quick path join refuses and keeps exactly what `safe_relative` does."""
    path = "/".join(parts)
    try:
        expected = os.path.join("/ut", str(safe_relative(path)))
    except UnsafePathError:
        with pytest.raises(UnsafePathError):
            site_file("/ut", path)
        return
    assert site_file("/ut", path) == expected


def test_write_site_refuses_a_climbing_path_and_leaves_the_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"index.html": b"old"}, out)
    before = tree_listing(tmp_path)
    with pytest.raises(UnsafePathError):
        write_site({"index.html": b"new", "../utanfor.html": b"x"}, out)
    assert tree_listing(tmp_path) == before
    assert (out / "index.html").read_bytes() == b"old"


@pytest.mark.parametrize(
    "stem",
    ["x..y", "A", "%2e%2e", "\uff41", "a\u202eb", "-x", "a_b", "a b", "é", "a" * 81],
)
def test_hostile_file_names_are_errors(corpus: Corpus, stem: str) -> None:
    corpus.decision(stem)
    result = corpus.run("build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "is not a valid id" in result.stderr
    assert not corpus.out.exists()


@pytest.mark.parametrize(
    "front",
    [
        {"district": "../x"},
        {"district": "/etc/passwd"},
        {"projects": ["../../etc"]},
        {"projects": ["%2e%2e"]},
        {"aliases": ["../x"]},
        {"aliases": ["/abs"]},
        {"aliases": ["\u2025"]},
        {"funding": [{"from": "../x", "amount": 1, "year": 2008, "status": "applied"}]},
        {
            "funding": [
                {
                    "from": "lansstyrelsen",
                    "to": "a/b",
                    "amount": 1,
                    "year": 2008,
                    "status": "applied",
                }
            ]
        },
    ],
)
def test_hostile_references_are_errors(corpus: Corpus, front: dict[str, Any]) -> None:
    corpus.decision("beslut", **front)
    result = corpus.run("build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"^content/decisions/beslut\.md:\d+: error: ", result.stderr, re.M)
    assert not corpus.out.exists()


@pytest.mark.parametrize(
    "source",
    [
        "%2e%2e/%2e%2e/x",
        "assets/%2E%2e/x",
        "assets/..%2fx",
        "assets/..%5Cx",
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "../x",
        "/../x",
        "assets\\..\\x",
    ],
)
def test_hostile_sources_are_errors(corpus: Corpus, source: str) -> None:
    corpus.decision("beslut", source=source)
    result = corpus.run("check")
    assert result.returncode == 1
    assert "must be a web address (https://...) or a file under assets/" in result.stdout


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:x",
        "data:text/html,x",
        "//evil.example",
    ],
)
def test_a_website_must_be_a_web_address(corpus: Corpus, website: str) -> None:
    corpus.organisations[-1]["website"] = website
    corpus.write_data()
    result = corpus.run("check")
    assert result.returncode == 1
    assert re.search(r"^data/organisations\.yaml:\d+: error: .*website", result.stdout, re.M)


# --- YAML and encodings -------------------------------------------------------


@pytest.mark.parametrize("escape", ["\\x01", "\\x1f", "\\x7f", "\\x00", "\\uffff"])
def test_control_characters_are_errors_naming_the_line(corpus: Corpus, escape: str) -> None:
    corpus.raw(
        "decisions/a.md",
        '---\ndistrict: hasselby-vallingby\nkind: other\nyear: 2008\ntitle: "x'
        + escape
        + 'y"\n---\n',
    )
    result = corpus.run("check")
    assert result.returncode == 1
    assert "content/decisions/a.md:5: error: text contains the control character" in result.stdout


def test_site_yaml_alias_bomb_and_bad_encoding(corpus: Corpus) -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for level in "bcdefgh":
        previous = ",".join([f"*{chr(ord(level) - 1)}"] * 9)
        bomb += f"{level}: &{level} [{previous}]\n"
    (corpus.data / "site.yaml").write_text(bomb, encoding="utf-8")
    result = corpus.run("build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"^data/site\.yaml:\d+: error: YAML too large", result.stderr, re.M)
    (corpus.data / "site.yaml").write_bytes(b"title: Insyn \xe5\xe4\xf6\n")
    result = corpus.run("check")
    assert "data/site.yaml:1: error: not valid UTF-8" in result.stdout


# --- atomic and reproducible builds -------------------------------------------


def _with_aliases(corpus: Corpus) -> Corpus:
    write_edge_corpus(corpus)
    corpus.decision("ny", title="Nytt id", meeting="2008-01-10", aliases=["gammalt", "aldre-id"])
    corpus.project("nytt-projekt", name="Nytt projekt", aliases=["gammalt-projekt"])
    return corpus


def test_two_builds_are_identical_including_search_data_and_redirects(corpus: Corpus) -> None:
    _with_aliases(corpus)
    first, second = corpus.root / "ut1", corpus.root / "ut2"
    assert corpus.run("build", "--out", str(first)).returncode == 0
    assert corpus.run("build", "--out", str(second)).returncode == 0
    one, two = tree_bytes(first), tree_bytes(second)
    assert one == two
    assert any(p.startswith("pagefind/") for p in one)
    for path in ("data/finansiering.csv", "data/beslut.json", "data/360giving.json", "_redirects"):
        assert path in one, path
    assert "beslut/gammalt/index.html" in one


def test_a_failed_build_keeps_the_previous_index_and_data(corpus: Corpus) -> None:
    _with_aliases(corpus)
    assert corpus.run("build").returncode == 0
    before = tree_bytes(corpus.out)
    assert any(p.startswith("pagefind/") for p in before)
    corpus.decision("trasig", district="finns-inte", title="Ny titel som inte får synas")
    assert corpus.run("build").returncode == 1
    assert tree_bytes(corpus.out) == before
    leftovers = [p.name for p in corpus.root.iterdir() if p.name.startswith((".ut", "._site"))]
    assert leftovers == []


# --- fingerprinted assets -----------------------------------------------------


def test_fingerprinted_names_follow_the_content() -> None:
    files = {
        "assets/a.css": b'body{background:url("ikon.svg")} i{background:url(https://e.org/x.svg)}',
        "assets/ikon.svg": b"<svg/>",
        "assets/x.js": b"1",
        "assets/dokument/beslut.pdf": b"%PDF",
    }
    published, urls = assets.fingerprint(files)
    assert urls["x.js"] == "/" + assets.fingerprinted_name("assets/x.js", b"1")
    assert urls["dokument/beslut.pdf"] == "/assets/dokument/beslut.pdf"
    css_name = urls["a.css"].lstrip("/")
    assert re.fullmatch(r"assets/a\.[0-9a-f]{10}\.css", css_name)
    css = published[css_name].decode()
    assert f'url("{urls["ikon.svg"]}")' in css and "url(https://e.org/x.svg)" in css
    changed, _ = assets.fingerprint({**files, "assets/ikon.svg": b"<svg></svg>"})
    assert css_name not in changed  # a new icon is a new stylesheet too
    assert {assets.logical_name(p) for p in published} == {p[7:] for p in files}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = Corpus(tmp_path_factory.mktemp("security-site"))
    corpus.write_data()
    _with_aliases(corpus)
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    return corpus.out


def test_pages_refer_to_assets_by_fingerprinted_name(built: Path) -> None:
    names = {p.name for p in (built / "assets").iterdir()}
    assert all(re.fullmatch(r"[a-z-]+\.[0-9a-f]{10}\.(css|js|svg)", n) for n in names), names
    referred = set()
    for path in built.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "?v=" not in text, path
        referred |= set(re.findall(r'"/assets/([^"]+)"', text))
    for path in built.glob("assets/*.css"):
        referred |= set(re.findall(r'url\("?/assets/([^")]+)', path.read_text(encoding="utf-8")))
    assert referred == names
    sok = next(built.glob("assets/sok.*.js")).read_text(encoding="utf-8")
    # The only module it imports is a shard's pagefind.js, from a path delar.json lists and
    # that must look like /pagefind/<shard>/ (checked before the import).
    assert re.findall(r"import\(([^)]*)\)", sok) == ["`${paths[0]}pagefind.js`"]
    assert 'fetch("/pagefind/delar.json")' in sok
    assert "SHARD_PATH.test(path)" in sok


def test_every_built_page_is_free_of_inline_code_and_links_work(built: Path) -> None:
    for path in built.rglob("*.html"):
        assert html_problems(str(path.relative_to(built)), path.read_text(encoding="utf-8")) == []
    assert broken_links(built) == []


def test_alias_pages_and_redirects(built: Path) -> None:
    rules = (built / "_redirects").read_text(encoding="utf-8").splitlines()
    assert [r for r in rules if not r.startswith("#")] == [
        "/beslut/aldre-id/ /beslut/ny/ 301!",
        "/beslut/aldre-id/* /beslut/ny/:splat 301!",
        "/beslut/gammalt/ /beslut/ny/ 301!",
        "/beslut/gammalt/* /beslut/ny/:splat 301!",
        "/projekt/gammalt-projekt/ /projekt/nytt-projekt/ 301!",
        "/projekt/gammalt-projekt/* /projekt/nytt-projekt/:splat 301!",
    ]
    page = (built / "projekt/gammalt-projekt/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/projekt/nytt-projekt/">' in page
    assert '<link rel="canonical" href="https://insyn.example.se/projekt/nytt-projekt/">' in page
    assert '<a href="/projekt/nytt-projekt/">Nytt projekt</a>' in page
    assert "<script" not in page.replace('<script type="module"', "")
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8")
    assert "gammalt" not in sitemap and "aldre-id" not in sitemap
    assert "https://insyn.example.se/beslut/ny/" in sitemap
    assert not (built / "pagefind").exists() or b"gammalt" not in b"".join(
        p.read_bytes() for p in (built / "pagefind").glob("*.json")
    )


def test_drafts_get_no_redirects(corpus: Corpus) -> None:
    corpus.decision("utkast", draft=True, aliases=["gammalt-utkast"])
    assert corpus.run("build").returncode == 0
    assert not (corpus.out / "beslut/gammalt-utkast").exists()
    assert "gammalt-utkast" not in (corpus.out / "_redirects").read_text(encoding="utf-8")


# --- netlify.toml -------------------------------------------------------------

NETLIFY = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
IMMUTABLE = "public, max-age=31536000, immutable"


def headers_for(path: str) -> dict[str, str]:
    """The headers Netlify would send for `path`: every matching rule (`*` matches anything)."""
    found: dict[str, str] = {}
    for rule in NETLIFY["headers"]:
        pattern = "^" + ".*".join(re.escape(part) for part in rule["for"].split("*")) + "$"
        if re.match(pattern, path):
            for name, value in rule["values"].items():
                assert name not in found, f"two rules set {name} for {path}"
                found[name] = value
    return found


def test_build_command_publish_folder_and_python_version() -> None:
    build = NETLIFY["build"]
    assert build["publish"] == "_site"
    assert build["command"].endswith("python site.py build")
    assert "pip install -r requirements.txt" in build["command"]
    assert re.fullmatch(r"3\.1[1-9](\.\d+)?", build["environment"]["PYTHON_VERSION"])
    assert {"from": "/*", "to": "/404.html", "status": 404} in NETLIFY["redirects"]


def _csp(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize(
    "path",
    ["/", "/beslut/x/", "/404.html", "/data/finansiering.csv", "/assets/insyn.0123456789.css"],
)
def test_security_headers_on_every_path(path: str) -> None:
    headers = headers_for(path)
    csp = _csp(headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"] and csp["form-action"] == ["'self'"]
    assert not any(
        "unsafe-inline" in s or s == "'unsafe-eval'" or s == "*" for v in csp.values() for s in v
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] in (
        "strict-origin-when-cross-origin",
        "no-referrer",
        "same-origin",
    )
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    hsts = re.fullmatch(r"max-age=(\d+); includeSubDomains", headers["Strict-Transport-Security"])
    assert hsts and int(hsts.group(1)) >= 31536000
    assert all(
        re.fullmatch(r"[a-z-]+=\(\)", feature)
        for feature in headers["Permissions-Policy"].split(", ")
    )


def test_long_cache_only_for_fingerprinted_assets(built: Path) -> None:
    for path in sorted(p for p in built.rglob("*") if p.is_file()):
        url = "/" + path.relative_to(built).as_posix()
        cache = headers_for(url).get("Cache-Control")
        if url.startswith("/assets/") and assets.is_fingerprinted(url):
            assert re.search(r"\.[0-9a-f]{10}\.[a-z]+$", url), url
            assert cache == IMMUTABLE, url
        else:
            assert cache is None, url  # Netlify's default: public, max-age=0, must-revalidate
    assert headers_for("/assets/dokument/beslut.pdf").get("Cache-Control") is None
    assert headers_for("/beslut/x/").get("Cache-Control") is None


#: What each kind of file is served as (the extension alone would make a feed plain XML)
CONTENT_TYPES = {
    "feed.xml": "application/atom+xml; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    # the data catalogue, also where Sweden's data portal looks for it
    "/data/dcat.rdf": "application/rdf+xml; charset=utf-8",
    "/datasets/dcat": "application/rdf+xml; charset=utf-8",
}


def test_feeds_calendars_and_csv_are_served_with_their_content_types(built: Path) -> None:
    served: dict[str, int] = dict.fromkeys(CONTENT_TYPES, 0)
    for path in sorted(p for p in built.rglob("*") if p.is_file()):
        url = "/" + path.relative_to(built).as_posix()
        kind = next((k for k in CONTENT_TYPES if url.endswith(k)), None)
        given = headers_for(url).get("Content-Type")
        if kind is None:
            assert given is None, url  # Netlify's own type, from the extension
            continue
        assert given == CONTENT_TYPES[kind], url
        served[kind] += 1
    assert all(served.values()), served
    assert headers_for("/sitemap.xml").get("Content-Type") is None


def test_no_other_site_may_embed_the_files() -> None:
    for path in ("/", "/data/finansiering.csv", "/assets/insyn.0123456789.css", "/feed.xml"):
        assert headers_for(path)["Cross-Origin-Resource-Policy"] == "same-origin"

"""The site's word list, in every shard, so that merged shards answer as one index.

Pagefind looks up a query word among the words of an index that start with it;
when an index has none, it takes instead the longest indexed word that the
query word starts with (`find_word_extensions` in pagefind_web/src/search.rs).
That fallback runs per index: merged shards by year, asked for "ideell", would
answer from every year without the word with that year's pages containing
"i". One index never does that for a word the site has.

So each shard also indexes one extra page, the word list (`WORDLIST_PATH`):
every word of every record of the site, each once. Every shard then holds the
site's words, looks them up as one index would, and finds in the word list
the words its own pages lack; /sok/ drops the word list from the results (its
id is in `pagefind/delar.json`). The word list is a function of the records
alone, so a cold and a warm build make the same one; a warm build whose edit
changes the site's words indexes every shard again (`search_update`).

The words are taken as Pagefind's parser takes them (pagefind/src/fossick/
parser.rs): the text of the `data-pagefind-body` element without the elements
it removes, with a space around the elements it treats as blocks and none
around the others, entities decoded, split at whitespace; and the values of
`data-pagefind-meta`, which Pagefind indexes as words too. Pagefind then makes
the same index words of the list as of the pages (tests/test_search_words.py
compares the two indexes' words).
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from insyn.build.pagefind_bundle import SIGNATURE, BundleError
from insyn.model.i18n import _

#: Where the word list is in each shard: no page of the site has this path.
WORDLIST_PATH = "pagefind-ordlista.html"
#: Elements whose text Pagefind's parser puts between spaces (`SENTENCE_SELECTORS`, `br`).
SPACED = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "td", "div", "ul", "li"})
SPACED_ALSO = frozenset({"article", "section", "br"})
#: Elements Pagefind's parser drops with everything in them (`REMOVE_SELECTORS`).
REMOVED = frozenset(
    {"head", "style", "script", "noscript", "label", "form", "svg", "footer", "nav", "iframe"}
    | {"template"}
)
VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"})

_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|<!--.*?-->|<![^>]*>|([^<]+)", re.S)
_META = re.compile(r'\sdata-pagefind-meta="([^"]*)"')
_SPACED_TAG = re.compile(
    rf"</?(?:{'|'.join(sorted(SPACED | SPACED_ALSO))})(?=[\s/>])[^>]*>", re.IGNORECASE
)
_ANY_TAG = re.compile(r"<[^>]*>")
_META_TAG = re.compile(r'<[^>]*\sdata-pagefind-meta="([^"]*)"[^>]*>')
#: What sends a record through `_parsed_words`: an element Pagefind removes or ignores,
#: a comment or anything else that is not a plain tag.
_NOT_PLAIN = (*(f"<{name}" for name in sorted(REMOVED)), "data-pagefind-ignore", "<!")
_FROM_ATTRIBUTE = re.compile(r"[^:\[\]]+\[([^\]]+)\]")
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_IGNORE = re.compile(r"\sdata-pagefind-ignore(?:=\"([^\"]*)\")?")


def record_words(document: bytes) -> set[str]:
    """The words Pagefind indexes of a record (`search_records`): body text and meta values.

    Most records have nothing Pagefind removes or ignores: their words are taken by two
    substitutions (`_plain_words`), and the others element by element (`_parsed_words`),
    which gives the same words for the rest too (tests/test_search_words.py)."""
    text = document.decode("utf-8")
    start = text.find(" data-pagefind-body")
    body_start = text.rfind("<", 0, start) if start >= 0 else 0
    body = text[body_start:]
    if any(marker in body for marker in _NOT_PLAIN):
        words = _parsed_words(text, body_start)
    else:
        words = _plain_words(body)
    if "<h1" not in body:  # Pagefind's title is then the page's <title>, and meta is indexed
        title = _TITLE.search(text, 0, body_start)
        words.update(html.unescape(title.group(1)).split() if title else ())
    return {plain_word(word) for word in words}


def _plain_words(body: str) -> set[str]:
    """The words of markup with no element Pagefind removes or ignores: a space for each tag
    of `SPACED`, nothing for the others; and the meta values."""
    words = set(html.unescape(_ANY_TAG.sub("", _SPACED_TAG.sub(" ", body))).split())
    for tag in _META_TAG.finditer(body):
        words.update(_meta_words(tag.group(1), tag.group(0)))
    return words


def _parsed_words(text: str, body_start: int) -> set[str]:
    """The words of markup, element by element, leaving out what Pagefind removes or ignores."""
    words: set[str] = set()
    parts: list[str] = []
    skipping: list[str] = []  # the open elements whose content is dropped
    for match in _TOKEN.finditer(text, body_start):
        closing, name, attributes, chunk = match.groups()
        if chunk is not None:
            if not skipping:
                parts.append(chunk)
            continue
        if name is None:
            continue  # a comment or doctype
        name = name.lower()
        if skipping:
            if name == skipping[-1] and name not in VOID and not attributes.endswith("/"):
                if closing:
                    skipping.pop()
                else:
                    skipping.append(name)
            continue
        if not closing:
            meta = _META.search(attributes)
            if meta is not None:
                words.update(_meta_words(meta.group(1), attributes))
            if name in REMOVED or _ignored(attributes):
                if name not in VOID and not attributes.endswith("/"):
                    skipping.append(name)
                continue
        if name in SPACED or name in SPACED_ALSO:
            parts.append(" ")
    words.update(html.unescape("".join(parts)).split())
    return words


#: What may end a word in running text ("kr.", "2011)", "ändrad,").
_TRAILING = ".,:;!?)"
#: Capitals `plain_word` lowers: those of Swedish text, whose lower case is one letter.
_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖÉÜ")


def plain_word(word: str) -> str:
    """`word` as a word of the list that Pagefind indexes the same: "Ändrad." as "ändrad",
    "(2011)" as "2011", so that a sentence's last word or a capital does not make a new word
    of the site (which would re-index every shard). Only where that is sure, by Pagefind's
    rules (pagefind/src/fossick/splitting.rs): what is left must be letters only, lower case
    after the first, or digits only, so that Pagefind takes it as one word either way (its
    punctuation dropped, no compound parts). Anything else is kept as it is."""
    core = word.lstrip("(").rstrip(_TRAILING)
    if not core or (core == word and core[0] not in _CAPITALS):
        return word
    if core.isdigit() and core.isascii():
        return core
    rest = core[1:]
    if core.isalpha() and rest == rest.lower() and (core[0] in _CAPITALS or core[0].islower()):
        return core[0].lower() + rest if core[0] in _CAPITALS else core
    return word


def _ignored(attributes: str) -> bool:
    """`data-pagefind-ignore` with no value, "index", "true" or "all": the text is not indexed."""
    match = _IGNORE.search(attributes)
    return match is not None


def _meta_words(value: str, attributes: str) -> list[str]:
    """The words of a `data-pagefind-meta`: `key:value`, or `key[attribute]` read from the
    element's attribute (the only forms Insyn writes). Pagefind indexes meta values as words."""
    spec = html.unescape(value)
    read = _FROM_ATTRIBUTE.fullmatch(spec.strip())
    if read is not None:
        found = re.search(rf'\s{re.escape(read.group(1))}="([^"]*)"', attributes)
        return html.unescape(found.group(1)).split() if found else []
    _key, sep, meta = spec.partition(":")
    return meta.split() if sep else []


def wordlist_document(words: Iterable[str]) -> bytes:
    """The word list's record: the words in a fixed order, one paragraph, no filters."""
    listed = "\n".join(html.escape(word, quote=False) for word in sorted(set(words)))
    return (
        '<!doctype html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
        "</head>\n<body>\n<main data-pagefind-body>\n"
        f"<p>\n{listed}\n</p>\n</main>\n</body>\n</html>\n"
    ).encode()


#: The folder in a `ShardIndexer`'s root where the render workers leave the words of the
#: records they write: one file a process, a line a record (`shard<TAB>path<TAB>word ...`).
WORDS_FOLDER = "_ord"


def joined(words: Iterable[str]) -> str:
    """A record's words as one string, as they are noted and kept: sorted, a space between.
    A word has no whitespace in it (`record_words` splits at whitespace)."""
    return " ".join(sorted(words))


def append_words(root: Path, shard: str, path: str, words: Iterable[str]) -> None:
    """Note the words of the record of `path` for `read_page_words`, from whichever process
    made the record. A site path has no tab or line break in it (`pages.urls`)."""
    folder = root / WORDS_FOLDER
    folder.mkdir(exist_ok=True)
    with open(folder / f"{os.getpid()}.txt", "a", encoding="utf-8") as file:
        file.write(f"{shard}\t{path}\t{joined(words)}\n")


def read_page_words(root: Path) -> dict[str, tuple[str, str]]:
    """Site path -> (its record's shard, its words `joined`), as `append_words` noted them."""
    found: dict[str, tuple[str, str]] = {}
    folder = root / WORDS_FOLDER
    if not folder.is_dir():
        return found
    for file in sorted(folder.iterdir()):
        for line in file.read_text(encoding="utf-8").splitlines():
            shard, _tab, rest = line.partition("\t")
            path, _tab, words = rest.partition("\t")
            found[path] = (shard, words)
    return found


def split_words(words: str) -> list[str]:
    """The words of a `joined` string."""
    return words.split(" ") if words else []


def wordlist_id(fragments: Mapping[str, Path]) -> str:
    """The id Pagefind gives the word list in a bundle (its fragment's name, `fragments` by
    path in the bundle), which /sok/ leaves out of the results."""
    wanted = f"/{WORDLIST_PATH}"
    named = [p for p in fragments if p.startswith("fragment/") and p.endswith(".pf_fragment")]
    sizes = {path: fragments[path].stat().st_size for path in named}
    for path in sorted(named, key=lambda p: (-sizes[p], p)):  # the list is the biggest
        raw = gzip.decompress(fragments[path].read_bytes()).removeprefix(SIGNATURE)
        if json.loads(raw).get("url") == wanted:
            return path.removeprefix("fragment/").removesuffix(".pf_fragment")
    raise BundleError(_("the Pagefind bundle has no word list"))
